/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-street-map"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-store-private.h"
#include "xuncha-street-map-store-private.h"

/* The street map's side in the device store: the streets and assignments tables. The map
 * itself (src/geometry) knows no store, so that the office computes coverage with the
 * same code. */

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

XunchaStreetMap *
xuncha_street_map_new_from_store (XunchaStore  *store,
                                  GError      **error)
{
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GArray) lonlat = NULL;
  g_autoptr(GArray) part_ends = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT id, name, class, kind, grid_cell, community, unit, "
                               "geometry FROM streets ORDER BY id",
                               error);
  if (stmt == NULL)
    return NULL;

  segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  part_ends = g_array_new (FALSE, FALSE, sizeof (guint));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const guint8 *wkb = sqlite3_column_blob (stmt, 7);
      gsize wkb_length = sqlite3_column_bytes (stmt, 7);

      g_array_set_size (lonlat, 0);
      g_array_set_size (part_ends, 0);
      if (!xuncha_street_geometry_from_wkb (wkb, wkb_length, lonlat, part_ends))
        {
          g_set_error (error, XUNCHA_STREET_MAP_ERROR, XUNCHA_STREET_MAP_ERROR_INVALID,
                       _("The stored geometry of street segment %s cannot be read; import "
                         "the streets again."), column_text (stmt, 0));
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (segments,
                       xuncha_street_segment_new (column_text (stmt, 0), column_text (stmt, 1),
                                                  xuncha_street_class_from_string (
                                                    column_text (stmt, 2)),
                                                  column_text (stmt, 3), column_text (stmt, 4),
                                                  column_text (stmt, 5), column_text (stmt, 6),
                                                  (const double *)(void *)lonlat->data,
                                                  (const guint *)(void *)part_ends->data,
                                                  part_ends->len));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the street segments");
      return NULL;
    }
  return xuncha_street_map_new (segments);
}

/* Assignments ---------------------------------------------------------------------------- */

GStrv
xuncha_street_map_load_assignments (XunchaStore  *store,
                                    GError      **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store, "SELECT street_id FROM assignments ORDER BY street_id",
                               error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the assigned street segments");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

gboolean
xuncha_street_map_replace_assignments (XunchaStore        *store,
                                       const char * const *ids,
                                       GError            **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (!xuncha_store_exec (store, "DELETE FROM assignments", error))
    goto fail;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "INSERT OR IGNORE INTO assignments "
                                                 "(street_id) VALUES (?1)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (store, stmt, error))
        goto fail;
    }
  return xuncha_store_commit (store, error);

fail:
  xuncha_store_rollback (store);
  return FALSE;
}

gboolean
xuncha_street_map_save_assignments (XunchaStore        *store,
                                    const char * const *ids,
                                    GError            **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  /* Checked and written in one transaction: a street deleted meanwhile cannot slip in. */
  if (!xuncha_store_begin (store, error))
    return FALSE;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      stmt = xuncha_store_prepare (store, "SELECT 1 FROM streets WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          g_set_error (error, XUNCHA_STREET_MAP_ERROR, XUNCHA_STREET_MAP_ERROR_UNKNOWN_ID,
                       _("There is no street segment “%s”; nothing was assigned. Import "
                         "the streets first, or check the id with “xuncha-cli streets "
                         "stats”."), ids[i]);
          goto fail;
        }
      sqlite3_reset (stmt);
    }
  if (!xuncha_street_map_replace_assignments (store, ids, error))
    return FALSE;
  return xuncha_store_commit (store, error);

fail:
  xuncha_store_rollback (store);
  return FALSE;
}

/* The streets table ---------------------------------------------------------------------- */

gboolean
xuncha_street_map_upsert_street (XunchaStore               *store,
                                 const XunchaStreetRecord  *street,
                                 const char                *updated_at,
                                 gboolean                  *existed,
                                 GError                   **error)
{
  g_autoptr(GBytes) wkb = NULL;
  sqlite3_stmt *stmt;
  double bbox[4], length_m;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (street != NULL && street->id != NULL && street->n_parts > 0, FALSE);
  g_return_val_if_fail (updated_at != NULL, FALSE);

  if (existed != NULL)
    {
      int rc;

      stmt = xuncha_store_prepare (store, "SELECT 1 FROM streets WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, street->id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return xuncha_store_set_error (store, error, "Could not read the database");
      *existed = rc == SQLITE_ROW;
    }

  xuncha_street_segment_measure (street->lonlat, street->part_ends, street->n_parts, bbox,
                                 &length_m);
  wkb = xuncha_street_geometry_to_wkb (street->lonlat, street->part_ends, street->n_parts);

  /* No properties: the office's street, which knows nothing of the kind and properties a
   * file imported on this device gave it; those stay. */
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO streets (id, name, class, kind, grid_cell, "
                               "community, unit, geometry, min_lon, min_lat, max_lon, "
                               "max_lat, length_m, properties, updated_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                               "?13, coalesce (?14, '{}'), ?15) "
                               "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                               "class = excluded.class, "
                               "kind = CASE WHEN ?14 IS NULL THEN streets.kind "
                               "ELSE excluded.kind END, "
                               "grid_cell = excluded.grid_cell, "
                               "community = excluded.community, unit = excluded.unit, "
                               "geometry = excluded.geometry, min_lon = excluded.min_lon, "
                               "min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
                               "max_lat = excluded.max_lat, length_m = excluded.length_m, "
                               "properties = coalesce (?14, streets.properties), "
                               "updated_at = excluded.updated_at",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, street->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, street->name, -1, SQLITE_STATIC);
  /* The data may say 严管街 or strict: the table keeps the one spelling. */
  sqlite3_bind_text (stmt, 3,
                     xuncha_street_class_to_string (xuncha_street_class_from_string (
                       street->klass)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, street->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, street->grid_cell, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, street->community, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, street->unit, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 8, g_bytes_get_data (wkb, NULL), (int)g_bytes_get_size (wkb),
                     SQLITE_STATIC);
  for (int k = 0; k < 4; k++)
    sqlite3_bind_double (stmt, 9 + k, bbox[k]);
  sqlite3_bind_double (stmt, 13, length_m);
  sqlite3_bind_text (stmt, 14, street->properties, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 15, updated_at, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_street_map_apply_delta (XunchaStore      *store,
                               XunchaWireDelta  *delta,
                               guint            *changed,
                               GError          **error)
{
  g_autofree char *now = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_now_utc ();

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (delta != NULL && delta->kind == XUNCHA_WIRE_DELTA_STREETS, FALSE);

  now = g_date_time_format_iso8601 (time);
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *item = delta->items->pdata[i];
      g_autoptr(GPtrArray) lines = xuncha_wire_street_lines (item);
      g_autoptr(GArray) lonlat = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) part_ends = g_array_new (FALSE, FALSE, sizeof (guint));
      XunchaStreetRecord street = { 0 };

      if (lines->len == 0)
        continue;
      for (guint l = 0; l < lines->len; l++)
        {
          GArray *line = lines->pdata[l];
          guint end;

          g_array_append_vals (lonlat, line->data, line->len);
          end = lonlat->len / 2;
          g_array_append_val (part_ends, end);
        }
      street.id = xuncha_wire_delta_item_string (item, "id");
      street.name = xuncha_wire_delta_item_string (item, "name");
      street.klass = xuncha_wire_delta_item_string (item, "class");
      street.grid_cell = xuncha_wire_delta_item_string (item, "grid_cell");
      street.community = xuncha_wire_delta_item_string (item, "community");
      street.unit = xuncha_wire_delta_item_string (item, "unit");
      street.lonlat = (const double *)(void *)lonlat->data;
      street.part_ends = (const guint *)(void *)part_ends->data;
      street.n_parts = part_ends->len;
      if (!xuncha_street_map_upsert_street (store, &street, now, NULL, error))
        return FALSE;
      (*changed)++;
    }
  for (guint i = 0; delta->deleted[i] != NULL; i++)
    {
      /* A street a report or merchant names stays: downloads never change reports. */
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "DELETE FROM streets WHERE id = ?1 AND NOT "
                                                 "EXISTS (SELECT 1 FROM reports WHERE "
                                                 "street_id = ?1) AND NOT EXISTS (SELECT 1 "
                                                 "FROM merchants WHERE street_id = ?1)",
                                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, delta->deleted[i], -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (store, stmt, error))
        return FALSE;
      (*changed)++;
    }
  return TRUE;
}
