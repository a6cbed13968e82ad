/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Text files that people make (merchant lists, street layers) for the core's importers and
 * the office's: one rule for what is accepted, so a file that one end takes the other takes
 * too. */

#define XUNCHA_TEXT_ERROR (xuncha_text_error_quark ())

typedef enum
{
  XUNCHA_TEXT_ERROR_NOT_UTF8,        /* bytes that are not UTF-8 (or NUL) */
  XUNCHA_TEXT_ERROR_NOT_GB18030,     /* neither UTF-8 nor GB18030 */
} XunchaTextError;

GQuark    xuncha_text_error_quark (void);

/* Whether @data is UTF-8 without a NUL byte. Otherwise sets @error, whose message names the
 * line and position (in bytes, from 1) of the first byte that is not, counting the start
 * of @data as @line, @column (a piece of a larger file). */
gboolean  xuncha_text_check_utf8  (const char  *data,
                                   gsize        length,
                                   guint        line,
                                   guint        column,
                                   GError     **error);

/* A text file as UTF-8 without a byte-order mark: UTF-8 (with or without the mark) as it
 * is; otherwise, when it is GB18030 (which holds GBK and GB2312, what Chinese spreadsheets
 * export as "CSV"), converted from it. Anything else (and a NUL byte in either) is refused
 * with an error that names the line and position of the first byte that is not UTF-8.
 * Returns a new NUL-terminated string; its length (without the NUL) in *@out_length. */
char     *xuncha_text_to_utf8     (const char  *data,
                                   gsize        length,
                                   gsize       *out_length,
                                   GError     **error);

G_END_DECLS
