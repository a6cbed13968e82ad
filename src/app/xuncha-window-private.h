/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-history-page.h"
#include "xuncha-report-view.h"
#include "xuncha-window.h"

G_BEGIN_DECLS

/* For tests. */

/* The reopened report's page ("win.open-report"); NULL before a report was opened. */
XunchaReportView *xuncha_window_get_report_view (XunchaWindow *self);
/* The history page, once it was shown; NULL before. */
XunchaHistoryPage *xuncha_window_get_history_page (XunchaWindow *self);
/* What fills the window: "main" (the pages), "report" (the report flow) or "view" (a
 * reopened report). */
const char       *xuncha_window_get_screen      (XunchaWindow *self);

G_END_DECLS
