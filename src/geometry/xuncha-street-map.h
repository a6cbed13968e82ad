/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-coverage.h"
#include "xuncha-fix.h"
#include "xuncha-street-segment.h"

G_BEGIN_DECLS

#define XUNCHA_STREET_MAP_ERROR (xuncha_street_map_error_quark ())

typedef enum
{
  XUNCHA_STREET_MAP_ERROR_INVALID,    /* a stored geometry cannot be read */
  XUNCHA_STREET_MAP_ERROR_UNKNOWN_ID, /* an assigned segment id the map does not have */
} XunchaStreetMapError;

/* Snapping looks this far (metres) for streets, plus the fix's accuracy (up to
 * XUNCHA_STREET_MAP_MAX_ACCURACY_BONUS_M more), so a poor fix still finds its street. */
#define XUNCHA_STREET_MAP_DEFAULT_MAX_DISTANCE_M 50.0
#define XUNCHA_STREET_MAP_MAX_ACCURACY_BONUS_M   100.0
/* The best segment and up to four alternatives for the officer to pick at a crossing. */
#define XUNCHA_STREET_MAP_MAX_SNAPS              5

/* Which side of the street a position is on, looking along the segment's digitised
 * direction (from its first vertex to its last). */
typedef enum
{
  XUNCHA_STREET_SIDE_ON,      /* within 1 cm of the centre line (or its straight
                               * continuation past an end) */
  XUNCHA_STREET_SIDE_LEFT,
  XUNCHA_STREET_SIDE_RIGHT,
} XunchaStreetSide;

const char *xuncha_street_side_to_string (XunchaStreetSide side);

/* One answer of a snap. @segment is borrowed from the map: it stays valid while the map
 * lives; take xuncha_street_segment_ref() to keep it longer. */
typedef struct
{
  XunchaStreetSegment *segment;
  double               distance_m;  /* from the position to the segment */
  double               offset_m;    /* from the segment's start to the nearest point */
  XunchaStreetSide     side;
  double               lat;         /* the nearest point on the segment, WGS-84 */
  double               lon;
} XunchaStreetSnap;

#define XUNCHA_TYPE_STREET_MAP (xuncha_street_map_get_type ())

/* The street segments in memory with a spatial index (a GEOS STRtree over the segments in
 * a local metric projection about the centre of the data, built once when the map is
 * made). Answers "which street is this fix on", "which segments lie in this view" and
 * "which segments did this track walk".
 *
 * A map is immutable: after an import, make a new one (the device reads its store with
 * xuncha_street_map_new_from_store(), the office the segments near a track) and drop the
 * old one. One map is used from one thread at a time (it owns its GEOS
 * context); distances are metres on the ground, accurate to well under 0.1 % within a
 * city. */
G_DECLARE_FINAL_TYPE (XunchaStreetMap, xuncha_street_map, XUNCHA, STREET_MAP, GObject)

GQuark               xuncha_street_map_error_quark      (void);

/* A map of @segments (an array of XunchaStreetSegment; each is referenced). Ids must be
 * unique; a repeated id keeps the first. */
XunchaStreetMap     *xuncha_street_map_new              (GPtrArray          *segments);
guint                xuncha_street_map_get_n_segments   (XunchaStreetMap    *self);
/* The segments in a fixed order (by id for a map read from the store). */
XunchaStreetSegment *xuncha_street_map_get_segment      (XunchaStreetMap    *self,
                                                         guint               index);
/* The segment with this id (borrowed), or NULL. */
XunchaStreetSegment *xuncha_street_map_lookup           (XunchaStreetMap    *self,
                                                         const char         *id);
/* The extent of all segments; FALSE for an empty map. */
gboolean             xuncha_street_map_get_bbox         (XunchaStreetMap    *self,
                                                         double             *min_lon,
                                                         double             *min_lat,
                                                         double             *max_lon,
                                                         double             *max_lat);

/* The segments with a part whose bounding box meets the given WGS-84 box (viewport
 * culling for the map view): a new array of referenced XunchaStreetSegment, each once, in
 * map order. Draw them with xuncha_street_segment_get_part(). */
GPtrArray           *xuncha_street_map_query_bbox       (XunchaStreetMap    *self,
                                                         double              min_lon,
                                                         double              min_lat,
                                                         double              max_lon,
                                                         double              max_lat);

/* Snaps a fix: fills @out with up to @n_out segments within the default distance (50 m
 * plus @accuracy_m, the bonus capped at 100 m; pass NAN or 0 for an unknown accuracy),
 * nearest first, one entry per segment. Returns how many were found (0: no street near).
 * Pass XUNCHA_STREET_MAP_MAX_SNAPS for the best and four alternatives. */
guint                xuncha_street_map_snap             (XunchaStreetMap    *self,
                                                         double              lat,
                                                         double              lon,
                                                         double              accuracy_m,
                                                         XunchaStreetSnap   *out,
                                                         guint               n_out);
/* Like xuncha_street_map_snap() with an explicit search distance in metres. */
guint                xuncha_street_map_snap_within      (XunchaStreetMap    *self,
                                                         double              lat,
                                                         double              lon,
                                                         double              max_distance_m,
                                                         XunchaStreetSnap   *out,
                                                         guint               n_out);
/* The nearest segment at any distance (linking a merchant to its street). FALSE only
 * for an empty map. */
gboolean             xuncha_street_map_nearest          (XunchaStreetMap    *self,
                                                         double              lat,
                                                         double              lon,
                                                         XunchaStreetSnap   *out);

/* Coverage of a track (for the shift summary and the team leader's route history).
 *
 * @fixes is the track in time order (any XunchaFix; only lat, lon, t_ms and accuracy are
 * read). Consecutive fixes are joined by straight lines unless they are too far apart
 * (see XunchaCoverageOptions); the walked part of a segment is the part of its length
 * within options->radius_m of those lines (and of lone fixes). A segment counts as walked
 * when that part is at least options->min_fraction of its length. The computation is
 * exact (no buffer polygon approximation): every segment near the track is intersected
 * with the capsules around the track's pieces, found through the map's index.
 *
 * @assigned_ids (NULL-terminated; NULL for none) are the segments the officer was to
 * walk: the result then gives the percentage covered by count and by length and the
 * missed list. @options may be NULL for the defaults (25 m, 60 %).
 *
 * Cost: about linear in the track length; a 12-hour 1 Hz track (43,200 fixes) against a
 * 100,000-segment city takes about 15 ms (tests/bench/bench-street-map). Pure computation
 * on the map (no store access), so a worker thread may run it on its own map. Never
 * fails; returns a new result. */
XunchaCoverage      *xuncha_street_map_compute_coverage (XunchaStreetMap             *self,
                                                         const XunchaFix             *fixes,
                                                         gsize                        n_fixes,
                                                         const XunchaCoverageOptions *options,
                                                         const char * const          *assigned_ids);

G_END_DECLS
