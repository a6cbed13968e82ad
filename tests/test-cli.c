/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xuncha-store.h"
#include "xuncha-test-util.h"

static void
test_version (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (xuncha_test_run_cli (NULL, &out, NULL, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "xuncha-cli " PACKAGE_VERSION "\n");
}

static void
test_db_check_fresh (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *schema = g_strdup_printf ("Schema:    %d ",
                                             xuncha_store_latest_schema_version ());
  JsonObject *root;

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "db", "check", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Integrity: ok"));
  g_assert_nonnull (strstr (out, schema));

  g_assert_cmpint (xuncha_test_run_cli (dir, &json, NULL, "db", "check", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "integrity"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "counts"),
                                               "categories"), ==, 28);
  xuncha_test_remove_tree (dir);
}

static void
test_db_check_corrupt (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "xuncha.db", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  gboolean kept = FALSE;

  g_assert_true (g_file_set_contents (db, "garbage garbage garbage garbage garbage", -1, NULL));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "db", "check", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_nonnull (strstr (err, "nothing was deleted"));

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    kept |= g_str_has_prefix (name, "xuncha.db.corrupt-");
  g_assert_true (kept);
  xuncha_test_remove_tree (dir);
}

static void
test_categories_list (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *categories;

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "categories", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "07001"));
  g_assert_nonnull (strstr (out, "Illegal small ads"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &json, NULL, "categories", "list", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  categories = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                             "categories");
  g_assert_cmpuint (json_array_get_length (categories), ==, 28);
  xuncha_test_remove_tree (dir);
}

static void
test_chinese_output (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL;
  const char *argv[] = { "env", "LANGUAGE=zh_CN", "LC_ALL=C.UTF-8", NULL, "--data-dir", NULL,
                         "categories", "list", NULL };

  argv[3] = xuncha_test_program ("XUNCHA_CLI");
  argv[5] = dir;
  g_assert_cmpint (xuncha_test_run (argv, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "非法小广告"));
  g_assert_nonnull (strstr (out, "牛皮癣"));

  /* The messages themselves come from the zh_CN catalogue. */
  g_clear_pointer (&out, g_free);
  argv[6] = "db";
  argv[7] = "check";
  g_assert_cmpint (xuncha_test_run (argv, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "完整性"));
  xuncha_test_remove_tree (dir);
}

static void
test_usage_errors (void)
{
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (xuncha_test_run_cli (NULL, NULL, &err, "no-such-command", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "no-such-command"));
  g_assert_cmpint (xuncha_test_run_cli (NULL, NULL, &err2, "db", "--bogus", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/db-check-fresh", test_db_check_fresh);
  g_test_add_func ("/cli/db-check-corrupt", test_db_check_corrupt);
  g_test_add_func ("/cli/categories-list", test_categories_list);
  g_test_add_func ("/cli/chinese-output", test_chinese_output);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);

  return g_test_run ();
}
