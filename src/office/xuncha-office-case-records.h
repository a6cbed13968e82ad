/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-audit-entry.h"
#include "xuncha-office-case-event.h"
#include "xuncha-office-case-outcome.h"
#include "xuncha-office-case.h"
#include "xuncha-office-storage-error.h"
#include "xuncha-office-time-limit.h"
#include "xuncha-wire-task.h"

G_BEGIN_DECLS

/* The case workflow's side of the office's records: each category's time limit, a case's
 * deadline and assignee, and its history. Implemented by each records backend next to its
 * XunchaOfficeRecords, on the same database and connections, under the same rules: any
 * thread, several at once, each method one transaction, nothing kept in memory. Errors
 * are XUNCHA_OFFICE_STORAGE_ERROR. The contract: tests/test-office-case-records.c.
 * Whether a step is allowed is the workflow's (xuncha-office-case-workflow.c); the
 * records only make sure the case has not moved on since it was checked. */

#define XUNCHA_TYPE_OFFICE_CASE_RECORDS (xuncha_office_case_records_get_type ())

G_DECLARE_INTERFACE (XunchaOfficeCaseRecords, xuncha_office_case_records, XUNCHA,
                     OFFICE_CASE_RECORDS, GObject)

struct _XunchaOfficeCaseRecordsInterface
{
  GTypeInterface parent_iface;

  GPtrArray *(*time_limits)    (XunchaOfficeCaseRecords *self, GError **error);
  gboolean   (*time_limit_set) (XunchaOfficeCaseRecords *self,
                                const XunchaOfficeTimeLimit *limit, const char *actor,
                                GError **error);
  XunchaOfficeCase *(*case_get) (XunchaOfficeCaseRecords *self, const char *report_uuid,
                                GError **error);
  GPtrArray *(*case_history)   (XunchaOfficeCaseRecords *self, const char *report_uuid,
                                GError **error);
  GPtrArray *(*cases_running)  (XunchaOfficeCaseRecords *self, GError **error);
  GPtrArray *(*case_outcomes)  (XunchaOfficeCaseRecords *self, gint64 from_us, gint64 to_us,
                                GError **error);
  gboolean   (*case_change)    (XunchaOfficeCaseRecords *self,
                                const XunchaOfficeCaseEvent *event, guint steps,
                                gint64 *revision, GError **error);
};

/* Every category's limit (XunchaOfficeTimeLimit), by category. The schema starts with a
 * limit for each category of the bundled taxonomy. */
GPtrArray        *xuncha_office_case_records_time_limits    (XunchaOfficeCaseRecords      *self,
                                                             GError                      **error);
/* Sets (or adds) a category's limit, with an audit entry "time_limit.set" naming @actor and
 * the limit before and after, in one transaction. INVALID for an amount the unit does not
 * allow or a category that is no category code. */
gboolean          xuncha_office_case_records_time_limit_set (XunchaOfficeCaseRecords      *self,
                                                             const XunchaOfficeTimeLimit  *limit,
                                                             const char                   *actor,
                                                             GError                      **error);
/* The report as a case. NOT_FOUND for a report the office does not hold. */
XunchaOfficeCase *xuncha_office_case_records_case_get       (XunchaOfficeCaseRecords      *self,
                                                             const char                   *uuid,
                                                             GError                      **error);
/* The case's steps (XunchaOfficeCaseEvent), oldest first; empty for none. */
GPtrArray        *xuncha_office_case_records_case_history   (XunchaOfficeCaseRecords      *self,
                                                             const char                   *uuid,
                                                             GError                      **error);
/* The cases with a deadline whose status still counts against it (filed, not closed):
 * XunchaOfficeCase, for the console's countdowns and its overdue filter. */
GPtrArray        *xuncha_office_case_records_cases_running  (XunchaOfficeCaseRecords      *self,
                                                             GError                      **error);
/* The cases with a deadline closed in [@from_us, @to_us) and those still open at @to_us
 * (filed, not closed then, whatever they became since) whose deadline is before it:
 * XunchaOfficeCaseOutcome (closed_us 0 for one not closed by @to_us), for the weekly
 * report. A case is closed at its last step to 结案. */
GPtrArray        *xuncha_office_case_records_case_outcomes  (XunchaOfficeCaseRecords      *self,
                                                             gint64                        from_us,
                                                             gint64                        to_us,
                                                             GError                      **error);
/* Makes one step: the report's case status becomes @event's to_status (a new status
 * revision, which devices pull, given in @revision), its deadline the step's (kept where
 * it sets none), its assignee a dispatch's; the step is added to the history and the
 * audit log (action "case.ACTION", before and after the statuses); all in one
 * transaction.
 * NOT_FOUND for an unknown report; CONFLICT when the case is no longer at @event's
 * from_status or its history no longer holds @steps steps (someone moved it meanwhile, or
 * this is a repeat of a step already made): nothing is changed then. */
gboolean          xuncha_office_case_records_case_change    (XunchaOfficeCaseRecords      *self,
                                                             const XunchaOfficeCaseEvent  *event,
                                                             guint                         steps,
                                                             gint64                       *revision,
                                                             GError                      **error);

/* What every backend applies alike: the audit entry of a step, and where the case is
 * dispatched to after it (a dispatch's assignee; NULL for a step that keeps it, such as a
 * request for a check, whose assignee is the checking officer's). */
XunchaOfficeAuditEntry *
            xuncha_office_case_records_step_audit    (const XunchaOfficeCaseEvent *event);
const char *xuncha_office_case_records_dispatched_to (const XunchaOfficeCaseEvent *event);
/* The step a task's result makes on the case @held (verify_result or check_result, by the
 * officer @actor, to @to_status, with the result's note), for its history. */
XunchaOfficeCaseEvent *
            xuncha_office_case_records_result_event  (const XunchaOfficeCase      *held,
                                                      const char                  *actor,
                                                      const XunchaWireTask        *task,
                                                      const XunchaWireTaskResult  *result,
                                                      const char                  *to_status);

G_END_DECLS
