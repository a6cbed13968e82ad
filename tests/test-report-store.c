/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libexif/exif-data.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-store-private.h"
#include "xuncha-evidence-log.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-test-signing.h"
#include "xuncha-test-util.h"

#define CATEGORY "09006"

typedef struct
{
  char              *dir;
  XunchaStore       *store;
  XunchaReportStore *reports;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = xuncha_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (f->store, &error));
  f->reports = xuncha_report_store_new (f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->reports);
  g_clear_object (&f->store);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->dir = xuncha_test_make_tmpdir ();
  fixture_open (f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  fixture_close (f);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gint64
rows (Fixture    *f,
      const char *table)
{
  return xuncha_store_count_rows (f->store, table, NULL);
}

/* Regular files in the photo folder (not the thumbnail folder). */
static guint
photo_files (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "photos", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        n++;
    }
  return n;
}

static void
assert_nothing_stored (Fixture *f)
{
  g_assert_cmpint (rows (f, "reports"), ==, 0);
  g_assert_cmpint (rows (f, "photos"), ==, 0);
  g_assert_cmpint (rows (f, "report_photos"), ==, 0);
  g_assert_cmpint (rows (f, "outbox"), ==, 0);
  g_assert_cmpuint (photo_files (f), ==, 0);
}

static char *
plain_photo (Fixture    *f,
             const char *name,
             guint       seed)
{
  g_autoptr(GBytes) image = photo_fixture_image (96, 64, seed);
  return photo_fixture_write (f->dir, name, image);
}

static GBytes *
exif_photo (double      lat,
            double      lon,
            const char *datetime,
            const char *offset,
            int         width,
            int         height,
            guint       seed)
{
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (seed % 2 == 0);
  g_autoptr(GBytes) image = photo_fixture_image (width, height, seed);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) segment = NULL;

  if (!isnan (lat))
    photo_fixture_exif_gps (exif, lat, lon);
  if (datetime != NULL)
    photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, datetime);
  if (offset != NULL)
    photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9011, offset);
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "Fixture Camera");
  payload = photo_fixture_exif_finish (exif);
  segment = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                   g_bytes_get_size (payload));
  return photo_fixture_insert (image, TRUE, segment, NULL);
}

static XunchaPhotoMeta
stored_meta (Fixture    *f,
             const char *sha256)
{
  g_autofree char *path = xuncha_photo_store_get_path (
    xuncha_report_store_get_photo_store (f->reports), sha256);
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
  return meta;
}

static char *
outbox_state (Fixture    *f,
              const char *kind,
              const char *item)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *state = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (f->store),
                                       "SELECT state, queued_at FROM outbox "
                                       "WHERE kind = ?1 AND item = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_assert_nonnull (sqlite3_column_text (stmt, 1));
      state = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    }
  return state;
}

static void
test_save_manual (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *photo = plain_photo (f, "plain.jpg", 1);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(XunchaReport) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *photos_dir = g_build_filename (f->dir, "photos", NULL);
  g_autofree char *state = NULL;
  XunchaPhotoStore *ps = xuncha_report_store_get_photo_store (f->reports);
  XunchaPhotoMeta meta;
  GStatBuf st;
  const char *sha;

  g_assert_true (g_uuid_string_is_valid (xuncha_report_get_uuid (report)));
  g_assert_true (g_str_has_suffix (xuncha_report_get_created_at (report), "Z"));
  xuncha_report_set_position (report, 31.2304, 121.4737, 8, NAN, 90,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_set_note (report, "摊点占道");
  xuncha_report_set_fields_json (report, "{\"goods\": \"fruit\"}");
  xuncha_report_set_disposition (report, XUNCHA_DISPOSITION_DEADLINE);
  xuncha_report_set_deadline (report, "2024-06-01");
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);

  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (rows (f, "reports"), ==, 1);
  g_assert_cmpint (rows (f, "photos"), ==, 1);
  g_assert_cmpint (rows (f, "report_photos"), ==, 1);
  g_assert_cmpint (rows (f, "outbox"), ==, 2);
  sha = xuncha_report_get_photo_sha256 (report, 0);
  g_assert_nonnull (sha);
  state = outbox_state (f, "photo", sha);
  g_assert_cmpstr (state, ==, "waiting");
  g_clear_pointer (&state, g_free);
  state = outbox_state (f, "report", xuncha_report_get_uuid (report));
  g_assert_cmpstr (state, ==, "waiting");

  /* Content-addressed, owner only, and the hash is right. */
  path = xuncha_photo_store_get_path (ps, sha);
  g_assert_true (g_str_has_prefix (path, photos_dir));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (photos_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (xuncha_photo_store_verify (ps, sha, &error));
  g_assert_no_error (error);

  /* The photo had no GPS: it now carries the report's position and direction of view;
   * no time, as nobody said when this file was taken. */
  meta = stored_meta (f, sha);
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 31.2304, 1e-8);
  g_assert_cmpfloat_with_epsilon (meta.lon, 121.4737, 1e-8);
  g_assert_cmpfloat_with_epsilon (meta.direction, 90, 1e-9);
  g_assert_false (meta.has_time);
  g_assert_false (meta.has_gps_time);

  back = xuncha_report_store_get (f->reports, xuncha_report_get_uuid (report), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_report_get_note (back), ==, "摊点占道");
  g_assert_cmpstr (xuncha_report_get_created_at (back), ==,
                   xuncha_report_get_created_at (report));
  g_assert_cmpint (xuncha_report_get_position_source (back), ==, XUNCHA_POSITION_SOURCE_GPS);
  g_assert_cmpfloat (xuncha_report_get_accuracy (back), ==, 8);
  g_assert_cmpint (xuncha_report_get_disposition (back), ==, XUNCHA_DISPOSITION_DEADLINE);
  g_assert_cmpstr (xuncha_report_get_deadline (back), ==, "2024-06-01");
  g_assert_cmpstr (xuncha_report_get_fields_json (back), ==, "{\"goods\": \"fruit\"}");
  g_assert_cmpuint (xuncha_report_get_n_photos (back), ==, 1);
  g_assert_cmpstr (xuncha_report_get_photo_sha256 (back, 0), ==, sha);
  g_assert_true (xuncha_store_check_integrity (f->store, NULL));

  /* Saving the same report again is refused: the id is already taken. */
  g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
  g_assert_cmpint (rows (f, "reports"), ==, 1);
}

static void
test_same_photo_once (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) tagged = exif_photo (45.5006, 9.1103, "2011:05:06 09:59:48", "+02:00",
                                         80, 60, 2);
  g_autofree char *photo = photo_fixture_write (f->dir, "gps.jpg", tagged);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
      g_autoptr(GError) error = NULL;

      xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
      xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_EVIDENCE);
      g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
      g_assert_no_error (error);
      /* A photo with its own GPS places the report and is stored as it came. */
      g_assert_cmpint (xuncha_report_get_position_source (report), ==,
                       XUNCHA_POSITION_SOURCE_EXIF);
      g_assert_cmpfloat_with_epsilon (xuncha_report_get_lat (report), 45.5006, 1e-7);
      {
        g_autoptr(GPtrArray) one = g_ptr_array_new ();
        g_autofree char *hash = NULL;
        g_ptr_array_add (one, tagged);
        hash = xuncha_photo_store_hash_pieces (one);
        g_assert_cmpstr (xuncha_report_get_photo_sha256 (report, 0), ==, hash);
      }
    }
  g_assert_cmpint (rows (f, "reports"), ==, 2);
  g_assert_cmpint (rows (f, "photos"), ==, 1);
  g_assert_cmpint (rows (f, "report_photos"), ==, 4);
  g_assert_cmpint (rows (f, "outbox"), ==, 3);
  g_assert_cmpuint (photo_files (f), ==, 1);
}

static void
test_track_position (Fixture       *f,
                     gconstpointer  data)
{
  /* 10:30:05 +08:00 = 02:30:05Z, half way between two fixes 10 s apart. */
  g_autoptr(GBytes) bytes = exif_photo (NAN, NAN, "2024:05:01 10:30:05", "+08:00", 64, 48, 3);
  g_autofree char *photo = photo_fixture_write (f->dir, "pinephone.jpg", bytes);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(XunchaReport) late = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;
  XunchaPhotoMeta meta;

  g_assert_true (xuncha_store_exec (f->store,
    "INSERT INTO shifts (uuid, kind, started_at) VALUES ('s1', 'early', '2024-05-01T02:00:00Z');"
    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy) VALUES "
    "('s1', 1, 1714530600000, 31.0, 121.0, 5),"
    "('s1', 2, 1714530610000, 31.001, 121.002, 9);", &error));
  g_assert_no_error (error);

  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_report_get_position_source (report), ==,
                   XUNCHA_POSITION_SOURCE_TRACK);
  g_assert_cmpfloat_with_epsilon (xuncha_report_get_lat (report), 31.0005, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_report_get_lon (report), 121.001, 1e-9);
  g_assert_cmpfloat_with_epsilon (xuncha_report_get_accuracy (report), 9, 1e-9);
  meta = stored_meta (f, xuncha_report_get_photo_sha256 (report, 0));
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 31.0005, 1e-8);

  /* A camera clock 2 minutes behind with the default 60 s gap: out of reach ... */
  xuncha_report_add_photo_file (late, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  xuncha_report_store_set_camera_offset_ms (f->reports, 120000);
  g_assert_false (xuncha_report_store_save (f->reports, late, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NO_POSITION);
  g_clear_error (&error);
  /* ... and within reach with a 5 minute gap (the nearest fix). */
  xuncha_report_store_set_max_gap_ms (f->reports, 300000);
  g_assert_true (xuncha_report_store_save (f->reports, late, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (xuncha_report_get_lat (late), 31.001, 1e-9);
}

static void
test_no_position (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *photo = plain_photo (f, "nowhere.jpg", 4);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;

  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NO_POSITION);
  g_assert_nonnull (strstr (error->message, "--lat"));
  g_assert_false (xuncha_report_has_position (report));
  assert_nothing_stored (f);
}

static void
test_bad_photos (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) image = photo_fixture_image (96, 64, 5);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (image, 0, g_bytes_get_size (image) - 300);
  g_autofree char *good = plain_photo (f, "good.jpg", 6);
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autofree char *empty = photo_fixture_write (f->dir, "empty.jpg", nothing);
  g_autofree char *text = NULL;
  g_autofree char *truncated = photo_fixture_write (f->dir, "truncated.jpg", cut);
  g_autofree char *missing = g_build_filename (f->dir, "missing.jpg", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "a-folder.jpg", NULL);
  const char *bad[5];

  {
    g_autoptr(GBytes) t = g_bytes_new_static ("not a photo at all", 18);
    text = photo_fixture_write (f->dir, "notes.jpg", t);
  }
  g_mkdir (folder, 0700);
  bad[0] = empty, bad[1] = text, bad[2] = truncated, bad[3] = missing, bad[4] = folder;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
      g_autoptr(GError) error = NULL;

      /* A good photo first: it must not be stored either. */
      xuncha_report_add_photo_file (report, good, XUNCHA_PHOTO_ROLE_BEFORE);
      xuncha_report_add_photo_file (report, bad[i], XUNCHA_PHOTO_ROLE_AFTER);
      xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_MANUAL);
      g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
      g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i]));
      assert_nothing_stored (f);
    }
}

static void
test_invalid (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *photo = plain_photo (f, "p.jpg", 7);
  struct { const char *category, *parent, *deadline, *merchant, *fields; } cases[] = {
    { "99999", NULL, NULL, NULL, NULL },
    { CATEGORY, "no-such-report", NULL, NULL, NULL },
    { CATEGORY, NULL, "2024-13-01", NULL, NULL },
    { CATEGORY, NULL, NULL, "no-such-merchant", NULL },
    { CATEGORY, NULL, NULL, NULL, "[1, 2]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new (cases[i].category);
      g_autoptr(GError) error = NULL;

      xuncha_report_set_parent_uuid (report, cases[i].parent);
      xuncha_report_set_deadline (report, cases[i].deadline);
      xuncha_report_set_merchant_id (report, cases[i].merchant);
      xuncha_report_set_fields_json (report, cases[i].fields);
      xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_MANUAL);
      xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
      g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
      g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
      assert_nothing_stored (f);
    }
}

static void
test_list_and_reinspection (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *before = plain_photo (f, "before.jpg", 8);
  g_autofree char *after = plain_photo (f, "after.jpg", 9);
  g_autofree char *evidence = plain_photo (f, "evidence.jpg", 10);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(XunchaReport) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_uuid = NULL;
  g_autofree char *last_uuid = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);

      xuncha_report_set_position (report, 30 + i * 0.001, 120, 5, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_MANUAL);
      xuncha_report_add_photo_file (report, before, XUNCHA_PHOTO_ROLE_BEFORE);
      if (i == 2)
        {
          /* A re-inspection of the first report, with after and evidence photos. */
          xuncha_report_set_parent_uuid (report, first_uuid);
          xuncha_report_set_disposition (report, XUNCHA_DISPOSITION_CORRECTED);
          xuncha_report_add_photo_file (report, after, XUNCHA_PHOTO_ROLE_AFTER);
          xuncha_report_add_photo_file (report, evidence, XUNCHA_PHOTO_ROLE_EVIDENCE);
        }
      g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
      g_assert_no_error (error);
      if (i == 0)
        first_uuid = g_strdup (xuncha_report_get_uuid (report));
      last_uuid = (g_free (last_uuid), g_strdup (xuncha_report_get_uuid (report)));
    }

  list = xuncha_report_store_list (f->reports, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (xuncha_report_get_uuid (list->pdata[0]), ==, last_uuid);
  g_assert_cmpstr (xuncha_report_get_created_at (list->pdata[0]), >=,
                   xuncha_report_get_created_at (list->pdata[1]));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = xuncha_report_store_list (f->reports, 0, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (xuncha_report_get_uuid (list->pdata[2]), ==, first_uuid);

  got = xuncha_report_store_get (f->reports, last_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_report_get_parent_uuid (got), ==, first_uuid);
  g_assert_cmpint (xuncha_report_get_disposition (got), ==, XUNCHA_DISPOSITION_CORRECTED);
  g_assert_cmpuint (xuncha_report_get_n_photos (got), ==, 3);
  g_assert_cmpint (xuncha_report_get_photo_role (got, 0), ==, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_cmpint (xuncha_report_get_photo_role (got, 1), ==, XUNCHA_PHOTO_ROLE_AFTER);
  g_assert_cmpint (xuncha_report_get_photo_role (got, 2), ==, XUNCHA_PHOTO_ROLE_EVIDENCE);

  g_clear_object (&got);
  got = xuncha_report_store_get (f->reports, "no-such-id", &error);
  g_assert_null (got);
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NOT_FOUND);
}

static void
test_sweep_at_open (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *photo = plain_photo (f, "kept.jpg", 11);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;
  g_autofree char *temp = g_build_filename (f->dir, "photos", ".tmp-crashed", NULL);
  g_autofree char *busy = g_build_filename (f->dir, "photos", ".tmp-busy", NULL);
  g_autofree char *orphan = g_build_filename (f->dir, "photos",
    "0000000000000000000000000000000000000000000000000000000000000000.jpg", NULL);
  g_autofree char *kept = NULL;
  int busy_fd;

  xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  kept = xuncha_photo_store_get_path (xuncha_report_store_get_photo_store (f->reports),
                                      xuncha_report_get_photo_sha256 (report, 0));
  fixture_close (f);

  /* What a crash leaves: a half-written temporary file and a renamed photo whose rows
   * never committed. And one temporary file another process is still writing. */
  g_assert_true (g_file_set_contents (temp, "half", 4, NULL));
  g_assert_true (g_file_set_contents (orphan, "orphan", 6, NULL));
  g_assert_true (g_file_set_contents (busy, "busy", 4, NULL));
  busy_fd = open (busy, O_RDONLY);
  g_assert_cmpint (flock (busy_fd, LOCK_SH), ==, 0);

  fixture_open (f);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (busy, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));

  close (busy_fd);
  g_assert_cmpuint (xuncha_photo_store_sweep (xuncha_report_store_get_photo_store (f->reports),
                                              NULL), ==, 1);
  g_assert_false (g_file_test (busy, G_FILE_TEST_EXISTS));
}

/* Runs in a child process: a file size limit stands in for a full disk. */
static void
disk_full_child (gboolean tiny_limit)
{
  Fixture fx = { 0, };
  Fixture *f = &fx;
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(XunchaReport) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *lower = NULL;
  struct rlimit limit, saved;
  GStatBuf st;

  f->dir = xuncha_test_make_tmpdir ();
  fixture_open (f);
  photo = plain_photo (f, "big.jpg", 12);
  g_assert_cmpint (g_stat (photo, &st), ==, 0);
  /* Start from an empty write-ahead log so the report's pages must grow it. */
  g_assert_true (xuncha_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));

  xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  /* Smaller than the photo; or room for the photo but not for the database pages. */
  limit.rlim_cur = tiny_limit ? 1000 : (rlim_t)st.st_size + 2048;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "space"));
  lower = g_utf8_strdown (error->message, -1);
  g_assert_nonnull (strstr (lower, "nothing was saved"));
  if (tiny_limit)
    g_assert_nonnull (strstr (error->message, photo));
  else
    g_assert_nonnull (strstr (error->message, "database"));   /* the photo itself fitted */

  /* No partial report, no orphan or temporary file, and the store still works. */
  assert_nothing_stored (f);
  g_assert_true (xuncha_store_check_integrity (f->store, NULL));
  again = xuncha_report_new (CATEGORY);
  xuncha_report_set_position (again, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (again, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_clear_error (&error);
  g_assert_true (xuncha_report_store_save (f->reports, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rows (f, "reports"), ==, 1);
  g_assert_cmpuint (photo_files (f), ==, 1);
  teardown (f, NULL);
}

static void
test_disk_full_photo (void)
{
  if (g_test_subprocess ())
    {
      disk_full_child (TRUE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_disk_full_rows (void)
{
  if (g_test_subprocess ())
    {
      disk_full_child (FALSE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static GBytes *
photo_with_exif_thumbnail (GBytes *thumb)
{
  g_autoptr(GBytes) image = photo_fixture_image (200, 150, 13);
  g_autoptr(GBytes) segment = NULL;
  ExifData *ed = exif_data_new ();
  unsigned char *out = NULL;
  unsigned int len = 0;

  ExifEntry *entry = exif_entry_new ();

  exif_data_unset_option (ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  /* libexif writes the preview only with an IFD1 that has entries. */
  exif_content_add_entry (ed->ifd[EXIF_IFD_1], entry);
  exif_entry_initialize (entry, EXIF_TAG_X_RESOLUTION);
  exif_entry_unref (entry);
  ed->data = malloc (g_bytes_get_size (thumb));
  ed->size = g_bytes_get_size (thumb);
  memcpy (ed->data, g_bytes_get_data (thumb, NULL), ed->size);
  exif_data_save_data (ed, &out, &len);
  exif_data_unref (ed);
  segment = photo_fixture_segment (0xe1, out, len);
  free (out);
  return photo_fixture_insert (image, TRUE, segment, NULL);
}

static void
test_thumbnails (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) thumb = photo_fixture_image (40, 30, 14);
  g_autoptr(GBytes) with_thumb = photo_with_exif_thumbnail (thumb);
  g_autoptr(GBytes) large = photo_fixture_image (800, 400, 15);
  XunchaPhotoStore *ps = xuncha_report_store_get_photo_store (f->reports);
  GBytes *inputs[2] = { with_thumb, large };
  char *shas[2];

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
      g_autoptr(GError) error = NULL;

      xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_MANUAL);
      xuncha_report_add_photo_bytes (report, inputs[i], "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
      g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
      g_assert_no_error (error);
      shas[i] = g_strdup (xuncha_report_get_photo_sha256 (report, 0));
    }

  /* The embedded preview, byte for byte. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = xuncha_photo_store_get_thumbnail (ps, shas[0], &error);
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, g_bytes_get_data (thumb, NULL), g_bytes_get_size (thumb));
  }
  /* A scaled copy, made once. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = xuncha_photo_store_get_thumbnail (ps, shas[1], &error);
    g_autofree char *again = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(XunchaJpeg) jpeg = NULL;
    GStatBuf st1, st2;
    gsize len;
    int w = 0, h = 0;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    jpeg = xuncha_jpeg_new (bytes, path, &error);
    g_assert_no_error (error);
    g_assert_true (xuncha_jpeg_check_image (jpeg, NULL));
    g_assert_true (xuncha_jpeg_get_size (jpeg, &w, &h));
    g_assert_cmpint (w, ==, XUNCHA_PHOTO_STORE_THUMBNAIL_SIZE);
    g_assert_cmpint (h, ==, XUNCHA_PHOTO_STORE_THUMBNAIL_SIZE / 2);
    g_assert_cmpint (g_stat (path, &st1), ==, 0);
    again = xuncha_photo_store_get_thumbnail (ps, shas[1], &error);
    g_assert_cmpstr (again, ==, path);
    g_assert_cmpint (g_stat (again, &st2), ==, 0);
    g_assert_cmpint (st1.st_ino, ==, st2.st_ino);
    g_assert_cmpint (st1.st_mtime, ==, st2.st_mtime);
  }
  /* Thumbnails do not count as stored photos, and survive a reopen. */
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpuint (photo_files (f), ==, 2);
  g_free (shas[0]);
  g_free (shas[1]);
}

static void
test_downscale_keeps_exif (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) big = exif_photo (43.467448333, 11.885126667, "2008:10:22 16:28:39", NULL,
                                      400, 200, 16);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  XunchaPhotoMeta meta;

  xuncha_report_store_set_max_edge (f->reports, 100);
  xuncha_report_add_photo_bytes (report, big, "big.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_report_get_position_source (report), ==, XUNCHA_POSITION_SOURCE_EXIF);

  meta = stored_meta (f, xuncha_report_get_photo_sha256 (report, 0));
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 43.467448333, 1e-7);
  g_assert_true (meta.has_time);

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (f->store),
                                       "SELECT width, height FROM photos", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 100);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 50);
}

static void
test_real_photos (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = xuncha_test_require_testdata ("photos");
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint saved = 0, exif = 0;

  if (dir == NULL)
    return;
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(XunchaReport) report = NULL;
      g_autoptr(GError) error = NULL;
      gint64 before = rows (f, "reports");

      if (!g_str_has_suffix (name, ".jpg"))
        continue;
      /* Every real file either saves (placed by its own GPS) or is refused with a reason,
       * leaving nothing behind. */
      report = xuncha_report_new (CATEGORY);
      xuncha_report_add_photo_file (report, path, XUNCHA_PHOTO_ROLE_BEFORE);
      if (xuncha_report_store_save (f->reports, report, NULL, &error))
        {
          g_assert_cmpint (xuncha_report_get_position_source (report), ==,
                           XUNCHA_POSITION_SOURCE_EXIF);
          saved++, exif++;
          continue;
        }
      g_assert_nonnull (error);
      g_test_message ("%s: %s", name, error->message);
      g_assert_cmpint (rows (f, "reports"), ==, before);
      g_clear_error (&error);

      /* With a position given, a readable photo is stored and geotagged. */
      xuncha_report_set_position (report, 31.2, 121.5, NAN, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_MANUAL);
      if (xuncha_report_store_save (f->reports, report, NULL, &error))
        {
          XunchaPhotoMeta meta = stored_meta (f, xuncha_report_get_photo_sha256 (report, 0));
          g_assert_true (meta.has_position);
          saved++;
        }
      else
        g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO);
    }
  g_assert_cmpuint (exif, >=, 12);
  g_assert_cmpuint (saved, >=, 20);
  g_assert_cmpuint (photo_files (f), ==, (guint)rows (f, "photos"));
  g_assert_true (xuncha_store_check_integrity (f->store, NULL));
}

/* The tags exiftool (an independent reader) finds in stored photo @sha256, or NULL (and the
 * test skipped) without exiftool. */
static JsonObject *
exiftool_tags (Fixture    *f,
               const char *sha256)
{
  g_autofree char *exiftool = g_find_program_in_path ("exiftool");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (exiftool == NULL)
    {
      g_test_skip ("exiftool is not installed (Debian: libimage-exiftool-perl); it is the "
                   "independent reader of the tags we write");
      return NULL;
    }
  path = xuncha_photo_store_get_path (xuncha_report_store_get_photo_store (f->reports), sha256);
  {
    const char *argv[] = { exiftool, "-n", "-json", "-G1", path, NULL };
    g_assert_cmpint (xuncha_test_run (argv, &out, NULL), ==, 0);
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_parser_get_root (parser);
  return json_object_ref (json_array_get_object_element (json_node_get_array (root), 0));
}

static char *
photo_taken_at (Fixture    *f,
                const char *sha256)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *taken = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (f->store),
                                       "SELECT taken_at FROM photos WHERE sha256 = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    taken = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  return taken;
}

/* Saves a report of one photo placed by hand (with @altitude); returns the stored hash. */
static char *
save_placed (Fixture *f,
             GBytes  *photo,
             double   altitude,
             gint64   taken_ms)
{
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;

  xuncha_report_set_position (report, 31.2304, 121.4737, 5, altitude, NAN,
                              XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_bytes (report, photo, "photo.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  if (taken_ms != 0)
    xuncha_report_set_photo_taken_ms (report, 0, taken_ms);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_report_get_photo_position (report, 0, NULL, NULL));
  return g_strdup (xuncha_report_get_photo_sha256 (report, 0));
}

static GBytes *
tagged_photo (guint seed,
              void (*tag) (FixtureExif *exif))
{
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (seed % 2 == 0);
  g_autoptr(GBytes) image = photo_fixture_image (64, 48, seed);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) segment = NULL;

  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "Fixture Camera");
  tag (exif);
  payload = photo_fixture_exif_finish (exif);
  segment = photo_fixture_segment (0xe1, g_bytes_get_data (payload, NULL),
                                   g_bytes_get_size (payload));
  return photo_fixture_insert (image, TRUE, segment, NULL);
}

/* A camera clock without its zone, an altitude and a direction of 0/0 (unknown). */
static void
tag_unknowns (FixtureExif *exif)
{
  static const guint32 unknown[] = { 0, 0 };

  photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2024:05:01 10:30:05");
  photo_fixture_exif_byte (exif, FIXTURE_IFD_GPS, 5, 0);
  photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 6, unknown, 1);
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 0x10, "T");
  photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 0x11, unknown, 1);
}

/* Only the time the file was last changed (IFD0 DateTime), not when it was taken. */
static void
tag_modified (FixtureExif *exif)
{
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x0132, "2024:05:02 11:00:00");
}

/* The placeholder of a phone without a fix: 0/0 at 0 m. */
static void
tag_placeholder (FixtureExif *exif)
{
  static const guint32 zero[] = { 0, 1 };

  photo_fixture_exif_gps (exif, 0, 0);
  photo_fixture_exif_byte (exif, FIXTURE_IFD_GPS, 5, 0);
  photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, 6, zero, 1);
}

static void
assert_no_gps_time (JsonObject *tags)
{
  g_assert_false (json_object_has_member (tags, "GPS:GPSDateStamp"));
  g_assert_false (json_object_has_member (tags, "GPS:GPSTimeStamp"));
}

static void
assert_placed (JsonObject *tags)
{
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSLatitude"),
                                  31.2304, 1e-8);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSLongitude"),
                                  121.4737, 1e-8);
}

/* A position placed into a photo brings only what is known, in the units and time zones
 * the Exif standard gives: no altitude or direction made up from an unknown one, no GPS
 * time (UTC from a receiver) made from a camera clock, no capture time made from the time
 * of the import. */
static void
test_placed_photo_invents_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GBytes) plain = photo_fixture_image (64, 48, 40);
  g_autoptr(GBytes) unknowns = tagged_photo (41, tag_unknowns);
  g_autoptr(GBytes) modified = tagged_photo (42, tag_modified);
  g_autoptr(GBytes) placeholder = tagged_photo (43, tag_placeholder);
  g_autoptr(GBytes) capture = photo_fixture_image (64, 48, 44);
  g_autofree char *sha = NULL;
  g_autofree char *taken = NULL;
  g_autoptr(JsonObject) tags = NULL;
  XunchaPhotoMeta meta;

  xuncha_report_store_set_zone (f->reports, shanghai);

  /* No Exif at all: a position and nothing else. */
  sha = save_placed (f, plain, NAN, 0);
  if ((tags = exiftool_tags (f, sha)) == NULL)
    return;
  assert_placed (tags);
  g_assert_false (json_object_has_member (tags, "GPS:GPSAltitude"));
  g_assert_false (json_object_has_member (tags, "GPS:GPSImgDirection"));
  g_assert_false (json_object_has_member (tags, "ExifIFD:DateTimeOriginal"));
  assert_no_gps_time (tags);
  taken = photo_taken_at (f, sha);
  g_assert_null (taken);

  /* A camera clock of unknown zone stays the camera's; 0/0 is not 0 m nor north. */
  g_clear_pointer (&sha, g_free);
  g_clear_pointer (&tags, json_object_unref);
  sha = save_placed (f, unknowns, NAN, 0);
  tags = exiftool_tags (f, sha);
  assert_placed (tags);
  g_assert_false (json_object_has_member (tags, "GPS:GPSAltitude"));
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:DateTimeOriginal"), ==,
                   "2024:05:01 10:30:05");
  g_assert_false (json_object_has_member (tags, "ExifIFD:OffsetTimeOriginal"));
  assert_no_gps_time (tags);
  meta = stored_meta (f, sha);
  g_assert_true (isnan (meta.altitude));
  g_assert_true (isnan (meta.direction));

  /* A file's change time is not when it was taken; the altitude given with the position
   * is written with it. */
  g_clear_pointer (&sha, g_free);
  g_clear_pointer (&tags, json_object_unref);
  sha = save_placed (f, modified, 12.5, 0);
  tags = exiftool_tags (f, sha);
  assert_placed (tags);
  g_assert_false (json_object_has_member (tags, "ExifIFD:DateTimeOriginal"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "GPS:GPSAltitude"),
                                  12.5, 1e-9);
  assert_no_gps_time (tags);

  /* The 0 m of a 0/0 placeholder goes with it. */
  g_clear_pointer (&sha, g_free);
  g_clear_pointer (&tags, json_object_unref);
  sha = save_placed (f, placeholder, NAN, 0);
  tags = exiftool_tags (f, sha);
  assert_placed (tags);
  g_assert_false (json_object_has_member (tags, "GPS:GPSAltitude"));

  /* A capture whose time the caller knows (the app's camera): local time with its zone,
   * and the true time in the photo's row. 2024-05-01T02:30:05.250Z is 10:30:05 in
   * Shanghai. */
  g_clear_pointer (&sha, g_free);
  g_clear_pointer (&tags, json_object_unref);
  g_clear_pointer (&taken, g_free);
  sha = save_placed (f, capture, NAN, 1714530605250);
  tags = exiftool_tags (f, sha);
  assert_placed (tags);
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:DateTimeOriginal"), ==,
                   "2024:05:01 10:30:05");
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:OffsetTimeOriginal"), ==,
                   "+08:00");
  assert_no_gps_time (tags);
  taken = photo_taken_at (f, sha);
  g_assert_cmpstr (taken, ==, "2024-05-01T02:30:05.250Z");
}

/* The real phone photo with the 0/0/0 placeholder. */
static void
test_placed_real_placeholder (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = xuncha_test_require_testdata ("photos/mei_Samsung_GT-I9000_gps_zero.jpg");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(JsonObject) tags = NULL;
  gsize len;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  sha = save_placed (f, bytes, NAN, 0);
  if ((tags = exiftool_tags (f, sha)) == NULL)
    return;
  assert_placed (tags);
  g_assert_false (json_object_has_member (tags, "GPS:GPSAltitude"));
  g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:DateTimeOriginal"), ==,
                   "2011:04:02 18:30:10");
  assert_no_gps_time (tags);
}

/* A photo with its own GPS and a position given by hand: the report keeps the given one
 * (its source says so), the photo its own tags byte for byte, and the report tells the
 * photo's own position beside its own. */
static void
test_given_position_beside_photo_gps (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GBytes) tagged = exif_photo (45.5006, 9.1103, "2011:05:06 09:59:48", "+02:00",
                                         80, 60, 45);
  g_autoptr(GBytes) plain = photo_fixture_image (64, 48, 46);
  g_autoptr(XunchaReport) report = xuncha_report_new (CATEGORY);
  g_autoptr(XunchaReport) back = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonObject) tags = NULL;
  g_autofree char *hash = NULL;
  JsonArray *photos;
  JsonObject *own;
  double lat = NAN, lon = NAN;

  xuncha_report_set_position (report, 31.2, 121.5, 10, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_bytes (report, tagged, "gps.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  xuncha_report_add_photo_bytes (report, plain, "plain.jpg", XUNCHA_PHOTO_ROLE_EVIDENCE);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_report_get_position_source (report), ==,
                   XUNCHA_POSITION_SOURCE_MANUAL);
  g_assert_cmpfloat (xuncha_report_get_lat (report), ==, 31.2);

  g_ptr_array_add (one, tagged);
  hash = xuncha_photo_store_hash_pieces (one);
  g_assert_cmpstr (xuncha_report_get_photo_sha256 (report, 0), ==, hash);

  back = xuncha_report_store_get (f->reports, xuncha_report_get_uuid (report), &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_report_get_photo_position (back, 0, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 45.5006, 1e-7);
  g_assert_cmpfloat_with_epsilon (lon, 9.1103, 1e-7);
  g_assert_false (xuncha_report_get_photo_position (back, 1, NULL, NULL));
  json = xuncha_report_to_json (back);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_node_get_object (json), "position"),
                     "source"), ==, "manual");
  photos = json_object_get_array_member (json_node_get_object (json), "photos");
  own = json_object_get_object_member (json_array_get_object_element (photos, 0), "position");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (own, "lat"), 45.5006, 1e-7);
  g_assert_cmpstr (json_object_get_string_member (own, "source"), ==, "exif");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (photos, 1),
                                              "position"));

  if ((tags = exiftool_tags (f, hash)) == NULL)
    return;
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tags, "Composite:GPSLatitude"),
                                  45.5006, 1e-7);
}

/* --- editing a saved report --- */

/* Every column of the report's row and its outbox row, type and bytes, for a byte
 * comparison before and after a refused edit. */
static char *
row_bytes (Fixture    *f,
           const char *sql,
           const char *uuid)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (f->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count (stmt); c++)
      {
        const guint8 *data = sqlite3_column_blob (stmt, c);
        int n = sqlite3_column_bytes (stmt, c);

        g_string_append_printf (out, "|%d:%d:", sqlite3_column_type (stmt, c), n);
        if (data != NULL)
          g_string_append_len (out, (const char *)data, n);
      }
  return g_string_free (out, FALSE);
}

static char *
snapshot (Fixture    *f,
          const char *uuid)
{
  g_autofree char *report = row_bytes (f, "SELECT * FROM reports WHERE uuid = ?1", uuid);
  g_autofree char *outbox = row_bytes (f, "SELECT * FROM outbox WHERE item = ?1", uuid);
  g_autofree char *links = row_bytes (f, "SELECT * FROM report_photos WHERE report_uuid = ?1 "
                                         "ORDER BY position", uuid);

  return g_strdup_printf ("%s#%s#%s#%" G_GINT64_FORMAT "#%" G_GINT64_FORMAT "#%u", report,
                          outbox, links, rows (f, "photos"), rows (f, "outbox"),
                          photo_files (f));
}

static void
add_street_and_merchant (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_store_exec (f->store,
                                    "INSERT INTO streets (id, name, geometry, min_lon, min_lat, "
                                    "  max_lon, max_lat, updated_at) VALUES ('S-1', '中山路', "
                                    "  x'00', 121.47, 31.23, 121.48, 31.24, '2024-01-01');"
                                    "INSERT INTO merchants (id, name, lon, lat, street_id, "
                                    "  updated_at) VALUES ('M-1', '水果店', 121.4737, 31.2304, "
                                    "  'S-1', '2024-01-01');",
                                    &error));
  g_assert_no_error (error);
}

static XunchaReport *
save_stall (Fixture *f)
{
  g_autofree char *photo = plain_photo (f, "stall.jpg", 21);
  XunchaReport *report = xuncha_report_new (CATEGORY);
  g_autoptr(GError) error = NULL;

  xuncha_report_set_position (report, 31.2304, 121.4737, 6, NAN, NAN,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_set_disposition (report, XUNCHA_DISPOSITION_CORRECTED);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);
  return report;
}

/* Everything an edit may change, changed; an after-photo added. */
static XunchaReport *
edit_everything (Fixture    *f,
                 const char *uuid)
{
  g_autofree char *after = plain_photo (f, "after.jpg", 22);
  g_autoptr(GError) error = NULL;
  XunchaReport *edited = xuncha_report_store_get (f->reports, uuid, &error);

  g_assert_no_error (error);
  xuncha_report_set_category (edited, "07001");
  xuncha_report_set_fields_json (edited, "{\"carrier\":\"pole\",\"phone\":\"13800000000\"}");
  xuncha_report_set_note (edited, "补充:三次劝离");
  xuncha_report_set_street (edited, "S-1", 42.5);
  xuncha_report_set_merchant_id (edited, "M-1");
  xuncha_report_set_disposition (edited, XUNCHA_DISPOSITION_DEADLINE);
  xuncha_report_set_deadline (edited, "2024-07-01");
  xuncha_report_add_photo_file (edited, after, XUNCHA_PHOTO_ROLE_AFTER);
  return edited;
}

static void
assert_edited (XunchaReport *back,
               XunchaReport *original)
{
  g_assert_cmpstr (xuncha_report_get_category (back), ==, "07001");
  g_assert_cmpstr (xuncha_report_get_fields_json (back), ==,
                   "{\"carrier\":\"pole\",\"phone\":\"13800000000\"}");
  g_assert_cmpstr (xuncha_report_get_note (back), ==, "补充:三次劝离");
  g_assert_cmpstr (xuncha_report_get_street_id (back), ==, "S-1");
  g_assert_cmpfloat (xuncha_report_get_street_offset_m (back), ==, 42.5);
  g_assert_cmpstr (xuncha_report_get_merchant_id (back), ==, "M-1");
  g_assert_cmpint (xuncha_report_get_disposition (back), ==, XUNCHA_DISPOSITION_DEADLINE);
  g_assert_cmpstr (xuncha_report_get_deadline (back), ==, "2024-07-01");
  /* What an edit does not touch stays as saved. */
  g_assert_cmpstr (xuncha_report_get_created_at (back), ==,
                   xuncha_report_get_created_at (original));
  g_assert_cmpfloat (xuncha_report_get_lat (back), ==, 31.2304);
  g_assert_cmpint (xuncha_report_get_position_source (back), ==, XUNCHA_POSITION_SOURCE_GPS);
  g_assert_cmpuint (xuncha_report_get_n_photos (back), ==, 2);
  g_assert_cmpstr (xuncha_report_get_photo_sha256 (back, 0), ==,
                   xuncha_report_get_photo_sha256 (original, 0));
  g_assert_cmpint (xuncha_report_get_photo_role (back, 0), ==, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_cmpint (xuncha_report_get_photo_role (back, 1), ==, XUNCHA_PHOTO_ROLE_AFTER);
}

static void
test_update_waiting (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(XunchaReport) edited = NULL;
  g_autoptr(XunchaReport) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *state = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after_sha = NULL;
  XunchaPhotoMeta meta;

  add_street_and_merchant (f);
  report = save_stall (f);
  uuid = g_strdup (xuncha_report_get_uuid (report));
  edited = edit_everything (f, uuid);

  g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);
  after_sha = g_strdup (xuncha_report_get_photo_sha256 (edited, 1));
  g_assert_nonnull (after_sha);
  back = xuncha_report_store_get (f->reports, uuid, &error);
  g_assert_no_error (error);
  assert_edited (back, report);
  g_assert_cmpint (rows (f, "reports"), ==, 1);
  g_assert_cmpint (rows (f, "photos"), ==, 2);
  g_assert_cmpuint (photo_files (f), ==, 2);
  state = outbox_state (f, "photo", after_sha);
  g_assert_cmpstr (state, ==, "waiting");
  g_clear_pointer (&state, g_free);
  state = outbox_state (f, "report", uuid);
  g_assert_cmpstr (state, ==, "waiting");
  /* The after-photo had no GPS: it carries the report's place, like the first one. */
  meta = stored_meta (f, after_sha);
  g_assert_true (meta.has_position);
  g_assert_cmpfloat_with_epsilon (meta.lat, 31.2304, 1e-8);

  /* A street edited away is none, not the old one. */
  g_clear_object (&edited);
  edited = xuncha_report_store_get (f->reports, uuid, &error);
  xuncha_report_set_street (edited, NULL, NAN);
  g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&back);
  back = xuncha_report_store_get (f->reports, uuid, &error);
  g_assert_null (xuncha_report_get_street_id (back));
  xuncha_report_set_street (edited, "S-1", 42.5);
  g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));

  /* Invalid values are refused and change nothing. */
  before = snapshot (f, uuid);
  {
    struct { const char *category, *deadline, *merchant, *street, *fields; } cases[] = {
      { "99999", NULL, NULL, NULL, NULL },
      { "07001", "2024-02-30", NULL, NULL, NULL },
      { "07001", NULL, "no-such-merchant", NULL, NULL },
      { "07001", NULL, NULL, "no-such-street", NULL },
      { "07001", NULL, NULL, NULL, "\"text\"" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(XunchaReport) bad = xuncha_report_store_get (f->reports, uuid, &error);
        g_autofree char *now = NULL;

        g_assert_no_error (error);
        xuncha_report_set_category (bad, cases[i].category);
        if (cases[i].deadline != NULL)
          xuncha_report_set_deadline (bad, cases[i].deadline);
        if (cases[i].merchant != NULL)
          xuncha_report_set_merchant_id (bad, cases[i].merchant);
        if (cases[i].street != NULL)
          xuncha_report_set_street (bad, cases[i].street, 1);
        if (cases[i].fields != NULL)
          xuncha_report_set_fields_json (bad, cases[i].fields);
        g_assert_false (xuncha_report_store_update (f->reports, uuid, bad, NULL, &error));
        g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
        g_clear_error (&error);
        now = snapshot (f, uuid);
        g_assert_cmpstr (now, ==, before);
      }
  }
  g_assert_false (xuncha_report_store_update (f->reports, "no-such-report", edited, NULL,
                                              &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The edit is in the database, not in this connection's memory. */
  fixture_close (f);
  fixture_open (f);
  g_clear_object (&back);
  back = xuncha_report_store_get (f->reports, uuid, &error);
  g_assert_no_error (error);
  assert_edited (back, report);
  g_assert_true (xuncha_store_check_integrity (f->store, NULL));
}

static void
assert_refused_unchanged (Fixture    *f,
                          const char *uuid,
                          const char *why)
{
  g_autofree char *before = snapshot (f, uuid);
  g_autofree char *after = NULL;
  g_autoptr(XunchaReport) edited = edit_everything (f, uuid);
  g_autoptr(GError) error = NULL;
  guint files = photo_files (f);

  g_assert_false (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT);
  g_assert_nonnull (strstr (error->message, why));
  g_assert_nonnull (strstr (error->message, "Nothing was changed"));
  after = snapshot (f, uuid);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (photo_files (f), ==, files);
  g_assert_null (xuncha_report_get_photo_sha256 (edited,
                                                 xuncha_report_get_n_photos (edited) - 1));
}

static void
test_update_refused_once_sent (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid;

  add_street_and_merchant (f);
  report = save_stall (f);
  uuid = xuncha_report_get_uuid (report);

  /* A sync took it: it is on its way with what it was. */
  g_assert_true (xuncha_outbox_mark_sending (f->store, "report", uuid, &error));
  g_assert_no_error (error);
  /* Taken once: a second sync does not take it again. */
  g_assert_false (xuncha_outbox_mark_sending (f->store, "report", uuid, &error));
  g_assert_no_error (error);
  assert_refused_unchanged (f, uuid, "being sent");

  /* A transient failure keeps it 'sending' while the sync waits to try again. */
  g_assert_true (xuncha_outbox_mark_retry (f->store, "report", uuid, "timeout", 0, &error));
  assert_refused_unchanged (f, uuid, "being sent");

  /* The sync gave up before an answer: it waits again, and edits are fine again. */
  g_assert_true (xuncha_outbox_end_sending (f->store, "report", uuid, &error));
  {
    g_autofree char *state = outbox_state (f, "report", uuid);
    g_autoptr(XunchaReport) edited = edit_everything (f, uuid);

    g_assert_cmpstr (state, ==, "waiting");
    g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
    g_assert_no_error (error);
  }

  g_assert_true (xuncha_outbox_mark_acked (f->store, "report", uuid, "R-1", &error));
  assert_refused_unchanged (f, uuid, "already received");
  /* Acknowledged stays acknowledged: a late end of sending does not make it wait. */
  g_assert_true (xuncha_outbox_end_sending (f->store, "report", uuid, &error));
  assert_refused_unchanged (f, uuid, "already received");

  g_clear_object (&report);
  report = save_stall (f);
  uuid = xuncha_report_get_uuid (report);
  g_assert_true (xuncha_outbox_mark_failed (f->store, "report", uuid, "409", &error));
  assert_refused_unchanged (f, uuid, "not accepted");
}

/* A category's field list holds for every caller of the core, not only the app's form:
 * 07001 (small ads) requires where the ad was posted, one of its choices. */
static void
test_category_fields (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *photo = plain_photo (f, "ad.jpg", 30);
  static const struct { const char *fields, *named; } refused[] = {
    { "{}", "carrier" },
    { "{\"phone\": \"13800000000\"}", "carrier" },
    { "{\"carrier\": null}", "carrier" },
    { "{\"carrier\": \"  \"}", "carrier" },
    { "{\"carrier\": \"roof\"}", "wall, pole, transformer, building, other" },
    { "{\"carrier\": 3}", "carrier" },
  };
  g_autoptr(XunchaReport) stall = NULL;
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(XunchaReport) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(XunchaReport) ad = xuncha_report_new ("07001");

      xuncha_report_set_fields_json (ad, refused[i].fields);
      xuncha_report_set_position (ad, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
      xuncha_report_add_photo_file (ad, photo, XUNCHA_PHOTO_ROLE_BEFORE);
      g_assert_false (xuncha_report_store_save (f->reports, ad, NULL, &error));
      g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
      g_test_message ("%s: %s", refused[i].fields, error->message);
      g_assert_nonnull (strstr (error->message, "carrier"));
      g_assert_nonnull (strstr (error->message, refused[i].named));
      g_clear_error (&error);
      assert_nothing_stored (f);
    }

  /* A number field takes a number only. */
  report = xuncha_report_new ("09005");
  xuncha_report_set_fields_json (report, "{\"tables\": \"four\"}");
  xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "tables"));
  g_clear_error (&error);
  assert_nothing_stored (f);
  xuncha_report_set_fields_json (report, "{\"tables\": 4}");
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);

  g_clear_object (&report);
  report = xuncha_report_new ("07001");
  xuncha_report_set_fields_json (report, "{\"carrier\": \"pole\"}");
  xuncha_report_set_position (report, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  /* The small ad's phone number is what enforcement calls: required, not only the place. */
  g_assert_false (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "phone"));
  g_clear_error (&error);
  xuncha_report_set_fields_json (report, "{\"carrier\": \"pole\", \"phone\": \"13800138000\"}");
  g_assert_true (xuncha_report_store_save (f->reports, report, NULL, &error));
  g_assert_no_error (error);

  /* An edit into the category without the field is refused too, and changes nothing. */
  stall = xuncha_report_new (CATEGORY);
  xuncha_report_set_position (stall, 30, 120, NAN, NAN, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  xuncha_report_add_photo_file (stall, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (f->reports, stall, NULL, &error));
  before = snapshot (f, xuncha_report_get_uuid (stall));
  edited = xuncha_report_store_get (f->reports, xuncha_report_get_uuid (stall), &error);
  g_assert_no_error (error);
  xuncha_report_set_category (edited, "07001");
  g_assert_false (xuncha_report_store_update (f->reports, xuncha_report_get_uuid (stall), edited,
                                              NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "carrier"));
  after = snapshot (f, xuncha_report_get_uuid (stall));
  g_assert_cmpstr (after, ==, before);
}

/* A sync that died while sending: its reports wait again when the store is next opened,
 * but not while a live sync holds them. */
static void
test_sending_recovered_at_open (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(XunchaReport) report = save_stall (f);
  g_autoptr(GError) error = NULL;
  const char *uuid = xuncha_report_get_uuid (report);
  int hold;

  hold = xuncha_outbox_hold_sending (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hold, >=, 0);
  g_assert_true (xuncha_outbox_mark_sending (f->store, "report", uuid, &error));
  g_assert_cmpint (xuncha_outbox_recover_sending (f->store, &error), ==, 0);
  {
    /* Another program opens the store while this one holds its sending rows: its open
     * must leave them sending. */
    g_autoptr(XunchaStore) other = xuncha_store_open (f->dir, &error);
    g_autofree char *state = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (other);
    state = outbox_state (f, "report", uuid);
    g_assert_cmpstr (state, ==, "sending");
  }

  xuncha_outbox_release_sending (hold);
  fixture_close (f);
  fixture_open (f);
  {
    g_autofree char *state = outbox_state (f, "report", uuid);
    g_autoptr(XunchaReport) edited = edit_everything (f, uuid);

    g_assert_cmpstr (state, ==, "waiting");
    g_assert_cmpint (xuncha_outbox_recover_sending (f->store, &error), ==, 0);
    add_street_and_merchant (f);
    g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
    g_assert_no_error (error);
  }
}

/* A report records the officer the device is enrolled as when it is saved, and keeps him
 * when the device is enrolled as another; none is invented on a device not enrolled. */
static void
test_officer_recorded (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(XunchaReport) unknown = save_stall (f);
  g_autoptr(XunchaReport) saved = NULL, read = NULL, before = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (xuncha_report_get_officer (unknown));
  g_assert_true (xuncha_store_set_meta (f->store, "sync.officer", "A001", &error));
  saved = save_stall (f);
  g_assert_true (xuncha_store_set_meta (f->store, "sync.officer", "B002", &error));
  read = xuncha_report_store_get (f->reports, xuncha_report_get_uuid (saved), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_report_get_officer (read), ==, "A001");
  before = xuncha_report_store_get (f->reports, xuncha_report_get_uuid (unknown), &error);
  g_assert_no_error (error);
  g_assert_null (xuncha_report_get_officer (before));
}

static XunchaEvidenceManifest *
verified_manifest (XunchaEvidenceKey *key,
                   GPtrArray         *manifests,
                   GPtrArray         *signatures,
                   guint              i)
{
  g_autoptr(GError) error = NULL;
  GBytes *text = g_ptr_array_index (manifests, i);
  XunchaEvidenceManifest *manifest;

  manifest = xuncha_evidence_manifest_verify (key, g_bytes_get_data (text, NULL),
                                              g_bytes_get_size (text),
                                              g_ptr_array_index (signatures, i), &error);
  g_assert_no_error (error);
  return manifest;
}

static char *
bytes_sha256 (GBytes *bytes)
{
  return xuncha_evidence_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A device holding a key signs each save and each edit in the saving transaction: the
 * edit is a second manifest after the first in both chains, and what the officer did not
 * give stays absent in the manifest. */
static void
test_signed_at_save_and_edit (Fixture       *f,
                              gconstpointer  data)
{
  const char *algorithm = data;
  g_autoptr(XunchaEvidenceKey) key = xuncha_test_give_signing_key (f->dir, algorithm);
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(XunchaReport) edited = NULL;
  g_autoptr(XunchaEvidenceManifest) first = NULL;
  g_autoptr(XunchaEvidenceManifest) second = NULL;
  g_autoptr(GPtrArray) manifests = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_sha = NULL;
  g_autofree char *uuid = NULL;

  add_street_and_merchant (f);
  report = save_stall (f);
  uuid = g_strdup (xuncha_report_get_uuid (report));
  g_assert_true (xuncha_evidence_log_has (f->store, uuid));
  edited = edit_everything (f, uuid);
  g_assert_true (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (xuncha_evidence_log_list (f->store, uuid, &manifests, &signatures, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (manifests->len, ==, 2);
  first = verified_manifest (key, manifests, signatures, 0);
  second = verified_manifest (key, manifests, signatures, 1);
  first_sha = bytes_sha256 (g_ptr_array_index (manifests, 0));

  g_assert_cmpstr (first->algorithm, ==, algorithm);
  g_assert_cmpstr (first->officer, ==, XUNCHA_TEST_SIGNING_OFFICER);
  g_assert_cmpint (first->sequence, ==, 1);
  g_assert_cmpint (first->revision, ==, 1);
  g_assert_null (first->previous_sha256);
  g_assert_null (first->report_previous_sha256);
  g_assert_cmpstr (first->report->created_at, ==, xuncha_report_get_created_at (report));
  g_assert_cmpstr (first->report->note, ==, NULL);
  g_assert_cmpstr (first->report->deadline, ==, NULL);
  g_assert_cmpstr (first->report->position_source, ==, "gps");
  g_assert_true (isnan (first->report->altitude));
  g_assert_true (isnan (first->report->heading));
  g_assert_cmpuint (first->report->photos->len, ==, 1);
  g_assert_cmpstr (((XunchaWirePhoto *)g_ptr_array_index (first->report->photos, 0))->sha256,
                   ==, xuncha_report_get_photo_sha256 (report, 0));

  g_assert_cmpint (second->sequence, ==, 2);
  g_assert_cmpint (second->revision, ==, 2);
  g_assert_cmpstr (second->previous_sha256, ==, first_sha);
  g_assert_cmpstr (second->report_previous_sha256, ==, first_sha);
  g_assert_cmpstr (second->report->note, ==, "补充:三次劝离");
  g_assert_cmpstr (second->report->deadline, ==, "2024-07-01");
  g_assert_cmpuint (second->report->photos->len, ==, 2);
  g_assert_true (xuncha_evidence_manifest_follows_in_report (
                   second, first, g_bytes_get_data (g_ptr_array_index (manifests, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (manifests, 0)), &error));
  g_assert_no_error (error);

  /* A refused edit signs nothing. */
  xuncha_report_set_note (edited, "x");
  xuncha_report_set_category (edited, "no-such-category");
  g_assert_false (xuncha_report_store_update (f->reports, uuid, edited, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpint (rows (f, "evidence_manifests"), ==, 2);
  g_assert_cmpuint (xuncha_test_check_manifests (f->store), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add ("/report-store/" path, Fixture, NULL, setup, func, teardown)
  ADD ("save-manual", test_save_manual);
  ADD ("officer-recorded", test_officer_recorded);
  ADD ("same-photo-once", test_same_photo_once);
  ADD ("track-position", test_track_position);
  ADD ("no-position", test_no_position);
  ADD ("bad-photos", test_bad_photos);
  ADD ("invalid", test_invalid);
  ADD ("category-fields", test_category_fields);
  ADD ("list-and-reinspection", test_list_and_reinspection);
  ADD ("sweep-at-open", test_sweep_at_open);
  ADD ("thumbnails", test_thumbnails);
  ADD ("downscale-keeps-exif", test_downscale_keeps_exif);
  ADD ("real-photos", test_real_photos);
  ADD ("placed-photo-invents-nothing", test_placed_photo_invents_nothing);
  ADD ("placed-real-placeholder", test_placed_real_placeholder);
  ADD ("given-position-beside-photo-gps", test_given_position_beside_photo_gps);
  ADD ("update-waiting", test_update_waiting);
  ADD ("update-refused-once-sent", test_update_refused_once_sent);
  ADD ("sending-recovered-at-open", test_sending_recovered_at_open);
#undef ADD
  g_test_add ("/report-store/signed-at-save-and-edit/sm2", Fixture,
              XUNCHA_EVIDENCE_ALGORITHM_SM2, setup, test_signed_at_save_and_edit, teardown);
  g_test_add ("/report-store/signed-at-save-and-edit/ed25519", Fixture,
              XUNCHA_EVIDENCE_ALGORITHM_ED25519, setup, test_signed_at_save_and_edit,
              teardown);
  g_test_add_func ("/report-store/disk-full-photo", test_disk_full_photo);
  g_test_add_func ("/report-store/disk-full-rows", test_disk_full_rows);

  return g_test_run ();
}
