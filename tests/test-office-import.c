/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "xuncha-test-util.h"

/* `xuncha-office KIND import PATH`: the exit status, standard error in *@err. */
static int
office_import (const char  *dir,
               const char  *kind,
               const char  *path,
               char       **err)
{
  const char *argv[] = {
    xuncha_test_program ("XUNCHA_OFFICE"), kind, "import", path, "--data-dir", dir, NULL
  };

  return xuncha_test_run (argv, NULL, err);
}

/* The stored bodies of the office's features of @kind, in id order, joined by newlines. */
static char *
stored_features (const char *dir,
                 const char *kind)
{
  g_autofree char *path = g_build_filename (dir, "office.db", NULL);
  g_autoptr(GString) all = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT body FROM features WHERE kind = ?1 "
                                       "AND deleted = 0 ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (all, "%s\n", (const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static void
write_bytes (const char *path,
             const char *data,
             gsize       length)
{
  g_assert_true (g_file_set_contents (path, data, (gssize)length, NULL));
}

/* A merchant list as a Chinese spreadsheet saves it (GBK; GB18030 for what GBK lacks) is
 * read as the device reads it; bytes that are neither are refused, naming where. */
static void
test_merchants_encoding (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shops.csv", NULL);
  const char *text = "id,name,address,contact,lon,lat\n"
                     "m1,老王面馆,解放路1号,,106.08,30.80\n"
                     "m2,𠮷野家,,,106.081,30.801\n";
  const char *bad = "id,name,address,contact,lon,lat\nm3,Caf\xe9,,,106.0,30.8\n";
  g_autofree char *gbk = NULL, *stored = NULL, *again = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  gbk = g_convert (text, -1, "GB18030", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  write_bytes (path, gbk, length);
  g_assert_cmpint (office_import (dir, "merchants", path, &err), ==, 0);
  stored = stored_features (dir, "merchants");
  g_test_message ("%s", stored);
  g_assert_nonnull (strstr (stored, "\"name\":\"老王面馆\""));
  g_assert_nonnull (strstr (stored, "\"address\":\"解放路1号\""));
  g_assert_nonnull (strstr (stored, "\"name\":\"𠮷野家\""));

  g_clear_pointer (&err, g_free);
  write_bytes (path, bad, strlen (bad));
  g_assert_cmpint (office_import (dir, "merchants", path, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "is not UTF-8 text: line 2, position 7 (byte 0xE9)"));
  g_assert_nonnull (strstr (err, "Save it as UTF-8"));
  again = stored_features (dir, "merchants");
  g_assert_cmpstr (stored, ==, again);

  xuncha_test_remove_tree (dir);
}

/* A street layer is JSON, which is UTF-8: a GBK one is refused with where and why; so is
 * nesting deeper than a street needs, before any parser recurses into it. */
static void
test_streets_refused (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "streets.geojson", NULL);
  const char *good =
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    " {\"type\": \"Feature\", \"id\": \"s1\", \"properties\": {\"name\": \"中山路\"}, "
    "\"geometry\": {\"type\": \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}"
    "]}";
  g_autofree char *gbk = NULL, *stored = NULL, *again = NULL, *err = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"type\": \"FeatureCollection\", \"bbox\": ");
  g_autoptr(GError) error = NULL;
  gsize length;

  write_bytes (path, good, strlen (good));
  g_assert_cmpint (office_import (dir, "streets", path, &err), ==, 0);
  stored = stored_features (dir, "streets");
  g_assert_nonnull (strstr (stored, "中山路"));

  g_clear_pointer (&err, g_free);
  gbk = g_convert (good, -1, "GBK", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  write_bytes (path, gbk, length);
  g_assert_cmpint (office_import (dir, "streets", path, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "is not UTF-8 (GBK?): line 2, position 58 (byte 0xD6)"));

  g_clear_pointer (&err, g_free);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, ", \"features\": []}");
  write_bytes (path, deep->str, deep->len);
  g_assert_cmpint (office_import (dir, "streets", path, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "nested deeper than 64 levels"));

  again = stored_features (dir, "streets");
  g_assert_cmpstr (stored, ==, again);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office-import/merchants-encoding", test_merchants_encoding);
  g_test_add_func ("/office-import/streets-refused", test_streets_refused);

  return g_test_run ();
}
