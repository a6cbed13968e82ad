/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_SHIFT_ERROR (xuncha_shift_error_quark ())

typedef enum
{
  XUNCHA_SHIFT_ERROR_ALREADY_OPEN,   /* one shift at a time */
  XUNCHA_SHIFT_ERROR_NOT_OPEN,       /* nothing to stop or record into */
  XUNCHA_SHIFT_ERROR_NOT_FOUND,
  XUNCHA_SHIFT_ERROR_AMBIGUOUS,      /* a shortened id matches several shifts */
  XUNCHA_SHIFT_ERROR_INVALID,
} XunchaShiftError;

/* Staggered shifts (错时上班). When not chosen, the kind follows the local time the shift
 * starts: early 04:00–09:59 (morning markets, breakfast stalls), mid 10:00–15:59, late
 * 16:00–03:59 (evening trade, night markets, open-air barbecue). */
typedef enum
{
  XUNCHA_SHIFT_KIND_EARLY,
  XUNCHA_SHIFT_KIND_MID,
  XUNCHA_SHIFT_KIND_LATE,
} XunchaShiftKind;

#define XUNCHA_TYPE_SHIFT_KIND (xuncha_shift_kind_get_type ())
GType xuncha_shift_kind_get_type (void) G_GNUC_CONST;

#define XUNCHA_TYPE_SHIFT (xuncha_shift_get_type ())

G_DECLARE_FINAL_TYPE (XunchaShift, xuncha_shift, XUNCHA, SHIFT, GObject)

GQuark           xuncha_shift_error_quark        (void);

const char      *xuncha_shift_kind_to_string     (XunchaShiftKind   kind);
gboolean         xuncha_shift_kind_from_string   (const char       *text,
                                                  XunchaShiftKind  *kind);
/* The kind for a shift starting at @local_time (in the device's zone). */
XunchaShiftKind  xuncha_shift_kind_for_time      (GDateTime        *local_time);

/* What a shift is called on screen, by the local hour it starts, whatever kind it was
 * recorded as: early 04:00–09:59, mid 10:00–15:59, late 16:00–21:59, night 22:00–03:59.
 * The kinds of the wire put a 01:00 and a 16:14 start both in "late"; an officer calls the
 * first a night shift. */
typedef enum
{
  XUNCHA_SHIFT_PERIOD_EARLY,
  XUNCHA_SHIFT_PERIOD_MID,
  XUNCHA_SHIFT_PERIOD_LATE,
  XUNCHA_SHIFT_PERIOD_NIGHT,
} XunchaShiftPeriod;

XunchaShiftPeriod xuncha_shift_period_for_time   (GDateTime        *local_time);

/* Opens a live shift starting now. Fails with XUNCHA_SHIFT_ERROR_ALREADY_OPEN when one is
 * open. */
XunchaShift     *xuncha_shift_start              (XunchaStore      *store,
                                                  XunchaShiftKind   kind,
                                                  GError          **error);
/* The open shift, or NULL (without an error when there is none). */
XunchaShift     *xuncha_shift_get_open           (XunchaStore      *store,
                                                  GError          **error);
/* A shift by its id or an unambiguous beginning of it (at least 4 characters). */
XunchaShift     *xuncha_shift_lookup             (XunchaStore      *store,
                                                  const char       *id,
                                                  GError          **error);
/* Closes the shift at @ended_ms (Unix ms; 0 for now). */
gboolean         xuncha_shift_stop               (XunchaShift      *self,
                                                  XunchaStore      *store,
                                                  gint64            ended_ms,
                                                  GError          **error);
/* Stores a finished track (already filtered) as a new closed shift from its first to its
 * last fix, in one transaction. */
XunchaShift     *xuncha_shift_import             (XunchaStore      *store,
                                                  XunchaShiftKind   kind,
                                                  const XunchaFix  *fixes,
                                                  gsize             n_fixes,
                                                  GError          **error);

/* Appends points with seq @first_seq, @first_seq + 1, … in one transaction. */
gboolean         xuncha_shift_append_points      (XunchaShift      *self,
                                                  XunchaStore      *store,
                                                  gint64            first_seq,
                                                  const XunchaFix  *fixes,
                                                  gsize             n_fixes,
                                                  GError          **error);
/* The stored points in seq order, as XunchaFix. */
GArray          *xuncha_shift_load_points        (XunchaShift      *self,
                                                  XunchaStore      *store,
                                                  GError          **error);
/* The last stored point and its seq; FALSE when the shift has none (no error then). */
gboolean         xuncha_shift_get_last_point     (XunchaShift      *self,
                                                  XunchaStore      *store,
                                                  gint64           *seq,
                                                  XunchaFix        *fix,
                                                  GError          **error);
gint64           xuncha_shift_count_points       (XunchaShift      *self,
                                                  XunchaStore      *store,
                                                  GError          **error);

/* Shifts that started on the local day of @day (any time within it), or all shifts when
 * @day is NULL, newest first. */
GPtrArray       *xuncha_shift_list               (XunchaStore      *store,
                                                  GDateTime        *day,
                                                  GError          **error);

const char      *xuncha_shift_get_uuid           (XunchaShift      *self);
XunchaShiftKind  xuncha_shift_get_kind           (XunchaShift      *self);
/* "live" or "import". */
const char      *xuncha_shift_get_source         (XunchaShift      *self);
gint64           xuncha_shift_get_started_ms     (XunchaShift      *self);
/* 0 while the shift is open. */
gint64           xuncha_shift_get_ended_ms       (XunchaShift      *self);
gboolean         xuncha_shift_is_open            (XunchaShift      *self);

/* Unix ms <-> the store's ISO 8601 UTC text (milliseconds, 'Z'). */
char            *xuncha_shift_format_time        (gint64            t_ms);
gboolean         xuncha_shift_parse_time         (const char       *text,
                                                  gint64           *t_ms);

G_END_DECLS
