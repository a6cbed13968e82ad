/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "xuncha-photo-fixture.h"
#include "xuncha-test-util.h"

static void
test_add_list_show (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autoptr(GBytes) image = photo_fixture_image (80, 60, 21);
  g_autoptr(GBytes) other = photo_fixture_image (80, 60, 22);
  g_autofree char *photo = photo_fixture_write (dir, "stall.jpg", image);
  g_autofree char *after = photo_fixture_write (dir, "after.jpg", other);
  g_autofree char *out = NULL, *err = NULL, *id = NULL, *json = NULL, *shown = NULL;
  g_autofree char *second = NULL, *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *list;
  JsonObject *report, *position;

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "09009",
                            "--photo", photo, "--lat", "31.2304", "--lon", "121.4737",
                            "--accuracy", "6", "--note", "blocking the door",
                            "--field", "plate=沪A12345", "--disposition", "deadline",
                            "--deadline", "2024-06-01", NULL), ==, 0);
  id = g_strdup (g_strstrip (out));
  g_assert_true (g_uuid_string_is_valid (id));

  /* A re-inspection of it, with an after photo. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "09009",
                            "--photo", photo, "--after-photo", after, "--lat", "31.2304",
                            "--lon", "121.4737", "--parent", id, "--disposition", "corrected",
                            NULL), ==, 0);
  second = g_strdup (g_strstrip (out));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &json, &err, "report", "list", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  list = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  report = json_array_get_object_element (list, 1);
  g_assert_cmpstr (json_object_get_string_member (report, "uuid"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (report, "category"), ==, "09009");
  g_assert_cmpstr (json_object_get_string_member (report, "disposition"), ==, "deadline");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (report, "fields"), "plate"), ==, "沪A12345");
  position = json_object_get_object_member (report, "position");
  g_assert_cmpstr (json_object_get_string_member (position, "source"), ==, "manual");
  g_assert_cmpfloat (json_object_get_double_member (position, "accuracy"), ==, 6);
  report = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (report, "parent"), ==, id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "photos")),
                    ==, 2);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &text, &err, "report", "list", "--limit", "1", NULL), ==, 0);
  g_assert_nonnull (strstr (text, second));
  g_assert_null (strstr (text, id));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &shown, &err, "report", "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "blocking the door"));
  g_assert_nonnull (strstr (shown, "2024-06-01"));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, NULL, &err, "report", "show", "nope", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nope"));
  xuncha_test_remove_tree (dir);
}

static void
test_snapped_to_street (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *streets = xuncha_test_source_path ("data/demo/streets.geojson");
  g_autoptr(GBytes) image = photo_fixture_image (80, 60, 31);
  g_autofree char *photo = photo_fixture_write (dir, "stall.jpg", image);
  g_autofree char *out = NULL, *shown = NULL, *away = NULL, *far = NULL;

  /* Without streets the report has none; with the demo streets loaded, a position 7 m
   * off 陈寿路 is tagged with that segment. */
  g_assert_cmpint (xuncha_test_run_cli (data, &out, NULL, "report", "add", "--category", "09006",
                            "--photo", photo, "--lat", "30.7925", "--lon", "106.0853", NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (data, &shown, NULL, "report", "show", g_strstrip (out), NULL), ==, 0);
  g_assert_null (strstr (shown, "Street:"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&shown, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, NULL, NULL, "streets", "import", streets, NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, NULL, "report", "add", "--category", "09006",
                            "--photo", photo, "--lat", "30.7925", "--lon", "106.0853",
                            "--accuracy", "8", NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (data, &shown, NULL, "report", "show", g_strstrip (out), NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "Street:      CSL-02"));

  /* An explicit choice (an alternative at a crossing) wins over the nearest. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, NULL, "report", "add", "--category", "09006",
                            "--photo", photo, "--lat", "30.7925", "--lon", "106.0853",
                            "--street", "NRL-01", NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (data, &away, NULL, "report", "show", g_strstrip (out), NULL), ==, 0);
  g_assert_nonnull (strstr (away, "Street:      NRL-01"));

  /* Far from every street: no segment rather than a wrong one. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, NULL, "report", "add", "--category", "09006",
                            "--photo", photo, "--lat", "30.9", "--lon", "106.2", NULL), ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (data, &far, NULL, "report", "show", g_strstrip (out), NULL), ==, 0);
  g_assert_null (strstr (far, "Street:"));
  xuncha_test_remove_tree (dir);
}

static void
test_refusals (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autoptr(GBytes) image = photo_fixture_image (80, 60, 23);
  g_autoptr(GBytes) text = g_bytes_new_static ("plain text", 10);
  g_autofree char *photo = photo_fixture_write (dir, "nowhere.jpg", image);
  g_autofree char *notjpeg = photo_fixture_write (dir, "notes.jpg", text);
  g_autofree char *err = NULL, *out = NULL;

  /* No position from the arguments, the photo or a track: refused, and told how. */
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "09006",
                            "--photo", photo, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "--lat"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "09006",
                            "--photo", notjpeg, "--lat", "1", "--lon", "2", NULL), ==, 1);
  g_assert_nonnull (strstr (err, notjpeg));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "09006",
                            "--photo", photo, "--lat", "1", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--photo", photo, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* A small ad needs where it was posted, as in the app's form. */
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "07001",
                            "--photo", photo, "--lat", "1", "--lon", "2", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "carrier"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "07001",
                            "--photo", photo, "--lat", "1", "--lon", "2", "--field",
                            "carrier=roof", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "wall, pole"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No reports"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "07001",
                            "--photo", photo, "--lat", "1", "--lon", "2", "--field",
                            "carrier=pole", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "phone"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category", "07001",
                            "--photo", photo, "--lat", "1", "--lon", "2", "--field",
                            "carrier=pole", "--field", "phone=13800138000", NULL), ==, 0);
  xuncha_test_remove_tree (dir);
}

/* What the office would refuse (docs/protocol.md, "Valid values") is not saved on the
 * device either: each value is named, and nothing is kept. */
static void
test_out_of_range (void)
{
  static const struct { const char *option; const char *value; const char *said; } cases[] = {
    { "--accuracy", "-5", "accuracy" },
    { "--heading", "9999", "heading" },
    { "--altitude", "99999", "altitude" },
  };
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autoptr(GBytes) image = photo_fixture_image (80, 60, 23);
  g_autofree char *photo = photo_fixture_write (dir, "nowhere.jpg", image);
  g_autofree char *long_note = g_strnfill (2001, 'x');
  g_autofree char *err = NULL, *out = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category",
                                            "09006", "--photo", photo, "--lat", "30.79",
                                            "--lon", "106.08", cases[i].option,
                                            cases[i].value, NULL), ==, 1);
      g_assert_nonnull (strstr (err, cases[i].said));
      g_clear_pointer (&err, g_free);
      g_clear_pointer (&out, g_free);
    }
  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "add", "--category",
                                        "09006", "--photo", photo, "--lat", "30.79", "--lon",
                                        "106.08", "--note", long_note, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "2000"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (xuncha_test_run_cli (data, &out, &err, "report", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No reports"));
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli-report/add-list-show", test_add_list_show);
  g_test_add_func ("/cli-report/refusals", test_refusals);
  g_test_add_func ("/cli-report/out-of-range", test_out_of_range);
  g_test_add_func ("/cli-report/snapped-to-street", test_snapped_to_street);
  return g_test_run ();
}
