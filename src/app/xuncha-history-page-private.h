/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-history-page.h"

G_BEGIN_DECLS

/* For tests. */

/* The route view's row of one of the shift's reports (a tap reopens it), or NULL. */
GtkWidget *xuncha_history_page_get_report_row (XunchaHistoryPage *self,
                                               const char        *uuid);

G_END_DECLS
