/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-case-status.h"

XunchaOfficeCaseStatus *
xuncha_office_case_status_new (void)
{
  return g_new0 (XunchaOfficeCaseStatus, 1);
}

void
xuncha_office_case_status_free (XunchaOfficeCaseStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->uuid);
  g_free (status->case_status);
  g_free (status->case_status_at);
  g_free (status);
}

JsonObject *
xuncha_office_case_status_to_json (const XunchaOfficeCaseStatus *status)
{
  JsonObject *item = json_object_new ();

  json_object_set_string_member (item, "uuid", status->uuid);
  if (status->case_status != NULL)
    json_object_set_string_member (item, "case_status", status->case_status);
  else
    json_object_set_null_member (item, "case_status");
  if (status->case_status_at != NULL)
    json_object_set_string_member (item, "case_status_at", status->case_status_at);
  else
    json_object_set_null_member (item, "case_status_at");
  json_object_set_int_member (item, "revision", status->revision);
  return item;
}
