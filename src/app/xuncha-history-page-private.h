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
