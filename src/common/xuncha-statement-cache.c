/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-statement-cache"

#include "config.h"

#include "xuncha-statement-cache-private.h"

struct _XunchaStatementCache
{
  sqlite3    *db;           /* the connection of the statements held, or NULL when empty */
  GHashTable *statements;   /* const char *sql (by address) -> sqlite3_stmt * */
};

XunchaStatementCache *
xuncha_statement_cache_new (void)
{
  XunchaStatementCache *self = g_new0 (XunchaStatementCache, 1);

  self->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify)sqlite3_finalize);
  return self;
}

void
xuncha_statement_cache_free (XunchaStatementCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->statements);
  g_free (self);
}

sqlite3_stmt *
xuncha_statement_cache_prepare (XunchaStatementCache *self,
                                sqlite3              *db,
                                const char           *sql)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  /* A statement of another connection would run there: a mix-up, not a cache miss. */
  g_return_val_if_fail (self->db == NULL || self->db == db, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  /* SQL of only blanks or comments prepares to no statement: nothing to keep or run. */
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK
      || stmt == NULL)
    return NULL;
  self->db = db;
  g_hash_table_insert (self->statements, (gpointer)sql, stmt);
  return stmt;
}

void
xuncha_statement_cache_clear (XunchaStatementCache *self)
{
  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->statements);
  self->db = NULL;
}
