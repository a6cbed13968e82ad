/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_TODAY_REPORT_ITEM (xuncha_today_report_item_get_type ())

G_DECLARE_FINAL_TYPE (XunchaTodayReportItem, xuncha_today_report_item, XUNCHA, TODAY_REPORT_ITEM,
                      GObject)

/* One of today's reports as the patrol page lists it beside the map, in words ready to
 * show. Immutable: an edited report makes a new item in its place. */
XunchaTodayReportItem *xuncha_today_report_item_new          (const char            *uuid,
                                                              const char            *title,
                                                              const char            *street);
const char            *xuncha_today_report_item_get_uuid     (XunchaTodayReportItem *self);
/* The time and the category. */
const char            *xuncha_today_report_item_get_title    (XunchaTodayReportItem *self);
/* The street's name, or NULL. */
const char            *xuncha_today_report_item_get_street   (XunchaTodayReportItem *self);

G_END_DECLS
