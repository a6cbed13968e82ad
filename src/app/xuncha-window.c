/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-history-page.h"
#include "xuncha-map-view.h"
#include "xuncha-patrol-page.h"
#include "xuncha-preferences-page.h"
#include "xuncha-queue-page.h"
#include "xuncha-tasks-page.h"
#include "xuncha-report-flow.h"
#include "xuncha-report-view.h"
#include "xuncha-scoped-toasts.h"
#include "xuncha-window-private.h"

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORE_WORKER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _XunchaWindow
{
  AdwApplicationWindow   parent_instance;

  AdwViewStack          *stack;
  AdwViewSwitcherBar    *switcher_bar;
  AdwToastOverlay       *toast_overlay;
  XunchaPatrolPage      *patrol_page;
  XunchaTasksPage       *tasks_page;
  AdwViewStackPage      *tasks_stack_page;
  AdwBin                *queue_bin;
  AdwBin                *history_bin;
  AdwBin                *preferences_bin;
  AdwBin                *report_bin;
  AdwBin                *report_view_bin;
  GtkStack              *main_stack;
  /* Made on first use (ensure_*()); NULL until then. */
  XunchaQueuePage       *queue_page;
  XunchaHistoryPage     *history_page;
  XunchaPreferencesPage *preferences_page;
  XunchaReportFlow      *report_flow;
  XunchaReportView      *report_view;
  /* The report flow was opened from the reopened report: closing it goes back there. */
  gboolean               edit_from_view;
  GtkRevealer           *store_problem;
  GtkLabel              *store_problem_label;
  GtkWidget             *recording_mark;
  gboolean               content_loaded;
  AdwToast              *saved_toast;       /* the last "Saved: …" toast, while shown */
  /* The toasts raised over the tabs: a toast belongs to the tab that raised it, and is
   * dismissed when another tab is shown. */
  XunchaScopedToasts    *page_toasts;
};

G_DEFINE_FINAL_TYPE (XunchaWindow, xuncha_window, ADW_TYPE_APPLICATION_WINDOW)

/* Shows @toast (taking it) over the tabs, kept so that it can be dismissed with its tab. */
static void
show_page_toast (XunchaWindow *self,
                 AdwToast     *toast)
{
  xuncha_scoped_toasts_add (self->page_toasts, toast);
}

/* A toast of @text over the tabs; a reason is read whole, so it wraps instead of being cut
 * off at a phone's width. */
static void
show_page_text (XunchaWindow *self,
                const char   *text)
{
  AdwToast *toast = adw_toast_new (text);
  GtkWidget *title = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 26);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  adw_toast_set_custom_title (toast, title);
  show_page_toast (self, toast);
}

static void
on_report_closed (XunchaWindow *self)
{
  if (self->edit_from_view && self->report_view != NULL)
    {
      self->edit_from_view = FALSE;
      gtk_stack_set_visible_child_name (self->main_stack, "view");
      xuncha_report_view_reload (self->report_view);
      return;
    }
  gtk_stack_set_visible_child_name (self->main_stack, "main");
}

static void
on_report_view_closed (XunchaWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "main");
}

/* The report shown again, if it is @uuid (NULL: whichever it is): it was edited or sent. */
static void
reload_report_view (XunchaWindow *self,
                    const char   *uuid)
{
  if (self->report_view != NULL
      && (uuid == NULL || g_strcmp0 (xuncha_report_view_get_uuid (self->report_view), uuid) == 0))
    xuncha_report_view_reload (self->report_view);
}

static void
on_report_saved (XunchaReportFlow *flow,
                 XunchaReport     *report,
                 XunchaWindow     *self)
{
  g_autofree char *what = xuncha_report_flow_describe (flow, report);
  g_autofree char *title = NULL;
  GtkWidget *label;
  AdwToast *toast;

  /* Said only now: the report and its photos are durably on the device. What and where,
   * so a wrong guess is seen at once, and the way to add what the three taps left out. */
  /* TRANSLATORS: %s is the category and the street, e.g. "Stall · Zhongshan Rd" */
  title = g_strdup_printf (_("Saved: %s"), what);
  toast = adw_toast_new (title);
  /* On a phone the street would be cut off: the title wraps instead. */
  label = gtk_label_new (title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 22);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  adw_toast_set_custom_title (toast, label);
  adw_toast_set_button_label (toast, _("Edit"));
  adw_toast_set_action_name (toast, "win.edit-report");
  adw_toast_set_action_target_value (toast,
                                     g_variant_new_string (xuncha_report_get_uuid (report)));
  adw_toast_set_timeout (toast, 8);
  if (self->saved_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->saved_toast), (gpointer *)&self->saved_toast);
  self->saved_toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *)&self->saved_toast);

  xuncha_patrol_page_refresh (self->patrol_page);
  xuncha_patrol_page_add_report (self->patrol_page, report);
  if (self->queue_page != NULL)
    xuncha_queue_page_refresh (self->queue_page);
  /* A report made for a task: back to the task, for the outcome. The toast is raised on
   * the tab shown after, or the switch would dismiss it at once. */
  if (xuncha_tasks_page_get_doing (self->tasks_page) != NULL)
    {
      xuncha_tasks_page_add_report (self->tasks_page, xuncha_report_get_uuid (report));
      adw_view_stack_set_visible_child_name (self->stack, "tasks");
    }
  show_page_toast (self, toast);
}

static void
on_report_edited (XunchaReportFlow *flow,
                  XunchaReport     *report,
                  XunchaWindow     *self)
{
  xuncha_window_add_toast (self, _("Changes saved on the device"));
  reload_report_view (self, xuncha_report_get_uuid (report));
  xuncha_patrol_page_refresh (self->patrol_page);
  xuncha_patrol_page_add_report (self->patrol_page, report);
  if (self->queue_page != NULL)
    xuncha_queue_page_refresh (self->queue_page);
}

static void
on_report_save_failed (XunchaReportFlow *flow,
                       const GError     *error,
                       XunchaWindow     *self)
{
  /* The report went to the office meanwhile: the draft cannot be saved, say so here. */
  if (g_error_matches (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT))
    {
      show_page_toast (self, adw_toast_new (error->message));
      return;
    }
  /* Nothing was stored: back to the draft, with the reason. */
  gtk_stack_set_visible_child_name (self->main_stack, "report");
  xuncha_report_flow_show_error (flow, error->message);
}

static XunchaReportFlow *
ensure_report_flow (XunchaWindow *self)
{
  if (self->report_flow == NULL)
    {
      self->report_flow = g_object_new (XUNCHA_TYPE_REPORT_FLOW, NULL);
      g_signal_connect_object (self->report_flow, "closed", G_CALLBACK (on_report_closed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->report_flow, "saved", G_CALLBACK (on_report_saved), self, 0);
      g_signal_connect_object (self->report_flow, "edited", G_CALLBACK (on_report_edited), self,
                               0);
      g_signal_connect_object (self->report_flow, "save-failed",
                               G_CALLBACK (on_report_save_failed), self, 0);
      adw_bin_set_child (self->report_bin, GTK_WIDGET (self->report_flow));
    }
  return self->report_flow;
}

static void
start_report (XunchaWindow *self,
              const char   *parent_uuid)
{
  XunchaApplication *app = XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (xuncha_application_get_store (app) == NULL)
    return;
  xuncha_report_flow_set_context (ensure_report_flow (self), xuncha_application_get_store (app),
                                  xuncha_application_get_store_worker (app),
                                  xuncha_application_get_street_map (app),
                                  xuncha_application_get_session (app),
                                  xuncha_application_get_settings (app));
  xuncha_report_flow_start (self->report_flow, parent_uuid);
  gtk_stack_set_visible_child_name (self->main_stack, "report");
}

static void
on_edit_report_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  XunchaWindow *self = user_data;
  XunchaApplication *app = XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GError) error = NULL;

  if (xuncha_application_get_store (app) == NULL)
    return;
  if (self->saved_toast != NULL)
    adw_toast_dismiss (self->saved_toast);
  self->edit_from_view = g_str_equal (gtk_stack_get_visible_child_name (self->main_stack),
                                      "view");
  xuncha_report_flow_set_context (ensure_report_flow (self), xuncha_application_get_store (app),
                                  xuncha_application_get_store_worker (app),
                                  xuncha_application_get_street_map (app),
                                  xuncha_application_get_session (app),
                                  xuncha_application_get_settings (app));
  if (!xuncha_report_flow_edit (self->report_flow, g_variant_get_string (parameter, NULL),
                                &error))
    {
      xuncha_window_add_toast (self, error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->main_stack, "report");
}

static void
on_open_report_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  XunchaWindow *self = user_data;
  XunchaApplication *app = XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (xuncha_application_get_store_worker (app) == NULL)
    return;
  if (self->report_view == NULL)
    {
      self->report_view = xuncha_report_view_new ();
      g_signal_connect_object (self->report_view, "closed", G_CALLBACK (on_report_view_closed),
                               self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->report_view_bin, GTK_WIDGET (self->report_view));
    }
  xuncha_report_view_load (self->report_view, xuncha_application_get_store_worker (app),
                           xuncha_application_get_street_map (app),
                           g_variant_get_string (parameter, NULL));
  gtk_stack_set_visible_child_name (self->main_stack, "view");
}

/* A shift's route in the history ("See the Route" on a shift's summary). */
static void
on_open_shift_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  XunchaWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->main_stack, "main");
  adw_view_stack_set_visible_child_name (self->stack, "history");
  if (self->history_page != NULL)
    xuncha_history_page_open_shift (self->history_page, g_variant_get_string (parameter, NULL));
}

static void
on_show_page_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  XunchaWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->main_stack, "main");
  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
}

static void
on_report_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  start_report (user_data, NULL);
}

static void
on_reinspect_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  start_report (user_data, g_variant_get_string (parameter, NULL));
}

/* "Do it" on a task: a check (with its case) opens as the case's re-inspection, with the
 * original photo for framing; anything else as a new report. */
static void
on_do_task (XunchaTasksPage *page,
            const char      *task_id,
            const char      *report_uuid,
            XunchaWindow    *self)
{
  XunchaApplication *app = XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  XunchaStore *store = xuncha_application_get_store (app);
  g_autoptr(XunchaTask) task = NULL;

  start_report (self, report_uuid);
  /* The category the task names (a hotline's, or the case's): the officer photographs
   * and goes straight to the details, where he can still change it. */
  if (store != NULL && self->report_flow != NULL
      && (task = xuncha_task_store_get (store, task_id, NULL)) != NULL)
    {
      g_autofree char *photo = NULL;

      xuncha_report_flow_set_category (self->report_flow, task->category);
      /* A check of a case this device does not hold: the office's photo of it. */
      if (g_strcmp0 (task->kind, "check") == 0 && g_strv_length (task->photos) > 0)
        photo = xuncha_task_store_office_photo_path (store, task->photos[0]);
      xuncha_report_flow_set_original_photo (self->report_flow, photo);
    }
}

/* A task's pin on the patrol map: its page on the Tasks tab. */
static void
on_open_task_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  XunchaWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->main_stack, "main");
  adw_view_stack_set_visible_child_name (self->stack, "tasks");
  xuncha_tasks_page_open_task (self->tasks_page, g_variant_get_string (parameter, NULL));
}

/* A page's toast ("win.show-toast"): it belongs to the tab shown and goes with it. */
static void
on_show_toast_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  show_page_text (user_data, g_variant_get_string (parameter, NULL));
}

static const GActionEntry window_actions[] = {
  { "show-toast", on_show_toast_action, "s" },
  { "open-task", on_open_task_action, "s" },
  { "report", on_report_action },
  { "reinspect", on_reinspect_action, "s" },
  { "edit-report", on_edit_report_action, "s" },
  { "open-report", on_open_report_action, "s" },
  { "open-shift", on_open_shift_action, "s" },
  { "show-page", on_show_page_action, "s" },
};

static void
on_enrolled (XunchaWindow *self)
{
  if (self->queue_page != NULL)
    xuncha_queue_page_refresh (self->queue_page);
}

static XunchaApplication *
get_app (XunchaWindow *self)
{
  return XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* A page gets the store once the window has painted its first frame (load_content()): the
 * window's "store" and "store-worker" are NULL until then. */
static XunchaStore *
get_loaded_store (XunchaWindow *self)
{
  return self->content_loaded ? xuncha_application_get_store (get_app (self)) : NULL;
}

static XunchaStoreWorker *
get_loaded_worker (XunchaWindow *self)
{
  return self->content_loaded ? xuncha_application_get_store_worker (get_app (self)) : NULL;
}

/* @page's @property follows @source's @source_property from now on. */
static void
bind (gpointer    source,
      const char *source_property,
      gpointer    page,
      const char *property)
{
  g_object_bind_property (source, source_property, page, property, G_BINDING_SYNC_CREATE);
}

static void
ensure_queue_page (XunchaWindow *self)
{
  XunchaApplication *app = get_app (self);

  if (self->queue_page != NULL || app == NULL)
    return;
  self->queue_page = g_object_new (XUNCHA_TYPE_QUEUE_PAGE, NULL);
  bind (self, "store-worker", self->queue_page, "store-worker");
  bind (app, "street-map", self->queue_page, "street-map");
  bind (app, "sync-controller", self->queue_page, "sync-controller");
  adw_bin_set_child (self->queue_bin, GTK_WIDGET (self->queue_page));
}

static void
ensure_history_page (XunchaWindow *self)
{
  if (self->history_page != NULL || get_app (self) == NULL)
    return;
  self->history_page = g_object_new (XUNCHA_TYPE_HISTORY_PAGE, NULL);
  bind (self, "store-worker", self->history_page, "store-worker");
  adw_bin_set_child (self->history_bin, GTK_WIDGET (self->history_page));
}

static void
ensure_preferences_page (XunchaWindow *self)
{
  XunchaApplication *app = get_app (self);

  if (self->preferences_page != NULL || app == NULL)
    return;
  self->preferences_page = g_object_new (XUNCHA_TYPE_PREFERENCES_PAGE, NULL);
  g_signal_connect_object (self->preferences_page, "enrolled", G_CALLBACK (on_enrolled), self,
                           G_CONNECT_SWAPPED);
  bind (self, "store", self->preferences_page, "store");
  bind (self, "store-worker", self->preferences_page, "store-worker");
  bind (app, "settings", self->preferences_page, "settings");
  adw_bin_set_child (self->preferences_bin, GTK_WIDGET (self->preferences_page));
}

/* The pages other than the map are made on their first visit. The history may have grown
 * since it was read (a shift stopped, a track imported). */
static void
on_visible_page_changed (XunchaWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  /* The tab that raised them is no longer shown: its toasts would sit over another tab's
   * controls (the "Saved" toast over the History's list). */
  xuncha_scoped_toasts_dismiss_all (self->page_toasts);
  /* On the map, toasts float above the Report button: the next report is one tap away
   * while "Saved: …" is still shown. */
  if (g_strcmp0 (name, "patrol") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->toast_overlay), "above-patrol-actions");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->toast_overlay), "above-patrol-actions");

  if (g_strcmp0 (name, "queue") == 0)
    ensure_queue_page (self);
  else if (g_strcmp0 (name, "preferences") == 0)
    ensure_preferences_page (self);
  else if (g_strcmp0 (name, "history") == 0)
    {
      if (self->history_page == NULL)
        ensure_history_page (self);
      else
        xuncha_history_page_refresh (self->history_page);
    }
}

/* The offline basemap chosen in the settings, under the street layer; none by default. */
static void
on_basemap_changed (XunchaWindow *self,
                    const char   *key,
                    GSettings    *settings)
{
  g_autofree char *path = g_settings_get_string (settings, "basemap-file");
  g_autoptr(XunchaMbtiles) tiles = NULL;
  g_autoptr(GError) error = NULL;

  if (*path != '\0')
    {
      tiles = xuncha_mbtiles_open (path, &error);
      if (tiles == NULL)
        xuncha_window_add_toast (self, error->message);
    }
  xuncha_map_view_set_basemap (xuncha_patrol_page_get_map_view (self->patrol_page), tiles);
}

static void
on_sync_finished (XunchaSyncController *controller,
                  XunchaWindow         *self)
{
  const GError *error = xuncha_sync_controller_get_last_error (controller);
  XunchaSyncResult *result = xuncha_sync_controller_get_last_result (controller);

  /* The queue page tells the whole story; elsewhere a toast says how it ended. An
   * automatic sync speaks only when it did something. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "queue") == 0)
    ;
  else if (error != NULL)
    {
      if (!xuncha_sync_controller_get_automatic (controller)
          && !g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED))
        xuncha_window_add_toast (self, _("The sync stopped: see the Queue page"));
    }
  else if (result != NULL && result->failed > 0)
    xuncha_window_add_toast (self, _("Some items were not accepted: see the Queue page"));
  else if (result != NULL && (result->sent > 0 || !xuncha_sync_controller_get_automatic (controller)))
    xuncha_window_add_toast (self, _("Sync finished"));
  xuncha_patrol_page_refresh (self->patrol_page);
  xuncha_tasks_page_refresh (self->tasks_page);
  reload_report_view (self, NULL);
  if (result != NULL && result->statuses_changed > 0 && self->history_page != NULL)
    xuncha_history_page_refresh (self->history_page);
  /* The office sent a newer street map: index it again (off the main thread). */
  if (result != NULL && result->streets_changed > 0)
    xuncha_application_reload_street_map (XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}


/* The device data (streets, reports, the queue, the history, the basemap) is read into
 * the pages once the window has shown its first frame: the officer gets a window at once
 * and what is read off the main thread fills in a moment later, without competing with
 * the first frame for the phone's few cores. */
static void
load_content (XunchaWindow *self)
{
  XunchaApplication *app = XUNCHA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  XunchaStore *store;
  GSettings *settings;

  if (self->content_loaded || app == NULL)
    return;
  self->content_loaded = TRUE;
  store = xuncha_application_get_store (app);
  settings = xuncha_application_get_settings (app);

  /* The pages bound to these read the store now. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
  g_signal_connect_object (settings, "changed::basemap-file", G_CALLBACK (on_basemap_changed),
                           self, G_CONNECT_SWAPPED);
  on_basemap_changed (self, "basemap-file", settings);
  /* The street map comes a moment later, from a worker thread (notify::street-map). */
  if (store != NULL && xuncha_application_get_street_map (app) == NULL)
    xuncha_application_reload_street_map (app);
}

static void
on_first_frame_painted (GdkFrameClock *clock,
                        XunchaWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted, self);
  load_content (self);
}

static void
on_window_mapped (XunchaWindow *self)
{
  if (!self->content_loaded)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                             G_CALLBACK (on_first_frame_painted), self, 0);
}

/* "application" is not a construct property, so this runs from _new(), not constructed. */
static void
connect_to_application (XunchaWindow      *self,
                        XunchaApplication *app)
{
  XunchaStore *store;
  GSettings *settings;

  store = xuncha_application_get_store (app);
  settings = xuncha_application_get_settings (app);

  g_signal_connect (self, "map", G_CALLBACK (on_window_mapped), NULL);
  /* What the pages show follows the application's state; the device store only after the
   * first frame (the window's own "store" and "store-worker"). */
  bind (app, "street-map", self->patrol_page, "street-map");
  bind (app, "session", self->patrol_page, "session");
  bind (app, "session", self->tasks_page, "session");
  bind (self, "store", self->patrol_page, "store");
  bind (self, "store-worker", self->patrol_page, "store-worker");
  bind (self, "store-worker", self->tasks_page, "store-worker");
  if (xuncha_application_get_session (app) != NULL)
    g_object_bind_property (xuncha_application_get_session (app), "shift-open",
                            self->recording_mark, "visible", G_BINDING_SYNC_CREATE);
  if (xuncha_application_get_sync_controller (app) != NULL)
    g_signal_connect_object (xuncha_application_get_sync_controller (app), "finished",
                             G_CALLBACK (on_sync_finished), self, 0);

  if (store == NULL)
    {
      const GError *error = xuncha_application_get_store_error (app);
      gtk_label_set_text (self->store_problem_label,
                          error != NULL ? error->message
                                        : _("The device data could not be opened."));
      gtk_revealer_set_reveal_child (self->store_problem, TRUE);
    }

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
}

static void
xuncha_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XunchaWindow *self = XUNCHA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, get_app (self) != NULL ? get_loaded_store (self) : NULL);
      break;
    case PROP_STORE_WORKER:
      g_value_set_object (value, get_app (self) != NULL ? get_loaded_worker (self) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_window_dispose (GObject *object)
{
  XunchaWindow *self = (XunchaWindow *)object;

  if (self->saved_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->saved_toast), (gpointer *)&self->saved_toast);
  self->saved_toast = NULL;
  g_clear_pointer (&self->page_toasts, xuncha_scoped_toasts_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), XUNCHA_TYPE_WINDOW);

  G_OBJECT_CLASS (xuncha_window_parent_class)->dispose (object);
}

static void
xuncha_window_class_init (XunchaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_window_get_property;
  object_class->dispose = xuncha_window_dispose;

  /* The application's device store and its worker, for the pages: NULL until the window
   * has painted its first frame (and when the store could not be opened). */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, XUNCHA_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XUNCHA_TYPE_PATROL_PAGE);
  g_type_ensure (XUNCHA_TYPE_QUEUE_PAGE);
  g_type_ensure (XUNCHA_TYPE_HISTORY_PAGE);
  g_type_ensure (XUNCHA_TYPE_PREFERENCES_PAGE);
  g_type_ensure (XUNCHA_TYPE_REPORT_FLOW);
  g_type_ensure (XUNCHA_TYPE_TASKS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, patrol_page);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, tasks_page);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, tasks_stack_page);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, queue_bin);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, history_bin);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, preferences_bin);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, report_bin);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, report_view_bin);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, store_problem);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, store_problem_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaWindow, recording_mark);
}

static void
xuncha_window_init (XunchaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->page_toasts = xuncha_scoped_toasts_new (self->toast_overlay);
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);

  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_css_class (GTK_WIDGET (self->toast_overlay), "above-patrol-actions");
  /* The inbox's count shows on its switcher button from every page, the patrol page too. */
  g_object_bind_property (self->tasks_page, "n-tasks", self->tasks_stack_page, "badge-number",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->tasks_page, "do-task", G_CALLBACK (on_do_task), self, 0);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

XunchaWindow *
xuncha_window_new (XunchaApplication *application)
{
  XunchaWindow *self = g_object_new (XUNCHA_TYPE_WINDOW, "application", application, NULL);

  connect_to_application (self, application);
  return self;
}

void
xuncha_window_show_page (XunchaWindow *self,
                         const char   *name)
{
  g_return_if_fail (XUNCHA_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->stack, name);
}

XunchaReportView *
xuncha_window_get_report_view (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);
  return self->report_view;
}

XunchaHistoryPage *
xuncha_window_get_history_page (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);

  return self->history_page;
}

const char *
xuncha_window_get_screen (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

XunchaReportFlow *
xuncha_window_get_report_flow (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);
  return ensure_report_flow (self);
}

gboolean
xuncha_window_get_reporting (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), FALSE);
  return g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "report");
}

const char *
xuncha_window_get_page (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

gboolean
xuncha_window_get_bottom_bar_revealed (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), FALSE);
  return adw_view_switcher_bar_get_reveal (self->switcher_bar);
}

void
xuncha_window_add_toast (XunchaWindow *self,
                         const char   *text)
{
  g_return_if_fail (XUNCHA_IS_WINDOW (self));
  show_page_text (self, text);
}

AdwToast *
xuncha_window_get_saved_toast (XunchaWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_WINDOW (self), NULL);
  return self->saved_toast;
}
