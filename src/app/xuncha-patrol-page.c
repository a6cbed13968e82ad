/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "xuncha-map-view.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-today-report-item.h"

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORE_WORKER,
  PROP_STREET_MAP,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _XunchaPatrolPage
{
  GtkWidget            parent_instance;

  XunchaStore         *store;
  XunchaStoreWorker   *worker;
  XunchaPatrolSession *session;
  XunchaStreetMap     *street_map;
  XunchaTaxonomy      *taxonomy;
  GCancellable        *cancellable;
  guint                status_timer;
  guint                waiting;        /* reports not yet acknowledged by the office */
  gboolean             centered;
  /* The map keeps the officer's position in its centre until moved by hand; the locate
   * button brings it back. */
  gboolean             following;
  /* Set while the page itself moves the map, so that only a hand's move stops following. */
  gboolean             moving_map;
  gboolean             updating_toggle;

  GtkLabel            *status_line;
  XunchaMapView       *map_view;
  AdwStatusPage       *map_status;
  GtkToggleButton     *shift_button;
  GtkWidget           *end_shift_button;
  AdwMessageDialog    *dialog;         /* the question or summary on screen, or NULL */
  char                *summary_text;   /* what the last summary said, for tests */
  GtkButton           *center_button;
  GtkBox              *action_bar;
  AdwFlap             *flap;
  GtkListBox          *today_list;
  GtkWidget           *message_button;
  GtkLabel            *message_label;
  char                *message_id;     /* the unread message shown, or NULL */
  /* Today's reports on screen, by id: an edited report is shown with its new words. */
  GHashTable          *markers;        /* uuid → ShumateMarker (owned by the map) */
  GListStore          *today;          /* XunchaTodayReportItem, newest first (today_list) */
};

G_DEFINE_FINAL_TYPE (XunchaPatrolPage, xuncha_patrol_page, GTK_TYPE_WIDGET)

#define STALE_FIX_SECONDS 30

static char *
describe_position (XunchaPatrolPage *self)
{
  XunchaFix fix;
  gint64 age_s;

  if (self->session == NULL)
    return g_strdup (_("Location off"));

  switch (xuncha_patrol_session_get_location_state (self->session))
    {
    case XUNCHA_LOCATION_STATE_UNAVAILABLE:
      return g_strdup (_("No location service: place reports by hand"));
    case XUNCHA_LOCATION_STATE_IDLE:
      return g_strdup (_("Location off until a shift starts"));
    case XUNCHA_LOCATION_STATE_STARTING:
    case XUNCHA_LOCATION_STATE_ACTIVE:
    case XUNCHA_LOCATION_STATE_FINISHED:
    default:
      break;
    }

  if (!xuncha_patrol_session_get_last_fix (self->session, &fix))
    return g_strdup (_("Waiting for a position…"));

  /* Accuracy and age are always shown: a fix that is poor or old must look it. */
  age_s = (gint64)xuncha_patrol_session_get_fix_age (self->session);
  if (isnan (fix.accuracy))
    return g_strdup_printf (_("Position · %d s ago"), (int)age_s);
  if (age_s > STALE_FIX_SECONDS)
    return g_strdup_printf (_("±%.0f m · old: %d s"), fix.accuracy, (int)age_s);
  return g_strdup_printf (_("±%.0f m · %d s ago"), fix.accuracy, (int)age_s);
}

static void
update_status_line (XunchaPatrolPage *self)
{
  g_autofree char *position = NULL;
  g_autofree char *line = NULL;

  if (self->store == NULL)
    {
      gtk_label_set_text (self->status_line, _("Device data unavailable"));
      return;
    }
  position = describe_position (self);
  if (self->waiting == 0)
    line = g_strdup_printf (_("%s · nothing waiting to sync"), position);
  else
    line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u report waiting to sync",
                                         "%s · %u reports waiting to sync", self->waiting),
                            position, self->waiting);
  gtk_label_set_text (self->status_line, line);
}

static gboolean
on_status_tick (gpointer user_data)
{
  update_status_line (user_data);
  return G_SOURCE_CONTINUE;
}

static void
sync_shift_button (XunchaPatrolPage *self)
{
  gboolean open = self->session != NULL && xuncha_patrol_session_get_shift_open (self->session);

  self->updating_toggle = TRUE;
  gtk_toggle_button_set_active (self->shift_button, open);
  self->updating_toggle = FALSE;
  gtk_button_set_label (GTK_BUTTON (self->shift_button), _("Start Shift"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->shift_button), self->session != NULL);
  /* While the shift records, Report has the bar to itself and End Shift waits at the top
   * of the map, out of the way of a thumb reaching for Report. */
  gtk_widget_set_visible (GTK_WIDGET (self->shift_button), !open);
  gtk_widget_set_visible (self->end_shift_button, open);
}

static void
reload_track (XunchaPatrolPage *self)
{
  g_autoptr(GArray) points = NULL;

  if (self->session == NULL)
    return;
  points = xuncha_patrol_session_load_track (self->session);
  xuncha_map_view_set_track (self->map_view, (const XunchaFix *)(const void *)points->data,
                             points->len);
}

/* Moves the map for the page's own reasons; @zoom < 0 keeps the zoom the officer chose. */
static void
move_map (XunchaPatrolPage *self,
          double            lat,
          double            lon,
          double            zoom)
{
  self->moving_map = TRUE;
  if (zoom < 0)
    shumate_map_center_on (xuncha_map_view_get_map (self->map_view), lat, lon);
  else
    xuncha_map_view_center_on (self->map_view, lat, lon, zoom);
  self->moving_map = FALSE;
}

static void
on_viewport_moved (XunchaPatrolPage *self)
{
  if (!self->moving_map && self->following)
    {
      self->following = FALSE;
      g_debug ("The map was moved by hand: it stops following the position");
    }
}

static void
on_fix (XunchaPatrolSession *session,
        const XunchaFix     *fix,
        XunchaPatrolPage    *self)
{
  xuncha_map_view_set_position (self->map_view, fix);
  if (xuncha_patrol_session_get_shift_open (session))
    xuncha_map_view_add_track_point (self->map_view, fix);
  if (!self->centered)
    {
      self->centered = TRUE;
      move_map (self, fix->lat, fix->lon, 17);
    }
  else if (self->following)
    move_map (self, fix->lat, fix->lon, -1);
  update_status_line (self);
}

static void
on_session_changed (XunchaPatrolPage *self)
{
  sync_shift_button (self);
  update_status_line (self);
}

/* A shift that could not start or end, said in the officer's words over the patrol page
 * (the window's toasts of the tab shown: they go when another tab is shown); the store's
 * own words go to the log. */
static void
show_shift_error (XunchaPatrolPage *self,
                  const char       *text,
                  const GError     *error)
{
  g_message ("Shift start or end failed: %s", error->message);
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", text))
    g_message ("No window to tell it: %s", text);
}

static void
on_shift_toggled (XunchaPatrolPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->updating_toggle || self->session == NULL)
    return;

  if (!gtk_toggle_button_get_active (self->shift_button))
    {
      /* Ending a shift is asked first (on_end_shift_clicked()). */
      sync_shift_button (self);
      return;
    }
  ok = xuncha_patrol_session_start_shift (self->session, &error);
  xuncha_map_view_set_track (self->map_view, NULL, 0);

  if (!ok)
    show_shift_error (self, _("The shift did not start: this device could not write its data. "
                              "Try again in a moment; if it keeps failing, free some space."),
                      error);
  sync_shift_button (self);
}

/* Ending a shift: a question, then what the shift amounted to. ------------------------- */

static void
show_dialog (XunchaPatrolPage *self,
             AdwMessageDialog *dialog)
{
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shift's summary and coverage, read off the main thread. */
static void
summary_job (GTask        *task,
             XunchaStore  *store,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_lookup (store, task_data, &error);
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GArray) points = NULL;

  if (shift != NULL)
    summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
  if (summary != NULL && xuncha_store_count_rows (store, "streets", NULL) > 0)
    {
      map = xuncha_street_map_new_from_store (store, &error);
      if (map == NULL
          || !xuncha_route_summary_add_coverage_from_store (summary, store, map,
                                                            (const XunchaFix *)(void *)points->data,
                                                            points->len, &error))
        g_clear_pointer (&summary, xuncha_route_summary_free);
    }
  if (summary == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&summary),
                           (GDestroyNotify)xuncha_route_summary_free);
}

/* "See the Route": the shift's route in the history, with its missed segments. */
static void
on_summary_answered (AdwMessageDialog *dialog,
                     const char       *response,
                     XunchaPatrolPage *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "shift-uuid");

  if (g_str_equal (response, "route") && uuid != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-shift", "s", uuid);
}

static void
on_summary_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  XunchaPatrolPage *self = user_data;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GtkRoot *root;
  AdwMessageDialog *dialog;
  gint64 minutes;

  summary = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  minutes = summary != NULL ? (summary->duration_ms + 30000) / 60000 : 0;
  if (summary == NULL)
    g_string_append_printf (text, _("The shift was ended, but its summary could not be read: %s"),
                            error->message);
  else
    {
      g_string_append_printf (text, _("Length: %.2f km"), summary->length_m / 1000);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Duration: %d h %02d min"), (int)(minutes / 60),
                              (int)(minutes % 60));
      g_string_append_c (text, '\n');
      if (summary->has_coverage)
        g_string_append_printf (text, _("Coverage: %.0f %% of the assigned segments"),
                                summary->coverage_percent);
      else
        g_string_append (text, _("Coverage: unknown"));
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Reports: %u"), summary->reports->len);
      if (summary->n_gaps > 0)
        {
          g_string_append_c (text, '\n');
          guint gap = (guint)((summary->gap_ms + 30000) / 60000);

          g_string_append_printf (text, ngettext ("%u min without position",
                                                  "%u min without position", gap), gap);
        }
    }
  g_free (self->summary_text);
  self->summary_text = g_strdup (text->str);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       _("Shift Ended"), text->str));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (summary != NULL)
    {
      adw_message_dialog_add_response (dialog, "route", _("See the _Route"));
      g_object_set_data_full (G_OBJECT (dialog), "shift-uuid",
                              g_strdup (g_task_get_task_data (G_TASK (result))), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_summary_answered), self, 0);
    }
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  show_dialog (self, dialog);
}

static void
on_end_shift_answered (AdwMessageDialog *dialog,
                       const char       *response,
                       XunchaPatrolPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  XunchaShift *shift;

  if (!g_str_equal (response, "end") || self->session == NULL)
    return;
  shift = xuncha_patrol_session_get_shift (self->session);
  uuid = shift != NULL ? g_strdup (xuncha_shift_get_uuid (shift)) : NULL;
  if (!xuncha_patrol_session_stop_shift (self->session, &error))
    {
      /* The shift is still open and records on: no summary of a shift that goes on. */
      show_shift_error (self, _("The shift did not end: this device could not write its data. "
                                "It goes on recording; try again in a moment."),
                        error);
      sync_shift_button (self);
      return;
    }
  sync_shift_button (self);
  if (uuid != NULL && self->worker != NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_summary_loaded, self);

      g_task_set_source_tag (task, on_end_shift_answered);
      g_task_set_task_data (task, g_steal_pointer (&uuid), g_free);
      xuncha_store_worker_run (self->worker, task, summary_job);
    }
}

static void
on_end_shift_clicked (XunchaPatrolPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  XunchaShift *shift = self->session != NULL ? xuncha_patrol_session_get_shift (self->session)
                                             : NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (shift == NULL)
    return;
  {
    g_autoptr(GDateTime) started =
      g_date_time_new_from_unix_local (xuncha_shift_get_started_ms (shift) / 1000);
    g_autofree char *time = g_date_time_format (started, "%H:%M");
    gint64 minutes = MAX (0, (g_get_real_time () / 1000 - xuncha_shift_get_started_ms (shift)
                              + 30000) / 60000);

    body = g_strdup_printf (_("The shift started at %s and has run %d h %02d min. Its route "
                              "stops being recorded."),
                            time, (int)(minutes / 60), (int)(minutes % 60));
  }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       _("End the Shift?"), body));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Recording"), "end", _("_End Shift"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_end_shift_answered), self, 0);
  show_dialog (self, dialog);
}

static void
on_center_clicked (XunchaPatrolPage *self)
{
  XunchaFix fix;

  self->following = TRUE;
  if (self->session != NULL && xuncha_patrol_session_get_last_fix (self->session, &fix))
    move_map (self, fix.lat, fix.lon, 17);
}

/* What the office sent that the map shows: the unread messages (newest first) and the
 * tasks of the inbox. */
typedef struct
{
  GPtrArray *messages;
  GPtrArray *tasks;
} News;

static void
news_free (News *news)
{
  g_clear_pointer (&news->messages, g_ptr_array_unref);
  g_clear_pointer (&news->tasks, g_ptr_array_unref);
  g_free (news);
}

static void
load_news_job (GTask        *task,
               XunchaStore  *store,
               gpointer      task_data,
               GCancellable *cancellable)
{
  News *news = g_new0 (News, 1);
  GError *error = NULL;

  news->messages = xuncha_message_store_list (store, TRUE, &error);
  if (news->messages != NULL)
    news->tasks = xuncha_task_store_list (store, 0, FALSE, &error);
  if (news->tasks == NULL)
    {
      news_free (news);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, news, (GDestroyNotify)news_free);
}

static void
show_message (XunchaPatrolPage    *self,
              const XunchaMessage *message)
{
  g_autofree char *text = NULL;

  g_clear_pointer (&self->message_id, g_free);
  gtk_widget_set_visible (self->message_button, message != NULL);
  if (message == NULL)
    return;
  self->message_id = g_strdup (message->id);
  /* TRANSLATORS: a message on the patrol page: its sender, title and body. */
  text = g_strdup_printf (_("%s: %s · %s"), message->sender, message->title, message->body);
  gtk_label_set_text (self->message_label, text);
  gtk_widget_set_tooltip_text (self->message_button, text);
}

static void
show_task_pins (XunchaPatrolPage *self,
                GPtrArray        *tasks)
{
  gint64 now_ms = g_get_real_time () / 1000;

  xuncha_map_view_clear_tasks (self->map_view);
  for (guint i = 0; i < tasks->len; i++)
    {
      const XunchaTask *task = g_ptr_array_index (tasks, i);
      g_autofree char *description = NULL;

      if (isnan (task->lat) || isnan (task->lon))
        continue;
      description = task->note != NULL && task->note[0] != '\0'
                    ? g_strdup_printf ("%s: %s", xuncha_task_kind_label (task->kind), task->note)
                    : g_strdup (xuncha_task_kind_label (task->kind));
      xuncha_map_view_add_task (self->map_view, task->id, task->lat, task->lon, description,
                                xuncha_task_is_overdue (task, now_ms));
    }
}

static void
on_news_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  News *news = g_task_propagate_pointer (G_TASK (result), &error);
  XunchaPatrolPage *self;

  if (news == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the office's tasks and messages: %s", error->message);
      return;
    }
  self = XUNCHA_PATROL_PAGE (user_data);
  show_message (self, news->messages->len > 0 ? g_ptr_array_index (news->messages, 0) : NULL);
  show_task_pins (self, news->tasks);
  news_free (news);
}

static void
load_news (XunchaPatrolPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->worker == NULL)
    return;
  task = g_task_new (NULL, self->cancellable, on_news_loaded, self);
  g_task_set_source_tag (task, load_news);
  xuncha_store_worker_run (self->worker, task, load_news_job);
}

static void
mark_read_job (GTask        *task,
               XunchaStore  *store,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = g_date_time_format_iso8601 (now);
  GError *error = NULL;

  /* Kept, and queued: the next sync tells the office it was read. */
  if (!xuncha_message_store_mark_read (store, task_data, at, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_marked_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not mark the message read: %s", error->message);
      return;
    }
  load_news (XUNCHA_PATROL_PAGE (user_data));
}

/* A tap: read, so it goes (the next unread one, if any, takes its place). */
static void
on_message_clicked (XunchaPatrolPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->message_id == NULL || self->worker == NULL)
    return;
  task = g_task_new (NULL, self->cancellable, on_marked_read, self);
  g_task_set_source_tag (task, on_message_clicked);
  g_task_set_task_data (task, g_strdup (self->message_id), g_free);
  gtk_widget_set_visible (self->message_button, FALSE);
  xuncha_store_worker_run (self->worker, task, mark_read_job);
}

static void
xuncha_patrol_page_map (GtkWidget *widget)
{
  XunchaPatrolPage *self = XUNCHA_PATROL_PAGE (widget);

  GTK_WIDGET_CLASS (xuncha_patrol_page_parent_class)->map (widget);
  /* The age of the fix ticks only while the page is on screen. */
  if (self->status_timer == 0)
    self->status_timer = g_timeout_add_seconds (1, on_status_tick, self);
}

static void
xuncha_patrol_page_unmap (GtkWidget *widget)
{
  XunchaPatrolPage *self = XUNCHA_PATROL_PAGE (widget);

  g_clear_handle_id (&self->status_timer, g_source_remove);
  GTK_WIDGET_CLASS (xuncha_patrol_page_parent_class)->unmap (widget);
}

static void
xuncha_patrol_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XunchaPatrolPage *self = XUNCHA_PATROL_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STORE_WORKER:
      g_value_set_object (value, self->worker);
      break;
    case PROP_STREET_MAP:
      g_value_set_object (value, self->street_map);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_patrol_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  XunchaPatrolPage *self = XUNCHA_PATROL_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      xuncha_patrol_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_STORE_WORKER:
      xuncha_patrol_page_set_store_worker (self, g_value_get_object (value));
      break;
    case PROP_STREET_MAP:
      xuncha_patrol_page_set_street_map (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      xuncha_patrol_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_patrol_page_dispose (GObject *object)
{
  XunchaPatrolPage *self = (XunchaPatrolPage *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->status_timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_PATROL_PAGE);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->street_map);
  g_clear_object (&self->taxonomy);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);
  g_clear_pointer (&self->markers, g_hash_table_unref);
  g_clear_object (&self->today);
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *)&self->dialog);
  self->dialog = NULL;
  g_clear_pointer (&self->summary_text, g_free);
  g_clear_pointer (&self->message_id, g_free);

  G_OBJECT_CLASS (xuncha_patrol_page_parent_class)->dispose (object);
}

/* A row of today's reports beside the map; a tap reopens the report. */
static GtkWidget *
create_today_row (gpointer item,
                  gpointer user_data)
{
  XunchaTodayReportItem *report = item;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 xuncha_today_report_item_get_title (report));
  if (xuncha_today_report_item_get_street (report) != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 xuncha_today_report_item_get_street (report));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "patrol.open-report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s",
                                    xuncha_today_report_item_get_uuid (report));
  return row;
}

/* The page's own action, so that a row works wherever the page is shown; the window
 * opens the report. */
static void
open_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_widget_activate_action_variant (widget, "win.open-report", parameter);
}

static void
xuncha_patrol_page_class_init (XunchaPatrolPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_patrol_page_get_property;
  object_class->set_property = xuncha_patrol_page_set_property;
  object_class->dispose = xuncha_patrol_page_dispose;
  widget_class->map = xuncha_patrol_page_map;
  widget_class->unmap = xuncha_patrol_page_unmap;

  /* What the page shows comes from the application, bound by the window: the device store
   * and its worker (NULL when it could not be opened, and until the window's first frame),
   * the street map (NULL while it is read) and the shift and location session. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, XUNCHA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STREET_MAP] =
    g_param_spec_object ("street-map", NULL, NULL, XUNCHA_TYPE_STREET_MAP,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XUNCHA_TYPE_PATROL_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XUNCHA_TYPE_MAP_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-patrol-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, status_line);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, map_status);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, shift_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, center_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, end_shift_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, flap);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, today_list);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, message_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_message_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_shift_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_center_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_end_shift_clicked);
  gtk_widget_class_install_action (widget_class, "patrol.open-report", "s", open_report_action);
}

static void
xuncha_patrol_page_init (XunchaPatrolPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->today = g_list_store_new (XUNCHA_TYPE_TODAY_REPORT_ITEM);
  gtk_list_box_bind_model (self->today_list, G_LIST_MODEL (self->today), create_today_row, self,
                           NULL);

  /* No street name under the page's own buttons on the map. */
  xuncha_map_view_keep_clear (self->map_view, GTK_WIDGET (self->center_button));
  xuncha_map_view_keep_clear (self->map_view, self->end_shift_button);

  self->following = TRUE;
  /* The seed's district until a street map tells where the officer works. */
  move_map (self, 30.7966, 106.0828, 15);
  g_signal_connect_object (xuncha_map_view_get_viewport (self->map_view), "notify::latitude",
                           G_CALLBACK (on_viewport_moved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (xuncha_map_view_get_viewport (self->map_view), "notify::longitude",
                           G_CALLBACK (on_viewport_moved), self, G_CONNECT_SWAPPED);
}

static char *
describe_report (XunchaPatrolPage *self,
                 XunchaReport     *report)
{
  XunchaCategory *category = self->taxonomy != NULL
                             ? xuncha_taxonomy_lookup (self->taxonomy,
                                                       xuncha_report_get_category (report))
                             : NULL;
  g_autoptr(GDateTime) created =
    g_date_time_new_from_unix_local (xuncha_report_get_created_ms (report) / 1000);
  g_autofree char *time = g_date_time_format (created, "%H:%M");

  return g_strdup_printf ("%s · %s", time,
                          category != NULL ? xuncha_category_get_name (category)
                                           : xuncha_report_get_category (report));
}

/* Where today's list holds @uuid, or -1. */
static int
find_today (XunchaPatrolPage *self,
            const char       *uuid)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->today));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaTodayReportItem) item = g_list_model_get_item (G_LIST_MODEL (self->today), i);

      if (g_strcmp0 (xuncha_today_report_item_get_uuid (item), uuid) == 0)
        return (int)i;
    }
  return -1;
}

void
xuncha_patrol_page_add_report (XunchaPatrolPage *self,
                               XunchaReport     *report)
{
  g_autofree char *description = NULL;
  g_autoptr(XunchaTodayReportItem) item = NULL;
  const char *street = NULL;
  ShumateMarker *marker;
  int position;

  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));
  g_return_if_fail (XUNCHA_IS_REPORT (report));

  if (!xuncha_report_has_position (report) || self->store == NULL)
    return;
  description = describe_report (self, report);
  marker = g_hash_table_lookup (self->markers, xuncha_report_get_uuid (report));
  if (marker != NULL)
    xuncha_map_view_set_report_description (self->map_view, marker, description);
  else
    g_hash_table_insert (self->markers, g_strdup (xuncha_report_get_uuid (report)),
                         xuncha_map_view_add_report (self->map_view,
                                                     xuncha_report_get_uuid (report),
                                                     xuncha_report_get_lat (report),
                                                     xuncha_report_get_lon (report),
                                                     description));

  /* The side panel of a wide window lists them too, newest first; an edited report keeps
   * its place. */
  if (xuncha_report_get_street_id (report) != NULL && self->street_map != NULL)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (self->street_map,
                                                               xuncha_report_get_street_id (report));
      if (segment != NULL)
        street = xuncha_street_segment_get_name (segment);
    }
  item = xuncha_today_report_item_new (xuncha_report_get_uuid (report), description, street);
  position = find_today (self, xuncha_report_get_uuid (report));
  if (position < 0)
    g_list_store_insert (self->today, 0, item);
  else
    g_list_store_splice (self->today, (guint)position, 1, (gpointer *)&item, 1);
}

static void
load_todays_reports_job (GTask        *task,
                         XunchaStore  *store,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GPtrArray) today = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);
  gint64 since_ms = g_date_time_to_unix (midnight) * 1000;
  GError *error = NULL;

  reports = xuncha_report_store_new (store, &error);
  if (reports != NULL)
    recent = xuncha_report_store_list (reports, 500, &error);
  if (recent == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < recent->len; i++)
    {
      XunchaReport *report = g_ptr_array_index (recent, i);
      if (xuncha_report_get_created_ms (report) >= since_ms)
        g_ptr_array_add (today, g_object_ref (report));
    }
  g_task_return_pointer (task, g_steal_pointer (&today), (GDestroyNotify)g_ptr_array_unref);
}

static void
on_todays_reports_loaded (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GPtrArray) today = NULL;
  g_autoptr(GError) error = NULL;
  XunchaPatrolPage *self;

  today = g_task_propagate_pointer (G_TASK (result), &error);
  if (today == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read today's reports: %s", error->message);
      return;
    }
  self = XUNCHA_PATROL_PAGE (user_data);
  /* Oldest first, so the side panel ends with the newest on top. */
  for (guint i = today->len; i > 0; i--)
    xuncha_patrol_page_add_report (self, g_ptr_array_index (today, i - 1));
}

/* Today's reports as markers, read once when the page gets its store, off the main
 * thread: a device may hold tens of thousands of reports. */
static void
load_todays_reports (XunchaPatrolPage *self)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_todays_reports_loaded, self);

  g_task_set_source_tag (task, load_todays_reports);
  xuncha_store_worker_run (self->worker, task, load_todays_reports_job);
}

/* The store and its worker come one after the other (two bindings): the page reads once
 * it has both. */
static void
store_changed (XunchaPatrolPage *self)
{
  g_clear_object (&self->taxonomy);
  if (self->store != NULL && self->worker != NULL)
    {
      self->taxonomy = xuncha_taxonomy_new_from_store (self->store, NULL);
      load_todays_reports (self);
    }
  xuncha_patrol_page_refresh (self);
}

void
xuncha_patrol_page_set_store (XunchaPatrolPage *self,
                              XunchaStore      *store)
{
  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));
  g_return_if_fail (store == NULL || XUNCHA_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  store_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
xuncha_patrol_page_set_store_worker (XunchaPatrolPage  *self,
                                     XunchaStoreWorker *worker)
{
  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));
  g_return_if_fail (worker == NULL || XUNCHA_IS_STORE_WORKER (worker));

  if (!g_set_object (&self->worker, worker))
    return;
  store_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
}

void
xuncha_patrol_page_set_street_map (XunchaPatrolPage *self,
                                   XunchaStreetMap  *map)
{
  double min_lon, min_lat, max_lon, max_lat;

  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));

  if (!g_set_object (&self->street_map, map))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREET_MAP]);
  xuncha_map_view_set_street_map (self->map_view, map);
  /* NULL while the map is still being read: nothing to say yet. */
  gtk_widget_set_visible (GTK_WIDGET (self->map_status),
                          map != NULL && xuncha_street_map_get_n_segments (map) == 0);
  if (map != NULL && !self->centered
      && xuncha_street_map_get_bbox (map, &min_lon, &min_lat, &max_lon, &max_lat))
    move_map (self, (min_lat + max_lat) / 2, (min_lon + max_lon) / 2, 15);
}

void
xuncha_patrol_page_set_session (XunchaPatrolPage    *self,
                                XunchaPatrolSession *session)
{
  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "fix", G_CALLBACK (on_fix), self, 0);
      g_signal_connect_object (session, "notify::shift-open", G_CALLBACK (on_session_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::location-state",
                               G_CALLBACK (on_session_changed), self, G_CONNECT_SWAPPED);
    }
  reload_track (self);
  sync_shift_button (self);
  update_status_line (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

XunchaMapView *
xuncha_patrol_page_get_map_view (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);
  return self->map_view;
}

gboolean
xuncha_patrol_page_get_side_panel_shown (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), FALSE);
  return !adw_flap_get_folded (self->flap);
}

GtkWidget *
xuncha_patrol_page_get_shift_button (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);
  return GTK_WIDGET (self->shift_button);
}

void
xuncha_patrol_page_refresh (XunchaPatrolPage *self)
{
  XunchaOutboxCounts counts = { 0 };

  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));

  /* Counted when something changed (a save, a sync), not on every tick of the clock. */
  if (self->store != NULL && xuncha_outbox_count (self->store, "report", &counts, NULL))
    self->waiting = counts.waiting + counts.failed;
  update_status_line (self);
  load_news (self);
}

GtkWidget *
xuncha_patrol_page_get_message_button (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);
  return self->message_button;
}

const char *
xuncha_patrol_page_get_message_text (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);
  return gtk_widget_get_visible (self->message_button)
         ? gtk_label_get_text (self->message_label) : NULL;
}

gboolean
xuncha_patrol_page_get_following (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), FALSE);

  return self->following;
}

GtkWidget *
xuncha_patrol_page_get_report_pin (XunchaPatrolPage *self,
                                   const char       *uuid)
{
  ShumateMarker *marker;

  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  marker = g_hash_table_lookup (self->markers, uuid);
  return marker != NULL ? shumate_marker_get_child (marker) : NULL;
}

GtkWidget *
xuncha_patrol_page_get_report_row (XunchaPatrolPage *self,
                                   const char       *uuid)
{
  int position;

  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  position = find_today (self, uuid);
  return position >= 0 ? GTK_WIDGET (gtk_list_box_get_row_at_index (self->today_list, position))
                       : NULL;
}

GtkWidget *
xuncha_patrol_page_get_center_button (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  return GTK_WIDGET (self->center_button);
}

GtkWidget *
xuncha_patrol_page_get_end_shift_button (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  return self->end_shift_button;
}

AdwMessageDialog *
xuncha_patrol_page_get_dialog (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  return self->dialog;
}

const char *
xuncha_patrol_page_get_summary_text (XunchaPatrolPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_PAGE (self), NULL);

  return self->summary_text;
}
