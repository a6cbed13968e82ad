/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-wire-shift.h"

G_BEGIN_DECLS

/* One shift of an officer's day as the office sees it from the synced track points: the
 * track, its gaps, and which of the officer's assigned segments it walked. Computed with
 * the device's own rules (src/geometry: XunchaStreetMap's coverage with the default
 * options, xuncha_route_find_gaps()), so the figures are the device's route summary's.
 * A plain struct: read the fields. */
typedef struct
{
  XunchaWireShift *shift;
  GArray          *fixes;          /* XunchaFix, by seq (the order the device recorded) */
  gint64           newest_seq;     /* the highest seq of the points; 0 for none */
  GArray          *gaps;           /* XunchaRouteGap, by time */
  double           length_m;       /* sum of great-circle steps, as the device's summary */
  /* Coverage of the assigned segments the office holds (deleted or unknown ids are left
   * out, as the device leaves out those its map lacks). No assigned segment: n_assigned
   * is 0, the percentages 0 and the lists empty. */
  guint            n_assigned;
  double           percent;        /* walked assigned segments, by count (0 to 100) */
  double           length_percent; /* of the assigned length walked */
  GStrv            walked_ids;     /* assigned segments walked, sorted by id */
  GStrv            missed_ids;     /* assigned segments not walked, sorted by id */
} XunchaOfficeShiftRoute;

void  xuncha_office_shift_route_free (XunchaOfficeShiftRoute *route);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeShiftRoute, xuncha_office_shift_route_free)

G_END_DECLS
