/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_REPORT_VIEW (xuncha_report_view_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReportView, xuncha_report_view, XUNCHA, REPORT_VIEW, GtkWidget)

/* One saved report as the officer reopens it: its photos, details, where it is on its
 * way to the office (waiting, being sent, acknowledged with the office's receipt and case
 * status, or refused with the reason) and what can still be done with it. Editing is
 * offered only while the report waits in the outbox ("win.edit-report"); once it went to
 * the office the page says why it is read-only and offers a re-inspection instead.
 * The report is read by the store worker. Signal: "closed" when the officer goes back. */
XunchaReportView *xuncha_report_view_new         (void);
/* Reads the report @uuid through @worker (street names from @map, may be NULL) and shows
 * it; a report that cannot be read says so on the page. */
void              xuncha_report_view_load        (XunchaReportView  *self,
                                                  XunchaStoreWorker *worker,
                                                  XunchaStreetMap   *map,
                                                  const char        *uuid);
/* Reads the shown report again (it was edited or synced). */
void              xuncha_report_view_reload      (XunchaReportView  *self);
/* The uuid of the report shown, or NULL. */
const char       *xuncha_report_view_get_uuid    (XunchaReportView  *self);

G_END_DECLS
