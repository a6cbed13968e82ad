/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sqlite3.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include <json-glib/json-glib.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#if HAVE_POSTGRESQL
#include "xuncha-test-postgres.h"
#endif

static gboolean
sh (const char *dir,
    const char *script)
{
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autofree char *err = NULL;
  int status = -1;

  if (!g_spawn_sync (dir, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("%s failed: %s\n", script, err);
      return FALSE;
    }
  return TRUE;
}

static char *
pin_of (const char *dir,
        const char *cert)
{
  g_autofree char *script = g_strdup_printf ("openssl x509 -in %s -pubkey -noout | openssl pkey "
                                             "-pubin -outform der | openssl dgst -sha256 -binary "
                                             "| openssl base64 -A", cert);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autofree char *out = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (dir, (char **)argv, NULL, 0, NULL, NULL, &out, NULL, &status,
                               NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strconcat ("sha256//", g_strstrip (out), NULL);
}

XunchaTestCerts *
xuncha_test_certs (void)
{
  static XunchaTestCerts *certs;
  static const char ca_config[] =
    "[ca]\ndefault_ca = ca_default\n"
    "[ca_default]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
    "default_md = sha256\npolicy = any\nunique_subject = no\nx509_extensions = server\n"
    "[any]\ncommonName = supplied\n"
    "[server]\nsubjectAltName = IP:127.0.0.1,DNS:localhost\nbasicConstraints = CA:FALSE\n"
    "extendedKeyUsage = serverAuth\n";
  /* One script so each step's output feeds the next. */
  static const char script[] =
    "set -e\n"
    "key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $1; }\n"
    "key ca.key; openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj '/CN=Xuncha Test CA'\n"
    "key other.key; openssl req -x509 -new -key other.key -out other.pem -days 2 -subj '/CN=Other CA'\n"
    "key server.key; openssl req -new -key server.key -out server.csr -subj '/CN=127.0.0.1'\n"
    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n"
    "extendedKeyUsage=serverAuth\\n' > server.ext\n"
    "printf 'subjectAltName=DNS:wrong.example\\nbasicConstraints=CA:FALSE\\n"
    "extendedKeyUsage=serverAuth\\n' > wrong.ext\n"
    "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext\n"
    "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out wrong.pem -days 2 -extfile wrong.ext\n"
    ": > index.txt; echo 01 > serial\n"
    "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in server.csr -out expired.pem "
    "-startdate 20200101000000Z -enddate 20200201000000Z\n"
    "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in server.csr -out future.pem "
    "-startdate 20400101000000Z -enddate 20400201000000Z\n";
  g_autofree char *cnf = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (certs != NULL)
    return certs;
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed: the test cannot make its certificates");
      return NULL;
    }
  certs = g_new0 (XunchaTestCerts, 1);
  certs->dir = xuncha_test_make_tmpdir ();
  cnf = g_build_filename (certs->dir, "ca.cnf", NULL);
  g_assert_true (g_file_set_contents (cnf, ca_config, -1, NULL));
  g_assert_true (sh (certs->dir, script));
  certs->ca = g_build_filename (certs->dir, "ca.pem", NULL);
  certs->server_cert = g_build_filename (certs->dir, "server.pem", NULL);
  certs->server_key = g_build_filename (certs->dir, "server.key", NULL);
  certs->wrong_host_cert = g_build_filename (certs->dir, "wrong.pem", NULL);
  certs->expired_cert = g_build_filename (certs->dir, "expired.pem", NULL);
  certs->future_cert = g_build_filename (certs->dir, "future.pem", NULL);
  certs->other_ca = g_build_filename (certs->dir, "other.pem", NULL);
  certs->server_pin = pin_of (certs->dir, "server.pem");
  certs->other_pin = pin_of (certs->dir, "other.pem");
  return certs;
}

/* A failed test must not leave its server running (nor the harness waiting on its
 * output): the server dies with the test. */
static void
die_with_parent (gpointer data)
{
  XunchaTestOffice *office = data;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (office->max_files > 0)
    {
      struct rlimit limit = { office->max_files, office->max_files };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
  if (office->log != NULL)
    {
      int fd = open (office->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          dup2 (fd, STDERR_FILENO);
          close (fd);
        }
    }
}

const char *
xuncha_test_office_database (const char *data_dir)
{
#if HAVE_POSTGRESQL
  static GMutex lock;
  static GHashTable *databases;
  const char *database;
#endif

  if (g_strcmp0 (g_getenv ("XUNCHA_TEST_BACKEND"), "postgresql") != 0)
    return NULL;
#if HAVE_POSTGRESQL
  g_mutex_lock (&lock);
  if (databases == NULL)
    databases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  database = g_hash_table_lookup (databases, data_dir);
  if (database == NULL)
    {
      g_autoptr(GError) error = NULL;
      char *made = xuncha_test_postgres_new_database (&error);

      g_assert_no_error (error);
      g_hash_table_insert (databases, g_strdup (data_dir), made);
      database = made;
    }
  g_mutex_unlock (&lock);
  return database;
#else
  g_error ("XUNCHA_TEST_BACKEND=postgresql, but this build has no PostgreSQL (libpq)");
  return NULL;
#endif
}

char *
xuncha_test_office_query (const char *data_dir,
                          const char *sql,
                          const char *param)
{
  g_autofree char *path = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  char *value = NULL;

#if HAVE_POSTGRESQL
  const char *database = xuncha_test_office_database (data_dir);

  if (database != NULL)
    {
      PGconn *conn = PQconnectdb (database);
      PGresult *result;

      if (PQstatus (conn) != CONNECTION_OK)
        g_error ("Could not connect to %s: %s", database, PQerrorMessage (conn));
      result = PQexecParams (conn, sql, param != NULL ? 1 : 0, NULL, &param, NULL, NULL, 0);
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
        value = g_strdup (PQgetvalue (result, 0, 0));
      PQclear (result);
      PQfinish (conn);
      return value;
    }
#endif
  path = g_build_filename (data_dir, "office.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

void
xuncha_test_office_exec (const char *data_dir,
                         const char *sql)
{
  g_autofree char *path = NULL;
  char *message = NULL;
  sqlite3 *db = NULL;

#if HAVE_POSTGRESQL
  const char *database = xuncha_test_office_database (data_dir);

  if (database != NULL)
    {
      PGconn *conn = PQconnectdb (database);
      PGresult *result;

      if (PQstatus (conn) != CONNECTION_OK)
        g_error ("Could not connect to %s: %s", database, PQerrorMessage (conn));
      result = PQexec (conn, sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      PQclear (result);
      PQfinish (conn);
      return;
    }
#endif
  path = g_build_filename (data_dir, "office.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
spawn (XunchaTestOffice *office)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", office->port);
  const char *base[] = {
    xuncha_test_program ("XUNCHA_OFFICE"), "serve", "--data-dir", office->data_dir,
    "--listen", listen, "--tls-cert", office->cert, "--tls-key", office->key, NULL
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  int out_fd = -1;

  g_strv_builder_addv (builder, base);
  if (xuncha_test_office_database (office->data_dir) != NULL)
    {
      g_strv_builder_add (builder, "--database");
      g_strv_builder_add (builder, xuncha_test_office_database (office->data_dir));
    }
  if (office->extra_args != NULL)
    g_strv_builder_addv (builder, (const char **)office->extra_args);
  argv = g_strv_builder_end (builder);

  /* A restart on the same port can race the old socket's release: try a few times. */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_clear_error (&error);
      g_assert_true (g_spawn_async_with_pipes (NULL, argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent,
                                               office,
                                               &office->pid, NULL, &out_fd, NULL, &error));
      stream = g_unix_input_stream_new (out_fd, TRUE);
      lines = g_data_input_stream_new (stream);
      line = g_data_input_stream_read_line (lines, NULL, NULL, NULL);
      if (line != NULL && g_str_has_prefix (line, "Listening on "))
        break;
      waitpid (office->pid, NULL, 0);
      g_spawn_close_pid (office->pid);
      office->pid = 0;
      g_clear_object (&lines);
      g_clear_object (&stream);
      g_clear_pointer (&line, g_free);
      g_usleep (100000);
    }
  g_assert_nonnull (line);
  g_free (office->url);
  office->url = g_strdup (line + strlen ("Listening on "));
  {
    const char *colon = strrchr (office->url, ':');
    office->port = (guint16)g_ascii_strtoull (colon + 1, NULL, 10);
  }
}

XunchaTestOffice *
xuncha_test_office_start (const char *data_dir,
                          const char *cert,
                          const char *key,
                          guint16     port)
{
  return xuncha_test_office_start_full (data_dir, cert, key, port, NULL, NULL);
}

static XunchaTestOffice *
start (const char         *data_dir,
       const char         *cert,
       const char         *key,
       guint16             port,
       const char * const *extra_args,
       const char         *log,
       guint               max_files)
{
  XunchaTestOffice *office = g_new0 (XunchaTestOffice, 1);

  office->data_dir = g_strdup (data_dir);
  office->cert = g_strdup (cert);
  office->key = g_strdup (key);
  office->port = port;
  office->extra_args = g_strdupv ((char **)extra_args);
  office->log = g_strdup (log);
  office->max_files = max_files;
  spawn (office);
  return office;
}

XunchaTestOffice *
xuncha_test_office_start_full (const char         *data_dir,
                               const char         *cert,
                               const char         *key,
                               guint16             port,
                               const char * const *extra_args,
                               const char         *log)
{
  return start (data_dir, cert, key, port, extra_args, log, 0);
}

XunchaTestOffice *
xuncha_test_office_start_limited (const char         *data_dir,
                                  const char         *cert,
                                  const char         *key,
                                  const char * const *extra_args,
                                  const char         *log,
                                  guint               max_files)
{
  return start (data_dir, cert, key, 0, extra_args, log, max_files);
}

void
xuncha_test_office_stop (XunchaTestOffice *office,
                         int               signum)
{
  int status = 0;

  if (office->pid == 0)
    return;
  kill (office->pid, signum);
  waitpid (office->pid, &status, 0);
  g_spawn_close_pid (office->pid);
  office->pid = 0;
  /* Asked to stop, the office finishes cleanly: in a sanitized build a leak found at its
   * exit ends it with another status, and so fails the test that ran it. */
  if (signum == SIGTERM)
    {
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        g_test_message ("The office ended with wait status %d (see %s)", status,
                        office->log != NULL ? office->log : "its standard error");
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
}

void
xuncha_test_office_restart (XunchaTestOffice *office)
{
  xuncha_test_office_stop (office, SIGTERM);
  spawn (office);
}

void
xuncha_test_office_free (XunchaTestOffice *office)
{
  if (office == NULL)
    return;
  xuncha_test_office_stop (office, SIGTERM);
  g_free (office->data_dir);
  g_free (office->cert);
  g_free (office->key);
  g_free (office->url);
  g_strfreev (office->extra_args);
  g_free (office->log);
  g_free (office);
}

/* xuncha-office with the arguments of @args, then the data folder and, on PostgreSQL, its
 * database: NULL-terminated. */
static GPtrArray *
office_argv (const char *data_dir,
             va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_OFFICE"));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, (gpointer)data_dir);
  if (xuncha_test_office_database (data_dir) != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--database");
      g_ptr_array_add (argv, (gpointer)xuncha_test_office_database (data_dir));
    }
  g_ptr_array_add (argv, NULL);
  return argv;
}

int
xuncha_test_office_run (const char  *data_dir,
                        char       **out,
                        char       **err,
                        ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, err);
  argv = office_argv (data_dir, args);
  va_end (args);
  return xuncha_test_run ((const char * const *)argv->pdata, out, err);
}

char *
xuncha_test_office_admin (const char *data_dir,
                          ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list args;
  int status;

  va_start (args, data_dir);
  argv = office_argv (data_dir, args);
  va_end (args);
  status = xuncha_test_run ((const char * const *)argv->pdata, &out, &err);
  if (status != 0)
    g_error ("xuncha-office %s failed (%d): %s", (const char *)argv->pdata[1], status, err);
  return out;
}

char *
xuncha_test_office_add_officer (const char *data_dir,
                                const char *id,
                                const char *team,
                                gboolean    leader)
{
  g_autofree char *name = g_strdup_printf ("Officer %s", id);
  g_autofree char *out = leader
    ? xuncha_test_office_admin (data_dir, "officer", "add", id, "--name", name, "--team", team,
                                "--leader", NULL)
    : xuncha_test_office_admin (data_dir, "officer", "add", id, "--name", name, "--team", team,
                                NULL);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

  return g_strdup (lines[g_strv_length (lines) - 1]);
}

void
xuncha_test_enroll (const char *device_dir,
                    const char *url,
                    const char *officer,
                    const char *code,
                    const char *ca)
{
  const char *argv[] = {
    xuncha_test_program ("XUNCHA_CLI"), "--data-dir", device_dir, "enroll", "--server", url,
    "--officer", officer, "--code", code, "--ca", ca, NULL
  };
  g_autofree char *out = NULL, *err = NULL;

  if (xuncha_test_run (argv, &out, &err) != 0)
    g_error ("enroll failed: %s%s", out, err);
  g_assert_nonnull (strstr (out, "The device token is kept in"));
}

GIOStream *
xuncha_test_tls_connect (guint16 port)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) address = g_network_address_new ("127.0.0.1", port);
  g_autoptr(GSocketConnection) connection = NULL;
  GIOStream *tls;

  /* Straight to loopback: no proxy look-up (which would need the desktop's settings). */
  g_socket_client_set_enable_proxy (client, FALSE);
  database = g_tls_file_database_new (certs->ca, &error);
  g_assert_no_error (error);
  connection = g_socket_client_connect (client, address, NULL, &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), address, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  return tls;
}

char *
xuncha_test_office_enroll_token (XunchaTestOffice *office,
                                 const char       *officer,
                                 const char       *code)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(XunchaHttp) http = xuncha_http_new (office->url, certs->ca, NULL, NULL);
  g_autofree char *json = g_strdup_printf ("{\"officer_id\": \"%s\", \"code\": \"%s\", "
                                           "\"device_name\": \"test\"}", officer, code);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  response = xuncha_http_request (http, "POST", "api/v1/enroll", "application/json", body,
                                  NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (response->status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, xuncha_http_response_text (response), -1,
                                             NULL));
  return g_strdup (json_object_get_string_member (
                     json_node_get_object (json_parser_get_root (parser)), "token"));
}
