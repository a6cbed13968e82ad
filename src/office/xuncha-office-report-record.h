/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-receipt.h"
#include "xuncha-wire-report.h"

G_BEGIN_DECLS

/* A report as the office holds it: what the device sent, whose it is, the receipt the
 * office gave for it and the case status the office has set since. */
typedef struct
{
  XunchaWireReport   *report;
  char               *officer_id;
  XunchaOfficeReceipt receipt;
  char               *case_status;     /* nullable */
  char               *case_status_at;  /* nullable */
  guint               conflicts;       /* other versions under its uuid, kept for review */
  char               *street_name;     /* nullable; by reports_query(), report_get() */
  char               *street_class;    /* nullable; by reports_query(), report_get() */
} XunchaOfficeReportRecord;

XunchaOfficeReportRecord *xuncha_office_report_record_new     (void);
void                      xuncha_office_report_record_free    (XunchaOfficeReportRecord *record);
/* {"report", "receipt", "officer_id", "case_status", "case_status_at"}: the answer to
 * GET api/v1/reports/UUID. */
JsonObject               *xuncha_office_report_record_to_json (const XunchaOfficeReportRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeReportRecord, xuncha_office_report_record_free)

G_END_DECLS
