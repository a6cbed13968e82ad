/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include "xuncha-protocol-private.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-task.h"

G_DEFINE_BOXED_TYPE (XunchaWireMessage, xuncha_wire_message, xuncha_wire_message_copy,
                     xuncha_wire_message_free)

XunchaWireMessage *
xuncha_wire_message_new (void)
{
  return g_new0 (XunchaWireMessage, 1);
}

void
xuncha_wire_message_free (XunchaWireMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->id);
  g_free (message->audience);
  g_free (message->team);
  g_free (message->officer_id);
  g_free (message->sender);
  g_free (message->title);
  g_free (message->body);
  g_free (message->sent_at);
  g_free (message->read_at);
  g_free (message);
}

XunchaWireMessage *
xuncha_wire_message_copy (const XunchaWireMessage *message)
{
  XunchaWireMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = xuncha_wire_message_new ();
  copy->id = g_strdup (message->id);
  copy->audience = g_strdup (message->audience);
  copy->team = g_strdup (message->team);
  copy->officer_id = g_strdup (message->officer_id);
  copy->sender = g_strdup (message->sender);
  copy->title = g_strdup (message->title);
  copy->body = g_strdup (message->body);
  copy->sent_at = g_strdup (message->sent_at);
  copy->read_at = g_strdup (message->read_at);
  copy->revision = message->revision;
  return copy;
}

gboolean
xuncha_wire_message_validate (const XunchaWireMessage  *message,
                              GError                  **error)
{
  g_return_val_if_fail (message != NULL, FALSE);

  if (!xuncha_protocol_is_uuid (message->id))
    return xuncha_protocol_invalid (error, "message.id: not a lowercase UUID");
  if (g_strcmp0 (message->audience, "officer") == 0)
    {
      if (message->officer_id == NULL || *message->officer_id == '\0')
        return xuncha_protocol_invalid (error, "message.officer_id: required for the "
                                        "audience officer");
      if (message->team != NULL)
        return xuncha_protocol_invalid (error, "message.team: only for the audience team");
    }
  else if (g_strcmp0 (message->audience, "team") == 0)
    {
      if (message->team == NULL || *message->team == '\0')
        return xuncha_protocol_invalid (error, "message.team: required for the audience team");
      if (message->officer_id != NULL)
        return xuncha_protocol_invalid (error, "message.officer_id: only for the audience "
                                        "officer");
    }
  else if (g_strcmp0 (message->audience, "all") == 0)
    {
      if (message->team != NULL || message->officer_id != NULL)
        return xuncha_protocol_invalid (error, "message.audience: all names no officer or "
                                        "team");
    }
  else
    return xuncha_protocol_invalid (error, "message.audience: expected officer, team or all");
  if ((message->officer_id != NULL
       && !xuncha_protocol_check_length (message->officer_id, "message.officer_id",
                                         XUNCHA_PROTOCOL_ID_MAX, error))
      || (message->team != NULL
          && !xuncha_protocol_check_length (message->team, "message.team",
                                            XUNCHA_PROTOCOL_NAME_MAX, error)))
    return FALSE;
  if (message->sender == NULL || message->title == NULL || message->body == NULL)
    return xuncha_protocol_invalid (error, "message.%s: required",
                                    message->sender == NULL ? "sender"
                                    : message->title == NULL ? "title" : "body");
  if (!xuncha_protocol_check_length (message->sender, "message.sender",
                                     XUNCHA_PROTOCOL_NAME_MAX, error)
      || !xuncha_protocol_check_length (message->title, "message.title",
                                        XUNCHA_PROTOCOL_NAME_MAX, error)
      || !xuncha_protocol_check_length (message->body, "message.body",
                                        XUNCHA_PROTOCOL_TEXT_MAX, error))
    return FALSE;
  if (!xuncha_protocol_is_time (message->sent_at))
    return xuncha_protocol_invalid (error, "message.sent_at: not an ISO 8601 time");
  if (message->read_at != NULL && !xuncha_protocol_is_time (message->read_at))
    return xuncha_protocol_invalid (error, "message.read_at: not an ISO 8601 time");
  if (message->revision < 0 || message->revision > XUNCHA_PROTOCOL_REVISION_MAX)
    return xuncha_protocol_refuse (error, "message.revision: outside 0…%" G_GINT64_FORMAT,
                                   XUNCHA_PROTOCOL_REVISION_MAX);
  return TRUE;
}

XunchaWireMessage *
xuncha_wire_message_from_json (JsonNode  *node,
                               GError   **error)
{
  static const char * const members[] = {
    "id", "audience", "team", "officer_id", "sender", "title", "body", "sent_at", "read_at",
    "revision", NULL
  };
  g_autoptr(XunchaWireMessage) message = xuncha_wire_message_new ();
  JsonObject *object;
  const char *s;

  object = xuncha_protocol_as_object (node, "message", error);
  if (object == NULL || !xuncha_protocol_check_members (object, "message", members, error))
    return NULL;

#define STRING(member, required, max, field) \
  G_STMT_START { \
    if (!xuncha_protocol_get_string (object, "message", member, required, max, &s, error)) \
      return NULL; \
    message->field = g_strdup (s); \
  } G_STMT_END

  STRING ("id", TRUE, XUNCHA_PROTOCOL_ID_MAX, id);
  STRING ("audience", TRUE, XUNCHA_PROTOCOL_ID_MAX, audience);
  STRING ("team", FALSE, XUNCHA_PROTOCOL_NAME_MAX, team);
  STRING ("officer_id", FALSE, XUNCHA_PROTOCOL_ID_MAX, officer_id);
  STRING ("sender", TRUE, XUNCHA_PROTOCOL_NAME_MAX, sender);
  STRING ("title", TRUE, XUNCHA_PROTOCOL_NAME_MAX, title);
  STRING ("body", TRUE, XUNCHA_PROTOCOL_TEXT_MAX, body);
  STRING ("sent_at", TRUE, XUNCHA_PROTOCOL_TIME_MAX, sent_at);
  STRING ("read_at", FALSE, XUNCHA_PROTOCOL_TIME_MAX, read_at);
#undef STRING

  if (!xuncha_protocol_get_int (object, "message", "revision", TRUE, 0,
                                XUNCHA_PROTOCOL_REVISION_MAX, &message->revision, error)
      || !xuncha_wire_message_validate (message, error))
    return NULL;
  return g_steal_pointer (&message);
}

JsonNode *
xuncha_wire_message_to_json (const XunchaWireMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "id", message->id);
  xuncha_protocol_add_string (builder, "audience", message->audience);
  xuncha_protocol_add_string (builder, "team", message->team);
  xuncha_protocol_add_string (builder, "officer_id", message->officer_id);
  xuncha_protocol_add_string (builder, "sender", message->sender);
  xuncha_protocol_add_string (builder, "title", message->title);
  xuncha_protocol_add_string (builder, "body", message->body);
  xuncha_protocol_add_string (builder, "sent_at", message->sent_at);
  xuncha_protocol_add_string (builder, "read_at", message->read_at);
  xuncha_protocol_add_int (builder, "revision", message->revision);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
xuncha_wire_message_encode (const XunchaWireMessage *message)
{
  g_autoptr(JsonNode) node = xuncha_wire_message_to_json (message);

  return xuncha_protocol_to_string (node);
}

char *
xuncha_wire_message_delta_encode (gint64     revision,
                                  GPtrArray *messages)
{
  return xuncha_protocol_encode_delta ("messages", revision, messages,
                                       (JsonNode *(*) (gconstpointer))xuncha_wire_message_to_json);
}

GPtrArray *
xuncha_wire_message_delta_decode (const char  *data,
                                  gssize       length,
                                  gint64      *revision,
                                  GError     **error)
{
  return xuncha_protocol_decode_delta (data, length, "messages", XUNCHA_WIRE_TASK_DELTA_MAX,
                                       (gpointer (*) (JsonNode *, GError **))xuncha_wire_message_from_json,
                                       (GDestroyNotify)xuncha_wire_message_free, revision, error);
}

char *
xuncha_wire_message_encode_answer (const XunchaWireMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_value (builder, xuncha_wire_message_to_json (message));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

XunchaWireMessage *
xuncha_wire_message_decode_answer (const char  *data,
                                   gssize       length,
                                   GError     **error)
{
  static const char * const members[] = { "message", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "answer", error);
  JsonObject *object, *message_object;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "answer", members, error)
      || !xuncha_protocol_get_object (object, "answer", "message", TRUE, &message_object,
                                      error))
    return NULL;
  return xuncha_wire_message_from_json (json_object_get_member (object, "message"), error);
}

char *
xuncha_wire_message_encode_read (const char *read_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (read_at != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "read_at", read_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

gboolean
xuncha_wire_message_decode_read (const char  *data,
                                 gssize       length,
                                 char       **read_at,
                                 GError     **error)
{
  static const char * const members[] = { "read_at", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "read", error);
  JsonObject *object;
  const char *s;

  g_return_val_if_fail (read_at != NULL, FALSE);

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "read", members, error)
      || !xuncha_protocol_get_string (object, "read", "read_at", TRUE,
                                      XUNCHA_PROTOCOL_TIME_MAX, &s, error))
    return FALSE;
  if (!xuncha_protocol_is_time (s))
    return xuncha_protocol_invalid (error, "read.read_at: not an ISO 8601 time");
  *read_at = g_strdup (s);
  return TRUE;
}
