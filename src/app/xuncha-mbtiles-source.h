/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_MBTILES_SOURCE (xuncha_mbtiles_source_get_type ())

G_DECLARE_FINAL_TYPE (XunchaMbtilesSource, xuncha_mbtiles_source, XUNCHA, MBTILES_SOURCE,
                      ShumateDataSource)

/* A ShumateDataSource serving the tiles of an offline MBTiles basemap; never the network.
 * With @tiles NULL it has no tiles at all (a projection for the viewport, nothing more). */
XunchaMbtilesSource *xuncha_mbtiles_source_new      (XunchaMbtiles       *tiles);
XunchaMbtiles       *xuncha_mbtiles_source_get_tiles (XunchaMbtilesSource *self);

G_END_DECLS
