/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-street-map-store-private.h"
#include "xuncha-test-util.h"

/* Geometry here is drawn in metres on a plane about (30.8 N, 106.08 E) and turned into
 * degrees with the projection of a "frame" map. Every test map also holds the frame's two
 * anchor segments, so its extent, and so its projection, is the frame's: metres drawn here
 * are metres in the map, exactly. */
#define LAT0 30.8
#define LON0 106.08
#define HALF 0.02   /* degrees: the anchors sit at the corners, about 2 km out */

static XunchaStreetMap *frame;

static XunchaStreetSegment *
anchor (const char *id,
        double      lat,
        double      lon0,
        double      lon1)
{
  double lonlat[4] = { lon0, lat, lon1, lat };
  guint ends[1] = { 2 };

  return xuncha_street_segment_new (id, NULL, XUNCHA_STREET_CLASS_OTHER, NULL, NULL, NULL,
                                    NULL, lonlat, ends, 1);
}

static GPtrArray *
new_segments (void)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_street_segment_unref);

  g_ptr_array_add (segments, anchor ("anchor-sw", LAT0 - HALF, LON0 - HALF, LON0 - HALF + 1e-4));
  g_ptr_array_add (segments, anchor ("anchor-ne", LAT0 + HALF, LON0 + HALF - 1e-4, LON0 + HALF));
  return segments;
}

static void
to_degrees (double  x,
            double  y,
            double *lat,
            double *lon)
{
  xuncha_street_map_unproject (frame, x, y, lat, lon);
}

/* A segment from metre coordinates: @xy holds x, y pairs; @ends as for
 * xuncha_street_segment_new(). */
static XunchaStreetSegment *
segment_m (const char        *id,
           XunchaStreetClass  klass,
           const double      *xy,
           const guint       *ends,
           guint              n_parts)
{
  guint n = ends[n_parts - 1];
  g_autofree double *lonlat = g_new (double, 2 * n);

  for (guint i = 0; i < n; i++)
    to_degrees (xy[2 * i], xy[2 * i + 1], &lonlat[2 * i + 1], &lonlat[2 * i]);
  return xuncha_street_segment_new (id, id, klass, NULL, NULL, NULL, NULL, lonlat, ends,
                                    n_parts);
}

static void
add_line (GPtrArray  *segments,
          const char *id,
          double      x0,
          double      y0,
          double      x1,
          double      y1)
{
  double xy[4] = { x0, y0, x1, y1 };
  guint ends[1] = { 2 };

  g_ptr_array_add (segments, segment_m (id, XUNCHA_STREET_CLASS_OTHER, xy, ends, 1));
}

static guint
snap_m (XunchaStreetMap  *map,
        double            x,
        double            y,
        double            accuracy,
        XunchaStreetSnap *out)
{
  double lat, lon;

  to_degrees (x, y, &lat, &lon);
  return xuncha_street_map_snap (map, lat, lon, accuracy, out, XUNCHA_STREET_MAP_MAX_SNAPS);
}

static XunchaStreetMap *
hand_made_map (void)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  static const double l_xy[] = { 0, 0, 100, 0, 100, 50 };
  static const guint l_ends[] = { 3 };
  static const double m_xy[] = { 0, 100, 100, 100, 200, 100, 300, 100 };
  static const guint m_ends[] = { 2, 4 };

  g_ptr_array_add (segments, segment_m ("L", XUNCHA_STREET_CLASS_STRICT, l_xy, l_ends, 1));
  g_ptr_array_add (segments, segment_m ("M", XUNCHA_STREET_CLASS_CLASS1, m_xy, m_ends, 2));
  return xuncha_street_map_new (segments);
}

static void
assert_snap (const XunchaStreetSnap *snap,
             const char             *id,
             double                  distance,
             double                  offset,
             XunchaStreetSide        side,
             double                  near_x,
             double                  near_y)
{
  double lat, lon;

  g_assert_cmpstr (xuncha_street_segment_get_id (snap->segment), ==, id);
  g_assert_cmpfloat_with_epsilon (snap->distance_m, distance, 1e-6);
  g_assert_cmpfloat_with_epsilon (snap->offset_m, offset, 1e-6);
  g_assert_cmpint (snap->side, ==, side);
  to_degrees (near_x, near_y, &lat, &lon);
  g_assert_cmpfloat (xuncha_distance_m (lat, lon, snap->lat, snap->lon), <, 0.001);
}

static void
test_snap_hand_made (void)
{
  g_autoptr(XunchaStreetMap) map = hand_made_map ();
  XunchaStreetSnap snaps[XUNCHA_STREET_MAP_MAX_SNAPS];
  double lat, lon;

  /* Along the first leg of the L, north of it: left of an eastward line. */
  g_assert_cmpuint (snap_m (map, 30, 10, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "L", 10, 30, XUNCHA_STREET_SIDE_LEFT, 30, 0);
  /* South of it: right. */
  g_assert_cmpuint (snap_m (map, 50, -5, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "L", 5, 50, XUNCHA_STREET_SIDE_RIGHT, 50, 0);
  /* Past the corner, east of the northward leg: right; the offset runs on round it. */
  g_assert_cmpuint (snap_m (map, 110, 20, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "L", 10, 120, XUNCHA_STREET_SIDE_RIGHT, 100, 20);
  /* West of the northward leg: left. */
  g_assert_cmpuint (snap_m (map, 93, 45, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "L", 7, 145, XUNCHA_STREET_SIDE_LEFT, 100, 45);

  /* The second part of M starts 100 m along M. */
  g_assert_cmpuint (snap_m (map, 250, 90, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "M", 10, 150, XUNCHA_STREET_SIDE_RIGHT, 250, 100);
  /* On the centre line. */
  g_assert_cmpuint (snap_m (map, 50, 100, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "M", 0, 50, XUNCHA_STREET_SIDE_ON, 50, 100);
  /* In the gap between M's parts: the end of the first part is nearest. */
  g_assert_cmpuint (snap_m (map, 130, 100, NAN, snaps), ==, 1);
  assert_snap (&snaps[0], "M", 30, 100, XUNCHA_STREET_SIDE_ON, 100, 100);

  /* Between both: the nearest first, the other as an alternative. */
  g_assert_cmpuint (snap_m (map, 60, 62, NAN, snaps), ==, 2);
  assert_snap (&snaps[0], "M", 38, 60, XUNCHA_STREET_SIDE_RIGHT, 60, 100);
  g_assert_cmpstr (xuncha_street_segment_get_id (snaps[1].segment), ==, "L");
  g_assert_cmpfloat_with_epsilon (snaps[1].distance_m, hypot (40, 12), 1e-6);

  /* 70 m from L: out of reach by default, reached when the fix is poor, the bonus capped. */
  g_assert_cmpuint (snap_m (map, 30, -70, NAN, snaps), ==, 0);
  g_assert_cmpuint (snap_m (map, 30, -70, 19, snaps), ==, 0);
  g_assert_cmpuint (snap_m (map, 30, -70, 21, snaps), ==, 1);
  assert_snap (&snaps[0], "L", 70, 30, XUNCHA_STREET_SIDE_RIGHT, 30, 0);
  g_assert_cmpuint (snap_m (map, 30, -151, 5000, snaps), ==, 0);
  g_assert_cmpuint (snap_m (map, 30, -149, 5000, snaps), ==, 1);

  /* nearest() has no limit. */
  to_degrees (30, -700, &lat, &lon);
  g_assert_true (xuncha_street_map_nearest (map, lat, lon, &snaps[0]));
  assert_snap (&snaps[0], "L", 700, 30, XUNCHA_STREET_SIDE_RIGHT, 30, 0);

  /* Far from everything. */
  g_assert_cmpuint (snap_m (map, 1000, 1000, 30, snaps), ==, 0);
  g_assert_cmpuint (xuncha_street_map_snap (map, NAN, 106.0, 10, snaps, 5), ==, 0);
}

static void
test_empty_map (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(XunchaStreetMap) map = xuncha_street_map_new (none);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(XunchaCoverage) coverage = NULL;
  XunchaStreetSnap snap;
  XunchaFix fixes[2] = { xuncha_fix_init (0, 30.8, 106.08), xuncha_fix_init (1000, 30.8, 106.081) };
  const char *assigned[] = { "nope", NULL };

  g_assert_cmpuint (xuncha_street_map_get_n_segments (map), ==, 0);
  g_assert_false (xuncha_street_map_get_bbox (map, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (xuncha_street_map_snap (map, 30.8, 106.08, 10, &snap, 1), ==, 0);
  g_assert_false (xuncha_street_map_nearest (map, 30.8, 106.08, &snap));
  found = xuncha_street_map_query_bbox (map, 106, 30, 107, 31);
  g_assert_cmpuint (found->len, ==, 0);
  coverage = xuncha_street_map_compute_coverage (map, fixes, 2, NULL, assigned);
  g_assert_cmpuint (xuncha_coverage_get_n_walked (coverage), ==, 0);
  g_assert_cmpstr (xuncha_coverage_get_unknown_ids (coverage)[0], ==, "nope");
}

/* The reference: every part's exact GEOS distance, per segment the smallest, sorted. */
typedef struct
{
  guint  segment;
  double distance;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->distance != y->distance)
    return x->distance < y->distance ? -1 : 1;
  return x->segment < y->segment ? -1 : x->segment > y->segment;
}

static guint
brute_force (XunchaStreetMap *map,
             double           lat,
             double           lon,
             double           max_distance,
             Ranked          *ranked)
{
  GEOSContextHandle_t geos = xuncha_street_map_get_geos_context (map);
  guint n_segments = xuncha_street_map_get_n_segments (map);
  GEOSGeometry *point;
  double x, y;
  guint n = 0;

  for (guint s = 0; s < n_segments; s++)
    {
      ranked[s].segment = s;
      ranked[s].distance = G_MAXDOUBLE;
    }
  xuncha_street_map_project (map, lat, lon, &x, &y);
  point = GEOSGeom_createPointFromXY_r (geos, x, y);
  for (guint p = 0; p < xuncha_street_map_get_n_parts (map); p++)
    {
      guint s;
      const GEOSGeometry *line = xuncha_street_map_get_part (map, p, &s);
      double d;

      g_assert_cmpint (GEOSDistance_r (geos, line, point, &d), ==, 1);
      ranked[s].distance = MIN (ranked[s].distance, d);
    }
  GEOSGeom_destroy_r (geos, point);
  qsort (ranked, n_segments, sizeof (Ranked), compare_ranked);
  while (n < n_segments && ranked[n].distance <= max_distance)
    n++;
  return n;
}

/* For @n_points random points in the box, the index gives what the full scan gives: the
 * same segments in the same order (ties aside), distances within 1 cm. */
static void
check_against_brute_force (XunchaStreetMap *map,
                           double           min_lat,
                           double           min_lon,
                           double           max_lat,
                           double           max_lon,
                           guint            n_points,
                           guint            seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree Ranked *ranked = g_new (Ranked, xuncha_street_map_get_n_segments (map));
  guint with_answer = 0, with_alternatives = 0;
  const char *slowdown = g_getenv ("XUNCHA_TEST_SLOWDOWN");

  /* Under valgrind or a sanitizer, fewer points (the full scan is the slow part). */
  if (slowdown != NULL && g_ascii_strtoull (slowdown, NULL, 10) > 1)
    n_points = MAX (n_points / (guint)g_ascii_strtoull (slowdown, NULL, 10), 100);

  for (guint i = 0; i < n_points; i++)
    {
      double lat = g_rand_double_range (rand, min_lat, max_lat);
      double lon = g_rand_double_range (rand, min_lon, max_lon);
      double max_distance = g_rand_double_range (rand, 10, 150);
      XunchaStreetSnap snaps[XUNCHA_STREET_MAP_MAX_SNAPS];
      XunchaStreetSnap nearest;
      guint n = xuncha_street_map_snap_within (map, lat, lon, max_distance, snaps,
                                               G_N_ELEMENTS (snaps));
      guint expected = brute_force (map, lat, lon, max_distance, ranked);

      g_assert_cmpuint (n, ==, MIN (expected, G_N_ELEMENTS (snaps)));
      for (guint k = 0; k < n; k++)
        {
          XunchaStreetSegment *want = xuncha_street_map_get_segment (map, ranked[k].segment);

          g_assert_cmpfloat (fabs (snaps[k].distance_m - ranked[k].distance), <, 0.01);
          /* Equal distances may come in either order. */
          if (snaps[k].segment != want)
            g_assert_cmpfloat (fabs (ranked[k].distance - snaps[k].distance_m), <, 0.01);
          g_assert_cmpfloat (snaps[k].offset_m, >=, 0);
          g_assert_cmpfloat (snaps[k].offset_m,
                             <=, xuncha_street_segment_get_length_m (snaps[k].segment) * 1.01 + 0.01);
        }
      with_answer += n > 0;
      with_alternatives += n > 1;

      g_assert_true (xuncha_street_map_nearest (map, lat, lon, &nearest));
      g_assert_cmpfloat (fabs (nearest.distance_m - ranked[0].distance), <, 0.01);
    }
  g_test_message ("%u of %u points snapped, %u with alternatives", with_answer, n_points,
                  with_alternatives);
  /* The points fall in a city (Monaco's box is half sea), so many find a street. */
  g_assert_cmpuint (with_answer, >, n_points / 5);
  g_assert_cmpuint (with_alternatives, >, 0);
}

static XunchaStreetMap *
random_city (guint n_segments,
             guint seed)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < n_segments; i++)
    {
      double xy[12];
      guint ends[2];
      guint n = g_rand_int_range (rand, 2, 6);
      guint n_parts = n >= 4 && g_rand_boolean (rand) ? 2 : 1;
      g_autofree char *id = g_strdup_printf ("r%05u", i);

      xy[0] = g_rand_double_range (rand, -1500, 1500);
      xy[1] = g_rand_double_range (rand, -1500, 1500);
      for (guint k = 1; k < n; k++)
        {
          xy[2 * k] = xy[2 * k - 2] + g_rand_double_range (rand, -120, 120);
          xy[2 * k + 1] = xy[2 * k - 1] + g_rand_double_range (rand, -120, 120);
        }
      ends[0] = n_parts == 1 ? n : 2;
      ends[1] = n;
      g_ptr_array_add (segments, segment_m (id, XUNCHA_STREET_CLASS_OTHER, xy, ends, n_parts));
    }
  return xuncha_street_map_new (segments);
}

static void
test_index_equals_brute_force (void)
{
  g_autoptr(XunchaStreetMap) map = random_city (3000, 7);

  check_against_brute_force (map, LAT0 - 0.0145, LON0 - 0.017, LAT0 + 0.0145, LON0 + 0.017,
                             10000, 11);
}

static void
test_monaco_index_equals_brute_force (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("streets/monaco_2012_highways.geojson");
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  double b[4];

  if (path == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  importer = xuncha_map_importer_new (store);
  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, NULL, &error));
  map = xuncha_street_map_new_from_store (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xuncha_street_map_get_n_segments (map), ==, 860);
  g_assert_true (xuncha_street_map_get_bbox (map, &b[0], &b[1], &b[2], &b[3]));

  check_against_brute_force (map, b[1], b[0], b[3], b[2], 10000, 13);
  xuncha_test_remove_tree (dir);
}

static void
test_query_bbox (void)
{
  g_autoptr(XunchaStreetMap) map = random_city (2000, 17);
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);

  for (guint i = 0; i < 300; i++)
    {
      double x = g_rand_double_range (rand, -1600, 1400);
      double y = g_rand_double_range (rand, -1600, 1400);
      double w = g_rand_double_range (rand, 1, 400);
      double min_lat, min_lon, max_lat, max_lon;
      g_autoptr(GPtrArray) found = NULL;
      guint expected = 0;

      to_degrees (x, y, &min_lat, &min_lon);
      to_degrees (x + w, y + w * 0.7, &max_lat, &max_lon);
      found = xuncha_street_map_query_bbox (map, min_lon, min_lat, max_lon, max_lat);

      for (guint s = 0; s < xuncha_street_map_get_n_segments (map); s++)
        {
          XunchaStreetSegment *segment = xuncha_street_map_get_segment (map, s);
          gboolean meets = FALSE;

          /* A part's box, not the whole segment's: a view between the parts of a
           * MultiLineString shows none of it. */
          for (guint p = 0; p < xuncha_street_segment_get_n_parts (segment); p++)
            {
              guint n;
              const double *v = xuncha_street_segment_get_part (segment, p, &n);
              double b[4] = { v[0], v[1], v[0], v[1] };

              for (guint k = 1; k < n; k++)
                {
                  b[0] = MIN (b[0], v[2 * k]);
                  b[1] = MIN (b[1], v[2 * k + 1]);
                  b[2] = MAX (b[2], v[2 * k]);
                  b[3] = MAX (b[3], v[2 * k + 1]);
                }
              meets |= b[0] <= max_lon && b[2] >= min_lon && b[1] <= max_lat && b[3] >= min_lat;
            }
          if (!meets)
            continue;
          g_assert_true (expected < found->len && g_ptr_array_index (found, expected) == segment);
          expected++;
        }
      g_assert_cmpuint (found->len, ==, expected);
    }

  /* What the map view needs from each: vertices, name, class, by id. */
  {
    g_autoptr(XunchaStreetMap) hand = hand_made_map ();
    XunchaStreetSegment *l = xuncha_street_map_lookup (hand, "L");
    guint n;
    const double *lonlat = xuncha_street_segment_get_coordinates (l, &n);

    g_assert_cmpuint (n, ==, 3);
    g_assert_cmpfloat_with_epsilon (lonlat[1], LAT0, 1e-9);
    g_assert_cmpstr (xuncha_street_segment_get_name (l), ==, "L");
    g_assert_cmpint (xuncha_street_segment_get_class (l), ==, XUNCHA_STREET_CLASS_STRICT);
    g_assert_null (xuncha_street_map_lookup (hand, "missing"));
  }
}

/* Coverage ------------------------------------------------------------------------------ */

/* A 6 x 6 grid of streets 100 m apart (x, y from 0 to 500), cut at every crossing into
 * 100 m segments named h<x>_<y> (eastward from (x, y)) and v<x>_<y> (northward). */
static XunchaStreetMap *
grid_map (void)
{
  g_autoptr(GPtrArray) segments = new_segments ();

  for (int i = 0; i <= 5; i++)
    for (int j = 0; j < 5; j++)
      {
        g_autofree char *h = g_strdup_printf ("h%d_%d", j * 100, i * 100);
        g_autofree char *v = g_strdup_printf ("v%d_%d", i * 100, j * 100);

        add_line (segments, h, j * 100, i * 100, j * 100 + 100, i * 100);
        add_line (segments, v, i * 100, j * 100, i * 100, j * 100 + 100);
      }
  return xuncha_street_map_new (segments);
}

/* A walk through the given corners at 1.4 m/s, one fix a second. */
static GArray *
walk (const double *corners,
      guint         n_corners)
{
  GArray *fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  gint64 t = 1700000000000;

  for (guint c = 0; c + 1 < n_corners; c++)
    {
      double x0 = corners[2 * c], y0 = corners[2 * c + 1];
      double x1 = corners[2 * c + 2], y1 = corners[2 * c + 3];
      guint steps = (guint)ceil (hypot (x1 - x0, y1 - y0) / 1.4);

      for (guint k = c == 0 ? 0 : 1; k <= steps; k++, t += 1000)
        {
          double f = (double)k / steps;
          XunchaFix fix = xuncha_fix_init (t, 0, 0);

          to_degrees (x0 + f * (x1 - x0), y0 + f * (y1 - y0), &fix.lat, &fix.lon);
          fix.accuracy = 5;
          g_array_append_val (fixes, fix);
        }
    }
  return fixes;
}

static void
test_coverage_grid (void)
{
  g_autoptr(XunchaStreetMap) map = grid_map ();
  /* East along y = 200 from x = 0 to 500, then north to (500, 440). */
  static const double corners[] = { 0, 200, 500, 200, 500, 440 };
  g_autoptr(GArray) fixes = walk (corners, 3);
  g_autoptr(XunchaCoverage) coverage = NULL;
  static const char * const walked[] = {
    "h0_200", "h100_200", "h200_200", "h300_200", "h400_200", "v500_200", "v500_300",
    "v500_400", NULL
  };
  const char *assigned[] = {
    "h0_200", "v500_200", "v500_400", "h0_0", "v200_100", "v500_200", "ghost", NULL
  };
  const char * const *got;

  coverage = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                                 fixes->len, NULL, assigned);

  /* Exactly the streets walked along; 65 % of v500_400 (up to 440 + 25) is enough. */
  got = xuncha_coverage_get_walked_ids (coverage);
  g_assert_cmpstrv (got, walked);
  g_assert_cmpuint (xuncha_coverage_get_n_walked (coverage), ==, 8);

  /* Exact fractions: the side streets get the 25 m the radius reaches into them. */
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "h0_200"), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "v500_400"), 0.65, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "v200_100"), 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "v200_200"), 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "v0_100"), 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "h400_300"), 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (coverage, "h400_400"), 0.25, 1e-9);
  /* The walk ends at (500, 440), 60 m short of y = 500: out of reach. */
  g_assert_cmpfloat (xuncha_coverage_get_fraction (coverage, "h400_500"), ==, 0);
  g_assert_cmpfloat (xuncha_coverage_get_fraction (coverage, "h0_0"), ==, 0);
  g_assert_cmpfloat (xuncha_coverage_get_fraction (coverage, "ghost"), ==, -1);

  /* Assigned: 5 known (one given twice), 3 walked, 2 missed, 1 unknown. */
  g_assert_cmpuint (xuncha_coverage_get_n_assigned (coverage), ==, 5);
  g_assert_cmpuint (xuncha_coverage_get_n_assigned_walked (coverage), ==, 3);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_percent_by_count (coverage), 60.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_assigned_length_m (coverage), 500, 1e-6);
  /* 100 + 100 + 65 + 0 + 25 metres of 500. */
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_covered_length_m (coverage), 290, 1e-6);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_percent_by_length (coverage), 58.0, 1e-6);
  got = xuncha_coverage_get_missed_ids (coverage);
  g_assert_cmpstr (got[0], ==, "h0_0");
  g_assert_cmpstr (got[1], ==, "v200_100");
  g_assert_null (got[2]);
  got = xuncha_coverage_get_unknown_ids (coverage);
  g_assert_cmpstr (got[0], ==, "ghost");
  g_assert_null (got[1]);

  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_track_length_m (coverage), 740, 1e-6);
  g_assert_cmpuint (xuncha_coverage_get_n_fixes_used (coverage), ==, fixes->len);
}

static void
test_coverage_options (void)
{
  g_autoptr(XunchaStreetMap) map = grid_map ();
  static const double corners[] = { 0, 200, 500, 200, 500, 440 };
  g_autoptr(GArray) fixes = walk (corners, 3);
  g_autoptr(XunchaCoverage) wide = NULL;
  g_autoptr(XunchaCoverage) strict = NULL;
  g_autoptr(XunchaCoverage) gap = NULL;
  g_autoptr(XunchaCoverage) filtered = NULL;
  XunchaCoverageOptions options;

  /* A 50 m radius: side streets half walked. */
  xuncha_coverage_options_init (&options);
  options.radius_m = 50;
  wide = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                             fixes->len, &options, NULL);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (wide, "v200_100"), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (wide, "v500_400"), 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (wide, "h400_400"), 0.5, 1e-9);
  g_assert_cmpuint (xuncha_coverage_get_n_assigned (wide), ==, 0);
  g_assert_cmpfloat (xuncha_coverage_get_percent_by_count (wide), ==, 0);
  g_clear_pointer (&wide, xuncha_coverage_unref);

  /* 65 m: the round end of the walk at (500, 440) reaches y = 500 from
   * x = 500 - sqrt(65² - 60²) = 475. */
  options.radius_m = 65;
  wide = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                             fixes->len, &options, NULL);
  g_assert_cmpfloat_with_epsilon (xuncha_coverage_get_fraction (wide, "h400_500"), 0.25, 1e-9);

  /* A 70 % threshold drops the 65 % segment. */
  xuncha_coverage_options_init (&options);
  options.min_fraction = 0.7;
  strict = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                               fixes->len, &options, NULL);
  g_assert_cmpuint (xuncha_coverage_get_n_walked (strict), ==, 7);

  /* No fix for ten minutes between x = 220 and 280 on h200_200: that stretch is not
   * drawn in, so 25 m from either end reach in and 10 m stay unwalked. */
  {
    g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
    double x, y;

    for (guint i = 0; i < fixes->len; i++)
      {
        XunchaFix fix = g_array_index (fixes, XunchaFix, i);

        xuncha_street_map_project (map, fix.lat, fix.lon, &x, &y);
        if (y < 200.5 && x > 220 && x < 280)
          continue;
        if (x >= 280 || y >= 200.5)
          fix.t_ms += 10 * 60 * 1000;
        g_array_append_val (kept, fix);
      }
    gap = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)kept->data,
                                              kept->len, NULL, NULL);
    /* The walk's fixes sit 1.4 m apart, so the cut is within a fix of 220 and 280. */
    g_assert_cmpfloat (fabs (xuncha_coverage_get_fraction (gap, "h200_200") - 0.9), <, 0.03);
    g_assert_cmpfloat (xuncha_coverage_get_fraction (gap, "h200_200"), <, 1.0);
    g_assert_cmpfloat (xuncha_coverage_get_track_length_m (gap), <,
                       740 - 58);
  }

  /* Fixes worse than the accuracy limit are left out: all of them here. */
  xuncha_coverage_options_init (&options);
  options.max_accuracy_m = 4;
  filtered = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                                 fixes->len, &options, NULL);
  g_assert_cmpuint (xuncha_coverage_get_n_fixes_used (filtered), ==, 0);
  g_assert_cmpuint (xuncha_coverage_get_n_walked (filtered), ==, 0);
}

/* The exact method against GEOS's own buffer and intersection on a wandering walk. */
static void
test_coverage_matches_geos_buffer (void)
{
  g_autoptr(XunchaStreetMap) map = grid_map ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  g_autoptr(GArray) fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(XunchaCoverage) coverage = NULL;
  GEOSContextHandle_t geos = xuncha_street_map_get_geos_context (map);
  GEOSCoordSequence *seq;
  GEOSGeometry *track, *buffer;
  double x = 250, y = 250, heading = 0;
  guint compared = 0;

  seq = GEOSCoordSeq_create_r (geos, 3000, 2);
  for (guint i = 0; i < 3000; i++)
    {
      XunchaFix fix = xuncha_fix_init (1700000000000 + i * 1000, 0, 0);

      heading += g_rand_double_range (rand, -0.3, 0.3);
      x = CLAMP (x + 1.4 * cos (heading), -20, 520);
      y = CLAMP (y + 1.4 * sin (heading), -20, 520);
      GEOSCoordSeq_setXY_r (geos, seq, i, x, y);
      to_degrees (x, y, &fix.lat, &fix.lon);
      g_array_append_val (fixes, fix);
    }
  coverage = xuncha_street_map_compute_coverage (map, (const XunchaFix *)(void *)fixes->data,
                                                 fixes->len, NULL, NULL);

  /* The fixes were made from these metres; round them through degrees as the map does. */
  for (guint i = 0; i < fixes->len; i++)
    {
      const XunchaFix *fix = &g_array_index (fixes, XunchaFix, i);
      xuncha_street_map_project (map, fix->lat, fix->lon, &x, &y);
      GEOSCoordSeq_setXY_r (geos, seq, i, x, y);
    }
  track = GEOSGeom_createLineString_r (geos, seq);
  buffer = GEOSBuffer_r (geos, track, 25, 64);

  for (guint p = 0; p < xuncha_street_map_get_n_parts (map); p++)
    {
      guint s;
      const GEOSGeometry *line = xuncha_street_map_get_part (map, p, &s);
      XunchaStreetSegment *segment = xuncha_street_map_get_segment (map, s);
      GEOSGeometry *inside = GEOSIntersection_r (geos, line, buffer);
      double length, inside_length;

      GEOSLength_r (geos, line, &length);
      GEOSLength_r (geos, inside, &inside_length);
      GEOSGeom_destroy_r (geos, inside);
      if (g_str_has_prefix (xuncha_street_segment_get_id (segment), "anchor"))
        continue;
      /* 64 segments a quarter circle: the polygon's arcs are within 2 mm of the circle. */
      g_assert_cmpfloat (fabs (xuncha_coverage_get_fraction (coverage,
                                                             xuncha_street_segment_get_id (segment))
                               - inside_length / length), <, 0.001);
      compared += inside_length > 0;
    }
  g_test_message ("%u segments touched by the walk", compared);
  g_assert_cmpuint (compared, >, 10);
  GEOSGeom_destroy_r (geos, buffer);
  GEOSGeom_destroy_r (geos, track);
}

/* Store: the map of imported streets; assignments. */
static void
test_store_and_assignments (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  const char *good[] = { "side-a", "1001", "1001", NULL };
  const char *bad[] = { "1002", "no-such", NULL };
  XunchaStreetSnap snaps[5];

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  importer = xuncha_map_importer_new (store);
  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, NULL, &error));
  g_assert_no_error (error);

  map = xuncha_street_map_new_from_store (store, &error);
  g_assert_no_error (error);
  /* 8 m north of Test Road, 50 m along it (the fixture is drawn in metres). */
  g_assert_cmpuint (xuncha_street_map_snap (map, 30.79 + 8 / 111000.0,
                                            106.07 + 50 / (111000.0 * cos (30.79 * G_PI / 180)),
                                            NAN, snaps, 5), >=, 1);
  g_assert_cmpstr (xuncha_street_segment_get_id (snaps[0].segment), ==, "1001");
  g_assert_cmpfloat (fabs (snaps[0].distance_m - 8), <, 0.1);
  g_assert_cmpfloat (fabs (snaps[0].offset_m - 50), <, 0.2);
  g_assert_cmpint (snaps[0].side, ==, XUNCHA_STREET_SIDE_LEFT);
  g_assert_cmpstr (xuncha_street_segment_get_grid_cell (snaps[0].segment), ==, "G-01");
  g_assert_cmpstr (xuncha_street_segment_get_community (snaps[0].segment), ==, "East");
  g_assert_cmpstr (xuncha_street_segment_get_unit (snaps[0].segment), ==, "Team 1");
  g_assert_cmpstr (xuncha_street_segment_get_kind (snaps[0].segment), ==, "primary");

  g_assert_true (xuncha_street_map_save_assignments (store, good, &error));
  g_assert_no_error (error);
  ids = xuncha_street_map_load_assignments (store, &error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "1001");
  g_assert_cmpstr (ids[1], ==, "side-a");
  g_clear_pointer (&ids, g_strfreev);

  /* An unknown id: refused, the previous assignment kept. */
  g_assert_false (xuncha_street_map_save_assignments (store, bad, &error));
  g_assert_error (error, XUNCHA_STREET_MAP_ERROR, XUNCHA_STREET_MAP_ERROR_UNKNOWN_ID);
  g_assert_nonnull (strstr (error->message, "no-such"));
  ids = xuncha_street_map_load_assignments (store, NULL);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) anchors = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  anchors = new_segments ();
  frame = xuncha_street_map_new (anchors);

  g_test_add_func ("/street-map/snap-hand-made", test_snap_hand_made);
  g_test_add_func ("/street-map/empty", test_empty_map);
  g_test_add_func ("/street-map/index-equals-brute-force", test_index_equals_brute_force);
  g_test_add_func ("/street-map/monaco-index-equals-brute-force",
                   test_monaco_index_equals_brute_force);
  g_test_add_func ("/street-map/query-bbox", test_query_bbox);
  g_test_add_func ("/street-map/coverage-grid", test_coverage_grid);
  g_test_add_func ("/street-map/coverage-options", test_coverage_options);
  g_test_add_func ("/street-map/coverage-matches-geos-buffer", test_coverage_matches_geos_buffer);
  g_test_add_func ("/street-map/store-and-assignments", test_store_and_assignments);

  status = g_test_run ();
  g_clear_object (&frame);
  return status;
}
