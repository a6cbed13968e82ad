/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_SHIFT_ITEM (xuncha_shift_item_get_type ())

G_DECLARE_FINAL_TYPE (XunchaShiftItem, xuncha_shift_item, XUNCHA, SHIFT_ITEM, GObject)

/* One shift as the history lists it, in words ready to show. Immutable: the list is read
 * again as a whole. */
XunchaShiftItem *xuncha_shift_item_new         (const char      *uuid,
                                                const char      *day,
                                                const char      *day_heading,
                                                const char      *title,
                                                const char      *subtitle);
const char      *xuncha_shift_item_get_uuid    (XunchaShiftItem *self);
/* The local day it started (YYYY-MM-DD): shifts of one day are listed under one heading. */
const char      *xuncha_shift_item_get_day     (XunchaShiftItem *self);
/* That day as the officer reads it (今天, 昨天, a date). */
const char      *xuncha_shift_item_get_day_heading (XunchaShiftItem *self);
const char      *xuncha_shift_item_get_title   (XunchaShiftItem *self);
const char      *xuncha_shift_item_get_subtitle (XunchaShiftItem *self);

G_END_DECLS
