/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "xuncha-street-map.h"
#include "xuncha-wire-delta.h"

G_BEGIN_DECLS

/* For core modules, tests and benchmarks: the map's metric projection and its GEOS
 * geometries, so a test can check the index against a plain scan over the same lines. */

GEOSContextHandle_t  xuncha_street_map_get_geos_context (XunchaStreetMap *self);
/* WGS-84 to the map's local metric plane (metres east and north of the data's centre). */
void                 xuncha_street_map_project          (XunchaStreetMap *self,
                                                         double           lat,
                                                         double           lon,
                                                         double          *x,
                                                         double          *y);
void                 xuncha_street_map_unproject        (XunchaStreetMap *self,
                                                         double           x,
                                                         double           y,
                                                         double          *lat,
                                                         double          *lon);
/* Each part of each segment is one projected GEOS LineString, owned by the map. */
guint                xuncha_street_map_get_n_parts      (XunchaStreetMap *self);
const GEOSGeometry  *xuncha_street_map_get_part         (XunchaStreetMap *self,
                                                         guint            part,
                                                         guint           *segment_index);

/* WKB of WGS-84 (Multi)LineStrings as the streets table stores them. */
GBytes              *xuncha_street_geometry_to_wkb      (const double    *lonlat,
                                                         const guint     *part_ends,
                                                         guint            n_parts);
/* Parses WKB (either byte order) of a LineString or MultiLineString. */
gboolean             xuncha_street_geometry_from_wkb    (const guint8    *data,
                                                         gsize            length,
                                                         GArray          *lonlat,
                                                         GArray          *part_ends);

/* The streets and assignments tables are this module's: every write to them goes through
 * the functions below (HACKING.md, "Tables and their owners"). */

/* One street segment as the streets table keeps it, from an imported file or the office.
 * Strings are borrowed; geometry is laid out as for xuncha_street_segment_new(). */
typedef struct
{
  const char   *id;
  const char   *name;
  const char   *klass;        /* as the data spells it: normalised when written */
  const char   *kind;
  const char   *grid_cell;
  const char   *community;
  const char   *unit;
  /* The source's own properties as a JSON object. NULL for the office's streets, which
   * carry neither these nor a kind: a row that exists keeps its own. */
  const char   *properties;
  const double *lonlat;
  const guint  *part_ends;
  guint         n_parts;
} XunchaStreetRecord;

/* Inserts or replaces one street with its extent and length. @existed (may be NULL)
 * receives whether the id was there before. Joins the caller's transaction. */
gboolean             xuncha_street_map_upsert_street    (XunchaStore               *store,
                                                         const XunchaStreetRecord  *street,
                                                         const char                *updated_at,
                                                         gboolean                  *existed,
                                                         GError                   **error);
/* Applies the office's street delta: new and changed streets, and deleted ones unless a
 * report or merchant names them. @changed grows by the items applied. Run it in a
 * transaction: it writes row by row. */
gboolean             xuncha_street_map_apply_delta      (XunchaStore               *store,
                                                         XunchaWireDelta           *delta,
                                                         guint                     *changed,
                                                         GError                   **error);
/* Replaces the assigned segments as the office lists them, in one transaction (or the
 * caller's), without checking that the store holds them yet: the office may assign
 * streets the device has not pulled. */
gboolean             xuncha_street_map_replace_assignments (XunchaStore            *store,
                                                            const char * const     *ids,
                                                            GError                **error);

G_END_DECLS
