/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_HISTORY_PAGE (xuncha_history_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaHistoryPage, xuncha_history_page, XUNCHA, HISTORY_PAGE, GtkWidget)

/* The page reads the device store; NULL when it could not be opened. */
void xuncha_history_page_set_store (XunchaHistoryPage *self,
                                  XunchaStore      *store);
/* Reads the store again (after a save, a sync or an import). */
void xuncha_history_page_refresh   (XunchaHistoryPage *self);

G_END_DECLS
