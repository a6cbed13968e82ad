/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "xuncha-camera.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_QR_SCANNER (xuncha_qr_scanner_get_type ())

G_DECLARE_FINAL_TYPE (XunchaQrScanner, xuncha_qr_scanner, XUNCHA, QR_SCANNER, GObject)

/* Reads QR codes from a camera's preview: a few frames a second, each decoded (zbar) on a
 * thread of its own, one frame at a time. Only the texts are told; what they mean is the
 * caller's to check. Main thread only.
 *
 * Signals:
 *   "decoded" (const char *text): a QR code's text, once per new text while the same
 *   code stays in view */
XunchaQrScanner *xuncha_qr_scanner_new      (XunchaCamera    *camera);
/* Starts the camera and reading its frames; stop() ends both. */
void             xuncha_qr_scanner_start    (XunchaQrScanner *self);
void             xuncha_qr_scanner_stop     (XunchaQrScanner *self);
XunchaCamera    *xuncha_qr_scanner_get_camera (XunchaQrScanner *self);

/* The QR codes' texts in a grey image (one byte a pixel), at most eight, each at most
 * 4 KiB; an empty vector when there are none. For tests and the frames above. */
GStrv            xuncha_qr_scanner_decode_gray (const guint8 *gray,
                                                guint         width,
                                                guint         height);

G_END_DECLS
