/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XunchaOfficeCaseRecords on SQLite: time limits, cases and their history in office.db,
 * beside the rest of the records (the case workflow's migration in
 * xuncha-office-sqlite-records.c). */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <sqlite3.h>

#include "xuncha-office-case-workflow.h"
#include "xuncha-office-sqlite-part-private.h"

static XunchaOfficeTimeLimit *
limit_from_row (sqlite3_stmt *stmt)
{
  XunchaOfficeTimeUnit unit;

  /* Only the migration and this file write the table: an unknown unit is a damaged
   * database, read as days, the longer, which never makes a case overdue early. */
  if (!xuncha_office_time_unit_from_string (column_text (stmt, 2), &unit))
    unit = XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS;
  return xuncha_office_time_limit_new (column_text (stmt, 0),
                                       (guint)sqlite3_column_int64 (stmt, 1), unit);
}

static GPtrArray *
time_limits (XunchaOfficeCaseRecords  *records,
             GError                  **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_time_limit_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT category, amount, unit FROM case_time_limits ORDER BY category",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, limit_from_row (stmt));
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
time_limit_set (XunchaOfficeCaseRecords      *records,
                const XunchaOfficeTimeLimit  *limit,
                const char                   *actor,
                GError                      **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  g_autoptr(XunchaOfficeTimeLimit) before = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "SELECT category, amount, unit FROM case_time_limits WHERE category = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, limit->category, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      before = limit_from_row (stmt);
      rc = SQLITE_DONE;
    }
  if (!read_done (c, stmt, rc, error))
    return FALSE;
  stmt = prepare (c, "INSERT INTO case_time_limits (category, amount, unit) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (category) DO UPDATE SET amount = excluded.amount, "
                  "  unit = excluded.unit", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, limit->category, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit->amount);
  sqlite3_bind_text (stmt, 3, xuncha_office_time_unit_to_string (limit->unit), -1,
                     SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  before_text = before != NULL ? xuncha_office_time_limit_to_text (before) : NULL;
  after_text = xuncha_office_time_limit_to_text (limit);
  audit = xuncha_office_audit_entry_new (actor, "time_limit.set", limit->category, before_text,
                                         after_text);
  return audit_insert (c, audit, error) && commit (c, error);
}

/* The report's case as @c sees it; NULL with NOT_FOUND for an unknown report. */
static XunchaOfficeCase *
case_read (Connection  *c,
           const char  *report_uuid,
           GError     **error)
{
  g_autoptr(XunchaOfficeCase) item = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (c, "SELECT r.case_status, k.deadline_us, k.assignee, k.steps "
                  "FROM reports r LEFT JOIN cases k ON k.report_uuid = r.uuid "
                  "WHERE r.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, report_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      item = xuncha_office_case_new ();
      item->report_uuid = g_strdup (report_uuid);
      item->status = g_strdup (column_text (stmt, 0));
      item->deadline_us = sqlite3_column_int64 (stmt, 1);
      item->assignee = g_strdup (column_text (stmt, 2));
      item->steps = (guint)sqlite3_column_int64 (stmt, 3);
      rc = SQLITE_DONE;
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  if (item == NULL)
    g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                 "No report %s", report_uuid);
  return g_steal_pointer (&item);
}

static XunchaOfficeCase *
case_get (XunchaOfficeCaseRecords  *records,
          const char               *report_uuid,
          GError                  **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);

  return c != NULL ? case_read (c, report_uuid, error) : NULL;
}

static GPtrArray *
case_history (XunchaOfficeCaseRecords  *records,
              const char               *report_uuid,
              GError                  **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_event_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT id, at, actor, action, from_status, to_status, note, assignee, "
                  "  deadline_us, task_id FROM case_history WHERE report_uuid = ?1 ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, report_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeCaseEvent *event = xuncha_office_case_event_new ();

      event->id = sqlite3_column_int64 (stmt, 0);
      event->report_uuid = g_strdup (report_uuid);
      event->at = sqlite3_column_int64 (stmt, 1);
      event->actor = g_strdup (column_text (stmt, 2));
      event->action = g_strdup (column_text (stmt, 3));
      event->from_status = g_strdup (column_text (stmt, 4));
      event->to_status = g_strdup (column_text (stmt, 5));
      event->note = g_strdup (column_text (stmt, 6));
      event->assignee = g_strdup (column_text (stmt, 7));
      event->deadline_us = sqlite3_column_int64 (stmt, 8);
      event->task_id = g_strdup (column_text (stmt, 9));
      g_ptr_array_add (list, event);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

static GPtrArray *
cases_running (XunchaOfficeCaseRecords  *records,
               GError                  **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT k.report_uuid, r.case_status, k.deadline_us, k.assignee, k.steps "
                  "FROM cases k JOIN reports r ON r.uuid = k.report_uuid "
                  "WHERE k.deadline_us > 0 ORDER BY k.deadline_us", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeCase *item;

      if (!xuncha_office_case_status_is_running (column_text (stmt, 1)))
        continue;
      item = xuncha_office_case_new ();
      item->report_uuid = g_strdup (column_text (stmt, 0));
      item->status = g_strdup (column_text (stmt, 1));
      item->deadline_us = sqlite3_column_int64 (stmt, 2);
      item->assignee = g_strdup (column_text (stmt, 3));
      item->steps = (guint)sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, item);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

/* Each case's closing time is its own column (migration 11), kept by the step that closes
 * it. Three parts that cannot overlap, each a range of the index cases_closed: closed in the
 * week, never closed and due before its end, closed after its end and due before it (the
 * last by the closing time, not cases_deadline, which SQLite would pick: for the weeks
 * looked at most, the last ones, every case is due before the week's end and few were
 * closed after it). */
static GPtrArray *
case_outcomes (XunchaOfficeCaseRecords  *records,
               gint64                    from_us,
               gint64                    to_us,
               GError                  **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, FALSE, error);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_outcome_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT k.report_uuid, r.category, r.officer_id, k.deadline_us, "
                  "  r.case_status, k.closed_us FROM ("
                  "  SELECT report_uuid, deadline_us, closed_us FROM cases"
                  "    WHERE closed_us >= ?1 AND closed_us < ?2 AND deadline_us > 0"
                  "  UNION ALL SELECT report_uuid, deadline_us, closed_us FROM cases"
                  "    WHERE closed_us IS NULL AND deadline_us > 0 AND deadline_us < ?2"
                  "  UNION ALL SELECT report_uuid, deadline_us, closed_us FROM cases"
                  "    WHERE closed_us >= ?2 AND +deadline_us > 0 AND +deadline_us < ?2) k "
                  "JOIN reports r ON r.uuid = k.report_uuid "
                  "ORDER BY k.deadline_us, k.report_uuid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeCaseOutcome *outcome;
      gboolean closed = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
      gint64 closed_us = closed ? sqlite3_column_int64 (stmt, 5) : 0;

      /* Never closed: only a case still worked on is open (not one refused since). */
      if (!closed && !xuncha_office_case_status_is_running (column_text (stmt, 4)))
        continue;
      outcome = xuncha_office_case_outcome_new ();
      outcome->report_uuid = g_strdup (column_text (stmt, 0));
      outcome->category = g_strdup (column_text (stmt, 1));
      outcome->officer_id = g_strdup (column_text (stmt, 2));
      outcome->deadline_us = sqlite3_column_int64 (stmt, 3);
      outcome->closed_us = closed_us < to_us ? closed_us : 0;
      g_ptr_array_add (list, outcome);
    }
  if (!read_done (c, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

/* The history's row and the case's count of steps for a step, and the case's closing time
 * for a step to 结案 (its last such step, as the history tells it); the status is the
 * caller's. */
static gboolean
history_add (Connection                   *c,
             const XunchaOfficeCaseEvent  *event,
             GError                      **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (c, "INSERT INTO cases (report_uuid, deadline_us, assignee, steps, closed_us) "
                  "VALUES (?1, ?2, ?3, 1, CASE WHEN ?5 = ?6 THEN ?4 END) "
                  "ON CONFLICT (report_uuid) DO UPDATE SET "
                  "  deadline_us = CASE WHEN ?2 = 0 THEN deadline_us ELSE ?2 END, "
                  "  assignee = coalesce (?3, assignee), steps = steps + 1, "
                  "  closed_us = CASE WHEN ?5 = ?6 THEN max (coalesce (closed_us, ?4), ?4) "
                  "    ELSE closed_us END", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event->report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, event->deadline_us);
  sqlite3_bind_text (stmt, 3, xuncha_office_case_records_dispatched_to (event), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, event->at);
  sqlite3_bind_text (stmt, 5, event->to_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, XUNCHA_OFFICE_CASE_CLOSED, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  stmt = prepare (c, "INSERT INTO case_history (report_uuid, at, actor, action, from_status, "
                  "  to_status, note, assignee, deadline_us, task_id) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event->report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, event->at);
  sqlite3_bind_text (stmt, 3, event->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, event->action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, event->from_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, event->to_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, event->note, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, event->assignee, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, event->deadline_us);
  sqlite3_bind_text (stmt, 10, event->task_id, -1, SQLITE_STATIC);
  return step_done (c, stmt, error);
}

static gboolean
case_change (XunchaOfficeCaseRecords      *records,
             const XunchaOfficeCaseEvent  *event,
             guint                         steps,
             gint64                       *revision,
             GError                      **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = take (records, TRUE, error);
  g_autoptr(XunchaOfficeCase) held = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *at_text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return FALSE;
  held = case_read (c, event->report_uuid, error);
  if (held == NULL)
    return FALSE;
  if (!g_str_equal (xuncha_office_case_status_normal (held->status), event->from_status)
      || held->steps != steps)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The case of report %s moved on: it is %s after %u steps",
                   event->report_uuid, xuncha_office_case_status_normal (held->status),
                   held->steps);
      return FALSE;
    }
  /* The status revision, counted inside this write transaction (see counter_get() in
   * xuncha-office-sqlite-records.c): devices pull the new status from it. */
  stmt = prepare (c, "SELECT value FROM counters WHERE name = 'status'", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *revision = (rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0) + 1;
  if (!read_done (c, stmt, rc == SQLITE_ROW ? SQLITE_DONE : rc, error))
    return FALSE;
  stmt = prepare (c, "INSERT INTO counters (name, value) VALUES ('status', ?1) "
                  "ON CONFLICT (name) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *revision);
  if (!step_done (c, stmt, error))
    return FALSE;
  at = g_date_time_new_from_unix_utc (event->at / G_USEC_PER_SEC);
  at_text = g_date_time_format_iso8601 (at);
  stmt = prepare (c, "UPDATE reports SET case_status = ?2, case_status_at = ?3, "
                  "  status_revision = ?4 WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event->report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, event->to_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, at_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, *revision);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (!history_add (c, event, error))
    return FALSE;
  audit = xuncha_office_case_records_step_audit (event);
  audit->at = event->at;
  return audit_insert (c, audit, error) && commit (c, error);
}

gboolean
xuncha_office_sqlite_case_records_result_step (XunchaOfficeSqliteConnection *c,
                                               const char                   *report_uuid,
                                               const char                   *actor,
                                               const XunchaWireTask         *task,
                                               const XunchaWireTaskResult   *result,
                                               const char                   *to_status,
                                               GError                      **error)
{
  g_autoptr(XunchaOfficeCase) held = case_read (c, report_uuid, error);
  g_autoptr(XunchaOfficeCaseEvent) event = NULL;

  if (held == NULL)
    return FALSE;
  event = xuncha_office_case_records_result_event (held, actor, task, result, to_status);
  return history_add (c, event, error);
}

void
xuncha_office_sqlite_case_records_iface_init (XunchaOfficeCaseRecordsInterface *iface)
{
  iface->time_limits = time_limits;
  iface->time_limit_set = time_limit_set;
  iface->case_get = case_get;
  iface->case_history = case_history;
  iface->cases_running = cases_running;
  iface->case_outcomes = case_outcomes;
  iface->case_change = case_change;
}
