/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

#define UUID1 "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define SHA1  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static const char *report_text =
  "{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
  "\"category\":\"09006\",\"fields\":{\"b\":1,\"a\":\"水果\"},\"note\":\"早市\","
  "\"position\":{\"lat\":30.6586,\"lon\":104.0648,\"accuracy\":6.5,\"source\":\"gps\"},"
  "\"street\":{\"id\":\"s-1\",\"offset_m\":12.5},\"disposition\":\"deadline\","
  "\"deadline\":\"2024-05-03\",\"photos\":[{\"sha256\":\"" SHA1 "\",\"role\":\"before\"}]}";

static void
test_report_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_decode (report_text, -1, &error);
  g_autoptr(XunchaWireReport) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *encoded_again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (report->uuid, ==, UUID1);
  g_assert_true (report->has_position);
  g_assert_cmpfloat (report->lat, ==, 30.6586);
  g_assert_true (isnan (report->altitude));
  g_assert_cmpstr (report->street_id, ==, "s-1");
  g_assert_cmpuint (report->photos->len, ==, 1);

  encoded = xuncha_wire_report_encode (report);
  /* Canonical: every member present, fields sorted. */
  g_assert_nonnull (strstr (encoded, "\"fields\":{\"a\":\"水果\",\"b\":1}"));
  g_assert_nonnull (strstr (encoded, "\"merchant_id\":null"));
  again = xuncha_wire_report_decode (encoded, -1, &error);
  g_assert_no_error (error);
  encoded_again = xuncha_wire_report_encode (again);
  g_assert_cmpstr (encoded, ==, encoded_again);
}

static void
test_report_content_hash (void)
{
  /* Same content in another member order and spacing: the same hash. */
  const char *reordered =
    "{ \"photos\":[{\"role\":\"before\",\"sha256\":\"" SHA1 "\"}],\"deadline\":\"2024-05-03\","
    "\"disposition\":\"deadline\",\"street\":{\"offset_m\":12.5,\"id\":\"s-1\"},"
    "\"position\":{\"source\":\"gps\",\"lon\":104.0648,\"lat\":30.6586,\"accuracy\":6.5},"
    "\"note\":\"早市\",\"fields\":{\"a\":\"水果\",\"b\":1},\"category\":\"09006\","
    "\"created_at\":\"2024-05-01T08:30:00Z\",\"uuid\":\"" UUID1 "\",\"merchant_id\":null }";
  g_autoptr(XunchaWireReport) a = xuncha_wire_report_decode (report_text, -1, NULL);
  g_autoptr(XunchaWireReport) b = xuncha_wire_report_decode (reordered, -1, NULL);
  g_autofree char *ha = NULL, *hb = NULL, *hc = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  ha = xuncha_wire_report_content_sha256 (a);
  hb = xuncha_wire_report_content_sha256 (b);
  g_assert_cmpstr (ha, ==, hb);
  g_assert_true (xuncha_protocol_is_sha256 (ha));

  g_free (b->note);
  b->note = g_strdup ("晚市");
  hc = xuncha_wire_report_content_sha256 (b);
  g_assert_cmpstr (ha, !=, hc);
}

/* Both ends read every message through the JSON gate: a repeated name or a NUL is
 * "unacceptable" (the office answers 422), deep nesting "invalid" (400). */
static void
test_json_gate (void)
{
  static const struct { const char *text; int code; const char *says; } cases[] = {
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\", \"code\": \"e\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: the member \"code\" appears twice" },
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\\u0000e\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: a NUL character" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *officer = NULL, *code = NULL, *device = NULL;

      g_assert_false (xuncha_protocol_decode_enroll (cases[i].text, -1, &officer, &code,
                                                     &device, &error));
      g_assert_error (error, XUNCHA_PROTOCOL_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, cases[i].says));
    }

  {
    GString *deep = g_string_new ("{\"officer_id\": ");
    g_autoptr(GError) error = NULL;
    g_autofree char *officer = NULL, *code = NULL, *device = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    g_assert_false (xuncha_protocol_decode_enroll (deep->str, (gssize)deep->len, &officer,
                                                   &code, &device, &error));
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "enroll: nested deeper than 64 levels");
    g_string_free (deep, TRUE);
  }
}

static void
expect_invalid (const char *text,
                const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_decode (text, -1, &error);

  g_assert_null (report);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  if (strstr (error->message, member) == NULL)
    g_error ("expected an error naming %s, got: %s", member, error->message);
}

static void
test_report_strict (void)
{
  expect_invalid ("[1]", "expected a JSON object");
  expect_invalid ("{\"uuid\":", "not JSON");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},\"photos\":[],\"extra\":1}",
                  "report.extra: unknown member");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"fields\":{},\"photos\":[]}", "report.category: required");
  expect_invalid ("{\"uuid\":\"NOT-A-UUID\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},\"photos\":[]}", "report.uuid");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},\"photos\":[],"
                  "\"position\":{\"lat\":\"30\",\"lon\":1,\"source\":\"gps\"}}",
                  "report.position.lat: expected a number");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},\"photos\":[],"
                  "\"position\":{\"lat\":91,\"lon\":1,\"source\":\"gps\"}}",
                  "report.position.lat");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},"
                  "\"photos\":[{\"sha256\":\"ABC\",\"role\":\"before\"}]}",
                  "report.photos[0].sha256");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{},\"disposition\":\"later\",\"photos\":[]}",
                  "report.disposition");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"yesterday\","
                  "\"category\":\"x\",\"fields\":{},\"photos\":[]}", "report.created_at");
  /* json-glib would read these as infinity and write them back as "inf.0", not JSON. */
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{\"a\":{\"b\":[1e999]}},\"photos\":[]}",
                  "a number too large for a double");
  expect_invalid ("{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
                  "\"category\":\"x\",\"fields\":{\"a\":-1e400},\"photos\":[]}",
                  "a number too large for a double");
}

static void
test_validators (void)
{
  g_assert_true (xuncha_protocol_is_sha256 (SHA1));
  g_assert_false (xuncha_protocol_is_sha256 ("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
  g_assert_false (xuncha_protocol_is_sha256 ("../etc/passwd"));
  g_assert_true (xuncha_protocol_is_uuid (UUID1));
  g_assert_false (xuncha_protocol_is_uuid ("1b4e28ba2fa141d2883f0016d3cca427"));
  g_assert_true (xuncha_protocol_is_time ("2024-05-01T08:30:00.5Z"));
  g_assert_true (xuncha_protocol_is_time ("2024-05-03"));
  g_assert_false (xuncha_protocol_is_time ("2024-13-03"));
}

static void
test_small_messages (void)
{
  g_autoptr(GError) error = NULL;
  XunchaWireOfficer officer = { (char *)"A001", (char *)"王伟", NULL, TRUE };
  XunchaWireOfficer back = { 0 };
  const char * const missing[] = { SHA1, NULL };
  g_autofree char *enrolled = xuncha_protocol_encode_enrolled ("tok", &officer);
  g_autofree char *err = xuncha_protocol_encode_error ("missing_photos", "lacks", missing);
  g_autofree char *token = NULL, *code = NULL, *message = NULL;
  g_auto(GStrv) got_missing = NULL;
  XunchaWirePoint points[2] = {
    { 1, 1000, 30.5, 104.1, 5, NAN, NAN, NAN },
    { 2, 2000, 30.6, 104.2, NAN, 500, 1.5, 90 },
  };
  g_autofree char *points_text = xuncha_wire_points_encode (points, 2);
  g_autoptr(GArray) decoded = NULL;
  g_autoptr(XunchaWireDelta) delta = NULL;

  g_assert_true (xuncha_protocol_decode_enrolled (enrolled, -1, &token, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok");
  g_assert_cmpstr (back.name, ==, "王伟");
  g_assert_null (back.team);
  g_assert_true (back.leader);
  xuncha_wire_officer_clear (&back);

  g_assert_true (xuncha_protocol_decode_error (err, -1, &code, &message, &got_missing));
  g_assert_cmpstr (code, ==, "missing_photos");
  g_assert_cmpstr (got_missing[0], ==, SHA1);
  g_assert_false (xuncha_protocol_decode_error ("<html>portal</html>", -1, &code, &message,
                                                NULL));

  decoded = xuncha_wire_points_decode (points_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->len, ==, 2);
  g_assert_cmpint (g_array_index (decoded, XunchaWirePoint, 1).seq, ==, 2);
  g_assert_true (isnan (g_array_index (decoded, XunchaWirePoint, 0).altitude));
  g_assert_cmpfloat (g_array_index (decoded, XunchaWirePoint, 1).speed, ==, 1.5);

  delta = xuncha_wire_delta_decode (XUNCHA_WIRE_DELTA_STREETS,
                                    "{\"revision\":3,\"streets\":[{\"id\":\"s\",\"name\":\"陈寿路\","
                                    "\"class\":\"strict\",\"geometry\":{\"type\":\"LineString\","
                                    "\"coordinates\":[[104,30],[104.1,30]]}}],\"deleted\":[\"x\"]}",
                                    -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (delta->revision, ==, 3);
  g_assert_cmpuint (delta->items->len, ==, 1);
  g_assert_cmpstr (delta->deleted[0], ==, "x");
  g_clear_pointer (&delta, xuncha_wire_delta_free);
  delta = xuncha_wire_delta_decode (XUNCHA_WIRE_DELTA_STREETS,
                                    "{\"revision\":3,\"streets\":[{\"id\":\"s\",\"class\":\"wide\","
                                    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}],"
                                    "\"deleted\":[]}", -1, &error);
  g_assert_null (delta);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "street.class"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/protocol/report/round-trip", test_report_round_trip);
  g_test_add_func ("/protocol/report/content-hash", test_report_content_hash);
  g_test_add_func ("/protocol/report/strict", test_report_strict);
  g_test_add_func ("/protocol/validators", test_validators);
  g_test_add_func ("/protocol/small-messages", test_small_messages);
  g_test_add_func ("/protocol/json-gate", test_json_gate);

  return g_test_run ();
}
