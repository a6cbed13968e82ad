/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-report-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-category.h"
#include "xuncha-enrollment.h"
#include "xuncha-evidence-log.h"
#include "xuncha-jpeg.h"
#include "xuncha-json-private.h"
#include "xuncha-outbox.h"
#include "xuncha-photo-meta.h"
#include "xuncha-protocol.h"
#include "xuncha-report-private.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-time-correlator.h"

struct _XunchaReportStore
{
  GObject           parent_instance;

  XunchaStore      *store;
  XunchaPhotoStore *photos;
  guint             max_edge;
  gint64            camera_offset_ms;
  gint64            max_gap_ms;
  GTimeZone        *zone;
  XunchaStreetMap  *street_map;
};

G_DEFINE_TYPE (XunchaReportStore, xuncha_report_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-report-store-error-quark, xuncha_report_store_error)

/* One photo on its way into the store. */
typedef struct
{
  const char      *name;
  GBytes          *bytes;
  XunchaJpeg      *jpeg;
  XunchaPhotoMeta  meta;       /* as read */
  XunchaPhotoMeta  stored;     /* what is written into it (nothing for a photo with GPS) */
  gboolean         has_time;
  gint64           utc_ms;     /* true time taken: camera offset applied, or the caller's */
  gboolean         taken_given;   /* the caller said when it was taken (the app's camera) */
  GPtrArray       *pieces;     /* the bytes to store */
  char            *sha256;
  int              width;
  int              height;
  gsize            size;
} Incoming;

static void
incoming_clear (Incoming *in)
{
  g_clear_pointer (&in->bytes, g_bytes_unref);
  g_clear_pointer (&in->jpeg, xuncha_jpeg_free);
  g_clear_pointer (&in->pieces, g_ptr_array_unref);
  g_clear_pointer (&in->sha256, g_free);
}

static void
xuncha_report_store_finalize (GObject *object)
{
  XunchaReportStore *self = (XunchaReportStore *)object;

  g_clear_object (&self->photos);
  g_clear_object (&self->store);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_object (&self->street_map);

  G_OBJECT_CLASS (xuncha_report_store_parent_class)->finalize (object);
}

static void
xuncha_report_store_class_init (XunchaReportStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_report_store_finalize;
}

static void
xuncha_report_store_init (XunchaReportStore *self)
{
  self->max_gap_ms = XUNCHA_TIME_CORRELATOR_DEFAULT_MAX_GAP_MS;
}

XunchaReportStore *
xuncha_report_store_new (XunchaStore  *store,
                         GError      **error)
{
  g_autoptr(XunchaReportStore) self = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_REPORT_STORE, NULL);
  self->store = g_object_ref (store);
  self->photos = xuncha_photo_store_open (store, error);
  if (self->photos == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

XunchaPhotoStore *
xuncha_report_store_get_photo_store (XunchaReportStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_STORE (self), NULL);
  return self->photos;
}

void
xuncha_report_store_set_max_edge (XunchaReportStore *self,
                                  guint              max_edge)
{
  g_return_if_fail (XUNCHA_IS_REPORT_STORE (self));
  self->max_edge = max_edge;
}

void
xuncha_report_store_set_camera_offset_ms (XunchaReportStore *self,
                                          gint64             offset_ms)
{
  g_return_if_fail (XUNCHA_IS_REPORT_STORE (self));
  self->camera_offset_ms = offset_ms;
}

void
xuncha_report_store_set_max_gap_ms (XunchaReportStore *self,
                                    gint64             max_gap_ms)
{
  g_return_if_fail (XUNCHA_IS_REPORT_STORE (self));
  g_return_if_fail (max_gap_ms >= 0);
  self->max_gap_ms = max_gap_ms;
}

void
xuncha_report_store_set_zone (XunchaReportStore *self,
                              GTimeZone         *zone)
{
  g_return_if_fail (XUNCHA_IS_REPORT_STORE (self));
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_object (&self->street_map);
  if (zone != NULL)
    self->zone = g_time_zone_ref (zone);
}

static char *
format_utc_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return NULL;
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int)(ms % 1000));
}

/* --- validation --- */

static gboolean
row_exists (XunchaReportStore *self,
            sqlite3_stmt      *stmt,
            const char        *key)
{
  gboolean found;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_INVALID,
                       message);
  return FALSE;
}

static gboolean
valid_date (const char *text)
{
  int y, m, d, used = 0;

  return sscanf (text, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10
         && text[10] == '\0' && g_date_valid_dmy (d, m, y);
}

/* An unknown (NAN) value passes. */
static gboolean
in_range (double value,
          double min,
          double max)
{
  return isnan (value) || (value >= min && value <= max);
}

/* A sensor's reading outside what the protocol carries is no reading. */
static double
known_or_nan (double value,
              double min,
              double max)
{
  return value >= min && value <= max ? value : NAN;
}

static const char *
spec_string (JsonObject *spec,
             const char *name)
{
  JsonNode *node = json_object_get_member (spec, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Whether @value is one of the choices of @spec; @ids gets them all, for the message. */
static gboolean
is_choice (JsonObject *spec,
           const char *value,
           GString    *ids)
{
  JsonNode *choices = json_object_get_member (spec, "choices");
  JsonArray *array;
  gboolean found = FALSE;

  if (choices == NULL || !JSON_NODE_HOLDS_ARRAY (choices))
    return FALSE;
  array = json_node_get_array (choices);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *choice = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (choice)
          || (id = spec_string (json_node_get_object (choice), "id")) == NULL)
        continue;
      found |= value != NULL && g_str_equal (id, value);
      g_string_append_printf (ids, "%s%s", ids->len > 0 ? ", " : "", id);
    }
  return found;
}

/* The category's own fields (the taxonomy's list, as stored with the category) hold for
 * every caller of the core, not only for the app's form: a required one has a value, a
 * choice is one of its choices, a number is a number. */
static gboolean
validate_category_fields (const char  *category,
                          const char  *spec_json,
                          JsonObject  *values,
                          GError     **error)
{
  g_autoptr(JsonNode) specs = json_from_string (spec_json, NULL);
  JsonArray *array;

  if (specs == NULL || !JSON_NODE_HOLDS_ARRAY (specs))
    return TRUE;
  array = json_node_get_array (specs);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *spec;
      JsonNode *value;
      const char *id, *type, *label;
      gboolean empty;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      spec = json_node_get_object (node);
      id = spec_string (spec, "id");
      type = spec_string (spec, "type");
      if (id == NULL || type == NULL)
        continue;
      label = spec_string (spec, xuncha_locale_prefers_chinese () ? "zh" : "en");
      if (label == NULL)
        label = id;
      value = json_object_get_member (values, id);
      empty = value == NULL || JSON_NODE_HOLDS_NULL (value)
              || (JSON_NODE_HOLDS_VALUE (value)
                  && json_node_get_value_type (value) == G_TYPE_STRING
                  && is_blank (json_node_get_string (value)));
      if (empty)
        {
          JsonNode *required = json_object_get_member (spec, "required");

          if (required != NULL && JSON_NODE_HOLDS_VALUE (required)
              && json_node_get_value_type (required) == G_TYPE_BOOLEAN
              && json_node_get_boolean (required))
            return invalid (error, _("A report of category %s needs its field “%s” (%s). "
                                     "Give it a value (xuncha-cli: --field %s=…)."),
                            category, id, label, id);
          continue;
        }
      if (g_str_equal (type, "choice"))
        {
          g_autoptr(GString) ids = g_string_new (NULL);
          const char *text = JSON_NODE_HOLDS_VALUE (value)
                             && json_node_get_value_type (value) == G_TYPE_STRING
                             ? json_node_get_string (value) : NULL;

          if (!is_choice (spec, text, ids))
            return invalid (error, _("The field “%s” (%s) of category %s must be one of: "
                                     "%s."), id, label, category, ids->str);
        }
      if (g_str_equal (type, "number")
          && !(JSON_NODE_HOLDS_VALUE (value)
               && (json_node_get_value_type (value) == G_TYPE_DOUBLE
                   || json_node_get_value_type (value) == G_TYPE_INT64)))
        return invalid (error, _("The field “%s” (%s) of category %s must be a number."),
                        id, label, category);
    }
  return TRUE;
}

/* What a saved report and an edit must both satisfy. */
static gboolean
validate_values (XunchaReportStore  *self,
                 XunchaReport       *report,
                 GError            **error)
{
  sqlite3_stmt *stmt;
  const char *category = xuncha_report_get_category (report);
  const char *merchant = xuncha_report_get_merchant_id (report);
  const char *street = xuncha_report_get_street_id (report);
  const char *deadline = xuncha_report_get_deadline (report);
  g_autoptr(JsonNode) fields = NULL;
  g_autofree char *spec = NULL;

  if (category == NULL)
    return invalid (error, _("The report has no category. Choose one from the category "
                             "list."));
  stmt = xuncha_store_prepare (self->store, "SELECT fields FROM categories WHERE code = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, category, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return invalid (error, _("There is no category with the code %s. Choose one from the "
                               "category list (xuncha-cli categories list)."), category);
    }
  spec = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  /* The fields may come from a command line: the gate first, as for all outside JSON. */
  if (xuncha_report_get_fields_json (report) != NULL)
    fields = xuncha_json_parse (xuncha_report_get_fields_json (report), -1, NULL);
  if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
    return invalid (error, _("The category fields must be a JSON object, like "
                             "{\"plate\": \"A12345\"}."));
  if (!validate_category_fields (category, spec, json_node_get_object (fields), error))
    return FALSE;

  if (merchant != NULL)
    {
      stmt = xuncha_store_prepare (self->store, "SELECT 1 FROM merchants WHERE id = ?1",
                                   error);
      if (stmt == NULL)
        return FALSE;
      if (!row_exists (self, stmt, merchant))
        return invalid (error, _("There is no merchant %s in the registry on this device. "
                                 "Sync to get the latest registry, or leave the merchant "
                                 "out."), merchant);
    }
  if (street != NULL)
    {
      stmt = xuncha_store_prepare (self->store, "SELECT 1 FROM streets WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      if (!row_exists (self, stmt, street))
        return invalid (error, _("There is no street segment %s on this device. Import the "
                                 "street map or leave the street out."), street);
    }

  if (deadline != NULL && !valid_date (deadline))
    return invalid (error, _("The deadline %s is not a date. Write it as YYYY-MM-DD."),
                    deadline);
  if (xuncha_report_get_disposition (report) == XUNCHA_DISPOSITION_DEADLINE && deadline == NULL)
    return invalid (error, _("A rectification deadline needs its date. Give it as "
                             "YYYY-MM-DD."));
  if (xuncha_report_has_position (report)
      && (fabs (xuncha_report_get_lat (report)) > 90
          || fabs (xuncha_report_get_lon (report)) > 180))
    return invalid (error, _("The position %.6f, %.6f is not on Earth. Latitude goes from "
                             "-90 to 90, longitude from -180 to 180."),
                    xuncha_report_get_lat (report), xuncha_report_get_lon (report));
  /* The office takes only what the protocol carries (docs/protocol.md): a report it would
   * refuse is not saved either. */
  if (xuncha_report_has_position (report)
      && !in_range (xuncha_report_get_accuracy (report), 0, XUNCHA_PROTOCOL_ACCURACY_MAX_M))
    return invalid (error, _("An accuracy of %g m is not possible. Give it from 0 to %g "
                             "metres, or leave it out."),
                    xuncha_report_get_accuracy (report), XUNCHA_PROTOCOL_ACCURACY_MAX_M);
  if (xuncha_report_has_position (report)
      && !in_range (xuncha_report_get_altitude (report), XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                    XUNCHA_PROTOCOL_ALTITUDE_MAX_M))
    return invalid (error, _("An altitude of %g m is not possible. Give it from %g to %g "
                             "metres, or leave it out."),
                    xuncha_report_get_altitude (report), XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                    XUNCHA_PROTOCOL_ALTITUDE_MAX_M);
  if (xuncha_report_has_position (report)
      && !in_range (xuncha_report_get_heading (report), 0, XUNCHA_PROTOCOL_HEADING_MAX_DEG))
    return invalid (error, _("A heading of %g° is not a direction. Give it from 0 to 360 "
                             "degrees from north, or leave it out."),
                    xuncha_report_get_heading (report));
  if (street != NULL
      && !in_range (xuncha_report_get_street_offset_m (report), 0,
                    XUNCHA_PROTOCOL_OFFSET_MAX_M))
    return invalid (error, _("An offset of %g m along a street segment is not possible. "
                             "Give it from 0 to %g metres, or leave it out."),
                    xuncha_report_get_street_offset_m (report), XUNCHA_PROTOCOL_OFFSET_MAX_M);
  if (xuncha_report_get_note (report) != NULL
      && g_utf8_strlen (xuncha_report_get_note (report), -1) > XUNCHA_PROTOCOL_TEXT_MAX_CHARS)
    return invalid (error, _("The note is longer than %d characters. Shorten it."),
                    XUNCHA_PROTOCOL_TEXT_MAX_CHARS);
  return TRUE;
}

static gboolean
validate (XunchaReportStore  *self,
          XunchaReport       *report,
          GError            **error)
{
  const char *parent = xuncha_report_get_parent_uuid (report);
  sqlite3_stmt *stmt;

  if (!validate_values (self, report, error))
    return FALSE;
  stmt = xuncha_store_prepare (self->store, "SELECT 1 FROM reports WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  if (row_exists (self, stmt, xuncha_report_get_uuid (report)))
    return invalid (error, _("The report %s is already saved."),
                    xuncha_report_get_uuid (report));
  if (parent != NULL && !row_exists (self, stmt, parent))
    return invalid (error, _("There is no report %s to re-inspect. Check the id with "
                             "“xuncha-cli report list”."), parent);
  return TRUE;
}

/* --- photos --- */

static gboolean
photo_error (GError     **error,
             GError      *cause)
{
  g_set_error_literal (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO,
                       cause->message);
  return FALSE;
}

/* Re-encodes the photo with its longest edge at @max_edge and carries over its metadata
 * segments (Exif, XMP, ICC ...), so nothing of where and when is lost. */
static GBytes *
downscale (GBytes      *bytes,
           XunchaJpeg  *jpeg,
           guint        max_edge,
           GError     **error)
{
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(XunchaJpeg) small = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *src = g_bytes_get_data (bytes, NULL);
  const guint8 *dst;
  gsize dst_len = 0;
  gsize body = 2;

  encoded = xuncha_photo_store_scale_jpeg (bytes, max_edge, 90, error);
  if (encoded == NULL)
    return NULL;
  small = xuncha_jpeg_new (encoded, "scaled", error);
  if (small == NULL)
    return NULL;
  dst = g_bytes_get_data (encoded, &dst_len);

  if (xuncha_jpeg_get_n_segments (small) > 0)
    {
      guint8 marker;
      gsize offset, length;

      xuncha_jpeg_get_segment (small, 0, &marker, &offset, &length);
      if (marker == 0xe0)
        body = offset + length;
    }
  g_byte_array_append (out, dst, body);
  for (guint i = 0; i < xuncha_jpeg_get_n_segments (jpeg); i++)
    {
      guint8 marker;
      gsize offset, length;

      xuncha_jpeg_get_segment (jpeg, i, &marker, &offset, &length);
      if ((marker >= 0xe1 && marker <= 0xef) || marker == 0xfe)
        g_byte_array_append (out, src + offset, length);
    }
  g_byte_array_append (out, dst + body, dst_len - body);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
load_photo (XunchaReportStore  *self,
            XunchaReport       *report,
            guint               index,
            Incoming           *in,
            GError            **error)
{
  GBytes *memory = xuncha_report_get_photo_bytes (report, index);
  g_autoptr(GError) local_error = NULL;

  in->name = xuncha_report_get_photo_source (report, index);
  if (memory != NULL)
    in->bytes = g_bytes_ref (memory);
  else
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (in->name, &contents, &len, &local_error))
        {
          g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO,
                       _("Could not read the photo %s: %s. Check that the file exists and "
                         "can be read; nothing was saved."), in->name, local_error->message);
          return FALSE;
        }
      in->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    }

  in->jpeg = xuncha_jpeg_new (in->bytes, in->name, &local_error);
  if (in->jpeg == NULL || !xuncha_jpeg_check_image (in->jpeg, &local_error))
    return photo_error (error, local_error);

  xuncha_jpeg_get_size (in->jpeg, &in->width, &in->height);
  if (self->max_edge > 0 && (guint)MAX (in->width, in->height) > self->max_edge)
    {
      g_autoptr(GBytes) scaled = downscale (in->bytes, in->jpeg, self->max_edge, &local_error);
      XunchaJpeg *parsed;

      if (scaled == NULL)
        {
          g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO,
                       _("Could not scale down the photo %s: %s"), in->name,
                       local_error->message);
          return FALSE;
        }
      parsed = xuncha_jpeg_new (scaled, in->name, &local_error);
      if (parsed == NULL)
        return photo_error (error, local_error);
      g_clear_pointer (&in->jpeg, xuncha_jpeg_free);
      g_bytes_unref (in->bytes);
      in->bytes = g_steal_pointer (&scaled);
      in->jpeg = parsed;
      xuncha_jpeg_get_size (in->jpeg, &in->width, &in->height);
    }

  xuncha_photo_meta_read (&in->meta, in->jpeg);
  xuncha_photo_meta_clear (&in->stored);
  if (xuncha_photo_meta_get_utc_ms (&in->meta, self->zone, &in->utc_ms))
    {
      in->has_time = TRUE;
      in->utc_ms += self->camera_offset_ms;
    }
  else if (xuncha_report_get_photo_taken_ms (report, index, &in->utc_ms))
    in->has_time = in->taken_given = TRUE;
  return TRUE;
}

static gboolean
place_report (XunchaReportStore  *self,
              XunchaReport       *report,
              Incoming           *photos,
              guint               n_photos,
              GError            **error)
{
  if (xuncha_report_has_position (report))
    return TRUE;

  for (guint i = 0; i < n_photos; i++)
    if (photos[i].meta.has_position && fabs (photos[i].meta.lat) <= 90
        && fabs (photos[i].meta.lon) <= 180)
      {
        xuncha_report_set_position (report, photos[i].meta.lat, photos[i].meta.lon, NAN,
                                    known_or_nan (photos[i].meta.altitude,
                                                  XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                                                  XUNCHA_PROTOCOL_ALTITUDE_MAX_M),
                                    known_or_nan (photos[i].meta.direction, 0,
                                                  XUNCHA_PROTOCOL_HEADING_MAX_DEG),
                                    XUNCHA_POSITION_SOURCE_EXIF);
        return TRUE;
      }

  for (guint i = 0; i < n_photos; i++)
    {
      g_autoptr(XunchaTimeCorrelator) track = NULL;
      XunchaFix fix;

      if (!photos[i].has_time)
        continue;
      track = xuncha_time_correlator_new_from_store (self->store,
                                                     photos[i].utc_ms - self->max_gap_ms,
                                                     photos[i].utc_ms + self->max_gap_ms,
                                                     error);
      if (track == NULL)
        return FALSE;
      xuncha_time_correlator_set_max_gap_ms (track, self->max_gap_ms);
      if (xuncha_time_correlator_locate (track, photos[i].utc_ms, &fix))
        {
          /* A track's heading is the course it went, not where the camera looked. */
          xuncha_report_set_position (report, fix.lat, fix.lon,
                                      known_or_nan (fix.accuracy, 0,
                                                    XUNCHA_PROTOCOL_ACCURACY_MAX_M),
                                      known_or_nan (fix.altitude,
                                                    XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                                                    XUNCHA_PROTOCOL_ALTITUDE_MAX_M),
                                      NAN, XUNCHA_POSITION_SOURCE_TRACK);
          return TRUE;
        }
    }

  g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NO_POSITION,
               _("The report has no position: none was given, the photos carry no GPS "
                 "position, and no recorded track covers the time they were taken. Place it "
                 "on the map or give its latitude and longitude (--lat and --lon)."));
  return FALSE;
}

/* Gives a photo without GPS the report's position, so every stored photo says where it was
 * taken; a photo with its own GPS is stored byte for byte as it came, even when the report
 * was placed elsewhere (the report's position source and the photo's own position say
 * which is which). Only what is known is written, as the Exif standard means it: the
 * position with the altitude and direction of view given with it (a photo's own are kept);
 * no GPS date and time stamps, which are a receiver's UTC time of a fix (a camera clock is
 * not one, and a manual position has none); a capture time (local, with its offset) only
 * when the caller said when it was taken and the photo has none. */
static gboolean
prepare_pieces (XunchaReportStore  *self,
                XunchaReport       *report,
                Incoming           *in,
                GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (in->meta.has_position)
    {
      in->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
      g_ptr_array_add (in->pieces, g_bytes_ref (in->bytes));
    }
  else
    {
      in->stored.has_position = TRUE;
      in->stored.lat = xuncha_report_get_lat (report);
      in->stored.lon = xuncha_report_get_lon (report);
      /* The photo's own altitude (a fix without a usable position) is kept as it is. */
      in->stored.altitude = isfinite (in->meta.altitude) ? in->meta.altitude
                                                          : xuncha_report_get_altitude (report);
      if (!isfinite (in->meta.direction))
        in->stored.direction = xuncha_report_get_heading (report);
      if (in->taken_given)
        xuncha_photo_meta_set_time (&in->stored, in->utc_ms, self->zone);
      in->pieces = xuncha_photo_meta_write (&in->stored, in->jpeg, &local_error);
      if (in->pieces == NULL)
        {
          g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_PHOTO,
                       _("Could not write the position into the photo %s: %s"), in->name,
                       local_error->message);
          return FALSE;
        }
    }
  in->size = 0;
  for (guint i = 0; i < in->pieces->len; i++)
    in->size += g_bytes_get_size (in->pieces->pdata[i]);
  return TRUE;
}

/* --- rows --- */

#define bind_text xuncha_store_bind_text_or_null

static void
bind_double (sqlite3_stmt *stmt,
             int           column,
             double        value)
{
  if (isfinite (value))
    sqlite3_bind_double (stmt, column, value);
  else
    sqlite3_bind_null (stmt, column);
}

/* The rows that make a stored photo file part of report @uuid, and its outbox entry. */
static gboolean
insert_photo_rows (XunchaReportStore  *self,
                   const char         *uuid,
                   Incoming           *in,
                   XunchaPhotoRole     role,
                   guint               position,
                   const char         *now,
                   GError            **error)
{
  g_autofree char *taken = in->has_time ? format_utc_ms (in->utc_ms) : NULL;
  sqlite3_stmt *stmt;

  stmt = xuncha_store_prepare (self->store,
                               "INSERT OR IGNORE INTO photos (sha256, bytes, width, height, "
                               "taken_at, lat, lon, altitude, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, in->sha256);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)in->size);
  if (in->width > 0)
    sqlite3_bind_int (stmt, 3, in->width);
  if (in->height > 0)
    sqlite3_bind_int (stmt, 4, in->height);
  bind_text (stmt, 5, taken);
  /* The photo's own position: the report's, written into a photo without one, is the
   * report's to tell. */
  bind_double (stmt, 6, in->meta.has_position ? in->meta.lat : NAN);
  bind_double (stmt, 7, in->meta.has_position ? in->meta.lon : NAN);
  bind_double (stmt, 8, in->meta.has_position ? in->meta.altitude : NAN);
  bind_text (stmt, 9, now);
  if (!xuncha_store_step_done (self->store, stmt, error))
    return FALSE;

  stmt = xuncha_store_prepare (self->store,
                               "INSERT OR IGNORE INTO report_photos (report_uuid, sha256, "
                               "role, position) VALUES (?1, ?2, ?3, ?4)",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, in->sha256);
  bind_text (stmt, 3, xuncha_photo_role_to_string (role));
  sqlite3_bind_int (stmt, 4, (int)position);
  if (!xuncha_store_step_done (self->store, stmt, error))
    return FALSE;

  /* The sync helper sends what the outbox lists; a photo already queued (or sent)
   * for an earlier report keeps its row. */
  return xuncha_outbox_enqueue (self->store, "photo", in->sha256, now, error);
}

static gboolean
insert_rows (XunchaReportStore  *self,
             XunchaReport       *report,
             Incoming           *photos,
             guint               n_photos,
             GError            **error)
{
  g_autofree char *now = format_utc_ms (g_get_real_time () / 1000);
  const char *uuid = xuncha_report_get_uuid (report);
  sqlite3_stmt *stmt;

  /* A report belongs to the officer who made it: the one the device is enrolled as when
   * it is saved (read in the saving transaction), unless the caller named one. The sync
   * sends it only under that officer (docs/protocol.md). */
  if (xuncha_report_get_officer (report) == NULL)
    {
      g_autofree char *officer = xuncha_enrollment_get_officer (self->store);
      xuncha_report_set_officer (report, officer);
    }

  stmt = xuncha_store_prepare (self->store,
                               "INSERT INTO reports (uuid, created_at, officer, shift_uuid, "
                               "category, fields, note, lat, lon, accuracy, altitude, heading, "
                               "position_source, street_id, street_offset_m, merchant_id, "
                               "disposition, deadline, parent_uuid) VALUES (?1, ?2, ?3, ?4, "
                               "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                               "?18, ?19)",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, xuncha_report_get_created_at (report));
  bind_text (stmt, 3, xuncha_report_get_officer (report));
  bind_text (stmt, 4, xuncha_report_get_shift_uuid (report));
  bind_text (stmt, 5, xuncha_report_get_category (report));
  bind_text (stmt, 6, xuncha_report_get_fields_json (report));
  bind_text (stmt, 7, xuncha_report_get_note (report));
  bind_double (stmt, 8, xuncha_report_get_lat (report));
  bind_double (stmt, 9, xuncha_report_get_lon (report));
  bind_double (stmt, 10, xuncha_report_get_accuracy (report));
  bind_double (stmt, 11, xuncha_report_get_altitude (report));
  bind_double (stmt, 12, xuncha_report_get_heading (report));
  bind_text (stmt, 13, xuncha_position_source_to_string (
                         xuncha_report_get_position_source (report)));
  bind_text (stmt, 14, xuncha_report_get_street_id (report));
  bind_double (stmt, 15, xuncha_report_get_street_offset_m (report));
  bind_text (stmt, 16, xuncha_report_get_merchant_id (report));
  bind_text (stmt, 17, xuncha_disposition_to_string (xuncha_report_get_disposition (report)));
  bind_text (stmt, 18, xuncha_report_get_deadline (report));
  bind_text (stmt, 19, xuncha_report_get_parent_uuid (report));
  if (!xuncha_store_step_done (self->store, stmt, error))
    return FALSE;

  for (guint i = 0; i < n_photos; i++)
    if (!insert_photo_rows (self, uuid, &photos[i], xuncha_report_get_photo_role (report, i), i,
                            now, error))
      return FALSE;

  return xuncha_outbox_enqueue (self->store, "report", uuid, now, error);
}

static gboolean
save_error (XunchaReportStore  *self,
            GError            **error,
            GError             *cause)
{
  sqlite3 *db = xuncha_store_get_db (self->store);
  int rc = sqlite3_extended_errcode (db) & 0xff;
  int ext = sqlite3_extended_errcode (db);
  int sys = sqlite3_system_errno (db);

  if (rc == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SAVE,
                 _("Could not save the report: there is not enough space on the device. "
                   "Nothing was saved; free some space and save again."));
  else if (ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC || ext == SQLITE_IOERR_TRUNCATE)
    /* SQLite keeps no errno for a failed write to its log; a full disk (or a file size
     * limit) is by far the likeliest cause on a phone. */
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SAVE,
                 _("Could not save the report: the device refused to write the database "
                   "(it may be out of space). Nothing was saved; free some space and save "
                   "again."));
  else
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SAVE,
                 _("Could not save the report: %s. Nothing was saved; try again."),
                 cause != NULL ? cause->message : _("unknown error"));
  return FALSE;
}

/* Tags the report with the street segment nearest its position (街面分段责任制), when a
 * street map is loaded and the caller did not choose one. */
static void
snap_to_street (XunchaReportStore *self,
                XunchaReport      *report)
{
  XunchaStreetSnap snap;

  if (self->street_map == NULL || !xuncha_report_has_position (report))
    return;
  /* A segment so long that the offset is past what the protocol carries is not a street
   * segment to report against. */
  if (xuncha_street_map_snap (self->street_map, xuncha_report_get_lat (report),
                              xuncha_report_get_lon (report),
                              xuncha_report_get_accuracy (report), &snap, 1) == 0
      || !(snap.offset_m >= 0 && snap.offset_m <= XUNCHA_PROTOCOL_OFFSET_MAX_M))
    return;
  xuncha_report_set_street (report, xuncha_street_segment_get_id (snap.segment),
                            snap.offset_m);
}

void
xuncha_report_store_set_street_map (XunchaReportStore *self,
                                    XunchaStreetMap   *map)
{
  g_return_if_fail (XUNCHA_IS_REPORT_STORE (self));
  g_return_if_fail (map == NULL || XUNCHA_IS_STREET_MAP (map));

  g_set_object (&self->street_map, map);
}

/* The key to sign with, read before the transaction (a keyring round trip has no place
 * inside it). A device whose key cannot be read saves unsigned rather than lose the
 * officer's work; the sync signs such a report before it sends it. */
static XunchaEvidenceKey *
signing_key (XunchaReportStore *self)
{
  g_autoptr(GError) error = NULL;
  XunchaEvidenceKey *key = xuncha_evidence_log_load_key (self->store, &error);

  if (error != NULL)
    g_message ("Saving without a signature: %s", error->message);
  return key;
}

gboolean
xuncha_report_store_save (XunchaReportStore  *self,
                          XunchaReport       *report,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  guint n_photos;
  Incoming *photos;
  gboolean ok = FALSE;
  gboolean had_position;
  gboolean had_street;

  g_return_val_if_fail (XUNCHA_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_REPORT (report), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate (self, report, error))
    return FALSE;

  had_position = xuncha_report_has_position (report);
  had_street = xuncha_report_get_street_id (report) != NULL;
  n_photos = xuncha_report_get_n_photos (report);
  photos = g_new0 (Incoming, MAX (n_photos, 1));

  for (guint i = 0; i < n_photos; i++)
    if (!load_photo (self, report, i, &photos[i], error))
      goto out;
  if (!place_report (self, report, photos, n_photos, error))
    goto out;
  if (!had_street)
    snap_to_street (self, report);
  for (guint i = 0; i < n_photos; i++)
    if (!prepare_pieces (self, report, &photos[i], error))
      goto out;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  /* Files first, each durable on its own; the rows that make them part of a report come
   * last, in one transaction. A crash in between leaves only files no row refers to, and
   * the next open removes those. */
  for (guint i = 0; i < n_photos; i++)
    {
      if (!xuncha_photo_store_put (self->photos, photos[i].pieces, photos[i].name,
                                   &photos[i].sha256, &local_error))
        {
          g_set_error_literal (error, XUNCHA_REPORT_STORE_ERROR,
                               XUNCHA_REPORT_STORE_ERROR_SAVE, local_error->message);
          xuncha_photo_store_release (self->photos, FALSE);
          goto out;
        }
    }

  key = signing_key (self);
  if (!xuncha_store_begin (self->store, &local_error)
      || !insert_rows (self, report, photos, n_photos, &local_error)
      || !xuncha_evidence_log_sign (self->store, key, xuncha_report_get_uuid (report),
                                    &local_error)
      || !xuncha_store_commit (self->store, &local_error))
    {
      save_error (self, error, local_error);
      xuncha_store_rollback (self->store);
      xuncha_photo_store_release (self->photos, FALSE);
      goto out;
    }
  xuncha_photo_store_release (self->photos, TRUE);

  for (guint i = 0; i < n_photos; i++)
    {
      xuncha_report_set_photo_sha256 (report, i, photos[i].sha256);
      if (photos[i].meta.has_position)
        xuncha_report_set_photo_position (report, i, photos[i].meta.lat, photos[i].meta.lon);
    }
  ok = TRUE;

out:
  if (!ok && !had_position)
    xuncha_report_clear_position (report);
  if (!ok && !had_street)
    xuncha_report_set_street (report, NULL, NAN);
  for (guint i = 0; i < n_photos; i++)
    incoming_clear (&photos[i]);
  g_free (photos);
  return ok;
}

/* --- editing --- */

/* Refuses an edit unless the report still waits in the outbox. Inside the transaction of
 * the edit, this is what keeps an edit from racing a send: the sync marks a report
 * 'sending' in the transaction that reads it (xuncha_outbox_mark_sending). */
static gboolean
check_still_waiting (XunchaReportStore  *self,
                     const char         *uuid,
                     GError            **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *state = NULL;
  int rc;

  stmt = xuncha_store_prepare (self->store,
                               "SELECT state FROM outbox WHERE kind = 'report' AND item = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    state = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return xuncha_store_set_error (self->store, error, "Could not read the outbox");

  /* No row yet: nothing has been sent (the next sync queues it). */
  if (state == NULL || g_str_equal (state, "waiting"))
    return TRUE;
  if (g_str_equal (state, "sending"))
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT,
                 _("The report is being sent to the office right now, so it can no longer be "
                   "changed. Nothing was changed; add what is missing as a new report or "
                   "tell the office."));
  else if (g_str_equal (state, "acked"))
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT,
                 _("The office has already received this report, so it can no longer be "
                   "changed. Nothing was changed; add what is missing as a new report or "
                   "tell the office."));
  else
    g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT,
                 _("This report already went to the office and was not accepted, so it can "
                   "no longer be changed. Nothing was changed; see the Queue page for the "
                   "reason."));
  return FALSE;
}

static gboolean
update_rows (XunchaReportStore  *self,
             const char         *uuid,
             XunchaReport       *edited,
             Incoming           *photos,
             guint               n_photos,
             GError            **error)
{
  g_autofree char *now = format_utc_ms (g_get_real_time () / 1000);
  sqlite3_stmt *stmt;

  if (!check_still_waiting (self, uuid, error))
    return FALSE;

  stmt = xuncha_store_prepare (self->store,
                               "UPDATE reports SET category = ?2, fields = ?3, note = ?4, "
                               "  street_id = ?5, street_offset_m = ?6, merchant_id = ?7, "
                               "  disposition = ?8, deadline = ?9 WHERE uuid = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, xuncha_report_get_category (edited));
  bind_text (stmt, 3, xuncha_report_get_fields_json (edited));
  bind_text (stmt, 4, xuncha_report_get_note (edited));
  bind_text (stmt, 5, xuncha_report_get_street_id (edited));
  bind_double (stmt, 6, xuncha_report_get_street_id (edited) != NULL
                        ? xuncha_report_get_street_offset_m (edited) : NAN);
  bind_text (stmt, 7, xuncha_report_get_merchant_id (edited));
  bind_text (stmt, 8, xuncha_disposition_to_string (xuncha_report_get_disposition (edited)));
  bind_text (stmt, 9, xuncha_report_get_deadline (edited));
  if (!xuncha_store_step_done (self->store, stmt, error))
    return FALSE;
  if (sqlite3_changes (xuncha_store_get_db (self->store)) != 1)
    {
      g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NOT_FOUND,
                   _("There is no report %s on this device. See “xuncha-cli report "
                     "list”."), uuid);
      return FALSE;
    }

  for (guint i = 0; i < n_photos; i++)
    if (photos[i].sha256 != NULL
        && !insert_photo_rows (self, uuid, &photos[i],
                               xuncha_report_get_photo_role (edited, i), i, now, error))
      return FALSE;
  return TRUE;
}

gboolean
xuncha_report_store_update (XunchaReportStore  *self,
                            const char         *uuid,
                            XunchaReport       *edited,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autoptr(XunchaReport) saved = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  Incoming *photos;
  guint n_photos;
  gboolean any_new = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (XUNCHA_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (XUNCHA_IS_REPORT (edited), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_values (self, edited, error))
    return FALSE;
  saved = xuncha_report_store_get (self, uuid, error);
  if (saved == NULL)
    return FALSE;
  /* Said before any photo work; the transaction below checks again. */
  if (!check_still_waiting (self, uuid, error))
    return FALSE;

  /* New photos (no hash yet) get the saved report's place and time in their Exif, as at
   * the first save. */
  n_photos = xuncha_report_get_n_photos (edited);
  photos = g_new0 (Incoming, MAX (n_photos, 1));
  for (guint i = 0; i < n_photos; i++)
    {
      if (xuncha_report_get_photo_sha256 (edited, i) != NULL)
        continue;
      any_new = TRUE;
      if (!load_photo (self, edited, i, &photos[i], error)
          || !prepare_pieces (self, saved, &photos[i], error))
        goto out;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  for (guint i = 0; i < n_photos; i++)
    if (photos[i].pieces != NULL
        && !xuncha_photo_store_put (self->photos, photos[i].pieces, photos[i].name,
                                    &photos[i].sha256, &local_error))
      {
        g_set_error_literal (error, XUNCHA_REPORT_STORE_ERROR,
                             XUNCHA_REPORT_STORE_ERROR_SAVE, local_error->message);
        xuncha_photo_store_release (self->photos, FALSE);
        goto out;
      }

  key = signing_key (self);
  if (!xuncha_store_begin (self->store, &local_error)
      || !update_rows (self, uuid, edited, photos, n_photos, &local_error)
      || !xuncha_evidence_log_sign (self->store, key, uuid, &local_error)
      || !xuncha_store_commit (self->store, &local_error))
    {
      if (local_error->domain == XUNCHA_REPORT_STORE_ERROR
          || local_error->domain == XUNCHA_EVIDENCE_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        save_error (self, error, local_error);
      xuncha_store_rollback (self->store);
      if (any_new)
        xuncha_photo_store_release (self->photos, FALSE);
      goto out;
    }
  if (any_new)
    xuncha_photo_store_release (self->photos, TRUE);
  for (guint i = 0; i < n_photos; i++)
    if (photos[i].sha256 != NULL)
      {
        xuncha_report_set_photo_sha256 (edited, i, photos[i].sha256);
        if (photos[i].meta.has_position)
          xuncha_report_set_photo_position (edited, i, photos[i].meta.lat,
                                            photos[i].meta.lon);
      }
  ok = TRUE;

out:
  for (guint i = 0; i < n_photos; i++)
    incoming_clear (&photos[i]);
  g_free (photos);
  return ok;
}

/* --- reading --- */

#define REPORT_COLUMNS \
  "uuid, created_at, category, fields, note, officer, shift_uuid, lat, lon, accuracy, " \
  "altitude, heading, position_source, street_id, street_offset_m, merchant_id, "       \
  "disposition, deadline, parent_uuid, case_status"

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

static double
column_double (sqlite3_stmt *stmt,
               int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, column);
}

static XunchaReport *
report_from_row (XunchaReportStore  *self,
                 sqlite3_stmt       *row,
                 GError            **error)
{
  g_autoptr(XunchaReport) report = NULL;
  XunchaPositionSource source = XUNCHA_POSITION_SOURCE_NONE;
  XunchaDisposition disposition = XUNCHA_DISPOSITION_NONE;
  sqlite3_stmt *stmt;
  int rc;

  report = xuncha_report_new_stored (column_text (row, 0), column_text (row, 1),
                                     column_text (row, 2));
  xuncha_report_set_fields_json (report, column_text (row, 3));
  xuncha_report_set_note (report, column_text (row, 4));
  xuncha_report_set_officer (report, column_text (row, 5));
  xuncha_report_set_shift_uuid (report, column_text (row, 6));
  if (xuncha_position_source_from_string (column_text (row, 12), &source))
    xuncha_report_set_position (report, column_double (row, 7), column_double (row, 8),
                                column_double (row, 9), column_double (row, 10),
                                column_double (row, 11), source);
  xuncha_report_set_street (report, column_text (row, 13), column_double (row, 14));
  xuncha_report_set_merchant_id (report, column_text (row, 15));
  if (xuncha_disposition_from_string (column_text (row, 16), &disposition))
    xuncha_report_set_disposition (report, disposition);
  xuncha_report_set_deadline (report, column_text (row, 17));
  xuncha_report_set_parent_uuid (report, column_text (row, 18));
  xuncha_report_set_case_status (report, column_text (row, 19));

  stmt = xuncha_store_prepare (self->store,
                               "SELECT rp.sha256, rp.role, p.lat, p.lon FROM report_photos rp "
                               "LEFT JOIN photos p ON p.sha256 = rp.sha256 "
                               "WHERE rp.report_uuid = ?1 ORDER BY rp.position, rp.rowid",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, xuncha_report_get_uuid (report), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaPhotoRole role = XUNCHA_PHOTO_ROLE_BEFORE;

      xuncha_photo_role_from_string (column_text (stmt, 1), &role);
      xuncha_report_add_stored_photo (report, column_text (stmt, 0), role);
      xuncha_report_set_photo_position (report, xuncha_report_get_n_photos (report) - 1,
                                        column_double (stmt, 2), column_double (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (self->store, error, "Could not read the report's photos");
      return NULL;
    }
  return g_steal_pointer (&report);
}

GPtrArray *
xuncha_report_store_list (XunchaReportStore  *self,
                          guint               limit,
                          GError            **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_REPORT_STORE (self), NULL);

  stmt = xuncha_store_prepare (self->store,
                               "SELECT " REPORT_COLUMNS " FROM reports "
                               "ORDER BY created_at DESC, rowid DESC LIMIT ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (sqlite3_int64)limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaReport *report = report_from_row (self, stmt, error);
      if (report == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (reports, report);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (self->store, error, "Could not list the reports");
      return NULL;
    }
  return g_steal_pointer (&reports);
}

XunchaReport *
xuncha_report_store_get (XunchaReportStore  *self,
                         const char         *uuid,
                         GError            **error)
{
  sqlite3_stmt *stmt;
  XunchaReport *report;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_REPORT_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  stmt = xuncha_store_prepare (self->store,
                               "SELECT " REPORT_COLUMNS " FROM reports WHERE uuid = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NOT_FOUND,
                     _("There is no report %s on this device. See “xuncha-cli report "
                       "list”."), uuid);
      else
        xuncha_store_set_error (self->store, error, "Could not read the report");
      return NULL;
    }
  report = report_from_row (self, stmt, error);
  sqlite3_reset (stmt);
  return report;
}

/* --- for the sync: the rows as the office gets them, and what it sends back --- */

XunchaWireReport *
xuncha_report_store_load_wire (XunchaStore  *store,
                               const char   *uuid,
                               GError      **error)
{
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT uuid, created_at, shift_uuid, category, fields, note, "
                               "  lat, lon, accuracy, altitude, heading, position_source, "
                               "  street_id, street_offset_m, merchant_id, disposition, "
                               "  deadline, parent_uuid FROM reports WHERE uuid = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_NOT_FOUND,
                   _("The report %s is no longer on the device."), uuid);
      return NULL;
    }
  report->uuid = g_strdup (column_text (stmt, 0));
  report->created_at = g_strdup (column_text (stmt, 1));
  report->shift_uuid = g_strdup (column_text (stmt, 2));
  report->category = g_strdup (column_text (stmt, 3));
  if (column_text (stmt, 4) != NULL
      && json_parser_load_from_data (parser, column_text (stmt, 4), -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      json_node_unref (report->fields);
      report->fields = json_node_copy (json_parser_get_root (parser));
    }
  report->note = g_strdup (column_text (stmt, 5));
  if (sqlite3_column_type (stmt, 6) != SQLITE_NULL && sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    {
      report->has_position = TRUE;
      report->lat = sqlite3_column_double (stmt, 6);
      report->lon = sqlite3_column_double (stmt, 7);
      report->accuracy = column_double (stmt, 8);
      report->altitude = column_double (stmt, 9);
      report->heading = column_double (stmt, 10);
      /* No source recorded: claim no more precision than a hand-placed point. */
      report->position_source = g_strdup (column_text (stmt, 11) != NULL
                                          ? column_text (stmt, 11) : "manual");
    }
  report->street_id = g_strdup (column_text (stmt, 12));
  report->street_offset_m = report->street_id != NULL ? column_double (stmt, 13) : NAN;
  report->merchant_id = g_strdup (column_text (stmt, 14));
  report->disposition = g_strdup (column_text (stmt, 15));
  report->deadline = g_strdup (column_text (stmt, 16));
  report->parent_uuid = g_strdup (column_text (stmt, 17));
  sqlite3_reset (stmt);

  stmt = xuncha_store_prepare (store,
                               "SELECT sha256, role FROM report_photos WHERE report_uuid = ?1 "
                               "ORDER BY position, sha256, role", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    xuncha_wire_report_add_photo (report, column_text (stmt, 0), column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the report's photos");
      return NULL;
    }
  if (!xuncha_wire_report_validate (report, error))
    return NULL;
  return g_steal_pointer (&report);
}

char *
xuncha_report_store_get_officer_of (XunchaStore *store,
                                    const char  *uuid)
{
  sqlite3_stmt *stmt;
  char *officer = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  stmt = xuncha_store_prepare (store, "SELECT officer FROM reports WHERE uuid = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    officer = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  return officer;
}

gint64
xuncha_report_store_get_photo_bytes (XunchaStore *store,
                                     const char  *sha256)
{
  sqlite3_stmt *stmt;
  gint64 bytes = 0;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), 0);
  g_return_val_if_fail (sha256 != NULL, 0);

  stmt = xuncha_store_prepare (store, "SELECT bytes FROM photos WHERE sha256 = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return bytes;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

gboolean
xuncha_report_store_apply_status (XunchaStore      *store,
                                  XunchaWireDelta  *delta,
                                  guint            *changed,
                                  GError          **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (delta != NULL && delta->kind == XUNCHA_WIRE_DELTA_STATUS, FALSE);

  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *status = delta->items->pdata[i];
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "UPDATE reports SET case_status = ?2, "
                                                 "  case_status_at = ?3 WHERE uuid = ?1",
                                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, member (status, "uuid"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, member (status, "case_status"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, member (status, "case_status_at"), -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (store, stmt, error))
        return FALSE;
      /* Only reports this device holds count: the office lists the team's. */
      *changed += (guint)sqlite3_changes (xuncha_store_get_db (store));
    }
  return TRUE;
}
