/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-taxonomy"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "xuncha-core-resources.h"
#include "xuncha-json-private.h"
#include "xuncha-protocol.h"
#include "xuncha-taxonomy-private.h"

struct _XunchaTaxonomy
{
  GObject     parent_instance;

  gint64      revision;
  GListStore *categories;
  GPtrArray  *campaign_ids;     /* NULL-terminated */
  GHashTable *campaign_zh;      /* id -> name */
  GHashTable *campaign_en;
  char       *campaigns_json;   /* as the store keeps it */
  GStrv       priority;         /* codes shown first before any recent use; never NULL */
};

G_DEFINE_TYPE (XunchaTaxonomy, xuncha_taxonomy, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-taxonomy-error-quark, xuncha_taxonomy_error)

static void
xuncha_taxonomy_finalize (GObject *object)
{
  XunchaTaxonomy *self = (XunchaTaxonomy *)object;

  g_clear_object (&self->categories);
  g_clear_pointer (&self->campaign_ids, g_ptr_array_unref);
  g_clear_pointer (&self->campaign_zh, g_hash_table_unref);
  g_clear_pointer (&self->campaign_en, g_hash_table_unref);
  g_clear_pointer (&self->campaigns_json, g_free);
  g_clear_pointer (&self->priority, g_strfreev);

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
  self->priority = g_new0 (char *, 1);
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

/* Lower-case syllables without tones, one space apart: what the search compares typed
 * letters with. */
static gboolean
is_pinyin (const char *text)
{
  gsize length = strlen (text);

  if (length == 0 || length > 512 || text[0] == ' ' || text[length - 1] == ' ')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!(*p >= 'a' && *p <= 'z') && !(*p == ' ' && p[1] != ' '))
      return FALSE;
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
      const char *code, *zh, *en, *pinyin = NULL;

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
      /* Optional: documents from before revision 2 have none. */
      if (json_object_has_member (object, "pinyin"))
        {
          pinyin = member_string (object, "pinyin");
          if (pinyin == NULL || !is_pinyin (pinyin))
            return invalid (error, "pinyin of %s is not lower-case syllables one space apart",
                            code);
        }

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

      category = xuncha_category_new (code, zh, en, pinyin, (const char * const *)campaign_ids,
                                      member_string (object, "legacy"),
                                      member_bool (object, "local"),
                                      member_bool (object, "internal"),
                                      fields_json != NULL ? fields_json : "[]");
      g_list_store_append (self->categories, category);
    }
  return TRUE;
}

/* The office's own order for the categories it wants first: known codes, each once. */
static gboolean
parse_priority (XunchaTaxonomy  *self,
                JsonNode        *node,
                GError         **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "priority is not a list of codes");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *code = element_string (array, i);

      if (code == NULL)
        return invalid (error, "priority %u is not a code", i + 1);
      if (xuncha_taxonomy_lookup (self, code) == NULL)
        return invalid (error, "priority names an unknown category %s", code);
      if (!g_hash_table_add (seen, (gpointer)code))
        return invalid (error, "priority names %s twice", code);
      g_strv_builder_add (builder, code);
    }
  g_strfreev (self->priority);
  self->priority = g_strv_builder_end (builder);
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
  /* Optional: an office without an order of its own shows the campaigns' order. */
  node = json_object_get_member (root, "priority");
  if (node != NULL && !parse_priority (self, node, error))
    return NULL;

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

XunchaTaxonomy *
xuncha_taxonomy_new_stored (gint64       revision,
                            const char  *campaigns_json,
                            GError     **error)
{
  g_autoptr(XunchaTaxonomy) self = g_object_new (XUNCHA_TYPE_TAXONOMY, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  g_return_val_if_fail (campaigns_json != NULL, NULL);

  self->revision = revision;
  self->campaigns_json = g_strdup (campaigns_json);
  if (!json_parser_load_from_data (parser, campaigns_json, -1, error)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))
      || !parse_campaigns (self, json_node_get_array (json_parser_get_root (parser)), error))
    {
      if (error != NULL && *error == NULL)
        invalid (error, "the stored campaigns are not a list");
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
xuncha_taxonomy_add_stored_category (XunchaTaxonomy *self,
                                     const char     *code,
                                     const char     *name_zh,
                                     const char     *name_en,
                                     const char     *pinyin,
                                     const char     *campaigns_json,
                                     const char     *legacy_code,
                                     gboolean        is_local,
                                     gboolean        internal,
                                     const char     *fields_json)
{
  g_autoptr(JsonParser) list_parser = json_parser_new_immutable ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autoptr(XunchaCategory) category = NULL;

  g_return_if_fail (XUNCHA_IS_TAXONOMY (self));

  if (campaigns_json != NULL
      && json_parser_load_from_data (list_parser, campaigns_json, -1, NULL)
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

  category = xuncha_category_new (code, name_zh, name_en,
                                  pinyin != NULL && is_pinyin (pinyin) ? pinyin : NULL,
                                  (const char * const *)ids,
                                  legacy_code, is_local, internal, fields_json);
  g_list_store_append (self->categories, category);
}

const char *
xuncha_taxonomy_get_campaigns_json (XunchaTaxonomy *self)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);
  return self->campaigns_json;
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

const char * const *
xuncha_taxonomy_get_priority (XunchaTaxonomy *self)
{
  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);
  return (const char * const *)self->priority;
}

char *
xuncha_taxonomy_get_priority_json (XunchaTaxonomy *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (XUNCHA_IS_TAXONOMY (self), NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; self->priority[i] != NULL; i++)
    json_builder_add_string_value (builder, self->priority[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

void
xuncha_taxonomy_set_stored_priority (XunchaTaxonomy *self,
                                     const char     *priority_json)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (XUNCHA_IS_TAXONOMY (self));

  /* What the store kept was checked when it came; a damaged value only loses the order. */
  if (priority_json == NULL
      || !json_parser_load_from_data (parser, priority_json, -1, NULL)
      || json_parser_get_root (parser) == NULL
      || !parse_priority (self, json_parser_get_root (parser), &error))
    {
      if (error != NULL)
        g_debug ("Stored priority dropped: %s", error->message);
      g_strfreev (self->priority);
      self->priority = g_new0 (char *, 1);
    }
}
