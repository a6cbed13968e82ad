/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "xuncha-application.h"
#include "xuncha-history-page.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-preferences-page.h"
#include "xuncha-queue-page.h"
#include "xuncha-tasks-page.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window.h"

static const char * const pages[] = { "patrol", "queue", "history", "preferences" };

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

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* @page's @property holds @expected (not NULL): the window bound it to the application. */
static void
assert_bound (GtkWidget  *window,
              GType       page_type,
              const char *property,
              gpointer    expected)
{
  GtkWidget *page = find_widget (window, page_type);
  g_autoptr(GObject) value = NULL;

  g_assert_nonnull (page);
  g_assert_nonnull (expected);
  g_object_get (page, property, &value, NULL);
  if (value != expected)
    g_error ("%s's %s is %p, not the application's %p", G_OBJECT_TYPE_NAME (page), property,
             (gpointer)value, expected);
}

/* What each page shows comes from the application through bindings, not setters. */
static void
assert_pages_bound (Fixture      *fx,
                    XunchaWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);
  XunchaStore *store = xuncha_application_get_store (fx->app);
  XunchaStoreWorker *worker = xuncha_application_get_store_worker (fx->app);
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);

  assert_bound (root, XUNCHA_TYPE_PATROL_PAGE, "store", store);
  assert_bound (root, XUNCHA_TYPE_PATROL_PAGE, "store-worker", worker);
  assert_bound (root, XUNCHA_TYPE_PATROL_PAGE, "session", session);
  assert_bound (root, XUNCHA_TYPE_TASKS_PAGE, "store-worker", worker);
  assert_bound (root, XUNCHA_TYPE_TASKS_PAGE, "session", session);
  assert_bound (root, XUNCHA_TYPE_QUEUE_PAGE, "store-worker", worker);
  assert_bound (root, XUNCHA_TYPE_QUEUE_PAGE, "sync-controller",
                xuncha_application_get_sync_controller (fx->app));
  assert_bound (root, XUNCHA_TYPE_HISTORY_PAGE, "store-worker", worker);
  assert_bound (root, XUNCHA_TYPE_PREFERENCES_PAGE, "store", store);
  assert_bound (root, XUNCHA_TYPE_PREFERENCES_PAGE, "store-worker", worker);
  assert_bound (root, XUNCHA_TYPE_PREFERENCES_PAGE, "settings",
                xuncha_application_get_settings (fx->app));
}

static void
check_shell (Fixture *fx)
{
  XunchaWindow *window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  int width, height;

  g_assert_nonnull (window);
  g_assert_nonnull (xuncha_application_get_store (fx->app));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);

  /* Sized for a phone, and at that width the switcher sits at the bottom. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 360);
  g_assert_cmpint (height, ==, 720);
  /* Client-side decorations may take a few pixels of the surface. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, 340);
  g_assert_true (xuncha_window_get_bottom_bar_revealed (window));
  g_assert_false (xuncha_patrol_page_get_side_panel_shown (find_patrol_page (GTK_WIDGET (window))));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("shell-%s", pages[i]);
      g_autofree char *png = NULL;

      xuncha_window_show_page (window, pages[i]);
      g_assert_cmpstr (xuncha_window_get_page (window), ==, pages[i]);
      xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 2);
      png = xuncha_ui_test_screenshot (GTK_WIDGET (window), name);
      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    }
  assert_pages_bound (fx, window);

  /* Wide: the switcher moves to the header bar. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  xuncha_ui_test_wait_for_size (GTK_WIDGET (window), 980);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_assert_false (xuncha_window_get_bottom_bar_revealed (window));
  xuncha_window_show_page (window, "patrol");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  /* Wide: the map with a side panel beside it. */
  g_assert_true (xuncha_patrol_page_get_side_panel_shown (find_patrol_page (GTK_WIDGET (window))));
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "shell-wide"));

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  /* Runs after the application's own activate handler has presented the window. */
  g_idle_add_once ((GSourceOnceFunc)check_shell, fx);
}

static void
test_shell (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  const char *argv[] = { "xuncha", "--data-dir", dir, NULL };
  Fixture fx = { NULL, FALSE };

  if (!xuncha_ui_test_have_display ())
    return;

  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 3, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: the icon theme lives in the system data dirs. The
   * data dir is a fresh temporary one and settings are in memory, so nothing leaks. */
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/shell", test_shell);

  return g_test_run ();
}
