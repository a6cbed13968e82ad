/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "xuncha-core.h"
#include "xuncha-fault-proxy.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-sqlite-private.h"
#include "xuncha-store-private.h"
#include "xuncha-test-device.h"
#include "xuncha-test-office.h"
#include "xuncha-test-sync-env.h"
#include "xuncha-test-util.h"

#define PHOTO_BYTES (64 * 1024)

typedef XunchaTestSyncEnv Env;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, xuncha_test_sync_env_free)

#define env_new xuncha_test_sync_env_new
#define env_use_proxy xuncha_test_sync_env_use_proxy

static XunchaSyncResult *
sync_once (Env *env)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = xuncha_test_fast_sync (env->device_dir, 6);
  XunchaSyncResult *result = xuncha_sync_run (sync, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Syncs until complete (a fault may stop a sync; the next one carries on). Adds up the
 * repeats the office answered as already held, and the retries. */
static void
sync_until_complete_counting (Env   *env,
                              guint *held,
                              guint *retries)
{
  for (guint round = 0; round < 8; round++)
    {
      g_autoptr(XunchaSyncResult) result = sync_once (env);
      *held += result->held;
      *retries += result->retries;
      if (xuncha_sync_result_is_complete (result))
        return;
      g_assert_cmpuint (result->failed, ==, 0);
      g_test_message ("sync round %u stopped: %s", round,
                      result->stopped != NULL ? result->stopped->message : "items deferred");
    }
  g_assert_not_reached ();
}

static void
sync_until_complete (Env *env)
{
  guint held = 0, retries = 0;

  sync_until_complete_counting (env, &held, &retries);
}

static JsonArray *
office_reports (Env        *env,
                JsonParser *parser)
{
  g_autofree char *out = xuncha_test_office_admin (env->office_dir, "reports", "list", "--json",
                                                   NULL);

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "reports");
}

static GHashTable *
device_set (Env        *env,
            const char *sql)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (env->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  return set;
}

static gint64
device_count (Env        *env,
              const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (env->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* On the office's records, whichever backend holds them. */
static gint64
office_count (Env        *env,
              const char *sql)
{
  g_autofree char *value = xuncha_test_office_query (env->office_dir, sql, NULL);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

/* The photos the office's photo store holds: its files, named by their hash. */
static guint
office_photo_count (Env *env)
{
  g_autofree char *photo_dir = g_build_filename (env->office_dir, "photos", NULL);
  g_autoptr(GDir) dir = g_dir_open (photo_dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".jpg");
  return n;
}

/* The office holds every report and photo of the device exactly once, with matching
 * hashes and receipts, and the device shows everything acknowledged. */
static void
check_exactly_once (Env *env)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) reports = device_set (env, "SELECT uuid FROM reports");
  g_autoptr(GHashTable) photos = device_set (env, "SELECT sha256 FROM photos");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *photo_dir = g_build_filename (env->office_dir, "photos", NULL);
  g_autoptr(GDir) dir = g_dir_open (photo_dir, 0, NULL);
  JsonArray *rows = office_reports (env, parser);
  const char *name;
  guint files = 0;

  g_assert_cmpuint (json_array_get_length (rows), ==, g_hash_table_size (reports));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *uuid = json_object_get_string_member (row, "uuid");
      g_autofree char *receipt = NULL;
      sqlite3_stmt *stmt;

      g_assert_true (g_hash_table_contains (reports, uuid));
      g_assert_true (g_hash_table_add (seen, (gpointer)uuid));
      g_assert_cmpint (json_object_get_int_member (row, "conflicts"), ==, 0);
      stmt = xuncha_store_prepare (env->store,
                                   "SELECT receipt FROM outbox WHERE kind = 'report' AND item = ?1",
                                   NULL);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      receipt = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      g_assert_cmpstr (receipt, ==, json_object_get_string_member (row, "receipt"));
    }

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL, *data = NULL, *sha = NULL, *expected = NULL;
      gsize length;

      if (!g_str_has_suffix (name, ".jpg"))
        continue;
      path = g_build_filename (photo_dir, name, NULL);
      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
      expected = g_strndup (name, 64);
      g_assert_cmpstr (sha, ==, expected);
      g_assert_true (g_hash_table_contains (photos, sha));
      files++;
    }
  g_assert_cmpuint (files, ==, g_hash_table_size (photos));
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state != 'acked'"),
                   ==, 0);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE kind = 'report'"), ==,
                   g_hash_table_size (reports));
}

typedef struct
{
  guint   calls;
  guint   last_done;
  guint   last_total;
  guint64 last_bytes;
  guint64 bytes_total;
} ProgressSeen;

static void
on_progress (XunchaSync *sync,
             guint       done,
             guint       total,
             guint64     bytes,
             guint64     bytes_total,
             gpointer    user_data)
{
  ProgressSeen *seen = user_data;

  /* Delivered on this thread's context, never from the worker. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpuint (done, <=, total);
  seen->calls++;
  seen->last_done = done;
  seen->last_total = total;
  seen->last_bytes = bytes;
  seen->bytes_total = bytes_total;
}

static void
test_full_sync (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(XunchaSyncResult) again = NULL;
  g_autoptr(XunchaSyncResult) status = NULL;
  g_autofree char *first = NULL, *streets = NULL, *merchants = NULL, *out = NULL;
  g_auto(GStrv) shared = NULL;
  ProgressSeen seen = { 0 };

  if (env == NULL)
    return;
  streets = xuncha_test_source_path ("tests/fixtures/sync-streets.geojson");
  merchants = xuncha_test_source_path ("tests/fixtures/sync-merchants.csv");
  out = xuncha_test_office_admin (env->office_dir, "streets", "import", streets, NULL);
  g_assert_nonnull (strstr (out, "2 new or changed"));
  g_clear_pointer (&out, g_free);
  out = xuncha_test_office_admin (env->office_dir, "merchants", "import", merchants, NULL);
  /* The office says which segments the officer walks; the device follows it. */
  g_clear_pointer (&out, g_free);
  out = xuncha_test_office_admin (env->office_dir, "officer", "assign", "A001", "s-102", NULL);
  g_assert_nonnull (strstr (out, "1 street segments"));

  first = xuncha_test_device_add_report (env->store, 2, PHOTO_BYTES);
  for (guint i = 0; i < 2; i++)
    g_free (xuncha_test_device_add_report (env->store, 2, PHOTO_BYTES));
  shared = xuncha_test_device_report_photos (env->store, first);
  /* A re-inspection with the same before-photo: sent once, named twice. */
  g_free (xuncha_test_device_add_report_with_photo (env->store, shared[0], "evidence"));
  g_free (xuncha_test_device_add_report (env->store, 0, 0));
  g_free (xuncha_test_device_add_shift (env->store, 2500, TRUE));

  sync = xuncha_test_fast_sync (env->device_dir, 3);
  g_signal_connect (sync, "progress", G_CALLBACK (on_progress), &seen);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  if (!xuncha_sync_result_is_complete (result))
    g_error ("sync incomplete: %s", result->stopped ? result->stopped->message : "failures");
  g_assert_cmpuint (result->sent, ==, 6 + 5 + 1);
  g_assert_cmpuint (result->held, ==, 0);
  g_assert_cmpuint (result->failed, ==, 0);
  g_assert_cmpuint (seen.calls, >, 0);
  g_assert_cmpuint (seen.last_done, ==, seen.last_total);
  g_assert_cmpuint (seen.last_total, ==, 6 + 5 + 1);
  g_assert_cmpuint (seen.last_bytes, ==, seen.bytes_total);
  g_assert_cmpuint (seen.bytes_total, >=, 6 * PHOTO_BYTES);
  check_exactly_once (env);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM track_points"), ==, 2500);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM report_photos"), ==, 7);

  /* The pulls: map, registry (unknown street left empty), categories. */
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM streets"), ==, 2);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM assignments WHERE street_id = 's-102'"),
                   ==, 1);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM assignments"), ==, 1);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM merchants WHERE street_id IS NULL"),
                   ==, 1);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM merchants"), ==, 2);
  g_assert_cmpint (device_count (env, "SELECT round (length_m) FROM streets WHERE id = 's-102'"),
                   >, 900);
  /* What the office sent is a street map the device can snap to, like an imported one. */
  {
    g_autoptr(GError) map_error = NULL;
    g_autoptr(XunchaStreetMap) map = xuncha_street_map_new_from_store (env->store, &map_error);
    XunchaStreetSnap snap;

    g_assert_no_error (map_error);
    g_assert_cmpuint (xuncha_street_map_get_n_segments (map), ==, 2);
    g_assert_cmpuint (xuncha_street_map_snap (map, 30.6501, 104.0650, 5, &snap, 1), ==, 1);
    g_assert_cmpstr (xuncha_street_segment_get_id (snap.segment), ==, "s-102");
    g_assert_cmpint (xuncha_street_segment_get_class (snap.segment), ==,
                     XUNCHA_STREET_CLASS_STRICT);
  }

  /* A second sync sends nothing: only the eight reads (me, generation, categories, streets,
   * merchants, report status, tasks, messages). The office's generation is the one the first sync kept:
   * nothing is queued again. */
  again = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (again));
  g_assert_cmpuint (again->sent + again->held + again->failed, ==, 0);
  g_assert_cmpuint (again->bytes_sent, ==, 0);
  g_assert_cmpuint (again->requests, ==, 8);
  g_assert_cmpuint (again->resent_after_restore, ==, 0);
  g_assert_cmpuint (again->streets_changed, ==, 0);

  /* The office files the case; the device learns it. */
  g_free (xuncha_test_office_admin (env->office_dir, "report", "set-status", first, "立案",
                                    NULL));
  status = sync_once (env);
  g_assert_cmpuint (status->statuses_changed, ==, 1);
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (env->store,
                                               "SELECT case_status FROM reports WHERE uuid = ?1",
                                               NULL);
    sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "立案");
    sqlite3_reset (stmt);
  }
}

static void
test_cli_sync (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL, *err = NULL;
  JsonObject *root;

  if (env == NULL)
    return;
  g_free (xuncha_test_device_add_report (env->store, 1, 4096));
  {
    const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", env->device_dir,
                           "sync", "--json", NULL };
    g_assert_cmpint (xuncha_test_run (argv, &out, &err), ==, 0);
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "complete"));
  g_assert_cmpint (json_object_get_int_member (root, "sent"), ==, 2);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "items")), ==, 2);
  g_clear_pointer (&out, g_free);
  {
    const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", env->device_dir,
                           "sync", "status", NULL };
    g_assert_cmpint (xuncha_test_run (argv, &out, NULL), ==, 0);
  }
  g_assert_nonnull (strstr (out, "a file readable only by you"));
  g_assert_true (g_regex_match_simple ("Reports +0 +1 +0", out, 0, 0));
  check_exactly_once (env);
}

/* Track points: the office holds every one, counted. */

static JsonObject *
cli_status (Env        *env,
            JsonParser *parser)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "sync", "status", "--json",
                                        NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static gint64
status_int (JsonObject *status,
            const char *group,
            const char *name)
{
  return json_object_get_int_member (json_object_get_object_member (status, group), name);
}

/* Every (seq, t_ms, lat, lon) of the shift, on both sides alike. */
static void
check_office_track (Env        *env,
                    const char *uuid)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM track_points "
                                          "WHERE shift_uuid = '%s'", uuid);
  /* floor (x + 0.5) rather than round (): PostgreSQL rounds a double's halves to even,
   * SQLite away from zero; the same IEEE sum and floor are the same on both. */
  g_autofree char *sum = g_strdup_printf ("SELECT sum (seq * 7 + t_ms %% 1000003 + "
                                          "  floor (lat * 1e6 + 0.5) + floor (lon * 1e6 + 0.5)) "
                                          "FROM track_points WHERE shift_uuid = '%s'", uuid);
  g_autofree char *first = g_strdup_printf ("SELECT min (seq) FROM track_points "
                                            "WHERE shift_uuid = '%s'", uuid);
  gint64 n = device_count (env, sql);

  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (office_count (env, sql), ==, n);
  g_assert_cmpint (office_count (env, first), ==, device_count (env, first));
  g_assert_cmpint (office_count (env, sum), ==, device_count (env, sum));
}

/* A GPX walk imported and synced by the command line: the office holds every point, the
 * first (seq 0) too, and the status counts them. */
static void
test_track_every_point (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *gpx = NULL, *out = NULL, *err = NULL, *uuid = NULL;
  JsonObject *status;

  if (env == NULL)
    return;
  gpx = g_build_filename (g_getenv ("XUNCHA_DEMO_DIR"), "walk.gpx", NULL);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "track", "import", gpx,
                                        NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "sync", NULL), ==, 0);
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (env->store, "SELECT uuid FROM shifts", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    uuid = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_reset (stmt);
  }
  g_assert_cmpint (device_count (env, "SELECT min (seq) FROM track_points"), ==, 0);
  check_office_track (env, uuid);

  status = cli_status (env, parser);
  g_assert_cmpint (status_int (status, "shift", "acked"), ==, 1);
  g_assert_cmpint (status_int (status, "shift", "waiting"), ==, 0);
  g_assert_cmpint (status_int (status, "points", "device"), ==,
                   device_count (env, "SELECT count(*) FROM track_points"));
  g_assert_cmpint (status_int (status, "points", "acked"), ==,
                   status_int (status, "points", "device"));
}

/* A running shift: each sync sends what was recorded so far, its first point included. */
static void
test_track_live (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autofree char *uuid = NULL;
  JsonObject *status;

  if (env == NULL)
    return;
  uuid = xuncha_test_device_add_shift (env->store, 10, FALSE);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  check_office_track (env, uuid);
  status = cli_status (env, parser);
  g_assert_cmpint (status_int (status, "points", "acked"), ==, 10);
  g_assert_cmpint (status_int (status, "shift", "waiting"), ==, 1);
}

/* A shift point the office does not hold keeps the shift from being called acknowledged,
 * whatever its outbox row says, and the next sync sends it. */
static void
test_track_gap_not_acked (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autofree char *uuid = NULL, *out = NULL, *err = NULL, *sql = NULL;
  JsonObject *status;

  if (env == NULL)
    return;
  uuid = xuncha_test_device_add_shift (env->store, 300, TRUE);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);
  status = cli_status (env, parser);
  g_assert_cmpint (status_int (status, "shift", "acked"), ==, 1);

  /* A point the office never got, under the acknowledged row. */
  sql = g_strdup_printf ("INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon) "
                         "VALUES ('%s', 300, 1714543200000, 30.66, 104.07)", uuid);
  g_assert_true (xuncha_store_exec (env->store, sql, &error));
  g_assert_no_error (error);
  status = cli_status (env, parser);
  g_assert_cmpint (status_int (status, "shift", "acked"), ==, 0);
  g_assert_cmpint (status_int (status, "shift", "waiting"), ==, 1);
  g_assert_cmpint (status_int (status, "points", "device"), ==, 301);
  g_assert_cmpint (status_int (status, "points", "acked"), ==, 300);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "sync", "status", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "the office holds 300 of 301 points"));

  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  check_office_track (env, uuid);
  status = cli_status (env, parser);
  g_assert_cmpint (status_int (status, "shift", "acked"), ==, 1);
  g_assert_cmpint (status_int (status, "points", "acked"), ==, 301);
}

/* A device synced before the cursor counted from 0: the office has points 1 … P of each
 * shift, the device's row says P and acknowledged. Opened by this version, the shift goes
 * again, and only the missing point's batch is sent. */
static void
test_track_gap_migrated (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autofree char *uuid = NULL, *sql = NULL;
  g_autofree char *all = NULL;

  if (env == NULL)
    return;
  uuid = xuncha_test_device_add_shift (env->store, 5000, TRUE);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);

  /* What the earlier version left: no seq 0 at the office, cursor 4999, schema 1. */
  xuncha_test_office_exec (env->office_dir, "DELETE FROM track_points WHERE seq = 0");
  sql = g_strdup_printf ("UPDATE outbox SET progress = 4999, state = 'acked' "
                         "WHERE kind = 'shift' AND item = '%s';"
                         "ALTER TABLE outbox DROP COLUMN office_points;"
                         "ALTER TABLE categories DROP COLUMN pinyin;"
                         "DROP TABLE task_results; DROP TABLE tasks; DROP TABLE messages;"
                         "DROP TABLE evidence_manifests;"
                         "PRAGMA user_version = 1;", uuid);
  g_assert_true (xuncha_store_exec (env->store, sql, &error));
  g_assert_no_error (error);
  g_clear_object (&env->store);
  env->store = xuncha_store_open (env->device_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE kind = 'shift' "
                                      "AND state = 'waiting' AND progress = 5000"), ==, 1);

  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  check_office_track (env, uuid);
  all = g_strdup_printf ("SELECT count(*) FROM track_points WHERE shift_uuid = '%s'", uuid);
  g_assert_cmpint (office_count (env, all), ==, 5000);
  /* One batch of 2000 points, not the whole track again (and the eight reads). */
  g_assert_cmpuint (result->requests, ==, 8 + 2);
}

/* Faults between device and office. */

static void
add_fault_data (Env      *env,
                gboolean  photos)
{
  for (guint i = 0; i < 4; i++)
    g_free (xuncha_test_device_add_report (env->store, photos ? 2 : 0, PHOTO_BYTES));
  for (guint i = 0; i < 2; i++)
    g_free (xuncha_test_device_add_report (env->store, 0, 0));
}

static void
run_fault (XunchaFaultKind kind,
           gint64          after,
           guint           param,
           gboolean        photos)
{
  g_autoptr(Env) env = env_new ();
  guint held = 0, retries = 0;

  if (env == NULL)
    return;
  env_use_proxy (env);
  add_fault_data (env, photos);
  xuncha_fault_proxy_add (env->proxy, kind, after, param, 1);
  sync_until_complete_counting (env, &held, &retries);
  g_assert_cmpuint (xuncha_fault_proxy_get_fired (env->proxy), >=, 1);
  /* A retry may be ours or libcurl's own (it resends once on a reused connection that
   * died before any answer); either way the office must answer the repeat as held. */
  g_test_message ("retries %u, held %u", retries, held);
  if (kind == XUNCHA_FAULT_LOST_ACK)
    g_assert_cmpuint (held, >=, 1);
  check_exactly_once (env);
}

static void
test_fault_drop (void)
{
  run_fault (XUNCHA_FAULT_DROP, 30000, 0, TRUE);
}

static void
test_fault_lost_ack_photo (void)
{
  run_fault (XUNCHA_FAULT_LOST_ACK, 30000, 0, TRUE);
}

static void
test_fault_lost_ack_report (void)
{
  run_fault (XUNCHA_FAULT_LOST_ACK, 3000, 0, FALSE);
}

static void
test_fault_stall (void)
{
  run_fault (XUNCHA_FAULT_STALL, 30000, 4000, TRUE);
}

static void
test_fault_reset (void)
{
  run_fault (XUNCHA_FAULT_RESET, 30000, 0, TRUE);
}

static void
test_fault_503 (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;

  if (env == NULL)
    return;
  env_use_proxy (env);
  add_fault_data (env, TRUE);
  xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_503, 0, 1, 2);
  /* Retry-After is honoured inside one sync: it completes, after two refusals. */
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpuint (result->retries, >=, 2);
  g_assert_cmpuint (xuncha_fault_proxy_get_fired (env->proxy), ==, 2);
  check_exactly_once (env);
}

static void
test_fault_captive (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (env == NULL)
    return;
  env_use_proxy (env);
  add_fault_data (env, TRUE);
  xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_CAPTIVE, 0, 0, 1000);
  result = sync_once (env);
  g_assert_false (xuncha_sync_result_is_complete (result));
  g_assert_error (result->stopped, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CAPTIVE);
  g_assert_nonnull (strstr (result->stopped->message, "login"));
  g_assert_cmpuint (result->sent + result->held, ==, 0);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state = 'acked'"), ==,
                   0);
  g_assert_cmpuint (json_array_get_length (office_reports (env, parser)), ==, 0);

  xuncha_fault_proxy_clear (env->proxy);
  sync_until_complete (env);
  check_exactly_once (env);
}

static void
test_server_restart (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;

  if (env == NULL)
    return;
  for (guint i = 0; i < 10; i++)
    g_free (xuncha_test_device_add_report (env->store, 2, 256 * 1024));
  result = xuncha_test_sync_env_sync_through_restart (env, 3);
  if (!xuncha_sync_result_is_complete (result))
    sync_until_complete (env);
  check_exactly_once (env);
}

/* TLS: each refusal names the problem and sends nothing. */

static void
expect_tls_refusal (Env        *env,
                    const char *cert,
                    const char *ca,
                    const char *pins,
                    int         code,
                    const char *words,
                    XunchaCertificateProblem problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTestOffice) other = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (cert != NULL)
    {
      other = xuncha_test_office_start (env->office_dir, cert, env->certs->server_key, 0);
      xuncha_store_set_meta (env->store, "sync.server", other->url, &error);
      g_assert_no_error (error);
    }
  xuncha_sync_set_tls (env->store, ca, pins, &error);
  g_assert_no_error (error);
  result = sync_once (env);
  g_assert_error (result->stopped, XUNCHA_SYNC_ERROR, code);
  if (strstr (result->stopped->message, words) == NULL)
    g_error ("expected “%s” in: %s", words, result->stopped->message);
  /* Why, for the app's words: and it survives the copy to the main thread. */
  g_assert_cmpint (xuncha_sync_error_get_certificate_problem (result->stopped), ==, problem);
  {
    g_autoptr(GError) copy = g_error_copy (result->stopped);

    g_assert_cmpint (xuncha_sync_error_get_certificate_problem (copy), ==, problem);
  }
  g_assert_cmpuint (result->requests, ==, 1);
  g_assert_cmpuint (json_array_get_length (office_reports (env, parser)), ==, 0);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state = 'acked'"), ==,
                   0);
  xuncha_store_set_meta (env->store, "sync.server", env->office->url, &error);
}

static void
test_tls (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;

  if (env == NULL)
    return;
  g_free (xuncha_test_device_add_report (env->store, 1, 4096));

  expect_tls_refusal (env, NULL, env->certs->other_ca, NULL, XUNCHA_SYNC_ERROR_TLS,
                      "certificate was not accepted", XUNCHA_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER);
  expect_tls_refusal (env, env->certs->wrong_host_cert, env->certs->ca, NULL,
                      XUNCHA_SYNC_ERROR_TLS, "certificate was not accepted",
                      XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST);
  expect_tls_refusal (env, env->certs->expired_cert, env->certs->ca, NULL,
                      XUNCHA_SYNC_ERROR_TLS, "certificate was not accepted",
                      XUNCHA_CERTIFICATE_PROBLEM_EXPIRED);
  expect_tls_refusal (env, NULL, env->certs->ca, env->certs->other_pin, XUNCHA_SYNC_ERROR_PIN,
                      "pin", XUNCHA_CERTIFICATE_PROBLEM_NONE);

  /* The right pin and CA: it goes through. */
  xuncha_sync_set_tls (env->store, env->certs->ca, env->certs->server_pin, &error);
  g_assert_no_error (error);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  check_exactly_once (env);
}

static XunchaHttpResponse *
call (const char *url,
      const char *ca,
      const char *token,
      const char *method,
      const char *path,
      const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttp) http = xuncha_http_new (url, ca, NULL, &error);
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  XunchaHttpResponse *response;

  g_assert_no_error (error);
  xuncha_http_set_token (http, token);
  response = xuncha_http_request (http, method, path, body != NULL ? "application/json" : NULL,
                                  bytes, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (response->server_mark);
  return response;
}

static char *
enroll_other (Env        *env,
              const char *id,
              const char *team,
              gboolean    leader,
              char      **dir)
{
  g_autofree char *code = xuncha_test_office_add_officer (env->office_dir, id, team, leader);
  XunchaCredentialsStore used;
  char *token;

  *dir = xuncha_test_make_tmpdir ();
  xuncha_test_enroll (*dir, env->office->url, id, code, env->certs->ca);
  token = xuncha_credentials_load (*dir, env->office->url, id, &used, NULL);
  g_assert_nonnull (token);
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_FILE);
  return token;
}

static void
test_authz (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(XunchaWireReport) report = NULL;
  g_autofree char *uuid = NULL, *path = NULL, *body = NULL;
  g_autofree char *dir_b = NULL, *dir_l = NULL, *dir_c = NULL;
  g_autofree char *token_b = NULL, *token_l = NULL, *token_c = NULL, *token_a = NULL;
  g_autoptr(XunchaHttpResponse) r = NULL;
  XunchaCredentialsStore used;
  const char *ca;

  if (env == NULL)
    return;
  ca = env->certs->ca;
  uuid = xuncha_test_device_add_report (env->store, 0, 0);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  path = g_strconcat ("api/v1/reports/", uuid, NULL);

  token_a = xuncha_credentials_load (env->device_dir, env->office->url, "A001", &used, NULL);
  token_b = enroll_other (env, "B002", "T1", FALSE, &dir_b);
  token_l = enroll_other (env, "L003", "T1", TRUE, &dir_l);
  token_c = enroll_other (env, "C004", "T2", TRUE, &dir_c);

  /* The owner reads it; a colleague cannot see it, nor overwrite it. */
  r = call (env->office->url, ca, token_a, "GET", path, NULL);
  g_assert_cmpint (r->status, ==, 200);
  {
    g_autoptr(JsonNode) answer = xuncha_protocol_parse (xuncha_http_response_text (r), -1, "r",
                                                        NULL);
    report = xuncha_wire_report_from_json (json_object_get_member (json_node_get_object (answer),
                                                                   "report"), NULL);
  }
  g_clear_pointer (&r, xuncha_http_response_free);
  r = call (env->office->url, ca, token_b, "GET", path, NULL);
  g_assert_cmpint (r->status, ==, 404);
  g_clear_pointer (&r, xuncha_http_response_free);
  g_assert_nonnull (report);
  g_free (report->note);
  report->note = g_strdup ("overwritten by B");
  body = xuncha_wire_report_encode (report);
  r = call (env->office->url, ca, token_b, "PUT", path, body);
  g_assert_cmpint (r->status, ==, 403);
  g_clear_pointer (&r, xuncha_http_response_free);
  /* B's status pull does not list A's report. */
  g_free (xuncha_test_office_admin (env->office_dir, "report", "set-status", uuid, "派遣", NULL));
  r = call (env->office->url, ca, token_b, "GET", "api/v1/reports?since=0", NULL);
  g_assert_null (strstr (xuncha_http_response_text (r), uuid));
  g_clear_pointer (&r, xuncha_http_response_free);
  /* The team leader sees his team's report; another team's leader does not. */
  r = call (env->office->url, ca, token_l, "GET", path, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_clear_pointer (&r, xuncha_http_response_free);
  r = call (env->office->url, ca, token_l, "GET", "api/v1/reports?since=0", NULL);
  g_assert_nonnull (strstr (xuncha_http_response_text (r), uuid));
  g_clear_pointer (&r, xuncha_http_response_free);
  r = call (env->office->url, ca, token_c, "GET", path, NULL);
  g_assert_cmpint (r->status, ==, 404);
  g_clear_pointer (&r, xuncha_http_response_free);
  /* Nothing was overwritten. */
  r = call (env->office->url, ca, token_a, "GET", path, NULL);
  g_assert_null (strstr (xuncha_http_response_text (r), "overwritten"));
  g_clear_pointer (&r, xuncha_http_response_free);

  /* Revoked: 401, and the device is told to enroll again. */
  g_free (xuncha_test_office_admin (env->office_dir, "officer", "revoke", "A001", NULL));
  g_free (xuncha_test_device_add_report (env->store, 0, 0));
  {
    g_autoptr(XunchaSyncResult) refused = sync_once (env);
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", env->device_dir,
                           "sync", NULL };

    g_assert_error (refused->stopped, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED);
    g_assert_cmpuint (refused->requests, ==, 1);
    g_assert_cmpint (xuncha_test_run (argv, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "Enroll again"));
  }
  r = call (env->office->url, ca, token_a, "GET", "api/v1/me", NULL);
  g_assert_cmpint (r->status, ==, 401);

  xuncha_test_remove_tree (dir_b);
  xuncha_test_remove_tree (dir_l);
  xuncha_test_remove_tree (dir_c);
}

static void
test_missing_photo_file (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autofree char *uuid = NULL, *name = NULL, *path = NULL;
  g_auto(GStrv) photos = NULL;

  if (env == NULL)
    return;
  uuid = xuncha_test_device_add_report (env->store, 1, 4096);
  photos = xuncha_test_device_report_photos (env->store, uuid);
  name = g_strconcat (photos[0], ".jpg", NULL);
  path = g_build_filename (env->device_dir, "photos", name, NULL);
  /* Damaged storage: the bytes no longer match the name. */
  g_assert_true (g_file_set_contents (path, "not the photo", -1, NULL));
  result = sync_once (env);
  g_assert_cmpuint (result->failed, ==, 1);
  g_assert_cmpuint (result->deferred, ==, 1);
  g_assert_false (xuncha_sync_result_is_complete (result));
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM outbox WHERE state = 'failed' "
                                      "AND last_error LIKE '%fingerprint%'"), ==, 1);
  g_assert_cmpuint (office_photo_count (env), ==, 0);
}

/* Editing a report before it goes, and not while it goes. */

static char *
report_state (Env        *env,
              const char *uuid)
{
  return xuncha_outbox_get_state (env->store, "report", uuid);
}

/* The office's copy of report @uuid (the report as it received it). */
static JsonObject *
office_report (Env        *env,
               JsonParser *parser,
               const char *uuid)
{
  JsonArray *rows = office_reports (env, parser);
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_str_equal (json_object_get_string_member (row, "uuid"), uuid))
        {
          g_assert_null (found);
          found = json_object_get_object_member (row, "report");
        }
    }
  g_assert_nonnull (found);
  return found;
}

static XunchaReport *
edit_report (Env               *env,
             XunchaReportStore *reports,
             const char        *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = photo_fixture_image (320, 240, 77);
  g_autofree char *after = photo_fixture_write (env->device_dir, "after.jpg", image);
  XunchaReport *edited = xuncha_report_store_get (reports, uuid, &error);

  g_assert_no_error (error);
  xuncha_report_set_category (edited, "07001");
  xuncha_report_set_fields_json (edited, "{\"carrier\":\"pole\",\"phone\":\"13800000000\"}");
  xuncha_report_set_note (edited, "edited: ads on the pole");
  xuncha_report_set_disposition (edited, XUNCHA_DISPOSITION_CASE);
  xuncha_report_set_deadline (edited, NULL);
  xuncha_report_add_photo_file (edited, after, XUNCHA_PHOTO_ROLE_AFTER);
  return edited;
}

static void
test_edit_then_send (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) edited = NULL;
  g_autoptr(XunchaReport) again = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL, *state = NULL;
  JsonObject *held;
  JsonArray *photos;

  if (env == NULL)
    return;
  uuid = xuncha_test_device_add_report (env->store, 1, 4096);
  g_free (xuncha_test_device_add_report (env->store, 0, 0));
  reports = xuncha_report_store_new (env->store, &error);
  g_assert_no_error (error);
  edited = edit_report (env, reports, uuid);
  g_assert_true (xuncha_report_store_update (reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);

  sync_until_complete (env);
  check_exactly_once (env);
  held = office_report (env, parser, uuid);
  g_assert_cmpstr (json_object_get_string_member (held, "category"), ==, "07001");
  g_assert_cmpstr (json_object_get_string_member (held, "note"), ==, "edited: ads on the pole");
  g_assert_cmpstr (json_object_get_string_member (held, "disposition"), ==, "case");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (held, "fields"),
                                                  "carrier"), ==, "pole");
  photos = json_object_get_array_member (held, "photos");
  g_assert_cmpuint (json_array_get_length (photos), ==, 2);
  g_assert_cmpuint (office_photo_count (env), ==, 2);

  /* Acknowledged: an edit now is refused, and nothing more goes. */
  state = report_state (env, uuid);
  g_assert_cmpstr (state, ==, "acked");
  again = xuncha_report_store_get (reports, uuid, &error);
  xuncha_report_set_note (again, "too late");
  g_assert_false (xuncha_report_store_update (reports, uuid, again, NULL, &error));
  g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT);
  result = sync_once (env);
  g_assert_cmpuint (result->sent, ==, 0);
  check_exactly_once (env);
  g_clear_object (&parser);
  parser = json_parser_new ();
  held = office_report (env, parser, uuid);
  g_assert_cmpstr (json_object_get_string_member (held, "note"), ==, "edited: ads on the pole");
}

typedef struct
{
  GAsyncResult *result;
} Pending;

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ((Pending *)user_data)->result = g_object_ref (result);
}

static char *
report_row (Env        *env,
            const char *uuid)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (env->store),
                                       "SELECT * FROM reports WHERE uuid = ?1", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  for (int c = 0; c < sqlite3_column_count (stmt); c++)
    {
      const void *data = sqlite3_column_blob (stmt, c);

      g_string_append_printf (out, "|%d:", sqlite3_column_type (stmt, c));
      if (data != NULL)
        g_string_append_len (out, data, sqlite3_column_bytes (stmt, c));
    }
  return g_string_free (out, FALSE);
}

/* While a sync sends a report (its photo stalls on the way), the report cannot be edited:
 * the office gets what the sync read, and the device keeps exactly that. */
static void
test_edit_refused_while_sending (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaSync) sync = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  Pending pending = { NULL };
  guint refused = 0;

  if (env == NULL)
    return;
  env_use_proxy (env);
  uuid = xuncha_test_device_add_report (env->store, 1, PHOTO_BYTES);
  reports = xuncha_report_store_new (env->store, &error);
  g_assert_no_error (error);
  xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_STALL, 30000, 3000, 1);

  sync = xuncha_test_fast_sync (env->device_dir, 6);
  xuncha_sync_run_async (sync, NULL, on_sync_done, &pending);
  while (pending.result == NULL)
    {
      g_autofree char *state = report_state (env, uuid);

      if (g_strcmp0 (state, "sending") == 0)
        {
          g_autoptr(XunchaReport) edited = edit_report (env, reports, uuid);
          g_autofree char *before = report_row (env, uuid);
          g_autofree char *after = NULL;

          g_assert_false (xuncha_report_store_update (reports, uuid, edited, NULL, &error));
          g_assert_error (error, XUNCHA_REPORT_STORE_ERROR, XUNCHA_REPORT_STORE_ERROR_SENT);
          g_clear_error (&error);
          after = report_row (env, uuid);
          g_assert_cmpstr (after, ==, before);
          refused++;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  result = xuncha_sync_run_finish (sync, pending.result, &error);
  g_clear_object (&pending.result);
  g_assert_no_error (error);
  /* The stall lasts seconds (and the retry after it keeps the report 'sending'). */
  g_assert_cmpuint (refused, >=, 1);
  g_assert_cmpuint (xuncha_fault_proxy_get_fired (env->proxy), ==, 1);
  if (!xuncha_sync_result_is_complete (result))
    sync_until_complete (env);
  check_exactly_once (env);
  g_assert_cmpstr (json_object_get_string_member (office_report (env, parser, uuid), "note"),
                   ==, "早市摊点");
}

/* The command-line sync is killed while it sends a report: the report waits again when
 * the store is next opened (not before: a live sync holds it), can be edited, and the
 * edited report reaches the office exactly once. */
static void
test_killed_while_sending (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) edited = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL, *state = NULL;
  gint64 deadline;
  int status = 0;
  GPid pid;

  if (env == NULL)
    return;
  env_use_proxy (env);
  uuid = xuncha_test_device_add_report (env->store, 1, PHOTO_BYTES);
  xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_STALL, 30000, 8000, 1);
  {
    const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", env->device_dir,
                           "sync", NULL };
    g_assert_true (g_spawn_async (NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                  | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
    g_assert_no_error (error);
  }

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((state = report_state (env, uuid)) != NULL && g_str_equal (state, "waiting")
         && g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&state, g_free);
      g_usleep (20 * 1000);
    }
  g_assert_cmpstr (state, ==, "sending");
  g_clear_pointer (&state, g_free);

  /* Opening the store while the sync lives leaves its report alone. */
  {
    g_autoptr(XunchaStore) other = xuncha_store_open (env->device_dir, &error);

    g_assert_no_error (error);
    state = xuncha_outbox_get_state (other, "report", uuid);
    g_assert_cmpstr (state, ==, "sending");
    g_clear_pointer (&state, g_free);
  }

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  state = report_state (env, uuid);
  g_assert_cmpstr (state, ==, "sending");
  g_clear_pointer (&state, g_free);

  /* The next start finds no sync alive: the report waits again. */
  g_clear_object (&env->store);
  env->store = xuncha_store_open (env->device_dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (env->store, &error));
  state = report_state (env, uuid);
  g_assert_cmpstr (state, ==, "waiting");

  reports = xuncha_report_store_new (env->store, &error);
  g_assert_no_error (error);
  edited = edit_report (env, reports, uuid);
  g_assert_true (xuncha_report_store_update (reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);
  xuncha_fault_proxy_clear (env->proxy);
  sync_until_complete (env);
  check_exactly_once (env);
  g_assert_cmpstr (json_object_get_string_member (office_report (env, parser, uuid), "note"),
                   ==, "edited: ads on the pole");
}

/* A report and a shift belong to the officer who made them. */

static char *
cli_add_report (Env        *env,
                const char *note)
{
  g_autofree char *photo = g_build_filename (g_getenv ("XUNCHA_DEMO_DIR"), "stall.jpg", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "report", "add",
                                        "--category", "09006", "--photo", photo, "--lat",
                                        "30.6586", "--lon", "104.0648", "--note", note, NULL),
                   ==, 0);
  return g_strdup (g_strstrip (out));
}

/* Which officer the office credits with report @uuid; NULL when it does not hold it. */
static char *
office_officer (Env        *env,
                const char *table,
                const char *uuid)
{
  g_autofree char *sql = g_strdup_printf ("SELECT officer_id FROM %s WHERE uuid = $1", table);

  return xuncha_test_office_query (env->office_dir, sql, uuid);
}

/* Saved by A001, then the device is enrolled as B002: the report and the track stay on the
 * device and say why, B002's own report goes under B002, and A001's go under A001 once the
 * device is enrolled as A001 again. */
static void
test_officer_reenrolled (void)
{
  g_autoptr(Env) env = env_new ();
  g_autofree char *gpx = NULL, *first = NULL, *second = NULL, *shift = NULL;
  g_autofree char *code = NULL, *out = NULL, *err = NULL, *officer = NULL;
  int status;

  if (env == NULL)
    return;
  first = cli_add_report (env, "saved by A001");
  gpx = g_build_filename (g_getenv ("XUNCHA_DEMO_DIR"), "walk.gpx", NULL);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, &err, "track", "import", gpx,
                                        NULL), ==, 0);
  {
    sqlite3_stmt *stmt = xuncha_store_prepare (env->store, "SELECT uuid FROM shifts", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    shift = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_reset (stmt);
  }

  code = xuncha_test_office_add_officer (env->office_dir, "B002", "T1", FALSE);
  xuncha_test_enroll (env->device_dir, env->office->url, "B002", code, env->certs->ca);
  second = cli_add_report (env, "saved by B002");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = xuncha_test_run_cli (env->device_dir, &out, &err, "sync", NULL);
  officer = office_officer (env, "reports", first);
  g_assert_cmpstr (officer, ==, NULL);
  officer = office_officer (env, "shifts", shift);
  g_assert_cmpstr (officer, ==, NULL);
  officer = office_officer (env, "reports", second);
  g_assert_cmpstr (officer, ==, "B002");
  g_clear_pointer (&officer, g_free);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM track_points"), ==, 0);
  /* Something could not go: the sync says what and why. */
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "Saved by officer A001; this device is enrolled as B002"));
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM reports WHERE officer = 'A001'"),
                   ==, 1);
  g_assert_cmpint (device_count (env, "SELECT count(*) FROM shifts WHERE officer = 'A001'"),
                   ==, 1);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, NULL, "sync", "status", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, first));
  g_assert_nonnull (strstr (out, "Enroll as A001 to send it."));
  g_assert_true (g_regex_match_simple ("Reports +1 +1 +0", out, 0, 0));

  g_clear_pointer (&code, g_free);
  code = xuncha_test_office_add_officer (env->office_dir, "A001", "T1", FALSE);
  xuncha_test_enroll (env->device_dir, env->office->url, "A001", code, env->certs->ca);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, NULL, "sync", NULL), ==, 0);
  officer = office_officer (env, "reports", first);
  g_assert_cmpstr (officer, ==, "A001");
  g_clear_pointer (&officer, g_free);
  officer = office_officer (env, "shifts", shift);
  g_assert_cmpstr (officer, ==, "A001");
  check_office_track (env, shift);
  check_exactly_once (env);
}

/* Two syncs at once on one device. */

/* A command-line sync of @env's device, with the test's short clock. */
static GSubprocess *
start_cli_sync (Env *env)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "XUNCHA_SYNC_BACKOFF_MS", "20", TRUE);
  g_subprocess_launcher_setenv (launcher, "XUNCHA_SYNC_BACKOFF_CAP_MS", "2000", TRUE);
  g_subprocess_launcher_setenv (launcher, "XUNCHA_SYNC_MAX_ATTEMPTS", "6", TRUE);
  g_subprocess_launcher_setenv (launcher, "XUNCHA_SYNC_LOW_SPEED_TIME", "1", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, xuncha_test_program ("XUNCHA_CLI"),
                                         "--data-dir", env->device_dir, "sync", "--json", NULL);
  g_assert_no_error (error);
  return process;
}

/* Waits until a sync holds a report (it is on its way, stalled by the proxy). */
static void
wait_for_sending (Env *env)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (device_count (env, "SELECT count(*) FROM outbox WHERE state = 'sending'") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
}

static void
finish_cli_sync (GSubprocess  *process,
                 JsonParser   *parser,
                 char        **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("the sync exited %d: %s%s", g_subprocess_get_exit_status (process), out, *err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
}

/* Adds up the photo uploads a sync's JSON result lists, by photo. */
static void
count_photo_uploads (JsonParser *parser,
                     GHashTable *uploads)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (
                                                     json_parser_get_root (parser)), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *sha = json_object_get_string_member (item, "item");

      if (!g_str_equal (json_object_get_string_member (item, "kind"), "photo"))
        continue;
      g_assert_cmpstr (json_object_get_string_member (item, "outcome"), ==, "sent");
      g_hash_table_insert (uploads, g_strdup (sha),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uploads,
                                                                                    sha)) + 1));
    }
}

static void
add_concurrent_data (Env *env)
{
  env_use_proxy (env);
  for (guint i = 0; i < 4; i++)
    g_free (xuncha_test_device_add_report (env->store, 2, PHOTO_BYTES));
  g_free (xuncha_test_device_add_report (env->store, 0, 0));
  /* The first sync's upload stalls a while: the second starts while it holds a report. */
  xuncha_fault_proxy_add (env->proxy, XUNCHA_FAULT_STALL, 30000, 1500, 1);
}

/* Two `xuncha-cli sync` at once: the second waits for the first and says so; both end
 * well, and each photo went up once. */
static void
test_concurrent_cli (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GSubprocess) first = NULL, second = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) photos = NULL;
  g_autofree char *err_first = NULL, *err_second = NULL;
  GHashTableIter iter;
  gpointer sha, n;

  if (env == NULL)
    return;
  add_concurrent_data (env);
  first = start_cli_sync (env);
  wait_for_sending (env);
  second = start_cli_sync (env);

  finish_cli_sync (second, parser, &err_second);
  count_photo_uploads (parser, uploads);
  g_assert_nonnull (strstr (err_second, "Another sync is running on this device"));
  finish_cli_sync (first, parser, &err_first);
  count_photo_uploads (parser, uploads);

  photos = device_set (env, "SELECT sha256 FROM photos");
  g_assert_cmpuint (g_hash_table_size (uploads), ==, g_hash_table_size (photos));
  g_hash_table_iter_init (&iter, uploads);
  while (g_hash_table_iter_next (&iter, &sha, &n))
    {
      g_assert_true (g_hash_table_contains (photos, sha));
      g_assert_cmpuint (GPOINTER_TO_UINT (n), ==, 1);
    }
  check_exactly_once (env);
}

static void
on_waiting (XunchaSync *sync,
            gpointer    user_data)
{
  (*(guint *)user_data)++;
}

/* The app's engine asked to sync while the command line sends: it waits, then finds
 * everything acknowledged and sends nothing again. */
static void
test_concurrent_engine_and_cli (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(XunchaSync) sync = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  guint waited = 0;

  if (env == NULL)
    return;
  add_concurrent_data (env);
  cli = start_cli_sync (env);
  wait_for_sending (env);

  sync = xuncha_test_fast_sync (env->device_dir, 6);
  g_signal_connect (sync, "waiting", G_CALLBACK (on_waiting), &waited);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waited, ==, 1);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpuint (result->sent + result->held + result->deferred, ==, 0);

  finish_cli_sync (cli, parser, &err);
  check_exactly_once (env);
}

/* Whether a thread of this process carries @name (Linux keeps it in /proc, cut to 15
 * bytes). */
static gboolean
has_thread_named (const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  if (dir == NULL)
    return FALSE;
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_equal (g_strstrip (comm), name))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  gboolean          done;
  GThread          *thread;
  XunchaSyncResult *result;
  GError           *error;
} Finished;

static void
on_sync_finished (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  Finished *finished = user_data;

  finished->thread = g_thread_self ();
  finished->result = xuncha_sync_run_finish (XUNCHA_SYNC (source), res, &finished->error);
  finished->done = TRUE;
}

/* A sync that waits out a backoff of minutes (the office is gone) does so on a thread of
 * its own, not on one of GIO's shared pool that every other task of the program needs; it
 * can still be cancelled, and it finishes on the caller's main context. */
static void
test_own_thread (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSync) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Finished finished = { 0 };
  gboolean seen = FALSE;

  if (env == NULL)
    return;
  g_assert_false (has_thread_named ("xuncha-sync"));
  xuncha_test_office_stop (env->office, SIGTERM);
  sync = xuncha_sync_new (env->device_dir);
  xuncha_sync_set_backoff (sync, 60 * 1000, 10 * 60 * 1000);
  xuncha_sync_set_max_attempts (sync, 5);
  xuncha_sync_run_async (sync, cancellable, on_sync_finished, &finished);

  /* The first try fails at once (nobody listens); the sync waits from then on. */
  for (guint i = 0; i < 500 && !seen && !finished.done; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      seen = has_thread_named ("xuncha-sync");
      if (!seen)
        g_usleep (10 * 1000);
    }
  g_assert_true (seen);
  g_assert_false (finished.done);

  g_cancellable_cancel (cancellable);
  while (!finished.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (finished.thread == g_thread_self ());
  g_assert_null (finished.result);
  g_assert_error (finished.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&finished.error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);

  g_test_add_func ("/sync/full", test_full_sync);
  g_test_add_func ("/sync/cli", test_cli_sync);
  g_test_add_func ("/sync/track/every-point", test_track_every_point);
  g_test_add_func ("/sync/track/live", test_track_live);
  g_test_add_func ("/sync/track/gap-not-acked", test_track_gap_not_acked);
  g_test_add_func ("/sync/track/gap-migrated", test_track_gap_migrated);
  g_test_add_func ("/sync/damaged-photo", test_missing_photo_file);
  g_test_add_func ("/sync/fault/drop", test_fault_drop);
  g_test_add_func ("/sync/fault/lost-ack-photo", test_fault_lost_ack_photo);
  g_test_add_func ("/sync/fault/lost-ack-report", test_fault_lost_ack_report);
  g_test_add_func ("/sync/fault/stall", test_fault_stall);
  g_test_add_func ("/sync/fault/reset", test_fault_reset);
  g_test_add_func ("/sync/fault/503-retry-after", test_fault_503);
  g_test_add_func ("/sync/fault/captive-portal", test_fault_captive);
  g_test_add_func ("/sync/server-restart", test_server_restart);
  g_test_add_func ("/sync/tls", test_tls);
  g_test_add_func ("/sync/authz", test_authz);
  g_test_add_func ("/sync/edit-then-send", test_edit_then_send);
  g_test_add_func ("/sync/edit-refused-while-sending", test_edit_refused_while_sending);
  g_test_add_func ("/sync/killed-while-sending", test_killed_while_sending);
  g_test_add_func ("/sync/officer/re-enrolled", test_officer_reenrolled);
  g_test_add_func ("/sync/concurrent/two-cli", test_concurrent_cli);
  g_test_add_func ("/sync/concurrent/engine-and-cli", test_concurrent_engine_and_cli);
  g_test_add_func ("/sync/own-thread", test_own_thread);

  return g_test_run ();
}
