/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* The headless walk-through that `build-aux/dev run` starts without a display: it uses
 * the same core the app does and says what it did at each step. */
int
xuncha_cli_demo (XunchaCliContext  *ctx,
                 int                argc,
                 char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  const char * const *campaigns;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("demo", "", _("Walk through Xuncha on demo data"), NULL,
                                 &argc, &argv))
    return 2;

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("1. Opened the device database %s (schema %d).\n"),
          xuncha_store_get_path (store), xuncha_store_get_schema_version (store));

  taxonomy = xuncha_taxonomy_new_from_store (store, &error);
  if (taxonomy == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("2. Loaded %u violation categories (revision %d):\n"),
          g_list_model_get_n_items (xuncha_taxonomy_get_categories (taxonomy)),
          (int)xuncha_taxonomy_get_revision (taxonomy));
  campaigns = xuncha_taxonomy_get_campaign_ids (taxonomy);
  for (guint i = 0; campaigns[i] != NULL; i++)
    printf ("   - %s\n", xuncha_taxonomy_get_campaign_name (taxonomy, campaigns[i]));

  if (!xuncha_store_check_integrity (store, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("3. Checked the database: sound.\n"));
  return 0;
}
