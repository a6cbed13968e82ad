/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One position fix, WGS-84. Unknown values are NAN (accuracy, altitude, speed, heading);
 * time is Unix milliseconds, UTC. A plain value type: copy it freely. */
typedef struct
{
  gint64 t_ms;
  double lat;
  double lon;
  double accuracy;   /* metres, horizontal */
  double altitude;   /* metres above sea level */
  double speed;      /* metres per second */
  double heading;    /* degrees from true north */
} XunchaFix;

#define XUNCHA_TYPE_FIX (xuncha_fix_get_type ())

GType      xuncha_fix_get_type  (void) G_GNUC_CONST;
XunchaFix *xuncha_fix_copy      (const XunchaFix *fix);
void       xuncha_fix_free      (XunchaFix       *fix);
/* A fix with every optional value unknown. */
XunchaFix  xuncha_fix_init      (gint64           t_ms,
                                 double           lat,
                                 double           lon);
/* Great-circle distance in metres (haversine, mean Earth radius). */
double     xuncha_fix_distance  (const XunchaFix *a,
                                 const XunchaFix *b);
double     xuncha_distance_m    (double           lat1,
                                 double           lon1,
                                 double           lat2,
                                 double           lon2);

/* Initial great-circle bearing from the first point to the second, degrees clockwise from
 * true north in [0, 360). */
double     xuncha_bearing_deg   (double           lat1,
                                 double           lon1,
                                 double           lat2,
                                 double           lon2);
/* The compass point (0 N, 1 NE, ... 7 NW) nearest a bearing. */
guint      xuncha_bearing_octant (double          bearing_deg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaFix, xuncha_fix_free)

G_END_DECLS
