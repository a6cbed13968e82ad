/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <math.h>

#include "xuncha-map-labels.h"
#include "xuncha-street-layer-private.h"

struct _XunchaStreetLayer
{
  ShumateLayer     parent_instance;

  XunchaStreetMap *map;
  guint            n_drawn;
  GPtrArray       *keep_clear;   /* controls over the map no name goes under, or NULL */
  GArray          *labels;       /* graphene_rect_t: the names of the last frame */
};

G_DEFINE_FINAL_TYPE (XunchaStreetLayer, xuncha_street_layer, SHUMATE_TYPE_LAYER)

/* Names are drawn from this zoom on; below it they would only clutter. */
#define LABEL_ZOOM 16.5
/* Minor streets are left out below this zoom, so a whole city stays readable and fast. */
#define MINOR_ZOOM 13.5
/* Casings and round ends from this zoom on. */
#define DETAIL_ZOOM 14.5

typedef struct
{
  double red, green, blue;
  double width;
} StreetStyle;

/* Strict streets stand out most: they are where the campaign looks first. */
static const StreetStyle styles[] = {
  [XUNCHA_STREET_CLASS_STRICT] = { 0.80, 0.11, 0.14, 6.0 },
  [XUNCHA_STREET_CLASS_CLASS1] = { 0.90, 0.45, 0.05, 5.0 },
  [XUNCHA_STREET_CLASS_CLASS2] = { 0.78, 0.60, 0.05, 4.0 },
  [XUNCHA_STREET_CLASS_OTHER]  = { 0.47, 0.47, 0.45, 2.5 },
};

static void
on_viewport_changed (XunchaStreetLayer *self)
{
  if (self->map != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Web Mercator, in units of the world's width. */
static inline double
mercator_x (double lon)
{
  return (lon + 180.0) / 360.0;
}

static inline double
mercator_y (double lat)
{
  return (1.0 - log (tan (G_PI / 4 + lat * G_PI / 360.0)) / G_PI) / 2.0;
}

/* From Web Mercator to widget pixels the viewport is affine (scale, rotation, shift).
 * Three points projected by the viewport itself fix it, so each vertex costs two
 * multiplications instead of a call into the viewport. */
typedef struct
{
  double mx0, my0, x0, y0;
  double xx, xy, yx, yy;
} Projection;

static void
projection_init (Projection      *p,
                 ShumateViewport *viewport,
                 GtkWidget       *widget,
                 double           lat,
                 double           lon)
{
  const double d = 0.001;
  double x1, y1, x2, y2;

  shumate_viewport_location_to_widget_coords (viewport, widget, lat, lon, &p->x0, &p->y0);
  shumate_viewport_location_to_widget_coords (viewport, widget, lat, lon + d, &x1, &y1);
  shumate_viewport_location_to_widget_coords (viewport, widget, lat + d, lon, &x2, &y2);
  p->mx0 = mercator_x (lon);
  p->my0 = mercator_y (lat);
  p->xx = (x1 - p->x0) / (mercator_x (lon + d) - p->mx0);
  p->yx = (y1 - p->y0) / (mercator_x (lon + d) - p->mx0);
  p->xy = (x2 - p->x0) / (mercator_y (lat + d) - p->my0);
  p->yy = (y2 - p->y0) / (mercator_y (lat + d) - p->my0);
}

static inline void
project (const Projection *p,
         double            lat,
         double            lon,
         double           *x,
         double           *y)
{
  double dx = mercator_x (lon) - p->mx0;
  double dy = mercator_y (lat) - p->my0;

  *x = p->x0 + p->xx * dx + p->xy * dy;
  *y = p->y0 + p->yx * dx + p->yy * dy;
}

static void
trace_segment (cairo_t             *cr,
               const Projection    *projection,
               XunchaStreetSegment *segment)
{
  guint n_parts = xuncha_street_segment_get_n_parts (segment);

  for (guint p = 0; p < n_parts; p++)
    {
      guint n;
      const double *lonlat = xuncha_street_segment_get_part (segment, p, &n);

      for (guint i = 0; i < n; i++)
        {
          double x, y;

          project (projection, lonlat[2 * i + 1], lonlat[2 * i], &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
    }
}

static void
draw_label (XunchaStreetLayer   *self,
            GtkSnapshot         *snapshot,
            GtkWidget           *widget,
            const Projection    *projection,
            XunchaStreetSegment *segment)
{
  g_autoptr(PangoLayout) layout = NULL;
  const char *name = xuncha_street_segment_get_name (segment);
  const double *lonlat;
  guint n, mid;
  double x0, y0, x1, y1, x, y;
  int width, height;
  GdkRGBA ink = { 0.1f, 0.1f, 0.1f, 1.0f };

  if (name == NULL || *name == '\0')
    return;
  lonlat = xuncha_street_segment_get_part (segment, 0, &n);
  /* Halfway along the middle edge: the middle of a short segment, near enough. */
  mid = (n - 1) / 2;
  project (projection, lonlat[2 * mid + 1], lonlat[2 * mid], &x0, &y0);
  project (projection, lonlat[2 * mid + 3], lonlat[2 * mid + 2], &x1, &y1);
  x = (x0 + x1) / 2;
  y = (y0 + y1) / 2;
  layout = gtk_widget_create_pango_layout (widget, name);
  pango_layout_get_pixel_size (layout, &width, &height);
  /* A name longer than its piece of street would collide with the next one's. */
  if (hypot (x1 - x0, y1 - y0) < width + 16)
    return;
  if (!xuncha_map_label_fits (widget, self->keep_clear, self->labels,
                              &GRAPHENE_RECT_INIT (x - width / 2.0, y - height - 4, width, height)))
    return;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - width / 2.0, y - height - 4));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
}

static void
xuncha_street_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  XunchaStreetLayer *self = XUNCHA_STREET_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_autoptr(GPtrArray) visible = NULL;
  double zoom = shumate_viewport_get_zoom_level (viewport);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double lat[4], lon[4];
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  Projection projection;
  gboolean detailed;
  cairo_t *cr;

  self->n_drawn = 0;
  g_array_set_size (self->labels, 0);
  if (self->map == NULL || width <= 0 || height <= 0
      || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return;

  /* The view's corners in WGS-84 (the map may be rotated, so take all four). */
  shumate_viewport_widget_coords_to_location (viewport, widget, 0, 0, &lat[0], &lon[0]);
  shumate_viewport_widget_coords_to_location (viewport, widget, width, 0, &lat[1], &lon[1]);
  shumate_viewport_widget_coords_to_location (viewport, widget, 0, height, &lat[2], &lon[2]);
  shumate_viewport_widget_coords_to_location (viewport, widget, width, height, &lat[3],
                                              &lon[3]);
  for (guint i = 0; i < 4; i++)
    {
      min_lat = MIN (min_lat, lat[i]);
      max_lat = MAX (max_lat, lat[i]);
      min_lon = MIN (min_lon, lon[i]);
      max_lon = MAX (max_lon, lon[i]);
    }
  visible = xuncha_street_map_query_bbox (self->map, min_lon, min_lat, max_lon, max_lat);
  if (visible->len == 0)
    return;

  projection_init (&projection, viewport, widget, (min_lat + max_lat) / 2,
                   (min_lon + max_lon) / 2);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Round ends and white casings only where streets are wide on screen: at city zoom
   * they cost more than they show. */
  detailed = zoom >= DETAIL_ZOOM;
  cairo_set_line_cap (cr, detailed ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join (cr, detailed ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);

  /* Minor streets first, strict ones last so they are on top: one path per class. */
  for (int klass = XUNCHA_STREET_CLASS_OTHER; klass >= XUNCHA_STREET_CLASS_STRICT; klass--)
    {
      const StreetStyle *style = &styles[klass];
      guint in_class = 0;

      if (klass == XUNCHA_STREET_CLASS_OTHER && zoom < MINOR_ZOOM)
        continue;
      for (guint i = 0; i < visible->len; i++)
        {
          XunchaStreetSegment *segment = g_ptr_array_index (visible, i);

          if ((int)xuncha_street_segment_get_class (segment) != klass)
            continue;
          trace_segment (cr, &projection, segment);
          in_class++;
        }
      if (in_class == 0)
        continue;
      /* A white casing keeps the line visible on any basemap and in sunlight. */
      if (detailed)
        {
          cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          cairo_set_line_width (cr, style->width + 3);
          cairo_stroke_preserve (cr);
        }
      cairo_set_source_rgb (cr, style->red, style->green, style->blue);
      cairo_set_line_width (cr, detailed ? style->width : style->width / 2);
      cairo_stroke (cr);
      self->n_drawn += in_class;
    }
  cairo_destroy (cr);

  if (zoom >= LABEL_ZOOM)
    for (guint i = 0; i < visible->len; i++)
      draw_label (self, snapshot, widget, &projection, g_ptr_array_index (visible, i));
}

static void
xuncha_street_layer_constructed (GObject *object)
{
  XunchaStreetLayer *self = (XunchaStreetLayer *)object;

  G_OBJECT_CLASS (xuncha_street_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (on_viewport_changed), self, G_CONNECT_SWAPPED);
}

static void
xuncha_street_layer_dispose (GObject *object)
{
  XunchaStreetLayer *self = (XunchaStreetLayer *)object;

  g_clear_object (&self->map);
  g_clear_pointer (&self->keep_clear, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_array_unref);

  G_OBJECT_CLASS (xuncha_street_layer_parent_class)->dispose (object);
}

static void
xuncha_street_layer_class_init (XunchaStreetLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xuncha_street_layer_constructed;
  object_class->dispose = xuncha_street_layer_dispose;
  widget_class->snapshot = xuncha_street_layer_snapshot;
}

static void
xuncha_street_layer_init (XunchaStreetLayer *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  self->labels = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
}

XunchaStreetLayer *
xuncha_street_layer_new (ShumateViewport *viewport)
{
  return g_object_new (XUNCHA_TYPE_STREET_LAYER, "viewport", viewport, NULL);
}

void
xuncha_street_layer_set_street_map (XunchaStreetLayer *self,
                                    XunchaStreetMap   *map)
{
  g_return_if_fail (XUNCHA_IS_STREET_LAYER (self));

  if (g_set_object (&self->map, map))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

XunchaStreetMap *
xuncha_street_layer_get_street_map (XunchaStreetLayer *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_LAYER (self), NULL);
  return self->map;
}

guint
xuncha_street_layer_get_n_drawn (XunchaStreetLayer *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_LAYER (self), 0);
  return self->n_drawn;
}

void
xuncha_street_layer_set_keep_clear (XunchaStreetLayer *self,
                                    GPtrArray         *controls)
{
  g_return_if_fail (XUNCHA_IS_STREET_LAYER (self));

  g_clear_pointer (&self->keep_clear, g_ptr_array_unref);
  if (controls != NULL)
    self->keep_clear = g_ptr_array_ref (controls);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GArray *
xuncha_street_layer_get_label_boxes (XunchaStreetLayer *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_LAYER (self), NULL);
  return self->labels;
}
