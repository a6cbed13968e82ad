/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <zbar.h>

#include "xuncha-test-qr.h"

#define SCALE 4

/* Each code's SVG path is "M x y h n v1 h-n z" per run of dark modules. */
GPtrArray *
xuncha_test_read_qr_codes (const char *html)
{
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  const char *p = html;

  while ((p = strstr (p, "<svg class=\"qr\"")) != NULL)
    {
      int side = 0;
      const char *view = strstr (p, "viewBox=\"0 0 ");
      const char *d = strstr (p, " d=\"");
      g_autofree guint8 *gray = NULL;
      zbar_image_scanner_t *scanner;
      zbar_image_t *image;
      int found;

      g_assert_nonnull (view);
      g_assert_nonnull (d);
      g_assert_cmpint (sscanf (view, "viewBox=\"0 0 %d", &side), ==, 1);
      g_assert_cmpint (side, >, 20);
      g_assert_cmpint (side, <, 200);
      gray = g_malloc ((gsize)side * SCALE * side * SCALE);
      memset (gray, 255, (gsize)side * SCALE * side * SCALE);
      d += strlen (" d=\"");
      while (*d == 'M')
        {
          int x, y, run, back, used = 0;

          g_assert_cmpint (sscanf (d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used), ==, 4);
          g_assert_cmpint (run, ==, back);
          g_assert_true (x >= 0 && y >= 0 && x + run <= side && y < side);
          for (int yy = y * SCALE; yy < (y + 1) * SCALE; yy++)
            memset (gray + (gsize)yy * side * SCALE + (gsize)x * SCALE, 0, (gsize)run * SCALE);
          d += used;
        }
      g_assert_true (*d == '"');

      scanner = zbar_image_scanner_create ();
      zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
      zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
      image = zbar_image_create ();
      zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
      zbar_image_set_size (image, side * SCALE, side * SCALE);
      zbar_image_set_data (image, gray, (unsigned long)side * SCALE * side * SCALE, NULL);
      found = zbar_scan_image (scanner, image);
      g_assert_cmpint (found, ==, 1);
      g_ptr_array_add (texts, g_strdup (zbar_symbol_get_data (zbar_image_first_symbol (image))));
      zbar_image_destroy (image);
      zbar_image_scanner_destroy (scanner);
      p = d;
    }
  return texts;
}

}
