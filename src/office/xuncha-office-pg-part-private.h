/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-pg-records-private.h"

G_BEGIN_DECLS

/* What the files that implement a part of XunchaOfficePgRecords (the staff records, the case
 * records) write each method with, so that each holds only its own queries: short names for
 * the result readers and the pool's calls, and the audit log's one insert. Not for
 * xuncha-office-pg-records.c, which has names of its own for these. */

#define text_at xuncha_office_pg_text_at
#define int64_at xuncha_office_pg_int64_at
#define bool_at xuncha_office_pg_bool_at

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* xuncha_office_pg_records_run() with the parameters listed: run (conn, error, sql, a, b). */
#define run(conn, error, sql, ...) \
  xuncha_office_pg_records_run (conn, error, sql, (const char * const[]){ __VA_ARGS__ }, \
                                G_N_ELEMENTS (((const char * const[]){ __VA_ARGS__ })))
#define run0(conn, error, sql) xuncha_office_pg_records_run (conn, error, sql, NULL, 0)

/* @records is the interface the method was called on (the records object itself). */
#define transact(records, method, write, work, data, error) \
  xuncha_office_pg_records_transact (XUNCHA_OFFICE_PG_RECORDS (records), method, write, work, \
                                     data, error)
#define find(records, method, write, work, data, found, found_free, error) \
  xuncha_office_pg_records_find (XUNCHA_OFFICE_PG_RECORDS (records), method, write, work, \
                                 data, found, (GDestroyNotify)found_free, error)

/* xuncha_office_pg_audit_insert(), in xuncha-office-pg-records-private.h. */
#define audit_insert xuncha_office_pg_audit_insert

G_END_DECLS
