/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-report-store.h"
#include "xuncha-wire-delta.h"
#include "xuncha-wire-report.h"

G_BEGIN_DECLS

/* For the sync: the report rows read as the office gets them, and the case status it
 * sends back, written here as the owner of reports, report_photos and photos (HACKING.md,
 * "Tables and their owners"). They take the sync's own store connection. */

/* Report @uuid as it goes to the office, validated; an error when it is gone or cannot
 * go as it is. */
XunchaWireReport *xuncha_report_store_load_wire       (XunchaStore      *store,
                                                       const char       *uuid,
                                                       GError          **error);
/* The officer report @uuid was saved under; NULL when unknown (saved while the device
 * was not enrolled) or when there is no such report. */
char             *xuncha_report_store_get_officer_of  (XunchaStore      *store,
                                                       const char       *uuid);
/* The size of a stored photo in bytes, 0 when unknown. */
gint64            xuncha_report_store_get_photo_bytes (XunchaStore      *store,
                                                       const char       *sha256);
/* Applies the office's case status delta to the reports this device holds; @changed grows
 * by the reports changed. Run it in a transaction. */
gboolean          xuncha_report_store_apply_status    (XunchaStore      *store,
                                                       XunchaWireDelta  *delta,
                                                       guint            *changed,
                                                       GError          **error);

G_END_DECLS
