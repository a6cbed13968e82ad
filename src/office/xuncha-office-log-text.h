/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Text from outside (an officer id, a device name, a path) as it may go into the log:
 * control characters, quotes and backslashes escaped, non-ASCII bytes as octal, cut at
 * 128 bytes. A line break in it cannot start a line of its own, such as a forged
 * "Enrolled a device" record. NULL is "(none)". */
char *xuncha_office_log_text (const char *text);

G_END_DECLS
