/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-patrol-page.h"

G_BEGIN_DECLS

/* For tests. */

/* TRUE while the map keeps the officer's position in its centre. */
gboolean   xuncha_patrol_page_get_following     (XunchaPatrolPage *self);
/* The locate button, which centres the map on the position and follows it again. */
GtkWidget *xuncha_patrol_page_get_center_button (XunchaPatrolPage *self);

/* The pin of a report on the map (a tap reopens it) and its row beside the map; NULL when
 * the page does not show @uuid. */
GtkWidget *xuncha_patrol_page_get_report_pin    (XunchaPatrolPage *self,
                                                 const char       *uuid);
GtkWidget *xuncha_patrol_page_get_report_row    (XunchaPatrolPage *self,
                                                 const char       *uuid);

G_END_DECLS
