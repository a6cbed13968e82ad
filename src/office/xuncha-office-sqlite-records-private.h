/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "xuncha-office-sqlite-records.h"
#include "xuncha-office-case-records.h"
#include "xuncha-office-staff-records.h"

G_BEGIN_DECLS

/* The SQLite records span files: XunchaOfficeSqliteRecords implements
 * XunchaOfficeStaffRecords in xuncha-office-sqlite-staff-records.c, on the connections of
 * its pool. A connection taken here is in a transaction (BEGIN IMMEDIATE for @write, a
 * read snapshot otherwise) until it is given back; giving it back uncommitted rolls it
 * back. */
typedef struct _XunchaOfficeSqliteConnection XunchaOfficeSqliteConnection;

XunchaOfficeSqliteConnection *
              xuncha_office_sqlite_connection_take      (XunchaOfficeSqliteRecords     *self,
                                                         gboolean                       write,
                                                         GError                       **error);
sqlite3      *xuncha_office_sqlite_connection_db        (XunchaOfficeSqliteConnection  *connection);
/* Prepared once per connection and cached: @sql must be a literal. */
sqlite3_stmt *xuncha_office_sqlite_connection_prepare   (XunchaOfficeSqliteConnection  *connection,
                                                         const char                    *sql,
                                                         GError                       **error);
/* Steps @stmt once and resets it; FALSE with @error on anything but a row or its end. */
gboolean      xuncha_office_sqlite_connection_step_done (XunchaOfficeSqliteConnection  *connection,
                                                         sqlite3_stmt                  *stmt,
                                                         GError                       **error);
/* Sets @error from the connection's last SQLite error, prefixed with @what; FALSE. */
gboolean      xuncha_office_sqlite_connection_fail      (XunchaOfficeSqliteConnection  *connection,
                                                         GError                       **error,
                                                         const char                    *what);
/* Resets @stmt after its rows were stepped through; @rc is the last step's: FALSE with
 * @error unless the rows were read to their end. */
gboolean      xuncha_office_sqlite_connection_read_done (XunchaOfficeSqliteConnection  *connection,
                                                         sqlite3_stmt                  *stmt,
                                                         int                            rc,
                                                         GError                       **error);
gboolean      xuncha_office_sqlite_connection_commit    (XunchaOfficeSqliteConnection  *connection,
                                                         GError                       **error);
void          xuncha_office_sqlite_connection_give_back (XunchaOfficeSqliteConnection  *connection);

/* Adds @failure with @insert (a literal; ?1 the officer or account, ?2 the address, ?3 the
 * time) and forgets all but the @keep_max latest with @forget (a literal; ?1 the last row
 * id to forget), in @connection's write transaction. */
gboolean      xuncha_office_sqlite_connection_failure_add (XunchaOfficeSqliteConnection *connection,
                                                           const char                   *insert,
                                                           const char                   *forget,
                                                           const XunchaOfficeEnrollFailure *failure,
                                                           guint                         keep_max,
                                                           GError                      **error);

/* A text column of the current row, NULL for SQL NULL. */
const char   *xuncha_office_sqlite_column_text          (sqlite3_stmt                  *stmt,
                                                         int                            column);

/* The columns every report query reads, in this order (reports as r), and the record
 * they make. */
#define XUNCHA_OFFICE_SQLITE_REPORT_COLUMNS \
  "r.body, r.officer_id, r.receipt_id, r.received_at, r.content_sha256, r.case_status, " \
  "r.case_status_at, (SELECT count(*) FROM report_conflicts k WHERE k.uuid = r.uuid)"
XunchaOfficeReportRecord *
              xuncha_office_sqlite_report_from_row      (sqlite3_stmt                  *stmt,
                                                         GError                       **error);

/* The console's queries (xuncha-office-sqlite-report-query.c). */
GPtrArray    *xuncha_office_sqlite_reports_query        (XunchaOfficeRecords           *records,
                                                         const XunchaOfficeReportFilter *filter,
                                                         guint                          offset,
                                                         guint                          limit,
                                                         GError                       **error);
GArray       *xuncha_office_sqlite_reports_grid         (XunchaOfficeRecords           *records,
                                                         const XunchaOfficeReportFilter *filter,
                                                         guint                          columns,
                                                         guint                          rows,
                                                         GError                       **error);
GPtrArray    *xuncha_office_sqlite_reports_count        (XunchaOfficeRecords           *records,
                                                         const XunchaOfficeReportFilter *filter,
                                                         XunchaOfficeReportGroup        group,
                                                         GError                       **error);
GPtrArray    *xuncha_office_sqlite_streets_within       (XunchaOfficeRecords           *records,
                                                         double                         west,
                                                         double                         south,
                                                         double                         east,
                                                         double                         north,
                                                         guint                          limit,
                                                         GError                       **error);
GStrv         xuncha_office_sqlite_street_names         (XunchaOfficeRecords           *records,
                                                         const char                    *prefix,
                                                         guint                          limit,
                                                         GError                       **error);
/* Replaces the street extents with those of @streets (XunchaOfficeStreet), inside the
 * caller's write transaction. */
gboolean      xuncha_office_sqlite_street_extents_replace (sqlite3                     *db,
                                                         GPtrArray                     *streets,
                                                         GError                       **error);

/* Adds @entry to the audit log, inside the caller's write transaction on @connection
 * (xuncha-office-sqlite-staff-records.c): the officer changes of
 * xuncha-office-sqlite-records.c write theirs with it too. */
gboolean      xuncha_office_sqlite_audit_insert         (XunchaOfficeSqliteConnection  *connection,
                                                         const XunchaOfficeAuditEntry  *entry,
                                                         GError                       **error);

void          xuncha_office_sqlite_staff_records_iface_init (XunchaOfficeStaffRecordsInterface *iface);
/* XunchaOfficeCaseRecords, in xuncha-office-sqlite-case-records.c. */
void          xuncha_office_sqlite_case_records_iface_init (XunchaOfficeCaseRecordsInterface *i);
/* Adds to the history of @report_uuid's case the step a task's result makes (its status
 * to @to_status, by the officer @actor), inside the result's transaction on @connection. */
gboolean      xuncha_office_sqlite_case_records_result_step (XunchaOfficeSqliteConnection *connection,
                                                             const char                   *report_uuid,
                                                             const char                   *actor,
                                                             const XunchaWireTask         *task,
                                                             const XunchaWireTaskResult   *result,
                                                             const char                   *to_status,
                                                             GError                      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeSqliteConnection,
                               xuncha_office_sqlite_connection_give_back)

G_END_DECLS
