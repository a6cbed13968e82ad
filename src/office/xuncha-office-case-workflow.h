/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-staff.h"

G_BEGIN_DECLS

/* The case workflow of the campaign plan: 上报 → 受理/立案 → 派遣 → 处置 → 核查 → 结案, as
 * one table of transitions. Pure: it reads no records; the records check the status again
 * in the transaction that changes it (a case moved on meanwhile is a conflict there). The
 * statuses are the office's words, which devices show as given (src/app's
 * xuncha-case-status.c knows each of them). */

/* Statuses (the office's words, as devices receive them). A report without a status is
 * 上报 (reported): it has none until the office acts on it. */
#define XUNCHA_OFFICE_CASE_REPORTED       "上报"
#define XUNCHA_OFFICE_CASE_UP_FOR_FILING  "待立案"   /* a verify task confirmed it */
#define XUNCHA_OFFICE_CASE_ACCEPTED       "受理"
#define XUNCHA_OFFICE_CASE_NOT_FILED      "不予立案"
#define XUNCHA_OFFICE_CASE_FILED          "立案"
#define XUNCHA_OFFICE_CASE_DISPATCHED     "派遣"
#define XUNCHA_OFFICE_CASE_HANDLED        "处置"
#define XUNCHA_OFFICE_CASE_AWAITING_CHECK "待核查"
#define XUNCHA_OFFICE_CASE_CLOSING        "待结案"   /* a check task found it fixed */
#define XUNCHA_OFFICE_CASE_RETURNED       "退回"     /* sent back, or a check found it not fixed */
#define XUNCHA_OFFICE_CASE_CLOSED         "结案"

typedef enum
{
  XUNCHA_OFFICE_CASE_ACTION_ACCEPT,          /* 受理 */
  XUNCHA_OFFICE_CASE_ACTION_REJECT,          /* 不予立案, with a reason */
  XUNCHA_OFFICE_CASE_ACTION_FILE,            /* 立案: the deadline from the category's limit */
  XUNCHA_OFFICE_CASE_ACTION_DISPATCH,        /* 派遣, to a department or team */
  XUNCHA_OFFICE_CASE_ACTION_HANDLE,          /* 处置: what was done, as a note */
  XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK,   /* 核查: a check task for an officer or team */
  XUNCHA_OFFICE_CASE_ACTION_CLOSE,           /* 结案, after a check found it fixed */
  XUNCHA_OFFICE_CASE_ACTION_CLOSE_OVERRIDE,  /* 结案 without that check: an admin, a reason */
  XUNCHA_OFFICE_CASE_ACTION_RETURN,          /* 退回, with a reason */
  XUNCHA_OFFICE_CASE_ACTION_EXTEND,          /* 延期: a new deadline, a reason; status kept */
  XUNCHA_OFFICE_CASE_N_ACTIONS
} XunchaOfficeCaseAction;

#define XUNCHA_OFFICE_CASE_WORKFLOW_ERROR (xuncha_office_case_workflow_error_quark ())

typedef enum
{
  XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_STATE,       /* not allowed from the case's status (409) */
  XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_ROLE,        /* not allowed to this role (403) */
  XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_INCOMPLETE,  /* a reason, assignee or deadline missing (400) */
} XunchaOfficeCaseWorkflowError;

GQuark      xuncha_office_case_workflow_error_quark (void);

/* "accept", "reject", "file", "dispatch", "handle", "request_check", "close",
 * "close_override", "return", "extend": the words of the console's forms and the history. */
const char *xuncha_office_case_action_to_string     (XunchaOfficeCaseAction  action);
gboolean    xuncha_office_case_action_from_string   (const char             *text,
                                                     XunchaOfficeCaseAction *action);

/* The action's name for a button (English, marked for the catalogue: the console shows it
 * in the page's language). */
const char *xuncha_office_case_action_label          (XunchaOfficeCaseAction action);

/* What an action needs besides the case: */
gboolean    xuncha_office_case_action_needs_note     (XunchaOfficeCaseAction action);
gboolean    xuncha_office_case_action_needs_assignee (XunchaOfficeCaseAction action);
gboolean    xuncha_office_case_action_needs_deadline (XunchaOfficeCaseAction action);

/* A status as the workflow reads it: NULL or "" is 上报. */
const char *xuncha_office_case_status_normal        (const char             *status);

/* Whether @role may take @action on a case in @status, and the status it leads to
 * (@status itself for an extension). Error STATE or ROLE with a message in the user's
 * language naming the action and the status. */
gboolean    xuncha_office_case_workflow_check       (XunchaOfficeCaseAction  action,
                                                     const char             *status,
                                                     XunchaOfficeStaffRole   role,
                                                     const char            **target,
                                                     GError                **error);

/* Checks what the action needs (a note, an assignee, a deadline after @now_us), after
 * the check above; INCOMPLETE with a message in the user's language otherwise. */
gboolean    xuncha_office_case_workflow_complete    (XunchaOfficeCaseAction  action,
                                                     const char             *note,
                                                     const char             *assignee,
                                                     gint64                  deadline_us,
                                                     gint64                  now_us,
                                                     GError                **error);

/* The statuses of a filed case still worked on (NULL-terminated), for the records' queries. */
const char * const *xuncha_office_case_running_statuses (void);
/* Whether the case counts against its deadline: filed and neither closed nor not filed. */
gboolean    xuncha_office_case_status_is_running    (const char             *status);

G_END_DECLS
