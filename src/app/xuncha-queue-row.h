/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "xuncha-queue-item.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_QUEUE_ROW (xuncha_queue_row_get_type ())

G_DECLARE_FINAL_TYPE (XunchaQueueRow, xuncha_queue_row, XUNCHA, QUEUE_ROW, GtkListBoxRow)

/* The queue's row of one report: its photo, category, street and time, where it is on its
 * way to the office, the receipt or why it failed. A tap reopens the report
 * ("win.open-report"); its Retry button is "queue.retry" with the report's uuid. */
GtkWidget       *xuncha_queue_row_new              (XunchaQueueItem *item);
XunchaQueueItem *xuncha_queue_row_get_item         (XunchaQueueRow  *self);
/* Every text the row shows, one per line. */
char            *xuncha_queue_row_get_text         (XunchaQueueRow  *self);
/* The Retry button, NULL unless the report failed. */
GtkWidget       *xuncha_queue_row_get_retry_button (XunchaQueueRow  *self);

G_END_DECLS
