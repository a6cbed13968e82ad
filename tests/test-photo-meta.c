/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-test-util.h"

static XunchaJpeg *
parse (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  XunchaJpeg *jpeg = xuncha_jpeg_new (bytes, "fixture.jpg", &error);

  g_assert_no_error (error);
  return jpeg;
}

static GBytes *
with_exif (FixtureExif *exif,
           guint        seed)
{
  g_autoptr(GBytes) image = photo_fixture_image (32, 24, seed);
  g_autoptr(GBytes) payload = photo_fixture_exif_finish (exif);
  g_autoptr(GBytes) segment = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                                     g_bytes_get_size (payload));

  return photo_fixture_insert (image, TRUE, segment, NULL);
}

static void
read_fixture (FixtureExif     *exif,
              XunchaPhotoMeta *meta)
{
  g_autoptr(GBytes) file = with_exif (exif, 1);
  g_autoptr(XunchaJpeg) jpeg = parse (file);

  g_assert_true (xuncha_photo_meta_read (meta, jpeg));
}

static void
test_read_gps_both_orders (void)
{
  for (int big = 0; big <= 1; big++)
    {
      g_autoptr(FixtureExif) exif = photo_fixture_exif_new (big);
      guint32 alt[2] = { 12500, 1000 };
      guint32 stamp[6] = { 7, 1, 59, 1, 48, 1 };
      XunchaPhotoMeta meta;

      photo_fixture_exif_gps (exif, -33.8567844, 151.2152967);
      photo_fixture_exif_byte (exif, FIXTURE_IFD_GPS, 5, 1);      /* below sea level */
      photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 6, alt, 1);
      photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 7, stamp, 3);
      photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 0x1d, "2011:05:06");
      photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2011:05:06 09:59:48");
      photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9011, "+02:00");
      read_fixture (exif, &meta);

      g_assert_true (meta.has_position);
      g_assert_cmpfloat_with_epsilon (meta.lat, -33.8567844, 1e-7);
      g_assert_cmpfloat_with_epsilon (meta.lon, 151.2152967, 1e-7);
      g_assert_cmpfloat_with_epsilon (meta.altitude, -12.5, 1e-9);
      g_assert_true (meta.has_time);
      g_assert_true (meta.has_offset);
      g_assert_cmpint (meta.offset_s, ==, 7200);
      g_assert_true (meta.has_gps_time);
      /* 2011-05-06T07:59:48Z */
      g_assert_cmpint (meta.gps_time_ms, ==, G_GINT64_CONSTANT (1304668788000));
      {
        gint64 utc = 0;
        g_assert_true (xuncha_photo_meta_get_utc_ms (&meta, NULL, &utc));
        g_assert_cmpint (utc, ==, G_GINT64_CONSTANT (1304668788000));
      }
    }
}

static void
test_read_no_position_cases (void)
{
  XunchaPhotoMeta meta;

  /* 0/0: the placeholder of phones without a fix. */
  {
    g_autoptr(FixtureExif) exif = photo_fixture_exif_new (FALSE);
    photo_fixture_exif_gps (exif, 0, 0);
    read_fixture (exif, &meta);
    g_assert_false (meta.has_position);
  }
  /* Void status: the receiver said it had no fix. */
  {
    g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
    photo_fixture_exif_gps (exif, 45.5, 9.1);
    photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 9, "V");
    read_fixture (exif, &meta);
    g_assert_false (meta.has_position);
  }
  /* An empty GPS block, and references with empty coordinates. */
  {
    g_autoptr(FixtureExif) exif = photo_fixture_exif_new (FALSE);
    guint32 alt[2] = { 324145, 1000 };
    photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 1, "N");
    photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 3, "E");
    photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 2, NULL, 0);
    photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 4, NULL, 0);
    photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 6, alt, 1);
    read_fixture (exif, &meta);
    g_assert_false (meta.has_position);
    g_assert_cmpfloat_with_epsilon (meta.altitude, 324.145, 1e-9);
  }
  {
    g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
    guint8 version = 2;
    photo_fixture_exif_byte (exif, FIXTURE_IFD_GPS, 0, version);
    read_fixture (exif, &meta);
    g_assert_false (meta.has_position);
    g_assert_false (meta.has_time);
  }
}

static void
test_read_malformed_gps_date (void)
{
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
  guint32 stamp[6] = { 13, 1, 5, 1, 1205, 100 };
  XunchaPhotoMeta meta;

  photo_fixture_exif_gps (exif, 51.762408333, -0.317891667);
  photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 7, stamp, 3);
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 0x1d, "2014:09:259");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2014:09:16 14:05:12");
  read_fixture (exif, &meta);
  /* The position and the camera time stand; only the broken GPS date is ignored. */
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lon, -0.317891667, 1e-7);
  g_assert_true (meta.has_time);
  g_assert_false (meta.has_gps_time);
}

static void
test_read_exif_after_xmp (void)
{
  static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
  g_autoptr(GBytes) image = photo_fixture_image (16, 16, 9);
  g_autoptr(GBytes) xmp_seg = photo_fixture_segment (0xe1, xmp, sizeof xmp);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) exif_seg = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  XunchaPhotoMeta meta;

  photo_fixture_exif_gps (exif, 60.146705556, 24.906772222);
  payload = photo_fixture_exif_finish (exif);
  exif_seg = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                    g_bytes_get_size (payload));
  file = photo_fixture_insert (image, TRUE, xmp_seg, exif_seg, NULL);
  jpeg = parse (file);
  g_assert_true (xuncha_photo_meta_read (&meta, jpeg));
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 60.146705556, 1e-7);
}

static void
test_read_no_exif (void)
{
  g_autoptr(GBytes) image = photo_fixture_image (16, 16, 5);
  g_autoptr(XunchaJpeg) jpeg = parse (image);
  XunchaPhotoMeta meta;

  g_assert_false (xuncha_photo_meta_read (&meta, jpeg));
  g_assert_false (meta.has_position);
  g_assert_false (meta.has_time);
  g_assert_true (isnan (meta.altitude));
}

/* A minimal CSV reader for the manifest (quoted fields may hold commas). */
static GPtrArray *
csv_fields (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; *p != '\0'; p++)
    {
      if (quoted && *p == '"' && p[1] == '"')
        g_string_append_c (field, '"'), p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == ',' && !quoted)
        {
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else if (*p != '\r')
        g_string_append_c (field, *p);
    }
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return fields;
}

static void
test_real_photos (void)
{
  g_autofree char *manifest = xuncha_test_require_testdata ("photos/MANIFEST.csv");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0, with_position = 0;

  if (manifest == NULL)
    return;
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) f = NULL;
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(XunchaJpeg) jpeg = NULL;
      g_autoptr(GError) error = NULL;
      XunchaPhotoMeta meta;
      const char *name, *has_gps, *lat, *lon, *alt, *dto;
      gsize len;

      if (*lines[i] == '\0')
        continue;
      f = csv_fields (lines[i]);
      g_assert_cmpuint (f->len, >=, 10);
      name = f->pdata[0], has_gps = f->pdata[4], lat = f->pdata[5], lon = f->pdata[6];
      alt = f->pdata[7], dto = f->pdata[8];
      g_test_message ("%s", name);

      path = xuncha_test_testdata_path (name);
      path = (g_free (path), g_build_filename (g_getenv ("XUNCHA_TESTDATA"), "photos", name,
                                               NULL));
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      jpeg = xuncha_jpeg_new (bytes, name, &error);
      if (jpeg == NULL)
        {
          /* Only files without any readable segment may fail to parse. */
          g_assert_cmpstr (has_gps, !=, "yes");
          continue;
        }
      xuncha_photo_meta_read (&meta, jpeg);
      checked++;

      if (g_str_equal (has_gps, "yes") && !(g_ascii_strtod (lat, NULL) == 0
                                            && g_ascii_strtod (lon, NULL) == 0))
        {
          g_assert_true (meta.has_position);
          g_assert_cmpfloat_with_epsilon (meta.lat, g_ascii_strtod (lat, NULL), 1e-6);
          g_assert_cmpfloat_with_epsilon (meta.lon, g_ascii_strtod (lon, NULL), 1e-6);
          with_position++;
        }
      else if (!g_str_equal (has_gps, "partial"))
        g_assert_false (meta.has_position);
      /* "partial" (Nikon D5000): degrees and decimal minutes with 0/0 seconds, which
       * exiftool leaves undefined; read as 0 seconds it gives the photo's XMP position. */

      if (*alt != '\0' && !(g_str_equal (has_gps, "yes") && g_ascii_strtod (lat, NULL) == 0
                            && g_ascii_strtod (alt, NULL) == 0))
        g_assert_cmpfloat_with_epsilon (meta.altitude, g_ascii_strtod (alt, NULL), 1e-3);

      if (*dto != '\0')
        {
          g_autoptr(GDateTime) wall = NULL;
          g_autofree char *shown = NULL;

          g_assert_true (meta.has_time);
          wall = g_date_time_new_from_unix_utc (meta.local_time_s);
          shown = g_date_time_format (wall, "%Y:%m:%d %H:%M:%S");
          g_assert_cmpstr (shown, ==, dto);
        }
    }
  g_assert_cmpuint (checked, >=, 20);
  g_assert_cmpuint (with_position, >=, 12);
}

static void
test_real_offset_and_gps_time (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("photos/es_HMD_Nokia_8.3_5G.jpg");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  XunchaPhotoMeta meta;
  gint64 utc;
  gsize len;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, path, NULL);
  xuncha_photo_meta_read (&meta, jpeg);
  g_assert_true (meta.has_offset);
  g_assert_cmpint (meta.offset_s, ==, 3 * 3600);
  g_assert_true (xuncha_photo_meta_get_utc_ms (&meta, NULL, &utc));
  /* 2022:08:14 14:12:31 +03:00 = 11:12:31Z; the GPS clock said 11:12:32Z. */
  g_assert_cmpint (utc / 1000, ==, G_GINT64_CONSTANT (1660475551));
  g_assert_true (meta.has_gps_time);
  g_assert_cmpint (meta.gps_time_ms / 1000, ==, G_GINT64_CONSTANT (1660475552));
}

static void
fill_written (XunchaPhotoMeta *meta)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+08:00");

  xuncha_photo_meta_clear (meta);
  meta->has_position = TRUE;
  meta->lat = 31.2304167;
  meta->lon = -121.4737012;
  meta->altitude = -4.25;
  meta->direction = 271.5;
  meta->has_gps_time = TRUE;
  meta->gps_time_ms = G_GINT64_CONSTANT (1714530645250);   /* 2024-05-01T02:30:45.250Z */
  xuncha_photo_meta_set_time (meta, meta->gps_time_ms, zone);
}

static void
assert_read_back (GBytes *file)
{
  g_autoptr(XunchaJpeg) jpeg = parse (file);
  XunchaPhotoMeta meta;
  gint64 utc;

  g_assert_true (xuncha_photo_meta_read (&meta, jpeg));
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 31.2304167, 1e-8);
  g_assert_cmpfloat_with_epsilon (meta.lon, -121.4737012, 1e-8);
  g_assert_cmpfloat_with_epsilon (meta.altitude, -4.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (meta.direction, 271.5, 1e-9);
  g_assert_true (meta.has_gps_time);
  g_assert_cmpint (meta.gps_time_ms, ==, G_GINT64_CONSTANT (1714530645250));
  g_assert_true (meta.has_offset);
  g_assert_cmpint (meta.offset_s, ==, 8 * 3600);
  g_assert_true (xuncha_photo_meta_get_utc_ms (&meta, NULL, &utc));
  g_assert_cmpint (utc, ==, G_GINT64_CONSTANT (1714530645250));
  g_assert_true (xuncha_jpeg_check_image (jpeg, NULL));
}

static GBytes *
write_meta (GBytes *file)
{
  g_autoptr(XunchaJpeg) jpeg = parse (file);
  g_autoptr(GPtrArray) pieces = NULL;
  g_autoptr(GError) error = NULL;
  XunchaPhotoMeta meta;

  fill_written (&meta);
  pieces = xuncha_photo_meta_write (&meta, jpeg, &error);
  g_assert_no_error (error);
  return xuncha_jpeg_join_pieces (pieces);
}

static void
test_write_round_trip (void)
{
  g_autoptr(GBytes) plain = photo_fixture_image (48, 32, 7);
  g_autoptr(GBytes) written = write_meta (plain);
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
  g_autoptr(GBytes) tagged = NULL;
  g_autoptr(GBytes) rewritten = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  XunchaPhotoMeta meta;

  assert_read_back (written);

  /* Into an existing big-endian block that has a camera name and a void GPS status: the
   * name stays, the status no longer hides the new position. */
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "Fixture Camera");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 9, "V");
  tagged = with_exif (exif, 8);
  rewritten = write_meta (tagged);
  assert_read_back (rewritten);
  jpeg = parse (rewritten);
  xuncha_photo_meta_read (&meta, jpeg);
  g_assert_true (meta.has_position);
  {
    g_autoptr(GBytes) block = xuncha_jpeg_get_exif (jpeg);
    gsize len;
    const char *data = g_bytes_get_data (block, &len);
    gboolean found = FALSE;

    for (gsize i = 0; i + 14 <= len && !found; i++)
      found = memcmp (data + i, "Fixture Camera", 14) == 0;
    g_assert_true (found);
  }
}

static void
test_write_keeps_other_segments (void)
{
  static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>keep me</x:xmpmeta>";
  static const char icc[] = "ICC_PROFILE\0\1\1 profile bytes that must not move";
  static const char comment[] = "comment";
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (FALSE);
  g_autoptr(GBytes) image = photo_fixture_image (64, 40, 11);
  g_autoptr(GBytes) xmp_seg = photo_fixture_segment (0xe1, xmp, sizeof xmp);
  g_autoptr(GBytes) icc_seg = photo_fixture_segment (0xe2, icc, sizeof icc);
  g_autoptr(GBytes) com_seg = photo_fixture_segment (0xfe, comment, sizeof comment);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) exif_seg = NULL;

  photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2020:01:01 00:00:00");
  payload = photo_fixture_exif_finish (exif);
  exif_seg = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                    g_bytes_get_size (payload));

  /* Without Exif, and with Exif after the XMP. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GBytes) file = round == 0
        ? photo_fixture_insert (image, TRUE, xmp_seg, icc_seg, com_seg, NULL)
        : photo_fixture_insert (image, TRUE, xmp_seg, exif_seg, icc_seg, com_seg, NULL);
      g_autoptr(GBytes) out = write_meta (file);
      g_autoptr(XunchaJpeg) a = parse (file);
      g_autoptr(XunchaJpeg) b = parse (out);
      const guint8 *da = g_bytes_get_data (file, NULL);
      const guint8 *db = g_bytes_get_data (out, NULL);
      guint ia = 0, ib = 0;
      gsize end_a = 0, end_b = 0;

      /* Walk both segment lists skipping Exif: the rest matches byte for byte, in order,
       * and so does everything after the headers (the image data). */
      for (;;)
        {
          guint8 ma = 0, mb = 0;
          gsize oa = 0, la = 0, ob = 0, lb = 0;

          while (ia < xuncha_jpeg_get_n_segments (a))
            {
              xuncha_jpeg_get_segment (a, ia, &ma, &oa, &la);
              end_a = oa + la;
              if (!(ma == 0xe1 && memcmp (da + oa + 4, "Exif", 4) == 0))
                break;
              ia++;
            }
          while (ib < xuncha_jpeg_get_n_segments (b))
            {
              xuncha_jpeg_get_segment (b, ib, &mb, &ob, &lb);
              end_b = ob + lb;
              if (!(mb == 0xe1 && memcmp (db + ob + 4, "Exif", 4) == 0))
                break;
              ib++;
            }
          if (ia >= xuncha_jpeg_get_n_segments (a) || ib >= xuncha_jpeg_get_n_segments (b))
            {
              g_assert_cmpuint (ia, ==, xuncha_jpeg_get_n_segments (a));
              g_assert_cmpuint (ib, ==, xuncha_jpeg_get_n_segments (b));
              break;
            }
          g_assert_cmpint (ma, ==, mb);
          g_assert_cmpmem (da + oa, la, db + ob, lb);
          ia++, ib++;
        }
      g_assert_cmpmem (da + end_a, g_bytes_get_size (file) - end_a,
                       db + end_b, g_bytes_get_size (out) - end_b);
      assert_read_back (out);
    }
}

static void
test_exiftool_reads_our_tags (void)
{
  g_autofree char *exiftool = g_find_program_in_path ("exiftool");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *tags;

  if (exiftool == NULL)
    {
      g_test_skip ("exiftool is not installed (Debian: libimage-exiftool-perl); it is the "
                   "independent reader of the tags we write");
      return;
    }
  dir = xuncha_test_make_tmpdir ();
  plain = photo_fixture_image (48, 32, 12);
  written = write_meta (plain);
  path = photo_fixture_write (dir, "tagged.jpg", written);
  {
    const char *argv[] = { exiftool, "-n", "-json", "-G1", path, NULL };
    g_assert_cmpint (xuncha_test_run (argv, &out, NULL), ==, 0);
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  tags = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSLatitude"),
                                  31.2304167, 1e-8);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSLongitude"),
                                  -121.4737012, 1e-8);
  g_assert_cmpstr (json_object_get_string_member (tags, "GPS:GPSLongitudeRef"), ==, "W");
  g_assert_cmpint (json_object_get_int_member (tags, "GPS:GPSAltitudeRef"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSAltitude"),
                                  -4.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "GPS:GPSImgDirection"),
                                  271.5, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (tags, "GPS:GPSMapDatum"), ==, "WGS-84");
  g_assert_cmpstr (json_object_get_string_member (tags, "GPS:GPSDateStamp"), ==, "2024:05:01");
  g_assert_cmpstr (json_object_get_string_member (tags, "GPS:GPSTimeStamp"), ==, "02:30:45.25");
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:DateTimeOriginal"), ==,
                   "2024:05:01 10:30:45");
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:OffsetTimeOriginal"), ==,
                   "+08:00");
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/photo-meta/read-gps-both-orders", test_read_gps_both_orders);
  g_test_add_func ("/photo-meta/read-no-position-cases", test_read_no_position_cases);
  g_test_add_func ("/photo-meta/read-malformed-gps-date", test_read_malformed_gps_date);
  g_test_add_func ("/photo-meta/read-exif-after-xmp", test_read_exif_after_xmp);
  g_test_add_func ("/photo-meta/read-no-exif", test_read_no_exif);
  g_test_add_func ("/photo-meta/real-photos", test_real_photos);
  g_test_add_func ("/photo-meta/real-offset-and-gps-time", test_real_offset_and_gps_time);
  g_test_add_func ("/photo-meta/write-round-trip", test_write_round_trip);
  g_test_add_func ("/photo-meta/write-keeps-other-segments", test_write_keeps_other_segments);
  g_test_add_func ("/photo-meta/exiftool-reads-our-tags", test_exiftool_reads_our_tags);

  return g_test_run ();
}
