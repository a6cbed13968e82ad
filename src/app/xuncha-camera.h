/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define XUNCHA_CAMERA_ERROR (xuncha_camera_error_quark ())

/* The camera's errors, as capture_finish() and the "reason" of a failed start give them. */
typedef enum
{
  XUNCHA_CAMERA_ERROR_NOT_READY,        /* capture asked before the first frame */
  XUNCHA_CAMERA_ERROR_NO_CAMERA,        /* no device, or the system has none to give */
  XUNCHA_CAMERA_ERROR_DENIED,           /* the user or the sandbox refused access */
  XUNCHA_CAMERA_ERROR_MISSING_ELEMENT,  /* a GStreamer plugin is not installed */
  XUNCHA_CAMERA_ERROR_STOPPED,          /* stopped while a capture was waiting */
  XUNCHA_CAMERA_ERROR_FAILED,           /* the device or the pipeline failed */
} XunchaCameraError;

typedef enum
{
  XUNCHA_CAMERA_STATE_STOPPED,          /* made, or stopped: no device is held */
  XUNCHA_CAMERA_STATE_STARTING,         /* looking for the device, waiting for a frame */
  XUNCHA_CAMERA_STATE_READY,            /* frames arrive; capture works */
  XUNCHA_CAMERA_STATE_NO_CAMERA,        /* nothing to open: see "reason" */
  XUNCHA_CAMERA_STATE_ERROR,            /* opened but failed: see "reason" */
} XunchaCameraState;

#define XUNCHA_TYPE_CAMERA_STATE (xuncha_camera_state_get_type ())
GType xuncha_camera_state_get_type (void) G_GNUC_CONST;

#define XUNCHA_TYPE_CAMERA (xuncha_camera_get_type ())

G_DECLARE_INTERFACE (XunchaCamera, xuncha_camera, XUNCHA, CAMERA, GObject)

/* A camera for the report flow: a live preview as a GdkPaintable and full-quality JPEG
 * stills. Implementations live on the main context of start(): they notify "state",
 * "reason" and the paintable there, and finish captures there. */
struct _XunchaCameraInterface
{
  GTypeInterface parent_iface;

  void          (*start)          (XunchaCamera        *self);
  void          (*stop)           (XunchaCamera        *self);
  GdkPaintable *(*get_paintable)  (XunchaCamera        *self);
  void          (*capture_async)  (XunchaCamera        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  GBytes       *(*capture_finish) (XunchaCamera        *self,
                                   GAsyncResult        *result,
                                   GError             **error);
};

GQuark             xuncha_camera_error_quark      (void);

/* Opens the device and starts the preview; the state goes to STARTING, then READY,
 * NO_CAMERA or ERROR. Starting a started camera does nothing. */
void               xuncha_camera_start            (XunchaCamera        *self);
/* Releases the device; waiting captures fail with XUNCHA_CAMERA_ERROR_STOPPED. */
void               xuncha_camera_stop             (XunchaCamera        *self);
XunchaCameraState  xuncha_camera_get_state        (XunchaCamera        *self);
/* Why there is no picture, in the user's language; NULL unless NO_CAMERA or ERROR. */
char              *xuncha_camera_dup_reason       (XunchaCamera        *self);
/* The live preview; its size is 0×0 until the first frame. Owned by the camera. */
GdkPaintable      *xuncha_camera_get_paintable    (XunchaCamera        *self);
/* Takes one full-quality frame as a JPEG (FF D8 … FF D9). */
void               xuncha_camera_capture_async    (XunchaCamera        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GBytes            *xuncha_camera_capture_finish   (XunchaCamera        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
