/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "xuncha-core.h"

/* A 12-hour shift at 1 Hz: walking at 1.3 m/s along a street grid with GNSS wander, a
 * five-minute stop every half hour and a 45-minute break at noon. XUNCHA_BENCH_HOURS
 * scales it. */

#define EARTH_R 6371008.8

static GArray *
make_shift (guint seconds)
{
  GArray *fixes = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), seconds);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const double lat0 = 30.65, lon0 = 104.06;
  double north = 0, east = 0;
  double noise_n = 0, noise_e = 0;

  for (guint t = 0; t < seconds; t++)
    {
      guint in_half_hour = t % 1800;
      gboolean lunch = t >= 6 * 3600 && t < 6 * 3600 + 2700;
      XunchaFix fix;

      if (!lunch && in_half_hour < 1500)
        {
          /* Blocks of 200 m, turning at each corner. */
          if (((int)(north + east) / 200) % 2 == 0)
            east += 1.3;
          else
            north += 1.3;
        }
      /* GNSS error wanders slowly rather than jumping every second. */
      noise_n = 0.95 * noise_n + g_rand_double_range (rand, -0.5, 0.5);
      noise_e = 0.95 * noise_e + g_rand_double_range (rand, -0.5, 0.5);
      fix = xuncha_fix_init (1714546800000 + (gint64)t * 1000,
                             lat0 + (north + noise_n) / EARTH_R * 180 / G_PI,
                             lon0 + (east + noise_e)
                                    / (EARTH_R * cos (lat0 * G_PI / 180)) * 180 / G_PI);
      fix.accuracy = 4 + g_rand_double_range (rand, 0, 4);
      g_array_append_val (fixes, fix);
    }
  return fixes;
}

/* The obvious way: from every point, walk forward while within the stop radius and call
 * it a stop when that lasts two minutes; then the length. Quadratic in the length of each
 * stop. */
static void
naive_summary (const XunchaFix *fixes,
               gsize            n,
               double          *length,
               guint           *n_stops)
{
  g_autofree guchar *in_stop = g_new0 (guchar, n);

  *length = 0;
  *n_stops = 0;
  for (gsize i = 0; i < n; i++)
    {
      gsize j = i;
      while (j + 1 < n && xuncha_fix_distance (&fixes[i], &fixes[j + 1]) <= XUNCHA_ROUTE_STOP_RADIUS_M)
        j++;
      if (fixes[j].t_ms - fixes[i].t_ms >= XUNCHA_ROUTE_STOP_MIN_MS)
        {
          if (i == 0 || !in_stop[i - 1])
            (*n_stops)++;
          memset (in_stop + i, 1, j - i + 1);
        }
    }
  for (gsize k = 0; k + 1 < n; k++)
    {
      *length += xuncha_fix_distance (&fixes[k], &fixes[k + 1]);
    }
}

static gint
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *samples)
{
  g_array_sort (samples, compare_double);
  return g_array_index (samples, double, samples->len / 2);
}

int
main (int    argc,
      char **argv)
{
  const char *hours_env = g_getenv ("XUNCHA_BENCH_HOURS");
  double hours = hours_env != NULL ? g_ascii_strtod (hours_env, NULL) : 12;
  guint seconds = (guint)(hours * 3600);
  g_autoptr(GArray) raw = make_shift (seconds);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("xuncha-bench-XXXXXX", NULL);
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaShift) raw_shift = NULL;
  g_autoptr(XunchaShift) kept_shift = NULL;
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) kept = NULL;
  g_autoptr(GArray) t_ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_naive = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_kept = g_array_new (FALSE, FALSE, sizeof (double));
  double filter_ms, ours, naive, kept_ms, naive_length = 0;
  guint naive_stops = 0;
  gint64 start;

  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  kept = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)raw->data, raw->len);
  filter_ms = (g_get_monotonic_time () - start) / 1000.0;

  raw_shift = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_EARLY,
                                   (const XunchaFix *)(const void *)raw->data, raw->len, &error);
  g_assert_no_error (error);
  kept_shift = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_EARLY,
                                    (const XunchaFix *)(const void *)kept->data, kept->len, &error);
  g_assert_no_error (error);

  for (int r = 0; r < 5; r++)
    {
      g_autoptr(XunchaRouteSummary) summary = NULL;
      g_autoptr(XunchaRouteSummary) kept_summary = NULL;
      g_autoptr(GArray) loaded = NULL;
      double ms;

      /* Ours: from the store, as `history show` does it. */
      start = g_get_monotonic_time ();
      summary = xuncha_route_summary_new_for_shift (store, raw_shift, NULL, &error);
      g_assert_no_error (error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (t_ours, ms);

      start = g_get_monotonic_time ();
      loaded = xuncha_shift_load_points (raw_shift, store, &error);
      naive_summary ((const XunchaFix *)(const void *)loaded->data, loaded->len, &naive_length,
                     &naive_stops);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (t_naive, ms);

      start = g_get_monotonic_time ();
      kept_summary = xuncha_route_summary_new_for_shift (store, kept_shift, NULL, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (t_kept, ms);

      if (r == 0)
        {
          g_printerr ("raw: %u points, %.0f m, %u stops (naive: %.0f m, %u stops); "
                      "filtered: %u points, %.0f m, %u stops\n",
                      summary->n_points, summary->length_m, summary->n_stops, naive_length,
                      naive_stops, kept_summary->n_points, kept_summary->length_m,
                      kept_summary->n_stops);
          g_assert_cmpuint (summary->n_stops, ==, naive_stops);
          g_assert_cmpfloat (fabs (summary->length_m - naive_length), <, 1e-6 * naive_length);
        }
    }
  ours = median_ms (t_ours);
  naive = median_ms (t_naive);
  kept_ms = median_ms (t_kept);

  printf ("BENCH route_summary_%gh_1hz value=%.2f unit=ms baseline=naive_stop_scan ratio=%.4f\n",
          hours, ours, ours / naive);
  printf ("BENCH naive_stop_scan value=%.2f unit=ms baseline=naive_stop_scan ratio=1.0000\n",
          naive);
  printf ("BENCH route_summary_%gh_filtered value=%.2f unit=ms baseline=naive_stop_scan ratio=%.4f\n",
          hours, kept_ms, kept_ms / naive);
  printf ("BENCH fix_filter_%gh value=%.2f unit=ms baseline=naive_stop_scan ratio=%.4f\n",
          hours, filter_ms, filter_ms / naive);
  printf ("BENCH stored_points_%gh value=%u unit=points baseline=raw_points ratio=%.4f\n",
          hours, kept->len, (double)kept->len / raw->len);

  /* What durability costs while recording: batches of 5 in their own transaction (each
   * a synchronous commit) against the same points in one transaction. */
  {
    const guint n = 1000;
    g_autoptr(XunchaShift) live = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_EARLY, &error);
    g_autoptr(XunchaShift) bulk = NULL;
    double batched, single;

    g_assert_no_error (error);
    start = g_get_monotonic_time ();
    for (guint i = 0; i < n; i += XUNCHA_SHIFT_RECORDER_BATCH_POINTS)
      g_assert_true (xuncha_shift_append_points (live, store, i, &g_array_index (raw, XunchaFix, i),
                                                 XUNCHA_SHIFT_RECORDER_BATCH_POINTS, &error));
    batched = (g_get_monotonic_time () - start) / 1000.0 / (n / XUNCHA_SHIFT_RECORDER_BATCH_POINTS);
    start = g_get_monotonic_time ();
    bulk = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_EARLY,
                                (const XunchaFix *)(const void *)raw->data, n,
                                &error);
    single = (g_get_monotonic_time () - start) / 1000.0;
    printf ("BENCH track_batch_commit value=%.3f unit=ms baseline=track_1000_points_one_transaction "
            "ratio=%.4f\n", batched, batched / single);
    printf ("BENCH track_1000_points_one_transaction value=%.3f unit=ms "
            "baseline=track_1000_points_one_transaction ratio=1.0000\n", single);
  }

  g_clear_object (&store);
  {
    g_autofree char *db = g_build_filename (dir, "xuncha.db", NULL);
    g_autofree char *wal = g_build_filename (dir, "xuncha.db-wal", NULL);
    g_autofree char *shm = g_build_filename (dir, "xuncha.db-shm", NULL);
    g_remove (db);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (dir);
  }
  return 0;
}
