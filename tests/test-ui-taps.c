/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "xuncha-application.h"
#include "xuncha-camera-view.h"
#include "xuncha-category-picker.h"
#include "xuncha-history-page-private.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-report-flow.h"
#include "xuncha-report-view-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

/* Taps counted as an officer makes them, at 360×720 in Chinese, from a fresh start of the
 * demo: a tap is only counted on a control that is on screen (not scrolled away, not
 * covered by the window's edge) and can be tapped; what the test does by other means
 * (starting the shift, waiting) is said where it happens. The counts are printed and
 * held to the limits. */

#define STALL          "09006"
#define STALL_MAX_TAPS 3
#define REOPEN_MAX_TAPS 2
#define SMALL_AD       "07001"
#define SMALL_AD_MAX_TAPS 5
#define MISSED_MAX_TAPS 2

typedef struct
{
  XunchaApplication *app;
  XunchaWindow      *window;
  gboolean           done;
  guint              saved;
  char              *last_saved;
  guint              taps;
} Fixture;

static void
on_saved (XunchaReportFlow *flow,
          XunchaReport     *report,
          Fixture          *fx)
{
  fx->saved++;
  g_free (fx->last_saved);
  fx->last_saved = g_strdup (xuncha_report_get_uuid (report));
}

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

/* One tap on @widget: it must be on screen, wholly inside the window, and tappable. */
static void
tap (Fixture    *fx,
     GtkWidget  *widget,
     const char *what)
{
  GtkWidget *window = GTK_WIDGET (fx->window);
  graphene_rect_t box;

  /* An officer waits for a page to slide in: so does the count. */
  for (guint frames = 0; frames < 120; frames += 5)
    {
      xuncha_ui_test_wait_for_frames (window, 5);
      if (gtk_widget_get_mapped (widget) && gtk_widget_compute_bounds (widget, window, &box)
          && box.origin.x >= 0 && box.origin.y >= 0
          && box.origin.x + box.size.width <= gtk_widget_get_width (window)
          && box.origin.y + box.size.height <= gtk_widget_get_height (window))
        break;
    }
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, window, &box));
  if (box.origin.x < 0 || box.origin.y < 0
      || box.origin.x + box.size.width > gtk_widget_get_width (window)
      || box.origin.y + box.size.height > gtk_widget_get_height (window))
    g_error ("%s is not on screen: %gx%g+%g+%g in a %dx%d window", what, box.size.width,
             box.size.height, box.origin.x, box.origin.y, gtk_widget_get_width (window),
             gtk_widget_get_height (window));
  /* Not scrolled out of its scrolled window either. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
    graphene_rect_t view;

    if (scroller != NULL)
      {
        g_assert_true (gtk_widget_compute_bounds (scroller, window, &view));
        if (!graphene_rect_contains_rect (&view, &box))
          g_error ("%s is scrolled out of view", what);
      }
  }
  fx->taps++;
  g_test_message ("tap %u: %s", fx->taps, what);
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    gtk_widget_activate (widget);
}

static gboolean
camera_ready (gpointer data)
{
  Fixture *fx = data;
  XunchaReportFlow *flow = xuncha_window_get_report_flow (fx->window);

  return xuncha_camera_get_state (xuncha_camera_view_get_camera (
           xuncha_report_flow_get_camera_view (flow))) == XUNCHA_CAMERA_STATE_READY;
}

static gboolean
on_category_step (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (xuncha_report_flow_get_step (xuncha_window_get_report_flow (fx->window)),
                    "category") == 0;
}

static guint wanted_saves;

static gboolean
saved_enough (gpointer data)
{
  Fixture *fx = data;

  return fx->saved >= wanted_saves && !xuncha_window_get_reporting (fx->window);
}

static gboolean
view_ready (gpointer data)
{
  XunchaReportView *view = xuncha_window_get_report_view (data);

  return view != NULL && !xuncha_report_view_is_busy (view)
         && xuncha_report_view_get_state (view) != NULL;
}

/* The button on screen that activates @action. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      if ((found = find_action_button (child, action)) != NULL)
        return found;
    }
  return NULL;
}

/* The button on screen labelled @label (a toggle button too). */
static GtkWidget *
find_labelled_button (GtkWidget  *widget,
                      const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child)
          && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_labelled_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
on_form_step (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (xuncha_report_flow_get_step (xuncha_window_get_report_flow (fx->window)),
                    "form") == 0;
}

/* The page switcher's button that shows @title. */
static GtkWidget *
find_switcher_button (GtkWidget  *widget,
                      const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child)
          && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), title) == 0
          && (found = gtk_widget_get_ancestor (child, GTK_TYPE_TOGGLE_BUTTON)) != NULL)
        return found;
      if ((found = find_switcher_button (child, title)) != NULL)
        return found;
    }
  return NULL;
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

static gboolean
route_shown (gpointer data)
{
  XunchaHistoryPage *history = xuncha_window_get_history_page (data);

  return history != NULL && !xuncha_history_page_is_busy (history)
         && g_strcmp0 (xuncha_history_page_get_view (history), "route") == 0;
}

static gboolean
list_shown (gpointer data)
{
  XunchaHistoryPage *history = xuncha_window_get_history_page (data);

  return history != NULL && !xuncha_history_page_is_busy (history)
         && g_strcmp0 (xuncha_history_page_get_view (history), "list") == 0;
}

/* From the patrol map to a shift's missed segments, grouped by street: the History tab and
 * the shift's row. Returns the taps it took. */
static guint
see_missed_segments (Fixture    *fx,
                     const char *shift)
{
  guint before = fx->taps;
  XunchaHistoryPage *history;

  /* The last report's "Saved" toast, if still up, belongs to the map: it goes with the tab
   * (within the time it takes to slide out) and covers nothing on the History. */
  g_test_message ("a toast %s shown before the History tab",
                  find_by_css_name (GTK_WIDGET (fx->window), "toast") != NULL ? "is" : "is not");
  tap (fx, find_switcher_button (GTK_WIDGET (fx->window), _("History")), "the History tab");
  {
    gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (find_by_css_name (GTK_WIDGET (fx->window), "toast") != NULL
           && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (find_by_css_name (GTK_WIDGET (fx->window), "toast"));
  }
  wait_for (list_shown, fx->window);
  history = xuncha_window_get_history_page (fx->window);
  tap (fx, xuncha_history_page_get_shift_row (history, shift), "the shift's row");
  wait_for (route_shown, fx->window);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 10);
  g_test_message ("%u streets with missed segments",
                  xuncha_history_page_get_n_missed_streets (history));
  g_assert_cmpuint (xuncha_history_page_get_n_missed_streets (history), >, 0);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "taps-missed-segments"));
  return fx->taps - before;
}

/* Report, the shutter, the small ad's tile; the phone number typed where the form put the
 * cursor; where it was posted; Save. Returns the taps it took. */
static guint
report_small_ad (Fixture          *fx,
                 XunchaPatrolPage *page)
{
  XunchaReportFlow *flow = xuncha_window_get_report_flow (fx->window);
  GtkWidget *focus;
  guint before = fx->taps;

  wanted_saves = fx->saved + 1;
  tap (fx, find_action_button (GTK_WIDGET (page), "win.report"), "Report");
  wait_for (camera_ready, fx);
  tap (fx, xuncha_camera_view_get_shutter_button (xuncha_report_flow_get_camera_view (flow)),
       "the shutter");
  wait_for (on_category_step, fx);
  tap (fx, xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow), SMALL_AD),
       "the small ad tile");
  wait_for (on_form_step, fx);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 10);
  /* Typing, not a tap: the cursor is already in the phone number's field. */
  focus = gtk_root_get_focus (GTK_ROOT (fx->window));
  g_assert_nonnull (focus);
  g_assert_nonnull (gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW));
  g_assert_true (GTK_IS_EDITABLE (focus));
  gtk_editable_set_text (GTK_EDITABLE (focus), "13800138000");
  /* And the officer sees what is typed: the field is wholly in view, not under Save. */
  {
    GtkWidget *row = gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW);
    GtkWidget *scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
    graphene_rect_t row_box, view_box;

    g_assert_true (gtk_widget_compute_bounds (row, GTK_WIDGET (fx->window), &row_box));
    g_assert_true (gtk_widget_compute_bounds (scroller, GTK_WIDGET (fx->window), &view_box));
    g_test_message ("phone field %gx%g+%g+%g, form in view %gx%g+%g+%g", row_box.size.width,
                    row_box.size.height, row_box.origin.x, row_box.origin.y,
                    view_box.size.width, view_box.size.height, view_box.origin.x,
                    view_box.origin.y);
    g_assert_true (graphene_rect_contains_rect (&view_box, &row_box));
  }
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "taps-small-ad-form"));
  tap (fx, find_labelled_button (GTK_WIDGET (flow), "墙面"), "Posted on: wall");
  tap (fx, find_labelled_button (GTK_WIDGET (flow), _("Save Report")), "Save Report");
  wait_for (saved_enough, fx);
  return fx->taps - before;
}

/* Report, the shutter, the stall's tile: saved. Returns the taps it took. */
static guint
report_stall (Fixture          *fx,
              XunchaPatrolPage *page,
              const char       *screenshot)
{
  XunchaReportFlow *flow = xuncha_window_get_report_flow (fx->window);
  GtkWidget *report = find_action_button (GTK_WIDGET (page), "win.report");
  guint before = fx->taps;

  g_assert_nonnull (report);
  wanted_saves = fx->saved + 1;
  tap (fx, report, "Report");
  wait_for (camera_ready, fx);
  tap (fx, xuncha_camera_view_get_shutter_button (xuncha_report_flow_get_camera_view (flow)),
       "the shutter");
  wait_for (on_category_step, fx);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 5);
  if (screenshot != NULL)
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), screenshot));
  tap (fx, xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow), STALL),
       "the stall tile");
  wait_for (saved_enough, fx);
  return fx->taps - before;
}

static void
run_taps (Fixture *fx)
{
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaPatrolPage *page;
  g_autoptr(GError) error = NULL;
  guint first, tenth = 0, reopen, small_ad, missed;
  g_autofree char *shift = NULL;

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  page = XUNCHA_PATROL_PAGE (xuncha_ui_test_find_widget (GTK_WIDGET (fx->window),
                                                          XUNCHA_TYPE_PATROL_PAGE));
  g_signal_connect (xuncha_window_get_report_flow (fx->window), "saved", G_CALLBACK (on_saved),
                    fx);
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_test_message ("window %d×%d", gtk_widget_get_width (GTK_WIDGET (fx->window)),
                  gtk_widget_get_height (GTK_WIDGET (fx->window)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fx->window)), <=, 360);
  /* The shift is started by the test, not counted: the counts are those of a report. */
  g_assert_true (xuncha_patrol_session_start_shift (session, &error));
  g_assert_no_error (error);

  first = report_stall (fx, page, "taps-stall-first-use");
  for (guint i = 2; i <= 10; i++)
    tenth = report_stall (fx, page, i == 10 ? "taps-stall-tenth-use" : NULL);
  g_assert_cmpuint (fx->saved, ==, 10);

  /* The last saved report, from the patrol page. */
  fx->taps = 0;
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 5);
  g_assert_nonnull (fx->last_saved);
  tap (fx, xuncha_patrol_page_get_report_pin (page, fx->last_saved), "the report's pin on the map");
  wait_for (view_ready, fx->window);
  reopen = fx->taps;
  g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 5);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "taps-reopen"));

  /* Back to the map; the small ad's count starts there. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "show-page",
                                  g_variant_new_string ("patrol"));
  small_ad = report_small_ad (fx, page);
  {
    g_autoptr(XunchaReportStore) reports =
      xuncha_report_store_new (xuncha_application_get_store (fx->app), NULL);
    g_autoptr(XunchaReport) ad = xuncha_report_store_get (reports, fx->last_saved, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (xuncha_report_get_category (ad), ==, SMALL_AD);
    g_assert_nonnull (strstr (xuncha_report_get_fields_json (ad), "13800138000"));
    g_assert_nonnull (strstr (xuncha_report_get_fields_json (ad), "wall"));
  }

  /* A tab switch while a toast is still sliding in (an officer who taps on at once): the
   * toast goes with the tab, and the window lives on. Not counted. */
  for (guint delay_ms = 0; delay_ms <= 300; delay_ms += 25)
    {
      gint64 until;

      xuncha_window_add_toast (fx->window, "toast then tab");
      until = g_get_monotonic_time () + delay_ms * 1000;
      while (g_get_monotonic_time () < until)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
      g_action_group_activate_action (G_ACTION_GROUP (fx->window), "show-page",
                                      g_variant_new_string ("history"));
      g_action_group_activate_action (G_ACTION_GROUP (fx->window), "show-page",
                                      g_variant_new_string ("patrol"));
    }
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 30);

  /* The shift ends (not counted: its question and summary are the patrol page's test), and
   * its missed segments are looked at as the next day's would be: the same two taps, its row
   * then under 昨天 instead of 今天. */
  shift = g_strdup (xuncha_shift_get_uuid (xuncha_patrol_session_get_shift (session)));
  g_assert_true (xuncha_patrol_session_stop_shift (session, &error));
  g_assert_no_error (error);
  missed = see_missed_segments (fx, shift);

  g_print ("TAPS stall-first-use=%u stall-tenth-use=%u reopen-last-report=%u "
           "small-ad-with-phone=%u (plus typing) missed-segments-by-street=%u\n", first, tenth,
           reopen, small_ad, missed);
  g_assert_cmpuint (first, <=, STALL_MAX_TAPS);
  g_assert_cmpuint (tenth, <=, STALL_MAX_TAPS);
  g_assert_cmpuint (reopen, <=, REOPEN_MAX_TAPS);
  g_assert_cmpuint (small_ad, <=, SMALL_AD_MAX_TAPS);
  g_assert_cmpuint (missed, <=, MISSED_MAX_TAPS);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_taps, fx);
}

static void
test_taps (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GSettings) settings = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", NULL };

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  argv[2] = dir;
  settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (settings, "auto-sync", FALSE);
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 4, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  g_free (fx.last_saved);
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

  g_test_add_func ("/ui/taps/from-a-fresh-demo", test_taps);

  return g_test_run ();
}
