/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* Opens the office's records and photo store from what the command line said.
 *
 * @database: NULL for SQLite in @data_dir/office.db (the default for a small office), or a
 *   libpq connection string (a postgresql:// or postgres:// URI, or "key=value ..."
 *   words) for PostgreSQL + PostGIS.
 * @data_dir: the office's folder; photos are kept in @data_dir/photos in both cases (with
 *   PostgreSQL, several office processes share this folder).
 * @pool_size: how many connections the records keep (the server's worker count; 1 for a
 *   command).
 *
 * Runs the numbered schema migrations; refuses (SCHEMA_NEWER) a database a newer office
 * made, and leaves it untouched. */
gboolean xuncha_office_backend_open (const char              *database,
                                     const char              *data_dir,
                                     guint                    pool_size,
                                     XunchaOfficeRecords    **records,
                                     XunchaOfficePhotoStore **photos,
                                     GError                 **error);

G_END_DECLS
