/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>

#include "xuncha-protocol-private.h"
#include "xuncha-wire-delta.h"

static const char *
list_name (XunchaWireDeltaKind kind)
{
  switch (kind)
    {
    case XUNCHA_WIRE_DELTA_STREETS:
      return "streets";
    case XUNCHA_WIRE_DELTA_MERCHANTS:
      return "merchants";
    case XUNCHA_WIRE_DELTA_STATUS:
    default:
      return "reports";
    }
}

void
xuncha_wire_delta_free (XunchaWireDelta *delta)
{
  if (delta == NULL)
    return;
  g_clear_pointer (&delta->items, g_ptr_array_unref);
  g_strfreev (delta->deleted);
  g_free (delta);
}

static gboolean
read_line (JsonArray   *line,
           const char  *path,
           GArray      *out,
           GError     **error)
{
  if (json_array_get_length (line) < 2)
    return xuncha_protocol_invalid (error, "%s: a line needs two positions or more", path);
  for (guint i = 0; i < json_array_get_length (line); i++)
    {
      JsonNode *pos = json_array_get_element (line, i);
      JsonArray *pair;
      double lon, lat;

      if (!JSON_NODE_HOLDS_ARRAY (pos) || json_array_get_length (json_node_get_array (pos)) < 2)
        return xuncha_protocol_invalid (error, "%s[%u]: expected [lon, lat]", path, i);
      pair = json_node_get_array (pos);
      for (guint k = 0; k < 2; k++)
        {
          JsonNode *n = json_array_get_element (pair, k);
          GType t = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
          if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
            return xuncha_protocol_invalid (error, "%s[%u]: expected numbers", path, i);
        }
      lon = json_array_get_double_element (pair, 0);
      lat = json_array_get_double_element (pair, 1);
      if (!(fabs (lon) <= 180 && fabs (lat) <= 90))
        return xuncha_protocol_refuse (error, "%s[%u]: not a WGS-84 lon/lat", path, i);
      if (out != NULL)
        {
          g_array_append_val (out, lon);
          g_array_append_val (out, lat);
        }
    }
  return TRUE;
}

static gboolean
read_geometry (JsonObject  *street,
               const char  *path,
               GPtrArray   *lines,
               GError     **error)
{
  static const char * const members[] = { "type", "coordinates", NULL };
  g_autofree char *gpath = g_strconcat (path, ".geometry", NULL);
  JsonObject *geometry;
  JsonArray *coordinates;
  const char *type;

  if (!xuncha_protocol_get_object (street, path, "geometry", TRUE, &geometry, error)
      || !xuncha_protocol_check_members (geometry, gpath, members, error)
      || !xuncha_protocol_get_string (geometry, gpath, "type", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                      &type, error)
      || !xuncha_protocol_get_array (geometry, gpath, "coordinates", TRUE, &coordinates, error))
    return FALSE;
  if (g_str_equal (type, "LineString"))
    {
      GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
      if (lines != NULL)
        g_ptr_array_add (lines, line);
      if (!read_line (coordinates, gpath, line, error))
        {
          if (lines == NULL)
            g_array_unref (line);
          return FALSE;
        }
      if (lines == NULL)
        g_array_unref (line);
      return TRUE;
    }
  if (g_str_equal (type, "MultiLineString") && json_array_get_length (coordinates) > 0)
    {
      for (guint i = 0; i < json_array_get_length (coordinates); i++)
        {
          JsonNode *n = json_array_get_element (coordinates, i);
          GArray *line;

          if (!JSON_NODE_HOLDS_ARRAY (n))
            return xuncha_protocol_invalid (error, "%s: expected lines", gpath);
          line = g_array_new (FALSE, FALSE, sizeof (double));
          if (lines != NULL)
            g_ptr_array_add (lines, line);
          if (!read_line (json_node_get_array (n), gpath, line, error))
            {
              if (lines == NULL)
                g_array_unref (line);
              return FALSE;
            }
          if (lines == NULL)
            g_array_unref (line);
        }
      return TRUE;
    }
  return xuncha_protocol_invalid (error, "%s.type: expected LineString or MultiLineString",
                                  gpath);
}

GPtrArray *
xuncha_wire_street_lines (JsonObject *street)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);

  g_return_val_if_fail (street != NULL, lines);
  if (!read_geometry (street, "street", lines, NULL))
    g_ptr_array_set_size (lines, 0);
  return lines;
}

gboolean
xuncha_wire_delta_validate_item (XunchaWireDeltaKind   kind,
                                 JsonObject           *item,
                                 GError              **error)
{
  static const char * const street_members[] = {
    "id", "name", "class", "grid_cell", "community", "unit", "geometry", NULL
  };
  static const char * const classes[] = { "strict", "class1", "class2", "other", NULL };
  static const char * const merchant_members[] = {
    "id", "name", "address", "contact", "lon", "lat", "street_id", NULL
  };
  static const char * const status_members[] = {
    "uuid", "case_status", "case_status_at", "revision", NULL
  };
  const char *s;
  double d;
  gint64 rev;

  switch (kind)
    {
    case XUNCHA_WIRE_DELTA_STREETS:
      if (!xuncha_protocol_check_members (item, "street", street_members, error)
          || !xuncha_protocol_get_string (item, "street", "id", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                          &s, error)
          || !xuncha_protocol_get_string (item, "street", "name", FALSE,
                                          XUNCHA_PROTOCOL_NAME_MAX, &s, error)
          || !xuncha_protocol_get_string (item, "street", "class", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                          &s, error))
        return FALSE;
      if (!g_strv_contains (classes, s))
        return xuncha_protocol_invalid (error, "street.class: expected strict, class1, class2 "
                                        "or other");
      return xuncha_protocol_get_string (item, "street", "grid_cell", FALSE,
                                         XUNCHA_PROTOCOL_ID_MAX, &s, error)
             && xuncha_protocol_get_string (item, "street", "community", FALSE,
                                            XUNCHA_PROTOCOL_NAME_MAX, &s, error)
             && xuncha_protocol_get_string (item, "street", "unit", FALSE,
                                            XUNCHA_PROTOCOL_NAME_MAX, &s, error)
             && read_geometry (item, "street", NULL, error);

    case XUNCHA_WIRE_DELTA_MERCHANTS:
      if (!xuncha_protocol_check_members (item, "merchant", merchant_members, error)
          || !xuncha_protocol_get_string (item, "merchant", "id", TRUE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s, error)
          || !xuncha_protocol_get_string (item, "merchant", "name", TRUE,
                                          XUNCHA_PROTOCOL_NAME_MAX, &s, error)
          || !xuncha_protocol_get_string (item, "merchant", "address", FALSE,
                                          XUNCHA_PROTOCOL_TEXT_MAX, &s, error)
          || !xuncha_protocol_get_string (item, "merchant", "contact", FALSE,
                                          XUNCHA_PROTOCOL_NAME_MAX, &s, error)
          || !xuncha_protocol_get_string (item, "merchant", "street_id", FALSE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s, error))
        return FALSE;
      return xuncha_protocol_get_double (item, "merchant", "lon", TRUE, -180, 180, &d, error)
             && xuncha_protocol_get_double (item, "merchant", "lat", TRUE, -90, 90, &d, error);

    case XUNCHA_WIRE_DELTA_STATUS:
    default:
      if (!xuncha_protocol_check_members (item, "status", status_members, error)
          || !xuncha_protocol_get_string (item, "status", "uuid", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                          &s, error))
        return FALSE;
      if (!xuncha_protocol_is_uuid (s))
        return xuncha_protocol_invalid (error, "status.uuid: not a lowercase UUID");
      return xuncha_protocol_get_string (item, "status", "case_status", FALSE,
                                         XUNCHA_PROTOCOL_NAME_MAX, &s, error)
             && xuncha_protocol_get_string (item, "status", "case_status_at", FALSE,
                                            XUNCHA_PROTOCOL_TIME_MAX, &s, error)
             && xuncha_protocol_get_int (item, "status", "revision", TRUE, 0,
                                         XUNCHA_PROTOCOL_REVISION_MAX, &rev, error);
    }
}

char *
xuncha_wire_delta_encode (XunchaWireDeltaKind  kind,
                          gint64               revision,
                          GPtrArray           *items,
                          const char * const  *deleted)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  xuncha_protocol_add_int (builder, "revision", revision);
  json_builder_set_member_name (builder, list_name (kind));
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), items->pdata[i]);
      json_builder_add_value (builder, node);
    }
  json_builder_end_array (builder);
  if (kind != XUNCHA_WIRE_DELTA_STATUS)
    {
      json_builder_set_member_name (builder, "deleted");
      json_builder_begin_array (builder);
      for (guint i = 0; deleted != NULL && deleted[i] != NULL; i++)
        json_builder_add_string_value (builder, deleted[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

XunchaWireDelta *
xuncha_wire_delta_decode (XunchaWireDeltaKind   kind,
                          const char           *data,
                          gssize                length,
                          GError              **error)
{
  const char *members[] = { "revision", list_name (kind), "deleted", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, list_name (kind), error);
  g_autoptr(XunchaWireDelta) delta = g_new0 (XunchaWireDelta, 1);
  JsonObject *object;
  JsonArray *items;

  if (root == NULL)
    return NULL;
  if (kind == XUNCHA_WIRE_DELTA_STATUS)
    members[2] = NULL;
  delta->kind = kind;
  delta->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, list_name (kind), members, error)
      || !xuncha_protocol_get_int (object, list_name (kind), "revision", TRUE, 0,
                                   XUNCHA_PROTOCOL_REVISION_MAX, &delta->revision,
                                   error)
      || !xuncha_protocol_get_array (object, list_name (kind), list_name (kind), TRUE, &items,
                                     error)
      || !xuncha_protocol_get_strv (object, list_name (kind), "deleted",
                                    kind != XUNCHA_WIRE_DELTA_STATUS, XUNCHA_PROTOCOL_ID_MAX,
                                    &delta->deleted, error))
    return NULL;
  if (delta->deleted == NULL)
    delta->deleted = g_new0 (char *, 1);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = xuncha_protocol_as_object (json_array_get_element (items, i),
                                                    list_name (kind), error);
      if (item == NULL || !xuncha_wire_delta_validate_item (kind, item, error))
        return NULL;
      g_ptr_array_add (delta->items, json_object_ref (item));
    }
  return g_steal_pointer (&delta);
}

const char *
xuncha_wire_delta_item_string (JsonObject *item,
                               const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (item != NULL, NULL);

  node = json_object_get_member (item, name);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}
