/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "xuncha-sqlite-private.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* For core modules only: the app and the CLI never see SQLite. */
sqlite3      *xuncha_store_get_db     (XunchaStore  *self);

/* Returns a reset statement from the store's cache, prepared on first use. @sql must be a
 * string literal (its address is the cache key). Do not finalize it. */
sqlite3_stmt *xuncha_store_prepare    (XunchaStore  *self,
                                       const char   *sql,
                                       GError      **error);

/* Executes SQL with no result rows. */
gboolean      xuncha_store_exec       (XunchaStore  *self,
                                       const char   *sql,
                                       GError      **error);

/* Sets @error from the connection's last error, in the store's error domain, with
 * @what prefixed ("Could not save the report: ..."). Always returns FALSE. */
gboolean      xuncha_store_set_error  (XunchaStore  *self,
                                       GError      **error,
                                       const char   *what);

/* Steps a statement that returns no row; resets it afterwards. */
gboolean      xuncha_store_step_done  (XunchaStore  *self,
                                       sqlite3_stmt *stmt,
                                       GError      **error);

G_END_DECLS
