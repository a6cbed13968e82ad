/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-report-record.h"
#include "xuncha-protocol.h"

XunchaOfficeReportRecord *
xuncha_office_report_record_new (void)
{
  return g_new0 (XunchaOfficeReportRecord, 1);
}

void
xuncha_office_report_record_free (XunchaOfficeReportRecord *record)
{
  if (record == NULL)
    return;
  g_clear_pointer (&record->report, xuncha_wire_report_free);
  g_free (record->officer_id);
  xuncha_office_receipt_clear (&record->receipt);
  g_free (record->case_status);
  g_free (record->case_status_at);
  g_free (record->street_name);
  g_free (record->street_class);
  g_free (record);
}

static void
set_nullable (JsonObject *object,
              const char *name,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

JsonObject *
xuncha_office_report_record_to_json (const XunchaOfficeReportRecord *record)
{
  JsonObject *object = json_object_new ();
  JsonObject *receipt = json_object_new ();

  json_object_set_member (object, "report", xuncha_wire_report_to_json (record->report));
  json_object_set_string_member (receipt, "id", record->receipt.id);
  json_object_set_string_member (receipt, "received_at", record->receipt.received_at);
  json_object_set_string_member (receipt, "content_sha256", record->receipt.content_sha256);
  json_object_set_object_member (object, "receipt", receipt);
  json_object_set_string_member (object, "officer_id", record->officer_id);
  set_nullable (object, "case_status", record->case_status);
  set_nullable (object, "case_status_at", record->case_status_at);
  return object;
}
