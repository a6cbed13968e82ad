/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-application.h"
#include "xuncha-camera-view-private.h"
#include "xuncha-map-view.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-report-flow-private.h"
#include "xuncha-tasks-page-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window.h"

#define template_child xuncha_ui_test_template_child

typedef struct
{
  XunchaApplication *app;
  gboolean           done;
  guint              saved;
  guint              edited;
  guint              failed;
} Fixture;

/* A photo as the camera hands it over: JPEG bytes, no GPS tags. */
static GBytes *
capture (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3a7bd5ff);
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
on_save_failed (XunchaReportFlow *flow,
                const GError     *error,
                Fixture          *fx)
{
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT);
  fx->failed++;
}

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

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
step_is_category (gpointer data)
{
  return g_strcmp0 (xuncha_report_flow_get_step (data), "category") == 0;
}

static gboolean
has_paintable (gpointer data)
{
  return gtk_picture_get_paintable (data) != NULL;
}

static guint wanted_saves, wanted_edits, wanted_failures;

static gboolean
saved_enough (gpointer data)
{
  return ((Fixture *)data)->saved >= wanted_saves;
}

static gboolean
edited_enough (gpointer data)
{
  return ((Fixture *)data)->edited >= wanted_edits;
}

static gboolean
failed_enough (gpointer data)
{
  return ((Fixture *)data)->failed >= wanted_failures;
}

/* A photo the camera could not take, on the re-inspection's camera: the reason is read
 * whole (wrapped, not cut off, inside the viewfinder) and covers neither the shutter nor
 * the banner with the original photo. The capture fails for real: the camera stops under
 * it, as when another app takes the camera. */
static void
assert_reinspect_camera_error (GtkWidget        *window,
                               XunchaReportFlow *flow)
{
  XunchaCameraView *view = xuncha_report_flow_get_camera_view (flow);
  XunchaCamera *camera = xuncha_camera_view_get_camera (view);
  GtkWidget *shutter = xuncha_camera_view_get_shutter_button (view);
  GtkWidget *message = xuncha_camera_view_get_message_label (view);
  GtkWidget *banner = xuncha_report_flow_get_reinspect_banner (flow);
  graphene_rect_t message_box, shutter_box, banner_box, view_box;
  int text_height = 0;
  gint64 deadline;

  g_assert_true (gtk_widget_get_mapped (banner));
  g_signal_emit_by_name (shutter, "clicked");
  xuncha_camera_stop (camera);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!gtk_widget_get_visible (message) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_visible (message));
  xuncha_camera_start (camera);
  xuncha_ui_test_wait_for_camera (camera);
  xuncha_ui_test_wait_for_frames (window, 10);
  g_test_message ("camera error: %s", gtk_label_get_text (GTK_LABEL (message)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (message)),
                                   "The photo was not taken"));
  g_assert_true (gtk_widget_get_mapped (message));

  g_assert_true (gtk_widget_compute_bounds (message, window, &message_box));
  g_assert_true (gtk_widget_compute_bounds (shutter, window, &shutter_box));
  g_assert_true (gtk_widget_compute_bounds (banner, window, &banner_box));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), window, &view_box));
  g_test_message ("message %gx%g+%g+%g, shutter %gx%g+%g+%g, banner %gx%g+%g+%g",
                  message_box.size.width, message_box.size.height, message_box.origin.x,
                  message_box.origin.y, shutter_box.size.width, shutter_box.size.height,
                  shutter_box.origin.x, shutter_box.origin.y, banner_box.size.width,
                  banner_box.size.height, banner_box.origin.x, banner_box.origin.y);
  g_assert_false (graphene_rect_intersection (&message_box, &shutter_box, NULL));
  g_assert_false (graphene_rect_intersection (&message_box, &banner_box, NULL));
  g_assert_true (graphene_rect_contains_rect (&view_box, &message_box));
  /* Not cut off: nothing ellipsized, and the lines as wrapped at the label's width all
   * within its height. */
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (message))));
  pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (message)), NULL, &text_height);
  g_test_message ("the reason takes %d lines, %d px of the label's %d px",
                  pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (message))),
                  text_height, gtk_widget_get_height (message));
  g_assert_cmpint (text_height, <=, gtk_widget_get_height (message));
  g_free (xuncha_ui_test_screenshot (window, "report-reinspect-camera-error"));
}

/* The saved report's toast says what and where, and its button opens the report. */
static void
open_from_toast (XunchaWindow *window,
                 const char   *uuid)
{
  AdwToast *toast = xuncha_window_get_saved_toast (window);
  GVariant *target;

  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "Edit");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "win.edit-report");
  target = adw_toast_get_action_target_value (toast);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, uuid);
  /* What the button does. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "edit-report", target);
}

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

/* No toast is left on @root within @within_ms (the time a dismissed toast takes to slide
 * out): a toast belongs to the page or step that raised it. */
static void
assert_no_toast_within (GtkWidget  *root,
                        guint       within_ms,
                        const char *where)
{
  gint64 deadline = g_get_monotonic_time () + within_ms * G_TIME_SPAN_MILLISECOND;

  while (find_by_css_name (root, "toast") != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (find_by_css_name (root, "toast") != NULL)
    g_error ("a toast is still shown on %s", where);
}

/* The flow's toast, once it has slid in, covers not @control (Save on the form). */
static void
assert_toast_clear_of (GtkWidget        *window,
                       XunchaReportFlow *flow,
                       GtkWidget        *control)
{
  graphene_rect_t toast_box, control_box;
  GtkWidget *toast;

  xuncha_ui_test_wait_for_frames (window, 60);
  toast = find_by_css_name (GTK_WIDGET (flow), "toast");
  g_assert_nonnull (toast);
  g_assert_true (gtk_widget_compute_bounds (toast, window, &toast_box));
  g_assert_true (gtk_widget_compute_bounds (control, window, &control_box));
  g_test_message ("toast %gx%g+%g+%g, control %gx%g+%g+%g", toast_box.size.width,
                  toast_box.size.height, toast_box.origin.x, toast_box.origin.y,
                  control_box.size.width, control_box.size.height, control_box.origin.x,
                  control_box.origin.y);
  g_assert_false (graphene_rect_intersection (&toast_box, &control_box, NULL));
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
tasks_page_idle (gpointer data)
{
  return !xuncha_tasks_page_is_busy (data);
}

static gboolean
has_original_photo (gpointer data)
{
  return xuncha_report_flow_has_original_photo (data);
}

static gboolean
is_reporting (gpointer data)
{
  return xuncha_window_get_reporting (data);
}

static void
run_report (Fixture *fx)
{
  XunchaWindow *window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaStore *store = xuncha_application_get_store (fx->app);
  XunchaReportFlow *flow = xuncha_window_get_report_flow (window);
  XunchaReportForm *form = xuncha_report_flow_get_form (flow);
  XunchaPatrolPage *page = find_patrol_page (GTK_WIDGET (window));
  g_autoptr(XunchaReportStore) reports = xuncha_report_store_new (store, NULL);
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GBytes) photo = capture ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  XunchaStreetSegment *street;
  XunchaReport *report;
  GtkWidget *button;
  XunchaFix fix;

  g_signal_connect (flow, "saved", G_CALLBACK (on_saved), fx);
  g_signal_connect (flow, "edited", G_CALLBACK (on_edited), fx);
  g_signal_connect (flow, "save-failed", G_CALLBACK (on_save_failed), fx);
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  g_assert_true (xuncha_patrol_session_start_shift (session, &error));
  g_assert_no_error (error);
  wait_for (has_fix, session);
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));

  /* Tap 1: Report. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "report", NULL);
  g_assert_true (xuncha_window_get_reporting (window));
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "photo");

  /* Tap 2: the shutter, on the test camera's live picture. */
  xuncha_ui_test_wait_for_camera (xuncha_camera_view_get_camera (xuncha_report_flow_get_camera_view (flow)));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-camera"));
  g_signal_emit_by_name (xuncha_camera_view_get_shutter_button (xuncha_report_flow_get_camera_view (flow)),
                         "clicked");
  wait_for (step_is_category, flow);
  /* The shot is shown above the categories, so the officer knows it is kept. */
  g_assert_true (gtk_widget_get_visible (template_child (flow, XUNCHA_TYPE_REPORT_FLOW,
                                                         "capture_strip")));
  wait_for (has_paintable, template_child (flow, XUNCHA_TYPE_REPORT_FLOW, "capture_picture"));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-category"));

  g_assert_true (gtk_widget_get_visible (template_child (flow, XUNCHA_TYPE_REPORT_FLOW,
                                                         "details_button")));

  /* Tap 3: the category (a stall, no field it needs, a good fix): saved at once. The flow
   * closes; "saved" comes when the report is durable. */
  wanted_saves = 1;
  button = xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow), "09006");
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (xuncha_window_get_reporting (window));
  wait_for (saved_enough, fx);

  saved = xuncha_report_store_list (reports, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->len, ==, 1);
  report = g_ptr_array_index (saved, 0);
  uuid = g_strdup (xuncha_report_get_uuid (report));
  g_assert_cmpstr (xuncha_report_get_category (report), ==, "09006");
  /* The quick save claims no disposition the officer did not choose. */
  g_assert_cmpint (xuncha_report_get_disposition (report), ==, XUNCHA_DISPOSITION_NONE);
  g_assert_null (xuncha_report_get_deadline (report));
  g_assert_cmpint (xuncha_report_get_position_source (report), ==, XUNCHA_POSITION_SOURCE_GPS);
  g_assert_cmpfloat (fabs (xuncha_report_get_lat (report) - fix.lat), <, 0.01);
  g_assert_cmpfloat (fabs (xuncha_report_get_lon (report) - fix.lon), <, 0.01);
  g_assert_nonnull (xuncha_report_get_street_id (report));
  street = xuncha_street_map_lookup (xuncha_application_get_street_map (fx->app),
                                     xuncha_report_get_street_id (report));
  g_assert_nonnull (street);
  g_assert_cmpstr (xuncha_report_get_shift_uuid (report), ==,
                   xuncha_shift_get_uuid (xuncha_patrol_session_get_shift (session)));
  g_assert_cmpuint (xuncha_report_get_n_photos (report), ==, 1);
  g_assert_cmpuint (xuncha_map_view_get_n_reports (xuncha_patrol_page_get_map_view (page)), ==, 1);
  {
    g_autofree char *state = xuncha_outbox_get_state (store, "report", uuid);
    g_autofree char *title = g_strdup_printf ("Saved: Stall occupying the public way · %s",
                                              xuncha_street_segment_get_name (street));
    AdwToast *toast = xuncha_window_get_saved_toast (window);
    GtkWidget *label;

    g_assert_cmpstr (state, ==, "waiting");
    g_assert_nonnull (toast);
    label = adw_toast_get_custom_title (toast);
    g_assert_true (GTK_IS_LABEL (label));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, title);
  }
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 5);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-saved-toast"));

  /* "Edit": the form on the saved report; its Save changes the stored one. */
  open_from_toast (window, uuid);
  g_assert_true (xuncha_window_get_reporting (window));
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
  g_assert_cmpstr (xuncha_report_form_get_editing (form), ==, uuid);
  xuncha_report_form_set_field (form, "goods", "水果");
  xuncha_report_form_set_note (form, "三次劝离");
  xuncha_report_form_set_disposition (form, XUNCHA_DISPOSITION_DEADLINE);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-edit"));
  wanted_edits = 1;
  g_assert_true (xuncha_report_flow_save (flow));
  g_assert_false (xuncha_window_get_reporting (window));
  wait_for (edited_enough, fx);
  {
    g_autoptr(XunchaReport) back = xuncha_report_store_get (reports, uuid, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (xuncha_report_get_note (back), ==, "三次劝离");
    g_assert_cmpint (xuncha_report_get_disposition (back), ==, XUNCHA_DISPOSITION_DEADLINE);
    g_assert_nonnull (xuncha_report_get_deadline (back));
    g_assert_cmpstr (xuncha_report_get_fields_json (back), ==, "{\"goods\":\"水果\"}");
    /* What the officer did not touch stays. */
    g_assert_cmpstr (xuncha_report_get_category (back), ==, "09006");
    g_assert_cmpstr (xuncha_report_get_street_id (back), ==, xuncha_report_get_street_id (report));
    g_assert_cmpstr (xuncha_report_get_created_at (back), ==,
                     xuncha_report_get_created_at (report));
    g_assert_cmpfloat (xuncha_report_get_lat (back), ==, xuncha_report_get_lat (report));
    g_assert_cmpuint (xuncha_report_get_n_photos (back), ==, 1);
  }
  g_assert_cmpint (xuncha_store_count_rows (store, "reports", NULL), ==, 1);
  g_assert_cmpuint (fx->saved, ==, 1);
  /* The edited report keeps its one marker on the map. */
  g_assert_cmpuint (xuncha_map_view_get_n_reports (xuncha_patrol_page_get_map_view (page)), ==, 1);

  /* "Details…" before the category: the full form first, as before. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "report", NULL);
  g_assert_null (xuncha_report_form_get_editing (form));
  xuncha_report_flow_add_photo_bytes (flow, photo);
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "category");
  g_signal_emit_by_name (template_child (flow, XUNCHA_TYPE_REPORT_FLOW, "details_button"),
                         "clicked");
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
  g_signal_emit_by_name (form, "change-category");
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "category");
  g_signal_emit_by_name (xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow),
                                                            "09006"), "clicked");
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
  g_assert_true (xuncha_window_get_reporting (window));
  g_assert_cmpuint (xuncha_report_form_get_n_streets (form), >=, 1);
  xuncha_report_form_set_field (form, "goods", "蔬菜");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-form"));
  wanted_saves = 2;
  g_assert_true (xuncha_report_flow_save (flow));
  wait_for (saved_enough, fx);
  g_clear_pointer (&saved, g_ptr_array_unref);
  saved = xuncha_report_store_list (reports, 10, &error);
  g_assert_cmpuint (saved->len, ==, 2);
  g_assert_cmpstr (xuncha_report_get_fields_json (g_ptr_array_index (saved, 0)), ==,
                   "{\"goods\":\"蔬菜\"}");
  /* A capture is stored with when it was taken (the shutter's time, with its zone). */
  {
    XunchaReport *latest = g_ptr_array_index (saved, 0);
    g_autofree char *path = xuncha_photo_store_get_path (
      xuncha_report_store_get_photo_store (reports), xuncha_report_get_photo_sha256 (latest, 0));
    g_autofree char *contents = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(XunchaJpeg) jpeg = NULL;
    XunchaPhotoMeta meta;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    jpeg = xuncha_jpeg_new (bytes, path, NULL);
    g_assert_nonnull (jpeg);
    xuncha_photo_meta_read (&meta, jpeg);
    g_assert_true (meta.has_time);
    g_assert_true (meta.has_offset);
    g_assert_false (meta.has_gps_time);
  }

  /* Small ads need the carrier: even with a good fix the category opens the form. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "report", NULL);
  xuncha_report_flow_add_photo_bytes (flow, photo);
  g_signal_emit_by_name (xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow),
                                                            "07001"), "clicked");
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
  g_assert_true (xuncha_window_get_reporting (window));
  /* Placed by hand: the map under the pin, source manual, the street from that place. */
  g_signal_emit_by_name (form, "place-on-map");
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "place");
  xuncha_place_picker_center_on (xuncha_report_flow_get_place_picker (flow), 30.7925, 106.0853);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-place"));
  xuncha_place_picker_confirm (xuncha_report_flow_get_place_picker (flow));
  g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");

  /* Small ads need the carrier: the form says so and nothing is saved. */
  g_assert_false (xuncha_report_flow_save (flow));
  g_assert_true (xuncha_window_get_reporting (window));
  /* Said in a toast that leaves Save free to tap again. */
  assert_toast_clear_of (GTK_WIDGET (window), flow,
                         template_child (form, XUNCHA_TYPE_REPORT_FORM, "save_button"));
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-required-toast"));
  /* Back with a photo on the form asks first; kept, the form stays as it was. */
  {
    AdwMessageDialog *dialog;

    g_signal_emit_by_name (template_child (flow, XUNCHA_TYPE_REPORT_FLOW, "back_button"),
                           "clicked");
    g_assert_true (xuncha_window_get_reporting (window));
    dialog = xuncha_report_flow_get_discard_dialog (flow);
    g_assert_nonnull (dialog);
    xuncha_ui_test_wait_for_frames (GTK_WIDGET (dialog), 3);
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (dialog), "report-discard-question"));
    adw_message_dialog_response (dialog, "keep");
    g_assert_true (xuncha_window_get_reporting (window));
    g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
    g_assert_cmpuint (xuncha_report_form_get_n_photos (form), ==, 1);
  }
  xuncha_report_form_set_field (form, "carrier", "pole");
  /* The phone number on the ad is needed too, whatever the carrier. */
  g_assert_false (xuncha_report_flow_save (flow));
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_assert_nonnull (find_by_css_name (GTK_WIDGET (flow), "toast"));
  g_assert_true (xuncha_window_get_reporting (window));
  g_assert_cmpint (xuncha_store_count_rows (store, "reports", NULL), ==, 2);
  xuncha_report_form_set_field (form, "phone", "13800000000");
  wanted_saves = 3;
  g_assert_true (xuncha_report_flow_save (flow));
  wait_for (saved_enough, fx);

  g_clear_pointer (&saved, g_ptr_array_unref);
  saved = xuncha_report_store_list (reports, 10, &error);
  g_assert_cmpuint (saved->len, ==, 3);
  report = g_ptr_array_index (saved, 0);
  g_assert_cmpstr (xuncha_report_get_category (report), ==, "07001");
  g_assert_cmpint (xuncha_report_get_position_source (report), ==, XUNCHA_POSITION_SOURCE_MANUAL);
  g_assert_cmpfloat (fabs (xuncha_report_get_lat (report) - 30.7925), <, 1e-5);
  g_assert_cmpstr (xuncha_report_get_street_id (report), ==, "CSL-02");
  g_assert_cmpint (xuncha_store_count_rows (store, "outbox", NULL), >=, 6);

  /* A re-inspection of the stall: the original photo and the way to its spot are shown,
   * and the new report points to the original. */
  {
    g_autofree char *original = g_strdup (uuid);
    XunchaReport *again;

    g_assert_null (xuncha_report_flow_get_reinspect_text (flow));
    g_action_group_activate_action (G_ACTION_GROUP (window), "reinspect",
                                    g_variant_new_string (original));
    g_assert_true (xuncha_window_get_reporting (window));
    g_assert_nonnull (xuncha_report_flow_get_reinspect_text (flow));
    g_assert_nonnull (strstr (xuncha_report_flow_get_reinspect_text (flow), "Re-inspection"));
    xuncha_ui_test_wait_for_camera (xuncha_camera_view_get_camera (xuncha_report_flow_get_camera_view (flow)));
    /* The form's "phone number needed" stays with the form, not over the shutter. */
    assert_no_toast_within (GTK_WIDGET (flow), 1000, "the re-inspection's camera");
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "report-reinspect"));
    assert_reinspect_camera_error (GTK_WIDGET (window), flow);
    xuncha_report_flow_add_photo_bytes (flow, photo);
    g_signal_emit_by_name (xuncha_category_picker_get_button (xuncha_report_flow_get_picker (flow),
                                                              "09006"), "clicked");
    g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
    wanted_saves = 4;
    g_assert_true (xuncha_report_flow_save (flow));
    wait_for (saved_enough, fx);

    g_clear_pointer (&saved, g_ptr_array_unref);
    saved = xuncha_report_store_list (reports, 10, &error);
    again = g_ptr_array_index (saved, 0);
    g_assert_cmpstr (xuncha_report_get_parent_uuid (again), ==, original);
  }

  /* Back from a new report's categories with its photo, and Discard: nothing is stored. */
  {
    AdwMessageDialog *dialog;

    g_action_group_activate_action (G_ACTION_GROUP (window), "report", NULL);
    xuncha_report_flow_add_photo_bytes (flow, photo);
    g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "category");
    g_signal_emit_by_name (template_child (flow, XUNCHA_TYPE_REPORT_FLOW, "back_button"),
                           "clicked");
    g_assert_true (xuncha_window_get_reporting (window));
    dialog = xuncha_report_flow_get_discard_dialog (flow);
    g_assert_nonnull (dialog);
    adw_message_dialog_response (dialog, "discard");
    g_assert_false (xuncha_window_get_reporting (window));
    g_assert_cmpint (xuncha_store_count_rows (store, "reports", NULL), ==, 4);
  }

  /* "Do it" on a verify the office sent about a stall: the report flow opens with the
   * task's category chosen, so the photo leads straight to the details. */
  {
    g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
    XunchaTask *task = xuncha_task_new ();
    XunchaTasksPage *tasks_page;
    guint changed = 0;

    task->id = g_strdup ("5b0d7c2e-1f0a-4c3e-9a51-2f7de0b1c9a4");
    task->kind = g_strdup ("verify");
    task->officer_id = g_strdup ("A001");
    task->state = g_strdup ("open");
    task->created_at = g_strdup ("2024-05-01T08:30:00Z");
    task->deadline = g_strdup ("2099-05-01T12:00:00Z");
    task->category = g_strdup ("09006");
    task->note = g_strdup ("市民热线：陈寿路门前占道");
    task->lat = 30.7925;
    task->lon = 106.0853;
    task->radius_m = 50;
    task->revision = 1;
    g_ptr_array_add (tasks, task);
    g_assert_true (xuncha_task_store_apply (store, tasks, "A001", &changed, &error));
    g_assert_no_error (error);
    g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                    g_variant_new_string ("tasks"));
    tasks_page = XUNCHA_TASKS_PAGE (find_widget (GTK_WIDGET (window), XUNCHA_TYPE_TASKS_PAGE));
    xuncha_tasks_page_refresh (tasks_page);
    wait_for (tasks_page_idle, tasks_page);
    xuncha_tasks_page_open_task (tasks_page, task->id);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tasks_page), "tasks.do", NULL));
    wait_for (is_reporting, window);
    g_assert_nonnull (xuncha_report_form_get_category (form));
    g_assert_cmpstr (xuncha_category_get_code (xuncha_report_form_get_category (form)), ==,
                     "09006");
    xuncha_report_flow_add_photo_bytes (flow, photo);
    g_assert_cmpstr (xuncha_report_flow_get_step (flow), ==, "form");
    xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "task-do-it-form"));
    wanted_saves++;
    g_assert_true (xuncha_report_flow_save (flow));
    wait_for (saved_enough, fx);
    g_clear_pointer (&saved, g_ptr_array_unref);
    saved = xuncha_report_store_list (reports, 10, &error);
    g_assert_cmpstr (xuncha_report_get_category (g_ptr_array_index (saved, 0)), ==, "09006");
    g_assert_cmpstr (xuncha_tasks_page_get_doing (tasks_page), ==, task->id);
  }

  /* "Do it" on a check of a case this device does not hold: the case's photo the office
   * sent is shown for framing. */
  {
    g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
    g_autofree char *fixture = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
    g_autofree char *folder = xuncha_task_store_office_photo_folder (store);
    g_autofree char *data = NULL, *sha = NULL, *name = NULL, *path = NULL;
    XunchaTask *task = xuncha_task_new ();
    XunchaTasksPage *tasks_page;
    AdwMessageDialog *dialog;
    gsize length = 0;
    guint changed = 0;

    g_assert_true (g_file_get_contents (fixture, &data, &length, NULL));
    sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
    name = g_strconcat (sha, ".jpg", NULL);
    path = g_build_filename (folder, name, NULL);
    g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
    g_assert_true (g_file_set_contents (path, data, (gssize)length, NULL));
    task->id = g_strdup ("6c1e8d3f-1f0a-4c3e-9a51-2f7de0b1c9a4");
    task->kind = g_strdup ("check");
    task->officer_id = g_strdup ("A001");
    task->state = g_strdup ("open");
    task->created_at = g_strdup ("2024-05-01T08:30:00Z");
    task->deadline = g_strdup ("2099-05-01T12:00:00Z");
    task->category = g_strdup ("09006");
    task->report_uuid = g_strdup ("7e4e28ba-2fa1-41d2-883f-0016d3cca427");
    task->note = g_strdup ("核查：是否已整改");
    task->lat = 30.7925;
    task->lon = 106.0853;
    task->radius_m = 50;
    g_strfreev (task->photos);
    task->photos = g_new0 (char *, 2);
    task->photos[0] = g_strdup (sha);
    task->revision = 2;
    g_ptr_array_add (tasks, task);
    g_assert_true (xuncha_task_store_apply (store, tasks, "A001", &changed, &error));
    g_assert_no_error (error);
    g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                    g_variant_new_string ("tasks"));
    tasks_page = XUNCHA_TASKS_PAGE (find_widget (GTK_WIDGET (window), XUNCHA_TYPE_TASKS_PAGE));
    xuncha_tasks_page_refresh (tasks_page);
    wait_for (tasks_page_idle, tasks_page);
    xuncha_tasks_page_open_task (tasks_page, task->id);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tasks_page), "tasks.do", NULL));
    wait_for (is_reporting, window);
    wait_for (has_original_photo, flow);
    g_assert_nonnull (strstr (xuncha_report_flow_get_reinspect_text (flow), "office"));
    xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
    g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), "task-check-office-photo"));
    g_signal_emit_by_name (template_child (flow, XUNCHA_TYPE_REPORT_FLOW, "back_button"),
                           "clicked");
    dialog = xuncha_report_flow_get_discard_dialog (flow);
    if (dialog != NULL)
      adw_message_dialog_response (dialog, "discard");
    g_assert_false (xuncha_window_get_reporting (window));
  }

  /* The first report went to the office: "Edit" still opens it, but its Save is
   * refused with the reason, and the store keeps what the office has. */
  g_assert_true (xuncha_outbox_mark_acked (store, "report", uuid, "R-1", &error));
  g_assert_no_error (error);
  g_action_group_activate_action (G_ACTION_GROUP (window), "edit-report",
                                  g_variant_new_string (uuid));
  g_assert_cmpstr (xuncha_report_form_get_editing (form), ==, uuid);
  xuncha_report_form_set_note (form, "too late");
  wanted_failures = 1;
  g_assert_true (xuncha_report_flow_save (flow));
  wait_for (failed_enough, fx);
  g_assert_false (xuncha_window_get_reporting (window));
  {
    g_autoptr(XunchaReport) back = xuncha_report_store_get (reports, uuid, &error);

    g_assert_cmpstr (xuncha_report_get_note (back), ==, "三次劝离");
  }
  g_assert_cmpuint (fx->edited, ==, 1);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_report, fx);
}

static void
test_report (void)
{
  g_autofree char *dir = NULL;
  Fixture fx = { NULL, FALSE, 0, 0, 0 };
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
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/report/stall-in-three-taps", test_report);

  return g_test_run ();
}
