/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-task-item"

#include "config.h"

#include <math.h>

#include "xuncha-task-item.h"

struct _XunchaTaskItem
{
  GObject     parent_instance;

  XunchaTask *task;
  char       *title;
  double      distance_m;
  double      bearing_deg;
};

G_DEFINE_FINAL_TYPE (XunchaTaskItem, xuncha_task_item, G_TYPE_OBJECT)

static void
xuncha_task_item_finalize (GObject *object)
{
  XunchaTaskItem *self = XUNCHA_TASK_ITEM (object);

  g_clear_pointer (&self->task, xuncha_task_free);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (xuncha_task_item_parent_class)->finalize (object);
}

static void
xuncha_task_item_class_init (XunchaTaskItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_task_item_finalize;
}

static void
xuncha_task_item_init (XunchaTaskItem *self)
{
  self->distance_m = NAN;
  self->bearing_deg = NAN;
}

XunchaTaskItem *
xuncha_task_item_new (const XunchaTask *task,
                      const char       *title,
                      double            distance_m,
                      double            bearing_deg)
{
  XunchaTaskItem *self;

  g_return_val_if_fail (task != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_TASK_ITEM, NULL);
  self->task = xuncha_task_copy (task);
  self->title = g_strdup (title != NULL ? title : "");
  self->distance_m = distance_m;
  self->bearing_deg = bearing_deg;
  return self;
}

const XunchaTask *
xuncha_task_item_get_task (XunchaTaskItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASK_ITEM (self), NULL);
  return self->task;
}

const char *
xuncha_task_item_get_title (XunchaTaskItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASK_ITEM (self), NULL);
  return self->title;
}

double
xuncha_task_item_get_distance (XunchaTaskItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASK_ITEM (self), NAN);
  return self->distance_m;
}

double
xuncha_task_item_get_bearing (XunchaTaskItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASK_ITEM (self), NAN);
  return self->bearing_deg;
}
