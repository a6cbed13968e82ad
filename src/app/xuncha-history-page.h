/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"
#include "xuncha-map-view.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_HISTORY_PAGE (xuncha_history_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaHistoryPage, xuncha_history_page, XUNCHA, HISTORY_PAGE, GtkWidget)

/* The team leader's look back: due re-inspections, shifts by local day (newest first),
 * and a shift's route on the map with its figures. Reads the store on its worker. */

/* The page reads the device store through its worker; NULL when it could not be opened. */
void           xuncha_history_page_set_store_worker (XunchaHistoryPage *self,
                                                     XunchaStoreWorker *worker);
/* Reads the store again (after a save, a sync or an import). */
void           xuncha_history_page_refresh       (XunchaHistoryPage *self);
/* Shows a shift's route (what tapping its row does). */
void           xuncha_history_page_open_shift    (XunchaHistoryPage *self,
                                                  const char        *uuid);
/* Back from a route to the list. */
void           xuncha_history_page_show_list     (XunchaHistoryPage *self);

/* TRUE while the list or a route is being read, or the view is sliding. */
gboolean       xuncha_history_page_is_busy       (XunchaHistoryPage *self);
/* "loading", "empty", "list" or "route". */
const char    *xuncha_history_page_get_view      (XunchaHistoryPage *self);
/* The list's row for a shift (an activatable AdwActionRow), or NULL. */
GtkWidget     *xuncha_history_page_get_shift_row (XunchaHistoryPage *self,
                                                  const char        *uuid);
guint          xuncha_history_page_get_n_due     (XunchaHistoryPage *self);
/* The text the route view shows for "length", "duration", "moving", "stops", "coverage"
 * or "reports". */
const char    *xuncha_history_page_get_value     (XunchaHistoryPage *self,
                                                  const char        *field);
/* The line under a figure ("5 of 7 assigned segments walked"), or "". */
const char    *xuncha_history_page_get_value_detail (XunchaHistoryPage *self,
                                                     const char        *field);
XunchaMapView *xuncha_history_page_get_map_view  (XunchaHistoryPage *self);

G_END_DECLS
