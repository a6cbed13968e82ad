/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

static GArray *
load_fixture (const char           *name,
              XunchaTrackFileStats *stats)
{
  g_autofree char *relative = g_build_filename ("tests", "fixtures", name, NULL);
  g_autofree char *path = xuncha_test_source_path (relative);
  g_autoptr(GError) error = NULL;
  GArray *fixes = xuncha_track_file_load (path, stats, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fixes);
  return fixes;
}

static gint64
utc_ms (int year, int month, int day, int hour, int minute, double seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, seconds);

  return g_date_time_to_unix (dt) * 1000 + (gint64)lround (fmod (seconds, 1.0) * 1000);
}

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))

/* A real receiver writes its talker ids, comments, no-fix epochs and junk mixed together;
 * this self-made log has each of them once. */
static void
test_nmea_fixture (void)
{
  XunchaTrackFileStats stats;
  g_autoptr(GArray) fixes = load_fixture ("mixed.nmea", &stats);
  const double lat0 = 30.0 + 36.0 / 60.0;
  const double lon = 104.0 + 3.6 / 60.0;

  g_assert_cmpint (stats.format, ==, XUNCHA_TRACK_FORMAT_NMEA);
  g_assert_cmpuint (fixes->len, ==, 9);
  g_assert_cmpuint (stats.points, ==, 9);
  g_assert_cmpuint (stats.comments, ==, 4);
  g_assert_cmpuint (stats.bad_checksums, ==, 2);   /* one wrong, one missing */
  g_assert_cmpuint (stats.no_fix, ==, 2);          /* V/0/1 epoch, and A contradicted by 0 */
  g_assert_cmpuint (stats.backwards, ==, 1);
  g_assert_cmpuint (stats.ignored, ==, 2);         /* GSV, a line of text */

  /* GGA before any RMC takes the date of the first RMC. */
  g_assert_cmpint (FIX (fixes, 0)->t_ms, ==, utc_ms (2024, 5, 1, 23, 59, 54));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lat, lat0, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lon, lon, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->accuracy, 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->altitude, 500.0, 1e-9);
  /* GP, GN (HDOP from GSA), GL, GA (RMC only), GB, BD, GP. */
  g_assert_cmpint (FIX (fixes, 1)->t_ms, ==, utc_ms (2024, 5, 1, 23, 59, 56));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 1)->speed, 2.0 * 1852 / 3600, 1e-9);
  g_assert_cmpint (FIX (fixes, 2)->t_ms, ==, utc_ms (2024, 5, 1, 23, 59, 57));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 2)->accuracy, 0.8 * 5, 1e-9);
  g_assert_cmpint (FIX (fixes, 3)->t_ms, ==, utc_ms (2024, 5, 1, 23, 59, 58));
  g_assert_cmpint (FIX (fixes, 4)->t_ms, ==, utc_ms (2024, 5, 1, 23, 59, 59.5));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 4)->heading, 180.0, 1e-9);
  g_assert_true (isnan (FIX (fixes, 4)->accuracy));
  /* Past midnight with GGA alone: the day rolls over. */
  g_assert_cmpint (FIX (fixes, 5)->t_ms, ==, utc_ms (2024, 5, 2, 0, 0, 0));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 5)->lat, lat0 + 0.005 / 60, 1e-9);
  /* QZ, the QZSS talker of receivers from before NMEA 4.11 (GQ since). */
  g_assert_cmpint (FIX (fixes, 6)->t_ms, ==, utc_ms (2024, 5, 2, 0, 0, 0.5));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 6)->lat, lat0 + 0.0055 / 60, 1e-9);
  g_assert_cmpint (FIX (fixes, 7)->t_ms, ==, utc_ms (2024, 5, 2, 0, 0, 1));
  g_assert_cmpint (FIX (fixes, 8)->t_ms, ==, utc_ms (2024, 5, 2, 0, 0, 2));
  for (guint i = 1; i < fixes->len; i++)
    g_assert_cmpint (FIX (fixes, i)->t_ms, >, FIX (fixes, i - 1)->t_ms);
}

/* One epoch as a receiver of each kind writes it: GPS (GP), multi-GNSS (GN), GLONASS (GL),
 * Galileo (GA), BeiDou (GB, and BD before NMEA 4.11), NavIC (GI), QZSS (GQ) and an
 * integrated navigation unit (IN) of a vehicle or boat. Each sentence type counts: the
 * altitude is GGA's, the accuracy GSA's HDOP, the date, speed and course RMC's. */
static void
test_nmea_talkers (void)
{
  static const struct { const char *talker, *log; } logs[] = {
    { "GP",
      "$GPGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*6C\r\n"
      "$GPGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*3A\r\n"
      "$GPRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*61\r\n" },
    { "GN",
      "$GNGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*72\r\n"
      "$GNGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*24\r\n"
      "$GNRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*7F\r\n" },
    { "GL",
      "$GLGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*70\r\n"
      "$GLGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*26\r\n"
      "$GLRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*7D\r\n" },
    { "GA",
      "$GAGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*7D\r\n"
      "$GAGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*2B\r\n"
      "$GARMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*70\r\n" },
    { "GB",
      "$GBGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*7E\r\n"
      "$GBGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*28\r\n"
      "$GBRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*73\r\n" },
    { "GI",
      "$GIGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*75\r\n"
      "$GIGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*23\r\n"
      "$GIRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*78\r\n" },
    { "GQ",
      "$GQGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*6D\r\n"
      "$GQGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*3B\r\n"
      "$GQRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*60\r\n" },
    { "BD",
      "$BDGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*7D\r\n"
      "$BDGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*2B\r\n"
      "$BDRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*70\r\n" },
    { "IN",
      "$INGGA,083015.00,3036.1234,N,10403.5678,E,1,10,,512.3,M,-31.2,M,,*7C\r\n"
      "$INGSA,A,3,05,07,13,15,,,,,,,,,1.6,0.9,1.3*2A\r\n"
      "$INRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*71\r\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (logs); i++)
    {
      XunchaTrackFileStats stats;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) fixes = NULL;

      fixes = xuncha_track_file_parse (logs[i].log, strlen (logs[i].log), &stats, &error);

      g_test_message ("talker %s", logs[i].talker);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.sentences, ==, 3);
      g_assert_cmpuint (stats.bad_checksums, ==, 0);
      g_assert_cmpuint (stats.ignored, ==, 0);
      g_assert_cmpuint (fixes->len, ==, 1);
      g_assert_cmpint (FIX (fixes, 0)->t_ms, ==, utc_ms (2024, 3, 15, 8, 30, 15));
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lat, 30 + 36.1234 / 60, 1e-9);
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lon, 104 + 3.5678 / 60, 1e-9);
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->altitude, 512.3, 1e-9);
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->accuracy, 0.9 * 5, 1e-9);
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->speed, 3.5 * 1852 / 3600, 1e-9);
      g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->heading, 87.0, 1e-9);
    }
}

/* A proprietary sentence ('P' and a maker's code) is the maker's own format, whatever
 * letters follow: never read as a position. */
static void
test_nmea_proprietary (void)
{
  static const char log[] =
    "$PXGGA,083014.00,0100.0000,N,00100.0000,E,1,10,1.0,1.0,M,0.0,M,,*4C\r\n"
    "$GPGGA,083015.00,3036.1234,N,10403.5678,E,1,10,1.0,512.3,M,-31.2,M,,*43\r\n"
    "$GPRMC,083015.00,A,3036.1234,N,10403.5678,E,3.5,87.0,150324,,,A*61\r\n";
  XunchaTrackFileStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fixes = xuncha_track_file_parse (log, strlen (log), &stats, &error);

  g_assert_cmpuint (stats.bad_checksums, ==, 0);
  g_assert_cmpuint (stats.ignored, ==, 1);
  g_assert_cmpuint (fixes->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lat, 30 + 36.1234 / 60, 1e-9);
}

static void
test_nmea_hemispheres (void)
{
  XunchaTrackFileStats stats;
  g_autoptr(GArray) fixes = load_fixture ("southwest.nmea", &stats);

  g_assert_cmpuint (fixes->len, ==, 2);
  g_assert_cmpint (FIX (fixes, 0)->t_ms, ==, utc_ms (1999, 12, 31, 12, 0, 0));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lat, -(33 + 52.1234 / 60), 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 0)->lon, -(70 + 40.5 / 60), 1e-9);
  g_assert_cmpint (FIX (fixes, 1)->t_ms, ==, utc_ms (1999, 12, 31, 12, 0, 1));
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 1)->altitude, 12.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (fixes, 1)->accuracy, 4.5, 1e-9);
}

static void
test_gpx_fixtures (void)
{
  XunchaTrackFileStats stats;
  g_autoptr(GArray) jump = load_fixture ("jump-1.0.gpx", &stats);
  g_autoptr(GArray) walk = NULL;

  g_assert_cmpint (stats.format, ==, XUNCHA_TRACK_FORMAT_GPX);
  /* 1 + 3 stale no-fix points, the no-fix jump, 20 walking; one without time and one
   * going backwards are left out. */
  g_assert_cmpuint (jump->len, ==, 25);
  g_assert_cmpuint (stats.no_fix, ==, 5);
  g_assert_cmpuint (stats.ignored, ==, 1);
  g_assert_cmpuint (stats.backwards, ==, 1);
  g_assert_true (isinf (FIX (jump, 0)->accuracy));
  g_assert_true (isinf (FIX (jump, 4)->accuracy));
  g_assert_cmpfloat_with_epsilon (FIX (jump, 5)->accuracy, 1.2 * 5, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (jump, 5)->speed, 1.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (jump, 5)->heading, 90.0, 1e-9);
  g_assert_cmpint (FIX (jump, 0)->t_ms, ==, utc_ms (2024, 5, 1, 6, 20, 0));

  walk = load_fixture ("walk-1.1.gpx", &stats);
  g_assert_cmpuint (walk->len, ==, 1200);
  g_assert_cmpuint (stats.no_fix, ==, 0);
  g_assert_cmpint (FIX (walk, 1199)->t_ms - FIX (walk, 0)->t_ms, ==, 1199 * 1000);
}

static void
test_not_a_track (void)
{
  static const char * const bad[] = {
    "",
    "hello world",
    "<?xml version=\"1.0\"?><kml><Placemark/></kml>",
    "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"91\" lon=\"0\"/></trkseg></trk></gpx>",
    "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"1\" lon=\"2\">",
    "# only a comment\n$GPGSV,1,1,01,05,45,347,45*4D\n",
  };
  static const int codes[] = {
    XUNCHA_LOCATION_ERROR_PARSE, XUNCHA_LOCATION_ERROR_PARSE, XUNCHA_LOCATION_ERROR_PARSE,
    XUNCHA_LOCATION_ERROR_PARSE, XUNCHA_LOCATION_ERROR_PARSE, XUNCHA_LOCATION_ERROR_NO_FIXES,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) missing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GArray) fixes = xuncha_track_file_parse (bad[i], strlen (bad[i]), NULL, &error);
      g_assert_null (fixes);
      g_assert_error (error, XUNCHA_LOCATION_ERROR, codes[i]);
      g_clear_error (&error);
    }

  missing = xuncha_track_file_load ("/nonexistent/track.gpx", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_READ);
}

/* ---- the shared real logs ---- */

static GPtrArray *
split_csv_line (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; *p != '\0'; p++)
    {
      if (quoted && *p == '"' && p[1] == '"')
        g_string_append_c (field, *p++);
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == ',' && !quoted)
        {
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else
        g_string_append_c (field, *p);
    }
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return fields;
}

static const char *
column (GPtrArray  *header,
        GPtrArray  *row,
        const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (g_ptr_array_index (header, i), name))
      return g_ptr_array_index (row, i);
  g_assert_not_reached ();
  return NULL;
}

/* MANIFEST.csv counts points as gpsbabel decodes them: NMEA epochs with a fix (one per
 * time of day, however many sentences describe it), and every GPX <trkpt>, including the
 * ones a logger marked <fix>none</fix>. */
static void
test_real_logs_match_manifest (void)
{
  g_autofree char *manifest = xuncha_test_require_testdata ("tracks/MANIFEST.csv");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) header = NULL;
  guint checked = 0;

  if (manifest == NULL)
    return;
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  header = split_csv_line (lines[0]);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) row = NULL;
      g_autofree char *relative = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GArray) fixes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(GDateTime) end = NULL;
      XunchaTrackFileStats stats;
      guint expected;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      row = split_csv_line (lines[i]);
      relative = g_build_filename ("tracks", column (header, row, "file"), NULL);
      path = xuncha_test_require_testdata (relative);
      g_assert_nonnull (path);
      fixes = xuncha_track_file_load (path, &stats, &error);
      g_assert_no_error (error);

      expected = (guint)g_ascii_strtoull (column (header, row, "points"), NULL, 10);
      g_test_message ("%s: %u fixes (%u no-fix), manifest %u", relative, fixes->len,
                      stats.no_fix, expected);
      g_assert_cmpuint (fixes->len, ==, expected);
      g_assert_cmpuint (stats.bad_checksums, ==, 0);
      g_assert_cmpuint (stats.backwards, ==, 0);

      start = g_date_time_new_from_iso8601 (column (header, row, "start_utc"), NULL);
      end = g_date_time_new_from_iso8601 (column (header, row, "end_utc"), NULL);
      g_assert_cmpint (FIX (fixes, 0)->t_ms, ==,
                       g_date_time_to_unix (start) * 1000 + g_date_time_get_microsecond (start) / 1000);
      g_assert_cmpint (FIX (fixes, fixes->len - 1)->t_ms, ==,
                       g_date_time_to_unix (end) * 1000 + g_date_time_get_microsecond (end) / 1000);

      if (g_str_has_suffix (relative, ".nmea"))
        {
          /* The notes count the comment lines and sentences of each log. */
          g_assert_cmpuint (stats.comments, ==, 10);
          g_assert_cmpuint (stats.no_fix + fixes->len, >, 0);
        }
      if (g_str_has_prefix (column (header, row, "file"), "gothenburg"))
        g_assert_cmpuint (stats.no_fix, ==, 14);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 4);
}

static void
test_real_nmea_sentences (void)
{
  g_autofree char *haicom = xuncha_test_require_testdata ("tracks/gpsd_haicom-305N_walking.nmea");
  g_autofree char *sirf = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  XunchaTrackFileStats stats;

  if (haicom == NULL)
    return;
  a = xuncha_track_file_load (haicom, &stats, NULL);
  g_assert_nonnull (a);
  g_assert_cmpuint (stats.sentences, ==, 325);
  g_assert_cmpuint (stats.no_fix, ==, 6);     /* the V epochs it starts with */
  g_assert_cmpfloat (FIX (a, 0)->lat, <, -27.21);
  g_assert_cmpfloat (FIX (a, 0)->lon, >, 153.05);

  sirf = xuncha_test_require_testdata ("tracks/gpsd_sirfstarv_gnss_static.nmea");
  b = xuncha_track_file_load (sirf, &stats, NULL);
  g_assert_nonnull (b);
  g_assert_cmpuint (stats.sentences, ==, 367);
  g_assert_cmpuint (stats.no_fix, ==, 0);
  g_assert_cmpfloat_with_epsilon (FIX (b, 0)->lat, 44 + 4.1351 / 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (FIX (b, 0)->lon, -(121 + 18.8556 / 60), 1e-9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/track-file/nmea-fixture", test_nmea_fixture);
  g_test_add_func ("/track-file/nmea-talkers", test_nmea_talkers);
  g_test_add_func ("/track-file/nmea-proprietary", test_nmea_proprietary);
  g_test_add_func ("/track-file/nmea-hemispheres", test_nmea_hemispheres);
  g_test_add_func ("/track-file/gpx-fixtures", test_gpx_fixtures);
  g_test_add_func ("/track-file/not-a-track", test_not_a_track);
  g_test_add_func ("/track-file/real-logs-match-manifest", test_real_logs_match_manifest);
  g_test_add_func ("/track-file/real-nmea-sentences", test_real_nmea_sentences);

  return g_test_run ();
}
