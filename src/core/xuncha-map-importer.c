/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-map-importer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xuncha-feature-reader.h"
#include "xuncha-fix.h"
#include "xuncha-map-importer.h"
#include "xuncha-merchant-registry.h"
#include "xuncha-street-map-store-private.h"
#include "xuncha-text-private.h"

struct _XunchaMapImporter
{
  GObject      parent_instance;

  XunchaStore *store;
  XunchaCrs    crs;
  GHashTable  *mapping;   /* key -> GStrv of properties to try, in order */
  gboolean     id_mapped;
};

G_DEFINE_TYPE (XunchaMapImporter, xuncha_map_importer, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-map-import-error-quark, xuncha_map_import_error)

static const char * const street_keys[] = {
  "id", "name", "class", "kind", "grid_cell", "community", "unit", NULL,
};

/* One street segment read from the file, checked and converted to WGS-84. */
typedef struct
{
  char   *id;
  char   *values[G_N_ELEMENTS (street_keys) - 1];   /* by key, [0] unused */
  GArray *lonlat;
  GArray *part_ends;
  char   *properties;
} StreetRow;

typedef struct
{
  char  *id;
  char  *name;
  char  *address;
  char  *contact;
  double lat;
  double lon;
} MerchantRow;

static void
street_row_free (StreetRow *row)
{
  g_free (row->id);
  for (guint i = 0; i < G_N_ELEMENTS (row->values); i++)
    g_free (row->values[i]);
  g_array_unref (row->lonlat);
  g_array_unref (row->part_ends);
  g_free (row->properties);
  g_free (row);
}

static void
merchant_row_free (MerchantRow *row)
{
  g_free (row->id);
  g_free (row->name);
  g_free (row->address);
  g_free (row->contact);
  g_free (row);
}

static void
xuncha_map_importer_finalize (GObject *object)
{
  XunchaMapImporter *self = (XunchaMapImporter *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->mapping, g_hash_table_unref);

  G_OBJECT_CLASS (xuncha_map_importer_parent_class)->finalize (object);
}

static void
xuncha_map_importer_class_init (XunchaMapImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_map_importer_finalize;
}

static void
set_default (XunchaMapImporter *self,
             const char        *key,
             ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;
  const char *property;

  va_start (args, key);
  while ((property = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, property);
  va_end (args);
  g_hash_table_insert (self->mapping, g_strdup (key), g_strv_builder_end (builder));
}

static void
xuncha_map_importer_init (XunchaMapImporter *self)
{
  self->crs = XUNCHA_CRS_WGS84;
  self->mapping = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_strfreev);
  set_default (self, "id", "@id", "id", NULL);
  set_default (self, "name", "name", NULL);
  set_default (self, "class", "class", NULL);
  set_default (self, "kind", "highway", NULL);
  set_default (self, "grid_cell", "grid_cell", "grid", NULL);
  set_default (self, "community", "community", NULL);
  set_default (self, "unit", "unit", "responsible_unit", NULL);
}

XunchaMapImporter *
xuncha_map_importer_new (XunchaStore *store)
{
  XunchaMapImporter *self;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  self = g_object_new (XUNCHA_TYPE_MAP_IMPORTER, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
xuncha_map_importer_set_crs (XunchaMapImporter *self,
                             XunchaCrs          crs)
{
  g_return_if_fail (XUNCHA_IS_MAP_IMPORTER (self));
  g_return_if_fail (crs <= XUNCHA_CRS_BD09);
  self->crs = crs;
}

gboolean
xuncha_map_importer_set_mapping (XunchaMapImporter  *self,
                                 const char         *key,
                                 const char         *property,
                                 GError            **error)
{
  g_autofree char *keys = NULL;

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (key != NULL && property != NULL, FALSE);

  if (!g_strv_contains (street_keys, key))
    {
      keys = g_strjoinv (", ", (char **)street_keys);
      g_set_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_MAPPING,
                   _("Unknown field “%s” in a mapping; the fields are %s."), key, keys);
      return FALSE;
    }
  if (g_str_equal (key, "id"))
    self->id_mapped = TRUE;
  if (*property == '\0')
    set_default (self, key, NULL);
  else
    set_default (self, key, property, NULL);
  return TRUE;
}

gboolean
xuncha_map_importer_parse_mapping (XunchaMapImporter  *self,
                                   const char         *assignment,
                                   GError            **error)
{
  const char *equals;
  g_autofree char *key = NULL;

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (assignment != NULL, FALSE);

  equals = strchr (assignment, '=');
  if (equals == NULL || equals == assignment)
    {
      g_set_error (error, XUNCHA_MAP_IMPORT_ERROR, XUNCHA_MAP_IMPORT_ERROR_MAPPING,
                   _("A mapping is written FIELD=PROPERTY, for example name=NAME_ZH; "
                     "“%s” is not."), assignment);
      return FALSE;
    }
  key = g_strndup (assignment, equals - assignment);
  return xuncha_map_importer_set_mapping (self, key, equals + 1, error);
}

static gboolean
fail (GError               **error,
      XunchaMapImportError   code,
      const char            *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError               **error,
      XunchaMapImportError   code,
      const char            *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, XUNCHA_MAP_IMPORT_ERROR, code, message);
  return FALSE;
}

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *type = json_object_get_member (json_node_get_object (node), "type");
      if (type != NULL && JSON_NODE_HOLDS_VALUE (type)
          && json_node_get_value_type (type) == G_TYPE_STRING)
        return json_node_get_string (type);
      return "an object without a type";
    }
  return "a single value";
}

/* The reader's error about the file @name in the words of an import of @wanted. */
static gboolean
reader_failed (XunchaFeatureReader  *reader,
               const GError         *reader_error,
               const char           *name,
               const char           *wanted,
               GError              **error)
{
  switch ((XunchaFeatureReaderError)reader_error->code)
    {
    case XUNCHA_FEATURE_READER_ERROR_IO:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_IO, _("Could not read %s: %s"), name,
                   reader_error->message);
    case XUNCHA_FEATURE_READER_ERROR_EMPTY:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON,
                   _("%s is empty. Nothing was imported."), name);
    case XUNCHA_FEATURE_READER_ERROR_NOT_UTF8:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_ENCODING,
                   _("%s is not UTF-8 (GBK?): %s. A GeoJSON file is always UTF-8: save it as "
                     "UTF-8 and import it again; nothing was imported."),
                   name, reader_error->message);
    case XUNCHA_FEATURE_READER_ERROR_WRONG_TYPE:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE,
                   _("%s is %s, not a GeoJSON FeatureCollection of %s. Export the layer as "
                     "GeoJSON (a FeatureCollection) and try again; nothing was imported."),
                   name, xuncha_feature_reader_describe_root (reader), wanted);
    case XUNCHA_FEATURE_READER_ERROR_NO_FEATURES:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE,
                   _("%s is a FeatureCollection without a “features” list; nothing was "
                     "imported."), name);
    case XUNCHA_FEATURE_READER_ERROR_INVALID_JSON:
    default:
      return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON,
                   _("%s is not valid JSON: %s. Nothing was imported."), name,
                   reader_error->message);
    }
}

/* A property as text: strings as they are, integers without a decimal point. */
static char *
value_to_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);
        return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
      }
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        if (value == floor (value) && fabs (value) < 1e15)
          return g_strdup_printf ("%.0f", value);
        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

static char *
mapped_value (XunchaMapImporter *self,
              JsonObject        *properties,
              const char        *key)
{
  const char * const *candidates = g_hash_table_lookup (self->mapping, key);

  for (guint i = 0; properties != NULL && candidates != NULL && candidates[i] != NULL; i++)
    {
      char *value = value_to_string (json_object_get_member (properties, candidates[i]));
      if (value != NULL)
        return value;
    }
  return NULL;
}

/* A feature's label in messages: its number, and its id once known. */
static char *
feature_label (guint       index,
               const char *id)
{
  if (id != NULL)
    return g_strdup_printf (_("feature %u (id %s)"), index + 1, id);
  return g_strdup_printf (_("feature %u"), index + 1);
}

static gboolean
read_number (JsonNode *node,
             double   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = (double)json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*out);
}

static gboolean
check_range (double       lon,
             double       lat,
             const char  *name,
             const char  *where,
             GError     **error)
{
  if (lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)
    return TRUE;
  return fail (error, XUNCHA_MAP_IMPORT_ERROR_OUT_OF_RANGE,
               _("%s: %s has the position (%g, %g), outside longitude -180…180 and "
                 "latitude -90…90. Is the file in a projected system (metres)? Export it "
                 "as longitude/latitude; nothing was imported."),
               name, where, lon, lat);
}

/* Reads one GeoJSON position [lon, lat(, z)] into WGS-84. */
static gboolean
read_position (XunchaMapImporter  *self,
               JsonNode           *node,
               const char         *name,
               const char         *label,
               guint               index,
               GArray             *lonlat,
               GError            **error)
{
  JsonArray *position;
  double lon, lat, out_lat, out_lon;
  g_autofree char *where = NULL;

  where = g_strdup_printf (_("position %u of %s"), index + 1, label);
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) < 2)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                 _("%s: %s is not a [longitude, latitude] pair; nothing was imported."),
                 name, where);
  position = json_node_get_array (node);
  if (!read_number (json_array_get_element (position, 0), &lon)
      || !read_number (json_array_get_element (position, 1), &lat))
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                 _("%s: %s does not hold two numbers; nothing was imported."), name, where);
  if (!check_range (lon, lat, name, where, error))
    return FALSE;
  xuncha_crs_convert (self->crs, XUNCHA_CRS_WGS84, lat, lon, &out_lat, &out_lon);
  g_array_append_val (lonlat, out_lon);
  g_array_append_val (lonlat, out_lat);
  return TRUE;
}

static gboolean
read_line (XunchaMapImporter  *self,
           JsonNode           *node,
           const char         *name,
           const char         *label,
           StreetRow          *row,
           GError            **error)
{
  JsonArray *positions;
  guint end;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) < 2)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                 _("%s: %s has a line with fewer than two positions; nothing was "
                   "imported."), name, label);
  positions = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (positions); i++)
    if (!read_position (self, json_array_get_element (positions, i), name, label,
                        i, row->lonlat, error))
      return FALSE;
  end = row->lonlat->len / 2;
  g_array_append_val (row->part_ends, end);
  return TRUE;
}

/* Reads one feature. Returns NULL with no error for a feature that is not a line. */
static StreetRow *
read_street (XunchaMapImporter  *self,
             JsonNode           *node,
             guint               index,
             const char         *name,
             GError            **error)
{
  JsonObject *feature, *geometry_object, *properties = NULL;
  JsonNode *geometry, *coordinates, *props;
  const char *type;
  g_autofree char *label = NULL;
  StreetRow *row;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      label = feature_label (index, NULL);
      fail (error, XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE,
            _("%s: %s is not an object; nothing was imported."), name, label);
      return NULL;
    }
  feature = json_node_get_object (node);
  geometry = json_object_get_member (feature, "geometry");
  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return NULL;
  geometry_object = json_node_get_object (geometry);
  type = node_type_name (geometry);
  if (!g_str_equal (type, "LineString") && !g_str_equal (type, "MultiLineString"))
    return NULL;

  props = json_object_get_member (feature, "properties");
  if (props != NULL && JSON_NODE_HOLDS_OBJECT (props))
    properties = json_node_get_object (props);

  row = g_new0 (StreetRow, 1);
  row->lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  row->part_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  row->id = mapped_value (self, properties, "id");
  /* GeoJSON's own place for an id, unless the user named where the id is. */
  if (row->id == NULL && !self->id_mapped)
    row->id = value_to_string (json_object_get_member (feature, "id"));
  label = feature_label (index, row->id);
  if (row->id == NULL)
    {
      fail (error, XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE,
            _("%s: %s has no segment id. Give every feature an id, or name the property "
              "that holds it with --map id=PROPERTY; nothing was imported."), name, label);
      street_row_free (row);
      return NULL;
    }
  for (guint k = 1; street_keys[k] != NULL; k++)
    row->values[k] = mapped_value (self, properties, street_keys[k]);
  row->properties = props != NULL && JSON_NODE_HOLDS_OBJECT (props)
                    ? json_to_string (props, FALSE) : g_strdup ("{}");

  coordinates = json_object_get_member (geometry_object, "coordinates");
  if (g_str_equal (type, "LineString"))
    {
      if (!read_line (self, coordinates, name, label, row, error))
        {
          street_row_free (row);
          return NULL;
        }
    }
  else
    {
      JsonArray *lines;

      if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates)
          || json_array_get_length (json_node_get_array (coordinates)) == 0)
        {
          fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                _("%s: %s is a MultiLineString without lines; nothing was imported."),
                name, label);
          street_row_free (row);
          return NULL;
        }
      lines = json_node_get_array (coordinates);
      for (guint i = 0; i < json_array_get_length (lines); i++)
        if (!read_line (self, json_array_get_element (lines, i), name, label, row, error))
          {
            street_row_free (row);
            return NULL;
          }
    }
  return row;
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
write_street (XunchaMapImporter     *self,
              StreetRow             *row,
              const char            *now,
              XunchaMapImportStats  *stats,
              GError               **error)
{
  XunchaStreetRecord street = {
    .id = row->id,
    .name = row->values[1],
    .klass = row->values[2],
    .kind = row->values[3],
    .grid_cell = row->values[4],
    .community = row->values[5],
    .unit = row->values[6],
    .properties = row->properties,
    .lonlat = (const double *)(void *)row->lonlat->data,
    .part_ends = (const guint *)(void *)row->part_ends->data,
    .n_parts = row->part_ends->len,
  };
  gboolean existed = FALSE;

  if (!xuncha_street_map_upsert_street (self->store, &street, now, &existed, error))
    return FALSE;
  if (existed)
    stats->updated++;
  else
    stats->inserted++;
  return TRUE;
}

/* Each segment is written as soon as it is read and checked, all in one transaction: a bad
 * file anywhere changes nothing (the transaction is rolled back), and the import holds one
 * feature at a time, not the file and its tree. */
static gboolean
import_streets_stream (XunchaMapImporter     *self,
                       GInputStream          *stream,
                       const char            *name,
                       XunchaMapImportStats  *stats,
                       GError               **error)
{
  g_autoptr(XunchaFeatureReader) reader = xuncha_feature_reader_new (stream);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *now = now_iso8601 ();

  memset (stats, 0, sizeof *stats);
  if (!xuncha_store_begin (self->store, error))
    return FALSE;
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) node = NULL;
      StreetRow *row;
      guint index;

      if (!xuncha_feature_reader_next (reader, &node, &local_error))
        {
          reader_failed (reader, local_error, name, _("street lines"), error);
          goto refused;
        }
      if (node == NULL)
        break;
      index = xuncha_feature_reader_get_count (reader) - 1;
      stats->features = index + 1;
      row = read_street (self, node, index, name, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto refused;
        }
      if (row == NULL)
        {
          stats->skipped++;
          continue;
        }
      if (!g_hash_table_add (seen, g_strdup (row->id)))
        {
          fail (error, XUNCHA_MAP_IMPORT_ERROR_DUPLICATE_ID,
                _("%s: the segment id %s appears more than once (again in feature %u). "
                  "Ids must be unique; nothing was imported."), name, row->id, index + 1);
          street_row_free (row);
          goto refused;
        }
      if (!write_street (self, row, now, stats, error))
        {
          street_row_free (row);
          goto failed;
        }
      street_row_free (row);
    }
  if (stats->inserted + stats->updated == 0)
    {
      fail (error, XUNCHA_MAP_IMPORT_ERROR_NOTHING,
            _("%s has no LineString or MultiLineString features (%u other features "
              "were skipped); nothing was imported."), name, stats->skipped);
      goto refused;
    }
  if (!xuncha_merchant_registry_link_all (self->store, &stats->linked, error)
      || !xuncha_store_commit (self->store, error))
    goto failed;
  return TRUE;

failed:
  g_prefix_error (error, _("Nothing was imported: "));
refused:
  xuncha_store_rollback (self->store);
  stats->inserted = stats->updated = stats->linked = 0;
  return FALSE;
}

gboolean
xuncha_map_importer_import_streets (XunchaMapImporter     *self,
                                    const char            *data,
                                    gsize                  length,
                                    const char            *name,
                                    XunchaMapImportStats  *stats,
                                    GError               **error)
{
  g_autoptr(GInputStream) stream = NULL;
  XunchaMapImportStats local_stats = { 0 };

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  stream = g_memory_input_stream_new_from_data (data, (gssize)length, NULL);
  return import_streets_stream (self, stream, name != NULL ? name : _("The street file"),
                                stats != NULL ? stats : &local_stats, error);
}

static gboolean
read_file (const char  *path,
           char       **contents,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, contents, length, &local_error))
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_IO, _("Could not read %s: %s"), path,
                 local_error->message);
  return TRUE;
}

gboolean
xuncha_map_importer_import_streets_file (XunchaMapImporter     *self,
                                         const char            *path,
                                         XunchaMapImportStats  *stats,
                                         GError               **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  XunchaMapImportStats local_stats = { 0 };

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_IO, _("Could not read %s: %s"), path,
                 local_error->message);
  name = g_path_get_basename (path);
  return import_streets_stream (self, G_INPUT_STREAM (stream), name, stats, error);
}

/* Merchants ---------------------------------------------------------------------------- */

static gboolean
finish_merchant (XunchaMapImporter  *self,
                 MerchantRow        *row,
                 const char         *name,
                 const char         *label,
                 GError            **error)
{
  if (row->id == NULL)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE,
                 _("%s: %s has no merchant id; nothing was imported."), name, label);
  if (row->name == NULL)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE,
                 _("%s: %s has no name; nothing was imported."), name, label);
  if (!check_range (row->lon, row->lat, name, label, error))
    return FALSE;
  xuncha_crs_convert (self->crs, XUNCHA_CRS_WGS84, row->lat, row->lon, &row->lat, &row->lon);
  return TRUE;
}

static char *
first_property (JsonObject *properties,
                ...)
{
  va_list args;
  const char *key;
  char *value = NULL;

  va_start (args, properties);
  while (value == NULL && (key = va_arg (args, const char *)) != NULL)
    if (properties != NULL)
      value = value_to_string (json_object_get_member (properties, key));
  va_end (args);
  return value;
}

static gboolean
read_merchants_geojson (XunchaMapImporter     *self,
                        const char            *data,
                        gsize                  length,
                        const char            *name,
                        GPtrArray             *rows,
                        XunchaMapImportStats  *stats,
                        GError               **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize)length,
                                                                        NULL);
  g_autoptr(XunchaFeatureReader) reader = xuncha_feature_reader_new (stream);

  for (guint i = 0;; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonObject *feature, *properties = NULL;
      JsonNode *geometry, *coordinates, *props;
      JsonArray *position;
      g_autofree char *label = NULL;
      MerchantRow *row;

      if (!xuncha_feature_reader_next (reader, &node, &local_error))
        return reader_failed (reader, local_error, name, _("merchant points"), error);
      if (node == NULL)
        break;
      stats->features = i + 1;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          label = feature_label (i, NULL);
          return fail (error, XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE,
                       _("%s: %s is not an object; nothing was imported."), name, label);
        }
      feature = json_node_get_object (node);
      geometry = json_object_get_member (feature, "geometry");
      if (geometry == NULL || !g_str_equal (node_type_name (geometry), "Point"))
        {
          stats->skipped++;
          continue;
        }
      props = json_object_get_member (feature, "properties");
      if (props != NULL && JSON_NODE_HOLDS_OBJECT (props))
        properties = json_node_get_object (props);

      row = g_new0 (MerchantRow, 1);
      g_ptr_array_add (rows, row);
      row->id = first_property (properties, "id", "@id", NULL);
      if (row->id == NULL)
        row->id = value_to_string (json_object_get_member (feature, "id"));
      row->name = first_property (properties, "name", NULL);
      row->address = first_property (properties, "address", "addr:full", NULL);
      row->contact = first_property (properties, "contact", "phone", "contact:phone", NULL);
      label = feature_label (i, row->id);

      coordinates = json_object_get_member (json_node_get_object (geometry), "coordinates");
      if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates)
          || json_array_get_length (json_node_get_array (coordinates)) < 2)
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                     _("%s: %s is a point without a [longitude, latitude] pair; nothing "
                       "was imported."), name, label);
      position = json_node_get_array (coordinates);
      if (!read_number (json_array_get_element (position, 0), &row->lon)
          || !read_number (json_array_get_element (position, 1), &row->lat))
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,
                     _("%s: %s does not hold two numbers; nothing was imported."),
                     name, label);
      if (!finish_merchant (self, row, name, label, error))
        return FALSE;
    }
  return TRUE;
}

/* Splits one CSV record (RFC 4180: quotes, doubled quotes, commas and line breaks inside
 * quotes). Advances *pos past the record; *line counts physical lines. */
static GPtrArray *
csv_record (const char  *data,
            gsize        length,
            gsize       *pos,
            guint       *line,
            GError     **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;
  guint start_line = *line;

  while (*pos < length)
    {
      char c = data[(*pos)++];

      if (quoted)
        {
          if (c == '"' && *pos < length && data[*pos] == '"')
            {
              g_string_append_c (field, '"');
              (*pos)++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                (*line)++;
              g_string_append_c (field, c);
            }
        }
      else if (c == '"' && field->len == 0)
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
        }
      else if (c == '\n')
        {
          (*line)++;
          break;
        }
      else if (c != '\r')
        g_string_append_c (field, c);
    }
  if (quoted)
    {
      fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV,
            _("line %u: a quoted field is never closed; nothing was imported."), start_line);
      return NULL;
    }
  g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
  return g_steal_pointer (&fields);
}

static gboolean
parse_csv_number (const char *text,
                  double     *out)
{
  char *end = NULL;
  g_autofree char *copy = g_strstrip (g_strdup (text));

  if (*copy == '\0')
    return FALSE;
  *out = g_ascii_strtod (copy, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

static gboolean
read_merchants_csv (XunchaMapImporter     *self,
                    const char            *data,
                    gsize                  length,
                    const char            *name,
                    GPtrArray             *rows,
                    XunchaMapImportStats  *stats,
                    GError               **error)
{
  static const char * const columns[] = { "id", "name", "address", "contact", "lon", "lat" };
  int index[G_N_ELEMENTS (columns)] = { 0, 1, 2, 3, 4, 5 };
  gsize pos = 0;
  guint line = 1;
  gboolean first = TRUE;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  while (pos < length)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) fields = NULL;
      g_autofree char *label = NULL;
      guint record_line = line;
      MerchantRow *row;

      fields = csv_record (data, length, &pos, &line, &local_error);
      if (fields == NULL)
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV, "%s: %s", name,
                     local_error->message);
      if (fields->len == 1 && *(const char *)fields->pdata[0] == '\0')
        continue;   /* a blank line */

      if (first)
        {
          gboolean header = FALSE;

          first = FALSE;
          for (guint f = 0; f < fields->len; f++)
            {
              g_autofree char *lower = g_ascii_strdown (g_strstrip ((char *)fields->pdata[f]),
                                                        -1);
              const char *cell = lower;

              if (g_str_equal (cell, "lng") || g_str_equal (cell, "longitude"))
                cell = "lon";
              else if (g_str_equal (cell, "latitude"))
                cell = "lat";
              for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
                if (g_str_equal (cell, columns[c]))
                  {
                    if (!header)
                      for (guint k = 0; k < G_N_ELEMENTS (index); k++)
                        index[k] = -1;
                    header = TRUE;
                    index[c] = (int)f;
                  }
            }
          if (header)
            {
              for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
                if (index[c] < 0 && c != 2 && c != 3)
                  return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV,
                               _("%s: the header has no column “%s” (needed: id, name, "
                                 "lon, lat; optional: address, contact); nothing was "
                                 "imported."), name, columns[c]);
              continue;
            }
        }

      stats->features++;
      label = g_strdup_printf (_("line %u"), record_line);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        if (index[c] >= (int)fields->len)
          return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV,
                       _("%s: %s has %u fields, expected id,name,address,contact,lon,lat; "
                         "nothing was imported."), name, label, fields->len);

      row = g_new0 (MerchantRow, 1);
      g_ptr_array_add (rows, row);
#define CELL(c) (index[c] >= 0 ? g_strstrip ((char *)fields->pdata[index[c]]) : NULL)
#define TEXT(c) (CELL (c) != NULL && *CELL (c) != '\0' ? g_strdup (CELL (c)) : NULL)
      row->id = TEXT (0);
      row->name = TEXT (1);
      row->address = TEXT (2);
      row->contact = TEXT (3);
      if (!parse_csv_number (CELL (4), &row->lon) || !parse_csv_number (CELL (5), &row->lat))
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV,
                     _("%s: %s: the longitude “%s” or latitude “%s” is not a number; "
                       "nothing was imported."), name, label, CELL (4), CELL (5));
#undef TEXT
#undef CELL
      if (!finish_merchant (self, row, name, label, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_map_importer_import_merchants (XunchaMapImporter     *self,
                                      const char            *data,
                                      gsize                  length,
                                      const char            *name,
                                      XunchaMapImportStats  *stats,
                                      GError               **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *now = NULL;
  XunchaMapImportStats local_stats = { 0 };
  gsize start = 0;
  gboolean ok;

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (name == NULL)
    name = _("The merchant file");
  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify)merchant_row_free);
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    start = 3;
  while (start < length && g_ascii_isspace (data[start]))
    start++;
  if (start < length && (data[start] == '{' || data[start] == '['))
    ok = read_merchants_geojson (self, data, length, name, rows, stats, error);
  else
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = NULL;
      gsize text_length;

      /* Spreadsheets in China save "CSV" as GBK unless told otherwise. */
      text = xuncha_text_to_utf8 (data, length, &text_length, &local_error);
      if (text == NULL)
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_ENCODING,
                     _("%s is not UTF-8 text: %s. Save it as UTF-8 (in a spreadsheet: "
                       "“CSV UTF-8”) and import it again; nothing was imported."),
                     name, local_error->message);
      ok = read_merchants_csv (self, text, text_length, name, rows, stats, error);
    }
  if (!ok)
    return FALSE;
  if (rows->len == 0)
    return fail (error, XUNCHA_MAP_IMPORT_ERROR_NOTHING,
                 _("%s has no merchants (%u features that are not points were skipped); "
                   "nothing was imported."), name, stats->skipped);

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < rows->len; i++)
    {
      MerchantRow *row = g_ptr_array_index (rows, i);

      if (!g_hash_table_add (seen, row->id))
        return fail (error, XUNCHA_MAP_IMPORT_ERROR_DUPLICATE_ID,
                     _("%s: the merchant id %s appears more than once; ids must be unique. "
                       "Nothing was imported."), name, row->id);
    }

  now = now_iso8601 ();
  if (!xuncha_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      MerchantRow *row = g_ptr_array_index (rows, i);
      /* The import links every merchant to its street below, once the rows are in. */
      XunchaMerchantRecord merchant = {
        .id = row->id,
        .name = row->name,
        .address = row->address,
        .contact = row->contact,
        .lat = row->lat,
        .lon = row->lon,
        .link_street = FALSE,
      };
      gboolean existed = FALSE;

      if (!xuncha_merchant_registry_upsert (self->store, &merchant, now, &existed, error))
        goto fail;
      if (existed)
        stats->updated++;
      else
        stats->inserted++;
    }
  if (!xuncha_merchant_registry_link_all (self->store, &stats->linked, error)
      || !xuncha_store_commit (self->store, error))
    goto fail;
  return TRUE;

fail:
  xuncha_store_rollback (self->store);
  stats->inserted = stats->updated = stats->linked = 0;
  g_prefix_error (error, _("Nothing was imported: "));
  return FALSE;
}

gboolean
xuncha_map_importer_import_merchants_file (XunchaMapImporter     *self,
                                           const char            *path,
                                           XunchaMapImportStats  *stats,
                                           GError               **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length;

  g_return_val_if_fail (XUNCHA_IS_MAP_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!read_file (path, &contents, &length, error))
    return FALSE;
  name = g_path_get_basename (path);
  return xuncha_map_importer_import_merchants (self, contents, length, name, stats, error);
}
