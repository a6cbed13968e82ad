/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "xuncha-application.h"
#include "xuncha-history-page-private.h"
#include "xuncha-map-view-private.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-queue-page-private.h"
#include "xuncha-report-view-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

#define find_widget xuncha_ui_test_find_widget

/* A saved report reopened as an officer would, at 360×720 in Chinese: from its pin on the
 * patrol map, its row on the Queue page, its row beside the map and its shift in the
 * history; editable while it waits, read-only (with the reason) once the office has it.
 * Every tap is counted. */

typedef struct
{
  XunchaApplication *app;
  XunchaWindow      *window;
  guint              saved;
  guint              edited;
  guint              taps;
  gboolean           done;
} Fixture;

static GBytes *
capture (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0xd5a03aff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static void
on_saved (XunchaReportFlow *flow,
          XunchaReport     *report,
          Fixture          *fx)
{
  fx->saved++;
}

static void
on_edited (XunchaReportFlow *flow,
           XunchaReport     *report,
           Fixture          *fx)
{
  fx->edited++;
}

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

static gboolean
has_fix (gpointer data)
{
  return xuncha_patrol_session_get_last_fix (data, NULL);
}

static gboolean
saved_once (gpointer data)
{
  return ((Fixture *)data)->saved >= 1;
}

static gboolean
edited_once (gpointer data)
{
  return ((Fixture *)data)->edited >= 1;
}

static gboolean
view_ready (gpointer data)
{
  XunchaReportView *view = xuncha_window_get_report_view (((Fixture *)data)->window);

  return view != NULL && !xuncha_report_view_is_busy (view)
         && xuncha_report_view_get_state (view) != NULL;
}

static gboolean
queue_ready (gpointer data)
{
  return !xuncha_queue_page_is_busy (data) && xuncha_queue_page_get_n_rows (data) > 0;
}

static gboolean
history_ready (gpointer data)
{
  return !xuncha_history_page_is_busy (data);
}

/* One tap of the officer's thumb on @widget: it must be on screen and usable. */
static void
tap (Fixture   *fx,
     GtkWidget *widget)
{
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  fx->taps++;
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    g_assert_true (gtk_widget_activate (widget));
}

/* A page of the view switcher at the bottom: one tap. */
static void
tap_page (Fixture    *fx,
          const char *name)
{
  g_assert_true (xuncha_window_get_bottom_bar_revealed (fx->window));
  fx->taps++;
  xuncha_window_show_page (fx->window, name);
}

static void
assert_view_shows (Fixture    *fx,
                   const char *text)
{
  g_autofree char *shown = xuncha_report_view_get_text (xuncha_window_get_report_view (fx->window));

  if (strstr (shown, text) == NULL)
    g_error ("The report shows\n%s\nand not “%s”", shown, text);
}

static void
assert_view_lacks (Fixture    *fx,
                   const char *text)
{
  g_autofree char *shown = xuncha_report_view_get_text (xuncha_window_get_report_view (fx->window));

  if (strstr (shown, text) != NULL)
    g_error ("The report shows\n%s\nwith “%s”", shown, text);
}

static void
run_view (Fixture *fx)
{
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaStore *store = xuncha_application_get_store (fx->app);
  XunchaReportFlow *flow;
  XunchaPatrolPage *page;
  XunchaReportView *view;
  XunchaQueuePage *queue;
  XunchaHistoryPage *history;
  g_autoptr(XunchaReportStore) reports = xuncha_report_store_new (store, NULL);
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GBytes) photo = capture ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *shift_uuid = NULL;
  GtkWidget *edit;

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  flow = xuncha_window_get_report_flow (fx->window);
  page = XUNCHA_PATROL_PAGE (find_widget (GTK_WIDGET (fx->window), XUNCHA_TYPE_PATROL_PAGE));
  g_signal_connect (flow, "saved", G_CALLBACK (on_saved), fx);
  g_signal_connect (flow, "edited", G_CALLBACK (on_edited), fx);
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  g_assert_true (xuncha_patrol_session_start_shift (session, &error));
  g_assert_no_error (error);
  shift_uuid = g_strdup (xuncha_shift_get_uuid (xuncha_patrol_session_get_shift (session)));
  wait_for (has_fix, session);

  /* A stall saved with a photo and a category, as the three taps save it. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "report", NULL);
  xuncha_report_flow_add_photo_bytes (flow, photo);
  g_signal_emit_by_name (xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow),
                                                            "09006"), "clicked");
  wait_for (saved_once, fx);
  saved = xuncha_report_store_list (reports, 1, &error);
  g_assert_no_error (error);
  uuid = g_strdup (xuncha_report_get_uuid (g_ptr_array_index (saved, 0)));
  /* The saved toast stays as it is: the pin is reachable beside it. */
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);

  /* From the patrol page: the report's pin on the map, one tap. */
  g_assert_cmpstr (xuncha_window_get_page (fx->window), ==, "patrol");
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "main");
  fx->taps = 0;
  tap (fx, xuncha_patrol_page_get_report_pin (page, uuid));
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (view_ready, fx);
  g_assert_cmpuint (fx->taps, <=, 2);
  g_test_message ("Reopening the last saved report from the patrol page: %u tap(s)", fx->taps);
  view = xuncha_window_get_report_view (fx->window);
  g_assert_cmpstr (xuncha_report_view_get_uuid (view), ==, uuid);

  /* Waiting: its photo, what and where, and Edit. */
  g_assert_cmpstr (xuncha_report_view_get_state (view), ==, "waiting");
  g_assert_cmpuint (xuncha_report_view_get_n_photos (view), ==, 1);
  assert_view_shows (fx, "等待发送");
  assert_view_shows (fx, "占道经营");
  assert_view_shows (fx, "处置方式: 暂未决定");
  assert_view_shows (fx, "还可以修改");
  assert_view_lacks (fx, "Waiting");
  edit = xuncha_report_view_get_edit_button (view);
  g_assert_true (gtk_widget_get_visible (edit));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "report-view-waiting-zh"));

  /* Edit: the form on the saved report; saved, the page shows the change. */
  tap (fx, edit);
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "report");
  g_assert_cmpstr (xuncha_report_form_get_editing (xuncha_report_flow_get_form (flow)), ==, uuid);
  xuncha_report_form_set_note (xuncha_report_flow_get_form (flow), "三次劝离，摊主已收摊");
  g_assert_true (xuncha_report_flow_save (flow));
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (edited_once, fx);
  wait_for (view_ready, fx);
  assert_view_shows (fx, "备注: 三次劝离，摊主已收摊");

  /* Back to the map. */
  tap (fx, xuncha_report_view_get_back_button (view));
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "main");

  /* From the Queue page: the tab and the row, two taps. */
  fx->taps = 0;
  tap_page (fx, "queue");
  queue = XUNCHA_QUEUE_PAGE (find_widget (GTK_WIDGET (fx->window), XUNCHA_TYPE_QUEUE_PAGE));
  wait_for (queue_ready, queue);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  tap (fx, xuncha_queue_page_get_row (queue, uuid));
  g_assert_cmpuint (fx->taps, ==, 2);
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (view_ready, fx);
  tap (fx, xuncha_report_view_get_back_button (view));

  /* The office acknowledged it: read-only, the receipt shown, and why it cannot change. */
  g_assert_true (xuncha_outbox_mark_acked (store, "report", uuid, "XC-20261206-0042", &error));
  g_assert_no_error (error);
  tap (fx, xuncha_queue_page_get_row (queue, uuid));
  wait_for (view_ready, fx);
  g_assert_cmpstr (xuncha_report_view_get_state (view), ==, "acked");
  g_assert_false (gtk_widget_get_visible (xuncha_report_view_get_edit_button (view)));
  assert_view_shows (fx, "办公室已确认");
  assert_view_shows (fx, "XC-20261206-0042");
  assert_view_shows (fx, "不能再在本设备上修改");
  /* What is found later goes in a re-inspection of it, offered here. */
  g_assert_true (gtk_widget_get_mapped (xuncha_report_view_get_reinspect_button (view)));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "report-view-sent-zh"));
  tap (fx, xuncha_report_view_get_back_button (view));

  /* The history: the shift's route shows the report as a pin, and lists it. */
  g_assert_true (xuncha_patrol_session_stop_shift (session, &error));
  g_assert_no_error (error);
  tap_page (fx, "history");
  history = XUNCHA_HISTORY_PAGE (find_widget (GTK_WIDGET (fx->window), XUNCHA_TYPE_HISTORY_PAGE));
  wait_for (history_ready, history);
  xuncha_history_page_open_shift (history, shift_uuid);
  wait_for (history_ready, history);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_assert_cmpuint (xuncha_map_view_get_n_reports (xuncha_history_page_get_map_view (history)),
                    ==, 1);
  g_assert_nonnull (xuncha_history_page_get_report_row (history, uuid));
  tap (fx, xuncha_history_page_get_report_row (history, uuid));
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (view_ready, fx);
  g_assert_cmpstr (xuncha_report_view_get_uuid (view), ==, uuid);
  tap (fx, xuncha_report_view_get_back_button (view));
  /* Its pin on the route's map opens it too. */
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  tap (fx, xuncha_map_view_get_report_pin (xuncha_history_page_get_map_view (history), uuid));
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (view_ready, fx);
  g_assert_cmpstr (xuncha_report_view_get_uuid (view), ==, uuid);
  tap (fx, xuncha_report_view_get_back_button (view));

  /* A wide window lists today's reports beside the map: a row, one tap. */
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1000, 700);
  xuncha_ui_test_wait_for_size (GTK_WIDGET (fx->window), 980);
  xuncha_window_show_page (fx->window, "patrol");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_assert_true (xuncha_patrol_page_get_side_panel_shown (page));
  /* The row opens it through the page's own action, so it works wherever the page is. */
  g_assert_cmpstr (gtk_actionable_get_action_name (
                     GTK_ACTIONABLE (xuncha_patrol_page_get_report_row (page, uuid))),
                   ==, "patrol.open-report");
  fx->taps = 0;
  tap (fx, xuncha_patrol_page_get_report_row (page, uuid));
  g_assert_cmpuint (fx->taps, ==, 1);
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  wait_for (view_ready, fx);
  g_assert_cmpstr (xuncha_report_view_get_uuid (view), ==, uuid);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_view, fx);
}

static void
test_reopen (void)
{
  g_autofree char *dir = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", "--speed", "50", NULL };

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  argv[2] = dir;
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 6, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  /* The language first: the templates' words are translated as they are built. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/report-view/reopen-waiting-and-sent", test_reopen);

  return g_test_run ();
}
