/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-storage.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_SQLITE_STORAGE (xuncha_office_sqlite_storage_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeSqliteStorage, xuncha_office_sqlite_storage,
                      XUNCHA, OFFICE_SQLITE_STORAGE, GObject)

/* The office's data in @data_dir: office.db (SQLite, WAL, synchronous FULL) and
 * photos/<sha256>.jpg. Created when absent. */
XunchaOfficeSqliteStorage *xuncha_office_sqlite_storage_open (const char  *data_dir,
                                                              GError     **error);

G_END_DECLS
