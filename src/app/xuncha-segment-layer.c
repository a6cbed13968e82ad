/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <math.h>

#include "xuncha-map-labels.h"
#include "xuncha-segment-layer-private.h"

struct _XunchaSegmentLayer
{
  ShumateLayer  parent_instance;

  GPtrArray    *segments[XUNCHA_N_SEGMENT_STYLES];
  guint         n_drawn[XUNCHA_N_SEGMENT_STYLES];
  GPtrArray    *keep_clear;   /* controls over the map no name goes under, or NULL */
  GArray       *labels;       /* graphene_rect_t: the names of the last frame */
};

G_DEFINE_FINAL_TYPE (XunchaSegmentLayer, xuncha_segment_layer, SHUMATE_TYPE_LAYER)

typedef struct
{
  double red, green, blue, alpha;
  double width;     /* pixels */
} Style;

/* Green and red from the GNOME palette; walked and missed get a white casing (below) so
 * they read on any basemap and beside the track. */
static const Style styles[XUNCHA_N_SEGMENT_STYLES] = {
  [XUNCHA_SEGMENT_STYLE_STREET] = { 0.60, 0.60, 0.62, 0.9, 3 },
  [XUNCHA_SEGMENT_STYLE_MISSED] = { 0.88, 0.11, 0.14, 0.9, 8 },
  [XUNCHA_SEGMENT_STYLE_WALKED] = { 0.15, 0.64, 0.41, 0.95, 9 },
  [XUNCHA_SEGMENT_STYLE_SELECTED] = { 0.88, 0.11, 0.14, 1.0, 10 },
};

static void
on_viewport_changed (XunchaSegmentLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The part of the world the widget shows, as a lon/lat box (the corners, so a rotated
 * view is covered too). */
static void
visible_box (XunchaSegmentLayer *self,
             double             *box)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double corners[4][2] = { { 0, 0 }, { w, 0 }, { 0, h }, { w, h } };

  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -G_MAXDOUBLE;
  for (guint i = 0; i < 4; i++)
    {
      double lat, lon;

      shumate_viewport_widget_coords_to_location (viewport, widget, corners[i][0],
                                                  corners[i][1], &lat, &lon);
      box[0] = MIN (box[0], lon);
      box[1] = MIN (box[1], lat);
      box[2] = MAX (box[2], lon);
      box[3] = MAX (box[3], lat);
    }
}

static guint
trace_style (XunchaSegmentLayer *self,
             cairo_t            *cr,
             XunchaSegmentStyle  style,
             const double       *box)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  GPtrArray *segments = self->segments[style];
  guint drawn = 0;

  for (guint i = 0; i < segments->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (segments, i);
      double min_lon, min_lat, max_lon, max_lat;

      xuncha_street_segment_get_bbox (segment, &min_lon, &min_lat, &max_lon, &max_lat);
      if (max_lon < box[0] || min_lon > box[2] || max_lat < box[1] || min_lat > box[3])
        continue;
      drawn++;
      for (guint p = 0; p < xuncha_street_segment_get_n_parts (segment); p++)
        {
          guint n;
          const double *lonlat = xuncha_street_segment_get_part (segment, p, &n);

          for (guint k = 0; k < n; k++)
            {
              double x, y;

              shumate_viewport_location_to_widget_coords (viewport, widget, lonlat[2 * k + 1],
                                                          lonlat[2 * k], &x, &y);
              if (k == 0)
                cairo_move_to (cr, x, y);
              else
                cairo_line_to (cr, x, y);
            }
        }
    }
  return drawn;
}

/* Draws @layout at @x, @y with a white halo so it reads over the lines, if it has room
 * there; TRUE when it was drawn. */
static gboolean
draw_label (XunchaSegmentLayer *self,
            GtkSnapshot        *snapshot,
            PangoLayout        *layout,
            double              x,
            double              y)
{
  GdkRGBA ink = { 0.1f, 0.1f, 0.1f, 1.0f }, halo = { 1.0f, 1.0f, 1.0f, 0.9f };
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  if (!xuncha_map_label_fits (GTK_WIDGET (self), self->keep_clear, self->labels,
                              &GRAPHENE_RECT_INIT (x, y, width, height)))
    return FALSE;
  for (int dx = -1; dx <= 1; dx++)
    for (int dy = -1; dy <= 1; dy++)
      {
        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + dx, y + dy));
        gtk_snapshot_append_layout (snapshot, layout, dx == 0 && dy == 0 ? &ink : &halo);
        gtk_snapshot_restore (snapshot);
      }
  return TRUE;
}

/* Where a street made of segments too short for its name each (a route map zoomed out to
 * a whole shift) can carry it: the street's vertex nearest the middle of all of them on
 * screen, when the street spans the name's width. */
static gboolean
draw_street_name (XunchaSegmentLayer *self,
                  GtkSnapshot        *snapshot,
                  PangoLayout        *layout,
                  GArray             *points)
{
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  double cx, cy, best = G_MAXDOUBLE, ax = 0, ay = 0;
  int width, height;

  for (guint i = 0; i < points->len; i++)
    {
      const graphene_point_t *p = &g_array_index (points, graphene_point_t, i);

      min_x = MIN (min_x, p->x);
      min_y = MIN (min_y, p->y);
      max_x = MAX (max_x, p->x);
      max_y = MAX (max_y, p->y);
    }
  pango_layout_get_pixel_size (layout, &width, &height);
  if (points->len < 2 || MAX (max_x - min_x, max_y - min_y) < width + 8)
    return FALSE;
  cx = (min_x + max_x) / 2;
  cy = (min_y + max_y) / 2;
  for (guint i = 0; i < points->len; i++)
    {
      const graphene_point_t *p = &g_array_index (points, graphene_point_t, i);
      double d = hypot (p->x - cx, p->y - cy);

      if (d < best)
        {
          best = d;
          ax = p->x;
          ay = p->y;
        }
    }
  /* Beside a street that runs up the screen, above one that runs across it. */
  if (max_y - min_y > max_x - min_x)
    return draw_label (self, snapshot, layout, ax + 5, ay - height / 2.0);
  return draw_label (self, snapshot, layout, ax - width / 2.0, ay - height - 5);
}

/* A street's name once, on the longest piece of it in view that has room for it, with a
 * white halo so it reads over the lines; where no single piece has room, along the street's
 * segments together. Highlighted segments come first: their names matter most. */
static void
draw_names (XunchaSegmentLayer *self,
            GtkSnapshot        *snapshot)
{
  static const XunchaSegmentStyle order[] = {
    XUNCHA_SEGMENT_STYLE_MISSED, XUNCHA_SEGMENT_STYLE_WALKED, XUNCHA_SEGMENT_STYLE_STREET,
  };
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  /* name → GArray of graphene_point_t: the screen points of a street not named yet */
  g_autoptr(GHashTable) unnamed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify)g_array_unref);
  g_autoptr(GPtrArray) unnamed_order = g_ptr_array_new ();

  for (guint o = 0; o < G_N_ELEMENTS (order); o++)
    {
      GPtrArray *segments = self->segments[order[o]];

      for (guint i = 0; i < segments->len; i++)
        {
          XunchaStreetSegment *segment = g_ptr_array_index (segments, i);
          const char *name = xuncha_street_segment_get_name (segment);
          g_autoptr(PangoLayout) layout = NULL;
          const double *lonlat;
          double x0, y0, x1, y1;
          int width, height;
          guint n, mid;
          GArray *points;

          if (name == NULL || *name == '\0' || g_hash_table_contains (named, name))
            continue;
          lonlat = xuncha_street_segment_get_part (segment, 0, &n);
          if (n < 2)
            continue;
          mid = (n - 1) / 2;
          shumate_viewport_location_to_widget_coords (viewport, widget, lonlat[2 * mid + 1],
                                                      lonlat[2 * mid], &x0, &y0);
          shumate_viewport_location_to_widget_coords (viewport, widget, lonlat[2 * mid + 3],
                                                      lonlat[2 * mid + 2], &x1, &y1);
          layout = gtk_widget_create_pango_layout (widget, name);
          pango_layout_get_pixel_size (layout, &width, &height);
          if (hypot (x1 - x0, y1 - y0) >= width + 8
              && draw_label (self, snapshot, layout, (x0 + x1) / 2 - width / 2.0,
                             (y0 + y1) / 2 - height - 5))
            {
              g_hash_table_add (named, (gpointer)name);
              g_hash_table_remove (unnamed, name);
              continue;
            }
          /* Kept for the second try, with the street's other segments. */
          points = g_hash_table_lookup (unnamed, name);
          if (points == NULL)
            {
              points = g_array_new (FALSE, FALSE, sizeof (graphene_point_t));
              g_hash_table_insert (unnamed, (gpointer)name, points);
              g_ptr_array_add (unnamed_order, (gpointer)name);
            }
          for (guint k = 0; k < n; k++)
            {
              double x, y;

              shumate_viewport_location_to_widget_coords (viewport, widget, lonlat[2 * k + 1],
                                                          lonlat[2 * k], &x, &y);
              g_array_append_val (points, GRAPHENE_POINT_INIT ((float)x, (float)y));
            }
        }
    }

  for (guint i = 0; i < unnamed_order->len; i++)
    {
      const char *name = g_ptr_array_index (unnamed_order, i);
      GArray *points = g_hash_table_lookup (unnamed, name);
      g_autoptr(PangoLayout) layout = NULL;

      if (points == NULL || g_hash_table_contains (named, name))
        continue;
      layout = gtk_widget_create_pango_layout (widget, name);
      if (draw_street_name (self, snapshot, layout, points))
        g_hash_table_add (named, (gpointer)name);
    }
}

static void
xuncha_segment_layer_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  XunchaSegmentLayer *self = XUNCHA_SEGMENT_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gboolean any = FALSE;
  double box[4];
  cairo_t *cr;

  g_array_set_size (self->labels, 0);
  for (guint s = 0; s < XUNCHA_N_SEGMENT_STYLES; s++)
    {
      self->n_drawn[s] = 0;
      any = any || self->segments[s]->len > 0;
    }
  if (!any || w <= 0 || h <= 0 || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return;

  visible_box (self, box);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint s = 0; s < XUNCHA_N_SEGMENT_STYLES; s++)
    {
      const Style *style = &styles[s];

      self->n_drawn[s] = trace_style (self, cr, s, box);
      if (self->n_drawn[s] == 0)
        continue;
      if (s == XUNCHA_SEGMENT_STYLE_SELECTED)
        {
          /* A dark edge sets the chosen segments apart from the other missed ones. */
          cairo_set_source_rgba (cr, 0.1, 0.1, 0.1, 0.9);
          cairo_set_line_width (cr, style->width + 6);
          cairo_stroke_preserve (cr);
        }
      else if (s != XUNCHA_SEGMENT_STYLE_STREET)
        {
          /* A white casing keeps the colour apart from the track and the streets. */
          cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          cairo_set_line_width (cr, style->width + 3);
          cairo_stroke_preserve (cr);
        }
      cairo_set_source_rgba (cr, style->red, style->green, style->blue, style->alpha);
      cairo_set_line_width (cr, style->width);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  draw_names (self, snapshot);
}

static void
xuncha_segment_layer_constructed (GObject *object)
{
  XunchaSegmentLayer *self = (XunchaSegmentLayer *)object;

  G_OBJECT_CLASS (xuncha_segment_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (on_viewport_changed), self, G_CONNECT_SWAPPED);
}

static void
xuncha_segment_layer_finalize (GObject *object)
{
  XunchaSegmentLayer *self = (XunchaSegmentLayer *)object;

  for (guint s = 0; s < XUNCHA_N_SEGMENT_STYLES; s++)
    g_ptr_array_unref (self->segments[s]);
  g_clear_pointer (&self->keep_clear, g_ptr_array_unref);
  g_array_unref (self->labels);

  G_OBJECT_CLASS (xuncha_segment_layer_parent_class)->finalize (object);
}

static void
xuncha_segment_layer_class_init (XunchaSegmentLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xuncha_segment_layer_constructed;
  object_class->finalize = xuncha_segment_layer_finalize;
  widget_class->snapshot = xuncha_segment_layer_snapshot;
}

static void
xuncha_segment_layer_init (XunchaSegmentLayer *self)
{
  for (guint s = 0; s < XUNCHA_N_SEGMENT_STYLES; s++)
    self->segments[s] =
      g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  self->labels = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
}

XunchaSegmentLayer *
xuncha_segment_layer_new (ShumateViewport *viewport)
{
  return g_object_new (XUNCHA_TYPE_SEGMENT_LAYER, "viewport", viewport, NULL);
}

void
xuncha_segment_layer_add (XunchaSegmentLayer *self,
                          GPtrArray          *segments,
                          XunchaSegmentStyle  style)
{
  g_return_if_fail (XUNCHA_IS_SEGMENT_LAYER (self));
  g_return_if_fail (segments != NULL);
  g_return_if_fail (style < XUNCHA_N_SEGMENT_STYLES);

  for (guint i = 0; i < segments->len; i++)
    g_ptr_array_add (self->segments[style],
                     xuncha_street_segment_ref (g_ptr_array_index (segments, i)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
xuncha_segment_layer_clear (XunchaSegmentLayer *self)
{
  g_return_if_fail (XUNCHA_IS_SEGMENT_LAYER (self));

  for (guint s = 0; s < XUNCHA_N_SEGMENT_STYLES; s++)
    g_ptr_array_set_size (self->segments[s], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
xuncha_segment_layer_clear_style (XunchaSegmentLayer *self,
                                  XunchaSegmentStyle  style)
{
  g_return_if_fail (XUNCHA_IS_SEGMENT_LAYER (self));
  g_return_if_fail (style < XUNCHA_N_SEGMENT_STYLES);

  g_ptr_array_set_size (self->segments[style], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
xuncha_segment_layer_get_n_segments (XunchaSegmentLayer *self,
                                     XunchaSegmentStyle  style)
{
  g_return_val_if_fail (XUNCHA_IS_SEGMENT_LAYER (self), 0);
  g_return_val_if_fail (style < XUNCHA_N_SEGMENT_STYLES, 0);
  return self->segments[style]->len;
}

guint
xuncha_segment_layer_get_n_drawn (XunchaSegmentLayer *self,
                                  XunchaSegmentStyle  style)
{
  g_return_val_if_fail (XUNCHA_IS_SEGMENT_LAYER (self), 0);
  g_return_val_if_fail (style < XUNCHA_N_SEGMENT_STYLES, 0);
  return self->n_drawn[style];
}

void
xuncha_segment_layer_set_keep_clear (XunchaSegmentLayer *self,
                                     GPtrArray          *controls)
{
  g_return_if_fail (XUNCHA_IS_SEGMENT_LAYER (self));

  g_clear_pointer (&self->keep_clear, g_ptr_array_unref);
  if (controls != NULL)
    self->keep_clear = g_ptr_array_ref (controls);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GArray *
xuncha_segment_layer_get_label_boxes (XunchaSegmentLayer *self)
{
  g_return_val_if_fail (XUNCHA_IS_SEGMENT_LAYER (self), NULL);
  return self->labels;
}
