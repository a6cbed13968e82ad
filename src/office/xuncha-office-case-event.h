/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One step of a case's history: who moved it, when, from which status to which, and what
 * came with it. Given to the records as the change to make (from_status: the status the
 * staff member saw, which the records check again), and read back as the history. */
typedef struct
{
  gint64  id;            /* set by the records: the order of the steps */
  char   *report_uuid;
  gint64  at;            /* wall clock, microseconds since 1970 */
  char   *actor;         /* the staff member */
  char   *action;        /* xuncha_office_case_action_to_string(), or "check_result" */
  char   *from_status;   /* as the workflow reads it: 上报 for none */
  char   *to_status;
  char   *note;          /* nullable: the reason, what was done */
  char   *assignee;      /* nullable: dispatched to; the officer or team a check goes to */
  gint64  deadline_us;   /* 0: unchanged; the new deadline of a filing or an extension */
  char   *task_id;       /* nullable: the check task a request made */
} XunchaOfficeCaseEvent;

XunchaOfficeCaseEvent *xuncha_office_case_event_new  (void);
void                   xuncha_office_case_event_free (XunchaOfficeCaseEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeCaseEvent, xuncha_office_case_event_free)

G_END_DECLS
