/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "xuncha-core.h"

/* A 12-hour shift at 1 Hz: walking at 1.3 m/s along a street grid with GNSS wander, a
 * five-minute stop every half hour and a 45-minute break at noon. XUNCHA_BENCH_HOURS
 * scales it.
 *
 * Then the history view's whole job for that shift: the summary read from the store plus
 * the coverage of the officer's assigned segments against a synthetic city of 100,000
 * street segments (a grid of 100 m blocks under the walk), against the naive
 * points x segments computation. */

#define EARTH_R 6371008.8
#define LAT0 30.65
#define LON0 104.06

static double
east_to_lon (double east)
{
  return LON0 + east / (EARTH_R * cos (LAT0 * G_PI / 180)) * 180 / G_PI;
}

static double
north_to_lat (double north)
{
  return LAT0 + north / EARTH_R * 180 / G_PI;
}

/* @xy, when not NULL, receives the fixes in metres east and north of the start. */
static GArray *
make_shift (guint    seconds,
            GArray **xy)
{
  GArray *fixes = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), seconds);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
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
      fix = xuncha_fix_init (1714546800000 + (gint64)t * 1000, north_to_lat (north + noise_n),
                             east_to_lon (east + noise_e));
      fix.accuracy = 4 + g_rand_double_range (rand, 0, 4);
      g_array_append_val (fixes, fix);
      if (xy != NULL)
        {
          double p[2] = { east + noise_e, north + noise_n };

          if (*xy == NULL)
            *xy = g_array_new (FALSE, FALSE, 2 * sizeof (double));
          g_array_append_vals (*xy, p, 1);
        }
    }
  return fixes;
}

/* The city: streets every 100 m from x, y = -1 km on, cut at the crossings, each segment
 * with a middle vertex off the line by up to 4 m: 2 n (n + 1) segments (n = 223 gives
 * 99,904). The walk's corners lie on these streets. @xy receives each segment's three
 * vertices in metres. */
static GPtrArray *
make_city (guint    n,
           GArray **xy)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  const double origin = -1000;

  *xy = g_array_new (FALSE, FALSE, 6 * sizeof (double));
  for (guint i = 0; i <= n; i++)
    for (guint j = 0; j < n; j++)
      for (guint dir = 0; dir < 2; dir++)
        {
          double v[6], lonlat[6];
          guint ends[1] = { 3 };
          g_autofree char *id = g_strdup_printf ("%c%u_%u", dir ? 'v' : 'h', i, j);
          double a = origin + i * 100.0, b = origin + j * 100.0;

          if (dir == 0)
            v[0] = b, v[1] = a, v[4] = b + 100, v[5] = a;
          else
            v[0] = a, v[1] = b, v[4] = a, v[5] = b + 100;
          v[2] = (v[0] + v[4]) / 2 + g_rand_double_range (rand, -4, 4);
          v[3] = (v[1] + v[5]) / 2 + g_rand_double_range (rand, -4, 4);
          for (guint k = 0; k < 3; k++)
            {
              lonlat[2 * k] = east_to_lon (v[2 * k]);
              lonlat[2 * k + 1] = north_to_lat (v[2 * k + 1]);
            }
          g_array_append_vals (*xy, v, 1);
          g_ptr_array_add (segments,
                           xuncha_street_segment_new (id, NULL, XUNCHA_STREET_CLASS_OTHER, NULL,
                                                      NULL, NULL, NULL, lonlat, ends, 1));
        }
  return segments;
}

static int
compare_interval (const void *a,
                  const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* The naive coverage of one segment: every fix's distance to every piece of it; each fix
 * within the radius covers the chord of its circle; the union of the chords over the
 * segment's length. No index and no joining of fixes: points x segments. */
static double
naive_fraction (const double *v,
                const double *track,
                guint         n_points,
                double        r,
                GArray       *scratch)
{
  double total = 0, covered = 0;

  for (guint piece = 0; piece < 2; piece++)
    {
      double ax = v[2 * piece], ay = v[2 * piece + 1];
      double bx = v[2 * piece + 2], by = v[2 * piece + 3];
      double len = hypot (bx - ax, by - ay), end = -G_MAXDOUBLE;

      total += len;
      g_array_set_size (scratch, 0);
      for (guint i = 0; i < n_points; i++)
        {
          double px = track[2 * i], py = track[2 * i + 1];
          double s = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len;
          double h = fabs ((px - ax) * (by - ay) - (py - ay) * (bx - ax)) / len;
          double half, interval[2];

          if (h > r)
            continue;
          half = sqrt (r * r - h * h);
          interval[0] = MAX (s - half, 0);
          interval[1] = MIN (s + half, len);
          if (interval[1] > interval[0])
            g_array_append_vals (scratch, interval, 1);
        }
      qsort (scratch->data, scratch->len, 2 * sizeof (double), compare_interval);
      for (guint k = 0; k < scratch->len; k++)
        {
          double *interval = &g_array_index (scratch, double, 2 * k);
          double start = MAX (interval[0], end);

          if (interval[1] > start)
            {
              covered += interval[1] - start;
              end = interval[1];
            }
        }
    }
  return covered / total;
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

static void
bench_summary_and_coverage (XunchaStore *store,
                            XunchaShift *shift,
                            GArray      *track_xy,
                            double       hours,
                            double       naive_summary_ms)
{
  const guint n_blocks = 223;
  g_autoptr(GArray) city_xy = NULL;
  g_autoptr(GPtrArray) city = make_city (n_blocks, &city_xy);
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) assigned = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, 2 * sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(XunchaRouteSummary) last = NULL;
  g_autoptr(GError) error = NULL;
  const char *subset_env = g_getenv ("XUNCHA_BENCH_NAIVE_SEGMENTS");
  guint subset = subset_env != NULL ? (guint)atoi (subset_env) : 300;
  guint agree = 0;
  double build_ms, first_ms, ours, naive_per_segment, naive_ms;
  gint64 start;

  start = g_get_monotonic_time ();
  map = xuncha_street_map_new (city);
  build_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* The officer's district: every third segment of the 3 km x 3 km the walk starts in. */
  for (guint k = 0; k < city->len; k++)
    {
      const double *v = &g_array_index (city_xy, double, 6 * k);
      if (v[0] >= -500 && v[0] < 2500 && v[1] >= -500 && v[1] < 2500 && k % 3 == 0)
        g_strv_builder_add (builder, xuncha_street_segment_get_id (g_ptr_array_index (city, k)));
    }
  assigned = g_strv_builder_end (builder);

  /* Ours: what the history page does on opening a shift with the city's map in memory:
   * the summary from the store (points and reports) and the coverage. */
  for (int r = 0; r < 5; r++)
    {
      g_autoptr(XunchaRouteSummary) summary = NULL;
      g_autoptr(GArray) points = NULL;
      double ms;

      start = g_get_monotonic_time ();
      summary = xuncha_route_summary_new_for_shift (store, shift, &points, &error);
      g_assert_no_error (error);
      xuncha_route_summary_add_coverage (summary, map, (const XunchaFix *)(void *)points->data,
                                         points->len, (const char * const *)assigned, NULL);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
      g_clear_pointer (&last, xuncha_route_summary_free);
      last = g_steal_pointer (&summary);
    }
  first_ms = g_array_index (times, double, 0);
  ours = median_ms (times);

  /* The naive coverage on a subset of segments (half of them walked ones, so the
   * comparison means something), extrapolated to the whole city: all of it would take
   * minutes. */
  start = g_get_monotonic_time ();
  for (guint k = 0; k < subset; k++)
    {
      guint index;
      const char *id;
      double fraction;
      gboolean walked_naive, walked_ours;

      if (k % 2 == 0 && last->walked_segments[k / 2] != NULL)
        {
          id = last->walked_segments[k / 2];
          for (index = 0; index < city->len; index++)
            if (g_str_equal (xuncha_street_segment_get_id (g_ptr_array_index (city, index)), id))
              break;
        }
      else
        index = g_rand_int_range (rand, 0, city->len);
      fraction = naive_fraction (&g_array_index (city_xy, double, 6 * index),
                                 (const double *)(void *)track_xy->data, track_xy->len, 25,
                                 scratch);
      id = xuncha_street_segment_get_id (g_ptr_array_index (city, index));
      walked_naive = fraction >= 0.6;
      walked_ours = g_strv_contains ((const char * const *)last->walked_segments, id);
      agree += walked_naive == walked_ours;
    }
  naive_per_segment = (g_get_monotonic_time () - start) / 1000.0 / subset;
  /* The lookup of walked ids above is part of the measured loop but small against
   * 43,200 distances per segment. */
  naive_ms = naive_per_segment * city->len + naive_summary_ms;

  g_printerr ("city: %u segments (map built in %.0f ms); %u assigned, %.1f %% walked, "
              "%u segments walked; naive on %u segments, %u agree on walked/not walked\n",
              city->len, build_ms, last->n_assigned, last->coverage_percent,
              g_strv_length (last->walked_segments), subset, agree);

  printf ("BENCH history_summary_coverage_%gh_100k value=%.2f unit=ms "
          "baseline=naive_points_x_segments_extrapolated_100k ratio=%.6f\n",
          hours, ours, ours / naive_ms);
  printf ("BENCH naive_points_x_segments_extrapolated_100k value=%.0f unit=ms "
          "baseline=naive_points_x_segments_extrapolated_100k ratio=1.0000\n", naive_ms);
  /* The first run on a fresh map, in case anything is set up on the first query (the
   * median leaves that out). */
  printf ("BENCH history_summary_coverage_%gh_100k_first_run value=%.2f unit=ms "
          "baseline=naive_points_x_segments_extrapolated_100k ratio=%.6f\n",
          hours, first_ms, first_ms / naive_ms);
  printf ("BENCH street_map_new_100k value=%.0f unit=ms "
          "baseline=history_summary_coverage_%gh_100k ratio=%.2f\n",
          build_ms, hours, build_ms / ours);
}

int
main (int    argc,
      char **argv)
{
  const char *hours_env = g_getenv ("XUNCHA_BENCH_HOURS");
  double hours = hours_env != NULL ? g_ascii_strtod (hours_env, NULL) : 12;
  guint seconds = (guint)(hours * 3600);
  g_autoptr(GArray) raw_xy = NULL;
  g_autoptr(GArray) raw = make_shift (seconds, &raw_xy);
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

  bench_summary_and_coverage (store, raw_shift, raw_xy, hours, naive);

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
