/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>
#include <sqlite3.h>

#include "xuncha-application.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

/* A shift that cannot start or end because the device store cannot be written: another
 * connection holds the store's write lock (as a second writer on the phone would), so the
 * app's own write really fails after its wait. The officer is told on the patrol page, in
 * his words, and the words go when he turns to another tab; a shift that could not end
 * goes on recording. */

typedef struct
{
  XunchaApplication *app;
  char              *data_dir;
  gboolean           done;
} Fixture;

/* The track's timed commits fail too while the lock is held: they say so in the log (the
 * points stay queued). Those warnings are what the test causes, and not fatal. */
static gboolean
allow_locked_warnings (const char     *log_domain,
                       GLogLevelFlags  log_level,
                       const char     *message,
                       gpointer        user_data)
{
  return strstr (message, "locked") == NULL;
}

static GtkWidget *
find_by_css_name (GtkWidget  *widget,
                  const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_str_equal (gtk_widget_get_css_name (child), name) && gtk_widget_get_mapped (child))
        return child;
      if ((found = find_by_css_name (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/* The text of the toast on screen, waiting a few seconds for one to come. */
static char *
wait_for_toast_text (GtkWidget *window)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GtkWidget *toast;
  GtkLabel *label;

  while ((toast = find_by_css_name (window, "toast")) == NULL
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (toast);
  label = GTK_LABEL (xuncha_ui_test_find_widget (toast, GTK_TYPE_LABEL));
  g_assert_nonnull (label);
  return g_strdup (gtk_label_get_text (label));
}

/* The toast is gone from the window within what its slide-out and the shortest time a
 * toast stays up take (under two seconds). */
static void
assert_toast_goes (GtkWidget *window)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (find_by_css_name (window, "toast") != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (find_by_css_name (window, "toast"));
}

static guint
n_points (XunchaPatrolSession *session)
{
  g_autoptr(GArray) points = xuncha_patrol_session_load_track (session);

  return points->len;
}

static void
wait_for_points (XunchaPatrolSession *session,
                 guint                n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (n_points (session) < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_points (session), >=, n);
}

static void
lock_store (sqlite3 *db)
{
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
unlock_store (sqlite3 *db)
{
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
run_shift_errors (Fixture *fx)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaPatrolPage *page =
    XUNCHA_PATROL_PAGE (xuncha_ui_test_find_widget (window, XUNCHA_TYPE_PATROL_PAGE));
  GtkWidget *shift_button = xuncha_patrol_page_get_shift_button (page);
  g_autofree char *path = g_build_filename (fx->data_dir, "xuncha.db", NULL);
  AdwMessageDialog *dialog;
  sqlite3 *db = NULL;
  guint before;

  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  xuncha_ui_test_wait_for_frames (window, 3);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);
  g_assert_cmpstr (xuncha_window_get_page (XUNCHA_WINDOW (window)), ==, "patrol");
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_test_log_set_fatal_handler (allow_locked_warnings, NULL);

  /* Start Shift while the store cannot be written: no shift, and the officer is told. */
  lock_store (db);
  g_signal_emit_by_name (shift_button, "clicked");
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (shift_button)));
  {
    g_autofree char *text = wait_for_toast_text (window);

    g_test_message ("start failed: %s", text);
    g_assert_nonnull (strstr (text, "班次没有开始"));
    g_assert_null (strstr (text, "locked"));
  }
  unlock_store (db);
  xuncha_ui_test_wait_for_frames (window, 20);
  g_free (xuncha_ui_test_screenshot (window, "shift-start-failed"));
  /* The toast was the patrol page's: another tab, and it goes. */
  xuncha_window_show_page (XUNCHA_WINDOW (window), "queue");
  assert_toast_goes (window);
  xuncha_window_show_page (XUNCHA_WINDOW (window), "patrol");

  /* Now it starts, and records. */
  g_signal_emit_by_name (shift_button, "clicked");
  g_assert_true (xuncha_patrol_session_get_shift_open (session));
  wait_for_points (session, 5);

  /* End Shift while the store cannot be written: the shift stays open and the officer is
   * told; no summary of a shift that did not end. */
  lock_store (db);
  g_signal_emit_by_name (xuncha_patrol_page_get_end_shift_button (page), "clicked");
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "end");
  g_assert_true (xuncha_patrol_session_get_shift_open (session));
  g_assert_true (gtk_widget_get_visible (xuncha_patrol_page_get_end_shift_button (page)));
  {
    g_autofree char *text = wait_for_toast_text (window);

    g_test_message ("end failed: %s", text);
    g_assert_nonnull (strstr (text, "班次没有结束"));
    g_assert_null (strstr (text, "locked"));
  }
  unlock_store (db);
  xuncha_ui_test_wait_for_frames (window, 20);
  g_free (xuncha_ui_test_screenshot (window, "shift-end-failed"));
  xuncha_window_show_page (XUNCHA_WINDOW (window), "history");
  assert_toast_goes (window);
  xuncha_window_show_page (XUNCHA_WINDOW (window), "patrol");
  g_assert_null (xuncha_patrol_page_get_summary_text (page));

  /* It went on recording: the walk is still stored. */
  before = n_points (session);
  wait_for_points (session, before + 5);

  /* And it ends once the store can be written again. */
  g_signal_emit_by_name (xuncha_patrol_page_get_end_shift_button (page), "clicked");
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "end");
  g_assert_false (xuncha_patrol_session_get_shift_open (session));

  sqlite3_close (db);
  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_shift_errors, fx);
}

static void
test_shift_errors (void)
{
  g_autoptr(GSettings) settings = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", "--speed", "100", NULL };

  if (!xuncha_ui_test_have_display ())
    return;

  fx.data_dir = xuncha_test_make_tmpdir ();
  argv[2] = fx.data_dir;
  settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (settings, "auto-sync", FALSE);
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 6, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  xuncha_test_remove_tree (fx.data_dir);
  g_free (fx.data_dir);
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

  g_test_add_func ("/ui/shift-errors/start-and-end-fail", test_shift_errors);

  return g_test_run ();
}
