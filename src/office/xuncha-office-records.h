/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-audit-entry.h"
#include "xuncha-office-case-status.h"
#include "xuncha-office-enroll-failure.h"
#include "xuncha-office-enrolled-key.h"
#include "xuncha-office-evidence-record.h"
#include "xuncha-office-merchant.h"
#include "xuncha-office-receipt.h"
#include "xuncha-office-report-filter.h"
#include "xuncha-office-report-record.h"
#include "xuncha-office-storage-error.h"
#include "xuncha-office-shift-coverage.h"
#include "xuncha-office-street.h"
#include "xuncha-evidence-key.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-shift.h"
#include "xuncha-wire-task.h"

G_BEGIN_DECLS

/* The office's records: officers and their devices, reports, shifts and their points,
 * streets, merchants, case status, failed enrollments. Photos are not here: they live in
 * a XunchaOfficePhotoStore.
 *
 * Every method may be called from any thread, and from several at once: the server runs
 * them on its worker pool. An implementation holds its own connections (one per worker at
 * most, never shared by two calls at a time) and makes each method one transaction, so
 * that another office process on the same database sees all of it or nothing.
 *
 * Two implementations: XunchaOfficeSqliteRecords (one SQLite file, the default for a small
 * office) and XunchaOfficePgRecords (PostgreSQL + PostGIS, for a city). Both pass the same
 * contract suite, tests/test-office-records.c. */

#define XUNCHA_TYPE_OFFICE_RECORDS (xuncha_office_records_get_type ())

G_DECLARE_INTERFACE (XunchaOfficeRecords, xuncha_office_records, XUNCHA, OFFICE_RECORDS, GObject)

/* Called once per report, in the order of their receipt; return FALSE to stop. */
typedef gboolean (*XunchaOfficeReportFunc) (const XunchaOfficeReportRecord *record,
                                            gpointer                        user_data);

struct _XunchaOfficeRecordsInterface
{
  GTypeInterface parent_iface;

  /* The schema version this database holds, and the newest this build knows. */
  int        (*schema_version)    (XunchaOfficeRecords *self);

  /* @audit (nullable) is written in the change's transaction. */
  gboolean   (*officer_add)       (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const XunchaOfficeAuditEntry *audit, char **code,
                                   GError **error);
  gboolean   (*officer_revoke)    (XunchaOfficeRecords *self, const char *officer_id,
                                   const XunchaOfficeAuditEntry *audit, GError **error);
  gboolean   (*officer_add_new)   (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const XunchaOfficeAuditEntry *audit, char **code,
                                   GError **error);
  gboolean   (*officer_reset)     (XunchaOfficeRecords *self, const char *officer_id,
                                   const XunchaOfficeAuditEntry *audit, char **code,
                                   GError **error);
  gboolean   (*enroll)            (XunchaOfficeRecords *self, const char *officer_id,
                                   const char *code, const char *device_name,
                                   XunchaEvidenceKey *key, char **token,
                                   XunchaWireOfficer *officer, GError **error);
  gboolean   (*authenticate)      (XunchaOfficeRecords *self, const char *token,
                                   XunchaWireOfficer *officer, GError **error);
  GStrv      (*assigned_streets)  (XunchaOfficeRecords *self, const char *officer_id,
                                   GError **error);
  gboolean   (*device_seen)       (XunchaOfficeRecords *self, const char *token, gint64 at_us,
                                   GError **error);
  gboolean   (*assign_streets)    (XunchaOfficeRecords *self, const char *officer_id,
                                   const char * const *street_ids,
                                   const XunchaOfficeAuditEntry *audit, GError **error);

  gboolean   (*report_put)        (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const XunchaWireReport *report, gboolean *created,
                                   XunchaOfficeReceipt *receipt, GError **error);
  XunchaOfficeReportRecord *(*report_get) (XunchaOfficeRecords *self,
                                   const XunchaWireOfficer *officer, const char *uuid,
                                   GError **error);
  gboolean   (*report_set_status) (XunchaOfficeRecords *self, const char *uuid,
                                   const char *status, GError **error);
  gboolean   (*reports_foreach)   (XunchaOfficeRecords *self, XunchaOfficeReportFunc func,
                                   gpointer user_data, GError **error);
  GPtrArray *(*reports_query)     (XunchaOfficeRecords *self,
                                   const XunchaOfficeReportFilter *filter, guint offset,
                                   guint limit, GError **error);
  GArray    *(*reports_grid)      (XunchaOfficeRecords *self,
                                   const XunchaOfficeReportFilter *filter, guint columns,
                                   guint rows, GError **error);
  GPtrArray *(*reports_count)     (XunchaOfficeRecords *self,
                                   const XunchaOfficeReportFilter *filter,
                                   XunchaOfficeReportGroup group, GError **error);
  GPtrArray *(*streets_within)    (XunchaOfficeRecords *self, double west, double south,
                                   double east, double north, guint limit, GError **error);
  GStrv      (*street_names)      (XunchaOfficeRecords *self, const char *prefix, guint limit,
                                   GError **error);
  GPtrArray *(*status_since)      (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   gint64 since, gint64 *revision, GError **error);

  gboolean   (*shift_put)         (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const XunchaWireShift *shift, gboolean *created,
                                   gint64 *points, GError **error);
  gboolean   (*points_add)        (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const char *shift_uuid, GArray *points, gint64 *stored,
                                   gint64 *total, GError **error);
  GPtrArray *(*officer_shifts)    (XunchaOfficeRecords *self, const char *officer_id,
                                   gint64 from_ms, gint64 to_ms, GError **error);
  GArray    *(*shift_points)      (XunchaOfficeRecords *self, const char *shift_uuid,
                                   GError **error);
  GPtrArray *(*streets_get)       (XunchaOfficeRecords *self, const char * const *ids,
                                   GError **error);
  gboolean   (*shift_coverage_get) (XunchaOfficeRecords *self, const char *shift_uuid,
                                    XunchaOfficeShiftCoverage **stored, gint64 *n_points,
                                    gint64 *newest_seq, gint64 *streets_revision,
                                    GError **error);
  gboolean   (*shift_coverage_put) (XunchaOfficeRecords *self, const char *shift_uuid,
                                    const XunchaOfficeShiftCoverage *coverage,
                                    GError **error);

  gboolean   (*streets_import)    (XunchaOfficeRecords *self, GPtrArray *streets,
                                   gint64 *revision, guint *changed, guint *deleted,
                                   GError **error);
  GPtrArray *(*streets_since)     (XunchaOfficeRecords *self, gint64 since, gint64 *revision,
                                   GStrv *deleted, GError **error);
  gboolean   (*merchants_import)  (XunchaOfficeRecords *self, GPtrArray *merchants,
                                   gint64 *revision, guint *changed, guint *deleted,
                                   GError **error);
  GPtrArray *(*merchants_since)   (XunchaOfficeRecords *self, gint64 since, gint64 *revision,
                                   GStrv *deleted, GError **error);

  gboolean   (*enroll_failure_add) (XunchaOfficeRecords *self,
                                    const XunchaOfficeEnrollFailure *failure, guint keep_max,
                                    GError **error);
  GPtrArray *(*enroll_failures)   (XunchaOfficeRecords *self, gint64 since, gint64 now,
                                   GError **error);

  gboolean   (*revisions_raise)   (XunchaOfficeRecords *self, gint64 minimum, GError **error);

  char      *(*generation)        (XunchaOfficeRecords *self, GError **error);
  char      *(*generation_renew)  (XunchaOfficeRecords *self, GError **error);

  gboolean   (*task_add)          (XunchaOfficeRecords *self, XunchaWireTask *task,
                                   GError **error);
  XunchaWireTask *(*task_get)     (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const char *id, gint64 now_us, GError **error);
  GPtrArray *(*tasks_since)       (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   gint64 since, gint64 now_us, gint64 *revision,
                                   GError **error);
  XunchaWireTask *(*task_cancel)  (XunchaOfficeRecords *self, const char *id, gint64 now_us,
                                   GError **error);
  XunchaWireTask *(*task_accept)  (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const char *id, gint64 now_us, GError **error);
  XunchaWireTask *(*task_result_put) (XunchaOfficeRecords *self,
                                   const XunchaWireOfficer *officer,
                                   const XunchaWireTaskResult *result, gint64 now_us,
                                   gboolean *created, GError **error);
  gboolean   (*message_add)       (XunchaOfficeRecords *self, XunchaWireMessage *message,
                                   GError **error);
  GPtrArray *(*messages_since)    (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   gint64 since, gint64 *revision, GError **error);
  XunchaWireMessage *(*message_read) (XunchaOfficeRecords *self,
                                   const XunchaWireOfficer *officer, const char *id,
                                   const char *read_at, GError **error);
  gboolean   (*photo_visible)     (XunchaOfficeRecords *self, const XunchaWireOfficer *officer,
                                   const char *sha256, GError **error);
  XunchaOfficeEnrolledKey *(*enrolled_key) (XunchaOfficeRecords *self, const char *token,
                                   const char *fingerprint, GError **error);
  gboolean   (*evidence_put)      (XunchaOfficeRecords *self,
                                   const XunchaOfficeEvidenceRecord *record, gboolean *held,
                                   GError **error);
  XunchaOfficeEvidenceRecord *(*evidence_latest) (XunchaOfficeRecords *self,
                                   const char *device_key, GError **error);
  GPtrArray *(*evidence_of_report) (XunchaOfficeRecords *self, const char *uuid,
                                   GError **error);
};

/* The schema version the database holds (after the migrations this build ran). */
int         xuncha_office_records_schema_version   (XunchaOfficeRecords      *self);

/* Adds (or renews) an officer and returns a fresh one-time enrollment code. */
gboolean    xuncha_office_records_officer_add      (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    char                    **code,
                                                    GError                  **error);
/* The same for an officer the records do not hold yet: CONFLICT (nothing changed) for an
 * id taken, also when two calls add it at once. */
gboolean    xuncha_office_records_officer_add_new  (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    char                    **code,
                                                    GError                  **error);
/* Revokes the officer's tokens and unspent code. NOT_FOUND for an unknown officer. */
gboolean    xuncha_office_records_officer_revoke   (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    GError                  **error);

/* The officer changes the console and the command line make, each with @audit (who, when,
 * what, before → after) written in the change's own transaction: both are kept or neither,
 * also when the office is killed between them. A change that fails writes no audit entry. */
gboolean    xuncha_office_records_officer_add_with_audit
                                                   (XunchaOfficeRecords          *self,
                                                    const XunchaWireOfficer      *officer,
                                                    const XunchaOfficeAuditEntry *audit,
                                                    char                        **code,
                                                    GError                      **error);
gboolean    xuncha_office_records_officer_add_new_with_audit
                                                   (XunchaOfficeRecords          *self,
                                                    const XunchaWireOfficer      *officer,
                                                    const XunchaOfficeAuditEntry *audit,
                                                    char                        **code,
                                                    GError                      **error);
gboolean    xuncha_office_records_officer_revoke_with_audit
                                                   (XunchaOfficeRecords          *self,
                                                    const char                   *officer_id,
                                                    const XunchaOfficeAuditEntry *audit,
                                                    GError                      **error);
/* Resets the officer's enrollment: his tokens revoked and a fresh one-time code (returned
 * in @code) that is not revoked, his name and team kept. NOT_FOUND for an unknown
 * officer. */
gboolean    xuncha_office_records_officer_reset    (XunchaOfficeRecords          *self,
                                                    const char                   *officer_id,
                                                    const XunchaOfficeAuditEntry *audit,
                                                    char                        **code,
                                                    GError                      **error);
gboolean    xuncha_office_records_assign_streets_with_audit
                                                   (XunchaOfficeRecords          *self,
                                                    const char                   *officer_id,
                                                    const char * const           *street_ids,
                                                    const XunchaOfficeAuditEntry *audit,
                                                    GError                      **error);
/* Spends an enrollment code for a new device token. UNAUTHORIZED on any mismatch; a code
 * is spent once, also when two devices race for it. */
gboolean    xuncha_office_records_enroll           (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    const char               *code,
                                                    const char               *device_name,
                                                    char                    **token,
                                                    XunchaWireOfficer        *officer,
                                                    GError                  **error);
/* The same, keeping @key (a public signing key, docs/evidence.md) with the new token in
 * the same transaction; NULL @key: a device of before signing keys. */
gboolean    xuncha_office_records_enroll_with_key  (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    const char               *code,
                                                    const char               *device_name,
                                                    XunchaEvidenceKey        *key,
                                                    char                    **token,
                                                    XunchaWireOfficer        *officer,
                                                    GError                  **error);
/* The signing key kept with a device token (@token), or the key of that fingerprint
 * (@fingerprint; a revoked token's too: its manifests stay evidence), exactly one of the
 * two given. NULL and no error when there is none: a token of a device enrolled before
 * keys, or a fingerprint no device enrolled with. */
XunchaOfficeEnrolledKey *
            xuncha_office_records_enrolled_key     (XunchaOfficeRecords      *self,
                                                    const char               *token,
                                                    const char               *fingerprint,
                                                    GError                  **error);
/* UNAUTHORIZED for an unknown or revoked token. */
gboolean    xuncha_office_records_authenticate     (XunchaOfficeRecords      *self,
                                                    const char               *token,
                                                    XunchaWireOfficer        *officer,
                                                    GError                  **error);
/* Keeps @at_us (wall clock, microseconds) as the last sync of the device of @token (the
 * console's "last sync"). It never waits for a write another call holds: BUSY then, and
 * the caller goes on without it. An unknown token changes nothing. */
gboolean    xuncha_office_records_device_seen      (XunchaOfficeRecords      *self,
                                                    const char               *token,
                                                    gint64                    at_us,
                                                    GError                  **error);
/* The officer's assigned street ids, sorted; an empty vector for none. */
GStrv       xuncha_office_records_assigned_streets (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    GError                  **error);
/* Replaces the officer's assigned street segments (街面分段责任制); every id must be a
 * street the office holds (REFUSED otherwise, nothing changed). */
gboolean    xuncha_office_records_assign_streets   (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    const char * const       *street_ids,
                                                    GError                  **error);

/* Keeps a signed manifest the caller checked (docs/evidence.md), its received_at set now.
 * One with the same SHA-256 kept before: *@held TRUE and nothing changes (a retry).
 * CONFLICT when its key's chain already holds another manifest at that chain and
 * sequence, or a later one (two devices with one key, or two calls racing). */
gboolean    xuncha_office_records_evidence_put     (XunchaOfficeRecords      *self,
                                                    const XunchaOfficeEvidenceRecord *record,
                                                    gboolean                 *held,
                                                    GError                  **error);
/* The latest manifest of key @device_key (its last chain's highest sequence); NULL and no
 * error when none is kept. */
XunchaOfficeEvidenceRecord *
            xuncha_office_records_evidence_latest  (XunchaOfficeRecords      *self,
                                                    const char               *device_key,
                                                    GError                  **error);
/* Every manifest of report @uuid by revision (XunchaOfficeEvidenceRecord), empty when it
 * has none. */
GPtrArray  *xuncha_office_records_evidence_of_report (XunchaOfficeRecords    *self,
                                                    const char               *uuid,
                                                    GError                  **error);

/* Stores a report: @created TRUE for new, FALSE for the same content again (the first
 * receipt). CONFLICT (receipt of the held version filled, the new one kept for review),
 * FORBIDDEN (another officer's uuid), REFUSED (its parent_uuid or shift_uuid names another
 * officer's report or shift). Whether its photos are held is the caller's question (the
 * photo store's): the records do not see photos. */
gboolean    xuncha_office_records_report_put       (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const XunchaWireReport   *report,
                                                    gboolean                 *created,
                                                    XunchaOfficeReceipt      *receipt,
                                                    GError                  **error);
/* NOT_FOUND when @officer (NULL: the administrator) may not see it: a team leader sees his
 * team's, an officer his own. */
XunchaOfficeReportRecord *
            xuncha_office_records_report_get       (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const char               *uuid,
                                                    GError                  **error);
/* Sets the case status at a new revision. NOT_FOUND for an unknown report. */
gboolean    xuncha_office_records_report_set_status (XunchaOfficeRecords     *self,
                                                    const char               *uuid,
                                                    const char               *status,
                                                    GError                  **error);
/* Every report in the order of receipt, one at a time, so that an export of a city's
 * year does not hold it all in memory. */
gboolean    xuncha_office_records_reports_foreach  (XunchaOfficeRecords      *self,
                                                    XunchaOfficeReportFunc    func,
                                                    gpointer                  user_data,
                                                    GError                  **error);
/* The reports @filter selects, newest first (by created_at, then uuid), skipping @offset
 * and at most @limit (1 to 10,000), as XunchaOfficeReportRecord: the console's list and
 * map. Answered from indexes. */
GPtrArray  *xuncha_office_records_reports_query    (XunchaOfficeRecords            *self,
                                                    const XunchaOfficeReportFilter *filter,
                                                    guint                           offset,
                                                    guint                           limit,
                                                    GError                        **error);
/* The reports @filter selects (which must have a bounding box) counted in a grid of
 * @columns × @rows cells over the box (1 to 256 each), as XunchaOfficeReportCell, only
 * the cells that hold any: the map's clusters when there are too many reports to send. */
GArray     *xuncha_office_records_reports_grid     (XunchaOfficeRecords            *self,
                                                    const XunchaOfficeReportFilter *filter,
                                                    guint                           columns,
                                                    guint                           rows,
                                                    GError                        **error);
/* The reports @filter selects counted by @group, as XunchaOfficeReportCount in no set
 * order (a street's count: the reports on its segments; a report without a street, or a
 * merchant, is not counted for it): the weekly report's tables, from the indexes. */
GPtrArray  *xuncha_office_records_reports_count    (XunchaOfficeRecords            *self,
                                                    const XunchaOfficeReportFilter *filter,
                                                    XunchaOfficeReportGroup         group,
                                                    GError                        **error);
/* The street segments (XunchaOfficeStreet, not deleted) whose bounding box meets the box
 * given in degrees, at most @limit (1 to 10,000), in no set order: the map's base. */
GPtrArray  *xuncha_office_records_streets_within   (XunchaOfficeRecords            *self,
                                                    double                          west,
                                                    double                          south,
                                                    double                          east,
                                                    double                          north,
                                                    guint                           limit,
                                                    GError                        **error);
/* The names of the street segments (not deleted) that begin with @prefix (UTF-8, not
 * empty), each once, in byte order, at most @limit (1 to 100): the console's street
 * picker, which never loads every name. */
GStrv       xuncha_office_records_street_names     (XunchaOfficeRecords            *self,
                                                    const char                     *prefix,
                                                    guint                           limit,
                                                    GError                        **error);
/* The case statuses @officer may see that changed after @since, as XunchaOfficeCaseStatus,
 * and the revision to ask from next time. A change committed later never carries a
 * revision at or below one already answered: a device asking again from @revision misses
 * nothing. */
GPtrArray  *xuncha_office_records_status_since     (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    gint64                    since,
                                                    gint64                   *revision,
                                                    GError                  **error);

/* @created TRUE for a new shift; @points: how many points the office holds for it. */
gboolean    xuncha_office_records_shift_put        (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const XunchaWireShift    *shift,
                                                    gboolean                 *created,
                                                    gint64                   *points,
                                                    GError                  **error);
/* @points: GArray of XunchaWirePoint. Points already held (same seq) are kept as they
 * are; @stored: how many were new; @total: how many the shift has now. */
gboolean    xuncha_office_records_points_add       (XunchaOfficeRecords      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const char               *shift_uuid,
                                                    GArray                   *points,
                                                    gint64                   *stored,
                                                    gint64                   *total,
                                                    GError                  **error);

/* The officer's shifts (XunchaWireShift) that overlap the time from @from_ms to @to_ms
 * (Unix milliseconds, end excluded), by start: one still open counts as running until now.
 * An officer without shifts there, or unknown, gives an empty array. */
GPtrArray  *xuncha_office_records_officer_shifts   (XunchaOfficeRecords      *self,
                                                    const char               *officer_id,
                                                    gint64                    from_ms,
                                                    gint64                    to_ms,
                                                    GError                  **error);
/* The shift's track points (XunchaWirePoint) by seq, as the device sent them; empty for
 * a shift without points or one the office does not hold. */
GArray     *xuncha_office_records_shift_points     (XunchaOfficeRecords      *self,
                                                    const char               *shift_uuid,
                                                    GError                  **error);
/* In one snapshot: the shift's stored coverage (NULL in @stored for none) and the inputs
 * it would be computed from now: the shift's point count (kept by points_add: no point is
 * read), their highest seq (0 for none) and the streets' revision counter. The caller
 * compares them (xuncha_office_shift_coverage_is_current()). */
gboolean    xuncha_office_records_shift_coverage_get (XunchaOfficeRecords        *self,
                                                      const char                 *shift_uuid,
                                                      XunchaOfficeShiftCoverage **stored,
                                                      gint64                     *n_points,
                                                      gint64                     *newest_seq,
                                                      gint64                     *streets_revision,
                                                      GError                    **error);
/* Stores the shift's coverage in place of what was stored; NOT_FOUND for a shift the
 * office does not hold. Its inputs are those it was computed from: the points read and the
 * streets' revision read before the streets, so that a change in between leaves it stale
 * rather than wrong. */
gboolean    xuncha_office_records_shift_coverage_put (XunchaOfficeRecords             *self,
                                                      const char                      *shift_uuid,
                                                      const XunchaOfficeShiftCoverage *coverage,
                                                      GError                         **error);
/* The street segments (XunchaOfficeStreet, not deleted) of these ids, by id; an id the
 * office does not hold is left out. */
GPtrArray  *xuncha_office_records_streets_get      (XunchaOfficeRecords      *self,
                                                    const char * const       *ids,
                                                    GError                  **error);

/* Replaces the whole set of streets (XunchaOfficeStreet): new and changed ones get a new
 * revision, missing ones are marked deleted at it; unchanged ones keep theirs. */
gboolean    xuncha_office_records_streets_import   (XunchaOfficeRecords      *self,
                                                    GPtrArray                *streets,
                                                    gint64                   *revision,
                                                    guint                    *changed,
                                                    guint                    *deleted,
                                                    GError                  **error);
/* The streets changed after @since (XunchaOfficeStreet) and the ids deleted after it. */
GPtrArray  *xuncha_office_records_streets_since    (XunchaOfficeRecords      *self,
                                                    gint64                    since,
                                                    gint64                   *revision,
                                                    GStrv                    *deleted,
                                                    GError                  **error);
/* The same for merchants (XunchaOfficeMerchant). */
gboolean    xuncha_office_records_merchants_import (XunchaOfficeRecords      *self,
                                                    GPtrArray                *merchants,
                                                    gint64                   *revision,
                                                    guint                    *changed,
                                                    guint                    *deleted,
                                                    GError                  **error);
GPtrArray  *xuncha_office_records_merchants_since  (XunchaOfficeRecords      *self,
                                                    gint64                    since,
                                                    gint64                   *revision,
                                                    GStrv                    *deleted,
                                                    GError                  **error);

/* Keeps a failed enrollment attempt; at most @keep_max of them are kept, the oldest
 * forgotten first, so made-up officer ids cannot fill the disk. */
gboolean    xuncha_office_records_enroll_failure_add (XunchaOfficeRecords             *self,
                                                      const XunchaOfficeEnrollFailure *failure,
                                                      guint                            keep_max,
                                                      GError                         **error);
/* The failed enrollment attempts at or after @since, oldest first, as
 * XunchaOfficeEnrollFailure; older ones are forgotten. A time after @now (the clock was
 * set back since it was kept) is taken, and kept, as @now. */
GPtrArray  *xuncha_office_records_enroll_failures    (XunchaOfficeRecords             *self,
                                                      gint64                           since,
                                                      gint64                           now,
                                                      GError                         **error);

/* Raises the revision counters of the case statuses, streets and merchants to @minimum
 * where they are below it: the next change of each gets a revision above @minimum. After a
 * restore the counters are those of the backup, below revisions the office already
 * answered devices with; a change given one of those again would be missed by a device
 * asking from above it. A restore raises them to the time in microseconds, above every
 * revision given before (and far below the protocol's 2^53). */
gboolean    xuncha_office_records_revisions_raise    (XunchaOfficeRecords             *self,
                                                      gint64                           minimum,
                                                      GError                         **error);

/* The records' generation: 32 random lowercase hex digits, made when the schema is first
 * created (or migrated to one that has it) and made anew by every restore. A device keeps
 * the one it last saw; a different one tells it that the office lost what it acknowledged
 * since, and it sends that again. */
char       *xuncha_office_records_generation         (XunchaOfficeRecords             *self,
                                                      GError                         **error);
/* Replaces the generation with a new random one, and returns it. */
char       *xuncha_office_records_generation_renew   (XunchaOfficeRecords             *self,
                                                      GError                         **error);

/* Tasks (docs/protocol.md, Tasks and messages). @now_us is the wall-clock time (Unix
 * microseconds) the caller decides expiry against: a task open or accepted past its
 * deadline is stored as expired, with a revision of its own, by whichever method sees it
 * first. @officer NULL is the office itself (the command line), which sees every task. */

/* Stores a new task (its id, made by the caller, and every member but state, accepted_by,
 * result and revision, which the records set: open, none, none, and a new revision, written
 * back into @task). CONFLICT for an id already held; REFUSED when a check names a report
 * the office does not hold. */
gboolean        xuncha_office_records_task_add         (XunchaOfficeRecords         *self,
                                                        XunchaWireTask              *task,
                                                        GError                     **error);
/* NOT_FOUND for a task that does not exist or that @officer may not see. */
XunchaWireTask *xuncha_office_records_task_get         (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        const char                  *id,
                                                        gint64                       now_us,
                                                        GError                     **error);
/* The tasks @officer may see (his own, his team's team tasks; a leader: every task of his
 * team) changed after @since, by revision, at most XUNCHA_WIRE_TASK_DELTA_MAX for an
 * officer (all for the office); @revision: where the next call goes on from. */
GPtrArray      *xuncha_office_records_tasks_since      (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        gint64                       since,
                                                        gint64                       now_us,
                                                        gint64                      *revision,
                                                        GError                     **error);
/* Cancels an open or accepted task. NOT_FOUND; TASK_CLOSED for one done or expired (one
 * cancelled already is answered as it is). */
XunchaWireTask *xuncha_office_records_task_cancel      (XunchaOfficeRecords         *self,
                                                        const char                  *id,
                                                        gint64                       now_us,
                                                        GError                     **error);
/* Accepts a task for @officer: his own, or his team's team task while it is open (the
 * first officer to accept it takes it; a conditional update, so of two at once exactly one
 * does). Again by him: the same answer. NOT_FOUND (not his or his team's), TASK_TAKEN
 * (accepted by another; the office's view, task_get() with no officer, says by whom),
 * TASK_CLOSED. */
XunchaWireTask *xuncha_office_records_task_accept      (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        const char                  *id,
                                                        gint64                       now_us,
                                                        GError                     **error);
/* Stores a task's result and applies its effect on the case (verify confirmed/different:
 * the named reports to 待立案; check fixed: the case to 待结案; not_fixed, partly: 退回),
 * in one transaction. @created FALSE for the same result again. NOT_FOUND (no such task),
 * FORBIDDEN (not his, or a team task another accepted), CONFLICT (a different result is
 * held), REFUSED (an outcome not of the task's kind, a roll call without its shift or
 * position, a report the office does not hold or that is not his: the message names
 * report_uuids[i]). A cancelled or expired task keeps its state and gets the result. */
XunchaWireTask *xuncha_office_records_task_result_put  (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        const XunchaWireTaskResult  *result,
                                                        gint64                       now_us,
                                                        gboolean                    *created,
                                                        GError                     **error);

/* Messages. Stores a new message (id made by the caller); sets its revision. CONFLICT for
 * an id already held. */
gboolean        xuncha_office_records_message_add      (XunchaOfficeRecords         *self,
                                                        XunchaWireMessage           *message,
                                                        GError                     **error);
/* Messages to @officer, his team or everyone, sent or read by him after @since, each with
 * his read_at; at most XUNCHA_WIRE_TASK_DELTA_MAX for an officer. @officer NULL: every
 * message, without read_at. */
GPtrArray      *xuncha_office_records_messages_since   (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        gint64                       since,
                                                        gint64                      *revision,
                                                        GError                     **error);
/* Marks a message read by @officer at @read_at; again: the first read_at stays. NOT_FOUND
 * when it is not addressed to him. */
XunchaWireMessage *xuncha_office_records_message_read  (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        const char                  *id,
                                                        const char                  *read_at,
                                                        GError                     **error);
/* Whether @officer may fetch the photo @sha256: attached to a task he may see or to a
 * report he may read. */
gboolean        xuncha_office_records_photo_visible    (XunchaOfficeRecords         *self,
                                                        const XunchaWireOfficer     *officer,
                                                        const char                  *sha256,
                                                        GError                     **error);

/* What every backend applies alike. The case status a task's result sets (verify
 * confirmed or different: 待立案; check fixed: 待结案; not_fixed, partly: 退回), or NULL
 * for none. */
const char     *xuncha_office_task_case_status         (const char                  *kind,
                                                        const char                  *outcome);
/* A task's deadline in Unix microseconds; FALSE for a time that cannot be read. */
gboolean        xuncha_office_task_deadline_us         (const char                  *deadline,
                                                        gint64                      *out);

G_END_DECLS
