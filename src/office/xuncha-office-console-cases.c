/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's case workflow: the case on a report's page (its deadline and countdown,
 * the steps the member may take now, its history), each step checked on the server and
 * made in the records, and the categories' time limits, which an administrator sets. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-case-records.h"
#include "xuncha-office-case-workflow.h"
#include "xuncha-office-console-private.h"

#define PREFIX XUNCHA_OFFICE_CONSOLE_PREFIX
#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc
#define field xuncha_office_console_field

typedef XunchaOfficeConsolePage Page;

/* A check task's deadline when the case's own is near or past: a day to go and look. */
#define CHECK_MIN_US ((gint64)3600 * G_USEC_PER_SEC)
#define CHECK_DEFAULT_US ((gint64)24 * 3600 * G_USEC_PER_SEC)
/* Where a check task asks the officer to stand, around the report's position. */
#define CHECK_RADIUS_M 50.0

static XunchaOfficeCaseRecords *
case_records (Page *page)
{
  return XUNCHA_OFFICE_CASE_RECORDS (page->self->records);
}

const char *
xuncha_office_console_cases_status_name (Page       *page,
                                         const char *status)
{
  /* The labels the device shows for the same words (src/app/xuncha-case-status.c): one
   * translation for both. */
  static const struct
  {
    const char *office;
    const char *label;
  } names[] = {
    { XUNCHA_OFFICE_CASE_REPORTED, N_("Reported") },
    { XUNCHA_OFFICE_CASE_UP_FOR_FILING, N_("Up for filing") },
    { XUNCHA_OFFICE_CASE_ACCEPTED, N_("Accepted") },
    { XUNCHA_OFFICE_CASE_NOT_FILED, N_("Not filed") },
    { XUNCHA_OFFICE_CASE_FILED, N_("Filed") },
    { XUNCHA_OFFICE_CASE_DISPATCHED, N_("Dispatched") },
    { XUNCHA_OFFICE_CASE_HANDLED, N_("Being handled") },
    { XUNCHA_OFFICE_CASE_AWAITING_CHECK, N_("Awaiting check") },
    { XUNCHA_OFFICE_CASE_CLOSING, N_("Checked, to be closed") },
    { XUNCHA_OFFICE_CASE_RETURNED, N_("Returned") },
    { XUNCHA_OFFICE_CASE_CLOSED, N_("Closed") },
  };

  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (status, names[i].office))
      return tr (page, names[i].label);
  return status;
}

static char *
local_time_us (Page   *page,
               gint64  at_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, page->self->zone)
                                           : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
}

/* "2 d 3 h", "3 h 20 min", "20 min": how long, to the minute, in the page's language. */
static char *
duration_text (Page   *page,
               gint64  us)
{
  gint64 minutes = us / (60 * G_USEC_PER_SEC);
  int days = (int)(minutes / (24 * 60));
  int hours = (int)(minutes / 60 % 24);
  int rest = (int)(minutes % 60);

  if (days > 0)
    return g_strdup_printf (tr (page, N_("%d d %d h")), days, hours);
  if (hours > 0)
    return g_strdup_printf (tr (page, N_("%d h %d min")), hours, rest);
  return g_strdup_printf (tr (page, N_("%d min")), rest);
}

void
xuncha_office_console_cases_countdown (Page    *page,
                                       GString *html,
                                       gint64   deadline_us,
                                       gint64   now_us)
{
  g_autofree char *when = local_time_us (page, deadline_us);
  g_autofree char *left = duration_text (page, ABS (deadline_us - now_us));
  g_autofree char *text = NULL;

  if (deadline_us <= now_us)
    {
      text = g_strdup_printf (tr (page, N_("overdue by %s")), left);
      g_string_append (html, "<span class=\"overdue\">");
    }
  else
    {
      text = g_strdup_printf (tr (page, N_("%s left")), left);
      g_string_append (html, "<span class=\"countdown\">");
    }
  esc (html, when);
  g_string_append (html, " · ");
  esc (html, text);
  g_string_append (html, "</span>");
}

GHashTable *
xuncha_office_console_cases_deadlines (Page    *page,
                                       GError **error)
{
  g_autoptr(GPtrArray) running = xuncha_office_case_records_cases_running (case_records (page),
                                                                          error);
  GHashTable *deadlines;

  if (running == NULL)
    return NULL;
  deadlines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < running->len; i++)
    {
      XunchaOfficeCase *item = running->pdata[i];

      g_hash_table_insert (deadlines, g_steal_pointer (&item->report_uuid),
                           g_memdup2 (&item->deadline_us, sizeof item->deadline_us));
    }
  return deadlines;
}

/* Whether the page's member may act on a case of @team's: a leader his own team's only. */
static gboolean
may_act_for (Page       *page,
             const char *team)
{
  return page->staff->role != XUNCHA_OFFICE_STAFF_ROLE_LEADER
         || (team != NULL && g_strcmp0 (team, page->staff->team) == 0);
}

static void
step_form (Page                   *page,
           GString                *html,
           const char             *uuid,
           const XunchaOfficeCase *item,
           XunchaOfficeCaseAction  action)
{
  const char *name = xuncha_office_case_action_to_string (action);

  g_string_append_printf (html, "<form method=\"post\" class=\"case-step\" id=\"step-%s\" "
                          "action=\"" PREFIX "/reports/", name);
  esc (html, uuid);
  g_string_append (html, "/case\"><input type=\"hidden\" name=\"csrf\" value=\"");
  esc (html, page->session->csrf_token);
  g_string_append_printf (html, "\"><input type=\"hidden\" name=\"action\" value=\"%s\">"
                          "<input type=\"hidden\" name=\"steps\" value=\"%u\">"
                          "<input type=\"hidden\" name=\"status\" value=\"", name, item->steps);
  esc (html, xuncha_office_case_status_normal (item->status));
  g_string_append (html, "\">");
  if (xuncha_office_case_action_needs_assignee (action))
    {
      g_string_append (html, "<label>");
      esc (html, action == XUNCHA_OFFICE_CASE_ACTION_DISPATCH
                 ? tr (page, N_("To department or team"))
                 : tr (page, N_("Checked by (officer id or team)")));
      g_string_append_printf (html, "<input name=\"assignee\" id=\"%s-assignee\" required "
                              "maxlength=\"64\"", name);
      if (page->staff->role == XUNCHA_OFFICE_STAFF_ROLE_LEADER)
        {
          g_string_append (html, " value=\"");
          esc (html, page->staff->team);
          g_string_append (html, "\"");
        }
      g_string_append (html, "></label>");
    }
  if (xuncha_office_case_action_needs_deadline (action))
    {
      g_autofree char *date_id = g_strdup_printf ("%s-deadline-date", name);
      g_autofree char *time_id = g_strdup_printf ("%s-deadline-time", name);
      /* The deadline as it stands is the example: the new one is written the same way. */
      gint64 example_us = item->deadline_us != 0 ? item->deadline_us : g_get_real_time ();

      g_string_append (html, "<fieldset class=\"deadline\"><legend>");
      esc (html, tr (page, N_("New deadline")));
      g_string_append (html, "</legend>");
      xuncha_office_console_date_input (page, html, "deadline-date", date_id,
                                        tr (page, N_("Date")), NULL, example_us, TRUE);
      xuncha_office_console_time_input (page, html, "deadline-time", time_id,
                                        tr (page, N_("Time")), example_us, TRUE);
      g_string_append (html, "</fieldset>");
    }
  if (xuncha_office_case_action_needs_note (action)
      || action == XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK)
    {
      g_string_append (html, "<label>");
      esc (html, xuncha_office_case_action_needs_note (action) ? tr (page, N_("Reason or note"))
                                                               : tr (page, N_("Note")));
      g_string_append_printf (html, "<input name=\"note\" id=\"%s-note\" maxlength=\"200\"%s>"
                              "</label>", name,
                              xuncha_office_case_action_needs_note (action) ? " required" : "");
    }
  g_string_append_printf (html, "<button type=\"submit\" id=\"case-%s\">", name);
  esc (html, tr (page, xuncha_office_case_action_label (action)));
  g_string_append (html, "</button></form>");
}

static const char *
action_name (Page       *page,
             const char *action)
{
  XunchaOfficeCaseAction known;

  if (xuncha_office_case_action_from_string (action, &known))
    return tr (page, xuncha_office_case_action_label (known));
  if (g_strcmp0 (action, "check_result") == 0)
    return tr (page, N_("Check result"));
  if (g_strcmp0 (action, "verify_result") == 0)
    return tr (page, N_("Verified on site"));
  return action;
}

static void
history_item (Page                        *page,
              GString                     *html,
              const XunchaOfficeCaseEvent *event)
{
  g_autofree char *when = local_time_us (page, event->at);

  g_string_append (html, "<li><span class=\"when\">");
  esc (html, when);
  g_string_append (html, "</span> <span class=\"actor\">");
  esc (html, event->actor);
  g_string_append (html, "</span> <span class=\"action\">");
  esc (html, action_name (page, event->action));
  g_string_append (html, "</span>: ");
  esc (html, xuncha_office_console_cases_status_name (page, event->from_status));
  g_string_append (html, " → ");
  esc (html, xuncha_office_console_cases_status_name (page, event->to_status));
  if (event->assignee != NULL)
    {
      g_string_append (html, " · ");
      esc (html, event->assignee);
    }
  if (event->deadline_us != 0)
    {
      g_autofree char *deadline = local_time_us (page, event->deadline_us);
      g_autofree char *text = g_strdup_printf (tr (page, N_("deadline %s")), deadline);

      g_string_append (html, " · ");
      esc (html, text);
    }
  if (event->note != NULL)
    {
      g_string_append (html, " · <q class=\"note\">");
      esc (html, event->note);
      g_string_append (html, "</q>");
    }
  g_string_append (html, "</li>");
}

void
xuncha_office_console_cases_section (Page                           *page,
                                     const XunchaOfficeReportRecord *record,
                                     const char                     *team,
                                     GString                        *html)
{
  g_autoptr(GError) error = NULL;
  const char *uuid = record->report->uuid;
  g_autoptr(XunchaOfficeCase) item = xuncha_office_case_records_case_get (case_records (page),
                                                                         uuid, &error);
  g_autoptr(GPtrArray) history = NULL;
  gboolean any = FALSE;

  if (item != NULL)
    history = xuncha_office_case_records_case_history (case_records (page), uuid, &error);
  g_string_append (html, "<section class=\"case\" id=\"case\"><h2>");
  esc (html, tr (page, N_("Case")));
  g_string_append (html, "</h2>");
  if (history == NULL)
    {
      /* The rest of the report stands; the case says it could not be read. */
      g_warning ("Console: case of %s: %s", uuid, error->message);
      g_string_append (html, "<p class=\"problem\">");
      esc (html, tr (page, N_("The case could not be read. Try again in a moment.")));
      g_string_append (html, "</p></section>");
      return;
    }
  g_string_append (html, "<dl class=\"case\"><dt>");
  esc (html, tr (page, N_("Case status")));
  g_string_append (html, "</dt><dd id=\"case-status\">");
  esc (html, xuncha_office_console_cases_status_name (
               page, xuncha_office_case_status_normal (item->status)));
  g_string_append (html, "</dd><dt>");
  esc (html, tr (page, N_("Time limit")));
  g_string_append (html, "</dt><dd id=\"case-deadline\">");
  if (item->deadline_us != 0 && xuncha_office_case_status_is_running (item->status))
    xuncha_office_console_cases_countdown (page, html, item->deadline_us, g_get_real_time ());
  else if (item->deadline_us != 0)
    {
      g_autofree char *when = local_time_us (page, item->deadline_us);

      esc (html, when);
    }
  g_string_append (html, "</dd><dt>");
  esc (html, tr (page, N_("Dispatched to")));
  g_string_append (html, "</dt><dd id=\"case-assignee\">");
  esc (html, item->assignee);
  g_string_append (html, "</dd></dl>");

  /* The steps the server allows now; the same checks run again when one is sent. */
  g_string_append (html, "<div class=\"case-steps\">");
  for (XunchaOfficeCaseAction action = 0; may_act_for (page, team)
       && action < XUNCHA_OFFICE_CASE_N_ACTIONS; action++)
    if (xuncha_office_case_workflow_check (action, item->status, page->staff->role, NULL, NULL))
      {
        step_form (page, html, uuid, item, action);
        any = TRUE;
      }
  g_string_append (html, "</div>");
  if (!any)
    {
      g_string_append (html, "<p class=\"message\" id=\"case-no-steps\">");
      esc (html, tr (page, N_("Nothing to do on this case for you now.")));
      g_string_append (html, "</p>");
    }

  g_string_append (html, "<h3>");
  esc (html, tr (page, N_("Case history")));
  g_string_append (html, "</h3><ol class=\"history\" id=\"case-history\"><li>");
  {
    g_autoptr(GDateTime) received = g_date_time_new_from_iso8601 (record->receipt.received_at,
                                                                  NULL);
    g_autoptr(GDateTime) local = received != NULL
                                 ? g_date_time_to_timezone (received, page->self->zone) : NULL;
    g_autofree char *when = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;

    g_string_append (html, "<span class=\"when\">");
    esc (html, when);
    g_string_append (html, "</span> ");
    esc (html, tr (page, N_("received")));
  }
  g_string_append (html, "</li>");
  for (guint i = 0; i < history->len; i++)
    history_item (page, html, history->pdata[i]);
  g_string_append (html, "</ol></section>");
}

/* Refuses the step in the member's language: 400, 403 or 409. */
static void
refuse (Page       *page,
        guint       status,
        const char *message)
{
  xuncha_office_console_answer_message (page, status, tr (page, N_("Not possible")), message);
}

/* The number of @count digits at @text, or -1 when one is not a digit. */
static int
digits_value (const char *text,
              guint       count)
{
  int value = 0;

  for (guint i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return -1;
      value = value * 10 + g_ascii_digit_value (text[i]);
    }
  return value;
}

/* The date (2026-12-08) and time of day (18:00, or 8:30) of the deadline fields, in the
 * office's time zone. Digits where digits go, nothing around them. */
static gboolean
parse_local (Page       *page,
             const char *date,
             const char *time_of_day,
             gint64     *out_us)
{
  g_autoptr(GDateTime) local = NULL;
  int year, month, day, hour, minute;
  gsize hour_digits;

  if (date == NULL || time_of_day == NULL || strlen (date) != 10 || date[4] != '-'
      || date[7] != '-' || (strlen (time_of_day) != 4 && strlen (time_of_day) != 5))
    return FALSE;
  hour_digits = strlen (time_of_day) - 3;
  year = digits_value (date, 4);
  month = digits_value (date + 5, 2);
  day = digits_value (date + 8, 2);
  hour = digits_value (time_of_day, hour_digits);
  minute = time_of_day[hour_digits] == ':' ? digits_value (time_of_day + hour_digits + 1, 2)
                                           : -1;
  if (year < 1 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
      || !g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year))
    return FALSE;
  local = g_date_time_new (page->self->zone, year, month, day, hour, minute, 0);
  if (local == NULL)
    return FALSE;
  *out_us = g_date_time_to_unix (local) * G_USEC_PER_SEC;
  return TRUE;
}

/* Who a check goes to: an officer by id, or a team with officers; a leader's own team. */
static gboolean
check_addressee (Page        *page,
                 const char  *assignee,
                 char       **officer_id,
                 char       **team,
                 GError     **error)
{
  g_autoptr(GPtrArray) officers = xuncha_office_staff_records_officers (page->self->staff,
                                                                        error);

  *officer_id = *team = NULL;
  if (officers == NULL)
    return FALSE;
  for (guint i = 0; i < officers->len; i++)
    {
      const XunchaWireOfficer *officer = officers->pdata[i];

      if (g_strcmp0 (officer->id, assignee) == 0 && may_act_for (page, officer->team))
        {
          *officer_id = g_strdup (officer->id);
          return TRUE;
        }
    }
  for (guint i = 0; i < officers->len; i++)
    {
      const XunchaWireOfficer *officer = officers->pdata[i];

      if (g_strcmp0 (officer->team, assignee) == 0 && may_act_for (page, officer->team))
        {
          *team = g_strdup (officer->team);
          return TRUE;
        }
    }
  return TRUE;
}

char *
xuncha_office_console_cases_check_id (const char *report_uuid,
                                      guint       steps)
{
  g_autofree char *name = g_strdup_printf ("check:%s:%u", report_uuid, steps);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  static const char variants[] = "89ab";

  /* A name-based UUID (version 5's layout, SHA-256's digits): the protocol's ids are
   * UUIDs. */
  hash[12] = '5';
  hash[16] = variants[g_ascii_xdigit_value (hash[16]) & 3];
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hash, hash + 8, hash + 12, hash + 16,
                          hash + 20);
}

/* The check task of a request: its id made from the case and its step, so that a request
 * sent again after a failure finds the task it made before instead of making a second. */
static XunchaWireTask *
check_task (Page                           *page,
            const XunchaOfficeReportRecord *record,
            const XunchaOfficeCase         *item,
            const char                     *officer_id,
            const char                     *team,
            const char                     *note,
            gint64                          now_us)
{
  const XunchaWireReport *report = record->report;
  g_autoptr(XunchaWireTask) task = xuncha_wire_task_new ();
  g_autoptr(GStrvBuilder) photos = g_strv_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) due = NULL;
  gint64 due_us = item->deadline_us > now_us + CHECK_MIN_US ? item->deadline_us
                                                            : now_us + CHECK_DEFAULT_US;

  due = g_date_time_new_from_unix_utc (due_us / G_USEC_PER_SEC);
  task->id = xuncha_office_console_cases_check_id (report->uuid, item->steps);
  task->kind = g_strdup ("check");
  task->officer_id = g_strdup (officer_id);
  task->team = g_strdup (team);
  task->state = g_strdup ("open");
  task->created_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  task->deadline = g_date_time_format (due, "%Y-%m-%dT%H:%M:%SZ");
  if (report->has_position)
    {
      task->has_position = TRUE;
      task->lat = report->lat;
      task->lon = report->lon;
      task->radius_m = CHECK_RADIUS_M;
    }
  task->category = g_strdup (report->category);
  task->report_uuid = g_strdup (report->uuid);
  task->note = g_strdup (note != NULL ? note : "");
  for (guint i = 0; report->photos != NULL && i < report->photos->len
       && i < XUNCHA_WIRE_TASK_PHOTOS_MAX; i++)
    g_strv_builder_add (photos, ((XunchaWirePhoto *)report->photos->pdata[i])->sha256);
  g_strfreev (task->photos);
  task->photos = g_strv_builder_end (photos);
  return g_steal_pointer (&task);
}

/* The deadline of filing @category's report now, from its time limit. */
static gboolean
filing_deadline (Page        *page,
                 const char  *category,
                 gint64       now_us,
                 gint64      *deadline_us,
                 GError     **error)
{
  g_autoptr(GPtrArray) limits = xuncha_office_case_records_time_limits (case_records (page),
                                                                       error);

  *deadline_us = 0;
  if (limits == NULL)
    return FALSE;
  for (guint i = 0; i < limits->len; i++)
    {
      const XunchaOfficeTimeLimit *limit = limits->pdata[i];

      if (g_strcmp0 (limit->category, category) == 0)
        {
          *deadline_us = xuncha_office_case_deadline (now_us, limit->amount, limit->unit,
                                                      page->self->zone);
          return TRUE;
        }
    }
  return TRUE;
}

void
xuncha_office_console_cases_handle_step (Page       *page,
                                         const char *uuid)
{
  static const char * const allowed[] = { "csrf", "action", "status", "steps", "note",
                                          "assignee", "deadline-date", "deadline-time",
                                          NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(XunchaOfficeCase) item = NULL;
  g_autoptr(XunchaOfficeCaseEvent) event = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(GPtrArray) officers = NULL;
  g_autofree char *officer_id = NULL, *team = NULL, *location = NULL;
  const char *report_team = NULL;
  const char *target = NULL;
  const char *seen_status, *note, *assignee;
  XunchaOfficeCaseAction action;
  gint64 now = g_get_real_time ();
  gint64 deadline = 0, steps = -1;

  if (!xuncha_office_console_read_form (page, allowed)
      || !xuncha_office_console_check_change (page))
    return;
  if (!g_uuid_string_is_valid (uuid)
      || (record = xuncha_office_records_report_get (page->self->records, NULL, uuid,
                                                     &error)) == NULL)
    {
      if (error != NULL && !g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                             XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        xuncha_office_console_answer_storage_error (page, error);
      else
        xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                              tr (page, N_("There is no such report, or it is "
                                                           "not yours to see.")));
      return;
    }
  officers = xuncha_office_staff_records_officers (page->self->staff, &error);
  if (officers == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  for (guint i = 0; i < officers->len; i++)
    if (g_strcmp0 (((XunchaWireOfficer *)officers->pdata[i])->id, record->officer_id) == 0)
      report_team = ((XunchaWireOfficer *)officers->pdata[i])->team;
  if (!may_act_for (page, report_team))
    {
      refuse (page, 403, tr (page, N_("Only the leader of the reporting officer's team, or "
                                      "the dispatching centre, acts on this case.")));
      return;
    }

  seen_status = field (page->form, "status");
  note = field (page->form, "note");
  assignee = field (page->form, "assignee");
  if (!xuncha_office_case_action_from_string (field (page->form, "action"), &action)
      || seen_status == NULL || field (page->form, "steps") == NULL
      || !g_ascii_string_to_signed (field (page->form, "steps"), 10, 0, G_MAXINT, &steps,
                                    NULL))
    {
      refuse (page, 400, tr (page, N_("The form could not be read. Open the report again and "
                                      "repeat what you did.")));
      return;
    }
  if ((field (page->form, "deadline-date") != NULL || field (page->form, "deadline-time") != NULL)
      && !parse_local (page, field (page->form, "deadline-date"),
                       field (page->form, "deadline-time"), &deadline))
    {
      refuse (page, 400, tr (page, N_("Write the new deadline's date as year-month-day "
                                      "(2026-12-08) and its time as hours:minutes on the "
                                      "24-hour clock (18:00).")));
      return;
    }
  item = xuncha_office_case_records_case_get (case_records (page), uuid, &error);
  if (item == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  /* What the member saw is what the step is for: a case that moved on since (another
   * dispatcher, the same form sent twice) is not stepped on. */
  if (!g_str_equal (seen_status, xuncha_office_case_status_normal (item->status))
      || (guint64)steps != item->steps)
    {
      g_autofree char *message =
        g_strdup_printf (tr (page, N_("The case changed meanwhile: it is now “%s”. Open the "
                                      "report again to see what was done.")),
                         xuncha_office_console_cases_status_name (
                           page, xuncha_office_case_status_normal (item->status)));

      refuse (page, 409, message);
      return;
    }
  if (!xuncha_office_case_workflow_check (action, item->status, page->staff->role, &target,
                                          &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, XUNCHA_OFFICE_CASE_WORKFLOW_ERROR,
                           XUNCHA_OFFICE_CASE_WORKFLOW_ERROR_ROLE))
        {
          message = g_strdup_printf (tr (page, N_("“%s” is not for your role.")),
                                     tr (page, xuncha_office_case_action_label (action)));
          refuse (page, 403, message);
        }
      else
        {
          message = g_strdup_printf (tr (page, N_("“%s” is not possible while the case is "
                                                  "“%s”.")),
                                     tr (page, xuncha_office_case_action_label (action)),
                                     xuncha_office_console_cases_status_name (
                                       page, xuncha_office_case_status_normal (item->status)));
          refuse (page, 409, message);
        }
      return;
    }
  g_clear_error (&error);
  if (!xuncha_office_case_workflow_complete (action, note, assignee, deadline, now, &error))
    {
      if (xuncha_office_case_action_needs_note (action) && note == NULL)
        refuse (page, 400, tr (page, N_("Give the reason.")));
      else if (xuncha_office_case_action_needs_assignee (action) && assignee == NULL)
        refuse (page, 400, tr (page, N_("Say who it goes to.")));
      else
        refuse (page, 400, tr (page, N_("Give a new deadline after now.")));
      return;
    }
  g_clear_error (&error);

  event = xuncha_office_case_event_new ();
  event->report_uuid = g_strdup (uuid);
  event->at = now;
  event->actor = g_strdup (page->staff->name);
  event->action = g_strdup (xuncha_office_case_action_to_string (action));
  event->from_status = g_strdup (xuncha_office_case_status_normal (item->status));
  event->to_status = g_strdup (target);
  event->note = g_strdup (note);
  if (action == XUNCHA_OFFICE_CASE_ACTION_DISPATCH)
    event->assignee = g_strdup (assignee);
  if (action == XUNCHA_OFFICE_CASE_ACTION_EXTEND)
    event->deadline_us = deadline;
  if (action == XUNCHA_OFFICE_CASE_ACTION_FILE)
    {
      if (!filing_deadline (page, record->report->category, now, &event->deadline_us, &error))
        {
          xuncha_office_console_answer_storage_error (page, error);
          return;
        }
      if (event->deadline_us == 0)
        {
          g_autofree char *message =
            g_strdup_printf (tr (page, N_("The category “%s” has no time limit yet. An "
                                          "administrator sets one on the Time limits page.")),
                             xuncha_office_console_category_name (page,
                                                                  record->report->category));

          refuse (page, 409, message);
          return;
        }
    }
  if (action == XUNCHA_OFFICE_CASE_ACTION_REQUEST_CHECK)
    {
      if (!check_addressee (page, assignee, &officer_id, &team, &error))
        {
          xuncha_office_console_answer_storage_error (page, error);
          return;
        }
      if (officer_id == NULL && team == NULL)
        {
          refuse (page, 400, tr (page, N_("There is no officer with that id, or no team of "
                                          "that name with officers, that you may send.")));
          return;
        }
      task = check_task (page, record, item, officer_id, team, note, now);
      /* The task first, then the step: a step without its task would wait for a check
       * no one was asked for. The task's id is the step's, so that sending again finds it
       * held. */
      if (!xuncha_office_records_task_add (page->self->records, task, &error)
          && !g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                               XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
        {
          xuncha_office_console_answer_storage_error (page, error);
          return;
        }
      g_clear_error (&error);
      event->assignee = g_strdup (officer_id != NULL ? officer_id : team);
      event->task_id = g_strdup (task->id);
    }

  if (!xuncha_office_case_records_case_change (case_records (page), event, item->steps, NULL,
                                               &error))
    {
      if (task != NULL)
        {
          g_autoptr(GError) cancel_error = NULL;
          g_autoptr(XunchaWireTask) cancelled =
            xuncha_office_records_task_cancel (page->self->records, task->id, now,
                                               &cancel_error);

          if (cancelled == NULL)
            g_warning ("Console: check task %s of a step not made stays: %s", task->id,
                       cancel_error->message);
        }
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
        refuse (page, 409, tr (page, N_("The case changed meanwhile. Open the report again to "
                                        "see what was done.")));
      else
        xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  location = g_strdup_printf (PREFIX "/reports/%s#case", uuid);
  xuncha_office_console_redirect (page, location);
}

void
xuncha_office_console_cases_handle_limits (Page *page)
{
  static const char * const allowed_query[] = { "lang", NULL };
  static const char * const allowed_form[] = { "csrf", "category", "amount", "unit", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) limits = NULL;
  g_autofree char *problem = NULL;
  gboolean admin = page->staff->role == XUNCHA_OFFICE_STAFF_ROLE_ADMIN;
  guint status = 200;
  GString *html;

  if (!xuncha_office_console_read_query (page, allowed_query))
    return;
  if (g_str_equal (page->call->method, "POST"))
    {
      g_autoptr(XunchaOfficeTimeLimit) limit = NULL;
      XunchaOfficeTimeUnit unit;
      gint64 amount = 0;

      if (!admin)
        {
          xuncha_office_console_answer_message (page, 403, tr (page, N_("Refused")),
                                                tr (page, N_("Only an administrator may "
                                                             "change time limits.")));
          return;
        }
      if (!xuncha_office_console_read_form (page, allowed_form)
          || !xuncha_office_console_check_change (page))
        return;
      if (field (page->form, "category") == NULL
          || !g_hash_table_contains (page->self->categories, field (page->form, "category"))
          || !xuncha_office_time_unit_from_string (field (page->form, "unit"), &unit)
          || field (page->form, "amount") == NULL
          || !g_ascii_string_to_signed (field (page->form, "amount"), 10, 1,
                                        unit == XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS
                                        ? XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS
                                        : XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS, &amount, NULL))
        {
          problem = g_strdup_printf (tr (page, N_("A time limit is a category, a whole number "
                                                  "of work hours (1 to %d) or work days (1 to "
                                                  "%d).")),
                                     XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS,
                                     XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS);
          status = 400;
        }
      else
        {
          limit = xuncha_office_time_limit_new (field (page->form, "category"), (guint)amount,
                                                unit);
          if (!xuncha_office_case_records_time_limit_set (case_records (page), limit,
                                                          page->staff->name, &error))
            {
              xuncha_office_console_answer_storage_error (page, error);
              return;
            }
          xuncha_office_console_redirect (page, PREFIX "/time-limits");
          return;
        }
    }
  limits = xuncha_office_case_records_time_limits (case_records (page), &error);
  if (limits == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  html = xuncha_office_console_page_start (page, tr (page, N_("Time limits")));
  if (problem != NULL)
    {
      g_string_append (html, "<p class=\"problem\" role=\"alert\">");
      esc (html, problem);
      g_string_append (html, "</p>");
    }
  g_string_append (html, "<p class=\"message\">");
  esc (html, tr (page, N_("A case filed is due within its category's limit. Work days are "
                          "Monday to Friday and end at 18:00; work hours are 08:30–12:00 and "
                          "13:30–18:00. Holidays are not counted apart yet.")));
  g_string_append (html, "</p><table class=\"limits\"><thead><tr><th>");
  esc (html, tr (page, N_("Category")));
  g_string_append (html, "</th><th>");
  esc (html, tr (page, N_("Time limit")));
  g_string_append (html, "</th></tr></thead><tbody>");
  for (guint i = 0; i < limits->len; i++)
    {
      const XunchaOfficeTimeLimit *limit = limits->pdata[i];
      gboolean hours = limit->unit == XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS;

      g_string_append (html, "<tr><td>");
      esc (html, xuncha_office_console_category_name (page, limit->category));
      g_string_append (html, " <code>");
      esc (html, limit->category);
      g_string_append (html, "</code></td><td>");
      if (!admin)
        {
          g_autofree char *text = g_strdup_printf (hours ? tr (page, N_("%u work hours"))
                                                         : tr (page, N_("%u work days")),
                                                   limit->amount);

          esc (html, text);
        }
      else
        {
          g_string_append (html, "<form method=\"post\" class=\"limit\" action=\"" PREFIX
                           "/time-limits\"><input type=\"hidden\" name=\"csrf\" value=\"");
          esc (html, page->session->csrf_token);
          g_string_append (html, "\"><input type=\"hidden\" name=\"category\" value=\"");
          esc (html, limit->category);
          g_string_append_printf (html, "\"><input type=\"number\" name=\"amount\" min=\"1\" "
                                  "max=\"%d\" value=\"%u\" id=\"limit-",
                                  XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS, limit->amount);
          esc (html, limit->category);
          g_string_append (html, "\" aria-label=\"");
          esc (html, tr (page, N_("Time limit")));
          g_string_append (html, "\"><select name=\"unit\" aria-label=\"");
          esc (html, tr (page, N_("Unit")));
          g_string_append_printf (html, "\"><option value=\"work_hours\"%s>",
                                  hours ? " selected" : "");
          esc (html, tr (page, N_("work hours")));
          g_string_append_printf (html, "</option><option value=\"work_days\"%s>",
                                  hours ? "" : " selected");
          esc (html, tr (page, N_("work days")));
          g_string_append (html, "</option></select><button type=\"submit\" id=\"save-");
          esc (html, limit->category);
          g_string_append (html, "\">");
          esc (html, tr (page, N_("Save")));
          g_string_append (html, "</button></form>");
        }
      g_string_append (html, "</td></tr>");
    }
  g_string_append (html, "</tbody></table>");
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, status, html);
}
