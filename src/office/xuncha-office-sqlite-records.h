/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-records.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_SQLITE_RECORDS (xuncha_office_sqlite_records_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeSqliteRecords, xuncha_office_sqlite_records,
                      XUNCHA, OFFICE_SQLITE_RECORDS, GObject)

/* The office's records in @data_dir/office.db (SQLite, WAL, synchronous FULL), created
 * when absent and brought to the newest schema. Up to @pool_size connections are opened,
 * one per call at a time, so that as many calls run at once; another office process may
 * open the same file. SCHEMA_NEWER for a database a newer office made: it is left as it
 * was, byte for byte. */
XunchaOfficeSqliteRecords *xuncha_office_sqlite_records_open (const char  *data_dir,
                                                              guint        pool_size,
                                                              GError     **error);

/* The newest schema version this build knows. */
int xuncha_office_sqlite_records_latest_version (void);

G_END_DECLS
