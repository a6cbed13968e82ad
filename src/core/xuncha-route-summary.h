/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"
#include "xuncha-shift.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* A stop: the officer stayed within this radius for at least this long. */
#define XUNCHA_ROUTE_STOP_RADIUS_M  20.0
#define XUNCHA_ROUTE_STOP_MIN_MS    (2 * 60 * 1000)
/* A step longer than this outside a stop is a gap in recording, not time spent moving. */
#define XUNCHA_ROUTE_GAP_MS         (5 * 60 * 1000)

typedef struct
{
  gint64 start_ms;
  gint64 end_ms;
  double lat;          /* where the stop began */
  double lon;
} XunchaRouteStop;

typedef struct
{
  char   *uuid;
  char   *created_at;  /* as stored, ISO 8601 UTC */
  char   *category;
  double  lat;         /* NAN when the report has no position */
  double  lon;
} XunchaRouteReport;

typedef struct
{
  char  *category;
  guint  count;
} XunchaRouteCategoryCount;

/* What a shift's route amounts to. A plain struct: read the fields. */
typedef struct
{
  char      *shift_uuid;      /* NULL for a summary of bare fixes */
  guint      n_points;
  gint64     first_fix_ms;    /* 0 without points */
  gint64     last_fix_ms;
  double     length_m;        /* sum of great-circle steps between the stored (filtered) points */
  gint64     duration_ms;     /* first to last point */
  gint64     moving_ms;       /* duration without stops and recording gaps */
  guint      n_stops;
  gint64     stopped_ms;
  GArray    *stops;           /* XunchaRouteStop */
  GArray    *reports;         /* XunchaRouteReport, by time */
  GArray    *category_counts; /* XunchaRouteCategoryCount, most frequent first */

  /* Coverage of the officer's assigned street segments. NOT computed here: the street-map
   * module's coverage call fills it in a separate step, with
   * xuncha_route_summary_set_coverage(); until then has_coverage is FALSE and the other
   * fields are empty. */
  gboolean   has_coverage;
  double     coverage_percent;
  GStrv      walked_segments;
  GStrv      missed_segments;
} XunchaRouteSummary;

#define XUNCHA_TYPE_ROUTE_SUMMARY (xuncha_route_summary_get_type ())

GType               xuncha_route_summary_get_type        (void) G_GNUC_CONST;

/* Length, times and stops of a track; no reports, no coverage. */
XunchaRouteSummary *xuncha_route_summary_new_for_fixes   (const XunchaFix     *fixes,
                                                          gsize                n_fixes);
/* The summary of a stored shift: its track plus the reports made during it (those tied to
 * the shift, and those without a shift created between its start and end). @points, when
 * not NULL, receives the track (an array of XunchaFix) for drawing it. */
XunchaRouteSummary *xuncha_route_summary_new_for_shift   (XunchaStore         *store,
                                                          XunchaShift         *shift,
                                                          GArray             **points,
                                                          GError             **error);

/* The coverage step, to be called with the street-map module's result. */
void                xuncha_route_summary_set_coverage    (XunchaRouteSummary  *self,
                                                          double               percent,
                                                          const char * const  *walked,
                                                          const char * const  *missed);

XunchaRouteSummary *xuncha_route_summary_copy            (const XunchaRouteSummary *self);
void                xuncha_route_summary_free            (XunchaRouteSummary  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaRouteSummary, xuncha_route_summary_free)

G_END_DECLS
