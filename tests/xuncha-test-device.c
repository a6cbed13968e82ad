/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "xuncha-outbox.h"
#include "xuncha-store-private.h"
#include "xuncha-test-device.h"
#include "xuncha-test-util.h"

static GBytes *
fixture_jpeg (void)
{
  static GBytes *jpeg;

  if (jpeg == NULL)
    {
      g_autofree char *path = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
      g_autofree char *data = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      jpeg = g_bytes_new_take (g_steal_pointer (&data), length);
    }
  return jpeg;
}

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

static void
exec_ok (XunchaStore *store,
         const char  *sql)
{
  g_autoptr(GError) error = NULL;

  xuncha_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

static char *
write_photo (XunchaStore *store,
             gsize        photo_bytes)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (xuncha_store_get_data_dir (store), "photos", NULL);
  g_autofree char *sha = NULL, *name = NULL, *path = NULL, *now = now_iso ();
  GBytes *jpeg = fixture_jpeg ();
  sqlite3_stmt *stmt;

  g_byte_array_append (bytes, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  /* Bytes after the end-of-image marker: viewers ignore them, the hash does not. */
  do
    {
      guint32 r = g_random_int ();
      g_byte_array_append (bytes, (const guint8 *)&r, sizeof r);
    }
  while (bytes->len < MAX (photo_bytes, g_bytes_get_size (jpeg) + 16));

  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes->data, bytes->len);
  name = g_strconcat (sha, ".jpg", NULL);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, (const char *)bytes->data, bytes->len, &error);
  g_assert_no_error (error);

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO photos (sha256, bytes, width, height, created_at) "
                               "VALUES (?1, ?2, 64, 48, ?3)", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, bytes->len);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
  stmt = xuncha_store_prepare (store,
                               "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                               "VALUES ('photo', ?1, ?2)", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&sha);
}

static void
link_photo (XunchaStore *store,
            const char  *uuid,
            const char  *sha,
            const char  *role,
            int          position)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                             "INSERT INTO report_photos (report_uuid, sha256, "
                                             "  role, position) VALUES (?1, ?2, ?3, ?4)",
                                             &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, role, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, position);
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
}

static char *
insert_report (XunchaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO reports (uuid, created_at, category, fields, note, "
                               "  lat, lon, accuracy, position_source, disposition, deadline) "
                               "VALUES (?1, ?2, '09006', '{\"goods\":\"水果\"}', '早市摊点', "
                               "  ?3, ?4, 6.5, 'gps', 'deadline', '2024-05-03')", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 3, 30.65 + g_random_double_range (0, 0.01));
  sqlite3_bind_double (stmt, 4, 104.06 + g_random_double_range (0, 0.01));
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO outbox (kind, item, queued_at) "
                               "VALUES ('report', ?1, ?2)", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&uuid);
}

char *
xuncha_test_device_add_report (XunchaStore *store,
                               guint        n_photos,
                               gsize        photo_bytes)
{
  g_autofree char *uuid = NULL;

  exec_ok (store, "BEGIN IMMEDIATE");
  uuid = insert_report (store);
  for (guint i = 0; i < n_photos; i++)
    {
      g_autofree char *sha = write_photo (store, photo_bytes);
      link_photo (store, uuid, sha, i == 0 ? "before" : "evidence", (int)i);
    }
  exec_ok (store, "COMMIT");
  return g_steal_pointer (&uuid);
}

char *
xuncha_test_device_add_report_with_photo (XunchaStore *store,
                                          const char  *sha256,
                                          const char  *role)
{
  g_autofree char *uuid = NULL;

  exec_ok (store, "BEGIN IMMEDIATE");
  uuid = insert_report (store);
  link_photo (store, uuid, sha256, role, 0);
  exec_ok (store, "COMMIT");
  return g_steal_pointer (&uuid);
}

char *
xuncha_test_device_add_shift (XunchaStore *store,
                              guint        n_points,
                              gboolean     ended)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = now_iso ();
  gint64 t0 = g_get_real_time () / 1000 - n_points * 1000;
  sqlite3_stmt *stmt;

  exec_ok (store, "BEGIN IMMEDIATE");
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO shifts (uuid, kind, started_at, ended_at, source) "
                               "VALUES (?1, 'early', ?2, ?3, 'import')", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, ended ? now : NULL, -1, SQLITE_TRANSIENT);
  xuncha_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
  /* From 0, as the recorder and the track import number them. */
  for (guint i = 0; i < n_points; i++)
    {
      stmt = xuncha_store_prepare (store,
                                   "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, "
                                   "  accuracy, speed) VALUES (?1, ?2, ?3, ?4, ?5, 5, 1.2)",
                                   &error);
      g_assert_no_error (error);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, (int)i);
      sqlite3_bind_int64 (stmt, 3, t0 + i * 1000);
      sqlite3_bind_double (stmt, 4, 30.65 + i * 1e-5);
      sqlite3_bind_double (stmt, 5, 104.06 + i * 1e-5);
      xuncha_store_step_done (store, stmt, &error);
      g_assert_no_error (error);
    }
  /* In the outbox with it, as the shift module lists a shift it starts or imports. */
  g_assert_true (xuncha_outbox_queue_shift (store, uuid, now, &error));
  g_assert_no_error (error);
  exec_ok (store, "COMMIT");
  return g_steal_pointer (&uuid);
}

GStrv
xuncha_test_device_report_photos (XunchaStore *store,
                                  const char  *uuid)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                             "SELECT sha256 FROM report_photos "
                                             "WHERE report_uuid = ?1 ORDER BY position", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return g_strv_builder_end (builder);
}
