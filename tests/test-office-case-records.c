/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract every records backend keeps for the case workflow
 * (XunchaOfficeCaseRecords): time limits with their defaults and audited changes, a case's
 * steps with the status devices pull, its deadline, assignee and history, and a step made
 * against a case that moved on refused with nothing changed. The same cases run on SQLite
 * and on PostgreSQL (XUNCHA_TEST_BACKEND=postgresql, a throwaway cluster). */
#include "config.h"

#include "xuncha-office-backend.h"
#include "xuncha-office-case-records.h"
#include "xuncha-office-case-workflow.h"
#include "xuncha-office-records.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-test-util.h"
#if HAVE_POSTGRESQL
#include "xuncha-test-postgres.h"
#endif

#define REPORT_UUID "6f1c2a4e-8b3d-4c5a-9e7f-0a1b2c3d4e5f"

typedef struct
{
  char                    *dir;
  char                    *database;   /* NULL: SQLite in dir */
  XunchaOfficeRecords     *records;
  XunchaOfficeCaseRecords *cases;      /* the same object */
  XunchaWireOfficer        officer;
} Fixture;

static char *unavailable;

static gboolean
on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("XUNCHA_TEST_BACKEND"), "postgresql") == 0;
}

static void
test_unavailable (void)
{
  g_test_skip (unavailable);
}

static void
put_report (Fixture    *f,
            const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text =
    g_strdup_printf ("{\"uuid\": \"%s\", \"created_at\": \"2026-12-07T01:30:00Z\", "
                     "\"category\": \"06010\", \"fields\": {}, \"note\": \"陈寿路\", "
                     "\"photos\": [{\"sha256\": \"%064x\", \"role\": \"before\"}]}", uuid, 7);
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_decode (text, -1, &error);
  XunchaOfficeReceipt receipt = { 0 };
  gboolean created;

  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_report_put (f->records, &f->officer, report, &created,
                                                   &receipt, &error));
  g_assert_no_error (error);
  g_free (receipt.id);
  g_free (receipt.received_at);
  g_free (receipt.content_sha256);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  g_autofree char *code = NULL;

  f->dir = xuncha_test_make_tmpdir ();
#if HAVE_POSTGRESQL
  if (on_postgresql ())
    {
      f->database = xuncha_test_postgres_new_database (&error);
      g_assert_no_error (error);
    }
#endif
  g_assert_true (xuncha_office_backend_open (f->database, f->dir, 4, &f->records, &photos,
                                             &error));
  g_assert_no_error (error);
  g_assert_true (XUNCHA_IS_OFFICE_CASE_RECORDS (f->records));
  f->cases = XUNCHA_OFFICE_CASE_RECORDS (f->records);
  f->officer = (XunchaWireOfficer){ "A001", "王伟", "一中队", FALSE };
  g_assert_true (xuncha_office_records_officer_add (f->records, &f->officer, &code, &error));
  g_assert_no_error (error);
  put_report (f, REPORT_UUID);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->records);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->database);
}

static XunchaOfficeCaseEvent *
make_step (const char *action,
           const char *from,
           const char *to)
{
  XunchaOfficeCaseEvent *event = xuncha_office_case_event_new ();

  event->report_uuid = g_strdup (REPORT_UUID);
  event->at = g_get_real_time ();
  event->actor = g_strdup ("dispatch");
  event->action = g_strdup (action);
  event->from_status = g_strdup (from);
  event->to_status = g_strdup (to);
  return event;
}

static gint64
step (Fixture               *f,
      XunchaOfficeCaseEvent *event,
      guint                  steps)
{
  g_autoptr(GError) error = NULL;
  gint64 revision = 0;

  g_assert_true (xuncha_office_case_records_case_change (f->cases, event, steps, &revision,
                                                         &error));
  g_assert_no_error (error);
  g_assert_cmpint (revision, >, 0);
  return revision;
}

/* The newest audit entry. */
static XunchaOfficeAuditEntry *
last_audit (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries =
    xuncha_office_staff_records_audit_list (XUNCHA_OFFICE_STAFF_RECORDS (f->records), 0, 1,
                                            &error);
  XunchaOfficeAuditEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_steal_index (entries, 0);
  return entry;
}

static const XunchaOfficeTimeLimit *
find_limit (GPtrArray  *limits,
            const char *category)
{
  for (guint i = 0; i < limits->len; i++)
    {
      const XunchaOfficeTimeLimit *limit = g_ptr_array_index (limits, i);

      if (g_str_equal (limit->category, category))
        return limit;
    }
  g_error ("No time limit for %s", category);
}

/* The schema starts with a limit for every category of the bundled taxonomy (暴露垃圾 one
 * work day, a stall two work hours); the admin's change is kept and audited before →
 * after; an amount the unit does not allow, or no category code, is refused and changes
 * nothing. */
static void
test_time_limits (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) limits = xuncha_office_case_records_time_limits (f->cases, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(XunchaOfficeTimeLimit) changed = NULL;
  g_autoptr(XunchaOfficeTimeLimit) bad = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  const XunchaOfficeTimeLimit *limit;

  g_assert_no_error (error);
  g_assert_cmpuint (limits->len, ==, 28);
  limit = find_limit (limits, "06010");
  g_assert_cmpuint (limit->amount, ==, 1);
  g_assert_cmpint (limit->unit, ==, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS);
  limit = find_limit (limits, "09006");
  g_assert_cmpuint (limit->amount, ==, 2);
  g_assert_cmpint (limit->unit, ==, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS);
  /* By category code, in byte order on both backends. */
  for (guint i = 1; i < limits->len; i++)
    g_assert_cmpint (strcmp (((XunchaOfficeTimeLimit *)limits->pdata[i - 1])->category,
                             ((XunchaOfficeTimeLimit *)limits->pdata[i])->category), <, 0);

  changed = xuncha_office_time_limit_new ("06010", 6, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS);
  g_assert_true (xuncha_office_case_records_time_limit_set (f->cases, changed, "admin", &error));
  g_assert_no_error (error);
  audit = last_audit (f);
  g_assert_cmpstr (audit->actor, ==, "admin");
  g_assert_cmpstr (audit->action, ==, "time_limit.set");
  g_assert_cmpstr (audit->subject, ==, "06010");
  g_assert_cmpstr (audit->before, ==, "1 work_days");
  g_assert_cmpstr (audit->after, ==, "6 work_hours");

  bad = xuncha_office_time_limit_new ("06010", 0, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS);
  g_assert_false (xuncha_office_case_records_time_limit_set (f->cases, bad, "admin", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
  g_clear_error (&error);
  bad->amount = XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS + 1;
  g_assert_false (xuncha_office_case_records_time_limit_set (f->cases, bad, "admin", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (bad->category);
  bad->category = g_strdup ("06010'; DROP TABLE cases; --");
  bad->amount = 1;
  g_assert_false (xuncha_office_case_records_time_limit_set (f->cases, bad, "admin", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
  g_clear_error (&error);

  after = xuncha_office_case_records_time_limits (f->cases, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 28);
  limit = find_limit (after, "06010");
  g_assert_cmpuint (limit->amount, ==, 6);
  g_assert_cmpint (limit->unit, ==, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS);
  /* The refusals left no audit entry either. */
  g_clear_pointer (&audit, xuncha_office_audit_entry_free);
  audit = last_audit (f);
  g_assert_cmpstr (audit->after, ==, "6 work_hours");
}

/* Each step moves the status devices pull (a new revision each time, the report's officer
 * sees it), keeps the deadline and assignee it sets and the ones before where it sets
 * none, and is read back in order in the history and in the audit log. */
static void
test_steps (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeCase) fresh = xuncha_office_case_records_case_get (f->cases,
                                                                           REPORT_UUID, &error);
  g_autoptr(XunchaOfficeCase) item = NULL;
  g_autoptr(XunchaOfficeCaseEvent) accept = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCaseEvent) file = make_step ("file", "受理", "立案");
  g_autoptr(XunchaOfficeCaseEvent) dispatch = make_step ("dispatch", "立案", "派遣");
  g_autoptr(XunchaOfficeCaseEvent) check = make_step ("request_check", "派遣", "待核查");
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  const XunchaOfficeCaseEvent *event;
  const gint64 deadline = G_GINT64_CONSTANT (1796000000) * G_USEC_PER_SEC;
  gint64 r1, r2, r3, r4, next = 0;

  g_assert_no_error (error);
  g_assert_null (fresh->status);
  g_assert_cmpint (fresh->deadline_us, ==, 0);
  g_assert_null (fresh->assignee);
  g_assert_cmpuint (fresh->steps, ==, 0);

  r1 = step (f, accept, 0);
  file->deadline_us = deadline;
  r2 = step (f, file, 1);
  dispatch->assignee = g_strdup ("一中队");
  r3 = step (f, dispatch, 2);
  check->assignee = g_strdup ("A001");
  check->task_id = g_strdup ("check-" REPORT_UUID "-3");
  r4 = step (f, check, 3);
  g_assert_cmpint (r1, <, r2);
  g_assert_cmpint (r2, <, r3);
  g_assert_cmpint (r3, <, r4);

  item = xuncha_office_case_records_case_get (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, "待核查");
  g_assert_cmpint (item->deadline_us, ==, deadline);
  /* Dispatched to the team; the check's officer is the step's, not the case's. */
  g_assert_cmpstr (item->assignee, ==, "一中队");
  g_assert_cmpuint (item->steps, ==, 4);

  /* What the device pulls, and what the report says. */
  statuses = xuncha_office_records_status_since (f->records, &f->officer, r3, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (statuses->len, ==, 1);
  g_assert_cmpstr (((XunchaOfficeCaseStatus *)statuses->pdata[0])->case_status, ==, "待核查");
  g_assert_cmpint (((XunchaOfficeCaseStatus *)statuses->pdata[0])->revision, ==, r4);
  g_assert_cmpint (next, ==, r4);
  record = xuncha_office_records_report_get (f->records, NULL, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->case_status, ==, "待核查");
  g_assert_nonnull (record->case_status_at);

  history = xuncha_office_case_records_case_history (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 4);
  event = history->pdata[0];
  g_assert_cmpstr (event->action, ==, "accept");
  g_assert_cmpstr (event->from_status, ==, "上报");
  g_assert_cmpstr (event->to_status, ==, "受理");
  g_assert_cmpstr (event->actor, ==, "dispatch");
  g_assert_cmpint (event->at, ==, accept->at);
  event = history->pdata[1];
  g_assert_cmpint (event->deadline_us, ==, deadline);
  event = history->pdata[2];
  g_assert_cmpstr (event->assignee, ==, "一中队");
  event = history->pdata[3];
  g_assert_cmpstr (event->task_id, ==, "check-" REPORT_UUID "-3");
  for (guint i = 1; i < history->len; i++)
    g_assert_cmpint (((XunchaOfficeCaseEvent *)history->pdata[i - 1])->id, <,
                     ((XunchaOfficeCaseEvent *)history->pdata[i])->id);

  audit = last_audit (f);
  g_assert_cmpstr (audit->action, ==, "case.request_check");
  g_assert_cmpstr (audit->subject, ==, REPORT_UUID);
  g_assert_cmpstr (audit->before, ==, "派遣");
  g_assert_true (g_str_has_prefix (audit->after, "待核查"));
  g_assert_nonnull (strstr (audit->after, "A001"));

  running = xuncha_office_case_records_cases_running (f->cases, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (running->len, ==, 1);
  g_assert_cmpstr (((XunchaOfficeCase *)running->pdata[0])->report_uuid, ==, REPORT_UUID);
}

/* Walks report @uuid to 立案 at @filed_us with @deadline_us, then to 结案 at @closed_us
 * (0: left open). */
static void
file_case (Fixture    *f,
           const char *uuid,
           gint64      filed_us,
           gint64      deadline_us,
           gint64      closed_us)
{
  g_autoptr(XunchaOfficeCaseEvent) accept = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCaseEvent) file = make_step ("file", "受理", "立案");
  g_autoptr(XunchaOfficeCaseEvent) close = make_step ("close_override", "立案", "结案");

  if (g_strcmp0 (uuid, REPORT_UUID) != 0)
    put_report (f, uuid);
  for (XunchaOfficeCaseEvent **e = (XunchaOfficeCaseEvent *[]){ accept, file, close, NULL };
       *e != NULL; e++)
    {
      g_free ((*e)->report_uuid);
      (*e)->report_uuid = g_strdup (uuid);
    }
  accept->at = filed_us - 1000;
  file->at = filed_us;
  file->deadline_us = deadline_us;
  step (f, accept, 0);
  step (f, file, 1);
  if (closed_us > 0)
    {
      close->at = closed_us;
      step (f, close, 2);
    }
}

/* The weekly report's case figures: the cases closed in the week (on time or late against
 * their deadline), and those still open at its end past their deadline, each with its
 * category and officer; a case closed only after the week counts as open in it, and one
 * closed before it, not yet due or never filed is not listed. */
static void
test_outcomes (Fixture       *f,
               gconstpointer  data)
{
  const gint64 day = (gint64)G_USEC_PER_SEC * 86400;
  const gint64 from = G_GINT64_CONSTANT (1796860800) * G_USEC_PER_SEC, to = from + 7 * day;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  g_autoptr(XunchaOfficeCaseEvent) accept = NULL;
  const XunchaOfficeCaseOutcome *o;

  file_case (f, REPORT_UUID, from - 2 * day, from + day, from + day / 2);           /* on time */
  file_case (f, "00000000-0000-4000-8000-00000000000b", from - 5 * day, from - day,
             from + 2 * day);                                                       /* late */
  file_case (f, "00000000-0000-4000-8000-00000000000c", from - 3 * day, from + 3 * day, 0);
  file_case (f, "00000000-0000-4000-8000-00000000000d", from, from + 10 * day, 0); /* not due */
  file_case (f, "00000000-0000-4000-8000-00000000000e", from - 10 * day, from - 8 * day,
             from - 7 * day);                                                       /* before */
  file_case (f, "00000000-0000-4000-8000-00000000000f", from, from + 2 * day,
             from + 9 * day);                                                       /* after */
  put_report (f, "00000000-0000-4000-8000-000000000010");                         /* accepted */
  accept = make_step ("accept", "上报", "受理");
  g_free (accept->report_uuid);
  accept->report_uuid = g_strdup ("00000000-0000-4000-8000-000000000010");
  step (f, accept, 0);

  outcomes = xuncha_office_case_records_case_outcomes (f->cases, from, to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, 4);
  o = outcomes->pdata[0];
  g_assert_cmpstr (o->report_uuid, ==, "00000000-0000-4000-8000-00000000000b");
  g_assert_cmpint (o->deadline_us, ==, from - day);
  g_assert_cmpint (o->closed_us, ==, from + 2 * day);
  g_assert_false (xuncha_office_case_outcome_on_time (o));
  o = outcomes->pdata[1];
  g_assert_cmpstr (o->report_uuid, ==, REPORT_UUID);
  g_assert_cmpstr (o->category, ==, "06010");
  g_assert_cmpstr (o->officer_id, ==, "A001");
  g_assert_cmpint (o->closed_us, ==, from + day / 2);
  g_assert_true (xuncha_office_case_outcome_on_time (o));
  o = outcomes->pdata[2];
  g_assert_cmpstr (o->report_uuid, ==, "00000000-0000-4000-8000-00000000000f");
  g_assert_cmpint (o->closed_us, ==, 0);
  g_assert_false (xuncha_office_case_outcome_on_time (o));
  o = outcomes->pdata[3];
  g_assert_cmpstr (o->report_uuid, ==, "00000000-0000-4000-8000-00000000000c");
  g_assert_cmpint (o->closed_us, ==, 0);

  /* The week before: only the case closed in it; the late one was open and overdue. */
  g_clear_pointer (&outcomes, g_ptr_array_unref);
  outcomes = xuncha_office_case_records_case_outcomes (f->cases, from - 7 * day, from, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, 2);
  o = outcomes->pdata[0];
  g_assert_cmpstr (o->report_uuid, ==, "00000000-0000-4000-8000-00000000000e");
  g_assert_cmpint (o->closed_us, ==, from - 7 * day);
  g_assert_false (xuncha_office_case_outcome_on_time (o));
  o = outcomes->pdata[1];
  g_assert_cmpstr (o->report_uuid, ==, "00000000-0000-4000-8000-00000000000b");
  g_assert_cmpint (o->closed_us, ==, 0);
}

/* A step against a status the case no longer has, or against a history that grew since
 * (a second click, another dispatcher), is a conflict, and nothing changes: not the
 * status, its revision, the history or the audit log. A closed case no longer runs. */
static void
test_moved_on (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeCaseEvent) accept = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCaseEvent) again = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCaseEvent) reject = make_step ("reject", "受理", "不予立案");
  g_autoptr(XunchaOfficeCaseEvent) stale = make_step ("reject", "受理", "不予立案");
  g_autoptr(XunchaOfficeCaseEvent) ghost = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCase) item = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  gint64 revision, next = 0, unchanged = -1;

  revision = step (f, accept, 0);
  g_assert_false (xuncha_office_case_records_case_change (f->cases, again, 0, &unchanged,
                                                          &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* The right status, but a history that grew. */
  g_assert_false (xuncha_office_case_records_case_change (f->cases, stale, 0, &unchanged,
                                                          &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_free (ghost->report_uuid);
  ghost->report_uuid = g_strdup ("00000000-0000-4000-8000-000000000000");
  g_assert_false (xuncha_office_case_records_case_change (f->cases, ghost, 0, &unchanged,
                                                          &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  item = xuncha_office_case_records_case_get (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, "受理");
  g_assert_cmpuint (item->steps, ==, 1);
  statuses = xuncha_office_records_status_since (f->records, &f->officer, 0, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next, ==, revision);
  history = xuncha_office_case_records_case_history (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  audit = last_audit (f);
  g_assert_cmpstr (audit->action, ==, "case.accept");

  reject->note = g_strdup ("重复上报");
  step (f, reject, 1);
  running = xuncha_office_case_records_cases_running (f->cases, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (running->len, ==, 0);
  g_clear_pointer (&item, xuncha_office_case_free);
  item = xuncha_office_case_records_case_get (f->cases, "00000000-0000-4000-8000-000000000000",
                                              &error);
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_assert_null (item);
}

/* An officer's check result moves the case (fixed: 待结案) and is a step of its history
 * too, by the officer, from the status it found; a console step made against the history
 * before it is a conflict. */
static void
test_result_step (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeCaseEvent) accept = make_step ("accept", "上报", "受理");
  g_autoptr(XunchaOfficeCaseEvent) file = make_step ("file", "受理", "立案");
  g_autoptr(XunchaOfficeCaseEvent) dispatch = make_step ("dispatch", "立案", "派遣");
  g_autoptr(XunchaOfficeCaseEvent) check = make_step ("request_check", "派遣", "待核查");
  g_autoptr(XunchaOfficeCaseEvent) late = make_step ("return", "待核查", "退回");
  g_autoptr(XunchaWireTask) task = xuncha_wire_task_new ();
  g_autoptr(XunchaWireTask) done = NULL;
  g_autoptr(XunchaWireTaskResult) result = NULL;
  g_autoptr(XunchaOfficeCase) item = NULL;
  g_autoptr(GPtrArray) history = NULL;
  const XunchaOfficeCaseEvent *event;
  g_autofree char *task_id = g_uuid_string_random ();
  g_autofree char *result_json = NULL;
  gboolean created = FALSE;
  gint64 unchanged;

  file->deadline_us = g_get_real_time () + (gint64)3600 * G_USEC_PER_SEC;
  dispatch->assignee = g_strdup ("一中队");
  check->assignee = g_strdup ("A001");
  check->task_id = g_strdup (task_id);
  step (f, accept, 0);
  step (f, file, 1);
  step (f, dispatch, 2);
  task->id = g_strdup (task_id);
  task->kind = g_strdup ("check");
  task->officer_id = g_strdup ("A001");
  task->created_at = g_strdup ("2026-12-07T02:00:00Z");
  task->deadline = g_strdup ("2099-12-31T10:00:00Z");
  task->report_uuid = g_strdup (REPORT_UUID);
  task->note = g_strdup ("");
  g_assert_true (xuncha_office_records_task_add (f->records, task, &error));
  g_assert_no_error (error);
  step (f, check, 3);

  result_json = g_strdup_printf ("{\"task_id\": \"%s\", \"result_uuid\": "
                                 "\"0c9e3f5a-8b2d-4e6f-9a1b-3c5d7e9f1a2b\", \"outcome\": "
                                 "\"fixed\", \"category\": null, \"report_uuids\": [], "
                                 "\"note\": \"已清理\", \"position\": null, "
                                 "\"shift_uuid\": null, \"done_at\": \"2026-12-07T03:00:00Z\"}",
                                 task_id);
  result = xuncha_wire_task_result_decode (result_json, -1, &error);
  g_assert_no_error (error);
  done = xuncha_office_records_task_result_put (f->records, &f->officer, result,
                                                g_get_real_time (), &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);

  item = xuncha_office_case_records_case_get (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, "待结案");
  g_assert_cmpuint (item->steps, ==, 5);
  g_assert_cmpstr (item->assignee, ==, "一中队");
  history = xuncha_office_case_records_case_history (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 5);
  event = history->pdata[4];
  g_assert_cmpstr (event->action, ==, "check_result");
  g_assert_cmpstr (event->actor, ==, "A001");
  g_assert_cmpstr (event->from_status, ==, "待核查");
  g_assert_cmpstr (event->to_status, ==, "待结案");
  g_assert_cmpstr (event->note, ==, "已清理");
  g_assert_cmpstr (event->task_id, ==, task_id);

  /* A return made on the page as it was before the result: refused. */
  g_assert_false (xuncha_office_case_records_case_change (f->cases, late, 4, &unchanged,
                                                          &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
}

/* Two steps from the same status at once: exactly one is made. */
typedef struct
{
  Fixture  *f;
  gint      ok;
  gint      conflicts;
} Race;

static gpointer
race_step (gpointer data)
{
  Race *race = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeCaseEvent) accept = make_step ("accept", "上报", "受理");
  gint64 revision;

  if (xuncha_office_case_records_case_change (race->f->cases, accept, 0, &revision, &error))
    g_atomic_int_inc (&race->ok);
  else if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                            XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
    g_atomic_int_inc (&race->conflicts);
  else
    g_warning ("Unexpected: %s", error->message);
  return NULL;
}

static void
test_race (Fixture       *f,
           gconstpointer  data)
{
  Race race = { f, 0, 0 };
  GThread *threads[4];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("step", race_step, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (race.ok, ==, 1);
  g_assert_cmpint (race.conflicts, ==, 3);
  history = xuncha_office_case_records_case_history (f->cases, REPORT_UUID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#if HAVE_POSTGRESQL
  if (on_postgresql ())
    xuncha_test_postgres_available (&unavailable);
#else
  if (on_postgresql ())
    unavailable = g_strdup ("this build has no PostgreSQL support (libpq)");
#endif
  if (unavailable != NULL)
    {
      g_test_add_func ("/office-case-records/backend-unavailable", test_unavailable);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/office-case-records/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("time-limits", test_time_limits);
  ADD ("steps", test_steps);
  ADD ("moved-on", test_moved_on);
  ADD ("result-step", test_result_step);
  ADD ("race", test_race);
  ADD ("outcomes", test_outcomes);
  return g_test_run ();
}
