/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The case workflow: every action from every status by every role, allowed exactly where
 * the campaign plan's loop (上报 → 受理/立案 → 派遣 → 处置 → 核查 → 结案) allows it, with
 * the status it leads to; refused with STATE before ROLE; what each action needs. */
#include "config.h"

#include <string.h>

#include "xuncha-office-case-workflow.h"

static const char * const statuses[] = {
  "", "上报", "待立案", "受理", "不予立案", "立案", "派遣", "处置", "待核查", "待结案", "退回",
  "结案", "挂账",
};

#define D (1u << XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER)
#define L (1u << XUNCHA_OFFICE_STAFF_ROLE_LEADER)
#define A (1u << XUNCHA_OFFICE_STAFF_ROLE_ADMIN)

/* Written out again, apart from the module's table, so that a change to either shows. */
static const struct
{
  const char *action;
  const char *from;
  const char *to;
  guint       roles;
} allowed[] = {
  { "accept", "", "受理", D | A },
  { "accept", "上报", "受理", D | A },
  { "accept", "待立案", "受理", D | A },
  { "reject", "", "不予立案", D | A },
  { "reject", "上报", "不予立案", D | A },
  { "reject", "待立案", "不予立案", D | A },
  { "reject", "受理", "不予立案", D | A },
  { "file", "受理", "立案", D | A },
  { "dispatch", "立案", "派遣", D | A },
  { "dispatch", "退回", "派遣", D | A },
  { "handle", "派遣", "处置", D | L | A },
  { "request_check", "派遣", "待核查", D | L | A },
  { "request_check", "处置", "待核查", D | L | A },
  { "close", "待结案", "结案", D | A },
  { "close_override", "立案", "结案", A },
  { "close_override", "派遣", "结案", A },
  { "close_override", "处置", "结案", A },
  { "close_override", "待核查", "结案", A },
  { "close_override", "退回", "结案", A },
  { "return", "派遣", "退回", D | A },
  { "return", "处置", "退回", D | A },
  { "return", "待核查", "退回", D | A },
  { "return", "待结案", "退回", D | A },
  { "extend", "立案", "立案", D | A },
  { "extend", "派遣", "派遣", D | A },
  { "extend", "处置", "处置", D | A },
  { "extend", "待核查", "待核查", D | A },
  { "extend", "待结案", "待结案", D | A },
  { "extend", "退回", "退回", D | A },
};

static void
test_every_transition (void)
{
  static const char * const names[] = {
    "accept", "reject", "file", "dispatch", "handle", "request_check", "close",
    "close_override", "return", "extend",
  };
  guint checked = 0, allowed_seen = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == XUNCHA_OFFICE_CASE_N_ACTIONS);
  for (guint a = 0; a < G_N_ELEMENTS (names); a++)
    for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
      for (XunchaOfficeStaffRole role = XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER;
           role <= XUNCHA_OFFICE_STAFF_ROLE_ADMIN; role++)
        {
          g_autoptr(GError) error = NULL;
          XunchaOfficeCaseAction action;
          const char *target = NULL;
          const char *expected = NULL;
          gboolean state_ok = FALSE;
          gboolean ok;

          g_assert_true (xuncha_office_case_action_from_string (names[a], &action));
          g_assert_cmpstr (xuncha_office_case_action_to_string (action), ==, names[a]);
          for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
            if (g_str_equal (allowed[i].action, names[a])
                && g_str_equal (allowed[i].from, statuses[s]))
              {
                state_ok = TRUE;
                if (allowed[i].roles & (1u << role))
                  expected = allowed[i].to;
              }
          ok = xuncha_office_case_workflow_check (action, statuses[s], role, &target, &error);
          if (expected != NULL)
            {
              g_assert_no_error (error);
              g_assert_true (ok);
              g_assert_cmpstr (target, ==, expected);
              allowed_seen++;
            }
          else
            {
              g_assert_false (ok);
              g_assert_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                              state_ok ? XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_ROLE
                                       : XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_STATE);
              g_assert_nonnull (strstr (error->message, names[a]));
            }
          checked++;
        }
  g_assert_cmpuint (checked, ==, XUNCHA_OFFICE_CASE_N_ACTIONS * G_N_ELEMENTS (statuses) * 3);
  /* Every row of the table was met, each role it names once. */
  {
    guint expected_allowed = 0;

    for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
      for (guint bit = 0; bit < 3; bit++)
        expected_allowed += (allowed[i].roles >> bit) & 1;
    g_assert_cmpuint (allowed_seen, ==, expected_allowed);
  }
}

static void
test_unknown_action (void)
{
  XunchaOfficeCaseAction action;

  g_assert_false (xuncha_office_case_action_from_string ("delete", &action));
  g_assert_false (xuncha_office_case_action_from_string ("", &action));
  g_assert_false (xuncha_office_case_action_from_string (NULL, &action));
}

static void
test_needs (void)
{
  const gint64 now = 1000 * G_USEC_PER_SEC;
  struct
  {
    XunchaOfficeCaseAction action;
    const char            *note;
    const char            *assignee;
    gint64                 deadline;
    gboolean               ok;
  } cases[] = {
    { XUNCHA_OFFICE_CASE_ACTION_ACCEPT, NULL, NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_REJECT, NULL, NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_REJECT, " \t　", NULL, 0, FALSE },   /* ideographic space */
    { XUNCHA_OFFICE_CASE_ACTION_REJECT, "重复上报", NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_FILE, NULL, NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_DISPATCH, NULL, NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_DISPATCH, NULL, "一中队", 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_HANDLE, "", NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_HANDLE, "已劝离", NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK, NULL, NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK, NULL, "A001", 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_CLOSE, NULL, NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_CLOSE_OVERRIDE, NULL, NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_CLOSE_OVERRIDE, "领导批示", NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_RETURN, NULL, NULL, 0, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_RETURN, "未整改", NULL, 0, TRUE },
    { XUNCHA_OFFICE_CASE_ACTION_EXTEND, "天气", NULL, now, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_EXTEND, NULL, NULL, now + 1, FALSE },
    { XUNCHA_OFFICE_CASE_ACTION_EXTEND, "天气", NULL, now + 1, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = xuncha_office_case_workflow_complete (cases[i].action, cases[i].note,
                                                          cases[i].assignee, cases[i].deadline,
                                                          now, &error);

      g_test_message ("case %u", i);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                        XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_INCOMPLETE);
    }
}

static void
test_running (void)
{
  static const char * const running[] = { "立案", "派遣", "处置", "待核查", "待结案", "退回" };

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      gboolean expected = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (running); i++)
        expected |= g_str_equal (statuses[s], running[i]);
      g_assert_cmpint (xuncha_office_case_status_is_running (statuses[s]), ==, expected);
    }
  g_assert_false (xuncha_office_case_status_is_running (NULL));
  g_assert_cmpstr (xuncha_office_case_status_normal (NULL), ==, "上报");
  g_assert_cmpstr (xuncha_office_case_status_normal (""), ==, "上报");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office-case-workflow/every-transition", test_every_transition);
  g_test_add_func ("/office-case-workflow/unknown-action", test_unknown_action);
  g_test_add_func ("/office-case-workflow/needs", test_needs);
  g_test_add_func ("/office-case-workflow/running", test_running);
  return g_test_run ();
}
