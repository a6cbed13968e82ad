/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "xuncha-office-pg-records.h"
#include "xuncha-office-case-records.h"
#include "xuncha-office-staff-records.h"

G_BEGIN_DECLS

/* Called on the calling thread inside every writing transaction, after its work and before
 * its COMMIT, with the name of the records method (as in the interface: "report_set_status"
 * ...). The tests hold a transaction open there to show what another one sees meanwhile. */
typedef void (*XunchaOfficePgRecordsHook) (const char *method,
                                           gpointer    user_data);

void xuncha_office_pg_records_set_before_commit (XunchaOfficePgRecords     *self,
                                                 XunchaOfficePgRecordsHook  hook,
                                                 gpointer                   user_data);

/* The PostgreSQL records span files: XunchaOfficePgRecords implements
 * XunchaOfficeStaffRecords in xuncha-office-pg-staff-records.c, on the connections of its
 * pool. @work runs inside one transaction (READ COMMITTED for @write, a read-only snapshot
 * otherwise), which commits when it returns TRUE and rolls back otherwise; an @error set
 * with TRUE is given to the caller after the commit. */
typedef gboolean (*XunchaOfficePgWork) (PGconn    *conn,
                                        gpointer   data,
                                        GError   **error);

gboolean  xuncha_office_pg_records_transact (XunchaOfficePgRecords  *self,
                                             const char             *method,
                                             gboolean                write,
                                             XunchaOfficePgWork      work,
                                             gpointer                data,
                                             GError                **error);
/* A transaction as xuncha_office_pg_records_transact() runs it, for a method that returns
 * what @work found: @work leaves it in *@found, which is returned when the transaction
 * commits and freed with @found_free when it does not (NULL with @error then). */
gpointer  xuncha_office_pg_records_find     (XunchaOfficePgRecords  *self,
                                             const char             *method,
                                             gboolean                write,
                                             XunchaOfficePgWork      work,
                                             gpointer                data,
                                             gpointer               *found,
                                             GDestroyNotify          found_free,
                                             GError                **error);
/* Runs @sql with @n text parameters (NULL for SQL NULL); NULL with @error unless it
 * succeeded. */
PGresult *xuncha_office_pg_records_run      (PGconn                 *conn,
                                             GError                **error,
                                             const char             *sql,
                                             const char * const     *params,
                                             int                     n);

/* Adds @entry to the audit log, inside the caller's transaction on @conn
 * (xuncha-office-pg-staff-records.c): the officer changes of xuncha-office-pg-records.c
 * write theirs with it too. */
gboolean  xuncha_office_pg_audit_insert             (PGconn                        *conn,
                                                     const XunchaOfficeAuditEntry  *entry,
                                                     GError                       **error);
void      xuncha_office_pg_staff_records_iface_init (XunchaOfficeStaffRecordsInterface *iface);
/* XunchaOfficeCaseRecords, in xuncha-office-pg-case-records.c. */
void      xuncha_office_pg_case_records_iface_init  (XunchaOfficeCaseRecordsInterface *iface);
/* Adds to the history of @report_uuid's case the step a task's result makes (its status
 * to @to_status, by the officer @actor), inside the result's transaction on @conn. */
gboolean  xuncha_office_pg_case_records_result_step (PGconn                     *conn,
                                                     const char                 *report_uuid,
                                                     const char                 *actor,
                                                     const XunchaWireTask       *task,
                                                     const XunchaWireTaskResult *result,
                                                     const char                 *to_status,
                                                     GError                    **error);

/* A result cell: its text (NULL for SQL NULL), a bigint (0 for NULL), a boolean. One set
 * for every PostgreSQL records file. */
const char *xuncha_office_pg_text_at  (const PGresult *result,
                                       int             row,
                                       int             column);
gint64      xuncha_office_pg_int64_at (const PGresult *result,
                                       int             row,
                                       int             column);
gboolean    xuncha_office_pg_bool_at  (const PGresult *result,
                                       int             row,
                                       int             column);

G_END_DECLS
