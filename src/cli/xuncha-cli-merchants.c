/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* merchants import FILE [--crs CRS] [--json] */
int
xuncha_cli_merchants (XunchaCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  g_autofree char *crs_name = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "crs", 0, 0, G_OPTION_ARG_STRING, &crs_name,
      N_("Coordinate system of the file: wgs84 (default), gcj02 or bd09"), N_("CRS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaMapImporter) importer = NULL;
  XunchaMapImportStats stats;
  XunchaCrs crs = XUNCHA_CRS_WGS84;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("merchants", "import FILE",
                                 _("Import the merchant registry (门前五包) from GeoJSON points "
                                   "or CSV (id,name,address,contact,lon,lat)"),
                                 entries, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    {
      g_printerr ("%s\n", _("Usage: xuncha-cli merchants import FILE [--crs wgs84|gcj02|bd09] "
                            "[--json]"));
      return 2;
    }
  if (crs_name != NULL && !xuncha_crs_from_string (crs_name, &crs, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  importer = xuncha_map_importer_new (store);
  xuncha_map_importer_set_crs (importer, crs);
  if (!xuncha_map_importer_import_merchants_file (importer, argv[2], &stats, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (json)
    {
      xuncha_cli_print_import_stats (crs, &stats, "records", "linked");
      return 0;
    }
  printf (_("Imported %s (%s): %u merchants, %u new, %u updated, %u skipped; %u linked to "
            "a street segment.\n"),
          argv[2], xuncha_crs_to_string (crs), stats.features, stats.inserted, stats.updated,
          stats.skipped, stats.linked);
  return 0;
}
