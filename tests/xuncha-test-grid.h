/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-fix.h"

G_BEGIN_DECLS

/* A synthetic street grid for coverage tests: 6 x 6 streets 100 m apart (x, y from 0 to
 * 500 metres east and north of a corner near Nanchong), cut at every crossing into 100 m
 * segments named h<x>_<y> (eastward from (x, y)) and v<x>_<y> (northward). The east-west
 * street at y is named 横<y/100>路, the north-south one at x 纵<x/100>路. */
#define XUNCHA_TEST_GRID_LAT0 30.80
#define XUNCHA_TEST_GRID_LON0 106.08

/* Metres east and north of the grid's corner to WGS-84 degrees (a local flat projection,
 * good to about 0.1 % over the grid). */
void    xuncha_test_grid_to_degrees   (double      x,
                                       double      y,
                                       double     *lat,
                                       double     *lon);
/* Writes the grid as a GeoJSON FeatureCollection the street importer reads. */
void    xuncha_test_grid_write_geojson (const char *path);
/* A walk through the given corners (x, y pairs in metres) at 1.4 m/s, one fix a second
 * from @start_ms, accuracy 5 m. */
GArray *xuncha_test_grid_walk         (const double *corners,
                                       guint         n_corners,
                                       gint64        start_ms);
/* Writes fixes as a GPX 1.1 track. */
void    xuncha_test_write_gpx         (const char  *path,
                                       GArray      *fixes);

G_END_DECLS
