/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xuncha-test-grid.h"
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
test_import_and_history (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *walk = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  g_autofree char *out = NULL, *list = NULL, *text = NULL, *none = NULL, *geo = NULL;
  g_autofree char *detail = NULL, *err = NULL, *prefix = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(JsonParser) p3 = json_parser_new ();
  g_autoptr(JsonParser) p4 = json_parser_new ();
  JsonObject *imported, *history, *day, *shift, *collection, *route, *show;
  JsonArray *coordinates;
  gint64 points;

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "track", "import", walk, "--json", NULL), ==, 0);
  imported = parse_object (p1, out);
  points = json_object_get_int_member (imported, "points");
  g_assert_cmpint (json_object_get_int_member (imported, "fixes_read"), ==, 1200);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (imported, "dropped"), "jump"), ==, 1);
  g_assert_cmpint (points, >, 800);
  /* 07:00Z is 15:00 at UTC+8: a mid shift. */
  g_assert_cmpstr (json_object_get_string_member (imported, "kind"), ==, "mid");

  g_assert_cmpint (xuncha_test_run_cli (dir, &list, NULL, "history", "--json", NULL), ==, 0);
  history = parse_object (p2, list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (history, "days")), ==, 1);
  day = json_array_get_object_element (json_object_get_array_member (history, "days"), 0);
  g_assert_cmpstr (json_object_get_string_member (day, "day"), ==, "2024-05-01");
  shift = json_array_get_object_element (json_object_get_array_member (day, "shifts"), 0);
  g_assert_cmpstr (json_object_get_string_member (shift, "uuid"), ==,
                   json_object_get_string_member (imported, "uuid"));
  g_assert_cmpint (json_object_get_int_member (shift, "points"), ==, points);
  g_assert_cmpint (json_object_get_int_member (shift, "stops"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (shift, "source"), ==, "import");

  g_assert_cmpint (xuncha_test_run_cli (dir, &text, NULL, "history", "--date", "2024-05-01", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "2024-05-01"));
  g_assert_nonnull (strstr (text, "15:00–15:19"));
  g_assert_cmpint (xuncha_test_run_cli (dir, &none, NULL, "history", "--date", "2024-05-02", NULL), ==, 0);
  g_assert_nonnull (strstr (none, "No shift on that day."));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "history", "--date", "May 1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "YYYY-MM-DD"));

  prefix = g_strndup (json_object_get_string_member (imported, "uuid"), 8);
  g_assert_cmpint (xuncha_test_run_cli (dir, &geo, NULL, "history", "show", prefix, "--geojson", NULL), ==, 0);
  collection = parse_object (p3, geo);
  g_assert_cmpstr (json_object_get_string_member (collection, "type"), ==, "FeatureCollection");
  route = json_array_get_object_element (json_object_get_array_member (collection, "features"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (route, "geometry"),
                                                  "type"), ==, "LineString");
  coordinates = json_object_get_array_member (json_object_get_object_member (route, "geometry"),
                                              "coordinates");
  g_assert_cmpint (json_array_get_length (coordinates), ==, points);
  /* GeoJSON is lon, lat. */
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (coordinates, 0), 0),
                     >, 104);

  g_assert_cmpint (xuncha_test_run_cli (dir, &detail, NULL, "history", "show", prefix, "--json", NULL), ==, 0);
  show = parse_object (p4, detail);
  g_assert_true (json_object_get_null_member (show, "coverage"));
  g_assert_cmpstr (json_object_get_string_member (show, "coverage_state"), ==, "no-streets");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (show, "stop_list")), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (show, "length_m"), >, 1260);
  xuncha_test_remove_tree (dir);
}

static void
test_shift_commands (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL, *status = NULL, *err = NULL, *err2 = NULL, *stopped = NULL;
  g_autofree char *idle = NULL, *err3 = NULL, *closed = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_cmpint (xuncha_test_run_cli (dir, &idle, NULL, "shift", "status", NULL), ==, 0);
  g_assert_nonnull (strstr (idle, "No shift is open."));
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "shift", "start", "--kind", "late", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Started the late shift"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &status, NULL, "shift", "status", "--json", NULL), ==, 0);
  object = parse_object (parser, status);
  g_assert_true (json_object_get_boolean_member (object, "open"));
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "late");
  g_assert_cmpint (json_object_get_int_member (object, "points"), ==, 0);

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "shift", "start", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already open"));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err2, "shift", "start", "--kind", "night", NULL), ==, 2);
  g_assert_cmpint (xuncha_test_run_cli (dir, &stopped, NULL, "shift", "stop", NULL), ==, 0);
  g_assert_nonnull (strstr (stopped, "Stopped the shift"));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err3, "shift", "stop", NULL), ==, 1);
  g_assert_nonnull (strstr (err3, "No shift is open."));
  g_assert_cmpint (xuncha_test_run_cli (dir, &closed, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (closed, "late"));
  xuncha_test_remove_tree (dir);
}

static void
test_replay_into_shift (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *nmea = xuncha_test_source_path ("tests/fixtures/mixed.nmea");
  g_autofree char *out = NULL, *status = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "shift", "start", "--replay", nmea, "--speed", "1000",
                            NULL), ==, 0);
  g_assert_nonnull (strstr (out, "saved 0 "));
  g_assert_nonnull (strstr (out, "Replay finished: 9 fixes read, 8 kept"));
  g_assert_cmpint (xuncha_test_run_cli (dir, &status, NULL, "shift", "status", "--json", NULL), ==, 0);
  g_assert_cmpint (json_object_get_int_member (parse_object (parser, status), "points"), ==, 8);
  xuncha_test_remove_tree (dir);
}

static void
test_bad_input (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *bad = g_build_filename (dir, "not-a-track.txt", NULL);
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL;

  g_assert_true (g_file_set_contents (bad, "hello\n", -1, NULL));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err, "track", "import", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "neither GPX nor an NMEA"));
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err2, "history", "show", "zzzz", NULL), ==, 1);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, &err3, "shift", "launch", NULL), ==, 2);
  xuncha_test_remove_tree (dir);
}

static void
test_real_import (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("tracks/gothenburg_walk_mtk_logger.gpx");
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (path == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "track", "import", path, "--json", NULL), ==, 0);
  object = parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (object, "fixes_read"), ==, 817);
  g_assert_cmpint (json_object_get_int_member (object, "no_fix"), ==, 14);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (object, "dropped"), "accuracy"), ==, 14);
  g_assert_cmpfloat (json_object_get_double_member (object, "length_m"), <, 8000);
  xuncha_test_remove_tree (dir);
}

/* The accuracy threshold is a setting: the Haicom log has fixes with HDOP 21 (about 105 m). */
static void
test_accuracy_setting (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *nmea = g_build_filename (dir, "hdop.nmea", NULL);
  g_autofree char *strict = NULL, *loose = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  /* Two fixes 1 s apart, HDOP 1.0 and 21.1 (5 m and 105.5 m). */
  const char *log =
    "$GPRMC,120000,A,3036.0000,N,10403.6000,E,0.5,45.0,010524,,*2E\n"
    "$GPGGA,120000,3036.0000,N,10403.6000,E,1,07,1.0,12.5,M,20.1,M,,*74\n"
    "$GPGGA,120001,3036.0001,N,10403.6000,E,1,07,21.1,12.5,M,20.1,M,,*47\n";

  g_assert_true (g_file_set_contents (nmea, log, -1, NULL));
  g_assert_cmpint (xuncha_test_run_cli (dir, &strict, NULL, "track", "import", nmea, "--json", NULL), ==, 0);
  g_assert_cmpint (json_object_get_int_member (parse_object (p1, strict), "points"), ==, 1);
  g_assert_cmpint (xuncha_test_run_cli (dir, &loose, NULL, "track", "import", nmea, "--max-accuracy", "200",
                            "--json", NULL), ==, 0);
  g_assert_cmpint (json_object_get_int_member (parse_object (p2, loose), "points"), ==, 2);
  xuncha_test_remove_tree (dir);
}

static guint
count_role (JsonArray  *features,
            const char *role,
            const char *id)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *properties =
        json_object_get_object_member (json_array_get_object_element (features, i), "properties");
      if (g_str_equal (json_object_get_string_member (properties, "role"), role)
          && (id == NULL || g_strcmp0 (json_object_get_string_member_with_default (properties, "id",
                                                                                  NULL), id) == 0))
        n++;
    }
  return n;
}

/* Coverage through the CLI: a synthetic grid imported with `streets import`, segments
 * assigned with `streets assign`, a walk drawn along it imported with `track import`. */
static void
test_history_coverage (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *grid = g_build_filename (dir, "grid.geojson", NULL);
  g_autofree char *gpx = g_build_filename (dir, "walk.gpx", NULL);
  static const double corners[] = { 0, 200, 500, 200, 500, 500 };
  g_autoptr(GArray) walk = xuncha_test_grid_walk (corners, 3, 1714546800000);
  g_autofree char *out = NULL, *unassigned = NULL, *text = NULL, *json = NULL, *geo = NULL;
  g_autofree char *list = NULL, *uuid = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(JsonParser) p3 = json_parser_new ();
  g_autoptr(JsonParser) p4 = json_parser_new ();
  JsonObject *show, *coverage, *missed, *day_shift;
  JsonArray *features;

  xuncha_test_grid_write_geojson (grid);
  xuncha_test_write_gpx (gpx, walk);
  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "import", grid, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &out, NULL, "track", "import", gpx, "--json", NULL), ==, 0);
  uuid = g_strdup (json_object_get_string_member (parse_object (p1, out), "uuid"));

  /* Nothing assigned yet: the text says why there is no coverage and what to do. */
  g_assert_cmpint (xuncha_test_run_cli (dir, &unassigned, NULL, "history", "show", uuid, NULL), ==, 0);
  g_assert_nonnull (strstr (unassigned, "no street segments are assigned"));
  g_assert_nonnull (strstr (unassigned, "Walked:   8 street segments"));

  g_assert_cmpint (xuncha_test_run_cli (dir, NULL, NULL, "streets", "assign", "h0_200", "h100_200",
                            "v500_300", "h0_0", "v200_100", "v0_400", NULL), ==, 0);

  g_assert_cmpint (xuncha_test_run_cli (dir, &text, NULL, "history", "show", uuid, NULL), ==, 0);
  g_assert_nonnull (strstr (text, "Coverage: 50.0 % of 6 assigned segments"));
  g_assert_nonnull (strstr (text, "3 walked, 3 missed"));
  g_assert_nonnull (strstr (text, "missed v200_100   纵2路"));

  g_assert_cmpint (xuncha_test_run_cli (dir, &json, NULL, "history", "show", uuid, "--json", NULL), ==, 0);
  show = parse_object (p2, json);
  g_assert_cmpstr (json_object_get_string_member (show, "coverage_state"), ==, "done");
  coverage = json_object_get_object_member (show, "coverage");
  g_assert_cmpfloat (json_object_get_double_member (coverage, "percent"), ==, 50.0);
  g_assert_cmpint (json_object_get_int_member (coverage, "assigned"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (coverage, "assigned_walked"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coverage, "walked")), ==, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coverage, "missed")), ==, 3);
  missed = json_array_get_object_element (json_object_get_array_member (coverage, "missed"), 0);
  g_assert_cmpstr (json_object_get_string_member (missed, "id"), ==, "h0_0");
  g_assert_cmpstr (json_object_get_string_member (missed, "name"), ==, "横0路");

  g_assert_cmpint (xuncha_test_run_cli (dir, &geo, NULL, "history", "show", uuid, "--geojson", NULL), ==, 0);
  features = json_object_get_array_member (parse_object (p3, geo), "features");
  g_assert_cmpuint (count_role (features, "route", NULL), ==, 1);
  g_assert_cmpuint (count_role (features, "walked", NULL), ==, 8);
  g_assert_cmpuint (count_role (features, "walked", "v500_400"), ==, 1);
  g_assert_cmpuint (count_role (features, "missed", NULL), ==, 3);
  g_assert_cmpuint (count_role (features, "missed", "v0_400"), ==, 1);
  g_assert_cmpuint (count_role (features, "walked", "h0_0"), ==, 0);
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (feature, "geometry"), "type"), ==,
                       "LineString");
    }

  g_assert_cmpint (xuncha_test_run_cli (dir, &list, NULL, "history", "--json", NULL), ==, 0);
  day_shift = json_array_get_object_element (
    json_object_get_array_member (
      json_array_get_object_element (json_object_get_array_member (parse_object (p4, list),
                                                                   "days"), 0), "shifts"), 0);
  g_assert_cmpfloat (json_object_get_double_member (day_shift, "coverage_percent"), ==, 50.0);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("TZ", "CST-8", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/shift-cli/import-and-history", test_import_and_history);
  g_test_add_func ("/shift-cli/shift-commands", test_shift_commands);
  g_test_add_func ("/shift-cli/history-coverage", test_history_coverage);
  g_test_add_func ("/shift-cli/replay-into-shift", test_replay_into_shift);
  g_test_add_func ("/shift-cli/bad-input", test_bad_input);
  g_test_add_func ("/shift-cli/real-import", test_real_import);
  g_test_add_func ("/shift-cli/accuracy-setting", test_accuracy_setting);

  return g_test_run ();
}
