/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-audit-entry.h"
#include "xuncha-office-enroll-failure.h"
#include "xuncha-office-officer-state.h"
#include "xuncha-office-staff-session.h"
#include "xuncha-office-staff.h"
#include "xuncha-office-storage-error.h"
#include "xuncha-protocol.h"

G_BEGIN_DECLS

/* The console's side of the office's records: staff accounts, their sessions, failed
 * logins and the audit log. Implemented by each records backend next to its
 * XunchaOfficeRecords, on the same database and connections, under the same rules: any
 * thread, several at once, each method one transaction, nothing kept in memory. Errors
 * are XUNCHA_OFFICE_STORAGE_ERROR. The contract: tests/test-office-staff-records.c. */

#define XUNCHA_TYPE_OFFICE_STAFF_RECORDS (xuncha_office_staff_records_get_type ())

G_DECLARE_INTERFACE (XunchaOfficeStaffRecords, xuncha_office_staff_records, XUNCHA,
                     OFFICE_STAFF_RECORDS, GObject)

struct _XunchaOfficeStaffRecordsInterface
{
  GTypeInterface parent_iface;

  gboolean   (*staff_add)          (XunchaOfficeStaffRecords *self,
                                    const XunchaOfficeStaff *staff,
                                    const XunchaOfficeAuditEntry *audit, GError **error);
  XunchaOfficeStaff *(*staff_get)  (XunchaOfficeStaffRecords *self, const char *name,
                                    GError **error);
  GPtrArray *(*staff_list)         (XunchaOfficeStaffRecords *self, GError **error);
  gboolean   (*staff_set_password) (XunchaOfficeStaffRecords *self, const char *name,
                                    const char *password_hash, gboolean must_change,
                                    const XunchaOfficeAuditEntry *audit, GError **error);

  gboolean   (*session_add)        (XunchaOfficeStaffRecords *self,
                                    const XunchaOfficeStaffSession *session,
                                    gint64 expired_before,
                                    const XunchaOfficeAuditEntry *audit, GError **error);
  XunchaOfficeStaffSession *(*session_get) (XunchaOfficeStaffRecords *self,
                                    const char *id_sha256, GError **error);
  gboolean   (*session_touch)      (XunchaOfficeStaffRecords *self, const char *id_sha256,
                                    gint64 seen_at, GError **error);
  gboolean   (*session_end)        (XunchaOfficeStaffRecords *self, const char *id_sha256,
                                    const XunchaOfficeAuditEntry *audit, GError **error);

  gboolean   (*login_failure_add)  (XunchaOfficeStaffRecords *self,
                                    const XunchaOfficeEnrollFailure *failure, guint keep_max,
                                    GError **error);
  GPtrArray *(*login_failures)     (XunchaOfficeStaffRecords *self, gint64 since,
                                    GError **error);

  gboolean   (*audit_add)          (XunchaOfficeStaffRecords *self,
                                    const XunchaOfficeAuditEntry *entry, GError **error);
  GPtrArray *(*audit_list)         (XunchaOfficeStaffRecords *self, gint64 before_id,
                                    guint limit, GError **error);

  GPtrArray *(*officers)           (XunchaOfficeStaffRecords *self, GError **error);
  GPtrArray *(*officer_states)     (XunchaOfficeStaffRecords *self, const char *team,
                                    const char *officer_id, GError **error);
};

/* Adds an account, and @audit with it. CONFLICT when the name is taken. */
gboolean    xuncha_office_staff_records_staff_add          (XunchaOfficeStaffRecords     *self,
                                                            const XunchaOfficeStaff      *staff,
                                                            const XunchaOfficeAuditEntry *audit,
                                                            GError                      **error);
/* NOT_FOUND for an unknown name. */
XunchaOfficeStaff *
            xuncha_office_staff_records_staff_get          (XunchaOfficeStaffRecords     *self,
                                                            const char                   *name,
                                                            GError                      **error);
/* Every account (XunchaOfficeStaff), by name. */
GPtrArray  *xuncha_office_staff_records_staff_list         (XunchaOfficeStaffRecords     *self,
                                                            GError                      **error);
/* Replaces the password hash and ends every session of the account (a new password locks
 * out whoever held the old one), with @audit. NOT_FOUND for an unknown name. */
gboolean    xuncha_office_staff_records_staff_set_password (XunchaOfficeStaffRecords     *self,
                                                            const char                   *name,
                                                            const char                   *password_hash,
                                                            gboolean                      must_change,
                                                            const XunchaOfficeAuditEntry *audit,
                                                            GError                      **error);

/* Keeps a new session, and forgets every session last seen before @expired_before (so
 * the table holds live sessions only), with @audit (nullable: the login) in the same
 * transaction. NOT_FOUND for an unknown account. */
gboolean    xuncha_office_staff_records_session_add        (XunchaOfficeStaffRecords       *self,
                                                            const XunchaOfficeStaffSession *session,
                                                            gint64                          expired_before,
                                                            const XunchaOfficeAuditEntry   *audit,
                                                            GError                        **error);
/* NOT_FOUND for an unknown (or ended) session. Timeouts are the caller's to judge. */
XunchaOfficeStaffSession *
            xuncha_office_staff_records_session_get        (XunchaOfficeStaffRecords     *self,
                                                            const char                   *id_sha256,
                                                            GError                      **error);
/* Moves the session's last use to @seen_at (never back). */
gboolean    xuncha_office_staff_records_session_touch      (XunchaOfficeStaffRecords     *self,
                                                            const char                   *id_sha256,
                                                            gint64                        seen_at,
                                                            GError                      **error);
/* Ends a session (logout, timeout), with @audit (nullable). Ending one already gone is no
 * error: a second logout changes nothing. */
gboolean    xuncha_office_staff_records_session_end        (XunchaOfficeStaffRecords     *self,
                                                            const char                   *id_sha256,
                                                            const XunchaOfficeAuditEntry *audit,
                                                            GError                      **error);

/* A failed login (officer_id holds the name tried); at most @keep_max are kept, the
 * oldest forgotten first, so that made-up names cannot fill the disk. */
gboolean    xuncha_office_staff_records_login_failure_add  (XunchaOfficeStaffRecords        *self,
                                                            const XunchaOfficeEnrollFailure *failure,
                                                            guint                            keep_max,
                                                            GError                         **error);
/* The failed logins at or after @since, oldest first; older ones are forgotten. */
GPtrArray  *xuncha_office_staff_records_login_failures     (XunchaOfficeStaffRecords     *self,
                                                            gint64                        since,
                                                            GError                      **error);

/* Keeps @entry on its own: for what changes no other record. A change and its entry go in
 * the change's own method (staff_add, session_add, the officer changes of
 * XunchaOfficeRecords), so that neither is kept without the other. */
gboolean    xuncha_office_staff_records_audit_add          (XunchaOfficeStaffRecords     *self,
                                                            const XunchaOfficeAuditEntry *entry,
                                                            GError                      **error);
/* At most @limit entries (XunchaOfficeAuditEntry) with an id below @before_id (0: from
 * the newest), newest first. */
GPtrArray  *xuncha_office_staff_records_audit_list         (XunchaOfficeStaffRecords     *self,
                                                            gint64                        before_id,
                                                            guint                         limit,
                                                            GError                      **error);

/* Every officer (XunchaWireOfficer, revoked ones too: their reports stay), by id: the
 * console's names and teams for reports. */
GPtrArray  *xuncha_office_staff_records_officers           (XunchaOfficeStaffRecords     *self,
                                                            GError                      **error);
/* The officers (XunchaOfficeOfficerState, revoked ones too) of @team (NULL: every team),
 * or only @officer_id's (NULL: all), by team and id: the console's list of officers. */
GPtrArray  *xuncha_office_staff_records_officer_states     (XunchaOfficeStaffRecords     *self,
                                                            const char                   *team,
                                                            const char                   *officer_id,
                                                            GError                      **error);
/* Frees an officer of that list. */
void        xuncha_office_staff_records_officer_free       (XunchaWireOfficer            *officer);

/* Adds an account with a new one-time password (returned in @one_time, to be changed at
 * the first login), checking the name, and the team (which a leader needs and no one
 * else has); the audit log names @actor. INVALID (with a message in the user's language)
 * for a bad name or team, CONFLICT for a name taken. */
gboolean    xuncha_office_staff_records_add_account        (XunchaOfficeStaffRecords     *self,
                                                            const char                   *name,
                                                            XunchaOfficeStaffRole         role,
                                                            const char                   *team,
                                                            const char                   *actor,
                                                            char                        **one_time,
                                                            GError                      **error);
/* Gives the account a new one-time password (its sessions end). */
gboolean    xuncha_office_staff_records_reset_password     (XunchaOfficeStaffRecords     *self,
                                                            const char                   *name,
                                                            const char                   *actor,
                                                            char                        **one_time,
                                                            GError                      **error);

G_END_DECLS
