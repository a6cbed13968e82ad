/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-report-flow.h"

G_BEGIN_DECLS

/* For tests: the question asked before Back throws photos away, while it is shown. */
AdwMessageDialog *xuncha_report_flow_get_discard_dialog (XunchaReportFlow *self);

/* The re-inspection's banner over the camera (the original photo and the way to it). */
GtkWidget        *xuncha_report_flow_get_reinspect_banner (XunchaReportFlow *self);

G_END_DECLS
