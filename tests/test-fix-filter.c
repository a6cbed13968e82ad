/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))
#define EARTH_R 6371008.8

/* A point @north / @east metres from a reference, at @t seconds. */
static XunchaFix
walk_point (double north,
            double east,
            double t)
{
  const double lat0 = 30.657, lon0 = 104.065;
  XunchaFix fix = xuncha_fix_init (1714546800000 + (gint64)(t * 1000),
                                   lat0 + north / EARTH_R * 180 / G_PI,
                                   lon0 + east / (EARTH_R * cos (lat0 * G_PI / 180)) * 180 / G_PI);
  fix.accuracy = 5;
  return fix;
}

static gboolean
contains (GArray          *fixes,
          const XunchaFix *wanted)
{
  for (guint i = 0; i < fixes->len; i++)
    if (FIX (fixes, i)->t_ms == wanted->t_ms && FIX (fixes, i)->lat == wanted->lat
        && FIX (fixes, i)->lon == wanted->lon)
      return TRUE;
  return FALSE;
}

static double
max_implied_speed (GArray *fixes)
{
  double max = 0;

  for (guint i = 1; i < fixes->len; i++)
    {
      double dt = (FIX (fixes, i)->t_ms - FIX (fixes, i - 1)->t_ms) / 1000.0;
      max = MAX (max, xuncha_fix_distance (FIX (fixes, i - 1), FIX (fixes, i)) / dt);
    }
  return max;
}

static GArray *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  GArray *fixes = xuncha_track_file_load (path, NULL, &error);

  g_assert_no_error (error);
  return fixes;
}

/* The logger's start: stale no-fix positions, then a no-fix point 2 km away one second
 * later (7,214 km/h), then the real walk. Checked twice: with the whole filter (the no-fix
 * marks do the work), and with the marks erased, so that the speed step alone must find
 * the jump and drop it without losing the walk that follows. */
static void
check_logger_start (GArray          *fixes,
                    const XunchaFix *jump_target,
                    guint            n_real)
{
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(XunchaFixFilter) speed_only = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = NULL;
  g_autoptr(GArray) unmarked = g_array_copy (fixes);
  g_autoptr(GArray) out2 = NULL;
  guint real_kept = 0;

  out = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)fixes->data, fixes->len);
  g_assert_false (contains (out, jump_target));
  g_assert_cmpfloat (max_implied_speed (out), <=, XUNCHA_FIX_FILTER_DEFAULT_MAX_SPEED_MS);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_accuracy, ==,
                    fixes->len - n_real);

  for (guint i = 0; i < unmarked->len; i++)
    FIX (unmarked, i)->accuracy = NAN;
  xuncha_fix_filter_set_suppress_stationary (speed_only, FALSE);
  out2 = xuncha_fix_filter_run (speed_only, (const XunchaFix *)(const void *)unmarked->data,
                                unmarked->len);
  g_assert_false (contains (out2, jump_target));
  g_assert_cmpuint (xuncha_fix_filter_get_stats (speed_only)->dropped_jump, >=, 1);
  /* Every real fix after the outlier survives. */
  for (guint i = 0; i < fixes->len; i++)
    if (!isinf (FIX (fixes, i)->accuracy))
      {
        XunchaFix real = *FIX (fixes, i);
        real.accuracy = NAN;
        real_kept += contains (out2, &real);
      }
  g_assert_cmpuint (real_kept, ==, n_real);
}

static void
test_gothenburg_jump (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("tracks/gothenburg_walk_mtk_logger.gpx");
  g_autoptr(GArray) fixes = NULL;
  XunchaFix target = { 0 };
  gboolean found = FALSE;

  if (path == NULL)
    return;
  fixes = load (path);
  /* Find the 7,214 km/h step in the raw file rather than trusting an index. */
  for (guint i = 1; i < fixes->len; i++)
    {
      double dt = (FIX (fixes, i)->t_ms - FIX (fixes, i - 1)->t_ms) / 1000.0;
      double kmh = xuncha_fix_distance (FIX (fixes, i - 1), FIX (fixes, i)) / dt * 3.6;
      if (fabs (kmh - 7214) < 1)
        {
          target = *FIX (fixes, i);
          found = TRUE;
        }
    }
  g_assert_true (found);
  check_logger_start (fixes, &target, 803);
}

static void
test_fixture_jump (void)
{
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/jump-1.0.gpx");
  g_autoptr(GArray) fixes = load (path);

  g_assert_true (isinf (FIX (fixes, 4)->accuracy));
  check_logger_start (fixes, FIX (fixes, 4), 20);
}

static void
test_spikes (void)
{
  g_autoptr(GArray) track = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = NULL;

  /* A straight walk at 1.4 m/s; one spike at 50, a burst of two agreeing spikes at 70-71,
   * and a bad first fix. */
  for (int i = 0; i < 100; i++)
    {
      XunchaFix fix = walk_point (0, 1.4 * i, i);
      if (i == 0 || i == 50)
        fix = walk_point (300, 1.4 * i, i);
      if (i == 70 || i == 71)
        fix = walk_point (-250, 1.4 * i, i);
      g_array_append_val (track, fix);
    }
  xuncha_fix_filter_set_suppress_stationary (filter, FALSE);
  out = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)track->data, track->len);
  g_assert_cmpuint (out->len, ==, 96);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_jump, ==, 4);
  g_assert_false (contains (out, FIX (track, 0)));
  g_assert_false (contains (out, FIX (track, 50)));
  g_assert_false (contains (out, FIX (track, 70)));
  g_assert_false (contains (out, FIX (track, 71)));
  g_assert_true (contains (out, FIX (track, 51)));
  g_assert_true (contains (out, FIX (track, 72)));
  g_assert_cmpfloat (max_implied_speed (out), <, 2);
}

/* A real move (say, a tram ride the phone lost the fix on) is followed, not fought: after
 * three agreeing fixes the new place is the track. */
static void
test_real_move_is_kept (void)
{
  g_autoptr(GArray) track = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = NULL;

  for (int i = 0; i < 20; i++)
    {
      XunchaFix fix = walk_point (0, 1.4 * i, i);
      g_array_append_val (track, fix);
    }
  for (int i = 20; i < 40; i++)
    {
      XunchaFix fix = walk_point (2000, 1.4 * i, i);
      g_array_append_val (track, fix);
    }
  xuncha_fix_filter_set_suppress_stationary (filter, FALSE);
  out = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)track->data, track->len);
  g_assert_cmpuint (out->len, ==, 40);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_jump, ==, 0);
}

static void
test_accuracy_and_time (void)
{
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  XunchaFix a = walk_point (0, 0, 0);
  XunchaFix b = walk_point (0, 1.4, 1);
  XunchaFix c = walk_point (0, 2.8, 2);
  XunchaFix d = walk_point (0, 4.2, 3);
  XunchaFix e = walk_point (0, 5.6, 4);

  xuncha_fix_filter_set_suppress_stationary (filter, FALSE);
  g_assert_cmpfloat (xuncha_fix_filter_get_accuracy_threshold (filter), ==, 50);
  b.accuracy = 80;
  c.accuracy = NAN;       /* unknown: kept */
  d.t_ms = b.t_ms;        /* not later: dropped */
  xuncha_fix_filter_push (filter, &a, out);
  xuncha_fix_filter_push (filter, &b, out);
  xuncha_fix_filter_push (filter, &c, out);
  xuncha_fix_filter_push (filter, &d, out);
  xuncha_fix_filter_push (filter, &e, out);
  xuncha_fix_filter_flush (filter, out);
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_accuracy, ==, 1);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_time, ==, 1);

  /* A higher threshold lets the 80 m fix through. */
  {
    g_autoptr(XunchaFixFilter) loose = xuncha_fix_filter_new ();
    g_autoptr(GArray) out2 = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
    xuncha_fix_filter_set_accuracy_threshold (loose, 100);
    xuncha_fix_filter_set_suppress_stationary (loose, FALSE);
    xuncha_fix_filter_push (loose, &a, out2);
    xuncha_fix_filter_push (loose, &b, out2);
    xuncha_fix_filter_flush (loose, out2);
    g_assert_cmpuint (out2->len, ==, 2);
  }
}

/* An hour standing at a corner, at 1 Hz, between two walks. */
static void
test_stationary_hour (void)
{
  g_autoptr(GArray) track = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(XunchaRouteSummary) summary = NULL;
  const XunchaRouteStop *stop;
  guint before = 0, during = 0, after = 0;
  gint64 stand_start, stand_end;
  int t = 0;

  for (int i = 0; i < 120; i++, t++)
    {
      XunchaFix fix = walk_point (0, 1.4 * i, t);
      g_array_append_val (track, fix);
    }
  stand_start = FIX (track, track->len - 1)->t_ms;
  for (int i = 0; i < 3600; i++, t++)
    {
      /* GNSS wander of a few metres around one spot. The draws are separate statements: the
       * order in which a call's arguments are evaluated is the compiler's choice (gcc takes
       * them right to left on x86-64 and left to right on arm64), and it made the track of
       * this test differ between the two. */
      double north = g_rand_double_range (rand, -4, 4);
      double east = 1.4 * 119 + g_rand_double_range (rand, -4, 4);
      XunchaFix fix = walk_point (north, east, t);
      g_array_append_val (track, fix);
    }
  stand_end = FIX (track, track->len - 1)->t_ms;
  for (int i = 1; i <= 120; i++, t++)
    {
      XunchaFix fix = walk_point (1.4 * i, 1.4 * 119, t);
      g_array_append_val (track, fix);
    }

  out = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)track->data, track->len);
  for (guint i = 0; i < out->len; i++)
    {
      gint64 t_ms = FIX (out, i)->t_ms;
      if (t_ms <= stand_start)
        before++;
      else if (t_ms <= stand_end)
        during++;
      else
        after++;
    }
  g_test_message ("standing an hour kept %u of 3600 points", during);
  g_assert_cmpuint (during, <=, 10);
  g_assert_cmpuint (before, ==, 120);   /* walking at 1 Hz keeps every point */
  /* Walking off, the first metres are still inside the stop's radius (10 m around a point
   * that the wander may have put 4√2 m off the spot), and at the track's end the held fixes
   * of its last 10 m give way to the last one: every other fix of the walk is kept. */
  g_assert_cmpuint (after, >=, 120 - (guint)ceil ((10 + 4 * G_SQRT2) / 1.4)
                               - (guint)ceil (10 / 1.4));

  /* What is kept still tells the whole stop, end included. */
  summary = xuncha_route_summary_new_for_fixes ((const XunchaFix *)(const void *)out->data,
                                                out->len);
  g_assert_cmpuint (summary->n_stops, ==, 1);
  stop = &g_array_index (summary->stops, XunchaRouteStop, 0);
  g_assert_cmpint (stop->start_ms, <=, stand_start);
  g_assert_cmpint (stop->end_ms, >=, stand_end);
  /* The summary's stop lasts while the track stays within its 20 m of the stop's first
   * point, itself within the wander of the spot: no longer than walking that far. */
  g_assert_cmpint (stop->end_ms, <=, stand_end + (gint64)ceil ((20 + 4 * G_SQRT2) / 1.4) * 1000);
}

/* After a restart the filter continues from the last stored point: what came before it
 * (a replay from the file's start) is not stored twice. */
static void
test_seed (void)
{
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  XunchaFix last = walk_point (0, 14, 10);

  xuncha_fix_filter_set_suppress_stationary (filter, FALSE);
  xuncha_fix_filter_seed (filter, &last);
  for (int i = 0; i < 20; i++)
    {
      XunchaFix fix = walk_point (0, 1.4 * i, i);
      xuncha_fix_filter_push (filter, &fix, out);
    }
  xuncha_fix_filter_flush (filter, out);
  g_assert_cmpuint (out->len, ==, 9);
  g_assert_cmpint (FIX (out, 0)->t_ms, ==, last.t_ms + 1000);
  g_assert_cmpuint (xuncha_fix_filter_get_stats (filter)->dropped_time, ==, 11);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/fix-filter/gothenburg-jump", test_gothenburg_jump);
  g_test_add_func ("/fix-filter/fixture-jump", test_fixture_jump);
  g_test_add_func ("/fix-filter/spikes", test_spikes);
  g_test_add_func ("/fix-filter/real-move-is-kept", test_real_move_is_kept);
  g_test_add_func ("/fix-filter/accuracy-and-time", test_accuracy_and_time);
  g_test_add_func ("/fix-filter/stationary-hour", test_stationary_hour);
  g_test_add_func ("/fix-filter/seed", test_seed);

  return g_test_run ();
}
