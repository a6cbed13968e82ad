/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_QUEUE_PAGE (xuncha_queue_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaQueuePage, xuncha_queue_page, XUNCHA, QUEUE_PAGE, GtkWidget)

/* The page reads the device store; NULL when it could not be opened. */
void xuncha_queue_page_set_store (XunchaQueuePage *self,
                                  XunchaStore      *store);
/* Reads the store again (after a save, a sync or an import). */
void xuncha_queue_page_refresh   (XunchaQueuePage *self);

G_END_DECLS
