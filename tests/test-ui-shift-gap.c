/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "xuncha-application.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-test-grid.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

/* The phone slept for twelve minutes of a shift: the position source gave nothing for that
 * stretch (the replayed walk has no fix there). The summary shown when the officer ends
 * the shift says so, in Chinese, instead of counting the stretch as a walk. */

typedef struct
{
  XunchaApplication *app;
  gboolean           done;
} Fixture;

static XunchaPatrolPage *
find_patrol_page (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      XunchaPatrolPage *page;

      if (XUNCHA_IS_PATROL_PAGE (child))
        return XUNCHA_PATROL_PAGE (child);
      if ((page = find_patrol_page (child)) != NULL)
        return page;
    }
  return NULL;
}

static void
run_gap (Fixture *fx)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaPatrolPage *page = find_patrol_page (window);
  AdwMessageDialog *dialog;
  gint64 deadline;

  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  g_signal_emit_by_name (xuncha_patrol_page_get_shift_button (page), "clicked");
  g_assert_true (xuncha_patrol_session_get_shift_open (session));

  /* The whole walk comes in, the twelve minutes without a fix too. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (xuncha_patrol_session_get_location_state (session) != XUNCHA_LOCATION_STATE_FINISHED
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (xuncha_patrol_session_get_location_state (session), ==,
                   XUNCHA_LOCATION_STATE_FINISHED);

  g_signal_emit_by_name (xuncha_patrol_page_get_end_shift_button (page), "clicked");
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "end");
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (xuncha_patrol_page_get_summary_text (page) == NULL
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (xuncha_patrol_page_get_summary_text (page));
  g_test_message ("summary: %s", xuncha_patrol_page_get_summary_text (page));
  g_assert_nonnull (strstr (xuncha_patrol_page_get_summary_text (page), "12 分钟无定位"));
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (dialog), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (dialog), "patrol-shift-summary-gap"));
  adw_message_dialog_response (dialog, "close");

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_gap, fx);
}

static void
test_gap (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *source = xuncha_test_source_path ("tests/fixtures/demo-walk.gpx");
  g_autofree char *gpx = NULL;
  g_autoptr(GArray) walk = NULL;
  g_autoptr(GArray) heard = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", "--replay", NULL,
                         "--speed", "500", NULL };
  gint64 asleep_ms;

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  gpx = g_build_filename (dir, "slept.gpx", NULL);
  walk = xuncha_track_file_load (source, NULL, &error);
  g_assert_no_error (error);
  /* Asleep from ten minutes into the walk, for twelve minutes. */
  asleep_ms = g_array_index (walk, XunchaFix, 0).t_ms + 10 * 60 * 1000;
  for (guint i = 0; i < walk->len; i++)
    {
      const XunchaFix *fix = &g_array_index (walk, XunchaFix, i);

      if (fix->t_ms < asleep_ms || fix->t_ms >= asleep_ms + 12 * 60 * 1000)
        g_array_append_vals (heard, fix, 1);
    }
  xuncha_test_write_gpx (gpx, heard);

  argv[2] = dir;
  argv[5] = gpx;
  settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (settings, "auto-sync", FALSE);
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 8, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* As an officer sees it: in Chinese. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/ui/shift-gap/summary-says-so", test_gap);

  return g_test_run ();
}
