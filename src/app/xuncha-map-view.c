/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "xuncha-map-view-private.h"
#include "xuncha-mbtiles-source.h"
#include "xuncha-position-layer.h"
#include "xuncha-street-layer-private.h"
#include "xuncha-segment-layer-private.h"

struct _XunchaMapView
{
  GtkWidget            parent_instance;

  ShumateSimpleMap    *simple_map;
  ShumateMapSource    *projection;   /* the viewport's reference when there is no basemap */
  ShumateMapLayer     *basemap_layer;
  XunchaStreetLayer   *street_layer;
  XunchaSegmentLayer  *segment_layer;
  ShumatePathLayer    *track_layer;   /* the piece the next point joins */
  /* The track drawn in pieces broken at gaps in recording (the first is track_layer when
   * there is no gap): a stretch without positions is not drawn as a straight walk. The
   * map owns the layers. */
  GPtrArray           *track_pieces;
  XunchaFix            last_track_fix;
  gboolean             has_last_track_fix;
  ShumateMarkerLayer  *report_layer;
  ShumateMarkerLayer  *task_layer;
  XunchaPositionLayer *position_layer;
  /* The controls over the map, which no street name is drawn under (shared with the
   * street and segment layers). */
  GPtrArray           *keep_clear;
  GtkWidget           *zoom_in;
  GtkWidget           *zoom_out;
};

G_DEFINE_FINAL_TYPE (XunchaMapView, xuncha_map_view, GTK_TYPE_WIDGET)

#define MIN_ZOOM 10
#define MAX_ZOOM 20

static ShumateMapSource *
make_map_source (XunchaMbtiles *tiles)
{
  g_autoptr(XunchaMbtilesSource) source = xuncha_mbtiles_source_new (tiles);
  const char *attribution = tiles != NULL ? xuncha_mbtiles_get_metadata (tiles, "attribution")
                                          : NULL;
  int min_zoom = MIN_ZOOM, max_zoom = MAX_ZOOM;

  if (tiles != NULL)
    xuncha_mbtiles_get_zoom_range (tiles, &min_zoom, &max_zoom);
  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (tiles != NULL ? "xuncha-basemap"
                                                                             : "xuncha-none",
                                                               _("Offline basemap"),
                                                               attribution != NULL ? attribution
                                                                                   : "",
                                                               "", min_zoom, max_zoom, 256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (source)));
}

static void
xuncha_map_view_dispose (GObject *object)
{
  XunchaMapView *self = (XunchaMapView *)object;

  g_clear_pointer ((GtkWidget **)&self->simple_map, gtk_widget_unparent);
  g_clear_object (&self->projection);
  g_clear_pointer (&self->track_pieces, g_ptr_array_unref);
  g_clear_pointer (&self->keep_clear, g_ptr_array_unref);

  G_OBJECT_CLASS (xuncha_map_view_parent_class)->dispose (object);
}

static void
xuncha_map_view_class_init (XunchaMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_map_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xuncha-map-view");
}

/* The compass (point north again) shows once the map has been turned. Hidden, it is not
 * measured, so its SVG icon, and with it the SVG image loader, wait until then instead of
 * being read before the first frame. */
static void
on_rotation_changed (XunchaMapView *self)
{
  gtk_widget_set_visible (GTK_WIDGET (shumate_simple_map_get_compass (self->simple_map)),
                          shumate_viewport_get_rotation (xuncha_map_view_get_viewport (self))
                          != 0);
}

/* A new piece of the track, under the report markers and the position. */
static void
start_track_piece (XunchaMapView *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  /* Thinner than the highlighted segments, so a walked (green) segment still shows on
   * both sides of the track that covers it. */
  GdkRGBA track_colour = { 0.42f, 0.18f, 0.62f, 0.9f };
  ShumatePathLayer *piece = shumate_path_layer_new (viewport);

  shumate_path_layer_set_stroke_color (piece, &track_colour);
  shumate_path_layer_set_stroke_width (piece, 3);
  shumate_map_insert_layer_behind (shumate_simple_map_get_map (self->simple_map),
                                   SHUMATE_LAYER (piece), SHUMATE_LAYER (self->report_layer));
  g_ptr_array_add (self->track_pieces, piece);
  self->track_layer = piece;
}

/* The simple map's zoom buttons: made by its template, found by their icons. */
static void
find_zoom_buttons (XunchaMapView *self,
                   GtkWidget     *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (child))))
        {
          const char *icon = gtk_image_get_icon_name (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (child))));

          if (g_strcmp0 (icon, "zoom-in-symbolic") == 0)
            self->zoom_in = child;
          else if (g_strcmp0 (icon, "zoom-out-symbolic") == 0)
            self->zoom_out = child;
        }
      else if (!SHUMATE_IS_MAP (child))
        find_zoom_buttons (self, child);
    }
}

static void
xuncha_map_view_init (XunchaMapView *self)
{
  ShumateViewport *viewport;

  self->simple_map = shumate_simple_map_new ();
  gtk_widget_set_parent (GTK_WIDGET (self->simple_map), GTK_WIDGET (self));
  gtk_widget_set_hexpand (GTK_WIDGET (self->simple_map), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->simple_map), TRUE);

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  g_signal_connect_object (viewport, "notify::rotation", G_CALLBACK (on_rotation_changed), self,
                           G_CONNECT_SWAPPED);
  on_rotation_changed (self);
  self->projection = make_map_source (NULL);
  shumate_viewport_set_reference_map_source (viewport, self->projection);
  shumate_viewport_set_min_zoom_level (viewport, MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, MAX_ZOOM);

  self->street_layer = xuncha_street_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->street_layer));

  /* Highlighted street segments lie under the track. */
  self->segment_layer = xuncha_segment_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->segment_layer));

  self->report_layer = shumate_marker_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->report_layer));

  /* The office's tasks over the reports: they are where the officer goes next. */
  self->task_layer = shumate_marker_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->task_layer));

  self->track_pieces = g_ptr_array_new ();
  start_track_piece (self);

  self->position_layer = xuncha_position_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->position_layer));

  /* Metres alone: an officer in China reads no feet, and the two-line scale took room. */
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->simple_map), SHUMATE_UNIT_METRIC);

  /* Targets a thumb hits: 48 px square, as the page's own map buttons (style.css). */
  find_zoom_buttons (self, GTK_WIDGET (self->simple_map));
  self->keep_clear = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->zoom_in != NULL && self->zoom_out != NULL)
    {
      gtk_widget_add_css_class (self->zoom_in, "map-zoom-button");
      gtk_widget_add_css_class (self->zoom_out, "map-zoom-button");
      g_ptr_array_add (self->keep_clear, g_object_ref (gtk_widget_get_parent (self->zoom_in)));
    }
  else
    g_warning ("The map's zoom buttons were not found: they keep their own size");
  g_ptr_array_add (self->keep_clear,
                   g_object_ref (shumate_simple_map_get_scale (self->simple_map)));
  g_ptr_array_add (self->keep_clear,
                   g_object_ref (shumate_simple_map_get_license (self->simple_map)));
  g_ptr_array_add (self->keep_clear,
                   g_object_ref (shumate_simple_map_get_compass (self->simple_map)));
  xuncha_street_layer_set_keep_clear (self->street_layer, self->keep_clear);
  xuncha_segment_layer_set_keep_clear (self->segment_layer, self->keep_clear);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Patrol map"), -1);
}

XunchaMapView *
xuncha_map_view_new (void)
{
  return g_object_new (XUNCHA_TYPE_MAP_VIEW, NULL);
}

ShumateViewport *
xuncha_map_view_get_viewport (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);
  return shumate_simple_map_get_viewport (self->simple_map);
}

ShumateMap *
xuncha_map_view_get_map (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);
  return shumate_simple_map_get_map (self->simple_map);
}

void
xuncha_map_view_set_basemap (XunchaMapView *self,
                             XunchaMbtiles *tiles)
{
  ShumateViewport *viewport;
  ShumateMap *map;
  g_autoptr(ShumateMapSource) source = NULL;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  viewport = xuncha_map_view_get_viewport (self);
  map = xuncha_map_view_get_map (self);
  if (self->basemap_layer != NULL)
    {
      shumate_map_remove_layer (map, SHUMATE_LAYER (self->basemap_layer));
      self->basemap_layer = NULL;
    }
  if (tiles == NULL)
    {
      shumate_viewport_set_reference_map_source (viewport, self->projection);
      return;
    }
  /* Our own layer under the street layer: the simple map's own map source would be put
   * on top of the overlays and hide the streets, the track and the position. */
  source = make_map_source (tiles);
  self->basemap_layer = shumate_map_layer_new (source, viewport);
  shumate_map_insert_layer_behind (map, SHUMATE_LAYER (self->basemap_layer),
                                   SHUMATE_LAYER (self->street_layer));
  shumate_viewport_set_reference_map_source (viewport, source);
}

void
xuncha_map_view_set_street_map (XunchaMapView   *self,
                                XunchaStreetMap *map)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  xuncha_street_layer_set_street_map (self->street_layer, map);
}

XunchaStreetLayer *
xuncha_map_view_get_street_layer (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);
  return self->street_layer;
}

void
xuncha_map_view_set_position (XunchaMapView   *self,
                              const XunchaFix *fix)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  xuncha_position_layer_set_fix (self->position_layer, fix);
}

void
xuncha_map_view_add_track_point (XunchaMapView   *self,
                                 const XunchaFix *fix)
{
  ShumateCoordinate *node;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  if (self->has_last_track_fix && xuncha_route_is_gap (&self->last_track_fix, fix))
    start_track_piece (self);
  self->last_track_fix = *fix;
  self->has_last_track_fix = TRUE;
  /* A coordinate is created floating; the layer sinks it and so owns the only reference. */
  node = shumate_coordinate_new_full (fix->lat, fix->lon);
  shumate_path_layer_add_node (self->track_layer, SHUMATE_LOCATION (node));
}

void
xuncha_map_view_set_track (XunchaMapView   *self,
                           const XunchaFix *fixes,
                           guint            n_fixes)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  while (self->track_pieces->len > 1)
    {
      ShumateLayer *piece = g_ptr_array_steal_index (self->track_pieces,
                                                     self->track_pieces->len - 1);

      shumate_map_remove_layer (shumate_simple_map_get_map (self->simple_map), piece);
    }
  self->track_layer = g_ptr_array_index (self->track_pieces, 0);
  self->has_last_track_fix = FALSE;
  shumate_path_layer_remove_all (self->track_layer);
  for (guint i = 0; i < n_fixes; i++)
    xuncha_map_view_add_track_point (self, &fixes[i]);
}

void
xuncha_map_view_center_on (XunchaMapView *self,
                           double         lat,
                           double         lon,
                           double         zoom)
{
  ShumateViewport *viewport;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  viewport = xuncha_map_view_get_viewport (self);
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (xuncha_map_view_get_map (self), lat, lon);
}

void
xuncha_map_view_get_center (XunchaMapView *self,
                            double        *lat,
                            double        *lon)
{
  ShumateLocation *location;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  location = SHUMATE_LOCATION (xuncha_map_view_get_viewport (self));
  *lat = shumate_location_get_latitude (location);
  *lon = shumate_location_get_longitude (location);
}

ShumateMarker *
xuncha_map_view_add_report (XunchaMapView *self,
                            const char    *uuid,
                            double         lat,
                            double         lon,
                            const char    *description)
{
  ShumateMarker *marker;
  GtkWidget *button;

  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);

  if (uuid == NULL)
    {
      /* A plain dot, where the report itself is listed beside the map. */
      marker = shumate_point_new ();
      gtk_widget_add_css_class (GTK_WIDGET (marker), "report-point");
      shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
      shumate_marker_layer_add_marker (self->report_layer, marker);
      return marker;
    }

  /* A tap on the pin reopens the report: its photos, details and where it is on its way
   * to the office. */
  button = gtk_button_new_from_icon_name ("mark-location-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", uuid);
  gtk_widget_add_css_class (button, "report-marker");
  marker = shumate_marker_new ();
  shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
  shumate_marker_set_child (marker, button);
  shumate_marker_layer_add_marker (self->report_layer, marker);
  if (description != NULL)
    xuncha_map_view_set_report_description (self, marker, description);
  return marker;
}

void
xuncha_map_view_set_report_description (XunchaMapView *self,
                                        ShumateMarker *marker,
                                        const char    *description)
{
  GtkWidget *button;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  g_return_if_fail (SHUMATE_IS_MARKER (marker));
  g_return_if_fail (description != NULL);

  button = shumate_marker_get_child (marker);
  if (!GTK_IS_BUTTON (button))
    return;
  gtk_widget_set_tooltip_text (button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
}

guint
xuncha_map_view_get_n_reports (XunchaMapView *self)
{
  g_autoptr(GList) markers = NULL;

  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), 0);

  markers = shumate_marker_layer_get_markers (self->report_layer);
  return g_list_length (markers);
}

XunchaSegmentLayer *
xuncha_map_view_get_segment_layer (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);
  return self->segment_layer;
}

void
xuncha_map_view_clear_reports (XunchaMapView *self)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  shumate_marker_layer_remove_all (self->report_layer);
}

void
xuncha_map_view_add_task (XunchaMapView *self,
                          const char    *id,
                          double         lat,
                          double         lon,
                          const char    *description,
                          gboolean       overdue)
{
  ShumateMarker *marker;
  GtkWidget *button;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  g_return_if_fail (id != NULL && description != NULL);

  /* A tap opens the task's page: what, where, until when, and Do it. */
  button = gtk_button_new_from_icon_name ("task-due-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-task");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  gtk_widget_add_css_class (button, "task-marker");
  if (overdue)
    gtk_widget_add_css_class (button, "overdue");
  gtk_widget_set_tooltip_text (button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  marker = shumate_marker_new ();
  shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
  shumate_marker_set_child (marker, button);
  shumate_marker_layer_add_marker (self->task_layer, marker);
}

void
xuncha_map_view_clear_tasks (XunchaMapView *self)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  shumate_marker_layer_remove_all (self->task_layer);
}

GtkWidget *
xuncha_map_view_get_task_pin (XunchaMapView *self,
                              const char    *id)
{
  g_autoptr(GList) markers = NULL;

  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);

  markers = shumate_marker_layer_get_markers (self->task_layer);
  for (GList *l = markers; l != NULL; l = l->next)
    {
      GtkWidget *button = shumate_marker_get_child (l->data);
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));

      if (target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), id) == 0)
        return button;
    }
  return NULL;
}

/* Web Mercator y of a latitude, in units of the world's width. */
static double
mercator_y (double lat)
{
  double phi = CLAMP (lat, -85.0, 85.0) * G_PI / 180;

  return log (tan (G_PI / 4 + phi / 2)) / (2 * G_PI);
}

void
xuncha_map_view_fit_bounds (XunchaMapView *self,
                            double         min_lat,
                            double         min_lon,
                            double         max_lat,
                            double         max_lon,
                            int            width,
                            int            height)
{
  ShumateViewport *viewport;
  double dx, dy, zoom = MAX_ZOOM;
  /* Room around the box for the line widths and the map's own controls (zoom buttons,
   * scale). */
  const double margin = 48;

  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));

  viewport = xuncha_map_view_get_viewport (self);
  if (width <= 0)
    width = gtk_widget_get_width (GTK_WIDGET (self));
  if (height <= 0)
    height = gtk_widget_get_height (GTK_WIDGET (self));
  width = MAX (width - 2 * margin, 64);
  height = MAX (height - 2 * margin, 64);

  /* The world is 256 * 2^zoom pixels wide. */
  dx = (max_lon - min_lon) / 360;
  dy = mercator_y (max_lat) - mercator_y (min_lat);
  if (dx > 0)
    zoom = MIN (zoom, log2 (width / (256 * dx)));
  if (dy > 0)
    zoom = MIN (zoom, log2 (height / (256 * dy)));
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (xuncha_map_view_get_map (self), (min_lat + max_lat) / 2,
                         (min_lon + max_lon) / 2);
}

gboolean
xuncha_map_view_has_basemap (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), FALSE);
  return self->basemap_layer != NULL;
}

guint
xuncha_map_view_get_n_track_pieces (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), 0);

  return self->track_pieces->len;
}

GtkWidget *
xuncha_map_view_get_report_pin (XunchaMapView *self,
                                const char    *uuid)
{
  g_autoptr(GList) markers = NULL;

  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  markers = shumate_marker_layer_get_markers (self->report_layer);
  for (GList *l = markers; l != NULL; l = l->next)
    {
      GtkWidget *pin = shumate_marker_get_child (l->data);
      GVariant *target = GTK_IS_ACTIONABLE (pin)
                         ? gtk_actionable_get_action_target_value (GTK_ACTIONABLE (pin)) : NULL;

      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING)
          && g_str_equal (g_variant_get_string (target, NULL), uuid))
        return pin;
    }
  return NULL;
}

void
xuncha_map_view_keep_clear (XunchaMapView *self,
                            GtkWidget     *control)
{
  g_return_if_fail (XUNCHA_IS_MAP_VIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (control));

  g_ptr_array_add (self->keep_clear, g_object_ref (control));
  gtk_widget_queue_draw (GTK_WIDGET (self->street_layer));
  gtk_widget_queue_draw (GTK_WIDGET (self->segment_layer));
}

GtkWidget *
xuncha_map_view_get_zoom_button (XunchaMapView *self,
                                 gboolean       zoom_in)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);

  return zoom_in ? self->zoom_in : self->zoom_out;
}

GPtrArray *
xuncha_map_view_get_keep_clear (XunchaMapView *self)
{
  g_return_val_if_fail (XUNCHA_IS_MAP_VIEW (self), NULL);

  return self->keep_clear;
}
