/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_CAMERA_PAINTABLE (xuncha_camera_paintable_get_type ())

G_DECLARE_FINAL_TYPE (XunchaCameraPaintable, xuncha_camera_paintable, XUNCHA,
                      CAMERA_PAINTABLE, GObject)

/* The live preview: one paintable for the life of the camera, showing the latest frame.
 * A GtkPicture keeps it and only redraws on a new frame; it relayouts only when the
 * frame size changes. Main thread only. */
XunchaCameraPaintable *xuncha_camera_paintable_new         (void);
/* Shows @texture (NULL for nothing, size 0×0). */
void                   xuncha_camera_paintable_set_texture (XunchaCameraPaintable *self,
                                                            GdkTexture            *texture);
GdkTexture            *xuncha_camera_paintable_get_texture (XunchaCameraPaintable *self);

G_END_DECLS
