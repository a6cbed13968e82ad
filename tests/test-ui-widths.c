/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "xuncha-application.h"
#include "xuncha-preferences-page-private.h"
#include "xuncha-queue-page-private.h"
#include "xuncha-report-view-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

#define find_widget xuncha_ui_test_find_widget
#define template_child xuncha_ui_test_template_child

/* A phone is 360 px wide: every page, in English and in Chinese, with a report the office
 * refused (the queue then offers Retry Failed too), must fit without widening the window.
 * And before
 * the device is enrolled, the queue points to Settings instead of offering a sync that can
 * only fail, and an enrollment that fails because of the server address says so next to
 * that address, scrolled into view. In Chinese, no page shows an English word. */

#define PHONE_WIDTH 360

typedef struct
{
  const char        *language;
  XunchaApplication *app;
  XunchaWindow      *window;
  GSettings         *settings;
  gboolean           done;
} Fixture;

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

static gboolean
queue_idle (gpointer data)
{
  return !xuncha_queue_page_is_busy (data);
}

static gboolean
enroll_done (gpointer data)
{
  return !xuncha_preferences_page_is_enrolling (data);
}

static gboolean
view_ready (gpointer data)
{
  XunchaReportView *view = xuncha_window_get_report_view (data);

  return view != NULL && !xuncha_report_view_is_busy (view)
         && xuncha_report_view_get_state (view) != NULL;
}

/* Codes and names that stay in Latin letters in the Chinese interface. */
static const char *const allowed_latin[] = { "GPS", "ID", "CA", "https", "http", "km", "JPEG",
                                             "SM2", "Ed25519", NULL };

/* Collects the Latin words of the labels on screen under @widget: in Chinese there must be
 * none but the codes above (an English line means a string was never translated). */
static void
collect_latin_words (GtkWidget *widget,
                     GRegex    *word,
                     GString   *found)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      g_autoptr(GMatchInfo) match = NULL;

      for (g_regex_match (word, text, 0, &match); g_match_info_matches (match);
           g_match_info_next (match, NULL))
        {
          g_autofree char *latin = g_match_info_fetch (match, 0);

          if (!g_strv_contains (allowed_latin, latin))
            g_string_append_printf (found, "“%s” in “%s”\n", latin, text);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_latin_words (child, word, found);
}

static void
assert_no_english (Fixture    *fx,
                   const char *name)
{
  g_autoptr(GRegex) word = g_regex_new ("(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])", 0, 0,
                                        NULL);
  g_autoptr(GString) found = g_string_new (NULL);

  if (g_str_equal (fx->language, "en"))
    return;
  collect_latin_words (GTK_WIDGET (fx->window), word, found);
  if (found->len > 0)
    g_error ("%s in Chinese shows English words:\n%s", name, found->str);
}

/* What is on screen now (@name for the messages and the screenshot) fits the phone: the
 * window's content needs no more than the phone's width. (Under the test's display the
 * window's own decorations take a few pixels more; a phone shows the content alone.) */
static void
assert_fits (Fixture    *fx,
             const char *name)
{
  GtkWidget *window = GTK_WIDGET (fx->window);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  g_autofree char *screenshot = g_strdup_printf ("width-%s%s", name,
                                                 g_str_equal (fx->language, "en") ? "" : "-zh");
  int minimum = 0, natural = 0;

  xuncha_ui_test_wait_for_frames (window, 3);
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_test_message ("%s (%s): minimum width %d px, natural %d px, shown %d px", name,
                  fx->language, minimum, natural, gtk_widget_get_width (window));
  if (minimum > PHONE_WIDTH)
    g_error ("%s (%s) needs %d px, wider than a %d px phone", name, fx->language, minimum,
             PHONE_WIDTH);
  g_free (xuncha_ui_test_screenshot (window, screenshot));
  assert_no_english (fx, name);
}

static void
run_widths (Fixture *fx)
{
  XunchaStore *store = xuncha_application_get_store (fx->app);
  g_autoptr(XunchaReportStore) reports = xuncha_report_store_new (store, NULL);
  g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GBytes) photo = NULL;
  g_autoptr(GError) error = NULL;
  XunchaPreferencesPage *prefs;
  XunchaQueuePage *queue;
  GtkWidget *sync_button, *settings_button, *retry_all, *server_row, *scroller;
  GtkAdjustment *adjustment;
  double x, y;
  char *buffer = NULL;
  gsize size = 0;

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  assert_fits (fx, "patrol");

  /* Not enrolled: the queue says so with the way to Settings, and Sync Now waits. */
  xuncha_window_show_page (fx->window, "queue");
  queue = XUNCHA_QUEUE_PAGE (find_widget (GTK_WIDGET (fx->window), XUNCHA_TYPE_QUEUE_PAGE));
  wait_for (queue_idle, queue);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  sync_button = template_child (queue, XUNCHA_TYPE_QUEUE_PAGE, "sync_button");
  settings_button = template_child (queue, XUNCHA_TYPE_QUEUE_PAGE, "settings_button");
  g_assert_false (gtk_widget_get_sensitive (sync_button));
  g_assert_true (gtk_widget_get_mapped (settings_button));
  g_assert_true (gtk_widget_is_sensitive (settings_button));
  assert_fits (fx, "queue-not-enrolled");
  g_signal_emit_by_name (settings_button, "clicked");
  g_assert_cmpstr (xuncha_window_get_page (fx->window), ==, "preferences");

  /* An address where nothing answers: the error is next to the address, on screen, even
   * though the officer had scrolled down to the Enroll button. */
  prefs = XUNCHA_PREFERENCES_PAGE (find_widget (GTK_WIDGET (fx->window),
                                                XUNCHA_TYPE_PREFERENCES_PAGE));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  g_settings_set_string (fx->settings, "server-url", "https://127.0.0.1:9/");
  gtk_editable_set_text (GTK_EDITABLE (template_child (prefs, XUNCHA_TYPE_PREFERENCES_PAGE,
                                                       "officer_row")), "A001");
  gtk_editable_set_text (GTK_EDITABLE (template_child (prefs, XUNCHA_TYPE_PREFERENCES_PAGE,
                                                       "code_row")), "K7Q2-9XPM");
  server_row = xuncha_preferences_page_get_server_row (prefs);
  scroller = gtk_widget_get_ancestor (server_row, GTK_TYPE_SCROLLED_WINDOW);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  g_signal_emit_by_name (template_child (prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "enroll_button"),
                         "clicked");
  wait_for (enroll_done, prefs);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_assert_false (xuncha_preferences_page_get_enrolled (prefs));
  g_assert_nonnull (xuncha_preferences_page_get_enroll_error (prefs));
  g_assert_true (xuncha_preferences_page_get_error_near_server (prefs));
  g_assert_true (gtk_widget_translate_coordinates (server_row, scroller, 0, 0, &x, &y));
  g_test_message ("The server field is %.0f px from the top of the page", y);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (y + gtk_widget_get_height (server_row), <=,
                     gtk_widget_get_height (scroller));
  assert_fits (fx, "preferences-enroll-error");

  /* A report the office refused. */
  gdk_pixbuf_fill (pixbuf, 0x3a7bd5ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, NULL));
  photo = g_bytes_new_take (buffer, size);
  xuncha_report_set_officer (report, "A001");
  xuncha_report_set_position (report, 30.7930, 106.08523, 6, NAN, NAN,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_add_photo_bytes (report, photo, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (reports, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_outbox_mark_failed (store, "report", xuncha_report_get_uuid (report),
                                            "办公室拒收：此上报的另一版本已在办公室。", &error));
  g_assert_no_error (error);

  xuncha_window_show_page (fx->window, "queue");
  xuncha_queue_page_refresh (queue);
  wait_for (queue_idle, queue);
  retry_all = template_child (queue, XUNCHA_TYPE_QUEUE_PAGE, "retry_all_button");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  g_assert_true (gtk_widget_get_mapped (retry_all));
  g_assert_cmpstr (xuncha_queue_page_get_state (queue, xuncha_report_get_uuid (report)), ==,
                   "failed");
  assert_fits (fx, "queue-failed");

  xuncha_window_show_page (fx->window, "history");
  assert_fits (fx, "history");
  xuncha_window_show_page (fx->window, "preferences");
  assert_fits (fx, "preferences");
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "open-report",
                                  g_variant_new_string (xuncha_report_get_uuid (report)));
  wait_for (view_ready, fx->window);
  /* Refused: read-only, with the office's reason. */
  g_assert_cmpstr (xuncha_report_view_get_state (xuncha_window_get_report_view (fx->window)), ==,
                   "failed");
  g_assert_false (gtk_widget_get_visible (
    xuncha_report_view_get_edit_button (xuncha_window_get_report_view (fx->window))));
  assert_fits (fx, "report-view-failed");

  /* A device enrolled before signing keys (its enrollment as such a device keeps it, no
   * key): the queue's warning with Enroll Again fits too, in the officer's language. */
  g_assert_true (xuncha_store_set_meta (store, "sync.server", "https://127.0.0.1:1/", &error));
  g_assert_true (xuncha_store_set_meta (store, "sync.officer", "A001", &error));
  g_assert_no_error (error);
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "show-page",
                                  g_variant_new_string ("queue"));
  xuncha_queue_page_refresh (queue);
  wait_for (queue_idle, queue);
  g_assert_nonnull (xuncha_queue_page_get_keyless_warning (queue));
  assert_fits (fx, "queue-keyless");

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_widths, fx);
}

static void
test_widths (gconstpointer language)
{
  g_autofree char *dir = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", NULL };

  if (!xuncha_ui_test_have_display ())
    return;
  /* Each language in a process of its own, as the app runs: GLib decides once per process
   * whether the core's words are translated (g_dgettext), and an English run before would
   * leave them English in the Chinese one. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT
                                       | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* The language first: the templates' words are translated as they are built. */
  fx.language = language;
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");

  dir = xuncha_test_make_tmpdir ();
  argv[2] = dir;
  fx.settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (fx.settings, "auto-sync", FALSE);
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 4, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  g_clear_object (&fx.settings);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  /* "Retry Failed" is longer in English, the Chinese words are taller: both must fit. */
  g_test_add_data_func ("/ui/widths/every-page-fits-360/english", "en", test_widths);
  g_test_add_data_func ("/ui/widths/every-page-fits-360/chinese", "zh_CN", test_widths);

  return g_test_run ();
}
