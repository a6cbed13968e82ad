/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-today-report-item.h"

struct _XunchaTodayReportItem
{
  GObject  parent_instance;

  char    *uuid;
  char    *title;
  char    *street;
};

G_DEFINE_FINAL_TYPE (XunchaTodayReportItem, xuncha_today_report_item, G_TYPE_OBJECT)

static void
xuncha_today_report_item_finalize (GObject *object)
{
  XunchaTodayReportItem *self = (XunchaTodayReportItem *)object;

  g_free (self->uuid);
  g_free (self->title);
  g_free (self->street);

  G_OBJECT_CLASS (xuncha_today_report_item_parent_class)->finalize (object);
}

static void
xuncha_today_report_item_class_init (XunchaTodayReportItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_today_report_item_finalize;
}

static void
xuncha_today_report_item_init (XunchaTodayReportItem *self)
{
}

XunchaTodayReportItem *
xuncha_today_report_item_new (const char *uuid,
                              const char *title,
                              const char *street)
{
  XunchaTodayReportItem *self;

  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_TODAY_REPORT_ITEM, NULL);
  self->uuid = g_strdup (uuid);
  self->title = g_strdup (title);
  self->street = g_strdup (street);
  return self;
}

const char *
xuncha_today_report_item_get_uuid (XunchaTodayReportItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TODAY_REPORT_ITEM (self), NULL);
  return self->uuid;
}

const char *
xuncha_today_report_item_get_title (XunchaTodayReportItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TODAY_REPORT_ITEM (self), NULL);
  return self->title;
}

const char *
xuncha_today_report_item_get_street (XunchaTodayReportItem *self)
{
  g_return_val_if_fail (XUNCHA_IS_TODAY_REPORT_ITEM (self), NULL);
  return self->street;
}
