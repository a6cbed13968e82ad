/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

#define OFFICER "A001"

typedef struct
{
  char        *dir;
  XunchaStore *store;
} Fixture;

static void
exec (XunchaStore *store,
      const char  *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static gint64
count (XunchaStore *store,
       const char  *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = xuncha_test_make_tmpdir ();
  f->store = xuncha_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (f->store, &error));
  g_assert_no_error (error);
  exec (f->store, "INSERT INTO reports (uuid, created_at, category, disposition) VALUES "
                  "('11111111-1111-4111-8111-111111111111', '2024-05-01T09:00:00Z', '09006', "
                  "'corrected')");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
}

static XunchaTask *
make_task (const char *id,
           const char *kind,
           const char *deadline,
           gint64      revision)
{
  XunchaTask *task = xuncha_task_new ();

  task->id = g_strdup (id);
  task->kind = g_strdup (kind);
  task->officer_id = g_strdup (OFFICER);
  task->state = g_strdup ("open");
  task->created_at = g_strdup ("2024-05-01T08:30:00Z");
  task->deadline = g_strdup (deadline);
  task->note = g_strdup ("市民热线：陈寿路12号门前占道");
  task->revision = revision;
  if (!g_str_equal (kind, "rollcall") && !g_str_equal (kind, "patrol"))
    {
      task->lat = 30.6586;
      task->lon = 104.0648;
      task->radius_m = 50;
    }
  return task;
}

static void
apply (Fixture    *f,
       XunchaTask *task)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_ptr_array_add (tasks, task);
  g_assert_true (xuncha_store_begin (f->store, &error));
  g_assert_true (xuncha_task_store_apply (f->store, tasks, OFFICER, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_store_commit (f->store, &error));
}

static XunchaTaskResult *
make_result (const char *task_id,
             const char *outcome)
{
  XunchaTaskResult *result = xuncha_task_result_new ();

  result->result_uuid = g_uuid_string_random ();
  result->task_id = g_strdup (task_id);
  result->outcome = g_strdup (outcome);
  result->done_at = g_strdup ("2024-05-01T09:12:00Z");
  return result;
}

static char *
outbox_state (Fixture    *f,
              const char *kind,
              const char *item)
{
  return xuncha_outbox_get_state (f->store, kind, item);
}

static void
test_inbox_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  g_autoptr(XunchaTask) got = NULL;
  XunchaTask *near, *far, *later;

  far = make_task ("a-far", "verify", "2024-05-01T12:00:00Z", 3);
  far->lat = 30.70;
  apply (f, far);
  near = make_task ("b-near", "verify", "2024-05-01T12:00:00Z", 4);
  apply (f, near);
  later = make_task ("c-later", "rollcall", "2024-05-02T12:00:00Z", 5);
  apply (f, later);

  inbox = xuncha_task_store_list (f->store, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->len, ==, 3);
  /* The same deadline: the nearer first. */
  xuncha_task_sort (inbox, 30.6586, 104.0648);
  g_assert_cmpstr (((XunchaTask *)inbox->pdata[0])->id, ==, "b-near");
  g_assert_cmpstr (((XunchaTask *)inbox->pdata[1])->id, ==, "a-far");
  g_assert_cmpstr (((XunchaTask *)inbox->pdata[2])->id, ==, "c-later");
  g_assert_true (xuncha_task_is_overdue (inbox->pdata[0], 1714568400001));
  g_assert_false (xuncha_task_is_overdue (inbox->pdata[2], 1714568400001));

  got = xuncha_task_store_get (f->store, "a-far", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->note, ==, "市民热线：陈寿路12号门前占道");
  g_assert_cmpfloat (got->lat, ==, 30.70);
  g_assert_cmpint (got->deadline_ms, ==, 1714564800000);
  g_assert_cmpuint (g_strv_length (got->photos), ==, 0);
  g_clear_pointer (&got, xuncha_task_free);

  /* An answer older than the one held changes nothing; a newer one does. */
  far = make_task ("a-far", "verify", "2024-05-01T12:00:00Z", 2);
  g_free (far->note);
  far->note = g_strdup ("old");
  apply (f, far);
  got = xuncha_task_store_get (f->store, "a-far", &error);
  g_assert_cmpstr (got->note, !=, "old");
  g_clear_pointer (&got, xuncha_task_free);

  /* Cancelled at the office: out of the inbox, still held. */
  far = make_task ("a-far", "verify", "2024-05-01T12:00:00Z", 9);
  g_free (far->state);
  far->state = g_strdup ("cancelled");
  apply (f, far);
  g_clear_pointer (&inbox, g_ptr_array_unref);
  inbox = xuncha_task_store_list (f->store, 0, FALSE, &error);
  g_assert_cmpuint (inbox->len, ==, 2);
  g_clear_pointer (&inbox, g_ptr_array_unref);
  inbox = xuncha_task_store_list (f->store, 0, TRUE, &error);
  g_assert_cmpuint (inbox->len, ==, 3);

  g_assert_null (xuncha_task_store_get (f->store, "nope", &error));
  g_assert_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_NOT_FOUND);
}

static void
test_taken_by_another (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTask) got = NULL;
  XunchaTask *task = make_task ("team-1", "verify", "2024-05-01T12:00:00Z", 1);

  g_clear_pointer (&task->officer_id, g_free);
  task->team = g_strdup ("T1");
  apply (f, task);
  g_assert_true (xuncha_task_store_accept (f->store, "team-1", "2024-05-01T09:00:00Z", &error));
  g_assert_no_error (error);
  g_autofree char *state = outbox_state (f, "task_accept", "team-1");
  g_assert_cmpstr (state, ==, "waiting");

  /* The office says A002 took it: not doable here, out of the inbox. */
  task = make_task ("team-1", "verify", "2024-05-01T12:00:00Z", 2);
  g_clear_pointer (&task->officer_id, g_free);
  task->team = g_strdup ("T1");
  g_free (task->state);
  task->state = g_strdup ("accepted");
  task->accepted_by = g_strdup ("A002");
  apply (f, task);
  got = xuncha_task_store_get (f->store, "team-1", &error);
  g_assert_true (got->taken);
  g_assert_false (xuncha_task_is_doable (got));
  g_assert_false (xuncha_task_store_accept (f->store, "team-1", "2024-05-01T09:01:00Z", &error)
                  && got->accept_at == NULL);

  /* Accepted by this officer: still his. */
  task = make_task ("team-2", "verify", "2024-05-01T12:00:00Z", 3);
  g_free (task->state);
  task->state = g_strdup ("accepted");
  task->accepted_by = g_strdup (OFFICER);
  apply (f, task);
  g_clear_pointer (&got, xuncha_task_free);
  got = xuncha_task_store_get (f->store, "team-2", &error);
  g_assert_false (got->taken);
  g_assert_true (xuncha_task_is_doable (got));

  /* A refused accept (409 task_taken) marks it taken too. */
  g_assert_true (xuncha_task_store_mark_taken (f->store, "team-2", NULL, &error));
  g_clear_pointer (&got, xuncha_task_free);
  got = xuncha_task_store_get (f->store, "team-2", &error);
  g_assert_true (got->taken);
  g_assert_cmpstr (got->accepted_by, ==, OFFICER);
}

static void
test_result_queued (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaskResult) result = make_result ("v-1", "confirmed");
  g_autoptr(XunchaTaskResult) again = NULL;
  g_autoptr(XunchaTaskResult) other = NULL;
  g_autoptr(XunchaTaskResult) held = NULL;
  g_autoptr(XunchaTask) got = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  g_autofree char *state = NULL;

  apply (f, make_task ("v-1", "verify", "2024-05-01T12:00:00Z", 1));
  g_strfreev (result->report_uuids);
  result->report_uuids = g_strdupv ((char *[]) { "11111111-1111-4111-8111-111111111111",
                                                 NULL });
  g_assert_true (xuncha_task_store_save_result (f->store, result, &error));
  g_assert_no_error (error);
  state = outbox_state (f, "task_result", "v-1");
  g_assert_cmpstr (state, ==, "waiting");
  got = xuncha_task_store_get (f->store, "v-1", &error);
  g_assert_cmpstr (got->outcome, ==, "confirmed");
  g_assert_false (xuncha_task_is_doable (got));
  inbox = xuncha_task_store_list (f->store, 0, FALSE, &error);
  g_assert_cmpuint (inbox->len, ==, 0);

  /* The same again is kept once; a different one is refused. */
  again = xuncha_task_result_copy (result);
  g_assert_true (xuncha_task_store_save_result (f->store, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM task_results"), ==, 1);
  other = make_result ("v-1", "not_found");
  g_assert_false (xuncha_task_store_save_result (f->store, other, &error));
  g_assert_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_DONE);
  g_clear_error (&error);

  /* Cancelled at the office while the result waits: the result stays, still queued. */
  {
    XunchaTask *cancelled = make_task ("v-1", "verify", "2024-05-01T12:00:00Z", 7);

    g_free (cancelled->state);
    cancelled->state = g_strdup ("cancelled");
    apply (f, cancelled);
  }
  held = xuncha_task_store_get_result (f->store, "v-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (held);
  g_assert_cmpstr (held->result_uuid, ==, result->result_uuid);
  g_assert_cmpstr (held->report_uuids[0], ==, "11111111-1111-4111-8111-111111111111");
  g_clear_pointer (&state, g_free);
  state = outbox_state (f, "task_result", "v-1");
  g_assert_cmpstr (state, ==, "waiting");
}

static void
refused (Fixture          *f,
         XunchaTaskResult *result,
         int               code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (xuncha_task_store_save_result (f->store, result, &error));
  g_assert_error (error, XUNCHA_TASK_STORE_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM task_results"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM outbox WHERE kind = 'task_result'"),
                   ==, 0);
  xuncha_task_result_free (result);
}

static void
test_result_refused (Fixture       *f,
                     gconstpointer  data)
{
  XunchaTaskResult *result;

  apply (f, make_task ("v-2", "verify", "2024-05-01T12:00:00Z", 1));
  apply (f, make_task ("c-2", "check", "2024-05-01T12:00:00Z", 2));

  refused (f, make_result ("v-2", "fixed"), XUNCHA_TASK_STORE_ERROR_INVALID);
  refused (f, make_result ("c-2", "confirmed"), XUNCHA_TASK_STORE_ERROR_INVALID);
  refused (f, make_result ("v-2", "different"), XUNCHA_TASK_STORE_ERROR_INVALID);
  result = make_result ("v-2", "different");
  result->category = g_strdup ("99999");
  refused (f, result, XUNCHA_TASK_STORE_ERROR_INVALID);
  result = make_result ("v-2", "confirmed");
  result->category = g_strdup ("09006");
  refused (f, result, XUNCHA_TASK_STORE_ERROR_INVALID);
  result = make_result ("v-2", "confirmed");
  g_strfreev (result->report_uuids);
  result->report_uuids = g_strdupv ((char *[]) { "22222222-2222-4222-8222-222222222222",
                                                 NULL });
  refused (f, result, XUNCHA_TASK_STORE_ERROR_INVALID);
  refused (f, make_result ("none", "confirmed"), XUNCHA_TASK_STORE_ERROR_NOT_FOUND);
}

static void
test_rollcall_needs_shift (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  XunchaTaskResult *result;
  g_autoptr(XunchaTaskResult) answered = NULL;

  apply (f, make_task ("r-1", "rollcall", "2024-05-01T12:00:00Z", 1));

  /* No shift: refused with the reason. */
  result = make_result ("r-1", "present");
  result->lat = 30.6586;
  result->lon = 104.0648;
  refused (f, result, XUNCHA_TASK_STORE_ERROR_NO_SHIFT);

  /* A shift that ended is no shift on. */
  exec (f->store, "INSERT INTO shifts (uuid, kind, started_at, ended_at) VALUES "
                  "('s-ended', 'early', '2024-05-01T06:00:00Z', '2024-05-01T08:00:00Z')");
  result = make_result ("r-1", "present");
  result->lat = 30.6586;
  result->lon = 104.0648;
  result->shift_uuid = g_strdup ("s-ended");
  refused (f, result, XUNCHA_TASK_STORE_ERROR_NO_SHIFT);

  /* During a shift, without a fix: refused too. */
  exec (f->store, "INSERT INTO shifts (uuid, kind, started_at) VALUES "
                  "('s-on', 'mid', '2024-05-01T08:30:00Z')");
  result = make_result ("r-1", "present");
  result->shift_uuid = g_strdup ("s-on");
  refused (f, result, XUNCHA_TASK_STORE_ERROR_INVALID);

  answered = make_result ("r-1", "present");
  answered->shift_uuid = g_strdup ("s-on");
  answered->lat = 30.6586;
  answered->lon = 104.0648;
  answered->accuracy = 6.5;
  answered->position_source = g_strdup ("gps");
  g_assert_true (xuncha_task_store_save_result (f->store, answered, &error));
  g_assert_no_error (error);
}

static void
test_reinspection_is_a_check (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  g_autoptr(XunchaTask) got = NULL;
  XunchaTaskResult *result;
  const XunchaTask *check;

  exec (f->store, "INSERT INTO reports (uuid, created_at, category, disposition, deadline, "
                  "lat, lon) VALUES ('due-1', '2024-04-28T02:00:00Z', '07001', 'deadline', "
                  "'2024-05-01T10:00:00+08:00', 30.79, 106.08)");
  inbox = xuncha_task_store_list (f->store, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->len, ==, 1);
  check = inbox->pdata[0];
  g_assert_cmpstr (check->id, ==, XUNCHA_TASK_REINSPECTION_PREFIX "due-1");
  g_assert_cmpint (check->origin, ==, XUNCHA_TASK_ORIGIN_DEVICE);
  g_assert_cmpstr (check->kind, ==, "check");
  g_assert_cmpstr (check->report_uuid, ==, "due-1");
  g_assert_cmpstr (check->category, ==, "07001");
  g_assert_cmpint (check->deadline_ms, ==, 1714528800000);
  got = xuncha_task_store_get (f->store, check->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->kind, ==, "check");

  /* Accepting tells no one; it has no result for the office. */
  g_assert_true (xuncha_task_store_accept (f->store, check->id, "2024-05-06T09:00:00Z", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM outbox WHERE kind = 'task_accept'"),
                   ==, 0);
  result = make_result (check->id, "fixed");
  refused (f, result, XUNCHA_TASK_STORE_ERROR_INVALID);

  /* The re-inspection report ends it. */
  exec (f->store, "INSERT INTO reports (uuid, created_at, category, disposition, parent_uuid) "
                  "VALUES ('due-1-again', '2024-05-06T02:00:00Z', '07001', 'corrected', "
                  "'due-1')");
  g_clear_pointer (&inbox, g_ptr_array_unref);
  inbox = xuncha_task_store_list (f->store, 0, FALSE, &error);
  g_assert_cmpuint (inbox->len, ==, 0);
}

static void
test_messages (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_message_free);
  g_autoptr(GPtrArray) unread = NULL;
  g_autoptr(XunchaMessage) got = NULL;
  g_autoptr(GError) error = NULL;
  XunchaMessage *message = g_new0 (XunchaMessage, 1);
  guint added = 0;

  message->id = g_strdup ("8f2a0000-0000-4000-8000-000000000001");
  message->audience = g_strdup ("team");
  message->team = g_strdup ("T1");
  message->sender = g_strdup ("指挥中心");
  message->title = g_strdup ("今晚集中整治");
  message->body = g_strdup ("19:00 陈寿路集合");
  message->sent_at = g_strdup ("2024-05-01T08:30:00Z");
  message->revision = 21;
  g_ptr_array_add (incoming, message);
  g_assert_true (xuncha_message_store_apply (f->store, incoming, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 1);
  g_assert_true (xuncha_message_store_apply (f->store, incoming, &added, &error));
  g_assert_cmpuint (added, ==, 0);
  unread = xuncha_message_store_list (f->store, TRUE, &error);
  g_assert_cmpuint (unread->len, ==, 1);

  g_assert_true (xuncha_message_store_mark_read (f->store, message->id,
                                                 "2024-05-01T09:00:00Z", &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_message_store_mark_read (f->store, message->id,
                                                 "2024-05-01T10:00:00Z", &error));
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM outbox WHERE kind = 'message_read'"),
                   ==, 1);
  /* The office's copy, not yet read there, keeps the reading made here. */
  g_assert_true (xuncha_message_store_apply (f->store, incoming, &added, &error));
  got = xuncha_message_store_get (f->store, message->id, &error);
  g_assert_cmpstr (got->read_at, ==, "2024-05-01T09:00:00Z");
  g_clear_pointer (&unread, g_ptr_array_unref);
  unread = xuncha_message_store_list (f->store, TRUE, &error);
  g_assert_cmpuint (unread->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/task-store/inbox-order", test_inbox_order);
  ADD ("/task-store/taken-by-another", test_taken_by_another);
  ADD ("/task-store/result-queued", test_result_queued);
  ADD ("/task-store/result-refused", test_result_refused);
  ADD ("/task-store/rollcall-needs-shift", test_rollcall_needs_shift);
  ADD ("/task-store/reinspection-is-a-check", test_reinspection_is_a_check);
  ADD ("/task-store/messages", test_messages);
#undef ADD

  return g_test_run ();
}
