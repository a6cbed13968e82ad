/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "xuncha-photo-fixture.h"
#include "xuncha-store-private.h"
#include "xuncha-tasks-page-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"

#define OFFICER "A001"
#define MESSAGE_ID "8f2a0000-0000-4000-8000-000000000001"
#define REPORT_MADE "22222222-2222-4222-8222-222222222222"

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until_idle (XunchaTasksPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, on_timeout, &timed_out);

  while (xuncha_tasks_page_is_busy (page) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static char *
iso_from_now (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, hours);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

static XunchaTask *
make_task (const char *id,
           const char *kind,
           const char *deadline,
           const char *category,
           gboolean    with_position)
{
  XunchaTask *task = xuncha_task_new ();

  task->id = g_strdup (id);
  task->kind = g_strdup (kind);
  task->officer_id = g_strdup (OFFICER);
  task->state = g_strdup ("open");
  task->created_at = g_strdup ("2024-05-01T08:30:00Z");
  task->deadline = g_strdup (deadline);
  task->category = g_strdup (category);
  task->note = g_strdup ("市民热线：陈寿路12号门前占道");
  task->revision = 1;
  if (with_position)
    {
      task->lat = 30.6586;
      task->lon = 104.0648;
      task->radius_m = 50;
    }
  return task;
}

/* Three office tasks (one past its deadline, a roll call, a verify due later), a case whose
 * re-inspection fell due, a report made on the device, and an unread message. */
static XunchaStore *
make_inbox (const char *dir)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
  g_autoptr(GPtrArray) messages =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_message_free);
  g_autofree char *in_one_hour = iso_from_now (1);
  g_autofree char *in_two_hours = iso_from_now (2);
  g_autoptr(GError) error = NULL;
  XunchaMessage *message = g_new0 (XunchaMessage, 1);
  XunchaStore *store;
  guint changed = 0;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category, lat, lon, "
                                    "disposition, deadline) VALUES "
                                    "('r0', '2024-04-20T02:00:00Z', '09006', 30.6590, 104.0650, "
                                    " 'deadline', '2024-04-25'),"
                                    "('" REPORT_MADE "', '2024-05-01T09:00:00Z', '07001', "
                                    " 30.6586, 104.0648, 'corrected', NULL)",
                                    &error));
  g_assert_no_error (error);

  g_ptr_array_add (tasks, make_task ("t-overdue", "verify", "2024-05-01T12:00:00Z", "09006",
                                     TRUE));
  g_ptr_array_add (tasks, make_task ("t-roll", "rollcall", in_one_hour, NULL, FALSE));
  g_ptr_array_add (tasks, make_task ("t-near", "verify", in_two_hours, "09006", TRUE));
  g_assert_true (xuncha_task_store_apply (store, tasks, OFFICER, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);

  message->id = g_strdup (MESSAGE_ID);
  message->audience = g_strdup ("team");
  message->team = g_strdup ("T1");
  message->sender = g_strdup ("指挥中心");
  message->title = g_strdup ("今晚集中整治");
  message->body = g_strdup ("19:00 陈寿路集合");
  message->sent_at = g_strdup ("2024-05-01T08:30:00Z");
  message->revision = 21;
  g_ptr_array_add (messages, message);
  g_assert_true (xuncha_message_store_apply (store, messages, &changed, &error));
  g_assert_no_error (error);
  return store;
}

static guint
count_waiting (XunchaStore *store,
               const char  *kind)
{
  g_autoptr(GError) error = NULL;
  XunchaOutboxCounts counts = { 0 };

  g_assert_true (xuncha_outbox_count (store, kind, &counts, &error));
  g_assert_no_error (error);
  return counts.waiting;
}

static const char *
row_task_id (GtkWidget *row)
{
  GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));

  return g_variant_get_string (target, NULL);
}

static void
on_do_task (XunchaTasksPage *page,
            const char      *task_id,
            const char      *report_uuid,
            char           **got)
{
  g_free (*got);
  *got = g_strdup (task_id);
}

static void
test_tasks_page (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(XunchaTaskResult) result = NULL;
  g_autoptr(XunchaMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *doing = NULL;
  const char * const order[] = { "reinspection:r0", "t-overdue", "t-roll", "t-near" };
  XunchaTasksPage *page;
  GtkWidget *window;

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  store = make_inbox (dir);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_TASKS_PAGE, NULL);
  g_signal_connect (page, "do-task", G_CALLBACK (on_do_task), &doing);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  xuncha_tasks_page_set_store_worker (page, worker);
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 3);

  /* The inbox: by deadline, the due re-inspection as a check, the overdue ones in red. */
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "list");
  g_assert_cmpuint (xuncha_tasks_page_get_n_tasks (page), ==, 4);
  g_assert_cmpuint (xuncha_tasks_page_get_n_unread (page), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      GtkWidget *row = xuncha_tasks_page_get_task_row (page, i);

      g_assert_nonnull (row);
      g_assert_cmpstr (row_task_id (row), ==, order[i]);
      g_assert_cmpint (gtk_widget_has_css_class (row, "overdue"), ==, i < 2);
    }
  g_test_message ("row 0: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (xuncha_tasks_page_get_task_row (page, 0))));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (xuncha_tasks_page_get_task_row (page, 0))),
                            "核查"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (xuncha_tasks_page_get_task_row (page, 1))),
                            "已逾期"));
  g_free (xuncha_ui_test_screenshot (window, "tasks-inbox-zh"));

  /* A tap reads the message: kept and queued for the office. */
  gtk_widget_activate (xuncha_tasks_page_get_message_row (page, 0));
  wait_until_idle (page);
  g_assert_cmpuint (xuncha_tasks_page_get_n_unread (page), ==, 0);
  message = xuncha_message_store_get (store, MESSAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message->read_at);
  g_assert_cmpuint (count_waiting (store, "message_read"), ==, 1);

  /* A task's page: what, where, when; a roll call without a shift is refused, with the
   * reason, and nothing is kept. */
  gtk_widget_activate (xuncha_tasks_page_get_task_row (page, 2));
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "task");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tasks.outcome", "s", "present"));
  wait_until_idle (page);
  g_assert_nonnull (strstr (xuncha_tasks_page_get_text (page, "status"), "班次"));
  g_assert_null (xuncha_task_store_get_result (store, "t-roll", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_waiting (store, "task_result"), ==, 0);
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "tasks-rollcall-zh"));

  /* Not found, without a report: saved, queued, out of the inbox. */
  xuncha_tasks_page_open_task (page, "t-near");
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_tasks_page_get_text (page, "what"), ==, "市民热线：陈寿路12号门前占道");
  g_assert_nonnull (strstr (xuncha_tasks_page_get_text (page, "deadline"), "20"));
  g_assert_null (strstr (xuncha_tasks_page_get_text (page, "deadline"), "逾期"));
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "tasks-task-zh"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tasks.outcome", "s",
                                             "not_found"));
  wait_until_idle (page);
  result = xuncha_task_store_get_result (store, "t-near", &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->outcome, ==, "not_found");
  g_assert_cmpuint (g_strv_length (result->report_uuids), ==, 0);
  g_assert_cmpuint (count_waiting (store, "task_result"), ==, 1);
  g_assert_cmpuint (count_waiting (store, "task_accept"), ==, 1);
  g_assert_cmpuint (xuncha_tasks_page_get_n_tasks (page), ==, 3);
  g_clear_pointer (&result, xuncha_task_result_free);

  /* Do it: the task is accepted and the report flow asked for; the report saved for it is
   * named in the result, and "Something else" takes that report's category. */
  xuncha_tasks_page_open_task (page, "t-overdue");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tasks.do", NULL));
  wait_until_idle (page);
  g_assert_cmpstr (doing, ==, "t-overdue");
  g_assert_cmpstr (xuncha_tasks_page_get_doing (page), ==, "t-overdue");
  g_assert_cmpuint (count_waiting (store, "task_accept"), ==, 2);
  xuncha_tasks_page_add_report (page, REPORT_MADE);
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "task");
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "tasks-outcome-zh"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tasks.outcome", "s",
                                             "different"));
  wait_until_idle (page);
  result = xuncha_task_store_get_result (store, "t-overdue", &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->outcome, ==, "different");
  g_assert_cmpstr (result->category, ==, "07001");
  g_assert_cmpuint (g_strv_length (result->report_uuids), ==, 1);
  g_assert_cmpstr (result->report_uuids[0], ==, REPORT_MADE);
  g_assert_null (xuncha_tasks_page_get_doing (page));
  g_assert_cmpuint (xuncha_tasks_page_get_n_tasks (page), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Puts @jpeg where the sync leaves the office's photos and returns its SHA-256 name. */
static char *
put_office_photo (XunchaStore *store,
                  GBytes      *jpeg)
{
  g_autofree char *folder = xuncha_task_store_office_photo_folder (store);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
  g_autofree char *name = g_strconcat (sha, ".jpg", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_free (photo_fixture_write (folder, name, jpeg));
  return g_steal_pointer (&sha);
}

static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* Waits for @picture to show something; returns its width in pixels. */
static int
wait_for_picture (GtkPicture *picture)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, on_timeout, &timed_out);

  while (gtk_picture_get_paintable (picture) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  return gdk_paintable_get_intrinsic_width (gtk_picture_get_paintable (picture));
}

/* A check the office sent with its photos: those the sync fetched show as thumbnails (a
 * real phone photo when the shared test data is there, and a self-made one), a tap shows
 * one large; one not fetched yet says it comes with the next sync. */
static void
test_office_photos (void)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *real = xuncha_test_testdata_path ("photos/mei_Apple_iPhone_6.jpg");
  g_autoptr(GBytes) made = photo_fixture_image (1600, 1200, 7);
  g_autoptr(GBytes) later = photo_fixture_image (800, 600, 9);
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GError) error = NULL;
  XunchaTask *task = make_task ("t-check", "check", "2099-05-01T12:00:00Z", "09006", TRUE);
  XunchaTasksPage *page;
  GtkWidget *window;
  GtkWidget *tile;
  GtkLabel *label;
  guint changed = 0;

  if (!xuncha_ui_test_have_display ())
    return;

  dir = xuncha_test_make_tmpdir ();
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  if (real != NULL)
    {
      g_autoptr(GMappedFile) file = g_mapped_file_new (real, FALSE, &error);
      g_autoptr(GBytes) bytes = NULL;

      g_assert_no_error (error);
      bytes = g_mapped_file_get_bytes (file);
      g_ptr_array_add (fetched, put_office_photo (store, bytes));
    }
  else
    g_test_message ("The shared test data is absent: the self-made photo only");
  g_ptr_array_add (fetched, put_office_photo (store, made));

  g_strfreev (task->photos);
  task->photos = g_new0 (char *, fetched->len + 2);
  for (guint i = 0; i < fetched->len; i++)
    task->photos[i] = g_strdup (g_ptr_array_index (fetched, i));
  /* Named by the office, not fetched yet. */
  task->photos[fetched->len] = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, later);
  task->report_uuid = g_strdup ("7e4e28ba-2fa1-41d2-883f-0016d3cca427");
  g_ptr_array_add (tasks, task);
  g_assert_true (xuncha_task_store_apply (store, tasks, OFFICER, &changed, &error));
  g_assert_no_error (error);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  page = g_object_new (XUNCHA_TYPE_TASKS_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  worker = xuncha_store_worker_new (xuncha_store_get_data_dir (store));
  xuncha_tasks_page_set_store_worker (page, worker);
  wait_until_idle (page);
  xuncha_tasks_page_open_task (page, "t-check");
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "task");

  /* The fetched ones as thumbnails, decoded small (a phone photo is 3264 pixels wide). */
  for (guint i = 0; i < fetched->len; i++)
    {
      tile = xuncha_tasks_page_get_photo (page, i);
      g_assert_nonnull (tile);
      g_assert_true (GTK_IS_BUTTON (tile));
      g_assert_true (GTK_IS_PICTURE (gtk_button_get_child (GTK_BUTTON (tile))));
      g_assert_cmpint (wait_for_picture (GTK_PICTURE (gtk_button_get_child (GTK_BUTTON (tile)))),
                       <=, 256);
    }
  /* The one not fetched: a placeholder saying when it comes, nothing to tap. */
  tile = xuncha_tasks_page_get_photo (page, fetched->len);
  g_assert_nonnull (tile);
  g_assert_false (GTK_IS_BUTTON (tile));
  label = find_label (tile);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "照片将在下次同步时下载");
  g_assert_null (xuncha_tasks_page_get_photo (page, fetched->len + 1));
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "tasks-office-photos-zh"));

  /* A tap shows it large, and back returns to the task. */
  g_signal_emit_by_name (xuncha_tasks_page_get_photo (page, 0), "clicked");
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "photo");
  g_assert_cmpint (wait_for_picture (xuncha_tasks_page_get_full_photo (page)), >, 256);
  wait_until_idle (page);
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "tasks-office-photo-full-zh"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tasks.close-photo", NULL));
  wait_until_idle (page);
  g_assert_cmpstr (xuncha_tasks_page_get_view (page), ==, "task");

  /* A sync fetches the last one while the page is open: its thumbnail takes the place of
   * the placeholder. */
  g_free (put_office_photo (store, later));
  xuncha_tasks_page_refresh (page);
  wait_until_idle (page);
  tile = xuncha_tasks_page_get_photo (page, fetched->len);
  g_assert_nonnull (tile);
  g_assert_true (GTK_IS_BUTTON (tile));
  wait_for_picture (GTK_PICTURE (gtk_button_get_child (GTK_BUTTON (tile))));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  /* The language before anything translates: GLib decides once whether the program's
   * own strings are translated, at the first one. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/tasks/page", test_tasks_page);
  g_test_add_func ("/ui/tasks/office-photos", test_office_photos);

  return g_test_run ();
}
