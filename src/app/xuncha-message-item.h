/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_MESSAGE_ITEM (xuncha_message_item_get_type ())

G_DECLARE_FINAL_TYPE (XunchaMessageItem, xuncha_message_item, XUNCHA, MESSAGE_ITEM, GObject)

/* A message in a list model: a GObject around a copy of an XunchaMessage. */
XunchaMessageItem   *xuncha_message_item_new         (const XunchaMessage *message);
const XunchaMessage *xuncha_message_item_get_message (XunchaMessageItem   *self);

G_END_DECLS
