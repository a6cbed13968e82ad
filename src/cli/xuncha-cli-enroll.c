/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* enroll: trades the office's one-time code for a device token. */
int
xuncha_cli_enroll (XunchaCliContext  *ctx,
                   int                argc,
                   char             **argv)
{
  g_autofree char *server = NULL, *officer = NULL, *code = NULL, *ca = NULL, *device = NULL;
  g_autofree char *link_text = NULL;
  g_autoptr(XunchaEnrollLink) link = NULL;
  g_auto(GStrv) pins = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The office address, https://…/"),
      N_("URL") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("Your officer id"), N_("ID") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("The one-time enrollment code"),
      N_("CODE") },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, N_("The office's CA certificate (PEM), trusted "
                                                 "besides the system's"), N_("FILE") },
    { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pins,
      N_("Public-key pin of the office, sha256//BASE64 (may be repeated)"), N_("PIN") },
    { "device-name", 0, 0, G_OPTION_ARG_STRING, &device, N_("A name for this device"),
      N_("NAME") },
    { "link", 0, 0, G_OPTION_ARG_STRING, &link_text,
      N_("The enrollment link of an enrollment card's QR code, instead of --server, --officer, "
         "--code and --pin"), N_("xuncha-enroll:?…") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *pin_list = NULL;
  g_autofree char *name = NULL;
  g_autofree char *team = NULL;
  XunchaCredentialsStore used = XUNCHA_CREDENTIALS_NONE;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("enroll", "", _("Enroll this device with an office"), entries,
                                 &argc, &argv))
    return 2;
  if (link_text != NULL)
    {
      if (server != NULL || officer != NULL || code != NULL || pins != NULL)
        {
          g_printerr (_("Give either --link or --server, --officer, --code and --pin.\n"));
          return 2;
        }
      link = xuncha_enroll_link_parse (link_text, -1, &error);
      if (link == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      server = g_strdup (link->server);
      officer = g_strdup (link->officer);
      code = g_strdup (link->code);
      pins = g_strdupv (link->pins);
    }
  if (argc != 1 || server == NULL || officer == NULL || code == NULL)
    {
      g_printerr (_("Usage: xuncha-cli enroll --server URL --officer ID --code CODE "
                    "[--ca FILE] [--pin sha256//…]\n"
                    "       xuncha-cli enroll --link xuncha-enroll:?… [--ca FILE]\n"));
      return 2;
    }
  for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
    if (!g_str_has_prefix (pins[i], "sha256//"))
      {
        g_printerr (_("A pin looks like sha256//BASE64 (the SHA-256 of the office's public "
                      "key); “%s” does not.\n"), pins[i]);
        return 2;
      }
  if (pins != NULL)
    pin_list = g_strjoinv (";", pins);

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL
      || !xuncha_sync_enroll (store, server, officer, code, ca, pin_list, device, &used, NULL,
                              &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  name = xuncha_store_get_meta (store, "sync.officer_name");
  team = xuncha_store_get_meta (store, "sync.team");
  printf (_("Enrolled as %s (%s%s%s) with %s.\n"), name, officer,
          team != NULL && *team != '\0' ? _(", team ") : "", team != NULL ? team : "", server);
  printf (_("The device token is kept in %s.\n"), xuncha_credentials_store_name (used));
  return 0;
}
