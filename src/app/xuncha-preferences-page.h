/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PREFERENCES_PAGE (xuncha_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPreferencesPage, xuncha_preferences_page, XUNCHA, PREFERENCES_PAGE, GtkWidget)

/* Properties "settings", "store" and "store-worker" (the window binds them to the
 * application's); these set them. Every control is bound to the settings; the store is
 * read for who the device is enrolled as, and its worker enrolls. */
void xuncha_preferences_page_set_settings     (XunchaPreferencesPage *self,
                                               GSettings             *settings);
void xuncha_preferences_page_set_store        (XunchaPreferencesPage *self,
                                               XunchaStore           *store);
void xuncha_preferences_page_set_store_worker (XunchaPreferencesPage *self,
                                               XunchaStoreWorker     *worker);

G_END_DECLS
