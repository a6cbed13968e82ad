/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-sqlite-records-private.h"

G_BEGIN_DECLS

/* What the files that implement a part of XunchaOfficeSqliteRecords (the staff records, the
 * case records) write each method with, so that each holds only its own queries: short
 * names for the pool's connections and their statements, and the audit log's one insert.
 * Not for xuncha-office-sqlite-records.c, which has names of its own for these. */

typedef XunchaOfficeSqliteConnection Connection;

/* @records is the interface the method was called on (the records object itself). */
#define take(records, write, error) \
  xuncha_office_sqlite_connection_take (XUNCHA_OFFICE_SQLITE_RECORDS (records), write, error)
#define prepare xuncha_office_sqlite_connection_prepare
#define step_done xuncha_office_sqlite_connection_step_done
#define read_done xuncha_office_sqlite_connection_read_done
#define commit xuncha_office_sqlite_connection_commit
#define column_text xuncha_office_sqlite_column_text

/* xuncha_office_sqlite_audit_insert(), in xuncha-office-sqlite-records-private.h. */
#define audit_insert xuncha_office_sqlite_audit_insert

G_END_DECLS
