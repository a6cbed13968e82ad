/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-shift-item.h"

struct _XunchaShiftItem
{
  GObject  parent_instance;

  char    *uuid;
  char    *day;
  char    *day_heading;
  char    *title;
  char    *subtitle;
};

G_DEFINE_FINAL_TYPE (XunchaShiftItem, xuncha_shift_item, G_TYPE_OBJECT)

static void
xuncha_shift_item_finalize (GObject *object)
{
  XunchaShiftItem *self = (XunchaShiftItem *)object;

  g_free (self->uuid);
  g_free (self->day);
  g_free (self->day_heading);
  g_free (self->title);
  g_free (self->subtitle);

  G_OBJECT_CLASS (xuncha_shift_item_parent_class)->finalize (object);
}

static void
xuncha_shift_item_class_init (XunchaShiftItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_shift_item_finalize;
}

static void
xuncha_shift_item_init (XunchaShiftItem *self)
{
}

XunchaShiftItem *
xuncha_shift_item_new (const char *uuid,
                       const char *day,
                       const char *day_heading,
                       const char *title,
                       const char *subtitle)
{
  XunchaShiftItem *self;

  g_return_val_if_fail (uuid != NULL && day != NULL, NULL);
  g_return_val_if_fail (day_heading != NULL && title != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_SHIFT_ITEM, NULL);
  self->uuid = g_strdup (uuid);
  self->day = g_strdup (day);
  self->day_heading = g_strdup (day_heading);
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  return self;
}

const char *
xuncha_shift_item_get_uuid (XunchaShiftItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_ITEM (self), NULL);

  return self->uuid;
}

const char *
xuncha_shift_item_get_day (XunchaShiftItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_ITEM (self), NULL);

  return self->day;
}

const char *
xuncha_shift_item_get_day_heading (XunchaShiftItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_ITEM (self), NULL);

  return self->day_heading;
}

const char *
xuncha_shift_item_get_title (XunchaShiftItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_ITEM (self), NULL);

  return self->title;
}

const char *
xuncha_shift_item_get_subtitle (XunchaShiftItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_ITEM (self), NULL);

  return self->subtitle;
}
