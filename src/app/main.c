/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xuncha-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(XunchaApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* XUNCHA_LOCALEDIR lets an uninstalled build (tests, build-aux/dev) find its catalogues. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR") != NULL
                                   ? g_getenv ("XUNCHA_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = xuncha_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
