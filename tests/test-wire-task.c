/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The task, task result and message encodings (docs/protocol.md, Tasks and messages): what
 * one end writes the other reads back, and what breaks the contract is refused with an
 * error naming the member. */
#include "config.h"

#include <math.h>

#include "xuncha-protocol.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-task.h"
#include "xuncha-wire-task-result.h"

#define TASK_ID   "5b0d7c2e-1f0a-4c3e-9a51-2f7de0b1c9a4"
#define RESULT_ID "0c9e3f5a-8b2d-4e6f-9a1b-3c5d7e9f1a2b"
#define REPORT_ID "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define SHIFT_ID  "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
#define MSG_ID    "8f2a1b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
#define SHA1      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static const char *task_text =
  "{\"id\":\"" TASK_ID "\",\"kind\":\"verify\",\"officer_id\":\"A001\",\"team\":null,"
  "\"state\":\"open\",\"accepted_by\":null,\"created_at\":\"2024-05-01T08:30:00Z\","
  "\"deadline\":\"2024-05-01T12:00:00Z\",\"position\":{\"lat\":30.6586,\"lon\":104.0648},"
  "\"radius_m\":50,\"category\":\"09006\",\"street_ids\":[],\"report_uuid\":null,"
  "\"note\":\"市民热线：陈寿路12号门前占道\",\"photos\":[\"" SHA1 "\"],\"result\":null,"
  "\"revision\":17}";

static const char *result_text =
  "{\"task_id\":\"" TASK_ID "\",\"result_uuid\":\"" RESULT_ID "\",\"outcome\":\"confirmed\","
  "\"category\":null,\"report_uuids\":[\"" REPORT_ID "\"],\"note\":\"\","
  "\"position\":{\"lat\":30.6586,\"lon\":104.0648,\"accuracy\":6.5,\"source\":\"gps\"},"
  "\"shift_uuid\":\"" SHIFT_ID "\",\"done_at\":\"2024-05-01T09:12:00Z\"}";

static const char *message_text =
  "{\"id\":\"" MSG_ID "\",\"audience\":\"team\",\"team\":\"T1\",\"officer_id\":null,"
  "\"sender\":\"指挥中心\",\"title\":\"今晚集中整治\",\"body\":\"19:00 陈寿路集合\","
  "\"sent_at\":\"2024-05-01T08:30:00Z\",\"read_at\":null,\"revision\":21}";

/* @text with the first @from replaced by @to. */
static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  const char *at = strstr (text, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int)(at - text), text, to, at + strlen (from));
}

static XunchaWireTask *
decode_task (const char  *text,
             GError     **error)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (text, -1, "task", error);

  return root != NULL ? xuncha_wire_task_from_json (root, error) : NULL;
}

static XunchaWireMessage *
decode_message (const char  *text,
                GError     **error)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (text, -1, "message", error);

  return root != NULL ? xuncha_wire_message_from_json (root, error) : NULL;
}

/* @text is refused with @code, and the message contains @member. */
static void
assert_task_refused (const char *text,
                     int         code,
                     const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTask) task = decode_task (text, &error);

  g_assert_null (task);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, code);
  if (strstr (error->message, member) == NULL)
    g_error ("“%s” does not name %s", error->message, member);
}

static void
assert_result_refused (const char *text,
                       int         code,
                       const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTaskResult) result = xuncha_wire_task_result_decode (text, -1, &error);

  g_assert_null (result);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, code);
  if (strstr (error->message, member) == NULL)
    g_error ("“%s” does not name %s", error->message, member);
}

static void
assert_message_refused (const char *text,
                        int         code,
                        const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireMessage) message = decode_message (text, &error);

  g_assert_null (message);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, code);
  if (strstr (error->message, member) == NULL)
    g_error ("“%s” does not name %s", error->message, member);
}

static void
test_task_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTask) task = decode_task (task_text, &error);
  g_autoptr(XunchaWireTask) again = NULL;
  g_autoptr(XunchaWireTask) copy = NULL;
  g_autofree char *encoded = NULL, *encoded_again = NULL, *encoded_copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (task->id, ==, TASK_ID);
  g_assert_cmpstr (task->kind, ==, "verify");
  g_assert_cmpstr (task->officer_id, ==, "A001");
  g_assert_null (task->team);
  g_assert_true (task->has_position);
  g_assert_cmpfloat (task->lat, ==, 30.6586);
  g_assert_cmpfloat (task->radius_m, ==, 50);
  g_assert_cmpuint (g_strv_length (task->photos), ==, 1);
  g_assert_cmpuint (g_strv_length (task->street_ids), ==, 0);
  g_assert_null (task->result);
  g_assert_cmpint (task->revision, ==, 17);

  encoded = xuncha_wire_task_encode (task);
  again = decode_task (encoded, &error);
  g_assert_no_error (error);
  encoded_again = xuncha_wire_task_encode (again);
  g_assert_cmpstr (encoded, ==, encoded_again);
  copy = xuncha_wire_task_copy (again);
  encoded_copy = xuncha_wire_task_encode (copy);
  g_assert_cmpstr (encoded, ==, encoded_copy);
}

static void
test_task_with_result (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTask) task = decode_task (task_text, &error);
  g_autoptr(XunchaWireTask) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *answer = NULL;

  g_assert_no_error (error);
  task->result = xuncha_wire_task_result_decode (result_text, -1, &error);
  g_assert_no_error (error);
  g_free (task->state);
  task->state = g_strdup ("done");
  encoded = xuncha_wire_task_encode (task);
  again = decode_task (encoded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again->result);
  g_assert_cmpstr (again->result->result_uuid, ==, RESULT_ID);
  g_assert_cmpstr (again->result->report_uuids[0], ==, REPORT_ID);

  /* A result for another task is not this task's. */
  g_free (task->result->task_id);
  task->result->task_id = g_strdup (REPORT_ID);
  g_assert_false (xuncha_wire_task_validate (task, &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "task.result.task_id"));
  g_clear_error (&error);

  /* The answers of accept and result; the taken answer is an error with the task. */
  g_free (task->result->task_id);
  task->result->task_id = g_strdup (TASK_ID);
  answer = xuncha_wire_task_encode_answer (task);
  g_clear_pointer (&again, xuncha_wire_task_free);
  again = xuncha_wire_task_decode_answer (answer, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, TASK_ID);
  g_clear_pointer (&answer, g_free);
  g_free (task->accepted_by);
  task->accepted_by = g_strdup ("A002");
  answer = xuncha_wire_task_encode_taken (task, "accepted by A002");
  {
    g_autofree char *code = NULL, *message = NULL;

    g_assert_true (xuncha_protocol_decode_error (answer, -1, &code, &message, NULL));
    g_assert_cmpstr (code, ==, "task_taken");
    g_assert_cmpstr (message, ==, "accepted by A002");
  }
  g_clear_pointer (&again, xuncha_wire_task_free);
  again = xuncha_wire_task_decode_answer (answer, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->accepted_by, ==, "A002");
}

static void
test_task_strict (void)
{
  g_autofree char *unknown = replace (task_text, "\"kind\"", "\"extra\":1,\"kind\"");
  g_autofree char *no_deadline = replace (task_text,
                                          "\"deadline\":\"2024-05-01T12:00:00Z\",", "");
  g_autofree char *wrong_type = replace (task_text, "\"radius_m\":50", "\"radius_m\":\"50\"");
  g_autofree char *kind = replace (task_text, "\"verify\"", "\"inspect\"");
  g_autofree char *state = replace (task_text, "\"open\"", "\"closed\"");
  g_autofree char *both = replace (task_text, "\"team\":null", "\"team\":\"T1\"");
  g_autofree char *neither = replace (task_text, "\"officer_id\":\"A001\"",
                                      "\"officer_id\":null");
  g_autofree char *altitude = replace (task_text, "\"lon\":104.0648}",
                                       "\"lon\":104.0648,\"altitude\":3}");
  g_autofree char *no_radius = replace (task_text, "\"radius_m\":50", "\"radius_m\":null");
  g_autofree char *rollcall_placed = replace (task_text, "\"verify\"", "\"rollcall\"");
  g_autofree char *check_no_case = replace (task_text, "\"verify\"", "\"check\"");
  g_autofree char *streets_not_patrol = replace (task_text, "\"street_ids\":[]",
                                                 "\"street_ids\":[\"s-1\"]");
  g_autofree char *bad_photo = replace (task_text, SHA1, "not-a-hash");
  g_autofree char *bad_result = replace (task_text, "\"result\":null", "\"result\":{}");
  g_autofree char *time = replace (task_text, "2024-05-01T12:00:00Z", "tomorrow");

  assert_task_refused (unknown, XUNCHA_PROTOCOL_ERROR_INVALID, "task.extra");
  assert_task_refused (no_deadline, XUNCHA_PROTOCOL_ERROR_INVALID, "task.deadline");
  assert_task_refused (wrong_type, XUNCHA_PROTOCOL_ERROR_INVALID, "task.radius_m");
  assert_task_refused (kind, XUNCHA_PROTOCOL_ERROR_INVALID, "task.kind");
  assert_task_refused (state, XUNCHA_PROTOCOL_ERROR_INVALID, "task.state");
  assert_task_refused (both, XUNCHA_PROTOCOL_ERROR_INVALID, "task.officer_id");
  assert_task_refused (neither, XUNCHA_PROTOCOL_ERROR_INVALID, "task.officer_id");
  assert_task_refused (altitude, XUNCHA_PROTOCOL_ERROR_INVALID, "task.position.altitude");
  assert_task_refused (no_radius, XUNCHA_PROTOCOL_ERROR_INVALID, "task.radius_m");
  assert_task_refused (rollcall_placed, XUNCHA_PROTOCOL_ERROR_INVALID, "task.position");
  assert_task_refused (check_no_case, XUNCHA_PROTOCOL_ERROR_INVALID, "task.report_uuid");
  assert_task_refused (streets_not_patrol, XUNCHA_PROTOCOL_ERROR_INVALID, "task.street_ids");
  assert_task_refused (bad_photo, XUNCHA_PROTOCOL_ERROR_INVALID, "task.photos[0]");
  assert_task_refused (bad_result, XUNCHA_PROTOCOL_ERROR_INVALID, "task.result.task_id");
  assert_task_refused (time, XUNCHA_PROTOCOL_ERROR_INVALID, "task.deadline");
}

static void
test_task_limits (void)
{
  g_autofree char *radius_low = replace (task_text, "\"radius_m\":50", "\"radius_m\":0");
  g_autofree char *radius_high = replace (task_text, "\"radius_m\":50",
                                          "\"radius_m\":10001");
  g_autofree char *radius_max = replace (task_text, "\"radius_m\":50",
                                         "\"radius_m\":10000");
  g_autofree char *lat = replace (task_text, "\"lat\":30.6586", "\"lat\":91");
  g_autofree char *revision = replace (task_text, "\"revision\":17",
                                       "\"revision\":9007199254740992");
  g_autoptr(GString) photos = g_string_new ("\"photos\":[");
  g_autoptr(GString) streets = g_string_new ("\"street_ids\":[");
  g_autofree char *long_note = NULL, *max_note = NULL, *many_photos = NULL;
  g_autofree char *patrol = NULL, *many_streets = NULL, *long_street = NULL;
  g_autoptr(GString) note = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTask) task = NULL;

  assert_task_refused (radius_low, XUNCHA_PROTOCOL_ERROR_VALUE, "task.radius_m");
  assert_task_refused (radius_high, XUNCHA_PROTOCOL_ERROR_VALUE, "task.radius_m");
  assert_task_refused (lat, XUNCHA_PROTOCOL_ERROR_VALUE, "task.position.lat");
  assert_task_refused (revision, XUNCHA_PROTOCOL_ERROR_VALUE, "task.revision");
  task = decode_task (radius_max, &error);
  g_assert_no_error (error);
  g_clear_pointer (&task, xuncha_wire_task_free);

  /* The note: 2000 characters (not bytes) pass, 2001 do not. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (note, "占");
  max_note = replace (task_text, "市民热线：陈寿路12号门前占道", note->str);
  task = decode_task (max_note, &error);
  g_assert_no_error (error);
  g_clear_pointer (&task, xuncha_wire_task_free);
  g_string_append (note, "道");
  long_note = replace (task_text, "市民热线：陈寿路12号门前占道", note->str);
  assert_task_refused (long_note, XUNCHA_PROTOCOL_ERROR_VALUE, "task.note");

  /* Nine photos, one too many. */
  for (guint i = 0; i < 9; i++)
    g_string_append_printf (photos, "%s\"%.60s%04x\"", i > 0 ? "," : "", SHA1, i);
  g_string_append (photos, "]");
  many_photos = replace (task_text, "\"photos\":[\"" SHA1 "\"]", photos->str);
  assert_task_refused (many_photos, XUNCHA_PROTOCOL_ERROR_VALUE, "task.photos");

  /* A patrol: its streets, at most 500, each up to 64 characters. */
  patrol = replace (task_text, "\"position\":{\"lat\":30.6586,\"lon\":104.0648},"
                    "\"radius_m\":50", "\"position\":null,\"radius_m\":null");
  {
    g_autofree char *walk = replace (patrol, "\"verify\"", "\"patrol\"");

    g_free (patrol);
    patrol = replace (walk, "\"street_ids\":[]", "\"street_ids\":[\"s-1\",\"s-2\"]");
  }
  task = decode_task (patrol, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (task->street_ids), ==, 2);
  g_assert_false (task->has_position);
  g_clear_pointer (&task, xuncha_wire_task_free);
  for (guint i = 0; i < 501; i++)
    g_string_append_printf (streets, "%s\"s-%u\"", i > 0 ? "," : "", i);
  g_string_append (streets, "]");
  many_streets = replace (patrol, "\"street_ids\":[\"s-1\",\"s-2\"]", streets->str);
  assert_task_refused (many_streets, XUNCHA_PROTOCOL_ERROR_VALUE, "task.street_ids");
  long_street = replace (patrol, "\"s-2\"",
                         "\"s-123456789012345678901234567890123456789012345678901234567890abc\"");
  assert_task_refused (long_street, XUNCHA_PROTOCOL_ERROR_VALUE, "task.street_ids[1]");
}

static void
test_result_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTaskResult) result = xuncha_wire_task_result_decode (result_text, -1,
                                                                           &error);
  g_autoptr(XunchaWireTaskResult) again = NULL;
  g_autoptr(XunchaWireTaskResult) copy = NULL;
  g_autofree char *encoded = NULL, *encoded_again = NULL, *encoded_copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (result->outcome, ==, "confirmed");
  g_assert_true (result->has_position);
  g_assert_cmpfloat (result->accuracy, ==, 6.5);
  g_assert_cmpstr (result->position_source, ==, "gps");
  encoded = xuncha_wire_task_result_encode (result);
  again = xuncha_wire_task_result_decode (encoded, -1, &error);
  g_assert_no_error (error);
  encoded_again = xuncha_wire_task_result_encode (again);
  g_assert_cmpstr (encoded, ==, encoded_again);
  copy = xuncha_wire_task_result_copy (again);
  encoded_copy = xuncha_wire_task_result_encode (copy);
  g_assert_cmpstr (encoded, ==, encoded_copy);
}

static void
test_result_strict (void)
{
  g_autofree char *unknown = replace (result_text, "\"outcome\"", "\"extra\":1,\"outcome\"");
  g_autofree char *no_key = replace (result_text, "\"result_uuid\":\"" RESULT_ID "\",", "");
  g_autofree char *outcome = replace (result_text, "\"confirmed\"", "\"maybe\"");
  g_autofree char *different = replace (result_text, "\"confirmed\"", "\"different\"");
  g_autofree char *bad_report = replace (result_text, "[\"" REPORT_ID "\"]",
                                         "[\"" REPORT_ID "\",\"nope\"]");
  g_autofree char *twice = replace (result_text, "[\"" REPORT_ID "\"]",
                                    "[\"" REPORT_ID "\",\"" REPORT_ID "\"]");
  g_autofree char *no_source = replace (result_text, ",\"source\":\"gps\"", "");
  g_autofree char *accuracy = replace (result_text, "6.5", "100001");
  g_autofree char *wrong_type = replace (result_text, "\"report_uuids\":[\"" REPORT_ID "\"]",
                                         "\"report_uuids\":\"" REPORT_ID "\"");
  g_autoptr(GString) reports = g_string_new ("\"report_uuids\":[");
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree char *many = NULL, *long_note = NULL;

  assert_result_refused (unknown, XUNCHA_PROTOCOL_ERROR_INVALID, "result.extra");
  assert_result_refused (no_key, XUNCHA_PROTOCOL_ERROR_INVALID, "result.result_uuid");
  assert_result_refused (outcome, XUNCHA_PROTOCOL_ERROR_INVALID, "result.outcome");
  assert_result_refused (different, XUNCHA_PROTOCOL_ERROR_INVALID, "result.category");
  assert_result_refused (bad_report, XUNCHA_PROTOCOL_ERROR_INVALID, "result.report_uuids[1]");
  assert_result_refused (twice, XUNCHA_PROTOCOL_ERROR_INVALID, "result.report_uuids[1]");
  assert_result_refused (no_source, XUNCHA_PROTOCOL_ERROR_INVALID, "result.position.source");
  assert_result_refused (accuracy, XUNCHA_PROTOCOL_ERROR_VALUE, "result.position.accuracy");
  assert_result_refused (wrong_type, XUNCHA_PROTOCOL_ERROR_INVALID, "result.report_uuids");

  for (guint i = 0; i < 21; i++)
    g_string_append_printf (reports, "%s\"1b4e28ba-2fa1-41d2-883f-0016d3cc%04x\"",
                            i > 0 ? "," : "", i);
  g_string_append (reports, "]");
  many = replace (result_text, "\"report_uuids\":[\"" REPORT_ID "\"]", reports->str);
  assert_result_refused (many, XUNCHA_PROTOCOL_ERROR_VALUE, "result.report_uuids");

  for (guint i = 0; i < 2001; i++)
    g_string_append_c (note, 'x');
  g_string_prepend (note, "\"note\":\"");
  g_string_append_c (note, '"');
  long_note = replace (result_text, "\"note\":\"\"", note->str);
  assert_result_refused (long_note, XUNCHA_PROTOCOL_ERROR_VALUE, "result.note");
}

static void
test_result_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTaskResult) result = xuncha_wire_task_result_decode (result_text, -1,
                                                                           &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_wire_task_result_check_kind (result, "verify", &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_wire_task_result_check_kind (result, "check", &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "result.outcome"));
  g_clear_error (&error);

  g_free (result->outcome);
  result->outcome = g_strdup ("not_fixed");
  g_assert_true (xuncha_wire_task_result_check_kind (result, "check", &error));
  g_assert_no_error (error);

  /* A roll call: present, with the latest fix and the shift it was answered in. */
  g_free (result->outcome);
  result->outcome = g_strdup ("present");
  g_assert_true (xuncha_wire_task_result_check_kind (result, "rollcall", &error));
  g_assert_no_error (error);
  g_clear_pointer (&result->shift_uuid, g_free);
  g_assert_false (xuncha_wire_task_result_check_kind (result, "rollcall", &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "result.shift_uuid"));
  g_clear_error (&error);
  result->shift_uuid = g_strdup (SHIFT_ID);
  result->has_position = FALSE;
  g_assert_false (xuncha_wire_task_result_check_kind (result, "rollcall", &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "result.position"));
  g_clear_error (&error);

  g_free (result->outcome);
  result->outcome = g_strdup ("walked");
  g_assert_true (xuncha_wire_task_result_check_kind (result, "patrol", &error));
  g_assert_no_error (error);
}

static void
test_task_delta (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_task_free);
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(GString) many = g_string_new ("{\"revision\":5,\"tasks\":[");
  g_autofree char *encoded = NULL;
  gint64 revision = -1;

  g_ptr_array_add (tasks, decode_task (task_text, &error));
  g_assert_no_error (error);
  encoded = xuncha_wire_task_delta_encode (40, tasks);
  decoded = xuncha_wire_task_delta_decode (encoded, -1, &revision, &error);
  g_assert_no_error (error);
  g_assert_cmpint (revision, ==, 40);
  g_assert_cmpuint (decoded->len, ==, 1);
  g_clear_pointer (&decoded, g_ptr_array_unref);

  /* An empty answer; then an item that breaks the contract is named with its place. */
  decoded = xuncha_wire_task_delta_decode ("{\"revision\":0,\"tasks\":[]}", -1, &revision,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->len, ==, 0);
  g_clear_pointer (&decoded, g_ptr_array_unref);
  decoded = xuncha_wire_task_delta_decode ("{\"revision\":0,\"tasks\":[{}]}", -1, &revision,
                                           &error);
  g_assert_null (decoded);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "tasks[0]"));
  g_clear_error (&error);
  decoded = xuncha_wire_task_delta_decode ("{\"revision\":0,\"tasks\":[],\"deleted\":[]}", -1,
                                           &revision, &error);
  g_assert_null (decoded);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_clear_error (&error);

  /* More than 1000 tasks in one answer is refused before any is read. */
  for (guint i = 0; i < 1001; i++)
    g_string_append (many, i > 0 ? ",{}" : "{}");
  g_string_append (many, "]}");
  decoded = xuncha_wire_task_delta_decode (many->str, -1, &revision, &error);
  g_assert_null (decoded);
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE);
  g_clear_error (&error);

  /* Deep nesting never reaches json-glib. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"revision\":0,\"tasks\":[");

    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, ']');
    g_string_append (deep, "]}");
    decoded = xuncha_wire_task_delta_decode (deep->str, -1, &revision, &error);
    g_assert_null (decoded);
    g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "deep"));
  }
}

static void
test_message_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireMessage) message = decode_message (message_text, &error);
  g_autoptr(XunchaWireMessage) again = NULL;
  g_autoptr(XunchaWireMessage) copy = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_message_free);
  g_autoptr(GPtrArray) decoded = NULL;
  g_autofree char *encoded = NULL, *encoded_again = NULL, *answer = NULL, *delta = NULL;
  g_autofree char *read_body = NULL, *read_at = NULL;
  gint64 revision = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (message->audience, ==, "team");
  g_assert_cmpstr (message->team, ==, "T1");
  g_assert_null (message->read_at);
  encoded = xuncha_wire_message_encode (message);
  again = decode_message (encoded, &error);
  g_assert_no_error (error);
  encoded_again = xuncha_wire_message_encode (again);
  g_assert_cmpstr (encoded, ==, encoded_again);

  copy = xuncha_wire_message_copy (message);
  copy->read_at = g_strdup ("2024-05-01T09:00:00Z");
  answer = xuncha_wire_message_encode_answer (copy);
  g_clear_pointer (&again, xuncha_wire_message_free);
  again = xuncha_wire_message_decode_answer (answer, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->read_at, ==, "2024-05-01T09:00:00Z");

  g_ptr_array_add (messages, g_steal_pointer (&copy));
  delta = xuncha_wire_message_delta_encode (21, messages);
  decoded = xuncha_wire_message_delta_decode (delta, -1, &revision, &error);
  g_assert_no_error (error);
  g_assert_cmpint (revision, ==, 21);
  g_assert_cmpuint (decoded->len, ==, 1);

  read_body = xuncha_wire_message_encode_read ("2024-05-01T09:00:00Z");
  g_assert_true (xuncha_wire_message_decode_read (read_body, -1, &read_at, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (read_at, ==, "2024-05-01T09:00:00Z");
  g_clear_pointer (&read_at, g_free);
  g_assert_false (xuncha_wire_message_decode_read ("{\"read_at\":\"soon\"}", -1, &read_at,
                                                   &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "read.read_at"));
  g_clear_error (&error);
  g_assert_false (xuncha_wire_message_decode_read ("{\"read_at\":\"2024-05-01T09:00:00Z\","
                                                   "\"by\":\"A001\"}", -1, &read_at, &error));
  g_assert_error (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "read.by"));
  g_assert_null (read_at);
}

static void
test_message_strict (void)
{
  g_autofree char *unknown = replace (message_text, "\"title\"", "\"extra\":1,\"title\"");
  g_autofree char *audience = replace (message_text, "\"team\",", "\"crowd\",");
  g_autofree char *no_team = replace (message_text, "\"team\":\"T1\"", "\"team\":null");
  g_autofree char *officer_too = replace (message_text, "\"officer_id\":null",
                                          "\"officer_id\":\"A001\"");
  g_autofree char *all_with_team = replace (message_text, "\"audience\":\"team\"",
                                            "\"audience\":\"all\"");
  g_autofree char *no_title = replace (message_text, "\"title\":\"今晚集中整治\",", "");
  g_autofree char *wrong_type = replace (message_text, "\"revision\":21", "\"revision\":\"21\"");
  g_autofree char *long_title = NULL, *long_body = NULL;
  g_autoptr(GString) title = g_string_new ("\"title\":\"");
  g_autoptr(GString) body = g_string_new ("\"body\":\"");

  assert_message_refused (unknown, XUNCHA_PROTOCOL_ERROR_INVALID, "message.extra");
  assert_message_refused (audience, XUNCHA_PROTOCOL_ERROR_INVALID, "message.audience");
  assert_message_refused (no_team, XUNCHA_PROTOCOL_ERROR_INVALID, "message.team");
  assert_message_refused (officer_too, XUNCHA_PROTOCOL_ERROR_INVALID, "message.officer_id");
  assert_message_refused (all_with_team, XUNCHA_PROTOCOL_ERROR_INVALID, "message.audience");
  assert_message_refused (no_title, XUNCHA_PROTOCOL_ERROR_INVALID, "message.title");
  assert_message_refused (wrong_type, XUNCHA_PROTOCOL_ERROR_INVALID, "message.revision");

  for (guint i = 0; i < 201; i++)
    g_string_append (title, "通");
  g_string_append_c (title, '"');
  long_title = replace (message_text, "\"title\":\"今晚集中整治\"", title->str);
  assert_message_refused (long_title, XUNCHA_PROTOCOL_ERROR_VALUE, "message.title");
  for (guint i = 0; i < 2001; i++)
    g_string_append_c (body, 'b');
  g_string_append_c (body, '"');
  long_body = replace (message_text, "\"body\":\"19:00 陈寿路集合\"", body->str);
  assert_message_refused (long_body, XUNCHA_PROTOCOL_ERROR_VALUE, "message.body");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wire-task/task/round-trip", test_task_round_trip);
  g_test_add_func ("/wire-task/task/with-result", test_task_with_result);
  g_test_add_func ("/wire-task/task/strict", test_task_strict);
  g_test_add_func ("/wire-task/task/limits", test_task_limits);
  g_test_add_func ("/wire-task/task/delta", test_task_delta);
  g_test_add_func ("/wire-task/result/round-trip", test_result_round_trip);
  g_test_add_func ("/wire-task/result/strict", test_result_strict);
  g_test_add_func ("/wire-task/result/kinds", test_result_kinds);
  g_test_add_func ("/wire-task/message/round-trip", test_message_round_trip);
  g_test_add_func ("/wire-task/message/strict", test_message_strict);
  return g_test_run ();
}
