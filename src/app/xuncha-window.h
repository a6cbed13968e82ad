/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-application.h"
#include "xuncha-report-flow.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_WINDOW (xuncha_window_get_type ())

G_DECLARE_FINAL_TYPE (XunchaWindow, xuncha_window, XUNCHA, WINDOW, AdwApplicationWindow)

XunchaWindow *xuncha_window_new            (XunchaApplication *application);
/* Switches to one of "patrol", "tasks", "queue", "history", "preferences". */
void          xuncha_window_show_page      (XunchaWindow      *self,
                                            const char        *name);
const char   *xuncha_window_get_page       (XunchaWindow      *self);
/* TRUE when the view switcher sits at the bottom (narrow window). */
gboolean      xuncha_window_get_bottom_bar_revealed (XunchaWindow *self);
/* The report flow (shown by the "win.report" action). */
XunchaReportFlow *xuncha_window_get_report_flow (XunchaWindow *self);
gboolean      xuncha_window_get_reporting  (XunchaWindow      *self);
void          xuncha_window_add_toast      (XunchaWindow      *self,
                                            const char        *text);
/* The toast of the last report saved ("Saved: … · …", its button opens the report's
 * details: "win.edit-report"), while it is shown; NULL otherwise. */
AdwToast     *xuncha_window_get_saved_toast (XunchaWindow     *self);

G_END_DECLS
