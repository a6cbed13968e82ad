/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-message-item"

#include "config.h"

#include "xuncha-message-item.h"

struct _XunchaMessageItem
{
  GObject        parent_instance;

  XunchaMessage *message;
};

G_DEFINE_FINAL_TYPE (XunchaMessageItem, xuncha_message_item, G_TYPE_OBJECT)

static void
xuncha_message_item_finalize (GObject *object)
{
  XunchaMessageItem *self = XUNCHA_MESSAGE_ITEM (object);

  g_clear_pointer (&self->message, xuncha_message_free);

  G_OBJECT_CLASS (xuncha_message_item_parent_class)->finalize (object);
}

static void
xuncha_message_item_class_init (XunchaMessageItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_message_item_finalize;
}

static void
xuncha_message_item_init (XunchaMessageItem *self)
{
}

XunchaMessageItem *
xuncha_message_item_new (const XunchaMessage *message)
{
  XunchaMessageItem *self;

  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_MESSAGE_ITEM, NULL);
  self->message = xuncha_message_copy (message);
  return self;
}

const XunchaMessage *
xuncha_message_item_get_message (XunchaMessageItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_MESSAGE_ITEM (self), NULL);
  return self->message;
}
