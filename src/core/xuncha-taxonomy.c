/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-taxonomy"

#include "config.h"

#include <json-glib/json-glib.h>

#include "xuncha-core-resources.h"
#include "xuncha-json-private.h"
#include "xuncha-protocol.h"
#include "xuncha-store-private.h"
#include "xuncha-taxonomy.h"

struct _XunchaTaxonomy
{
  GObject     parent_instance;

  gint64      revision;
  GListStore *categories;
  GPtrArray  *campaign_ids;     /* NULL-terminated */
  GHashTable *campaign_zh;      /* id -> name */
  GHashTable *campaign_en;
  char       *campaigns_json;   /* as stored in meta */
};

G_DEFINE_TYPE (XunchaTaxonomy, xuncha_taxonomy, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-taxonomy-error-quark, xuncha_taxonomy_error)

#define META_REVISION  "taxonomy.revision"
#define META_CAMPAIGNS "taxonomy.campaigns"

static void
xuncha_taxonomy_finalize (GObject *object)
{
  XunchaTaxonomy *self = (XunchaTaxonomy *)object;

  g_clear_object (&self->categories);
  g_clear_pointer (&self->campaign_ids, g_ptr_array_unref);
  g_clear_pointer (&self->campaign_zh, g_hash_table_unref);
  g_clear_pointer (&self->campaign_en, g_hash_table_unref);
  g_clear_pointer (&self->campaigns_json, g_free);

  G_OBJECT_CLASS (xuncha_taxonomy_parent_class)->finalize (object);
}

static void
xuncha_taxonomy_class_init (XunchaTaxonomyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_taxonomy_finalize;
}

static void
xuncha_taxonomy_init (XunchaTaxonomy *self)
{
  self->categories = g_list_store_new (XUNCHA_TYPE_CATEGORY);
  self->campaign_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->campaign_ids, NULL);
  self->campaign_zh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->campaign_en = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, XUNCHA_TAXONOMY_ERROR, XUNCHA_TAXONOMY_ERROR_INVALID,
               "Invalid category list: %s", message);
  return FALSE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A string element, or NULL for anything else (json-glib's own getter is a programming
 * error on a non-value). */
static const char *
element_string (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static void
add_campaign (XunchaTaxonomy *self,
              const char     *id,
              const char     *zh,
              const char     *en)
{
  /* Keep the array NULL-terminated for xuncha_taxonomy_get_campaign_ids(). */
  self->campaign_ids->pdata[self->campaign_ids->len - 1] = g_strdup (id);
  g_ptr_array_add (self->campaign_ids, NULL);
  g_hash_table_insert (self->campaign_zh, g_strdup (id), g_strdup (zh));
  g_hash_table_insert (self->campaign_en, g_strdup (id), g_strdup (en));
}

static gboolean
parse_campaigns (XunchaTaxonomy  *self,
                 JsonArray       *array,
                 GError         **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *zh, *en;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "campaign %u is not an object", i + 1);
      object = json_node_get_object (node);
      id = member_string (object, "id");
      zh = member_string (object, "zh");
      en = member_string (object, "en");
      if (id == NULL || *id == '\0' || zh == NULL || en == NULL)
        return invalid (error, "campaign %u needs id, zh and en", i + 1);
      if (g_hash_table_contains (self->campaign_zh, id))
        return invalid (error, "campaign %s appears twice", id);
      add_campaign (self, id, zh, en);
    }
  return TRUE;
}

static gboolean
validate_fields (JsonNode    *fields,
                 const char  *code,
                 GError     **error)
{
  static const char * const types[] = { "text", "number", "phone", "choice", NULL };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (fields))
    return invalid (error, "fields of %s are not a list", code);
  array = json_node_get_array (fields);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "field %u of %s is not an object", i + 1, code);
      object = json_node_get_object (node);
      id = member_string (object, "id");
      type = member_string (object, "type");
      if (id == NULL || type == NULL || member_string (object, "zh") == NULL
          || member_string (object, "en") == NULL)
        return invalid (error, "field %u of %s needs id, type, zh and en", i + 1, code);
      if (!g_strv_contains (types, type))
        return invalid (error, "field %s of %s has an unknown type %s", id, code, type);
      /* A report's field names are limited by the protocol (docs/protocol.md). */
      if (g_utf8_strlen (id, -1) > 64)
        return invalid (error, "field %u of %s: the id is longer than 64 characters", i + 1,
                        code);
      if (!g_hash_table_add (seen, (gpointer)id))
        return invalid (error, "field %s of %s appears twice", id, code);
      if (g_str_equal (type, "choice")
          && (!json_object_has_member (object, "choices")
              || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "choices"))
              || json_array_get_length (json_object_get_array_member (object, "choices")) == 0))
        return invalid (error, "field %s of %s is a choice without choices", id, code);
    }
  return TRUE;
}

static gboolean
parse_categories (XunchaTaxonomy  *self,
                  JsonArray       *array,
                  GError         **error)
{
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(XunchaCategory) category = NULL;
      g_autoptr(GStrvBuilder) campaigns = g_strv_builder_new ();
      g_auto(GStrv) campaign_ids = NULL;
      g_autofree char *fields_json = NULL;
      JsonObject *object;
      JsonNode *list;
      const char *code, *zh, *en;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "category %u is not an object", i + 1);
      object = json_node_get_object (node);
      code = member_string (object, "code");
      zh = member_string (object, "zh");
      en = member_string (object, "en");
      if (code == NULL || *code == '\0' || zh == NULL || *zh == '\0' || en == NULL
          || *en == '\0')
        return invalid (error, "category %u needs code, zh and en", i + 1);
      /* The office serves this document to devices and refuses reports in a category it
       * does not have: a code the protocol cannot carry would make one it can never take. */
      if (!xuncha_protocol_is_category_code (code))
        return invalid (error, "category %u: the code is not 1 to 16 letters, digits, '-', "
                        "'_' or '.'", i + 1);
      if (!g_hash_table_add (codes, (gpointer)code))
        return invalid (error, "code %s appears twice", code);

      list = json_object_get_member (object, "campaigns");
      if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)
          || json_array_get_length (json_node_get_array (list)) == 0)
        return invalid (error, "category %s has no campaign", code);
      for (guint j = 0; j < json_array_get_length (json_node_get_array (list)); j++)
        {
          const char *id = element_string (json_node_get_array (list), j);
          if (id == NULL || !g_hash_table_contains (self->campaign_zh, id))
            return invalid (error, "category %s names an unknown campaign", code);
          g_strv_builder_add (campaigns, id);
        }
      campaign_ids = g_strv_builder_end (campaigns);

      if (json_object_has_member (object, "fields"))
        {
          JsonNode *fields = json_object_get_member (object, "fields");
          if (!validate_fields (fields, code, error))
            return FALSE;
          fields_json = json_to_string (fields, FALSE);
        }

      category = xuncha_category_new (code, zh, en, (const char * const *)campaign_ids,
                                      member_string (object, "legacy"),
                                      member_bool (object, "local"),
                                      member_bool (object, "internal"),
                                      fields_json != NULL ? fields_json : "[]");
      g_list_store_append (self->categories, category);
    }
  return TRUE;
}

XunchaTaxonomy *
xuncha_taxonomy_new_from_bytes (GBytes  *json,
                                GError **error)
{
  g_autoptr(XunchaTaxonomy) self = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root;
  JsonNode *node;
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (json != NULL, NULL);

  /* An empty GBytes has no data pointer at all, and an empty (or blank) document parses
   * to no root: both are refused here, before json-glib sees them. */
  data = g_bytes_get_data (json, &size);
  if (size == 0)
    {
      invalid (error, "the document is empty");
      return NULL;
    }
  if (!xuncha_json_check (data, size, NULL, &local_error))
    {
      invalid (error, "%s", local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, size, error))
    {
      g_prefix_error (error, "Invalid category list: ");
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      invalid (error, "the document is empty");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "the document is not an object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  self = g_object_new (XUNCHA_TYPE_TAXONOMY, NULL);
  self->revision = member_int (root, "revision");
  if (self->revision <= 0)
    {
      invalid (error, "the revision must be a positive number");
      return NULL;
    }

  node = json_object_get_member (root, "campaigns");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, "no list of campaigns");
      return NULL;
    }
  if (!parse_campaigns (self, json_node_get_array (node), error))
    return NULL;
  self->campaigns_json = json_to_string (node, FALSE);

  node = json_object_get_member (root, "categories");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, "no list of categories");
      return NULL;
    }
  if (!parse_categories (self, json_node_get_array (node), error))
    return NULL;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->categories)) == 0)
    {
      invalid (error, "the list of categories is empty");
      return NULL;
    }

  return g_steal_pointer (&self);
}

XunchaTaxonomy *
xuncha_taxonomy_new_bundled (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Through the resource itself, not the global registry: a static library's
   * constructor is dropped by the linker when nothing names it. */
  bytes = g_resource_lookup_data (xuncha_core_get_resource (),
                                  "/io/github/xuncha/core/taxonomy.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  return xuncha_taxonomy_new_from_bytes (bytes, error);
}

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
  sqlite3_stmt *stmt;
  guint n;

  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  if (!xuncha_store_begin (store, error))
    return FALSE;

  /* Drop what no report uses; what reports use stays until the office retires it. */
  if (!xuncha_store_exec (store,
                          "DELETE FROM categories WHERE code NOT IN "
                          "(SELECT DISTINCT category FROM reports)", error))
    goto fail;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->categories));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (G_LIST_MODEL (self->categories), i);
      g_autofree char *campaigns = strv_to_json (xuncha_category_get_campaigns (category));

      stmt = xuncha_store_prepare (store,
                                   "INSERT INTO categories (code, name_zh, name_en, campaign, "
                                   "  campaigns, legacy_code, is_local, internal, fields, "
                                   "  sort_order) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                                   "ON CONFLICT (code) DO UPDATE SET "
                                   "  name_zh = excluded.name_zh, name_en = excluded.name_en, "
                                   "  campaign = excluded.campaign, "
                                   "  campaigns = excluded.campaigns, "
                                   "  legacy_code = excluded.legacy_code, "
                                   "  is_local = excluded.is_local, "
                                   "  internal = excluded.internal, fields = excluded.fields, "
                                   "  sort_order = excluded.sort_order",
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
      if (!xuncha_store_step_done (store, stmt, error))
        goto fail;
    }

  revision = g_strdup_printf ("%" G_GINT64_FORMAT, self->revision);
  if (!xuncha_store_set_meta (store, META_REVISION, revision, error)
      || !xuncha_store_set_meta (store, META_CAMPAIGNS, self->campaigns_json, error)
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
  g_autoptr(XunchaTaxonomy) self = g_object_new (XUNCHA_TYPE_TAXONOMY, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *revision = xuncha_store_get_meta (store, META_REVISION);
  g_autofree char *campaigns = xuncha_store_get_meta (store, META_CAMPAIGNS);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  if (revision == NULL || campaigns == NULL)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NOT_FOUND,
                   "The store holds no category list");
      return NULL;
    }
  self->revision = g_ascii_strtoll (revision, NULL, 10);
  self->campaigns_json = g_strdup (campaigns);
  if (!json_parser_load_from_data (parser, campaigns, -1, error)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))
      || !parse_campaigns (self, json_node_get_array (json_parser_get_root (parser)), error))
    {
      if (error != NULL && *error == NULL)
        invalid (error, "the stored campaigns are not a list");
      return NULL;
    }

  stmt = xuncha_store_prepare (store,
                               "SELECT code, name_zh, name_en, campaigns, legacy_code, "
                               "  is_local, internal, fields "
                               "FROM categories ORDER BY sort_order, code",
                               error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) list_parser = json_parser_new_immutable ();
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;
      g_autoptr(XunchaCategory) category = NULL;

      const char *list = (const char *)sqlite3_column_text (stmt, 3);

      if (list != NULL && json_parser_load_from_data (list_parser, list, -1, NULL)
          && json_parser_get_root (list_parser) != NULL
          && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (list_parser)))
        {
          JsonArray *array = json_node_get_array (json_parser_get_root (list_parser));
          for (guint i = 0; i < json_array_get_length (array); i++)
            if (element_string (array, i) != NULL)
              g_strv_builder_add (builder, element_string (array, i));
        }
      ids = g_strv_builder_end (builder);
      if (ids[0] == NULL)
        {
          g_strfreev (ids);
          ids = g_new0 (char *, 2);
          ids[0] = g_strdup ("other");
        }

      category = xuncha_category_new ((const char *)sqlite3_column_text (stmt, 0),
                                      (const char *)sqlite3_column_text (stmt, 1),
                                      (const char *)sqlite3_column_text (stmt, 2),
                                      (const char * const *)ids,
                                      (const char *)sqlite3_column_text (stmt, 4),
                                      sqlite3_column_int (stmt, 5),
                                      sqlite3_column_int (stmt, 6),
                                      (const char *)sqlite3_column_text (stmt, 7));
      g_list_store_append (self->categories, category);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the category list");
      return NULL;
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
  if (stored != NULL && g_ascii_strtoll (stored, NULL, 10) >= bundled->revision)
    return TRUE;
  return xuncha_taxonomy_save_to_store (bundled, store, error);
}

gint64
xuncha_taxonomy_get_revision (XunchaTaxonomy *self)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), 0);
  return self->revision;
}

GListModel *
xuncha_taxonomy_get_categories (XunchaTaxonomy *self)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);
  return G_LIST_MODEL (self->categories);
}

XunchaCategory *
xuncha_taxonomy_lookup (XunchaTaxonomy *self,
                        const char     *code)
{
  guint n;

  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->categories));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (G_LIST_MODEL (self->categories), i);
      if (g_strcmp0 (xuncha_category_get_code (category), code) == 0)
        return category;  /* the list keeps its reference */
    }
  return NULL;
}

const char * const *
xuncha_taxonomy_get_campaign_ids (XunchaTaxonomy *self)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);
  return (const char * const *)self->campaign_ids->pdata;
}

const char *
xuncha_taxonomy_get_campaign_name (XunchaTaxonomy *self,
                                   const char     *campaign_id)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);

  return g_hash_table_lookup (xuncha_locale_prefers_chinese () ? self->campaign_zh
                                                              : self->campaign_en,
                              campaign_id);
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
