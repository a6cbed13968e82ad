/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_TASK_ITEM (xuncha_task_item_get_type ())

G_DECLARE_FINAL_TYPE (XunchaTaskItem, xuncha_task_item, XUNCHA, TASK_ITEM, GObject)

/* A task in a list model (the inbox's rows): a GObject around a copy of an XunchaTask, with
 * what the row says of it, worked out when the inbox was read. */
XunchaTaskItem   *xuncha_task_item_new           (const XunchaTask *task,
                                                  const char       *title,
                                                  double            distance_m,
                                                  double            bearing_deg);
const XunchaTask *xuncha_task_item_get_task      (XunchaTaskItem   *self);
const char       *xuncha_task_item_get_title     (XunchaTaskItem   *self);
/* Metres and degrees from where the officer was when the list was read; NAN unknown. */
double            xuncha_task_item_get_distance  (XunchaTaskItem   *self);
double            xuncha_task_item_get_bearing   (XunchaTaskItem   *self);

G_END_DECLS
