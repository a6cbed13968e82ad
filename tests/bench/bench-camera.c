/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The camera with its test source (1280×960 at 15 fps):
 *   camera-first-frame  start() to the first preview texture on the main context, against
 *                       a bare GStreamer pipeline (the same source into a fakesink) to its
 *                       first buffer;
 *   camera-capture      capture_async() to the JPEG, against gdk-pixbuf encoding one frame
 *                       of the same size at the same quality; a capture takes the next
 *                       frame, so up to one frame time (67 ms) of the gap is waiting;
 *   camera-preview-fps  preview frames shown per second, against the source's 15. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>

#include "bench-util.h"
#include "xuncha-gst-camera.h"

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for_state (XunchaCamera      *camera,
                XunchaCameraState  state)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (5, on_tick, NULL);

  while (xuncha_camera_get_state (camera) != state && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_cmpint (xuncha_camera_get_state (camera), ==, state);
}

static double
camera_first_frame (void)
{
  g_autoptr(XunchaGstCamera) camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
  gint64 start = g_get_monotonic_time ();
  double ms;

  xuncha_camera_start (XUNCHA_CAMERA (camera));
  wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_READY);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  xuncha_camera_stop (XUNCHA_CAMERA (camera));
  return ms;
}

static double
bare_first_buffer (void)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree char *description = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;

  description = g_strdup_printf ("videotestsrc is-live=true pattern=smpte "
                                 "! video/x-raw,width=%d,height=%d,framerate=15/1 "
                                 "! clockoverlay ! fakesink name=sink sync=false",
                                 XUNCHA_GST_CAMERA_TEST_WIDTH, XUNCHA_GST_CAMERA_TEST_HEIGHT);
  pipeline = gst_parse_launch (description, NULL);
  g_assert_nonnull (pipeline);
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* A live pipeline reaches PLAYING once its sink has a buffer. */
  message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
                                        GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_ASYNC_DONE);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ms;
}

typedef struct
{
  GBytes  *jpeg;
  gboolean done;
} Capture;

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Capture *capture = user_data;
  g_autoptr(GError) error = NULL;

  capture->jpeg = xuncha_camera_capture_finish (XUNCHA_CAMERA (object), result, &error);
  g_assert_no_error (error);
  capture->done = TRUE;
}

static double
camera_capture (XunchaCamera  *camera,
                GBytes       **jpeg)
{
  Capture capture = { NULL, FALSE };
  gint64 start = g_get_monotonic_time ();
  double ms;

  xuncha_camera_capture_async (camera, NULL, on_captured, &capture);
  while (!capture.done)
    g_main_context_iteration (NULL, TRUE);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_clear_pointer (jpeg, g_bytes_unref);
  *jpeg = capture.jpeg;
  return ms;
}

static double
pixbuf_encode (GdkPixbuf *frame)
{
  g_autofree char *buffer = NULL;
  gsize size;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (gdk_pixbuf_save_to_buffer (frame, &buffer, &size, "jpeg", NULL,
                                            "quality", "90", NULL));
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
on_invalidate (GdkPaintable *paintable,
               guint        *frames)
{
  (*frames)++;
}

int
main (void)
{
  guint rounds = (guint)(7 * bench_scale ());
  g_autoptr(GArray) camera_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) capture_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) encode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(XunchaGstCamera) camera = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  GdkPixbuf *frame;
  GdkPaintable *paintable;
  guint frames = 0;
  gint64 start;
  double seconds, fps;

  gst_init (NULL, NULL);

  /* Warm both once: plugin loading is not what is measured. */
  camera_first_frame ();
  bare_first_buffer ();
  for (guint i = 0; i < rounds; i++)
    {
      double a = camera_first_frame (), b = bare_first_buffer ();
      g_array_append_val (camera_ms, a);
      g_array_append_val (bare_ms, b);
    }
  bench_print ("camera-first-frame", bench_median (camera_ms), "ms", "gst-first-buffer",
               bench_median (camera_ms) / bench_median (bare_ms));

  camera = xuncha_gst_camera_new (XUNCHA_CAMERA_SOURCE_TEST);
  xuncha_camera_start (XUNCHA_CAMERA (camera));
  wait_for_state (XUNCHA_CAMERA (camera), XUNCHA_CAMERA_STATE_READY);
  camera_capture (XUNCHA_CAMERA (camera), &jpeg);
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, jpeg, NULL));
  g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
  frame = gdk_pixbuf_loader_get_pixbuf (loader);
  pixbuf_encode (frame);
  for (guint i = 0; i < rounds; i++)
    {
      double a = camera_capture (XUNCHA_CAMERA (camera), &jpeg), b = pixbuf_encode (frame);
      g_array_append_val (capture_ms, a);
      g_array_append_val (encode_ms, b);
    }
  bench_print ("camera-capture", bench_median (capture_ms), "ms", "pixbuf-jpeg-encode",
               bench_median (capture_ms) / bench_median (encode_ms));

  paintable = xuncha_camera_get_paintable (XUNCHA_CAMERA (camera));
  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (on_invalidate), &frames);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 3 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  fps = frames / seconds;
  bench_print ("camera-preview-fps", fps, "fps", "source-fps", fps / 15.0);
  g_signal_handlers_disconnect_by_data (paintable, &frames);
  xuncha_camera_stop (XUNCHA_CAMERA (camera));
  return 0;
}
