/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-queue-item.h"

struct _XunchaQueueItem
{
  GObject       parent_instance;

  char         *uuid;
  char         *category_name;
  char         *where;
  char         *state;
  char         *case_status;
  char         *receipt;
  char         *reason;
  GdkPaintable *thumbnail;
};

G_DEFINE_FINAL_TYPE (XunchaQueueItem, xuncha_queue_item, G_TYPE_OBJECT)

static void
xuncha_queue_item_finalize (GObject *object)
{
  XunchaQueueItem *self = (XunchaQueueItem *)object;

  g_free (self->uuid);
  g_free (self->category_name);
  g_free (self->where);
  g_free (self->state);
  g_free (self->case_status);
  g_free (self->receipt);
  g_free (self->reason);
  g_clear_object (&self->thumbnail);

  G_OBJECT_CLASS (xuncha_queue_item_parent_class)->finalize (object);
}

static void
xuncha_queue_item_class_init (XunchaQueueItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_queue_item_finalize;
}

static void
xuncha_queue_item_init (XunchaQueueItem *self)
{
}

XunchaQueueItem *
xuncha_queue_item_new (const char   *uuid,
                       const char   *category_name,
                       const char   *where,
                       const char   *state,
                       const char   *case_status,
                       const char   *receipt,
                       const char   *reason,
                       GdkPaintable *thumbnail)
{
  XunchaQueueItem *self;

  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (thumbnail == NULL || GDK_IS_PAINTABLE (thumbnail), NULL);

  self = g_object_new (XUNCHA_TYPE_QUEUE_ITEM, NULL);
  self->uuid = g_strdup (uuid);
  self->category_name = g_strdup (category_name);
  self->where = g_strdup (where);
  self->state = g_strdup (state);
  self->case_status = case_status != NULL && *case_status != '\0' ? g_strdup (case_status) : NULL;
  self->receipt = g_strdup (receipt);
  self->reason = g_strdup (reason);
  self->thumbnail = thumbnail != NULL ? g_object_ref (thumbnail) : NULL;
  return self;
}

const char *
xuncha_queue_item_get_uuid (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->uuid;
}

const char *
xuncha_queue_item_get_category_name (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->category_name;
}

const char *
xuncha_queue_item_get_where (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->where;
}

const char *
xuncha_queue_item_get_state (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->state;
}

const char *
xuncha_queue_item_get_case_status (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->case_status;
}

const char *
xuncha_queue_item_get_receipt (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->receipt;
}

const char *
xuncha_queue_item_get_reason (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->reason;
}

GdkPaintable *
xuncha_queue_item_get_thumbnail (XunchaQueueItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (self), NULL);
  return self->thumbnail;
}

gboolean
xuncha_queue_item_equal (XunchaQueueItem *a,
                         XunchaQueueItem *b)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (a), FALSE);
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (b), FALSE);

  return g_str_equal (a->uuid, b->uuid)
         && g_strcmp0 (a->category_name, b->category_name) == 0
         && g_strcmp0 (a->where, b->where) == 0
         && g_str_equal (a->state, b->state)
         && g_strcmp0 (a->case_status, b->case_status) == 0
         && g_strcmp0 (a->receipt, b->receipt) == 0
         && g_strcmp0 (a->reason, b->reason) == 0
         && a->thumbnail == b->thumbnail;
}
