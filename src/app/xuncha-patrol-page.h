/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PATROL_PAGE (xuncha_patrol_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPatrolPage, xuncha_patrol_page, XUNCHA, PATROL_PAGE, GtkWidget)

/* Properties "store", "store-worker", "street-map" and "session" (the window binds them
 * to the application's); these set them. The page reads the device store once it has the
 * store and its worker; NULL when it could not be opened. */
void xuncha_patrol_page_set_store        (XunchaPatrolPage    *self,
                                          XunchaStore         *store);
void xuncha_patrol_page_set_store_worker (XunchaPatrolPage    *self,
                                          XunchaStoreWorker   *worker);
void xuncha_patrol_page_set_street_map   (XunchaPatrolPage    *self,
                                          XunchaStreetMap     *map);
void xuncha_patrol_page_set_session      (XunchaPatrolPage    *self,
                                          XunchaPatrolSession *session);
/* The page's map (the window puts the basemap under its streets). */
struct _XunchaMapView *xuncha_patrol_page_get_map_view (XunchaPatrolPage *self);
/* Puts a marker for a report just saved; for one already shown (edited), its words change. */
void xuncha_patrol_page_add_report (XunchaPatrolPage *self,
                                    XunchaReport     *report);
/* Reads the store again (after a save, a sync or an import). */
void xuncha_patrol_page_refresh   (XunchaPatrolPage *self);

G_END_DECLS
