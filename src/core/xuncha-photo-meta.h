/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-jpeg.h"

G_BEGIN_DECLS

#define XUNCHA_PHOTO_META_ERROR (xuncha_photo_meta_error_quark ())

typedef enum
{
  XUNCHA_PHOTO_META_ERROR_WRITE,   /* the Exif block could not be built */
} XunchaPhotoMetaError;

/* Where and when a photo was taken, as its Exif block tells (or will tell) it. A plain
 * value type. Unknown numbers are NAN. */
typedef struct
{
  gboolean has_position;   /* a usable fix: not void, not 0/0, not empty */
  double   lat;
  double   lon;
  double   altitude;       /* metres, negative below sea level */
  double   direction;      /* GPSImgDirection, degrees from true north */

  /* DateTimeOriginal (or, lacking it, DateTimeDigitized or DateTime): the camera's wall
   * clock, as seconds since 1970-01-01 00:00 of that wall clock (not UTC). */
  gboolean has_time;
  gint64   local_time_s;
  int      subsec_ms;

  gboolean has_offset;     /* OffsetTimeOriginal */
  int      offset_s;       /* seconds east of UTC */

  gboolean has_gps_time;   /* GPSDateStamp + GPSTimeStamp, both well-formed */
  gint64   gps_time_ms;    /* Unix milliseconds, UTC */
} XunchaPhotoMeta;

#define XUNCHA_TYPE_PHOTO_META (xuncha_photo_meta_get_type ())

GType            xuncha_photo_meta_get_type   (void) G_GNUC_CONST;
GQuark           xuncha_photo_meta_error_quark (void);
XunchaPhotoMeta *xuncha_photo_meta_copy       (const XunchaPhotoMeta *meta);
void             xuncha_photo_meta_free       (XunchaPhotoMeta       *meta);

/* An empty value: nothing known. */
void             xuncha_photo_meta_clear      (XunchaPhotoMeta       *meta);

/* Reads position, altitude, direction and times from the photo's Exif block, tolerating
 * real-world damage. Never fails: returns FALSE (and a cleared @meta) when the photo holds
 * no readable Exif. */
gboolean         xuncha_photo_meta_read       (XunchaPhotoMeta       *meta,
                                               XunchaJpeg            *jpeg);

/* When the photo was taken, in Unix milliseconds UTC: the wall clock with
 * OffsetTimeOriginal, else interpreted in @zone (NULL: the local zone). FALSE when the
 * photo has no time. */
gboolean         xuncha_photo_meta_get_utc_ms (const XunchaPhotoMeta *meta,
                                               GTimeZone             *zone,
                                               gint64                *utc_ms);

/* Sets the time fields from a UTC instant shown in @zone (NULL: local). */
void             xuncha_photo_meta_set_time   (XunchaPhotoMeta       *meta,
                                               gint64                 utc_ms,
                                               GTimeZone             *zone);

/* Writes the known fields of @meta into the photo's Exif block with libexif (GPS position
 * with WGS-84 datum, altitude, direction, GPS date and time, DateTimeOriginal and
 * OffsetTimeOriginal), keeping the block's other tags. Only the Exif APP1 segment changes
 * (or is inserted); returns the new file as pieces (see xuncha_jpeg_replace_exif()). */
GPtrArray       *xuncha_photo_meta_write      (const XunchaPhotoMeta *meta,
                                               XunchaJpeg            *jpeg,
                                               GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaPhotoMeta, xuncha_photo_meta_free)

G_END_DECLS
