/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* db check: integrity, schema version and row counts. Exit 0 when sound, 1 otherwise. */
int
xuncha_cli_db (XunchaCliContext  *ctx,
               int                argc,
               char             **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char * const *tables = xuncha_store_list_tables ();
  XunchaStore *store;
  gboolean sound;

  if (!xuncha_cli_parse_options ("db", "check", _("Check the device database"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 2 || !g_str_equal (argv[1], "check"))
    {
      g_printerr (_("Usage: xuncha-cli db check [--json]\n"));
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  sound = xuncha_store_check_integrity (store, &error);

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, xuncha_store_get_path (store));
      json_builder_set_member_name (builder, "schema_version");
      json_builder_add_int_value (builder, xuncha_store_get_schema_version (store));
      json_builder_set_member_name (builder, "latest_schema_version");
      json_builder_add_int_value (builder, xuncha_store_latest_schema_version ());
      json_builder_set_member_name (builder, "integrity");
      json_builder_add_string_value (builder, sound ? "ok" : error->message);
      json_builder_set_member_name (builder, "counts");
      json_builder_begin_object (builder);
      for (guint i = 0; tables[i] != NULL; i++)
        {
          json_builder_set_member_name (builder, tables[i]);
          json_builder_add_int_value (builder, xuncha_store_count_rows (store, tables[i], NULL));
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
    }
  else
    {
      printf (_("Database:  %s\n"), xuncha_store_get_path (store));
      printf (_("Schema:    %d (this version knows up to %d)\n"),
              xuncha_store_get_schema_version (store), xuncha_store_latest_schema_version ());
      printf (_("Integrity: %s\n"), sound ? _("ok") : error->message);
      for (guint i = 0; tables[i] != NULL; i++)
        printf ("  %-14s %" G_GINT64_FORMAT "\n", tables[i],
                xuncha_store_count_rows (store, tables[i], NULL));
    }

  if (!sound)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
