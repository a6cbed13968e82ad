/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How strictly a street is managed (街道分类管理). */
typedef enum
{
  XUNCHA_STREET_CLASS_STRICT,   /* 严管街 */
  XUNCHA_STREET_CLASS_CLASS1,   /* 一类街 */
  XUNCHA_STREET_CLASS_CLASS2,   /* 二类街 */
  XUNCHA_STREET_CLASS_OTHER,
} XunchaStreetClass;

/* "strict", "class1", "class2", "other". */
const char        *xuncha_street_class_to_string   (XunchaStreetClass  klass);
/* Reads a class value from data: the names above, and the Chinese names (严管街, 严管,
 * 一类, 一类街, 二类, 二类街). Anything else, and NULL, is "other". */
XunchaStreetClass  xuncha_street_class_from_string (const char        *value);

#define XUNCHA_TYPE_STREET_SEGMENT (xuncha_street_segment_get_type ())

/* One street segment (街面分段): an immutable, reference-counted value with WGS-84
 * geometry made of one or more parts (a LineString has one part, a MultiLineString
 * several). Safe to share between threads. */
typedef struct _XunchaStreetSegment XunchaStreetSegment;

GType                xuncha_street_segment_get_type  (void) G_GNUC_CONST;

/* @lonlat holds the vertices of all parts one after another as lon, lat pairs;
 * @part_ends[i] is the index of the vertex after the last of part i, so the last entry is
 * the total number of vertices. Every part needs at least two vertices. Strings may be
 * NULL except @id. */
XunchaStreetSegment *xuncha_street_segment_new       (const char          *id,
                                                      const char          *name,
                                                      XunchaStreetClass    klass,
                                                      const char          *kind,
                                                      const char          *grid_cell,
                                                      const char          *community,
                                                      const char          *unit,
                                                      const double        *lonlat,
                                                      const guint         *part_ends,
                                                      guint                n_parts);
/* The extent (min lon, min lat, max lon, max lat) and the length along the ground in
 * metres of geometry laid out as for xuncha_street_segment_new(): what a segment reports,
 * and what the streets table keeps beside each geometry. */
void                 xuncha_street_segment_measure   (const double        *lonlat,
                                                      const guint         *part_ends,
                                                      guint                n_parts,
                                                      double               bbox[4],
                                                      double              *length_m);
XunchaStreetSegment *xuncha_street_segment_ref       (XunchaStreetSegment *self);
void                 xuncha_street_segment_unref     (XunchaStreetSegment *self);

const char          *xuncha_street_segment_get_id        (const XunchaStreetSegment *self);
const char          *xuncha_street_segment_get_name      (const XunchaStreetSegment *self);
XunchaStreetClass    xuncha_street_segment_get_class     (const XunchaStreetSegment *self);
const char          *xuncha_street_segment_get_kind      (const XunchaStreetSegment *self);
const char          *xuncha_street_segment_get_grid_cell (const XunchaStreetSegment *self);
const char          *xuncha_street_segment_get_community (const XunchaStreetSegment *self);
const char          *xuncha_street_segment_get_unit      (const XunchaStreetSegment *self);
/* Length along the ground in metres (great-circle sum over the vertices). */
double               xuncha_street_segment_get_length_m  (const XunchaStreetSegment *self);
void                 xuncha_street_segment_get_bbox      (const XunchaStreetSegment *self,
                                                          double *min_lon,
                                                          double *min_lat,
                                                          double *max_lon,
                                                          double *max_lat);
guint                xuncha_street_segment_get_n_parts   (const XunchaStreetSegment *self);
/* The vertices of part @part as lon, lat pairs; @n_vertices receives their number. */
const double        *xuncha_street_segment_get_part      (const XunchaStreetSegment *self,
                                                          guint                      part,
                                                          guint                     *n_vertices);
/* All vertices of all parts, as lon, lat pairs. */
const double        *xuncha_street_segment_get_coordinates (const XunchaStreetSegment *self,
                                                            guint                     *n_vertices);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaStreetSegment, xuncha_street_segment_unref)

G_END_DECLS
