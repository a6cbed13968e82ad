/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE inside a Flatpak sandbox, where /dev/video* is not visible and the camera comes
 * through the camera portal. */
gboolean xuncha_camera_portal_is_sandboxed (void);

/* Asks the camera portal for the camera (the system may show a permission dialog) and
 * gives a PipeWire remote file descriptor for pipewiresrc, or -1 with a
 * XUNCHA_CAMERA_ERROR (NO_CAMERA, DENIED) whose message is meant for the user. Runs on
 * the caller's main context and holds no thread while the dialog is open; @cancellable
 * closes the dialog. */
void     xuncha_camera_portal_open_async   (GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
int      xuncha_camera_portal_open_finish  (GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
