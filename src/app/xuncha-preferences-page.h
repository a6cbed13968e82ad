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
/* The store, read for who the device is enrolled as, and its worker, which enrolls. */
void xuncha_preferences_page_set_store    (XunchaPreferencesPage *self,
                                           XunchaStore           *store,
                                           XunchaStoreWorker     *worker);

/* For tests: an enrollment runs; the device is enrolled; the error shown (NULL: none). */
gboolean    xuncha_preferences_page_is_enrolling     (XunchaPreferencesPage *self);
gboolean    xuncha_preferences_page_get_enrolled     (XunchaPreferencesPage *self);
const char *xuncha_preferences_page_get_enroll_error (XunchaPreferencesPage *self);

G_END_DECLS
