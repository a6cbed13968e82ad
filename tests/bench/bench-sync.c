/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "xuncha-core.h"
#include "xuncha-fault-proxy.h"
#include "xuncha-store-private.h"
#include "xuncha-test-device.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* Sync over HTTPS on loopback against the curl command-line tool on one kept-alive
 * connection, to the same office. XUNCHA_BENCH_PHOTOS (default 30; 200 for the full run),
 * XUNCHA_BENCH_REPORTS (default 2000), XUNCHA_BENCH_SOAK (default 100; 500 for the full
 * run) scale it. */

static guint
env_count (const char *name,
           guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 100000, &n, NULL))
    return (guint)n;
  return fallback;
}

typedef struct
{
  XunchaTestCerts  *certs;
  char             *office_dir;
  XunchaTestOffice *office;
} Office;

static Office *
office_new (void)
{
  Office *o = g_new0 (Office, 1);

  o->certs = xuncha_test_certs ();
  if (o->certs == NULL)
    {
      g_free (o);
      return NULL;
    }
  o->office_dir = xuncha_test_make_tmpdir ();
  o->office = xuncha_test_office_start (o->office_dir, o->certs->server_cert,
                                        o->certs->server_key, 0);
  return o;
}

static void
office_free (Office *o)
{
  xuncha_test_office_free (o->office);
  xuncha_test_remove_tree (o->office_dir);
  g_free (o->office_dir);
  g_free (o);
}

static XunchaStore *
device_new (Office      *o,
            const char  *officer,
            char       **dir,
            char       **token)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = xuncha_test_office_add_officer (o->office_dir, officer, "T1", FALSE);
  XunchaCredentialsStore used;
  XunchaStore *store;

  *dir = xuncha_test_make_tmpdir ();
  xuncha_test_enroll (*dir, o->office->url, officer, code, o->certs->ca);
  store = xuncha_store_open (*dir, &error);
  g_assert_no_error (error);
  /* What a program does once at its start (categories, the outbox). */
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  /* Only the bench's own inserts: the sync engine keeps synchronous = FULL. */
  xuncha_store_exec (store, "PRAGMA synchronous = OFF", NULL);
  if (token != NULL)
    *token = xuncha_credentials_load (*dir, o->office->url, officer, &used, NULL);
  return store;
}

static double
timed_sync (const char        *device_dir,
            XunchaSyncResult **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = xuncha_sync_new (device_dir);
  gint64 start = g_get_monotonic_time ();
  XunchaSyncResult *result;

  xuncha_sync_set_backoff (sync, 20, 2000);
  xuncha_sync_set_max_attempts (sync, 8);
  xuncha_sync_set_low_speed (sync, 1024, 2);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  *out = result;
  return (g_get_monotonic_time () - start) / 1e6;
}

/* curl -K config: every upload on the one connection curl keeps alive. */
static double
timed_curl (Office      *o,
            const char  *token,
            GPtrArray   *files,
            GPtrArray   *paths)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *config_path = g_build_filename (dir, "curl.conf", NULL);
  GString *config = g_string_new (NULL);
  g_autofree char *config_text = NULL;
  g_autofree char *out = NULL, *err = NULL;
  gint64 start;
  int status;
  const char *argv[] = { "curl", "-K", config_path, NULL };

  g_string_append_printf (config, "silent\nshow-error\nfail\ncacert = \"%s\"\n"
                          "header = \"Authorization: Bearer %s\"\n", o->certs->ca, token);
  for (guint i = 0; i < files->len; i++)
    g_string_append_printf (config, "upload-file = \"%s\"\nurl = \"%s%s\"\n"
                            "output = \"/dev/null\"\n",
                            (const char *)files->pdata[i], o->office->url,
                            (const char *)paths->pdata[i]);
  config_text = g_string_free (config, FALSE);
  g_assert_true (g_file_set_contents (config_path, config_text, -1, NULL));
  start = g_get_monotonic_time ();
  status = xuncha_test_run (argv, &out, &err);
  if (status != 0)
    g_error ("curl failed (%d): %s", status, err);
  xuncha_test_remove_tree (dir);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_photos (void)
{
  guint n = env_count ("XUNCHA_BENCH_PHOTOS", 30);
  Office *o = office_new ();
  g_autofree char *device_dir = NULL, *curl_dir = NULL, *token = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStore) curl_store = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(XunchaSyncResult) result = NULL;
  guint64 bytes = 0;
  double t_curl, t_sync;

  if (o == NULL)
    return;
  store = device_new (o, "A001", &device_dir, NULL);
  curl_store = device_new (o, "B002", &curl_dir, &token);
  for (guint i = 0; i < n; i++)
    {
      gsize size = 2 * 1024 * 1024 + g_random_int_range (0, 2 * 1024 * 1024);
      g_autofree char *uuid = xuncha_test_device_add_report (store, 1, size);
      g_auto(GStrv) photos = xuncha_test_device_report_photos (store, uuid);
      g_autofree char *name = g_strconcat (photos[0], ".jpg", NULL);
      char *path = g_build_filename (device_dir, "photos", name, NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      bytes += st.st_size;
      g_ptr_array_add (files, path);
      g_ptr_array_add (paths, g_strconcat ("api/v1/photos/", photos[0], NULL));
    }

  /* The baseline first, then the office forgets the photos so the sync sends them all. */
  t_curl = timed_curl (o, token, files, paths);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *held = g_build_filename (o->office_dir, "photos",
                                                g_path_get_basename (files->pdata[i]), NULL);
      g_assert_cmpint (g_unlink (held), ==, 0);
    }
  t_sync = timed_sync (device_dir, &result);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpuint (result->sent, ==, 2 * n);

  printf ("BENCH sync_photos_time value=%.3f unit=s baseline=curl_cli_keepalive ratio=%.3f\n",
          t_sync, t_sync / t_curl);
  printf ("BENCH sync_photos_throughput value=%.1f unit=MB/s baseline=curl_cli_keepalive "
          "ratio=%.3f\n", bytes / t_sync / 1e6, t_curl / t_sync);
  g_test_message ("%u photos, %.1f MB: curl %.3f s, xuncha %.3f s", n, bytes / 1e6, t_curl,
                  t_sync);
  xuncha_test_remove_tree (device_dir);
  xuncha_test_remove_tree (curl_dir);
  office_free (o);
}

static void
bench_reports (void)
{
  guint n = env_count ("XUNCHA_BENCH_REPORTS", 2000);
  Office *o = office_new ();
  g_autofree char *device_dir = NULL, *curl_dir = NULL, *token = NULL, *json_dir = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStore) curl_store = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(XunchaSyncResult) result = NULL;
  double t_curl, t_sync;

  if (o == NULL)
    return;
  store = device_new (o, "A001", &device_dir, NULL);
  curl_store = device_new (o, "B002", &curl_dir, &token);
  json_dir = xuncha_test_make_tmpdir ();
  for (guint i = 0; i < n; i++)
    {
      g_free (xuncha_test_device_add_report (store, 0, 0));
      /* The baseline sends reports of the same shape under other ids. */
      {
        g_autofree char *uuid = xuncha_test_device_add_report (curl_store, 0, 0);
        g_autofree char *name = g_strconcat (uuid, ".json", NULL);
        g_autoptr(XunchaWireReport) report = xuncha_wire_report_new ();
        g_autofree char *body = NULL;
        char *path = g_build_filename (json_dir, name, NULL);

        report->uuid = g_strdup (uuid);
        report->created_at = g_strdup ("2024-05-01T08:30:00Z");
        report->category = g_strdup ("09006");
        report->note = g_strdup ("早市摊点");
        report->has_position = TRUE;
        report->lat = 30.655;
        report->lon = 104.065;
        report->accuracy = 6.5;
        report->position_source = g_strdup ("gps");
        report->disposition = g_strdup ("deadline");
        report->deadline = g_strdup ("2024-05-03");
        body = xuncha_wire_report_encode (report);
        g_assert_true (g_file_set_contents (path, body, -1, NULL));
        g_ptr_array_add (files, path);
        g_ptr_array_add (paths, g_strconcat ("api/v1/reports/", uuid, NULL));
      }
    }

  t_curl = timed_curl (o, token, files, paths);
  t_sync = timed_sync (device_dir, &result);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpuint (result->sent, ==, n);
  printf ("BENCH sync_reports_rate value=%.1f unit=reports/s baseline=curl_cli_keepalive "
          "ratio=%.3f\n", n / t_sync, t_curl / t_sync);
  g_test_message ("%u reports: curl %.3f s, xuncha %.3f s", n, t_curl, t_sync);
  xuncha_test_remove_tree (json_dir);
  xuncha_test_remove_tree (device_dir);
  xuncha_test_remove_tree (curl_dir);
  office_free (o);
}

static double
soak_run (guint     n,
          gboolean  faults,
          guint    *syncs,
          guint    *fired)
{
  Office *o = office_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(XunchaFaultProxy) proxy = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autofree char *device_dir = NULL, *url = NULL, *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *rows;
  double total = 0;

  store = device_new (o, "A001", &device_dir, NULL);
  for (guint i = 0; i < n; i++)
    g_free (xuncha_test_device_add_report (store, i % 5 == 0 ? 1 : 0, 48 * 1024));
  certificate = g_tls_certificate_new_from_files (o->certs->server_cert, o->certs->server_key,
                                                  &error);
  g_assert_no_error (error);
  proxy = xuncha_fault_proxy_new (o->office->port, certificate);
  if (faults)
    /* Every connection breaks somewhere in its first 100 kB, in one of five ways. */
    xuncha_fault_proxy_set_random (proxy, 20240501, 1.0, 100 * 1024);
  url = g_strdup_printf ("https://127.0.0.1:%u/", xuncha_fault_proxy_get_port (proxy));
  xuncha_store_set_meta (store, "sync.server", url, &error);
  g_assert_no_error (error);

  *syncs = 0;
  for (;;)
    {
      g_autoptr(XunchaSyncResult) result = NULL;

      total += timed_sync (device_dir, &result);
      (*syncs)++;
      g_assert_cmpuint (result->failed, ==, 0);
      if (xuncha_sync_result_is_complete (result))
        break;
      g_assert_cmpuint (*syncs, <, 200);
    }
  *fired = xuncha_fault_proxy_get_fired (proxy);

  /* Nothing lost, nothing doubled, every receipt the office's. */
  out = xuncha_test_office_admin (o->office_dir, "reports", "list", "--json", NULL);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "reports");
  g_assert_cmpuint (json_array_get_length (rows), ==, n);
  {
    g_autoptr(GHashTable) receipts = g_hash_table_new (g_str_hash, g_str_equal);
    sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                               "SELECT count(*) FROM outbox WHERE state = "
                                               "'acked' AND kind = 'report'", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, n);
    sqlite3_reset (stmt);
    for (guint i = 0; i < json_array_get_length (rows); i++)
      {
        JsonObject *row = json_array_get_object_element (rows, i);
        g_assert_true (g_hash_table_add (receipts,
                                         (gpointer)json_object_get_string_member (row, "receipt")));
        g_assert_cmpint (json_object_get_int_member (row, "conflicts"), ==, 0);
      }
  }
  xuncha_fault_proxy_free (g_steal_pointer (&proxy));
  xuncha_test_remove_tree (device_dir);
  office_free (o);
  return total;
}

static void
bench_soak (void)
{
  guint n = env_count ("XUNCHA_BENCH_SOAK", 100);
  guint syncs_clean, syncs_faulty, fired_clean, fired;
  double t_clean, t_faulty;

  if (xuncha_test_certs () == NULL)
    return;
  t_clean = soak_run (n, FALSE, &syncs_clean, &fired_clean);
  t_faulty = soak_run (n, TRUE, &syncs_faulty, &fired);
  g_assert_cmpuint (fired, >, 0);
  printf ("BENCH sync_soak_time value=%.3f unit=s baseline=no_faults ratio=%.3f\n", t_faulty,
          t_faulty / t_clean);
  printf ("BENCH sync_soak_syncs value=%u unit=syncs baseline=no_faults ratio=%.3f\n",
          syncs_faulty, (double)syncs_faulty / syncs_clean);
  g_test_message ("%u reports through %u faults in %u syncs: nothing lost, nothing doubled", n,
                  fired, syncs_faulty);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);

  g_test_add_func ("/bench/sync/photos", bench_photos);
  g_test_add_func ("/bench/sync/reports", bench_reports);
  g_test_add_func ("/bench/sync/soak", bench_soak);
  return g_test_run ();
}
