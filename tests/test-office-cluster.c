/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-device.h"
#include "xuncha-test-haproxy.h"
#include "xuncha-test-office.h"
#ifdef XUNCHA_TEST_HAVE_POSTGRES
#include "xuncha-test-postgres.h"
#endif
#include "xuncha-test-util.h"

/* Two office processes behind a real HAProxy in TCP mode, as a city runs them: the device
 * verifies the office's own certificate through the balancer, any process may answer any
 * connection, and exactly-once holds, also when one process is killed mid-sync.
 *
 * Backends: the SQLite office (both processes on the same data folder: SQLite's WAL works
 * across processes). The PostgreSQL variant runs the same tests with `--database` once
 * tests/xuncha-test-postgres.c exists (meson then defines XUNCHA_TEST_HAVE_POSTGRES); its
 * hook is cluster_backend_postgres() below. */

#define N_OFFICES 2
#define N_REPORTS 30

typedef struct
{
  XunchaTestCerts   *certs;
  char              *office_dir;
  char              *device_dir;
  char             **office_args;   /* more `serve` options of the backend, or NULL */
  XunchaTestOffice  *offices[N_OFFICES];
  XunchaTestHaproxy *haproxy;
  XunchaStore       *store;
} Cluster;

static void
cluster_free (Cluster *c)
{
  if (c == NULL)
    return;
  g_clear_object (&c->store);
  g_clear_pointer (&c->haproxy, xuncha_test_haproxy_free);
  for (guint i = 0; i < N_OFFICES; i++)
    g_clear_pointer (&c->offices[i], xuncha_test_office_free);
  xuncha_test_remove_tree (c->office_dir);
  xuncha_test_remove_tree (c->device_dir);
  g_free (c->office_dir);
  g_free (c->device_dir);
  g_strfreev (c->office_args);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cluster, cluster_free)

/* The PostgreSQL hook: the offices share a fresh database as well as the photo folder. */
static gboolean
cluster_backend_postgres (Cluster *c)
{
#ifdef XUNCHA_TEST_HAVE_POSTGRES
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;

  const char *argv[] = { xuncha_test_program ("XUNCHA_OFFICE"), "serve", "--help", NULL };
  g_autofree char *help = NULL, *err = NULL;

  if (!xuncha_test_postgres_require ())
    return FALSE;
  if (xuncha_test_run (argv, &help, &err) != 0 || strstr (help, "--database") == NULL)
    {
      g_test_skip ("the office has no --database yet");
      return FALSE;
    }
  conninfo = xuncha_test_postgres_new_database (&error);
  if (conninfo == NULL)
    {
      g_test_skip (error != NULL ? error->message : "no PostgreSQL");
      return FALSE;
    }
  c->office_args = g_strdupv ((char *[]) { "--database", conninfo, NULL });
  return TRUE;
#else
  (void)c;
  g_test_skip ("the PostgreSQL test cluster (tests/xuncha-test-postgres.c) is not built yet");
  return FALSE;
#endif
}

/* The backend's options for an admin command, in order (NULL past them: with no
 * database option the first is NULL and ends the command line there). */
static const char *
db_arg (Cluster *c,
        guint    index)
{
  return c->office_args != NULL ? c->office_args[index] : NULL;
}

/* Officer A001 enrolled through the balancer, with two offices on one store behind it. */
static Cluster *
cluster_new (gboolean postgres)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autoptr(Cluster) c = NULL;
  guint16 ports[N_OFFICES];

  if (xuncha_test_haproxy_require () == NULL || xuncha_test_certs () == NULL)
    return NULL;
  c = g_new0 (Cluster, 1);
  c->certs = xuncha_test_certs ();
  c->office_dir = xuncha_test_make_tmpdir ();
  c->device_dir = xuncha_test_make_tmpdir ();
  if (postgres && !cluster_backend_postgres (c))
    return NULL;
  /* The first creates the store; the second opens it while the first serves. */
  for (guint i = 0; i < N_OFFICES; i++)
    {
      g_autofree char *log = g_strdup_printf ("%s/office%u.log", c->office_dir, i);

      c->offices[i] = xuncha_test_office_start_full (c->office_dir, c->certs->server_cert,
                                                     c->certs->server_key, 0,
                                                     (const char * const *)c->office_args,
                                                     log);
      ports[i] = c->offices[i]->port;
    }
  c->haproxy = xuncha_test_haproxy_start (ports, N_OFFICES);
  {
    g_autofree char *out = xuncha_test_office_admin (c->office_dir, "officer", "add", "A001",
                                                     "--name", "Officer A001", "--team", "T1",
                                                     db_arg (c, 0), db_arg (c, 1), NULL);
    g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

    code = g_strdup (lines[g_strv_length (lines) - 1]);
  }
  xuncha_test_enroll (c->device_dir, c->haproxy->url, "A001", code, c->certs->ca);
  c->store = xuncha_store_open (c->device_dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (c->store, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&c);
}

static XunchaSyncResult *
sync_once (Cluster *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = xuncha_sync_new (c->device_dir);
  XunchaSyncResult *result;

  /* The real policy on a shorter clock. */
  xuncha_sync_set_backoff (sync, 20, 1000);
  xuncha_sync_set_max_attempts (sync, 8);
  xuncha_sync_set_low_speed (sync, 1024, 2);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
sync_until_complete (Cluster *c)
{
  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(XunchaSyncResult) result = sync_once (c);

      if (xuncha_sync_result_is_complete (result))
        return;
      g_assert_cmpuint (result->failed, ==, 0);
      g_test_message ("sync round %u stopped: %s", round,
                      result->stopped != NULL ? result->stopped->message : "items deferred");
    }
  g_assert_not_reached ();
}

static gint64
device_count (Cluster    *c,
              const char *sql)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (c->store, sql, NULL);
  gint64 n;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Every photo file under @dir (the store may shard it into folders) whose name starts with
 * its SHA-256: each must hash to its name. Returns the hashes seen. */
static void
office_photos (const char *dir,
               GHashTable *seen)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  if (folder == NULL)
    return;
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL, *sha = NULL, *expected = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          office_photos (path, seen);
          continue;
        }
      expected = g_strndup (name, 64);
      if (!xuncha_protocol_is_sha256 (expected) || strchr (name, '.') != name + 64)
        continue;
      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
      g_assert_cmpstr (sha, ==, expected);
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&sha)));
    }
}

/* The office holds every report of the device once (same receipts, no conflict), every
 * photo once under its hash, every track point; the device shows all acknowledged. */
static void
check_exactly_once (Cluster *c,
                    gint64   n_points)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = xuncha_test_office_admin (c->office_dir, "reports", "list", "--json",
                                                   db_arg (c, 0), db_arg (c, 1), NULL);
  g_autofree char *photo_dir = g_build_filename (c->office_dir, "photos", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) photos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *rows;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "reports");
  g_assert_cmpuint (json_array_get_length (rows), ==, N_REPORTS);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *uuid = json_object_get_string_member (row, "uuid");
      sqlite3_stmt *stmt;

      g_assert_true (g_hash_table_add (seen, (gpointer)uuid));
      g_assert_cmpint (json_object_get_int_member (row, "conflicts"), ==, 0);
      stmt = xuncha_store_prepare (c->store,
                                   "SELECT receipt FROM outbox WHERE kind = 'report' "
                                   "AND item = ?1 AND state = 'acked'", NULL);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==,
                       json_object_get_string_member (row, "receipt"));
      sqlite3_reset (stmt);
    }

  office_photos (photo_dir, photos);
  g_assert_cmpuint (g_hash_table_size (photos), ==,
                    device_count (c, "SELECT count(*) FROM photos"));
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (c->store, "SELECT sha256 FROM photos", NULL);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_assert_true (g_hash_table_contains (photos, sqlite3_column_text (stmt, 0)));
    sqlite3_reset (stmt);
  }

  /* The shift's receipt is the office's own count of its points. */
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (c->store,
                                               "SELECT receipt FROM outbox WHERE kind = 'shift' "
                                               "AND state = 'acked'", NULL);
    g_autofree char *expected = g_strdup_printf ("points %" G_GINT64_FORMAT, n_points);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, expected);
    sqlite3_reset (stmt);
  }
  g_assert_cmpint (device_count (c, "SELECT count(*) FROM outbox WHERE state != 'acked'"), ==,
                   0);
}

/* What each office answered so far, as HAProxy counted it: connections given, bytes sent
 * back. */
static void
answered (Cluster *c,
          guint64  connections[N_OFFICES],
          guint64  bytes[N_OFFICES])
{
  for (guint i = 0; i < N_OFFICES; i++)
    {
      XunchaTestHaproxyBackend backend;

      g_assert_true (xuncha_test_haproxy_backend (c->haproxy, i, &backend));
      connections[i] = backend.sessions;
      bytes[i] = backend.bytes_out;
    }
}

/* A device syncs through the balancer in three rounds (a shift between): each sync opens
 * its own connections, which HAProxy hands round robin to both offices, and both answer
 * requests of the one device. */
static void
round_robin (gboolean postgres)
{
  g_autoptr(Cluster) c = cluster_new (postgres);
  guint64 connections0[N_OFFICES], bytes0[N_OFFICES], connections[N_OFFICES], bytes[N_OFFICES];

  if (c == NULL)
    return;
  answered (c, connections0, bytes0);
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < N_REPORTS / 3; i++)
        g_free (xuncha_test_device_add_report (c->store, 1, 64 * 1024));
      if (round == 1)
        g_free (xuncha_test_device_add_shift (c->store, 500, TRUE));
      sync_until_complete (c);
    }
  answered (c, connections, bytes);
  for (guint i = 0; i < N_OFFICES; i++)
    {
      g_test_message ("office %u: %" G_GUINT64_FORMAT " connections, %" G_GUINT64_FORMAT
                      " bytes answered", i, connections[i] - connections0[i],
                      bytes[i] - bytes0[i]);
      g_assert_cmpuint (connections[i], >, connections0[i]);
      /* More than a TLS handshake: answers to requests. */
      g_assert_cmpuint (bytes[i] - bytes0[i], >, 4096);
    }
  check_exactly_once (c, 500);
}

static void
test_round_robin_sqlite (void)
{
  round_robin (FALSE);
}

static void
test_round_robin_postgres (void)
{
  round_robin (TRUE);
}

typedef struct
{
  Cluster          *cluster;
  XunchaSyncResult *result;
} SyncThread;

static gpointer
sync_thread (gpointer data)
{
  SyncThread *st = data;

  st->result = sync_once (st->cluster);
  return NULL;
}

/* One office is killed (SIGKILL: no goodbye) while the device is sending through it; the
 * device carries on through the other and nothing is lost or doubled. */
static void
killed_mid_sync (gboolean postgres)
{
  g_autoptr(Cluster) c = cluster_new (postgres);
  g_autoptr(XunchaStore) watcher = NULL;
  g_autoptr(GError) error = NULL;
  SyncThread st = { 0 };
  GThread *thread;
  gint64 acked = 0, deadline;
  int victim = -1;

  if (c == NULL)
    return;
  for (guint i = 0; i < N_REPORTS; i++)
    g_free (xuncha_test_device_add_report (c->store, 1, 1024 * 1024));
  g_free (xuncha_test_device_add_shift (c->store, 2000, TRUE));
  /* The sync thread writes the device store; the watch reads it on its own connection. */
  watcher = xuncha_store_open (c->device_dir, &error);
  g_assert_no_error (error);

  st.cluster = c;
  thread = g_thread_new ("sync", sync_thread, &st);
  /* A few reports through, most still to come: kill the office holding a connection. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (victim < 0 && g_get_monotonic_time () < deadline)
    {
      sqlite3_stmt *stmt = xuncha_store_prepare (watcher,
                                                 "SELECT count(*) FROM outbox WHERE kind = "
                                                 "'report' AND state = 'acked'", NULL);

      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      acked = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (acked >= 3)
        {
          guint most = 0;

          for (guint i = 0; i < N_OFFICES; i++)
            {
              XunchaTestHaproxyBackend backend;

              if (xuncha_test_haproxy_backend (c->haproxy, i, &backend)
                  && backend.current > most)
                {
                  most = backend.current;
                  victim = (int)i;
                }
            }
        }
      if (victim < 0)
        g_usleep (2000);
    }
  g_assert_cmpint (victim, >=, 0);
  xuncha_test_office_stop (c->offices[victim], SIGKILL);
  g_test_message ("office %d killed with %" G_GINT64_FORMAT " of %u reports acknowledged",
                  victim, acked, N_REPORTS);
  g_assert_cmpint (acked, <, N_REPORTS);
  g_thread_join (thread);
  g_assert_true (xuncha_test_haproxy_wait_backend (c->haproxy, (guint)victim, FALSE, 5000));

  /* The interrupted sync may have stopped after its tries; the next one finishes. */
  if (!xuncha_sync_result_is_complete (st.result))
    {
      g_assert_cmpuint (st.result->failed, ==, 0);
      sync_until_complete (c);
    }
  g_clear_pointer (&st.result, xuncha_sync_result_free);
  check_exactly_once (c, 2000);
}

static void
test_killed_sqlite (void)
{
  killed_mid_sync (FALSE);
}

static void
test_killed_postgres (void)
{
  killed_mid_sync (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);

  g_test_add_func ("/office/cluster/sqlite/round-robin", test_round_robin_sqlite);
  g_test_add_func ("/office/cluster/sqlite/killed-mid-sync", test_killed_sqlite);
  g_test_add_func ("/office/cluster/postgres/round-robin", test_round_robin_postgres);
  g_test_add_func ("/office/cluster/postgres/killed-mid-sync", test_killed_postgres);
  return g_test_run ();
}
