/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <math.h>

#include "xuncha-position-layer.h"

struct _XunchaPositionLayer
{
  ShumateLayer parent_instance;

  XunchaFix    fix;
  gboolean     has_fix;
};

G_DEFINE_FINAL_TYPE (XunchaPositionLayer, xuncha_position_layer, SHUMATE_TYPE_LAYER)

#define METRES_PER_DEGREE_LAT 111320.0
#define DOT_RADIUS 8.0

static void
on_viewport_changed (XunchaPositionLayer *self)
{
  if (self->has_fix)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
append_circle (GtkSnapshot   *snapshot,
               double         x,
               double         y,
               double         radius,
               const GdkRGBA *fill,
               const GdkRGBA *border,
               double         border_width)
{
  GskRoundedRect rect;
  float widths[4] = { border_width, border_width, border_width, border_width };
  GdkRGBA borders[4] = { *border, *border, *border, *border };

  gsk_rounded_rect_init_from_rect (&rect,
                                   &GRAPHENE_RECT_INIT (x - radius, y - radius,
                                                        2 * radius, 2 * radius),
                                   radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, fill, &rect.bounds);
  gtk_snapshot_pop (snapshot);
  if (border_width > 0)
    gtk_snapshot_append_border (snapshot, &rect, widths, borders);
}

static void
xuncha_position_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  XunchaPositionLayer *self = XUNCHA_POSITION_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  const GdkRGBA blue = { 0.11f, 0.44f, 0.85f, 1.0f };
  const GdkRGBA white = { 1.0f, 1.0f, 1.0f, 1.0f };
  const GdkRGBA halo = { 0.11f, 0.44f, 0.85f, 0.18f };
  const GdkRGBA halo_edge = { 0.11f, 0.44f, 0.85f, 0.5f };
  double x, y, north_x, north_y, radius = 0;

  if (!self->has_fix || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return;

  shumate_viewport_location_to_widget_coords (viewport, widget, self->fix.lat, self->fix.lon,
                                              &x, &y);
  /* The accuracy circle in pixels: project a point that far north of the fix. */
  if (!isnan (self->fix.accuracy) && self->fix.accuracy > 0)
    {
      shumate_viewport_location_to_widget_coords (viewport, widget,
                                                  self->fix.lat
                                                  + self->fix.accuracy / METRES_PER_DEGREE_LAT,
                                                  self->fix.lon, &north_x, &north_y);
      radius = hypot (north_x - x, north_y - y);
    }

  if (radius > DOT_RADIUS)
    append_circle (snapshot, x, y, radius, &halo, &halo_edge, 1.5);
  append_circle (snapshot, x, y, DOT_RADIUS, &blue, &white, 3);
}

static void
xuncha_position_layer_constructed (GObject *object)
{
  XunchaPositionLayer *self = (XunchaPositionLayer *)object;
  ShumateViewport *viewport;

  G_OBJECT_CLASS (xuncha_position_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
xuncha_position_layer_class_init (XunchaPositionLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xuncha_position_layer_constructed;
  widget_class->snapshot = xuncha_position_layer_snapshot;
}

static void
xuncha_position_layer_init (XunchaPositionLayer *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

XunchaPositionLayer *
xuncha_position_layer_new (ShumateViewport *viewport)
{
  return g_object_new (XUNCHA_TYPE_POSITION_LAYER, "viewport", viewport, NULL);
}

void
xuncha_position_layer_set_fix (XunchaPositionLayer *self,
                               const XunchaFix     *fix)
{
  g_return_if_fail (XUNCHA_IS_POSITION_LAYER (self));

  self->has_fix = fix != NULL;
  if (fix != NULL)
    self->fix = *fix;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
xuncha_position_layer_get_fix (XunchaPositionLayer *self,
                               XunchaFix           *fix)
{
  g_return_val_if_fail (XUNCHA_IS_POSITION_LAYER (self), FALSE);

  if (self->has_fix && fix != NULL)
    *fix = self->fix;
  return self->has_fix;
}
