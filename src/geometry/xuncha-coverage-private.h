/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-coverage.h"

G_BEGIN_DECLS

/* The street map fills a coverage in; everyone else only reads it through the getters. */
struct _XunchaCoverage
{
  XunchaCoverageOptions options;
  GHashTable *known_ids;       /* the map's id set (shared, read-only) */
  GHashTable *fractions;       /* id -> double *: segments the track came near */
  GPtrArray  *walked_ids;      /* sorted, NULL-terminated */
  GPtrArray  *missed_ids;      /* NULL-terminated */
  GPtrArray  *unknown_ids;     /* NULL-terminated */
  double      track_length_m;
  guint       n_fixes_used;
  guint       n_assigned;
  guint       n_assigned_walked;
  double      assigned_length_m;
  double      covered_length_m;
};

/* An empty result with the given options; @known_ids is referenced. */
XunchaCoverage *xuncha_coverage_new (const XunchaCoverageOptions *options,
                                     GHashTable                  *known_ids);

G_END_DECLS
