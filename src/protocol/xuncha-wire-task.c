/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>

#include "xuncha-protocol-private.h"
#include "xuncha-wire-task.h"

G_DEFINE_BOXED_TYPE (XunchaWireTask, xuncha_wire_task, xuncha_wire_task_copy,
                     xuncha_wire_task_free)

static const char * const kinds[] = { "verify", "check", "rollcall", "patrol", NULL };
static const char * const states[] = {
  "open", "accepted", "done", "cancelled", "expired", NULL
};

XunchaWireTask *
xuncha_wire_task_new (void)
{
  XunchaWireTask *task = g_new0 (XunchaWireTask, 1);

  task->lat = task->lon = task->radius_m = NAN;
  task->street_ids = g_new0 (char *, 1);
  task->photos = g_new0 (char *, 1);
  return task;
}

void
xuncha_wire_task_free (XunchaWireTask *task)
{
  if (task == NULL)
    return;
  g_free (task->id);
  g_free (task->kind);
  g_free (task->officer_id);
  g_free (task->team);
  g_free (task->state);
  g_free (task->accepted_by);
  g_free (task->created_at);
  g_free (task->deadline);
  g_free (task->category);
  g_strfreev (task->street_ids);
  g_free (task->report_uuid);
  g_free (task->note);
  g_strfreev (task->photos);
  g_clear_pointer (&task->result, xuncha_wire_task_result_free);
  g_free (task);
}

XunchaWireTask *
xuncha_wire_task_copy (const XunchaWireTask *task)
{
  XunchaWireTask *copy;

  g_return_val_if_fail (task != NULL, NULL);

  copy = g_new0 (XunchaWireTask, 1);
  copy->id = g_strdup (task->id);
  copy->kind = g_strdup (task->kind);
  copy->officer_id = g_strdup (task->officer_id);
  copy->team = g_strdup (task->team);
  copy->state = g_strdup (task->state);
  copy->accepted_by = g_strdup (task->accepted_by);
  copy->created_at = g_strdup (task->created_at);
  copy->deadline = g_strdup (task->deadline);
  copy->has_position = task->has_position;
  copy->lat = task->lat;
  copy->lon = task->lon;
  copy->radius_m = task->radius_m;
  copy->category = g_strdup (task->category);
  copy->street_ids = task->street_ids != NULL ? g_strdupv (task->street_ids)
                                              : g_new0 (char *, 1);
  copy->report_uuid = g_strdup (task->report_uuid);
  copy->note = g_strdup (task->note);
  copy->photos = task->photos != NULL ? g_strdupv (task->photos) : g_new0 (char *, 1);
  copy->result = task->result != NULL ? xuncha_wire_task_result_copy (task->result) : NULL;
  copy->revision = task->revision;
  return copy;
}

gboolean
xuncha_wire_task_is_kind (const char *kind)
{
  return kind != NULL && g_strv_contains (kinds, kind);
}

gboolean
xuncha_wire_task_is_state (const char *state)
{
  return state != NULL && g_strv_contains (states, state);
}

gboolean
xuncha_wire_task_validate (const XunchaWireTask  *task,
                           GError               **error)
{
  gboolean placed;
  guint n;

  g_return_val_if_fail (task != NULL, FALSE);

  if (!xuncha_protocol_is_uuid (task->id))
    return xuncha_protocol_invalid (error, "task.id: not a lowercase UUID");
  if (!xuncha_wire_task_is_kind (task->kind))
    return xuncha_protocol_invalid (error, "task.kind: expected verify, check, rollcall or "
                                    "patrol");
  if ((task->officer_id == NULL) == (task->team == NULL))
    return xuncha_protocol_invalid (error, "task.officer_id: exactly one of officer_id and "
                                    "team names whom the task is for");
  if ((task->officer_id != NULL
       && !xuncha_protocol_check_length (task->officer_id, "task.officer_id",
                                         XUNCHA_PROTOCOL_ID_MAX, error))
      || (task->team != NULL
          && !xuncha_protocol_check_length (task->team, "task.team", XUNCHA_PROTOCOL_NAME_MAX,
                                            error))
      || (task->accepted_by != NULL
          && !xuncha_protocol_check_length (task->accepted_by, "task.accepted_by",
                                            XUNCHA_PROTOCOL_ID_MAX, error)))
    return FALSE;
  if ((task->officer_id != NULL && *task->officer_id == '\0')
      || (task->team != NULL && *task->team == '\0'))
    return xuncha_protocol_invalid (error, "task.officer_id: empty");
  if (!xuncha_wire_task_is_state (task->state))
    return xuncha_protocol_invalid (error, "task.state: expected open, accepted, done, "
                                    "cancelled or expired");
  if (!xuncha_protocol_is_time (task->created_at))
    return xuncha_protocol_invalid (error, "task.created_at: not an ISO 8601 time");
  if (!xuncha_protocol_is_time (task->deadline))
    return xuncha_protocol_invalid (error, "task.deadline: not an ISO 8601 time");

  placed = g_str_equal (task->kind, "verify") || g_str_equal (task->kind, "check");
  if (task->has_position)
    {
      if (!placed)
        return xuncha_protocol_invalid (error, "task.position: only a verify or check task "
                                        "has a place");
      if (!(task->lat >= -90 && task->lat <= 90))
        return xuncha_protocol_refuse (error, "task.position.lat: outside -90…90");
      if (!(task->lon >= -180 && task->lon <= 180))
        return xuncha_protocol_refuse (error, "task.position.lon: outside -180…180");
      if (!(task->radius_m >= 1 && task->radius_m <= XUNCHA_WIRE_TASK_RADIUS_MAX_M))
        return xuncha_protocol_refuse (error, "task.radius_m: outside 1…%g",
                                       XUNCHA_WIRE_TASK_RADIUS_MAX_M);
    }
  else if (!isnan (task->radius_m))
    return xuncha_protocol_invalid (error, "task.radius_m: only with a position");

  if (task->category != NULL && !xuncha_protocol_is_category_code (task->category))
    return xuncha_protocol_refuse (error, "task.category: not a category code (1 to 16 "
                                   "letters, digits, '-', '_' or '.')");

  n = task->street_ids != NULL ? g_strv_length (task->street_ids) : 0;
  if (n > 0 && !g_str_equal (task->kind, "patrol"))
    return xuncha_protocol_invalid (error, "task.street_ids: only a patrol task has streets");
  if (n > XUNCHA_WIRE_TASK_STREETS_MAX)
    return xuncha_protocol_refuse (error, "task.street_ids: more than %d streets",
                                   XUNCHA_WIRE_TASK_STREETS_MAX);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("task.street_ids[%u]", i);

      if (*task->street_ids[i] == '\0')
        return xuncha_protocol_invalid (error, "%s: empty", path);
      if (!xuncha_protocol_check_length (task->street_ids[i], path, XUNCHA_PROTOCOL_ID_MAX,
                                         error))
        return FALSE;
    }

  if (task->report_uuid != NULL && !xuncha_protocol_is_uuid (task->report_uuid))
    return xuncha_protocol_invalid (error, "task.report_uuid: not a lowercase UUID");
  if (task->report_uuid == NULL && g_str_equal (task->kind, "check"))
    return xuncha_protocol_invalid (error, "task.report_uuid: required for a check (the case "
                                    "it checks)");
  if (task->note != NULL
      && !xuncha_protocol_check_length (task->note, "task.note", XUNCHA_PROTOCOL_TEXT_MAX,
                                        error))
    return FALSE;

  n = task->photos != NULL ? g_strv_length (task->photos) : 0;
  if (n > XUNCHA_WIRE_TASK_PHOTOS_MAX)
    return xuncha_protocol_refuse (error, "task.photos: more than %d photos",
                                   XUNCHA_WIRE_TASK_PHOTOS_MAX);
  for (guint i = 0; i < n; i++)
    {
      if (!xuncha_protocol_is_sha256 (task->photos[i]))
        return xuncha_protocol_invalid (error, "task.photos[%u]: not 64 lowercase hex digits",
                                        i);
      for (guint k = 0; k < i; k++)
        if (g_str_equal (task->photos[k], task->photos[i]))
          return xuncha_protocol_invalid (error, "task.photos[%u]: listed twice", i);
    }

  if (task->result != NULL)
    {
      if (!xuncha_wire_task_result_validate (task->result, error))
        {
          g_prefix_error (error, "task.");
          return FALSE;
        }
      if (g_strcmp0 (task->result->task_id, task->id) != 0)
        return xuncha_protocol_invalid (error, "task.result.task_id: not this task");
    }
  if (task->revision < 0 || task->revision > XUNCHA_PROTOCOL_REVISION_MAX)
    return xuncha_protocol_refuse (error, "task.revision: outside 0…%" G_GINT64_FORMAT,
                                   XUNCHA_PROTOCOL_REVISION_MAX);
  return TRUE;
}

XunchaWireTask *
xuncha_wire_task_from_json (JsonNode  *node,
                            GError   **error)
{
  static const char * const members[] = {
    "id", "kind", "officer_id", "team", "state", "accepted_by", "created_at", "deadline",
    "position", "radius_m", "category", "street_ids", "report_uuid", "note", "photos",
    "result", "revision", NULL
  };
  static const char * const position_members[] = { "lat", "lon", NULL };
  g_autoptr(XunchaWireTask) task = xuncha_wire_task_new ();
  JsonObject *object, *position;
  JsonNode *result;
  const char *s;

  object = xuncha_protocol_as_object (node, "task", error);
  if (object == NULL || !xuncha_protocol_check_members (object, "task", members, error))
    return NULL;

#define STRING(member, required, max, field) \
  G_STMT_START { \
    if (!xuncha_protocol_get_string (object, "task", member, required, max, &s, error)) \
      return NULL; \
    task->field = g_strdup (s); \
  } G_STMT_END

  STRING ("id", TRUE, XUNCHA_PROTOCOL_ID_MAX, id);
  STRING ("kind", TRUE, XUNCHA_PROTOCOL_ID_MAX, kind);
  STRING ("officer_id", FALSE, XUNCHA_PROTOCOL_ID_MAX, officer_id);
  STRING ("team", FALSE, XUNCHA_PROTOCOL_NAME_MAX, team);
  STRING ("state", TRUE, XUNCHA_PROTOCOL_ID_MAX, state);
  STRING ("accepted_by", FALSE, XUNCHA_PROTOCOL_ID_MAX, accepted_by);
  STRING ("created_at", TRUE, XUNCHA_PROTOCOL_TIME_MAX, created_at);
  STRING ("deadline", TRUE, XUNCHA_PROTOCOL_TIME_MAX, deadline);
  STRING ("category", FALSE, XUNCHA_PROTOCOL_ID_MAX, category);
  STRING ("report_uuid", FALSE, XUNCHA_PROTOCOL_ID_MAX, report_uuid);
  STRING ("note", FALSE, XUNCHA_PROTOCOL_TEXT_MAX, note);
#undef STRING

  if (!xuncha_protocol_get_object (object, "task", "position", FALSE, &position, error))
    return NULL;
  if (position != NULL)
    {
      task->has_position = TRUE;
      if (!xuncha_protocol_check_members (position, "task.position", position_members, error)
          || !xuncha_protocol_get_double (position, "task.position", "lat", TRUE, -90, 90,
                                          &task->lat, error)
          || !xuncha_protocol_get_double (position, "task.position", "lon", TRUE, -180, 180,
                                          &task->lon, error))
        return NULL;
    }
  if (!xuncha_protocol_get_double (object, "task", "radius_m", FALSE, 1,
                                   XUNCHA_WIRE_TASK_RADIUS_MAX_M, &task->radius_m, error))
    return NULL;
  if (task->has_position && isnan (task->radius_m))
    {
      xuncha_protocol_invalid (error, "task.radius_m: required with a position");
      return NULL;
    }

  g_clear_pointer (&task->street_ids, g_strfreev);
  g_clear_pointer (&task->photos, g_strfreev);
  if (!xuncha_protocol_get_strv (object, "task", "street_ids", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                 &task->street_ids, error)
      || !xuncha_protocol_get_strv (object, "task", "photos", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                    &task->photos, error)
      || !xuncha_protocol_get_int (object, "task", "revision", TRUE, 0,
                                   XUNCHA_PROTOCOL_REVISION_MAX, &task->revision, error))
    return NULL;

  result = json_object_get_member (object, "result");
  if (result != NULL && !JSON_NODE_HOLDS_NULL (result))
    {
      task->result = xuncha_wire_task_result_from_json (result, error);
      if (task->result == NULL)
        {
          g_prefix_error (error, "task.");
          return NULL;
        }
    }

  if (!xuncha_wire_task_validate (task, error))
    return NULL;
  return g_steal_pointer (&task);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

JsonNode *
xuncha_wire_task_to_json (const XunchaWireTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (task != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "id", task->id);
  xuncha_protocol_add_string (builder, "kind", task->kind);
  xuncha_protocol_add_string (builder, "officer_id", task->officer_id);
  xuncha_protocol_add_string (builder, "team", task->team);
  xuncha_protocol_add_string (builder, "state", task->state);
  xuncha_protocol_add_string (builder, "accepted_by", task->accepted_by);
  xuncha_protocol_add_string (builder, "created_at", task->created_at);
  xuncha_protocol_add_string (builder, "deadline", task->deadline);
  json_builder_set_member_name (builder, "position");
  if (task->has_position)
    {
      json_builder_begin_object (builder);
      xuncha_protocol_add_double (builder, "lat", task->lat);
      xuncha_protocol_add_double (builder, "lon", task->lon);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  xuncha_protocol_add_double (builder, "radius_m", task->has_position ? task->radius_m : NAN);
  xuncha_protocol_add_string (builder, "category", task->category);
  add_strv (builder, "street_ids", (const char * const *)task->street_ids);
  xuncha_protocol_add_string (builder, "report_uuid", task->report_uuid);
  xuncha_protocol_add_string (builder, "note", task->note);
  add_strv (builder, "photos", (const char * const *)task->photos);
  json_builder_set_member_name (builder, "result");
  if (task->result != NULL)
    json_builder_add_value (builder, xuncha_wire_task_result_to_json (task->result));
  else
    json_builder_add_null_value (builder);
  xuncha_protocol_add_int (builder, "revision", task->revision);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
xuncha_wire_task_encode (const XunchaWireTask *task)
{
  g_autoptr(JsonNode) node = xuncha_wire_task_to_json (task);

  return xuncha_protocol_to_string (node);
}

char *
xuncha_wire_task_delta_encode (gint64     revision,
                               GPtrArray *tasks)
{
  return xuncha_protocol_encode_delta ("tasks", revision, tasks,
                                       (JsonNode *(*) (gconstpointer))xuncha_wire_task_to_json);
}

GPtrArray *
xuncha_wire_task_delta_decode (const char  *data,
                               gssize       length,
                               gint64      *revision,
                               GError     **error)
{
  return xuncha_protocol_decode_delta (data, length, "tasks", XUNCHA_WIRE_TASK_DELTA_MAX,
                                       (gpointer (*) (JsonNode *, GError **))xuncha_wire_task_from_json,
                                       (GDestroyNotify)xuncha_wire_task_free, revision, error);
}

static char *
encode_answer (const XunchaWireTask *task,
               const char           *taken_message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (taken_message != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      xuncha_protocol_add_string (builder, "code", "task_taken");
      xuncha_protocol_add_string (builder, "message", taken_message);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "task");
  json_builder_add_value (builder, xuncha_wire_task_to_json (task));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

char *
xuncha_wire_task_encode_answer (const XunchaWireTask *task)
{
  g_return_val_if_fail (task != NULL, NULL);
  return encode_answer (task, NULL);
}

char *
xuncha_wire_task_encode_taken (const XunchaWireTask *task,
                               const char           *message)
{
  g_return_val_if_fail (task != NULL, NULL);
  return encode_answer (task, message != NULL ? message : "task_taken");
}

XunchaWireTask *
xuncha_wire_task_decode_answer (const char  *data,
                                gssize       length,
                                GError     **error)
{
  static const char * const members[] = { "error", "task", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "answer", error);
  JsonObject *object, *error_object, *task_object;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "answer", members, error)
      || !xuncha_protocol_get_object (object, "answer", "error", FALSE, &error_object, error)
      || !xuncha_protocol_get_object (object, "answer", "task", TRUE, &task_object,
                                      error))
    return NULL;
  return xuncha_wire_task_from_json (json_object_get_member (object, "task"), error);
}
