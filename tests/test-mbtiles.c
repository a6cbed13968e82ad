/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "xuncha-mbtiles.h"
#include "xuncha-test-util.h"

/* Writes a small MBTiles file as the format specifies (TMS rows). */
static char *
make_mbtiles (const char *dir)
{
  char *path = g_build_filename (dir, "base.mbtiles", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE metadata (name TEXT, value TEXT);"
                                 "INSERT INTO metadata VALUES ('name', 'demo'), "
                                 "  ('format', 'png'), ('minzoom', '12'), ('maxzoom', '17');"
                                 "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,"
                                 "  tile_row INTEGER, tile_data BLOB);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  /* Zoom 14, column 12970, XYZ row 6803 is TMS row 2^14 - 1 - 6803 = 9580. */
  sqlite3_bind_int (stmt, 1, 14);
  sqlite3_bind_int (stmt, 2, 12970);
  sqlite3_bind_int (stmt, 3, 9580);
  sqlite3_bind_blob (stmt, 4, "north-row-6803", 14, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return path;
}

static void
test_tiles_by_xyz (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = make_mbtiles (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaMbtiles) tiles = xuncha_mbtiles_open (path, &error);
  g_autoptr(GBytes) tile = NULL;
  g_autoptr(GBytes) flipped = NULL;
  int min_zoom, max_zoom;

  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_mbtiles_get_metadata (tiles, "name"), ==, "demo");
  g_assert_cmpstr (xuncha_mbtiles_get_format (tiles), ==, "png");
  xuncha_mbtiles_get_zoom_range (tiles, &min_zoom, &max_zoom);
  g_assert_cmpint (min_zoom, ==, 12);
  g_assert_cmpint (max_zoom, ==, 17);

  tile = xuncha_mbtiles_get_tile (tiles, 14, 12970, 6803, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tile);
  g_assert_cmpmem (g_bytes_get_data (tile, NULL), g_bytes_get_size (tile), "north-row-6803", 14);

  /* The TMS row number itself, read as XYZ, is another tile: missing, not an error. */
  flipped = xuncha_mbtiles_get_tile (tiles, 14, 12970, 9580, &error);
  g_assert_no_error (error);
  g_assert_null (flipped);
  /* Out of range coordinates are simply absent. */
  g_assert_null (xuncha_mbtiles_get_tile (tiles, 14, -1, 0, &error));
  g_assert_null (xuncha_mbtiles_get_tile (tiles, 3, 8, 0, &error));
  g_assert_no_error (error);
  xuncha_test_remove_tree (dir);
}

static void
test_refuses_other_files (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *text = g_build_filename (dir, "notes.mbtiles", NULL);
  g_autofree char *other = g_build_filename (dir, "other.sqlite", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_true (g_file_set_contents (text, "just some text, not a database", -1, NULL));
  g_assert_null (xuncha_mbtiles_open (text, &error));
  g_assert_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_OPEN);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE x (y)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (xuncha_mbtiles_open (other, &error));
  g_assert_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "MBTiles"));
  g_clear_error (&error);

  g_assert_null (xuncha_mbtiles_open (missing, &error));
  g_assert_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_OPEN);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/mbtiles/tiles-by-xyz", test_tiles_by_xyz);
  g_test_add_func ("/mbtiles/refuses-other-files", test_refuses_other_files);

  return g_test_run ();
}
