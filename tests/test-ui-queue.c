/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <signal.h>

#include "xuncha-application.h"
#include "xuncha-preferences-page-private.h"
#include "xuncha-queue-page-private.h"
#include "xuncha-report-view-private.h"
#include "xuncha-store-private.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-office.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

#define find_widget xuncha_ui_test_find_widget
#define template_child xuncha_ui_test_template_child
#define click xuncha_ui_test_click
#define wait_for(done, fx) xuncha_ui_test_wait_until (done (fx))

/* The whole way of a report from the device to the office and back, through the app's own
 * pages: enroll in the preferences against a real xuncha-office over HTTPS, make reports,
 * sync from the queue page, a stopped office and a wrong CA shown and recovered from, a
 * report the office refuses and retried once fixed, case status from the office, and an
 * automatic sync when the network comes back. */

typedef struct
{
  XunchaApplication     *app;
  XunchaTestCerts       *certs;
  XunchaTestOffice      *office;
  char                  *office_dir;
  GSettings             *settings;
  XunchaWindow          *window;
  XunchaQueuePage       *queue;
  XunchaPreferencesPage *prefs;
  XunchaSyncController  *controller;
  XunchaReportStore     *reports;
  guint                  n_photos;
} Fixture;

static gboolean
enroll_done (Fixture *fx)
{
  return !xuncha_preferences_page_is_enrolling (fx->prefs);
}

static gboolean
queue_idle (Fixture *fx)
{
  return !xuncha_sync_controller_get_running (fx->controller)
         && !xuncha_queue_page_is_busy (fx->queue);
}

static gboolean
view_ready (Fixture *fx)
{
  XunchaReportView *view = xuncha_window_get_report_view (fx->window);

  return view != NULL && !xuncha_report_view_is_busy (view)
         && xuncha_report_view_get_state (view) != NULL;
}

static gboolean
sync_running (Fixture *fx)
{
  return xuncha_sync_controller_get_running (fx->controller);
}

/* Clicks "Sync now" and waits until the sync and the queue's reading are done. */
static void
sync_from_queue (Fixture *fx)
{
  wait_for (queue_idle, fx);
  click (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE, "sync_button"));
  g_assert_true (xuncha_sync_controller_get_running (fx->controller));
  g_assert_false (gtk_widget_get_sensitive (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                            "sync_button")));
  wait_for (queue_idle, fx);
}

/* A photo as the camera hands it over, a different colour each time (a different hash). */
static GBytes *
capture (Fixture *fx)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  static const guint32 colours[] = {
    0x3a7bd5ff, 0xd53a3aff, 0x3ad57bff, 0xd5a03aff, 0x7b3ad5ff, 0x3ad5d5ff, 0x555555ff,
  };
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, colours[fx->n_photos++ % G_N_ELEMENTS (colours)]);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

/* A report on the demo streets, saved through the core as the report flow saves it. */
static char *
make_report (Fixture    *fx,
             const char *category,
             double      lat,
             double      lon)
{
  g_autoptr(XunchaReport) report = xuncha_report_new (category);
  g_autoptr(GBytes) photo = capture (fx);
  g_autoptr(GError) error = NULL;

  xuncha_report_set_officer (report, "A001");
  /* What the form asks for small ads (07001): where the ad was posted, and its number. */
  if (g_str_equal (category, "07001"))
    xuncha_report_set_fields_json (report, "{\"carrier\": \"pole\", \"phone\": \"13800138000\"}");
  xuncha_report_set_position (report, lat, lon, 6, NAN, NAN, XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_set_disposition (report, XUNCHA_DISPOSITION_CORRECTED);
  xuncha_report_add_photo_bytes (report, photo, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (fx->reports, report, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (xuncha_report_get_uuid (report));
}

static void
refresh_queue (Fixture *fx)
{
  xuncha_queue_page_refresh (fx->queue);
  wait_for (queue_idle, fx);
}

static char *
receipt_of (Fixture    *fx,
            const char *uuid)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = xuncha_outbox_list (xuncha_application_get_store (fx->app), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *entry = g_ptr_array_index (entries, i);
      if (g_str_equal (entry->kind, "report") && g_str_equal (entry->item, uuid))
        return g_strdup (entry->receipt);
    }
  return NULL;
}

static void
assert_row_contains (Fixture    *fx,
                     const char *uuid,
                     const char *text)
{
  g_autofree char *shown = xuncha_queue_page_get_row_text (fx->queue, uuid);

  g_assert_nonnull (shown);
  if (strstr (shown, text) == NULL)
    g_error ("The row of %s shows\n%s\nand not “%s”", uuid, shown, text);
}

static void
assert_problem_contains (Fixture    *fx,
                         const char *text)
{
  g_autofree char *problem = xuncha_queue_page_get_problem (fx->queue);

  g_assert_nonnull (problem);
  if (strstr (problem, text) == NULL)
    g_error ("The queue shows\n%s\nand not “%s”", problem, text);
}

/* Changes a saved report behind the app's back (as another version of it would). */
static void
set_note (XunchaStore *store,
          const char  *uuid,
          const char  *value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE reports SET note = %s WHERE uuid = '%s'",
                                          value, uuid);

  g_assert_true (xuncha_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
enroll (Fixture *fx)
{
  g_autofree char *code = xuncha_test_office_add_officer (fx->office_dir, "A001", "T1", FALSE);
  GtkWidget *officer_row = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "officer_row");
  GtkWidget *code_row = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "code_row");
  GtkWidget *button = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "enroll_button");
  GtkWidget *enrolled_row = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE,
                                            "enrolled_row");

  xuncha_window_show_page (fx->window, "preferences");
  g_assert_false (xuncha_preferences_page_get_enrolled (fx->prefs));
  g_assert_true (gtk_widget_get_visible (officer_row));

  /* The server address and the office CA come from the Office rows above. */
  g_settings_set_string (fx->settings, "server-url", fx->office->url);
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->ca);

  /* A wrong code: refused, in words an officer understands, and nothing enrolled. */
  gtk_editable_set_text (GTK_EDITABLE (officer_row), "A001");
  gtk_editable_set_text (GTK_EDITABLE (code_row), "not-the-code");
  click (button);
  g_assert_true (xuncha_preferences_page_is_enrolling (fx->prefs));
  g_assert_false (gtk_widget_get_sensitive (button));
  wait_for (enroll_done, fx);
  g_assert_false (xuncha_preferences_page_get_enrolled (fx->prefs));
  g_assert_nonnull (strstr (xuncha_preferences_page_get_enroll_error (fx->prefs),
                            "did not accept this officer ID and code"));

  /* The office's certificate under an unknown CA: the officer is told which, and what to
   * do about it. */
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->other_ca);
  gtk_editable_set_text (GTK_EDITABLE (code_row), code);
  click (button);
  wait_for (enroll_done, fx);
  g_assert_false (xuncha_preferences_page_get_enrolled (fx->prefs));
  g_assert_nonnull (strstr (xuncha_preferences_page_get_enroll_error (fx->prefs),
                            "not issued by a trusted authority"));

  /* The right CA and code. */
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->ca);
  click (button);
  wait_for (enroll_done, fx);
  g_assert_null (xuncha_preferences_page_get_enroll_error (fx->prefs));
  g_assert_true (xuncha_preferences_page_get_enrolled (fx->prefs));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (enrolled_row)), ==,
                   "Enrolled as Officer A001");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (enrolled_row)),
                            fx->office->url));
  g_assert_false (gtk_widget_get_visible (officer_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "");

  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "preferences"));
}

static void
run_queue (Fixture *fx)
{
  XunchaStore *store;
  XunchaSync *engine;
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *fourth = NULL;
  g_autofree char *fifth = NULL, *sixth = NULL, *receipt = NULL, *receipt_again = NULL;
  g_autoptr(GError) error = NULL;
  const GError *last;

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  /* Pages other than the map are made on their first visit. */
  xuncha_window_show_page (fx->window, "preferences");
  xuncha_window_show_page (fx->window, "queue");
  fx->queue = XUNCHA_QUEUE_PAGE (find_widget (GTK_WIDGET (fx->window), XUNCHA_TYPE_QUEUE_PAGE));
  fx->prefs = XUNCHA_PREFERENCES_PAGE (find_widget (GTK_WIDGET (fx->window),
                                                    XUNCHA_TYPE_PREFERENCES_PAGE));
  fx->controller = xuncha_application_get_sync_controller (fx->app);
  store = xuncha_application_get_store (fx->app);
  engine = xuncha_sync_controller_get_engine (fx->controller);
  fx->reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  /* The street map is read after the window's first frame. */
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  xuncha_report_store_set_street_map (fx->reports, xuncha_application_get_street_map (fx->app));

  /* Before enrollment a sync could only fail: "Sync Now" waits, and the page points to
   * Settings. */
  xuncha_window_show_page (fx->window, "queue");
  wait_for (queue_idle, fx);
  g_assert_false (gtk_widget_get_sensitive (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                            "sync_button")));
  g_assert_true (gtk_widget_get_visible (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                         "settings_button")));
  /* A sync started all the same (automatically, or from the command line) says what to do. */
  xuncha_sync_controller_sync_now (fx->controller);
  wait_for (queue_idle, fx);
  assert_problem_contains (fx, "not enrolled");

  enroll (fx);

  /* Enrolled: the way to Settings is gone and "Sync Now" works. */
  xuncha_window_show_page (fx->window, "queue");
  refresh_queue (fx);
  g_assert_true (gtk_widget_get_sensitive (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                           "sync_button")));
  g_assert_false (gtk_widget_get_visible (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                          "settings_button")));

  /* Enrolled with a signing key: no warning. A device enrolled before keys has none: its
   * reports go unsigned, and the queue says so with the way to enroll again. */
  g_assert_null (xuncha_queue_page_get_keyless_warning (fx->queue));
  {
    g_autofree char *key = xuncha_store_get_meta (store, "evidence.device_key");

    g_assert_nonnull (key);
    g_assert_true (xuncha_store_set_meta (store, "evidence.device_key", "", &error));
    g_assert_no_error (error);
    refresh_queue (fx);
    g_assert_cmpstr (xuncha_queue_page_get_keyless_warning (fx->queue), ==,
                     "Reports from this device are not signed");
    xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "queue-keyless"));
    click (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE, "reenroll_button"));
    g_assert_cmpstr (xuncha_window_get_page (fx->window), ==, "preferences");
    xuncha_window_show_page (fx->window, "queue");
    g_assert_true (xuncha_store_set_meta (store, "evidence.device_key", key, &error));
    g_assert_no_error (error);
    refresh_queue (fx);
    g_assert_null (xuncha_queue_page_get_keyless_warning (fx->queue));
  }

  /* Three reports wait; newest first, each with its category and street. */
  first = make_report (fx, "09006", 30.7930, 106.08523);
  second = make_report (fx, "07001", 30.7925, 106.0853);
  third = make_report (fx, "09006", 30.79771, 106.0880);
  xuncha_window_show_page (fx->window, "queue");
  refresh_queue (fx);
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 3);
  /* Enrolled now: the earlier problem is gone. */
  g_assert_null (xuncha_queue_page_get_problem (fx->queue));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "waiting");
  assert_row_contains (fx, first, "Waiting to be sent");
  assert_row_contains (fx, first, "陈寿路");
  g_assert_nonnull (strstr (xuncha_queue_page_get_reconciliation (fx->queue),
                            "6 items on this device are not acknowledged yet"));
  /* Read again with nothing changed: the rows stay (no flicker, the officer keeps his
   * place); a report that changed gets a new row. */
  {
    GtkWidget *row = xuncha_queue_page_get_row (fx->queue, first);
    GtkWidget *other = xuncha_queue_page_get_row (fx->queue, second);

    refresh_queue (fx);
    g_assert_true (xuncha_queue_page_get_row (fx->queue, first) == row);
    g_assert_true (xuncha_queue_page_get_row (fx->queue, second) == other);
    g_assert_true (xuncha_outbox_set_reason (store, "report", first, "no network", &error));
    g_assert_no_error (error);
    refresh_queue (fx);
    g_assert_true (xuncha_queue_page_get_row (fx->queue, first) != row);
    g_assert_true (xuncha_queue_page_get_row (fx->queue, second) == other);
    assert_row_contains (fx, first, "no network");
  }

  /* Cancel: the office is down and the engine waits between tries; Cancel ends it at
   * once and nothing changes. */
  xuncha_test_office_stop (fx->office, SIGTERM);
  xuncha_sync_set_backoff (engine, 20000, 20000);
  xuncha_sync_set_max_attempts (engine, 5);
  wait_for (queue_idle, fx);
  click (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE, "sync_button"));
  /* The engine cannot reach the office, so it took no report: each row says what the
   * store says, not what a running sync might be doing. */
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "waiting");
  click (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE, "cancel_button"));
  wait_for (queue_idle, fx);
  last = xuncha_sync_controller_get_last_error (fx->controller);
  g_assert_error (last, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED);
  g_assert_null (xuncha_queue_page_get_problem (fx->queue));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "waiting");

  /* A report a sync took shows as being sent, and waits again once the sync lets go. */
  {
    int hold = xuncha_outbox_hold_sending (store, &error);

    g_assert_no_error (error);
    g_assert_true (xuncha_outbox_mark_sending (store, "report", first, &error));
    refresh_queue (fx);
    g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "sending");
    assert_row_contains (fx, first, "Sending…");
    g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, second), ==, "waiting");
    g_assert_true (xuncha_outbox_end_sending (store, "report", first, &error));
    xuncha_outbox_release_sending (hold);
    refresh_queue (fx);
    g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "waiting");
  }

  /* The office stays down: the reason is shown, and nothing is lost. */
  xuncha_sync_set_backoff (engine, 10, 20);
  xuncha_sync_set_max_attempts (engine, 2);
  sync_from_queue (fx);
  assert_problem_contains (fx, "The office could not be reached");
  assert_problem_contains (fx, "stays on this device");
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "waiting");
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 3);

  /* The office is back: a later try gets everything acknowledged, with receipts. */
  xuncha_test_office_restart (fx->office);
  sync_from_queue (fx);
  g_assert_null (xuncha_queue_page_get_problem (fx->queue));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, first), ==, "acked");
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, second), ==, "acked");
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, third), ==, "acked");
  receipt = receipt_of (fx, first);
  g_assert_nonnull (receipt);
  assert_row_contains (fx, first, receipt);
  g_clear_pointer (&receipt, g_free);
  assert_row_contains (fx, first, "Acknowledged by the office");
  g_assert_cmpstr (xuncha_queue_page_get_reconciliation (fx->queue), ==,
                   "The office has acknowledged everything this device holds.");
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 3);

  /* A CA that did not sign the office's certificate (chosen in Settings): refused, said
   * so; the right one again and the waiting report goes. */
  fourth = make_report (fx, "07001", 30.7960, 106.09046);
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->other_ca);
  refresh_queue (fx);
  sync_from_queue (fx);
  assert_problem_contains (fx, "certificate was refused");
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fourth), ==, "waiting");
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->ca);
  sync_from_queue (fx);
  g_assert_null (xuncha_queue_page_get_problem (fx->queue));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fourth), ==, "acked");

  /* A report changed in the device's database behind the app after the office
   * acknowledged it: not what the device signed when it saved it, so the office refuses
   * it as evidence (422). The row says why in the officer's words and offers Retry; once
   * the cause is gone (the change undone) Retry gets the same receipt as before. */
  receipt = receipt_of (fx, fourth);
  g_assert_nonnull (receipt);
  set_note (store, fourth, "'changed'");
  g_assert_true (xuncha_outbox_requeue (store, "report", fourth, &error));
  g_assert_no_error (error);
  fifth = make_report (fx, "09006", 30.7915, 106.08523);
  sync_from_queue (fx);
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fourth), ==, "failed");
  assert_row_contains (fx, fourth, "not what this phone signed");
  assert_row_contains (fx, fourth, "Tap Retry once the cause is fixed");
  g_assert_nonnull (xuncha_queue_page_get_retry_button (fx->queue, fourth));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fifth), ==, "acked");
  g_assert_true (gtk_widget_get_visible (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                         "retry_all_button")));

  /* The office works the cases; the next sync brings their status to the rows. */
  g_free (xuncha_test_office_admin (fx->office_dir, "report", "set-status", first, "立案", NULL));
  g_free (xuncha_test_office_admin (fx->office_dir, "report", "set-status", second, "结案",
                                    NULL));
  g_free (xuncha_test_office_admin (fx->office_dir, "report", "set-status", third, "退回",
                                    NULL));
  g_free (xuncha_test_office_admin (fx->office_dir, "report", "set-status", fifth, "派遣",
                                    NULL));
  sync_from_queue (fx);
  assert_row_contains (fx, first, "Filed");
  assert_row_contains (fx, second, "Closed");
  assert_row_contains (fx, third, "Returned");
  assert_row_contains (fx, fifth, "Dispatched");
  g_assert_cmpuint (xuncha_sync_controller_get_last_result (fx->controller)->statuses_changed,
                    ==, 4);
  /* The failed one is not sent again by itself. */
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fourth), ==, "failed");

  /* The mixed queue at 360×720: waiting, acknowledged with case status, not sent. */
  sixth = make_report (fx, "07001", 30.7940, 106.0870);
  refresh_queue (fx);
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, sixth), ==, "waiting");
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 6);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "queue"));
  /* Reopened from its row: the office's receipt and case status, and read-only. */
  {
    XunchaReportView *view;
    g_autofree char *first_receipt = receipt_of (fx, first);
    g_autofree char *text = NULL;

    g_assert_true (gtk_widget_activate (xuncha_queue_page_get_row (fx->queue, first)));
    g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "view");
    view = xuncha_window_get_report_view (fx->window);
    wait_for (view_ready, fx);
    g_assert_cmpstr (xuncha_report_view_get_state (view), ==, "acked");
    text = xuncha_report_view_get_text (view);
    g_assert_nonnull (strstr (text, first_receipt));
    g_assert_nonnull (strstr (text, "Filed"));
    g_assert_nonnull (strstr (text, "can no longer be changed"));
    g_assert_false (gtk_widget_get_visible (xuncha_report_view_get_edit_button (view)));
    g_signal_emit_by_name (xuncha_report_view_get_back_button (view), "clicked");
    g_assert_cmpstr (xuncha_window_get_screen (fx->window), ==, "main");
  }

  set_note (store, fourth, "NULL");
  click (xuncha_queue_page_get_retry_button (fx->queue, fourth));
  wait_for (queue_idle, fx);
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, fourth), ==, "acked");
  receipt_again = receipt_of (fx, fourth);
  g_assert_cmpstr (receipt_again, ==, receipt);
  g_assert_false (gtk_widget_get_visible (template_child (fx->queue, XUNCHA_TYPE_QUEUE_PAGE,
                                                          "retry_all_button")));

  /* The network comes back with automatic sync on: the waiting report goes by itself. */
  xuncha_sync_controller_set_debounce (fx->controller, 50);
  g_settings_set_boolean (fx->settings, "auto-sync", TRUE);
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  g_assert_true (xuncha_sync_controller_get_scheduled (fx->controller));
  wait_for (sync_running, fx);
  g_assert_true (xuncha_sync_controller_get_automatic (fx->controller));
  wait_for (queue_idle, fx);
  g_assert_null (xuncha_sync_controller_get_last_error (fx->controller));
  g_assert_cmpstr (xuncha_queue_page_get_state (fx->queue, sixth), ==, "acked");
  g_assert_cmpstr (xuncha_queue_page_get_reconciliation (fx->queue), ==,
                   "The office has acknowledged everything this device holds.");
  /* Nothing was deleted from the device on the way. */
  g_assert_cmpint (xuncha_store_count_rows (store, "reports", NULL), ==, 6);
  g_assert_cmpint (xuncha_store_count_rows (store, "photos", NULL), ==, 6);

  /* A long queue is listed a page at a time, newest first, and every report is reachable:
   * "Show Older Reports" adds the next page until none is left out. */
  xuncha_queue_page_set_rows_per_page (fx->queue, 4);
  wait_for (queue_idle, fx);
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 4);
  g_assert_nonnull (xuncha_queue_page_get_row (fx->queue, sixth));
  g_assert_null (xuncha_queue_page_get_row (fx->queue, first));
  click (xuncha_queue_page_get_older_button (fx->queue));
  wait_for (queue_idle, fx);
  g_assert_cmpuint (xuncha_queue_page_get_n_rows (fx->queue), ==, 6);
  g_assert_nonnull (xuncha_queue_page_get_row (fx->queue, first));
  g_assert_null (xuncha_queue_page_get_older_button (fx->queue));

  g_clear_object (&fx->reports);
}

static void
test_queue (void)
{
  Fixture fx = { 0 };

  if (!xuncha_ui_test_office_start (&fx.certs, &fx.office_dir, &fx.office))
    return;
  /* Automatic sync is looked at on its own at the end; until then only the buttons sync. */
  fx.settings = g_settings_new ("io.github.xuncha.Xuncha");
  xuncha_ui_test_run_app (&fx.app, (GSourceOnceFunc)run_queue, &fx);

  g_clear_object (&fx.settings);
  xuncha_ui_test_office_stop (&fx.office_dir, &fx.office);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/queue/enroll-sync-fail-retry-status", test_queue);

  return g_test_run ();
}
