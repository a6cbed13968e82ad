/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "xuncha-history-page-private.h"
#include "xuncha-shift-item.h"
#include "xuncha-map-view.h"

enum {
  PROP_0,
  PROP_STORE_WORKER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _XunchaHistoryPage
{
  GtkWidget            parent_instance;

  XunchaStoreWorker   *worker;
  GCancellable        *list_cancellable;
  GCancellable        *route_cancellable;
  GHashTable          *rows;            /* shift uuid -> its AdwActionRow (borrowed) */
  GHashTable          *report_rows;     /* the route's reports: uuid -> row (borrowed) */
  GHashTable          *value_labels;    /* summary field name -> GtkLabel (borrowed) */
  char                *route_uuid;      /* the shift the route view shows */
  guint                n_due;

  GtkStack            *stack;
  GtkSpinner          *list_spinner;
  AdwStatusPage       *status;
  AdwPreferencesGroup *due_group;
  GtkListBox          *shift_list;
  GListStore          *shifts;          /* XunchaShiftItem, newest first */
  GtkLabel            *route_title;
  GtkLabel            *route_subtitle;
  GtkSpinner          *route_spinner;
  XunchaMapView       *map_view;
  AdwPreferencesGroup *summary_group;
  GtkBox              *route_details_box;
  GPtrArray           *due_rows;        /* rows added to due_group (borrowed) */
  GtkPaned            *route_paned;
  GtkWidget           *legend;
  AdwPreferencesGroup *missed_group;
  GPtrArray           *missed_rows;     /* rows added to missed_group (borrowed) */
  GHashTable          *missed_streets;  /* street name -> its AdwExpanderRow (borrowed) */
  GHashTable          *missed_segments; /* segment id -> its AdwActionRow (borrowed) */
  /* The box the route view fits the map to, again when the map changes size. */
  double               fit_box[4];      /* min lat, min lon, max lat, max lon */
  gboolean             has_fit_box;
  /* The map takes this share of the route view until the handle is dragged by hand. */
  int                  paned_set;       /* the position last set here, -1: none */
  gboolean             paned_by_hand;
  guint                paned_idle;
};

G_DEFINE_FINAL_TYPE (XunchaHistoryPage, xuncha_history_page, GTK_TYPE_WIDGET)

/* What the worker threads hand back: plain data, no widgets. ------------------------------ */

typedef struct
{
  char            *uuid;
  XunchaShiftKind  kind;
  gint64           started_ms;
  gint64           ended_ms;   /* 0 while open */
  double           length_m;
  guint            n_reports;
  gboolean         has_coverage;
  double           coverage_percent;
} ShiftItem;

static void
shift_item_free (ShiftItem *item)
{
  g_free (item->uuid);
  g_free (item);
}

typedef struct
{
  GPtrArray  *shifts;          /* ShiftItem, newest first */
  GPtrArray  *due;             /* XunchaDueReinspection */
  GHashTable *category_names;  /* code -> name in the user's language */
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->shifts, g_ptr_array_unref);
  g_clear_pointer (&data->due, g_ptr_array_unref);
  g_clear_pointer (&data->category_names, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListData, list_data_free)

typedef struct
{
  char               *uuid;
  XunchaShiftKind     kind;
  gint64              started_ms;
  gint64              ended_ms;
  XunchaRouteSummary *summary;
  GArray             *points;          /* XunchaFix */
  GPtrArray          *streets;         /* XunchaStreetSegment near the route, for context */
  GPtrArray          *walked;
  GPtrArray          *missed;
  GHashTable         *category_names;
} RouteData;

static void
route_data_free (RouteData *data)
{
  g_free (data->uuid);
  g_clear_pointer (&data->summary, xuncha_route_summary_free);
  g_clear_pointer (&data->points, g_array_unref);
  g_clear_pointer (&data->streets, g_ptr_array_unref);
  g_clear_pointer (&data->walked, g_ptr_array_unref);
  g_clear_pointer (&data->missed, g_ptr_array_unref);
  g_clear_pointer (&data->category_names, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RouteData, route_data_free)

/* The store's street map, or NULL (with no error) when none was imported. */
static XunchaStreetMap *
load_street_map (XunchaStore  *store,
                 GError      **error)
{
  gint64 n = xuncha_store_count_rows (store, "streets", error);

  if (n <= 0)
    return NULL;
  return xuncha_street_map_new_from_store (store, error);
}

/* Reading every shift's points and judging them against the street map can take a
 * while on a long history: the store worker does it. */
static void
list_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(ListData) data = g_new0 (ListData, 1);

  shifts = xuncha_shift_list (store, NULL, &error);
  if (shifts == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (shifts->len > 0)
    {
      map = load_street_map (store, &error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  data->shifts = g_ptr_array_new_with_free_func ((GDestroyNotify)shift_item_free);
  for (guint i = 0; i < shifts->len; i++)
    {
      XunchaShift *shift = g_ptr_array_index (shifts, i);
      g_autoptr(XunchaRouteSummary) summary = NULL;
      g_autoptr(GArray) points = NULL;
      ShiftItem *item;

      if (g_task_return_error_if_cancelled (task))
        return;
      summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
      if (summary == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (map != NULL
          && !xuncha_route_summary_add_coverage_from_store (summary, store, map,
                                                            (const XunchaFix *)(void *)points->data,
                                                            points->len, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      item = g_new0 (ShiftItem, 1);
      item->uuid = g_strdup (xuncha_shift_get_uuid (shift));
      item->kind = xuncha_shift_get_kind (shift);
      item->started_ms = xuncha_shift_get_started_ms (shift);
      item->ended_ms = xuncha_shift_get_ended_ms (shift);
      item->length_m = summary->length_m;
      item->n_reports = summary->reports->len;
      item->has_coverage = summary->has_coverage;
      item->coverage_percent = summary->coverage_percent;
      g_ptr_array_add (data->shifts, item);
    }

  data->due = xuncha_due_reinspection_list (store, 0, &error);
  if (data->due == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->category_names = xuncha_taxonomy_load_names (store);
  g_task_return_pointer (task, g_steal_pointer (&data), (GDestroyNotify)list_data_free);
}

static GPtrArray *
lookup_segments (XunchaStreetMap *map,
                 GStrv            ids)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);

  for (guint i = 0; map != NULL && ids != NULL && ids[i] != NULL; i++)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (map, ids[i]);
      if (segment != NULL)
        g_ptr_array_add (segments, xuncha_street_segment_ref (segment));
    }
  return segments;
}

/* Streets around the route, so the highlighted ones are seen in their place even
 * without a basemap: the route's box and about 300 m more. */
static GPtrArray *
streets_near (XunchaStreetMap *map,
              GArray          *points)
{
  double min_lat = G_MAXDOUBLE, min_lon = G_MAXDOUBLE;
  double max_lat = -G_MAXDOUBLE, max_lon = -G_MAXDOUBLE;
  double margin_lat = 300 / 111320.0, margin_lon;

  if (map == NULL || points->len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  for (guint i = 0; i < points->len; i++)
    {
      const XunchaFix *fix = &g_array_index (points, XunchaFix, i);
      min_lat = MIN (min_lat, fix->lat);
      max_lat = MAX (max_lat, fix->lat);
      min_lon = MIN (min_lon, fix->lon);
      max_lon = MAX (max_lon, fix->lon);
    }
  margin_lon = margin_lat / MAX (cos ((min_lat + max_lat) / 2 * G_PI / 180), 0.1);
  return xuncha_street_map_query_bbox (map, min_lon - margin_lon, min_lat - margin_lat,
                                       max_lon + margin_lon, max_lat + margin_lat);
}

static void
route_job (GTask        *task,
           XunchaStore  *store,
           gpointer      task_data,
           GCancellable *cancellable)
{
  const char *uuid = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(RouteData) data = g_new0 (RouteData, 1);

  if ((shift = xuncha_shift_lookup (store, uuid, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->uuid = g_strdup (xuncha_shift_get_uuid (shift));
  data->kind = xuncha_shift_get_kind (shift);
  data->started_ms = xuncha_shift_get_started_ms (shift);
  data->ended_ms = xuncha_shift_get_ended_ms (shift);
  data->summary = xuncha_route_summary_new_for_shift (store, shift, &data->points, &error);
  if (data->summary == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  map = load_street_map (store, &error);
  if (error != NULL
      || (map != NULL
          && !xuncha_route_summary_add_coverage_from_store (data->summary, store, map,
                                                            (const XunchaFix *)(void *)data->points->data,
                                                            data->points->len, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (map == NULL)
    data->summary->coverage_state = XUNCHA_ROUTE_COVERAGE_NO_STREETS;
  data->streets = streets_near (map, data->points);
  data->walked = lookup_segments (map, data->summary->walked_segments);
  data->missed = lookup_segments (map, data->summary->missed_segments);
  data->category_names = xuncha_taxonomy_load_names (store);
  g_task_return_pointer (task, g_steal_pointer (&data), (GDestroyNotify)route_data_free);
}

/* Formatting -------------------------------------------------------------------------- */

static char *
format_local (gint64      t_ms,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

/* Named by the hour it started (xuncha_shift_period_for_time()), not by the kind it was
 * recorded as: a shift from 01:00 is a night shift, one from 16:14 a late one. */
static const char *
shift_name (gint64 started_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (started_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  switch (xuncha_shift_period_for_time (local))
    {
    case XUNCHA_SHIFT_PERIOD_EARLY:
      return _("Early shift");
    case XUNCHA_SHIFT_PERIOD_MID:
      return _("Mid shift");
    case XUNCHA_SHIFT_PERIOD_LATE:
      return _("Late shift");
    case XUNCHA_SHIFT_PERIOD_NIGHT:
      return _("Night shift");
    default:
      g_return_val_if_reached ("");
    }
}

/* A day as people say it: today, yesterday, the weekday within the last week, the date
 * before that (with the year when it is not this one). The names come from the catalogue,
 * not from the C library's locale, so a phone whose LC_TIME is not Chinese still says
 * them in the language of the rest of the screen. */
static char *
format_day (gint64 t_ms)
{
  static const char * const weekdays[] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
  };
  static const char * const months[] = {
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
    N_("December"),
  };
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) day = g_date_new_dmy (g_date_time_get_day_of_month (local),
                                         g_date_time_get_month (local),
                                         g_date_time_get_year (local));
  g_autoptr(GDate) today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                                           g_date_time_get_month (now),
                                           g_date_time_get_year (now));
  int days_ago = g_date_days_between (day, today);
  const char *month = _(months[g_date_time_get_month (local) - 1]);

  if (days_ago == 0)
    return g_strdup (_("Today"));
  if (days_ago == 1)
    return g_strdup (_("Yesterday"));
  if (days_ago > 1 && days_ago < 7)
    return g_strdup (_(weekdays[g_date_time_get_day_of_week (local) - 1]));
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* TRANSLATORS: a day of this year in the shift history: the month's name, the day */
    return g_strdup_printf (_("%s %d"), month, g_date_time_get_day_of_month (local));
  /* TRANSLATORS: a day of another year in the shift history: month, day, year */
  return g_strdup_printf (_("%s %d, %d"), month, g_date_time_get_day_of_month (local),
                          g_date_time_get_year (local));
}

static char *
format_span (gint64 started_ms,
             gint64 ended_ms)
{
  g_autofree char *start = format_local (started_ms, "%H:%M");
  g_autofree char *end = ended_ms != 0 ? format_local (ended_ms, "%H:%M") : g_strdup (_("now"));

  return g_strdup_printf ("%s–%s", start, end);
}

static char *
format_km (double metres)
{
  return g_strdup_printf (_("%.2f km"), metres / 1000);
}

static char *
format_duration (gint64 ms)
{
  gint64 minutes = (ms + 30000) / 60000;

  return g_strdup_printf (_("%d h %02d min"), (int)(minutes / 60), (int)(minutes % 60));
}

static char *
format_reports (guint n)
{
  return g_strdup_printf (ngettext ("%u report", "%u reports", n), n);
}

static const char *
category_name (GHashTable *names,
               const char *code)
{
  const char *name = g_hash_table_lookup (names, code);

  return name != NULL ? name : code;
}

static void
remove_children (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  return row;
}

static GtkLabel *
add_value_row (AdwPreferencesGroup *group,
               const char          *title,
               const char          *value)
{
  GtkWidget *row = add_row (group, title, NULL);
  GtkWidget *label = gtk_label_new (value);

  /* Short figures that never wrap; anything longer goes into the row's subtitle. */
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "value-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return GTK_LABEL (label);
}

/* Only going into a route and back slides; the list appearing after loading does not. */
static void
show_view (XunchaHistoryPage *self,
           const char        *name)
{
  GtkStackTransitionType transition = GTK_STACK_TRANSITION_TYPE_NONE;

  if (g_str_equal (name, "route"))
    transition = GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT;
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "route") == 0)
    transition = GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT;
  gtk_stack_set_visible_child_full (self->stack, name, transition);
}

/* The list --------------------------------------------------------------------------- */

static void
on_open_shift_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  xuncha_history_page_open_shift (XUNCHA_HISTORY_PAGE (widget),
                                  g_variant_get_string (parameter, NULL));
}

static void
show_due (XunchaHistoryPage *self,
          ListData          *data)
{
  for (guint i = 0; i < self->due_rows->len; i++)
    adw_preferences_group_remove (self->due_group, g_ptr_array_index (self->due_rows, i));
  g_ptr_array_set_size (self->due_rows, 0);

  self->n_due = data->due->len;
  gtk_widget_set_visible (GTK_WIDGET (self->due_group), self->n_due > 0);
  for (guint i = 0; i < data->due->len; i++)
    {
      const XunchaDueReinspection *due = g_ptr_array_index (data->due, i);
      const char *street = due->street_name != NULL ? due->street_name
                           : due->street_id != NULL ? due->street_id
                           : _("No street");
      g_autofree char *overdue = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (due->days_overdue == 0)
        overdue = g_strdup (_("deadline passed today"));
      else
        overdue = g_strdup_printf (ngettext ("%u day overdue", "%u days overdue",
                                             due->days_overdue),
                                   due->days_overdue);
      subtitle = g_strdup_printf ("%s · %s", street, overdue);
      row = add_row (self->due_group, category_name (data->category_names, due->category),
                     subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("alarm-symbolic"));
      {
        /* Straight to the report flow, linked to this one, with its photo for framing. */
        GtkWidget *button = gtk_button_new_with_label (_("Re-inspect"));

        gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.reinspect");
        gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", due->uuid);
        gtk_widget_add_css_class (button, "suggested-action");
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      }
      g_ptr_array_add (self->due_rows, row);
    }
}

/* A shift's row: a tap opens its route (history.open-shift). */
static GtkWidget *
create_shift_row (gpointer item,
                  gpointer user_data)
{
  XunchaHistoryPage *self = user_data;
  GtkWidget *row = adw_action_row_new ();
  const char *subtitle = xuncha_shift_item_get_subtitle (item);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xuncha_shift_item_get_title (item));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "history.open-shift");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s",
                                    xuncha_shift_item_get_uuid (item));
  g_hash_table_insert (self->rows, g_strdup (xuncha_shift_item_get_uuid (item)), row);
  return row;
}

/* The day's heading above its first shift. */
static void
update_shift_header (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  XunchaHistoryPage *self = user_data;
  g_autoptr(XunchaShiftItem) item = NULL;
  g_autoptr(XunchaShiftItem) previous = NULL;
  GtkWidget *heading;

  item = g_list_model_get_item (G_LIST_MODEL (self->shifts), gtk_list_box_row_get_index (row));
  if (before != NULL)
    previous = g_list_model_get_item (G_LIST_MODEL (self->shifts),
                                      gtk_list_box_row_get_index (before));
  if (item == NULL || (previous != NULL && g_str_equal (xuncha_shift_item_get_day (previous),
                                                        xuncha_shift_item_get_day (item))))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  heading = gtk_label_new (xuncha_shift_item_get_day_heading (item));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_start (heading, 12);
  gtk_widget_set_margin_end (heading, 12);
  gtk_widget_set_margin_top (heading, 12);
  gtk_widget_set_margin_bottom (heading, 6);
  gtk_list_box_row_set_header (row, heading);
}

static void
show_list (XunchaHistoryPage *self,
           ListData          *data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_remove_all (self->rows);
  show_due (self, data);

  for (guint i = 0; i < data->shifts->len; i++)
    {
      const ShiftItem *item = g_ptr_array_index (data->shifts, i);
      g_autofree char *day = format_local (item->started_ms, "%Y-%m-%d");
      g_autofree char *heading = format_day (item->started_ms);
      g_autofree char *span = format_span (item->started_ms, item->ended_ms);
      g_autofree char *title = g_strdup_printf ("%s  %s", shift_name (item->started_ms), span);
      g_autofree char *km = format_km (item->length_m);
      g_autofree char *reports = format_reports (item->n_reports);
      g_autofree char *coverage = NULL;
      g_autofree char *subtitle = NULL;

      if (item->has_coverage)
        {
          coverage = g_strdup_printf (_("%.0f %% covered"), item->coverage_percent);
          subtitle = g_strdup_printf ("%s · %s · %s", km, reports, coverage);
        }
      else
        subtitle = g_strdup_printf ("%s · %s", km, reports);
      g_ptr_array_add (items, xuncha_shift_item_new (item->uuid, day, heading, title, subtitle));
    }
  g_list_store_splice (self->shifts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->shifts)),
                       items->pdata, items->len);
  gtk_widget_set_visible (GTK_WIDGET (self->shift_list), items->len > 0);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "route"))
    show_view (self, data->shifts->len > 0 || self->n_due > 0 ? "list" : "empty");
}

static void
on_list_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  XunchaHistoryPage *self = XUNCHA_HISTORY_PAGE (object);
  g_autoptr(ListData) data = NULL;
  g_autoptr(GError) error = NULL;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->list_cancellable);
  gtk_spinner_stop (self->list_spinner);
  if (data == NULL)
    {
      /* The page says what went wrong instead of a list that silently stays empty. */
      adw_status_page_set_title (self->status, _("The shift history could not be read"));
      adw_status_page_set_description (self->status, error->message);
      show_view (self, "empty");
      return;
    }
  show_list (self, data);
}

/* The route view ---------------------------------------------------------------------- */

static void
set_value (XunchaHistoryPage *self,
           const char        *field,
           const char        *text,
           const char        *detail)
{
  GtkWidget *label = g_hash_table_lookup (self->value_labels, field);

  gtk_label_set_text (GTK_LABEL (label), text);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW)),
                               detail != NULL ? detail : "");
}

static void
fit_route (XunchaHistoryPage *self,
           RouteData         *data)
{
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  for (guint i = 0; i < data->points->len; i++)
    {
      const XunchaFix *fix = &g_array_index (data->points, XunchaFix, i);
      box[0] = MIN (box[0], fix->lat);
      box[1] = MIN (box[1], fix->lon);
      box[2] = MAX (box[2], fix->lat);
      box[3] = MAX (box[3], fix->lon);
    }
  /* Missed segments are part of the picture: the officer should see where they are. */
  for (guint i = 0; i < data->missed->len; i++)
    {
      double min_lon, min_lat, max_lon, max_lat;

      xuncha_street_segment_get_bbox (g_ptr_array_index (data->missed, i), &min_lon, &min_lat,
                                      &max_lon, &max_lat);
      box[0] = MIN (box[0], min_lat);
      box[1] = MIN (box[1], min_lon);
      box[2] = MAX (box[2], max_lat);
      box[3] = MAX (box[3], max_lon);
    }
  if (box[0] > box[2])
    return;
  memcpy (self->fit_box, box, sizeof box);
  self->has_fit_box = TRUE;
  xuncha_map_view_fit_bounds (self->map_view, box[0], box[1], box[2], box[3],
                              width > 0 ? width : 360,
                              gtk_widget_get_height (GTK_WIDGET (self->map_view)));
}

/* The missed segments, grouped by street ------------------------------------------------ */

/* Shows @segments picked out on the map, which moves to them; NULL shows the whole route
 * again. */
static void
show_on_map (XunchaHistoryPage *self,
             GPtrArray         *segments)
{
  XunchaSegmentLayer *layer = xuncha_map_view_get_segment_layer (self->map_view);
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  ShumateViewport *viewport = xuncha_map_view_get_viewport (self->map_view);

  xuncha_segment_layer_clear_style (layer, XUNCHA_SEGMENT_STYLE_SELECTED);
  if (segments == NULL || segments->len == 0)
    {
      if (self->has_fit_box)
        xuncha_map_view_fit_bounds (self->map_view, self->fit_box[0], self->fit_box[1],
                                    self->fit_box[2], self->fit_box[3], 0, 0);
      return;
    }
  xuncha_segment_layer_add (layer, segments, XUNCHA_SEGMENT_STYLE_SELECTED);
  for (guint i = 0; i < segments->len; i++)
    {
      double min_lon, min_lat, max_lon, max_lat;

      xuncha_street_segment_get_bbox (g_ptr_array_index (segments, i), &min_lon, &min_lat,
                                      &max_lon, &max_lat);
      box[0] = MIN (box[0], min_lat);
      box[1] = MIN (box[1], min_lon);
      box[2] = MAX (box[2], max_lat);
      box[3] = MAX (box[3], max_lon);
    }
  xuncha_map_view_fit_bounds (self->map_view, box[0], box[1], box[2], box[3], 0, 0);
  /* One short segment alone would fill the screen: the streets around it say where it is. */
  if (shumate_viewport_get_zoom_level (viewport) > 17.5)
    xuncha_map_view_center_on (self->map_view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2,
                               17.5);
}

static void
on_missed_street_expanded (AdwExpanderRow    *row,
                           GParamSpec        *pspec,
                           XunchaHistoryPage *self)
{
  if (adw_expander_row_get_expanded (row))
    show_on_map (self, g_object_get_data (G_OBJECT (row), "segments"));
  else
    show_on_map (self, NULL);
}

static void
on_missed_segment_activated (AdwActionRow      *row,
                             XunchaHistoryPage *self)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, g_object_get_data (G_OBJECT (row), "segment"));
  show_on_map (self, one);
}

static int
compare_streets (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  GHashTable *by_street = user_data;
  GPtrArray *sa = g_hash_table_lookup (by_street, *(const char * const *)a);
  GPtrArray *sb = g_hash_table_lookup (by_street, *(const char * const *)b);

  /* Most missed first, then by name, so the list reads the same each time. */
  if (sa->len != sb->len)
    return sa->len > sb->len ? -1 : 1;
  return g_utf8_collate (*(const char * const *)a, *(const char * const *)b);
}

static void
show_missed (XunchaHistoryPage *self,
             RouteData         *data)
{
  g_autoptr(GHashTable) by_street = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  for (guint i = 0; i < self->missed_rows->len; i++)
    adw_preferences_group_remove (self->missed_group, g_ptr_array_index (self->missed_rows, i));
  g_ptr_array_set_size (self->missed_rows, 0);
  g_hash_table_remove_all (self->missed_streets);
  g_hash_table_remove_all (self->missed_segments);
  gtk_widget_set_visible (GTK_WIDGET (self->missed_group),
                          data != NULL && data->summary->has_coverage && data->missed->len > 0);
  if (data == NULL)
    return;

  for (guint i = 0; i < data->missed->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (data->missed, i);
      const char *street = xuncha_street_segment_get_name (segment);
      GPtrArray *segments;

      if (street == NULL || *street == '\0')
        street = _("Unnamed streets");
      segments = g_hash_table_lookup (by_street, street);
      if (segments == NULL)
        {
          segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
          g_hash_table_insert (by_street, g_strdup (street), segments);
        }
      g_ptr_array_add (segments, xuncha_street_segment_ref (segment));
    }
  g_hash_table_iter_init (&iter, by_street);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort_with_data (names, compare_streets, by_street);

  for (guint i = 0; i < names->len; i++)
    {
      const char *street = g_ptr_array_index (names, i);
      GPtrArray *segments = g_hash_table_lookup (by_street, street);
      g_autofree char *count = g_strdup_printf (ngettext ("%u segment not walked",
                                                          "%u segments not walked",
                                                          segments->len),
                                                segments->len);
      /* TRANSLATORS: a street, then how many of its segments were not walked */
      g_autofree char *title = g_strdup_printf (C_("missed street", "%s · %s"), street, count);
      g_autofree char *length = NULL;
      double metres = 0;
      GtkWidget *row = adw_expander_row_new ();

      for (guint k = 0; k < segments->len; k++)
        metres += xuncha_street_segment_get_length_m (g_ptr_array_index (segments, k));
      length = metres >= 1000 ? g_strdup_printf (_("%.1f km in all"), metres / 1000)
                              : g_strdup_printf (_("%.0f m in all"), metres);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), length);
      g_object_set_data_full (G_OBJECT (row), "segments", g_ptr_array_ref (segments),
                              (GDestroyNotify)g_ptr_array_unref);
      for (guint k = 0; k < segments->len; k++)
        {
          XunchaStreetSegment *segment = g_ptr_array_index (segments, k);
          GtkWidget *child = adw_action_row_new ();
          g_autofree char *metres_text = g_strdup_printf (_("%.0f m"),
                                                          xuncha_street_segment_get_length_m (segment));

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (child), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child),
                                         xuncha_street_segment_get_id (segment));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (child), metres_text);
          adw_action_row_add_suffix (ADW_ACTION_ROW (child),
                                     gtk_image_new_from_icon_name ("mark-location-symbolic"));
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (child), TRUE);
          g_object_set_data_full (G_OBJECT (child), "segment", xuncha_street_segment_ref (segment),
                                  (GDestroyNotify)xuncha_street_segment_unref);
          g_signal_connect_object (child, "activated", G_CALLBACK (on_missed_segment_activated),
                                   self, 0);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
          g_hash_table_insert (self->missed_segments,
                               g_strdup (xuncha_street_segment_get_id (segment)), child);
        }
      g_signal_connect_object (row, "notify::expanded", G_CALLBACK (on_missed_street_expanded),
                               self, 0);
      adw_preferences_group_add (self->missed_group, row);
      g_ptr_array_add (self->missed_rows, row);
      g_hash_table_insert (self->missed_streets, g_strdup (street), row);
    }
}

static gboolean
refit_route (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  XunchaHistoryPage *self = user_data;

  /* The whole route stays in view as the map grows or shrinks. */
  if (self->has_fit_box && self->route_uuid != NULL
      && xuncha_segment_layer_get_n_segments (xuncha_map_view_get_segment_layer (self->map_view),
                                              XUNCHA_SEGMENT_STYLE_SELECTED) == 0)
    xuncha_map_view_fit_bounds (self->map_view, self->fit_box[0], self->fit_box[1],
                                self->fit_box[2], self->fit_box[3], 0, 0);
  return G_SOURCE_REMOVE;
}

/* On the next frame the map has its new size: fit the route to it then. */
static void
refit_on_next_frame (XunchaHistoryPage *self)
{
  gtk_widget_add_tick_callback (GTK_WIDGET (self->map_view), refit_route, self, NULL);
}

/* The map's share of the route view, until the officer drags the handle. */
#define MAP_SHARE 0.6

static gboolean
place_paned_handle (gpointer user_data)
{
  XunchaHistoryPage *self = user_data;
  int max = 0;

  self->paned_idle = 0;
  g_object_get (self->route_paned, "max-position", &max, NULL);
  if (self->paned_by_hand || max <= 0)
    return G_SOURCE_REMOVE;
  self->paned_set = MIN (max, (int)(gtk_widget_get_height (GTK_WIDGET (self->route_paned))
                                    * MAP_SHARE));
  gtk_paned_set_position (self->route_paned, self->paned_set);
  refit_on_next_frame (self);
  return G_SOURCE_REMOVE;
}

/* The handle is placed after the allocation that changed the room (not during it). */
static void
on_paned_max_position (XunchaHistoryPage *self)
{
  if (!self->paned_by_hand && self->paned_idle == 0)
    self->paned_idle = g_idle_add (place_paned_handle, self);
}

static void
on_paned_position (XunchaHistoryPage *self)
{
  int max = 0;

  g_object_get (self->route_paned, "max-position", &max, NULL);
  /* A position this page did not set, in a paned that has its room: a hand moved it. */
  if (self->paned_set >= 0 && max > 0
      && ABS (gtk_paned_get_position (self->route_paned) - self->paned_set) > 1)
    self->paned_by_hand = TRUE;
}

/* The shift's reports as pins on its map and as rows under it: a tap on either reopens
 * the report (win.open-report). */
static void
show_route_reports (XunchaHistoryPage *self,
                    RouteData         *data)
{
  GArray *reports = data->summary->reports;
  GtkWidget *group;

  xuncha_map_view_clear_reports (self->map_view);
  if (reports->len == 0)
    return;
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Reports of this shift"));
  for (guint i = 0; i < reports->len; i++)
    {
      const XunchaRouteReport *report = &g_array_index (reports, XunchaRouteReport, i);
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (report->created_at, utc);
      g_autofree char *time = created != NULL ? format_local (g_date_time_to_unix (created) * 1000,
                                                              "%H:%M")
                                              : g_strdup ("");
      const char *name = category_name (data->category_names, report->category);
      g_autofree char *description = g_strdup_printf ("%s · %s", time, name);
      GtkWidget *row = add_row (ADW_PREFERENCES_GROUP (group), name, time);

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-report");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", report->uuid);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_hash_table_insert (self->report_rows, g_strdup (report->uuid), row);
      if (!isnan (report->lat) && !isnan (report->lon))
        xuncha_map_view_add_report (self->map_view, report->uuid, report->lat, report->lon,
                                    description);
    }
  gtk_box_append (self->route_details_box, group);
}

static void
show_route (XunchaHistoryPage *self,
            RouteData         *data)
{
  XunchaRouteSummary *summary = data->summary;
  XunchaSegmentLayer *layer = xuncha_map_view_get_segment_layer (self->map_view);
  g_autofree char *day = format_day (data->started_ms);
  g_autofree char *span = format_span (data->started_ms, data->ended_ms);
  g_autofree char *title = g_strdup_printf ("%s  %s", shift_name (data->started_ms), span);
  g_autofree char *length = format_km (summary->length_m);
  g_autofree char *duration = format_duration (summary->duration_ms);
  g_autofree char *moving = format_duration (summary->moving_ms);
  g_autofree char *stopped = format_duration (summary->stopped_ms);
  g_autofree char *stops = NULL;
  g_autofree char *stopped_detail = NULL;
  g_autofree char *coverage = NULL;
  g_autofree char *coverage_detail = NULL;
  g_autofree char *reports = g_strdup_printf ("%u", summary->reports->len);

  gtk_label_set_text (self->route_title, title);
  gtk_label_set_text (self->route_subtitle, day);
  set_value (self, "length", length, NULL);
  set_value (self, "duration", duration, NULL);
  if (summary->n_gaps > 0)
    {
      /* A phone that slept took no positions: said, not counted as walked. */
      guint gap_minutes = (guint)((summary->gap_ms + 30000) / 60000);
      g_autofree char *gap = g_strdup_printf (ngettext ("%u min without position",
                                                        "%u min without position",
                                                        gap_minutes),
                                              gap_minutes);

      set_value (self, "moving", moving, gap);
    }
  else
    set_value (self, "moving", moving, NULL);
  stops = g_strdup_printf ("%u", summary->n_stops);
  stopped_detail = summary->n_stops > 0 ? g_strdup_printf (_("%s in all"), stopped) : NULL;
  set_value (self, "stops", stops, stopped_detail);
  if (summary->has_coverage)
    {
      guint walked = summary->n_assigned - g_strv_length (summary->missed_segments);

      coverage = g_strdup_printf (_("%.0f %%"), summary->coverage_percent);
      coverage_detail = g_strdup_printf (ngettext ("%u of %u assigned segment walked",
                                                   "%u of %u assigned segments walked",
                                                   summary->n_assigned),
                                         walked, summary->n_assigned);
    }
  else
    {
      coverage = g_strdup (_("Unknown"));
      coverage_detail = g_strdup (summary->coverage_state == XUNCHA_ROUTE_COVERAGE_NO_STREETS
                                  ? _("No street map on this device")
                                  : _("No street segments are assigned to you"));
    }
  set_value (self, "coverage", coverage, coverage_detail);
  set_value (self, "reports", reports, NULL);

  remove_children (self->route_details_box);
  g_hash_table_remove_all (self->report_rows);
  show_missed (self, data);
  if (summary->category_counts->len > 0)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Reports by category"));
      for (guint i = 0; i < summary->category_counts->len; i++)
        {
          const XunchaRouteCategoryCount *count =
            &g_array_index (summary->category_counts, XunchaRouteCategoryCount, i);
          g_autofree char *n = g_strdup_printf ("%u", count->count);

          add_value_row (ADW_PREFERENCES_GROUP (group),
                         category_name (data->category_names, count->category), n);
        }
      gtk_box_append (self->route_details_box, group);
    }

  xuncha_segment_layer_clear (layer);
  xuncha_segment_layer_add (layer, data->streets, XUNCHA_SEGMENT_STYLE_STREET);
  xuncha_segment_layer_add (layer, data->missed, XUNCHA_SEGMENT_STYLE_MISSED);
  xuncha_segment_layer_add (layer, data->walked, XUNCHA_SEGMENT_STYLE_WALKED);
  xuncha_map_view_set_track (self->map_view, (const XunchaFix *)(void *)data->points->data,
                             data->points->len);
  show_route_reports (self, data);
  fit_route (self, data);
  refit_on_next_frame (self);
}

static void
on_route_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  XunchaHistoryPage *self = XUNCHA_HISTORY_PAGE (object);
  g_autoptr(RouteData) data = NULL;
  g_autoptr(GError) error = NULL;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->route_cancellable);
  gtk_spinner_stop (self->route_spinner);
  if (data == NULL)
    {
      gtk_label_set_text (self->route_title, _("The route could not be read"));
      gtk_label_set_text (self->route_subtitle, error->message);
      return;
    }
  show_route (self, data);
}

static void
on_back_clicked (XunchaHistoryPage *self)
{
  g_cancellable_cancel (self->route_cancellable);
  g_clear_object (&self->route_cancellable);
  gtk_spinner_stop (self->route_spinner);
  g_clear_pointer (&self->route_uuid, g_free);
  show_view (self, g_hash_table_size (self->rows) > 0 || self->n_due > 0
                                    ? "list" : "empty");
}

/* GObject ---------------------------------------------------------------------------- */

static void
xuncha_history_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XunchaHistoryPage *self = XUNCHA_HISTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE_WORKER:
      g_value_set_object (value, self->worker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_history_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  XunchaHistoryPage *self = XUNCHA_HISTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE_WORKER:
      xuncha_history_page_set_store_worker (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_history_page_dispose (GObject *object)
{
  XunchaHistoryPage *self = (XunchaHistoryPage *)object;

  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->route_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->route_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_HISTORY_PAGE);
  g_clear_object (&self->worker);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->shifts);
  g_clear_pointer (&self->report_rows, g_hash_table_unref);
  g_clear_pointer (&self->value_labels, g_hash_table_unref);
  g_clear_pointer (&self->due_rows, g_ptr_array_unref);
  g_clear_pointer (&self->missed_rows, g_ptr_array_unref);
  g_clear_pointer (&self->missed_streets, g_hash_table_unref);
  g_clear_pointer (&self->missed_segments, g_hash_table_unref);
  g_clear_pointer (&self->route_uuid, g_free);
  g_clear_handle_id (&self->paned_idle, g_source_remove);

  G_OBJECT_CLASS (xuncha_history_page_parent_class)->dispose (object);
}

static void
xuncha_history_page_class_init (XunchaHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_history_page_get_property;
  object_class->set_property = xuncha_history_page_set_property;
  object_class->dispose = xuncha_history_page_dispose;

  /* Bound by the window to the application's store worker (NULL until its first frame). */
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XUNCHA_TYPE_MAP_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, list_spinner);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, status);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, due_group);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, shift_list);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, route_title);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, route_subtitle);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, route_spinner);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, summary_group);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, route_details_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, route_paned);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, legend);
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, missed_group);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_install_action (widget_class, "history.open-shift", "s",
                                   on_open_shift_action);
}

static void
xuncha_history_page_init (XunchaHistoryPage *self)
{
  const struct { const char *field; const char *title; } fields[] = {
    { "length", N_("Length") },
    { "duration", N_("Duration") },
    { "moving", N_("Moving") },
    { "stops", N_("Stops") },
    { "coverage", N_("Coverage") },
    { "reports", N_("Reports") },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shifts = g_list_store_new (XUNCHA_TYPE_SHIFT_ITEM);
  gtk_list_box_bind_model (self->shift_list, G_LIST_MODEL (self->shifts), create_shift_row,
                           self, NULL);
  gtk_list_box_set_header_func (self->shift_list, update_shift_header, self, NULL);
  self->report_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->value_labels = g_hash_table_new (g_str_hash, g_str_equal);
  self->due_rows = g_ptr_array_new ();
  self->missed_rows = g_ptr_array_new ();
  self->missed_streets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->missed_segments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->paned_set = -1;
  xuncha_map_view_keep_clear (self->map_view, self->legend);
  g_signal_connect_object (self->route_paned, "notify::max-position",
                           G_CALLBACK (on_paned_max_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->route_paned, "notify::position",
                           G_CALLBACK (on_paned_position), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_hash_table_insert (self->value_labels, (gpointer)fields[i].field,
                         add_value_row (self->summary_group, _(fields[i].title), ""));
  show_view (self, "empty");
}

/* Public ----------------------------------------------------------------------------- */

void
xuncha_history_page_set_store_worker (XunchaHistoryPage *self,
                                      XunchaStoreWorker *worker)
{
  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));
  g_return_if_fail (worker == NULL || XUNCHA_IS_STORE_WORKER (worker));

  if (!g_set_object (&self->worker, worker))
    return;
  xuncha_history_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
}

void
xuncha_history_page_refresh (XunchaHistoryPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));

  if (self->worker == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();

  if (g_hash_table_size (self->rows) == 0
      && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "empty"))
    show_view (self, "loading");
  gtk_spinner_start (self->list_spinner);

  task = g_task_new (self, self->list_cancellable, on_list_loaded, NULL);
  g_task_set_source_tag (task, xuncha_history_page_refresh);
  xuncha_store_worker_run (self->worker, task, list_job);
}

void
xuncha_history_page_open_shift (XunchaHistoryPage *self,
                                const char        *uuid)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer field;

  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));
  g_return_if_fail (uuid != NULL);

  if (self->worker == NULL)
    return;

  g_cancellable_cancel (self->route_cancellable);
  g_clear_object (&self->route_cancellable);
  self->route_cancellable = g_cancellable_new ();
  g_free (self->route_uuid);
  self->route_uuid = g_strdup (uuid);

  /* Clear what the last shift showed while this one loads. */
  gtk_label_set_text (self->route_title, _("Loading the route…"));
  gtk_label_set_text (self->route_subtitle, "");
  g_hash_table_iter_init (&iter, self->value_labels);
  while (g_hash_table_iter_next (&iter, &field, NULL))
    set_value (self, field, "", NULL);
  remove_children (self->route_details_box);
  g_hash_table_remove_all (self->report_rows);
  show_missed (self, NULL);
  self->has_fit_box = FALSE;
  xuncha_segment_layer_clear (xuncha_map_view_get_segment_layer (self->map_view));
  xuncha_map_view_set_track (self->map_view, NULL, 0);
  xuncha_map_view_clear_reports (self->map_view);
  gtk_spinner_start (self->route_spinner);
  show_view (self, "route");

  task = g_task_new (self, self->route_cancellable, on_route_loaded, NULL);
  g_task_set_source_tag (task, xuncha_history_page_open_shift);
  g_task_set_task_data (task, g_strdup (uuid), g_free);
  xuncha_store_worker_run (self->worker, task, route_job);
}

void
xuncha_history_page_show_list (XunchaHistoryPage *self)
{
  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));
  on_back_clicked (self);
}

gboolean
xuncha_history_page_is_busy (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), FALSE);
  return self->list_cancellable != NULL || self->route_cancellable != NULL
         || gtk_stack_get_transition_running (self->stack);
}

const char *
xuncha_history_page_get_view (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
xuncha_history_page_get_shift_row (XunchaHistoryPage *self,
                                   const char        *uuid)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return g_hash_table_lookup (self->rows, uuid);
}

guint
xuncha_history_page_get_n_due (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), 0);
  return self->n_due;
}

const char *
xuncha_history_page_get_value (XunchaHistoryPage *self,
                               const char        *field)
{
  GtkLabel *label;

  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);

  label = g_hash_table_lookup (self->value_labels, field);
  return label != NULL ? gtk_label_get_text (label) : NULL;
}

XunchaMapView *
xuncha_history_page_get_map_view (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return self->map_view;
}

const char *
xuncha_history_page_get_value_detail (XunchaHistoryPage *self,
                                      const char        *field)
{
  GtkWidget *label;

  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);

  label = g_hash_table_lookup (self->value_labels, field);
  if (label == NULL)
    return NULL;
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (label,
                                                                              ADW_TYPE_ACTION_ROW)));
}

GtkWidget *
xuncha_history_page_get_report_row (XunchaHistoryPage *self,
                                    const char        *uuid)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return g_hash_table_lookup (self->report_rows, uuid);
}

GtkWidget *
xuncha_history_page_get_missed_street (XunchaHistoryPage *self,
                                       const char        *street)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return g_hash_table_lookup (self->missed_streets, street);
}

guint
xuncha_history_page_get_n_missed_streets (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), 0);
  return self->missed_rows->len;
}

const char *
xuncha_history_page_get_route_shift (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);

  return self->route_uuid;
}

GtkWidget *
xuncha_history_page_get_legend (XunchaHistoryPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return self->legend;
}

GtkWidget *
xuncha_history_page_get_missed_segment (XunchaHistoryPage *self,
                                        const char        *id)
{
  g_return_val_if_fail (XUNCHA_IS_HISTORY_PAGE (self), NULL);
  return g_hash_table_lookup (self->missed_segments, id);
}
