/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a report's position came from. */
typedef enum
{
  XUNCHA_POSITION_SOURCE_NONE,
  XUNCHA_POSITION_SOURCE_GPS,      /* the device's fix when the report was made */
  XUNCHA_POSITION_SOURCE_MANUAL,   /* placed by the officer (map or numbers) */
  XUNCHA_POSITION_SOURCE_EXIF,     /* the GPS tags of a photo */
  XUNCHA_POSITION_SOURCE_TRACK,    /* the recorded track at the photo's time */
} XunchaPositionSource;

typedef enum
{
  XUNCHA_DISPOSITION_NONE,
  XUNCHA_DISPOSITION_CORRECTED,    /* corrected on the spot */
  XUNCHA_DISPOSITION_DEADLINE,     /* rectification deadline given, to be re-inspected */
  XUNCHA_DISPOSITION_CASE,         /* filed as a case */
} XunchaDisposition;

typedef enum
{
  XUNCHA_PHOTO_ROLE_BEFORE,
  XUNCHA_PHOTO_ROLE_AFTER,
  XUNCHA_PHOTO_ROLE_EVIDENCE,
} XunchaPhotoRole;

/* The strings stored and sent ("gps", "corrected", "before" ...); NULL for NONE. */
const char *xuncha_position_source_to_string   (XunchaPositionSource  source);
gboolean    xuncha_position_source_from_string (const char           *text,
                                                XunchaPositionSource *source);
const char *xuncha_disposition_to_string       (XunchaDisposition     disposition);
gboolean    xuncha_disposition_from_string     (const char           *text,
                                                XunchaDisposition    *disposition);
const char *xuncha_photo_role_to_string        (XunchaPhotoRole       role);
gboolean    xuncha_photo_role_from_string      (const char           *text,
                                                XunchaPhotoRole      *role);

#define XUNCHA_TYPE_REPORT (xuncha_report_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReport, xuncha_report, XUNCHA, REPORT, GObject)

/* A violation report. A new one gets a random UUID (made on the device, so a resend is
 * recognised by the office) and its creation time (UTC). Saved with its photos by
 * XunchaReportStore; unknown numbers are NAN. */
XunchaReport        *xuncha_report_new                 (const char           *category);

const char          *xuncha_report_get_uuid            (XunchaReport         *self);
/* ISO 8601 UTC with milliseconds, e.g. 2024-05-01T08:30:00.250Z */
const char          *xuncha_report_get_created_at      (XunchaReport         *self);
gint64               xuncha_report_get_created_ms      (XunchaReport         *self);

const char          *xuncha_report_get_category        (XunchaReport         *self);
void                 xuncha_report_set_category        (XunchaReport         *self,
                                                        const char           *category);
/* The category's extra fields as a JSON object text (default "{}"). */
const char          *xuncha_report_get_fields_json     (XunchaReport         *self);
void                 xuncha_report_set_fields_json     (XunchaReport         *self,
                                                        const char           *fields_json);
const char          *xuncha_report_get_note            (XunchaReport         *self);
void                 xuncha_report_set_note            (XunchaReport         *self,
                                                        const char           *note);
const char          *xuncha_report_get_officer         (XunchaReport         *self);
void                 xuncha_report_set_officer         (XunchaReport         *self,
                                                        const char           *officer);
const char          *xuncha_report_get_shift_uuid      (XunchaReport         *self);
void                 xuncha_report_set_shift_uuid      (XunchaReport         *self,
                                                        const char           *shift_uuid);

void                 xuncha_report_set_position        (XunchaReport         *self,
                                                        double                lat,
                                                        double                lon,
                                                        double                accuracy,
                                                        double                altitude,
                                                        double                heading,
                                                        XunchaPositionSource  source);
void                 xuncha_report_clear_position      (XunchaReport         *self);
gboolean             xuncha_report_has_position        (XunchaReport         *self);
double               xuncha_report_get_lat             (XunchaReport         *self);
double               xuncha_report_get_lon             (XunchaReport         *self);
double               xuncha_report_get_accuracy        (XunchaReport         *self);
double               xuncha_report_get_altitude        (XunchaReport         *self);
double               xuncha_report_get_heading         (XunchaReport         *self);
XunchaPositionSource xuncha_report_get_position_source (XunchaReport         *self);

/* The street segment the report lies on and the distance along it, as the street map
 * snapped it (NULL: none). */
void                 xuncha_report_set_street          (XunchaReport         *self,
                                                        const char           *street_id,
                                                        double                offset_m);
const char          *xuncha_report_get_street_id       (XunchaReport         *self);
double               xuncha_report_get_street_offset_m (XunchaReport         *self);

const char          *xuncha_report_get_merchant_id     (XunchaReport         *self);
void                 xuncha_report_set_merchant_id     (XunchaReport         *self,
                                                        const char           *merchant_id);
XunchaDisposition    xuncha_report_get_disposition     (XunchaReport         *self);
void                 xuncha_report_set_disposition     (XunchaReport         *self,
                                                        XunchaDisposition     disposition);
/* The rectification deadline, a date YYYY-MM-DD (NULL: none). */
const char          *xuncha_report_get_deadline        (XunchaReport         *self);
void                 xuncha_report_set_deadline        (XunchaReport         *self,
                                                        const char           *deadline);
/* The report this one re-inspects (NULL: an original report). */
const char          *xuncha_report_get_parent_uuid     (XunchaReport         *self);
void                 xuncha_report_set_parent_uuid     (XunchaReport         *self,
                                                        const char           *parent_uuid);
const char          *xuncha_report_get_case_status     (XunchaReport         *self);

/* Photos: from a file, or from memory (a capture) with a name for messages. */
void                 xuncha_report_add_photo_file      (XunchaReport         *self,
                                                        const char           *path,
                                                        XunchaPhotoRole       role);
void                 xuncha_report_add_photo_bytes     (XunchaReport         *self,
                                                        GBytes               *jpeg,
                                                        const char           *name,
                                                        XunchaPhotoRole       role);
guint                xuncha_report_get_n_photos        (XunchaReport         *self);
XunchaPhotoRole      xuncha_report_get_photo_role      (XunchaReport         *self,
                                                        guint                 index);
/* The stored photo's hash (NULL until saved). */
const char          *xuncha_report_get_photo_sha256    (XunchaReport         *self,
                                                        guint                 index);
/* The file or name it was added from (NULL for a report read back from the store). */
const char          *xuncha_report_get_photo_source    (XunchaReport         *self,
                                                        guint                 index);
/* When photo @index was taken, in Unix milliseconds UTC, for a caller that knows it (the
 * app's camera): a photo without a capture time of its own gets it as DateTimeOriginal.
 * Without it the store writes no capture time: the time of an import is not when the photo
 * was taken. */
void                 xuncha_report_set_photo_taken_ms  (XunchaReport         *self,
                                                        guint                 index,
                                                        gint64                utc_ms);
/* The photo's own GPS position, as its tags gave it when it was saved (FALSE: it carried
 * none, and the store wrote the report's into it). It may differ from the report's
 * position, whose source says where that came from. */
gboolean             xuncha_report_get_photo_position  (XunchaReport         *self,
                                                        guint                 index,
                                                        double               *lat,
                                                        double               *lon);

/* Everything above as a JSON object (for the command line and tools). */
JsonNode            *xuncha_report_to_json             (XunchaReport         *self);

G_END_DECLS
