/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-application.h"
#include "xuncha-background.h"
#include "xuncha-sync-controller.h"
#include "xuncha-window.h"

struct _XunchaApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  gboolean        demo;
  char           *replay_path;
  double          replay_speed;
  XunchaStore    *store;         /* reads on the main thread */
  XunchaStoreWorker *worker;     /* writes, and reads that take a while */
  GError         *store_error;
  GSettings      *settings;
  XunchaStreetMap *street_map;
  XunchaPatrolSession *session;
  XunchaSyncController *sync_controller;
  /* Held while a shift records: a phone that suspends stops the track. 0: none held. */
  guint           suspend_inhibit;
};

G_DEFINE_FINAL_TYPE (XunchaApplication, xuncha_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STREET_MAP,
  PROP_SESSION,
  PROP_SYNC_CONTROLLER,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Where the device data lives (default: $XUNCHA_DATA_DIR, else ~/.local/share/xuncha)"),
    N_("DIR") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start on demo data"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { "replay", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Take positions from a GPX or NMEA log instead of the location service"), N_("FILE") },
  { "speed", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Replay this many times faster than real time (default 1)"), N_("N") },
  { NULL }
};

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  XunchaApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Xuncha authors"), NULL };

  adw_show_about_window (window,
                         "application-name", _("Xuncha"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Report street violations on patrol, even offline"),
                         NULL);
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", on_about },
  { "quit", on_quit },
};

/* The demo streets, merchants and walk: installed with the app, or from the source tree
 * when XUNCHA_DEMO_DIR says so (build-aux/dev run). */
static char *
demo_file (const char *name)
{
  const char *dir = g_getenv ("XUNCHA_DEMO_DIR");

  return g_build_filename (dir != NULL ? dir : PKGDATADIR "/demo", name, NULL);
}

static void
load_demo_data (XunchaApplication *self)
{
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *streets = demo_file ("streets.geojson");
  g_autofree char *merchants = demo_file ("merchants.geojson");
  g_autoptr(GPtrArray) assigned = g_ptr_array_new ();

  if (xuncha_store_count_rows (self->store, "streets", NULL) > 0)
    return;

  importer = xuncha_map_importer_new (self->store);
  if (!xuncha_map_importer_import_streets_file (importer, streets, NULL, &error)
      || !xuncha_map_importer_import_merchants_file (importer, merchants, NULL, &error))
    {
      g_warning ("Could not load the demo data: %s", error->message);
      return;
    }

  /* The demo officer walks the strict streets (严管街). */
  map = xuncha_street_map_new_from_store (self->store, &error);
  if (map == NULL)
    return;
  for (guint i = 0; i < xuncha_street_map_get_n_segments (map); i++)
    {
      XunchaStreetSegment *segment = xuncha_street_map_get_segment (map, i);
      if (xuncha_street_segment_get_class (segment) == XUNCHA_STREET_CLASS_STRICT)
        g_ptr_array_add (assigned, (gpointer)xuncha_street_segment_get_id (segment));
    }
  g_ptr_array_add (assigned, NULL);
  if (!xuncha_street_map_save_assignments (self->store, (const char * const *)assigned->pdata,
                                           &error))
    g_warning ("Could not assign the demo streets: %s", error->message);
}

static void
load_street_map_job (GTask        *task,
                     XunchaStore  *store,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  XunchaStreetMap *map;
  GError *error = NULL;

  /* The map is handed over whole to the main thread, which alone uses it from then on. */
  map = xuncha_street_map_new_from_store (store, &error);
  if (map != NULL)
    g_task_return_pointer (task, map, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
on_street_map_loaded (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  XunchaApplication *self = XUNCHA_APPLICATION (object);
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;

  map = g_task_propagate_pointer (G_TASK (result), &error);
  if (map == NULL)
    {
      g_warning ("Could not read the street map: %s", error->message);
      return;
    }
  if (g_set_object (&self->street_map, map))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREET_MAP]);
}

/* A city's map takes a moment to index; the window does not wait for it. */
void
xuncha_application_reload_street_map (XunchaApplication *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_street_map_loaded, NULL);

  g_task_set_source_tag (task, xuncha_application_reload_street_map);
  if (self->worker == NULL)
    g_task_return_error (task, g_error_copy (self->store_error));
  else
    xuncha_store_worker_run (self->worker, task, load_street_map_job);
}

/* While a shift records, the phone is asked not to suspend (the screen may still blank):
 * a suspended phone takes no positions and the shift's coverage would be wrong. */
static void
update_suspend_inhibit (XunchaApplication *self)
{
  gboolean recording = self->session != NULL
                       && xuncha_patrol_session_get_shift_open (self->session);

  if (recording && self->suspend_inhibit == 0)
    {
      /* The shell shows this while the inhibitor is held. */
      self->suspend_inhibit =
        gtk_application_inhibit (GTK_APPLICATION (self),
                                 gtk_application_get_active_window (GTK_APPLICATION (self)),
                                 GTK_APPLICATION_INHIBIT_SUSPEND,
                                 _("Recording the patrol route of the shift"));
      if (self->suspend_inhibit == 0)
        g_message ("No session manager took the suspend inhibitor: the track may stop "
                   "while the phone sleeps");
    }
  else if (!recording && self->suspend_inhibit != 0)
    {
      gtk_application_uninhibit (GTK_APPLICATION (self), self->suspend_inhibit);
      self->suspend_inhibit = 0;
    }
}

static void
start_session (XunchaApplication *self)
{
  g_autoptr(XunchaLocationSource) source = NULL;
  g_autoptr(GError) error = NULL;

  /* The demo walks the demo streets, ten times faster than an officer would. */
  if (self->replay_path == NULL && self->demo)
    self->replay_path = demo_file ("walk.gpx");

  if (self->replay_path != NULL)
    {
      XunchaReplaySource *replay =
        xuncha_replay_source_new_from_file (self->replay_path, self->replay_speed, &error);
      if (replay == NULL)
        g_warning ("Could not read the track to replay: %s", error->message);
      else
        source = XUNCHA_LOCATION_SOURCE (replay);
    }
  if (source == NULL)
    source = XUNCHA_LOCATION_SOURCE (xuncha_geoclue_source_new (APPLICATION_ID));

  g_clear_error (&error);
  self->session = xuncha_patrol_session_new (self->store, self->worker, source, &error);
  if (self->session == NULL)
    {
      g_warning ("Could not resume the open shift: %s", error->message);
      return;
    }
  g_signal_connect_object (self->session, "notify::shift-open",
                           G_CALLBACK (update_suspend_inhibit), self, G_CONNECT_SWAPPED);
  /* A shift resumed at start records at once. */
  update_suspend_inhibit (self);
}

static int
xuncha_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  XunchaApplication *self = XUNCHA_APPLICATION (app);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("xuncha %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir);
  self->data_dir = xuncha_store_resolve_data_dir (data_dir);
  self->demo = g_variant_dict_contains (options, "demo");
  /* The demo photographs the test camera's picture unless told otherwise. */
  if (self->demo && g_getenv ("XUNCHA_CAMERA") == NULL)
    g_setenv ("XUNCHA_CAMERA", "test", FALSE);
  g_variant_dict_lookup (options, "replay", "^ay", &self->replay_path);
  if (!g_variant_dict_lookup (options, "speed", "d", &self->replay_speed))
    self->replay_speed = self->demo ? 10 : 1;
  if (self->replay_speed <= 0)
    {
      g_printerr ("%s\n", _("--speed must be more than 0 (1 is real time)."));
      return 2;
    }
  return -1;
}

/* The rest of the store's preparation at the app's start (xuncha_store_prepare_for_use():
 * the outbox's recovery, and rows an older build left out of it, a scan of every report
 * and shift) is the worker's first job: off the main thread, and done before any later
 * job, a sync's included, since the worker runs them in order. */
static void
prepare_job (GTask        *task,
             XunchaStore  *store,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (xuncha_store_prepare_for_use (store, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_store_prepared (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not prepare the store: %s", error->message);
}

static void
prepare_store (XunchaApplication *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_store_prepared, NULL);

  g_task_set_source_tag (task, prepare_store);
  xuncha_store_worker_run (self->worker, task, prepare_job);
}

/* The tasks and messages a sync brought raise one notification for all of them (its id
 * replaces the one before, not yet seen), not one per item: the officer looks at the
 * Tasks page once. */
static void
on_sync_finished (XunchaSyncController *controller,
                  XunchaApplication    *self)
{
  XunchaSyncResult *result = xuncha_sync_controller_get_last_result (controller);
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GString) body = g_string_new (NULL);

  if (result == NULL || (result->tasks_changed == 0 && result->messages_added == 0))
    return;
  if (result->tasks_changed > 0)
    g_string_append_printf (body, ngettext ("%u task is new or changed",
                                            "%u tasks are new or changed",
                                            result->tasks_changed),
                            result->tasks_changed);
  if (result->messages_added > 0)
    {
      if (body->len > 0)
        g_string_append_c (body, '\n');
      g_string_append_printf (body, ngettext ("%u new message", "%u new messages",
                                              result->messages_added),
                              result->messages_added);
    }
  notification = g_notification_new (_("News from the command centre"));
  g_notification_set_body (notification, body->str);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (G_APPLICATION (self), "office-news", notification);
}

static void
xuncha_application_startup (GApplication *app)
{
  XunchaApplication *self = XUNCHA_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (xuncha_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  if (self->data_dir == NULL)
    self->data_dir = xuncha_store_resolve_data_dir (NULL);
  /* Opening is a few milliseconds (WAL, no full check), so it does not hold the window. */
  self->store = xuncha_store_open (self->data_dir, &self->store_error);
  /* The categories before the first frame: the report flow lists them. A no-op read once
   * they are in. */
  if (self->store != NULL && !xuncha_taxonomy_ensure_loaded (self->store, &self->store_error))
    g_clear_object (&self->store);
  if (self->store == NULL)
    {
      g_warning ("%s", self->store_error->message);
      return;
    }
  if (self->demo)
    load_demo_data (self);
  self->worker = xuncha_store_worker_new (self->data_dir);
  prepare_store (self);
  /* The street map is read once the window has its first frame (xuncha-window.c). */
  start_session (self);
  self->sync_controller = xuncha_sync_controller_new (self->store, self->worker, self->settings);
  g_signal_connect_object (self->sync_controller, "finished", G_CALLBACK (on_sync_finished),
                           self, 0);
}

/* For the start-up benchmark: XUNCHA_QUIT_AFTER_FIRST_FRAME=1 prints when the first frame
 * was painted (CLOCK_MONOTONIC, µs) and quits; =streets waits for the first frame that
 * shows the street map. */
static void
on_frame_painted (GdkFrameClock     *clock,
                  XunchaApplication *self)
{
  gboolean streets = g_strcmp0 (g_getenv ("XUNCHA_QUIT_AFTER_FIRST_FRAME"), "streets") == 0;

  if (streets && self->street_map == NULL)
    return;
  g_signal_handlers_disconnect_by_func (clock, on_frame_painted, self);
  g_print ("%s %" G_GINT64_FORMAT "\n", streets ? "streets-frame" : "first-frame",
           g_get_monotonic_time ());
  g_application_quit (G_APPLICATION (self));
}

static void
on_window_mapped (GtkWidget         *window,
                  XunchaApplication *self)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_frame_painted), self);
}

static void
xuncha_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (xuncha_window_new (XUNCHA_APPLICATION (app)));
      /* The start-up benchmark measures the time to the first frame the officer sees. */
      if (g_getenv ("XUNCHA_QUIT_AFTER_FIRST_FRAME") != NULL)
        g_signal_connect (window, "map", G_CALLBACK (on_window_mapped), app);
    }
  gtk_window_present (window);
}

static void
xuncha_application_shutdown (GApplication *app)
{
  XunchaApplication *self = XUNCHA_APPLICATION (app);

  /* Workers still reading the store (streets, today's reports) or saving a report end
   * before the process does: an exit tears down what they use (resources, libraries). */
  xuncha_background_wait ();
  /* The last track points go to the worker before it ends, and what it was given (a
   * report being saved) is done. */
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, update_suspend_inhibit, self);
      g_object_run_dispose (G_OBJECT (self->session));
    }
  if (self->suspend_inhibit != 0)
    {
      gtk_application_uninhibit (GTK_APPLICATION (self), self->suspend_inhibit);
      self->suspend_inhibit = 0;
    }
  if (self->worker != NULL)
    xuncha_store_worker_shutdown (self->worker);

  G_APPLICATION_CLASS (xuncha_application_parent_class)->shutdown (app);
}

static void
xuncha_application_dispose (GObject *object)
{
  XunchaApplication *self = (XunchaApplication *)object;

  g_clear_object (&self->sync_controller);
  g_clear_object (&self->session);
  g_clear_object (&self->street_map);
  g_clear_object (&self->worker);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (xuncha_application_parent_class)->dispose (object);
}

static void
xuncha_application_finalize (GObject *object)
{
  XunchaApplication *self = (XunchaApplication *)object;

  g_free (self->data_dir);
  g_free (self->replay_path);

  G_OBJECT_CLASS (xuncha_application_parent_class)->finalize (object);
}

static void
xuncha_application_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XunchaApplication *self = XUNCHA_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STREET_MAP:
      g_value_set_object (value, self->street_map);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SYNC_CONTROLLER:
      g_value_set_object (value, self->sync_controller);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_application_class_init (XunchaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = xuncha_application_get_property;
  properties[PROP_STREET_MAP] =
    g_param_spec_object ("street-map", NULL, NULL, XUNCHA_TYPE_STREET_MAP,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Made at start-up, before any window, and kept: the pages bind to them. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XUNCHA_TYPE_PATROL_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SYNC_CONTROLLER] =
    g_param_spec_object ("sync-controller", NULL, NULL, XUNCHA_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  object_class->dispose = xuncha_application_dispose;
  object_class->finalize = xuncha_application_finalize;
  app_class->handle_local_options = xuncha_application_handle_local_options;
  app_class->startup = xuncha_application_startup;
  app_class->activate = xuncha_application_activate;
  app_class->shutdown = xuncha_application_shutdown;
}

static void
xuncha_application_init (XunchaApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  self->settings = g_settings_new ("io.github.xuncha.Xuncha");
}

XunchaApplication *
xuncha_application_new (void)
{
  return g_object_new (XUNCHA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/xuncha/Xuncha",
                       NULL);
}

XunchaStore *
xuncha_application_get_store (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->store;
}

XunchaStoreWorker *
xuncha_application_get_store_worker (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->worker;
}

const GError *
xuncha_application_get_store_error (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->store_error;
}

GSettings *
xuncha_application_get_settings (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->settings;
}

XunchaStreetMap *
xuncha_application_get_street_map (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->street_map;
}

XunchaPatrolSession *
xuncha_application_get_session (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->session;
}

XunchaSyncController *
xuncha_application_get_sync_controller (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->sync_controller;
}
