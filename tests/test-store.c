/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

static char *
db_path (const char *dir)
{
  return g_build_filename (dir, "xuncha.db", NULL);
}

static int
pragma_int (XunchaStore *store,
            const char  *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int (stmt, 0);
}

static void
test_create_from_empty (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "not", "yet", NULL);
  g_autofree char *path = db_path (sub);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  const char * const *tables = xuncha_store_list_tables ();
  GStatBuf st;

  store = xuncha_store_open (sub, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_nonnull (store);
  g_assert_cmpint (xuncha_store_get_schema_version (store), ==,
                   xuncha_store_latest_schema_version ());
  g_assert_cmpstr (xuncha_store_get_path (store), ==, path);

  for (guint i = 0; tables[i] != NULL; i++)
    g_assert_cmpint (xuncha_store_count_rows (store, tables[i], &error), >=, 0);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_store_count_rows (store, "categories", NULL), >, 0);
  g_assert_cmpint (xuncha_store_count_rows (store, "no_such_table", &error), ==, -1);
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NOT_FOUND);

  /* Owner only: evidence and positions. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_assert_true (xuncha_store_check_integrity (store, NULL));
  xuncha_test_remove_tree (dir);
}

/* A data folder opened up (by hand, or a backup restored) is closed again when the store
 * opens it, and so are the database files SQLite left, a crash's -wal, -shm and -journal
 * included: SQLite would give new ones the database's mode, but keeps old ones as they
 * are. */
static void
test_private_reopened (void)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = db_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  GStatBuf st;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      /* Empty: SQLite takes an empty -wal or -journal as nothing to replay. */
      if (i > 0)
        g_assert_true (g_file_set_contents (file, "", 0, NULL));
      g_assert_cmpint (g_chmod (file, 0644), ==, 0);
    }

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_stat (file, &st) == 0)
        g_assert_cmpint (st.st_mode & 07777, ==, 0600);
    }
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

static void
test_pragmas (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_nonnull (store);
  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), "PRAGMA journal_mode",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
  g_assert_cmpint (pragma_int (store, "PRAGMA synchronous"), ==, 2 /* FULL */);
  g_assert_cmpint (pragma_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (store, "PRAGMA busy_timeout"), >=, 1000);
  xuncha_test_remove_tree (dir);
}

static void
test_reopen (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) first = xuncha_store_open (dir, &error);
  g_autoptr(XunchaStore) second = NULL;
  g_autofree char *value = NULL;
  gint64 categories;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (first, &error));
  g_assert_true (xuncha_store_set_meta (first, "device_name", "巡查 1", &error));
  g_assert_no_error (error);
  categories = xuncha_store_count_rows (first, "categories", NULL);
  g_clear_object (&first);

  second = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (second, &error));
  value = xuncha_store_get_meta (second, "device_name");
  g_assert_cmpstr (value, ==, "巡查 1");
  /* The taxonomy is loaded once, not appended again. */
  g_assert_cmpint (xuncha_store_count_rows (second, "categories", NULL), ==, categories);
  xuncha_test_remove_tree (dir);
}

static void
test_migration_from_zero (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = db_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  sqlite3 *db = NULL;

  /* A database made before any migration ran (schema 0) with a table of its own: the
   * migration path must upgrade it and keep what was there. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE keepme (x); INSERT INTO keepme VALUES (42);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (store, "PRAGMA user_version"), ==,
                   xuncha_store_latest_schema_version ());
  g_assert_cmpint (pragma_int (store, "SELECT x FROM keepme"), ==, 42);
  xuncha_test_remove_tree (dir);
}

/* Reports and shifts saved before schema 3 had no officer: they get the one the device is
 * enrolled as when it migrates, or stay unknown on a device not enrolled. */
static void
migrate_officers (const char *enrolled,
                  const char *expected)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO shifts (uuid, kind, started_at) VALUES "
                                    "  ('s1', 'early', '2024-05-01T06:00:00Z');"
                                    "INSERT INTO reports (uuid, created_at, category) VALUES "
                                    "  ('r1', '2024-05-01T08:30:00Z', '09006');"
                                    "INSERT INTO reports (uuid, created_at, category, officer) "
                                    "  VALUES ('r2', '2024-05-01T08:31:00Z', '09006', 'C003');"
                                    /* Back to schema 2: what later migrations add goes. */
                                    "ALTER TABLE categories DROP COLUMN pinyin;"
                                    /* A schema 2 had no tasks or messages. */
                                    "DROP TABLE task_results; DROP TABLE tasks;"
                                    "DROP TABLE messages;"
                                    /* Nor signed manifests. */
                                    "DROP TABLE evidence_manifests;"
                                    "PRAGMA user_version = 2;", &error));
  g_assert_no_error (error);
  if (enrolled != NULL)
    g_assert_true (xuncha_store_set_meta (store, "sync.officer", enrolled, &error));
  g_clear_object (&store);

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  stmt = xuncha_store_prepare (store, "SELECT (SELECT officer FROM reports WHERE uuid = 'r1'), "
                               "(SELECT officer FROM shifts WHERE uuid = 's1'), "
                               "(SELECT officer FROM reports WHERE uuid = 'r2')", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, expected);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==, expected);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 2), ==, "C003");
  sqlite3_reset (stmt);
  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

static void
test_migration_officers (void)
{
  migrate_officers ("A001", "A001");
  migrate_officers (NULL, NULL);
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = db_path (dir);
  g_autofree char *bump = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;
  int version = -1;

  g_assert_no_error (error);
  g_clear_object (&store);

  bump = g_strdup_printf ("PRAGMA journal_mode = DELETE; PRAGMA user_version = %d",
                          xuncha_store_latest_schema_version () + 1);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, bump, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  store = xuncha_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));

  /* Never downgraded: the version and the bytes are unchanged. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, 0);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    version = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  g_assert_cmpint (version, ==, xuncha_store_latest_schema_version () + 1);
  xuncha_test_remove_tree (dir);
}

static guint
count_aside (const char *dir,
             char      **found)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "xuncha.db.corrupt-") && strchr (name + 18, '-') == NULL
        && !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      {
        n++;
        if (found != NULL)
          {
            g_free (*found);
            *found = g_build_filename (dir, name, NULL);
          }
      }
  return n;
}

static void
test_corrupt_refused_and_kept (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = db_path (dir);
  g_autofree char *aside = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  const char garbage[] = "This is not an SQLite database, but an officer's work may be in it.";
  gsize kept_len;

  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));

  store = xuncha_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "corrupt-"));

  /* Moved aside with a timestamp, byte for byte; never deleted. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_aside (dir, &aside), ==, 1);
  g_assert_true (g_file_get_contents (aside, &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, garbage, sizeof garbage);

  /* The next start begins afresh and the damaged file is still there. */
  g_clear_error (&error);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpuint (count_aside (dir, NULL), ==, 1);
  xuncha_test_remove_tree (dir);
}

static void
test_damaged_pages_found (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = db_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  /* Fill enough rows to span many pages, then checkpoint into the main file. */
  g_assert_true (xuncha_store_exec (store,
                                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                    "FROM n WHERE i < 2000) INSERT INTO meta SELECT "
                                    "'k' || i, hex (randomblob (64)) FROM n;"
                                    "PRAGMA wal_checkpoint(TRUNCATE); "
                                    "PRAGMA journal_mode = DELETE;", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Scribble over the middle of the file, past the header. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 64 * 1024);
  memset (contents + len / 2, 0x5a, 8192);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));

  store = xuncha_store_open (dir, &error);
  if (store != NULL)
    {
      /* The header survived: the full check must find the damage. */
      g_assert_false (xuncha_store_check_integrity (store, &error));
      g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT);
    }
  else
    g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT);
  xuncha_test_remove_tree (dir);
}

static void
test_foreign_key_rejected (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  /* A report with a category the taxonomy does not have. */
  g_assert_false (xuncha_store_exec (store,
                                     "INSERT INTO reports (uuid, created_at, category) "
                                     "VALUES ('r1', '2026-01-01T00:00:00Z', 'NO-SUCH')",
                                     &error));
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CONSTRAINT);
  g_assert_cmpint (xuncha_store_count_rows (store, "reports", NULL), ==, 0);

  /* The same row with a known category is accepted. */
  g_clear_error (&error);
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category) "
                                    "VALUES ('r1', '2026-01-01T00:00:00Z', '07001')",
                                    &error));
  g_assert_no_error (error);
  xuncha_test_remove_tree (dir);
}

static void
test_transaction_rollback (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autofree char *value = NULL;

  g_assert_true (xuncha_store_begin (store, &error));
  g_assert_true (xuncha_store_begin (store, &error));   /* nested */
  g_assert_true (xuncha_store_set_meta (store, "a", "1", &error));
  g_assert_true (xuncha_store_commit (store, &error));  /* inner: nothing yet */
  xuncha_store_rollback (store);
  value = xuncha_store_get_meta (store, "a");
  g_assert_null (value);
  xuncha_test_remove_tree (dir);
}

static void
test_data_dir_resolution (void)
{
  g_autofree char *explicit = xuncha_store_resolve_data_dir ("/srv/x");
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "xuncha", NULL);

  g_assert_cmpstr (explicit, ==, "/srv/x");
  g_setenv ("XUNCHA_DATA_DIR", "/var/tmp/xd", TRUE);
  from_env = xuncha_store_resolve_data_dir (NULL);
  g_assert_cmpstr (from_env, ==, "/var/tmp/xd");
  g_unsetenv ("XUNCHA_DATA_DIR");
  fallback = xuncha_store_resolve_data_dir (NULL);
  g_assert_cmpstr (fallback, ==, expected);
}

static gint64
count (XunchaStore *store,
       const char  *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gpointer
open_in_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  XunchaStore *store = xuncha_store_open (data, &error);

  g_assert_no_error (error);
  return store;
}

/* Opening only opens: a second connection, or a worker's, leaves the rows as they are
 * (a sync's 'sending' rows, a category list) until the program prepares the store once
 * at its start. */
static void
test_open_has_no_side_effects (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) first = xuncha_store_open (dir, &error);
  g_autoptr(XunchaStore) second = NULL;
  g_autoptr(XunchaStore) worker = NULL;
  GThread *thread;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_exec (first,
                                    "DELETE FROM categories; DELETE FROM meta;"
                                    "INSERT INTO outbox (kind, item, state, queued_at) VALUES "
                                    "  ('photo', 'p', 'sending', '2026-01-01T00:00:00Z');",
                                    &error));
  g_assert_no_error (error);

  second = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("open", open_in_thread, dir);
  worker = g_thread_join (thread);
  for (guint i = 0; i < 3; i++)
    {
      XunchaStore *store = (XunchaStore *[]){ first, second, worker }[i];

      g_assert_cmpint (count (store, "SELECT count(*) FROM categories"), ==, 0);
      g_assert_cmpint (count (store, "SELECT count(*) FROM outbox WHERE state = 'sending'"),
                       ==, 1);
    }

  /* The program's start does both, once. */
  g_assert_true (xuncha_store_prepare_for_use (second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (first, "SELECT count(*) FROM categories"), >, 0);
  g_assert_cmpint (count (first, "SELECT count(*) FROM outbox WHERE state = 'sending'"), ==, 0);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/create-from-empty", test_create_from_empty);
  g_test_add_func ("/store/private-reopened", test_private_reopened);
  g_test_add_func ("/store/pragmas", test_pragmas);
  g_test_add_func ("/store/reopen", test_reopen);
  g_test_add_func ("/store/open-has-no-side-effects", test_open_has_no_side_effects);
  g_test_add_func ("/store/migration-from-zero", test_migration_from_zero);
  g_test_add_func ("/store/migration-officers", test_migration_officers);
  g_test_add_func ("/store/newer-schema-refused", test_newer_schema_refused);
  g_test_add_func ("/store/corrupt-refused-and-kept", test_corrupt_refused_and_kept);
  g_test_add_func ("/store/damaged-pages-found", test_damaged_pages_found);
  g_test_add_func ("/store/foreign-key-rejected", test_foreign_key_rejected);
  g_test_add_func ("/store/transaction-rollback", test_transaction_rollback);
  g_test_add_func ("/store/data-dir-resolution", test_data_dir_resolution);

  return g_test_run ();
}
