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

G_END_DECLS
