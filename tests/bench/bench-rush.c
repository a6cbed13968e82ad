/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xuncha-core.h"
#include "xuncha-test-haproxy.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#ifdef XUNCHA_TEST_HAVE_POSTGRES
#include "xuncha-test-postgres.h"
#endif
#include "bench-rush-load.h"

/* The shift-change rush (issue 15): N devices come back to the office at once and sync a
 * shift each: 20 reports, 20 photos of about 300 KB, 2,000 track points, all starting
 * within 10 s. Run against each office configuration of the table below, in one run;
 * after each, exactly-once is checked (counts and photo hashes) and a mismatch fails the
 * benchmark. Then the latency of photo HEADs while a 100,000-report export runs.
 *
 * XUNCHA_BENCH_RUSH_DEVICES (default 200), XUNCHA_BENCH_RUSH_CONFIGS (default "a,b,c,d"),
 * XUNCHA_BENCH_RUSH_EXPORT_REPORTS (default 100000; 0 skips the export part). */

typedef enum
{
  RUSH_SQLITE,
  RUSH_POSTGRES,
} RushDatabase;

/* How one configuration's office runs. A configuration whose options the office refuses
 * (a flag not built yet) or whose database cannot be had is skipped, saying why. */
typedef struct
{
  const char   *name;
  const char   *what;
  const char   *args[4];     /* more `serve` options */
  guint         processes;   /* office processes on the same store */
  gboolean      haproxy;     /* behind HAProxy (TCP mode) */
  RushDatabase  database;
} RushConfig;

static const RushConfig configs[] = {
  { "a", "one thread, SQLite (the baseline)", { "--workers", "0", NULL }, 1, FALSE,
    RUSH_SQLITE },
  { "b", "a worker pool on SQLite", { "--workers", "8", NULL }, 1, FALSE, RUSH_SQLITE },
  { "c", "a worker pool on PostgreSQL", { "--workers", "8", NULL }, 1, FALSE, RUSH_POSTGRES },
  { "d", "two processes on PostgreSQL behind HAProxy", { "--workers", "8", NULL }, 2, TRUE,
    RUSH_POSTGRES },
};

/* Where a configuration keeps its records and photos. */
typedef struct
{
  char *dir;                 /* --data-dir: the photos, and office.db on SQLite */
  char *conninfo;            /* --database, or NULL */
} RushStore;

typedef struct
{
  const RushConfig  *config;
  RushStore          store;
  XunchaTestOffice  *offices[2];
  XunchaTestHaproxy *haproxy;
  const char        *url;
} RushOffice;

/* Shared by all configurations: the devices (their photos made once) and the baseline. */
static RushMaterial material;
static GPtrArray *devices;
static guint n_devices;
static GHashTable *baseline;   /* "total" … → (a)'s value, boxed double */
static RushStore export_stores[2];
static char *export_token[2];

static guint
env_count (const char *name,
           guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, 10000000, &n, NULL))
    return (guint)n;
  return fallback;
}

static void
bench_line (const RushConfig *config,
            const char       *metric,
            double            value,
            const char       *unit)
{
  double *base;

  if (g_str_equal (config->name, "a"))
    {
      double *copy = g_new (double, 1);
      *copy = value;
      g_hash_table_replace (baseline, g_strdup (metric), copy);
    }
  base = g_hash_table_lookup (baseline, metric);
  /* No errors against none is a ratio of 1. */
  printf ("BENCH rush-%s-%s value=%.3f unit=%s baseline=rush-a-%s ratio=%.3f\n", config->name,
          metric, value, unit, metric,
          base == NULL ? NAN : *base != 0 ? value / *base : value == 0 ? 1.0 : NAN);
  fflush (stdout);
}

/* The PostgreSQL hook: a fresh database of the throwaway test cluster. */
static char *
postgres_database (GError **error)
{
#ifdef XUNCHA_TEST_HAVE_POSTGRES
  if (!xuncha_test_postgres_require ())
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "PostgreSQL 15 with PostGIS 3 is not installed");
      return NULL;
    }
  return xuncha_test_postgres_new_database (error);
#else
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "the PostgreSQL test cluster (tests/xuncha-test-postgres.c) is not "
                       "built yet");
  return NULL;
#endif
}

static gboolean
store_init (RushStore          *store,
            RushDatabase        database,
            GError            **error)
{
  store->dir = xuncha_test_make_tmpdir ();
  if (database == RUSH_POSTGRES)
    {
      store->conninfo = postgres_database (error);
      if (store->conninfo == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
store_clear (RushStore *store)
{
  if (store->dir != NULL)
    xuncha_test_remove_tree (store->dir);
  g_clear_pointer (&store->dir, g_free);
  g_clear_pointer (&store->conninfo, g_free);
}

/* `serve` options of @config on @store. */
static GStrv
serve_args (const RushConfig *config,
            const RushStore  *store)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_addv (builder, (const char **)config->args);
  if (store->conninfo != NULL)
    {
      g_strv_builder_add (builder, "--database");
      g_strv_builder_add (builder, store->conninfo);
    }
  return g_strv_builder_end (builder);
}

/* An admin command on @store; NULL (and @error) when it fails. */
static char *
admin (const RushStore *store,
       GError         **error,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_OFFICE"));
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, store->dir);
  if (store->conninfo != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--database");
      g_ptr_array_add (argv, store->conninfo);
    }
  g_ptr_array_add (argv, NULL);
  if (xuncha_test_run ((const char * const *)argv->pdata, &out, &err) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "xuncha-office %s: %s",
                   (const char *)argv->pdata[1], err);
      g_clear_pointer (&out, g_free);
    }
  return out;
}

/* Does the office take @config's options? Starts it once on a scratch folder: it either
 * listens, or says on its standard error why not. */
static gboolean
office_takes (const RushConfig *config,
              const RushStore  *store,
              char            **why)
{
  g_auto(GStrv) args = serve_args (config, store);
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) office = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  gboolean takes;

  if (args[0] == NULL)
    return TRUE;
  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_OFFICE"));
  g_ptr_array_add (argv, (gpointer)"serve");
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, (gpointer)"--listen");
  g_ptr_array_add (argv, (gpointer)"127.0.0.1:0");
  g_ptr_array_add (argv, (gpointer)"--tls-cert");
  g_ptr_array_add (argv, certs->server_cert);
  g_ptr_array_add (argv, (gpointer)"--tls-key");
  g_ptr_array_add (argv, certs->server_key);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);
  office = g_subprocess_newv ((const char * const *)argv->pdata,
                              G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (office));
  line = g_data_input_stream_read_line (lines, NULL, NULL, NULL);
  takes = line != NULL && g_str_has_prefix (line, "Listening on ");
  if (takes)
    g_subprocess_send_signal (office, SIGTERM);
  else
    {
      g_autoptr(GDataInputStream) err = g_data_input_stream_new (
        g_subprocess_get_stderr_pipe (office));
      g_autofree char *said = g_data_input_stream_read_upto (err, "", 0, NULL, NULL, NULL);
      g_autofree char *options = g_strjoinv (" ", args);

      *why = g_strdup_printf ("the office refuses %s: %s", options,
                              said != NULL ? g_strstrip (said) : "(nothing said)");
    }
  g_subprocess_wait (office, NULL, NULL);
  xuncha_test_remove_tree (dir);
  return takes;
}

static void
office_stop (RushOffice *o)
{
  g_clear_pointer (&o->haproxy, xuncha_test_haproxy_free);
  for (guint i = 0; i < G_N_ELEMENTS (o->offices); i++)
    g_clear_pointer (&o->offices[i], xuncha_test_office_free);
}

static void
office_start (RushOffice       *o,
              const RushConfig *config,
              const RushStore  *store)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_auto(GStrv) args = serve_args (config, store);
  guint16 ports[G_N_ELEMENTS (o->offices)];

  o->config = config;
  for (guint i = 0; i < config->processes; i++)
    {
      g_autofree char *log = g_strdup_printf ("%s/office-%s-%u.log", store->dir,
                                              config->name, i);

      o->offices[i] = xuncha_test_office_start_full (store->dir, certs->server_cert,
                                                     certs->server_key, 0,
                                                     (const char * const *)args, log);
      ports[i] = o->offices[i]->port;
    }
  o->url = o->offices[0]->url;
  if (config->haproxy)
    {
      o->haproxy = xuncha_test_haproxy_start (ports, config->processes);
      o->url = o->haproxy->url;
    }
}

/* Peak resident memory (VmHWM) of the office's biggest process, in MB. */
static double
office_peak_mb (RushOffice *o)
{
  double peak = 0;

  for (guint i = 0; i < G_N_ELEMENTS (o->offices); i++)
    {
      g_autofree char *path = NULL, *status = NULL;
      const char *hwm;

      if (o->offices[i] == NULL)
        continue;
      path = g_strdup_printf ("/proc/%d/status", o->offices[i]->pid);
      if (!g_file_get_contents (path, &status, NULL, NULL)
          || (hwm = strstr (status, "VmHWM:")) == NULL)
        continue;
      peak = MAX (peak, g_ascii_strtod (hwm + 6, NULL) / 1024.0);
    }
  return peak;
}

/* The CPU time the office's processes have used so far, in seconds (user and system). */
static double
office_cpu_s (RushOffice *o)
{
  double total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (o->offices); i++)
    {
      g_autofree char *path = NULL, *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after;

      if (o->offices[i] == NULL)
        continue;
      path = g_strdup_printf ("/proc/%d/stat", o->offices[i]->pid);
      /* The fields after the command's name, which may hold spaces: utime and stime are
       * the 12th and 13th of them. */
      if (!g_file_get_contents (path, &stat, NULL, NULL)
          || (after = strrchr (stat, ')')) == NULL)
        continue;
      fields = g_strsplit (after + 2, " ", 0);
      if (g_strv_length (fields) < 13)
        continue;
      total += (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
               / (double)sysconf (_SC_CLK_TCK);
    }
  return total;
}

/* Adds one officer per device; returns their one-time codes. */
static GStrv
add_officers (const RushStore  *store,
              GPtrArray        *who,
              GError          **error)
{
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();

  for (guint i = 0; i < who->len; i++)
    {
      RushDevice *d = who->pdata[i];
      g_autofree char *name = g_strdup_printf ("Officer %s", d->officer);
      g_autofree char *team = g_strdup_printf ("T%u", d->number / 10);
      g_autofree char *out = admin (store, error, "officer", "add", d->officer, "--name", name,
                                    "--team", team, NULL);
      g_auto(GStrv) lines = NULL;

      if (out == NULL)
        return NULL;
      lines = g_strsplit (g_strstrip (out), "\n", -1);
      g_strv_builder_add (codes, lines[g_strv_length (lines) - 1]);
    }
  return g_strv_builder_end (codes);
}

/* Every file under @dir named by a SHA-256 (the store may shard it into folders) must
 * hash to its name; adds the names to @seen (FALSE at a mismatch or a second copy). */
static gboolean
photo_files (const char *dir,
             GHashTable *seen,
             GString    *why)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean ok = TRUE;

  if (folder == NULL)
    return TRUE;
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *expected = g_strndup (name, 64);
      g_autoptr(GMappedFile) file = NULL;
      g_autofree char *sha = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          ok = photo_files (path, seen, why) && ok;
          continue;
        }
      if (!xuncha_protocol_is_sha256 (expected) || strchr (name, '.') != name + 64)
        continue;
      file = g_mapped_file_new (path, FALSE, NULL);
      if (file == NULL)
        {
          g_string_append_printf (why, "photo %s unreadable; ", name);
          ok = FALSE;
          continue;
        }
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                         (const guint8 *)g_mapped_file_get_contents (file),
                                         g_mapped_file_get_length (file));
      if (!g_str_equal (sha, expected))
        {
          g_string_append_printf (why, "photo %s hashes to %s; ", name, sha);
          ok = FALSE;
        }
      else if (!g_hash_table_add (seen, g_steal_pointer (&sha)))
        {
          g_string_append_printf (why, "photo %s held twice; ", name);
          ok = FALSE;
        }
    }
  return ok;
}

static gint64
count_rows (const RushStore *store,
            const char      *sql,
            GString         *why)
{
  gint64 n = -1;

  if (store->conninfo != NULL)
    {
      const char *argv[] = { "psql", "-X", "-At", "-d", store->conninfo, "-c", sql, NULL };
      g_autofree char *out = NULL, *err = NULL;

      if (xuncha_test_run (argv, &out, &err) == 0)
        n = g_ascii_strtoll (out, NULL, 10);
      else
        g_string_append_printf (why, "psql: %s; ", err);
    }
  else
    {
      g_autofree char *path = g_build_filename (store->dir, "office.db", NULL);
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
          && sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK
          && sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
      else
        g_string_append_printf (why, "%s: %s; ", sql, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return n;
}

/* The office holds exactly what the devices sent: N×20 reports (each once, no conflict),
 * N shifts, N×2,000 points, N×20 photos whose files hash to their names. */
static gboolean
exactly_once (const RushStore *store,
              GString         *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = admin (store, &error, "reports", "list", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) photos = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *photo_dir = g_build_filename (store->dir, "photos", NULL);
  guint n_reports = n_devices * RUSH_REPORTS_PER_DEVICE;
  gint64 shifts, points;
  JsonArray *rows;

  for (guint i = 0; i < devices->len; i++)
    {
      RushDevice *d = devices->pdata[i];

      for (guint r = 0; r < RUSH_REPORTS_PER_DEVICE; r++)
        g_hash_table_add (expected, d->reports[r]);
      for (guint p = 0; p < RUSH_PHOTOS_PER_DEVICE; p++)
        g_hash_table_add (photos, d->photos[p]);
      if (d->points_held != RUSH_POINTS_PER_SHIFT)
        g_string_append_printf (why, "device %u: the office answered %" G_GINT64_FORMAT
                                " points; ", d->number, d->points_held);
    }

  if (out == NULL || !json_parser_load_from_data (parser, out, -1, NULL))
    {
      g_string_append_printf (why, "reports list: %s; ", error != NULL ? error->message : out);
      return FALSE;
    }
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "reports");
  if (json_array_get_length (rows) != n_reports)
    g_string_append_printf (why, "%u reports, not %u; ", json_array_get_length (rows),
                            n_reports);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *uuid = json_object_get_string_member (row, "uuid");

      if (!g_hash_table_remove (expected, uuid))
        g_string_append_printf (why, "report %s unknown or twice; ", uuid);
      if (json_object_get_int_member (row, "conflicts") != 0)
        g_string_append_printf (why, "report %s has a conflict; ", uuid);
    }
  if (g_hash_table_size (expected) != 0)
    g_string_append_printf (why, "%u reports missing; ", g_hash_table_size (expected));

  shifts = count_rows (store, "SELECT count(*) FROM shifts", why);
  points = count_rows (store, "SELECT count(*) FROM track_points", why);
  if (shifts != n_devices)
    g_string_append_printf (why, "%" G_GINT64_FORMAT " shifts, not %u; ", shifts, n_devices);
  if (points != (gint64)n_devices * RUSH_POINTS_PER_SHIFT)
    g_string_append_printf (why, "%" G_GINT64_FORMAT " points, not %u; ", points,
                            n_devices * RUSH_POINTS_PER_SHIFT);

  photo_files (photo_dir, held, why);
  if (g_hash_table_size (held) != g_hash_table_size (photos))
    g_string_append_printf (why, "%u photos held, not %u; ", g_hash_table_size (held),
                            g_hash_table_size (photos));
  {
    GHashTableIter iter;
    gpointer sha;

    g_hash_table_iter_init (&iter, photos);
    while (g_hash_table_iter_next (&iter, &sha, NULL))
      if (!g_hash_table_contains (held, sha))
        {
          g_string_append_printf (why, "photo %s missing; ", (const char *)sha);
          break;
        }
  }
  return why->len == 0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank = (guint)ceil (p / 100.0 * sorted->len);

  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

typedef struct
{
  GPid pid;
  int  status;
  gboolean done;
} Export;

static gboolean
export_running (gpointer data)
{
  Export *e = data;

  if (!e->done && waitpid (e->pid, &e->status, WNOHANG) == e->pid)
    {
      e->done = TRUE;
      g_spawn_close_pid (e->pid);
    }
  return !e->done;
}

/* An office of the configuration's database with a 100,000-report history (made once per
 * database, over the protocol, outside the timed part), and the photos of one device. */
static gboolean
export_store (const RushConfig  *config,
              guint              n_reports,
              GError           **error)
{
  RushStore *store = &export_stores[config->database];
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  RushOffice office = { 0 };
  RushStats stats = { 0 };
  g_auto(GStrv) codes = NULL;
  RushDevice *d = devices->pdata[0];
  g_autofree char *saved_token = g_steal_pointer (&d->token);
  gint64 start;
  gboolean ok;

  if (store->dir != NULL)
    return TRUE;
  if (!store_init (store, config->database, error))
    return FALSE;
  office_start (&office, config, store);
  g_ptr_array_add (one, d);
  codes = add_officers (store, one, error);
  ok = codes != NULL && rush_enroll (office.url, xuncha_test_certs ()->ca, one, codes, error);
  if (ok)
    {
      d->start_s = 0;
      rush_run (office.url, xuncha_test_certs ()->ca, &material, one, &stats);
      ok = stats.errors == 0;
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", stats.first_error);
    }
  start = g_get_monotonic_time ();
  ok = ok && rush_fill_reports (office.url, xuncha_test_certs ()->ca, d, n_reports, 16, error);
  if (ok)
    g_test_message ("%u reports filled in %.1f s", n_reports,
                    (g_get_monotonic_time () - start) / 1e6);
  export_token[config->database] = g_steal_pointer (&d->token);
  d->token = g_steal_pointer (&saved_token);
  rush_stats_clear (&stats);
  office_stop (&office);
  return ok;
}

static void
bench_export_head (const RushConfig *config,
                   guint             n_reports)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) latencies = NULL;
  RushOffice office = { 0 };
  RushStore *store;
  RushDevice *d = devices->pdata[0];
  Export export = { 0 };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  gint64 start;

  if (!export_store (config, n_reports, &error))
    {
      g_test_message ("rush-%s: the export store failed: %s", config->name, error->message);
      g_test_fail ();
      return;
    }
  store = &export_stores[config->database];
  office_start (&office, config, store);

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_OFFICE"));
  g_ptr_array_add (argv, (gpointer)"reports");
  g_ptr_array_add (argv, (gpointer)"export");
  g_ptr_array_add (argv, (gpointer)"--format");
  g_ptr_array_add (argv, (gpointer)"csv");
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, store->dir);
  if (store->conninfo != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--database");
      g_ptr_array_add (argv, store->conninfo);
    }
  g_ptr_array_add (argv, NULL);
  start = g_get_monotonic_time ();
  g_assert_true (g_spawn_async (NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                NULL, &export.pid, NULL));
  latencies = rush_head_while (office.url, xuncha_test_certs ()->ca,
                               export_token[config->database], d->photos,
                               RUSH_PHOTOS_PER_DEVICE, 20, export_running,
                               &export, &error);
  while (export_running (&export))
    g_usleep (10000);
  if (latencies == NULL || !g_spawn_check_wait_status (export.status, NULL))
    {
      g_test_message ("rush-%s: %s", config->name,
                      error != NULL ? error->message : "the export failed");
      g_test_fail ();
    }
  else
    {
      g_array_sort (latencies, compare_double);
      bench_line (config, "head-p99", percentile (latencies, 99), "ms");
      g_test_message ("rush-%s: %u HEADs during a %.1f s export of %u reports (p50 %.1f ms)",
                      config->name, latencies->len, (g_get_monotonic_time () - start) / 1e6,
                      n_reports + RUSH_REPORTS_PER_DEVICE, percentile (latencies, 50));
    }
  office_stop (&office);
}

static void
bench_config (gconstpointer data)
{
  const RushConfig *config = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GString) why = g_string_new (NULL);
  g_autofree char *skip = NULL;
  g_auto(GStrv) codes = NULL;
  RushOffice office = { 0 };
  RushStore store = { 0 };
  RushStats stats = { 0 };
  GRand *rand = g_rand_new_with_seed (15);
  guint n_export = env_count ("XUNCHA_BENCH_RUSH_EXPORT_REPORTS", 100000);
  double peak, cpu;

  if (xuncha_test_certs () == NULL)
    return;
  if (config->haproxy && xuncha_test_haproxy_require () == NULL)
    return;
  if (!store_init (&store, config->database, &error))
    {
      g_test_skip (error->message);
      store_clear (&store);
      return;
    }
  if (!office_takes (config, &store, &skip))
    {
      g_test_skip (skip);
      store_clear (&store);
      return;
    }

  /* Outside the timed part: the officers, and each device enrolled over HTTPS. */
  office_start (&office, config, &store);
  codes = add_officers (&store, devices, &error);
  g_assert_no_error (error);
  g_assert_true (rush_enroll (office.url, xuncha_test_certs ()->ca, devices, codes, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    {
      RushDevice *d = devices->pdata[i];

      d->start_s = g_rand_double_range (rand, 0, 10);
      d->done_s = 0;
      d->points_held = 0;
      d->failed = FALSE;
    }
  g_rand_free (rand);

  cpu = office_cpu_s (&office);
  rush_run (office.url, xuncha_test_certs ()->ca, &material, devices, &stats);
  cpu = office_cpu_s (&office) - cpu;
  peak = office_peak_mb (&office);
  for (guint i = 0; i < devices->len; i++)
    {
      RushDevice *d = devices->pdata[i];
      double t = d->done_s - d->start_s;

      if (!d->failed)
        g_array_append_val (times, t);
    }
  g_array_sort (times, compare_double);

  bench_line (config, "total", stats.total_s, "s");
  if (times->len > 0)
    {
      bench_line (config, "p50", percentile (times, 50), "s");
      bench_line (config, "p99", percentile (times, 99), "s");
    }
  bench_line (config, "rps", stats.requests / stats.total_s, "requests/s");
  bench_line (config, "errors", (double)stats.errors, "errors");
  bench_line (config, "office-rss", peak, "MB");
  /* What a city's hardware is sized by: the office's own CPU for the rush, apart from the
   * load generator, PostgreSQL and HAProxy that share this machine's cores. */
  bench_line (config, "office-cpu", cpu, "s");
  g_test_message ("rush-%s (%s): %u devices, %" G_GUINT64_FORMAT " requests, %"
                  G_GUINT64_FORMAT " retries, %.0f MB sent", config->name, config->what,
                  n_devices, stats.requests, stats.retries, stats.bytes_up / 1e6);
  if (stats.errors > 0)
    {
      g_test_message ("rush-%s: %" G_GUINT64_FORMAT " errors, the first: %s", config->name,
                      stats.errors, stats.first_error);
      g_test_fail ();
    }
  office_stop (&office);

  if (!exactly_once (&store, why))
    {
      g_test_message ("rush-%s: exactly-once does not hold: %s", config->name, why->str);
      g_test_fail ();
    }
  else
    g_test_message ("rush-%s: exactly-once holds", config->name);
  rush_stats_clear (&stats);
  store_clear (&store);

  if (n_export > 0)
    bench_export_head (config, n_export);
}

/* Real JPEGs of 64 to 300 KB from the shared test data (the fixture without it) and a
 * real GPS log. */
static gboolean
material_load (void)
{
  g_autofree char *photos = xuncha_test_testdata_path ("photos");
  g_autofree char *track = xuncha_test_testdata_path ("tracks/gothenburg_walk_mtk_logger.gpx");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fixes = NULL;

  material.bases = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  material.photo_bytes = 300 * 1024;
  if (photos != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (photos, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".jpg") && strstr (name, "corrupt") == NULL
            && strstr (name, "no_image") == NULL)
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (photos, names->pdata[i], NULL);
          g_autofree char *data = NULL;
          gsize length;

          if (g_file_get_contents (path, &data, &length, NULL) && length >= 64 * 1024
              && length <= material.photo_bytes)
            g_ptr_array_add (material.bases, g_bytes_new_take (g_steal_pointer (&data), length));
        }
    }
  else
    g_test_message ("No shared test data: the fixture photo and walk stand in");
  if (material.bases->len == 0)
    {
      g_autofree char *path = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
      g_autofree char *data = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      g_ptr_array_add (material.bases, g_bytes_new_take (g_steal_pointer (&data), length));
    }
  if (track == NULL)
    track = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  fixes = xuncha_track_file_load (track, NULL, &error);
  g_assert_no_error (error);
  material.track = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  /* Positions the protocol takes: a fix marked "no fix" has no usable position. */
  for (guint i = 0; i < fixes->len; i++)
    {
      XunchaFix *fix = &g_array_index (fixes, XunchaFix, i);

      if (isfinite (fix->lat) && isfinite (fix->lon) && !isinf (fix->accuracy))
        g_array_append_val (material.track, *fix);
    }
  g_assert_cmpuint (material.track->len, >, 1);
  return TRUE;
}

/* The devices and their photos' names: the same in every configuration (each has an
 * office of its own). */
static void
devices_make (void)
{
  gint64 start = g_get_monotonic_time ();

  devices = g_ptr_array_new_with_free_func ((GDestroyNotify)rush_device_free);
  for (guint i = 0; i < n_devices; i++)
    {
      RushDevice *d = g_new0 (RushDevice, 1);

      d->number = i;
      d->officer = g_strdup_printf ("R%04u", i);
      d->shift_uuid = g_uuid_string_random ();
      for (guint r = 0; r < RUSH_REPORTS_PER_DEVICE; r++)
        d->reports[r] = g_uuid_string_random ();
      for (guint p = 0; p < RUSH_PHOTOS_PER_DEVICE; p++)
        {
          char sha[65];

          g_bytes_unref (rush_photo_build (&material, i, p, sha));
          d->photos[p] = g_strdup (sha);
        }
      g_ptr_array_add (devices, d);
    }
  g_test_message ("%u devices, %u photos made in %.1f s from %u real JPEGs", n_devices,
                  n_devices * RUSH_PHOTOS_PER_DEVICE,
                  (g_get_monotonic_time () - start) / 1e6, material.bases->len);
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) wanted = g_strsplit (g_getenv ("XUNCHA_BENCH_RUSH_CONFIGS") != NULL
                                     ? g_getenv ("XUNCHA_BENCH_RUSH_CONFIGS") : "a,b,c,d",
                                     ",", -1);
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  n_devices = MAX (env_count ("XUNCHA_BENCH_RUSH_DEVICES", 200), 1);
  baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  material_load ();
  devices_make ();

  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    if (g_strv_contains ((const char * const *)wanted, configs[i].name))
      {
        g_autofree char *path = g_strdup_printf ("/bench/rush/%s", configs[i].name);
        g_test_add_data_func (path, &configs[i], bench_config);
      }
  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (export_stores); i++)
    {
      store_clear (&export_stores[i]);
      g_free (export_token[i]);
    }
  g_ptr_array_unref (devices);
  g_ptr_array_unref (material.bases);
  g_array_unref (material.track);
  g_hash_table_unref (baseline);
  curl_global_cleanup ();
  return status;
}
