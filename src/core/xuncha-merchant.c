/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-merchant"

#include "config.h"

#include <math.h>

#include "xuncha-fix.h"
#include "xuncha-merchant.h"
#include "xuncha-store-private.h"

G_DEFINE_BOXED_TYPE (XunchaMerchant, xuncha_merchant, xuncha_merchant_copy, xuncha_merchant_free)

#define METRES_PER_DEGREE 111320.0

XunchaMerchant *
xuncha_merchant_copy (const XunchaMerchant *self)
{
  XunchaMerchant *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->address = g_strdup (self->address);
  copy->contact = g_strdup (self->contact);
  copy->street_id = g_strdup (self->street_id);
  return copy;
}

void
xuncha_merchant_free (XunchaMerchant *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self->address);
  g_free (self->contact);
  g_free (self->street_id);
  g_free (self);
}

static int
by_distance (gconstpointer a,
             gconstpointer b)
{
  const XunchaMerchant *ma = *(XunchaMerchant * const *)a;
  const XunchaMerchant *mb = *(XunchaMerchant * const *)b;

  return (ma->distance_m > mb->distance_m) - (ma->distance_m < mb->distance_m);
}

GPtrArray *
xuncha_merchant_find_near (XunchaStore  *store,
                           double        lat,
                           double        lon,
                           double        radius_m,
                           guint         limit,
                           gint64        now_ms,
                           GError      **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_merchant_free);
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *since_text = NULL;
  double dlat = radius_m / METRES_PER_DEGREE;
  double dlon = radius_m / (METRES_PER_DEGREE * MAX (cos (lat * G_PI / 180), 0.01));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  since = g_date_time_new_from_unix_utc ((now_ms - (gint64)XUNCHA_MERCHANT_RECENT_DAYS * 86400000)
                                         / 1000);
  since_text = g_date_time_format (since, "%Y-%m-%dT%H:%M:%S");

  /* A box query first (the registry of a district is a few thousand rows), then the exact
   * distance; report times are ISO 8601 UTC, so they compare as text. */
  stmt = xuncha_store_prepare (store,
                               "SELECT m.id, m.name, m.address, m.contact, m.street_id, m.lat, "
                               "  m.lon, (SELECT count(*) FROM reports r "
                               "          WHERE r.merchant_id = m.id AND r.created_at >= ?5) "
                               "FROM merchants m "
                               "WHERE m.lat BETWEEN ?1 AND ?2 AND m.lon BETWEEN ?3 AND ?4",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_double (stmt, 1, lat - dlat);
  sqlite3_bind_double (stmt, 2, lat + dlat);
  sqlite3_bind_double (stmt, 3, lon - dlon);
  sqlite3_bind_double (stmt, 4, lon + dlon);
  sqlite3_bind_text (stmt, 5, since_text, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaMerchant merchant = {
        .id = (char *)sqlite3_column_text (stmt, 0),
        .name = (char *)sqlite3_column_text (stmt, 1),
        .address = (char *)sqlite3_column_text (stmt, 2),
        .contact = (char *)sqlite3_column_text (stmt, 3),
        .street_id = (char *)sqlite3_column_text (stmt, 4),
        .lat = sqlite3_column_double (stmt, 5),
        .lon = sqlite3_column_double (stmt, 6),
        .recent_reports = (guint)sqlite3_column_int (stmt, 7),
      };

      merchant.distance_m = xuncha_distance_m (lat, lon, merchant.lat, merchant.lon);
      if (merchant.distance_m <= radius_m)
        g_ptr_array_add (found, xuncha_merchant_copy (&merchant));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the merchant registry");
      return NULL;
    }

  g_ptr_array_sort (found, by_distance);
  if (found->len > limit)
    g_ptr_array_set_size (found, limit);
  return g_steal_pointer (&found);
}
