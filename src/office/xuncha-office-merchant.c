/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-merchant.h"
#include "xuncha-wire-delta.h"

XunchaOfficeMerchant *
xuncha_office_merchant_new (void)
{
  return g_new0 (XunchaOfficeMerchant, 1);
}

void
xuncha_office_merchant_free (XunchaOfficeMerchant *merchant)
{
  if (merchant == NULL)
    return;
  g_free (merchant->id);
  g_free (merchant->name);
  g_free (merchant->address);
  g_free (merchant->contact);
  g_free (merchant->street_id);
  g_free (merchant);
}

XunchaOfficeMerchant *
xuncha_office_merchant_from_json (JsonObject  *item,
                                  GError     **error)
{
  XunchaOfficeMerchant *merchant;

  if (!xuncha_wire_delta_validate_item (XUNCHA_WIRE_DELTA_MERCHANTS, item, error))
    return NULL;
  merchant = xuncha_office_merchant_new ();
  merchant->id = g_strdup (xuncha_wire_delta_item_string (item, "id"));
  merchant->name = g_strdup (xuncha_wire_delta_item_string (item, "name"));
  merchant->address = g_strdup (xuncha_wire_delta_item_string (item, "address"));
  merchant->contact = g_strdup (xuncha_wire_delta_item_string (item, "contact"));
  merchant->street_id = g_strdup (xuncha_wire_delta_item_string (item, "street_id"));
  merchant->lon = json_object_get_double_member (item, "lon");
  merchant->lat = json_object_get_double_member (item, "lat");
  return merchant;
}

static void
set_optional (JsonObject *object,
              const char *name,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

JsonObject *
xuncha_office_merchant_to_json (const XunchaOfficeMerchant *merchant)
{
  JsonObject *item = json_object_new ();

  json_object_set_string_member (item, "id", merchant->id);
  json_object_set_string_member (item, "name", merchant->name);
  set_optional (item, "address", merchant->address);
  set_optional (item, "contact", merchant->contact);
  json_object_set_double_member (item, "lon", merchant->lon);
  json_object_set_double_member (item, "lat", merchant->lat);
  set_optional (item, "street_id", merchant->street_id);
  return item;
}

gboolean
xuncha_office_merchant_equal (const XunchaOfficeMerchant *a,
                              const XunchaOfficeMerchant *b)
{
  return g_strcmp0 (a->id, b->id) == 0 && g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->address, b->address) == 0 && g_strcmp0 (a->contact, b->contact) == 0
         && g_strcmp0 (a->street_id, b->street_id) == 0 && a->lon == b->lon && a->lat == b->lat;
}
