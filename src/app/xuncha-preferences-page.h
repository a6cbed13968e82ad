/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PREFERENCES_PAGE (xuncha_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPreferencesPage, xuncha_preferences_page, XUNCHA, PREFERENCES_PAGE, GtkWidget)

/* Binds every control to the application's settings. */
void xuncha_preferences_page_set_settings (XunchaPreferencesPage *self,
                                           GSettings             *settings);

G_END_DECLS
