/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-report-view.h"

G_BEGIN_DECLS

/* For tests. */

/* TRUE while the report is being read. */
gboolean    xuncha_report_view_is_busy       (XunchaReportView *self);
/* The outbox state shown: waiting, sending, acked or failed; NULL before it was read. */
const char *xuncha_report_view_get_state     (XunchaReportView *self);
/* Every text the page shows, one per line. */
char       *xuncha_report_view_get_text      (XunchaReportView *self);
/* How many photos are shown. */
guint       xuncha_report_view_get_n_photos  (XunchaReportView *self);
/* The Edit button (visible only while the report waits) and the Back button. */
GtkWidget  *xuncha_report_view_get_edit_button (XunchaReportView *self);
GtkWidget  *xuncha_report_view_get_back_button (XunchaReportView *self);
/* Re-inspect (visible only once the office acknowledged the report). */
GtkWidget  *xuncha_report_view_get_reinspect_button (XunchaReportView *self);

G_END_DECLS
