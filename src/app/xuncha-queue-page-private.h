/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-queue-page.h"

G_BEGIN_DECLS

/* For tests. */

/* The row of a report (a tap reopens it), or NULL when the page shows none for @uuid. */
GtkWidget *xuncha_queue_page_get_row (XunchaQueuePage *self,
                                      const char      *uuid);

/* How many reports the list shows at first and adds with "Show Older Reports" (200). */
void       xuncha_queue_page_set_rows_per_page (XunchaQueuePage *self,
                                                guint            n);
/* "Show Older Reports", NULL while every report has its row. */
GtkWidget *xuncha_queue_page_get_older_button  (XunchaQueuePage *self);

G_END_DECLS
