/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Self-made JPEG fixtures for the photo tests and benchmarks: small images encoded with
 * gdk-pixbuf, and Exif blocks assembled byte by byte (independently of libexif, so the
 * reader is tested against bytes it did not write). */

/* A JPEG of @width x @height with a pattern chosen by @seed (JFIF APP0, no Exif). */
GBytes *photo_fixture_image        (int         width,
                                    int         height,
                                    guint       seed);

typedef enum
{
  FIXTURE_IFD_0,
  FIXTURE_IFD_EXIF,
  FIXTURE_IFD_GPS,
} FixtureIfd;

typedef struct _FixtureExif FixtureExif;

FixtureExif *photo_fixture_exif_new        (gboolean     big_endian);
void         photo_fixture_exif_free       (FixtureExif *exif);
void         photo_fixture_exif_ascii      (FixtureExif *exif,
                                            FixtureIfd   ifd,
                                            guint16      tag,
                                            const char  *text);
/* @n rationals as numerator/denominator pairs. A count of zero makes an empty entry. */
void         photo_fixture_exif_rationals  (FixtureExif *exif,
                                            FixtureIfd   ifd,
                                            guint16      tag,
                                            const guint32 *pairs,
                                            guint        n);
void         photo_fixture_exif_byte       (FixtureExif *exif,
                                            FixtureIfd   ifd,
                                            guint16      tag,
                                            guint8       value);
/* An APP1 payload: "Exif\0\0" and the TIFF structure. */
GBytes      *photo_fixture_exif_finish     (FixtureExif *exif);

/* A GPS block for @lat/@lon in degrees, minutes, seconds (seconds to 1/10000"). */
void         photo_fixture_exif_gps        (FixtureExif *exif,
                                            double       lat,
                                            double       lon);

/* A whole segment: 0xFF, @marker, length and @payload. */
GBytes      *photo_fixture_segment         (guint8       marker,
                                            const void  *payload,
                                            gsize        len);

/* @image with @segments (whole segments, in order) inserted after SOI and after its JFIF
 * APP0 when @after_jfif is TRUE. NULL-terminated list. */
GBytes      *photo_fixture_insert          (GBytes      *image,
                                            gboolean     after_jfif,
                                            ...) G_GNUC_NULL_TERMINATED;

/* Writes @bytes to @dir/@name and returns the path. */
char        *photo_fixture_write           (const char  *dir,
                                            const char  *name,
                                            GBytes      *bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FixtureExif, photo_fixture_exif_free)

G_END_DECLS
