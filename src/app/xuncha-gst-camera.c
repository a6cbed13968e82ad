/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "xuncha-background.h"
#include "xuncha-camera-paintable.h"
#include "xuncha-camera-portal.h"
#include "xuncha-gst-camera.h"

/* Preview frames are scaled to this width: sharp on a 360-point phone screen at scale 2,
 * and cheap to convert and upload fifteen times a second. */
#define PREVIEW_WIDTH 720
#define JPEG_QUALITY 90
/* Never a hang: a device that opens but sends nothing is an error after this long. */
#define FIRST_FRAME_TIMEOUT_S 10
#define CAPTURE_TIMEOUT_S 5

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_DEVICE,
  PROP_STATE,
  PROP_REASON,
  PROP_PAINTABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A preview frame or a JPEG, copied out of GStreamer's buffer on a streaming thread and
 * handed to the main context; @generation tells frames of an old pipeline apart. */
typedef struct
{
  GBytes *bytes;
  int     width;
  int     height;
  gsize   stride;
  guint   generation;
} Frame;

/* What the worker thread opened. */
typedef struct
{
  GstElement *pipeline;
  int         pipewire_fd;
} Opened;

struct _XunchaGstCamera
{
  GObject                parent_instance;

  XunchaCameraSource     source;
  char                  *device;

  XunchaCameraState      state;
  char                  *reason;
  XunchaCameraPaintable *paintable;

  GMainContext          *context;         /* of start(): frames, bus and captures land here */
  GCancellable          *cancellable;     /* of the running start */
  guint                  generation;      /* bumped by each start and stop */
  GstElement            *pipeline;
  int                    pipewire_fd;
  GSource               *bus_watch;
  GSource               *start_timeout;
  gint64                 start_time;

  GMutex                 lock;            /* guards pending_frame and frame_scheduled */
  Frame                 *pending_frame;   /* the newest preview frame not yet shown */
  gboolean               frame_scheduled;

  int                    captures_wanted; /* atomic: frames the capture branch lets through */
  GQueue                 captures;        /* GTask, oldest first */
  GSource               *capture_timeout;
};

static void xuncha_gst_camera_iface_init (XunchaCameraInterface *iface);

G_DEFINE_ENUM_TYPE (XunchaCameraSource, xuncha_camera_source,
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_SOURCE_AUTO, "auto"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_SOURCE_V4L2, "v4l2"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_SOURCE_PORTAL, "portal"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_SOURCE_TEST, "test"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_SOURCE_LIBCAMERA, "libcamera"))

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaGstCamera, xuncha_gst_camera, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_CAMERA,
                                                      xuncha_gst_camera_iface_init))

static void
frame_free (Frame *frame)
{
  g_clear_pointer (&frame->bytes, g_bytes_unref);
  g_free (frame);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Frame, frame_free)

static void
opened_free (Opened *opened)
{
  if (opened->pipeline != NULL)
    {
      gst_element_set_state (opened->pipeline, GST_STATE_NULL);
      gst_object_unref (opened->pipeline);
    }
  /* pipewiresrc works on its own duplicate of the descriptor. */
  if (opened->pipewire_fd >= 0)
    close (opened->pipewire_fd);
  g_free (opened);
}

/* --- State ------------------------------------------------------------------------ */

static void
set_state (XunchaGstCamera   *self,
           XunchaCameraState  state,
           const char        *reason)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->reason, reason) != 0)
    {
      g_free (self->reason);
      self->reason = g_strdup (reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
fail_captures (XunchaGstCamera *self,
               const char      *message)
{
  GTask *task;

  g_atomic_int_set (&self->captures_wanted, 0);
  clear_source (&self->capture_timeout);
  while ((task = g_queue_pop_head (&self->captures)) != NULL)
    {
      g_task_return_new_error (task, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_STOPPED,
                               "%s", message);
      g_object_unref (task);
    }
}

/* Releases the device. Late frames of the old pipeline are dropped by their generation. */
static void
teardown (XunchaGstCamera *self)
{
  g_autoptr(Frame) pending = NULL;

  self->generation++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_source (&self->bus_watch);
  clear_source (&self->start_timeout);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_pointer (&self->pipeline, gst_object_unref);
    }
  if (self->pipewire_fd >= 0)
    {
      close (self->pipewire_fd);
      self->pipewire_fd = -1;
    }
  g_mutex_lock (&self->lock);
  pending = g_steal_pointer (&self->pending_frame);
  g_mutex_unlock (&self->lock);
  xuncha_camera_paintable_set_texture (self->paintable, NULL);
}

static void
fail (XunchaGstCamera   *self,
      XunchaCameraState  state,
      const char        *reason)
{
  /* Having no camera is normal on many devices; a camera that fails is worth a line. */
  if (state == XUNCHA_CAMERA_STATE_NO_CAMERA)
    g_debug ("no camera: %s", reason);
  else
    g_message ("camera failed: %s", reason);
  teardown (self);
  fail_captures (self, reason);
  set_state (self, state, reason);
}

/* Turns an error of the device search, the portal or GStreamer into the state and the
 * words a user reads. */
static void
fail_with_error (XunchaGstCamera *self,
                 const GError    *error)
{
  g_autofree char *reason = NULL;

  if (error->domain == XUNCHA_CAMERA_ERROR)
    {
      gboolean none = error->code == XUNCHA_CAMERA_ERROR_NO_CAMERA
                      || error->code == XUNCHA_CAMERA_ERROR_DENIED;

      fail (self, none ? XUNCHA_CAMERA_STATE_NO_CAMERA : XUNCHA_CAMERA_STATE_ERROR,
            error->message);
      return;
    }
  if (error->domain == GST_RESOURCE_ERROR && error->code == GST_RESOURCE_ERROR_BUSY)
    {
      fail (self, XUNCHA_CAMERA_STATE_ERROR,
            _("The camera is in use by another app. Close that app and try again."));
      return;
    }
  /* A device node that is gone or cannot be opened is, to the user, no camera. */
  if (self->state == XUNCHA_CAMERA_STATE_STARTING && error->domain == GST_RESOURCE_ERROR
      && error->code == GST_RESOURCE_ERROR_NOT_FOUND)
    {
      fail (self, XUNCHA_CAMERA_STATE_NO_CAMERA, _("No camera was found on this device."));
      return;
    }
  if (self->state == XUNCHA_CAMERA_STATE_STARTING && error->domain == GST_RESOURCE_ERROR
      && (error->code == GST_RESOURCE_ERROR_OPEN_READ
          || error->code == GST_RESOURCE_ERROR_OPEN_READ_WRITE))
    {
      reason = g_strdup_printf (_("The camera could not be opened: %s"), error->message);
      fail (self, XUNCHA_CAMERA_STATE_NO_CAMERA, reason);
      return;
    }
  reason = g_strdup_printf (_("The camera stopped working: %s"), error->message);
  fail (self, XUNCHA_CAMERA_STATE_ERROR, reason);
}

/* --- Streaming threads ------------------------------------------------------------ */

static guint
sink_generation (GstAppSink *sink)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (sink), "xuncha-generation"));
}

static gboolean
deliver_frame (gpointer user_data)
{
  XunchaGstCamera *self = user_data;
  g_autoptr(Frame) frame = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_mutex_lock (&self->lock);
  frame = g_steal_pointer (&self->pending_frame);
  self->frame_scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  /* Frames may come before on_opened(): the worker started the pipeline. */
  if (frame == NULL || frame->generation != self->generation)
    return G_SOURCE_REMOVE;

  texture = gdk_memory_texture_new (frame->width, frame->height, GDK_MEMORY_R8G8B8A8,
                                    frame->bytes, frame->stride);
  xuncha_camera_paintable_set_texture (self->paintable, texture);
  if (self->state == XUNCHA_CAMERA_STATE_STARTING)
    {
      g_debug ("first frame %d×%d after %.0f ms", frame->width, frame->height,
               (g_get_monotonic_time () - self->start_time) / 1000.0);
      clear_source (&self->start_timeout);
      set_state (self, XUNCHA_CAMERA_STATE_READY, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* Copies the RGBA frame (the texture outlives GStreamer's buffer pool) and keeps only
 * the newest one: a busy main loop skips frames instead of queueing them. */
static GstFlowReturn
on_preview_sample (GstAppSink *sink,
                   gpointer    user_data)
{
  XunchaGstCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(Frame) frame = NULL;
  GstVideoInfo info;
  GstVideoFrame video;
  gboolean schedule;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&video, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return GST_FLOW_OK;

  frame = g_new0 (Frame, 1);
  frame->width = GST_VIDEO_FRAME_WIDTH (&video);
  frame->height = GST_VIDEO_FRAME_HEIGHT (&video);
  frame->stride = GST_VIDEO_FRAME_PLANE_STRIDE (&video, 0);
  frame->bytes = g_bytes_new (GST_VIDEO_FRAME_PLANE_DATA (&video, 0),
                              frame->stride * frame->height);
  frame->generation = sink_generation (sink);
  gst_video_frame_unmap (&video);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending_frame, frame_free);
  self->pending_frame = g_steal_pointer (&frame);
  schedule = !self->frame_scheduled;
  self->frame_scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  if (schedule)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, deliver_frame,
                                g_object_ref (self), g_object_unref);
  return GST_FLOW_OK;
}

typedef struct
{
  XunchaGstCamera *self;
  Frame           *still;
} Still;

static void
still_free (Still *still)
{
  g_object_unref (still->self);
  frame_free (still->still);
  g_free (still);
}

static gboolean
on_capture_timeout (gpointer user_data)
{
  XunchaGstCamera *self = user_data;

  g_clear_pointer (&self->capture_timeout, g_source_unref);
  fail_captures (self, _("The camera did not deliver the photo in time. Try again."));
  return G_SOURCE_REMOVE;
}

static void
restart_capture_timeout (XunchaGstCamera *self)
{
  clear_source (&self->capture_timeout);
  if (g_queue_is_empty (&self->captures))
    return;
  self->capture_timeout = g_timeout_source_new_seconds (CAPTURE_TIMEOUT_S);
  g_source_set_callback (self->capture_timeout, on_capture_timeout, self, NULL);
  g_source_attach (self->capture_timeout, self->context);
}

static gboolean
deliver_still (gpointer user_data)
{
  Still *still = user_data;
  XunchaGstCamera *self = still->self;
  GTask *task;

  if (still->still->generation != self->generation)
    return G_SOURCE_REMOVE;
  /* None waiting: the capture it was for timed out. */
  if ((task = g_queue_pop_head (&self->captures)) == NULL)
    return G_SOURCE_REMOVE;
  g_debug ("photo %d×%d, %" G_GSIZE_FORMAT " bytes", still->still->width, still->still->height,
           g_bytes_get_size (still->still->bytes));
  g_task_return_pointer (task, g_bytes_ref (still->still->bytes),
                         (GDestroyNotify)g_bytes_unref);
  g_object_unref (task);
  restart_capture_timeout (self);
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
on_still_sample (GstAppSink *sink,
                 gpointer    user_data)
{
  XunchaGstCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstStructure *structure;
  GstMapInfo map;
  Still *still;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (!gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ))
    return GST_FLOW_OK;

  still = g_new0 (Still, 1);
  still->self = g_object_ref (self);
  still->still = g_new0 (Frame, 1);
  still->still->bytes = g_bytes_new (map.data, map.size);
  still->still->generation = sink_generation (sink);
  structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  gst_structure_get_int (structure, "width", &still->still->width);
  gst_structure_get_int (structure, "height", &still->still->height);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, deliver_still, still,
                              (GDestroyNotify)still_free);
  return GST_FLOW_OK;
}

/* The capture branch lets exactly one frame through per waiting capture, so jpegenc
 * runs only when a photo is taken. */
static GstPadProbeReturn
on_capture_probe (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  XunchaGstCamera *self = user_data;
  int wanted;

  do
    {
      wanted = g_atomic_int_get (&self->captures_wanted);
      if (wanted <= 0)
        return GST_PAD_PROBE_DROP;
    }
  while (!g_atomic_int_compare_and_exchange (&self->captures_wanted, wanted, wanted - 1));
  return GST_PAD_PROBE_OK;
}

/* --- Opening, on a worker thread --------------------------------------------------- */

/* A new element, owned (not floating), or NULL when its plugin is not installed. */
static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_MISSING_ELEMENT,
                   _("Camera support is not fully installed: the GStreamer element “%s” is "
                     "missing."), factory);
      return NULL;
    }
  return gst_object_ref_sink (element);
}

/* Makes an element inside @bin, which owns it. */
static GstElement *
add_element (GstBin      *bin,
             const char  *factory,
             GError     **error)
{
  g_autoptr(GstElement) element = make_element (factory, error);

  if (element == NULL)
    return NULL;
  gst_bin_add (bin, element);
  return element;
}

/* The test camera showing a still picture, @path (PNG), at the test size: what tests
 * hold in front of the camera (an enrollment card's QR code). Scaled within the frame,
 * its aspect kept. */
static GstElement *
make_image_source (const char  *path,
                   GError     **error)
{
  g_autoptr(GstElement) bin = gst_object_ref_sink (gst_bin_new ("test-image-source"));
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *src, *decode, *convert, *freeze, *scale, *filter;

  if ((src = add_element (GST_BIN (bin), "filesrc", error)) == NULL
      || (decode = add_element (GST_BIN (bin), "pngdec", error)) == NULL
      || (convert = add_element (GST_BIN (bin), "videoconvert", error)) == NULL
      || (freeze = add_element (GST_BIN (bin), "imagefreeze", error)) == NULL
      || (scale = add_element (GST_BIN (bin), "videoscale", error)) == NULL
      || (filter = add_element (GST_BIN (bin), "capsfilter", error)) == NULL)
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, XUNCHA_GST_CAMERA_TEST_WIDTH,
                              "height", G_TYPE_INT, XUNCHA_GST_CAMERA_TEST_HEIGHT,
                              "framerate", GST_TYPE_FRACTION, 15, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (src, "location", path, NULL);
  g_object_set (freeze, "is-live", TRUE, NULL);
  g_object_set (scale, "add-borders", TRUE, NULL);
  g_object_set (filter, "caps", caps, NULL);
  if (!gst_element_link_many (src, decode, convert, freeze, scale, filter, NULL))
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_FAILED,
                           _("The test camera could not be set up."));
      return NULL;
    }
  pad = gst_element_get_static_pad (filter, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", pad));
  return g_steal_pointer (&bin);
}

/* A colour pattern with the wall clock over it: a moving picture anyone recognises as
 * a test, at a photo-like size; or, with XUNCHA_TEST_CAMERA_IMAGE, that picture. */
static GstElement *
make_test_source (GError **error)
{
  g_autoptr(GstElement) bin = gst_object_ref_sink (gst_bin_new ("test-source"));
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *src, *filter, *clock;
  const char *image = g_getenv ("XUNCHA_TEST_CAMERA_IMAGE");

  if (image != NULL && *image != '\0')
    return make_image_source (image, error);
  if ((src = add_element (GST_BIN (bin), "videotestsrc", error)) == NULL
      || (filter = add_element (GST_BIN (bin), "capsfilter", error)) == NULL
      || (clock = add_element (GST_BIN (bin), "clockoverlay", error)) == NULL)
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, XUNCHA_GST_CAMERA_TEST_WIDTH,
                              "height", G_TYPE_INT, XUNCHA_GST_CAMERA_TEST_HEIGHT,
                              "framerate", GST_TYPE_FRACTION, 15, 1,
                              NULL);
  g_object_set (src, "is-live", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "pattern", "smpte");
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (clock,
                "text", _("Test camera"),
                "time-format", "%H:%M:%S",
                "font-desc", "Sans Bold 48",
                "shaded-background", TRUE,
                NULL);
  gst_util_set_object_arg (G_OBJECT (clock), "halignment", "center");
  gst_util_set_object_arg (G_OBJECT (clock), "valignment", "center");
  if (!gst_element_link_many (src, filter, clock, NULL))
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_FAILED,
                           _("The test camera could not be set up."));
      return NULL;
    }
  pad = gst_element_get_static_pad (clock, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", pad));
  return g_steal_pointer (&bin);
}

/* The first device the V4L2 provider lists as a video source: it skips the codec and
 * image-processing nodes that phones also expose as /dev/video*. */
static GstElement *
make_v4l2_source (const char  *device,
                  GError     **error)
{
  g_autoptr(GstDeviceProvider) provider = NULL;
  GstElement *element = NULL;
  GList *devices;

  if (device != NULL)
    {
      element = make_element ("v4l2src", error);
      if (element != NULL)
        g_object_set (element, "device", device, NULL);
      return element;
    }

  /* The provider comes with v4l2src, in the same plugin. */
  provider = gst_device_provider_factory_get_by_name ("v4l2deviceprovider");
  if (provider == NULL)
    return make_element ("v4l2src", error);
  devices = gst_device_provider_get_devices (provider);
  for (GList *l = devices; l != NULL && element == NULL; l = l->next)
    if (gst_device_has_classes (l->data, "Video/Source"))
      element = gst_device_create_element (l->data, NULL);
  g_list_free_full (devices, gst_object_unref);
  if (element == NULL)
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA,
                           _("No camera was found on this device."));
      return NULL;
    }
  return gst_object_ref_sink (element);
}

/* The first camera libcamera's device provider lists, or NULL (without an error) when
 * libcamera's GStreamer support is not installed or sees no camera: phones whose sensors
 * need an image pipeline (PinePhone Pro, Librem 5) are served by libcamera, a plain
 * webcam by V4L2 as well. */
static GstElement *
make_libcamera_source (GError **error)
{
  g_autoptr(GstDeviceProvider) provider =
    gst_device_provider_factory_get_by_name ("libcameraprovider");
  GstElement *element = NULL;
  GList *devices;

  if (provider == NULL)
    return NULL;
  devices = gst_device_provider_get_devices (provider);
  for (GList *l = devices; l != NULL && element == NULL; l = l->next)
    if (gst_device_has_classes (l->data, "Video/Source"))
      element = gst_device_create_element (l->data, NULL);
  g_list_free_full (devices, gst_object_unref);
  return element != NULL ? gst_object_ref_sink (element) : NULL;
}

/* How many degrees, counter-clockwise, the pictures of the V4L2 device behind @source
 * must be turned to stand upright: phone sensors are often mounted turned, and the
 * kernel says so (V4L2_CID_CAMERA_SENSOR_ROTATION). 0 when it does not. */
static int
v4l2_sensor_rotation (GstElement *source)
{
  g_autofree char *device = NULL;
  struct v4l2_control control = { .id = V4L2_CID_CAMERA_SENSOR_ROTATION };
  int fd;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "device") == NULL)
    return 0;
  g_object_get (source, "device", &device, NULL);
  if (device == NULL || (fd = open (device, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
    return 0;
  if (ioctl (fd, VIDIOC_G_CTRL, &control) < 0)
    control.value = 0;
  close (fd);
  return control.value;
}

/* videoflip's direction for a counter-clockwise correction of @degrees; without a
 * known rotation, "auto" follows the image-orientation tag a source may send. */
static const char *
video_direction_for (int degrees)
{
  switch (((degrees % 360) + 360) % 360)
    {
    case 90:
      return "90l";
    case 180:
      return "180";
    case 270:
      return "90r";
    default:
      return "auto";
    }
}

/* pipewiresrc without a path takes the default video source of the remote, and the
 * portal's remote shows only cameras. */
static GstElement *
make_portal_source (int      fd,
                    GError **error)
{
  GstElement *element = make_element ("pipewiresrc", error);

  if (element != NULL)
    g_object_set (element, "fd", fd, NULL);
  return element;
}

static GstElement *
make_appsink (GstBin     *bin,
              guint       generation,
              gboolean    preview,
              gpointer    self,
              GError    **error)
{
  GstAppSinkCallbacks callbacks = { NULL, };
  GstElement *sink = add_element (bin, "appsink", error);

  if (sink == NULL)
    return NULL;
  callbacks.new_sample = preview ? on_preview_sample : on_still_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  g_object_set (sink,
                "sync", FALSE,
                "async", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", preview ? 1 : 0,
                "drop", preview,
                NULL);
  g_object_set_data (G_OBJECT (sink), "xuncha-generation", GUINT_TO_POINTER (generation));
  return sink;
}

/*   source ! videoflip ! tee ! queue (leaky, 1) ! videoscale ! videoconvert ! RGBA ! appsink
 *                          tee ! [one frame per capture] queue ! videoconvert ! jpegenc ! appsink
 * videoflip turns the pictures of a sensor mounted turned (@rotation degrees, counter-
 * clockwise), so the preview and the photo stand upright; it passes frames through
 * untouched otherwise. */
static GstElement *
build_pipeline (XunchaGstCamera  *self,
                GstElement       *source,
                int               rotation,
                guint             generation,
                GError          **error)
{
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("xuncha-camera"));
  GstBin *bin = GST_BIN (pipeline);
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *flip, *tee, *pqueue, *pscale, *pconvert, *pfilter, *psink;
  GstElement *cqueue, *cconvert, *jpeg, *csink;

  gst_bin_add (bin, source);
  if ((flip = add_element (bin, "videoflip", error)) == NULL
      || (tee = add_element (bin, "tee", error)) == NULL
      || (pqueue = add_element (bin, "queue", error)) == NULL
      || (pscale = add_element (bin, "videoscale", error)) == NULL
      || (pconvert = add_element (bin, "videoconvert", error)) == NULL
      || (pfilter = add_element (bin, "capsfilter", error)) == NULL
      || (psink = make_appsink (bin, generation, TRUE, self, error)) == NULL
      || (cqueue = add_element (bin, "queue", error)) == NULL
      || (cconvert = add_element (bin, "videoconvert", error)) == NULL
      || (jpeg = add_element (bin, "jpegenc", error)) == NULL
      || (csink = make_appsink (bin, generation, FALSE, self, error)) == NULL)
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGBA",
                              "width", G_TYPE_INT, PREVIEW_WIDTH,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (pfilter, "caps", caps, NULL);
  /* The preview never holds up the capture branch: an old frame is dropped. */
  g_object_set (pqueue, "max-size-buffers", 1, "max-size-bytes", 0,
                "max-size-time", (guint64)0, NULL);
  gst_util_set_object_arg (G_OBJECT (pqueue), "leaky", "downstream");
  g_object_set (jpeg, "quality", JPEG_QUALITY, NULL);
  gst_util_set_object_arg (G_OBJECT (flip), "video-direction", video_direction_for (rotation));
  pad = gst_element_get_static_pad (cqueue, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_capture_probe, self, NULL);

  if (!gst_element_link_many (source, flip, tee, NULL)
      || !gst_element_link_many (tee, pqueue, pscale, pconvert, pfilter, psink, NULL)
      || !gst_element_link_many (tee, cqueue, cconvert, jpeg, csink, NULL))
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_FAILED,
                           _("The camera pipeline could not be set up."));
      return NULL;
    }
  return g_steal_pointer (&pipeline);
}

/* A state change that failed has posted its reason on the bus. */
static void
take_bus_error (GstElement  *pipeline,
                GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autofree char *debug = NULL;

  if (message != NULL)
    {
      gst_message_parse_error (message, error, &debug);
      g_debug ("%s", debug);
    }
  else
    g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_FAILED,
                         _("The camera could not be started."));
}

/* What a start knows before its thread runs. */
typedef struct
{
  guint generation;
  int   portal_fd;     /* the camera portal's PipeWire remote, or -1 */
} Start;

static void
start_free (gpointer data)
{
  Start *start = data;

  if (start->portal_fd >= 0)
    close (start->portal_fd);
  g_free (start);
}

static gboolean
uses_portal (XunchaGstCamera *self)
{
  return self->source == XUNCHA_CAMERA_SOURCE_PORTAL
         || (self->source == XUNCHA_CAMERA_SOURCE_AUTO && xuncha_camera_portal_is_sandboxed ());
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  XunchaGstCamera *self = source_object;
  Start *start = task_data;
  guint generation = start->generation;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GError) error = NULL;
  XunchaCameraSource kind = self->source;
  Opened *opened = g_new0 (Opened, 1);
  int rotation = 0;

  opened->pipewire_fd = -1;
  if (uses_portal (self))
    kind = XUNCHA_CAMERA_SOURCE_PORTAL;
  else if (kind == XUNCHA_CAMERA_SOURCE_AUTO && self->device == NULL
           && (source = make_libcamera_source (&error)) != NULL)
    kind = XUNCHA_CAMERA_SOURCE_LIBCAMERA;
  switch (kind)
    {
    case XUNCHA_CAMERA_SOURCE_TEST:
      source = make_test_source (&error);
      /* The test camera can play a sensor mounted turned (tests of the correction). */
      if (g_getenv ("XUNCHA_TEST_CAMERA_ROTATION") != NULL)
        rotation = atoi (g_getenv ("XUNCHA_TEST_CAMERA_ROTATION"));
      break;
    case XUNCHA_CAMERA_SOURCE_LIBCAMERA:
      if (source == NULL)
        source = make_libcamera_source (&error);
      if (source == NULL)
        {
          g_autoptr(GstElementFactory) factory = gst_element_factory_find ("libcamerasrc");

          /* Asked for by name: say whether libcamera's GStreamer support is missing or
           * sees no camera. */
          if (factory == NULL)
            source = make_element ("libcamerasrc", &error);
          else
            g_set_error_literal (&error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA,
                                 _("No camera was found on this device."));
        }
      break;
    case XUNCHA_CAMERA_SOURCE_PORTAL:
      /* The portal answered before this thread ran (see on_portal_opened()). */
      opened->pipewire_fd = start->portal_fd;
      start->portal_fd = -1;
      source = make_portal_source (opened->pipewire_fd, &error);
      break;
    case XUNCHA_CAMERA_SOURCE_V4L2:
    case XUNCHA_CAMERA_SOURCE_AUTO:
    default:
      source = make_v4l2_source (self->device, &error);
      if (source != NULL)
        rotation = v4l2_sensor_rotation (source);
      break;
    }
  if (source != NULL)
    opened->pipeline = build_pipeline (self, source, rotation, generation, &error);
  if (opened->pipeline != NULL
      && gst_element_set_state (opened->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    take_bus_error (opened->pipeline, &error);

  if (error != NULL)
    {
      opened_free (opened);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, opened, (GDestroyNotify)opened_free);
}

/* --- Main context ----------------------------------------------------------------- */

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  XunchaGstCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("%s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), debug);
        fail_with_error (self, error);
        return G_SOURCE_REMOVE;
      }
    case GST_MESSAGE_EOS:
      fail (self, XUNCHA_CAMERA_STATE_ERROR, _("The camera stopped sending pictures."));
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
    }
}

static gboolean
on_start_timeout (gpointer user_data)
{
  XunchaGstCamera *self = user_data;
  g_autofree char *reason = NULL;

  g_clear_pointer (&self->start_timeout, g_source_unref);
  reason = g_strdup_printf (_("The camera sent no picture within %d seconds."),
                            FIRST_FRAME_TIMEOUT_S);
  fail (self, XUNCHA_CAMERA_STATE_ERROR, reason);
  return G_SOURCE_REMOVE;
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  Opened *opened;

  opened = g_task_propagate_pointer (G_TASK (result), &error);
  if (opened == NULL)
    {
      /* Cancelled by stop(), which has set the state already. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_with_error (self, error);
      return;
    }

  self->pipeline = g_steal_pointer (&opened->pipeline);
  self->pipewire_fd = opened->pipewire_fd;
  opened->pipewire_fd = -1;
  opened_free (opened);

  /* Messages posted while the worker started the pipeline wait on the bus. */
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_watch, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_attach (self->bus_watch, self->context);

  /* Counted from here, not from start(): the portal may be showing a dialog until now. */
  if (self->state == XUNCHA_CAMERA_STATE_STARTING)
    {
      self->start_timeout = g_timeout_source_new_seconds (FIRST_FRAME_TIMEOUT_S);
      g_source_set_callback (self->start_timeout, on_start_timeout, self, NULL);
      g_source_attach (self->start_timeout, self->context);
    }
}

static void
on_portal_opened (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Start *start = g_task_get_task_data (task);
  GError *error = NULL;

  start->portal_fd = xuncha_camera_portal_open_finish (result, &error);
  if (start->portal_fd < 0)
    g_task_return_error (task, error);
  else
    xuncha_background_run_in_thread (task, open_thread);
}

/* --- XunchaCamera ----------------------------------------------------------------- */

static void
xuncha_gst_camera_start (XunchaCamera *camera)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (camera);
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Start *start;

  if (self->state == XUNCHA_CAMERA_STATE_STARTING || self->state == XUNCHA_CAMERA_STATE_READY)
    return;

  teardown (self);
  if (!gst_init_check (NULL, NULL, &error))
    {
      g_autofree char *reason = g_strdup_printf (_("The camera could not be started: %s"),
                                                 error->message);
      fail (self, XUNCHA_CAMERA_STATE_ERROR, reason);
      return;
    }

  /* Streaming threads of a cancelled start may still read the context until their
   * pipeline is freed: replace it only when start() runs on another one. */
  context = g_main_context_ref_thread_default ();
  if (self->context != context)
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      self->context = g_steal_pointer (&context);
    }
  self->cancellable = g_cancellable_new ();
  self->start_time = g_get_monotonic_time ();
  set_state (self, XUNCHA_CAMERA_STATE_STARTING, NULL);

  start = g_new0 (Start, 1);
  start->generation = self->generation;
  start->portal_fd = -1;
  task = g_task_new (self, self->cancellable, on_opened, NULL);
  g_task_set_source_tag (task, xuncha_gst_camera_start);
  g_task_set_task_data (task, start, start_free);
  /* The portal may show a permission dialog: it is asked on this context, and no thread
   * waits for the user. */
  if (uses_portal (self))
    xuncha_camera_portal_open_async (self->cancellable, on_portal_opened,
                                     g_steal_pointer (&task));
  else
    xuncha_background_run_in_thread (task, open_thread);
}

static void
xuncha_gst_camera_stop (XunchaCamera *camera)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (camera);

  teardown (self);
  fail_captures (self, _("The camera was turned off before the photo was taken."));
  set_state (self, XUNCHA_CAMERA_STATE_STOPPED, NULL);
}

static GdkPaintable *
xuncha_gst_camera_get_paintable (XunchaCamera *camera)
{
  return GDK_PAINTABLE (XUNCHA_GST_CAMERA (camera)->paintable);
}

static void
xuncha_gst_camera_capture_async (XunchaCamera        *camera,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (camera);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, xuncha_gst_camera_capture_async);
  if (self->state != XUNCHA_CAMERA_STATE_READY)
    {
      g_task_return_new_error (task, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NOT_READY,
                               "%s", _("The camera is not ready yet."));
      return;
    }
  g_queue_push_tail (&self->captures, g_steal_pointer (&task));
  g_atomic_int_inc (&self->captures_wanted);
  if (self->capture_timeout == NULL)
    restart_capture_timeout (self);
}

static GBytes *
xuncha_gst_camera_capture_finish (XunchaCamera  *camera,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, camera), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == xuncha_gst_camera_capture_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
xuncha_gst_camera_iface_init (XunchaCameraInterface *iface)
{
  iface->start = xuncha_gst_camera_start;
  iface->stop = xuncha_gst_camera_stop;
  iface->get_paintable = xuncha_gst_camera_get_paintable;
  iface->capture_async = xuncha_gst_camera_capture_async;
  iface->capture_finish = xuncha_gst_camera_capture_finish;
}

/* --- GObject ---------------------------------------------------------------------- */

static void
xuncha_gst_camera_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_gst_camera_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  XunchaGstCamera *self = XUNCHA_GST_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source = g_value_get_enum (value);
      break;
    case PROP_DEVICE:
      self->device = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_gst_camera_dispose (GObject *object)
{
  XunchaGstCamera *self = (XunchaGstCamera *)object;

  teardown (self);
  fail_captures (self, _("The camera was turned off before the photo was taken."));

  G_OBJECT_CLASS (xuncha_gst_camera_parent_class)->dispose (object);
}

static void
xuncha_gst_camera_finalize (GObject *object)
{
  XunchaGstCamera *self = (XunchaGstCamera *)object;

  g_clear_object (&self->paintable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->device);
  g_free (self->reason);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (xuncha_gst_camera_parent_class)->finalize (object);
}

static void
xuncha_gst_camera_class_init (XunchaGstCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xuncha_gst_camera_get_property;
  object_class->set_property = xuncha_gst_camera_set_property;
  object_class->dispose = xuncha_gst_camera_dispose;
  object_class->finalize = xuncha_gst_camera_finalize;

  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL,
                       XUNCHA_TYPE_CAMERA_SOURCE, XUNCHA_CAMERA_SOURCE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE] =
    g_param_spec_string ("device", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, PROP_SOURCE, properties[PROP_SOURCE]);
  g_object_class_install_property (object_class, PROP_DEVICE, properties[PROP_DEVICE]);

  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_REASON, "reason");
  g_object_class_override_property (object_class, PROP_PAINTABLE, "paintable");
  properties[PROP_STATE] = g_object_class_find_property (object_class, "state");
  properties[PROP_REASON] = g_object_class_find_property (object_class, "reason");
  properties[PROP_PAINTABLE] = g_object_class_find_property (object_class, "paintable");
}

static void
xuncha_gst_camera_init (XunchaGstCamera *self)
{
  self->state = XUNCHA_CAMERA_STATE_STOPPED;
  self->paintable = xuncha_camera_paintable_new ();
  self->pipewire_fd = -1;
  g_mutex_init (&self->lock);
  g_queue_init (&self->captures);
}

XunchaGstCamera *
xuncha_gst_camera_new (XunchaCameraSource source)
{
  return g_object_new (XUNCHA_TYPE_GST_CAMERA, "source", source, NULL);
}

XunchaGstCamera *
xuncha_gst_camera_new_for_device (const char *device)
{
  g_return_val_if_fail (device != NULL, NULL);

  return g_object_new (XUNCHA_TYPE_GST_CAMERA,
                       "source", XUNCHA_CAMERA_SOURCE_V4L2,
                       "device", device,
                       NULL);
}

XunchaCameraSource
xuncha_gst_camera_get_source (XunchaGstCamera *self)
{
  g_return_val_if_fail (XUNCHA_IS_GST_CAMERA (self), XUNCHA_CAMERA_SOURCE_AUTO);

  return self->source;
}

XunchaCameraSource
xuncha_camera_source_from_env (void)
{
  const char *name = g_getenv ("XUNCHA_CAMERA");
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  if (name == NULL || *name == '\0')
    return XUNCHA_CAMERA_SOURCE_AUTO;
  klass = g_type_class_ref (XUNCHA_TYPE_CAMERA_SOURCE);
  value = g_enum_get_value_by_nick (klass, name);
  if (value == NULL)
    {
      g_message ("XUNCHA_CAMERA=%s is not auto, libcamera, v4l2, portal or test; using auto",
                 name);
      return XUNCHA_CAMERA_SOURCE_AUTO;
    }
  return value->value;
}
