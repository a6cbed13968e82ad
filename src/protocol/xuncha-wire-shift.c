/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>

#include "xuncha-protocol-private.h"
#include "xuncha-wire-shift.h"

XunchaWireShift *
xuncha_wire_shift_new (void)
{
  return g_new0 (XunchaWireShift, 1);
}

void
xuncha_wire_shift_free (XunchaWireShift *shift)
{
  if (shift == NULL)
    return;
  g_free (shift->uuid);
  g_free (shift->kind);
  g_free (shift->started_at);
  g_free (shift->ended_at);
  g_free (shift);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

char *
xuncha_wire_shift_encode (const XunchaWireShift *shift)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (shift != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "uuid", shift->uuid);
  xuncha_protocol_add_string (builder, "kind", shift->kind);
  xuncha_protocol_add_string (builder, "started_at", shift->started_at);
  xuncha_protocol_add_string (builder, "ended_at", shift->ended_at);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

XunchaWireShift *
xuncha_wire_shift_decode (const char  *data,
                          gssize       length,
                          GError     **error)
{
  static const char * const members[] = { "uuid", "kind", "started_at", "ended_at", NULL };
  static const char * const kinds[] = { "early", "mid", "late", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "shift", error);
  g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_new ();
  JsonObject *object;
  const char *uuid, *kind, *started, *ended;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "shift", members, error)
      || !xuncha_protocol_get_string (object, "shift", "uuid", TRUE, XUNCHA_PROTOCOL_ID_MAX, &uuid,
                                      error)
      || !xuncha_protocol_get_string (object, "shift", "kind", TRUE, XUNCHA_PROTOCOL_ID_MAX, &kind,
                                      error)
      || !xuncha_protocol_get_string (object, "shift", "started_at", TRUE,
                                      XUNCHA_PROTOCOL_TIME_MAX, &started, error)
      || !xuncha_protocol_get_string (object, "shift", "ended_at", FALSE, XUNCHA_PROTOCOL_TIME_MAX,
                                      &ended, error))
    return NULL;
  if (!xuncha_protocol_is_uuid (uuid))
    {
      xuncha_protocol_invalid (error, "shift.uuid: not a lowercase UUID");
      return NULL;
    }
  if (!g_strv_contains (kinds, kind))
    {
      xuncha_protocol_invalid (error, "shift.kind: expected early, mid or late");
      return NULL;
    }
  if (!xuncha_protocol_is_time (started) || (ended != NULL && !xuncha_protocol_is_time (ended)))
    {
      xuncha_protocol_invalid (error, "shift: started_at and ended_at must be ISO 8601 times");
      return NULL;
    }
  shift->uuid = g_strdup (uuid);
  shift->kind = g_strdup (kind);
  shift->started_at = g_strdup (started);
  shift->ended_at = g_strdup (ended);
  return g_steal_pointer (&shift);
}

char *
xuncha_wire_points_encode (const XunchaWirePoint *points,
                           guint                  n_points)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_points; i++)
    {
      const XunchaWirePoint *p = &points[i];

      json_builder_begin_object (builder);
      xuncha_protocol_add_int (builder, "seq", p->seq);
      xuncha_protocol_add_int (builder, "t_ms", p->t_ms);
      xuncha_protocol_add_double (builder, "lat", p->lat);
      xuncha_protocol_add_double (builder, "lon", p->lon);
      xuncha_protocol_add_double (builder, "accuracy", p->accuracy);
      xuncha_protocol_add_double (builder, "altitude", p->altitude);
      xuncha_protocol_add_double (builder, "speed", p->speed);
      xuncha_protocol_add_double (builder, "heading", p->heading);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

GArray *
xuncha_wire_points_decode (const char  *data,
                           gssize       length,
                           GError     **error)
{
  static const char * const members[] = { "points", NULL };
  static const char * const point_members[] = {
    "seq", "t_ms", "lat", "lon", "accuracy", "altitude", "speed", "heading", NULL
  };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "points", error);
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (XunchaWirePoint));
  JsonObject *object;
  JsonArray *array;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "points", members, error)
      || !xuncha_protocol_get_array (object, "points", "points", TRUE, &array, error))
    return NULL;
  if (json_array_get_length (array) > XUNCHA_PROTOCOL_MAX_POINTS)
    {
      xuncha_protocol_invalid (error, "points: more than %d in one call",
                               XUNCHA_PROTOCOL_MAX_POINTS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("points[%u]", i);
      JsonObject *o = xuncha_protocol_as_object (json_array_get_element (array, i), path, error);
      XunchaWirePoint p = { 0 };

      if (o == NULL
          || !xuncha_protocol_check_members (o, path, point_members, error)
          || !xuncha_protocol_get_int (o, path, "seq", TRUE, 0, XUNCHA_PROTOCOL_SEQ_MAX, &p.seq,
                                       error)
          || !xuncha_protocol_get_int (o, path, "t_ms", TRUE, 0, XUNCHA_PROTOCOL_T_MS_MAX, &p.t_ms,
                                       error)
          || !xuncha_protocol_get_double (o, path, "lat", TRUE, -90, 90, &p.lat, error)
          || !xuncha_protocol_get_double (o, path, "lon", TRUE, -180, 180, &p.lon, error)
          || !xuncha_protocol_get_double (o, path, "accuracy", FALSE, 0,
                                          XUNCHA_PROTOCOL_ACCURACY_MAX_M, &p.accuracy, error)
          || !xuncha_protocol_get_double (o, path, "altitude", FALSE,
                                          XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                                          XUNCHA_PROTOCOL_ALTITUDE_MAX_M, &p.altitude, error)
          || !xuncha_protocol_get_double (o, path, "speed", FALSE, 0, XUNCHA_PROTOCOL_SPEED_MAX_MS,
                                          &p.speed, error)
          || !xuncha_protocol_get_double (o, path, "heading", FALSE, 0,
                                          XUNCHA_PROTOCOL_HEADING_MAX_DEG, &p.heading, error))
        return NULL;
      g_array_append_val (points, p);
    }
  return g_steal_pointer (&points);
}

char *
xuncha_wire_shift_ack_encode (const char *uuid,
                              gint64      points)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "uuid", uuid);
  xuncha_protocol_add_int (builder, "points", points);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
xuncha_wire_points_ack_encode (gint64 stored,
                               gint64 points)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_int (builder, "stored", stored);
  xuncha_protocol_add_int (builder, "points", points);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_wire_shift_ack_decode (const char  *data,
                              gssize       length,
                              char       **uuid,
                              gint64      *points,
                              GError     **error)
{
  static const char * const members[] = { "uuid", "points", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "shift answer", error);
  JsonObject *object;
  const char *held_uuid = NULL;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "answer", members, error)
      || !xuncha_protocol_get_string (object, "answer", "uuid", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                      &held_uuid, error)
      || !xuncha_protocol_get_int (object, "answer", "points", TRUE, 0,
                                   XUNCHA_PROTOCOL_COUNT_MAX, points, error))
    return FALSE;
  *uuid = g_strdup (held_uuid);
  return TRUE;
}

gboolean
xuncha_wire_points_ack_decode (const char  *data,
                               gssize       length,
                               gint64      *stored,
                               gint64      *points,
                               GError     **error)
{
  static const char * const members[] = { "stored", "points", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "points answer", error);
  JsonObject *object;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "answer", members, error)
      || !xuncha_protocol_get_int (object, "answer", "stored", TRUE, 0,
                                   XUNCHA_PROTOCOL_COUNT_MAX, stored, error)
      || !xuncha_protocol_get_int (object, "answer", "points", TRUE, 0,
                                   XUNCHA_PROTOCOL_COUNT_MAX, points, error))
    return FALSE;
  if (*points < *stored)
    return xuncha_protocol_invalid (error, "answer: stored above points");
  return TRUE;
}
