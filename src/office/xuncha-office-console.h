/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-mbtiles.h"
#include "xuncha-office-console-call.h"
#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_CONSOLE (xuncha_office_console_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeConsole, xuncha_office_console, XUNCHA, OFFICE_CONSOLE, GObject)

/* The largest request body the console takes (its forms are small). */
#define XUNCHA_OFFICE_CONSOLE_BODY_MAX_BYTES (64 * 1024)

/* The office console under /console/: the staff's login, their pages and actions, as HTML
 * made on the server. What each page and action may show or do is checked here for every
 * request from the session's account (its role and team), never left to the browser.
 * Like XunchaOfficeApi it keeps nothing that matters in memory (sessions, failed logins
 * and the audit log are in the records) and is called on the server's workers, several
 * at once; the setters are for before the first call.
 *
 * @records must implement XunchaOfficeStaffRecords (both backends do). @categories: the
 * taxonomy the office serves, for the categories' names. @files_dir: the console's own
 * files (console.css ...), installed in the data folder. @locale_dir: where the
 * project's compiled catalogues are (LOCALEDIR), for the pages in Chinese. */
XunchaOfficeConsole *xuncha_office_console_new           (XunchaOfficeRecords    *records,
                                                          XunchaOfficePhotoStore *photos,
                                                          GBytes                 *categories,
                                                          const char             *files_dir,
                                                          const char             *locale_dir,
                                                          GError                **error);
/* A session ends after @idle_s without a request, and @absolute_s after its login
 * whatever happens. 0 keeps the current value (30 minutes, 12 hours). */
void                 xuncha_office_console_set_timeouts  (XunchaOfficeConsole    *self,
                                                          guint                   idle_s,
                                                          guint                   absolute_s);
/* Failed logins allowed per name and per address within @window_s before further
 * attempts (right or wrong) are refused with 429. 0 keeps the current value. */
void                 xuncha_office_console_set_login_limits (XunchaOfficeConsole *self,
                                                          guint                   per_name,
                                                          guint                   per_address,
                                                          guint                   window_s);

/* Where Leaflet's files are (leaflet.js, leaflet.css, images/): by default Debian's
 * libjs-leaflet, /usr/share/javascript/leaflet. The map page says so when it is missing. */
void                 xuncha_office_console_set_leaflet_dir (XunchaOfficeConsole *self,
                                                          const char             *dir);
/* The office's raster base map (an MBTiles file of PNG, JPEG or WebP tiles), drawn on the
 * map page under the streets; its tiles are served to logged-in staff under
 * /console/tiles/Z/X/Y.FORMAT. NULL (the default): the streets alone. */
void                 xuncha_office_console_set_basemap   (XunchaOfficeConsole    *self,
                                                          XunchaMbtiles          *basemap);
/* The pin of the office's TLS key ("sha256//…", xuncha_office_enroll_card_pin()) that the
 * console's enrollment cards carry in their links; NULL for none. */
void                 xuncha_office_console_set_enroll_pin (XunchaOfficeConsole  *self,
                                                          const char           *pin);
/* Whether @path is the console's (/console or under /console/). */
gboolean             xuncha_office_console_owns_path     (const char             *path);
/* Answers @call. */
void                 xuncha_office_console_handle        (XunchaOfficeConsole    *self,
                                                          XunchaOfficeConsoleCall *call);

G_END_DECLS
