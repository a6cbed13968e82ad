/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-office-street.h"
#include "xuncha-wire-delta.h"

XunchaOfficeStreet *
xuncha_office_street_new (void)
{
  XunchaOfficeStreet *street = g_new0 (XunchaOfficeStreet, 1);

  street->lines = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  return street;
}

void
xuncha_office_street_free (XunchaOfficeStreet *street)
{
  if (street == NULL)
    return;
  g_free (street->id);
  g_free (street->name);
  g_free (street->street_class);
  g_free (street->grid_cell);
  g_free (street->community);
  g_free (street->unit);
  g_ptr_array_unref (street->lines);
  g_free (street);
}

XunchaOfficeStreet *
xuncha_office_street_from_json (JsonObject  *item,
                                GError     **error)
{
  g_autoptr(XunchaOfficeStreet) street = NULL;

  if (!xuncha_wire_delta_validate_item (XUNCHA_WIRE_DELTA_STREETS, item, error))
    return NULL;
  street = xuncha_office_street_new ();
  street->id = g_strdup (xuncha_wire_delta_item_string (item, "id"));
  street->name = g_strdup (xuncha_wire_delta_item_string (item, "name"));
  street->street_class = g_strdup (xuncha_wire_delta_item_string (item, "class"));
  street->grid_cell = g_strdup (xuncha_wire_delta_item_string (item, "grid_cell"));
  street->community = g_strdup (xuncha_wire_delta_item_string (item, "community"));
  street->unit = g_strdup (xuncha_wire_delta_item_string (item, "unit"));
  g_ptr_array_unref (street->lines);
  street->lines = xuncha_wire_street_lines (item);
  return g_steal_pointer (&street);
}

static void
set_optional (JsonObject *object,
              const char *name,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

static JsonArray *
line_to_json (GArray *line)
{
  JsonArray *coordinates = json_array_sized_new (line->len / 2);

  for (guint i = 0; i + 1 < line->len; i += 2)
    {
      JsonArray *pair = json_array_sized_new (2);

      json_array_add_double_element (pair, g_array_index (line, double, i));
      json_array_add_double_element (pair, g_array_index (line, double, i + 1));
      json_array_add_array_element (coordinates, pair);
    }
  return coordinates;
}

JsonObject *
xuncha_office_street_to_json (const XunchaOfficeStreet *street)
{
  JsonObject *item = json_object_new ();
  JsonObject *geometry = json_object_new ();

  json_object_set_string_member (item, "id", street->id);
  set_optional (item, "name", street->name);
  json_object_set_string_member (item, "class", street->street_class);
  set_optional (item, "grid_cell", street->grid_cell);
  set_optional (item, "community", street->community);
  set_optional (item, "unit", street->unit);
  if (street->lines->len == 1)
    {
      json_object_set_string_member (geometry, "type", "LineString");
      json_object_set_array_member (geometry, "coordinates",
                                    line_to_json (street->lines->pdata[0]));
    }
  else
    {
      JsonArray *lines = json_array_sized_new (street->lines->len);

      for (guint i = 0; i < street->lines->len; i++)
        json_array_add_array_element (lines, line_to_json (street->lines->pdata[i]));
      json_object_set_string_member (geometry, "type", "MultiLineString");
      json_object_set_array_member (geometry, "coordinates", lines);
    }
  json_object_set_object_member (item, "geometry", geometry);
  return item;
}

gboolean
xuncha_office_street_equal (const XunchaOfficeStreet *a,
                            const XunchaOfficeStreet *b)
{
  if (g_strcmp0 (a->id, b->id) != 0 || g_strcmp0 (a->name, b->name) != 0
      || g_strcmp0 (a->street_class, b->street_class) != 0
      || g_strcmp0 (a->grid_cell, b->grid_cell) != 0
      || g_strcmp0 (a->community, b->community) != 0 || g_strcmp0 (a->unit, b->unit) != 0
      || a->lines->len != b->lines->len)
    return FALSE;
  for (guint i = 0; i < a->lines->len; i++)
    {
      GArray *la = a->lines->pdata[i];
      GArray *lb = b->lines->pdata[i];

      if (la->len != lb->len
          || memcmp (la->data, lb->data, la->len * sizeof (double)) != 0)
        return FALSE;
    }
  return TRUE;
}

gint
xuncha_office_street_compare_ids (gconstpointer a,
                                  gconstpointer b)
{
  const XunchaOfficeStreet *sa = *(XunchaOfficeStreet * const *)a;
  const XunchaOfficeStreet *sb = *(XunchaOfficeStreet * const *)b;

  return strcmp (sa->id, sb->id);
}
