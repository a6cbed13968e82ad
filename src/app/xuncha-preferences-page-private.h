/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-preferences-page.h"

G_BEGIN_DECLS

/* For tests. */

/* TRUE when the enrollment error is shown next to the server address (it concerns the
 * address or the office's certificate). */
gboolean   xuncha_preferences_page_get_error_near_server (XunchaPreferencesPage *self);
GtkWidget *xuncha_preferences_page_get_server_row        (XunchaPreferencesPage *self);
/* "Scan Code", and the window it opened while it is open (else NULL). */
GtkWidget *xuncha_preferences_page_get_scan_button       (XunchaPreferencesPage *self);
GtkWindow *xuncha_preferences_page_get_scan_window       (XunchaPreferencesPage *self);

/* For tests: an enrollment runs; the device is enrolled; the error shown (NULL: none). */
gboolean    xuncha_preferences_page_is_enrolling     (XunchaPreferencesPage *self);
gboolean    xuncha_preferences_page_get_enrolled     (XunchaPreferencesPage *self);
const char *xuncha_preferences_page_get_enroll_error (XunchaPreferencesPage *self);

G_END_DECLS
