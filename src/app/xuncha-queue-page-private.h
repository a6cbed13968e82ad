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

/* TRUE while the store is being read. */
gboolean    xuncha_queue_page_is_busy        (XunchaQueuePage      *self);
guint       xuncha_queue_page_get_n_rows     (XunchaQueuePage      *self);
/* The state a report's row shows: waiting, sending, acked or failed; NULL without a row. */
const char *xuncha_queue_page_get_state      (XunchaQueuePage      *self,
                                              const char           *uuid);
/* Every text the row shows, one per line; NULL without a row. */
char       *xuncha_queue_page_get_row_text   (XunchaQueuePage      *self,
                                              const char           *uuid);
/* The row's Retry button (NULL unless the report failed). */
GtkWidget  *xuncha_queue_page_get_retry_button (XunchaQueuePage    *self,
                                                const char         *uuid);
/* Why the last sync stopped, as shown (NULL when the page shows no problem). */
char       *xuncha_queue_page_get_problem    (XunchaQueuePage      *self);
/* The shift-end reconciliation as shown. */
const char *xuncha_queue_page_get_reconciliation (XunchaQueuePage  *self);

/* The warning that the device has no key to sign its reports with, as shown; NULL while it
 * is not shown. */
const char *xuncha_queue_page_get_keyless_warning (XunchaQueuePage *self);

G_END_DECLS
