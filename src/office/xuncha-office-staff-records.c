/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xuncha-office-password.h"
#include "xuncha-office-staff-records.h"

/* A team's name, as the officers' records carry it. */
#define TEAM_MAX_BYTES 64

G_DEFINE_INTERFACE (XunchaOfficeStaffRecords, xuncha_office_staff_records, G_TYPE_OBJECT)

static void
xuncha_office_staff_records_default_init (XunchaOfficeStaffRecordsInterface *iface)
{
}

#define IFACE(self) XUNCHA_OFFICE_STAFF_RECORDS_GET_IFACE (self)

gboolean
xuncha_office_staff_records_staff_add (XunchaOfficeStaffRecords     *self,
                                       const XunchaOfficeStaff      *staff,
                                       const XunchaOfficeAuditEntry *audit,
                                       GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (staff != NULL && staff->name != NULL, FALSE);
  g_return_val_if_fail (staff->password_hash != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->staff_add (self, staff, audit, error);
}

XunchaOfficeStaff *
xuncha_office_staff_records_staff_get (XunchaOfficeStaffRecords  *self,
                                       const char                *name,
                                       GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->staff_get (self, name, error);
}

GPtrArray *
xuncha_office_staff_records_staff_list (XunchaOfficeStaffRecords  *self,
                                        GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->staff_list (self, error);
}

gboolean
xuncha_office_staff_records_staff_set_password (XunchaOfficeStaffRecords     *self,
                                                const char                   *name,
                                                const char                   *password_hash,
                                                gboolean                      must_change,
                                                const XunchaOfficeAuditEntry *audit,
                                                GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (name != NULL && password_hash != NULL && audit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->staff_set_password (self, name, password_hash, must_change, audit,
                                           error);
}

gboolean
xuncha_office_staff_records_session_add (XunchaOfficeStaffRecords       *self,
                                         const XunchaOfficeStaffSession *session,
                                         gint64                          expired_before,
                                         const XunchaOfficeAuditEntry   *audit,
                                         GError                        **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (session != NULL && session->id_sha256 != NULL, FALSE);
  g_return_val_if_fail (session->staff_name != NULL && session->csrf_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->session_add (self, session, expired_before, audit, error);
}

XunchaOfficeStaffSession *
xuncha_office_staff_records_session_get (XunchaOfficeStaffRecords  *self,
                                         const char                *id_sha256,
                                         GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (id_sha256 != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->session_get (self, id_sha256, error);
}

gboolean
xuncha_office_staff_records_session_touch (XunchaOfficeStaffRecords  *self,
                                           const char                *id_sha256,
                                           gint64                     seen_at,
                                           GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (id_sha256 != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->session_touch (self, id_sha256, seen_at, error);
}

gboolean
xuncha_office_staff_records_session_end (XunchaOfficeStaffRecords     *self,
                                         const char                   *id_sha256,
                                         const XunchaOfficeAuditEntry *audit,
                                         GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (id_sha256 != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->session_end (self, id_sha256, audit, error);
}

gboolean
xuncha_office_staff_records_login_failure_add (XunchaOfficeStaffRecords        *self,
                                               const XunchaOfficeEnrollFailure *failure,
                                               guint                            keep_max,
                                               GError                         **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (failure != NULL && failure->officer_id != NULL, FALSE);
  g_return_val_if_fail (failure->address != NULL && keep_max > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->login_failure_add (self, failure, keep_max, error);
}

GPtrArray *
xuncha_office_staff_records_login_failures (XunchaOfficeStaffRecords  *self,
                                            gint64                     since,
                                            GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->login_failures (self, since, error);
}

gboolean
xuncha_office_staff_records_audit_add (XunchaOfficeStaffRecords     *self,
                                       const XunchaOfficeAuditEntry *entry,
                                       GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->actor != NULL && entry->action != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->audit_add (self, entry, error);
}

GPtrArray *
xuncha_office_staff_records_audit_list (XunchaOfficeStaffRecords  *self,
                                        gint64                     before_id,
                                        guint                      limit,
                                        GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->audit_list (self, before_id, limit, error);
}

GPtrArray *
xuncha_office_staff_records_officers (XunchaOfficeStaffRecords  *self,
                                      GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->officers (self, error);
}

GPtrArray *
xuncha_office_staff_records_officer_states (XunchaOfficeStaffRecords  *self,
                                            const char                *team,
                                            const char                *officer_id,
                                            GError                   **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->officer_states (self, team, officer_id, error);
}

void
xuncha_office_staff_records_officer_free (XunchaWireOfficer *officer)
{
  if (officer == NULL)
    return;
  xuncha_wire_officer_clear (officer);
  g_free (officer);
}

gboolean
xuncha_office_staff_records_add_account (XunchaOfficeStaffRecords  *self,
                                         const char                *name,
                                         XunchaOfficeStaffRole      role,
                                         const char                *team,
                                         const char                *actor,
                                         char                     **one_time,
                                         GError                   **error)
{
  g_autoptr(XunchaOfficeStaff) staff = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *password = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (actor != NULL && one_time != NULL, FALSE);

  if (!xuncha_office_staff_name_is_valid (name))
    {
      g_set_error_literal (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                           _("A staff name is 1 to 64 letters, digits, dots, dashes or "
                             "underscores."));
      return FALSE;
    }
  if ((role == XUNCHA_OFFICE_STAFF_ROLE_LEADER) != (team != NULL && *team != '\0'))
    {
      g_set_error_literal (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                           _("A team leader needs --team, and only a team leader has one."));
      return FALSE;
    }
  if (team != NULL && (strlen (team) > TEAM_MAX_BYTES || !g_utf8_validate (team, -1, NULL)))
    {
      g_set_error_literal (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                           _("A team name is at most 64 bytes of text."));
      return FALSE;
    }

  password = xuncha_office_password_one_time ();
  staff = xuncha_office_staff_new ();
  staff->name = g_strdup (name);
  staff->role = role;
  staff->team = g_strdup (team);
  staff->must_change = TRUE;
  staff->created_at = g_get_real_time ();
  staff->password_hash = xuncha_office_password_hash (password, error);
  if (staff->password_hash == NULL)
    return FALSE;
  after = team != NULL ? g_strdup_printf ("role=%s team=%s",
                                          xuncha_office_staff_role_to_string (role), team)
                       : g_strdup_printf ("role=%s", xuncha_office_staff_role_to_string (role));
  audit = xuncha_office_audit_entry_new (actor, "staff.add", name, NULL, after);
  if (!xuncha_office_staff_records_staff_add (self, staff, audit, error))
    return FALSE;
  *one_time = g_steal_pointer (&password);
  return TRUE;
}

gboolean
xuncha_office_staff_records_reset_password (XunchaOfficeStaffRecords  *self,
                                            const char                *name,
                                            const char                *actor,
                                            char                     **one_time,
                                            GError                   **error)
{
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (self), FALSE);
  g_return_val_if_fail (name != NULL && actor != NULL && one_time != NULL, FALSE);

  password = xuncha_office_password_one_time ();
  hash = xuncha_office_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  audit = xuncha_office_audit_entry_new (actor, "password.reset", name, NULL,
                                         "one-time password");
  if (!xuncha_office_staff_records_staff_set_password (self, name, hash, TRUE, audit, error))
    return FALSE;
  *one_time = g_steal_pointer (&password);
  return TRUE;
}
