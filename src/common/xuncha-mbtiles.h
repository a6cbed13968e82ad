/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XUNCHA_MBTILES_ERROR (xuncha_mbtiles_error_quark ())

typedef enum
{
  XUNCHA_MBTILES_ERROR_OPEN,     /* missing, unreadable or not SQLite */
  XUNCHA_MBTILES_ERROR_INVALID,  /* SQLite, but not an MBTiles tile set */
  XUNCHA_MBTILES_ERROR_READ,
} XunchaMbtilesError;

#define XUNCHA_TYPE_MBTILES (xuncha_mbtiles_get_type ())

G_DECLARE_FINAL_TYPE (XunchaMbtiles, xuncha_mbtiles, XUNCHA, MBTILES, GObject)

GQuark         xuncha_mbtiles_error_quark   (void);

/* Opens an MBTiles file (an offline basemap) read-only. Tile reads may come from any
 * thread. */
XunchaMbtiles *xuncha_mbtiles_open          (const char     *path,
                                             GError        **error);

const char    *xuncha_mbtiles_get_path      (XunchaMbtiles  *self);
/* A value of the metadata table ("name", "format", "attribution", ...), or NULL. */
const char    *xuncha_mbtiles_get_metadata  (XunchaMbtiles  *self,
                                             const char     *key);
/* "png", "jpg", "webp" or "pbf"; "png" when the file does not say. */
const char    *xuncha_mbtiles_get_format    (XunchaMbtiles  *self);
void           xuncha_mbtiles_get_zoom_range (XunchaMbtiles *self,
                                              int           *min_zoom,
                                              int           *max_zoom);

/* The tile at @x, @y (XYZ scheme, y counted from the north as web maps do) and @zoom.
 * Returns NULL without an error when the file has no such tile. */
GBytes        *xuncha_mbtiles_get_tile      (XunchaMbtiles  *self,
                                             int             zoom,
                                             int             x,
                                             int             y,
                                             GError        **error);

G_END_DECLS
