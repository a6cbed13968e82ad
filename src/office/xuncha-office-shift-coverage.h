/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A shift's coverage of its officer's assigned segments as the records keep it, with the
 * inputs it was computed from: the weekly report reads it instead of the shift's points,
 * and computes it again when any input has changed since (points arrived, the assignment
 * changed, the streets were imported again), so that it never shows a stale figure. */
typedef struct
{
  gint64  n_points;          /* the shift's points it was computed from */
  gint64  newest_seq;        /* their highest seq; 0 for none */
  gint64  streets_revision;  /* the streets' revision counter when it was computed */
  char   *assigned_sha256;   /* xuncha_office_shift_coverage_assigned_sha256() of the ids */
  GStrv   walked_ids;        /* the assigned segments the shift walked, sorted */
  double  walked_m;          /* their length */
} XunchaOfficeShiftCoverage;

/* The SHA-256 (hex) of the assigned segment ids (sorted, as the records give them). */
char *xuncha_office_shift_coverage_assigned_sha256 (const char * const *assigned_ids);
/* Whether @coverage was computed from these inputs. */
gboolean xuncha_office_shift_coverage_is_current (const XunchaOfficeShiftCoverage *coverage,
                                                  gint64                           n_points,
                                                  gint64                           newest_seq,
                                                  gint64                           streets_revision,
                                                  const char                      *assigned_sha256);
/* The ids as a JSON array of strings, as both records backends store them. */
char *xuncha_office_shift_coverage_ids_to_json (const char * const *ids);
void  xuncha_office_shift_coverage_free (XunchaOfficeShiftCoverage *coverage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeShiftCoverage, xuncha_office_shift_coverage_free)

G_END_DECLS
