/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-store.h"

G_BEGIN_DECLS

/* A report given a rectification deadline (整改期限) that has passed with no
 * re-inspection yet: the officer is to go back and look. A plain struct: read the
 * fields. */
typedef struct
{
  char   *uuid;
  char   *created_at;     /* as stored, ISO 8601 UTC */
  char   *category;       /* code */
  char   *deadline;       /* as stored: a date (YYYY-MM-DD, the end of that local day) or
                           * an ISO 8601 time */
  gint64  deadline_ms;    /* when the deadline passed, Unix ms */
  guint   days_overdue;   /* whole days since then (0 on the first day) */
  char   *street_id;      /* NULL when the report was not snapped to a street */
  char   *street_name;    /* NULL when unknown */
  double  lat;            /* NAN without a position */
  double  lon;
} XunchaDueReinspection;

#define XUNCHA_TYPE_DUE_REINSPECTION (xuncha_due_reinspection_get_type ())

GType                  xuncha_due_reinspection_get_type (void) G_GNUC_CONST;

/* Reports with disposition 'deadline' whose deadline passed before @now_ms (Unix ms; 0
 * for now) and which no report names as its parent (no re-inspection made), longest
 * overdue first. Returns an array of XunchaDueReinspection (freed with the array), or
 * NULL with @error on a store error. */
GPtrArray             *xuncha_due_reinspection_list     (XunchaStore                 *store,
                                                         gint64                       now_ms,
                                                         GError                     **error);

XunchaDueReinspection *xuncha_due_reinspection_copy     (const XunchaDueReinspection *self);
void                   xuncha_due_reinspection_free     (XunchaDueReinspection       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaDueReinspection, xuncha_due_reinspection_free)

G_END_DECLS
