/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-store.h"

G_BEGIN_DECLS

/* A shop of the 门前五包 registry as the officer sees it on the spot: who it is, how far,
 * and how often it was reported lately (repeat offenders are punished, so this must be
 * known offline). */
typedef struct
{
  char   *id;
  char   *name;
  char   *address;
  char   *contact;
  char   *street_id;
  double  lat;
  double  lon;
  double  distance_m;       /* from the position asked about */
  guint   recent_reports;   /* reports naming it in the last 30 days */
} XunchaMerchant;

#define XUNCHA_TYPE_MERCHANT (xuncha_merchant_get_type ())
#define XUNCHA_MERCHANT_RECENT_DAYS 30

GType           xuncha_merchant_get_type  (void) G_GNUC_CONST;
XunchaMerchant *xuncha_merchant_copy      (const XunchaMerchant *self);
void            xuncha_merchant_free      (XunchaMerchant       *self);

/* The merchants within @radius_m of a position, nearest first, at most @limit, each with
 * its count of reports in the last 30 days (before @now_ms). A new array of
 * XunchaMerchant. */
GPtrArray      *xuncha_merchant_find_near (XunchaStore          *store,
                                           double                lat,
                                           double                lon,
                                           double                radius_m,
                                           guint                 limit,
                                           gint64                now_ms,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaMerchant, xuncha_merchant_free)

G_END_DECLS
