/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up to the first frame of the app on a device holding 50,000 reports and a
 * 100,000-segment street map, against a bare AdwApplicationWindow (goal: ratio <= 1.5). */
#include "config.h"

#include <stdio.h>

#include "bench-city.h"

#define RUNS 5

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median_run_ms (const char * const *argv)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      int status = 0;
      double ms;

      if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                         | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
          || !g_spawn_check_wait_status (status, &error))
        g_error ("%s failed: %s", argv[0], error->message);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, RUNS / 2);
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
  double lat, lon, app_ms, bare_ms;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("SKIP startup: no display (run under Xvfb: build-aux/dev bench)\n");
      return 77;
    }
  g_assert_no_error (error);
  g_setenv ("XUNCHA_QUIT_AFTER_FIRST_FRAME", "1", TRUE);

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  segments = bench_city_segments (segments_n, &lat, &lon);
  bench_city_store_streets (store, segments);
  bench_city_store_reports (store, reports_n, lat, lon);
  g_clear_object (&store);

  /* One run each to warm the page cache, then the measured ones. */
  median_run_ms (bare_argv);
  bare_ms = median_run_ms (bare_argv);
  app_ms = median_run_ms (app_argv);

  printf ("BENCH startup-first-frame-%usegs-%ureports value=%.1f unit=ms baseline=bare-adw-window "
          "ratio=%.3f\n", segments_n, reports_n, app_ms, app_ms / bare_ms);
  printf ("BENCH startup-bare-adw-window value=%.1f unit=ms baseline=bare-adw-window ratio=1\n",
          bare_ms);
  return 0;
}
