/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-camera.h"
#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_ENROLL_SCAN_WINDOW (xuncha_enroll_scan_window_get_type ())

G_DECLARE_FINAL_TYPE (XunchaEnrollScanWindow, xuncha_enroll_scan_window, XUNCHA,
                      ENROLL_SCAN_WINDOW, AdwWindow)

/* The camera over an office's enrollment card: reads the card's QR code and, once it is an
 * enrollment link (docs/protocol.md), tells it and closes. A code that is not one is said
 * under the picture and scanning goes on. The camera runs while the window is shown.
 *
 * Signals:
 *   "link-scanned" (XunchaEnrollLink *link): valid for the emission only */
XunchaEnrollScanWindow *xuncha_enroll_scan_window_new       (XunchaCamera           *camera);
/* What is said under the picture when a code was refused, or NULL. For tests. */
const char             *xuncha_enroll_scan_window_get_error (XunchaEnrollScanWindow *self);

G_END_DECLS
