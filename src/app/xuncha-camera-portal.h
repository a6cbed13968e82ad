/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE inside a Flatpak sandbox, where /dev/video* is not visible and the camera comes
 * through the camera portal. */
gboolean xuncha_camera_portal_is_sandboxed (void);

/* Asks the camera portal for the camera (the system may show a permission dialog) and
 * returns a PipeWire remote file descriptor for pipewiresrc, or -1 with a
 * XUNCHA_CAMERA_ERROR (NO_CAMERA, DENIED) whose message is meant for the user.
 * Blocking: call it from a worker thread. @cancellable ends the wait for the dialog. */
int      xuncha_camera_portal_open         (GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
