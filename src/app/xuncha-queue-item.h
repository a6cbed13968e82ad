/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_QUEUE_ITEM (xuncha_queue_item_get_type ())

G_DECLARE_FINAL_TYPE (XunchaQueueItem, xuncha_queue_item, XUNCHA, QUEUE_ITEM, GObject)

/* One report as the queue lists it: what was read from the store, in words ready to show.
 * Immutable: a change in the store makes a new item. */
XunchaQueueItem *xuncha_queue_item_new              (const char   *uuid,
                                                     const char   *category_name,
                                                     const char   *where,
                                                     const char   *state,
                                                     const char   *case_status,
                                                     const char   *receipt,
                                                     const char   *reason,
                                                     GdkPaintable *thumbnail);
const char      *xuncha_queue_item_get_uuid          (XunchaQueueItem *self);
const char      *xuncha_queue_item_get_category_name (XunchaQueueItem *self);
/* The street (or segment id) and the time, as shown under the category. */
const char      *xuncha_queue_item_get_where         (XunchaQueueItem *self);
/* waiting | sending | acked | failed */
const char      *xuncha_queue_item_get_state         (XunchaQueueItem *self);
/* The office's case status word, or NULL. */
const char      *xuncha_queue_item_get_case_status   (XunchaQueueItem *self);
const char      *xuncha_queue_item_get_receipt       (XunchaQueueItem *self);
/* Why it failed, or why the last try did not get through; NULL when neither. */
const char      *xuncha_queue_item_get_reason        (XunchaQueueItem *self);
/* The first photo, small; NULL when there is none. */
GdkPaintable    *xuncha_queue_item_get_thumbnail     (XunchaQueueItem *self);

/* TRUE when both show the same report the same way. */
gboolean         xuncha_queue_item_equal             (XunchaQueueItem *a,
                                                      XunchaQueueItem *b);

G_END_DECLS
