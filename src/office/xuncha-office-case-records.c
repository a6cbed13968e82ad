/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-case-records.h"
#include "xuncha-office-case-workflow.h"
#include "xuncha-protocol.h"

G_DEFINE_INTERFACE (XunchaOfficeCaseRecords, xuncha_office_case_records, G_TYPE_OBJECT)

static void
xuncha_office_case_records_default_init (XunchaOfficeCaseRecordsInterface *iface)
{
}

#define IFACE(self) XUNCHA_OFFICE_CASE_RECORDS_GET_IFACE (self)

GPtrArray *
xuncha_office_case_records_time_limits (XunchaOfficeCaseRecords  *self,
                                        GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->time_limits (self, error);
}

gboolean
xuncha_office_case_records_time_limit_set (XunchaOfficeCaseRecords      *self,
                                           const XunchaOfficeTimeLimit  *limit,
                                           const char                   *actor,
                                           GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), FALSE);
  g_return_val_if_fail (limit != NULL && limit->category != NULL && actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!xuncha_protocol_is_category_code (limit->category))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                   "category: %s is not a category code", limit->category);
      return FALSE;
    }
  if (!xuncha_office_time_limit_is_valid (limit->amount, limit->unit))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                   "amount: %u %s is outside the limits", limit->amount,
                   xuncha_office_time_unit_to_string (limit->unit));
      return FALSE;
    }
  return IFACE (self)->time_limit_set (self, limit, actor, error);
}

XunchaOfficeCase *
xuncha_office_case_records_case_get (XunchaOfficeCaseRecords  *self,
                                     const char               *report_uuid,
                                     GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), NULL);
  g_return_val_if_fail (report_uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->case_get (self, report_uuid, error);
}

GPtrArray *
xuncha_office_case_records_case_history (XunchaOfficeCaseRecords  *self,
                                         const char               *report_uuid,
                                         GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), NULL);
  g_return_val_if_fail (report_uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->case_history (self, report_uuid, error);
}

GPtrArray *
xuncha_office_case_records_cases_running (XunchaOfficeCaseRecords  *self,
                                          GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->cases_running (self, error);
}

GPtrArray *
xuncha_office_case_records_case_outcomes (XunchaOfficeCaseRecords  *self,
                                          gint64                    from_us,
                                          gint64                    to_us,
                                          GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), NULL);
  g_return_val_if_fail (from_us <= to_us, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->case_outcomes (self, from_us, to_us, error);
}

gboolean
xuncha_office_case_records_case_change (XunchaOfficeCaseRecords      *self,
                                        const XunchaOfficeCaseEvent  *event,
                                        guint                         steps,
                                        gint64                       *revision,
                                        GError                      **error)
{
  gint64 ignored;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_CASE_RECORDS (self), FALSE);
  g_return_val_if_fail (event != NULL && event->report_uuid != NULL, FALSE);
  g_return_val_if_fail (event->actor != NULL && event->action != NULL, FALSE);
  g_return_val_if_fail (event->from_status != NULL && event->to_status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->case_change (self, event, steps, revision != NULL ? revision : &ignored,
                                    error);
}

XunchaOfficeAuditEntry *
xuncha_office_case_records_step_audit (const XunchaOfficeCaseEvent *event)
{
  g_autofree char *action = g_strconcat ("case.", event->action, NULL);
  g_autoptr(GString) after = g_string_new (event->to_status);

  if (event->assignee != NULL)
    g_string_append_printf (after, "; assignee %s", event->assignee);
  if (event->deadline_us != 0)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (event->deadline_us
                                                              / G_USEC_PER_SEC);
      g_autofree char *text = g_date_time_format_iso8601 (t);

      g_string_append_printf (after, "; deadline %s", text);
    }
  if (event->task_id != NULL)
    g_string_append_printf (after, "; task %s", event->task_id);
  if (event->note != NULL)
    g_string_append_printf (after, "; note %s", event->note);
  return xuncha_office_audit_entry_new (event->actor, action, event->report_uuid,
                                        event->from_status, after->str);
}

const char *
xuncha_office_case_records_dispatched_to (const XunchaOfficeCaseEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return g_strcmp0 (event->action, "dispatch") == 0 ? event->assignee : NULL;
}

XunchaOfficeCaseEvent *
xuncha_office_case_records_result_event (const XunchaOfficeCase      *held,
                                         const char                  *actor,
                                         const XunchaWireTask        *task,
                                         const XunchaWireTaskResult  *result,
                                         const char                  *to_status)
{
  XunchaOfficeCaseEvent *event;

  g_return_val_if_fail (held != NULL && actor != NULL && task != NULL, NULL);
  g_return_val_if_fail (result != NULL && to_status != NULL, NULL);

  event = xuncha_office_case_event_new ();
  event->report_uuid = g_strdup (held->report_uuid);
  event->at = g_get_real_time ();
  event->actor = g_strdup (actor);
  event->action = g_strdup (g_str_equal (task->kind, "verify") ? "verify_result"
                                                                : "check_result");
  event->from_status = g_strdup (xuncha_office_case_status_normal (held->status));
  event->to_status = g_strdup (to_status);
  event->note = result->note != NULL && *result->note != '\0' ? g_strdup (result->note) : NULL;
  event->task_id = g_strdup (task->id);
  return event;
}
