/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Something the officer is to do: a task the office gave him (verify, check, roll call,
 * patrol) or a re-inspection the device found due (kind check, origin device). A plain
 * struct: read the fields. */
typedef enum
{
  XUNCHA_TASK_ORIGIN_OFFICE,
  XUNCHA_TASK_ORIGIN_DEVICE,   /* a due re-inspection: ends when its report is saved */
} XunchaTaskOrigin;

typedef struct
{
  char             *id;            /* the office's uuid; "reinspection:" + report uuid */
  XunchaTaskOrigin  origin;
  char             *kind;          /* verify | check | rollcall | patrol */
  char             *officer_id;    /* for one officer, or NULL */
  char             *team;          /* for a team, or NULL */
  char             *state;         /* open | accepted | done | cancelled | expired */
  char             *accepted_by;
  char             *created_at;
  char             *deadline;      /* as given: an ISO 8601 time (a device check: as stored) */
  gint64            deadline_ms;   /* Unix ms */
  double            lat;           /* NAN without a position */
  double            lon;
  double            radius_m;      /* NAN without a position */
  char             *category;      /* a code or NULL */
  GStrv             street_ids;    /* never NULL */
  char             *report_uuid;   /* the case, or NULL */
  char             *street_name;   /* a device check's street, or NULL */
  char             *note;
  GStrv             photos;        /* SHA-256 names, never NULL */
  gint64            revision;
  char             *accept_at;     /* when the officer accepted it on this device, or NULL */
  gboolean          taken;         /* another officer accepted it first */
  char             *outcome;       /* the result made on this device, or NULL */
} XunchaTask;

#define XUNCHA_TYPE_TASK (xuncha_task_get_type ())

GType               xuncha_task_get_type           (void) G_GNUC_CONST;
XunchaTask         *xuncha_task_new                (void);
XunchaTask         *xuncha_task_copy               (const XunchaTask *self);
void                xuncha_task_free               (XunchaTask       *self);

gboolean            xuncha_task_kind_is_valid      (const char       *kind);
/* The outcomes a result of @kind may have, NULL-terminated (empty for an unknown kind). */
const char * const *xuncha_task_outcomes_for_kind  (const char       *kind);
gboolean            xuncha_task_outcome_is_valid   (const char       *kind,
                                                    const char       *outcome);
/* What to call a kind, a state and an outcome, in the user's language; the code itself
 * for one this build does not know. */
const char         *xuncha_task_kind_label         (const char       *kind);
const char         *xuncha_task_state_label        (const char       *state);
const char         *xuncha_task_outcome_label      (const char       *outcome);
/* Whether the officer can still do it here: open or accepted, not taken by another, no
 * result made yet. */
gboolean            xuncha_task_is_doable          (const XunchaTask *self);
gboolean            xuncha_task_is_overdue         (const XunchaTask *self,
                                                    gint64            now_ms);
/* Metres from (@lat, @lon) to the task's position; NAN when either is unknown. */
double              xuncha_task_distance_m         (const XunchaTask *self,
                                                    double            lat,
                                                    double            lon);
/* The inbox's order: the earliest deadline first, then the nearest to (@lat, @lon) (NAN:
 * unknown, then by id). */
void                xuncha_task_sort               (GPtrArray        *tasks,
                                                    double            lat,
                                                    double            lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTask, xuncha_task_free)

G_END_DECLS
