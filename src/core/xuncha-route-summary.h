/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"
#include "xuncha-route-gap.h"
#include "xuncha-shift.h"
#include "xuncha-store.h"
#include "xuncha-street-map-store.h"

G_BEGIN_DECLS

/* A stop: the officer stayed within XUNCHA_ROUTE_STOP_RADIUS_M (xuncha-route-gap.h) for
 * at least this long. */
#define XUNCHA_ROUTE_STOP_MIN_MS    (2 * 60 * 1000)

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

/* Whether a summary's coverage is known, and why not when it is not. */
typedef enum
{
  XUNCHA_ROUTE_COVERAGE_NOT_COMPUTED,   /* the coverage step has not run */
  XUNCHA_ROUTE_COVERAGE_DONE,
  XUNCHA_ROUTE_COVERAGE_NO_STREETS,     /* no street map imported */
  XUNCHA_ROUTE_COVERAGE_NO_ASSIGNMENTS, /* no assigned segment the map knows */
} XunchaRouteCoverageState;

/* "not-computed", "done", "no-streets", "no-assignments". */
const char *xuncha_route_coverage_state_to_string (XunchaRouteCoverageState state);

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
  /* Steps longer than XUNCHA_ROUTE_GAP_MS: time without positions, neither moving nor a
   * stop (a stop never spans one). */
  guint      n_gaps;
  gint64     gap_ms;
  GArray    *gaps;            /* XunchaRouteGap, by time */
  GArray    *reports;         /* XunchaRouteReport, by time */
  GArray    *category_counts; /* XunchaRouteCategoryCount, most frequent first */

  /* Coverage of the officer's assigned street segments. NOT computed by the constructors:
   * xuncha_route_summary_add_coverage() (or _add_coverage_from_store()) fills it in a
   * separate step; until then has_coverage is FALSE, coverage_state says why and the
   * other fields are empty. */
  gboolean   has_coverage;
  XunchaRouteCoverageState coverage_state;
  double     coverage_percent;        /* of the assigned segments, by count (0 to 100) */
  double     coverage_length_percent; /* of the assigned length actually walked */
  guint      n_assigned;              /* assigned segments the map knows */
  /* Every segment of the map the track walked, sorted by id: filled whenever a street
   * map was there, even without assignments (the route view draws them). */
  GStrv      walked_segments;
  /* The assigned segments not walked, and their street names ("" when unnamed) in the
   * same order. */
  GStrv      missed_segments;
  GStrv      missed_names;
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

/* Sets a coverage figured elsewhere (percentage by count, walked and missed ids); the
 * other coverage fields stay empty. */
void                xuncha_route_summary_set_coverage    (XunchaRouteSummary  *self,
                                                          double               percent,
                                                          const char * const  *walked,
                                                          const char * const  *missed);

/* Fills the coverage from @map for the track @fixes (the shift's stored, already filtered
 * points) and the officer's @assigned_ids (NULL-terminated; NULL for none). An empty map
 * leaves has_coverage FALSE with XUNCHA_ROUTE_COVERAGE_NO_STREETS; no assigned segment
 * the map knows, with XUNCHA_ROUTE_COVERAGE_NO_ASSIGNMENTS (walked_segments is still
 * filled then). @options may be NULL for the defaults. Returns has_coverage. Pure
 * computation: a worker thread may run it with its own map. */
gboolean            xuncha_route_summary_add_coverage    (XunchaRouteSummary          *self,
                                                          XunchaStreetMap             *map,
                                                          const XunchaFix             *fixes,
                                                          gsize                        n_fixes,
                                                          const char * const          *assigned_ids,
                                                          const XunchaCoverageOptions *options);
/* The same with the store's street map and assignments table. @map, when not NULL, is
 * the store's map already in memory (it is read from the store otherwise, which for a
 * large city costs far more than the computation). FALSE only on a store error; the
 * lack of streets or assignments is no error (see coverage_state). */
gboolean            xuncha_route_summary_add_coverage_from_store (XunchaRouteSummary *self,
                                                          XunchaStore                 *store,
                                                          XunchaStreetMap             *map,
                                                          const XunchaFix             *fixes,
                                                          gsize                        n_fixes,
                                                          GError                     **error);

XunchaRouteSummary *xuncha_route_summary_copy            (const XunchaRouteSummary *self);
void                xuncha_route_summary_free            (XunchaRouteSummary  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaRouteSummary, xuncha_route_summary_free)

G_END_DECLS
