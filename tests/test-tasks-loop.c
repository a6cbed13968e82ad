/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "xuncha-core.h"
#include "xuncha-fault-proxy.h"
#include "xuncha-store-private.h"
#include "xuncha-test-office.h"
#include "xuncha-test-sync-env.h"
#include "xuncha-test-util.h"
#include "xuncha-wire-task.h"

/* Tasks from the office, end to end over real HTTPS: the office's command line adds a
 * task, a device (xuncha-cli and the core's sync, as the phone runs them) pulls it, the
 * officer does it and the sync brings the result back; the office's task is done with the
 * report linked and the case moved, at the office and in the case status the device pulls.
 * The same through the fault proxy (dropped connections, lost answers, the office killed
 * mid-sync) stores each result and report exactly once. Two officers' devices accepting
 * one team task at once; a task cancelled, or past its deadline, while its result waited
 * on the device; a roll call answered only during a shift. (The office's side of each,
 * call by call, is test-office-tasks.) */

#define OFFICE_LAT "30.6586"
#define OFFICE_LON "104.0648"

typedef XunchaTestSyncEnv Env;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, xuncha_test_sync_env_free)

#define env_new xuncha_test_sync_env_new
#define env_add_other xuncha_test_sync_env_add_other
#define env_use_proxy xuncha_test_sync_env_use_proxy

/* A real JPEG, for the reports made with the command line. */
static char *photo;

static XunchaSyncResult *
sync_dir (const char *device_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = xuncha_test_fast_sync (device_dir, 6);
  XunchaSyncResult *result = xuncha_sync_run (sync, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  for (guint i = 0; i < result->items->len; i++)
    {
      XunchaSyncItem *item = result->items->pdata[i];

      g_test_message ("  %s %s: %s %ld %s", item->kind, item->item,
                      xuncha_sync_outcome_to_string (item->outcome), item->status,
                      item->message != NULL ? item->message : "");
    }
  return result;
}

/* Syncs until complete (a fault may stop a sync; the next one carries on); counts the
 * task results the office answered as already held. */
static void
sync_until_complete_counting (Env   *env,
                              guint *results_held)
{
  for (guint round = 0; round < 8; round++)
    {
      g_autoptr(XunchaSyncResult) result = sync_dir (env->device_dir);

      for (guint i = 0; i < result->items->len; i++)
        {
          XunchaSyncItem *item = result->items->pdata[i];

          if (g_str_equal (item->kind, "task_result") && item->outcome == XUNCHA_SYNC_OUTCOME_HELD)
            (*results_held)++;
        }
      if (xuncha_sync_result_is_complete (result))
        return;
      g_assert_cmpuint (result->failed, ==, 0);
      g_test_message ("sync round %u stopped: %s", round,
                      result->stopped != NULL ? result->stopped->message : "items deferred");
    }
  g_assert_not_reached ();
}

static void
sync_until_complete (Env *env)
{
  guint held = 0;

  sync_until_complete_counting (env, &held);
}

/* xuncha-cli on @dir with the arguments that follow; asserts success; its output. */
static char *
cli_on (const char *dir,
        const char *first,
        ...)
{
  const char *argv[24] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", dir };
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  guint n = 3;
  va_list args;
  int status;

  va_start (args, first);
  for (arg = first; arg != NULL && n < G_N_ELEMENTS (argv) - 1; arg = va_arg (args, const char *))
    argv[n++] = arg;
  va_end (args);
  argv[n] = NULL;
  status = xuncha_test_run (argv, &out, &err);
  if (status != 0)
    g_error ("xuncha-cli %s failed (%d): %s%s", first, status, out, err);
  return g_strstrip (out);
}

/* `xuncha-office task add` with what follows; the task id. */
static char *
office_task_add (Env        *env,
                 const char *first,
                 ...)
{
  const char *argv[24] = { "task", "add" };
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  guint n = 2;
  va_list args;
  int status;

  va_start (args, first);
  for (arg = first; arg != NULL && n < G_N_ELEMENTS (argv) - 1; arg = va_arg (args, const char *))
    argv[n++] = arg;
  va_end (args);
  while (n < G_N_ELEMENTS (argv))
    argv[n++] = NULL;
  status = xuncha_test_office_run (env->office_dir, &out, &err, argv[0], argv[1], argv[2],
                                   argv[3], argv[4], argv[5], argv[6], argv[7], argv[8],
                                   argv[9], argv[10], argv[11], argv[12], argv[13], argv[14],
                                   argv[15], argv[16], argv[17], argv[18], argv[19], NULL);
  if (status != 0)
    g_error ("task add failed: %s%s", out, err);
  return g_strdup (g_strstrip (out));
}

static char *
office_verify_task (Env        *env,
                    const char *deadline)
{
  return office_task_add (env, "--kind", "verify", "--officer", "A001", "--lat", OFFICE_LAT,
                          "--lon", OFFICE_LON, "--radius", "50", "--category", "09006",
                          "--deadline", deadline, "--note", "市民热线：陈寿路12号门前占道", NULL);
}

/* The task as the office holds it (`xuncha-office task show`). */
static XunchaWireTask *
office_task (Env        *env,
             const char *id)
{
  g_autofree char *out = xuncha_test_office_admin (env->office_dir, "task", "show", id, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  XunchaWireTask *task;

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  task = xuncha_wire_task_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  return task;
}

/* The case status `xuncha-office reports list --json` gives the report @uuid. */
static char *
office_case_status (Env        *env,
                    const char *uuid)
{
  g_autofree char *out = xuncha_test_office_admin (env->office_dir, "reports", "list", "--json",
                                                   NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *rows;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "reports");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "uuid"), uuid) == 0)
        return g_strdup (json_object_get_string_member_with_default (row, "case_status",
                                                                     NULL));
    }
  return NULL;
}

/* The case status the device shows for its report @uuid (pulled with the sync). */
static char *
device_case_status (Env        *env,
                    const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) reports = xuncha_report_store_new (env->store, &error);
  g_autoptr(XunchaReport) report = NULL;

  g_assert_no_error (error);
  report = xuncha_report_store_get (reports, uuid, &error);
  g_assert_no_error (error);
  return g_strdup (xuncha_report_get_case_status (report));
}

/* `xuncha-cli task show` on @dir, parsed. */
static JsonObject *
device_task (const char *dir,
             const char *id)
{
  g_autofree char *out = cli_on (dir, "task", "show", id, NULL);
  g_autoptr(JsonNode) node = json_from_string (out, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static gint64
office_count (Env        *env,
              const char *sql,
              const char *param)
{
  g_autofree char *value = xuncha_test_office_query (env->office_dir, sql, param);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

static gint64
device_count (Env        *env,
              const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (env->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* The officer reports what he found for task @id (category 09006 at the task's place,
 * with a real photo) and finishes it with @outcome; the report's uuid. */
static char *
do_with_report (Env        *env,
                const char *id,
                const char *outcome)
{
  g_autofree char *report = cli_on (env->device_dir, "report", "add", "--category", "09006",
                                    "--photo", photo, "--lat", OFFICE_LAT, "--lon",
                                    OFFICE_LON, "--accuracy", "5", "--disposition", "case",
                                    NULL);
  g_autofree char *done = cli_on (env->device_dir, "task", "do", id, "--outcome", outcome,
                                  "--report", report, NULL);

  return g_steal_pointer (&report);
}

/* The loop: a verify for A001 reaches his device, he confirms it with a report, the sync
 * brings it back: done at the office with the report linked, the case up for filing at
 * the office and on the device. Then a check of that case: fixed proposes closing it. */
static void
test_verify_loop (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *id = NULL, *check = NULL, *report = NULL, *listing = NULL, *status = NULL;
  g_autoptr(JsonObject) held = NULL;
  g_autoptr(XunchaWireTask) task = NULL;

  if (env == NULL)
    return;
  id = office_verify_task (env, "+2h");
  sync_until_complete (env);

  /* In the inbox, as the office sent it. */
  listing = cli_on (env->device_dir, "tasks", NULL);
  g_assert_nonnull (strstr (listing, id));
  held = device_task (env->device_dir, id);
  g_assert_cmpstr (json_object_get_string_member (held, "kind"), ==, "verify");
  g_assert_cmpstr (json_object_get_string_member (held, "state"), ==, "open");
  g_assert_cmpstr (json_object_get_string_member (held, "category"), ==, "09006");
  g_assert_true (json_object_get_boolean_member (held, "doable"));

  report = do_with_report (env, id, "confirmed");
  sync_until_complete (env);

  task = office_task (env, id);
  g_assert_cmpstr (task->state, ==, "done");
  g_assert_cmpstr (task->accepted_by, ==, "A001");
  g_assert_cmpstr (task->report_uuid, ==, report);
  g_assert_nonnull (task->result);
  g_assert_cmpstr (task->result->outcome, ==, "confirmed");
  g_assert_cmpstr (task->result->report_uuids[0], ==, report);
  status = office_case_status (env, report);
  g_assert_cmpstr (status, ==, "待立案");
  g_clear_pointer (&status, g_free);
  status = device_case_status (env, report);
  g_assert_cmpstr (status, ==, "待立案");
  g_clear_pointer (&held, json_object_unref);
  held = device_task (env->device_dir, id);
  g_assert_cmpstr (json_object_get_string_member (held, "state"), ==, "done");
  g_assert_false (json_object_get_boolean_member (held, "doable"));

  /* A check of the case: officer, place and category from the report. */
  check = office_task_add (env, "--kind", "check", "--report", report, "--deadline", "+1d",
                           NULL);
  sync_until_complete (env);
  g_clear_pointer (&held, json_object_unref);
  held = device_task (env->device_dir, check);
  g_assert_cmpstr (json_object_get_string_member (held, "report_uuid"), ==, report);
  g_free (cli_on (env->device_dir, "task", "do", check, "--outcome", "fixed", "--photo",
                  photo, "--lat", OFFICE_LAT, "--lon", OFFICE_LON, NULL));
  sync_until_complete (env);
  g_clear_pointer (&status, g_free);
  status = office_case_status (env, report);
  g_assert_cmpstr (status, ==, "待结案");
  g_clear_pointer (&status, g_free);
  status = device_case_status (env, report);
  g_assert_cmpstr (status, ==, "待结案");
  g_clear_pointer (&task, xuncha_wire_task_free);
  task = office_task (env, check);
  g_assert_cmpstr (task->state, ==, "done");
  /* The re-inspection's report, made by task do in the task's category. */
  g_assert_cmpuint (g_strv_length (task->result->report_uuids), ==, 1);
  g_clear_pointer (&status, g_free);
  status = xuncha_test_office_query (env->office_dir,
                                     "SELECT category FROM reports WHERE uuid = $1",
                                     task->result->report_uuids[0]);
  g_assert_cmpstr (status, ==, "09006");
}

/* A check's photos (the case's, from the office) reach the device once, as the bytes the
 * office holds, where the app shows them for framing; a sync again fetches nothing. */
static void
test_task_photos (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *verify = NULL, *report = NULL, *check = NULL, *sha = NULL, *path = NULL;
  g_autofree char *held = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  gsize held_length = 0;
  guint present, missing;

  if (env == NULL)
    return;
  verify = office_verify_task (env, "+2h");
  sync_until_complete (env);
  report = do_with_report (env, verify, "confirmed");
  sync_until_complete (env);
  check = office_task_add (env, "--kind", "check", "--report", report, "--deadline", "+1d",
                           NULL);
  task = office_task (env, check);
  g_assert_cmpuint (g_strv_length (task->photos), ==, 1);
  g_assert_null (xuncha_task_store_office_photo_path (env->store, task->photos[0]));
  sync_until_complete (env);

  path = xuncha_task_store_office_photo_path (env->store, task->photos[0]);
  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &held, &held_length, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)held, held_length);
  g_assert_cmpstr (sha, ==, task->photos[0]);

  /* Held: a sync asks for it no more; gone: the next sync fetches it again. */
  {
    g_autoptr(XunchaSyncResult) with_photo = sync_dir (env->device_dir);
    g_autoptr(XunchaSyncResult) without = NULL;

    g_assert_true (xuncha_sync_result_is_complete (with_photo));
    present = with_photo->requests;
    g_assert_cmpint (g_unlink (path), ==, 0);
    without = sync_dir (env->device_dir);
    g_assert_true (xuncha_sync_result_is_complete (without));
    missing = without->requests;
  }
  g_assert_cmpuint (missing, ==, present + 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/* Each task done exactly once at the office: one result, the device's, and every report
 * the device holds once; nothing left waiting on the device. */
static void
check_exactly_once (Env *env,
                    guint n_tasks)
{
  g_autofree char *reports = NULL;
  sqlite3_stmt *stmt;

  g_assert_cmpint (office_count (env, "SELECT count(*) FROM tasks WHERE result IS NOT NULL",
                                 NULL), ==, n_tasks);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM tasks WHERE state = 'done'", NULL),
                   ==, n_tasks);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM reports", NULL), ==,
                   device_count (env, "SELECT count(*) FROM reports"));
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM task_results"), ==, n_tasks);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state != 'acked'"), ==,
                   0);
  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (env->store),
                                       "SELECT task_id, result_uuid FROM task_results", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *task_id = (const char *)sqlite3_column_text (stmt, 0);
      const char *result_uuid = (const char *)sqlite3_column_text (stmt, 1);
      g_autoptr(XunchaWireTask) task = office_task (env, task_id);

      g_assert_cmpstr (task->state, ==, "done");
      g_assert_nonnull (task->result);
      g_assert_cmpstr (task->result->result_uuid, ==, result_uuid);
    }
  sqlite3_finalize (stmt);
}

/* The loop through the fault proxy: each round a new verify, done with a report, then the
 * sync that carries them meets a fault (connections dropped or answers lost at byte counts
 * that fall on the photo, the report, the accept and the result), and a last round the
 * office killed and started again mid-sync. Every result and report is stored once. */
static void
test_faults (void)
{
  static const struct { XunchaFaultKind kind; gint64 after; } faults[] = {
    { XUNCHA_FAULT_DROP, 400 },
    { XUNCHA_FAULT_DROP, 1200 },
    { XUNCHA_FAULT_DROP, 2000 },
    { XUNCHA_FAULT_DROP, 2800 },
    { XUNCHA_FAULT_LOST_ACK, 400 },
    { XUNCHA_FAULT_LOST_ACK, 1200 },
    { XUNCHA_FAULT_LOST_ACK, 2000 },
    { XUNCHA_FAULT_LOST_ACK, 2800 },
  };
  g_autoptr(Env) env = env_new ();
  guint n_tasks = 0, results_held = 0, fired;

  if (env == NULL)
    return;
  env_use_proxy (env);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *id = office_verify_task (env, "+2h");
      g_autofree char *report = NULL;

      sync_until_complete (env);
      report = do_with_report (env, id, "confirmed");
      fired = xuncha_fault_proxy_get_fired (env->proxy);
      xuncha_fault_proxy_add (env->proxy, faults[i].kind, faults[i].after, 0, 1);
      sync_until_complete_counting (env, &results_held);
      g_assert_cmpuint (xuncha_fault_proxy_get_fired (env->proxy), >, fired);
      n_tasks++;
      check_exactly_once (env, n_tasks);
    }

  /* Only the result waits: the lost answers swept over the sync fall on it at least
   * once, and the result sent again is answered as held. */
  for (gint64 after = 1700; after <= 3300; after += 400)
    {
      g_autofree char *id = office_verify_task (env, "+2h");
      g_autofree char *report = NULL;

      sync_until_complete (env);
      report = cli_on (env->device_dir, "report", "add", "--category", "09006", "--photo",
                       photo, "--lat", OFFICE_LAT, "--lon", OFFICE_LON, NULL);
      sync_until_complete (env);
      g_free (cli_on (env->device_dir, "task", "do", id, "--outcome", "confirmed", "--report",
                      report, NULL));
      xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_LOST_ACK, after, 0, 1);
      sync_until_complete_counting (env, &results_held);
      xuncha_fault_proxy_clear (env->proxy);
      n_tasks++;
      check_exactly_once (env, n_tasks);
    }
  g_test_message ("task results answered as held: %u", results_held);
  g_assert_cmpuint (results_held, >=, 1);

  /* The office killed mid-sync. */
  xuncha_fault_proxy_clear (env->proxy);
  {
    g_autofree char *id = office_verify_task (env, "+2h");
    g_autofree char *report = NULL;
    g_autoptr(XunchaSyncResult) result = NULL;

    sync_until_complete (env);
    report = do_with_report (env, id, "confirmed");
    /* Once the sync has sent its first item (the photo): the report, the accept and the
     * result meet a dead office, then one started again. */
    result = xuncha_test_sync_env_sync_through_restart (env, 1);
    if (!xuncha_sync_result_is_complete (result))
      sync_until_complete (env);
    n_tasks++;
    check_exactly_once (env, n_tasks);
  }
}

/* `xuncha-cli task do --photo` killed at random moments: the report, the accept and the
 * result are kept all together or not at all, never one without the others; what was kept
 * reaches the office once. */
static void
test_do_killed (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint kept = 0;

  if (env == NULL)
    return;
  for (guint i = 0; i < 12; i++)
    g_ptr_array_add (ids, office_verify_task (env, "+2h"));
  sync_until_complete (env);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", env->device_dir,
                             "task", "do", ids->pdata[i], "--outcome", "confirmed",
                             "--photo", photo, "--lat", OFFICE_LAT, "--lon", OFFICE_LON,
                             NULL };
      g_autoptr(GError) error = NULL;
      gint64 results;
      GPid pid;
      int status;

      g_assert_true (g_spawn_async (NULL, (char **)argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
      g_assert_no_error (error);
      g_usleep ((gulong)g_test_rand_int_range (0, 600) * 1000);
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);

      results = device_count (env, "SELECT count(*) FROM task_results");
      g_assert_cmpint (device_count (env, "SELECT count(*) FROM reports"), ==, results);
      g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE kind = 'report'"),
                       ==, results);
      g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox "
                                          "WHERE kind = 'task_result'"), ==, results);
      g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox "
                                          "WHERE kind = 'task_accept'"), ==, results);
      g_assert_cmpint (device_count (env, "SELECT count(*) FROM tasks "
                                          "WHERE accept_at IS NOT NULL"), ==, results);
      kept = (guint)results;
    }
  g_test_message ("%u of %u kept before the kill", kept, ids->len);
  sync_until_complete (env);
  check_exactly_once (env, kept);
}

typedef struct
{
  const char       *dir;
  XunchaSyncResult *result;
} Racer;

static gpointer
race_sync (gpointer data)
{
  Racer *racer = data;
  /* Each racer waits on a main context of its own: xuncha_sync_run() iterates the thread's
   * default one, and two threads sharing the global default could each dispatch the
   * other's completion and leave it polling for good. */
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  racer->result = sync_dir (racer->dir);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* A team task both officers of T1 accept on their devices, then sync at once: one takes
 * it, the other's device is told (the task marked taken, the sync says so) and no longer
 * offers it. */
static void
test_team_race (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *id = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  Racer racers[2];
  GThread *threads[2];
  guint winner;

  if (env == NULL)
    return;
  env_add_other (env);
  id = office_task_add (env, "--kind", "verify", "--team", "T1", "--lat", OFFICE_LAT, "--lon",
                        OFFICE_LON, "--deadline", "+2h", NULL);
  racers[0] = (Racer){ env->device_dir };
  racers[1] = (Racer){ env->other_dir };
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XunchaSyncResult) result = sync_dir (racers[i].dir);

      g_assert_true (xuncha_sync_result_is_complete (result));
      g_free (cli_on (racers[i].dir, "task", "accept", id, NULL));
    }
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("racer", race_sync, &racers[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  task = office_task (env, id);
  g_assert_cmpstr (task->state, ==, "accepted");
  winner = g_str_equal (task->accepted_by, "A001") ? 0 : 1;
  g_assert_cmpstr (task->accepted_by, ==, winner == 0 ? "A001" : "B001");
  g_assert_true (xuncha_sync_result_is_complete (racers[winner].result));
  g_assert_cmpuint (racers[winner].result->tasks_taken, ==, 0);
  g_assert_cmpuint (racers[1 - winner].result->tasks_taken, ==, 1);
  {
    g_autoptr(JsonObject) won = device_task (racers[winner].dir, id);
    g_autoptr(JsonObject) lost = device_task (racers[1 - winner].dir, id);
    g_autofree char *listing = cli_on (racers[1 - winner].dir, "tasks", "--all", NULL);

    g_assert_true (json_object_get_boolean_member (won, "doable"));
    g_assert_false (json_object_get_boolean_member (lost, "doable"));
    g_assert_true (json_object_get_boolean_member (lost, "taken"));
    g_assert_nonnull (strstr (listing, "taken by another officer"));
  }
  for (guint i = 0; i < 2; i++)
    xuncha_sync_result_free (racers[i].result);
}

/* Done on the device while the office cancelled the task: the result is still sent, kept
 * against the cancelled task (which stays cancelled and moves no case), and nothing waits
 * or fails on the device; the device learns it is cancelled. */
static void
test_cancelled_while_waiting (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *id = NULL, *report = NULL, *listing = NULL, *status = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(JsonObject) held = NULL;

  if (env == NULL)
    return;
  id = office_verify_task (env, "+2h");
  sync_until_complete (env);
  report = do_with_report (env, id, "confirmed");
  g_free (xuncha_test_office_admin (env->office_dir, "task", "cancel", id, NULL));
  sync_until_complete (env);

  task = office_task (env, id);
  g_assert_cmpstr (task->state, ==, "cancelled");
  g_assert_nonnull (task->result);
  g_assert_cmpstr (task->result->report_uuids[0], ==, report);
  listing = xuncha_test_office_admin (env->office_dir, "task", "list", NULL);
  g_assert_nonnull (strstr (listing, "result after cancel"));
  status = office_case_status (env, report);
  g_assert_cmpstr (status, !=, "待立案");
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state != 'acked'"), ==,
                   0);
  held = device_task (env->device_dir, id);
  g_assert_cmpstr (json_object_get_string_member (held, "state"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (held, "outcome"), ==, "confirmed");
}

/* Done on the device before the deadline, sent after it: stored against the expired task,
 * the device told it expired, nothing left failing. */
static void
test_expired_while_waiting (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_seconds (now, 3);
  g_autofree char *deadline = g_date_time_format_iso8601 (soon);
  g_autofree char *id = NULL, *report = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(JsonObject) held = NULL;

  if (env == NULL)
    return;
  id = office_verify_task (env, deadline);
  sync_until_complete (env);
  report = do_with_report (env, id, "confirmed");
  /* The deadline passes while the phone is out of reach. */
  while (g_get_real_time () < g_date_time_to_unix (soon) * G_USEC_PER_SEC + G_USEC_PER_SEC)
    g_usleep (200 * 1000);
  sync_until_complete (env);

  task = office_task (env, id);
  g_assert_cmpstr (task->state, ==, "expired");
  g_assert_nonnull (task->result);
  g_assert_cmpstr (task->result->outcome, ==, "confirmed");
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state != 'acked'"), ==,
                   0);
  held = device_task (env->device_dir, id);
  g_assert_cmpstr (json_object_get_string_member (held, "state"), ==, "expired");
}

/* A roll call: the device refuses to answer it with no shift on, saying so, and queues
 * nothing; during a shift it answers with where the officer is, and the office keeps it
 * with the shift. */
static void
test_rollcall_needs_shift (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *id = NULL, *out = NULL, *err = NULL, *shift = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  int status;

  if (env == NULL)
    return;
  id = office_task_add (env, "--kind", "rollcall", "--officer", "A001", "--deadline", "+1h",
                        NULL);
  sync_until_complete (env);
  status = xuncha_test_run_cli (env->device_dir, &out, &err, "task", "do", id, "--outcome",
                                "present", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "shift"));
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state != 'acked'"), ==,
                   0);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM task_results"), ==, 0);

  g_free (cli_on (env->device_dir, "shift", "start", NULL));
  g_free (cli_on (env->device_dir, "task", "do", id, "--outcome", "present", "--lat",
                  OFFICE_LAT, "--lon", OFFICE_LON, NULL));
  sync_until_complete (env);
  task = office_task (env, id);
  g_assert_cmpstr (task->state, ==, "done");
  g_assert_nonnull (task->result);
  g_assert_nonnull (task->result->shift_uuid);
  g_assert_true (task->result->has_position);
  g_assert_cmpfloat_with_epsilon (task->result->lat, 30.6586, 1e-6);
  shift = xuncha_test_office_query (env->office_dir, "SELECT count(*) FROM shifts WHERE uuid = $1",
                                    task->result->shift_uuid);
  g_assert_cmpstr (shift, ==, "1");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  photo = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");

  g_test_add_func ("/tasks-loop/verify", test_verify_loop);
  g_test_add_func ("/tasks-loop/faults", test_faults);
  g_test_add_func ("/tasks-loop/do-killed", test_do_killed);
  g_test_add_func ("/tasks-loop/task-photos", test_task_photos);
  g_test_add_func ("/tasks-loop/team-race", test_team_race);
  g_test_add_func ("/tasks-loop/cancelled-while-waiting", test_cancelled_while_waiting);
  g_test_add_func ("/tasks-loop/expired-while-waiting", test_expired_while_waiting);
  g_test_add_func ("/tasks-loop/rollcall-needs-shift", test_rollcall_needs_shift);

  return g_test_run ();
}
