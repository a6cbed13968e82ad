/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exif geotag of 200 photos in place, against exiftool writing the same tags to copies of
 * the same files. */
#include "config.h"

#include <math.h>

#include "bench-util.h"
#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"

static XunchaPhotoMeta
tag_for (guint i)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+08:00");
  XunchaPhotoMeta meta;

  xuncha_photo_meta_clear (&meta);
  meta.has_position = TRUE;
  meta.lat = 31.2 + i * 1e-4;
  meta.lon = 121.4 + i * 1e-4;
  meta.altitude = 12.5;
  meta.direction = 90;
  meta.has_gps_time = TRUE;
  meta.gps_time_ms = G_GINT64_CONSTANT (1714530645000) + i * 1000;
  xuncha_photo_meta_set_time (&meta, meta.gps_time_ms, zone);
  return meta;
}

static void
geotag_ours (const char *path,
             guint       i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  g_autoptr(GPtrArray) pieces = NULL;
  g_autoptr(GBytes) out = NULL;
  XunchaPhotoMeta meta = tag_for (i);
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, path, &error);
  g_assert_no_error (error);
  pieces = xuncha_photo_meta_write (&meta, jpeg, &error);
  g_assert_no_error (error);
  out = xuncha_jpeg_join_pieces (pieces);
  bench_replace_file (path, out);
}

static void
read_position (const char *path,
               double     *lat,
               double     *lon)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  XunchaPhotoMeta meta;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, path, NULL);
  g_assert_nonnull (jpeg);
  xuncha_photo_meta_read (&meta, jpeg);
  g_assert_true (meta.has_position);
  *lat = meta.lat;
  *lon = meta.lon;
}

int
main (void)
{
  guint n = (guint)(200 * bench_scale ());
  g_autofree char *exiftool = g_find_program_in_path ("exiftool");
  g_autofree char *dir = bench_tmpdir ();
  g_autofree char *ours = g_build_filename (dir, "ours", NULL);
  g_autofree char *theirs = g_build_filename (dir, "theirs", NULL);
  g_autofree char *argfile = g_build_filename (dir, "args.txt", NULL);
  g_autoptr(GString) args = g_string_new (NULL);
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
  g_autoptr(GBytes) image = photo_fixture_image (1024, 768, 3);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) segment = NULL;
  g_autoptr(GBytes) photo = NULL;
  g_autoptr(GError) error = NULL;
  double t_ours, t_theirs, worst = 0;
  gint64 start;
  int status = 0;

  if (exiftool == NULL)
    {
      g_printerr ("exiftool is not installed (Debian: libimage-exiftool-perl): no baseline\n");
      return 77;
    }

  /* A camera photo: make, model and time, no GPS. */
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "Fixture");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x0110, "Camera 1");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2024:05:01 10:30:45");
  payload = photo_fixture_exif_finish (exif);
  segment = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                   g_bytes_get_size (payload));
  photo = photo_fixture_insert (image, TRUE, segment, NULL);
  g_mkdir_with_parents (ours, 0700);
  g_mkdir_with_parents (theirs, 0700);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%04u.jpg", i);
      g_free (photo_fixture_write (ours, name, photo));
      g_autofree char *b = photo_fixture_write (theirs, name, photo);
      XunchaPhotoMeta m = tag_for (i);
      g_autoptr(GDateTime) gps = g_date_time_new_from_unix_utc (m.gps_time_ms / 1000);
      g_autoptr(GDateTime) wall = g_date_time_new_from_unix_utc (m.local_time_s);
      g_autofree char *gps_date = g_date_time_format (gps, "%Y:%m:%d");
      g_autofree char *gps_time = g_date_time_format (gps, "%H:%M:%S");
      g_autofree char *dto = g_date_time_format (wall, "%Y:%m:%d %H:%M:%S");

      g_string_append_printf (args,
                              "-overwrite_original\n-n\n-GPSVersionID=2 3 0 0\n"
                              "-GPSLatitude=%.8f\n-GPSLatitudeRef=N\n-GPSLongitude=%.8f\n"
                              "-GPSLongitudeRef=E\n-GPSAltitude=12.5\n-GPSAltitudeRef=0\n"
                              "-GPSImgDirection=90\n-GPSImgDirectionRef=T\n"
                              "-GPSDateStamp=%s\n-GPSTimeStamp=%s\n-GPSMapDatum=WGS-84\n"
                              "-DateTimeOriginal=%s\n-OffsetTimeOriginal=+08:00\n%s\n-execute\n",
                              m.lat, m.lon, gps_date, gps_time, dto, b);
    }
  g_assert_true (g_file_set_contents (argfile, args->str, -1, NULL));

  /* The machine's disk is shared: the best of three alternating runs of each. */
  t_ours = t_theirs = G_MAXDOUBLE;
  for (guint rep = 0; rep < 3; rep++)
    {
      double t;

      for (guint i = 0; rep > 0 && i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("p%04u.jpg", i);
          g_free (photo_fixture_write (ours, name, photo));
          g_free (photo_fixture_write (theirs, name, photo));
        }

      start = g_get_monotonic_time ();
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("p%04u.jpg", i);
          g_autofree char *path = g_build_filename (ours, name, NULL);
          geotag_ours (path, i);
        }
      t = (g_get_monotonic_time () - start) / 1e6;
      t_ours = MIN (t_ours, t);

      start = g_get_monotonic_time ();
      {
        const char *argv[] = { exiftool, "-q", "-@", argfile, NULL };
        g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      NULL, &status, &error);
        g_assert_no_error (error);
      }
      t = (g_get_monotonic_time () - start) / 1e6;
      t_theirs = MIN (t_theirs, t);
    }

  /* Both wrote the same places. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%04u.jpg", i);
      g_autofree char *a = g_build_filename (ours, name, NULL);
      g_autofree char *b = g_build_filename (theirs, name, NULL);
      double la, loa, lb, lob;

      read_position (a, &la, &loa);
      read_position (b, &lb, &lob);
      worst = MAX (worst, xuncha_distance_m (la, loa, lb, lob));
    }
  g_printerr ("%u photos: ours %.3f s, exiftool %.3f s; largest disagreement %.4f m\n", n,
              t_ours, t_theirs, worst);
  g_assert_cmpfloat (worst, <, 0.01);

  bench_print ("exif_geotag_200", t_ours * 1000 / n, "ms/photo", "exiftool", t_ours / t_theirs);
  bench_print ("exiftool_geotag_200", t_theirs * 1000 / n, "ms/photo", "exiftool", 1.0);
  bench_remove_tree (dir);
  return 0;
}
