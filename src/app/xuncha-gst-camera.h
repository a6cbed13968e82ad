/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-camera.h"

G_BEGIN_DECLS

/* Where the pictures come from. */
typedef enum
{
  XUNCHA_CAMERA_SOURCE_AUTO,    /* the camera portal inside Flatpak, otherwise libcamera
                                   when it sees a camera, otherwise V4L2 */
  XUNCHA_CAMERA_SOURCE_V4L2,    /* the first Video4Linux capture device */
  XUNCHA_CAMERA_SOURCE_PORTAL,  /* org.freedesktop.portal.Camera and PipeWire */
  XUNCHA_CAMERA_SOURCE_TEST,    /* a colour pattern with the clock, for tests and the demo */
  XUNCHA_CAMERA_SOURCE_LIBCAMERA, /* the first camera libcamera lists (phone sensors that
                                     need an image pipeline) */
} XunchaCameraSource;

#define XUNCHA_TYPE_CAMERA_SOURCE (xuncha_camera_source_get_type ())
GType xuncha_camera_source_get_type (void) G_GNUC_CONST;

/* The test source's frame size: a capture decodes to exactly this. */
#define XUNCHA_GST_CAMERA_TEST_WIDTH  1280
#define XUNCHA_GST_CAMERA_TEST_HEIGHT 960

#define XUNCHA_TYPE_GST_CAMERA (xuncha_gst_camera_get_type ())

G_DECLARE_FINAL_TYPE (XunchaGstCamera, xuncha_gst_camera, XUNCHA, GST_CAMERA, GObject)

/* The GStreamer camera: source ! tee, one branch scaled to RGBA for the preview
 * (GdkMemoryTexture frames made on the main context), one that lets a single frame
 * through to jpegenc for each capture. Finding and opening the device runs on a worker
 * thread, so start() returns at once. */
XunchaGstCamera    *xuncha_gst_camera_new             (XunchaCameraSource  source);
/* A V4L2 camera on one device node, e.g. "/dev/video2". */
XunchaGstCamera    *xuncha_gst_camera_new_for_device  (const char         *device);
XunchaCameraSource  xuncha_gst_camera_get_source      (XunchaGstCamera    *self);

/* The source named by $XUNCHA_CAMERA ("auto", "v4l2", "portal" or "test"); AUTO when it
 * is unset or unknown. */
XunchaCameraSource  xuncha_camera_source_from_env     (void);

G_END_DECLS
