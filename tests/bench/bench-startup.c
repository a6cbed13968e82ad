/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up to the first frame of the app on a device holding 50,000 reports and a
 * 100,000-segment street map, against a bare AdwApplicationWindow (goal: ratio <= 1.5).
 *
 * Each program prints when it painted its first frame (CLOCK_MONOTONIC, the clock of
 * g_get_monotonic_time()); the time counted runs from just before the spawn to that
 * moment, so tearing the process down afterwards is not counted for either. The app is
 * also timed to the first frame that shows the street map, which it reads after its first
 * frame, and to its exit, for the whole picture. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench-city.h"
#include "xuncha-test-util.h"

#define RUNS 7

typedef struct {
  double frame_ms;   /* spawn to the frame the program reports */
  double exit_ms;    /* spawn to the process's exit */
} Run;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* Spawns @argv once; adds the times from the spawn to the frame it reports (@label) and
 * to its exit. */
static void
run_once (const char * const *argv,
          const char         *label,
          GArray             *frames,
          GArray             *exits)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 start = g_get_monotonic_time ();
  const char *line;
  int status = 0;
  double ms;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], error->message);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_array_append_val (exits, ms);

  line = strstr (out, label);
  if (line == NULL)
    g_error ("%s did not report its %s", argv[0], label);
  ms = (g_ascii_strtoll (line + strlen (label), NULL, 10) - start) / 1000.0;
  g_array_append_val (frames, ms);
}

int
main (int    argc,
      char **argv)
{
  guint segments_n = g_getenv ("XUNCHA_BENCH_SEGMENTS") ? atoi (g_getenv ("XUNCHA_BENCH_SEGMENTS")) : 100000;
  guint reports_n = g_getenv ("XUNCHA_BENCH_REPORTS") ? atoi (g_getenv ("XUNCHA_BENCH_REPORTS")) : 50000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("xuncha-bench-startup-XXXXXX", &error);
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  const char *app_argv[] = { g_getenv ("XUNCHA_APP"), "--data-dir", dir, NULL };
  const char *bare_argv[] = { g_getenv ("XUNCHA_BARE_WINDOW"), NULL };
  g_autoptr(GArray) bare_frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_exits = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_exits = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) streets_frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) streets_exits = g_array_new (FALSE, FALSE, sizeof (double));
  double lat, lon;
  Run app, bare, streets;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("SKIP startup: no display (run under Xvfb: build-aux/dev bench)\n");
      return 77;
    }
  g_assert_no_error (error);

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  /* What a program does once at its start (categories, the outbox). */
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  segments = bench_city_segments (segments_n, &lat, &lon);
  bench_city_store_streets (store, segments);
  bench_city_store_reports (store, reports_n, lat, lon);
  g_clear_object (&store);

  /* One run each to warm the page cache, then the measured ones, taking turns so that a
   * busy moment of the shared machine does not fall on one side only. */
  for (guint i = 0; i <= RUNS; i++)
    {
      g_setenv ("XUNCHA_QUIT_AFTER_FIRST_FRAME", "1", TRUE);
      run_once (bare_argv, "first-frame ", bare_frames, bare_exits);
      run_once (app_argv, "first-frame ", app_frames, app_exits);
      g_setenv ("XUNCHA_QUIT_AFTER_FIRST_FRAME", "streets", TRUE);
      run_once (app_argv, "streets-frame ", streets_frames, streets_exits);
      if (i == 0)
        {
          g_array_set_size (bare_frames, 0);
          g_array_set_size (bare_exits, 0);
          g_array_set_size (app_frames, 0);
          g_array_set_size (app_exits, 0);
          g_array_set_size (streets_frames, 0);
          g_array_set_size (streets_exits, 0);
        }
    }
  app.frame_ms = median (app_frames);
  app.exit_ms = median (app_exits);
  bare.frame_ms = median (bare_frames);
  bare.exit_ms = median (bare_exits);
  streets.frame_ms = median (streets_frames);

  printf ("BENCH startup-first-frame-%usegs-%ureports value=%.1f unit=ms baseline=bare-adw-window "
          "ratio=%.3f\n", segments_n, reports_n, app.frame_ms, app.frame_ms / bare.frame_ms);
  printf ("BENCH startup-bare-adw-window value=%.1f unit=ms baseline=bare-adw-window ratio=1\n",
          bare.frame_ms);
  printf ("BENCH startup-streets-shown-%usegs value=%.1f unit=ms baseline=bare-adw-window "
          "ratio=%.3f\n", segments_n, streets.frame_ms, streets.frame_ms / bare.frame_ms);
  printf ("BENCH startup-to-exit-%usegs-%ureports value=%.1f unit=ms baseline=bare-adw-window-to-exit "
          "ratio=%.3f\n", segments_n, reports_n, app.exit_ms, app.exit_ms / bare.exit_ms);
  xuncha_test_remove_tree (dir);
  return 0;
}
