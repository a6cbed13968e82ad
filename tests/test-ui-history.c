/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xuncha-history-page-private.h"
#include "xuncha-segment-layer-private.h"
#include "xuncha-map-view-private.h"
#include "xuncha-store-private.h"
#include "xuncha-test-grid.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"

static int
run_cli (const char *data_dir,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list args;
  const char *arg;
  int status;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, (gpointer)data_dir);
  va_start (args, data_dir);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  status = xuncha_test_run ((const char * const *)argv->pdata, NULL, &err);
  if (status != 0)
    g_test_message ("%s", err);
  return status;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until_idle (XunchaHistoryPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, on_timeout, &timed_out);

  while (xuncha_history_page_is_busy (page) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* The demo streets, seven assigned segments, a walk drawn along the demo streets imported
 * with `track import`, two reports made on the way and an older one whose deadline has
 * passed. */
static XunchaStore *
make_history (const char *dir)
{
  g_autofree char *streets = xuncha_test_source_path ("data/demo/streets.geojson");
  g_autofree char *walk = xuncha_test_source_path ("tests/fixtures/demo-walk.gpx");
  g_autoptr(GError) error = NULL;
  XunchaStore *store;

  g_assert_cmpint (run_cli (dir, "streets", "import", streets, NULL), ==, 0);
  g_assert_cmpint (run_cli (dir, "streets", "assign", "CSL-02", "CSL-03", "CSL-04", "YML-04",
                            "YML-03", "NRL-01", "DWL-04", NULL), ==, 0);
  g_assert_cmpint (run_cli (dir, "track", "import", walk, "--kind", "early", NULL), ==, 0);

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category, lat, lon, "
                                    "street_id, disposition, deadline) VALUES "
                                    "('r1', '2024-05-02T01:05:00Z', '09006', 30.7930, 106.08523, "
                                    " 'CSL-03', 'corrected', NULL),"
                                    "('r2', '2024-05-02T01:12:00Z', '09006', 30.79771, 106.0880, "
                                    " 'DWL-03', 'corrected', NULL),"
                                    "('r3', '2024-05-02T01:20:00Z', '07001', 30.7960, 106.09046, "
                                    " 'CCL-04', 'case', NULL),"
                                    "('r0', '2024-04-20T02:00:00Z', '09006', 30.7915, 106.08523, "
                                    " 'CSL-02', 'deadline', '2024-04-25')",
                                    &error));
  g_assert_no_error (error);
  return store;
}

static void
test_history_page (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(XunchaRouteSummary) expected = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *length = NULL;
  g_autofree char *coverage = NULL;
  XunchaHistoryPage *page;
  XunchaSegmentLayer *layer;
  GtkWidget *window, *row;
  XunchaShift *shift;

  if (!xuncha_ui_test_have_display ())
    return;

  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");

  dir = xuncha_test_make_tmpdir ();
  store = make_history (dir);

  /* What the core says about the shift, to compare with what the page shows. */
  shifts = xuncha_shift_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shifts->len, ==, 1);
  shift = g_ptr_array_index (shifts, 0);
  expected = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_route_summary_add_coverage_from_store (expected, store, NULL,
                                                               (const XunchaFix *)(void *)points->data,
                                                               points->len, &error));
  g_assert_true (expected->has_coverage);
  /* 5 of the 7 assigned segments walked; the walk is about 2.2 km. */
  g_assert_cmpfloat_with_epsilon (expected->coverage_percent, 500.0 / 7, 1e-9);
  g_assert_cmpfloat (expected->length_m, >, 2000);
  g_assert_cmpfloat (expected->length_m, <, 2400);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  xuncha_history_page_set_store_worker (page, worker);
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 3);

  /* The list: the shift, and the overdue report at the top. */
  g_assert_cmpstr (xuncha_history_page_get_view (page), ==, "list");
  g_assert_cmpuint (xuncha_history_page_get_n_due (page), ==, 1);
  row = xuncha_history_page_get_shift_row (page, xuncha_shift_get_uuid (shift));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  /* Named by the local hour it started (the walk is at 01:00 UTC). */
  {
    static const char * const names[] = {
      [XUNCHA_SHIFT_PERIOD_EARLY] = "Early shift", [XUNCHA_SHIFT_PERIOD_MID] = "Mid shift",
      [XUNCHA_SHIFT_PERIOD_LATE] = "Late shift", [XUNCHA_SHIFT_PERIOD_NIGHT] = "Night shift",
    };
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (xuncha_shift_get_started_ms (shift)
                                                              / 1000);
    g_autoptr(GDateTime) local = g_date_time_to_local (utc);

    g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              names[xuncha_shift_period_for_time (local)]));
  }
  length = g_strdup_printf ("%.2f km", expected->length_m / 1000);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), length));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "3 reports"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "71 % covered"));
  g_free (xuncha_ui_test_screenshot (window, "history-list"));

  /* Tapping the shift opens its route. */
  gtk_widget_activate (row);
  g_assert_cmpstr (xuncha_history_page_get_view (page), ==, "route");
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 5);

  g_assert_cmpstr (xuncha_history_page_get_value (page, "length"), ==, length);
  coverage = g_strdup_printf ("%.0f %%", expected->coverage_percent);
  g_assert_cmpstr (xuncha_history_page_get_value (page, "coverage"), ==, coverage);
  g_assert_cmpstr (xuncha_history_page_get_value_detail (page, "coverage"), ==,
                   "5 of 7 assigned segments walked");
  g_assert_cmpstr (xuncha_history_page_get_value (page, "reports"), ==, "3");
  g_assert_cmpstr (xuncha_history_page_get_value (page, "stops"), ==, "1");

  /* Walked segments green, the two missed assigned ones red, all of them in view. */
  layer = xuncha_map_view_get_segment_layer (xuncha_history_page_get_map_view (page));
  g_assert_cmpuint (xuncha_segment_layer_get_n_segments (layer, XUNCHA_SEGMENT_STYLE_WALKED), ==, 8);
  g_assert_cmpuint (xuncha_segment_layer_get_n_segments (layer, XUNCHA_SEGMENT_STYLE_MISSED), ==, 2);
  g_assert_cmpuint (xuncha_segment_layer_get_n_drawn (layer, XUNCHA_SEGMENT_STYLE_WALKED), ==, 8);
  g_assert_cmpuint (xuncha_segment_layer_get_n_drawn (layer, XUNCHA_SEGMENT_STYLE_MISSED), ==, 2);
  g_assert_cmpuint (xuncha_segment_layer_get_n_drawn (layer, XUNCHA_SEGMENT_STYLE_STREET), >, 10);
  g_free (xuncha_ui_test_screenshot (window, "history-route"));

  /* Back to the list. */
  xuncha_history_page_show_list (page);
  g_assert_cmpstr (xuncha_history_page_get_view (page), ==, "list");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

/* The phone slept for twelve minutes of the walk: the route is drawn in two pieces, not
 * with a straight line over the stretch without positions, and the summary says so. */
static void
test_history_gap (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *source = xuncha_test_source_path ("tests/fixtures/demo-walk.gpx");
  g_autofree char *gpx = NULL;
  g_autoptr(GArray) walk = NULL;
  g_autoptr(GArray) heard = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(GError) error = NULL;
  XunchaHistoryPage *page;
  GtkWidget *window, *row;
  gint64 suspended_ms;

  if (!xuncha_ui_test_have_display ())
    return;

  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");

  dir = xuncha_test_make_tmpdir ();
  gpx = g_build_filename (dir, "slept.gpx", NULL);
  walk = xuncha_track_file_load (source, NULL, &error);
  g_assert_no_error (error);
  suspended_ms = g_array_index (walk, XunchaFix, 0).t_ms + 10 * 60 * 1000;
  for (guint i = 0; i < walk->len; i++)
    {
      const XunchaFix *fix = &g_array_index (walk, XunchaFix, i);

      if (fix->t_ms < suspended_ms || fix->t_ms >= suspended_ms + 12 * 60 * 1000)
        g_array_append_vals (heard, fix, 1);
    }
  xuncha_test_write_gpx (gpx, heard);
  g_assert_cmpint (run_cli (dir, "track", "import", gpx, "--kind", "early", NULL), ==, 0);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  shifts = xuncha_shift_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shifts->len, ==, 1);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  xuncha_history_page_set_store_worker (page, worker);
  wait_until_idle (page);
  row = xuncha_history_page_get_shift_row (page,
                                           xuncha_shift_get_uuid (g_ptr_array_index (shifts, 0)));
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 5);

  g_assert_cmpstr (xuncha_history_page_get_value_detail (page, "moving"), ==,
                   "12 min without position");
  g_assert_cmpuint (xuncha_map_view_get_n_track_pieces (xuncha_history_page_get_map_view (page)),
                    ==, 2);
  g_free (xuncha_ui_test_screenshot (window, "history-route-gap"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&worker);
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

static void
test_history_empty (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GError) error = NULL;
  XunchaHistoryPage *page;
  GtkWidget *window;

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  xuncha_history_page_set_store_worker (page, worker);
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_history_page_get_view (page), ==, "empty");
  g_assert_cmpuint (xuncha_history_page_get_n_due (page), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

/* The demo walk moved in time to start at @start (local time), imported as a shift whose
 * kind the CLI takes from its start. */
static void
import_walk_at (const char *dir,
                GDateTime  *start)
{
  g_autofree char *source = xuncha_test_source_path ("tests/fixtures/demo-walk.gpx");
  g_autofree char *name = g_date_time_format (start, "walk-%Y%m%d-%H%M.gpx");
  g_autofree char *gpx = g_build_filename (dir, name, NULL);
  g_autoptr(GArray) walk = NULL;
  g_autoptr(GError) error = NULL;
  gint64 offset;

  walk = xuncha_track_file_load (source, NULL, &error);
  g_assert_no_error (error);
  offset = g_date_time_to_unix (start) * 1000 - g_array_index (walk, XunchaFix, 0).t_ms;
  for (guint i = 0; i < walk->len; i++)
    g_array_index (walk, XunchaFix, i).t_ms += offset;
  xuncha_test_write_gpx (gpx, walk);
  g_assert_cmpint (run_cli (dir, "track", "import", gpx, NULL), ==, 0);
}

static GDateTime *
days_ago_at (int days,
             int hour,
             int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days);

  return g_date_time_new_local (g_date_time_get_year (then), g_date_time_get_month (then),
                                g_date_time_get_day_of_month (then), hour, minute, 0);
}

/* The heading the row is listed under: the header of its day's first shift. */
static const char *
day_heading (GtkWidget *row)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_parent (row));

  for (int i = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)); i >= 0; i--)
    {
      GtkWidget *header = gtk_list_box_row_get_header (gtk_list_box_get_row_at_index (list, i));

      if (header != NULL)
        {
          g_assert_true (gtk_widget_get_mapped (header));
          return gtk_label_get_text (GTK_LABEL (header));
        }
    }
  g_assert_not_reached ();
}

static GtkWidget *
row_of_shift_at (XunchaHistoryPage *page,
                 XunchaStore       *store,
                 GDateTime         *start)
{
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(GError) error = NULL;

  shifts = xuncha_shift_list (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < shifts->len; i++)
    {
      XunchaShift *shift = g_ptr_array_index (shifts, i);

      if (xuncha_shift_get_started_ms (shift) / 1000 == g_date_time_to_unix (start))
        return xuncha_history_page_get_shift_row (page, xuncha_shift_get_uuid (shift));
    }
  g_assert_not_reached ();
}

/* TRUE when @widget lies wholly inside @within, on screen. */
static gboolean
inside (GtkWidget *widget,
        GtkWidget *within)
{
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_compute_bounds (widget, within, &bounds))
    return FALSE;
  return bounds.origin.y >= 0 && bounds.origin.x >= 0
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (within)
         && bounds.origin.x + bounds.size.width <= gtk_widget_get_width (within);
}

/* In Chinese, as a team leader reads it the morning after: days named 昨天 and by weekday,
 * shifts named by their start hour (a 01:00 and a 16:14 shift are not both 晚班), the
 * route map taking the room there is with a legend, and the missed segments grouped by
 * street, each group and segment shown on the map when tapped. */
static void
test_history_days_and_missed (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *streets = xuncha_test_source_path ("data/demo/streets.geojson");
  g_autoptr(GDateTime) night = days_ago_at (1, 1, 0);
  g_autoptr(GDateTime) late = days_ago_at (1, 16, 14);
  g_autoptr(GDateTime) weekday = days_ago_at (3, 8, 0);
  g_autoptr(GDateTime) older = days_ago_at (40, 8, 0);
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GError) error = NULL;
  XunchaHistoryPage *page;
  XunchaSegmentLayer *layer;
  GtkWidget *window, *row, *street, *map;
  const char *title;
  guint taps = 0;
  int map_height;

  if (!xuncha_ui_test_have_display ())
    return;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");

  dir = xuncha_test_make_tmpdir ();
  g_assert_cmpint (run_cli (dir, "streets", "import", streets, NULL), ==, 0);
  /* The walk covers 陈寿路; all ten segments of 滨江南路 are assigned and not walked. */
  g_assert_cmpint (run_cli (dir, "streets", "assign", "CSL-02", "CSL-03", "CSL-04", "NRL-01",
                            "DWL-04", "BJNL-01", "BJNL-02", "BJNL-03", "BJNL-04", "BJNL-05",
                            "BJNL-06", "BJNL-07", "BJNL-08", "BJNL-09", "BJNL-10", NULL), ==, 0);
  import_walk_at (dir, night);
  import_walk_at (dir, late);
  import_walk_at (dir, weekday);
  import_walk_at (dir, older);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  /* The officer taps the History tab. */
  taps++;
  xuncha_history_page_set_store_worker (page, worker);
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 3);

  /* Yesterday's two shifts under 昨天, named by the hour each started. */
  row = row_of_shift_at (page, store, night);
  g_assert_cmpstr (day_heading (row), ==, "昨天");
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  g_assert_true (g_str_has_prefix (title, "夜班"));
  row = row_of_shift_at (page, store, late);
  g_assert_cmpstr (day_heading (row), ==, "昨天");
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  g_assert_true (g_str_has_prefix (title, "晚班"));
  g_assert_true (g_str_has_prefix (day_heading (row_of_shift_at (page, store, weekday)), "星期"));
  {
    g_autofree char *date = g_strdup_printf ("%d月%d日", g_date_time_get_month (older),
                                             g_date_time_get_day_of_month (older));

    g_assert_nonnull (strstr (day_heading (row_of_shift_at (page, store, older)), date));
  }
  g_free (xuncha_ui_test_screenshot (window, "history-list-days"));

  /* One tap on yesterday's late shift: its missed segments, by street, on screen. */
  gtk_widget_activate (row);
  taps++;
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 5);
  g_assert_cmpuint (taps, <=, 2);
  g_assert_cmpuint (xuncha_history_page_get_n_missed_streets (page), ==, 2);
  street = xuncha_history_page_get_missed_street (page, "滨江南路");
  g_assert_nonnull (street);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (street)), ==,
                   "滨江南路 · 10 段未走");
  g_assert_true (inside (street, GTK_WIDGET (page)));

  /* The map takes most of the room, with its legend on it. */
  map = GTK_WIDGET (xuncha_history_page_get_map_view (page));
  map_height = gtk_widget_get_height (map);
  g_assert_cmpint (map_height, >, 350);
  g_assert_true (inside (xuncha_history_page_get_legend (page), map));
  /* The streets are named on it, so a leader knows which he reads (once the map has
   * settled on the route). */
  {
    XunchaSegmentLayer *segments = xuncha_map_view_get_segment_layer (XUNCHA_MAP_VIEW (map));

    for (guint frames = 0; frames < 120
         && xuncha_segment_layer_get_label_boxes (segments)->len == 0; frames += 5)
      xuncha_ui_test_wait_for_frames (window, 5);
    g_assert_cmpuint (xuncha_segment_layer_get_label_boxes (segments)->len, >, 0);
  }
  g_free (xuncha_ui_test_screenshot (window, "history-route"));

  /* Tapping the street shows its ten segments on the map, all of them in view. */
  layer = xuncha_map_view_get_segment_layer (XUNCHA_MAP_VIEW (map));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (street), TRUE);
  xuncha_ui_test_wait_for_frames (window, 5);
  g_assert_cmpuint (xuncha_segment_layer_get_n_segments (layer, XUNCHA_SEGMENT_STYLE_SELECTED),
                    ==, 10);
  g_assert_cmpuint (xuncha_segment_layer_get_n_drawn (layer, XUNCHA_SEGMENT_STYLE_SELECTED),
                    ==, 10);
  g_free (xuncha_ui_test_screenshot (window, "history-route-street"));

  /* And one segment of it, alone. */
  {
    GtkWidget *segment_row = xuncha_history_page_get_missed_segment (page, "BJNL-04");

    g_assert_nonnull (segment_row);
    g_assert_true (gtk_widget_is_ancestor (segment_row, street));
    g_signal_emit_by_name (segment_row, "activated");
    xuncha_ui_test_wait_for_frames (window, 3);
    g_assert_cmpuint (xuncha_segment_layer_get_n_segments (layer, XUNCHA_SEGMENT_STYLE_SELECTED),
                      ==, 1);
    g_assert_cmpuint (xuncha_segment_layer_get_n_drawn (layer, XUNCHA_SEGMENT_STYLE_SELECTED),
                      ==, 1);
  }

  /* A taller window: the map grows with it. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 1000);
  xuncha_ui_test_wait_for_frames (window, 8);
  g_assert_cmpint (gtk_widget_get_height (map), >, map_height + 100);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&worker);
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/history/page", test_history_page);
  g_test_add_func ("/ui/history/empty", test_history_empty);
  g_test_add_func ("/ui/history/gap", test_history_gap);
  g_test_add_func ("/ui/history/days-and-missed", test_history_days_and_missed);

  return g_test_run ();
}
