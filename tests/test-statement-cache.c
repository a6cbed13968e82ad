/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-statement-cache-private.h"
#include "xuncha-test-util.h"

static sqlite3 *
open_db (const char *dir,
         const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (v INTEGER);"
                                     "INSERT INTO t VALUES (1), (2), (3);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

/* The same literal gives the same statement, back at its start and with no value left
 * bound from its last use. */
static void
test_prepared_once (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStatementCache) cache = xuncha_statement_cache_new ();
  sqlite3 *db = open_db (dir, "a.db");
  static const char sql[] = "SELECT v, ?1 FROM t ORDER BY v";
  sqlite3_stmt *first, *again;

  first = xuncha_statement_cache_prepare (cache, db, sql);
  g_assert_nonnull (first);
  sqlite3_bind_int (first, 1, 42);
  g_assert_cmpint (sqlite3_step (first), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_step (first), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (first, 0), ==, 2);
  g_assert_cmpint (sqlite3_column_int (first, 1), ==, 42);

  again = xuncha_statement_cache_prepare (cache, db, sql);
  g_assert_true (again == first);
  g_assert_cmpint (sqlite3_step (again), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (again, 0), ==, 1);
  g_assert_cmpint (sqlite3_column_type (again, 1), ==, SQLITE_NULL);

  xuncha_statement_cache_clear (cache);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  xuncha_test_remove_tree (dir);
}

/* SQL that SQLite refuses: NULL, the reason on the connection, and nothing kept, so the
 * next attempt asks SQLite again. */
static void
test_refused (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStatementCache) cache = xuncha_statement_cache_new ();
  sqlite3 *db = open_db (dir, "a.db");
  static const char missing[] = "SELECT v FROM no_such_table";

  g_assert_null (xuncha_statement_cache_prepare (cache, db, missing));
  g_assert_nonnull (strstr (sqlite3_errmsg (db), "no_such_table"));

  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE no_such_table (v INTEGER)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_nonnull (xuncha_statement_cache_prepare (cache, db, missing));

  xuncha_statement_cache_clear (cache);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  xuncha_test_remove_tree (dir);
}

/* SQLite keeps a connection with open statements open; clearing the cache lets it close,
 * and the cache serves another connection after that. */
static void
test_clear_lets_close (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStatementCache) cache = xuncha_statement_cache_new ();
  sqlite3 *db = open_db (dir, "a.db");
  sqlite3 *other;

  g_assert_nonnull (xuncha_statement_cache_prepare (cache, db, "SELECT v FROM t"));
  g_assert_nonnull (xuncha_statement_cache_prepare (cache, db, "SELECT count(*) FROM t"));
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_BUSY);

  xuncha_statement_cache_clear (cache);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  other = open_db (dir, "b.db");
  g_assert_nonnull (xuncha_statement_cache_prepare (cache, other, "SELECT v FROM t"));
  xuncha_statement_cache_clear (cache);
  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);
  xuncha_test_remove_tree (dir);
}

/* A statement cached for one connection is never handed out for another. */
static void
test_one_connection (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStatementCache) cache = xuncha_statement_cache_new ();
  sqlite3 *db = open_db (dir, "a.db");
  sqlite3 *other = open_db (dir, "b.db");
  static const char sql[] = "SELECT v FROM t";

  g_assert_nonnull (xuncha_statement_cache_prepare (cache, db, sql));
  g_test_expect_message ("xuncha-statement-cache", G_LOG_LEVEL_CRITICAL, "*db*");
  g_assert_null (xuncha_statement_cache_prepare (cache, other, sql));
  g_test_assert_expected_messages ();

  xuncha_statement_cache_clear (cache);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/statement-cache/prepared-once", test_prepared_once);
  g_test_add_func ("/statement-cache/refused", test_refused);
  g_test_add_func ("/statement-cache/clear-lets-close", test_clear_lets_close);
  g_test_add_func ("/statement-cache/one-connection", test_one_connection);

  return g_test_run ();
}
