/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XunchaOfficeStaffRecords on SQLite: the console's accounts, sessions, failed logins and
 * audit log in office.db, beside the rest of the records (migration 4 of
 * xuncha-office-sqlite-records.c). */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <sqlite3.h>

#include "xuncha-office-sqlite-part-private.h"

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
xuncha_office_sqlite_audit_insert (Connection                    *c,
                                   const XunchaOfficeAuditEntry  *entry,
                                   GError                       **error)
{
  sqlite3_stmt *stmt = prepare (c, "INSERT INTO audit_log (at, actor, action, subject, before, "
                                "after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->at);
  sqlite3_bind_text (stmt, 2, entry->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, entry->action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entry->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, entry->before, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, entry->after, -1, SQLITE_STATIC);
  return step_done (c, stmt, error);
}

static gboolean
staff_add (XunchaOfficeStaffRecords      *records,
           const XunchaOfficeStaff       *staff,
           const XunchaOfficeAuditEntry  *audit,
           GError                       **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "INSERT INTO staff (name, role, team, password_hash, must_change, disabled,"
                  " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, staff->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, xuncha_office_staff_role_to_string (staff->role), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, staff->team, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, staff->password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, staff->must_change);
  sqlite3_bind_int (stmt, 6, staff->disabled);
  sqlite3_bind_int64 (stmt, 7, staff->created_at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_office_sqlite_connection_fail (c, error, "Database write failed");
  if (sqlite3_changes (xuncha_office_sqlite_connection_db (c)) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "A staff account %s exists already", staff->name);
      return FALSE;
    }
  return audit_insert (c, audit, error) && commit (c, error);
}

static XunchaOfficeStaff *
staff_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(XunchaOfficeStaff) staff = xuncha_office_staff_new ();

  staff->name = g_strdup (column_text (stmt, 0));
  /* Only the migrations and this file write the column: an unknown word is a damaged
   * database, and the least power is the safe reading of it. */
  if (!xuncha_office_staff_role_from_string (column_text (stmt, 1), &staff->role))
    {
      g_warning ("Staff account %s has an unknown role; taken as disabled", staff->name);
      staff->disabled = TRUE;
    }
  staff->team = g_strdup (column_text (stmt, 2));
  staff->password_hash = g_strdup (column_text (stmt, 3));
  staff->must_change = sqlite3_column_int (stmt, 4) != 0;
  staff->disabled |= sqlite3_column_int (stmt, 5) != 0;
  staff->created_at = sqlite3_column_int64 (stmt, 6);
  return g_steal_pointer (&staff);
}

static XunchaOfficeStaff *
staff_get (XunchaOfficeStaffRecords  *records,
           const char                *name,
           GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(XunchaOfficeStaff) staff = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT name, role, team, password_hash, must_change, disabled, created_at "
                  "FROM staff WHERE name = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      staff = staff_from_row (stmt);
      rc = SQLITE_DONE;
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  if (staff == NULL)
    {
      not_found (error, "staff account", name);
      return NULL;
    }
  return g_steal_pointer (&staff);
}

static GPtrArray *
staff_list (XunchaOfficeStaffRecords  *records,
            GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_staff_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT name, role, team, password_hash, must_change, disabled, created_at "
                  "FROM staff ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, staff_from_row (stmt));
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
staff_set_password (XunchaOfficeStaffRecords      *records,
                    const char                    *name,
                    const char                    *password_hash,
                    gboolean                       must_change,
                    const XunchaOfficeAuditEntry  *audit,
                    GError                       **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  sqlite3_stmt *stmt;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "UPDATE staff SET password_hash = ?2, must_change = ?3 WHERE name = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, must_change);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (sqlite3_changes (xuncha_office_sqlite_connection_db (c)) == 0)
    return not_found (error, "staff account", name);
  stmt = prepare (c, "DELETE FROM staff_sessions WHERE staff_name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return step_done (c, stmt, error) && audit_insert (c, audit, error) && commit (c, error);
}

static gboolean
session_add (XunchaOfficeStaffRecords        *records,
             const XunchaOfficeStaffSession  *session,
             gint64                           expired_before,
             const XunchaOfficeAuditEntry    *audit,
             GError                         **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "DELETE FROM staff_sessions WHERE seen_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, expired_before);
  if (!step_done (c, stmt, error))
    return FALSE;
  stmt = prepare (c, "INSERT INTO staff_sessions (id_sha256, staff_name, csrf_token, created_at,"
                  " seen_at) SELECT ?1, name, ?3, ?4, ?5 FROM staff WHERE name = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, session->id_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, session->staff_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, session->csrf_token, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, session->created_at);
  sqlite3_bind_int64 (stmt, 5, session->seen_at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_office_sqlite_connection_fail (c, error, "Database write failed");
  if (sqlite3_changes (xuncha_office_sqlite_connection_db (c)) == 0)
    return not_found (error, "staff account", session->staff_name);
  if (audit != NULL && !audit_insert (c, audit, error))
    return FALSE;
  return commit (c, error);
}

static XunchaOfficeStaffSession *
session_get (XunchaOfficeStaffRecords  *records,
             const char                *id_sha256,
             GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(XunchaOfficeStaffSession) session = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT id_sha256, staff_name, csrf_token, created_at, seen_at "
                  "FROM staff_sessions WHERE id_sha256 = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id_sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      session = xuncha_office_staff_session_new ();
      session->id_sha256 = g_strdup (column_text (stmt, 0));
      session->staff_name = g_strdup (column_text (stmt, 1));
      session->csrf_token = g_strdup (column_text (stmt, 2));
      session->created_at = sqlite3_column_int64 (stmt, 3);
      session->seen_at = sqlite3_column_int64 (stmt, 4);
      rc = SQLITE_DONE;
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  if (session == NULL)
    {
      not_found (error, "session", "with that id");
      return NULL;
    }
  return g_steal_pointer (&session);
}

static gboolean
session_touch (XunchaOfficeStaffRecords  *records,
               const char                *id_sha256,
               gint64                     seen_at,
               GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  sqlite3_stmt *stmt;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "UPDATE staff_sessions SET seen_at = max (seen_at, ?2) "
                  "WHERE id_sha256 = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seen_at);
  return step_done (c, stmt, error) && commit (c, error);
}

static gboolean
session_end (XunchaOfficeStaffRecords      *records,
             const char                    *id_sha256,
             const XunchaOfficeAuditEntry  *audit,
             GError                       **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  sqlite3_stmt *stmt;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "DELETE FROM staff_sessions WHERE id_sha256 = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id_sha256, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (audit != NULL && sqlite3_changes (xuncha_office_sqlite_connection_db (c)) > 0
      && !audit_insert (c, audit, error))
    return FALSE;
  return commit (c, error);
}

static gboolean
login_failure_add (XunchaOfficeStaffRecords         *records,
                   const XunchaOfficeEnrollFailure  *failure,
                   guint                             keep_max,
                   GError                          **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);

  return c != NULL
         && xuncha_office_sqlite_connection_failure_add (
              c, "INSERT INTO staff_login_failures (name, address, at) VALUES (?1, ?2, ?3)",
              "DELETE FROM staff_login_failures WHERE rowid <= ?1", failure, keep_max, error)
         && commit (c, error);
}

static GPtrArray *
login_failures (XunchaOfficeStaffRecords  *records,
                gint64                     since,
                GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  g_autoptr(GPtrArray) failures =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_enroll_failure_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "DELETE FROM staff_login_failures WHERE at < ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  if (!step_done (c, stmt, error))
    return NULL;
  stmt = prepare (c, "SELECT name, address, at FROM staff_login_failures ORDER BY at, rowid",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (failures, xuncha_office_enroll_failure_new (column_text (stmt, 0),
                                                                 column_text (stmt, 1),
                                                                 sqlite3_column_int64 (stmt, 2)));
  if (!read_done (c, stmt, rc, error) || !commit (c, error))
    return NULL;
  return g_steal_pointer (&failures);
}

static gboolean
audit_add (XunchaOfficeStaffRecords      *records,
           const XunchaOfficeAuditEntry  *entry,
           GError                       **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);

  return c != NULL && audit_insert (c, entry, error) && commit (c, error);
}

static GPtrArray *
audit_list (XunchaOfficeStaffRecords  *records,
            gint64                     before_id,
            guint                      limit,
            GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT id, at, actor, action, subject, before, after FROM audit_log "
                  "WHERE ?1 <= 0 OR id < ?1 ORDER BY id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, before_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeAuditEntry *entry = xuncha_office_audit_entry_new (column_text (stmt, 2),
                                                                     column_text (stmt, 3),
                                                                     column_text (stmt, 4),
                                                                     column_text (stmt, 5),
                                                                     column_text (stmt, 6));

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (entries, entry);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&entries);
}

static GPtrArray *
officers (XunchaOfficeStaffRecords  *records,
          GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_staff_records_officer_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT id, name, team, leader FROM officers ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaWireOfficer *officer = g_new0 (XunchaWireOfficer, 1);

      officer->id = g_strdup (column_text (stmt, 0));
      officer->name = g_strdup (column_text (stmt, 1));
      officer->team = g_strdup (column_text (stmt, 2));
      officer->leader = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (list, officer);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

static GPtrArray *
officer_states (XunchaOfficeStaffRecords  *records,
                const char                *team,
                const char                *officer_id,
                GError                   **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_officer_state_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  /* The newest report from the index reports_officer (officer_id, received_at). */
  stmt = prepare (c,
                  "SELECT o.id, o.name, o.team, o.leader, o.revoked, o.code_sha256 IS NOT NULL,"
                  "  (SELECT count(*) FROM tokens t WHERE t.officer_id = o.id AND t.revoked = 0),"
                  "  (SELECT max (r.received_at) FROM reports r WHERE r.officer_id = o.id),"
                  "  (SELECT count(*) FROM assignments a WHERE a.officer_id = o.id),"
                  "  (SELECT max (t.seen_us) FROM tokens t WHERE t.officer_id = o.id) "
                  "FROM officers o WHERE (?1 IS NULL OR o.team = ?1) AND (?2 IS NULL OR o.id = ?2) "
                  "ORDER BY o.team IS NULL, o.team, o.id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, team, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeOfficerState *state = xuncha_office_officer_state_new ();

      state->officer.id = g_strdup (column_text (stmt, 0));
      state->officer.name = g_strdup (column_text (stmt, 1));
      state->officer.team = g_strdup (column_text (stmt, 2));
      state->officer.leader = sqlite3_column_int (stmt, 3) != 0;
      state->revoked = sqlite3_column_int (stmt, 4) != 0;
      state->code_open = sqlite3_column_int (stmt, 5) != 0;
      state->devices = (guint)sqlite3_column_int64 (stmt, 6);
      state->last_received = g_strdup (column_text (stmt, 7));
      state->segments = (guint)sqlite3_column_int64 (stmt, 8);
      state->last_sync_us = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (list, state);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

void
xuncha_office_sqlite_staff_records_iface_init (XunchaOfficeStaffRecordsInterface *iface)
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
