/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The gate every JSON from outside (office requests and answers, taxonomy, street and
 * merchant files, command-line fields) passes before json-glib 1.6 sees it. It refuses
 * what json-glib would read wrongly or not survive:
 * - text after the first value: json-glib reads it as further statements and leaks the
 *   earlier values;
 * - a comment ('/' outside a string): JSON has none, json-glib skips them, and a bracket in
 *   one would hide where the first value ends;
 * - an escape JSON does not have: json-glib reads "\202" as an octal byte, making strings
 *   that are not UTF-8;
 * - "\u0000" or a NUL byte: json-glib cuts the string there, so two different bodies would
 *   read (and hash) as one;
 * - half of a UTF-16 surrogate pair ("\udd16" alone): json-glib makes three bytes of it
 *   that are not UTF-8, so what it read cannot be written out again as JSON;
 * - nesting deeper than XUNCHA_JSON_MAX_DEPTH: json-glib recurses once per level and runs
 *   off the stack (a 200 kB body of brackets is enough);
 * - a member name twice in one object: json-glib keeps the last, so what was checked and
 *   what is stored could differ.
 * One pass, linear in @length; it allocates only for member names of objects. */

#define XUNCHA_JSON_MAX_DEPTH 64

#define XUNCHA_JSON_ERROR (xuncha_json_error_quark ())

typedef enum
{
  XUNCHA_JSON_ERROR_TRAILING,    /* more than one value */
  XUNCHA_JSON_ERROR_COMMENT,
  XUNCHA_JSON_ERROR_ESCAPE,      /* an escape JSON does not have */
  XUNCHA_JSON_ERROR_NUL,         /* \u0000 or a NUL byte */
  XUNCHA_JSON_ERROR_TOO_DEEP,
  XUNCHA_JSON_ERROR_DUPLICATE,   /* a member name twice in one object */
  XUNCHA_JSON_ERROR_INVALID,     /* what json-glib itself refused (xuncha_json_parse) */
  XUNCHA_JSON_ERROR_SURROGATE,   /* \uD800-\uDFFF not in a high-low pair */
} XunchaJsonError;

GQuark    xuncha_json_error_quark (void);

/* FALSE sets @error (English, naming the member for a duplicate) and @at (may be NULL) to
 * the offset where the problem starts: the first byte after the first value, the '/', the
 * backslash, the NUL, the bracket past the limit, the quote of the repeated name. An
 * unfinished, empty or malformed document passes: the parser reports those itself. */
gboolean  xuncha_json_check       (const char  *data,
                                   gsize        length,
                                   gsize       *at,
                                   GError     **error);

/* The gate, then json-glib: the root of @data (@length -1: NUL-terminated), never NULL
 * without @error. An empty document is an error too. */
JsonNode *xuncha_json_parse       (const char  *data,
                                   gssize       length,
                                   GError     **error);

G_END_DECLS
