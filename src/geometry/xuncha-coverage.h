/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How a track is judged against the street segments; see
 * xuncha_street_map_compute_coverage(). Start from xuncha_coverage_options_init(). */
typedef struct
{
  /* A point of a segment counts as walked when it lies within this many metres of the
   * track (default 25). */
  double radius_m;
  /* A segment counts as walked when at least this fraction of its length was walked
   * (default 0.6). */
  double min_fraction;
  /* Two consecutive fixes further apart than this (metres), or ... */
  double max_join_m;
  /* ... further apart in time than this (milliseconds), are not joined by a line: the
   * officer may have taken a bus, or the receiver lost the sky. Each still counts as a
   * point. 0 turns the check off. Defaults 100 m and 60 s. */
  gint64 max_join_ms;
  /* Fixes whose accuracy (metres) is worse than this are ignored; fixes with an unknown
   * (NAN) accuracy are kept. 0 turns the filter off (the default). */
  double max_accuracy_m;
} XunchaCoverageOptions;

void xuncha_coverage_options_init (XunchaCoverageOptions *options);

#define XUNCHA_TYPE_COVERAGE (xuncha_coverage_get_type ())

/* The result of a coverage computation: an immutable, reference-counted value. Segment
 * ids are those of the street map it was computed on. */
typedef struct _XunchaCoverage XunchaCoverage;

GType               xuncha_coverage_get_type              (void) G_GNUC_CONST;
XunchaCoverage     *xuncha_coverage_ref                   (XunchaCoverage *self);
void                xuncha_coverage_unref                 (XunchaCoverage *self);

/* The options the result was computed with. */
const XunchaCoverageOptions *xuncha_coverage_get_options  (const XunchaCoverage *self);

/* Length of the track in metres, counting only the joined stretches. */
double              xuncha_coverage_get_track_length_m    (const XunchaCoverage *self);
/* Number of fixes used (after the accuracy filter). */
guint               xuncha_coverage_get_n_fixes_used      (const XunchaCoverage *self);

/* Every segment of the map that was walked (fraction >= min_fraction), sorted by id,
 * NULL-terminated. */
const char * const *xuncha_coverage_get_walked_ids        (const XunchaCoverage *self);
guint               xuncha_coverage_get_n_walked          (const XunchaCoverage *self);
/* Fraction (0 to 1) of the segment's length that lies within radius_m of the track; 0
 * for a segment the track never came near, -1 for an id the map does not have. */
double              xuncha_coverage_get_fraction          (const XunchaCoverage *self,
                                                           const char           *segment_id);

/* For the assigned segments given to the computation (all zero when none were): */
guint               xuncha_coverage_get_n_assigned        (const XunchaCoverage *self);
guint               xuncha_coverage_get_n_assigned_walked (const XunchaCoverage *self);
/* Percentage of assigned segments walked, by count (0 to 100; 0 when none assigned). */
double              xuncha_coverage_get_percent_by_count  (const XunchaCoverage *self);
/* Percentage of the assigned length that was walked, summing for each assigned segment
 * the part actually within radius_m (so half of a missed segment still counts half). */
double              xuncha_coverage_get_percent_by_length (const XunchaCoverage *self);
double              xuncha_coverage_get_assigned_length_m (const XunchaCoverage *self);
double              xuncha_coverage_get_covered_length_m  (const XunchaCoverage *self);
/* Assigned segments not walked, in the order they were given, NULL-terminated. */
const char * const *xuncha_coverage_get_missed_ids        (const XunchaCoverage *self);
/* Assigned ids the map does not know (left out of every figure), NULL-terminated. */
const char * const *xuncha_coverage_get_unknown_ids       (const XunchaCoverage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaCoverage, xuncha_coverage_unref)

G_END_DECLS
