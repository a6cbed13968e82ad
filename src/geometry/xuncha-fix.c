/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-fix"

#include "config.h"

#include <math.h>

#include "xuncha-fix.h"

G_DEFINE_BOXED_TYPE (XunchaFix, xuncha_fix, xuncha_fix_copy, xuncha_fix_free)

#define EARTH_RADIUS_M 6371008.8

XunchaFix *
xuncha_fix_copy (const XunchaFix *fix)
{
  return g_memdup2 (fix, sizeof *fix);
}

void
xuncha_fix_free (XunchaFix *fix)
{
  g_free (fix);
}

XunchaFix
xuncha_fix_init (gint64 t_ms,
                 double lat,
                 double lon)
{
  XunchaFix fix = { t_ms, lat, lon, NAN, NAN, NAN, NAN };

  return fix;
}

double
xuncha_distance_m (double lat1,
                   double lon1,
                   double lat2,
                   double lon2)
{
  double phi1 = lat1 * G_PI / 180.0;
  double phi2 = lat2 * G_PI / 180.0;
  double dphi = phi2 - phi1;
  double dlambda = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dphi / 2) * sin (dphi / 2)
             + cos (phi1) * cos (phi2) * sin (dlambda / 2) * sin (dlambda / 2);

  return 2 * EARTH_RADIUS_M * atan2 (sqrt (a), sqrt (1 - a));
}

double
xuncha_fix_distance (const XunchaFix *a,
                     const XunchaFix *b)
{
  return xuncha_distance_m (a->lat, a->lon, b->lat, b->lon);
}

double
xuncha_bearing_deg (double lat1,
                    double lon1,
                    double lat2,
                    double lon2)
{
  double phi1 = lat1 * G_PI / 180.0;
  double phi2 = lat2 * G_PI / 180.0;
  double dlambda = (lon2 - lon1) * G_PI / 180.0;
  double y = sin (dlambda) * cos (phi2);
  double x = cos (phi1) * sin (phi2) - sin (phi1) * cos (phi2) * cos (dlambda);
  double bearing = atan2 (y, x) * 180.0 / G_PI;

  return fmod (bearing + 360.0, 360.0);
}

guint
xuncha_bearing_octant (double bearing_deg)
{
  return (guint)floor (fmod (bearing_deg + 22.5, 360.0) / 45.0) % 8;
}
