/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"

static void
test_distance (void)
{
  /* One degree of latitude on the mean sphere is 111.195 km. */
  g_assert_cmpfloat_with_epsilon (xuncha_distance_m (30, 106, 31, 106), 111195.1, 1.0);
  g_assert_cmpfloat (xuncha_distance_m (30.7966, 106.0828, 30.7966, 106.0828), ==, 0);
  /* Beijing to Shanghai, about 1,067 km. */
  g_assert_cmpfloat_with_epsilon (xuncha_distance_m (39.9042, 116.4074, 31.2304, 121.4737) / 1000,
                                  1067.3, 2.0);
}

static void
test_bearing (void)
{
  g_assert_cmpfloat_with_epsilon (xuncha_bearing_deg (30, 106, 30.01, 106), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_bearing_deg (30, 106, 29.99, 106), 180, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_bearing_deg (30, 106, 30, 106.01), 90, 0.01);
  g_assert_cmpfloat_with_epsilon (xuncha_bearing_deg (30, 106, 30, 105.99), 270, 0.01);
  /* From (0, 0) to (1, 1) on the sphere: tan (bearing) = cos (1 degree). */
  g_assert_cmpfloat_with_epsilon (xuncha_bearing_deg (0, 0, 1, 1),
                                  atan (cos (G_PI / 180)) * 180 / G_PI, 1e-9);
  g_assert_cmpuint (xuncha_bearing_octant (0), ==, 0);
  g_assert_cmpuint (xuncha_bearing_octant (359), ==, 0);
  g_assert_cmpuint (xuncha_bearing_octant (44), ==, 1);
  g_assert_cmpuint (xuncha_bearing_octant (90), ==, 2);
  g_assert_cmpuint (xuncha_bearing_octant (200), ==, 4);
  g_assert_cmpuint (xuncha_bearing_octant (315), ==, 7);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fix/distance", test_distance);
  g_test_add_func ("/fix/bearing", test_bearing);

  return g_test_run ();
}
