/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

/* What one job saw, for the test to read back on the main thread. */
typedef struct
{
  GPtrArray    *done;        /* names of the jobs whose callbacks ran, in order */
  GMainContext *context;     /* where the callbacks must run */
  guint         pending;
  GMutex        lock;
  GCond         cond;
  gboolean      gate_open;   /* a job that waits for it holds the worker */
} Log;

static void
log_wait_for_gate (Log *log)
{
  g_mutex_lock (&log->lock);
  while (!log->gate_open)
    g_cond_wait (&log->cond, &log->lock);
  g_mutex_unlock (&log->lock);
}

static void
log_open_gate (Log *log)
{
  g_mutex_lock (&log->lock);
  log->gate_open = TRUE;
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
}

/* Writes its name into the store: a job runs with the worker's connection. */
static void
write_job (GTask        *task,
           XunchaStore  *store,
           gpointer      task_data,
           GCancellable *cancellable)
{
  GError *error = NULL;

  if (!xuncha_store_set_meta (store, task_data, "ran", &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
gated_job (GTask        *task,
           XunchaStore  *store,
           gpointer      task_data,
           GCancellable *cancellable)
{
  log_wait_for_gate (g_object_get_data (G_OBJECT (task), "log"));
  write_job (task, store, task_data, cancellable);
}

static void
failing_job (GTask        *task,
             XunchaStore  *store,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (!xuncha_store_exec (store, "INSERT INTO no_such_table VALUES (1)", &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Log *log = user_data;
  g_autoptr(GError) error = NULL;
  const char *name = g_task_get_task_data (G_TASK (result));

  g_assert_true (g_main_context_is_owner (log->context));
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_ptr_array_add (log->done, g_strdup (name));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_ptr_array_add (log->done, g_strconcat (name, ":cancelled", NULL));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    g_ptr_array_add (log->done, g_strconcat (name, ":closed", NULL));
  else
    {
      g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_FAILED);
      g_ptr_array_add (log->done, g_strconcat (name, ":failed", NULL));
    }
  log->pending--;
}

static void
submit (XunchaStoreWorker  *worker,
        Log                *log,
        const char         *name,
        GCancellable       *cancellable,
        XunchaStoreJobFunc  func)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, on_done, log);

  g_task_set_task_data (task, g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (task), "log", log);
  log->pending++;
  xuncha_store_worker_run (worker, task, func);
}

static void
log_init (Log          *log,
          GMainContext *context)
{
  log->done = g_ptr_array_new_with_free_func (g_free);
  log->context = context;
  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
}

static void
log_clear (Log *log)
{
  g_ptr_array_unref (log->done);
  g_mutex_clear (&log->lock);
  g_cond_clear (&log->cond);
}

static void
wait_for_all (Log *log)
{
  while (log->pending > 0)
    g_main_context_iteration (log->context, TRUE);
}

static void
assert_done (Log        *log,
             const char *expected)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (log->done, NULL);
  joined = g_strjoinv (" ", (char **)log->done->pdata);
  g_ptr_array_remove_index (log->done, log->done->len - 1);
  g_assert_cmpstr (joined, ==, expected);
}

static gboolean
meta_is_set (const char *dir,
             const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  value = xuncha_store_get_meta (store, key);
  return value != NULL;
}

/* Jobs run one after another in the order given, and finish in that order; an error of
 * one job is its own, the next runs. */
static void
test_order_and_errors (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStoreWorker) worker = xuncha_store_worker_new (dir);
  Log log = { 0 };
  char name[8];

  log_init (&log, g_main_context_default ());
  submit (worker, &log, "gate", NULL, gated_job);
  for (guint i = 0; i < 5; i++)
    {
      g_snprintf (name, sizeof name, "j%u", i);
      submit (worker, &log, name, NULL, i == 2 ? failing_job : write_job);
    }
  log_open_gate (&log);
  wait_for_all (&log);
  assert_done (&log, "gate j0 j1 j2:failed j3 j4");
  g_assert_true (meta_is_set (dir, "j4"));
  g_assert_false (meta_is_set (dir, "j2"));
  g_assert_cmpstr (xuncha_store_worker_get_data_dir (worker), ==, dir);

  g_clear_object (&worker);
  log_clear (&log);
  xuncha_test_remove_tree (dir);
}

/* A job cancelled while it waits is not run; the others are. */
static void
test_cancelled_before_start (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStoreWorker) worker = xuncha_store_worker_new (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Log log = { 0 };

  log_init (&log, g_main_context_default ());
  submit (worker, &log, "gate", NULL, gated_job);
  submit (worker, &log, "dropped", cancellable, write_job);
  submit (worker, &log, "kept", NULL, write_job);
  g_cancellable_cancel (cancellable);
  log_open_gate (&log);
  wait_for_all (&log);
  assert_done (&log, "gate dropped:cancelled kept");
  g_assert_false (meta_is_set (dir, "dropped"));
  g_assert_true (meta_is_set (dir, "kept"));

  g_clear_object (&worker);
  log_clear (&log);
  xuncha_test_remove_tree (dir);
}

typedef struct
{
  XunchaStoreWorker *worker;
  Log                log;
} ContextCase;

static gpointer
submit_from_thread (gpointer data)
{
  ContextCase *c = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  log_init (&c->log, context);
  c->log.gate_open = TRUE;
  submit (c->worker, &c->log, "a", NULL, write_job);
  submit (c->worker, &c->log, "b", NULL, write_job);
  wait_for_all (&c->log);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* A task finishes on the main context it was made in, whichever thread runs that. */
static void
test_finishes_on_callers_context (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  ContextCase c = { 0 };
  GThread *thread;

  c.worker = xuncha_store_worker_new (dir);
  thread = g_thread_new ("caller", submit_from_thread, &c);
  g_thread_join (thread);
  assert_done (&c.log, "a b");

  g_clear_object (&c.worker);
  log_clear (&c.log);
  xuncha_test_remove_tree (dir);
}

/* Shutting down runs what was queued (a save the officer was told about is not dropped),
 * then refuses more; a job the caller waits for runs in its turn. */
static gboolean
sync_write (XunchaStore  *store,
            gpointer      data,
            GError      **error)
{
  return xuncha_store_set_meta (store, data, "ran", error);
}

static void
test_shutdown_runs_queued (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStoreWorker) worker = xuncha_store_worker_new (dir);
  g_autoptr(GError) error = NULL;
  Log log = { 0 };
  char name[8];

  log_init (&log, g_main_context_default ());
  g_assert_true (xuncha_store_worker_run_sync (worker, sync_write, (gpointer)"sync", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 20; i++)
    {
      g_snprintf (name, sizeof name, "q%u", i);
      submit (worker, &log, name, NULL, write_job);
    }
  xuncha_store_worker_shutdown (worker);
  for (guint i = 0; i < 20; i++)
    {
      g_snprintf (name, sizeof name, "q%u", i);
      g_assert_true (meta_is_set (dir, name));
    }
  submit (worker, &log, "late", NULL, write_job);
  g_assert_false (xuncha_store_worker_run_sync (worker, sync_write, (gpointer)"x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  wait_for_all (&log);
  g_assert_cmpuint (log.done->len, ==, 21);
  g_assert_cmpstr (g_ptr_array_index (log.done, 20), ==, "late:closed");
  g_assert_true (meta_is_set (dir, "sync"));
  g_assert_false (meta_is_set (dir, "late"));

  g_clear_object (&worker);
  log_clear (&log);
  xuncha_test_remove_tree (dir);
}

/* A store that cannot be opened fails each job with the reason, and nothing is written. */
static void
test_store_unavailable (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *below = g_build_filename (file, "data", NULL);
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  worker = xuncha_store_worker_new (below);
  g_assert_false (xuncha_store_worker_run_sync (worker, sync_write, (gpointer)"k", &error));
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_OPEN);

  g_clear_object (&worker);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store-worker/order-and-errors", test_order_and_errors);
  g_test_add_func ("/store-worker/cancelled-before-start", test_cancelled_before_start);
  g_test_add_func ("/store-worker/finishes-on-callers-context",
                   test_finishes_on_callers_context);
  g_test_add_func ("/store-worker/shutdown-runs-queued", test_shutdown_runs_queued);
  g_test_add_func ("/store-worker/store-unavailable", test_store_unavailable);
  return g_test_run ();
}
