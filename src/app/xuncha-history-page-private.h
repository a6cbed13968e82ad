/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-history-page.h"

G_BEGIN_DECLS

/* For tests. */

/* The route view's row of one of the shift's reports (a tap reopens it), or NULL. */
GtkWidget *xuncha_history_page_get_report_row (XunchaHistoryPage *self,
                                               const char        *uuid);
/* The row of a street's missed segments in the route view (an AdwExpanderRow), or NULL. */
GtkWidget *xuncha_history_page_get_missed_street   (XunchaHistoryPage *self,
                                                    const char        *street);
/* The row of one missed segment, under its street's row, or NULL. */
GtkWidget *xuncha_history_page_get_missed_segment  (XunchaHistoryPage *self,
                                                    const char        *id);
/* How many streets the route view lists missed segments of. */
guint      xuncha_history_page_get_n_missed_streets (XunchaHistoryPage *self);
/* The shift whose route is open (or loading), or NULL. */
const char *xuncha_history_page_get_route_shift    (XunchaHistoryPage *self);
/* The route map's legend. */
GtkWidget *xuncha_history_page_get_legend          (XunchaHistoryPage *self);

G_END_DECLS
