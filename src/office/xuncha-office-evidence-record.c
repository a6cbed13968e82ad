/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-evidence-record.h"

XunchaOfficeEvidenceRecord *
xuncha_office_evidence_record_new (void)
{
  return g_new0 (XunchaOfficeEvidenceRecord, 1);
}

void
xuncha_office_evidence_record_free (XunchaOfficeEvidenceRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->device_key);
  g_free (record->report_uuid);
  g_free (record->sha256);
  g_free (record->manifest);
  g_clear_pointer (&record->signature, g_bytes_unref);
  g_free (record->received_at);
  g_free (record);
}
