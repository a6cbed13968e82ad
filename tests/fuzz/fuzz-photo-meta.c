/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exif reading and rewriting (libexif under xuncha-photo-meta). A JPEG is read as it is;
 * anything else is taken as an Exif block and wrapped in the smallest JPEG, so the fuzzer
 * can work on the TIFF structure directly. Whatever was read must be a sane position and
 * time, and writing a known position and time into the block must read back the same. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "xuncha-fuzz.h"
#include "xuncha-photo-meta.h"

static GBytes *
wrap_exif (const uint8_t *data,
           size_t         size)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 soi[] = { 0xff, 0xd8 };
  static const guint8 eoi[] = { 0xff, 0xd9 };
  gsize payload = MIN (size, 0xffff - 2 - 6);
  guint8 head[4] = { 0xff, 0xe1, (payload + 8) >> 8, (payload + 8) & 0xff };

  g_byte_array_append (out, soi, sizeof soi);
  g_byte_array_append (out, head, sizeof head);
  g_byte_array_append (out, (const guint8 *)"Exif\0\0", 6);
  g_byte_array_append (out, data, payload);
  g_byte_array_append (out, eoi, sizeof eoi);
  return g_byte_array_free_to_bytes (out);
}

static void
check_sane (const XunchaPhotoMeta *meta)
{
  if (meta->has_position)
    {
      XUNCHA_FUZZ_CHECK (isfinite (meta->lat) && meta->lat >= -90 && meta->lat <= 90);
      XUNCHA_FUZZ_CHECK (isfinite (meta->lon) && meta->lon >= -180 && meta->lon <= 180);
    }
  if (meta->has_time)
    XUNCHA_FUZZ_CHECK (meta->subsec_ms >= 0 && meta->subsec_ms < 1000);
  if (meta->has_offset)
    XUNCHA_FUZZ_CHECK (meta->offset_s > -24 * 3600 && meta->offset_s < 24 * 3600);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  g_autoptr(GPtrArray) pieces = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(XunchaJpeg) again = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  XunchaPhotoMeta meta;
  XunchaPhotoMeta known;
  XunchaPhotoMeta back;
  gint64 utc_ms;

  /* The input outlives every use of it in this call: no copy (up to 128 KiB each). */
  if (size >= 2 && data[0] == 0xff && data[1] == 0xd8)
    bytes = g_bytes_new_static (data, size);
  else
    bytes = wrap_exif (data, size);

  jpeg = xuncha_jpeg_new (bytes, "fuzz.jpg", NULL);
  if (jpeg == NULL)
    return 0;

  xuncha_photo_meta_read (&meta, jpeg);
  check_sane (&meta);
  xuncha_photo_meta_get_utc_ms (&meta, utc, &utc_ms);

  /* Write a known position and time over whatever the block held. */
  xuncha_photo_meta_clear (&known);
  known.has_position = TRUE;
  known.lat = 30.657013;
  known.lon = -104.065;
  known.altitude = -12.5;
  known.direction = 271.25;
  xuncha_photo_meta_set_time (&known, G_GINT64_CONSTANT (1714546800250), utc);
  pieces = xuncha_photo_meta_write (&known, jpeg, NULL);
  if (pieces == NULL)
    return 0;

  written = xuncha_jpeg_join_pieces (pieces);
  again = xuncha_jpeg_new (written, "fuzz-written.jpg", NULL);
  XUNCHA_FUZZ_CHECK (again != NULL);
  XUNCHA_FUZZ_CHECK (xuncha_photo_meta_read (&back, again));
  check_sane (&back);
  XUNCHA_FUZZ_CHECK (back.has_position);
  XUNCHA_FUZZ_CHECK (fabs (back.lat - known.lat) < 1e-6 && fabs (back.lon - known.lon) < 1e-6);
  XUNCHA_FUZZ_CHECK (fabs (back.altitude - known.altitude) < 1e-3);
  XUNCHA_FUZZ_CHECK (xuncha_photo_meta_get_utc_ms (&back, utc, &utc_ms));
  XUNCHA_FUZZ_CHECK (utc_ms == G_GINT64_CONSTANT (1714546800250));
  return 0;
}
