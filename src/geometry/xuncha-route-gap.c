/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-route-gap"

#include "config.h"

#include "xuncha-route-gap.h"

gboolean
xuncha_route_is_gap (const XunchaFix *before,
                     const XunchaFix *after)
{
  g_return_val_if_fail (before != NULL && after != NULL, FALSE);

  /* The fix filter keeps few points of an officer standing still, so a long step within
   * the stop radius is a stop; one that ends elsewhere was walked without positions. */
  return after->t_ms - before->t_ms > XUNCHA_ROUTE_GAP_MS
         && xuncha_fix_distance (before, after) > XUNCHA_ROUTE_STOP_RADIUS_M;
}

GArray *
xuncha_route_find_gaps (const XunchaFix *fixes,
                        gsize            n_fixes)
{
  GArray *gaps;

  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  gaps = g_array_new (FALSE, FALSE, sizeof (XunchaRouteGap));
  for (gsize k = 0; k + 1 < n_fixes; k++)
    if (xuncha_route_is_gap (&fixes[k], &fixes[k + 1]))
      {
        XunchaRouteGap gap = { fixes[k].t_ms, fixes[k + 1].t_ms, fixes[k].lat, fixes[k].lon,
                               fixes[k + 1].lat, fixes[k + 1].lon };

        g_array_append_val (gaps, gap);
      }
  return gaps;
}
