/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-test-util.h"
#include "xuncha-ui-test-office.h"
#include "xuncha-ui-test-util.h"

gboolean
xuncha_ui_test_office_start (XunchaTestCerts   **certs,
                             char              **office_dir,
                             XunchaTestOffice  **office)
{
  if (!xuncha_ui_test_have_display ())
    return FALSE;
  *certs = xuncha_test_certs ();
  if (*certs == NULL)
    return FALSE;
  *office_dir = xuncha_test_make_tmpdir ();
  *office = xuncha_test_office_start (*office_dir, (*certs)->server_cert, (*certs)->server_key,
                                      0);
  return TRUE;
}

void
xuncha_ui_test_office_stop (char              **office_dir,
                            XunchaTestOffice  **office)
{
  g_clear_pointer (office, xuncha_test_office_free);
  xuncha_test_remove_tree (*office_dir);
  g_clear_pointer (office_dir, g_free);
}

void
xuncha_ui_test_run_app (XunchaApplication **app,
                        GCallback           on_activate,
                        gpointer            data)
{
  g_autofree char *data_dir = xuncha_test_make_tmpdir ();
  const char *argv[] = { "xuncha", "--data-dir", data_dir, "--demo", NULL };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.xuncha.Xuncha");

  g_settings_set_boolean (settings, "auto-sync", FALSE);
  *app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (*app, "activate", on_activate, data);
  g_assert_cmpint (g_application_run (G_APPLICATION (*app), 4, (char **)argv), ==, 0);
  g_clear_object (app);
  xuncha_test_remove_tree (data_dir);
}
