/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The texts of the QR codes on an HTML page (the enrollment cards' <svg class="qr">), each
 * drawn from its SVG path into a grey image and read by zbar as a phone's camera would;
 * asserts that each one reads. */
GPtrArray *xuncha_test_read_qr_codes (const char *html);

G_END_DECLS
