/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-application.h"
#include "xuncha-map-view.h"
#include "xuncha-patrol-page.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window.h"

typedef struct
{
  XunchaApplication *app;
  char              *data_dir;
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
wait_for_points (XunchaPatrolSession *session,
                 guint                n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GArray) points = xuncha_patrol_session_load_track (session);
      if (points->len >= n || g_get_monotonic_time () > deadline)
        {
          g_assert_cmpuint (points->len, >=, n);
          return;
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
run_patrol (Fixture *fx)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaStore *store = xuncha_application_get_store (fx->app);
  XunchaPatrolPage *page = find_patrol_page (window);
  GtkWidget *shift_button = xuncha_patrol_page_get_shift_button (page);
  XunchaMapView *map_view = xuncha_patrol_page_get_map_view (page);
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(GError) error = NULL;
  XunchaFix fix;

  g_assert_nonnull (session);
  /* The street map loads on a worker thread after the window shows. */
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  /* The demo loaded its streets and assigned the strict ones. */
  g_assert_cmpint (xuncha_store_count_rows (store, "streets", NULL), ==, 60);
  g_assert_cmpint (xuncha_store_count_rows (store, "assignments", NULL), >, 0);
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  /* No shift, no report open: the GPS stays off. */
  g_assert_cmpint (xuncha_patrol_session_get_location_state (session), ==,
                   XUNCHA_LOCATION_STATE_IDLE);

  /* One tap (a click) starts the shift; the replayed walk comes in and is stored. */
  g_signal_emit_by_name (shift_button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (shift_button)));
  g_assert_true (xuncha_patrol_session_get_shift_open (session));
  wait_for_points (session, 40);
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
  xuncha_map_view_center_on (map_view, fix.lat, fix.lon, 16.5);
  xuncha_ui_test_wait_for_frames (window, 4);
  g_assert_cmpuint (xuncha_street_layer_get_n_drawn (xuncha_map_view_get_street_layer (map_view)),
                    >, 5);
  g_free (xuncha_ui_test_screenshot (window, "patrol"));

  /* Ending the shift closes it in the store with its points. */
  g_signal_emit_by_name (shift_button, "clicked");
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  shift = xuncha_shift_get_open (store, &error);
  g_assert_no_error (error);
  g_assert_null (shift);
  g_assert_cmpint (xuncha_store_count_rows (store, "track_points", NULL), >=, 40);
  g_assert_cmpint (xuncha_store_count_rows (store, "shifts", NULL), ==, 1);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_patrol, fx);
}

static void
test_patrol (void)
{
  Fixture fx = { NULL, NULL, FALSE };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", "--speed", "100", NULL };

  if (!xuncha_ui_test_have_display ())
    return;

  fx.data_dir = xuncha_test_make_tmpdir ();
  argv[2] = fx.data_dir;
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

  g_test_add_func ("/ui/patrol/shift-and-map", test_patrol);

  return g_test_run ();
}
