/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-shift-route.h"

void
xuncha_office_shift_route_free (XunchaOfficeShiftRoute *route)
{
  if (route == NULL)
    return;
  g_clear_pointer (&route->shift, xuncha_wire_shift_free);
  g_clear_pointer (&route->fixes, g_array_unref);
  g_clear_pointer (&route->gaps, g_array_unref);
  g_strfreev (route->walked_ids);
  g_strfreev (route->missed_ids);
  g_free (route);
}
