/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-sync-controller.h"

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  STARTED,
  PROGRESS,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

struct _XunchaSyncController
{
  GObject           parent_instance;

  XunchaStore      *store;
  XunchaStoreWorker *worker;
  GSettings        *settings;
  XunchaSync       *engine;
  GNetworkMonitor  *monitor;
  GCancellable     *cancellable;      /* of the running sync */
  XunchaSyncResult *last_result;
  GError           *last_error;
  gboolean          running;
  gboolean          automatic;
  gboolean          honour_schedule;  /* of the running sync: skip items not due yet */
  gboolean          ca_changed;       /* the CA setting changed since it was applied */
  gboolean          network_pending;  /* the network came back while a sync ran */
  guint             timer_id;
  gboolean          timer_honours_schedule;
  guint             debounce_ms;
  guint             failures;         /* automatic syncs in a row that could not finish */
};

G_DEFINE_FINAL_TYPE (XunchaSyncController, xuncha_sync_controller, G_TYPE_OBJECT)

/* What the worker does before a sync: the enrollment check, the CA the user chose, and
 * putting failed items back for a retry. Plain data only. */
typedef struct
{
  gboolean  apply_ca;
  char     *ca_file;
  gboolean  retry;
  char     *retry_kind;     /* NULL: every failed item */
  char     *retry_item;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_free (prepare->ca_file);
  g_free (prepare->retry_kind);
  g_free (prepare->retry_item);
  g_free (prepare);
}

static gboolean
requeue_report (XunchaStore  *store,
                const char   *uuid,
                GError      **error)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;

  if (!xuncha_outbox_requeue (store, "report", uuid, error))
    return FALSE;
  /* A report waits for its photos: a photo the office refused goes again with it. */
  reports = xuncha_report_store_new (store, error);
  if (reports == NULL)
    return FALSE;
  report = xuncha_report_store_get (reports, uuid, error);
  if (report == NULL)
    return FALSE;
  for (guint i = 0; i < xuncha_report_get_n_photos (report); i++)
    {
      const char *sha256 = xuncha_report_get_photo_sha256 (report, i);
      g_autofree char *state = xuncha_outbox_get_state (store, "photo", sha256);

      if (g_strcmp0 (state, "failed") == 0
          && !xuncha_outbox_requeue (store, "photo", sha256, error))
        return FALSE;
    }
  return TRUE;
}

static void
prepare_job (GTask        *task,
             XunchaStore  *store,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Prepare *prepare = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollment) enrollment = NULL;

  enrollment = xuncha_enrollment_load (store);
  if (enrollment == NULL)
    {
      g_task_return_new_error (task, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED,
                               _("This device is not enrolled with an office yet. Enroll it "
                                 "in Settings with your officer ID and the one-time code "
                                 "from the office."));
      return;
    }
  /* The CA chosen in Settings is the one the enrolled device trusts from now on; its
   * public-key pins stay as they were. */
  if (prepare->apply_ca
      && g_strcmp0 (prepare->ca_file, enrollment->ca_file) != 0
      && !xuncha_sync_set_tls (store, prepare->ca_file, enrollment->pins, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (prepare->retry)
    {
      gboolean ok;

      if (prepare->retry_kind == NULL)
        ok = xuncha_outbox_retry_failed (store, &error) >= 0;
      else if (g_str_equal (prepare->retry_kind, "report"))
        ok = requeue_report (store, prepare->retry_item, &error);
      else
        ok = xuncha_outbox_requeue (store, prepare->retry_kind, prepare->retry_item, &error);
      if (!ok)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void schedule (XunchaSyncController *self,
                      guint                 delay_ms,
                      gboolean              honour_schedule);

/* After a sync: the network came back meanwhile, or the core's policy says to try again
 * (the office could not be reached, or items wait), when the items are due. */
static void
schedule_next (XunchaSyncController *self)
{
  XunchaSyncPolicy policy;
  gint64 delay;

  if (self->network_pending)
    {
      self->network_pending = FALSE;
      schedule (self, self->debounce_ms, FALSE);
      return;
    }
  if (!g_settings_get_boolean (self->settings, "auto-sync"))
    return;
  if (!xuncha_sync_policy_should_resync (self->last_error, self->last_result))
    {
      if (self->last_error == NULL)
        self->failures = 0;
      return;
    }

  self->failures++;
  xuncha_sync_get_policy (self->engine, &policy);
  delay = xuncha_sync_policy_resync_delay_ms (&policy, xuncha_outbox_next_try_ms (self->store),
                                              g_get_real_time () / 1000, self->failures);
  g_debug ("Automatic sync again in %" G_GINT64_FORMAT " ms", delay);
  schedule (self, (guint)delay, TRUE);
}

static void
finish (XunchaSyncController *self,
        XunchaSyncResult     *result,
        GError               *error)
{
  /* A cancelled task says so in GIO's words; the page knows the engine's. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new (XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED,
                           _("The sync was cancelled."));
    }

  g_clear_pointer (&self->last_result, xuncha_sync_result_free);
  g_clear_error (&self->last_error);
  self->last_result = result;
  if (error != NULL)
    self->last_error = error;
  else if (result != NULL && result->stopped != NULL)
    self->last_error = g_error_copy (result->stopped);

  g_clear_object (&self->cancellable);
  self->running = FALSE;
  if (self->store == NULL)
    return;  /* disposed while the sync ran */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
  schedule_next (self);
}

static void
on_synced (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(XunchaSyncController) self = user_data;
  GError *error = NULL;
  XunchaSyncResult *result = xuncha_sync_run_finish (XUNCHA_SYNC (source), res, &error);

  finish (self, result, error);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  XunchaSyncController *self = XUNCHA_SYNC_CONTROLLER (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      finish (self, NULL, error);
      return;
    }
  if (self->engine == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      finish (self, NULL, g_error_new (XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED,
                                       _("The sync was cancelled.")));
      return;
    }
  xuncha_sync_set_honour_schedule (self->engine, self->honour_schedule);
  xuncha_sync_run_async (self->engine, self->cancellable, on_synced, g_object_ref (self));
}

static gboolean
start (XunchaSyncController *self,
       gboolean              automatic,
       gboolean              honour_schedule,
       gboolean              retry,
       const char           *retry_kind,
       const char           *retry_item)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *ca_file = NULL;
  Prepare *prepare;

  if (self->running)
    return FALSE;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->running = TRUE;
  self->automatic = automatic;
  self->honour_schedule = automatic && honour_schedule;
  self->cancellable = g_cancellable_new ();

  ca_file = g_settings_get_string (self->settings, "office-ca-file");
  prepare = g_new0 (Prepare, 1);
  prepare->apply_ca = self->ca_changed;
  prepare->ca_file = *ca_file != '\0' ? g_canonicalize_filename (ca_file, NULL) : NULL;
  prepare->retry = retry;
  prepare->retry_kind = g_strdup (retry_kind);
  prepare->retry_item = g_strdup (retry_item);
  self->ca_changed = FALSE;

  task = g_task_new (self, self->cancellable, on_prepared, NULL);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, prepare, (GDestroyNotify)prepare_free);
  xuncha_store_worker_run (self->worker, task, prepare_job);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[STARTED], 0, automatic);
  return TRUE;
}

static void
start_automatic (XunchaSyncController *self,
                 gboolean              honour_schedule)
{
  g_autoptr(XunchaEnrollment) enrollment = NULL;

  if (!g_settings_get_boolean (self->settings, "auto-sync"))
    return;
  if (self->running)
    {
      /* Never two at once: the network change is answered when this one ends. */
      if (!honour_schedule)
        self->network_pending = TRUE;
      return;
    }
  enrollment = xuncha_enrollment_load (self->store);
  if (enrollment == NULL)
    return;
  start (self, TRUE, honour_schedule, FALSE, NULL, NULL);
}

static void
on_timer (gpointer user_data)
{
  XunchaSyncController *self = user_data;

  self->timer_id = 0;
  start_automatic (self, self->timer_honours_schedule);
}

static void
schedule (XunchaSyncController *self,
          guint                 delay_ms,
          gboolean              honour_schedule)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_honours_schedule = honour_schedule;
  self->timer_id = g_timeout_add_once (delay_ms, on_timer, self);
}

static void
on_network_changed (GNetworkMonitor      *monitor,
                    gboolean              available,
                    XunchaSyncController *self)
{
  if (!available || !g_settings_get_boolean (self->settings, "auto-sync"))
    {
      g_clear_handle_id (&self->timer_id, g_source_remove);
      return;
    }
  /* A new network is a new chance: what failed on the old one is tried now (the engine's
   * schedule is not honoured) and the backoff starts again. Networks come up in a
   * burst of changes, so wait for the burst to end. */
  self->failures = 0;
  schedule (self, self->debounce_ms, FALSE);
}

static void
on_setting_changed (GSettings            *settings,
                    const char           *key,
                    XunchaSyncController *self)
{
  if (g_str_equal (key, "office-ca-file"))
    self->ca_changed = TRUE;
  else if (g_str_equal (key, "auto-sync"))
    {
      if (!g_settings_get_boolean (settings, "auto-sync"))
        g_clear_handle_id (&self->timer_id, g_source_remove);
      else if (self->monitor != NULL && g_network_monitor_get_network_available (self->monitor))
        schedule (self, self->debounce_ms, FALSE);
    }
}

static void
on_progress (XunchaSync           *engine,
             guint                 items_done,
             guint                 items_total,
             guint64               bytes_done,
             guint64               bytes_total,
             XunchaSyncController *self)
{
  g_signal_emit (self, signals[PROGRESS], 0, items_done, items_total, bytes_done, bytes_total);
}

static void
xuncha_sync_controller_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  XunchaSyncController *self = XUNCHA_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_sync_controller_dispose (GObject *object)
{
  XunchaSyncController *self = (XunchaSyncController *)object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);

  G_OBJECT_CLASS (xuncha_sync_controller_parent_class)->dispose (object);
}

static void
xuncha_sync_controller_finalize (GObject *object)
{
  XunchaSyncController *self = (XunchaSyncController *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_result, xuncha_sync_result_free);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (xuncha_sync_controller_parent_class)->finalize (object);
}

static void
xuncha_sync_controller_class_init (XunchaSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xuncha_sync_controller_get_property;
  object_class->dispose = xuncha_sync_controller_dispose;
  object_class->finalize = xuncha_sync_controller_finalize;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_UINT,
                                    G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xuncha_sync_controller_init (XunchaSyncController *self)
{
  self->debounce_ms = 3000;
}

XunchaSyncController *
xuncha_sync_controller_new (XunchaStore       *store,
                            XunchaStoreWorker *worker,
                            GSettings         *settings)
{
  XunchaSyncController *self;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (XUNCHA_IS_STORE_WORKER (worker), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (XUNCHA_TYPE_SYNC_CONTROLLER, NULL);
  self->store = g_object_ref (store);
  self->worker = g_object_ref (worker);
  self->settings = g_object_ref (settings);
  self->engine = xuncha_sync_new (xuncha_store_get_data_dir (store));
  g_signal_connect_object (self->engine, "progress", G_CALLBACK (on_progress), self, 0);
  g_signal_connect (settings, "changed", G_CALLBACK (on_setting_changed), self);
  xuncha_sync_controller_set_network_monitor (self, g_network_monitor_get_default ());
  /* Started on the office network: what waits goes now, as when the network comes back. */
  if (g_network_monitor_get_network_available (self->monitor))
    schedule (self, self->debounce_ms, FALSE);
  return self;
}

XunchaSync *
xuncha_sync_controller_get_engine (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), NULL);
  return self->engine;
}

gboolean
xuncha_sync_controller_get_running (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), FALSE);
  return self->running;
}

gboolean
xuncha_sync_controller_get_automatic (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), FALSE);
  return self->automatic;
}

gboolean
xuncha_sync_controller_sync_now (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), FALSE);
  return start (self, FALSE, FALSE, FALSE, NULL, NULL);
}

gboolean
xuncha_sync_controller_retry (XunchaSyncController *self,
                              const char           *kind,
                              const char           *item)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), FALSE);
  g_return_val_if_fail ((kind == NULL) == (item == NULL), FALSE);
  return start (self, FALSE, FALSE, TRUE, kind, item);
}

void
xuncha_sync_controller_cancel (XunchaSyncController *self)
{
  g_return_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

XunchaSyncResult *
xuncha_sync_controller_get_last_result (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), NULL);
  return self->last_result;
}

const GError *
xuncha_sync_controller_get_last_error (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), NULL);
  return self->last_error;
}

void
xuncha_sync_controller_set_network_monitor (XunchaSyncController *self,
                                            GNetworkMonitor      *monitor)
{
  g_return_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (self->monitor == monitor)
    return;
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    g_signal_connect (monitor, "network-changed", G_CALLBACK (on_network_changed), self);
}

void
xuncha_sync_controller_set_debounce (XunchaSyncController *self,
                                     guint                 ms)
{
  g_return_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self));
  self->debounce_ms = ms;
}

gboolean
xuncha_sync_controller_get_scheduled (XunchaSyncController *self)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC_CONTROLLER (self), FALSE);
  return self->timer_id != 0;
}
