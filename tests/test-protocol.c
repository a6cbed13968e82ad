/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-evidence-key.h"
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
    /* Half of a UTF-16 pair is no character: json-glib made bytes of it that are not UTF-8,
     * so a report that decoded could not be sent on. */
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\\udd16\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: half of a UTF-16 surrogate pair" },
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\\ud83d\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: half of a UTF-16 surrogate pair" },
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\\ud83d\\u0041\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: half of a UTF-16 surrogate pair" },
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\\udc00\": \"d\"}",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: half of a UTF-16 surrogate pair" },
    /* Cut off inside the low half: json-glib leaked its buffer on this one. */
    { "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"\\ud901\\u1",
      XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, "enroll: half of a UTF-16 surrogate pair" },
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

  /* A whole pair is one character. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *officer = NULL, *code = NULL, *device = NULL;

    g_assert_true (xuncha_protocol_decode_enroll (
      "{\"officer_id\": \"A1\", \"code\": \"c\", \"device_name\": \"d\\ud83d\\ude00\"}", -1,
      &officer, &code, &device, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (device, ==, "d\360\237\230\200");
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
  if (!g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE))
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

/* The office's generation is a call of its own, GET api/v1/generation: `me` stays as
 * devices of before it read it (they refuse a member they do not know, as this decoder
 * does), so an older device works against a newer office, and a newer device against an
 * older office, which answers the new call 404. */
static void
test_generation (void)
{
#define ME_MEMBERS \
    "{\"officer\":{\"id\":\"A001\",\"name\":\"王伟\",\"team\":\"T1\",\"leader\":false}," \
    "\"assigned_streets\":[\"s-102\"],\"server_time\":\"2024-05-01T08:30:00Z\"," \
    "\"limits\":{\"photo_max_bytes\":33554432,\"body_max_bytes\":1048576}"
  static const char *plain = ME_MEMBERS "}";
  static const char *with_member = ME_MEMBERS ",\"office_generation\":\"0123\"}";
#undef ME_MEMBERS
  static const char *gen = "0123456789abcdef0123456789abcdef";
  g_autofree char *encoded = xuncha_protocol_encode_generation (gen);
  g_autofree char *decoded = NULL;
  g_autoptr(GError) error = NULL;

  /* `me` without the member: read as ever. With it (an office that put it there): refused,
   * naming the member, which is why the office never does. */
  {
    g_auto(XunchaWireOfficer) officer = { 0 };
    g_auto(GStrv) streets = NULL;
    g_autofree char *time = NULL;
    gint64 photo_max, body_max;

    g_assert_true (xuncha_protocol_decode_me (plain, -1, &officer, &streets, &time, &photo_max,
                                              &body_max, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (officer.id, ==, "A001");
  }
  {
    g_auto(XunchaWireOfficer) officer = { 0 };
    g_auto(GStrv) streets = NULL;
    g_autofree char *time = NULL;
    gint64 photo_max, body_max;

    g_assert_false (xuncha_protocol_decode_me (with_member, -1, &officer, &streets, &time,
                                               &photo_max, &body_max, &error));
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "office_generation"));
    g_clear_error (&error);
  }

  /* The generation's own answer: round trip, and strict. */
  g_assert_cmpstr (encoded, ==, "{\"office_generation\":\"0123456789abcdef0123456789abcdef\"}");
  g_assert_true (xuncha_protocol_decode_generation (encoded, -1, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, gen);
  {
    static const char * const refused[] = {
      "{}",
      "{\"office_generation\":null}",
      "{\"office_generation\":7}",
      "{\"office_generation\":\"\"}",
      "{\"office_generation\":\"ab\",\"extra\":1}",
      "{\"office_generation\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
      "[]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autofree char *value = NULL;

        g_assert_false (xuncha_protocol_decode_generation (refused[i], -1, &value, &error));
        g_assert_nonnull (error);
        g_assert_null (value);
        g_clear_error (&error);
      }
  }
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

/* Every number member has a range and every string a length limit, refused by the shared
 * decoder with the member named (XUNCHA_PROTOCOL_ERROR_VALUE). Each case is one member at
 * one edge: the edge itself passes, one step past it is refused. */
typedef enum
{
  KIND_REPORT, KIND_POINTS, KIND_SHIFT, KIND_ENROLL, KIND_ME, KIND_PHOTO_ACK, KIND_POINTS_ACK,
  KIND_RECEIPT, KIND_STREETS, KIND_MERCHANTS, KIND_STATUS, KIND_ENROLLED,
} Kind;

static gboolean
decode_kind (Kind         kind,
             const char  *text,
             GError     **error)
{
  switch (kind)
    {
    case KIND_REPORT:
      {
        g_autoptr(XunchaWireReport) report = xuncha_wire_report_decode (text, -1, error);
        return report != NULL;
      }
    case KIND_POINTS:
      {
        g_autoptr(GArray) points = xuncha_wire_points_decode (text, -1, error);
        return points != NULL;
      }
    case KIND_SHIFT:
      {
        g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_decode (text, -1, error);
        return shift != NULL;
      }
    case KIND_ENROLL:
      {
        g_autofree char *o = NULL, *c = NULL, *d = NULL;
        return xuncha_protocol_decode_enroll (text, -1, &o, &c, &d, error);
      }
    case KIND_ENROLLED:
      {
        g_autofree char *token = NULL;
        g_auto(XunchaWireOfficer) officer = { 0 };
        return xuncha_protocol_decode_enrolled (text, -1, &token, &officer, error);
      }
    case KIND_ME:
      {
        g_auto(XunchaWireOfficer) officer = { 0 };
        g_auto(GStrv) streets = NULL;
        g_autofree char *time = NULL;
        gint64 photo_max, body_max;
        return xuncha_protocol_decode_me (text, -1, &officer, &streets, &time, &photo_max,
                                          &body_max, error);
      }
    case KIND_PHOTO_ACK:
      {
        g_autofree char *sha = NULL, *received = NULL;
        gint64 bytes;
        return xuncha_protocol_decode_photo_ack (text, -1, &sha, &bytes, &received, error);
      }
    case KIND_POINTS_ACK:
      {
        gint64 stored, points;
        return xuncha_wire_points_ack_decode (text, -1, &stored, &points, error);
      }
    case KIND_RECEIPT:
      {
        g_autofree char *id = NULL, *received = NULL, *content = NULL;
        return xuncha_protocol_decode_receipt (text, -1, &id, &received, &content, error);
      }
    case KIND_STREETS:
    case KIND_MERCHANTS:
    case KIND_STATUS:
    default:
      {
        XunchaWireDeltaKind delta_kind = kind == KIND_STREETS ? XUNCHA_WIRE_DELTA_STREETS
                                         : kind == KIND_MERCHANTS ? XUNCHA_WIRE_DELTA_MERCHANTS
                                         : XUNCHA_WIRE_DELTA_STATUS;
        g_autoptr(XunchaWireDelta) delta = xuncha_wire_delta_decode (delta_kind, text, -1,
                                                                     error);
        return delta != NULL;
      }
    }
}

#define REPORT_WITH(members) \
  "{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\",\"category\":\"09006\"," \
  "\"fields\":{},\"photos\":[]," members "}"
#define POSITION_WITH(members) \
  REPORT_WITH ("\"position\":{\"lat\":30,\"lon\":104,\"source\":\"gps\"," members "}")
#define POINT_WITH(members) \
  "{\"points\":[{\"seq\":1,\"t_ms\":1714543200000,\"lat\":30,\"lon\":104," members "}]}"
/* A point with these four required members (a member given twice is refused on its own). */
#define POINT_OF(seq, t_ms, lat, lon) \
  "{\"points\":[{\"seq\":" seq ",\"t_ms\":" t_ms ",\"lat\":" lat ",\"lon\":" lon "}]}"
#define MERCHANT_WITH(lat) \
  "{\"revision\":1,\"merchants\":[{\"id\":\"m\",\"name\":\"n\",\"lon\":104,\"lat\":" lat \
  "}],\"deleted\":[]}"

/* @length characters of 水 in a JSON string member @name (one more member after others). */
static char *
long_member (const char *name,
             guint       length)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "\"%s\":\"", name);
  for (guint i = 0; i < length; i++)
    g_string_append (text, "水");
  g_string_append_c (text, '"');
  return g_string_free (text, FALSE);
}

static void
expect_kind (Kind         kind,
             const char  *text,
             const char  *member)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = decode_kind (kind, text, &error);

  if (member == NULL)
    {
      if (!ok)
        g_error ("expected %.200s to pass, got: %s", text, error->message);
      return;
    }
  if (ok)
    g_error ("expected %.200s to be refused for %s", text, member);
  if (!g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE)
      || strstr (error->message, member) == NULL)
    g_error ("expected a value error naming %s, got: %s", member, error->message);
}

static void
test_ranges (void)
{
  static const struct
  {
    Kind        kind;
    const char *text;
    const char *member;   /* NULL: passes */
  } cases[] = {
    { KIND_REPORT, POSITION_WITH ("\"accuracy\":0"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"accuracy\":100000"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"accuracy\":-5"), "report.position.accuracy" },
    { KIND_REPORT, POSITION_WITH ("\"accuracy\":100000.5"), "report.position.accuracy" },
    { KIND_REPORT, POSITION_WITH ("\"altitude\":-1000"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"altitude\":20000"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"altitude\":-1000.5"), "report.position.altitude" },
    { KIND_REPORT, POSITION_WITH ("\"altitude\":20001"), "report.position.altitude" },
    { KIND_REPORT, POSITION_WITH ("\"heading\":0"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"heading\":360"), NULL },
    { KIND_REPORT, POSITION_WITH ("\"heading\":-0.5"), "report.position.heading" },
    { KIND_REPORT, POSITION_WITH ("\"heading\":9999"), "report.position.heading" },
    { KIND_REPORT, REPORT_WITH ("\"position\":{\"lat\":-90,\"lon\":180,\"source\":\"gps\"}"),
      NULL },
    { KIND_REPORT, REPORT_WITH ("\"position\":{\"lat\":90.001,\"lon\":1,\"source\":\"gps\"}"),
      "report.position.lat" },
    { KIND_REPORT, REPORT_WITH ("\"position\":{\"lat\":1,\"lon\":-180.5,\"source\":\"gps\"}"),
      "report.position.lon" },
    { KIND_REPORT, REPORT_WITH ("\"street\":{\"id\":\"s\",\"offset_m\":0}"), NULL },
    { KIND_REPORT, REPORT_WITH ("\"street\":{\"id\":\"s\",\"offset_m\":100000}"), NULL },
    { KIND_REPORT, REPORT_WITH ("\"street\":{\"id\":\"s\",\"offset_m\":-1}"),
      "report.street.offset_m" },
    { KIND_REPORT, REPORT_WITH ("\"street\":{\"id\":\"s\",\"offset_m\":1e95}"),
      "report.street.offset_m" },
    { KIND_REPORT, REPORT_WITH ("\"parent_uuid\":\"" UUID1 "\""), "report.parent_uuid" },
    { KIND_REPORT, REPORT_WITH ("\"parent_uuid\":\"2b4e28ba-2fa1-41d2-883f-0016d3cca427\""),
      NULL },
    { KIND_POINTS, POINT_OF ("0", "1714543200000", "30", "104"), NULL },
    { KIND_POINTS, POINT_OF ("1000000000", "1714543200000", "30", "104"), NULL },
    { KIND_POINTS, POINT_OF ("-1", "1714543200000", "30", "104"), "points[0].seq" },
    { KIND_POINTS, POINT_OF ("1000000001", "1714543200000", "30", "104"), "points[0].seq" },
    { KIND_POINTS, POINT_OF ("1", "0", "30", "104"), NULL },
    { KIND_POINTS, POINT_OF ("1", "4102444800000", "30", "104"), NULL },
    { KIND_POINTS, POINT_OF ("1", "-1", "30", "104"), "points[0].t_ms" },
    { KIND_POINTS, POINT_OF ("1", "4102444800001", "30", "104"), "points[0].t_ms" },
    { KIND_POINTS, POINT_OF ("1", "1714543200000", "-90.5", "104"), "points[0].lat" },
    { KIND_POINTS, POINT_OF ("1", "1714543200000", "30", "180.5"), "points[0].lon" },
    { KIND_POINTS, POINT_WITH ("\"accuracy\":-5"), "points[0].accuracy" },
    { KIND_POINTS, POINT_WITH ("\"altitude\":20000.5"), "points[0].altitude" },
    { KIND_POINTS, POINT_WITH ("\"speed\":0"), NULL },
    { KIND_POINTS, POINT_WITH ("\"speed\":300"), NULL },
    { KIND_POINTS, POINT_WITH ("\"speed\":-1"), "points[0].speed" },
    { KIND_POINTS, POINT_WITH ("\"speed\":300.5"), "points[0].speed" },
    { KIND_POINTS, POINT_WITH ("\"heading\":9999"), "points[0].heading" },
    { KIND_ME, "{\"officer\":{\"id\":\"A\",\"name\":\"n\"},\"assigned_streets\":[],"
      "\"server_time\":\"2024-05-01T08:30:00Z\",\"limits\":{\"photo_max_bytes\":1,"
      "\"body_max_bytes\":2147483647}}", NULL },
    { KIND_ME, "{\"officer\":{\"id\":\"A\",\"name\":\"n\"},\"assigned_streets\":[],"
      "\"server_time\":\"2024-05-01T08:30:00Z\",\"limits\":{\"photo_max_bytes\":0,"
      "\"body_max_bytes\":1}}", "me.limits.photo_max_bytes" },
    { KIND_ME, "{\"officer\":{\"id\":\"A\",\"name\":\"n\"},\"assigned_streets\":[],"
      "\"server_time\":\"2024-05-01T08:30:00Z\",\"limits\":{\"photo_max_bytes\":1,"
      "\"body_max_bytes\":2147483648}}", "me.limits.body_max_bytes" },
    { KIND_PHOTO_ACK, "{\"sha256\":\"" SHA1 "\",\"bytes\":-1,\"received_at\":\"x\"}",
      "photo.bytes" },
    { KIND_POINTS_ACK, "{\"stored\":-1,\"points\":0}", "answer.stored" },
    { KIND_POINTS_ACK, "{\"stored\":0,\"points\":2147483648}", "answer.points" },
    { KIND_STREETS, "{\"revision\":-1,\"streets\":[],\"deleted\":[]}", "streets.revision" },
    { KIND_STATUS, "{\"revision\":9007199254740991,\"reports\":[{\"uuid\":\"" UUID1 "\","
      "\"revision\":-1}]}", "status.revision" },
    { KIND_MERCHANTS, MERCHANT_WITH ("90"), NULL },
    { KIND_MERCHANTS, MERCHANT_WITH ("90.5"), "merchant.lat" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_kind (cases[i].kind, cases[i].text, cases[i].member);
}

static void
test_lengths (void)
{
  static const struct
  {
    Kind        kind;
    const char *before;    /* the message up to the long member */
    const char *name;
    guint       limit;
    const char *after;
    const char *member;
  } cases[] = {
    { KIND_REPORT, REPORT_WITH (""), "note", 2000, "}", "report.note" },
    { KIND_REPORT, REPORT_WITH (""), "merchant_id", 64, "}", "report.merchant_id" },
    { KIND_REPORT, "{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
      "\"category\":\"09006\",\"photos\":[],\"fields\":{", "goods", 2000, "}}",
      "report.fields.goods" },
    { KIND_REPORT, "{\"uuid\":\"" UUID1 "\",\"created_at\":\"2024-05-01T08:30:00Z\","
      "\"category\":\"09006\",\"photos\":[],\"fields\":{},\"street\":{", "id", 64, "}}",
      "report.street.id" },
    { KIND_RECEIPT, "{\"receipt\":{\"id\":\"R\",\"content_sha256\":\"" SHA1 "\",",
      "received_at", 40, "}}", "receipt.received_at" },
    { KIND_ENROLL, "{\"code\":\"K3PD\",", "officer_id", 64, "}", "enroll.officer_id" },
    { KIND_ENROLL, "{\"officer_id\":\"A\",", "code", 64, "}", "enroll.code" },
    { KIND_ENROLL, "{\"officer_id\":\"A\",\"code\":\"K3PD\",", "device_name", 200, "}",
      "enroll.device_name" },
    { KIND_ENROLLED, "{\"officer\":{\"id\":\"A\",\"name\":\"n\"},", "token", 128, "}",
      "enrolled.token" },
    { KIND_ENROLLED, "{\"token\":\"t\",\"officer\":{\"id\":\"A\",", "name", 200, "}}",
      "officer.name" },
    { KIND_RECEIPT, "{\"receipt\":{\"received_at\":\"x\",\"content_sha256\":\"" SHA1 "\",",
      "id", 64, "}}", "receipt.id" },
    { KIND_MERCHANTS, "{\"revision\":1,\"deleted\":[],\"merchants\":[{\"id\":\"m\","
      "\"name\":\"n\",\"lon\":1,\"lat\":1,", "address", 2000, "}]}", "merchant.address" },
    { KIND_STREETS, "{\"revision\":1,\"deleted\":[],\"streets\":[{\"id\":\"s\","
      "\"class\":\"strict\",\"geometry\":{\"type\":\"LineString\","
      "\"coordinates\":[[104,30],[104.1,30]]},", "name", 200, "}]}", "street.name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *at_limit = long_member (cases[i].name, cases[i].limit);
      g_autofree char *past_limit = long_member (cases[i].name, cases[i].limit + 1);
      const char *comma;
      /* REPORT_WITH ("") ends in ",}": drop its brace and put the member in. */
      g_autofree char *before = g_str_has_suffix (cases[i].before, ",}")
                                ? g_strndup (cases[i].before, strlen (cases[i].before) - 2)
                                : g_strdup (cases[i].before);
      g_autofree char *good = NULL, *bad = NULL;

      if (g_str_has_suffix (before, ",") || g_str_has_suffix (before, "{"))
        comma = "";
      else
        comma = ",";
      good = g_strconcat (before, comma, at_limit, cases[i].after, NULL);
      bad = g_strconcat (before, comma, past_limit, cases[i].after, NULL);
      expect_kind (cases[i].kind, good, NULL);
      expect_kind (cases[i].kind, bad, cases[i].member);
    }
}

static void
test_category_codes (void)
{
  g_autoptr(GString) huge = g_string_new (REPORT_WITH ("\"note\":null"));
  g_autofree char *category = g_strnfill (100 * 1024, '9');

  g_assert_true (xuncha_protocol_is_category_code ("09006"));
  g_assert_true (xuncha_protocol_is_category_code ("INT-01"));
  g_assert_true (xuncha_protocol_is_category_code ("99999"));   /* known-ness: the office */
  g_assert_true (xuncha_protocol_is_category_code ("abcdefghijklmnop"));
  g_assert_false (xuncha_protocol_is_category_code ("abcdefghijklmnopq"));
  g_assert_false (xuncha_protocol_is_category_code (""));
  g_assert_false (xuncha_protocol_is_category_code ("09 006"));
  g_assert_false (xuncha_protocol_is_category_code ("水果"));

  expect_kind (KIND_REPORT, REPORT_WITH ("\"note\":null"), NULL);
  g_string_replace (huge, "09006", "0900 6", 1);
  expect_kind (KIND_REPORT, huge->str, "report.category");
  g_string_replace (huge, "0900 6", category, 1);
  expect_kind (KIND_REPORT, huge->str, "report.category");
}

/* Encode∘decode over every input of the protocol fuzz targets: each message the file
 * decodes as is encoded, decoded again and encoded again; the second decoding must succeed
 * and both encodings must be the same bytes. A message one end accepts is thus one the
 * other end can read back, store and send on. */
typedef char *(*RoundTrip) (const char *text, gssize length);

static char *
report_trip (const char *text,
             gssize      length)
{
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_decode (text, length, NULL);
  return report != NULL ? xuncha_wire_report_encode (report) : NULL;
}

static char *
shift_trip (const char *text,
            gssize      length)
{
  g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_decode (text, length, NULL);
  return shift != NULL ? xuncha_wire_shift_encode (shift) : NULL;
}

static char *
points_trip (const char *text,
             gssize      length)
{
  g_autoptr(GArray) points = xuncha_wire_points_decode (text, length, NULL);
  return points != NULL ? xuncha_wire_points_encode (&g_array_index (points, XunchaWirePoint, 0),
                                                     points->len)
                        : NULL;
}

static char *
enroll_trip (const char *text,
             gssize      length)
{
  g_autofree char *officer = NULL, *code = NULL, *device = NULL;

  if (!xuncha_protocol_decode_enroll (text, length, &officer, &code, &device, NULL))
    return NULL;
  return xuncha_protocol_encode_enroll (officer, code, device);
}

static char *
error_trip (const char *text,
            gssize      length)
{
  g_autofree char *code = NULL, *message = NULL;
  g_auto(GStrv) missing = NULL;

  if (!xuncha_protocol_decode_error (text, length, &code, &message, &missing))
    return NULL;
  return xuncha_protocol_encode_error (code, message, (const char * const *)missing);
}

static char *
enrolled_trip (const char *text,
               gssize      length)
{
  g_autofree char *token = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };

  if (!xuncha_protocol_decode_enrolled (text, length, &token, &officer, NULL))
    return NULL;
  return xuncha_protocol_encode_enrolled (token, &officer);
}

static char *
me_trip (const char *text,
         gssize      length)
{
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_auto(GStrv) streets = NULL;
  g_autofree char *time = NULL;
  gint64 photo_max = 0, body_max = 0;

  if (!xuncha_protocol_decode_me (text, length, &officer, &streets, &time, &photo_max,
                                  &body_max, NULL))
    return NULL;
  return xuncha_protocol_encode_me (&officer, (const char * const *)streets, time, photo_max,
                                    body_max);
}

static char *
receipt_trip (const char *text,
              gssize      length)
{
  g_autofree char *id = NULL, *received = NULL, *content = NULL;

  if (!xuncha_protocol_decode_receipt (text, length, &id, &received, &content, NULL))
    return NULL;
  return xuncha_protocol_encode_receipt (id, received, content);
}

static char *
photo_ack_trip (const char *text,
                gssize      length)
{
  g_autofree char *sha = NULL, *received = NULL;
  gint64 bytes = 0;

  if (!xuncha_protocol_decode_photo_ack (text, length, &sha, &bytes, &received, NULL))
    return NULL;
  return xuncha_protocol_encode_photo_ack (sha, bytes, received);
}

static char *
points_ack_trip (const char *text,
                 gssize      length)
{
  gint64 stored = 0, points = 0;

  if (!xuncha_wire_points_ack_decode (text, length, &stored, &points, NULL))
    return NULL;
  return xuncha_wire_points_ack_encode (stored, points);
}

static char *
delta_trip (XunchaWireDeltaKind  kind,
            const char          *text,
            gssize               length)
{
  g_autoptr(XunchaWireDelta) delta = xuncha_wire_delta_decode (kind, text, length, NULL);

  if (delta == NULL)
    return NULL;
  return xuncha_wire_delta_encode (kind, delta->revision, delta->items,
                                   (const char * const *)delta->deleted);
}

static char *
streets_trip (const char *text,
              gssize      length)
{
  return delta_trip (XUNCHA_WIRE_DELTA_STREETS, text, length);
}

static char *
merchants_trip (const char *text,
                gssize      length)
{
  return delta_trip (XUNCHA_WIRE_DELTA_MERCHANTS, text, length);
}

static char *
status_trip (const char *text,
             gssize      length)
{
  return delta_trip (XUNCHA_WIRE_DELTA_STATUS, text, length);
}

static const struct
{
  const char *name;
  RoundTrip   trip;
} round_trips[] = {
  { "report", report_trip },
  { "shift", shift_trip },
  { "points", points_trip },
  { "enroll", enroll_trip },
  { "error", error_trip },
  { "enrolled", enrolled_trip },
  { "me", me_trip },
  { "receipt", receipt_trip },
  { "photo answer", photo_ack_trip },
  { "points answer", points_ack_trip },
  { "streets", streets_trip },
  { "merchants", merchants_trip },
  { "status", status_trip },
};

static guint
round_trip_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint n_trips = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autofree char *first = round_trips[i].trip (contents, (gssize)length);
      g_autofree char *second = NULL;

      if (first == NULL)
        continue;
      second = round_trips[i].trip (first, -1);
      if (second == NULL)
        g_error ("%s: decodes as a %s, but its encoding does not: %s", path,
                 round_trips[i].name, first);
      g_assert_cmpstr (first, ==, second);
      n_trips++;
    }
  return n_trips;
}

static void
test_round_trip_fuzz_inputs (void)
{
  static const char * const folders[] = {
    "tests/fuzz/corpus/protocol-office", "tests/fuzz/corpus/protocol-device",
    "tests/fuzz/regressions/protocol-office", "tests/fuzz/regressions/protocol-device",
  };
  guint n_files = 0, n_trips = 0;

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *folder = xuncha_test_source_path (folders[f]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, name, NULL);

          n_trips += round_trip_file (path);
          n_files++;
        }
    }
  g_test_message ("%u files, %u messages encoded, decoded and encoded again", n_files,
                  n_trips);
  g_assert_cmpuint (n_files, >, 0);
  g_assert_cmpuint (n_trips, >, 0);
}

/* The canonical text keeps json-glib's bytes wherever json-glib writes JSON (content hashes
 * of reports already held stay), and is JSON where json-glib 1.6 was not (issue 22). */
static void
test_canonical_text (void)
{
  static const double numbers[] = {
    0, -0.0, 1, 2.5, 30.6586, 0.1, 1e16, 123456789012345678.0, 1e-7, 5e-324,
    1.7976931348623157e308,
    /* json-glib 1.6 writes these as "1e+95.0" and the like. */
    -1e-300, 1e95, 1e22, 2e17, -3e20,
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) all_bytes = g_string_new (NULL);
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *again = NULL;

  for (guint c = 1; c < 0x80; c++)
    g_string_append_c (all_bytes, (char)c);
  g_string_append (all_bytes, "水果 é");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "s\"\\\n");
  json_builder_add_string_value (builder, all_bytes->str);
  json_builder_set_member_name (builder, "n");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, G_MININT64);
  json_builder_add_int_value (builder, 42);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_add_null_value (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "d");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (numbers) - 5; i++)
    json_builder_add_double_value (builder, numbers[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* Everything but the numbers json-glib 1.6 writes wrong: the same bytes. */
  json_generator_set_root (generator, root);
  theirs = json_generator_to_data (generator, NULL);
  ours = xuncha_protocol_to_string (root);
  g_assert_cmpstr (ours, ==, theirs);

  /* Every double, those included, is written as JSON that reads back to the same value. */
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) read = NULL;
      g_autofree char *text = NULL;
      JsonNode *value;

      /* In an array: json-glib 1.6 reads no negative number at the top level. */
      json_array_add_double_element (array, numbers[i]);
      node = json_node_init_array (json_node_alloc (), array);
      text = xuncha_protocol_to_string (node);
      read = json_from_string (text, &error);
      g_assert_no_error (error);
      value = json_array_get_element (json_node_get_array (read), 0);
      g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_DOUBLE);
      g_assert_cmpfloat (json_node_get_double (value), ==, numbers[i]);
    }

  back = json_from_string (ours, &error);
  g_assert_no_error (error);
  again = xuncha_protocol_to_string (back);
  g_assert_cmpstr (again, ==, ours);
}

/* Enrollment with the device's signing keys (docs/evidence.md): compatible both ways. */
static void
test_enroll_keys (void)
{
  g_autoptr(XunchaEvidenceKey) sm2 = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2,
                                                                   NULL);
  g_autoptr(XunchaEvidenceKey) ed = xuncha_evidence_key_generate (
    XUNCHA_EVIDENCE_ALGORITHM_ED25519, NULL);
  g_autofree char *with_keys = xuncha_protocol_encode_enroll_keys (
    "A001", "K3PD", "phone", xuncha_evidence_key_get_public (sm2),
    xuncha_evidence_key_get_public (ed));
  g_autofree char *swapped = xuncha_protocol_encode_enroll_keys (
    "A001", "K3PD", "phone", xuncha_evidence_key_get_public (ed),
    xuncha_evidence_key_get_public (sm2));
  g_autofree char *without = xuncha_protocol_encode_enroll ("A001", "K3PD", "phone");
  XunchaWireOfficer officer = { (char *)"A001", (char *)"王伟", NULL, FALSE };
  g_autofree char *enrolled = xuncha_protocol_encode_enrolled_signature (
    "tok", &officer, XUNCHA_EVIDENCE_ALGORITHM_SM2);
  g_autofree char *enrolled_before = xuncha_protocol_encode_enrolled ("tok", &officer);
  g_autoptr(GError) error = NULL;

  /* A new office reads the keys ... */
  {
    g_autofree char *o = NULL, *c = NULL, *d = NULL, *k1 = NULL, *k2 = NULL;

    g_assert_true (xuncha_protocol_decode_enroll_keys (with_keys, -1, &o, &c, &d, &k1, &k2,
                                                       &error));
    g_assert_no_error (error);
    g_assert_cmpstr (k1, ==, xuncha_evidence_key_get_public (sm2));
    g_assert_cmpstr (k2, ==, xuncha_evidence_key_get_public (ed));
  }
  /* ... and an enroll without them, as devices of before send it. */
  {
    g_autofree char *o = NULL, *c = NULL, *d = NULL, *k1 = NULL, *k2 = NULL;

    g_assert_true (xuncha_protocol_decode_enroll_keys (without, -1, &o, &c, &d, &k1, &k2,
                                                       &error));
    g_assert_no_error (error);
    g_assert_null (k1);
    g_assert_null (k2);
  }
  /* A key under the other algorithm's name is refused, naming it. */
  {
    g_autofree char *o = NULL, *c = NULL, *d = NULL, *k1 = NULL, *k2 = NULL;

    g_assert_false (xuncha_protocol_decode_enroll_keys (swapped, -1, &o, &c, &d, &k1, &k2,
                                                        &error));
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE);
    g_assert_nonnull (strstr (error->message, "enroll.device_keys.sm2-sm3"));
    g_clear_error (&error);
  }
  /* An office of before refuses the member by name: the device's cue to enroll without. */
  {
    g_autofree char *o = NULL, *c = NULL, *d = NULL;

    g_assert_false (xuncha_protocol_decode_enroll (with_keys, -1, &o, &c, &d, &error));
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "enroll.device_keys: unknown member");
    g_clear_error (&error);
  }
  /* The answer's signature member reaches a new device, and a device of before never gets
   * it (only an enroll with keys is answered with it), as it would refuse it. */
  {
    g_autofree char *token = NULL, *signature = NULL;
    g_auto(XunchaWireOfficer) back = { 0 };

    g_assert_true (xuncha_protocol_decode_enrolled_signature (enrolled, -1, &token, &back,
                                                              &signature, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (signature, ==, XUNCHA_EVIDENCE_ALGORITHM_SM2);
  }
  {
    g_autofree char *token = NULL, *signature = NULL;
    g_auto(XunchaWireOfficer) back = { 0 };

    g_assert_true (xuncha_protocol_decode_enrolled_signature (enrolled_before, -1, &token, &back,
                                                              &signature, &error));
    g_assert_no_error (error);
    g_assert_null (signature);
  }
  {
    g_autofree char *token = NULL;
    g_auto(XunchaWireOfficer) back = { 0 };

    g_assert_false (xuncha_protocol_decode_enrolled (enrolled, -1, &token, &back, &error));
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/protocol/report/round-trip", test_report_round_trip);
  g_test_add_func ("/protocol/enroll/keys", test_enroll_keys);
  g_test_add_func ("/protocol/report/content-hash", test_report_content_hash);
  g_test_add_func ("/protocol/report/strict", test_report_strict);
  g_test_add_func ("/protocol/validators", test_validators);
  g_test_add_func ("/protocol/small-messages", test_small_messages);
  g_test_add_func ("/protocol/generation", test_generation);
  g_test_add_func ("/protocol/json-gate", test_json_gate);
  g_test_add_func ("/protocol/canonical-text", test_canonical_text);
  g_test_add_func ("/protocol/ranges", test_ranges);
  g_test_add_func ("/protocol/lengths", test_lengths);
  g_test_add_func ("/protocol/category-codes", test_category_codes);
  g_test_add_func ("/protocol/round-trip/fuzz-inputs", test_round_trip_fuzz_inputs);

  return g_test_run ();
}
