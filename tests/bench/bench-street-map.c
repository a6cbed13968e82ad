/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Street map benchmark: index build, memory, snap latency (STRtree against a plain scan
 * and against an SQLite R*Tree query plus exact distances), and track coverage against
 * the naive points × segments computation. Prints
 *   BENCH <name> value=<v> unit=<u> baseline=<name> ratio=<r>
 * where ratio = baseline / value for times (how many times faster than the baseline) and
 * value / baseline for memory. XUNCHA_BENCH_SCALE (default 1) multiplies the query counts. */
#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xuncha-core.h"
#include "xuncha-street-map-store-private.h"
#include "xuncha-test-util.h"

#define LAT0 30.80
#define LON0 106.08
#define SNAP_RADIUS_M 50.0

static double scale = 1;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Bytes the heap hands out (small blocks and mmapped ones): finer than the resident set,
 * which a reused heap does not move. */
static double
heap_bytes (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (double)info.uordblks + (double)info.hblkhd;
}

static void
bench (const char *name,
       double      value,
       const char *unit,
       const char *baseline,
       double      ratio)
{
  printf ("BENCH %s value=%.3f unit=%s baseline=%s ratio=%.2f\n", name, value, unit, baseline,
          ratio);
  fflush (stdout);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
percentile (double *values,
            guint   n,
            double  p)
{
  qsort (values, n, sizeof (double), compare_double);
  return values[MIN ((guint)(p * n), n - 1)];
}

/* A city of streets on a jittered grid of 100 m blocks, each segment with a middle vertex:
 * 2 n (n + 1) segments. */
static GPtrArray *
synthetic_city (guint n,
                guint seed)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_street_segment_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  double kx = 111320.0 * cos (LAT0 * G_PI / 180), ky = 110574.0;
  double x0 = -50.0 * n, y0 = -50.0 * n;

  for (guint i = 0; i <= n; i++)
    for (guint j = 0; j < n; j++)
      for (guint dir = 0; dir < 2; dir++)
        {
          double xy[6];
          double lonlat[6];
          guint ends[1] = { 3 };
          g_autofree char *id = g_strdup_printf ("%c%u_%u", dir ? 'v' : 'h', i, j);
          double a = i * 100.0, b = j * 100.0;

          if (dir == 0)
            {
              xy[0] = x0 + b, xy[1] = y0 + a;
              xy[4] = x0 + b + 100, xy[5] = y0 + a;
            }
          else
            {
              xy[0] = x0 + a, xy[1] = y0 + b;
              xy[4] = x0 + a, xy[5] = y0 + b + 100;
            }
          xy[2] = (xy[0] + xy[4]) / 2 + g_rand_double_range (rand, -4, 4);
          xy[3] = (xy[1] + xy[5]) / 2 + g_rand_double_range (rand, -4, 4);
          for (guint k = 0; k < 3; k++)
            {
              lonlat[2 * k] = LON0 + xy[2 * k] / kx;
              lonlat[2 * k + 1] = LAT0 + xy[2 * k + 1] / ky;
            }
          g_ptr_array_add (segments,
                           xuncha_street_segment_new (id, NULL, XUNCHA_STREET_CLASS_OTHER, NULL,
                                                      NULL, NULL, NULL, lonlat, ends, 1));
        }
  return segments;
}

/* The baseline: every part's exact distance, the five nearest within the radius. */
static guint
brute_force_snap (XunchaStreetMap *map,
                  double           x,
                  double           y,
                  double           radius)
{
  GEOSContextHandle_t geos = xuncha_street_map_get_geos_context (map);
  GEOSGeometry *point = GEOSGeom_createPointFromXY_r (geos, x, y);
  double best[5] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  guint found = 0;

  for (guint p = 0; p < xuncha_street_map_get_n_parts (map); p++)
    {
      double d;

      GEOSDistance_r (geos, xuncha_street_map_get_part (map, p, NULL), point, &d);
      if (d <= radius && d < best[4])
        {
          guint k = 4;
          while (k > 0 && best[k - 1] > d)
            {
              best[k] = best[k - 1];
              k--;
            }
          best[k] = d;
          found++;
        }
    }
  GEOSGeom_destroy_r (geos, point);
  return MIN (found, 5);
}

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *query;
} RTree;

static void
rtree_build (RTree           *rtree,
             XunchaStreetMap *map)
{
  GEOSContextHandle_t geos = xuncha_street_map_get_geos_context (map);
  sqlite3_stmt *insert;

  g_assert (sqlite3_open (":memory:", &rtree->db) == SQLITE_OK);
  g_assert (sqlite3_exec (rtree->db,
                          "CREATE VIRTUAL TABLE parts USING rtree (id, min_x, max_x, min_y, max_y);"
                          "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
  g_assert (sqlite3_prepare_v2 (rtree->db, "INSERT INTO parts VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                                &insert, NULL) == SQLITE_OK);
  for (guint p = 0; p < xuncha_street_map_get_n_parts (map); p++)
    {
      double b[4];

      GEOSGeom_getXMin_r (geos, xuncha_street_map_get_part (map, p, NULL), &b[0]);
      GEOSGeom_getXMax_r (geos, xuncha_street_map_get_part (map, p, NULL), &b[1]);
      GEOSGeom_getYMin_r (geos, xuncha_street_map_get_part (map, p, NULL), &b[2]);
      GEOSGeom_getYMax_r (geos, xuncha_street_map_get_part (map, p, NULL), &b[3]);
      sqlite3_bind_int64 (insert, 1, p);
      for (int k = 0; k < 4; k++)
        sqlite3_bind_double (insert, k + 2, b[k]);
      g_assert (sqlite3_step (insert) == SQLITE_DONE);
      sqlite3_reset (insert);
    }
  sqlite3_finalize (insert);
  g_assert (sqlite3_exec (rtree->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
  g_assert (sqlite3_prepare_v2 (rtree->db,
                                "SELECT id FROM parts WHERE max_x >= ?1 AND min_x <= ?2 "
                                "AND max_y >= ?3 AND min_y <= ?4", -1,
                                &rtree->query, NULL) == SQLITE_OK);
}

static guint
rtree_snap (RTree           *rtree,
            XunchaStreetMap *map,
            double           x,
            double           y,
            double           radius)
{
  GEOSContextHandle_t geos = xuncha_street_map_get_geos_context (map);
  GEOSGeometry *point = GEOSGeom_createPointFromXY_r (geos, x, y);
  double best[5] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  guint found = 0;

  sqlite3_bind_double (rtree->query, 1, x - radius);
  sqlite3_bind_double (rtree->query, 2, x + radius);
  sqlite3_bind_double (rtree->query, 3, y - radius);
  sqlite3_bind_double (rtree->query, 4, y + radius);
  while (sqlite3_step (rtree->query) == SQLITE_ROW)
    {
      double d;

      GEOSDistance_r (geos,
                      xuncha_street_map_get_part (map, sqlite3_column_int (rtree->query, 0), NULL),
                      point, &d);
      if (d <= radius && d < best[4])
        {
          guint k = 4;
          while (k > 0 && best[k - 1] > d)
            {
              best[k] = best[k - 1];
              k--;
            }
          best[k] = d;
          found++;
        }
    }
  sqlite3_reset (rtree->query);
  GEOSGeom_destroy_r (geos, point);
  return MIN (found, 5);
}

/* Snap latency of the three ways over the same random points in @box (lon/lat). */
static void
bench_snap (const char      *label,
            XunchaStreetMap *map,
            const double    *box,
            guint            n_fast,
            guint            n_brute,
            double           build_s,
            double           heap_delta)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree double *fast = g_new (double, n_fast);
  g_autofree double *slow = g_new (double, n_brute);
  g_autofree double *rt = g_new (double, n_fast);
  g_autofree char *name = NULL;
  g_autofree char *base = NULL;
  RTree rtree;
  double t, rtree_build_s, rtree_mem, fast_p50, fast_p99, slow_p50, slow_p99, rt_p50, rt_p99;
  guint agree = 0, mismatched = 0;

  t = now_s ();
  {
    sqlite3_int64 before = sqlite3_memory_used ();
    rtree_build (&rtree, map);
    rtree_mem = (double)(sqlite3_memory_used () - before);
  }
  rtree_build_s = now_s () - t;

  for (guint i = 0; i < n_fast; i++)
    {
      double lat = g_rand_double_range (rand, box[1], box[3]);
      double lon = g_rand_double_range (rand, box[0], box[2]);
      XunchaStreetSnap snaps[XUNCHA_STREET_MAP_MAX_SNAPS];
      double x, y, t0, t1;
      guint a, b;

      t0 = now_s ();
      a = xuncha_street_map_snap_within (map, lat, lon, SNAP_RADIUS_M, snaps, 5);
      t1 = now_s ();
      fast[i] = (t1 - t0) * 1e6;

      t0 = now_s ();
      xuncha_street_map_project (map, lat, lon, &x, &y);
      b = rtree_snap (&rtree, map, x, y, SNAP_RADIUS_M);
      t1 = now_s ();
      rt[i] = (t1 - t0) * 1e6;

      if (i < n_brute)
        {
          guint c;

          t0 = now_s ();
          xuncha_street_map_project (map, lat, lon, &x, &y);
          c = brute_force_snap (map, x, y, SNAP_RADIUS_M);
          t1 = now_s ();
          slow[i] = (t1 - t0) * 1e6;
          if (a == c)
            agree++;
          else
            mismatched++;
        }
      (void)b;
    }
  if (mismatched > 0)
    g_printerr ("%s: %u of %u snaps disagree with the brute force!\n", label, mismatched,
                n_brute);

  fast_p50 = percentile (fast, n_fast, 0.50);
  fast_p99 = percentile (fast, n_fast, 0.99);
  slow_p50 = percentile (slow, n_brute, 0.50);
  slow_p99 = percentile (slow, n_brute, 0.99);
  rt_p50 = percentile (rt, n_fast, 0.50);
  rt_p99 = percentile (rt, n_fast, 0.99);

  printf ("# %s: %u segments, %u parts; %u STRtree/R*Tree snaps, %u brute-force snaps "
          "(%u agree on the count)\n",
          label, xuncha_street_map_get_n_segments (map), xuncha_street_map_get_n_parts (map),
          n_fast, n_brute, agree);

#define NAME(fmt) (g_free (name), name = g_strdup_printf (fmt, label))
#define BASE(fmt) (g_free (base), base = g_strdup_printf (fmt, label))
  bench (NAME ("index_build_strtree_%s"), build_s * 1000, "ms",
         BASE ("index_build_rtree_%s"), rtree_build_s / build_s);
  /* The whole map (segments, projected GEOS lines and the tree) against the R*Tree's
   * boxes alone. */
  bench (NAME ("map_memory_strtree_%s"), heap_delta / 1048576, "MiB",
         BASE ("index_memory_rtree_%s"), heap_delta / MAX (rtree_mem, 1));
  bench (NAME ("index_memory_rtree_%s"), rtree_mem / 1048576, "MiB",
         BASE ("index_memory_rtree_%s"), 1.0);
  bench (NAME ("snap_p50_strtree_%s"), fast_p50, "us", BASE ("snap_p50_bruteforce_%s"),
         slow_p50 / fast_p50);
  bench (NAME ("snap_p99_strtree_%s"), fast_p99, "us", BASE ("snap_p99_bruteforce_%s"),
         slow_p99 / fast_p99);
  bench (NAME ("snap_p50_strtree_vs_rtree_%s"), fast_p50, "us", BASE ("snap_p50_rtree_%s"),
         rt_p50 / fast_p50);
  bench (NAME ("snap_p99_strtree_vs_rtree_%s"), fast_p99, "us", BASE ("snap_p99_rtree_%s"),
         rt_p99 / fast_p99);
  bench (NAME ("snap_p50_rtree_%s"), rt_p50, "us", BASE ("snap_p50_bruteforce_%s"),
         slow_p50 / rt_p50);
  bench (NAME ("snap_p50_bruteforce_%s"), slow_p50, "us", BASE ("snap_p50_bruteforce_%s"), 1.0);
  bench (NAME ("snap_p99_bruteforce_%s"), slow_p99, "us", BASE ("snap_p99_bruteforce_%s"), 1.0);
#undef NAME
#undef BASE

  sqlite3_finalize (rtree.query);
  sqlite3_close (rtree.db);
}

/* A 12-hour, 1 Hz walk along the grid's streets at 1.4 m/s, turning at random crossings,
 * with a few metres of GPS noise. */
static GArray *
city_walk (guint n_blocks,
           guint n_fixes,
           guint seed)
{
  GArray *fixes = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), n_fixes);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  double kx = 111320.0 * cos (LAT0 * G_PI / 180), ky = 110574.0;
  double x0 = -50.0 * n_blocks, y0 = -50.0 * n_blocks;
  int cx = n_blocks / 2, cy = n_blocks / 2;   /* crossing indices */
  int dx = 1, dy = 0;
  double along = 0;

  for (guint i = 0; i < n_fixes; i++)
    {
      XunchaFix fix = xuncha_fix_init (1700000000000 + (gint64)i * 1000, 0, 0);
      double x = x0 + 100.0 * cx + dx * along + g_rand_double_range (rand, -3, 3);
      double y = y0 + 100.0 * cy + dy * along + g_rand_double_range (rand, -3, 3);

      fix.lon = LON0 + x / kx;
      fix.lat = LAT0 + y / ky;
      fix.accuracy = 5;
      g_array_append_val (fixes, fix);

      along += 1.4;
      if (along >= 100)
        {
          int turn = g_rand_int_range (rand, 0, 3);   /* left, straight, right */

          cx += dx;
          cy += dy;
          along -= 100;
          if (turn == 0)
            {
              int t = dx;
              dx = -dy;
              dy = t;
            }
          else if (turn == 2)
            {
              int t = dx;
              dx = dy;
              dy = -t;
            }
          /* Stay inside the city. */
          if (cx + dx < 0 || cx + dx > (int)n_blocks || cy + dy < 0 || cy + dy > (int)n_blocks)
            {
              dx = -dx;
              dy = -dy;
            }
        }
    }
  return fixes;
}

/* The naive way: for one segment, every track point's distance to it, each near point
 * covering the chord of its 25 m circle; the union's length. */
static double
naive_fraction (XunchaStreetMap *map,
                XunchaStreetSegment *segment,
                const double    *track_xy,
                guint            n_points,
                double           r,
                GArray          *scratch)
{
  guint n;
  const double *lonlat = xuncha_street_segment_get_coordinates (segment, &n);
  double total = 0, covered = 0;

  for (guint j = 0; j + 1 < n; j++)
    {
      double ax, ay, bx, by, len, end = -G_MAXDOUBLE;

      xuncha_street_map_project (map, lonlat[2 * j + 1], lonlat[2 * j], &ax, &ay);
      xuncha_street_map_project (map, lonlat[2 * j + 3], lonlat[2 * j + 2], &bx, &by);
      len = hypot (bx - ax, by - ay);
      total += len;
      g_array_set_size (scratch, 0);
      for (guint i = 0; i < n_points; i++)
        {
          double px = track_xy[2 * i], py = track_xy[2 * i + 1];
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
      qsort (scratch->data, scratch->len, 2 * sizeof (double), compare_double);
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
  return total > 0 ? covered / total : 0;
}

static void
bench_coverage (XunchaStreetMap *map,
                guint            n_blocks)
{
  g_autoptr(GArray) fixes = city_walk (n_blocks, 43200, 5);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, 2 * sizeof (double));
  g_autofree double *track_xy = g_new (double, 2 * fixes->len);
  g_autofree double *times = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  XunchaCoverage *coverage = NULL;
  guint runs = MAX (3, (guint)(5 * scale));
  guint subset = MAX (50, (guint)(200 * scale));
  guint n_segments = xuncha_street_map_get_n_segments (map);
  double fast, naive_per_segment, naive_total, t, worst_diff = 0;
  guint walked_in_subset = 0;

  times = g_new (double, runs);
  for (guint r = 0; r < runs; r++)
    {
      g_clear_pointer (&coverage, xuncha_coverage_unref);
      t = now_s ();
      coverage = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                                     fixes->len, NULL, NULL);
      times[r] = (now_s () - t) * 1000;
    }
  fast = percentile (times, runs, 0.5);

  for (guint i = 0; i < fixes->len; i++)
    {
      const XunchaFix *fix = &g_array_index (fixes, XunchaFix, i);
      xuncha_street_map_project (map, fix->lat, fix->lon, &track_xy[2 * i], &track_xy[2 * i + 1]);
    }

  /* The naive way on a subset: half walked segments (so the comparison means something),
   * half random ones; extrapolated to the whole city. */
  t = now_s ();
  for (guint k = 0; k < subset; k++)
    {
      XunchaStreetSegment *segment;
      double naive, exact;

      if (k % 2 == 0 && xuncha_coverage_get_walked_ids (coverage)[k / 2] != NULL)
        segment = xuncha_street_map_lookup (map, xuncha_coverage_get_walked_ids (coverage)[k / 2]);
      else
        segment = xuncha_street_map_get_segment (map, g_rand_int_range (rand, 0, n_segments));
      naive = naive_fraction (map, segment, track_xy, fixes->len, 25, scratch);
      exact = xuncha_coverage_get_fraction (coverage, xuncha_street_segment_get_id (segment));
      /* Points are 1.4 m apart, the exact method joins them: close, not equal. */
      worst_diff = MAX (worst_diff, fabs (naive - exact));
      walked_in_subset += exact >= 0.6;
    }
  naive_per_segment = (now_s () - t) / subset;
  naive_total = naive_per_segment * n_segments * 1000;

  printf ("# coverage: %u fixes (%.1f km), %u of %u segments walked; naive on %u segments "
          "(%u walked), largest difference %.4f\n",
          xuncha_coverage_get_n_fixes_used (coverage),
          xuncha_coverage_get_track_length_m (coverage) / 1000,
          xuncha_coverage_get_n_walked (coverage), n_segments, subset, walked_in_subset,
          worst_diff);
  bench ("coverage_43200pts_100k", fast, "ms", "coverage_naive_points_x_segments_100k",
         naive_total / fast);
  bench ("coverage_naive_points_x_segments_100k", naive_total, "ms",
         "coverage_naive_points_x_segments_100k", 1.0);
  xuncha_coverage_unref (coverage);
}

static XunchaStreetMap *
load_monaco (double *heap_delta,
             double *build_s)
{
  g_autofree char *path = xuncha_test_testdata_path ("streets/monaco_2012_highways.geojson");
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  XunchaStreetMap *map;
  double before, t;

  if (path == NULL)
    return NULL;
  dir = g_dir_make_tmp ("xuncha-bench-XXXXXX", NULL);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  /* What a program does once at its start (categories, the outbox). */
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  importer = xuncha_map_importer_new (store);
  if (!xuncha_map_importer_import_streets_file (importer, path, NULL, &error))
    g_error ("%s", error->message);
  before = heap_bytes ();
  t = now_s ();
  map = xuncha_street_map_new_from_store (store, &error);
  *build_s = now_s () - t;
  *heap_delta = heap_bytes () - before;
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
  return map;
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("XUNCHA_BENCH_SCALE");
  g_autoptr(GPtrArray) city = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(XunchaStreetMap) monaco = NULL;
  guint n_blocks = 223;   /* 2 * 223 * 224 = 99,904 segments */
  double before, t, build_s, heap_delta, box[4];

  if (env != NULL && g_ascii_strtod (env, NULL) > 0)
    scale = g_ascii_strtod (env, NULL);

  /* Monaco's build time includes reading the segments from the store. */
  monaco = load_monaco (&heap_delta, &build_s);
  if (monaco == NULL)
    printf ("# Monaco: the shared test data is not beside this checkout; skipped\n");
  else
    {
      xuncha_street_map_get_bbox (monaco, &box[0], &box[1], &box[2], &box[3]);
      bench_snap ("monaco", monaco, box, (guint)(20000 * scale), (guint)(2000 * scale),
                  build_s, heap_delta);
    }

  city = synthetic_city (n_blocks, 1);
  before = heap_bytes ();
  t = now_s ();
  map = xuncha_street_map_new (city);
  build_s = now_s () - t;
  heap_delta = heap_bytes () - before;
  xuncha_street_map_get_bbox (map, &box[0], &box[1], &box[2], &box[3]);
  bench_snap ("100k", map, box, (guint)(20000 * scale), (guint)(200 * scale), build_s,
              heap_delta);
  bench_coverage (map, n_blocks);
  return 0;
}
