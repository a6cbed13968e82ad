/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>

#include "xuncha-protocol-private.h"
#include "xuncha-wire-task-result.h"

G_DEFINE_BOXED_TYPE (XunchaWireTaskResult, xuncha_wire_task_result,
                     xuncha_wire_task_result_copy, xuncha_wire_task_result_free)

static const char * const sources[] = { "gps", "manual", "exif", "track", NULL };

XunchaWireTaskResult *
xuncha_wire_task_result_new (void)
{
  XunchaWireTaskResult *result = g_new0 (XunchaWireTaskResult, 1);

  result->lat = result->lon = result->accuracy = NAN;
  result->report_uuids = g_new0 (char *, 1);
  return result;
}

void
xuncha_wire_task_result_free (XunchaWireTaskResult *result)
{
  if (result == NULL)
    return;
  g_free (result->task_id);
  g_free (result->result_uuid);
  g_free (result->outcome);
  g_free (result->category);
  g_strfreev (result->report_uuids);
  g_free (result->note);
  g_free (result->position_source);
  g_free (result->shift_uuid);
  g_free (result->done_at);
  g_free (result);
}

XunchaWireTaskResult *
xuncha_wire_task_result_copy (const XunchaWireTaskResult *result)
{
  XunchaWireTaskResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (XunchaWireTaskResult, 1);
  copy->task_id = g_strdup (result->task_id);
  copy->result_uuid = g_strdup (result->result_uuid);
  copy->outcome = g_strdup (result->outcome);
  copy->category = g_strdup (result->category);
  copy->report_uuids = result->report_uuids != NULL ? g_strdupv (result->report_uuids)
                                                    : g_new0 (char *, 1);
  copy->note = g_strdup (result->note);
  copy->has_position = result->has_position;
  copy->lat = result->lat;
  copy->lon = result->lon;
  copy->accuracy = result->accuracy;
  copy->position_source = g_strdup (result->position_source);
  copy->shift_uuid = g_strdup (result->shift_uuid);
  copy->done_at = g_strdup (result->done_at);
  return copy;
}

gboolean
xuncha_wire_task_result_validate (const XunchaWireTaskResult  *result,
                                  GError                     **error)
{
  static const char * const outcomes[] = {
    "confirmed", "not_found", "different", "fixed", "not_fixed", "partly", "present",
    "walked", NULL
  };
  guint n_reports;

  g_return_val_if_fail (result != NULL, FALSE);

  if (!xuncha_protocol_is_uuid (result->task_id))
    return xuncha_protocol_invalid (error, "result.task_id: not a lowercase UUID");
  if (!xuncha_protocol_is_uuid (result->result_uuid))
    return xuncha_protocol_invalid (error, "result.result_uuid: not a lowercase UUID");
  if (!g_strv_contains (outcomes, result->outcome != NULL ? result->outcome : ""))
    return xuncha_protocol_invalid (error, "result.outcome: expected confirmed, not_found, "
                                    "different, fixed, not_fixed, partly, present or walked");
  if (g_str_equal (result->outcome, "different") && result->category == NULL)
    return xuncha_protocol_invalid (error, "result.category: required for the outcome "
                                    "different");
  if (result->category != NULL && !xuncha_protocol_is_category_code (result->category))
    return xuncha_protocol_refuse (error, "result.category: not a category code (1 to 16 "
                                   "letters, digits, '-', '_' or '.')");
  n_reports = result->report_uuids != NULL ? g_strv_length (result->report_uuids) : 0;
  if (n_reports > XUNCHA_WIRE_TASK_RESULT_REPORTS_MAX)
    return xuncha_protocol_refuse (error, "result.report_uuids: more than %d reports",
                                   XUNCHA_WIRE_TASK_RESULT_REPORTS_MAX);
  for (guint i = 0; i < n_reports; i++)
    {
      if (!xuncha_protocol_is_uuid (result->report_uuids[i]))
        return xuncha_protocol_invalid (error, "result.report_uuids[%u]: not a lowercase UUID",
                                        i);
      for (guint k = 0; k < i; k++)
        if (g_str_equal (result->report_uuids[k], result->report_uuids[i]))
          return xuncha_protocol_invalid (error, "result.report_uuids[%u]: listed twice", i);
    }
  if (result->note != NULL
      && !xuncha_protocol_check_length (result->note, "result.note", XUNCHA_PROTOCOL_TEXT_MAX,
                                        error))
    return FALSE;
  if (result->has_position)
    {
      if (!(result->lat >= -90 && result->lat <= 90))
        return xuncha_protocol_refuse (error, "result.position.lat: outside -90…90");
      if (!(result->lon >= -180 && result->lon <= 180))
        return xuncha_protocol_refuse (error, "result.position.lon: outside -180…180");
      if (!isnan (result->accuracy)
          && !(result->accuracy >= 0 && result->accuracy <= XUNCHA_PROTOCOL_ACCURACY_MAX_M))
        return xuncha_protocol_refuse (error, "result.position.accuracy: outside 0…%g",
                                       XUNCHA_PROTOCOL_ACCURACY_MAX_M);
      if (!g_strv_contains (sources, result->position_source != NULL
                                     ? result->position_source : ""))
        return xuncha_protocol_invalid (error, "result.position.source: expected gps, manual, "
                                        "exif or track");
    }
  if (result->shift_uuid != NULL && !xuncha_protocol_is_uuid (result->shift_uuid))
    return xuncha_protocol_invalid (error, "result.shift_uuid: not a lowercase UUID");
  if (!xuncha_protocol_is_time (result->done_at))
    return xuncha_protocol_invalid (error, "result.done_at: not an ISO 8601 time");
  return TRUE;
}

gboolean
xuncha_wire_task_result_check_kind (const XunchaWireTaskResult  *result,
                                    const char                  *kind,
                                    GError                     **error)
{
  static const char * const verify[] = { "confirmed", "not_found", "different", NULL };
  static const char * const check[] = { "fixed", "not_fixed", "partly", NULL };
  static const char * const rollcall[] = { "present", NULL };
  static const char * const patrol[] = { "walked", NULL };
  const char * const *allowed;

  g_return_val_if_fail (result != NULL && result->outcome != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  if (g_str_equal (kind, "verify"))
    allowed = verify;
  else if (g_str_equal (kind, "check"))
    allowed = check;
  else if (g_str_equal (kind, "rollcall"))
    allowed = rollcall;
  else
    allowed = patrol;
  if (!g_strv_contains (allowed, result->outcome))
    {
      g_autofree char *list = g_strjoinv (", ", (char **)allowed);

      return xuncha_protocol_refuse (error, "result.outcome: a %s task takes %s", kind, list);
    }
  if (g_str_equal (kind, "rollcall"))
    {
      if (!result->has_position)
        return xuncha_protocol_invalid (error, "result.position: required for a roll call "
                                        "(the latest fix)");
      if (result->shift_uuid == NULL)
        return xuncha_protocol_invalid (error, "result.shift_uuid: required for a roll call "
                                        "(it is answered only while a shift is on)");
    }
  return TRUE;
}

XunchaWireTaskResult *
xuncha_wire_task_result_from_json (JsonNode  *node,
                                   GError   **error)
{
  static const char * const members[] = {
    "task_id", "result_uuid", "outcome", "category", "report_uuids", "note", "position",
    "shift_uuid", "done_at", NULL
  };
  static const char * const position_members[] = { "lat", "lon", "accuracy", "source", NULL };
  g_autoptr(XunchaWireTaskResult) result = xuncha_wire_task_result_new ();
  JsonObject *object, *position;
  const char *s;

  object = xuncha_protocol_as_object (node, "result", error);
  if (object == NULL || !xuncha_protocol_check_members (object, "result", members, error))
    return NULL;

#define STRING(member, required, max, field) \
  G_STMT_START { \
    if (!xuncha_protocol_get_string (object, "result", member, required, max, &s, error)) \
      return NULL; \
    result->field = g_strdup (s); \
  } G_STMT_END

  STRING ("task_id", TRUE, XUNCHA_PROTOCOL_ID_MAX, task_id);
  STRING ("result_uuid", TRUE, XUNCHA_PROTOCOL_ID_MAX, result_uuid);
  STRING ("outcome", TRUE, XUNCHA_PROTOCOL_ID_MAX, outcome);
  STRING ("category", FALSE, XUNCHA_PROTOCOL_ID_MAX, category);
  STRING ("note", FALSE, XUNCHA_PROTOCOL_TEXT_MAX, note);
  STRING ("shift_uuid", FALSE, XUNCHA_PROTOCOL_ID_MAX, shift_uuid);
  STRING ("done_at", TRUE, XUNCHA_PROTOCOL_TIME_MAX, done_at);
#undef STRING

  g_clear_pointer (&result->report_uuids, g_strfreev);
  if (!xuncha_protocol_get_strv (object, "result", "report_uuids", TRUE,
                                 XUNCHA_PROTOCOL_ID_MAX, &result->report_uuids, error))
    return NULL;

  if (!xuncha_protocol_get_object (object, "result", "position", FALSE, &position, error))
    return NULL;
  if (position != NULL)
    {
      result->has_position = TRUE;
      if (!xuncha_protocol_check_members (position, "result.position", position_members, error)
          || !xuncha_protocol_get_double (position, "result.position", "lat", TRUE, -90, 90,
                                          &result->lat, error)
          || !xuncha_protocol_get_double (position, "result.position", "lon", TRUE, -180, 180,
                                          &result->lon, error)
          || !xuncha_protocol_get_double (position, "result.position", "accuracy", FALSE, 0,
                                          XUNCHA_PROTOCOL_ACCURACY_MAX_M, &result->accuracy,
                                          error)
          || !xuncha_protocol_get_string (position, "result.position", "source", TRUE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s, error))
        return NULL;
      result->position_source = g_strdup (s);
    }

  if (!xuncha_wire_task_result_validate (result, error))
    return NULL;
  return g_steal_pointer (&result);
}

XunchaWireTaskResult *
xuncha_wire_task_result_decode (const char  *data,
                                gssize       length,
                                GError     **error)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "result", error);

  if (root == NULL)
    return NULL;
  return xuncha_wire_task_result_from_json (root, error);
}

JsonNode *
xuncha_wire_task_result_to_json (const XunchaWireTaskResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "task_id", result->task_id);
  xuncha_protocol_add_string (builder, "result_uuid", result->result_uuid);
  xuncha_protocol_add_string (builder, "outcome", result->outcome);
  xuncha_protocol_add_string (builder, "category", result->category);
  json_builder_set_member_name (builder, "report_uuids");
  json_builder_begin_array (builder);
  for (guint i = 0; result->report_uuids != NULL && result->report_uuids[i] != NULL; i++)
    json_builder_add_string_value (builder, result->report_uuids[i]);
  json_builder_end_array (builder);
  xuncha_protocol_add_string (builder, "note", result->note);
  json_builder_set_member_name (builder, "position");
  if (result->has_position)
    {
      json_builder_begin_object (builder);
      xuncha_protocol_add_double (builder, "lat", result->lat);
      xuncha_protocol_add_double (builder, "lon", result->lon);
      xuncha_protocol_add_double (builder, "accuracy", result->accuracy);
      xuncha_protocol_add_string (builder, "source", result->position_source);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  xuncha_protocol_add_string (builder, "shift_uuid", result->shift_uuid);
  xuncha_protocol_add_string (builder, "done_at", result->done_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
xuncha_wire_task_result_encode (const XunchaWireTaskResult *result)
{
  g_autoptr(JsonNode) node = xuncha_wire_task_result_to_json (result);

  return xuncha_protocol_to_string (node);
}
