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

typedef struct
{
  GApplication    *app;
  GSourceOnceFunc  run;
  gpointer         data;
  gboolean         done;
} AppRun;

static void
run_then_quit (gpointer user_data)
{
  AppRun *r = user_data;

  r->run (r->data);
  r->done = TRUE;
  g_application_quit (r->app);
}

static void
on_activate (GApplication *app,
             AppRun       *r)
{
  g_idle_add_once (run_then_quit, r);
}

void
xuncha_ui_test_run_app (XunchaApplication **app,
                        GSourceOnceFunc     run,
                        gpointer            data)
{
  g_autofree char *data_dir = xuncha_test_make_tmpdir ();
  const char *argv[] = { "xuncha", "--data-dir", data_dir, "--demo", NULL };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.xuncha.Xuncha");
  AppRun r = { NULL, run, data, FALSE };

  g_settings_set_boolean (settings, "auto-sync", FALSE);
  *app = xuncha_application_new ();
  r.app = G_APPLICATION (*app);
  g_application_set_flags (r.app, G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (r.app, "activate", G_CALLBACK (on_activate), &r);
  g_assert_cmpint (g_application_run (r.app, 4, (char **)argv), ==, 0);
  g_assert_true (r.done);
  g_clear_object (app);
  xuncha_test_remove_tree (data_dir);
}
