/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-text"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xuncha-text-private.h"

G_DEFINE_QUARK (xuncha-text-error-quark, xuncha_text_error)

#define UTF8_BOM "\xef\xbb\xbf"

/* The first byte of @data that is not UTF-8, or @length. g_utf8_validate() stops at a NUL
 * too, which no text file has. */
static gsize
first_bad_byte (const char *data,
                gsize       length)
{
  const char *end = NULL;

  if (g_utf8_validate (data, (gssize)length, &end))
    return length;
  return (gsize)(end - data);
}

static void
locate (const char *data,
        gsize       offset,
        guint      *line,
        guint      *column)
{
  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      *line += 1, *column = 1;
    else
      *column += 1;
}

gboolean
xuncha_text_check_utf8 (const char  *data,
                        gsize        length,
                        guint        line,
                        guint        column,
                        GError     **error)
{
  gsize bad;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  bad = first_bad_byte (data, length);
  if (bad == length)
    return TRUE;
  locate (data, bad, &line, &column);
  g_set_error (error, XUNCHA_TEXT_ERROR, XUNCHA_TEXT_ERROR_NOT_UTF8,
               _("line %u, position %u (byte 0x%02X) is not UTF-8"), line, column,
               (guint)(guchar)data[bad]);
  return FALSE;
}

char *
xuncha_text_to_utf8 (const char  *data,
                     gsize        length,
                     gsize       *out_length,
                     GError     **error)
{
  g_autofree char *converted = NULL;
  gsize bad, written = 0;
  guint line = 1, column = 1;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  if (length >= 3 && memcmp (data, UTF8_BOM, 3) == 0)
    data += 3, length -= 3;

  bad = first_bad_byte (data, length);
  if (bad == length)
    {
      *out_length = length;
      return g_strndup (data, length);
    }

  /* Not UTF-8: a file exported from a Chinese spreadsheet is GBK (GB18030), where a NUL is
   * still a NUL and every byte sequence either converts or is refused. Text in a Western
   * code page seldom passes as GB18030: its accented letters stand alone, where GB18030
   * wants a second byte of 0x40 or more after every byte of 0x81 or more. */
  if (memchr (data, '\0', length) == NULL)
    converted = g_convert (data, (gssize)length, "UTF-8", "GB18030", NULL, &written, NULL);
  if (converted != NULL && first_bad_byte (converted, written) == written)
    {
      *out_length = written;
      return g_steal_pointer (&converted);
    }

  locate (data, bad, &line, &column);
  g_set_error (error, XUNCHA_TEXT_ERROR, XUNCHA_TEXT_ERROR_NOT_GB18030,
               _("line %u, position %u (byte 0x%02X) is neither UTF-8 nor GBK/GB18030"),
               line, column, (guint)(guchar)data[bad]);
  return NULL;
}
