/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a case with a deadline stands against it: what the weekly report counts as closed
 * within its time limit, closed late, or still open past it. */
typedef struct
{
  char   *report_uuid;
  char   *category;      /* nullable: the report's category code */
  char   *officer_id;    /* the reporting officer */
  gint64  deadline_us;   /* Unix microseconds, > 0 */
  gint64  closed_us;     /* when it was closed (its last step to 结案); 0: not closed */
} XunchaOfficeCaseOutcome;

XunchaOfficeCaseOutcome *xuncha_office_case_outcome_new     (void);
void                     xuncha_office_case_outcome_free    (XunchaOfficeCaseOutcome *outcome);
/* Closed, and no later than its deadline. */
gboolean                 xuncha_office_case_outcome_on_time
                                                     (const XunchaOfficeCaseOutcome *outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeCaseOutcome, xuncha_office_case_outcome_free)

G_END_DECLS
