/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xuncha-test-postgres.h"

#define DEFAULT_BINDIR "/usr/lib/postgresql/15/bin"
#define SUPERUSER "xuncha"
#define TEMPLATE "xuncha_template"

typedef struct
{
  gboolean  tried;
  char     *skip_reason;   /* set when the cluster cannot run here */
  char     *dir;           /* the private folder: data/, the socket, the log */
  char     *bindir;
  GPtrArray *as_owner;     /* the command prefix that runs as the cluster's owner */
  GPid      watchdog;
  int       watchdog_pipe; /* the write end: the watchdog cleans up when it closes */
  guint     databases;
} Cluster;

static Cluster cluster = { .watchdog_pipe = -1 };
G_LOCK_DEFINE_STATIC (cluster);

/* A value for a libpq "key=value" string: quoted, with ' and \ escaped. */
static char *
conninfo_value (const char *value)
{
  GString *quoted = g_string_new ("'");

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '\'');
  return g_string_free (quoted, FALSE);
}

static char *
conninfo_for (const char *dbname)
{
  g_autofree char *host = conninfo_value (cluster.dir);
  g_autofree char *name = conninfo_value (dbname);

  return g_strdup_printf ("host=%s port=5432 user=" SUPERUSER " dbname=%s", host, name);
}

/* Runs a program of the cluster's bindir as the cluster's owner; FALSE with its output in
 * @error when it fails. */
static gboolean
run_as_owner (GError     **error,
              const char  *program,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  for (guint i = 0; i < cluster.as_owner->len; i++)
    g_ptr_array_add (argv, g_strdup (cluster.as_owner->pdata[i]));
  g_ptr_array_add (argv, g_build_filename (cluster.bindir, program, NULL));
  va_start (args, program);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Working folder: the private one, which the owner may enter (root's home is not). */
  if (!g_spawn_sync (cluster.dir, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s%s", program, out, err);
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec_sql (PGconn      *conn,
          const char  *sql,
          GError     **error)
{
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", sql,
                 PQresultErrorMessage (result));
  PQclear (result);
  return ok;
}

static PGconn *
connect_to (const char  *dbname,
            GError     **error)
{
  g_autofree char *conninfo = conninfo_for (dbname);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not connect to %s: %s",
                   conninfo, PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

/* At a normal exit: the watchdog is told (its pipe closes) and waited for, so that no
 * postmaster outlives the test. */
static void
cluster_stop (void)
{
  if (cluster.watchdog_pipe < 0)
    return;
  close (cluster.watchdog_pipe);
  cluster.watchdog_pipe = -1;
  waitpid (cluster.watchdog, NULL, 0);
}

static void
become_session_leader (gpointer data)
{
  /* Its own session: meson's timeout kills the test's process group, and the watchdog
   * must live on to stop the cluster (pg_ctl's postmaster has a session of its own too). */
  setsid ();
}

/* A process that waits for the test process to end, whichever way it ends (exit, abort on
 * a failed assertion, SIGKILL): its standard input is a pipe whose only write end the test
 * process holds. Then it stops the postmaster and removes the folder. */
static gboolean
start_watchdog (GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = g_build_filename (cluster.dir, "data", NULL);
  int fds[2];

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;
  g_ptr_array_add (argv, g_strdup ("/bin/sh"));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("dir=$1; shift; read unused; \"$@\" >/dev/null 2>&1; "
                                   "rm -rf -- \"$dir\""));
  g_ptr_array_add (argv, g_strdup ("sh"));
  g_ptr_array_add (argv, g_strdup (cluster.dir));
  for (guint i = 0; i < cluster.as_owner->len; i++)
    g_ptr_array_add (argv, g_strdup (cluster.as_owner->pdata[i]));
  g_ptr_array_add (argv, g_build_filename (cluster.bindir, "pg_ctl", NULL));
  g_ptr_array_add (argv, g_strdup ("stop"));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (data));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("immediate"));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async_with_pipes_and_fds (cluster.dir, (const char * const *)argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                         become_session_leader, NULL, fds[0], -1, -1, NULL,
                                         NULL, 0, &cluster.watchdog, NULL, NULL, NULL, error))
    {
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }
  close (fds[0]);
  cluster.watchdog_pipe = fds[1];
  atexit (cluster_stop);
  return TRUE;
}

static gboolean
append_settings (const char  *data,
                 GError     **error)
{
  g_autofree char *conf = g_build_filename (data, "postgresql.conf", NULL);
  /* Appended, not rewritten: the file stays the owner's. */
  FILE *file = fopen (conf, "a");
  int failed;

  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open %s", conf);
      return FALSE;
    }
  /* No TCP at all: the socket in the private folder is the only way in.
   * fsync, full page writes and synchronous commit off: a throwaway test cluster
   * whose data nobody needs after a crash starts and writes much faster so. Never for the
   * office's own database. */
  fprintf (file,
           "\n# xuncha tests\n"
           "listen_addresses = ''\n"
           "unix_socket_directories = '%s'\n"
           "unix_socket_permissions = 0700\n"
           "fsync = off\n"
           "full_page_writes = off\n"
           "synchronous_commit = off\n"
           "shared_buffers = 16MB\n"
           "max_connections = 80\n"
           "logging_collector = off\n",
           cluster.dir);
  failed = fclose (file);
  if (failed != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", conf);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_template (GError **error)
{
  PGconn *conn = connect_to ("postgres", error);
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  ok = exec_sql (conn, "CREATE DATABASE " TEMPLATE, error);
  PQfinish (conn);
  if (!ok)
    return FALSE;
  conn = connect_to (TEMPLATE, error);
  if (conn == NULL)
    return FALSE;
  ok = exec_sql (conn, "CREATE EXTENSION postgis", error);
  PQfinish (conn);
  return ok;
}

static gboolean
cluster_start (GError **error)
{
  g_autofree char *initdb = NULL;
  g_autofree char *data = NULL;
  g_autofree char *log = NULL;
  gint64 started = g_get_monotonic_time ();

  cluster.bindir = g_strdup (g_getenv ("XUNCHA_PG_BINDIR"));
  if (cluster.bindir == NULL)
    cluster.bindir = g_strdup (DEFAULT_BINDIR);
  initdb = g_build_filename (cluster.bindir, "initdb", NULL);
  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    {
      cluster.skip_reason = g_strdup_printf ("PostgreSQL 15 is not installed (no %s): "
                                             "install postgresql-15 and "
                                             "postgresql-15-postgis-3", initdb);
      return FALSE;
    }

  cluster.dir = g_dir_make_tmp ("xuncha-pg-XXXXXX", error);
  if (cluster.dir == NULL)
    return FALSE;
  cluster.as_owner = g_ptr_array_new_with_free_func (g_free);
  if (geteuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");
      g_autofree char *setpriv = g_find_program_in_path ("setpriv");

      if (nobody == NULL || setpriv == NULL)
        {
          cluster.skip_reason = g_strdup ("running as root, and there is no user nobody or "
                                          "no setpriv to run PostgreSQL as");
          g_rmdir (cluster.dir);
          return FALSE;
        }
      if (chown (cluster.dir, nobody->pw_uid, nobody->pw_gid) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not give %s to nobody",
                       cluster.dir);
          return FALSE;
        }
      g_ptr_array_add (cluster.as_owner, g_strdup ("setpriv"));
      g_ptr_array_add (cluster.as_owner, g_strdup_printf ("--reuid=%u", nobody->pw_uid));
      g_ptr_array_add (cluster.as_owner, g_strdup_printf ("--regid=%u", nobody->pw_gid));
      g_ptr_array_add (cluster.as_owner, g_strdup ("--clear-groups"));
      g_ptr_array_add (cluster.as_owner, g_strdup ("--"));
    }
  if (!start_watchdog (error))
    return FALSE;

  data = g_build_filename (cluster.dir, "data", NULL);
  log = g_build_filename (cluster.dir, "log", NULL);
  /* trust on the local socket only (no TCP listens): the socket lies in a folder only the
   * cluster's owner (and root) may enter, and the test process connects as the cluster's
   * superuser without a password to keep. --no-sync: see append_settings(). */
  if (!run_as_owner (error, "initdb", "-D", data, "-U", SUPERUSER, "--auth-local=trust",
                     "--auth-host=reject", "-E", "UTF8", "--locale=C", "--no-sync",
                     "--no-instructions", NULL)
      || !append_settings (data, error)
      || !run_as_owner (error, "pg_ctl", "start", "-D", data, "-l", log, "-w", "-s", NULL))
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (log, &text, NULL, NULL))
        g_prefix_error (error, "%s\n", text);
      return FALSE;
    }
  if (!make_template (error))
    {
      if (error != NULL && *error != NULL && strstr ((*error)->message, "postgis") != NULL)
        {
          cluster.skip_reason = g_strdup_printf ("PostGIS 3 is not installed (%s): install "
                                                 "postgresql-15-postgis-3", (*error)->message);
          g_clear_error (error);
        }
      return FALSE;
    }
  g_test_message ("PostgreSQL test cluster in %s ready in %.2f s", cluster.dir,
                  (g_get_monotonic_time () - started) / 1e6);
  return TRUE;
}

/* Starts the cluster once; FALSE when it cannot run (skip_reason) or failed (@error). */
static gboolean
cluster_ensure (GError **error)
{
  static GError *start_error;

  if (!cluster.tried)
    {
      cluster.tried = TRUE;
      cluster_start (&start_error);
    }
  if (cluster.skip_reason != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, cluster.skip_reason);
      return FALSE;
    }
  if (start_error != NULL)
    {
      g_propagate_error (error, g_error_copy (start_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_test_postgres_require (void)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  G_LOCK (cluster);
  ok = cluster_ensure (&error);
  G_UNLOCK (cluster);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  g_assert_no_error (error);
  return ok;
}

gboolean
xuncha_test_postgres_available (char **reason)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  G_LOCK (cluster);
  ok = cluster_ensure (&error);
  G_UNLOCK (cluster);
  if (!ok)
    *reason = g_strdup (error->message);
  return ok;
}

char *
xuncha_test_postgres_new_database (GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  PGconn *conn;
  gboolean ok;

  G_LOCK (cluster);
  if (!cluster_ensure (error))
    {
      G_UNLOCK (cluster);
      return NULL;
    }
  name = g_strdup_printf ("xuncha_test_%u", ++cluster.databases);
  G_UNLOCK (cluster);

  /* The name is made here, not taken from outside: CREATE DATABASE takes no parameters. */
  sql = g_strdup_printf ("CREATE DATABASE %s TEMPLATE " TEMPLATE, name);
  conn = connect_to ("postgres", error);
  if (conn == NULL)
    return NULL;
  ok = exec_sql (conn, sql, error);
  PQfinish (conn);
  if (!ok)
    return NULL;
  return conninfo_for (name);
}
