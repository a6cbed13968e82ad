/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "xuncha-office-backend.h"
#include "xuncha-office-backup.h"
#include "xuncha-office-backup-writer.h"
#include "xuncha-office-folder-photo-store-private.h"
#if HAVE_POSTGRESQL
#include "xuncha-office-pg-records.h"
#endif
#include "xuncha-office-sqlite-records.h"
#include "xuncha-private-files-private.h"
#include "xuncha-protocol.h"

/* What "the records hold something" means to a restore: an office that has officers,
 * reports, shifts or streets is one whose records a restore would replace. (The SQLite
 * records keep streets among their features.) */
static const char * const sqlite_record_tables[] = { "officers", "reports", "shifts",
                                                     "features" };
#if HAVE_POSTGRESQL
static const char * const pg_record_tables[] = { "officers", "reports", "shifts", "streets" };
#endif

static gboolean
failed (GError     **error,
        const char  *message)
{
  g_set_error_literal (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                       message);
  return FALSE;
}

/* Adds what a refusal before the first change means for the administrator. */
static void
nothing_changed (GError **error)
{
  if (error != NULL && *error != NULL)
    {
      char *message = g_strdup_printf (_("%s Nothing was changed."), (*error)->message);

      g_free ((*error)->message);
      (*error)->message = message;
    }
}

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/* Makes the entries just renamed or linked in @dir durable. */
static gboolean
sync_dir (const char  *dir,
          GError     **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not write %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* An empty file that only its owner may read, made before a program fills it (SQLite and
 * pg_dump keep the mode of a file that exists). */
static gboolean
create_private (const char  *path,
                GError     **error)
{
  int fd;

  g_unlink (path);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not create %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* SQLite. */

static gboolean
sqlite_failed (sqlite3     *db,
               const char  *what,
               GError     **error)
{
  g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED, "%s: %s",
               what, db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

static gboolean
sqlite_int (sqlite3     *db,
            const char  *sql,
            gint64      *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
sqlite_has_table (sqlite3    *db,
                  const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master "
                                          "WHERE type = 'table' AND name = '%s'", table);
  gint64 n = 0;

  return sqlite_int (db, sql, &n) && n > 0;
}

/* Rows of @table, or -1 when it is absent or cannot be read. */
static gint64
sqlite_count (sqlite3    *db,
              const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  gint64 n = -1;

  if (!sqlite_has_table (db, table) || !sqlite_int (db, sql, &n))
    return -1;
  return n;
}

/* A copy of @db_path in @dest_path as of one moment: SQLite's online backup in one step,
 * which reads in one transaction (a WAL reader: the office goes on writing meanwhile, and
 * nothing it commits after the copy began is in it). The copy is turned back into a
 * rollback-journal file, complete in itself; the office makes it WAL again when it opens
 * it. */
static gboolean
sqlite_snapshot (const char  *db_path,
                 const char  *dest_path,
                 int         *schema,
                 GError     **error)
{
  sqlite3 *src = NULL, *dest = NULL;
  sqlite3_backup *backup;
  gint64 version = 0;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_open_v2 (db_path, &src, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      sqlite_failed (src, db_path, error);
      goto out;
    }
  sqlite3_busy_timeout (src, 10000);
  if (!create_private (dest_path, error))
    goto out;
  if (sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      sqlite_failed (dest, dest_path, error);
      goto out;
    }
  /* A scratch copy: the backup file is flushed once it holds it. */
  sqlite3_exec (dest, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      sqlite_failed (dest, _("Could not copy the records"), error);
      goto out;
    }
  /* All pages in one step, so in one read transaction. Busy only while a checkpoint
   * resets the log: tried again. */
  for (guint attempt = 0;; attempt++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 200)
        break;
      g_usleep (50000);
    }
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not copy the records from %s: %s"), db_path, sqlite3_errstr (rc));
      goto out;
    }
  {
    sqlite3_stmt *stmt = NULL;
    const char *mode = NULL;

    if (sqlite3_prepare_v2 (dest, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step (stmt) == SQLITE_ROW)
      mode = (const char *)sqlite3_column_text (stmt, 0);
    ok = mode != NULL && g_ascii_strcasecmp (mode, "delete") == 0;
    sqlite3_finalize (stmt);
    if (!ok)
      {
        sqlite_failed (dest, _("Could not copy the records"), error);
        goto out;
      }
  }
  ok = sqlite_int (dest, "PRAGMA user_version", &version);
  if (!ok)
    sqlite_failed (dest, _("Could not copy the records"), error);
  *schema = (int)version;

out:
  sqlite3_close_v2 (dest);
  sqlite3_close_v2 (src);
  return ok;
}

/* Whether an office has @db_path open, and whether it holds records. Every connection of an
 * office to its WAL database holds a shared lock on the file from its first read until it
 * closes, idle or not; a connection in exclusive locking mode cannot read while one does.
 * So an exclusive read that succeeds proves that no office (nor any other process) has the
 * file open. *@holds: officers, reports, shifts or streets in it; *@unreadable when it
 * could not be read at all (not a database). */
static gboolean
sqlite_target_check (const char  *db_path,
                     const char  *data_dir,
                     gboolean    *holds,
                     gboolean    *unreadable,
                     GError     **error)
{
  sqlite3 *db = NULL;
  gint64 n = 0;
  int rc;
  gboolean ok = TRUE;

  *holds = FALSE;
  *unreadable = FALSE;
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    return TRUE;
  rc = sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                           "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_IN_USE,
                   _("An office is running on %s (another process has its office.db open): "
                     "stop it (systemctl stop xuncha-office) and restore again."), data_dir);
      ok = FALSE;
    }
  else if (rc != SQLITE_OK)
    *unreadable = TRUE;
  else
    for (guint i = 0; i < G_N_ELEMENTS (sqlite_record_tables); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s)",
                                                sqlite_record_tables[i]);

        if (sqlite_has_table (db, sqlite_record_tables[i]) && sqlite_int (db, sql, &n) && n > 0)
          *holds = TRUE;
      }
  if (db != NULL)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  return ok;
}

/* The restored office.db before it takes the place: a whole SQLite database of a schema
 * this office knows. Its counts for the administrator. */
static gboolean
sqlite_check_restored (const char                 *path,
                       XunchaOfficeRestoreResult  *result,
                       GError                    **error)
{
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  gint64 version = 0;

  /* Read only, no locks, no journal: nothing is written next to it. */
  uri = g_strconcat ("file:", path, "?immutable=1", NULL);
  if (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                       NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW
      && g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") == 0
      && sqlite_int (db, "PRAGMA user_version", &version))
    ok = TRUE;
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,
                 _("The records in the backup are not a whole SQLite database (%s)."),
                 db != NULL ? sqlite3_errmsg (db) : "out of memory");
  else if (version > xuncha_office_sqlite_records_latest_version ())
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_NEWER,
                   _("The records in the backup were written by a newer xuncha-office (schema "
                     "%d; this one knows up to %d): restore them with that xuncha-office."),
                   (int)version, xuncha_office_sqlite_records_latest_version ());
      ok = FALSE;
    }
  else
    {
      result->officers = sqlite_count (db, "officers");
      result->reports = sqlite_count (db, "reports");
      result->shifts = sqlite_count (db, "shifts");
    }
  sqlite3_close_v2 (db);
  return ok;
}

/* A name beside office.db for the one a restore replaces, free at this moment. */
static char *
aside_name (const char *db_path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  char *name = g_strdup_printf ("%s.before-restore-%s", db_path, stamp);

  for (guint i = 2; g_file_test (name, G_FILE_TEST_EXISTS); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s.before-restore-%s-%u", db_path, stamp, i);
    }
  return name;
}

/* Puts @restored in the place of office.db. What was there is kept, renamed with its log
 * and journal (never deleted, and never left beside the new file: SQLite would apply an
 * old -wal to it); the shared-memory index is only a cache and goes. */
static gboolean
sqlite_swap_in (const char  *restored,
                const char  *db_path,
                const char  *data_dir,
                char       **replaced,
                GError     **error)
{
  static const char * const kept[] = { "", "-wal", "-journal" };
  g_autofree char *aside = aside_name (db_path);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  gboolean moved = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *from = g_strconcat (db_path, kept[i], NULL);
      g_autofree char *to = g_strconcat (aside, kept[i], NULL);

      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (from, to) != 0)
        {
          int saved = errno;

          g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                       _("Could not move %s aside to %s: %s"), from, to, g_strerror (saved));
          return FALSE;
        }
      moved = TRUE;
    }
  g_unlink (shm);
  if (g_rename (restored, db_path) != 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not put the restored records in place as %s: %s"), db_path,
                   g_strerror (saved));
      return FALSE;
    }
  if (!sync_dir (data_dir, error))
    return FALSE;
  if (moved)
    *replaced = g_steal_pointer (&aside);
  return TRUE;
}

/* PostgreSQL. */

#if HAVE_POSTGRESQL
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

static PGconn *
pg_connect (const char  *database,
            GError     **error)
{
  PGconn *conn = PQconnectdb (database);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not connect to the PostgreSQL database: %s"),
                   PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

/* The first value of a query without parameters, or NULL (and @error) when it fails. */
static char *
pg_value (PGconn      *conn,
          const char  *sql,
          GError     **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) < 1)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The PostgreSQL database could not be read: %s"),
                   PQresultErrorMessage (result));
      return NULL;
    }
  return g_strdup (PQgetisnull (result, 0, 0) ? "" : PQgetvalue (result, 0, 0));
}

static gboolean
pg_has_table (PGconn     *conn,
              const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT to_regclass ('%s') IS NOT NULL", table);
  g_autofree char *value = pg_value (conn, sql, NULL);

  return g_strcmp0 (value, "t") == 0;
}

static gint64
pg_count (PGconn     *conn,
          const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *value = NULL;

  if (!pg_has_table (conn, table) || (value = pg_value (conn, sql, NULL)) == NULL)
    return -1;
  return g_ascii_strtoll (value, NULL, 10);
}

/* The schema the database's office records are at; FALSE when it holds none. */
static gboolean
pg_schema (PGconn  *conn,
           int     *schema,
           GError **error)
{
  g_autofree char *value = NULL;

  if (!pg_has_table (conn, "xuncha_schema"))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The PostgreSQL database holds no office records (it has no "
                     "xuncha_schema table): check --database."));
      return FALSE;
    }
  value = pg_value (conn, "SELECT coalesce (max (version), 0) FROM xuncha_schema", error);
  if (value == NULL)
    return FALSE;
  *schema = (int)g_ascii_strtoll (value, NULL, 10);
  return TRUE;
}

/* A value for a libpq "key=value" string: quoted, with ' and \ escaped. */
static void
append_conninfo_value (GString    *out,
                       const char *value)
{
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/* How pg_dump and pg_restore are told the database: the connection string without its
 * password for their --dbname (a command line anyone on the machine may read), the
 * password in their environment. */
static gboolean
pg_program_connection (const char   *database,
                       char        **dbname,
                       char       ***envp,
                       GError      **error)
{
  g_autoptr(GString) words = g_string_new (NULL);
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (database, &message);

  if (options == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The connection string is not one libpq reads: %s"),
                   message != NULL ? message : "out of memory");
      PQfreemem (message);
      return FALSE;
    }
  *envp = g_get_environ ();
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        {
          *envp = g_environ_setenv (*envp, "PGPASSWORD", o->val, TRUE);
          continue;
        }
      if (words->len > 0)
        g_string_append_c (words, ' ');
      g_string_append_printf (words, "%s=", o->keyword);
      append_conninfo_value (words, o->val);
    }
  PQconninfoFree (options);
  *dbname = g_strconcat ("--dbname=", words->str, NULL);
  return TRUE;
}

/* Runs a PostgreSQL client program; FAILED with what it said when it fails. @out (may be
 * NULL): what it wrote to standard output. */
static gboolean
run_pg_program (const char * const  *argv,
                char               **envp,
                char               **out,
                GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new ((out != NULL ? G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                            : G_SUBPROCESS_FLAGS_STDOUT_SILENCE)
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *said = NULL;
  g_autoptr(GError) local_error = NULL;

  g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (process == NULL
      || !g_subprocess_communicate_utf8 (process, NULL, NULL, out, &said, &local_error))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not run %s: %s"), argv[0], local_error->message);
      return FALSE;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("%s failed: %s"), argv[0], said != NULL ? g_strstrip (said) : "");
      return FALSE;
    }
  return TRUE;
}

static char *
find_pg_program (const char  *name,
                 GError     **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                 _("%s is not installed: install the PostgreSQL client programs "
                   "(postgresql-client, of the server's version or newer), or back up and "
                   "restore the photos alone with --photos-only and leave the database to its "
                   "administrator's own dumps."), name);
  return path;
}
#endif

#if !HAVE_POSTGRESQL
static gboolean
no_postgresql (GError **error)
{
  return failed (error, _("This xuncha-office was built without PostgreSQL support: leave "
                          "out --database (and XUNCHA_OFFICE_DATABASE) for an office on "
                          "SQLite, or use --photos-only."));
}
#endif

/* pg_dump -Fc of @database into @dest, and the schema its office records are at. pg_dump
 * takes its own snapshot: the dump is one moment of the database, while offices go on
 * writing. */
static gboolean
pg_dump_to (const char  *database,
            const char  *dest,
            int         *schema,
            GError     **error)
{
#if HAVE_POSTGRESQL
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *program = NULL, *dbname = NULL, *file = NULL;
  g_auto(GStrv) envp = NULL;

  conn = pg_connect (database, error);
  if (conn == NULL || !pg_schema (conn, schema, error))
    return FALSE;
  program = find_pg_program ("pg_dump", error);
  if (program == NULL || !pg_program_connection (database, &dbname, &envp, error)
      || !create_private (dest, error))
    return FALSE;
  file = g_strconcat ("--file=", dest, NULL);
  {
    const char *argv[] = { program, "--format=custom", "--no-password", file, dbname, NULL };

    if (!run_pg_program (argv, envp, NULL, error))
      return FALSE;
  }
  /* Read after the dump: a migration meanwhile makes it newer, never older, so a restore
   * into an older office is still refused. */
  return pg_schema (conn, schema, error);
#else
  return no_postgresql (error);
#endif
}

/* Whether a client other than this one is connected to @database (an office: a restore
 * under it would pull its tables away), and whether it holds records. */
static gboolean
pg_target_check (const char  *database,
                 gboolean    *holds,
                 GError     **error)
{
#if HAVE_POSTGRESQL
  g_autoptr(PGconn) conn = pg_connect (database, error);
  g_autofree char *others = NULL;
  gint64 n;

  *holds = FALSE;
  if (conn == NULL)
    return FALSE;
  others = pg_value (conn, "SELECT count(*) FROM pg_stat_activity "
                           "WHERE datname = current_database () AND pid <> pg_backend_pid () "
                           "AND backend_type = 'client backend'", error);
  if (others == NULL)
    return FALSE;
  n = g_ascii_strtoll (others, NULL, 10);
  if (n > 0)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_IN_USE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%d other client is connected to the PostgreSQL database (an "
                                "office, or another program): stop the offices on it "
                                "(systemctl stop xuncha-office) and close the others, then "
                                "restore again.",
                                "%d other clients are connected to the PostgreSQL database (an "
                                "office, or another program): stop the offices on it "
                                "(systemctl stop xuncha-office) and close the others, then "
                                "restore again.", (gulong)n), (int)n);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (pg_record_tables); i++)
    if (pg_count (conn, pg_record_tables[i]) > 0)
      *holds = TRUE;
  return TRUE;
#else
  return no_postgresql (error);
#endif
}

/* The dump's table of contents without the PostGIS extension (and its comment): the
 * extension stays as the database has it. Dropping and making it again would need rights
 * over it that the office's role seldom has where a database administrator installed
 * PostGIS, and it is not the office's to replace. */
static char *
contents_without_extensions (const char *listing)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);
  GString *kept = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* "ID; OID OID EXTENSION - name" and "ID; 0 0 COMMENT - EXTENSION name". */
      const char *rest = strchr (lines[i], ';');

      if (lines[i][0] != ';' && rest != NULL
          && g_regex_match_simple ("^; [0-9]+ [0-9]+ (EXTENSION|COMMENT - EXTENSION) ", rest, 0,
                                   0))
        continue;
      g_string_append_printf (kept, "%s\n", lines[i]);
    }
  return g_string_free (kept, FALSE);
}

static gboolean
pg_restore_from (const char                 *database,
                 const char                 *dump,
                 XunchaOfficeRestoreResult  *result,
                 GError                    **error)
{
#if HAVE_POSTGRESQL
  g_autofree char *program = NULL, *dbname = NULL, *listing = NULL, *kept = NULL;
  g_autofree char *list_file = NULL, *use_list = NULL;
  g_auto(GStrv) envp = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) made = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  program = find_pg_program ("pg_restore", error);
  if (program == NULL || !pg_program_connection (database, &dbname, &envp, error))
    return FALSE;
  conn = pg_connect (database, error);
  if (conn == NULL)
    return FALSE;
  /* As the office at its first start: PostGIS where it is not yet. */
  made = PQexec (conn, "CREATE EXTENSION IF NOT EXISTS postgis");
  if (PQresultStatus (made) != PGRES_COMMAND_OK)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The database lacks PostGIS, and it could not be added (%s): have a "
                     "database administrator run CREATE EXTENSION postgis in it."),
                   PQresultErrorMessage (made));
      return FALSE;
    }
  {
    const char *argv[] = { program, "--list", dump, NULL };

    if (!run_pg_program (argv, envp, &listing, error))
      return FALSE;
  }
  kept = contents_without_extensions (listing);
  list_file = g_strconcat (dump, ".list", NULL);
  if (!g_file_set_contents_full (list_file, kept, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                 &local_error))
    return failed (error, local_error->message);
  use_list = g_strconcat ("--use-list=", list_file, NULL);
  {
    /* One transaction that stops at the first error: the database is restored whole, or
     * left as it was. */
    const char *argv[] = { program, "--clean", "--if-exists", "--no-owner",
                           "--single-transaction", "--exit-on-error", "--no-password", use_list,
                           dbname, dump, NULL };

    ok = run_pg_program (argv, envp, NULL, error);
  }
  g_unlink (list_file);
  if (!ok)
    return FALSE;
  result->officers = pg_count (conn, "officers");
  result->reports = pg_count (conn, "reports");
  result->shifts = pg_count (conn, "shifts");
  return TRUE;
#else
  return no_postgresql (error);
#endif
}

static int
records_latest (XunchaOfficeBackupRecords records)
{
#if HAVE_POSTGRESQL
  if (records == XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL)
    return xuncha_office_pg_records_schema_latest ();
#endif
  return xuncha_office_sqlite_records_latest_version ();
}

/* Whether records of an office are there: office.db, or the database's schema table. */
static gboolean
holds_schema (const char *db_path,
              const char *database)
{
#if HAVE_POSTGRESQL
  if (database != NULL)
    {
      g_autoptr(PGconn) conn = pg_connect (database, NULL);

      return conn != NULL && pg_has_table (conn, "xuncha_schema");
    }
#endif
  return database == NULL && g_file_test (db_path, G_FILE_TEST_IS_REGULAR);
}

/* The restored records, opened as an office opens them (an older schema is brought up to
 * date), with their revision counters raised above every revision the office handed out
 * before it lost them: a device that pulled case statuses or streets after the backup was
 * made holds a revision the restored counters are below, and would miss a change given
 * that revision again. The time in microseconds is above them all. And a new generation,
 * which tells the devices to send again what the office acknowledged. */
static gboolean
raise_revisions (const char  *data_dir,
                 const char  *database,
                 GError     **error)
{
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  g_autoptr(GError) local_error = NULL;

  g_autofree char *generation = NULL;

  if (!xuncha_office_backend_open (database, data_dir, 1, &records, &photos, &local_error)
      || !xuncha_office_records_revisions_raise (records, g_get_real_time (), &local_error))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The records were restored, but their revisions could not be set above "
                     "those the devices hold (%s): restore again with --force before an "
                     "office runs on them."), local_error->message);
      return FALSE;
    }
  /* A new generation: a device that sees it sends again what the office acknowledged, as
   * what it acknowledged after the backup was made is not in these records. */
  generation = xuncha_office_records_generation_renew (records, &local_error);
  if (generation == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("The records were restored, but their generation could not be renewed "
                     "(%s): restore again with --force before an office runs on them."),
                   local_error->message);
      return FALSE;
    }
  g_message ("The restored records are generation %s", generation);
  return TRUE;
}

/* Photos. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The names of the photos in @dir (SHA256.jpg), in ascending order. Files of other names
 * (uploads in flight live in .incoming) are not photos. */
static GPtrArray *
list_photos (const char  *dir,
             GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) folder = g_dir_open (dir, 0, &local_error);
  const char *name;

  if (folder == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&names);
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not read the photo folder: %s"), local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *sha = NULL;

      if (strlen (name) != 64 + 4 || !g_str_has_suffix (name, ".jpg"))
        continue;
      sha = g_strndup (name, 64);
      if (xuncha_protocol_is_sha256 (sha))
        g_ptr_array_add (names, g_steal_pointer (&sha));
    }
  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

/* Restores one photo: a file in .incoming, its time set to the one it was received at, on
 * disk, then linked into place (never over a photo the folder holds: the name is the
 * content). The folder is flushed once, after the last. */
static gboolean
place_photo (XunchaOfficeBackupReader        *reader,
             const XunchaOfficeBackupEntry   *entry,
             const char                      *photo_dir,
             gboolean                        *placed,
             GError                         **error)
{
  g_autofree char *target = xuncha_office_folder_photo_path (photo_dir, entry->sha256);
  g_autofree char *tmp = g_build_filename (photo_dir, ".incoming", "restore-XXXXXX", NULL);
  struct timespec times[2];
  int fd, rc, saved;

  *placed = FALSE;
  if (g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not create a file in %s: %s"), photo_dir, g_strerror (saved));
      return FALSE;
    }
  if (!xuncha_office_backup_reader_copy (reader, fd, error))
    {
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }
  times[0].tv_sec = times[1].tv_sec = entry->mtime_ns / G_GINT64_CONSTANT (1000000000);
  times[0].tv_nsec = times[1].tv_nsec = entry->mtime_ns % G_GINT64_CONSTANT (1000000000);
  rc = futimens (fd, times) == 0 && fsync (fd) == 0 ? 0 : -1;
  saved = errno;
  if (close (fd) != 0 && rc == 0)
    {
      rc = -1;
      saved = errno;
    }
  if (rc == 0 && link (tmp, target) != 0 && errno != EEXIST)
    {
      rc = -1;
      saved = errno;
    }
  g_unlink (tmp);
  if (rc != 0)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not write the photo %s: %s"), target, g_strerror (saved));
      return FALSE;
    }
  *placed = TRUE;
  return TRUE;
}

/* Room for @needed bytes in @dir, or the nearest folder above it that exists. */
static gboolean
enough_space (const char  *dir,
              guint64      needed,
              GError     **error)
{
  g_autofree char *existing = g_strdup (dir);
  struct statvfs st;
  guint64 free_bytes;

  while (!g_file_test (existing, G_FILE_TEST_IS_DIR))
    {
      char *parent = g_path_get_dirname (existing);

      if (g_str_equal (parent, existing))
        {
          g_free (parent);
          return TRUE;
        }
      g_free (existing);
      existing = parent;
    }
  if (statvfs (existing, &st) != 0)
    return TRUE;
  free_bytes = (guint64)st.f_bavail * st.f_frsize;
  if (needed > free_bytes)
    {
      g_autofree char *need = g_format_size (needed);
      g_autofree char *have = g_format_size (free_bytes);

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Restoring needs %s in %s, and %s is free: make room and restore again."),
                   need, existing, have);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_private_dir (const char  *dir,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!xuncha_private_dir (dir, NULL, &local_error))
    return failed (error, local_error->message);
  return TRUE;
}

/* Public API. */

void
xuncha_office_backup_result_clear (XunchaOfficeBackupResult *result)
{
  g_clear_pointer (&result->created_at, g_free);
  g_clear_pointer (&result->left_out, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

void
xuncha_office_restore_result_clear (XunchaOfficeRestoreResult *result)
{
  xuncha_office_backup_contents_clear (&result->contents);
  g_clear_pointer (&result->replaced, g_free);
  memset (result, 0, sizeof *result);
}

gboolean
xuncha_office_backup_create (const char                *data_dir,
                             const char                *database,
                             gboolean                   photos_only,
                             const char                *out,
                             XunchaOfficeBackupResult  *result,
                             GError                   **error)
{
  g_auto(XunchaOfficeBackupInfo) info = { XUNCHA_OFFICE_BACKUP_FORMAT, };
  g_autoptr(XunchaOfficeBackupWriter) writer = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autofree char *photo_dir = NULL, *db_path = NULL, *scratch = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->left_out = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("There is no office data folder %s."), data_dir);
      return FALSE;
    }
  photo_dir = g_build_filename (data_dir, "photos", NULL);
  db_path = g_build_filename (data_dir, "office.db", NULL);
  info.office_version = g_strdup (PACKAGE_VERSION);
  /* Taken before the records are: everything the office acknowledged before this time is
   * in the backup. */
  info.created_at = now_iso ();

  /* The records first, then the photos: a report in the records has had its photos since
   * before it was stored, so they are in the folder when it is listed below. */
  if (photos_only)
    info.records = XUNCHA_OFFICE_BACKUP_RECORDS_NONE;
  else if (database == NULL)
    {
      info.records = XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE;
      if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                       _("There is no office.db in %s to back up. An office whose records "
                         "are in PostgreSQL is backed up with --database (or "
                         "--photos-only)."), data_dir);
          return FALSE;
        }
      scratch = g_strconcat (out, ".records.tmp", NULL);
      if (!sqlite_snapshot (db_path, scratch, &info.schema, error))
        goto out;
    }
  else
    {
      info.records = XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL;
      scratch = g_strconcat (out, ".records.tmp", NULL);
      if (!pg_dump_to (database, scratch, &info.schema, error))
        goto out;
    }

  writer = xuncha_office_backup_writer_new (out, &info, error);
  if (writer == NULL)
    goto out;
  if (scratch != NULL)
    {
      GStatBuf st;

      if (!xuncha_office_backup_writer_add_records (writer,
                                                    info.records
                                                      == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE
                                                      ? XUNCHA_OFFICE_BACKUP_SQLITE_NAME
                                                      : XUNCHA_OFFICE_BACKUP_PG_NAME,
                                                    scratch, error))
        goto out;
      if (g_stat (scratch, &st) == 0)
        result->records_bytes = (guint64)st.st_size;
      g_unlink (scratch);
      g_clear_pointer (&scratch, g_free);
    }

  photos = list_photos (photo_dir, error);
  if (photos == NULL)
    goto out;
  for (guint i = 0; i < photos->len; i++)
    {
      const char *sha = photos->pdata[i];
      g_autofree char *path = xuncha_office_folder_photo_path (photo_dir, sha);
      gboolean added = FALSE;
      GStatBuf st;

      if (!xuncha_office_backup_writer_add_photo (writer, path, sha, &added, error))
        goto out;
      if (!added)
        {
          g_message ("The photo %s is damaged (its bytes no longer hash to its name) or gone: "
                     "it is not in the backup", path);
          g_ptr_array_add (result->left_out, g_strdup (path));
          continue;
        }
      result->photos++;
      if (g_stat (path, &st) == 0)
        result->photo_bytes += (guint64)st.st_size;
    }
  if (!xuncha_office_backup_writer_finish (writer, &result->bytes, error))
    goto out;

  result->records = info.records;
  result->schema = info.schema;
  result->created_at = g_strdup (info.created_at);
  ok = TRUE;

out:
  if (scratch != NULL)
    g_unlink (scratch);
  return ok;
}

/* The records a restore would replace, checked before anything is changed: refused while
 * an office uses them, and when they hold anything unless @force. */
static gboolean
check_target (XunchaOfficeBackupRecords   records,
              const char                 *data_dir,
              const char                 *db_path,
              const char                 *database,
              gboolean                    force,
              GError                    **error)
{
  gboolean holds = FALSE, unreadable = FALSE;

  if (records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE)
    {
      if (!sqlite_target_check (db_path, data_dir, &holds, &unreadable, error))
        return FALSE;
      if (unreadable && !force)
        {
          g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR,
                       XUNCHA_OFFICE_BACKUP_ERROR_HOLDS_RECORDS,
                       _("%s could not be read as an office's records. Restore with --force "
                         "to replace it (it is kept beside, renamed)."), db_path);
          return FALSE;
        }
      if (holds && !force)
        {
          g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR,
                       XUNCHA_OFFICE_BACKUP_ERROR_HOLDS_RECORDS,
                       _("%s already holds an office's records. Restore with --force to "
                         "replace them (the office.db there now is kept beside, renamed)."),
                       data_dir);
          return FALSE;
        }
      return TRUE;
    }
  if (!pg_target_check (database, &holds, error))
    return FALSE;
  if (holds && !force)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_HOLDS_RECORDS,
                   _("The PostgreSQL database already holds an office's records. Restore with "
                     "--force to replace them (pg_restore --clean drops the office's tables "
                     "first: make a backup of them before)."));
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_office_backup_restore (const char                 *from,
                              const char                 *data_dir,
                              const char                 *database,
                              gboolean                    force,
                              gboolean                    photos_only,
                              XunchaOfficeRestoreResult  *result,
                              GError                    **error)
{
  g_autoptr(XunchaOfficeBackupReader) reader = NULL;
  g_autofree char *photo_dir = NULL, *incoming = NULL, *db_path = NULL, *scratch = NULL;
  XunchaOfficeBackupRecords records;
  guint64 needed;
  gboolean ok = FALSE;

  g_return_val_if_fail (from != NULL, FALSE);
  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->officers = result->reports = result->shifts = -1;
  photo_dir = g_build_filename (data_dir, "photos", NULL);
  incoming = g_build_filename (photo_dir, ".incoming", NULL);
  db_path = g_build_filename (data_dir, "office.db", NULL);

  /* All of the file first: a damaged or hostile one is refused before anything changes. */
  reader = xuncha_office_backup_reader_open (from, error);
  if (reader == NULL || !xuncha_office_backup_reader_verify (reader, &result->contents, error))
    {
      nothing_changed (error);
      return FALSE;
    }
  records = photos_only ? XUNCHA_OFFICE_BACKUP_RECORDS_NONE : result->contents.info.records;
  if (records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE && database != NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_WRONG_KIND,
                   _("%s holds the records of an office on SQLite (office.db): restore it "
                     "without --database (and without XUNCHA_OFFICE_DATABASE), or its photos "
                     "alone with --photos-only."), from);
      goto refused;
    }
  if (records == XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL && database == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_WRONG_KIND,
                   _("%s holds the records of an office on PostgreSQL: give the database to "
                     "restore them into with --database, or restore its photos alone with "
                     "--photos-only."), from);
      goto refused;
    }
  if (records != XUNCHA_OFFICE_BACKUP_RECORDS_NONE
      && result->contents.info.schema > records_latest (records))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_NEWER,
                   _("%s holds records of a newer xuncha-office (schema %d; this one knows up "
                     "to %d): restore it with that xuncha-office."), from,
                   result->contents.info.schema, records_latest (records));
      goto refused;
    }
  if (records != XUNCHA_OFFICE_BACKUP_RECORDS_NONE
      && !check_target (records, data_dir, db_path, database, force, error))
    goto refused;
  /* The photos, and the records where they are unpacked before they take their place. */
  needed = result->contents.photo_bytes
           + (records != XUNCHA_OFFICE_BACKUP_RECORDS_NONE ? result->contents.records_bytes : 0);
  if (!enough_space (data_dir, needed, error))
    goto refused;

  /* From here on the folder changes: photos first (a photo no record names yet is
   * harmless), the records last. */
  if (!make_private_dir (data_dir, error) || !make_private_dir (photo_dir, error)
      || !make_private_dir (incoming, error))
    return FALSE;
  for (;;)
    {
      XunchaOfficeBackupEntry entry;
      gboolean done = FALSE, placed = FALSE;

      if (!xuncha_office_backup_reader_next (reader, &entry, &done, error))
        goto out;
      if (done)
        break;
      if (entry.kind == XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO)
        {
          if (!place_photo (reader, &entry, photo_dir, &placed, error))
            goto out;
          if (placed)
            result->photos_placed++;
          else
            result->photos_held++;
          continue;
        }
      if (records == XUNCHA_OFFICE_BACKUP_RECORDS_NONE)
        continue;
      /* The records: unpacked beside their place, put there once the photos are. */
      {
        int fd;

        scratch = g_build_filename (data_dir, records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE
                                                ? "office.db.restore-XXXXXX"
                                                : ".restore-XXXXXX.pgdump", NULL);
        fd = g_mkstemp_full (scratch, O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
          {
            int saved = errno;

            g_clear_pointer (&scratch, g_free);
            g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                         _("Could not create a file in %s: %s"), data_dir, g_strerror (saved));
            goto out;
          }
        if (!xuncha_office_backup_reader_copy (reader, fd, error) || fsync (fd) != 0)
          {
            if (error != NULL && *error == NULL)
              g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                           _("Could not write %s: %s"), scratch, g_strerror (errno));
            close (fd);
            goto out;
          }
        close (fd);
      }
    }
  if (!sync_dir (photo_dir, error))
    goto out;

  if (records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE)
    {
      gboolean holds = FALSE, unreadable = FALSE;

      /* Checked again just before: an office started meanwhile keeps its records. */
      if (!sqlite_check_restored (scratch, result, error)
          || !sqlite_target_check (db_path, data_dir, &holds, &unreadable, error)
          || !sqlite_swap_in (scratch, db_path, data_dir, &result->replaced, error))
        goto out;
      g_clear_pointer (&scratch, g_free);
      result->records = TRUE;
    }
  else if (records == XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL)
    {
      if (!pg_restore_from (database, scratch, result, error))
        goto out;
      result->records = TRUE;
    }
  /* Photos alone: records there may have been restored by other means (a database
   * administrator's own dumps), and need the same. Records that are not there are not
   * made. */
  if (result->records || holds_schema (db_path, database))
    {
      if (!raise_revisions (data_dir, database, error))
        goto out;
      result->raised = TRUE;
    }
  ok = TRUE;

out:
  if (scratch != NULL)
    g_unlink (scratch);
  return ok;

refused:
  nothing_changed (error);
  return FALSE;
}
