/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The geographic coordinate systems that street data arrives in. GPS and OpenStreetMap use
 * WGS-84; Chinese map products publish GCJ-02 (Amap, Tencent) or BD-09 (Baidu), which are
 * shifted from WGS-84 by an obfuscation of a few hundred metres. The store keeps WGS-84. */
typedef enum
{
  XUNCHA_CRS_WGS84,
  XUNCHA_CRS_GCJ02,
  XUNCHA_CRS_BD09,
} XunchaCrs;

#define XUNCHA_CRS_ERROR (xuncha_crs_error_quark ())

typedef enum
{
  XUNCHA_CRS_ERROR_UNKNOWN,
} XunchaCrsError;

GQuark      xuncha_crs_error_quark (void);

/* Parses "wgs84", "gcj02" or "bd09" (case-insensitive; "wgs-84", "gcj-02", "bd-09" too). */
gboolean    xuncha_crs_from_string (const char  *name,
                                    XunchaCrs   *out_crs,
                                    GError     **error);
const char *xuncha_crs_to_string   (XunchaCrs    crs);

/* TRUE when GCJ-02 shifts this WGS-84 position: inside the rough rectangle around China
 * that public implementations use. Elsewhere GCJ-02 (and the GCJ-02 step of BD-09) is the
 * identity. */
gboolean    xuncha_crs_in_china    (double       lat,
                                    double       lon);

/* Converts one position between any two of the systems. The forward directions
 * (WGS-84 → GCJ-02 → BD-09) are closed formulas; the inverse directions solve the forward
 * formula by iteration to about a millimetre, not the one-step approximations that are
 * often published (those are off by up to a couple of metres). */
void        xuncha_crs_convert     (XunchaCrs    from,
                                    XunchaCrs    to,
                                    double       lat,
                                    double       lon,
                                    double      *out_lat,
                                    double      *out_lon);

G_END_DECLS
