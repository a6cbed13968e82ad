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

/* Ends the caller's transaction (xuncha_store_begin()) with a change the office must be
 * told of: steps @change, the owning module's statement with @item as ?1 and @at as ?2
 * (bound here, with anything else the caller bound), queues @kind for @item since @at
 * (xuncha_outbox_enqueue()) and commits; rolls back and FALSE with @error when any of it
 * fails. */
gboolean      xuncha_store_commit_with_outbox (XunchaStore   *self,
                                               sqlite3_stmt  *change,
                                               const char    *kind,
                                               const char    *item,
                                               const char    *at,
                                               GError       **error);

/* A text column of the current row as a new string, NULL for SQL NULL. */
char         *xuncha_store_column_dup (sqlite3_stmt *stmt,
                                       int           column);

/* Binds @value as text, or SQL NULL for NULL. */
void          xuncha_store_bind_text_or_null (sqlite3_stmt *stmt,
                                              int           index,
                                              const char   *value);

/* Makes a row's record from the current row of a statement. */
typedef gpointer (*XunchaStoreRowReader) (sqlite3_stmt *stmt);

/* Steps @stmt (bound by the caller) for its first row, made by @read into *@row (NULL
 * when there is none), and resets it. FALSE with @error, @what prefixed, when the step
 * fails. */
gboolean      xuncha_store_read_row   (XunchaStore           *self,
                                       sqlite3_stmt          *stmt,
                                       XunchaStoreRowReader   read,
                                       gpointer              *row,
                                       const char            *what,
                                       GError               **error);

/* Steps @stmt (bound by the caller) through all its rows, each made by @read, and resets
 * it: the rows in an array that frees them with @free_row, or NULL with @error, @what
 * prefixed, when a step fails. */
GPtrArray    *xuncha_store_read_rows  (XunchaStore           *self,
                                       sqlite3_stmt          *stmt,
                                       XunchaStoreRowReader   read,
                                       GDestroyNotify         free_row,
                                       const char            *what,
                                       GError               **error);

G_END_DECLS
