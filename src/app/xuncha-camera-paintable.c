/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include "xuncha-camera-paintable.h"

struct _XunchaCameraPaintable
{
  GObject     parent_instance;

  GdkTexture *texture;
};

static void xuncha_camera_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaCameraPaintable, xuncha_camera_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      xuncha_camera_paintable_iface_init))

static void
xuncha_camera_paintable_snapshot (GdkPaintable *paintable,
                                  GdkSnapshot  *snapshot,
                                  double        width,
                                  double        height)
{
  XunchaCameraPaintable *self = XUNCHA_CAMERA_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
xuncha_camera_paintable_get_current_image (GdkPaintable *paintable)
{
  XunchaCameraPaintable *self = XUNCHA_CAMERA_PAINTABLE (paintable);

  if (self->texture != NULL)
    return g_object_ref (GDK_PAINTABLE (self->texture));
  return gdk_paintable_new_empty (0, 0);
}

static int
xuncha_camera_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  XunchaCameraPaintable *self = XUNCHA_CAMERA_PAINTABLE (paintable);

  return self->texture != NULL ? gdk_texture_get_width (self->texture) : 0;
}

static int
xuncha_camera_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  XunchaCameraPaintable *self = XUNCHA_CAMERA_PAINTABLE (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static void
xuncha_camera_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = xuncha_camera_paintable_snapshot;
  iface->get_current_image = xuncha_camera_paintable_get_current_image;
  iface->get_intrinsic_width = xuncha_camera_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = xuncha_camera_paintable_get_intrinsic_height;
}

static void
xuncha_camera_paintable_finalize (GObject *object)
{
  XunchaCameraPaintable *self = (XunchaCameraPaintable *)object;

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (xuncha_camera_paintable_parent_class)->finalize (object);
}

static void
xuncha_camera_paintable_class_init (XunchaCameraPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_camera_paintable_finalize;
}

static void
xuncha_camera_paintable_init (XunchaCameraPaintable *self)
{
}

XunchaCameraPaintable *
xuncha_camera_paintable_new (void)
{
  return g_object_new (XUNCHA_TYPE_CAMERA_PAINTABLE, NULL);
}

void
xuncha_camera_paintable_set_texture (XunchaCameraPaintable *self,
                                     GdkTexture            *texture)
{
  gboolean resized;

  g_return_if_fail (XUNCHA_IS_CAMERA_PAINTABLE (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (self->texture == texture)
    return;
  resized = self->texture == NULL || texture == NULL
            || gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture)
            || gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);
  g_set_object (&self->texture, texture);
  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

GdkTexture *
xuncha_camera_paintable_get_texture (XunchaCameraPaintable *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_PAINTABLE (self), NULL);

  return self->texture;
}
