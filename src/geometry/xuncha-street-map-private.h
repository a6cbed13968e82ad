/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "xuncha-street-map.h"

G_BEGIN_DECLS

/* For core modules, tests and benchmarks: the map's metric projection and its GEOS
 * geometries, so a test can check the index against a plain scan over the same lines. */

GEOSContextHandle_t  xuncha_street_map_get_geos_context (XunchaStreetMap *self);
/* WGS-84 to the map's local metric plane (metres east and north of the data's centre). */
void                 xuncha_street_map_project          (XunchaStreetMap *self,
                                                         double           lat,
                                                         double           lon,
                                                         double          *x,
                                                         double          *y);
void                 xuncha_street_map_unproject        (XunchaStreetMap *self,
                                                         double           x,
                                                         double           y,
                                                         double          *lat,
                                                         double          *lon);
/* Each part of each segment is one projected GEOS LineString, owned by the map. */
guint                xuncha_street_map_get_n_parts      (XunchaStreetMap *self);
const GEOSGeometry  *xuncha_street_map_get_part         (XunchaStreetMap *self,
                                                         guint            part,
                                                         guint           *segment_index);

/* WKB of WGS-84 (Multi)LineStrings as the streets table stores them. */
GBytes              *xuncha_street_geometry_to_wkb      (const double    *lonlat,
                                                         const guint     *part_ends,
                                                         guint            n_parts);
/* Parses WKB (either byte order) of a LineString or MultiLineString. */
gboolean             xuncha_street_geometry_from_wkb    (const guint8    *data,
                                                         gsize            length,
                                                         GArray          *lonlat,
                                                         GArray          *part_ends);

G_END_DECLS
