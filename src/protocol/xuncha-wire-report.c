/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>

#include "xuncha-protocol-private.h"
#include "xuncha-wire-report.h"

static void
photo_free (gpointer data)
{
  XunchaWirePhoto *photo = data;

  g_free (photo->sha256);
  g_free (photo->role);
  g_free (photo);
}

XunchaWireReport *
xuncha_wire_report_new (void)
{
  XunchaWireReport *report = g_new0 (XunchaWireReport, 1);

  report->lat = report->lon = NAN;
  report->accuracy = report->altitude = report->heading = NAN;
  report->street_offset_m = NAN;
  report->photos = g_ptr_array_new_with_free_func (photo_free);
  report->fields = xuncha_protocol_new_object_node ();
  return report;
}

void
xuncha_wire_report_free (XunchaWireReport *report)
{
  if (report == NULL)
    return;
  g_free (report->uuid);
  g_free (report->created_at);
  g_free (report->shift_uuid);
  g_free (report->category);
  g_clear_pointer (&report->fields, json_node_unref);
  g_free (report->note);
  g_free (report->position_source);
  g_free (report->street_id);
  g_free (report->merchant_id);
  g_free (report->disposition);
  g_free (report->deadline);
  g_free (report->parent_uuid);
  g_ptr_array_unref (report->photos);
  g_free (report);
}

void
xuncha_wire_report_add_photo (XunchaWireReport *report,
                              const char       *sha256,
                              const char       *role)
{
  XunchaWirePhoto *photo;

  g_return_if_fail (report != NULL);

  photo = g_new0 (XunchaWirePhoto, 1);
  photo->sha256 = g_strdup (sha256);
  photo->role = g_strdup (role);
  g_ptr_array_add (report->photos, photo);
}

/* NAN (absent) passes. */
static gboolean
check_range (double       value,
             const char  *path,
             double       min,
             double       max,
             GError     **error)
{
  if (isnan (value) || (value >= min && value <= max))
    return TRUE;
  return xuncha_protocol_refuse (error, "%s: %g is outside %g…%g", path, value, min, max);
}

static gboolean
check_optional_length (const char  *text,
                       const char  *path,
                       guint        max_chars,
                       GError     **error)
{
  return text == NULL || xuncha_protocol_check_length (text, path, max_chars, error);
}

/* The category's fields are free-form, but each name and each string in them is bounded. */
static gboolean
check_fields (JsonNode    *node,
              const char  *path,
              GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_autofree char *inner = g_strconcat (path, ".", name, NULL);

          if (!xuncha_protocol_check_length (name, path, XUNCHA_PROTOCOL_ID_MAX, error)
              || !check_fields (member, inner, error))
            return FALSE;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", path, i);

          if (!check_fields (json_array_get_element (array, i), inner, error))
            return FALSE;
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return xuncha_protocol_check_length (json_node_get_string (node), path,
                                         XUNCHA_PROTOCOL_TEXT_MAX, error);
  return TRUE;
}

gboolean
xuncha_wire_report_validate (const XunchaWireReport  *report,
                             GError                 **error)
{
  static const char * const sources[] = { "gps", "manual", "exif", "track", NULL };
  static const char * const dispositions[] = { "corrected", "deadline", "case", NULL };
  static const char * const roles[] = { "before", "after", "evidence", NULL };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (report != NULL, FALSE);

  if (!xuncha_protocol_is_uuid (report->uuid))
    return xuncha_protocol_invalid (error, "report.uuid: not a lowercase UUID");
  if (!xuncha_protocol_is_time (report->created_at))
    return xuncha_protocol_invalid (error, "report.created_at: not an ISO 8601 time");
  if (report->shift_uuid != NULL && !xuncha_protocol_is_uuid (report->shift_uuid))
    return xuncha_protocol_invalid (error, "report.shift_uuid: not a lowercase UUID");
  if (report->category == NULL || *report->category == '\0')
    return xuncha_protocol_invalid (error, "report.category: required");
  if (!xuncha_protocol_is_category_code (report->category))
    return xuncha_protocol_refuse (error, "report.category: not a category code (1 to 16 "
                                   "letters, digits, '-', '_' or '.')");
  if (report->fields == NULL || !JSON_NODE_HOLDS_OBJECT (report->fields))
    return xuncha_protocol_invalid (error, "report.fields: expected an object");
  if (!check_fields (report->fields, "report.fields", error)
      || !check_optional_length (report->note, "report.note", XUNCHA_PROTOCOL_TEXT_MAX, error)
      || !check_optional_length (report->street_id, "report.street.id", XUNCHA_PROTOCOL_ID_MAX,
                                 error)
      || !check_optional_length (report->merchant_id, "report.merchant_id",
                                 XUNCHA_PROTOCOL_ID_MAX, error))
    return FALSE;
  if (report->has_position)
    {
      if (!(report->lat >= -90 && report->lat <= 90))
        return xuncha_protocol_refuse (error, "report.position.lat: outside -90…90");
      if (!(report->lon >= -180 && report->lon <= 180))
        return xuncha_protocol_refuse (error, "report.position.lon: outside -180…180");
      if (!check_range (report->accuracy, "report.position.accuracy", 0,
                        XUNCHA_PROTOCOL_ACCURACY_MAX_M, error)
          || !check_range (report->altitude, "report.position.altitude",
                           XUNCHA_PROTOCOL_ALTITUDE_MIN_M, XUNCHA_PROTOCOL_ALTITUDE_MAX_M, error)
          || !check_range (report->heading, "report.position.heading", 0,
                           XUNCHA_PROTOCOL_HEADING_MAX_DEG, error))
        return FALSE;
      if (!g_strv_contains (sources, report->position_source != NULL
                                     ? report->position_source : ""))
        return xuncha_protocol_invalid (error, "report.position.source: expected gps, manual, "
                                        "exif or track");
    }
  if (report->street_id == NULL && !isnan (report->street_offset_m))
    return xuncha_protocol_invalid (error, "report.street.id: required");
  if (!check_range (report->street_offset_m, "report.street.offset_m", 0,
                    XUNCHA_PROTOCOL_OFFSET_MAX_M, error))
    return FALSE;
  if (report->disposition != NULL && !g_strv_contains (dispositions, report->disposition))
    return xuncha_protocol_invalid (error, "report.disposition: expected corrected, deadline "
                                    "or case");
  if (report->deadline != NULL && !xuncha_protocol_is_time (report->deadline))
    return xuncha_protocol_invalid (error, "report.deadline: not an ISO 8601 date or time");
  if (report->parent_uuid != NULL && !xuncha_protocol_is_uuid (report->parent_uuid))
    return xuncha_protocol_invalid (error, "report.parent_uuid: not a lowercase UUID");
  if (g_strcmp0 (report->parent_uuid, report->uuid) == 0)
    return xuncha_protocol_refuse (error, "report.parent_uuid: the report itself (a "
                                   "re-inspection follows another report)");
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      if (!xuncha_protocol_is_sha256 (photo->sha256))
        return xuncha_protocol_invalid (error, "report.photos[%u].sha256: not 64 lowercase "
                                        "hex digits", i);
      if (!g_strv_contains (roles, photo->role != NULL ? photo->role : ""))
        return xuncha_protocol_invalid (error, "report.photos[%u].role: expected before, "
                                        "after or evidence", i);
      if (!g_hash_table_add (seen, g_strconcat (photo->sha256, "/", photo->role, NULL)))
        return xuncha_protocol_invalid (error, "report.photos[%u]: listed twice", i);
    }
  return TRUE;
}

XunchaWireReport *
xuncha_wire_report_from_json (JsonNode  *node,
                              GError   **error)
{
  static const char * const members[] = {
    "uuid", "created_at", "shift_uuid", "category", "fields", "note", "position", "street",
    "merchant_id", "disposition", "deadline", "parent_uuid", "photos", NULL
  };
  static const char * const position_members[] = {
    "lat", "lon", "accuracy", "altitude", "heading", "source", NULL
  };
  static const char * const street_members[] = { "id", "offset_m", NULL };
  static const char * const photo_members[] = { "sha256", "role", NULL };
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_new ();
  JsonObject *object, *fields, *position, *street;
  JsonArray *photos;
  const char *s;

  object = xuncha_protocol_as_object (node, "report", error);
  if (object == NULL || !xuncha_protocol_check_members (object, "report", members, error))
    return NULL;

#define STRING(member, required, max, field) \
  G_STMT_START { \
    if (!xuncha_protocol_get_string (object, "report", member, required, max, &s, error)) \
      return NULL; \
    report->field = g_strdup (s); \
  } G_STMT_END

  STRING ("uuid", TRUE, XUNCHA_PROTOCOL_ID_MAX, uuid);
  STRING ("created_at", TRUE, XUNCHA_PROTOCOL_TIME_MAX, created_at);
  STRING ("shift_uuid", FALSE, XUNCHA_PROTOCOL_ID_MAX, shift_uuid);
  STRING ("category", TRUE, XUNCHA_PROTOCOL_ID_MAX, category);
  STRING ("note", FALSE, XUNCHA_PROTOCOL_TEXT_MAX, note);
  STRING ("merchant_id", FALSE, XUNCHA_PROTOCOL_ID_MAX, merchant_id);
  STRING ("disposition", FALSE, XUNCHA_PROTOCOL_ID_MAX, disposition);
  STRING ("deadline", FALSE, XUNCHA_PROTOCOL_TIME_MAX, deadline);
  STRING ("parent_uuid", FALSE, XUNCHA_PROTOCOL_ID_MAX, parent_uuid);
#undef STRING

  if (!xuncha_protocol_get_object (object, "report", "fields", TRUE, &fields, error))
    return NULL;
  json_node_unref (report->fields);
  report->fields = json_node_init_object (json_node_alloc (), fields);

  if (!xuncha_protocol_get_object (object, "report", "position", FALSE, &position, error))
    return NULL;
  if (position != NULL)
    {
      report->has_position = TRUE;
      if (!xuncha_protocol_check_members (position, "report.position", position_members, error)
          || !xuncha_protocol_get_double (position, "report.position", "lat", TRUE, -90, 90,
                                          &report->lat, error)
          || !xuncha_protocol_get_double (position, "report.position", "lon", TRUE, -180, 180,
                                          &report->lon, error)
          || !xuncha_protocol_get_double (position, "report.position", "accuracy", FALSE, 0,
                                          XUNCHA_PROTOCOL_ACCURACY_MAX_M,
                                          &report->accuracy, error)
          || !xuncha_protocol_get_double (position, "report.position", "altitude", FALSE,
                                          XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                                          XUNCHA_PROTOCOL_ALTITUDE_MAX_M,
                                          &report->altitude, error)
          || !xuncha_protocol_get_double (position, "report.position", "heading", FALSE, 0,
                                          XUNCHA_PROTOCOL_HEADING_MAX_DEG,
                                          &report->heading, error)
          || !xuncha_protocol_get_string (position, "report.position", "source", TRUE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s,
                                          error))
        return NULL;
      report->position_source = g_strdup (s);
    }

  if (!xuncha_protocol_get_object (object, "report", "street", FALSE, &street, error))
    return NULL;
  if (street != NULL)
    {
      if (!xuncha_protocol_check_members (street, "report.street", street_members, error)
          || !xuncha_protocol_get_string (street, "report.street", "id", TRUE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s, error)
          || !xuncha_protocol_get_double (street, "report.street", "offset_m", FALSE, 0,
                                          XUNCHA_PROTOCOL_OFFSET_MAX_M,
                                          &report->street_offset_m, error))
        return NULL;
      report->street_id = g_strdup (s);
    }

  if (!xuncha_protocol_get_array (object, "report", "photos", TRUE, &photos, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (photos); i++)
    {
      g_autofree char *path = g_strdup_printf ("report.photos[%u]", i);
      JsonObject *photo = xuncha_protocol_as_object (json_array_get_element (photos, i), path,
                                                     error);
      const char *sha, *role;

      if (photo == NULL
          || !xuncha_protocol_check_members (photo, path, photo_members, error)
          || !xuncha_protocol_get_string (photo, path, "sha256", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                          &sha, error)
          || !xuncha_protocol_get_string (photo, path, "role", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                          &role, error))
        return NULL;
      xuncha_wire_report_add_photo (report, sha, role);
    }

  if (!xuncha_wire_report_validate (report, error))
    return NULL;
  return g_steal_pointer (&report);
}

XunchaWireReport *
xuncha_wire_report_decode (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "report", error);

  if (root == NULL)
    return NULL;
  return xuncha_wire_report_from_json (root, error);
}

JsonNode *
xuncha_wire_report_to_json (const XunchaWireReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "uuid", report->uuid);
  xuncha_protocol_add_string (builder, "created_at", report->created_at);
  xuncha_protocol_add_string (builder, "shift_uuid", report->shift_uuid);
  xuncha_protocol_add_string (builder, "category", report->category);
  json_builder_set_member_name (builder, "fields");
  /* Free-form: sorted, so the same fields in another order are the same content. */
  json_builder_add_value (builder, xuncha_protocol_sorted_copy (report->fields));
  xuncha_protocol_add_string (builder, "note", report->note);
  json_builder_set_member_name (builder, "position");
  if (report->has_position)
    {
      json_builder_begin_object (builder);
      xuncha_protocol_add_double (builder, "lat", report->lat);
      xuncha_protocol_add_double (builder, "lon", report->lon);
      xuncha_protocol_add_double (builder, "accuracy", report->accuracy);
      xuncha_protocol_add_double (builder, "altitude", report->altitude);
      xuncha_protocol_add_double (builder, "heading", report->heading);
      xuncha_protocol_add_string (builder, "source", report->position_source);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "street");
  if (report->street_id != NULL)
    {
      json_builder_begin_object (builder);
      xuncha_protocol_add_string (builder, "id", report->street_id);
      xuncha_protocol_add_double (builder, "offset_m", report->street_offset_m);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  xuncha_protocol_add_string (builder, "merchant_id", report->merchant_id);
  xuncha_protocol_add_string (builder, "disposition", report->disposition);
  xuncha_protocol_add_string (builder, "deadline", report->deadline);
  xuncha_protocol_add_string (builder, "parent_uuid", report->parent_uuid);
  json_builder_set_member_name (builder, "photos");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      json_builder_begin_object (builder);
      xuncha_protocol_add_string (builder, "sha256", photo->sha256);
      xuncha_protocol_add_string (builder, "role", photo->role);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
xuncha_wire_report_encode (const XunchaWireReport *report)
{
  g_autoptr(JsonNode) node = xuncha_wire_report_to_json (report);

  return xuncha_protocol_to_string (node);
}

char *
xuncha_wire_report_content_sha256 (const XunchaWireReport *report)
{
  g_autofree char *text = xuncha_wire_report_encode (report);

  return xuncha_protocol_sha256_hex (text);
}
