/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-office-case-workflow.h"

G_DEFINE_QUARK (xuncha-office-case-workflow-error-quark, xuncha_office_case_workflow_error)

#define ROLE(r) (1u << XUNCHA_OFFICE_STAFF_ROLE_##r)
#define OFFICE (ROLE (DISPATCHER) | ROLE (ADMIN))
#define EVERY_ROLE (OFFICE | ROLE (LEADER))

/* The statuses of a case the office still works on after filing. */
#define OPEN_AFTER_FILING \
  XUNCHA_OFFICE_CASE_FILED, XUNCHA_OFFICE_CASE_DISPATCHED, XUNCHA_OFFICE_CASE_HANDLED, \
  XUNCHA_OFFICE_CASE_AWAITING_CHECK, XUNCHA_OFFICE_CASE_CLOSING, XUNCHA_OFFICE_CASE_RETURNED

/* The workflow, one row per action: the statuses it may start from, the one it leads to
 * (NULL: the status stays, for an extension), the roles that may take it and what it
 * needs. A team leader (中队长) handles and asks for checks on his team's cases (the
 * console checks that the report is his team's); accepting, filing, dispatching, closing,
 * returning and extending are the dispatching centre's (受理员/值班长) and the admin's. */
static const struct
{
  XunchaOfficeCaseAction action;
  const char            *name;
  const char            *label;
  const char            *from[8];
  const char            *to;
  guint                  roles;
  gboolean               note;
  gboolean               assignee;
  gboolean               deadline;
} transitions[] = {
  { XUNCHA_OFFICE_CASE_ACTION_ACCEPT, "accept", N_("Accept"),
    { XUNCHA_OFFICE_CASE_REPORTED, XUNCHA_OFFICE_CASE_UP_FOR_FILING },
    XUNCHA_OFFICE_CASE_ACCEPTED, OFFICE, FALSE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_REJECT, "reject", N_("Do not file"),
    { XUNCHA_OFFICE_CASE_REPORTED, XUNCHA_OFFICE_CASE_UP_FOR_FILING,
      XUNCHA_OFFICE_CASE_ACCEPTED },
    XUNCHA_OFFICE_CASE_NOT_FILED, OFFICE, TRUE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_FILE, "file", N_("File as a case"),
    { XUNCHA_OFFICE_CASE_ACCEPTED },
    XUNCHA_OFFICE_CASE_FILED, OFFICE, FALSE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_DISPATCH, "dispatch", N_("Dispatch"),
    { XUNCHA_OFFICE_CASE_FILED, XUNCHA_OFFICE_CASE_RETURNED },
    XUNCHA_OFFICE_CASE_DISPATCHED, OFFICE, FALSE, TRUE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_HANDLE, "handle", N_("Record handling"),
    { XUNCHA_OFFICE_CASE_DISPATCHED },
    XUNCHA_OFFICE_CASE_HANDLED, EVERY_ROLE, TRUE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK, "request_check", N_("Request a check"),
    { XUNCHA_OFFICE_CASE_DISPATCHED, XUNCHA_OFFICE_CASE_HANDLED },
    XUNCHA_OFFICE_CASE_AWAITING_CHECK, EVERY_ROLE, FALSE, TRUE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_CLOSE, "close", N_("Close"),
    { XUNCHA_OFFICE_CASE_CLOSING },
    XUNCHA_OFFICE_CASE_CLOSED, OFFICE, FALSE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_CLOSE_OVERRIDE, "close_override", N_("Close without a check"),
    { XUNCHA_OFFICE_CASE_FILED, XUNCHA_OFFICE_CASE_DISPATCHED, XUNCHA_OFFICE_CASE_HANDLED,
      XUNCHA_OFFICE_CASE_AWAITING_CHECK, XUNCHA_OFFICE_CASE_RETURNED },
    XUNCHA_OFFICE_CASE_CLOSED, ROLE (ADMIN), TRUE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_RETURN, "return", N_("Return"),
    { XUNCHA_OFFICE_CASE_DISPATCHED, XUNCHA_OFFICE_CASE_HANDLED,
      XUNCHA_OFFICE_CASE_AWAITING_CHECK, XUNCHA_OFFICE_CASE_CLOSING },
    XUNCHA_OFFICE_CASE_RETURNED, OFFICE, TRUE, FALSE, FALSE },
  { XUNCHA_OFFICE_CASE_ACTION_EXTEND, "extend", N_("Extend the deadline"),
    { OPEN_AFTER_FILING },
    NULL, OFFICE, TRUE, FALSE, TRUE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (transitions) == XUNCHA_OFFICE_CASE_N_ACTIONS);

static guint
row_of (XunchaOfficeCaseAction action)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].action == action)
      return i;
  g_assert_not_reached ();
}

const char *
xuncha_office_case_action_to_string (XunchaOfficeCaseAction action)
{
  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, NULL);

  return transitions[row_of (action)].name;
}

gboolean
xuncha_office_case_action_from_string (const char             *text,
                                       XunchaOfficeCaseAction *action)
{
  g_return_val_if_fail (action != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (transitions); i++)
    if (g_str_equal (text, transitions[i].name))
      {
        *action = transitions[i].action;
        return TRUE;
      }
  return FALSE;
}

const char *
xuncha_office_case_action_label (XunchaOfficeCaseAction action)
{
  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, NULL);

  return transitions[row_of (action)].label;
}

gboolean
xuncha_office_case_action_needs_note (XunchaOfficeCaseAction action)
{
  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, FALSE);

  return transitions[row_of (action)].note;
}

gboolean
xuncha_office_case_action_needs_assignee (XunchaOfficeCaseAction action)
{
  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, FALSE);

  return transitions[row_of (action)].assignee;
}

gboolean
xuncha_office_case_action_needs_deadline (XunchaOfficeCaseAction action)
{
  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, FALSE);

  return transitions[row_of (action)].deadline;
}

const char *
xuncha_office_case_status_normal (const char *status)
{
  return status == NULL || *status == '\0' ? XUNCHA_OFFICE_CASE_REPORTED : status;
}

gboolean
xuncha_office_case_workflow_check (XunchaOfficeCaseAction   action,
                                   const char              *status,
                                   XunchaOfficeStaffRole    role,
                                   const char             **target,
                                   GError                 **error)
{
  guint row;
  gboolean from_here = FALSE;

  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  row = row_of (action);
  status = xuncha_office_case_status_normal (status);
  for (guint i = 0; i < G_N_ELEMENTS (transitions[row].from) && transitions[row].from[i]; i++)
    from_here |= g_str_equal (status, transitions[row].from[i]);
  /* The status first: what the case allows is the same for everyone, and a refusal says
   * the more useful of the two. */
  if (!from_here)
    {
      g_set_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                   XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_STATE,
                   "%s is not possible while the case is %s", transitions[row].name, status);
      return FALSE;
    }
  if ((transitions[row].roles & (1u << role)) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                   XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_ROLE, "%s is not for a %s",
                   transitions[row].name, xuncha_office_staff_role_to_string (role));
      return FALSE;
    }
  if (target != NULL)
    *target = transitions[row].to != NULL ? transitions[row].to : status;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

gboolean
xuncha_office_case_workflow_complete (XunchaOfficeCaseAction   action,
                                      const char              *note,
                                      const char              *assignee,
                                      gint64                   deadline_us,
                                      gint64                   now_us,
                                      GError                 **error)
{
  guint row;

  g_return_val_if_fail (action < XUNCHA_OFFICE_CASE_N_ACTIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  row = row_of (action);
  if (transitions[row].note && is_blank (note))
    {
      g_set_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                   XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_INCOMPLETE, "note: %s needs a reason",
                   transitions[row].name);
      return FALSE;
    }
  if (transitions[row].assignee && is_blank (assignee))
    {
      g_set_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                   XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_INCOMPLETE, "assignee: %s needs one",
                   transitions[row].name);
      return FALSE;
    }
  if (transitions[row].deadline && deadline_us <= now_us)
    {
      g_set_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                   XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_INCOMPLETE,
                   "deadline: %s needs a new deadline in the future", transitions[row].name);
      return FALSE;
    }
  return TRUE;
}

const char * const *
xuncha_office_case_running_statuses (void)
{
  static const char * const running[] = { OPEN_AFTER_FILING, NULL };

  return running;
}

gboolean
xuncha_office_case_status_is_running (const char *status)
{
  static const char * const running[] = { OPEN_AFTER_FILING };

  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (running); i++)
    if (g_str_equal (status, running[i]))
      return TRUE;
  return FALSE;
}
