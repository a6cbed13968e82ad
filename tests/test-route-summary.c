/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-grid.h"
#include "xuncha-test-util.h"

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))

/* The route length computed here on its own: haversine with the mean Earth radius, summed
 * in long double, so a mistake in the core's length (skipped or doubled steps, a wrong
 * radius or unit) shows. */
static double
independent_length (GArray *fixes)
{
  long double sum = 0;

  for (guint i = 1; i < fixes->len; i++)
    {
      long double rad = 3.14159265358979323846L / 180;
      long double p1 = FIX (fixes, i - 1)->lat * rad, p2 = FIX (fixes, i)->lat * rad;
      long double dl = (FIX (fixes, i)->lon - FIX (fixes, i - 1)->lon) * rad;
      long double h = sinl ((p2 - p1) / 2) * sinl ((p2 - p1) / 2)
                      + cosl (p1) * cosl (p2) * sinl (dl / 2) * sinl (dl / 2);
      sum += 2 * 6371008.8L * asinl (sqrtl (h));
    }
  return (double)sum;
}

static GArray *
filtered (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fixes = xuncha_track_file_load (path, NULL, &error);
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();

  g_assert_no_error (error);
  return xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)fixes->data, fixes->len);
}

static void
test_gothenburg_length (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("tracks/gothenburg_walk_mtk_logger.gpx");
  g_autoptr(GArray) kept = NULL;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  double expected;

  if (path == NULL)
    return;
  kept = filtered (path);
  summary = xuncha_route_summary_new_for_fixes ((const XunchaFix *)(const void *)kept->data,
                                                kept->len);
  expected = independent_length (kept);
  g_test_message ("Gothenburg walk: %u points kept, %.1f m (independent %.1f m), moving %.0f s, "
                  "%u stops", kept->len, summary->length_m, expected,
                  summary->moving_ms / 1000.0, summary->n_stops);
  g_assert_cmpfloat (fabs (summary->length_m - expected), <=, 0.01 * expected);
  /* The outlier's 2 km and 1.7 km steps are gone: the walk itself is about 7 km. */
  g_assert_cmpfloat (summary->length_m, >, 6000);
  g_assert_cmpfloat (summary->length_m, <, 8000);
  g_assert_cmpint (summary->moving_ms, <=, summary->duration_ms - summary->stopped_ms);
}

static void
test_walk_fixture (void)
{
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  g_autoptr(GArray) kept = filtered (path);
  g_autoptr(XunchaRouteSummary) summary = NULL;
  const XunchaRouteStop *stop;
  const gint64 t0 = 1714546800000;
  double expected;

  summary = xuncha_route_summary_new_for_fixes ((const XunchaFix *)(const void *)kept->data,
                                                kept->len);
  expected = independent_length (kept);
  g_assert_cmpfloat (fabs (summary->length_m - expected), <=, 0.01 * expected);
  /* 480 s east and 420 s north at 1.4 m/s, plus the wander of the fixes. */
  g_assert_cmpfloat (summary->length_m, >, 1260);
  g_assert_cmpfloat (summary->length_m, <, 1260 * 1.6);

  /* The five-minute stop from 08:00 to 13:00; its edges blur by the 20 m radius walked at
   * 1.4 m/s. */
  g_assert_cmpuint (summary->n_stops, ==, 1);
  stop = &g_array_index (summary->stops, XunchaRouteStop, 0);
  g_assert_cmpint (ABS (stop->start_ms - (t0 + 480 * 1000)), <=, 15 * 1000);
  g_assert_cmpint (ABS (stop->end_ms - (t0 + 779 * 1000)), <=, 15 * 1000);
  g_assert_cmpint (summary->stopped_ms, ==, stop->end_ms - stop->start_ms);
  g_assert_cmpint (summary->duration_ms, ==, 1199 * 1000);
  g_assert_cmpint (summary->moving_ms, ==, summary->duration_ms - summary->stopped_ms);
}

static void
test_empty_and_gaps (void)
{
  g_autoptr(XunchaRouteSummary) empty = xuncha_route_summary_new_for_fixes (NULL, 0);
  g_autoptr(XunchaRouteSummary) gap = NULL;
  XunchaFix fixes[4] = {
    xuncha_fix_init (0, 30.0, 104.0),
    xuncha_fix_init (10000, 30.0001, 104.0),
    /* the phone was off for an hour: not moving time */
    xuncha_fix_init (3610000, 30.001, 104.0),
    xuncha_fix_init (3620000, 30.0011, 104.0),
  };

  g_assert_cmpuint (empty->n_points, ==, 0);
  g_assert_cmpfloat (empty->length_m, ==, 0);
  g_assert_false (empty->has_coverage);

  gap = xuncha_route_summary_new_for_fixes (fixes, 4);
  g_assert_cmpint (gap->moving_ms, ==, 20000);
  g_assert_cmpint (gap->duration_ms, ==, 3620000);
  g_assert_cmpuint (gap->n_stops, ==, 0);
}

static void
insert_report (XunchaStore *store,
               const char  *uuid,
               const char  *created_at,
               const char  *shift,
               const char  *category)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO reports (uuid, created_at, shift_uuid, category, lat, lon) "
                     "VALUES ('%s', '%s', %s%s%s, '%s', 30.66, 104.06)",
                     uuid, created_at, shift ? "'" : "", shift ? shift : "NULL",
                     shift ? "'" : "", category);

  g_assert_true (xuncha_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
on_replay_state (XunchaLocationSource *source,
                 GParamSpec           *pspec,
                 GMainLoop            *loop)
{
  if (xuncha_location_source_get_state (source) == XUNCHA_LOCATION_STATE_FINISHED)
    g_main_loop_quit (loop);
}

/* The phone suspends for twelve minutes of a walk: the position source gives nothing while
 * the officer walks on. The recorded shift's summary has that stretch as a gap of twelve
 * minutes (neither moving time nor a stop), between the last point before and the first
 * after. */
static void
test_gap_while_suspended (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  static const double corners[] = { 0, 0, 500, 0, 500, 500, 0, 500, 0, 0 };
  const gint64 t0 = 1714546800000;
  const gint64 suspended_ms = t0 + 400 * 1000, resumed_ms = suspended_ms + 12 * 60 * 1000;
  g_autoptr(GArray) walk = xuncha_test_grid_walk (corners, 5, t0);
  g_autoptr(GArray) heard = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaReplaySource) source = NULL;
  g_autoptr(XunchaShiftRecorder) recorder = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(GArray) points = NULL;
  const XunchaRouteGap *gap;
  const XunchaFix *before = NULL, *after = NULL;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  /* What the source hears: nothing from the suspend to the resume. */
  for (guint i = 0; i < walk->len; i++)
    if (FIX (walk, i)->t_ms < suspended_ms || FIX (walk, i)->t_ms >= resumed_ms)
      g_array_append_vals (heard, FIX (walk, i), 1);
  g_assert_cmpuint (heard->len, <, walk->len - 700);

  shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, &error);
  g_assert_no_error (error);
  source = xuncha_replay_source_new ((const XunchaFix *)(const void *)heard->data, heard->len, 0);
  recorder = xuncha_shift_recorder_new (store, shift, XUNCHA_LOCATION_SOURCE (source), &error);
  g_assert_no_error (error);
  g_signal_connect (source, "notify::state", G_CALLBACK (on_replay_state), loop);
  xuncha_shift_recorder_start (recorder);
  g_main_loop_run (loop);
  g_assert_true (xuncha_shift_recorder_stop (recorder, &error));
  g_assert_no_error (error);

  summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, >, 500);
  for (guint i = 0; i < points->len; i++)
    {
      if (FIX (points, i)->t_ms < suspended_ms)
        before = FIX (points, i);
      else if (after == NULL)
        after = FIX (points, i);
    }
  g_assert_nonnull (before);
  g_assert_nonnull (after);

  g_assert_cmpuint (summary->n_gaps, ==, 1);
  g_assert_cmpuint (summary->gaps->len, ==, 1);
  gap = &g_array_index (summary->gaps, XunchaRouteGap, 0);
  g_assert_cmpint (gap->start_ms, ==, before->t_ms);
  g_assert_cmpint (gap->end_ms, ==, after->t_ms);
  g_assert_cmpfloat (gap->start_lat, ==, before->lat);
  g_assert_cmpfloat (gap->end_lon, ==, after->lon);
  /* Twelve minutes, give or take the second between fixes. */
  g_assert_cmpint (summary->gap_ms, ==, gap->end_ms - gap->start_ms);
  g_assert_cmpint (summary->gap_ms, >=, 12 * 60 * 1000);
  g_assert_cmpint (summary->gap_ms, <=, 12 * 60 * 1000 + 2000);
  /* Not walked time, not a stop. */
  g_assert_cmpuint (summary->n_stops, ==, 0);
  g_assert_cmpint (summary->moving_ms, ==, summary->duration_ms - summary->gap_ms);
  g_assert_true (xuncha_route_is_gap (before, after));

  /* A copy keeps it. */
  {
    g_autoptr(XunchaRouteSummary) copy = xuncha_route_summary_copy (summary);

    g_assert_cmpuint (copy->n_gaps, ==, 1);
    g_assert_cmpint (copy->gap_ms, ==, summary->gap_ms);
    g_assert_cmpmem (copy->gaps->data, sizeof (XunchaRouteGap), gap, sizeof (XunchaRouteGap));
  }
  /* The rule alone (the geometry library's, which the office runs on the synced points)
   * finds the same gap. */
  {
    g_autoptr(GArray) found = xuncha_route_find_gaps ((const XunchaFix *)(void *)points->data,
                                                      points->len);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpmem (found->data, sizeof (XunchaRouteGap), gap, sizeof (XunchaRouteGap));
  }
  g_clear_object (&recorder);
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

static void
test_reports_and_coverage (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(XunchaRouteSummary) copy = NULL;
  g_autoptr(GArray) points = NULL;
  /* 2024-05-01 07:00:00Z to 07:20:00Z */
  XunchaFix fixes[3] = { xuncha_fix_init (1714546800000, 30.66, 104.06),
                         xuncha_fix_init (1714547400000, 30.67, 104.06),
                         xuncha_fix_init (1714548000000, 30.68, 104.06) };
  const char * const walked[] = { "s1", "s2", NULL };
  const char * const missed[] = { "s3", NULL };
  const XunchaRouteCategoryCount *top;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  shift = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_EARLY, fixes, 3, &error);
  g_assert_no_error (error);

  insert_report (store, "r1", "2024-05-01T07:05:00Z", xuncha_shift_get_uuid (shift), "09006");
  insert_report (store, "r2", "2024-05-01T07:15:00.250Z", xuncha_shift_get_uuid (shift), "09006");
  insert_report (store, "r3", "2024-05-01T07:10:00Z", NULL, "07003");   /* no shift, in time */
  insert_report (store, "r4", "2024-05-01T09:00:00Z", NULL, "07003");   /* after the shift */

  summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 3);
  g_assert_cmpstr (summary->shift_uuid, ==, xuncha_shift_get_uuid (shift));
  g_assert_cmpuint (summary->reports->len, ==, 3);
  g_assert_cmpstr (g_array_index (summary->reports, XunchaRouteReport, 0).uuid, ==, "r1");
  g_assert_cmpstr (g_array_index (summary->reports, XunchaRouteReport, 1).uuid, ==, "r3");
  g_assert_cmpstr (g_array_index (summary->reports, XunchaRouteReport, 2).uuid, ==, "r2");
  g_assert_cmpuint (summary->category_counts->len, ==, 2);
  top = &g_array_index (summary->category_counts, XunchaRouteCategoryCount, 0);
  g_assert_cmpstr (top->category, ==, "09006");
  g_assert_cmpuint (top->count, ==, 2);

  /* Coverage is the street map's step, filled in afterwards. */
  g_assert_false (summary->has_coverage);
  xuncha_route_summary_set_coverage (summary, 66.7, walked, missed);
  copy = xuncha_route_summary_copy (summary);
  g_assert_true (copy->has_coverage);
  g_assert_cmpfloat (copy->coverage_percent, ==, 66.7);
  g_assert_cmpstrv (copy->walked_segments, walked);
  g_assert_cmpstrv (copy->missed_segments, missed);
  g_assert_cmpuint (copy->reports->len, ==, 3);
  xuncha_test_remove_tree (dir);
}

/* The coverage step on a store: a synthetic grid imported with the real importer, six
 * assigned segments and a walk east along y = 200 then north along x = 500 to the grid's
 * edge, stored as a shift. */
static void
test_coverage_from_store (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *grid = g_build_filename (dir, "grid.geojson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(XunchaRouteSummary) copy = NULL;
  g_autoptr(GArray) points = NULL;
  static const double corners[] = { 0, 200, 500, 200, 500, 500 };
  g_autoptr(GArray) walk = xuncha_test_grid_walk (corners, 3, 1714546800000);
  static const char * const assigned[] = {
    "h0_200", "h100_200", "v500_300", "h0_0", "v200_100", "v0_400", NULL
  };
  static const char * const walked[] = {
    "h0_200", "h100_200", "h200_200", "h300_200", "h400_200", "v500_200", "v500_300",
    "v500_400", NULL
  };
  static const char * const missed[] = { "h0_0", "v0_400", "v200_100", NULL };
  static const char * const missed_names[] = { "横0路", "纵0路", "纵2路", NULL };

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  shift = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_EARLY,
                               (const XunchaFix *)(void *)walk->data, walk->len, &error);
  g_assert_no_error (error);

  /* No streets yet: no coverage, and the reason. */
  summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
  g_assert_no_error (error);
  g_assert_cmpint (summary->coverage_state, ==, XUNCHA_ROUTE_COVERAGE_NOT_COMPUTED);
  g_assert_true (xuncha_route_summary_add_coverage_from_store (summary, store, NULL,
                                                               (const XunchaFix *)(void *)points->data,
                                                               points->len, &error));
  g_assert_no_error (error);
  g_assert_false (summary->has_coverage);
  g_assert_cmpint (summary->coverage_state, ==, XUNCHA_ROUTE_COVERAGE_NO_STREETS);
  g_assert_null (summary->walked_segments);

  /* Streets but no assignments: the walked segments are known, the coverage is not. */
  xuncha_test_grid_write_geojson (grid);
  importer = xuncha_map_importer_new (store);
  g_assert_true (xuncha_map_importer_import_streets_file (importer, grid, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_route_summary_add_coverage_from_store (summary, store, NULL,
                                                               (const XunchaFix *)(void *)points->data,
                                                               points->len, &error));
  g_assert_false (summary->has_coverage);
  g_assert_cmpint (summary->coverage_state, ==, XUNCHA_ROUTE_COVERAGE_NO_ASSIGNMENTS);
  g_assert_cmpstrv (summary->walked_segments, walked);
  g_assert_null (summary->missed_segments);

  g_assert_true (xuncha_street_map_save_assignments (store, assigned, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_route_summary_add_coverage_from_store (summary, store, NULL,
                                                               (const XunchaFix *)(void *)points->data,
                                                               points->len, &error));
  g_assert_no_error (error);
  g_assert_true (summary->has_coverage);
  g_assert_cmpint (summary->coverage_state, ==, XUNCHA_ROUTE_COVERAGE_DONE);
  g_assert_cmpuint (summary->n_assigned, ==, 6);
  /* 3 of 6 assigned segments walked. */
  g_assert_cmpfloat_with_epsilon (summary->coverage_percent, 50.0, 1e-9);
  /* 100 + 100 + 100 m, plus the 25 m of v200_100 within reach of y = 200, of 600 m. */
  g_assert_cmpfloat_with_epsilon (summary->coverage_length_percent, 325.0 / 6, 0.1);
  g_assert_cmpstrv (summary->walked_segments, walked);
  g_assert_cmpstrv (summary->missed_segments, missed);
  g_assert_cmpstrv (summary->missed_names, missed_names);

  copy = xuncha_route_summary_copy (summary);
  g_assert_cmpstrv (copy->missed_names, missed_names);
  g_assert_cmpfloat (copy->coverage_length_percent, ==, summary->coverage_length_percent);
  g_assert_cmpuint (copy->n_assigned, ==, 6);

  /* An assignment the map no longer has is left out (streets re-imported without it). */
  g_assert_true (xuncha_store_exec (store, "INSERT INTO assignments VALUES ('gone')", &error));
  g_assert_true (xuncha_route_summary_add_coverage_from_store (summary, store, NULL,
                                                               (const XunchaFix *)(void *)points->data,
                                                               points->len, &error));
  g_assert_cmpuint (summary->n_assigned, ==, 6);
  g_assert_cmpfloat_with_epsilon (summary->coverage_percent, 50.0, 1e-9);

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/route-summary/gothenburg-length", test_gothenburg_length);
  g_test_add_func ("/route-summary/walk-fixture", test_walk_fixture);
  g_test_add_func ("/route-summary/empty-and-gaps", test_empty_and_gaps);
  g_test_add_func ("/route-summary/gap-while-suspended", test_gap_while_suspended);
  g_test_add_func ("/route-summary/reports-and-coverage", test_reports_and_coverage);
  g_test_add_func ("/route-summary/coverage-from-store", test_coverage_from_store);

  return g_test_run ();
}
