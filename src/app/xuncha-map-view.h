/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "xuncha-core.h"
#include "xuncha-street-layer.h"
#include "xuncha-segment-layer.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_MAP_VIEW (xuncha_map_view_get_type ())

G_DECLARE_FINAL_TYPE (XunchaMapView, xuncha_map_view, XUNCHA, MAP_VIEW, GtkWidget)

/* The patrol map: an optional offline basemap, the street layer, today's track, report
 * markers and the officer's position. Never fetches online tiles. */
XunchaMapView   *xuncha_map_view_new          (void);
ShumateViewport *xuncha_map_view_get_viewport (XunchaMapView   *self);
ShumateMap      *xuncha_map_view_get_map      (XunchaMapView   *self);

/* NULL: no basemap, the layers of our own alone. */
void             xuncha_map_view_set_basemap  (XunchaMapView   *self,
                                               XunchaMbtiles   *tiles);
void             xuncha_map_view_set_street_map (XunchaMapView   *self,
                                                 XunchaStreetMap *map);
XunchaStreetLayer *xuncha_map_view_get_street_layer (XunchaMapView *self);
gboolean         xuncha_map_view_has_basemap  (XunchaMapView   *self);
void             xuncha_map_view_set_position (XunchaMapView   *self,
                                               const XunchaFix *fix);
/* Replaces the drawn track. */
void             xuncha_map_view_set_track    (XunchaMapView   *self,
                                               const XunchaFix *fixes,
                                               guint            n_fixes);
void             xuncha_map_view_add_track_point (XunchaMapView   *self,
                                                  const XunchaFix *fix);
void             xuncha_map_view_center_on    (XunchaMapView   *self,
                                               double           lat,
                                               double           lon,
                                               double           zoom);
/* The map's centre (where the placement pin points). */
void             xuncha_map_view_get_center   (XunchaMapView   *self,
                                               double          *lat,
                                               double          *lon);

/* A pin for the saved report @uuid: a tap reopens it ("win.open-report"); @description
 * (may be NULL) is its tooltip and accessible name. Without @uuid, a plain dot. Returns
 * the marker, owned by the map. */
ShumateMarker   *xuncha_map_view_add_report   (XunchaMapView   *self,
                                               const char      *uuid,
                                               double           lat,
                                               double           lon,
                                               const char      *description);
/* What a pin made by xuncha_map_view_add_report() is called (the report was edited). */
void             xuncha_map_view_set_report_description (XunchaMapView *self,
                                                         ShumateMarker *marker,
                                                         const char    *description);
guint            xuncha_map_view_get_n_reports (XunchaMapView  *self);
/* The layer of highlighted street segments (under the track). */
XunchaSegmentLayer *xuncha_map_view_get_segment_layer (XunchaMapView *self);
/* Report markers. */
void             xuncha_map_view_clear_reports (XunchaMapView   *self);
/* A pin for the task @id (a tap opens its page, "win.open-task"), red when @overdue;
 * @description is its tooltip and accessible name. */
void             xuncha_map_view_add_task     (XunchaMapView   *self,
                                               const char      *id,
                                               double           lat,
                                               double           lon,
                                               const char      *description,
                                               gboolean         overdue);
void             xuncha_map_view_clear_tasks  (XunchaMapView   *self);
/* The pin of the task @id, or NULL (for tests). */
GtkWidget       *xuncha_map_view_get_task_pin (XunchaMapView   *self,
                                               const char      *id);
/* A control laid over the map (a button, a legend): no street name is drawn under it. */
void             xuncha_map_view_keep_clear   (XunchaMapView   *self,
                                               GtkWidget       *control);
/* Centres and zooms so the box fills a view of @width x @height pixels (0: the widget's
 * current size). */
void             xuncha_map_view_fit_bounds   (XunchaMapView   *self,
                                               double           min_lat,
                                               double           min_lon,
                                               double           max_lat,
                                               double           max_lon,
                                               int              width,
                                               int              height);

G_END_DECLS
