/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XunchaOfficeCaseRecords on PostgreSQL: time limits, cases and their history beside the
 * rest of the records (the case workflow's migration in xuncha-office-pg-records.c).
 * Parameterised queries only. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <libpq-fe.h>

#include "xuncha-office-case-workflow.h"
#include "xuncha-office-pg-part-private.h"

typedef struct
{
  const XunchaOfficeTimeLimit *limit;
  const XunchaOfficeCaseEvent *event;
  const char                  *text;
  guint                        steps;
  gint64                       revision;
  gint64                       from_us, to_us;
  gpointer                     found;    /* what a read found, which find() hands on */
} Call;

static XunchaOfficeTimeLimit *
limit_from_row (const PGresult *result,
                int             row)
{
  XunchaOfficeTimeUnit unit;

  /* Only the migration and this file write the table: an unknown unit is a damaged
   * database, read as days, the longer, which never makes a case overdue early. */
  if (!xuncha_office_time_unit_from_string (text_at (result, row, 2), &unit))
    unit = XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS;
  return xuncha_office_time_limit_new (text_at (result, row, 0),
                                       (guint)int64_at (result, row, 1), unit);
}

static gboolean
time_limits_work (PGconn    *conn,
                  gpointer   data,
                  GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run0 (conn, error,
                                    "SELECT category, amount, unit FROM case_time_limits "
                                    "ORDER BY category COLLATE \"C\"");
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_time_limit_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (list, limit_from_row (result, i));
  call->found = list;
  return TRUE;
}

static GPtrArray *
time_limits (XunchaOfficeCaseRecords  *records,
             GError                  **error)
{
  Call call = { 0 };

  return find (records, "time_limits", FALSE, time_limits_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
time_limit_set_work (PGconn    *conn,
                     gpointer   data,
                     GError   **error)
{
  Call *call = data;
  g_autofree char *amount = g_strdup_printf ("%u", call->limit->amount);
  g_autoptr(XunchaOfficeTimeLimit) before = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autoptr(PGresult) held = NULL;
  g_autoptr(PGresult) written = NULL;

  /* FOR UPDATE: two admins at once each see the other's limit as "before". */
  held = run (conn, error, "SELECT category, amount, unit FROM case_time_limits "
              "WHERE category = $1 FOR UPDATE", call->limit->category);
  if (held == NULL)
    return FALSE;
  if (PQntuples (held) == 1)
    before = limit_from_row (held, 0);
  written = run (conn, error,
                 "INSERT INTO case_time_limits (category, amount, unit) "
                 "VALUES ($1, $2::integer, $3) ON CONFLICT (category) DO UPDATE SET "
                 "  amount = excluded.amount, unit = excluded.unit",
                 call->limit->category, amount,
                 xuncha_office_time_unit_to_string (call->limit->unit));
  if (written == NULL)
    return FALSE;
  before_text = before != NULL ? xuncha_office_time_limit_to_text (before) : NULL;
  after_text = xuncha_office_time_limit_to_text (call->limit);
  audit = xuncha_office_audit_entry_new (call->text, "time_limit.set", call->limit->category,
                                         before_text, after_text);
  return audit_insert (conn, audit, error);
}

static gboolean
time_limit_set (XunchaOfficeCaseRecords      *records,
                const XunchaOfficeTimeLimit  *limit,
                const char                   *actor,
                GError                      **error)
{
  Call call = { .limit = limit, .text = actor };

  return transact (records, "time_limit_set", TRUE, time_limit_set_work, &call, error);
}

#define CASE_COLUMNS "r.uuid, r.case_status, k.deadline_us, k.assignee, k.steps"

static XunchaOfficeCase *
case_from_row (const PGresult *result,
               int             row)
{
  XunchaOfficeCase *item = xuncha_office_case_new ();

  item->report_uuid = g_strdup (text_at (result, row, 0));
  item->status = g_strdup (text_at (result, row, 1));
  item->deadline_us = int64_at (result, row, 2);
  item->assignee = g_strdup (text_at (result, row, 3));
  item->steps = (guint)int64_at (result, row, 4);
  return item;
}

/* The report's case; @lock: FOR UPDATE of the report's row, which every step of the case
 * takes first, so two steps at once are made one after the other and the second sees the
 * first. */
static XunchaOfficeCase *
case_read (PGconn      *conn,
           const char  *report_uuid,
           gboolean     lock,
           GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  if (lock)
    result = run (conn, error, "SELECT " CASE_COLUMNS " FROM reports r "
                  "LEFT JOIN cases k ON k.report_uuid = r.uuid WHERE r.uuid = $1 "
                  "FOR UPDATE OF r", report_uuid);
  else
    result = run (conn, error, "SELECT " CASE_COLUMNS " FROM reports r "
                  "LEFT JOIN cases k ON k.report_uuid = r.uuid WHERE r.uuid = $1",
                  report_uuid);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", report_uuid);
      return NULL;
    }
  return case_from_row (result, 0);
}

static gboolean
case_get_work (PGconn    *conn,
               gpointer   data,
               GError   **error)
{
  Call *call = data;

  call->found = case_read (conn, call->text, FALSE, error);
  return call->found != NULL;
}

static XunchaOfficeCase *
case_get (XunchaOfficeCaseRecords  *records,
          const char               *report_uuid,
          GError                  **error)
{
  Call call = { .text = report_uuid };

  return find (records, "case_get", FALSE, case_get_work, &call, &call.found,
               xuncha_office_case_free, error);
}

static gboolean
case_history_work (PGconn    *conn,
                   gpointer   data,
                   GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT id, at, actor, action, from_status, to_status, "
                                    "  note, assignee, deadline_us, task_id FROM case_history "
                                    "WHERE report_uuid = $1 ORDER BY id", call->text);
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_event_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeCaseEvent *event = xuncha_office_case_event_new ();

      event->id = int64_at (result, i, 0);
      event->report_uuid = g_strdup (call->text);
      event->at = int64_at (result, i, 1);
      event->actor = g_strdup (text_at (result, i, 2));
      event->action = g_strdup (text_at (result, i, 3));
      event->from_status = g_strdup (text_at (result, i, 4));
      event->to_status = g_strdup (text_at (result, i, 5));
      event->note = g_strdup (text_at (result, i, 6));
      event->assignee = g_strdup (text_at (result, i, 7));
      event->deadline_us = int64_at (result, i, 8);
      event->task_id = g_strdup (text_at (result, i, 9));
      g_ptr_array_add (list, event);
    }
  call->found = list;
  return TRUE;
}

static GPtrArray *
case_history (XunchaOfficeCaseRecords  *records,
              const char               *report_uuid,
              GError                  **error)
{
  Call call = { .text = report_uuid };

  return find (records, "case_history", FALSE, case_history_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
cases_running_work (PGconn    *conn,
                    gpointer   data,
                    GError   **error)
{
  Call *call = data;
  g_autoptr(PGresult) result = run0 (conn, error,
                                    "SELECT " CASE_COLUMNS " FROM cases k "
                                    "JOIN reports r ON r.uuid = k.report_uuid "
                                    "WHERE k.deadline_us > 0 ORDER BY k.deadline_us");
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_free);
  for (int i = 0; i < PQntuples (result); i++)
    if (xuncha_office_case_status_is_running (text_at (result, i, 1)))
      g_ptr_array_add (list, case_from_row (result, i));
  call->found = list;
  return TRUE;
}

static GPtrArray *
cases_running (XunchaOfficeCaseRecords  *records,
               GError                  **error)
{
  Call call = { 0 };

  return find (records, "cases_running", FALSE, cases_running_work, &call, &call.found,
               g_ptr_array_unref, error);
}

static gboolean
case_outcomes_work (PGconn    *conn,
                    gpointer   data,
                    GError   **error)
{
  Call *call = data;
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, call->from_us);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, call->to_us);
  /* The closing time is the case's own column (migration 10), kept by the step that closes
   * it. Three parts that cannot overlap, each a range of the index cases_closed: closed in
   * the week, never closed and due before its end, closed after its end and due before it. */
  g_autoptr(PGresult) result =
    run (conn, error,
         "SELECT k.report_uuid, r.category, r.officer_id, k.deadline_us, r.case_status, "
         "  k.closed_us FROM ("
         "  SELECT report_uuid, deadline_us, closed_us FROM cases"
         "    WHERE closed_us >= $1::bigint AND closed_us < $2::bigint AND deadline_us > 0"
         "  UNION ALL SELECT report_uuid, deadline_us, closed_us FROM cases"
         "    WHERE closed_us IS NULL AND deadline_us > 0 AND deadline_us < $2::bigint"
         "  UNION ALL SELECT report_uuid, deadline_us, closed_us FROM cases"
         "    WHERE closed_us >= $2::bigint AND deadline_us > 0 AND deadline_us < $2::bigint"
         ") AS k JOIN reports r ON r.uuid = k.report_uuid "
         "ORDER BY k.deadline_us, k.report_uuid",
         from, to);
  GPtrArray *list;

  if (result == NULL)
    return FALSE;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_outcome_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeCaseOutcome *outcome;
      gboolean closed = !PQgetisnull (result, i, 5);
      gint64 closed_us = int64_at (result, i, 5);

      /* Never closed: only a case still worked on is open (not one refused since). */
      if (!closed && !xuncha_office_case_status_is_running (text_at (result, i, 4)))
        continue;
      outcome = xuncha_office_case_outcome_new ();
      outcome->report_uuid = g_strdup (text_at (result, i, 0));
      outcome->category = g_strdup (text_at (result, i, 1));
      outcome->officer_id = g_strdup (text_at (result, i, 2));
      outcome->deadline_us = int64_at (result, i, 3);
      outcome->closed_us = closed_us < call->to_us ? closed_us : 0;
      g_ptr_array_add (list, outcome);
    }
  call->found = list;
  return TRUE;
}

static GPtrArray *
case_outcomes (XunchaOfficeCaseRecords  *records,
               gint64                    from_us,
               gint64                    to_us,
               GError                  **error)
{
  Call call = { .from_us = from_us, .to_us = to_us };

  return find (records, "case_outcomes", FALSE, case_outcomes_work, &call, &call.found,
               g_ptr_array_unref, error);
}

/* The history's row and the case's count of steps for a step, and the case's closing time
 * for a step to 结案 (its last such step, as the history tells it); the status is the
 * caller's. */
static gboolean
history_add (PGconn                       *conn,
             const XunchaOfficeCaseEvent  *event,
             GError                      **error)
{
  g_autofree char *at_us = g_strdup_printf ("%" G_GINT64_FORMAT, event->at);
  g_autofree char *deadline = g_strdup_printf ("%" G_GINT64_FORMAT, event->deadline_us);
  g_autoptr(PGresult) item = NULL;
  g_autoptr(PGresult) step = NULL;

  item = run (conn, error,
              "INSERT INTO cases (report_uuid, deadline_us, assignee, steps, closed_us) "
              "VALUES ($1, $2::bigint, $3, 1, CASE WHEN $5 = $6 THEN $4::bigint END) "
              "ON CONFLICT (report_uuid) DO UPDATE SET "
              "  deadline_us = CASE WHEN $2::bigint = 0 THEN cases.deadline_us "
              "    ELSE $2::bigint END, "
              "  assignee = coalesce ($3, cases.assignee), steps = cases.steps + 1, "
              "  closed_us = CASE WHEN $5 = $6 THEN greatest (cases.closed_us, $4::bigint) "
              "    ELSE cases.closed_us END",
              event->report_uuid, deadline, xuncha_office_case_records_dispatched_to (event),
              at_us, event->to_status, XUNCHA_OFFICE_CASE_CLOSED);
  if (item == NULL)
    return FALSE;
  step = run (conn, error,
              "INSERT INTO case_history (report_uuid, at, actor, action, from_status, "
              "  to_status, note, assignee, deadline_us, task_id) "
              "VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9::bigint, $10)",
              event->report_uuid, at_us, event->actor, event->action, event->from_status,
              event->to_status, event->note, event->assignee, deadline, event->task_id);
  return step != NULL;
}

static gboolean
case_change_work (PGconn    *conn,
                  gpointer   data,
                  GError   **error)
{
  Call *call = data;
  const XunchaOfficeCaseEvent *event = call->event;
  g_autoptr(XunchaOfficeCase) held = case_read (conn, event->report_uuid, TRUE, error);
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autoptr(PGresult) counter = NULL;
  g_autoptr(PGresult) report = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *at_text = NULL;

  if (held == NULL)
    return FALSE;
  if (!g_str_equal (xuncha_office_case_status_normal (held->status), event->from_status)
      || held->steps != call->steps)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The case of report %s moved on: it is %s after %u steps",
                   event->report_uuid, xuncha_office_case_status_normal (held->status),
                   held->steps);
      return FALSE;
    }
  /* The status revision from its counter row, locked until commit (see take_revision() in
   * xuncha-office-pg-records.c): devices pull the new status from it. */
  counter = run0 (conn, error, "UPDATE counters SET value = value + 1 WHERE name = 'status' "
                  "RETURNING value");
  if (counter == NULL)
    return FALSE;
  if (PQntuples (counter) != 1)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "The database has no status counter");
      return FALSE;
    }
  call->revision = int64_at (counter, 0, 0);
  at = g_date_time_new_from_unix_utc (event->at / G_USEC_PER_SEC);
  at_text = g_date_time_format_iso8601 (at);
  report = run (conn, error, "UPDATE reports SET case_status = $2, case_status_at = $3, "
                "  status_revision = $4::bigint WHERE uuid = $1",
                event->report_uuid, event->to_status, at_text, PQgetvalue (counter, 0, 0));
  if (report == NULL)
    return FALSE;
  if (!history_add (conn, event, error))
    return FALSE;
  audit = xuncha_office_case_records_step_audit (event);
  audit->at = event->at;
  return audit_insert (conn, audit, error);
}

static gboolean
case_change (XunchaOfficeCaseRecords      *records,
             const XunchaOfficeCaseEvent  *event,
             guint                         steps,
             gint64                       *revision,
             GError                      **error)
{
  Call call = { .event = event, .steps = steps };

  if (!transact (records, "case_change", TRUE, case_change_work, &call, error))
    return FALSE;
  *revision = call.revision;
  return TRUE;
}

gboolean
xuncha_office_pg_case_records_result_step (PGconn                      *conn,
                                           const char                  *report_uuid,
                                           const char                  *actor,
                                           const XunchaWireTask        *task,
                                           const XunchaWireTaskResult  *result,
                                           const char                  *to_status,
                                           GError                     **error)
{
  g_autoptr(XunchaOfficeCase) held = case_read (conn, report_uuid, TRUE, error);
  g_autoptr(XunchaOfficeCaseEvent) event = NULL;

  if (held == NULL)
    return FALSE;
  event = xuncha_office_case_records_result_event (held, actor, task, result, to_status);
  return history_add (conn, event, error);
}

void
xuncha_office_pg_case_records_iface_init (XunchaOfficeCaseRecordsInterface *iface)
{
  iface->time_limits = time_limits;
  iface->time_limit_set = time_limit_set;
  iface->case_get = case_get;
  iface->case_history = case_history;
  iface->cases_running = cases_running;
  iface->case_outcomes = case_outcomes;
  iface->case_change = case_change;
}
