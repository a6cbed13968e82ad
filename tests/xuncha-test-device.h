/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-core.h"

G_BEGIN_DECLS

/* Device data for sync tests, written straight into the store the way the report and shift
 * code saves it (rows, outbox entries and photos/<sha256>.jpg in one go). When the report
 * API lands, these become thin calls to it. */

/* A report with @n_photos new photos of about @photo_bytes each (real JPEG bytes from the
 * fixture, padded after the image so each photo is distinct). Returns the uuid. */
char   *xuncha_test_device_add_report   (XunchaStore *store,
                                         guint        n_photos,
                                         gsize        photo_bytes);
/* A report that reuses a photo another report has (same sha256). */
char   *xuncha_test_device_add_report_with_photo (XunchaStore *store,
                                                  const char  *sha256,
                                                  const char  *role);
/* A shift with @n_points track points; ended when @ended. Returns the uuid. */
char   *xuncha_test_device_add_shift    (XunchaStore *store,
                                         guint        n_points,
                                         gboolean     ended);
/* The photos of a report, sha256 strings. */
GStrv   xuncha_test_device_report_photos (XunchaStore *store,
                                          const char  *uuid);

G_END_DECLS
