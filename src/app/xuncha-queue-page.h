/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"
#include "xuncha-sync-controller.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_QUEUE_PAGE (xuncha_queue_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaQueuePage, xuncha_queue_page, XUNCHA, QUEUE_PAGE, GtkWidget)

/* The page reads the device store through its worker; NULL when it could not be opened. */
void        xuncha_queue_page_set_store_worker (XunchaQueuePage   *self,
                                                XunchaStoreWorker *worker);
/* Street names for the rows (NULL: the segment ids are shown). */
void        xuncha_queue_page_set_street_map (XunchaQueuePage      *self,
                                              XunchaStreetMap      *map);
/* The sync that "Sync now", "Cancel" and "Retry" drive. */
void        xuncha_queue_page_set_controller (XunchaQueuePage      *self,
                                              XunchaSyncController *controller);
/* Reads the store again (after a save, a sync or an import). */
void        xuncha_queue_page_refresh        (XunchaQueuePage      *self);

G_END_DECLS
