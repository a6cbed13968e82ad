/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-report.h"

G_BEGIN_DECLS

/* For XunchaReportStore: a report read back from the store, and the saved state. */
XunchaReport *xuncha_report_new_stored        (const char      *uuid,
                                               const char      *created_at,
                                               const char      *category);
void          xuncha_report_set_case_status   (XunchaReport    *self,
                                               const char      *case_status);
void          xuncha_report_add_stored_photo  (XunchaReport    *self,
                                               const char      *sha256,
                                               XunchaPhotoRole  role);
/* The in-memory bytes of photo @index, if it was added from memory. */
GBytes       *xuncha_report_get_photo_bytes   (XunchaReport    *self,
                                               guint            index);
void          xuncha_report_set_photo_sha256  (XunchaReport    *self,
                                               guint            index,
                                               const char      *sha256);
gboolean      xuncha_report_get_photo_taken_ms (XunchaReport   *self,
                                                guint           index,
                                                gint64         *utc_ms);
void          xuncha_report_set_photo_position (XunchaReport   *self,
                                                guint           index,
                                                double          lat,
                                                double          lon);

G_END_DECLS
