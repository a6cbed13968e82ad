/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"

/* Published reference pairs (lon, lat order as the sources give them):
 * - the example in the README and tests of the coordtransform library
 *   (wandergis/coordtransform): (116.404, 39.915) gives wgs84togcj02 =
 *   (116.41024449916938, 39.91640428150164) and gcj02tobd09 =
 *   (116.41036949371029, 39.92133699351021); its inverses bd09togcj02 =
 *   (116.39762729119315, 39.90865673957631) and gcj02towgs84 =
 *   (116.39775550083061, 39.91359571849836) are one-step approximations;
 * - the test table of eviltransform (googollee/eviltransform), WGS-84 -> GCJ-02:
 *   Shanghai, Shenzhen and Beijing below;
 * - gcoord's tests (hujiulong/gcoord): GCJ-02 (123, 45) -> BD-09
 *   (123.00636499, 45.00636899), GCJ-02 (123, 45) -> WGS-84 (122.99395597, 44.99804071). */

typedef struct
{
  double lat, lon;
  double out_lat, out_lon;
} Pair;

static void
assert_close_deg (double got_lat,
                  double got_lon,
                  double want_lat,
                  double want_lon,
                  double tolerance_m)
{
  double d = xuncha_distance_m (got_lat, got_lon, want_lat, want_lon);

  if (d > tolerance_m)
    g_error ("(%.10f, %.10f) is %.4f m from the reference (%.10f, %.10f), more than %g m",
             got_lat, got_lon, d, want_lat, want_lon, tolerance_m);
}

static void
test_forward_reference (void)
{
  static const Pair wgs_to_gcj[] = {
    { 39.915, 116.404, 39.91640428150164, 116.41024449916938 },
    { 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215 },
    { 22.543847, 113.912316, 22.540796131694766, 113.9171764808363 },
    { 39.911954, 116.377817, 39.91334545536069, 116.38404722455657 },
  };
  static const Pair gcj_to_bd[] = {
    { 39.915, 116.404, 39.92133699351021, 116.41036949371029 },
    { 45, 123, 45.00636899, 123.00636499 },
  };
  double lat, lon;

  for (guint i = 0; i < G_N_ELEMENTS (wgs_to_gcj); i++)
    {
      xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, wgs_to_gcj[i].lat,
                          wgs_to_gcj[i].lon, &lat, &lon);
      /* The closed formula: the same to a millimetre. */
      assert_close_deg (lat, lon, wgs_to_gcj[i].out_lat, wgs_to_gcj[i].out_lon, 0.001);
    }
  for (guint i = 0; i < G_N_ELEMENTS (gcj_to_bd); i++)
    {
      xuncha_crs_convert (XUNCHA_CRS_GCJ02, XUNCHA_CRS_BD09, gcj_to_bd[i].lat,
                          gcj_to_bd[i].lon, &lat, &lon);
      /* gcoord's value is given to 8 decimals: 1 mm is the rounding. */
      assert_close_deg (lat, lon, gcj_to_bd[i].out_lat, gcj_to_bd[i].out_lon, 0.002);
    }
}

static void
test_inverse_reference (void)
{
  double lat, lon, back_lat, back_lon;

  /* The published inverses are one-step approximations, good to a few metres; ours
   * iterates, so it must be within their error of them ... */
  xuncha_crs_convert (XUNCHA_CRS_GCJ02, XUNCHA_CRS_WGS84, 39.915, 116.404, &lat, &lon);
  assert_close_deg (lat, lon, 39.91359571849836, 116.39775550083061, 3.0);
  xuncha_crs_convert (XUNCHA_CRS_GCJ02, XUNCHA_CRS_WGS84, 45, 123, &lat, &lon);
  assert_close_deg (lat, lon, 44.99804071, 122.99395597, 3.0);
  xuncha_crs_convert (XUNCHA_CRS_BD09, XUNCHA_CRS_GCJ02, 39.915, 116.404, &lat, &lon);
  assert_close_deg (lat, lon, 39.90865673957631, 116.39762729119315, 3.0);

  /* ... and, unlike them, map back onto the input exactly. */
  xuncha_crs_convert (XUNCHA_CRS_GCJ02, XUNCHA_CRS_WGS84, 39.915, 116.404, &lat, &lon);
  xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, lat, lon, &back_lat, &back_lon);
  assert_close_deg (back_lat, back_lon, 39.915, 116.404, 0.005);

  /* Inverting the Shanghai pair of eviltransform gives its WGS-84 input back. */
  xuncha_crs_convert (XUNCHA_CRS_GCJ02, XUNCHA_CRS_WGS84, 31.17530398364597,
                      121.531541859215, &lat, &lon);
  assert_close_deg (lat, lon, 31.1774276, 121.5272106, 0.005);
}

static void
test_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  static const XunchaCrs systems[] = { XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, XUNCHA_CRS_BD09 };
  double worst = 0;

  for (guint i = 0; i < 20000; i++)
    {
      double lat = g_rand_double_range (rand, 18.0, 53.0);
      double lon = g_rand_double_range (rand, 74.0, 134.0);
      XunchaCrs from = systems[g_rand_int_range (rand, 0, 3)];
      XunchaCrs to = systems[g_rand_int_range (rand, 0, 3)];
      double a_lat, a_lon, b_lat, b_lon, d;

      xuncha_crs_convert (from, to, lat, lon, &a_lat, &a_lon);
      xuncha_crs_convert (to, from, a_lat, a_lon, &b_lat, &b_lon);
      d = xuncha_distance_m (lat, lon, b_lat, b_lon);
      worst = MAX (worst, d);
      g_assert_cmpfloat (d, <, 0.5);
      /* The systems really differ inside China: 100 m to 1.5 km. */
      if (from != to)
        {
          double shift = xuncha_distance_m (lat, lon, a_lat, a_lon);
          g_assert_cmpfloat (shift, >, 1.0);
          g_assert_cmpfloat (shift, <, 2000.0);
        }
    }
  g_test_message ("worst round trip: %.6f m", worst);
  /* Iterating to 1e-8 degrees leaves about a millimetre. */
  g_assert_cmpfloat (worst, <, 0.01);
}

static void
test_nanchong_shift (void)
{
  double lat, lon;

  /* The 300 to 700 m, at the demo city. */
  xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, 30.80, 106.08, &lat, &lon);
  g_assert_cmpfloat (xuncha_distance_m (30.80, 106.08, lat, lon), >, 300);
  g_assert_cmpfloat (xuncha_distance_m (30.80, 106.08, lat, lon), <, 700);
  xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_BD09, 30.80, 106.08, &lat, &lon);
  g_assert_cmpfloat (xuncha_distance_m (30.80, 106.08, lat, lon), >, 700);
}

static void
test_outside_china (void)
{
  double lat, lon;

  /* Monaco: GCJ-02 does not apply, BD-09 keeps only its own small shift. */
  xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, 43.7384, 7.4246, &lat, &lon);
  g_assert_cmpfloat (lat, ==, 43.7384);
  g_assert_cmpfloat (lon, ==, 7.4246);
  g_assert_false (xuncha_crs_in_china (43.7384, 7.4246));
  g_assert_true (xuncha_crs_in_china (30.8, 106.08));
}

static void
test_names (void)
{
  g_autoptr(GError) error = NULL;
  XunchaCrs crs = XUNCHA_CRS_WGS84;

  g_assert_true (xuncha_crs_from_string ("GCJ-02", &crs, &error));
  g_assert_cmpint (crs, ==, XUNCHA_CRS_GCJ02);
  g_assert_true (xuncha_crs_from_string ("bd09", &crs, &error));
  g_assert_cmpint (crs, ==, XUNCHA_CRS_BD09);
  g_assert_true (xuncha_crs_from_string ("WGS84", &crs, &error));
  g_assert_cmpint (crs, ==, XUNCHA_CRS_WGS84);
  g_assert_cmpstr (xuncha_crs_to_string (XUNCHA_CRS_BD09), ==, "bd09");
  g_assert_false (xuncha_crs_from_string ("utm50", &crs, &error));
  g_assert_error (error, XUNCHA_CRS_ERROR, XUNCHA_CRS_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "gcj02"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crs/forward-reference", test_forward_reference);
  g_test_add_func ("/crs/inverse-reference", test_inverse_reference);
  g_test_add_func ("/crs/round-trip", test_round_trip);
  g_test_add_func ("/crs/nanchong-shift", test_nanchong_shift);
  g_test_add_func ("/crs/outside-china", test_outside_china);
  g_test_add_func ("/crs/names", test_names);

  return g_test_run ();
}
