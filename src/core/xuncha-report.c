/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-report"

#include "config.h"

#include <math.h>

#include "xuncha-report-private.h"

typedef struct
{
  char            *source;   /* file path or capture name */
  GBytes          *bytes;    /* a capture in memory, or NULL */
  char            *sha256;
  XunchaPhotoRole  role;
  gboolean         has_taken;   /* the caller knows when it was taken */
  gint64           taken_ms;
  double           own_lat;     /* the photo's own GPS position; NAN: it carries none */
  double           own_lon;
} ReportPhoto;

struct _XunchaReport
{
  GObject               parent_instance;

  char                 *uuid;
  char                 *created_at;
  gint64                created_ms;
  char                 *category;
  char                 *fields_json;
  char                 *note;
  char                 *officer;
  char                 *shift_uuid;
  double                lat, lon, accuracy, altitude, heading;
  XunchaPositionSource  position_source;
  char                 *street_id;
  double                street_offset_m;
  char                 *merchant_id;
  XunchaDisposition     disposition;
  char                 *deadline;
  char                 *parent_uuid;
  char                 *case_status;
  GArray               *photos;   /* ReportPhoto */
};

G_DEFINE_TYPE (XunchaReport, xuncha_report, G_TYPE_OBJECT)

static const char * const source_names[] = { NULL, "gps", "manual", "exif", "track" };
static const char * const disposition_names[] = { NULL, "corrected", "deadline", "case" };
static const char * const role_names[] = { "before", "after", "evidence" };

static gboolean
lookup_name (const char * const *names,
             guint               n,
             const char         *text,
             int                *out)
{
  for (guint i = 0; i < n; i++)
    if (names[i] != NULL && g_strcmp0 (names[i], text) == 0)
      {
        *out = (int)i;
        return TRUE;
      }
  return FALSE;
}

const char *
xuncha_position_source_to_string (XunchaPositionSource source)
{
  g_return_val_if_fail ((guint)source < G_N_ELEMENTS (source_names), NULL);
  return source_names[source];
}

gboolean
xuncha_position_source_from_string (const char           *text,
                                    XunchaPositionSource *source)
{
  int v;

  if (!lookup_name (source_names, G_N_ELEMENTS (source_names), text, &v))
    return FALSE;
  *source = v;
  return TRUE;
}

const char *
xuncha_disposition_to_string (XunchaDisposition disposition)
{
  g_return_val_if_fail ((guint)disposition < G_N_ELEMENTS (disposition_names), NULL);
  return disposition_names[disposition];
}

gboolean
xuncha_disposition_from_string (const char        *text,
                                XunchaDisposition *disposition)
{
  int v;

  if (!lookup_name (disposition_names, G_N_ELEMENTS (disposition_names), text, &v))
    return FALSE;
  *disposition = v;
  return TRUE;
}

const char *
xuncha_photo_role_to_string (XunchaPhotoRole role)
{
  g_return_val_if_fail ((guint)role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
xuncha_photo_role_from_string (const char      *text,
                               XunchaPhotoRole *role)
{
  int v;

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), text, &v))
    return FALSE;
  *role = v;
  return TRUE;
}

static void
clear_photo (ReportPhoto *photo)
{
  g_clear_pointer (&photo->source, g_free);
  g_clear_pointer (&photo->bytes, g_bytes_unref);
  g_clear_pointer (&photo->sha256, g_free);
}

static void
xuncha_report_finalize (GObject *object)
{
  XunchaReport *self = (XunchaReport *)object;

  g_free (self->uuid);
  g_free (self->created_at);
  g_free (self->category);
  g_free (self->fields_json);
  g_free (self->note);
  g_free (self->officer);
  g_free (self->shift_uuid);
  g_free (self->street_id);
  g_free (self->merchant_id);
  g_free (self->deadline);
  g_free (self->parent_uuid);
  g_free (self->case_status);
  g_array_unref (self->photos);

  G_OBJECT_CLASS (xuncha_report_parent_class)->finalize (object);
}

static void
xuncha_report_class_init (XunchaReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_report_finalize;
}

static void
xuncha_report_init (XunchaReport *self)
{
  self->fields_json = g_strdup ("{}");
  self->lat = self->lon = self->accuracy = self->altitude = self->heading = NAN;
  self->street_offset_m = NAN;
  self->photos = g_array_new (FALSE, TRUE, sizeof (ReportPhoto));
  g_array_set_clear_func (self->photos, (GDestroyNotify)clear_photo);
}

static char *
format_utc_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, (int)(ms % 1000));
}

XunchaReport *
xuncha_report_new (const char *category)
{
  XunchaReport *self = g_object_new (XUNCHA_TYPE_REPORT, NULL);

  self->uuid = g_uuid_string_random ();
  self->created_ms = g_get_real_time () / 1000;
  self->created_at = format_utc_ms (self->created_ms);
  self->category = g_strdup (category);
  return self;
}

XunchaReport *
xuncha_report_new_stored (const char *uuid,
                          const char *created_at,
                          const char *category)
{
  XunchaReport *self = g_object_new (XUNCHA_TYPE_REPORT, NULL);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (created_at, NULL);

  self->uuid = g_strdup (uuid);
  self->created_at = g_strdup (created_at);
  if (dt != NULL)
    self->created_ms = g_date_time_to_unix (dt) * 1000
                       + g_date_time_get_microsecond (dt) / 1000;
  self->category = g_strdup (category);
  return self;
}

#define STRING_ACCESSORS(field)                                              \
  const char *                                                               \
  xuncha_report_get_##field (XunchaReport *self)                             \
  {                                                                          \
    g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);                    \
    return self->field;                                                      \
  }                                                                          \
  void                                                                       \
  xuncha_report_set_##field (XunchaReport *self,                             \
                             const char   *value)                            \
  {                                                                          \
    g_return_if_fail (XUNCHA_IS_REPORT (self));                              \
    g_free (self->field);                                                    \
    self->field = g_strdup (value != NULL && *value != '\0' ? value : NULL); \
  }

STRING_ACCESSORS (category)
STRING_ACCESSORS (note)
STRING_ACCESSORS (officer)
STRING_ACCESSORS (shift_uuid)
STRING_ACCESSORS (merchant_id)
STRING_ACCESSORS (deadline)
STRING_ACCESSORS (parent_uuid)
STRING_ACCESSORS (case_status)

const char *
xuncha_report_get_uuid (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  return self->uuid;
}

const char *
xuncha_report_get_created_at (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  return self->created_at;
}

gint64
xuncha_report_get_created_ms (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), 0);
  return self->created_ms;
}

const char *
xuncha_report_get_fields_json (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  return self->fields_json;
}

void
xuncha_report_set_fields_json (XunchaReport *self,
                               const char   *fields_json)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_free (self->fields_json);
  self->fields_json = g_strdup (fields_json != NULL && *fields_json != '\0' ? fields_json
                                                                             : "{}");
}

void
xuncha_report_set_position (XunchaReport         *self,
                            double                lat,
                            double                lon,
                            double                accuracy,
                            double                altitude,
                            double                heading,
                            XunchaPositionSource  source)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (source != XUNCHA_POSITION_SOURCE_NONE);

  self->lat = lat;
  self->lon = lon;
  self->accuracy = accuracy;
  self->altitude = altitude;
  self->heading = heading;
  self->position_source = source;
}

void
xuncha_report_clear_position (XunchaReport *self)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  self->lat = self->lon = self->accuracy = self->altitude = self->heading = NAN;
  self->position_source = XUNCHA_POSITION_SOURCE_NONE;
}

gboolean
xuncha_report_has_position (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), FALSE);
  return self->position_source != XUNCHA_POSITION_SOURCE_NONE && isfinite (self->lat)
         && isfinite (self->lon);
}

#define DOUBLE_GETTER(field)                          \
  double                                              \
  xuncha_report_get_##field (XunchaReport *self)      \
  {                                                   \
    g_return_val_if_fail (XUNCHA_IS_REPORT (self), NAN); \
    return self->field;                               \
  }

DOUBLE_GETTER (lat)
DOUBLE_GETTER (lon)
DOUBLE_GETTER (accuracy)
DOUBLE_GETTER (altitude)
DOUBLE_GETTER (heading)
DOUBLE_GETTER (street_offset_m)

XunchaPositionSource
xuncha_report_get_position_source (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), XUNCHA_POSITION_SOURCE_NONE);
  return self->position_source;
}

void
xuncha_report_set_street (XunchaReport *self,
                          const char   *street_id,
                          double        offset_m)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_free (self->street_id);
  self->street_id = g_strdup (street_id);
  self->street_offset_m = street_id != NULL ? offset_m : NAN;
}

const char *
xuncha_report_get_street_id (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  return self->street_id;
}

XunchaDisposition
xuncha_report_get_disposition (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), XUNCHA_DISPOSITION_NONE);
  return self->disposition;
}

void
xuncha_report_set_disposition (XunchaReport      *self,
                               XunchaDisposition  disposition)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  self->disposition = disposition;
}

static void
add_photo (XunchaReport    *self,
           const char      *source,
           GBytes          *bytes,
           const char      *sha256,
           XunchaPhotoRole  role)
{
  ReportPhoto photo = { g_strdup (source), bytes != NULL ? g_bytes_ref (bytes) : NULL,
                        g_strdup (sha256), role, FALSE, 0, NAN, NAN };

  g_array_append_val (self->photos, photo);
}

void
xuncha_report_add_photo_file (XunchaReport    *self,
                              const char      *path,
                              XunchaPhotoRole  role)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (path != NULL);
  add_photo (self, path, NULL, NULL, role);
}

void
xuncha_report_add_photo_bytes (XunchaReport    *self,
                               GBytes          *jpeg,
                               const char      *name,
                               XunchaPhotoRole  role)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (jpeg != NULL);
  add_photo (self, name != NULL ? name : "capture.jpg", jpeg, NULL, role);
}

void
xuncha_report_add_stored_photo (XunchaReport    *self,
                                const char      *sha256,
                                XunchaPhotoRole  role)
{
  g_return_if_fail (XUNCHA_IS_REPORT (self));
  add_photo (self, NULL, NULL, sha256, role);
}

guint
xuncha_report_get_n_photos (XunchaReport *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), 0);
  return self->photos->len;
}

XunchaPhotoRole
xuncha_report_get_photo_role (XunchaReport *self,
                              guint         index)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), XUNCHA_PHOTO_ROLE_BEFORE);
  g_return_val_if_fail (index < self->photos->len, XUNCHA_PHOTO_ROLE_BEFORE);
  return g_array_index (self->photos, ReportPhoto, index).role;
}

const char *
xuncha_report_get_photo_sha256 (XunchaReport *self,
                                guint         index)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  g_return_val_if_fail (index < self->photos->len, NULL);
  return g_array_index (self->photos, ReportPhoto, index).sha256;
}

const char *
xuncha_report_get_photo_source (XunchaReport *self,
                                guint         index)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  g_return_val_if_fail (index < self->photos->len, NULL);
  return g_array_index (self->photos, ReportPhoto, index).source;
}

void
xuncha_report_set_photo_taken_ms (XunchaReport *self,
                                  guint         index,
                                  gint64        utc_ms)
{
  ReportPhoto *photo;

  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (index < self->photos->len);

  photo = &g_array_index (self->photos, ReportPhoto, index);
  photo->has_taken = TRUE;
  photo->taken_ms = utc_ms;
}

gboolean
xuncha_report_get_photo_taken_ms (XunchaReport *self,
                                  guint         index,
                                  gint64       *utc_ms)
{
  const ReportPhoto *photo;

  g_return_val_if_fail (XUNCHA_IS_REPORT (self), FALSE);
  g_return_val_if_fail (index < self->photos->len, FALSE);

  photo = &g_array_index (self->photos, ReportPhoto, index);
  if (photo->has_taken && utc_ms != NULL)
    *utc_ms = photo->taken_ms;
  return photo->has_taken;
}

void
xuncha_report_set_photo_position (XunchaReport *self,
                                  guint         index,
                                  double        lat,
                                  double        lon)
{
  ReportPhoto *photo;

  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (index < self->photos->len);

  photo = &g_array_index (self->photos, ReportPhoto, index);
  photo->own_lat = lat;
  photo->own_lon = lon;
}

gboolean
xuncha_report_get_photo_position (XunchaReport *self,
                                  guint         index,
                                  double       *lat,
                                  double       *lon)
{
  const ReportPhoto *photo;

  g_return_val_if_fail (XUNCHA_IS_REPORT (self), FALSE);
  g_return_val_if_fail (index < self->photos->len, FALSE);

  photo = &g_array_index (self->photos, ReportPhoto, index);
  if (!isfinite (photo->own_lat) || !isfinite (photo->own_lon))
    return FALSE;
  if (lat != NULL)
    *lat = photo->own_lat;
  if (lon != NULL)
    *lon = photo->own_lon;
  return TRUE;
}

GBytes *
xuncha_report_get_photo_bytes (XunchaReport *self,
                               guint         index)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);
  g_return_val_if_fail (index < self->photos->len, NULL);
  return g_array_index (self->photos, ReportPhoto, index).bytes;
}

void
xuncha_report_set_photo_sha256 (XunchaReport *self,
                                guint         index,
                                const char   *sha256)
{
  ReportPhoto *photo;

  g_return_if_fail (XUNCHA_IS_REPORT (self));
  g_return_if_fail (index < self->photos->len);

  photo = &g_array_index (self->photos, ReportPhoto, index);
  g_free (photo->sha256);
  photo->sha256 = g_strdup (sha256);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
xuncha_report_to_json (XunchaReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) fields = NULL;

  g_return_val_if_fail (XUNCHA_IS_REPORT (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "uuid", self->uuid);
  add_string (builder, "created_at", self->created_at);
  add_string (builder, "officer", self->officer);
  add_string (builder, "shift", self->shift_uuid);
  add_string (builder, "category", self->category);
  json_builder_set_member_name (builder, "fields");
  fields = json_from_string (self->fields_json, NULL);
  if (fields != NULL)
    json_builder_add_value (builder, g_steal_pointer (&fields));
  else
    json_builder_add_string_value (builder, self->fields_json);
  add_string (builder, "note", self->note);
  json_builder_set_member_name (builder, "position");
  if (self->position_source != XUNCHA_POSITION_SOURCE_NONE)
    {
      json_builder_begin_object (builder);
      add_double (builder, "lat", self->lat);
      add_double (builder, "lon", self->lon);
      add_double (builder, "accuracy", self->accuracy);
      add_double (builder, "altitude", self->altitude);
      add_double (builder, "heading", self->heading);
      add_string (builder, "source", xuncha_position_source_to_string (self->position_source));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  add_string (builder, "street", self->street_id);
  add_double (builder, "street_offset_m", self->street_offset_m);
  add_string (builder, "merchant", self->merchant_id);
  add_string (builder, "disposition", xuncha_disposition_to_string (self->disposition));
  add_string (builder, "deadline", self->deadline);
  add_string (builder, "parent", self->parent_uuid);
  add_string (builder, "case_status", self->case_status);
  json_builder_set_member_name (builder, "photos");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->photos->len; i++)
    {
      const ReportPhoto *photo = &g_array_index (self->photos, ReportPhoto, i);

      json_builder_begin_object (builder);
      add_string (builder, "sha256", photo->sha256);
      add_string (builder, "role", xuncha_photo_role_to_string (photo->role));
      /* The photo's own GPS position, beside the report's: they may differ when the
       * report was placed by hand or from the device's fix. */
      json_builder_set_member_name (builder, "position");
      if (isfinite (photo->own_lat) && isfinite (photo->own_lon))
        {
          json_builder_begin_object (builder);
          add_double (builder, "lat", photo->own_lat);
          add_double (builder, "lon", photo->own_lon);
          add_string (builder, "source",
                      xuncha_position_source_to_string (XUNCHA_POSITION_SOURCE_EXIF));
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
