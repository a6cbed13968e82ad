/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-merchant-registry"

#include "config.h"

#include "xuncha-merchant-registry.h"
#include "xuncha-store-private.h"
#include "xuncha-street-map-store.h"

gboolean
xuncha_merchant_registry_upsert (XunchaStore                 *store,
                                 const XunchaMerchantRecord  *merchant,
                                 const char                  *updated_at,
                                 gboolean                    *existed,
                                 GError                     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (merchant != NULL && merchant->id != NULL, FALSE);
  g_return_val_if_fail (updated_at != NULL, FALSE);

  if (existed != NULL)
    {
      int rc;

      stmt = xuncha_store_prepare (store, "SELECT 1 FROM merchants WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, merchant->id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return xuncha_store_set_error (store, error, "Could not read the database");
      *existed = rc == SQLITE_ROW;
    }

  /* ?8 says whether ?7 is the street: only a street the store holds is linked, so a
   * merchant the office placed on a street not pulled yet has none until it is. */
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO merchants (id, name, address, contact, lon, lat, "
                               "  street_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                               "  CASE WHEN ?8 THEN (SELECT id FROM streets WHERE id = ?7) "
                               "  END, ?9) "
                               "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                               "  address = excluded.address, contact = excluded.contact, "
                               "  lon = excluded.lon, lat = excluded.lat, "
                               "  street_id = CASE WHEN ?8 THEN excluded.street_id "
                               "    ELSE merchants.street_id END, "
                               "  updated_at = excluded.updated_at",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, merchant->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, merchant->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, merchant->address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, merchant->contact, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 5, merchant->lon);
  sqlite3_bind_double (stmt, 6, merchant->lat);
  sqlite3_bind_text (stmt, 7, merchant->street_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, merchant->link_street ? 1 : 0);
  sqlite3_bind_text (stmt, 9, updated_at, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_merchant_registry_link_all (XunchaStore  *store,
                                   guint        *linked,
                                   GError      **error)
{
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, 2 * sizeof (double));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (linked != NULL, FALSE);

  stmt = xuncha_store_prepare (store, "SELECT id, lat, lon FROM merchants", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double position[2] = { sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2) };

      g_ptr_array_add (ids, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
      g_array_append_val (positions, position);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_store_set_error (store, error, "Could not read the merchants");

  *linked = 0;
  /* The map of a city's streets is the largest thing an import holds: not without need. */
  if (ids->len == 0)
    return TRUE;
  map = xuncha_street_map_new_from_store (store, error);
  if (map == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const double *position = &g_array_index (positions, double, 2 * i);
      XunchaStreetSnap snap;
      gboolean found = xuncha_street_map_nearest (map, position[0], position[1], &snap);

      stmt = xuncha_store_prepare (store,
                                   "UPDATE merchants SET street_id = ?2, "
                                   "street_distance_m = ?3 WHERE id = ?1",
                                   error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_STATIC);
      if (found)
        {
          sqlite3_bind_text (stmt, 2, xuncha_street_segment_get_id (snap.segment), -1,
                             SQLITE_STATIC);
          sqlite3_bind_double (stmt, 3, snap.distance_m);
          (*linked)++;
        }
      if (!xuncha_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_merchant_registry_apply_delta (XunchaStore      *store,
                                      XunchaWireDelta  *delta,
                                      guint            *changed,
                                      GError          **error)
{
  g_autofree char *now = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_now_utc ();

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (delta != NULL && delta->kind == XUNCHA_WIRE_DELTA_MERCHANTS, FALSE);

  now = g_date_time_format_iso8601 (time);
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *item = delta->items->pdata[i];
      XunchaMerchantRecord merchant = {
        .id = xuncha_wire_delta_item_string (item, "id"),
        .name = xuncha_wire_delta_item_string (item, "name"),
        .address = xuncha_wire_delta_item_string (item, "address"),
        .contact = xuncha_wire_delta_item_string (item, "contact"),
        .lon = json_object_get_double_member (item, "lon"),
        .lat = json_object_get_double_member (item, "lat"),
        .link_street = TRUE,
        .street_id = xuncha_wire_delta_item_string (item, "street_id"),
      };

      if (!xuncha_merchant_registry_upsert (store, &merchant, now, NULL, error))
        return FALSE;
      (*changed)++;
    }
  for (guint i = 0; delta->deleted[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "DELETE FROM merchants WHERE id = ?1 AND NOT "
                                                 "EXISTS (SELECT 1 FROM reports WHERE "
                                                 "merchant_id = ?1)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, delta->deleted[i], -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (store, stmt, error))
        return FALSE;
      (*changed)++;
    }
  return TRUE;
}
