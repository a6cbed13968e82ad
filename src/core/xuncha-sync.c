/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-sync-private.h"

/* A sync in order: hold the device, plan from the outbox, ask the office who this device
 * is, push what waits, pull what changed. The steps are the parts' (xuncha-sync-push.c,
 * xuncha-sync-pull.c), one request under the policy is xuncha-sync-request.c's, and
 * enrollment is xuncha-sync-enroll.c's. */

enum {
  PROGRESS,
  WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaSync
{
  GObject           parent_instance;

  char             *data_dir;
  XunchaSyncPolicy  policy;
  guint             low_speed_limit;
  guint             low_speed_time;
  gboolean          honour_schedule;
  GThread          *thread;          /* the latest run's, until joined */
};

G_DEFINE_FINAL_TYPE (XunchaSync, xuncha_sync, G_TYPE_OBJECT)

/* A refused certificate keeps its reason (the HTTP error's) when the sync says it stopped. */
typedef struct
{
  XunchaCertificateProblem certificate_problem;
} XunchaSyncErrorPrivate;

/* GLib hands over the private part zeroed: XUNCHA_CERTIFICATE_PROBLEM_NONE. */
static void
xuncha_sync_error_private_init (XunchaSyncErrorPrivate *priv)
{
}

static void
xuncha_sync_error_private_copy (const XunchaSyncErrorPrivate *source,
                                XunchaSyncErrorPrivate       *destination)
{
  if (source != NULL && destination != NULL)
    destination->certificate_problem = source->certificate_problem;
}

static void
xuncha_sync_error_private_clear (XunchaSyncErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (XunchaSyncError, xuncha_sync_error)

XunchaCertificateProblem
xuncha_sync_error_get_certificate_problem (const GError *error)
{
  XunchaSyncErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, XUNCHA_CERTIFICATE_PROBLEM_NONE);

  if (!g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_TLS))
    return XUNCHA_CERTIFICATE_PROBLEM_NONE;
  priv = xuncha_sync_error_get_private (error);
  return priv != NULL ? priv->certificate_problem : XUNCHA_CERTIFICATE_PROBLEM_OTHER;
}

void
xuncha_sync_error_set_certificate_problem (GError                   *error,
                                           XunchaCertificateProblem  problem)
{
  XunchaSyncErrorPrivate *priv;

  g_return_if_fail (g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_TLS));

  priv = xuncha_sync_error_get_private (error);
  if (priv != NULL)
    priv->certificate_problem = problem;
}

typedef struct
{
  XunchaSync *self;
  guint       items_done;
  guint       items_total;
  guint64     bytes_done;
  guint64     bytes_total;
} Progress;

static void
run_free (XunchaSyncRun *run)
{
  g_clear_object (&run->self);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_object (&run->cancellable);
  g_free (run->data_dir);
  if (run->token != NULL)
    memset (run->token, 0, strlen (run->token));
  g_free (run->token);
  g_free (run->officer);
  g_clear_object (&run->store);
  xuncha_outbox_release_sending (run->hold);
  g_clear_pointer (&run->http, xuncha_http_free);
  g_clear_pointer (&run->result, xuncha_sync_result_free);
  g_clear_pointer (&run->photos_done, g_hash_table_unref);
  g_free (run);
}

static gboolean
emit_progress (gpointer data)
{
  Progress *p = data;

  g_signal_emit (p->self, signals[PROGRESS], 0, p->items_done, p->items_total, p->bytes_done,
                 p->bytes_total);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *p = data;

  g_object_unref (p->self);
  g_free (p);
}

static gboolean
emit_waiting (gpointer data)
{
  g_signal_emit (data, signals[WAITING], 0);
  return G_SOURCE_REMOVE;
}

void
xuncha_sync_run_report_progress (XunchaSyncRun *run)
{
  Progress *p = g_new0 (Progress, 1);

  p->self = g_object_ref (run->self);
  p->items_done = run->items_done;
  p->items_total = run->items_total;
  p->bytes_done = run->bytes_done;
  p->bytes_total = run->bytes_total;
  /* Owned copies only: the worker never touches what the main context uses. */
  g_main_context_invoke_full (run->context, G_PRIORITY_DEFAULT, emit_progress, p,
                              progress_free);
}

void
xuncha_sync_run_item_finished (XunchaSyncRun *run)
{
  run->items_done++;
  xuncha_sync_run_report_progress (run);
}

/* One sync per device: a second one (the app's beside the command line's, or two at a
 * prompt) waits for the first to end, then finds what it sent acknowledged. Held until the
 * run ends or the process dies, however it dies. */
static gboolean
hold_device (XunchaSyncRun  *run,
             GError        **error)
{
  gboolean told = FALSE;
  int stale;

  for (;;)
    {
      gboolean busy = FALSE;

      run->hold = xuncha_outbox_try_hold_sending (run->store, &busy, error);
      if (run->hold >= 0)
        break;
      if (!busy)
        return FALSE;
      if (!told)
        {
          g_debug ("Another sync runs on this device; waiting for it to end");
          g_main_context_invoke_full (run->context, G_PRIORITY_DEFAULT, emit_waiting,
                                      g_object_ref (run->self), g_object_unref);
          told = TRUE;
        }
      if (!xuncha_sync_run_sleep (run, 100))
        {
          g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED,
                       _("The sync was cancelled."));
          return FALSE;
        }
    }
  /* Alone now: a report still 'sending' belongs to a sync that died after this process
   * opened the store (whose recovery then saw it alive). */
  stale = xuncha_outbox_requeue_sending (run->store, error);
  return stale >= 0;
}

static void
run_steps (GTask         *task,
           XunchaSyncRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  g_autofree char *server = NULL, *ca_file = NULL, *pins = NULL;
  guint requeued = 0;

  run->store = xuncha_store_open (run->data_dir, &error);
  if (run->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!hold_device (run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  server = xuncha_store_get_meta (run->store, XUNCHA_SYNC_META_SERVER);
  ca_file = xuncha_store_get_meta (run->store, XUNCHA_SYNC_META_CA_FILE);
  pins = xuncha_store_get_meta (run->store, XUNCHA_SYNC_META_PINS);
  if (server == NULL)
    {
      g_task_return_new_error (task, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED,
                               _("This device is not enrolled with an office yet: run "
                                 "xuncha-cli enroll with the code the office gave you."));
      return;
    }
  run->http = xuncha_http_new (server, ca_file, pins, &error);
  if (run->http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  xuncha_http_set_token (run->http, run->token);
  xuncha_http_set_low_speed (run->http, run->low_speed_limit, run->low_speed_time);

  plan = xuncha_sync_push_plan (run, &error);
  if (plan == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  xuncha_sync_run_report_progress (run);

  /* Who am I first: a revoked device learns it before sending anything. Then whether the
   * office was restored: what it acknowledged goes again, so the plan is made anew. */
  if (xuncha_sync_pull_me (run) && xuncha_sync_pull_generation (run, &requeued))
    {
      if (requeued > 0)
        {
          g_clear_pointer (&plan, g_ptr_array_unref);
          plan = xuncha_sync_push_plan (run, &error);
          if (plan == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          xuncha_sync_run_report_progress (run);
        }
      for (guint i = 0; i < plan->len && run->result->stopped == NULL; i++)
        {
          XunchaSyncPlanned *p = plan->pdata[i];

          if (g_str_equal (p->kind, "report"))
            xuncha_sync_push_report (run, p->item);
          else
            xuncha_sync_push_shift (run, p->item, p->progress);
        }
      if (run->result->stopped == NULL)
        xuncha_sync_pull_categories (run);
      if (run->result->stopped == NULL)
        xuncha_sync_pull_delta (run, XUNCHA_WIRE_DELTA_STREETS);
      if (run->result->stopped == NULL)
        xuncha_sync_pull_delta (run, XUNCHA_WIRE_DELTA_MERCHANTS);
      /* After the reports: a result names reports the office must already hold. */
      if (run->result->stopped == NULL)
        xuncha_sync_pull_tasks (run);
      if (run->result->stopped == NULL)
        xuncha_sync_push_tasks (run);
      /* After the results: a result moves its case, and the officer sees it now. */
      if (run->result->stopped == NULL)
        xuncha_sync_pull_delta (run, XUNCHA_WIRE_DELTA_STATUS);
      if (run->result->stopped == NULL)
        xuncha_sync_pull_task_photos (run);
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);
    xuncha_store_set_meta (run->store, "sync.last_sync_at", stamp, NULL);
    xuncha_store_set_meta (run->store, "sync.last_result",
                           run->result->stopped != NULL ? run->result->stopped->message
                           : run->result->failed > 0 ? "failed" : "ok", NULL);
  }
  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify)xuncha_sync_result_free);
}

/* A thread of the sync's own, not one of GIO's shared pool: a sync may wait out a backoff
 * of minutes, and the pool's few threads are what every other GTask of the program runs
 * on. The task still finishes on the caller's main context. */
static gpointer
sync_thread (gpointer data)
{
  g_autoptr(GTask) task = data;

  run_steps (task, g_task_get_task_data (task));
  return NULL;
}

/* Waits for the latest run's thread to be gone, its thread-local state (curl's and
 * OpenSSL's) released with it: a program that exits after its sync leaves nothing behind
 * half torn down. The thread itself may hold the last reference to @self. */
static void
join_thread (XunchaSync *self)
{
  GThread *thread = g_steal_pointer (&self->thread);

  if (thread == NULL)
    return;
  if (thread == g_thread_self ())
    g_thread_unref (thread);
  else
    g_thread_join (thread);
}

static void
xuncha_sync_finalize (GObject *object)
{
  XunchaSync *self = (XunchaSync *)object;

  join_thread (self);
  g_free (self->data_dir);
  G_OBJECT_CLASS (xuncha_sync_parent_class)->finalize (object);
}

static void
xuncha_sync_class_init (XunchaSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_sync_finalize;

  /**
   * XunchaSync::progress:
   * Items done of the total, and photo bytes done of the total.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_UINT,
                                    G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_UINT64);

  /**
   * XunchaSync::waiting:
   * Another sync runs on this device (in this process or another): this one waits for it
   * to end before it sends anything. Emitted once per run, at most.
   */
  signals[WAITING] = g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xuncha_sync_init (XunchaSync *self)
{
  xuncha_sync_policy_init (&self->policy);
  self->low_speed_limit = 1024;
  self->low_speed_time = 30;
}

XunchaSync *
xuncha_sync_new (const char *data_dir)
{
  XunchaSync *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_SYNC, NULL);
  self->data_dir = g_strdup (data_dir);
  return self;
}

void
xuncha_sync_set_policy (XunchaSync             *self,
                        const XunchaSyncPolicy *policy)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  g_return_if_fail (policy != NULL);
  g_return_if_fail (policy->base_ms > 0 && policy->cap_ms >= policy->base_ms);

  self->policy = *policy;
  self->policy.max_attempts = MAX (policy->max_attempts, 1);
}

void
xuncha_sync_get_policy (XunchaSync       *self,
                        XunchaSyncPolicy *policy)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  g_return_if_fail (policy != NULL);

  *policy = self->policy;
}

void
xuncha_sync_set_backoff (XunchaSync *self,
                         guint       base_ms,
                         guint       cap_ms)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  g_return_if_fail (base_ms > 0 && cap_ms >= base_ms);

  self->policy.base_ms = base_ms;
  self->policy.cap_ms = cap_ms;
}

void
xuncha_sync_set_max_attempts (XunchaSync *self,
                              guint       attempts)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->policy.max_attempts = MAX (attempts, 1);
}

void
xuncha_sync_set_low_speed (XunchaSync *self,
                           guint       bytes_per_second,
                           guint       seconds)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->low_speed_limit = bytes_per_second;
  self->low_speed_time = seconds;
}

void
xuncha_sync_set_honour_schedule (XunchaSync *self,
                                 gboolean    honour)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->honour_schedule = honour;
}

void
xuncha_sync_run_async (XunchaSync          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL, *officer = NULL;
  XunchaCredentialsStore used;
  XunchaSyncRun *run;

  g_return_if_fail (XUNCHA_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xuncha_sync_run_async);

  /* The token comes from the keyring on the caller's thread: libsecret's sync calls are
   * not meant for a worker thread. */
  store = xuncha_store_open (self->data_dir, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  server = xuncha_store_get_meta (store, XUNCHA_SYNC_META_SERVER);
  officer = xuncha_store_get_meta (store, XUNCHA_SYNC_META_OFFICER);

  run = g_new0 (XunchaSyncRun, 1);
  run->hold = -1;
  run->self = g_object_ref (self);
  run->context = g_main_context_ref_thread_default ();
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->data_dir = g_strdup (self->data_dir);
  run->officer = g_strdup (officer);
  run->policy = self->policy;
  run->low_speed_limit = self->low_speed_limit;
  run->low_speed_time = self->low_speed_time;
  run->honour_schedule = self->honour_schedule;
  run->result = xuncha_sync_result_new ();
  run->photos_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->photo_max_bytes = XUNCHA_PROTOCOL_PHOTO_MAX_BYTES;
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);

  if (server != NULL)
    {
      run->token = xuncha_credentials_load (self->data_dir, server, officer, &used, &error);
      if (run->token == NULL)
        {
          if (error == NULL)
            g_set_error (&error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED,
                         _("The device token is missing: enroll again with xuncha-cli "
                           "enroll."));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  /* An earlier run's thread is let go, not waited for: it may still be running. */
  g_clear_pointer (&self->thread, g_thread_unref);
  self->thread = g_thread_new ("xuncha-sync", sync_thread, g_steal_pointer (&task));
}

XunchaSyncResult *
xuncha_sync_run_finish (XunchaSync    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

XunchaSyncResult *
xuncha_sync_run (XunchaSync    *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context;

  g_return_val_if_fail (XUNCHA_IS_SYNC (self), NULL);

  context = g_main_context_ref_thread_default ();
  xuncha_sync_run_async (self, cancellable, on_run_done, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  /* Deliver progress still queued before returning. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
  join_thread (self);
  return xuncha_sync_run_finish (self, result, error);
}
