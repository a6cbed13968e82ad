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
/* The End Shift button, shown on the map while a shift records. */
GtkWidget        *xuncha_patrol_page_get_end_shift_button (XunchaPatrolPage *self);
/* The question or the summary of an ending shift on screen, or NULL. */
AdwMessageDialog *xuncha_patrol_page_get_dialog           (XunchaPatrolPage *self);
/* The strip with the newest unread message (a tap marks it read) and what it says; NULL
 * text while none is unread. */
GtkWidget        *xuncha_patrol_page_get_message_button   (XunchaPatrolPage *self);
const char       *xuncha_patrol_page_get_message_text     (XunchaPatrolPage *self);
/* What the last summary of an ended shift said, or NULL. */
const char       *xuncha_patrol_page_get_summary_text     (XunchaPatrolPage *self);

/* TRUE when the window is wide enough for the side panel beside the map. */
gboolean xuncha_patrol_page_get_side_panel_shown (XunchaPatrolPage *self);
/* The shift toggle (for tests driving the page as an officer would). */
GtkWidget *xuncha_patrol_page_get_shift_button (XunchaPatrolPage *self);

G_END_DECLS
