/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PATROL_PAGE (xuncha_patrol_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPatrolPage, xuncha_patrol_page, XUNCHA, PATROL_PAGE, GtkWidget)

/* The page reads the device store; NULL when it could not be opened. */
void xuncha_patrol_page_set_store (XunchaPatrolPage  *self,
                                   XunchaStore       *store,
                                   XunchaStoreWorker *worker);
void xuncha_patrol_page_set_street_map (XunchaPatrolPage    *self,
                                        XunchaStreetMap     *map);
void xuncha_patrol_page_set_session    (XunchaPatrolPage    *self,
                                        XunchaPatrolSession *session);
/* The page's map (for tests). */
struct _XunchaMapView *xuncha_patrol_page_get_map_view (XunchaPatrolPage *self);
/* TRUE when the window is wide enough for the side panel beside the map. */
gboolean xuncha_patrol_page_get_side_panel_shown (XunchaPatrolPage *self);
/* The shift toggle (for tests driving the page as an officer would). */
GtkWidget *xuncha_patrol_page_get_shift_button (XunchaPatrolPage *self);
/* Puts a marker for a report just saved; for one already shown (edited), its words change. */
void xuncha_patrol_page_add_report (XunchaPatrolPage *self,
                                    XunchaReport     *report);
/* Reads the store again (after a save, a sync or an import). */
void xuncha_patrol_page_refresh   (XunchaPatrolPage *self);

G_END_DECLS
