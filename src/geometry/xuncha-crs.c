/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-crs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-crs.h"

G_DEFINE_QUARK (xuncha-crs-error-quark, xuncha_crs_error)

/* GCJ-02 is defined on the Krasovsky 1940 ellipsoid. */
#define KRASOVSKY_A  6378245.0
#define KRASOVSKY_EE 0.00669342162296594323
/* BD-09 works on GCJ-02 degrees scaled by this factor in its small wobble terms. */
#define BD_X_PI      (G_PI * 3000.0 / 180.0)

/* An iterative inverse stops when the forward image is this close to the target, in
 * degrees (about 1 mm), or after this many rounds (it converges in 3 to 5). */
#define INVERSE_TOLERANCE_DEG 1e-8
#define INVERSE_MAX_ROUNDS    30

gboolean
xuncha_crs_from_string (const char  *name,
                        XunchaCrs   *out_crs,
                        GError     **error)
{
  g_autofree char *folded = NULL;
  GString *plain;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out_crs != NULL, FALSE);

  folded = g_ascii_strdown (name, -1);
  plain = g_string_new (folded);
  g_string_replace (plain, "-", "", 0);
  g_string_replace (plain, "_", "", 0);
  g_free (folded);
  folded = g_string_free (plain, FALSE);

  if (g_str_equal (folded, "wgs84") || g_str_equal (folded, "epsg:4326"))
    *out_crs = XUNCHA_CRS_WGS84;
  else if (g_str_equal (folded, "gcj02"))
    *out_crs = XUNCHA_CRS_GCJ02;
  else if (g_str_equal (folded, "bd09"))
    *out_crs = XUNCHA_CRS_BD09;
  else
    {
      g_set_error (error, XUNCHA_CRS_ERROR, XUNCHA_CRS_ERROR_UNKNOWN,
                   _("Unknown coordinate system “%s”: use wgs84 (GPS, OpenStreetMap), "
                     "gcj02 (Amap, Tencent) or bd09 (Baidu)."), name);
      return FALSE;
    }
  return TRUE;
}

const char *
xuncha_crs_to_string (XunchaCrs crs)
{
  switch (crs)
    {
    case XUNCHA_CRS_WGS84:
      return "wgs84";
    case XUNCHA_CRS_GCJ02:
      return "gcj02";
    case XUNCHA_CRS_BD09:
      return "bd09";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
xuncha_crs_in_china (double lat,
                     double lon)
{
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

/* The published GCJ-02 offset polynomials, in metres-like units on the ellipsoid, about
 * the origin (105 E, 35 N). */
static double
offset_lat (double x,
            double y)
{
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt (fabs (x));

  r += (20.0 * sin (6.0 * x * G_PI) + 20.0 * sin (2.0 * x * G_PI)) * 2.0 / 3.0;
  r += (20.0 * sin (y * G_PI) + 40.0 * sin (y / 3.0 * G_PI)) * 2.0 / 3.0;
  r += (160.0 * sin (y / 12.0 * G_PI) + 320.0 * sin (y * G_PI / 30.0)) * 2.0 / 3.0;
  return r;
}

static double
offset_lon (double x,
            double y)
{
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt (fabs (x));

  r += (20.0 * sin (6.0 * x * G_PI) + 20.0 * sin (2.0 * x * G_PI)) * 2.0 / 3.0;
  r += (20.0 * sin (x * G_PI) + 40.0 * sin (x / 3.0 * G_PI)) * 2.0 / 3.0;
  r += (150.0 * sin (x / 12.0 * G_PI) + 300.0 * sin (x / 30.0 * G_PI)) * 2.0 / 3.0;
  return r;
}

static void
wgs84_to_gcj02 (double  lat,
                double  lon,
                double *out_lat,
                double *out_lon)
{
  double dlat, dlon, rad_lat, magic, sqrt_magic;

  if (!xuncha_crs_in_china (lat, lon))
    {
      *out_lat = lat;
      *out_lon = lon;
      return;
    }

  dlat = offset_lat (lon - 105.0, lat - 35.0);
  dlon = offset_lon (lon - 105.0, lat - 35.0);
  rad_lat = lat / 180.0 * G_PI;
  magic = sin (rad_lat);
  magic = 1 - KRASOVSKY_EE * magic * magic;
  sqrt_magic = sqrt (magic);
  dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrt_magic) * G_PI);
  dlon = (dlon * 180.0) / (KRASOVSKY_A / sqrt_magic * cos (rad_lat) * G_PI);
  *out_lat = lat + dlat;
  *out_lon = lon + dlon;
}

static void
gcj02_to_bd09 (double  lat,
               double  lon,
               double *out_lat,
               double *out_lon)
{
  double z = sqrt (lon * lon + lat * lat) + 0.00002 * sin (lat * BD_X_PI);
  double theta = atan2 (lat, lon) + 0.000003 * cos (lon * BD_X_PI);

  *out_lon = z * cos (theta) + 0.0065;
  *out_lat = z * sin (theta) + 0.006;
}

typedef void (*ForwardFunc) (double lat, double lon, double *out_lat, double *out_lon);

/* Solves forward(x) = target by fixed-point iteration: both shifts change slowly with
 * position (their derivatives are around 1e-5), so subtracting the residual converges
 * geometrically. */
static void
invert (ForwardFunc  forward,
        double       lat,
        double       lon,
        double      *out_lat,
        double      *out_lon)
{
  double guess_lat = lat;
  double guess_lon = lon;

  for (int round = 0; round < INVERSE_MAX_ROUNDS; round++)
    {
      double image_lat, image_lon, err_lat, err_lon;

      forward (guess_lat, guess_lon, &image_lat, &image_lon);
      err_lat = image_lat - lat;
      err_lon = image_lon - lon;
      if (fabs (err_lat) < INVERSE_TOLERANCE_DEG && fabs (err_lon) < INVERSE_TOLERANCE_DEG)
        break;
      guess_lat -= err_lat;
      guess_lon -= err_lon;
    }
  *out_lat = guess_lat;
  *out_lon = guess_lon;
}

static void
to_wgs84 (XunchaCrs  from,
          double     lat,
          double     lon,
          double    *out_lat,
          double    *out_lon)
{
  switch (from)
    {
    case XUNCHA_CRS_WGS84:
      *out_lat = lat;
      *out_lon = lon;
      break;
    case XUNCHA_CRS_GCJ02:
      invert (wgs84_to_gcj02, lat, lon, out_lat, out_lon);
      break;
    case XUNCHA_CRS_BD09:
      invert (gcj02_to_bd09, lat, lon, &lat, &lon);
      invert (wgs84_to_gcj02, lat, lon, out_lat, out_lon);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
from_wgs84 (XunchaCrs  to,
            double     lat,
            double     lon,
            double    *out_lat,
            double    *out_lon)
{
  switch (to)
    {
    case XUNCHA_CRS_WGS84:
      *out_lat = lat;
      *out_lon = lon;
      break;
    case XUNCHA_CRS_GCJ02:
      wgs84_to_gcj02 (lat, lon, out_lat, out_lon);
      break;
    case XUNCHA_CRS_BD09:
      wgs84_to_gcj02 (lat, lon, &lat, &lon);
      gcj02_to_bd09 (lat, lon, out_lat, out_lon);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
xuncha_crs_convert (XunchaCrs  from,
                    XunchaCrs  to,
                    double     lat,
                    double     lon,
                    double    *out_lat,
                    double    *out_lon)
{
  double wgs_lat, wgs_lon;

  g_return_if_fail (out_lat != NULL && out_lon != NULL);
  g_return_if_fail (from <= XUNCHA_CRS_BD09 && to <= XUNCHA_CRS_BD09);

  if (from == to)
    {
      *out_lat = lat;
      *out_lon = lon;
      return;
    }
  /* GCJ-02 <-> BD-09 directly, so no round trip through WGS-84 adds error. */
  if (from == XUNCHA_CRS_GCJ02 && to == XUNCHA_CRS_BD09)
    {
      gcj02_to_bd09 (lat, lon, out_lat, out_lon);
      return;
    }
  if (from == XUNCHA_CRS_BD09 && to == XUNCHA_CRS_GCJ02)
    {
      invert (gcj02_to_bd09, lat, lon, out_lat, out_lon);
      return;
    }
  to_wgs84 (from, lat, lon, &wgs_lat, &wgs_lon);
  from_wgs84 (to, wgs_lat, wgs_lon, out_lat, out_lon);
}
