/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's map and exports over real HTTPS on loopback (xuncha-office serve, the test
 * CA): the reports and streets of a bounding box as JSON, for each role and scoped to a
 * leader's team, clustered into grid cells past the row limit; every bad box, value and
 * field refused with 400 and its reason; Leaflet served from the office's own files, and
 * a clear word when it is missing; the office's MBTiles base map as tiles for staff only;
 * the filtered list as CSV (safe against formulas) and as GeoJSON. Reports reach the office as a device sends them (the API). */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-test-console.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

#define FORMULA_NOTE "=HYPERLINK(\"http://evil.example/\",\"x\")"
#define HOSTILE_NOTE "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"
#define REPORT_T1 "6a0d3f4e-1c2b-4d5e-8f90-a1b2c3d4e5f6"
#define REPORT_T1_FORMULA "6a0d3f4e-1c2b-4d5e-8f90-a1b2c3d4e5f7"
#define REPORT_T2 "7b1e4f5a-2d3c-4e6f-9a01-b2c3d4e5f6a7"
/* Reports of team T2 away from the street, more than the map sends one by one (500). */
#define MANY 520
/* The box around 陈寿路 (s-102) and the three reports on it. */
#define STREET_BOX "104.055,30.645,104.075,30.655"
/* The box of the many. */
#define MANY_BOX "104.09,30.69,104.11,30.71"

typedef struct
{
  char             *dir;
  XunchaTestOffice *office;
  SoupSession      *session;
  GHashTable       *sessions;    /* staff name → session id */
  char             *week;        /* the ISO week the reports were made in: 2024-W22 */
  GBytes           *photo;       /* REPORT_T1's photo (a real JPEG) */
  char             *photo_sha256;
} Fixture;

static Fixture *fixture;

typedef XunchaTestAnswer Answer;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, xuncha_test_answer_free)

#define answer_free xuncha_test_answer_free

static Answer *
request_to (XunchaTestOffice *office,
            const char       *method,
            const char       *path,
            const char       *cookie,
            const char       *form)
{
  return xuncha_test_console_request (fixture->session, office, method, path, cookie, form,
                                      NULL, NULL);
}

static Answer *
request (const char *path,
         const char *who)
{
  return request_to (fixture->office, "GET", path, who != NULL
                     ? g_hash_table_lookup (fixture->sessions, who) : NULL, NULL);
}

/* Adds the account, logs in with its one-time password and changes it: the session. */
static char *
staff_session (const char *name,
               const char *role,
               const char *team)
{
  return xuncha_test_console_staff_session (fixture->session, fixture->office, name, role, team);
}

static void
put_report (XunchaHttp *http,
            const char *uuid,
            const char *note,
            double      lat,
            double      lon,
            const char *street,
            const char *merchant,
            const char *photo)
{
  XunchaTestReport report = {
    .uuid = uuid, .note = note, .lat = lat, .lon = lon, .accuracy = NAN, .street = street,
    .offset_m = 10.0, .merchant = merchant, .photo = photo,
  };

  xuncha_test_put_report (http, &report);
}

static XunchaHttp *
device_for (const char *officer,
            const char *team)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = xuncha_test_office_add_officer (fixture->dir, officer, team, FALSE);
  g_autofree char *token = xuncha_test_office_enroll_token (fixture->office, officer, code);
  XunchaHttp *http = xuncha_http_new (fixture->office->url, certs->ca, NULL, &error);

  g_assert_no_error (error);
  xuncha_http_set_token (http, token);
  return http;
}

static void
set_up (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GError) error = NULL;
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/sync-streets.geojson");
  g_autoptr(XunchaHttp) t1 = NULL;
  g_autoptr(XunchaHttp) t2 = NULL;

  fixture = g_new0 (Fixture, 1);
  fixture->dir = xuncha_test_make_tmpdir ();
  fixture->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_free (xuncha_test_office_admin (fixture->dir, "streets", "import", streets, NULL));
  fixture->office = xuncha_test_office_start (fixture->dir, certs->server_cert, certs->server_key,
                                              0);
  fixture->session = xuncha_test_console_session_new ();
  g_hash_table_insert (fixture->sessions, g_strdup ("disp"),
                       staff_session ("disp", "dispatcher", NULL));
  g_hash_table_insert (fixture->sessions, g_strdup ("lead1"),
                       staff_session ("lead1", "leader", "T1"));
  g_hash_table_insert (fixture->sessions, g_strdup ("lead2"),
                       staff_session ("lead2", "leader", "T2"));

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    fixture->week = g_strdup_printf ("%04d-W%02d", g_date_time_get_week_numbering_year (now),
                                     g_date_time_get_week_of_year (now));
  }
  t1 = device_for ("A1", "T1");
  t2 = device_for ("C1", "T2");
  /* The three on 陈寿路 name one merchant: a repeat offender. */
  {
    g_autofree char *path = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
    g_autofree char *upload = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(XunchaHttpResponse) response = NULL;
    char *data = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (path, &data, &length, NULL));
    body = g_bytes_new_take (data, length);
    fixture->photo = g_bytes_ref (body);
    fixture->photo_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
    upload = g_strdup_printf ("api/v1/photos/%s", fixture->photo_sha256);
    response = xuncha_http_request (t1, "PUT", upload, "image/jpeg", body, NULL, NULL, NULL,
                                    NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (response->status, ==, 201);
  }
  put_report (t1, REPORT_T1, HOSTILE_NOTE, 30.6501, 104.0620, "s-102", "M-REPEAT",
              fixture->photo_sha256);
  put_report (t1, REPORT_T1_FORMULA, FORMULA_NOTE, 30.6502, 104.0630, "s-102", "M-REPEAT", NULL);
  put_report (t2, REPORT_T2, "T2 stall", 30.6503, 104.0640, "s-102", "M-REPEAT", NULL);
  for (guint i = 0; i < MANY; i++)
    {
      g_autofree char *uuid = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);

      put_report (t2, uuid, "many", 30.695 + (i % 20) * 0.0005, 104.095 + (i / 20) * 0.0004,
                  NULL, i < 2 ? "M-TWICE" : NULL, NULL);
    }
}

static void
tear_down (void)
{
  xuncha_test_office_free (fixture->office);
  g_clear_object (&fixture->session);
  xuncha_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_hash_table_unref (fixture->sessions);
  g_free (fixture->week);
  g_clear_pointer (&fixture->photo, g_bytes_unref);
  g_free (fixture->photo_sha256);
  g_free (fixture);
}

static JsonObject *
json_answer (Answer *answer,
             JsonNode **keep)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==,
                   "application/json");
  *keep = json_from_string (answer->body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/* The uuids of a reports answer, sorted and joined. */
static char *
uuids_of (Answer *answer)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = json_answer (answer, &root);
  JsonArray *reports = json_object_get_array_member (object, "reports");
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();

  g_assert_nonnull (reports);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    g_ptr_array_add (uuids, (gpointer)json_object_get_string_member (
      json_array_get_object_element (reports, i), "uuid"));
  g_ptr_array_sort (uuids, compare_strings);
  g_ptr_array_add (uuids, NULL);
  return g_strjoinv (" ", (char **)uuids->pdata);
}

/* Who sees which reports in a box: no session goes to the login, a dispatcher sees all, a
 * leader his team's only (whatever team he asks for). */
static void
test_reports_roles (void)
{
  const char *path = "/console/api/reports?bbox=" STREET_BOX;
  g_autoptr(Answer) answer = request (path, NULL);
  g_autofree char *uuids = NULL;

  g_assert_cmpint (answer->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Location"), ==,
                   "/console/login");
  g_assert_null (strstr (answer->body, REPORT_T1));
  g_clear_pointer (&answer, answer_free);

  answer = request (path, "disp");
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==,
                   "no-store");
  uuids = uuids_of (answer);
  g_assert_cmpstr (uuids, ==, REPORT_T1 " " REPORT_T1_FORMULA " " REPORT_T2);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&uuids, g_free);

  answer = request (path, "lead1");
  uuids = uuids_of (answer);
  g_assert_cmpstr (uuids, ==, REPORT_T1 " " REPORT_T1_FORMULA);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&uuids, g_free);

  answer = request ("/console/api/reports?team=T1&bbox=" STREET_BOX, "lead2");
  uuids = uuids_of (answer);
  g_assert_cmpstr (uuids, ==, REPORT_T2);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&uuids, g_free);

  /* The filters narrow the box's reports as they narrow the list. */
  answer = request ("/console/api/reports?officer=A1&bbox=" STREET_BOX, "disp");
  uuids = uuids_of (answer);
  g_assert_cmpstr (uuids, ==, REPORT_T1 " " REPORT_T1_FORMULA);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&uuids, g_free);
  answer = request ("/console/api/reports?class=class1&bbox=" STREET_BOX, "disp");
  uuids = uuids_of (answer);
  g_assert_cmpstr (uuids, ==, "");
}

/* What a device wrote reaches the map as JSON text, to be set as text by the script. */
static void
test_reports_text (void)
{
  g_autoptr(Answer) answer = request ("/console/api/reports?bbox=" STREET_BOX, "disp");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *reports = json_object_get_array_member (json_answer (answer, &root), "reports");
  gboolean seen = FALSE;

  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonObject *report = json_array_get_object_element (reports, i);

      if (g_str_equal (json_object_get_string_member (report, "uuid"), REPORT_T1))
        {
          g_assert_cmpstr (json_object_get_string_member (report, "note"), ==, HOSTILE_NOTE);
          g_assert_cmpstr (json_object_get_string_member (report, "street"), ==, "陈寿路");
          g_assert_cmpstr (json_object_get_string_member (report, "officer"), ==, "Officer A1");
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (report, "lat"),
                                          30.6501, 1e-9);
          seen = TRUE;
        }
    }
  g_assert_true (seen);
}

/* Past the row limit the box's reports come as counts in grid cells, each at its reports'
 * mean position, every report counted once. */
static void
test_reports_clusters (void)
{
  g_autoptr(Answer) answer = request ("/console/api/reports?bbox=" MANY_BOX, "disp");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = json_answer (answer, &root);
  JsonArray *clusters = json_object_get_array_member (object, "clusters");
  gint64 total = 0;

  g_assert_false (json_object_has_member (object, "reports"));
  g_assert_nonnull (clusters);
  g_assert_cmpuint (json_array_get_length (clusters), >, 1);
  g_assert_cmpuint (json_array_get_length (clusters), <=, 16 * 16);
  for (guint i = 0; i < json_array_get_length (clusters); i++)
    {
      JsonObject *cluster = json_array_get_object_element (clusters, i);
      double lat = json_object_get_double_member (cluster, "lat");
      double lon = json_object_get_double_member (cluster, "lon");

      total += json_object_get_int_member (cluster, "count");
      g_assert_cmpfloat (lat, >=, 30.69);
      g_assert_cmpfloat (lat, <=, 30.71);
      g_assert_cmpfloat (lon, >=, 104.09);
      g_assert_cmpfloat (lon, <=, 104.11);
    }
  g_assert_cmpint (total, ==, MANY);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&root, json_node_unref);

  /* Zoomed in, one by one again. */
  answer = request ("/console/api/reports?bbox=104.094,30.694,104.0962,30.696", "disp");
  object = json_answer (answer, &root);
  g_assert_nonnull (json_object_get_array_member (object, "reports"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "reports")),
                    >, 0);
}

/* Every box the office cannot take and every bad value: 400 with the reason. */
static void
test_reports_limits (void)
{
  const struct { const char *query; const char *reason; } cases[] = {
    { "", "missing" },
    { "bbox=104.05,30.64,104.07", "four numbers" },
    { "bbox=104.05,30.64,104.07,30.66,1", "four numbers" },
    { "bbox=a,b,c,d", "four numbers" },
    { "bbox=nan,30.64,104.07,30.66", "four numbers" },
    { "bbox=inf,30.64,104.07,30.66", "four numbers" },
    { "bbox=104.05,,104.07,30.66", "four numbers" },
    { "bbox=104.07,30.64,104.05,30.66", "turned over" },
    { "bbox=104.05,30.66,104.07,30.64", "turned over" },
    { "bbox=-200,30.64,104.07,30.66", "outside" },
    { "bbox=104.05,30.64,104.07,95", "outside" },
    { "bbox=104.0,30.0,105.0,31.0", "too large" },
    { "bbox=" STREET_BOX "&bbox=" STREET_BOX, "twice" },
    { "bbox=" STREET_BOX "&evil=1", "unknown field" },
    { "bbox=" STREET_BOX "&from=2024-13-40", "2024-05-31" },
    { "bbox=" STREET_BOX "&category=nope", "category" },
    { "bbox=" STREET_BOX "&class=highway", "strict" },
    { "bbox=" STREET_BOX "&street=%00", "field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/console/api/reports?%s", cases[i].query);
      g_autoptr(Answer) answer = request (path, "disp");

      if (answer->status != 400 || strstr (answer->body, cases[i].reason) == NULL)
        g_error ("%s: %u %s", cases[i].query, answer->status, answer->body);
    }
}

/* The streets of a box as GeoJSON, with their class and name; a large box refused. */
static void
test_streets (void)
{
  g_autoptr(Answer) answer = request ("/console/api/streets?bbox=" STREET_BOX, "lead1");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = json_answer (answer, &root);
  JsonArray *features = json_object_get_array_member (object, "features");
  gboolean seen = FALSE;

  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "FeatureCollection");
  g_assert_false (json_object_get_boolean_member (object, "truncated"));
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *properties = json_object_get_object_member (
        json_array_get_object_element (features, i), "properties");

      if (g_str_equal (json_object_get_string_member (properties, "id"), "s-102"))
        {
          g_assert_cmpstr (json_object_get_string_member (properties, "name"), ==, "陈寿路");
          g_assert_cmpstr (json_object_get_string_member (properties, "class"), ==, "strict");
          seen = TRUE;
        }
    }
  g_assert_true (seen);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/streets?bbox=100,20,110,40", "disp");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/streets?bbox=" STREET_BOX "&category=09006", "disp");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/streets?bbox=" STREET_BOX, NULL);
  g_assert_cmpint (answer->status, ==, 303);
}

/* The street picker: the list page and a report's page carry no street's name but the
 * reports' own (嘉南路 has no report: it is on neither), and the office gives the names
 * beginning with what was typed, a few at most, to a member with a session; a missing or
 * overlong beginning is refused. */
static void
test_street_names (void)
{
  g_autoptr(Answer) answer = request ("/console/reports", "disp");
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *long_prefix = g_strnfill (65, 'a');
  g_autofree char *long_path = g_strdup_printf ("/console/api/street-names?prefix=%s",
                                                long_prefix);
  JsonObject *object;
  JsonArray *names;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "<datalist id=\"street-names\"></datalist>"));
  g_assert_nonnull (strstr (answer->body,
                            "<script src=\"/console/static/console-filter.js\"></script>"));
  g_assert_null (strstr (answer->body, "嘉南路"));
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/reports/" REPORT_T1, "disp");
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "<dd id=\"report-street\">陈寿路, 10 m from its start"));
  g_assert_null (strstr (answer->body, "嘉南路"));
  g_clear_pointer (&answer, answer_free);

  /* "陈" as the browser sends it. */
  answer = request ("/console/api/street-names?prefix=%E9%99%88", "lead2");
  g_assert_cmpint (answer->status, ==, 200);
  object = json_answer (answer, &keep);
  names = json_object_get_array_member (object, "names");
  g_assert_cmpuint (json_array_get_length (names), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, "陈寿路");
  g_clear_pointer (&keep, json_node_unref);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/street-names?prefix=x", "disp");
  g_assert_cmpint (answer->status, ==, 200);
  object = json_answer (answer, &keep);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "names")), ==,
                    0);
  g_clear_pointer (&keep, json_node_unref);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/street-names", "disp");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request (long_path, "disp");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/api/street-names?prefix=%E9%99%88", NULL);
  g_assert_cmpint (answer->status, ==, 303);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/static/console-filter.js", "disp");
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "/console/api/street-names?prefix="));
}

/* The map page: Leaflet and the console's script from the office, no inline script, the
 * filter handed on as data; Leaflet's files served, nothing else under its folder. */
static void
test_map_page (void)
{
  g_autoptr(Answer) answer = request ("/console/map?street=%E9%99%88%E5%AF%BF%E8%B7%AF&team=T1",
                                      "disp");
  const char *scripts[] = { "<script src=\"/console/vendor/leaflet/leaflet.js\"></script>",
                            "<script src=\"/console/static/console-map.js\"></script>" };
  const char *p;
  guint count = 0;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "data-reports=\"/console/api/reports?street="
                                          "%E9%99%88%E5%AF%BF%E8%B7%AF&amp;team=T1\""));
  g_assert_nonnull (strstr (answer->body, "data-lat=\"30.65"));
  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    g_assert_nonnull (strstr (answer->body, scripts[i]));
  for (p = strstr (answer->body, "<script"); p != NULL; p = strstr (p + 1, "<script"))
    count++;
  g_assert_cmpuint (count, ==, 2);
  g_assert_null (strstr (answer->body, "map-missing"));
  g_clear_pointer (&answer, answer_free);

  answer = request ("/console/vendor/leaflet/leaflet.js", NULL);
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==,
                   "text/javascript");
  g_assert_nonnull (strstr (answer->body, "Leaflet"));
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/static/console-map.js", NULL);
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "textContent"));
  g_assert_null (strstr (answer->body, "innerHTML"));
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/vendor/leaflet/%2E%2E%2Fleaflet.js", NULL);
  g_assert_cmpint (answer->status, >=, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/vendor/leaflet/leaflet.js.map", NULL);
  g_assert_cmpint (answer->status, ==, 404);
}

/* An office without Leaflet says what to install on the map page. */
static void
test_map_missing (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *nowhere = g_build_filename (fixture->dir, "no-leaflet", NULL);
  const char *args[] = { "--leaflet-dir", nowhere, NULL };
  XunchaTestOffice *second = xuncha_test_office_start_full (fixture->dir, certs->server_cert,
                                                            certs->server_key, 0, args, NULL);
  g_autoptr(Answer) answer = request_to (second, "GET", "/console/map",
                                         g_hash_table_lookup (fixture->sessions, "disp"), NULL);

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "id=\"map-missing\""));
  g_assert_nonnull (strstr (answer->body, "libjs-leaflet"));
  g_assert_null (strstr (answer->body, "<script"));
  g_clear_pointer (&answer, answer_free);
  answer = request_to (second, "GET", "/console/vendor/leaflet/leaflet.js", NULL, NULL);
  g_assert_cmpint (answer->status, ==, 404);
  xuncha_test_office_free (second);
}

/* A real PNG of one colour, as a base map's tile. */
static GBytes *
png_tile (guint32 rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 256, 256);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  gdk_pixbuf_fill (pixbuf, rgba);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &length, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

/* An MBTiles file as the format specifies it (metadata, tiles with TMS rows counted from
 * the south) with @tiles: zoom, column, TMS row and data, four at a time. */
static char *
make_mbtiles (const char *name,
              const char *format,
              const char *attribution,
              ...)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  va_list args;
  int zoom;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                                     "CREATE TABLE tiles (zoom_level INTEGER, tile_column "
                                     "  INTEGER, tile_row INTEGER, tile_data BLOB);"
                                     "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, "
                                     "  tile_column, tile_row);", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metadata VALUES ('name', 'district'), "
                                           "('minzoom', '14'), ('maxzoom', '16'), "
                                           "('format', ?1), ('attribution', ?2)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, format, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, attribution, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  va_start (args, attribution);
  while ((zoom = va_arg (args, int)) >= 0)
    {
      int column = va_arg (args, int);
      int row = va_arg (args, int);
      GBytes *data = va_arg (args, GBytes *);

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, zoom);
      sqlite3_bind_int (stmt, 2, column);
      sqlite3_bind_int (stmt, 3, row);
      sqlite3_bind_blob (stmt, 4, g_bytes_get_data (data, NULL), (int)g_bytes_get_size (data),
                         SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }
  va_end (args);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return g_steal_pointer (&path);
}

static Answer *
tile_request (XunchaTestOffice *office,
              const char       *who,
              const char       *format,
              ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return request_to (office, "GET", path, who != NULL
                     ? g_hash_table_lookup (fixture->sessions, who) : NULL, NULL);
}

/* The office's MBTiles base map: its tiles by the web's XYZ numbers (the file's rows
 * counted from the south, flipped), to a logged-in member only, kept by the browser alone;
 * a missing tile 404, bad numbers 400; the map page hands the tile layer to the script as
 * data (the file's attribution escaped); a file of vector tiles refused at the start. */
static void
test_basemap (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  /* 陈寿路, 30.65 N 104.065 E, at zoom 16 is tile column 51712 and XYZ row 26901. */
  const int zoom = 16;
  const int x = (int)floor ((104.065 + 180.0) / 360.0 * (1 << zoom));
  const double lat = 30.65 * G_PI / 180.0;
  const int y = (int)floor ((1.0 - log (tan (lat) + 1.0 / cos (lat)) / G_PI) / 2.0 * (1 << zoom));
  const int tms = (1 << zoom) - 1 - y;
  g_autoptr(GBytes) north = png_tile (0x3080c0ff);
  g_autoptr(GBytes) south = png_tile (0xc08030ff);
  g_autofree char *file = make_mbtiles ("district.mbtiles", "png", "<b>Survey</b> & \"office\"",
                                        zoom, x, tms, north, zoom, x, y, south, -1);
  g_autofree char *vector = make_mbtiles ("vector.mbtiles", "pbf", "v", zoom, x, tms, north,
                                          -1);
  const char *args[] = { "--basemap", file, NULL };
  XunchaTestOffice *office = xuncha_test_office_start_full (fixture->dir, certs->server_cert,
                                                            certs->server_key, 0, args, NULL);
  g_autoptr(Answer) answer = NULL;
  g_autofree char *out = NULL, *err = NULL;
  static const char * const bad[] = {
    "/console/tiles/31/0/0.png", "/console/tiles/16/-1/0.png", "/console/tiles/16/65536/0.png",
    "/console/tiles/16/0/65536.png", "/console/tiles/a/0/0.png", "/console/tiles/16/+1/0.png",
    "/console/tiles/16/1/%202.png", "/console/tiles/16/1/.png", "/console/tiles//1/2.png",
    "/console/tiles/16/99999999999/0.png", "/console/tiles/2/4/0.png",
  };

  g_assert_cmpint (x, ==, 51712);
  g_assert_cmpint (y, ==, 26901);

  /* The tile north of the equator that web maps call row y is the file's row 2^z - 1 - y. */
  answer = tile_request (office, "disp", "/console/tiles/%d/%d/%d.png", zoom, x, y);
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==,
                   "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==,
                   "private, max-age=3600");
  g_assert_cmpmem (answer->body, answer->length, g_bytes_get_data (north, NULL),
                   g_bytes_get_size (north));
  {
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (gdk_pixbuf_loader_write (loader, (const guchar *)answer->body,
                                            answer->length, &error));
    g_assert_true (gdk_pixbuf_loader_close (loader, &error));
    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (gdk_pixbuf_loader_get_pixbuf (loader)), ==, 256);
  }
  g_clear_pointer (&answer, answer_free);
  /* The file's row y is the web's row 2^z - 1 - y: another tile. */
  answer = tile_request (office, "lead1", "/console/tiles/%d/%d/%d.png", zoom, x, tms);
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpmem (answer->body, answer->length, g_bytes_get_data (south, NULL),
                   g_bytes_get_size (south));
  g_clear_pointer (&answer, answer_free);

  /* Staff only: no session goes to the login, with no tile. */
  answer = tile_request (office, NULL, "/console/tiles/%d/%d/%d.png", zoom, x, y);
  g_assert_cmpint (answer->status, ==, 303);
  g_assert_cmpuint (answer->length, ==, 0);
  g_clear_pointer (&answer, answer_free);

  /* A tile the file does not have, and another format than the file's. */
  answer = tile_request (office, "disp", "/console/tiles/%d/%d/%d.png", zoom, x + 1, y);
  g_assert_cmpint (answer->status, ==, 404);
  g_assert_nonnull (strstr (answer->body, "no tile here"));
  g_clear_pointer (&answer, answer_free);
  answer = tile_request (office, "disp", "/console/tiles/%d/%d/%d.jpg", zoom, x, y);
  g_assert_cmpint (answer->status, ==, 404);
  g_clear_pointer (&answer, answer_free);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      answer = tile_request (office, "disp", "%s", bad[i]);
      if (answer->status != 400)
        g_error ("%s: %u, not 400", bad[i], answer->status);
      g_assert_nonnull (strstr (answer->body, "three whole numbers"));
      g_clear_pointer (&answer, answer_free);
    }

  /* The map page names the layer as data, the file's attribution as text. */
  answer = tile_request (office, "disp", "/console/map");
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, " data-tiles=\"/console/tiles/{z}/{x}/{y}.png\" "
                                          "data-tiles-min-zoom=\"14\" "
                                          "data-tiles-max-zoom=\"16\" data-tiles-attribution=\""
                                          "&lt;b&gt;Survey&lt;/b&gt; &amp; &quot;office&quot;\""));
  g_clear_pointer (&answer, answer_free);
  xuncha_test_office_free (office);

  /* Without a base map: the streets alone, and no tiles. */
  answer = tile_request (fixture->office, "disp", "/console/map");
  g_assert_null (strstr (answer->body, "data-tiles"));
  g_clear_pointer (&answer, answer_free);
  answer = tile_request (fixture->office, "disp", "/console/tiles/%d/%d/%d.png", zoom, x, y);
  g_assert_cmpint (answer->status, ==, 404);
  g_assert_nonnull (strstr (answer->body, "no base map"));

  /* Vector tiles cannot be drawn: the office says so and does not start. */
  g_assert_cmpint (xuncha_test_office_run (fixture->dir, &out, &err, "serve", "--listen",
                                           "127.0.0.1:0", "--basemap", vector, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "pbf"));
  g_assert_nonnull (strstr (err, "raster"));
  /* The same from the configuration file's variable (the Debian unit's EnvironmentFile). */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_setenv ("XUNCHA_OFFICE_BASEMAP", vector, TRUE);
  g_assert_cmpint (xuncha_test_office_run (fixture->dir, &out, &err, "serve", "--listen",
                                           "127.0.0.1:0", NULL), ==, 1);
  g_unsetenv ("XUNCHA_OFFICE_BASEMAP");
  g_assert_nonnull (strstr (err, vector));
  g_assert_nonnull (strstr (err, "pbf"));
}

/* Splits CSV text into rows of cells (quoted cells, doubled quotes, CRLF rows). */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (cell, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (cell, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        g_ptr_array_add (row, g_string_free (g_steal_pointer (&cell), FALSE)),
          cell = g_string_new (NULL);
      else if (*p == '\r' && p[1] == '\n')
        {
          p++;
          g_ptr_array_add (row, g_string_free (g_steal_pointer (&cell), FALSE));
          cell = g_string_new (NULL);
          g_ptr_array_add (rows, g_steal_pointer (&row));
          row = g_ptr_array_new_with_free_func (g_free);
        }
      else
        g_string_append_c (cell, *p);
    }
  g_assert_cmpuint (cell->len, ==, 0);
  g_assert_cmpuint (row->len, ==, 0);
  g_string_free (cell, TRUE);
  g_ptr_array_unref (row);
  return rows;
}

/* The CSV of the filtered list: every report the filter and the role select, each once,
 * and no cell a spreadsheet would run as a formula. */
static void
test_export_csv (void)
{
  g_autoptr(Answer) answer = request ("/console/export/reports.csv", "disp");
  g_autoptr(GPtrArray) rows = NULL;
  gboolean formula = FALSE, hostile = FALSE;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==, "text/csv");
  g_assert_nonnull (strstr (soup_message_headers_get_one (answer->headers,
                                                          "Content-Disposition"),
                            "attachment"));
  g_assert_true (g_str_has_prefix (answer->body, "\xEF\xBB\xBF"));
  rows = parse_csv (answer->body + 3);
  g_assert_cmpuint (rows->len, ==, 1 + 3 + MANY);
  g_assert_cmpstr (((GPtrArray *)rows->pdata[0])->pdata[0], ==, "Report");
  for (guint i = 1; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];

      g_assert_cmpuint (row->len, ==, 12);
      for (guint c = 0; c < row->len; c++)
        {
          const char *cell = row->pdata[c];

          /* Only the numbers the office wrote may start with a minus. */
          g_assert_false (*cell == '=' || *cell == '+' || *cell == '@');
          g_assert_true (*cell != '-' || c == 8 || c == 9);
        }
      if (g_str_equal (row->pdata[0], REPORT_T1_FORMULA))
        {
          g_assert_cmpstr (row->pdata[11], ==, "'" FORMULA_NOTE);
          g_assert_cmpstr (row->pdata[4], ==, "陈寿路");
          g_assert_cmpstr (row->pdata[6], ==, "T1");
          formula = TRUE;
        }
      if (g_str_equal (row->pdata[0], REPORT_T1))
        {
          g_assert_cmpstr (row->pdata[11], ==, HOSTILE_NOTE);
          g_assert_cmpstr (row->pdata[8], ==, "30.6501000");
          hostile = TRUE;
        }
    }
  g_assert_true (formula && hostile);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A leader's export holds his team's reports only. */
  answer = request ("/console/export/reports.csv", "lead1");
  rows = parse_csv (answer->body + 3);
  g_assert_cmpuint (rows->len, ==, 1 + 2);
  g_clear_pointer (&answer, answer_free);
  g_clear_pointer (&rows, g_ptr_array_unref);
  answer = request ("/console/export/reports.csv?evil=1", "disp");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/export/reports.csv", NULL);
  g_assert_cmpint (answer->status, ==, 303);
}

/* The GeoJSON of the filtered list: a point per report with its properties. */
static void
test_export_geojson (void)
{
  g_autoptr(Answer) answer = request ("/console/export/reports.geojson?street=%E9%99%88%E5%AF%BF",
                                      "disp");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *features;
  gboolean seen = FALSE;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==,
                   "application/geo+json");
  root = json_from_string (answer->body, &error);
  g_assert_no_error (error);
  features = json_object_get_array_member (json_node_get_object (root), "features");
  g_assert_cmpuint (json_array_get_length (features), ==, 3);
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      JsonObject *properties = json_object_get_object_member (feature, "properties");
      JsonArray *coordinates = json_object_get_array_member (
        json_object_get_object_member (feature, "geometry"), "coordinates");

      if (g_str_equal (json_object_get_string_member (feature, "id"), REPORT_T2))
        {
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (coordinates, 0),
                                          104.0640, 1e-9);
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (coordinates, 1),
                                          30.6503, 1e-9);
          g_assert_cmpstr (json_object_get_string_member (properties, "team"), ==, "T2");
          g_assert_cmpstr (json_object_get_string_member (properties, "note"), ==, "T2 stall");
          seen = TRUE;
        }
    }
  g_assert_true (seen);
}


/* The weekly report of the week the reports were made in: every table, strict streets
 * first, the repeat offender, the charts as SVG with the device's words as text; a
 * leader's holds his team only; a bad week is refused. */
static void
test_weekly (void)
{
  g_autofree char *path = g_strdup_printf ("/console/weekly?week=%s", fixture->week);
  g_autoptr(Answer) answer = request (path, "disp");
  const char *streets, *repeat, *twice;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "<p class=\"total\" id=\"weekly-total\">523 reports "
                                          "this week</p>"));
  g_assert_nonnull (strstr (answer->body, "<svg class=\"bars\" id=\"chart-categories\""));
  g_assert_nonnull (strstr (answer->body, "<svg class=\"bars\" id=\"chart-teams\""));
  g_assert_nonnull (strstr (answer->body, "<td>T2</td><td class=\"count\">521</td>"));
  g_assert_nonnull (strstr (answer->body, "<td>T1</td><td class=\"count\">2</td>"));
  streets = strstr (answer->body, "id=\"weekly-streets\"");
  g_assert_nonnull (streets);
  g_assert_nonnull (strstr (streets, "<td>陈寿路</td><td>Strict street</td>"
                                     "<td class=\"count\">3</td>"));
  repeat = strstr (answer->body, "id=\"weekly-repeat\"");
  g_assert_nonnull (repeat);
  g_assert_nonnull (strstr (repeat, "<td>M-REPEAT</td><td></td><td class=\"count\">3</td>"));
  twice = strstr (answer->body, "M-TWICE");
  g_assert_null (twice);
  g_assert_null (strstr (answer->body, "<script"));
  g_clear_pointer (&answer, answer_free);

  answer = request (path, "lead1");
  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "2 reports this week Team T1 only."));
  g_assert_null (strstr (answer->body, "<td>T2</td>"));
  g_clear_pointer (&answer, answer_free);

  {
    const char *bad[] = { "/console/weekly?week=2024-W54", "/console/weekly?week=2024-22",
                          "/console/weekly?week=24-W22", "/console/weekly?week=2024-W22x",
                          "/console/weekly?week=2024-W00", "/console/weekly?team=T1" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        answer = request (bad[i], "disp");
        if (answer->status != 400)
          g_error ("%s: %u", bad[i], answer->status);
        g_clear_pointer (&answer, answer_free);
      }
  }
  answer = request (path, NULL);
  g_assert_cmpint (answer->status, ==, 303);
}

/* The weekly tables as CSV: each row once, in its section. */
static void
test_weekly_csv (void)
{
  g_autofree char *path = g_strdup_printf ("/console/weekly.csv?week=%s", fixture->week);
  g_autoptr(Answer) answer = request (path, "disp");
  g_autoptr(GPtrArray) rows = NULL;
  gboolean street = FALSE, repeat = FALSE, team = FALSE;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==, "text/csv");
  rows = parse_csv (answer->body + 3);
  for (guint i = 1; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];

      g_assert_cmpuint (row->len, ==, 4);
      if (g_str_equal (row->pdata[0], "street") && g_str_equal (row->pdata[1], "陈寿路"))
        {
          g_assert_cmpstr (row->pdata[2], ==, "strict");
          g_assert_cmpstr (row->pdata[3], ==, "3");
          street = TRUE;
        }
      if (g_str_equal (row->pdata[0], "repeat_offender"))
        {
          g_assert_cmpstr (row->pdata[1], ==, "M-REPEAT");
          repeat = TRUE;
        }
      if (g_str_equal (row->pdata[0], "team") && g_str_equal (row->pdata[1], "T2"))
        {
          g_assert_cmpstr (row->pdata[3], ==, "521");
          team = TRUE;
        }
    }
  g_assert_true (street && repeat && team);
}


/* One step of a case by @who: the form of the report's page, with the status and number of
 * steps seen, and @extra ("&note=..."); asserts the step was made. */
static void
case_step (const char *who,
           const char *uuid,
           const char *action,
           const char *seen_status,
           guint       steps,
           const char *extra)
{
  g_autoptr(Answer) answer =
    xuncha_test_console_case_step (fixture->session, fixture->office,
                                   g_hash_table_lookup (fixture->sessions, who), uuid, action,
                                   seen_status, steps, extra);

  if (answer->status != 303)
    g_error ("%s %s: %u %s", action, uuid, answer->status, answer->body);
}

/* Files @uuid's case (its deadline the category's limit from now) and, @past, moves the
 * deadline an hour into the past, as if filed long ago. */
static void
file_case (const char *uuid,
           gboolean    past)
{
  case_step ("disp", uuid, "accept", "上报", 0, NULL);
  case_step ("disp", uuid, "file", "受理", 1, NULL);
  if (past)
    {
      g_autofree char *sql =
        g_strdup_printf ("UPDATE cases SET deadline_us = %" G_GINT64_FORMAT " WHERE "
                         "report_uuid = '%s'", g_get_real_time () - (gint64)3600 * G_USEC_PER_SEC,
                         uuid);

      xuncha_test_office_exec (fixture->dir, sql);
    }
}

/* The week's cases against their time limit, by category and by team, on the page and in
 * the CSV: one closed within it (T1), one closed late and one open past it (T2); one filed
 * and not yet due counts nowhere. A leader's holds his team's only. */
static void
test_weekly_cases (void)
{
  g_autofree char *path = g_strdup_printf ("/console/weekly?week=%s", fixture->week);
  g_autofree char *csv_path = g_strdup_printf ("/console/weekly.csv?week=%s", fixture->week);
  g_autoptr(Answer) answer = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *categories, *teams;
  guint seen = 0;

  g_hash_table_insert (fixture->sessions, g_strdup ("adm"), staff_session ("adm", "admin", NULL));
  file_case (REPORT_T1, FALSE);
  case_step ("adm", REPORT_T1, "close_override", "立案", 2, "&note=fixed");
  file_case (REPORT_T2, TRUE);
  case_step ("adm", REPORT_T2, "close_override", "立案", 2, "&note=fixed");
  file_case ("00000000-0000-4000-8000-000000000005", TRUE);
  file_case ("00000000-0000-4000-8000-000000000006", FALSE);

  answer = request (path, "disp");
  g_assert_cmpint (answer->status, ==, 200);
  categories = strstr (answer->body, "id=\"weekly-case-categories\"");
  g_assert_nonnull (categories);
  g_assert_nonnull (strstr (categories, "<td>09006</td><td class=\"count\">1</td>"
                                        "<td class=\"count\">1</td>"
                                        "<td class=\"count overdue\">1</td></tr></tbody>"));
  /* The chart: T2's bar in two parts (late, overdue) with its figures, T1's in one. */
  {
    const char *chart = strstr (answer->body, "<svg class=\"bars\" id=\"chart-case-teams\"");
    const char *end = chart != NULL ? strstr (chart, "</svg>") : NULL;
    g_autofree char *svg = NULL;

    g_assert_nonnull (end);
    svg = g_strndup (chart, (gsize)(end - chart));
    g_assert_nonnull (strstr (svg, ">T2</text><rect "));
    g_assert_nonnull (strstr (svg, "fill=\"#c17d11\"/><rect "));
    g_assert_nonnull (strstr (svg, ">0/1/1</text>"));
    g_assert_nonnull (strstr (svg, ">1/0/0</text>"));
    g_assert_nonnull (strstr (answer->body, "<svg class=\"bars\" id=\"chart-case-categories\""));
  }
  teams = strstr (answer->body, "id=\"weekly-case-teams\"");
  g_assert_nonnull (teams);
  g_assert_nonnull (strstr (teams, "<tr><td>T2</td><td class=\"count\">0</td>"
                                   "<td class=\"count\">1</td>"
                                   "<td class=\"count overdue\">1</td></tr>"
                                   "<tr><td>T1</td><td class=\"count\">1</td>"
                                   "<td class=\"count\">0</td>"
                                   "<td class=\"count\">0</td></tr></tbody>"));
  g_clear_pointer (&answer, answer_free);

  answer = request (path, "lead1");
  g_assert_cmpint (answer->status, ==, 200);
  categories = strstr (answer->body, "id=\"weekly-case-categories\"");
  g_assert_nonnull (categories);
  g_assert_nonnull (strstr (categories, "<td>09006</td><td class=\"count\">1</td>"
                                        "<td class=\"count\">0</td>"
                                        "<td class=\"count\">0</td></tr></tbody>"));
  g_assert_null (strstr (strstr (answer->body, "id=\"weekly-case-teams\""), "<td>T2</td>"));
  g_clear_pointer (&answer, answer_free);

  /* A week still to come: no figures, not today's overdue case. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) later = g_date_time_add_weeks (now, 2);
    g_autofree char *future = g_strdup_printf ("/console/weekly?week=%04d-W%02d",
                                               g_date_time_get_week_numbering_year (later),
                                               g_date_time_get_week_of_year (later));

    answer = request (future, "disp");
    g_assert_cmpint (answer->status, ==, 200);
    teams = strstr (answer->body, "id=\"weekly-case-teams\"");
    g_assert_nonnull (teams);
    g_assert_true (g_str_has_prefix (teams, "id=\"weekly-case-teams\"><thead>"));
    g_assert_nonnull (strstr (teams, "</thead><tbody></tbody></table>"));
    g_clear_pointer (&answer, answer_free);
  }

  answer = request (csv_path, "disp");
  g_assert_cmpint (answer->status, ==, 200);
  rows = parse_csv (answer->body + 3);
  for (guint i = 1; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      const char *section = row->pdata[0];

      g_assert_cmpuint (row->len, ==, 4);
      if (!g_str_has_prefix (section, "case_category_")
          && !g_str_has_prefix (section, "case_team_"))
        continue;
      seen++;
      if (g_str_equal (section, "case_category_on_time")
          || g_str_equal (section, "case_category_late")
          || g_str_equal (section, "case_category_overdue"))
        {
          g_assert_cmpstr (row->pdata[2], ==, "09006");
          g_assert_cmpstr (row->pdata[3], ==, "1");
        }
      else
        {
          gboolean on_time = g_str_equal (section, "case_team_on_time");
          gboolean t1 = g_str_equal (row->pdata[1], "T1");

          g_assert_true (t1 || g_str_equal (row->pdata[1], "T2"));
          /* T1: one on time; T2: one late, one overdue. */
          g_assert_cmpstr (row->pdata[3], ==, t1 == on_time ? "1" : "0");
        }
    }
  g_assert_cmpuint (seen, ==, 9);
}

/* A report's photos as one zip: the JPEG as stored, whole, for a member who may see the
 * report; nothing for another team's leader or without a session. */
static void
test_export_photos (void)
{
  g_autoptr(Answer) answer = request ("/console/reports/" REPORT_T1 "/photos.zip", "lead1");
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "photos.zip", NULL);
  g_autofree char *name = g_strdup_printf ("01-before-%.12s.jpg", fixture->photo_sha256);
  g_autofree char *out = NULL, *listing = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==,
                   "application/zip");
  g_assert_true (g_file_set_contents (file, answer->body, (gssize)answer->length, &error));
  g_assert_no_error (error);
  /* Checked by another program's reader: every entry's CRC, the central directory. */
  {
    const char *test_argv[] = { "unzip", "-t", file, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)test_argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                                 NULL, &listing, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (listing, name));
  }
  {
    const char *extract_argv[] = { "unzip", "-p", file, name, NULL };
    gsize length;

    g_assert_true (g_spawn_sync (NULL, (char **)extract_argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 &out, NULL, &status, &error));
    g_assert_no_error (error);
    length = g_bytes_get_size (fixture->photo);
    g_assert_cmpmem (out, length, g_bytes_get_data (fixture->photo, NULL), length);
  }
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/reports/" REPORT_T1 "/photos.zip", "lead2");
  g_assert_cmpint (answer->status, ==, 404);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/reports/" REPORT_T1 "/photos.zip", NULL);
  g_assert_cmpint (answer->status, ==, 303);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/reports/not-a-uuid/photos.zip", "disp");
  g_assert_cmpint (answer->status, ==, 404);
  g_clear_pointer (&answer, answer_free);
  answer = request ("/console/reports/" REPORT_T1, "disp");
  g_assert_nonnull (strstr (answer->body, "<a id=\"photos-zip\" href=\"/console/reports/"
                                          REPORT_T1 "/photos.zip\">"));
  xuncha_test_remove_tree (dir);
}

/* Photos for the large zip: the fixture JPEG made about @size bytes by comment segments
 * (COM, which every decoder skips) of random bytes after its start of image, so that it
 * stays a JPEG whose pixels any reader shows, and no two are alike. */
#define LARGE_PHOTOS 3
#define LARGE_PHOTO_BYTES (14 * 1024 * 1024)

static GBytes *
large_jpeg (gsize size)
{
  gsize length;
  const guint8 *jpeg = g_bytes_get_data (fixture->photo, &length);
  g_autoptr(GByteArray) out = g_byte_array_sized_new ((guint)(size + length));

  g_assert_true (length > 2 && jpeg[0] == 0xff && jpeg[1] == 0xd8);
  g_byte_array_append (out, jpeg, 2);
  while (out->len + length < size)
    {
      guint8 header[4] = { 0xff, 0xfe, 0xff, 0xff };   /* COM, 65535 with its length */
      guint8 filler[65533];

      for (gsize i = 0; i < sizeof filler; i += 4)
        {
          guint32 r = g_random_int ();

          memcpy (filler + i, &r, MIN (4, sizeof filler - i));
        }
      g_byte_array_append (out, header, sizeof header);
      g_byte_array_append (out, filler, sizeof filler);
    }
  g_byte_array_append (out, jpeg + 2, (guint)(length - 2));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A kB figure of /proc/PID/status ("VmRSS", "VmHWM"). */
static gint64
office_memory_kb (const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)fixture->office->pid);
  g_autofree char *status = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *at;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  at = strstr (status, key);
  g_assert_nonnull (at);
  return g_ascii_strtoll (at + strlen (key), NULL, 10);
}

/* A report's photos as one zip of some 42 MiB, streamed: it arrives whole (every entry's
 * CRC checked by unzip, each photo byte for byte), and the office's memory grows by far
 * less than the zip while it sends it (its peak resident memory, from before the download
 * to after, by less than a quarter of the zip). */
static void
test_export_photos_large (void)
{
  g_autoptr(XunchaHttp) device = device_for ("A7", "T1");
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_auto(GStrv) sha256s = g_new0 (char *, LARGE_PHOTOS + 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "large.zip", NULL);
  g_autofree char *url = NULL;
  g_autofree char *cookie = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GString) json = g_string_new (NULL);
  const char *uuid = "8c2f5a6b-3e4d-4f70-8b12-c3d4e5f6a7b8";
  gint64 rss_before, peak, zip_size;
  gssize spliced;
  int status = -1;

  for (guint i = 0; i < LARGE_PHOTOS; i++)
    {
      GBytes *photo = large_jpeg (LARGE_PHOTO_BYTES);
      g_autofree char *upload = NULL;
      g_autoptr(XunchaHttpResponse) response = NULL;

      g_ptr_array_add (photos, photo);
      sha256s[i] = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
      upload = g_strdup_printf ("api/v1/photos/%s", sha256s[i]);
      response = xuncha_http_request (device, "PUT", upload, "image/jpeg", photo, NULL, NULL,
                                      NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (response->status, ==, 201);
    }
  /* Made years ago: not one of the week's reports the weekly tests count. */
  {
    const char *created = "2020-01-06T09:00:00+08:00";
    g_autofree char *path = g_strdup_printf ("api/v1/reports/%s", uuid);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(XunchaHttpResponse) response = NULL;

    g_string_printf (json, "{\"uuid\": \"%s\", \"created_at\": \"%s\", \"category\": \"09006\", "
                     "\"fields\": {}, \"note\": \"large\", \"photos\": [", uuid, created);
    for (guint i = 0; i < LARGE_PHOTOS; i++)
      g_string_append_printf (json, "%s{\"sha256\": \"%s\", \"role\": \"before\"}",
                              i > 0 ? ", " : "", sha256s[i]);
    g_string_append (json, "]}");
    body = g_bytes_new (json->str, json->len);
    response = xuncha_http_request (device, "PUT", path, "application/json", body, NULL, NULL,
                                    NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (response->status, ==, 201);
  }

  /* The peak from now on (clear_refs 5 resets it), against the memory in use now. */
  {
    g_autofree char *clear = g_strdup_printf ("/proc/%d/clear_refs", (int)fixture->office->pid);
    FILE *refs = fopen (clear, "w");

    g_assert_nonnull (refs);
    g_assert_cmpint (fputs ("5", refs), >=, 0);
    g_assert_cmpint (fclose (refs), ==, 0);
  }
  rss_before = office_memory_kb ("VmRSS");
  url = g_strdup_printf ("%sconsole/reports/%s/photos.zip", fixture->office->url, uuid);
  msg = soup_message_new ("GET", url);
  cookie = g_strdup_printf ("xuncha_session=%s",
                            (char *)g_hash_table_lookup (fixture->sessions, "disp"));
  soup_message_headers_append (soup_message_get_request_headers (msg), "Cookie", cookie);
  in = soup_session_send (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  target = g_file_new_for_path (file);
  out = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  spliced = g_output_stream_splice (G_OUTPUT_STREAM (out), in,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                    | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  zip_size = spliced;
  peak = office_memory_kb ("VmHWM");
  g_test_message ("zip %" G_GINT64_FORMAT " KiB; office resident %" G_GINT64_FORMAT
                  " KiB before, peak %" G_GINT64_FORMAT " KiB", zip_size / 1024, rss_before,
                  peak);
  g_assert_cmpint (zip_size, >, LARGE_PHOTOS * LARGE_PHOTO_BYTES);
  g_assert_cmpint ((peak - rss_before) * 1024, <, zip_size / 4);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)),
                   ==, SOUP_ENCODING_CHUNKED);

  {
    const char *test_argv[] = { "unzip", "-t", file, NULL };
    g_autofree char *listing = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **)test_argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                                 NULL, &listing, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (listing, "No errors detected"));
  }
  for (guint i = 0; i < LARGE_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02u-before-%.12s.jpg", i + 1, sha256s[i]);
      const char *extract_argv[] = { "unzip", "-p", file, name, NULL };
      g_autofree char *content = NULL;
      gsize length;
      const void *expected = g_bytes_get_data (photos->pdata[i], &length);

      g_assert_true (g_spawn_sync (NULL, (char **)extract_argv, NULL,
                                   G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &content, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (content, length, expected, length);
    }
  xuncha_test_remove_tree (dir);
}

/* The list pages from the records, newest first, with a link to the next page. */
static void
test_list_pages (void)
{
  g_autoptr(Answer) first = request ("/console/reports?team=T2", "disp");
  g_autoptr(Answer) second = NULL;
  g_autoptr(Answer) last = NULL;

  g_assert_cmpint (first->status, ==, 200);
  g_assert_nonnull (strstr (first->body, "Reports 1 to 50"));
  g_assert_nonnull (strstr (first->body, "id=\"next-page\" href=\"/console/reports?page=2&amp;"
                                         "team=T2\""));
  /* The newest first: the last of the many was sent last. */
  g_assert_nonnull (strstr (first->body, "00000000-0000-4000-8000-000000000519"));
  g_assert_null (strstr (first->body, "00000000-0000-4000-8000-000000000000\""));
  second = request ("/console/reports?team=T2&page=2", "disp");
  g_assert_nonnull (strstr (second->body, "Reports 51 to 100"));
  g_assert_nonnull (strstr (second->body, "id=\"previous-page\""));
  last = request ("/console/reports?team=T2&page=11", "disp");
  g_assert_nonnull (strstr (last->body, "Reports 501 to 521"));
  g_assert_null (strstr (last->body, "id=\"next-page\""));
}

static void
test_skipped (void)
{
  g_test_skip ("The test certificates could not be made (openssl)");
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (!xuncha_test_console_init (&argc, &argv))
    {
      g_test_add_func ("/office-console-map/skipped", test_skipped);
      return g_test_run ();
    }
  set_up ();
  g_test_add_func ("/office-console-map/reports/roles", test_reports_roles);
  g_test_add_func ("/office-console-map/reports/text", test_reports_text);
  g_test_add_func ("/office-console-map/reports/clusters", test_reports_clusters);
  g_test_add_func ("/office-console-map/reports/limits", test_reports_limits);
  g_test_add_func ("/office-console-map/streets", test_streets);
  g_test_add_func ("/office-console-map/street-names", test_street_names);
  g_test_add_func ("/office-console-map/page", test_map_page);
  g_test_add_func ("/office-console-map/leaflet-missing", test_map_missing);
  g_test_add_func ("/office-console-map/basemap", test_basemap);
  g_test_add_func ("/office-console-map/export/csv", test_export_csv);
  g_test_add_func ("/office-console-map/export/geojson", test_export_geojson);
  g_test_add_func ("/office-console-map/export/photos", test_export_photos);
  g_test_add_func ("/office-console-map/export/photos-large", test_export_photos_large);
  g_test_add_func ("/office-console-map/list-pages", test_list_pages);
  g_test_add_func ("/office-console-map/weekly/page", test_weekly);
  g_test_add_func ("/office-console-map/weekly/csv", test_weekly_csv);
  /* Last: it moves cases the tables above count by status. */
  g_test_add_func ("/office-console-map/weekly/cases", test_weekly_cases);
  status = g_test_run ();
  tear_down ();
  return status;
}
