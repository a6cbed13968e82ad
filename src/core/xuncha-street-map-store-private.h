/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-street-map-private.h"
#include "xuncha-street-map-store.h"
#include "xuncha-wire-delta.h"

G_BEGIN_DECLS

/* The streets and assignments tables are xuncha-street-map-store.c's: every write to them goes through
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
