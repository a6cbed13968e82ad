/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* The office's view of an officer's day (xuncha-office routes show) against the device's
 * route summary of the same shift: a real GPS log recorded as a shift on a device store,
 * synced over HTTPS to the real office, the officer's segments assigned at the office and
 * pulled by the device. The walked and missed segments, the coverage and the gaps must be
 * the device's own. */

#define ZONE "Asia/Shanghai"

typedef struct
{
  XunchaTestCerts  *certs;
  char             *office_dir;
  char             *device_dir;
  XunchaTestOffice *office;
  XunchaStore      *store;
} Env;

static void
env_free (Env *env)
{
  if (env == NULL)
    return;
  g_clear_object (&env->store);
  g_clear_pointer (&env->office, xuncha_test_office_free);
  xuncha_test_remove_tree (env->office_dir);
  xuncha_test_remove_tree (env->device_dir);
  g_free (env->office_dir);
  g_free (env->device_dir);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

static Env *
env_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  XunchaTestCerts *certs = xuncha_test_certs ();
  Env *env;

  if (certs == NULL)
    return NULL;
  env = g_new0 (Env, 1);
  env->certs = certs;
  env->office_dir = xuncha_test_make_tmpdir ();
  env->device_dir = xuncha_test_make_tmpdir ();
  env->office = xuncha_test_office_start (env->office_dir, certs->server_cert,
                                          certs->server_key, 0);
  code = xuncha_test_office_add_officer (env->office_dir, "A001", "T1", FALSE);
  xuncha_test_enroll (env->device_dir, env->office->url, "A001", code, env->certs->ca);
  env->store = xuncha_store_open (env->device_dir, &error);
  g_assert_no_error (error);
  return env;
}

/* One street along points [first, last] of the track, moved @north_m to the north: on the
 * track (walked), beside it (partly walked) or off it (missed). */
static void
add_street (GString         *geojson,
            GPtrArray       *ids,
            const char      *id,
            const char      *name,
            const XunchaFix *fixes,
            guint            first,
            guint            last,
            double           north_m)
{
  double dlat = north_m / 111320.0;

  g_string_append_printf (geojson, "%s{\"type\": \"Feature\", \"properties\": {\"id\": \"%s\", "
                          "\"name\": \"%s\", \"class\": \"class1\"}, \"geometry\": "
                          "{\"type\": \"LineString\", \"coordinates\": [",
                          ids->len > 0 ? ",\n" : "", id, name);
  for (guint k = first; k <= last; k++)
    {
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (geojson, "%s[%s, %s]", k > first ? ", " : "",
                              g_ascii_formatd (lon, sizeof lon, "%.7f", fixes[k].lon),
                              g_ascii_formatd (lat, sizeof lat, "%.7f", fixes[k].lat + dlat));
    }
  g_string_append (geojson, "]}}");
  g_ptr_array_add (ids, g_strdup (id));
}

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return strv != NULL && g_strv_contains (strv, value);
}

static void
check_ids (JsonArray          *office,
           const char * const *device,
           const char * const *assigned,
           gboolean            only_assigned)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();

  for (guint i = 0; device != NULL && device[i] != NULL; i++)
    if (!only_assigned || strv_has (assigned, device[i]))
      g_ptr_array_add (expected, (gpointer)device[i]);
  g_assert_cmpuint (json_array_get_length (office), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (json_array_get_string_element (office, i), ==, expected->pdata[i]);
}

static void
check_route (const char *gpx,
             gboolean    with_gap)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(GString) geojson = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [\n");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (ZONE);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL, *err = NULL, *uuid = NULL, *streets = NULL, *day = NULL;
  g_autofree char *streets_path = NULL;
  g_auto(GStrv) assigned = NULL;
  const XunchaFix *fixes;
  JsonArray *shifts;
  JsonObject *route = NULL;
  guint n, window;

  if (env == NULL)
    return;
  /* The office's day is the office's local one; the shift may start on the eve. */
  g_setenv ("TZ", ZONE, TRUE);

  /* The real log, through the device's fix filter, as a shift. */
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "track", "import", gpx,
                                        NULL), ==, 0);
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (env->store, "SELECT uuid FROM shifts", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    uuid = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_reset (stmt);
  }
  shift = xuncha_shift_lookup (env->store, uuid, &error);
  g_assert_no_error (error);
  points = xuncha_shift_load_points (shift, env->store, &error);
  g_assert_no_error (error);
  fixes = (const XunchaFix *)(const void *)points->data;
  n = points->len;
  g_assert_cmpuint (n, >=, 40);

  /* Twelve streets made from the walk: pieces on it, 15, 22 and 40 m beside it, and 300 m
   * off it; all but every third one assigned. */
  window = n / 12;
  for (guint k = 0, s = 0; s < 12; k += window, s++)
    {
      static const double offsets[] = { 0, 15, 40, 300, 22, 0 };
      g_autofree char *id = g_strdup_printf ("seg-%03u", s);

      add_street (geojson, ids, id, s % 2 == 0 ? "陈寿路" : "<b>\\\"Road\\\"</b>", fixes, k,
                  MIN (k + window, n - 1), offsets[s % G_N_ELEMENTS (offsets)]);
    }
  g_string_append (geojson, "\n]}\n");
  streets_path = g_build_filename (env->office_dir, "route-streets.geojson", NULL);
  g_assert_true (g_file_set_contents (streets_path, geojson->str, -1, NULL));
  g_free (xuncha_test_office_admin (env->office_dir, "streets", "import", streets_path, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (env->office_dir, &out, &err, "officer", "assign",
                                           "A001", "seg-000", "seg-001", "seg-003", "seg-004",
                                           "seg-006", "seg-007", "seg-009", "seg-010", NULL),
                   ==, 0);

  /* The device sends the shift and takes the streets and its assignments. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "sync", NULL), ==, 0);
  assigned = xuncha_street_map_load_assignments (env->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (assigned), ==, 8);

  /* The device's route summary of the shift. */
  summary = xuncha_route_summary_new_for_shift (env->store, shift, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_route_summary_add_coverage_from_store (summary, env->store, NULL,
                                                               fixes, n, &error));
  g_assert_no_error (error);
  g_assert_true (summary->has_coverage);
  /* A comparison that means something: some walked, some missed. */
  g_assert_cmpuint (g_strv_length (summary->missed_segments), >, 0);
  g_assert_cmpuint (g_strv_length (summary->missed_segments), <, summary->n_assigned);

  /* The office's day of the shift's start. */
  start = g_date_time_new_from_unix_local (fixes[0].t_ms / 1000);
  day = g_date_time_format (start, "%Y-%m-%d");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (env->office_dir, &out, &err, "routes", "show", "A001",
                                           "--day", day, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  shifts = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "shifts");
  for (guint i = 0; i < json_array_get_length (shifts); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (shifts, i),
                                                    "uuid"), uuid))
      route = json_array_get_object_element (shifts, i);
  g_assert_nonnull (route);

  g_assert_cmpint (json_object_get_int_member (route, "n_points"), ==, summary->n_points);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (route, "length_m"),
                                  summary->length_m, 1e-6);
  g_assert_cmpint (json_object_get_int_member (route, "n_assigned"), ==, summary->n_assigned);
  check_ids (json_object_get_array_member (route, "walked"),
             (const char * const *)summary->walked_segments, (const char * const *)assigned,
             TRUE);
  check_ids (json_object_get_array_member (route, "missed"),
             (const char * const *)summary->missed_segments, NULL, FALSE);
  g_assert_cmpfloat (json_object_get_double_member (route, "percent"), ==,
                     summary->coverage_percent);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (route, "length_percent"),
                                  summary->coverage_length_percent, 0.01);
  {
    JsonArray *gaps = json_object_get_array_member (route, "gaps");

    g_assert_cmpuint (json_array_get_length (gaps), ==, summary->n_gaps);
    for (guint i = 0; i < summary->n_gaps; i++)
      {
        const XunchaRouteGap *gap = &g_array_index (summary->gaps, XunchaRouteGap, i);
        JsonObject *item = json_array_get_object_element (gaps, i);

        g_assert_cmpint (json_object_get_int_member (item, "start_ms"), ==, gap->start_ms);
        g_assert_cmpint (json_object_get_int_member (item, "end_ms"), ==, gap->end_ms);
      }
  }
  if (with_gap)
    g_assert_cmpuint (summary->n_gaps, >, 0);
  g_test_message ("%u points, %u assigned, %.1f %% walked, %u gaps", summary->n_points,
                  summary->n_assigned, summary->coverage_percent, summary->n_gaps);

  /* The human text says the same. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (env->office_dir, &out, &err, "routes", "show", "A001",
                                           "--day", day, NULL), ==, 0);
  g_assert_nonnull (strstr (out, summary->missed_segments[0]));
  /* A bad day is refused with a clear word and nothing else. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (env->office_dir, &out, &err, "routes", "show", "A001",
                                           "--day", "2024-02-30", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "YYYY-MM-DD"));
  g_unsetenv ("TZ");
}

/* The real 67-minute walk in Gothenburg (shared test data). */
static void
test_real_walk (void)
{
  g_autofree char *gpx = xuncha_test_require_testdata ("tracks/gothenburg_walk_mtk_logger.gpx");

  if (gpx == NULL)
    return;
  check_route (gpx, FALSE);
}

/* The same walk with ten minutes of it cut out, as when the phone slept: a gap, on both
 * sides the same. */
static void
test_real_walk_with_gap (void)
{
  g_autofree char *gpx = xuncha_test_require_testdata ("tracks/gothenburg_walk_mtk_logger.gpx");
  g_autofree char *text = NULL, *cut = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);

  if (gpx == NULL)
    return;
  g_assert_true (g_file_get_contents (gpx, &text, NULL, NULL));
  parts = g_strsplit (text, "<trkpt", -1);
  g_assert_cmpuint (g_strv_length (parts), >, 400);
  /* Points 200 to 319 (5 s apart) lie inside the long track. */
  for (guint i = 0; parts[i] != NULL; i++)
    if (i == 0 || i < 200 || i >= 320)
      g_string_append_printf (kept, "%s%s", i > 0 ? "<trkpt" : "", parts[i]);
  cut = g_build_filename (g_get_tmp_dir (), "walk-with-gap.gpx", NULL);
  g_assert_true (g_file_set_contents (cut, kept->str, -1, NULL));
  check_route (cut, TRUE);
}

/* The self-made walk of the demo data. */
static void
test_demo_walk (void)
{
  g_autofree char *gpx = g_build_filename (g_getenv ("XUNCHA_DEMO_DIR"), "walk.gpx", NULL);

  check_route (gpx, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/office-routes/real-walk", test_real_walk);
  g_test_add_func ("/office-routes/real-walk-with-gap", test_real_walk_with_gap);
  g_test_add_func ("/office-routes/demo-walk", test_demo_walk);
  return g_test_run ();
}
