/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For core modules that read JSON from outside (taxonomy, street and merchant files, and
 * the protocol): whether @data holds a single JSON value, surrounded by nothing but
 * whitespace. json-glib 1.6 reads text after the first value as further statements and
 * leaks the earlier values, so such input is refused before it reaches the parser. So is a
 * comment ('/' outside a string) inside the first value: JSON has none, json-glib skips
 * them, and a bracket in one would hide where the first value ends. FALSE sets @extra_at
 * (may be NULL) to the offset of the first byte after the first value, of the '/', or of
 * the backslash of an escape JSON does not have (json-glib 1.6 reads "\202" as an octal
 * byte, making strings that are not UTF-8). An
 * unfinished or empty document gives TRUE: the parser reports those itself. */
gboolean xuncha_json_is_single_value (const char *data,
                                      gsize       length,
                                      gsize      *extra_at);

G_END_DECLS
