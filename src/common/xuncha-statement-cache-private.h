/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Prepared statements of one SQLite connection, each prepared once and kept: the device's
 * store and the office's storage prepare the same few dozen statements over and over. For
 * the core and the office only; the app never sees SQLite. */
typedef struct _XunchaStatementCache XunchaStatementCache;

XunchaStatementCache *xuncha_statement_cache_new      (void);
void                  xuncha_statement_cache_free     (XunchaStatementCache  *self);

/* Returns @sql prepared on @db, reset and with its bindings cleared, prepared on first
 * use. @sql must be a string literal: its address is the key. The cache owns the
 * statement: do not finalize it. NULL when SQLite refuses the statement; the connection's
 * error says why, for the caller to report in its own error domain. A cache serves one
 * connection. */
sqlite3_stmt         *xuncha_statement_cache_prepare  (XunchaStatementCache  *self,
                                                       sqlite3               *db,
                                                       const char            *sql);

/* Finalizes every statement, which must happen before the connection closes: SQLite
 * does not close a connection with statements still open. */
void                  xuncha_statement_cache_clear    (XunchaStatementCache  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaStatementCache, xuncha_statement_cache_free)

G_END_DECLS
