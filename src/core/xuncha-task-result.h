/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What the officer did for an office task, made on the device when he finishes and sent
 * through the outbox (after the reports it names). A plain struct: read the fields. */
typedef struct
{
  char   *result_uuid;      /* made on the device: the office's idempotency key */
  char   *task_id;
  char   *outcome;          /* verify: confirmed | not_found | different; check: fixed |
                             * not_fixed | partly; rollcall: present; patrol: walked */
  char   *category;         /* different: the right category; else NULL */
  GStrv   report_uuids;     /* never NULL */
  char   *note;             /* never NULL */
  double  lat;              /* NAN without a position */
  double  lon;
  double  accuracy;         /* NAN when unknown */
  char   *position_source;  /* gps | manual | exif | track, or NULL */
  char   *shift_uuid;       /* the shift it was done in, or NULL */
  char   *done_at;          /* ISO 8601 UTC */
} XunchaTaskResult;

#define XUNCHA_TYPE_TASK_RESULT (xuncha_task_result_get_type ())

GType             xuncha_task_result_get_type (void) G_GNUC_CONST;
XunchaTaskResult *xuncha_task_result_new      (void);
XunchaTaskResult *xuncha_task_result_copy     (const XunchaTaskResult *self);
void              xuncha_task_result_free     (XunchaTaskResult       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTaskResult, xuncha_task_result_free)

G_END_DECLS
