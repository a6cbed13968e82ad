/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sys/resource.h>

#include "xuncha-test-util.h"

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_import_stats_snap (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autofree char *merchants = xuncha_test_source_path ("tests/fixtures/streets/merchants.csv");
  g_autofree char *out = NULL, *json = NULL, *stats = NULL, *snap = NULL, *again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *best;

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "import", streets, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "10 features, 7 new segments, 0 updated, 3 skipped"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &json, NULL, "merchants", "import", merchants, "--json", NULL),
                   ==, 0);
  root = parse_object (parser, json);
  g_assert_cmpint (json_object_get_int_member (root, "inserted"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (root, "linked"), ==, 4);

  g_assert_cmpint (xuncha_test_run_cli (dir, &again, NULL, "streets", "import", streets, "--json", NULL),
                   ==, 0);
  root = parse_object (parser, again);
  g_assert_cmpint (json_object_get_int_member (root, "updated"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (root, "inserted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (root, "merchants_linked"), ==, 4);

  g_assert_cmpint (xuncha_test_run_cli (dir, &stats, NULL, "streets", "stats", "--json", NULL), ==, 0);
  root = parse_object (parser, stats);
  g_assert_cmpint (json_object_get_int_member (root, "segments"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (root, "merchants"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (
                       json_object_get_object_member (root, "classes"), "strict"),
                     "segments"), ==, 2);

  /* 8 m north of Test Road, 50 m along it. */
  g_assert_cmpint (xuncha_test_run_cli (dir, &snap, NULL, "streets", "snap", "30.7900721", "106.0705244",
                            "--json", NULL), ==, 0);
  root = parse_object (parser, snap);
  best = json_object_get_object_member (root, "best");
  g_assert_cmpstr (json_object_get_string_member (best, "id"), ==, "1001");
  g_assert_cmpstr (json_object_get_string_member (best, "side"), ==, "left");
  g_assert_cmpfloat (fabs (json_object_get_double_member (best, "distance_m") - 8), <, 0.1);
  g_assert_cmpfloat (fabs (json_object_get_double_member (best, "offset_m") - 50), <, 0.2);

  g_free (out);
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "snap", "30.7900721", "106.0705244",
                            NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "* 1001 Test Road (strict): 8.0 m"));

  /* Far away: an answer with no street, not a failure. */
  g_free (out);
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "snap", "31.5", "106.5", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No street segment within 50 m"));

  xuncha_test_remove_tree (dir);
}

static void
test_crs_and_mapping_options (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autofree char *err = NULL, *out = NULL, *stats = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *bbox;

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", "import", streets, "--crs", "utm",
                            NULL), ==, 2);
  g_assert_nonnull (strstr (err, "gcj02"));
  g_free (err);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", "import", streets, "--map", "bogus=x",
                            NULL), ==, 2);
  g_assert_nonnull (strstr (err, "grid_cell"));

  /* Declared GCJ-02: stored shifted back to WGS-84, a few hundred metres away. */
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "import", streets, "--crs", "gcj02",
                            "--map", "name=NAME_ZH", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "(gcj02)"));
  g_assert_cmpint (xuncha_test_run_cli (dir, &stats, NULL, "streets", "stats", "--json", NULL), ==, 0);
  bbox = json_object_get_array_member (parse_object (parser, stats), "bbox");
  g_assert_cmpfloat (json_array_get_double_element (bbox, 0), <, 106.07 - 0.002);
  g_assert_cmpfloat (json_array_get_double_element (bbox, 1), >, 30.79 + 0.001);

  xuncha_test_remove_tree (dir);
}

static void
test_bad_file_changes_nothing (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autofree char *bad = g_build_filename (dir, "bad.geojson", NULL);
  g_autofree char *err = NULL, *before = NULL, *after = NULL;

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "import", streets, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &before, NULL, "streets", "stats", "--json", NULL), ==, 0);

  g_assert_true (g_file_set_contents (bad, "{\"type\": \"FeatureCollection\",\n"
                                      "\"features\": [ {\"type\": \"Feature\" ]}", -1, NULL));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", "import", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "line 2, position"));
  g_assert_nonnull (strstr (err, "Nothing was imported"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &after, NULL, "streets", "stats", "--json", NULL), ==, 0);
  g_assert_cmpstr (before, ==, after);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "merchants", "import", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not valid JSON"));

  xuncha_test_remove_tree (dir);
}

/* json-glib recursed once per nesting level: a GeoJSON of 100 000 brackets made the import
 * exit with a segfault (139), on the device and at the office. */
static void
test_deep_file (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *office_dir = g_build_filename (dir, "office", NULL);
  g_autofree char *deep = g_build_filename (dir, "deep.geojson", NULL);
  g_autofree char *before = NULL, *after = NULL;
  GString *text = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
                                "\"Feature\", \"properties\": {\"name\": ");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}, \"geometry\": null}]}\n");
  g_assert_true (g_file_set_contents (deep, text->str, (gssize)text->len, NULL));
  g_string_free (text, TRUE);

  g_assert_cmpint (xuncha_test_run_cli (dir, &before, NULL, "streets", "stats", "--json", NULL),
                   ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, i == 0 ? "streets" : "merchants",
                                            "import", deep, NULL), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, "line 1, position 147: brackets nested deeper than 64 "
                                     "levels. Nothing was imported."));
    }
  g_assert_cmpint (xuncha_test_run_cli (dir, &after, NULL, "streets", "stats", "--json", NULL),
                   ==, 0);
  g_assert_cmpstr (before, ==, after);

  /* The office's own imports read the file through the same gate. */
  for (guint i = 0; i < 2; i++)
    {
      const char *argv[] = {
        xuncha_test_program ("XUNCHA_OFFICE"), i == 0 ? "streets" : "merchants", "import",
        deep, "--data-dir", office_dir, NULL
      };
      g_autofree char *err = NULL;

      g_assert_cmpint (xuncha_test_run (argv, NULL, &err), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, "nested deeper than 64 levels"));
    }
  xuncha_test_remove_tree (dir);
}

static void
test_assign (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autofree char *out = NULL, *err = NULL, *list = NULL;

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "import", streets, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "assign", "1001", "side-a", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Assigned 2"));

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", "assign", "1002", "nowhere", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nowhere"));
  g_assert_cmpint (xuncha_test_run_cli (dir, &list, NULL, "streets", "assign", "--list", NULL), ==, 0);
  g_assert_cmpstr (list, ==, "1001\nside-a\n");

  g_clear_pointer (&list, g_free);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "assign", "--clear", NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &list, NULL, "streets", "assign", "--list", NULL), ==, 0);
  g_assert_cmpstr (list, ==, "");

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "assign", NULL), ==, 2);
  xuncha_test_remove_tree (dir);
}

static void
test_usage (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *err = NULL;

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "streets import FILE"));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "snap", "north", "106", NULL), ==, 2);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "snap", "95", "106", NULL), ==, 2);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "merchants", "export", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  /* No streets yet: say what to do. */
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "streets", "snap", "30.8", "106.08", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "streets import"));
  xuncha_test_remove_tree (dir);
}

static void
test_demo_data (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *streets = xuncha_test_source_path ("data/demo/streets.geojson");
  g_autofree char *merchants = xuncha_test_source_path ("data/demo/merchants.geojson");
  g_autofree char *out = NULL, *stats = NULL, *snap = NULL, *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *classes;

  /* The files say they are illustrative. */
  g_assert_true (g_file_get_contents (streets, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"note\": \"Illustrative"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "import", streets, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "merchants", "import", merchants, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &stats, NULL, "streets", "stats", "--json", NULL), ==, 0);
  root = parse_object (parser, stats);
  classes = json_object_get_object_member (root, "classes");
  g_assert_cmpint (json_object_get_int_member (root, "merchants"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (classes, "other"),
                                               "segments"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (classes, "strict"),
                                               "segments"), >, 10);

  g_assert_cmpint (xuncha_test_run_cli (dir, &snap, NULL, "streets", "snap", "30.7950", "106.0852",
                            "--json", NULL), ==, 0);
  root = parse_object (parser, snap);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "best"),
                                                  "name"), ==, "耀目路");
  xuncha_test_remove_tree (dir);
}

/* The largest resident set of the children waited for so far, in bytes. */
static guint64
children_peak_rss (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  return (guint64)usage.ru_maxrss * 1024;
}

/* A street file of @count features, written as an export from a GIS would. */
static void
write_street_file (const char *path,
                   guint       count)
{
  g_autoptr(GString) json = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [\n");

  for (guint i = 0; i < count; i++)
    {
      double lon = 106.0 + (i % 1000) * 0.001, lat = 30.7 + (i / 1000) * 0.001;

      g_string_append_printf (json, "{\"type\":\"Feature\",\"properties\":{\"id\":\"s%06u\","
                              "\"name\":\"Street %u\",\"class\":\"class1\"},\"geometry\":"
                              "{\"type\":\"LineString\",\"coordinates\":[", i, i);
      for (guint k = 0; k < 5; k++)
        g_string_append_printf (json, "%s[%.7f,%.7f]", k > 0 ? "," : "", lon + k * 0.0002,
                                lat + k * 0.00001);
      g_string_append (json, i + 1 < count ? "]}},\n" : "]}}\n");
    }
  g_string_append (json, "]}\n");
  g_assert_true (g_file_set_contents (path, json->str, (gssize)json->len, NULL));
}

/* An import holds a feature at a time: its peak memory over that of a program that does
 * nothing stays below the size of the file (json-glib's tree of the whole file took about
 * twenty times it). Measured in a child of its own, so no other test's children count. */
static void
test_import_memory (void)
{
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      /* AddressSanitizer keeps freed memory in quarantine: resident size says nothing. */
      g_test_skip ("peak memory means nothing under AddressSanitizer");
      return;
    }
  if (g_test_subprocess ())
    {
      g_autofree char *dir = xuncha_test_make_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "city.geojson", NULL);
      const char *version[] = { xuncha_test_program ("XUNCHA_CLI"), "--version", NULL };
      g_autofree char *out = NULL;
      guint64 bare, peak, size;
      GStatBuf st;

      write_street_file (path, 100000);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      size = (guint64)st.st_size;
      g_assert_cmpint (xuncha_test_run (version, NULL, NULL), ==, 0);
      bare = children_peak_rss ();
      g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "streets", "import", path, NULL),
                       ==, 0);
      g_assert_nonnull (strstr (out, "100000 new segments"));
      peak = children_peak_rss ();
      g_test_message ("file %" G_GUINT64_FORMAT " kB, bare run %" G_GUINT64_FORMAT
                      " kB, import %" G_GUINT64_FORMAT " kB", size / 1024, bare / 1024,
                      peak / 1024);
      g_assert_cmpuint (peak, <, bare + size);
      xuncha_test_remove_tree (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT
                          | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli-streets/import-stats-snap", test_import_stats_snap);
  g_test_add_func ("/cli-streets/crs-and-mapping", test_crs_and_mapping_options);
  g_test_add_func ("/cli-streets/bad-file-changes-nothing", test_bad_file_changes_nothing);
  g_test_add_func ("/cli-streets/deep-file", test_deep_file);
  g_test_add_func ("/cli-streets/assign", test_assign);
  g_test_add_func ("/cli-streets/usage", test_usage);
  g_test_add_func ("/cli-streets/demo-data", test_demo_data);
  g_test_add_func ("/cli-streets/import-memory", test_import_memory);

  return g_test_run ();
}
