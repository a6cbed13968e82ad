/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* The office's records in PostgreSQL 15 + PostGIS 3, for a city: several office processes
 * share one database. Positions (reports, track points, merchants) and street segments are
 * PostGIS geometries in WGS 84 (SRID 4326) with GiST indexes, for the console's map
 * queries. */

#define XUNCHA_TYPE_OFFICE_PG_RECORDS (xuncha_office_pg_records_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficePgRecords, xuncha_office_pg_records, XUNCHA,
                      OFFICE_PG_RECORDS, GObject)

/* Connects to @conninfo (any libpq connection string: a postgresql:// URI or "key=value"
 * words) and brings its schema up to date. The records then keep at most @pool_size
 * connections, each used by one call at a time. SCHEMA_NEWER (and nothing touched) when a
 * newer office made the schema; the database needs the PostGIS extension, or the right to
 * create it. */
XunchaOfficePgRecords *xuncha_office_pg_records_open          (const char  *conninfo,
                                                               guint        pool_size,
                                                               GError     **error);
/* The newest schema version this build knows. */
int                    xuncha_office_pg_records_schema_latest (void);

G_END_DECLS
