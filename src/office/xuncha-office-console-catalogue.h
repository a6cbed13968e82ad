/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The project's gettext catalogue of one language, read from its compiled .mo file, for
 * the console: each request is answered in its own language, chosen per request, which
 * gettext's one process-wide locale cannot do (and an office rarely has the zh_CN locale
 * installed at all). Read once, then only looked up: safe from any thread. */
typedef struct _XunchaOfficeConsoleCatalogue XunchaOfficeConsoleCatalogue;

/* NULL with @error when the file cannot be read or is not a .mo file. */
XunchaOfficeConsoleCatalogue *xuncha_office_console_catalogue_load      (const char *path,
                                                                        GError    **error);
void                          xuncha_office_console_catalogue_free      (XunchaOfficeConsoleCatalogue *self);
/* The translation of @text, or @text itself. */
const char                   *xuncha_office_console_catalogue_translate (XunchaOfficeConsoleCatalogue *self,
                                                                        const char                   *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeConsoleCatalogue, xuncha_office_console_catalogue_free)

G_END_DECLS
