/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JPEG segment walker and the Exif replacement: any bytes are walked without reading
 * outside them, the segments found lie inside the file, and replacing the Exif block gives
 * a file that walks again with exactly the new block in it. */
#include "config.h"

#include <string.h>

#include "xuncha-fuzz.h"
#include "xuncha-jpeg.h"

static const guint8 new_exif[] = {
  'E', 'x', 'i', 'f', 0, 0,
  'I', 'I', 0x2a, 0, 8, 0, 0, 0,   /* TIFF header, IFD0 at 8 */
  0, 0,                            /* no entries */
  0, 0, 0, 0,                      /* no next IFD */
};

static void
check_segments (XunchaJpeg   *jpeg,
                const guint8 *data,
                gsize         size)
{
  guint n = xuncha_jpeg_get_n_segments (jpeg);
  gsize last_end = 2;

  for (guint i = 0; i < n; i++)
    {
      guint8 marker;
      gsize offset;
      gsize length;

      xuncha_jpeg_get_segment (jpeg, i, &marker, &offset, &length);
      XUNCHA_FUZZ_CHECK (offset >= last_end);
      XUNCHA_FUZZ_CHECK (length >= 4);
      XUNCHA_FUZZ_CHECK (offset + length <= size);
      XUNCHA_FUZZ_CHECK (data[offset] == 0xff && data[offset + 1] == marker);
      last_end = offset + length;
    }
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
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(XunchaJpeg) jpeg = NULL;
  g_autoptr(XunchaJpeg) again = NULL;
  g_autoptr(GBytes) exif = NULL;
  g_autoptr(GBytes) replaced = NULL;
  g_autoptr(GBytes) exif_again = NULL;
  int width;
  int height;

  jpeg = xuncha_jpeg_new (bytes, "fuzz.jpg", NULL);
  if (jpeg == NULL)
    return 0;

  check_segments (jpeg, data, size);
  xuncha_jpeg_check_image (jpeg, NULL);
  xuncha_jpeg_get_size (jpeg, &width, &height);
  exif = xuncha_jpeg_get_exif (jpeg);
  if (exif != NULL)
    XUNCHA_FUZZ_CHECK (g_bytes_get_size (exif) >= 6
                       && memcmp (g_bytes_get_data (exif, NULL), "Exif\0\0", 6) == 0);

  replaced = xuncha_jpeg_replace_exif_bytes (jpeg, new_exif, sizeof new_exif, NULL);
  XUNCHA_FUZZ_CHECK (replaced != NULL);
  again = xuncha_jpeg_new (replaced, "fuzz-again.jpg", NULL);
  XUNCHA_FUZZ_CHECK (again != NULL);
  check_segments (again, g_bytes_get_data (replaced, NULL), g_bytes_get_size (replaced));
  exif_again = xuncha_jpeg_get_exif (again);
  XUNCHA_FUZZ_CHECK (exif_again != NULL);
  XUNCHA_FUZZ_CHECK (g_bytes_get_size (exif_again) == sizeof new_exif
                     && memcmp (g_bytes_get_data (exif_again, NULL), new_exif,
                                sizeof new_exif) == 0);
  return 0;
}
