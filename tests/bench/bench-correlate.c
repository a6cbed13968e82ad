/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time correlation of 1,000 photos against gpscorrelate on the same GPX track: both read
 * each photo's time, interpolate on the track and write the position into the photo. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-util.h"
#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"

typedef struct
{
  GArray  *fixes;      /* XunchaFix of the current segment */
  GArray  *best;       /* the longest segment seen */
  gboolean in_time;
  double   lat, lon;
  GString *text;
} GpxParse;

static void
on_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              user_data,
          GError              **error)
{
  GpxParse *p = user_data;

  if (g_str_equal (element, "trkseg"))
    g_array_set_size (p->fixes, 0);
  else if (g_str_equal (element, "trkpt"))
    {
      p->lat = p->lon = NAN;
      for (guint i = 0; names[i] != NULL; i++)
        {
          if (g_str_equal (names[i], "lat"))
            p->lat = g_ascii_strtod (values[i], NULL);
          else if (g_str_equal (names[i], "lon"))
            p->lon = g_ascii_strtod (values[i], NULL);
        }
    }
  else if (g_str_equal (element, "time") && !isnan (p->lat))
    {
      p->in_time = TRUE;
      g_string_truncate (p->text, 0);
    }
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              user_data,
         GError              **error)
{
  GpxParse *p = user_data;

  if (p->in_time)
    g_string_append_len (p->text, text, len);
}

static void
on_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              user_data,
        GError              **error)
{
  GpxParse *p = user_data;

  if (g_str_equal (element, "time") && p->in_time)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (p->text->str, NULL);
      p->in_time = FALSE;
      if (dt != NULL)
        {
          XunchaFix fix = xuncha_fix_init (g_date_time_to_unix (dt) * 1000
                                           + g_date_time_get_microsecond (dt) / 1000,
                                           p->lat, p->lon);
          g_array_append_val (p->fixes, fix);
        }
    }
  else if (g_str_equal (element, "trkpt"))
    p->lat = NAN;
  else if (g_str_equal (element, "trkseg") && p->fixes->len > p->best->len)
    {
      g_array_set_size (p->best, 0);
      g_array_append_vals (p->best, p->fixes->data, p->fixes->len);
    }
}

/* The longest track segment of a GPX file. */
static GArray *
read_gpx (const char *path)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  g_autofree char *text = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  GpxParse p = { g_array_new (FALSE, FALSE, sizeof (XunchaFix)),
                 g_array_new (FALSE, FALSE, sizeof (XunchaFix)), FALSE, NAN, NAN,
                 g_string_new (NULL) };
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  context = g_markup_parse_context_new (&parser, 0, &p, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, len, NULL));
  g_assert_true (g_markup_parse_context_end_parse (context, NULL));
  g_array_unref (p.fixes);
  g_string_free (p.text, TRUE);
  return p.best;
}

/* A GPX 1.1 file of @fixes with whole-second times, read the same by both tools. */
static void
write_gpx (const char *path,
           GArray     *fixes)
{
  g_autoptr(GString) out = g_string_new ("<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" "
                                         "creator=\"xuncha-bench\" "
                                         "xmlns=\"http://www.topografix.com/GPX/1/1\">"
                                         "<trk><trkseg>\n");

  for (guint i = 0; i < fixes->len; i++)
    {
      XunchaFix *f = &g_array_index (fixes, XunchaFix, i);
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *t = NULL;
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      f->t_ms -= f->t_ms % 1000;
      dt = g_date_time_new_from_unix_utc (f->t_ms / 1000);
      t = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      g_string_append_printf (out, "<trkpt lat=\"%s\" lon=\"%s\"><time>%s</time></trkpt>\n",
                              g_ascii_formatd (lat, sizeof lat, "%.9f", f->lat),
                              g_ascii_formatd (lon, sizeof lon, "%.9f", f->lon), t);
    }
  g_string_append (out, "</trkseg></trk></gpx>\n");
  g_assert_true (g_file_set_contents (path, out->str, out->len, NULL));
}

static GArray *
synthetic_track (void)
{
  GArray *fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));

  /* An hour's walk, a fix every 5 s, wandering north-east. */
  for (guint i = 0; i < 720; i++)
    {
      XunchaFix fix = xuncha_fix_init (G_GINT64_CONSTANT (1714530600000) + i * 5000,
                                       31.2 + i * 3e-5 + 2e-4 * sin (i / 20.0),
                                       121.4 + i * 2e-5 + 2e-4 * cos (i / 15.0));
      g_array_append_val (fixes, fix);
    }
  return fixes;
}

static gboolean
read_meta (const char      *path,
           XunchaPhotoMeta *meta)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, path, NULL);
  g_assert_nonnull (jpeg);
  return xuncha_photo_meta_read (meta, jpeg);
}

static guint
correlate_ours (const char *gpx,
                char      **paths,
                guint       n)
{
  g_autoptr(GArray) fixes = read_gpx (gpx);
  g_autoptr(XunchaTimeCorrelator) track =
    xuncha_time_correlator_new ((XunchaFix *)(void *)fixes->data, fixes->len);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  guint placed = 0;

  xuncha_time_correlator_set_zone (track, utc);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(XunchaJpeg) jpeg = NULL;
      g_autoptr(GPtrArray) pieces = NULL;
      g_autoptr(GBytes) out = NULL;
      XunchaPhotoMeta meta;
      XunchaFix fix;
      gsize len;

      g_assert_true (g_file_get_contents (paths[i], &contents, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      jpeg = xuncha_jpeg_new (bytes, paths[i], &error);
      g_assert_no_error (error);
      xuncha_photo_meta_read (&meta, jpeg);
      if (!xuncha_time_correlator_locate_photo (track, &meta, &fix))
        continue;
      meta.has_position = TRUE;
      meta.lat = fix.lat;
      meta.lon = fix.lon;
      meta.has_gps_time = TRUE;
      meta.gps_time_ms = fix.t_ms;
      pieces = xuncha_photo_meta_write (&meta, jpeg, &error);
      g_assert_no_error (error);
      out = xuncha_jpeg_join_pieces (pieces);
      bench_replace_file (paths[i], out);
      placed++;
    }
  return placed;
}

int
main (void)
{
  guint n = (guint)(1000 * bench_scale ());
  g_autofree char *gpscorrelate = g_find_program_in_path ("gpscorrelate");
  g_autofree char *real_gpx = NULL;
  g_autofree char *dir = bench_tmpdir ();
  g_autofree char *gpx = g_build_filename (dir, "track.gpx", NULL);
  g_autofree char *ours = g_build_filename (dir, "ours", NULL);
  g_autofree char *theirs = g_build_filename (dir, "theirs", NULL);
  g_autoptr(GArray) fixes = NULL;
  g_autoptr(GPtrArray) our_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GBytes) image = photo_fixture_image (64, 48, 5);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = NULL;
  gint64 first, last, start;
  double t_ours, t_theirs, worst = 0;
  guint placed_ours, both = 0, only_one = 0;
  const char *root = g_getenv ("XUNCHA_TESTDATA");
  int status = 0;

  if (gpscorrelate == NULL)
    {
      g_printerr ("gpscorrelate is not installed (Debian package gpscorrelate): no baseline\n");
      return 77;
    }
  if (root != NULL)
    real_gpx = g_build_filename (root, "tracks", "gothenburg_walk_mtk_logger.gpx", NULL);
  if (real_gpx != NULL && g_file_test (real_gpx, G_FILE_TEST_EXISTS))
    fixes = read_gpx (real_gpx);
  else
    fixes = synthetic_track ();
  g_printerr ("track: %u fixes (%s)\n", fixes->len,
              fixes->len > 0 && real_gpx != NULL && g_file_test (real_gpx, G_FILE_TEST_EXISTS)
              ? "Gothenburg walk" : "synthetic");
  write_gpx (gpx, fixes);
  first = g_array_index (fixes, XunchaFix, 0).t_ms;
  last = g_array_index (fixes, XunchaFix, fixes->len - 1).t_ms;

  g_mkdir_with_parents (ours, 0700);
  g_mkdir_with_parents (theirs, 0700);
  g_ptr_array_add (argv, g_strdup (gpscorrelate));
  g_ptr_array_add (argv, g_strdup ("-g"));
  g_ptr_array_add (argv, g_strdup (gpx));
  g_ptr_array_add (argv, g_strdup ("-M"));
  for (guint i = 0; i < n; i++)
    {
      /* Whole seconds spread over the track, as a phone camera writes them (UTC here). */
      gint64 t = first / 1000 + (gint64)((last - first) / 1000 * (i + 0.5) / n);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *text = g_date_time_format (dt, "%Y:%m:%d %H:%M:%S");
      g_autoptr(FixtureExif) exif = photo_fixture_exif_new (i % 2 == 0);
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GBytes) segment = NULL;
      g_autoptr(GBytes) photo = NULL;
      g_autofree char *name = g_strdup_printf ("p%04u.jpg", i);

      photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "PINE64");
      photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, text);
      payload = photo_fixture_exif_finish (exif);
      segment = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                       g_bytes_get_size (payload));
      photo = photo_fixture_insert (image, TRUE, segment, NULL);
      g_ptr_array_add (photos, g_bytes_ref (photo));
      g_ptr_array_add (our_paths, photo_fixture_write (ours, name, photo));
      g_ptr_array_add (argv, photo_fixture_write (theirs, name, photo));
    }
  g_ptr_array_add (argv, NULL);

  /* gpscorrelate reads photo times as local time: run it in UTC like ours. */
  env = g_environ_setenv (g_get_environ (), "TZ", "UTC", TRUE);
  /* The machine's disk is shared: the best of three alternating runs of each, on fresh
   * copies (gpscorrelate leaves photos that already have GPS alone). */
  t_ours = t_theirs = G_MAXDOUBLE;
  for (guint rep = 0; rep < 3; rep++)
    {
      double t;

      for (guint i = 0; rep > 0 && i < n; i++)
        {
          g_autoptr(GError) write_error = NULL;
          GBytes *photo = photos->pdata[i];

          g_file_set_contents (our_paths->pdata[i], g_bytes_get_data (photo, NULL),
                               g_bytes_get_size (photo), &write_error);
          g_assert_no_error (write_error);
          g_file_set_contents (argv->pdata[4 + i], g_bytes_get_data (photo, NULL),
                               g_bytes_get_size (photo), &write_error);
          g_assert_no_error (write_error);
        }

      start = g_get_monotonic_time ();
      placed_ours = correlate_ours (gpx, (char **)our_paths->pdata, n);
      t = (g_get_monotonic_time () - start) / 1e6;
      t_ours = MIN (t_ours, t);

      start = g_get_monotonic_time ();
      g_spawn_sync (NULL, (char **)argv->pdata, env,
                    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                    NULL, &status, &error);
      g_assert_no_error (error);
      t = (g_get_monotonic_time () - start) / 1e6;
      t_theirs = MIN (t_theirs, t);
    }

  for (guint i = 0; i < n; i++)
    {
      XunchaPhotoMeta a, b;

      read_meta (our_paths->pdata[i], &a);
      read_meta (argv->pdata[4 + i], &b);
      if (a.has_position && b.has_position)
        {
          both++;
          worst = MAX (worst, xuncha_distance_m (a.lat, a.lon, b.lat, b.lon));
        }
      else if (a.has_position != b.has_position)
        only_one++;
    }
  g_printerr ("%u photos: ours placed %u in %.3f s, gpscorrelate %.3f s; both placed %u, "
              "one only %u (track gaps over 60 s); largest disagreement %.3f m\n",
              n, placed_ours, t_ours, t_theirs, both, only_one, worst);
  g_assert_cmpuint (both, >, n * 9 / 10);
  g_assert_cmpfloat (worst, <=, 1.0);

  bench_print ("time_correlation_1000", t_ours * 1000, "ms", "gpscorrelate", t_ours / t_theirs);
  bench_print ("gpscorrelate_1000", t_theirs * 1000, "ms", "gpscorrelate", 1.0);
  bench_print ("time_correlation_max_disagreement", worst, "m", "gpscorrelate", 0);
  bench_remove_tree (dir);
  return 0;
}
