/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-taxonomy"

#include "config.h"

#include <json-glib/json-glib.h>

#include "xuncha-store-private.h"
#include "xuncha-taxonomy-private.h"
#include "xuncha-taxonomy-store.h"

/* The taxonomy as the device keeps it: its categories as rows of the categories table, its
 * revision and campaigns in meta. Apart from the taxonomy type itself (in the protocol
 * library), so that the office, which only reads taxonomy documents, needs no store. */

#define META_REVISION  "taxonomy.revision"
#define META_CAMPAIGNS "taxonomy.campaigns"
#define META_PRIORITY  "taxonomy.priority"

static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
xuncha_taxonomy_save_to_store (XunchaTaxonomy  *self,
                               XunchaStore     *store,
                               GError         **error)
{
  g_autofree char *revision = NULL;
  g_autofree char *priority = NULL;
  GListModel *categories;
  sqlite3_stmt *stmt;
  guint n;

  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  categories = xuncha_taxonomy_get_categories (self);

  if (!xuncha_store_begin (store, error))
    return FALSE;

  /* Drop what no report uses; what reports use stays until the office retires it. */
  if (!xuncha_store_exec (store,
                          "DELETE FROM categories WHERE code NOT IN "
                          "(SELECT DISTINCT category FROM reports)", error))
    goto fail;

  n = g_list_model_get_n_items (categories);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
      g_autofree char *campaigns = strv_to_json (xuncha_category_get_campaigns (category));

      stmt = xuncha_store_prepare (store,
                                   "INSERT INTO categories (code, name_zh, name_en, campaign, "
                                   "  campaigns, legacy_code, is_local, internal, fields, "
                                   "  sort_order, pinyin) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                                   "ON CONFLICT (code) DO UPDATE SET "
                                   "  name_zh = excluded.name_zh, name_en = excluded.name_en, "
                                   "  campaign = excluded.campaign, "
                                   "  campaigns = excluded.campaigns, "
                                   "  legacy_code = excluded.legacy_code, "
                                   "  is_local = excluded.is_local, "
                                   "  internal = excluded.internal, fields = excluded.fields, "
                                   "  sort_order = excluded.sort_order, "
                                   "  pinyin = excluded.pinyin",
                                   error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, xuncha_category_get_code (category), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, xuncha_category_get_name_zh (category), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, xuncha_category_get_name_en (category), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, xuncha_category_get_campaign (category), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, campaigns, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, xuncha_category_get_legacy_code (category), -1,
                         SQLITE_STATIC);
      sqlite3_bind_int (stmt, 7, xuncha_category_get_is_local (category));
      sqlite3_bind_int (stmt, 8, xuncha_category_get_internal (category));
      sqlite3_bind_text (stmt, 9, xuncha_category_get_fields_json (category), -1,
                         SQLITE_STATIC);
      sqlite3_bind_int (stmt, 10, (int)i);
      sqlite3_bind_text (stmt, 11, xuncha_category_get_pinyin (category), -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (store, stmt, error))
        goto fail;
    }

  revision = g_strdup_printf ("%" G_GINT64_FORMAT, xuncha_taxonomy_get_revision (self));
  priority = xuncha_taxonomy_get_priority_json (self);
  if (!xuncha_store_set_meta (store, META_REVISION, revision, error)
      || !xuncha_store_set_meta (store, META_CAMPAIGNS,
                                 xuncha_taxonomy_get_campaigns_json (self), error)
      || !xuncha_store_set_meta (store, META_PRIORITY, priority, error)
      || !xuncha_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  xuncha_store_rollback (store);
  g_prefix_error (error, "Could not save the category list: ");
  return FALSE;
}

XunchaTaxonomy *
xuncha_taxonomy_new_from_store (XunchaStore  *store,
                                GError      **error)
{
  g_autoptr(XunchaTaxonomy) self = NULL;
  g_autofree char *revision = NULL;
  g_autofree char *campaigns = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  revision = xuncha_store_get_meta (store, META_REVISION);
  campaigns = xuncha_store_get_meta (store, META_CAMPAIGNS);
  if (revision == NULL || campaigns == NULL)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NOT_FOUND,
                   "The store holds no category list");
      return NULL;
    }
  self = xuncha_taxonomy_new_stored (g_ascii_strtoll (revision, NULL, 10), campaigns, error);
  if (self == NULL)
    return NULL;

  stmt = xuncha_store_prepare (store,
                               "SELECT code, name_zh, name_en, campaigns, legacy_code, "
                               "  is_local, internal, fields, pinyin "
                               "FROM categories ORDER BY sort_order, code",
                               error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    xuncha_taxonomy_add_stored_category (self,
                                         (const char *)sqlite3_column_text (stmt, 0),
                                         (const char *)sqlite3_column_text (stmt, 1),
                                         (const char *)sqlite3_column_text (stmt, 2),
                                         (const char *)sqlite3_column_text (stmt, 8),
                                         (const char *)sqlite3_column_text (stmt, 3),
                                         (const char *)sqlite3_column_text (stmt, 4),
                                         sqlite3_column_int (stmt, 5),
                                         sqlite3_column_int (stmt, 6),
                                         (const char *)sqlite3_column_text (stmt, 7));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the category list");
      return NULL;
    }
  {
    g_autofree char *priority = xuncha_store_get_meta (store, META_PRIORITY);
    xuncha_taxonomy_set_stored_priority (self, priority);
  }
  return g_steal_pointer (&self);
}

gboolean
xuncha_taxonomy_ensure_loaded (XunchaStore  *store,
                               GError      **error)
{
  g_autoptr(XunchaTaxonomy) bundled = NULL;
  g_autofree char *stored = xuncha_store_get_meta (store, META_REVISION);

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  bundled = xuncha_taxonomy_new_bundled (error);
  if (bundled == NULL)
    return FALSE;
  if (stored != NULL
      && g_ascii_strtoll (stored, NULL, 10) >= xuncha_taxonomy_get_revision (bundled))
    return TRUE;
  return xuncha_taxonomy_save_to_store (bundled, store, error);
}

GHashTable *
xuncha_taxonomy_load_names (XunchaStore *store)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  GListModel *categories;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), names);

  taxonomy = xuncha_taxonomy_new_from_store (store, NULL);
  if (taxonomy == NULL
      || g_list_model_get_n_items (xuncha_taxonomy_get_categories (taxonomy)) == 0)
    {
      g_clear_object (&taxonomy);
      taxonomy = xuncha_taxonomy_new_bundled (NULL);
    }
  if (taxonomy == NULL)
    return names;
  categories = xuncha_taxonomy_get_categories (taxonomy);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
      g_hash_table_insert (names, g_strdup (xuncha_category_get_code (category)),
                           g_strdup (xuncha_category_get_name (category)));
    }
  return names;
}
