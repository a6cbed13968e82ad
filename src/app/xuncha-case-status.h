/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The office's case state (its own word, in Chinese) in the officer's language, and in
 * @style the CSS class that colours it: "case-closed" is good news, "case-returned" asks
 * for work, "case-open" is under way. A word this version does not know is returned as
 * the office gave it. */
const char *xuncha_case_status_describe (const char  *status,
                                         const char **style);

G_END_DECLS
