/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>
#include <string.h>

#include "xuncha-camera-view.h"
#include "xuncha-gst-camera.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"

typedef gboolean (*Check) (gpointer data);

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @check holds or @seconds pass; returns what @check
 * says at the end. A ticking source keeps the loop awake when nothing else happens. */
static gboolean
wait_until (Check    check,
            gpointer data,
            double   seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)(seconds * G_USEC_PER_SEC);
  guint tick = g_timeout_add (20, on_tick, NULL);
  gboolean ok;

  while (!(ok = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

typedef struct
{
  XunchaCamera      *camera;
  XunchaCameraState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return xuncha_camera_get_state (wait->camera) == wait->state;
}

static gboolean
wait_for_state (XunchaCamera      *camera,
                XunchaCameraState  state,
                double             seconds)
{
  StateWait wait = { camera, state };

  return wait_until (state_reached, &wait, seconds);
}

typedef struct
{
  GBytes *jpeg;
  GError *error;
  gboolean done;
} Capture;

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Capture *capture = user_data;

  capture->jpeg = xuncha_camera_capture_finish (XUNCHA_CAMERA (object), result,
                                                &capture->error);
  capture->done = TRUE;
}

static gboolean
capture_done (gpointer data)
{
  return ((Capture *)data)->done;
}

/* A whole JPEG: SOI first, EOI last, and gdk-pixbuf decodes it to @width × @height. */
static void
assert_jpeg (GBytes *jpeg,
             int     width,
             int     height)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  GdkPixbuf *pixbuf;

  g_assert_cmpuint (size, >, 1000);
  g_assert_cmphex (data[0], ==, 0xFF);
  g_assert_cmphex (data[1], ==, 0xD8);
  g_assert_cmphex (data[size - 2], ==, 0xFF);
  g_assert_cmphex (data[size - 1], ==, 0xD9);

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, jpeg, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
}

/* The size a finger hits: the border box, padding included. */
static void
assert_target_size (GtkWidget *widget,
                    int        min_width,
                    int        min_height)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, widget, &bounds));
  g_assert_cmpfloat (bounds.size.width, >=, min_width);
  g_assert_cmpfloat (bounds.size.height, >=, min_height);
}

static gboolean
have_video_device (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "video"))
      return TRUE;
  return FALSE;
}

static void
test_test_source (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  GdkPaintable *paintable = xuncha_camera_get_paintable (camera);
  Capture capture = { NULL, NULL, FALSE };
  Capture pair[2] = { { NULL, NULL, FALSE }, { NULL, NULL, FALSE } };
  Capture early = { NULL, NULL, FALSE };
  gint64 started, ready, asked;

  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STOPPED);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 0);

  /* Before the first frame a capture is refused, not queued forever. */
  xuncha_camera_capture_async (camera, NULL, on_captured, &early);
  g_assert_true (wait_until (capture_done, &early, 2));
  g_assert_error (early.error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NOT_READY);
  g_assert_null (early.jpeg);
  g_clear_error (&early.error);

  started = g_get_monotonic_time ();
  xuncha_camera_start (camera);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STARTING);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_READY, 20));
  ready = g_get_monotonic_time ();
  g_assert_null (xuncha_camera_dup_reason (camera));

  /* Frames arrived: the preview is 720 wide with the stream's 4:3 shape. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 720);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 540);

  asked = g_get_monotonic_time ();
  xuncha_camera_capture_async (camera, NULL, on_captured, &capture);
  g_assert_true (wait_until (capture_done, &capture, 20));
  g_assert_no_error (capture.error);
  g_test_message ("first frame after %.0f ms, capture took %.0f ms, JPEG %" G_GSIZE_FORMAT
                  " bytes", (ready - started) / 1000.0,
                  (g_get_monotonic_time () - asked) / 1000.0, g_bytes_get_size (capture.jpeg));
  /* Full quality: the stream's size, not the preview's. */
  assert_jpeg (capture.jpeg, XUNCHA_GST_CAMERA_TEST_WIDTH, XUNCHA_GST_CAMERA_TEST_HEIGHT);

  /* Two at once: each gets its own frame. */
  xuncha_camera_capture_async (camera, NULL, on_captured, &pair[0]);
  xuncha_camera_capture_async (camera, NULL, on_captured, &pair[1]);
  g_assert_true (wait_until (capture_done, &pair[1], 20));
  g_assert_true (pair[0].done);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_no_error (pair[i].error);
      assert_jpeg (pair[i].jpeg, XUNCHA_GST_CAMERA_TEST_WIDTH, XUNCHA_GST_CAMERA_TEST_HEIGHT);
      g_bytes_unref (pair[i].jpeg);
    }

  /* Stopping releases the pipeline and empties the preview. */
  xuncha_camera_stop (camera);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STOPPED);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 0);

  /* And it starts again. */
  xuncha_camera_start (camera);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_READY, 20));
  xuncha_camera_stop (camera);

  g_bytes_unref (capture.jpeg);
}

/* A sensor mounted turned (phones report it through V4L2; the test camera plays one):
 * the preview and the photo are turned upright, so the 4:3 landscape stream becomes
 * portrait. Each quarter turn is checked, and no turn leaves the stream as it is. */
static void
test_sensor_rotation (void)
{
  const struct { const char *degrees; gboolean portrait; } cases[] = {
    { "90", TRUE }, { "270", TRUE }, { "180", FALSE }, { "0", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XunchaGstCamera) gst_camera = NULL;
      XunchaCamera *camera;
      GdkPaintable *paintable;
      Capture capture = { NULL, NULL, FALSE };

      g_setenv ("XUNCHA_TEST_CAMERA_ROTATION", cases[i].degrees, TRUE);
      gst_camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
      camera = XUNCHA_CAMERA (gst_camera);
      paintable = xuncha_camera_get_paintable (camera);
      xuncha_camera_start (camera);
      g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_READY, 20));
      xuncha_camera_capture_async (camera, NULL, on_captured, &capture);
      g_assert_true (wait_until (capture_done, &capture, 20));
      g_assert_no_error (capture.error);
      if (cases[i].portrait)
        {
          g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), >,
                           gdk_paintable_get_intrinsic_width (paintable));
          assert_jpeg (capture.jpeg, XUNCHA_GST_CAMERA_TEST_HEIGHT, XUNCHA_GST_CAMERA_TEST_WIDTH);
        }
      else
        {
          g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 720);
          assert_jpeg (capture.jpeg, XUNCHA_GST_CAMERA_TEST_WIDTH, XUNCHA_GST_CAMERA_TEST_HEIGHT);
        }
      xuncha_camera_stop (camera);
      g_bytes_unref (capture.jpeg);
    }
  g_unsetenv ("XUNCHA_TEST_CAMERA_ROTATION");
}

/* libcamera asked for by name on a machine where it sees no camera (or is not
 * installed): a clear state and reason, no pipeline left running. */
static void
test_libcamera_without_camera (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_LIBCAMERA);
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  g_autoptr(GstElementFactory) factory = gst_element_factory_find ("libcamerasrc");
  g_autofree char *reason = NULL;

  if (have_video_device ())
    {
      g_test_skip ("this machine has a /dev/video* device");
      return;
    }
  xuncha_camera_start (camera);
  if (factory != NULL)
    {
      g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_NO_CAMERA, 10));
      reason = xuncha_camera_dup_reason (camera);
      g_assert_cmpstr (reason, ==, "No camera was found on this device.");
    }
  else
    {
      g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_ERROR, 10));
      reason = xuncha_camera_dup_reason (camera);
      g_assert_nonnull (strstr (reason, "libcamerasrc"));
    }
  xuncha_camera_stop (camera);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STOPPED);
}

static void
test_capture_stopped (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  Capture capture = { NULL, NULL, FALSE };

  xuncha_camera_start (camera);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_READY, 20));
  /* A capture that the stop overtakes fails with a reason instead of hanging. */
  xuncha_camera_capture_async (camera, NULL, on_captured, &capture);
  xuncha_camera_stop (camera);
  g_assert_true (wait_until (capture_done, &capture, 2));
  g_assert_error (capture.error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_STOPPED);
  g_assert_null (capture.jpeg);
  g_clear_error (&capture.error);
}

static void
test_no_device (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_V4L2);
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  g_autofree char *reason = NULL;

  if (have_video_device ())
    {
      g_test_skip ("this machine has a /dev/video* device");
      return;
    }
  xuncha_camera_start (camera);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_NO_CAMERA, 2));
  reason = xuncha_camera_dup_reason (camera);
  g_assert_cmpstr (reason, ==, "No camera was found on this device.");
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (xuncha_camera_get_paintable (camera)),
                   ==, 0);
  /* Stop clears the reason; a new start looks again. */
  xuncha_camera_stop (camera);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STOPPED);
  g_assert_null (xuncha_camera_dup_reason (camera));
}

static void
test_missing_device_node (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new_for_device ("/nonexistent/video7");
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  g_autofree char *reason = NULL;

  /* v4l2src itself fails to open the node: the same no-camera state, on any machine. */
  xuncha_camera_start (camera);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_NO_CAMERA, 2));
  reason = xuncha_camera_dup_reason (camera);
  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, ==, "No camera was found on this device.");
}

static void
test_not_a_camera (void)
{
  g_autoptr(XunchaGstCamera) gst_camera = xuncha_gst_camera_new_for_device ("/dev/null");
  XunchaCamera *camera = XUNCHA_CAMERA (gst_camera);
  g_autofree char *reason = NULL;

  /* A node that opens but is no video device: the camera failed, with GStreamer's words. */
  xuncha_camera_start (camera);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_ERROR, 2));
  reason = xuncha_camera_dup_reason (camera);
  g_assert_true (g_str_has_prefix (reason, "The camera stopped working: "));
  g_assert_nonnull (strstr (reason, "/dev/null"));

  /* Starting again tries again. */
  xuncha_camera_start (camera);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, XUNCHA_CAMERA_STATE_STARTING);
  g_assert_true (wait_for_state (camera, XUNCHA_CAMERA_STATE_ERROR, 2));
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child)
          && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static void
on_photo_taken (XunchaCameraView  *view,
                GBytes            *jpeg,
                GBytes           **out)
{
  g_clear_pointer (out, g_bytes_unref);
  *out = g_bytes_ref (jpeg);
}

static gboolean
bytes_set (gpointer data)
{
  return *(GBytes **)data != NULL;
}

static void
on_files_chosen (XunchaCameraView  *view,
                 GListModel        *files,
                 GListModel       **out)
{
  g_set_object (out, files);
}

static gboolean
model_set (gpointer data)
{
  return *(GListModel **)data != NULL;
}

static GtkWidget *
find_chooser_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

typedef struct
{
  GtkFileChooser *chooser;
  GFile          *file;
} Selection;

static gboolean
file_selected (gpointer data)
{
  Selection *selection = data;
  g_autoptr(GListModel) files = gtk_file_chooser_get_files (selection->chooser);
  g_autoptr(GFile) first = NULL;

  if (g_list_model_get_n_items (files) == 0)
    return FALSE;
  first = g_list_model_get_item (files, 0);
  return g_file_equal (first, selection->file);
}

/* Picks @path in the file chooser the view opened (GTK's own dialog here: the test
 * session has no portal) and accepts. */
static void
choose_file (XunchaCameraView *view,
             const char       *path)
{
  GtkFileChooser *chooser = xuncha_camera_view_get_file_chooser (view);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListModel) filters = NULL;
  g_autoptr(GtkFileFilter) filter = NULL;
  Selection selection;
  GtkWidget *dialog;

  g_assert_nonnull (chooser);
  g_assert_true (gtk_file_chooser_get_select_multiple (chooser));
  filters = gtk_file_chooser_get_filters (chooser);
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 1);
  filter = g_list_model_get_item (filters, 0);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "JPEG photos");

  dialog = find_chooser_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  selection.chooser = GTK_FILE_CHOOSER (dialog);
  selection.file = file;
  g_assert_true (wait_until (file_selected, &selection, 10));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
}

static void
test_view (void)
{
  g_autoptr(XunchaGstCamera) camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
  GtkWidget *window;
  XunchaCameraView *view;
  GtkWidget *shutter, *files_button;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GFile) chosen = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (!xuncha_ui_test_have_display ())
    return;

  window = gtk_window_new ();
  view = xuncha_camera_view_new (XUNCHA_CAMERA (camera));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  g_signal_connect (view, "photo-taken", G_CALLBACK (on_photo_taken), &jpeg);
  g_signal_connect (view, "files-chosen", G_CALLBACK (on_files_chosen), &files);

  /* Showing the view starts the camera. */
  g_assert_cmpint (xuncha_camera_get_state (XUNCHA_CAMERA (camera)), ==,
                   XUNCHA_CAMERA_STATE_STOPPED);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_READY, 20));
  xuncha_ui_test_wait_for_size (window, 360);
  /* Long enough for the shutter's fade-in from insensitive to end. */
  xuncha_ui_test_wait_for_frames (window, 30);
  g_free (xuncha_ui_test_screenshot (window, "camera"));

  /* A shutter a thumb finds, that takes a full-quality photo. */
  shutter = xuncha_camera_view_get_shutter_button (view);
  g_assert_true (gtk_widget_get_sensitive (shutter));
  assert_target_size (shutter, 56, 56);
  g_signal_emit_by_name (shutter, "clicked");
  g_assert_false (gtk_widget_get_sensitive (shutter));
  g_assert_true (wait_until (bytes_set, &jpeg, 20));
  assert_jpeg (jpeg, XUNCHA_GST_CAMERA_TEST_WIDTH, XUNCHA_GST_CAMERA_TEST_HEIGHT);
  g_assert_true (gtk_widget_get_sensitive (shutter));

  /* "Choose from Files" gives the chosen files. */
  dir = xuncha_test_make_tmpdir ();
  path = g_build_filename (dir, "earlier.jpg", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (jpeg, NULL),
                                      g_bytes_get_size (jpeg), &error));
  g_assert_no_error (error);
  files_button = xuncha_camera_view_get_files_button (view);
  assert_target_size (files_button, 44, 44);
  g_signal_emit_by_name (files_button, "clicked");
  choose_file (view, path);
  g_assert_true (wait_until (model_set, &files, 5));
  g_assert_cmpuint (g_list_model_get_n_items (files), ==, 1);
  chosen = g_list_model_get_item (files, 0);
  g_assert_cmpstr (g_file_peek_path (chosen), ==, path);
  g_assert_null (xuncha_camera_view_get_file_chooser (view));

  /* Hiding the view releases the camera. */
  gtk_widget_set_visible (GTK_WIDGET (view), FALSE);
  g_assert_cmpint (xuncha_camera_get_state (XUNCHA_CAMERA (camera)), ==,
                   XUNCHA_CAMERA_STATE_STOPPED);

  gtk_window_destroy (GTK_WINDOW (window));
  xuncha_test_remove_tree (dir);
}

static void
test_view_no_camera (void)
{
  g_autoptr(XunchaGstCamera) camera = NULL;
  GtkWidget *window;
  XunchaCameraView *view;
  GtkWidget *files_button;

  if (!xuncha_ui_test_have_display ())
    return;

  /* The real search when this machine has no camera; otherwise a node that is not
   * there, which ends in the same state. */
  camera = have_video_device () ? xuncha_gst_camera_new_for_device ("/nonexistent/video7")
                                : xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_V4L2);
  window = gtk_window_new ();
  view = xuncha_camera_view_new (XUNCHA_CAMERA (camera));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_NO_CAMERA, 2));
  xuncha_ui_test_wait_for_size (window, 360);
  xuncha_ui_test_wait_for_frames (window, 30);
  g_free (xuncha_ui_test_screenshot (window, "camera-none"));

  /* The status page offers the file chooser instead, as a large target. */
  files_button = xuncha_camera_view_get_files_button (view);
  g_assert_true (gtk_widget_is_drawable (files_button));
  assert_target_size (files_button, 44, 44);
  g_assert_false (gtk_widget_is_drawable (xuncha_camera_view_get_shutter_button (view)));
  /* Nothing to retry when there is no camera. */
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (view), "Try Again")));
  g_signal_emit_by_name (files_button, "clicked");
  g_assert_nonnull (xuncha_camera_view_get_file_chooser (view));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_view_error (void)
{
  g_autoptr(XunchaGstCamera) camera = xuncha_gst_camera_new_for_device ("/dev/null");
  GtkWidget *window;
  XunchaCameraView *view;
  GtkWidget *retry;

  if (!xuncha_ui_test_have_display ())
    return;

  window = gtk_window_new ();
  view = xuncha_camera_view_new (XUNCHA_CAMERA (camera));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_ERROR, 2));
  xuncha_ui_test_wait_for_frames (window, 2);

  /* A failed camera may work on a second try: the page offers one. */
  retry = find_button (GTK_WIDGET (view), "Try Again");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_is_drawable (retry));
  assert_target_size (retry, 44, 44);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_cmpint (xuncha_camera_get_state (XUNCHA_CAMERA (camera)), ==,
                   XUNCHA_CAMERA_STATE_STARTING);
  g_assert_true (wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_ERROR, 2));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/camera/test-source", test_test_source);
  g_test_add_func ("/ui/camera/sensor-rotation", test_sensor_rotation);
  g_test_add_func ("/ui/camera/libcamera-without-camera", test_libcamera_without_camera);
  g_test_add_func ("/ui/camera/capture-stopped", test_capture_stopped);
  g_test_add_func ("/ui/camera/no-device", test_no_device);
  g_test_add_func ("/ui/camera/missing-device-node", test_missing_device_node);
  g_test_add_func ("/ui/camera/not-a-camera", test_not_a_camera);
  g_test_add_func ("/ui/camera/view", test_view);
  g_test_add_func ("/ui/camera/view-no-camera", test_view_no_camera);
  g_test_add_func ("/ui/camera/view-error", test_view_error);

  return g_test_run ();
}
