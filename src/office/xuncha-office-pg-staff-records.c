/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XunchaOfficeStaffRecords on PostgreSQL: the console's accounts, sessions, failed logins
 * and audit log beside the rest of the records (migration 3 of
 * xuncha-office-pg-records.c). Parameterised queries only. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <libpq-fe.h>

#include "xuncha-office-pg-part-private.h"

typedef struct
{
  const XunchaOfficeStaff        *staff;
  const XunchaOfficeStaffSession *session;
  const XunchaOfficeAuditEntry   *audit;
  const XunchaOfficeEnrollFailure *failure;
  const char                     *name;
  const char                     *text;
  gboolean                        flag;
  gint64                          number;
  gint64                          limit;
  gpointer                        found;    /* what a read found, which find() hands on */
} Call;

static gint64
changes (const PGresult *result)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *)result), NULL, 10);
}

static gboolean
not_found (GError     **error,
           const char  *what,
           const char  *name)
{
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
               "No %s %s", what, name);
  return FALSE;
}

gboolean
xuncha_office_pg_audit_insert (PGconn                        *conn,
                               const XunchaOfficeAuditEntry  *entry,
                               GError                       **error)
{
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, entry->at);
  g_autoptr(PGresult) result = run (conn, error,
                                    "INSERT INTO audit_log (at, actor, action, subject, before,"
                                    " after) VALUES ($1, $2, $3, $4, $5, $6)",
                                    at, entry->actor, entry->action, entry->subject,
                                    entry->before, entry->after);

  return result != NULL;
}

static gboolean
staff_add_work (PGconn    *conn,
                gpointer   data,
                GError   **error)
{
  Call *call = data;
  const XunchaOfficeStaff *staff = call->staff;
  g_autofree char *created_at = g_strdup_printf ("%" G_GINT64_FORMAT, staff->created_at);
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "INSERT INTO staff (name, role, team, password_hash, must_change, disabled, "
                "  created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                staff->name, xuncha_office_staff_role_to_string (staff->role), staff->team,
                staff->password_hash, staff->must_change ? "t" : "f",
                staff->disabled ? "t" : "f", created_at);
  if (result == NULL)
    return FALSE;
  if (changes (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "A staff account %s exists already", staff->name);
      return FALSE;
    }
  return audit_insert (conn, call->audit, error);
}

static gboolean
staff_add (XunchaOfficeStaffRecords      *records,
           const XunchaOfficeStaff       *staff,
           const XunchaOfficeAuditEntry  *audit,
           GError                       **error)
{
  Call call = { .staff = staff, .audit = audit };

  return transact (records, "staff_add", TRUE, staff_add_work, &call, error);
}

#define STAFF_COLUMNS "name, role, team, password_hash, must_change, disabled, created_at"

static XunchaOfficeStaff *
staff_from_row (const PGresult *result,
                int             row)
{
  g_autoptr(XunchaOfficeStaff) staff = xuncha_office_staff_new ();

  staff->name = g_strdup (text_at (result, row, 0));
  /* Only the migrations and this file write the column: an unknown word is a damaged
   * database, and the least power is the safe reading of it. */
  if (!xuncha_office_staff_role_from_string (text_at (result, row, 1), &staff->role))
    {
      g_warning ("Staff account %s has an unknown role; taken as disabled", staff->name);
      staff->disabled = TRUE;
    }
  staff->team = g_strdup (text_at (result, row, 2));
  staff->password_hash = g_strdup (text_at (result, row, 3));
  staff->must_change = bool_at (result, row, 4);
  staff->disabled |= bool_at (result, row, 5);
  staff->created_at = int64_at (result, row, 6);
  return g_steal_pointer (&staff);
}

static gboolean
staff_get_work (PGconn    *conn,
                gpointer   data,
                GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT " STAFF_COLUMNS " FROM staff WHERE name = $1",
                                    call->name);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return not_found (error, "staff account", call->name);
  call->found = staff_from_row (result, 0);
  return TRUE;
}

static XunchaOfficeStaff *
staff_get (XunchaOfficeStaffRecords  *records,
           const char                *name,
           GError                   **error)
{
  Call call = { .name = name };

  return find (records, "staff_get", FALSE, staff_get_work, &call, &call.found,
               xuncha_office_staff_free, error);
}

static gboolean
staff_list_work (PGconn    *conn,
                 gpointer   data,
                 GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = xuncha_office_pg_records_run (conn, error,
                                                             "SELECT " STAFF_COLUMNS " FROM staff "
                                                             "ORDER BY name", NULL, 0);
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_staff_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (list, staff_from_row (result, row));
  call->found = list;
  return TRUE;
}

static GPtrArray *
staff_list (XunchaOfficeStaffRecords  *records,
            GError                   **error)
{
  Call call = { 0 };

  return find (records, "staff_list", FALSE, staff_list_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
staff_set_password_work (PGconn    *conn,
                         gpointer   data,
                         GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) update = NULL;
  g_autoptr(PGresult) sessions = NULL;

  update = run (conn, error,
                "UPDATE staff SET password_hash = $2, must_change = $3 WHERE name = $1",
                call->name, call->text, call->flag ? "t" : "f");
  if (update == NULL)
    return FALSE;
  if (changes (update) == 0)
    return not_found (error, "staff account", call->name);
  sessions = run (conn, error, "DELETE FROM staff_sessions WHERE staff_name = $1", call->name);
  return sessions != NULL && audit_insert (conn, call->audit, error);
}

static gboolean
staff_set_password (XunchaOfficeStaffRecords      *records,
                    const char                    *name,
                    const char                    *password_hash,
                    gboolean                       must_change,
                    const XunchaOfficeAuditEntry  *audit,
                    GError                       **error)
{
  Call call = { .name = name, .text = password_hash, .flag = must_change, .audit = audit };

  return transact (records, "staff_set_password", TRUE, staff_set_password_work, &call, error);
}

static gboolean
session_add_work (PGconn    *conn,
                  gpointer   data,
                  GError   **error)
{
  Call *call = data;
  const XunchaOfficeStaffSession *session = call->session;
  g_autofree char *expired = g_strdup_printf ("%" G_GINT64_FORMAT, call->number);
  g_autofree char *created_at = g_strdup_printf ("%" G_GINT64_FORMAT, session->created_at);
  g_autofree char *seen_at = g_strdup_printf ("%" G_GINT64_FORMAT, session->seen_at);
  g_autoptr(PGresult) forget = NULL;
  g_autoptr(PGresult) insert = NULL;

  forget = run (conn, error, "DELETE FROM staff_sessions WHERE seen_at < $1", expired);
  if (forget == NULL)
    return FALSE;
  insert = run (conn, error,
                "INSERT INTO staff_sessions (id_sha256, staff_name, csrf_token, created_at, "
                "  seen_at) SELECT $1, name, $3, $4, $5 FROM staff WHERE name = $2",
                session->id_sha256, session->staff_name, session->csrf_token, created_at,
                seen_at);
  if (insert == NULL)
    return FALSE;
  if (changes (insert) == 0)
    return not_found (error, "staff account", session->staff_name);
  return call->audit == NULL || audit_insert (conn, call->audit, error);
}

static gboolean
session_add (XunchaOfficeStaffRecords        *records,
             const XunchaOfficeStaffSession  *session,
             gint64                           expired_before,
             const XunchaOfficeAuditEntry    *audit,
             GError                         **error)
{
  Call call = { .session = session, .number = expired_before, .audit = audit };

  return transact (records, "session_add", TRUE, session_add_work, &call, error);
}

static gboolean
session_get_work (PGconn    *conn,
                  gpointer   data,
                  GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT id_sha256, staff_name, csrf_token, created_at, "
                                    "  seen_at FROM staff_sessions WHERE id_sha256 = $1",
                                    call->text);
  XunchaOfficeStaffSession *session;

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return not_found (error, "session", "with that id");
  session = xuncha_office_staff_session_new ();
  session->id_sha256 = g_strdup (text_at (result, 0, 0));
  session->staff_name = g_strdup (text_at (result, 0, 1));
  session->csrf_token = g_strdup (text_at (result, 0, 2));
  session->created_at = int64_at (result, 0, 3);
  session->seen_at = int64_at (result, 0, 4);
  call->found = session;
  return TRUE;
}

static XunchaOfficeStaffSession *
session_get (XunchaOfficeStaffRecords  *records,
             const char                *id_sha256,
             GError                   **error)
{
  Call call = { .text = id_sha256 };

  return find (records, "session_get", FALSE, session_get_work, &call, &call.found,
               xuncha_office_staff_session_free, error);
}

static gboolean
session_touch_work (PGconn    *conn,
                    gpointer   data,
                    GError   **error)
{
  Call *call = data;
  g_autofree char *seen_at = g_strdup_printf ("%" G_GINT64_FORMAT, call->number);
  g_autoptr(PGresult) result = run (conn, error,
                                    "UPDATE staff_sessions SET seen_at = greatest (seen_at, $2) "
                                    "WHERE id_sha256 = $1", call->text, seen_at);

  return result != NULL;
}

static gboolean
session_touch (XunchaOfficeStaffRecords  *records,
               const char                *id_sha256,
               gint64                     seen_at,
               GError                   **error)
{
  Call call = { .text = id_sha256, .number = seen_at };

  return transact (records, "session_touch", TRUE, session_touch_work, &call, error);
}

static gboolean
session_end_work (PGconn    *conn,
                  gpointer   data,
                  GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run (conn, error,
                                    "DELETE FROM staff_sessions WHERE id_sha256 = $1",
                                    call->text);

  if (result == NULL)
    return FALSE;
  if (call->audit != NULL && changes (result) > 0)
    return audit_insert (conn, call->audit, error);
  return TRUE;
}

static gboolean
session_end (XunchaOfficeStaffRecords      *records,
             const char                    *id_sha256,
             const XunchaOfficeAuditEntry  *audit,
             GError                       **error)
{
  Call call = { .text = id_sha256, .audit = audit };

  return transact (records, "session_end", TRUE, session_end_work, &call, error);
}

static gboolean
login_failure_add_work (PGconn    *conn,
                        gpointer   data,
                        GError   **error)
{
  Call *call = data;
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, call->failure->at);
  g_autofree char *keep = g_strdup_printf ("%" G_GINT64_FORMAT, call->limit);
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) forget = NULL;

  insert = run (conn, error,
                "INSERT INTO staff_login_failures (name, address, at) VALUES ($1, $2, $3) "
                "RETURNING id", call->failure->officer_id, call->failure->address, at);
  if (insert == NULL)
    return FALSE;
  /* Ids grow with each insert: the lowest are the oldest attempts. */
  forget = run (conn, error, "DELETE FROM staff_login_failures WHERE id <= $1::bigint - $2",
                PQgetvalue (insert, 0, 0), keep);
  return forget != NULL;
}

static gboolean
login_failure_add (XunchaOfficeStaffRecords         *records,
                   const XunchaOfficeEnrollFailure  *failure,
                   guint                             keep_max,
                   GError                          **error)
{
  Call call = { .failure = failure, .limit = keep_max };

  return transact (records, "login_failure_add", TRUE, login_failure_add_work, &call, error);
}

static gboolean
login_failures_work (PGconn    *conn,
                     gpointer   data,
                     GError   **error)
{
  Call *call = data;
  g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, call->number);
  g_autoptr(PGresult) forget = NULL;
  g_autoptr(PGresult) result = NULL;
  GPtrArray *failures;

  forget = run (conn, error, "DELETE FROM staff_login_failures WHERE at < $1", since);
  if (forget == NULL)
    return FALSE;
  result = xuncha_office_pg_records_run (conn, error,
                                         "SELECT name, address, at FROM staff_login_failures "
                                         "ORDER BY at, id", NULL, 0);
  if (result == NULL)
    return FALSE;
  failures = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_enroll_failure_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (failures, xuncha_office_enroll_failure_new (text_at (result, row, 0),
                                                                 text_at (result, row, 1),
                                                                 int64_at (result, row, 2)));
  call->found = failures;
  return TRUE;
}

static GPtrArray *
login_failures (XunchaOfficeStaffRecords  *records,
                gint64                     since,
                GError                   **error)
{
  Call call = { .number = since };

  return find (records, "login_failures", TRUE, login_failures_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
audit_add_work (PGconn    *conn,
                gpointer   data,
                GError   **error)
{
  Call *call = data;

  return audit_insert (conn, call->audit, error);
}

static gboolean
audit_add (XunchaOfficeStaffRecords      *records,
           const XunchaOfficeAuditEntry  *entry,
           GError                       **error)
{
  Call call = { .audit = entry };

  return transact (records, "audit_add", TRUE, audit_add_work, &call, error);
}

static gboolean
audit_list_work (PGconn    *conn,
                 gpointer   data,
                 GError   **error)
{
  Call *call = data;
  g_autofree char *before = g_strdup_printf ("%" G_GINT64_FORMAT, call->number);
  g_autofree char *limit = g_strdup_printf ("%" G_GINT64_FORMAT, call->limit);
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT id, at, actor, action, subject, before, after "
                                    "FROM audit_log WHERE $1::bigint <= 0 OR id < $1::bigint "
                                    "ORDER BY id DESC LIMIT $2", before, limit);
  GPtrArray *entries;

  if (result == NULL)
    return FALSE;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_audit_entry_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      XunchaOfficeAuditEntry *entry = xuncha_office_audit_entry_new (text_at (result, row, 2),
                                                                     text_at (result, row, 3),
                                                                     text_at (result, row, 4),
                                                                     text_at (result, row, 5),
                                                                     text_at (result, row, 6));

      entry->id = int64_at (result, row, 0);
      entry->at = int64_at (result, row, 1);
      g_ptr_array_add (entries, entry);
    }
  call->found = entries;
  return TRUE;
}

static GPtrArray *
audit_list (XunchaOfficeStaffRecords  *records,
            gint64                     before_id,
            guint                      limit,
            GError                   **error)
{
  Call call = { .number = before_id, .limit = limit };

  return find (records, "audit_list", FALSE, audit_list_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
officers_work (PGconn    *conn,
               gpointer   data,
               GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = xuncha_office_pg_records_run (conn, error,
                                                             "SELECT id, name, team, leader "
                                                             "FROM officers ORDER BY id",
                                                             NULL, 0);
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_staff_records_officer_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      XunchaWireOfficer *officer = g_new0 (XunchaWireOfficer, 1);

      officer->id = g_strdup (text_at (result, row, 0));
      officer->name = g_strdup (text_at (result, row, 1));
      officer->team = g_strdup (text_at (result, row, 2));
      officer->leader = bool_at (result, row, 3);
      g_ptr_array_add (list, officer);
    }
  call->found = list;
  return TRUE;
}

static GPtrArray *
officers (XunchaOfficeStaffRecords  *records,
          GError                   **error)
{
  Call call = { 0 };

  return find (records, "officers", FALSE, officers_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
officer_states_work (PGconn    *conn,
                     gpointer   data,
                     GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result =
    run (conn, error,
         "SELECT o.id, o.name, o.team, o.leader, o.revoked, o.code_sha256 IS NOT NULL,"
         "  (SELECT count(*) FROM tokens t WHERE t.officer_id = o.id AND NOT t.revoked),"
         "  (SELECT max (r.received_at) FROM reports r WHERE r.officer_id = o.id),"
         "  (SELECT count(*) FROM assignments a WHERE a.officer_id = o.id),"
         "  (SELECT coalesce (max (t.seen_us), 0) FROM tokens t WHERE t.officer_id = o.id) "
         "FROM officers o WHERE ($1::text IS NULL OR o.team = $1) "
         "  AND ($2::text IS NULL OR o.id = $2) "
         "ORDER BY o.team IS NULL, o.team, o.id",
         call->name, call->text);
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_officer_state_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      XunchaOfficeOfficerState *state = xuncha_office_officer_state_new ();

      state->officer.id = g_strdup (text_at (result, row, 0));
      state->officer.name = g_strdup (text_at (result, row, 1));
      state->officer.team = g_strdup (text_at (result, row, 2));
      state->officer.leader = bool_at (result, row, 3);
      state->revoked = bool_at (result, row, 4);
      state->code_open = bool_at (result, row, 5);
      state->devices = (guint)int64_at (result, row, 6);
      state->last_received = g_strdup (text_at (result, row, 7));
      state->segments = (guint)int64_at (result, row, 8);
      state->last_sync_us = int64_at (result, row, 9);
      g_ptr_array_add (list, state);
    }
  call->found = list;
  return TRUE;
}

static GPtrArray *
officer_states (XunchaOfficeStaffRecords  *records,
                const char                *team,
                const char                *officer_id,
                GError                   **error)
{
  Call call = { .name = team, .text = officer_id };

  return find (records, "officer_states", FALSE, officer_states_work, &call, &call.found,
               g_ptr_array_unref, error);
}

void
xuncha_office_pg_staff_records_iface_init (XunchaOfficeStaffRecordsInterface *iface)
{
  iface->staff_add = staff_add;
  iface->staff_get = staff_get;
  iface->staff_list = staff_list;
  iface->staff_set_password = staff_set_password;
  iface->session_add = session_add;
  iface->session_get = session_get;
  iface->session_touch = session_touch;
  iface->session_end = session_end;
  iface->login_failure_add = login_failure_add;
  iface->login_failures = login_failures;
  iface->audit_add = audit_add;
  iface->audit_list = audit_list;
  iface->officers = officers;
  iface->officer_states = officer_states;
}
