/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

#define T0 G_GINT64_CONSTANT (1714530600000)   /* 2024-05-01T02:30:00Z */

static XunchaTimeCorrelator *
make_track (void)
{
  XunchaFix fixes[4];

  /* Out of order on purpose; 10 s apart, then a 5 minute gap. */
  fixes[0] = xuncha_fix_init (T0 + 10000, 31.0010, 121.0010);
  fixes[1] = xuncha_fix_init (T0, 31.0000, 121.0000);
  fixes[2] = xuncha_fix_init (T0 + 20000, 31.0020, 121.0030);
  fixes[3] = xuncha_fix_init (T0 + 320000, 31.0100, 121.0100);
  fixes[0].accuracy = 4;
  fixes[1].accuracy = 6;
  fixes[0].altitude = 10;
  fixes[1].altitude = 20;
  return xuncha_time_correlator_new (fixes, G_N_ELEMENTS (fixes));
}

static void
test_interpolate (void)
{
  g_autoptr(XunchaTimeCorrelator) track = make_track ();
  XunchaFix fix;

  g_assert_cmpuint (xuncha_time_correlator_get_n_fixes (track), ==, 4);

  g_assert_true (xuncha_time_correlator_locate (track, T0 + 2500, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lat, 31.00025, 1e-9);
  g_assert_cmpfloat_with_epsilon (fix.lon, 121.00025, 1e-9);
  g_assert_cmpfloat_with_epsilon (fix.altitude, 17.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (fix.accuracy, 6, 1e-9);
  g_assert_cmpint (fix.t_ms, ==, T0 + 2500);

  g_assert_true (xuncha_time_correlator_locate (track, T0 + 10000, &fix));
  g_assert_cmpfloat (fix.lat, ==, 31.0010);

  g_assert_true (xuncha_time_correlator_locate (track, T0 + 15000, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lon, 121.0020, 1e-9);
  g_assert_true (isnan (fix.altitude));
}

static void
test_max_gap (void)
{
  g_autoptr(XunchaTimeCorrelator) track = make_track ();
  XunchaFix fix;

  /* Before the first fix and after the last: the nearest, within the gap. */
  g_assert_true (xuncha_time_correlator_locate (track, T0 - 59000, &fix));
  g_assert_cmpfloat (fix.lat, ==, 31.0000);
  g_assert_false (xuncha_time_correlator_locate (track, T0 - 61000, &fix));
  g_assert_true (xuncha_time_correlator_locate (track, T0 + 380000, &fix));
  g_assert_false (xuncha_time_correlator_locate (track, T0 + 381000, &fix));

  /* Inside the 5 minute gap: not bridged; only close to either end. */
  g_assert_true (xuncha_time_correlator_locate (track, T0 + 30000, &fix));
  g_assert_cmpfloat (fix.lat, ==, 31.0020);
  g_assert_true (xuncha_time_correlator_locate (track, T0 + 300000, &fix));
  g_assert_cmpfloat (fix.lat, ==, 31.0100);
  g_assert_false (xuncha_time_correlator_locate (track, T0 + 170000, &fix));

  /* A longer allowed gap bridges it. */
  xuncha_time_correlator_set_max_gap_ms (track, 600000);
  g_assert_true (xuncha_time_correlator_locate (track, T0 + 170000, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lat, 31.006, 1e-9);

  {
    g_autoptr(XunchaTimeCorrelator) empty = xuncha_time_correlator_new (NULL, 0);
    g_assert_false (xuncha_time_correlator_locate (empty, T0, &fix));
  }
}

static void
test_photo_time (void)
{
  g_autoptr(XunchaTimeCorrelator) track = make_track ();
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("+08:00");
  XunchaPhotoMeta meta;
  XunchaFix fix;
  gint64 t;

  /* Wall clock 10:30:05 with no offset recorded: placed in the configured zone. */
  xuncha_photo_meta_clear (&meta);
  meta.has_time = TRUE;
  meta.local_time_s = (T0 + 5000) / 1000 + 8 * 3600;
  xuncha_time_correlator_set_zone (track, shanghai);
  g_assert_true (xuncha_time_correlator_photo_time (track, &meta, &t));
  g_assert_cmpint (t, ==, T0 + 5000);
  g_assert_true (xuncha_time_correlator_locate_photo (track, &meta, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lat, 31.0005, 1e-9);

  /* A camera 5 s slow. */
  xuncha_time_correlator_set_camera_offset_ms (track, 5000);
  g_assert_true (xuncha_time_correlator_locate_photo (track, &meta, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lat, 31.0010, 1e-9);

  /* The recorded offset wins over the zone. */
  xuncha_time_correlator_set_camera_offset_ms (track, 0);
  meta.has_offset = TRUE;
  meta.offset_s = 9 * 3600;
  g_assert_true (xuncha_time_correlator_photo_time (track, &meta, &t));
  g_assert_cmpint (t, ==, T0 + 5000 - 3600 * 1000);
  g_assert_false (xuncha_time_correlator_locate_photo (track, &meta, &fix));

  meta.has_time = FALSE;
  g_assert_false (xuncha_time_correlator_locate_photo (track, &meta, &fix));
}

static void
test_from_store (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaTimeCorrelator) track = NULL;
  XunchaFix fix;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_exec (store,
    "INSERT INTO shifts (uuid, kind, started_at) VALUES ('s1', 'early', '2024-05-01T02:00:00Z');"
    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy, altitude) VALUES "
    "('s1', 1, 1714530600000, 31.0, 121.0, 5, NULL),"
    "('s1', 2, 1714530610000, 31.001, 121.002, 7, 3.0),"
    "('s1', 3, 1714530900000, 32.0, 122.0, 5, NULL);", &error));
  g_assert_no_error (error);

  track = xuncha_time_correlator_new_from_store (store, T0 - 60000, T0 + 70000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xuncha_time_correlator_get_n_fixes (track), ==, 2);
  g_assert_true (xuncha_time_correlator_locate (track, T0 + 5000, &fix));
  g_assert_cmpfloat_with_epsilon (fix.lat, 31.0005, 1e-9);
  g_assert_cmpfloat_with_epsilon (fix.lon, 121.001, 1e-9);
  g_assert_cmpfloat_with_epsilon (fix.accuracy, 7, 1e-9);
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/time-correlator/interpolate", test_interpolate);
  g_test_add_func ("/time-correlator/max-gap", test_max_gap);
  g_test_add_func ("/time-correlator/photo-time", test_photo_time);
  g_test_add_func ("/time-correlator/from-store", test_from_store);

  return g_test_run ();
}
