/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include "xuncha-camera.h"

G_DEFINE_QUARK (xuncha-camera-error-quark, xuncha_camera_error)

G_DEFINE_ENUM_TYPE (XunchaCameraState, xuncha_camera_state,
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_STATE_NO_CAMERA, "no-camera"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_CAMERA_STATE_ERROR, "error"))

G_DEFINE_INTERFACE (XunchaCamera, xuncha_camera, G_TYPE_OBJECT)

static void
xuncha_camera_default_init (XunchaCameraInterface *iface)
{
  g_object_interface_install_property (
    iface,
    g_param_spec_enum ("state", NULL, NULL,
                       XUNCHA_TYPE_CAMERA_STATE, XUNCHA_CAMERA_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (
    iface,
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (
    iface,
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
}

void
xuncha_camera_start (XunchaCamera *self)
{
  g_return_if_fail (XUNCHA_IS_CAMERA (self));

  XUNCHA_CAMERA_GET_IFACE (self)->start (self);
}

void
xuncha_camera_stop (XunchaCamera *self)
{
  g_return_if_fail (XUNCHA_IS_CAMERA (self));

  XUNCHA_CAMERA_GET_IFACE (self)->stop (self);
}

XunchaCameraState
xuncha_camera_get_state (XunchaCamera *self)
{
  XunchaCameraState state;

  g_return_val_if_fail (XUNCHA_IS_CAMERA (self), XUNCHA_CAMERA_STATE_STOPPED);

  g_object_get (self, "state", &state, NULL);
  return state;
}

char *
xuncha_camera_dup_reason (XunchaCamera *self)
{
  char *reason;

  g_return_val_if_fail (XUNCHA_IS_CAMERA (self), NULL);

  g_object_get (self, "reason", &reason, NULL);
  return reason;
}

GdkPaintable *
xuncha_camera_get_paintable (XunchaCamera *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA (self), NULL);

  return XUNCHA_CAMERA_GET_IFACE (self)->get_paintable (self);
}

void
xuncha_camera_capture_async (XunchaCamera        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XUNCHA_IS_CAMERA (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  XUNCHA_CAMERA_GET_IFACE (self)->capture_async (self, cancellable, callback, user_data);
}

GBytes *
xuncha_camera_capture_finish (XunchaCamera  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return XUNCHA_CAMERA_GET_IFACE (self)->capture_finish (self, result, error);
}
