/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A registered shop front (门前五包 responsibility) as the office holds it. */
typedef struct
{
  char   *id;
  char   *name;
  char   *address;    /* nullable */
  char   *contact;    /* nullable */
  char   *street_id;  /* nullable */
  double  lon;
  double  lat;
  gint64  revision;   /* set by the records */
} XunchaOfficeMerchant;

XunchaOfficeMerchant *xuncha_office_merchant_new       (void);
void                  xuncha_office_merchant_free      (XunchaOfficeMerchant *merchant);
XunchaOfficeMerchant *xuncha_office_merchant_from_json (JsonObject           *item,
                                                        GError              **error);
JsonObject           *xuncha_office_merchant_to_json   (const XunchaOfficeMerchant *merchant);
gboolean              xuncha_office_merchant_equal     (const XunchaOfficeMerchant *a,
                                                        const XunchaOfficeMerchant *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeMerchant, xuncha_office_merchant_free)

G_END_DECLS
