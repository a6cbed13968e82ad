/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @func on GLib's worker threads like g_task_run_in_thread(), counting it as work in
 * flight until @func returns. */
void xuncha_background_run_in_thread (GTask           *task,
                                      GTaskThreadFunc  func);
/* Blocks until no work started with xuncha_background_run_in_thread() is running. The
 * application calls it at shutdown: a report being saved is finished, and no worker is
 * still reading the device store or the app's resources while the process exits. */
void xuncha_background_wait (void);

G_END_DECLS
