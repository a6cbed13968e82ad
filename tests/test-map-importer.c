/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-merchant-registry.h"
#include "xuncha-store-private.h"
#include "xuncha-street-map-store-private.h"
#include "xuncha-test-util.h"

typedef struct
{
  char        *dir;
  XunchaStore *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = xuncha_test_make_tmpdir ();
  fixture->store = xuncha_store_open (fixture->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  xuncha_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Every column of every row of the map tables, hashed: "nothing changed" means this. */
static char *
tables_checksum (XunchaStore *store)
{
  static const char * const queries[] = {
    "SELECT * FROM streets ORDER BY id",
    "SELECT * FROM merchants ORDER BY id",
    "SELECT * FROM assignments ORDER BY street_id",
  };
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), queries[q], -1, &stmt,
                                           NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const void *blob = sqlite3_column_blob (stmt, c);
            g_checksum_update (checksum, blob != NULL ? blob : (const void *)"\0NULL",
                               blob != NULL ? sqlite3_column_bytes (stmt, c) : 5);
            g_checksum_update (checksum, (const guchar *)"|", 1);
          }
      g_checksum_update (checksum, (const guchar *)"#", 1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static char *
query_text (XunchaStore *store,
            const char  *sql,
            const char  *arg)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  return result;
}

static gint64
count (XunchaStore *store,
       const char  *table)
{
  return xuncha_store_count_rows (store, table, NULL);
}

static void
import_fixture (XunchaStore          *store,
                XunchaMapImportStats *stats)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (store);
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, stats, &error));
  g_assert_no_error (error);
}

static void
test_fixture_import (Fixture       *fixture,
                     gconstpointer  data)
{
  XunchaMapImportStats stats;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *klass = NULL, *grid = NULL, *unit = NULL, *kind = NULL, *props = NULL;
  XunchaStreetSegment *split;
  guint n;

  import_fixture (fixture->store, &stats);
  g_assert_cmpuint (stats.features, ==, 10);
  g_assert_cmpuint (stats.inserted, ==, 7);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.skipped, ==, 3);   /* a point, a polygon, a null geometry */
  g_assert_cmpint (count (fixture->store, "streets"), ==, 7);

  /* Ids from @id (numbers), id, and the feature's own id. */
  klass = query_text (fixture->store, "SELECT class FROM streets WHERE id = ?1", "1001");
  g_assert_cmpstr (klass, ==, "strict");                      /* 严管街 */
  g_free (klass);
  klass = query_text (fixture->store, "SELECT class FROM streets WHERE id = ?1", "side-a");
  g_assert_cmpstr (klass, ==, "class1");                      /* 一类 */
  g_free (klass);
  klass = query_text (fixture->store, "SELECT class FROM streets WHERE id = ?1", "lane-1");
  g_assert_cmpstr (klass, ==, "class2");                      /* 二类街 */
  g_free (klass);
  klass = query_text (fixture->store, "SELECT class FROM streets WHERE id = ?1", "1006");
  g_assert_cmpstr (klass, ==, "other");
  grid = query_text (fixture->store, "SELECT grid_cell FROM streets WHERE id = ?1", "1001");
  g_assert_cmpstr (grid, ==, "G-01");                         /* from "grid" */
  unit = query_text (fixture->store, "SELECT unit FROM streets WHERE id = ?1", "1002");
  g_assert_cmpstr (unit, ==, "Team 1");                       /* from "responsible_unit" */
  kind = query_text (fixture->store, "SELECT kind FROM streets WHERE id = ?1", "1006");
  g_assert_cmpstr (kind, ==, "footway");                      /* from "highway" */
  props = query_text (fixture->store, "SELECT properties FROM streets WHERE id = ?1", "side-b");
  g_assert_nonnull (strstr (props, "侧街"));                   /* all properties are kept */

  map = xuncha_street_map_new_from_store (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xuncha_street_map_get_n_segments (map), ==, 7);
  split = xuncha_street_map_lookup (map, "1007");
  g_assert_nonnull (split);
  g_assert_cmpuint (xuncha_street_segment_get_n_parts (split), ==, 2);
  xuncha_street_segment_get_coordinates (split, &n);
  g_assert_cmpuint (n, ==, 4);
  /* 100 m and 80 m drawn in metres about the fixture's origin. */
  g_assert_cmpfloat_with_epsilon (xuncha_street_segment_get_length_m (split), 180.0, 1.0);
}

static void
test_reimport_updates (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(GError) error = NULL;
  XunchaMapImportStats stats;
  g_autofree char *name = NULL;
  const char *update =
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"@id\": 1001, \"name\": \"Renamed Road\","
    "  \"class\": \"class1\"}, \"geometry\": {\"type\": \"LineString\","
    "  \"coordinates\": [[106.07, 30.79], [106.0720974, 30.79]]}},"
    " {\"type\": \"Feature\", \"properties\": {\"@id\": 9001, \"name\": \"New Road\"},"
    "  \"geometry\": {\"type\": \"LineString\","
    "  \"coordinates\": [[106.07, 30.791], [106.0720974, 30.791]]}}]}";

  import_fixture (fixture->store, &stats);
  g_assert_true (xuncha_map_importer_import_streets (importer, update, strlen (update),
                                                     "update.geojson", &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 1);
  /* Updated in place, the others kept. */
  g_assert_cmpint (count (fixture->store, "streets"), ==, 8);
  name = query_text (fixture->store, "SELECT name || '/' || class FROM streets WHERE id = ?1",
                     "1001");
  g_assert_cmpstr (name, ==, "Renamed Road/class1");
}

static void
test_mapping (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/streets/small.geojson");
  g_autoptr(GError) error = NULL;
  XunchaMapImportStats stats;
  g_autofree char *name = NULL;
  g_autofree char *klass = NULL;

  g_assert_true (xuncha_map_importer_parse_mapping (importer, "name=NAME_ZH", &error));
  g_assert_true (xuncha_map_importer_parse_mapping (importer, "class=", &error));
  g_assert_false (xuncha_map_importer_parse_mapping (importer, "colour=x", &error));
  g_assert_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "grid_cell"));
  g_clear_error (&error);
  g_assert_false (xuncha_map_importer_parse_mapping (importer, "name", &error));
  g_clear_error (&error);

  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, &stats, &error));
  g_assert_no_error (error);
  name = query_text (fixture->store, "SELECT name FROM streets WHERE id = ?1", "side-b");
  g_assert_cmpstr (name, ==, "侧街");
  g_assert_null (query_text (fixture->store, "SELECT name FROM streets WHERE id = ?1", "1001"));
  klass = query_text (fixture->store, "SELECT class FROM streets WHERE id = ?1", "1001");
  g_assert_cmpstr (klass, ==, "other");

  /* An id mapped to a property the features lack is refused, not invented. */
  {
    g_autoptr(XunchaMapImporter) strict = xuncha_map_importer_new (fixture->store);
    g_autofree char *before = tables_checksum (fixture->store);
    g_autofree char *after = NULL;

    g_assert_true (xuncha_map_importer_parse_mapping (strict, "id=segment_no", NULL));
    g_assert_false (xuncha_map_importer_import_streets_file (strict, path, &stats, &error));
    g_assert_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE);
    g_assert_nonnull (strstr (error->message, "--map id="));
    after = tables_checksum (fixture->store);
    g_assert_cmpstr (before, ==, after);
  }
}

static void
test_crs_import (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  const char *gcj =
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"g1\"}, \"geometry\": {\"type\":"
    "  \"LineString\", \"coordinates\": [[106.08, 30.80], [106.081, 30.80]]}}]}";
  const double *lonlat;
  double lat, lon;

  xuncha_map_importer_set_crs (importer, XUNCHA_CRS_GCJ02);
  g_assert_true (xuncha_map_importer_import_streets (importer, gcj, strlen (gcj), NULL, NULL,
                                                     &error));
  g_assert_no_error (error);
  map = xuncha_street_map_new_from_store (fixture->store, &error);
  lonlat = xuncha_street_segment_get_coordinates (xuncha_street_map_lookup (map, "g1"), NULL);

  /* Stored in WGS-84: converting back gives the GCJ-02 input. */
  xuncha_crs_convert (XUNCHA_CRS_WGS84, XUNCHA_CRS_GCJ02, lonlat[1], lonlat[0], &lat, &lon);
  g_assert_cmpfloat (xuncha_distance_m (lat, lon, 30.80, 106.08), <, 0.01);
  g_assert_cmpfloat (xuncha_distance_m (lonlat[1], lonlat[0], 30.80, 106.08), >, 300);
}

typedef struct
{
  const char           *label;
  const char           *json;
  XunchaMapImportError  code;
  const char           *says;   /* a piece of the message */
} BadInput;

static const BadInput bad_inputs[] = {
  { "invalid-json",
    "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, }]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "line 3, position" },
  { "truncated-json", "{\"type\": \"FeatureCollection\", \"features\": [",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "not valid JSON" },
  { "empty", "", XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "empty" },
  { "top-level-feature",
    "{\"type\": \"Feature\", \"properties\": {\"id\": 1}, \"geometry\": {\"type\": "
    "\"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}",
    XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE, "is Feature, not a GeoJSON FeatureCollection" },
  { "top-level-array", "[1, 2, 3]", XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE, "is an array" },
  { "no-features-list", "{\"type\": \"FeatureCollection\"}",
    XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE, "without a “features” list" },
  { "feature-not-object", "{\"type\": \"FeatureCollection\", \"features\": [42]}",
    XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE, "feature 1 is not an object" },
  { "latitude-out-of-range",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"ok\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}},"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"far\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 95.0]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_OUT_OF_RANGE, "position 2 of feature 2 (id far)" },
  { "projected-metres",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"m\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[11805000.5, 3590000.0], [11805100.5, 3590000.0]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_OUT_OF_RANGE, "projected system" },
  { "one-position",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"p\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY, "fewer than two positions" },
  { "not-numbers",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"s\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[\"106.0\", 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY, "two numbers" },
  { "missing-id",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"name\": \"x\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE, "no segment id" },
  { "duplicate-id",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"d\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}},"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"d\"}, \"geometry\": {\"type\": "
    "  \"LineString\", \"coordinates\": [[106.0, 30.9], [106.001, 30.9]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_DUPLICATE_ID, "appears more than once" },
  /* JSON is UTF-8 (RFC 8259): a GBK name ("中山路") is refused where it is. */
  { "not-utf8",
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"g\", \"name\": \"\xd6\xd0\xc9\xbd\xc2\xb7\"},"
    "  \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_ENCODING, "line 2, position 57 (byte 0xD6) is not UTF-8" },
  /* Nesting outside any feature is bounded by the reader itself. */
  { "deep-outside-features",
    "{\"type\": \"FeatureCollection\", \"crs\": "
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], "
    "\"features\": [ {\"type\": \"Feature\", \"properties\": {\"id\": \"d\"}, \"geometry\": "
    "{\"type\": \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "nested deeper than 64 levels" },
  { "deep-inside-feature",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", "
    "\"properties\": {\"id\": \"d\", \"x\": "
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}, "
    "\"geometry\": {\"type\": \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "line 1, position 156: brackets nested deeper than 64 levels" },
  /* Inside a feature json-glib reads, the gate refuses a name twice and a NUL. */
  { "name-twice-inside-feature",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", "
    "\"properties\": {\"id\": \"a\", \"id\": \"b\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "a member name that appears twice in one object" },
  { "nul-inside-feature",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", "
    "\"properties\": {\"id\": \"a\\u0000b\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "a NUL character" },
  { "half-surrogate-inside-feature",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", "
    "\"properties\": {\"id\": \"a\\udd16\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "half of a UTF-16 surrogate pair" },
  /* json-glib keeps the last of two members; the first list is not to be lost unseen. */
  { "features-twice",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", "
    "\"properties\": {\"id\": \"a\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}],\n \"features\": []}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "line 2, position 2: the member “features” is given twice" },
  { "mismatched-bracket",
    "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\"]]}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "line 1, position 63: unexpected character “]”" },
  { "type-after-features",
    "{\"features\": [], \"type\": \"Feature\"}",
    XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE, "is Feature, not a GeoJSON FeatureCollection" },
  { "data-after-document",
    "{\"type\": \"FeatureCollection\", \"features\": []} {}",
    XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON, "line 1, position 47: unexpected data after" },
  { "only-points",
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"pt\"}, \"geometry\": {\"type\": "
    "  \"Point\", \"coordinates\": [106.0, 30.8]}}]}",
    XUNCHA_MAP_IMPORT_ERROR_NOTHING, "1 other features were skipped" },
};

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  const BadInput *bad = data;
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  XunchaMapImportStats stats;
  const char *ids[] = { "1001", NULL };

  /* A store with content, so "nothing changed" is a real claim. */
  import_fixture (fixture->store, &stats);
  g_assert_true (xuncha_street_map_save_assignments (fixture->store, ids, NULL));
  before = tables_checksum (fixture->store);

  g_assert_false (xuncha_map_importer_import_streets (importer, bad->json, strlen (bad->json),
                                                      "bad.geojson", &stats, &error));
  g_assert_error (error, XUNCHA_MAP_IMPORT_ERROR, (int)bad->code);
  g_test_message ("%s: %s", bad->label, error->message);
  g_assert_nonnull (strstr (error->message, bad->says));
  g_assert_nonnull (strstr (error->message, "bad.geojson"));
  g_assert_nonnull (strstr (error->message, "othing was imported"));
  g_assert_cmpuint (stats.inserted + stats.updated, ==, 0);

  after = tables_checksum (fixture->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count (fixture->store, "streets"), ==, 7);
}

static void
test_unreadable_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "missing.geojson", NULL);

  g_assert_false (xuncha_map_importer_import_streets_file (importer, path, NULL, &error));
  g_assert_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_IO);
  g_assert_cmpint (count (fixture->store, "streets"), ==, 0);
}

static void
test_monaco_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = xuncha_test_require_testdata (
    "streets/monaco_2012_highways.geojson");
  g_autoptr(XunchaMapImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *named = NULL, *names = NULL, *primary = NULL, *name = NULL;
  XunchaMapImportStats stats;

  if (path == NULL)
    return;
  importer = xuncha_map_importer_new (fixture->store);
  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.features, ==, 860);
  g_assert_cmpuint (stats.inserted, ==, 860);
  g_assert_cmpuint (stats.skipped, ==, 0);
  g_assert_cmpint (count (fixture->store, "streets"), ==, 860);

  /* Ids from OSM's @id, names and highway tags carried over. */
  name = query_text (fixture->store, "SELECT name FROM streets WHERE id = ?1", "4097656");
  g_assert_cmpstr (name, ==, "Avenue Princesse Alice");
  primary = query_text (fixture->store,
                        "SELECT kind FROM streets WHERE id = ?1", "4098197");
  g_assert_cmpstr (primary, ==, "primary");
  named = query_text (fixture->store,
                      "SELECT count(*) FROM streets WHERE name IS NOT NULL", NULL);
  names = query_text (fixture->store, "SELECT count(DISTINCT name) FROM streets", NULL);
  g_test_message ("Monaco: %s named segments, %s distinct names", named, names);
  /* The manifest counts 317 named highway ways with 137 names among all 866 ways; of the
   * 860 LineStrings, 315 carry a name, 135 distinct ones. */
  g_assert_cmpint (atoi (named), ==, 315);
  g_assert_cmpint (atoi (names), ==, 135);

  /* Again: every id updated, none added. */
  g_assert_true (xuncha_map_importer_import_streets_file (importer, path, &stats, &error));
  g_assert_cmpuint (stats.inserted, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 860);
  g_assert_cmpint (count (fixture->store, "streets"), ==, 860);
}

static void
test_merchants_csv (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/streets/merchants.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *street = NULL, *distance = NULL, *contact = NULL;
  XunchaMapImportStats stats;
  static const char * const expected[][2] = {
    { "m-1", "1001" }, { "m-2", "1002" }, { "m-3", "side-a" }, { "m-4", "lane-1" },
  };

  /* Merchants before streets: kept, linked to nothing. */
  g_assert_true (xuncha_map_importer_import_merchants_file (importer, path, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.features, ==, 4);
  g_assert_cmpuint (stats.inserted, ==, 4);
  g_assert_cmpuint (stats.linked, ==, 0);
  g_assert_null (query_text (fixture->store, "SELECT street_id FROM merchants WHERE id = ?1",
                             "m-1"));

  /* A street import links them. */
  import_fixture (fixture->store, &stats);
  g_assert_cmpuint (stats.linked, ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *linked = query_text (fixture->store,
                                            "SELECT street_id FROM merchants WHERE id = ?1",
                                            expected[i][0]);
      g_assert_cmpstr (linked, ==, expected[i][1]);
    }
  distance = query_text (fixture->store,
                         "SELECT round(street_distance_m) FROM merchants WHERE id = ?1", "m-3");
  g_assert_cmpstr (distance, ==, "8.0");

  /* Quoting: a doubled quote and a comma inside quotes; an empty contact is NULL. */
  name = query_text (fixture->store, "SELECT name FROM merchants WHERE id = ?1", "m-1");
  g_assert_cmpstr (name, ==, "Noodle shop \"Old Wang\"");
  street = query_text (fixture->store, "SELECT name FROM merchants WHERE id = ?1", "m-2");
  g_assert_cmpstr (street, ==, "Fruit, vegetables");
  contact = query_text (fixture->store, "SELECT contact FROM merchants WHERE id = ?1", "m-2");
  g_assert_null (contact);

  /* Again: updated by id. */
  g_assert_true (xuncha_map_importer_import_merchants_file (importer, path, &stats, &error));
  g_assert_cmpuint (stats.inserted, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 4);
  g_assert_cmpuint (stats.linked, ==, 4);
}

static void
test_merchants_geojson (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/streets/merchants.geojson");
  g_autoptr(GError) error = NULL;
  g_autofree char *street = NULL, *contact = NULL;
  XunchaMapImportStats stats;

  import_fixture (fixture->store, &stats);
  g_assert_true (xuncha_map_importer_import_merchants_file (importer, path, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.features, ==, 4);
  g_assert_cmpuint (stats.inserted, ==, 3);
  g_assert_cmpuint (stats.skipped, ==, 1);   /* a line in a merchant file */
  g_assert_cmpuint (stats.linked, ==, 3);
  street = query_text (fixture->store, "SELECT street_id FROM merchants WHERE id = ?1", "m-5");
  g_assert_cmpstr (street, ==, "1007");     /* the MultiLineString */
  contact = query_text (fixture->store, "SELECT contact FROM merchants WHERE id = ?1", "m-1");
  g_assert_cmpstr (contact, ==, "13800000001");   /* from "phone" */
}

/* A merchant list as Chinese spreadsheets save it, made here from UTF-8 text. */
static void
test_merchants_encoding (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *charset = data;
  /* 𠮷 (U+20BB7) is not in GBK: GB18030 gives it four bytes. */
  const char *other_name = g_str_equal (charset, "GBK") ? "吉野家, 牛肉饭" : "吉野家, 𠮷";
  g_autofree char *text = g_strdup_printf ("id,name,address,contact,lon,lat\n"
                                           "m1,老王面馆,解放路1号,,106.08,30.80\n"
                                           "m2,\"%s\",,,106.081,30.801\n", other_name);
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *name = NULL, *address = NULL, *other = NULL;
  XunchaMapImportStats stats;
  gsize length;

  if (g_str_equal (charset, "UTF-8-BOM"))
    {
      bytes = g_strconcat ("\xef\xbb\xbf", text, NULL);
      length = strlen (bytes);
    }
  else
    {
      bytes = g_convert (text, -1, charset, "UTF-8", NULL, &length, &error);
      g_assert_no_error (error);
      g_assert_false (g_utf8_validate (bytes, (gssize)length, NULL));
    }

  g_assert_true (xuncha_map_importer_import_merchants (importer, bytes, length, "shops.csv",
                                                       &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 2);
  name = query_text (fixture->store, "SELECT name FROM merchants WHERE id = ?1", "m1");
  g_assert_cmpstr (name, ==, "老王面馆");
  address = query_text (fixture->store, "SELECT address FROM merchants WHERE id = ?1", "m1");
  g_assert_cmpstr (address, ==, "解放路1号");
  other = query_text (fixture->store, "SELECT name FROM merchants WHERE id = ?1", "m2");
  g_assert_cmpstr (other, ==, other_name);
}

/* Bytes that are neither UTF-8 nor GB18030: refused where they are, nothing changes. */
static void
test_merchants_not_text (Fixture       *fixture,
                         gconstpointer  data)
{
#define BYTES(literal) literal, sizeof (literal) - 1
  static const struct
  {
    const char *data;
    gsize       length;
    const char *says;
  } cases[] = {
    /* UTF-16 (a spreadsheet's "Unicode text"). */
    { BYTES ("\xff\xfei\0d\0,\0n\0"), "line 1, position 1 (byte 0xFF)" },
    /* A lone lead byte of GBK at the end of a field. */
    { BYTES ("id,name,address,contact,lon,lat\nm9,Shop\x81,,,106.0,30.8\n"),
      "line 2, position 8 (byte 0x81)" },
    /* 0x80 begins nothing in GB18030. */
    { BYTES ("m9,\xd6\xd0\x80,,,106.0,30.8\n"), "line 1, position 4 (byte 0xD6)" },
    /* Latin-1. */
    { BYTES ("m9,Caf\xe9,,,106.0,30.8\n"), "line 1, position 7 (byte 0xE9)" },
    { BYTES ("m9,Shop\0,,,106.0,30.8\n"), "line 1, position 8 (byte 0x00)" },
  };
#undef BYTES
  XunchaMapImportStats stats;
  g_autofree char *csv = xuncha_test_source_path ("tests/fixtures/streets/merchants.csv");

  import_fixture (fixture->store, &stats);
  {
    g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
    g_assert_true (xuncha_map_importer_import_merchants_file (importer, csv, NULL, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
      g_autoptr(GError) error = NULL;
      g_autofree char *before = tables_checksum (fixture->store);
      g_autofree char *after = NULL;
      gsize length = cases[i].length;

      g_assert_false (xuncha_map_importer_import_merchants (importer, cases[i].data, length,
                                                            "shops.csv", &stats, &error));
      g_assert_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_ENCODING);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "shops.csv is not UTF-8 text"));
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_nonnull (strstr (error->message, "Save it as UTF-8"));
      after = tables_checksum (fixture->store);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (count (fixture->store, "merchants"), ==, 4);
    }
}

/* A byte-order mark, which Windows editors write, before a street file. */
static void
test_streets_bom (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
  g_autoptr(GError) error = NULL;
  const char *json =
    "\xef\xbb\xbf{\"type\": \"FeatureCollection\", \"features\": [\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"b1\", \"name\": \"中山路\"}, \"geometry\": "
    "{\"type\": \"LineString\", \"coordinates\": [[106.0, 30.8], [106.001, 30.8]]}}]}";
  g_autofree char *name = NULL;
  XunchaMapImportStats stats;

  g_assert_true (xuncha_map_importer_import_streets (importer, json, strlen (json), NULL,
                                                     &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.inserted, ==, 1);
  name = query_text (fixture->store, "SELECT name FROM streets WHERE id = ?1", "b1");
  g_assert_cmpstr (name, ==, "中山路");
}

static const struct
{
  const char *label;
  const char *data;
  const char *says;
} bad_merchants[] = {
  { "bad-number", "id,name,address,contact,lon,lat\nm1,Shop,,,abc,30.8\n", "not a number" },
  { "out-of-range", "m1,Shop,,,106.0,130.8\n", "outside longitude" },
  { "unclosed-quote", "id,name,address,contact,lon,lat\nm1,\"Shop,,,106.0,30.8\n",
    "never closed" },
  { "too-few-fields", "id,name,address,contact,lon,lat\nm1,Shop,106.0\n", "fields" },
  { "no-name", "id,name,address,contact,lon,lat\nm1,,,,106.0,30.8\n", "has no name" },
  { "no-lat-column", "id,name,lon\nm1,Shop,106.0\n", "no column “lat”" },
  { "duplicate", "m1,Shop,,,106.0,30.8\nm1,Shop 2,,,106.0,30.8\n", "more than once" },
  { "geojson-wrong-type", "{\"type\": \"Feature\"}", "not a GeoJSON FeatureCollection" },
  { "geojson-invalid", "{\"type\": \"FeatureCollection\", \"features\": [}",
    "line 1, position" },
};

static void
test_bad_merchants (Fixture       *fixture,
                    gconstpointer  data)
{
  XunchaMapImportStats stats;
  g_autofree char *csv = xuncha_test_source_path ("tests/fixtures/streets/merchants.csv");

  import_fixture (fixture->store, &stats);
  {
    g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
    g_assert_true (xuncha_map_importer_import_merchants_file (importer, csv, NULL, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad_merchants); i++)
    {
      g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (fixture->store);
      g_autoptr(GError) error = NULL;
      g_autofree char *before = tables_checksum (fixture->store);
      g_autofree char *after = NULL;

      g_assert_false (xuncha_map_importer_import_merchants (importer, bad_merchants[i].data,
                                                            strlen (bad_merchants[i].data),
                                                            "shops.csv", &stats, &error));
      g_assert_nonnull (error);
      g_test_message ("%s: %s", bad_merchants[i].label, error->message);
      g_assert_nonnull (strstr (error->message, bad_merchants[i].says));
      g_assert_nonnull (strstr (error->message, "othing was imported"));
      after = tables_checksum (fixture->store);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (count (fixture->store, "merchants"), ==, 4);
    }
}

static double
query_double (XunchaStore *store,
              const char  *sql,
              const char  *arg)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_double (stmt, 0);
}

static XunchaWireDelta *
decode_delta (XunchaWireDeltaKind  kind,
              const char          *json)
{
  g_autoptr(GError) error = NULL;
  XunchaWireDelta *delta = xuncha_wire_delta_decode (kind, json, -1, &error);

  g_assert_no_error (error);
  return delta;
}

/* The office's streets and merchants go through the same writes as an import: a street
 * the office changes keeps the kind and properties its file gave it, and its extent and
 * length are measured as a segment measures them; a merchant is linked to its street
 * only when the device holds that street. */
static void
test_office_delta (Fixture       *fixture,
                   gconstpointer  data)
{
  static const double lonlat[] = { 106.07, 30.79, 106.071, 30.79, 106.072, 30.791,
                                   106.073, 30.792 };
  static const guint part_ends[] = { 2, 4 };
  g_autoptr(XunchaWireDelta) streets = NULL;
  g_autoptr(XunchaWireDelta) merchants = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL, *properties = NULL, *value = NULL;
  double bbox[4], length_m;
  guint changed = 0;

  import_fixture (fixture->store, NULL);
  kind = query_text (fixture->store, "SELECT kind FROM streets WHERE id = ?1", "1001");
  properties = query_text (fixture->store, "SELECT properties FROM streets WHERE id = ?1",
                           "1001");
  g_assert_cmpstr (kind, ==, "primary");
  g_assert_nonnull (strstr (properties, "Test Road"));

  streets = decode_delta (XUNCHA_WIRE_DELTA_STREETS,
                          "{\"revision\": 2, \"streets\": ["
                          "{\"id\": \"1001\", \"name\": \"Renamed Road\", \"class\": \"class1\", "
                          "\"geometry\": {\"type\": \"MultiLineString\", \"coordinates\": "
                          "[[[106.07, 30.79], [106.071, 30.79]], "
                          "[[106.072, 30.791], [106.073, 30.792]]]}}, "
                          "{\"id\": \"9001\", \"name\": \"New Lane\", \"class\": \"other\", "
                          "\"geometry\": {\"type\": \"LineString\", \"coordinates\": "
                          "[[106.08, 30.8], [106.081, 30.8]]}}], "
                          "\"deleted\": [\"side-b\"]}");
  g_assert_true (xuncha_store_begin (fixture->store, &error));
  g_assert_true (xuncha_street_map_apply_delta (fixture->store, streets, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_store_commit (fixture->store, &error));
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpint (count (fixture->store, "streets"), ==, 7);

  value = query_text (fixture->store, "SELECT name || '/' || class FROM streets WHERE id = ?1",
                      "1001");
  g_assert_cmpstr (value, ==, "Renamed Road/class1");
  g_clear_pointer (&value, g_free);
  value = query_text (fixture->store, "SELECT kind FROM streets WHERE id = ?1", "1001");
  g_assert_cmpstr (value, ==, kind);
  g_clear_pointer (&value, g_free);
  value = query_text (fixture->store, "SELECT properties FROM streets WHERE id = ?1", "1001");
  g_assert_cmpstr (value, ==, properties);
  g_clear_pointer (&value, g_free);

  xuncha_street_segment_measure (lonlat, part_ends, G_N_ELEMENTS (part_ends), bbox, &length_m);
  g_assert_cmpfloat (length_m, >, 0);
  g_assert_cmpfloat (query_double (fixture->store, "SELECT length_m FROM streets WHERE id = ?1",
                                   "1001"), ==, length_m);
  g_assert_cmpfloat (query_double (fixture->store, "SELECT min_lon FROM streets WHERE id = ?1",
                                   "1001"), ==, bbox[0]);
  g_assert_cmpfloat (query_double (fixture->store, "SELECT max_lat FROM streets WHERE id = ?1",
                                   "1001"), ==, bbox[3]);

  /* A street the office alone knows has no kind, and the table's empty properties. */
  value = query_text (fixture->store, "SELECT kind FROM streets WHERE id = ?1", "9001");
  g_assert_null (value);
  value = query_text (fixture->store, "SELECT properties FROM streets WHERE id = ?1", "9001");
  g_assert_cmpstr (value, ==, "{}");
  g_clear_pointer (&value, g_free);
  value = query_text (fixture->store, "SELECT id FROM streets WHERE id = ?1", "side-b");
  g_assert_null (value);

  merchants = decode_delta (XUNCHA_WIRE_DELTA_MERCHANTS,
                            "{\"revision\": 1, \"merchants\": ["
                            "{\"id\": \"m-1\", \"name\": \"Shop\", \"lon\": 106.0705, "
                            "\"lat\": 30.7901, \"street_id\": \"1001\"}, "
                            "{\"id\": \"m-2\", \"name\": \"Stall\", \"lon\": 106.08, "
                            "\"lat\": 30.8, \"street_id\": \"not-pulled-yet\"}], "
                            "\"deleted\": []}");
  changed = 0;
  g_assert_true (xuncha_store_begin (fixture->store, &error));
  g_assert_true (xuncha_merchant_registry_apply_delta (fixture->store, merchants, &changed,
                                                       &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_store_commit (fixture->store, &error));
  g_assert_cmpuint (changed, ==, 2);
  value = query_text (fixture->store, "SELECT street_id FROM merchants WHERE id = ?1", "m-1");
  g_assert_cmpstr (value, ==, "1001");
  g_clear_pointer (&value, g_free);
  value = query_text (fixture->store, "SELECT street_id FROM merchants WHERE id = ?1", "m-2");
  g_assert_null (value);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/map-importer/fixture", test_fixture_import);
  ADD ("/map-importer/reimport-updates", test_reimport_updates);
  ADD ("/map-importer/mapping", test_mapping);
  ADD ("/map-importer/crs", test_crs_import);
  ADD ("/map-importer/unreadable-file", test_unreadable_file);
  ADD ("/map-importer/monaco", test_monaco_import);
  ADD ("/map-importer/merchants-csv", test_merchants_csv);
  ADD ("/map-importer/merchants-geojson", test_merchants_geojson);
  ADD ("/map-importer/bad-merchants", test_bad_merchants);
  ADD ("/map-importer/merchants-not-text", test_merchants_not_text);
  ADD ("/map-importer/streets-bom", test_streets_bom);
  ADD ("/map-importer/office-delta", test_office_delta);
#undef ADD
  g_test_add ("/map-importer/merchants-encoding/gbk", Fixture, "GBK", fixture_setup,
              test_merchants_encoding, fixture_teardown);
  g_test_add ("/map-importer/merchants-encoding/gb18030", Fixture, "GB18030", fixture_setup,
              test_merchants_encoding, fixture_teardown);
  g_test_add ("/map-importer/merchants-encoding/utf8-bom", Fixture, "UTF-8-BOM", fixture_setup,
              test_merchants_encoding, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/map-importer/bad-input/%s",
                                               bad_inputs[i].label);
      g_test_add (path, Fixture, &bad_inputs[i], fixture_setup, test_bad_input,
                  fixture_teardown);
    }

  return g_test_run ();
}
