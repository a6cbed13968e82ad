/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

static JsonNode *
category_to_json (XunchaTaxonomy *taxonomy,
                  XunchaCategory *category)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) fields = json_from_string (xuncha_category_get_fields_json (category),
                                                 NULL);
  const char * const *campaigns = xuncha_category_get_campaigns (category);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, xuncha_category_get_code (category));
  json_builder_set_member_name (builder, "zh");
  json_builder_add_string_value (builder, xuncha_category_get_name_zh (category));
  json_builder_set_member_name (builder, "en");
  json_builder_add_string_value (builder, xuncha_category_get_name_en (category));
  json_builder_set_member_name (builder, "campaigns");
  json_builder_begin_array (builder);
  for (guint i = 0; campaigns[i] != NULL; i++)
    json_builder_add_string_value (builder, campaigns[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "legacy");
  if (xuncha_category_get_legacy_code (category) != NULL)
    json_builder_add_string_value (builder, xuncha_category_get_legacy_code (category));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "local");
  json_builder_add_boolean_value (builder, xuncha_category_get_is_local (category));
  json_builder_set_member_name (builder, "internal");
  json_builder_add_boolean_value (builder, xuncha_category_get_internal (category));
  json_builder_set_member_name (builder, "fields");
  json_builder_add_value (builder, fields != NULL ? g_steal_pointer (&fields)
                                                  : json_node_new (JSON_NODE_ARRAY));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* categories list: the taxonomy as the store holds it. */
int
xuncha_cli_categories (XunchaCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  XunchaStore *store;
  GListModel *categories;
  guint n;

  if (!xuncha_cli_parse_options ("categories", "list", _("List violation categories"),
                                 entries, &argc, &argv))
    return 2;
  if (argc != 2 || !g_str_equal (argv[1], "list"))
    {
      g_printerr (_("Usage: xuncha-cli categories list [--json]\n"));
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store != NULL)
    taxonomy = xuncha_taxonomy_new_from_store (store, &error);
  if (taxonomy == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  categories = xuncha_taxonomy_get_categories (taxonomy);
  n = g_list_model_get_n_items (categories);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_int_value (builder, xuncha_taxonomy_get_revision (taxonomy));
      json_builder_set_member_name (builder, "categories");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
          json_builder_add_value (builder, category_to_json (taxonomy, category));
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
      const char *campaign = xuncha_taxonomy_get_campaign_name (
        taxonomy, xuncha_category_get_campaign (category));

      printf ("%-7s %s  [%s]%s\n", xuncha_category_get_code (category),
              xuncha_category_get_name (category), campaign != NULL ? campaign : "",
              xuncha_category_get_is_local (category) ? _(" (local code)") : "");
    }
  return 0;
}
