/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-fix.h"

G_BEGIN_DECLS

/* The stop radius: a long step that ends within it is a stop, not a gap. */
#define XUNCHA_ROUTE_STOP_RADIUS_M  20.0
/* A step longer than this outside a stop is a gap in recording, not time spent moving
 * (xuncha_route_is_gap()). */
#define XUNCHA_ROUTE_GAP_MS         (5 * 60 * 1000)

/* A stretch without positions (the phone slept, or the location service stopped): its
 * ends are the last point before and the first after. Not a walk between them. The rule
 * is the device's route summary's; the office draws a synced track with the same one. */
typedef struct
{
  gint64 start_ms;
  gint64 end_ms;
  double start_lat;
  double start_lon;
  double end_lat;
  double end_lon;
} XunchaRouteGap;

/* Whether the step from @before to @after is a gap in recording (see XunchaRouteGap):
 * longer than XUNCHA_ROUTE_GAP_MS and ending beyond the stop radius. */
gboolean  xuncha_route_is_gap    (const XunchaFix *before,
                                  const XunchaFix *after);
/* The gaps of a track in time order (@fixes sorted by time), as a new array of
 * XunchaRouteGap; empty when there are none. */
GArray   *xuncha_route_find_gaps (const XunchaFix *fixes,
                                  gsize            n_fixes);

G_END_DECLS
