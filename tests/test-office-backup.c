/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-device.h"
#include "xuncha-test-office.h"
#if HAVE_POSTGRESQL
#include "xuncha-test-postgres.h"
#endif
#include "xuncha-test-util.h"

/* xuncha-office backup and restore, run as an administrator runs them, on the real office
 * over HTTPS and a real device: a backup taken while the office runs, restored into a new
 * folder (and with XUNCHA_TEST_BACKEND=postgresql, through pg_dump and pg_restore into a
 * second database), an office started on it that the device goes on syncing with; and
 * backups that are damaged or hostile, which change nothing. */

static gboolean
on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("XUNCHA_TEST_BACKEND"), "postgresql") == 0;
}

/* FALSE, the test skipped with the reason, when the records belong in PostgreSQL and its
 * throwaway cluster cannot run here. */
static gboolean
backend_ready (void)
{
  if (!on_postgresql ())
    return TRUE;
#if HAVE_POSTGRESQL
  return xuncha_test_postgres_require ();
#else
  g_test_skip ("this build has no libpq (-Dpostgresql=disabled): no PostgreSQL backup");
  return FALSE;
#endif
}

static void
backup_ok (const char *data_dir,
           const char *file,
           const char *option)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *tmp = g_strconcat (file, ".tmp", NULL);

  if (xuncha_test_office_run (data_dir, &out, &err, "backup", "--out", file, option,
                              NULL) != 0)
    g_error ("backup failed: %s%s", out, err);
  g_assert_nonnull (strstr (out, "Backup written to"));
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

static char *
restore_ok (const char *data_dir,
            const char *file,
            const char *option)
{
  char *out = NULL;
  g_autofree char *err = NULL;

  if (xuncha_test_office_run (data_dir, &out, &err, "restore", "--from", file, option,
                              NULL) != 0)
    g_error ("restore failed: %s%s", out, err);
  return out;
}

/* A restore that must be refused: exit 1, the message (standard error) returned. */
static char *
restore_refused (const char *data_dir,
                 const char *file,
                 const char *option)
{
  g_autofree char *out = NULL;
  char *err = NULL;

  g_assert_cmpint (xuncha_test_office_run (data_dir, &out, &err, "restore", "--from", file,
                                           option, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  return err;
}

static char *
run_cli (const char *device_dir,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, (gpointer)device_dir);
  va_start (args, device_dir);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  if (xuncha_test_run ((const char * const *)argv->pdata, &out, &err) != 0)
    g_error ("xuncha-cli %s failed: %s%s", (const char *)argv->pdata[3], out, err);
  return out;
}

/* A real photo of the shared test data (the self-made fixture where it is absent). */
static char *
photo_file (guint i)
{
  static const char * const names[] = {
    "photos/mei_HTC_Desire.jpg", "photos/es_Nikon_P6000_DSCN0010.jpg",
    "photos/mei_Apple_iPhone_4.jpg", "photos/es_xmp_before_exif.jpg",
    "photos/mei_Sony_DSC-HX5V.jpg", "photos/mei_Kodak_DC240_nogps.jpg",
  };
  char *path = xuncha_test_testdata_path (names[i % G_N_ELEMENTS (names)]);

  return path != NULL ? path : xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
}

/* A report with a real photo, saved on the device; its uuid. */
static char *
add_report (const char *device_dir,
            guint       i)
{
  g_autofree char *photo = photo_file (i);
  g_autofree char *note = g_strdup_printf ("report %u", i);
  char *out = run_cli (device_dir, "report", "add", "--category", "09009", "--photo", photo,
                       "--lat", "31.2304", "--lon", "121.4737", "--field", "plate=沪A12345",
                       "--note", note, NULL);

  return g_strstrip (out);
}

static gint64
office_count (const char *data_dir,
              const char *sql)
{
  g_autofree char *value = xuncha_test_office_query (data_dir, sql, NULL);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The photos of the folder: "SHA256.jpg SIZE MTIME_NS MODE" lines, sorted. */
static char *
photo_listing (const char *data_dir)
{
  g_autofree char *photos = g_build_filename (data_dir, "photos", NULL);
  g_autoptr(GDir) dir = g_dir_open (photos, 0, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *text = g_string_new (NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (photos, name, NULL);
      struct stat st;

      if (!g_str_has_suffix (name, ".jpg"))
        continue;
      g_assert_cmpint (stat (path, &st), ==, 0);
      g_ptr_array_add (lines, g_strdup_printf ("%s %lld %lld.%09ld %o", name,
                                               (long long)st.st_size,
                                               (long long)st.st_mtim.tv_sec,
                                               st.st_mtim.tv_nsec, st.st_mode & 07777));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (const char *)lines->pdata[i]);
  return g_string_free (text, FALSE);
}

static guint
photo_count (const char *data_dir)
{
  g_autofree char *listing = photo_listing (data_dir);
  guint n = 0;

  for (const char *p = listing; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Everything in @dir (names, modes, sizes, times, contents' SHA-256), for "nothing
 * changed". */
static void
tree_state_into (GString    *state,
                 const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    {
      g_string_append_printf (state, "%s absent\n", dir);
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      struct stat st;

      g_assert_cmpint (lstat (path, &st), ==, 0);
      g_string_append_printf (state, "%s %o %lld %lld.%09ld", path, st.st_mode,
                              (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                              st.st_mtim.tv_nsec);
      if (S_ISDIR (st.st_mode))
        {
          g_string_append_c (state, '\n');
          tree_state_into (state, path);
        }
      else
        {
          g_autofree char *data = NULL;
          gsize length = 0;
          g_autofree char *sha = NULL;

          g_assert_true (g_file_get_contents (path, &data, &length, NULL));
          sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
          g_string_append_printf (state, " %s\n", sha);
        }
    }
}

/* What an office folder holds, its records included (on PostgreSQL, its database's). */
static char *
office_state (const char *data_dir)
{
  GString *state = g_string_new (NULL);

  tree_state_into (state, data_dir);
  if (on_postgresql ())
    {
      g_autofree char *tables =
        xuncha_test_office_query (data_dir,
                                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename <> 'spatial_ref_sys'", NULL);

      g_string_append_printf (state, "tables %s\n", tables);
      if (g_strcmp0 (tables, "0") != 0)
        {
          static const char * const sql[] = {
            "SELECT string_agg (id, ',' ORDER BY id) FROM officers",
            "SELECT string_agg (uuid, ',' ORDER BY uuid) FROM reports",
            "SELECT string_agg (uuid, ',' ORDER BY uuid) FROM shifts",
            "SELECT count(*) FROM track_points",
            "SELECT count(*) FROM tokens",
          };

          for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
            {
              g_autofree char *value = xuncha_test_office_query (data_dir, sql[i], NULL);

              g_string_append_printf (state, "%s: %s\n", sql[i], value);
            }
        }
    }
  return g_string_free (state, FALSE);
}

static void
assert_state (const char *data_dir,
              const char *expected)
{
  g_autofree char *state = office_state (data_dir);

  g_assert_cmpstr (state, ==, expected);
}

/* Every folder under @dir is 0700 and every file 0600. */
static void
assert_private_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  struct stat st;

  g_assert_nonnull (d);
  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (lstat (path, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        assert_private_tree (path);
      else
        {
          if ((st.st_mode & 07777) != 0600)
            g_error ("%s has mode %04o, not 0600", path, st.st_mode & 07777);
        }
    }
}

/* The office's counts that a backup must carry over exactly. */
typedef struct
{
  gint64 officers, tokens, reports, photo_links, shifts, points;
  guint  photos;
} Counts;

static void
counts_of (const char *data_dir,
           Counts     *counts)
{
  counts->officers = office_count (data_dir, "SELECT count(*) FROM officers");
  counts->tokens = office_count (data_dir, "SELECT count(*) FROM tokens");
  counts->reports = office_count (data_dir, "SELECT count(*) FROM reports");
  counts->photo_links = office_count (data_dir, "SELECT count(*) FROM report_photos");
  counts->shifts = office_count (data_dir, "SELECT count(*) FROM shifts");
  counts->points = office_count (data_dir, "SELECT count(*) FROM track_points");
  counts->photos = photo_count (data_dir);
}

static void
assert_counts_equal (const Counts *a,
                     const Counts *b)
{
  g_assert_cmpint (a->officers, ==, b->officers);
  g_assert_cmpint (a->tokens, ==, b->tokens);
  g_assert_cmpint (a->reports, ==, b->reports);
  g_assert_cmpint (a->photo_links, ==, b->photo_links);
  g_assert_cmpint (a->shifts, ==, b->shifts);
  g_assert_cmpint (a->points, ==, b->points);
  g_assert_cmpuint (a->photos, ==, b->photos);
}

/* Every photo a report of the office names is in its folder. */
static void
assert_photos_complete (const char *data_dir)
{
  g_autofree char *listing = photo_listing (data_dir);
  gint64 missing = 0;
  gint64 distinct = office_count (data_dir, "SELECT count(DISTINCT sha256) FROM report_photos");
  g_autofree char *all = NULL;
  g_auto(GStrv) shas = NULL;

  all = on_postgresql ()
        ? xuncha_test_office_query (data_dir, "SELECT string_agg (DISTINCT sha256, ',') "
                                              "FROM report_photos", NULL)
        : xuncha_test_office_query (data_dir, "SELECT group_concat (sha256, ',') FROM "
                                              "(SELECT DISTINCT sha256 FROM report_photos)",
                                    NULL);
  shas = g_strsplit (all != NULL ? all : "", ",", -1);
  for (guint i = 0; shas[i] != NULL && shas[i][0] != '\0'; i++)
    if (strstr (listing, shas[i]) == NULL)
      missing++;
  g_assert_cmpint (distinct, >, 0);
  g_assert_cmpint (missing, ==, 0);
}

static JsonObject *
sync_status (const char *device_dir,
             JsonParser *parser)
{
  g_autofree char *out = run_cli (device_dir, "sync", "status", "--json", NULL);

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

/* The case status the device holds for its report @uuid, or NULL. */
static char *
device_case_status (const char *device_dir,
                    const char *uuid)
{
  g_autofree char *out = run_cli (device_dir, "report", "list", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *reports;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  reports = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonObject *report = json_array_get_object_element (reports, i);

      if (g_str_equal (json_object_get_string_member (report, "uuid"), uuid))
        return g_strdup (json_object_get_string_member_with_default (report, "case_status",
                                                                     NULL));
    }
  g_assert_not_reached ();
  return NULL;
}

/* Adds @n points to the device's shift @uuid after those it has, as the recorder does. */
static void
add_points (XunchaStore *store,
            const char  *uuid,
            guint        n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf (
    "WITH RECURSIVE k (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %u) "
    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy, speed) "
    "SELECT '%s', m.seq + k.i, m.t_ms + k.i * 1000, 30.66 + k.i * 1e-5, 104.07, 5, 1.2 "
    "FROM k, (SELECT max (seq) AS seq, max (t_ms) AS t_ms FROM track_points "
    "         WHERE shift_uuid = '%s') AS m", n, uuid, uuid);

  xuncha_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

/* Backup while the office runs; restore into a new folder (a second database); an office
 * on it: everything is there, and the device goes on with its old token. The restore gave
 * the records a new generation, so the device sends again what the office acknowledged
 * (a report and an ended shift acknowledged after the backup, lost with the restore, come
 * back with their photo and points) and what waited: every report and shift exactly once,
 * nothing doubled; a running shift heals by itself. A case
 * status set after the restore reaches the device, although it pulled statuses after the
 * backup (the restored revisions are raised above the ones it holds). */
static void
test_restore_running (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *office_dir = NULL, *device_dir = NULL, *restored = NULL;
  g_autofree char *backup = NULL, *code = NULL, *before_photos = NULL, *out = NULL;
  g_autofree char *track = NULL, *running = NULL, *lost = NULL, *waiting = NULL;
  g_autofree char *sql = NULL, *listing = NULL, *found = NULL, *gone = NULL;
  g_autofree char *status_lost = NULL, *status_new = NULL, *status_device = NULL;
  g_autofree char *ended = NULL, *ended_sql = NULL, *sync_out = NULL, *lost_photo = NULL;
  g_autofree char *lost_sql = NULL;
  g_auto(GStrv) lost_photos = NULL;
  g_autoptr(JsonParser) sync_parser = json_parser_new ();
  char *uuids[3] = { NULL, };
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(XunchaTestOffice) second = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Counts before, after_restore, after_sync;
  JsonObject *status;
  guint16 port;

  if (certs == NULL || !backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  device_dir = g_build_filename (dir, "device", NULL);
  restored = g_build_filename (dir, "restored", NULL);
  backup = g_build_filename (dir, "office.xbk", NULL);

  office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
  port = office->port;
  code = xuncha_test_office_add_officer (office_dir, "A1", "T1", FALSE);
  g_free (xuncha_test_office_add_officer (office_dir, "L1", "T1", TRUE));
  xuncha_test_enroll (device_dir, office->url, "A1", code, certs->ca);
  for (guint i = 0; i < 3; i++)
    uuids[i] = add_report (device_dir, i);
  track = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  g_free (run_cli (device_dir, "track", "import", track, NULL));
  store = xuncha_store_open (device_dir, &error);
  g_assert_no_error (error);
  running = xuncha_test_device_add_shift (store, 50, FALSE);
  g_free (run_cli (device_dir, "sync", NULL));
  g_free (xuncha_test_office_admin (office_dir, "report", "set-status", uuids[0], "立案", NULL));
  g_free (run_cli (device_dir, "sync", NULL));
  counts_of (office_dir, &before);
  g_assert_cmpint (before.reports, ==, 3);
  g_assert_cmpint (before.shifts, ==, 2);
  g_assert_cmpint (before.tokens, ==, 1);
  before_photos = photo_listing (office_dir);

  /* While the office runs, with its connections open. */
  backup_ok (office_dir, backup, NULL);
  g_assert_false (g_file_test (restored, G_FILE_TEST_EXISTS));

  /* After the backup: one report the office acknowledges (then loses with the restore),
   * points of the running shift, and a report that waits on the device. */
  lost = add_report (device_dir, 3);
  ended = xuncha_test_device_add_shift (store, 40, TRUE);
  add_points (store, running, 25);
  g_free (xuncha_test_office_admin (office_dir, "report", "set-status", uuids[1], "派遣", NULL));
  g_free (run_cli (device_dir, "sync", NULL));
  g_assert_cmpint (office_count (office_dir, "SELECT count(*) FROM reports"), ==, 4);
  g_assert_cmpint (office_count (office_dir, "SELECT count(*) FROM shifts"), ==, 3);
  waiting = add_report (device_dir, 4);
  xuncha_test_office_stop (office, SIGTERM);

  out = restore_ok (restored, backup, NULL);
  g_assert_nonnull (strstr (out, "officers 2, reports 3, shifts 2"));
  counts_of (restored, &after_restore);
  assert_counts_equal (&before, &after_restore);
  /* The same photos, with the times they were received at. */
  listing = photo_listing (restored);
  g_assert_cmpstr (listing, ==, before_photos);
  assert_photos_complete (restored);
  assert_private_tree (restored);

  /* An office on the restored folder, where the device knows it: the old token works. */
  second = xuncha_test_office_start (restored, certs->server_cert, certs->server_key, port);
  g_free (xuncha_test_office_admin (restored, "report", "set-status", uuids[2], "结案", NULL));
  sync_out = run_cli (device_dir, "sync", "--json", NULL);
  g_assert_true (json_parser_load_from_data (sync_parser, sync_out, -1, NULL));
  {
    JsonObject *result = json_node_get_object (json_parser_get_root (sync_parser));

    /* Sent again: what the office acknowledged, 4 reports and the 2 ended shifts; the
     * running shift and the report that waited go as well. */
    g_assert_cmpint (json_object_get_int_member (result, "resent_after_restore"), ==, 6);
    g_assert_true (json_object_get_boolean_member (result, "complete"));
  }
  counts_of (restored, &after_sync);
  g_assert_cmpint (after_sync.officers, ==, before.officers);
  g_assert_cmpint (after_sync.tokens, ==, before.tokens);
  /* Every report and shift exactly once: the waiting report, and the report and ended
   * shift acknowledged after the backup, sent again. */
  g_assert_cmpint (after_sync.reports, ==, before.reports + 2);
  g_assert_cmpint (after_sync.shifts, ==, before.shifts + 1);
  g_assert_cmpint (after_sync.photo_links, ==, before.photo_links + 2);
  found = xuncha_test_office_query (restored, "SELECT uuid FROM reports WHERE uuid = $1",
                                    waiting);
  gone = xuncha_test_office_query (restored, "SELECT uuid FROM reports WHERE uuid = $1", lost);
  g_assert_cmpstr (found, ==, waiting);
  g_assert_cmpstr (gone, ==, lost);
  /* The lost report's photo is at the office again. */
  lost_photos = xuncha_test_device_report_photos (store, lost);
  g_assert_cmpuint (g_strv_length (lost_photos), ==, 1);
  lost_sql = g_strdup_printf ("SELECT count(*) FROM report_photos WHERE report_uuid = '%s'",
                              lost);
  g_assert_cmpint (office_count (restored, lost_sql), ==, 1);
  lost_photo = photo_listing (restored);
  g_assert_nonnull (strstr (lost_photo, lost_photos[0]));
  /* The running shift: its 75 points, counted again by the device; the ended one's 40. */
  sql = g_strdup_printf ("SELECT count(*) FROM track_points WHERE shift_uuid = '%s'", running);
  g_assert_cmpint (office_count (restored, sql), ==, 75);
  ended_sql = g_strdup_printf ("SELECT count(*) FROM track_points WHERE shift_uuid = '%s'",
                               ended);
  g_assert_cmpint (office_count (restored, ended_sql), ==, 40);
  g_assert_cmpint (after_sync.points, ==, before.points + 25 + 40);
  assert_photos_complete (restored);
  status = sync_status (device_dir, parser);
  g_assert_cmpint (status_int (status, "report", "waiting"), ==, 0);
  g_assert_cmpint (status_int (status, "report", "failed"), ==, 0);
  g_assert_cmpint (status_int (status, "report", "acked"), ==, 5);
  g_assert_cmpint (status_int (status, "points", "acked"), ==,
                   status_int (status, "points", "device"));

  /* The status set after the restore reached the device; the one set after the backup is
   * not at the office (the device keeps showing it). */
  status_new = device_case_status (device_dir, uuids[2]);
  g_assert_cmpstr (status_new, ==, "结案");
  status_device = device_case_status (device_dir, uuids[1]);
  g_assert_cmpstr (status_device, ==, "派遣");
  status_lost = xuncha_test_office_query (restored, "SELECT case_status FROM reports "
                                                    "WHERE uuid = $1", uuids[1]);
  g_assert_null (status_lost);

  /* Once more: nothing doubled, and nothing queued again, the generation being the same
   * (the running shift goes at every sync, as ever). */
  {
    g_autoptr(JsonParser) again_parser = json_parser_new ();
    g_autofree char *again_out = run_cli (device_dir, "sync", "--json", NULL);
    JsonObject *result;
    Counts again;

    g_assert_true (json_parser_load_from_data (again_parser, again_out, -1, NULL));
    result = json_node_get_object (json_parser_get_root (again_parser));
    g_assert_cmpint (json_object_get_int_member (result, "resent_after_restore"), ==, 0);
    counts_of (restored, &again);
    assert_counts_equal (&after_sync, &again);
  }
  g_clear_pointer (&second, xuncha_test_office_free);
  g_clear_object (&store);
  for (guint i = 0; i < G_N_ELEMENTS (uuids); i++)
    g_free (uuids[i]);
  xuncha_test_remove_tree (dir);
}

/* Backups taken while a device sends: each one, restored, has every photo its reports
 * name (the photos are copied after the records are taken). */
static void
test_backup_while_writing (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *office_dir = NULL, *device_dir = NULL, *code = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(GError) error = NULL;
  GPid sync = 0;
  int status = 0;
  gboolean ended = FALSE;
  guint backups = 0, with_reports = 0;

  if (certs == NULL || !backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  device_dir = g_build_filename (dir, "device", NULL);
  office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
  code = xuncha_test_office_add_officer (office_dir, "A1", "T1", FALSE);
  xuncha_test_enroll (device_dir, office->url, "A1", code, certs->ca);
  for (guint i = 0; i < 6; i++)
    g_free (add_report (device_dir, i));

  {
    const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", device_dir, "sync",
                           NULL };

    g_spawn_async (NULL, (char **)argv, NULL,
                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &sync, &error);
    g_assert_no_error (error);
  }
  /* As many as fit in the sync (at least two, the last after it ended). */
  do
    {
      g_autofree char *file = g_strdup_printf ("%s/b%u.xbk", dir, backups);
      g_autofree char *target = g_strdup_printf ("%s/restored%u", dir, backups);
      g_autofree char *out = NULL;

      backup_ok (office_dir, file, NULL);
      out = restore_ok (target, file, NULL);
      if (office_count (target, "SELECT count(*) FROM reports") > 0)
        {
          assert_photos_complete (target);
          with_reports++;
        }
      backups++;
      ended = waitpid (sync, &status, WNOHANG) == sync;
    }
  while (backups < (on_postgresql () ? 2u : 4u) && !ended);
  if (!ended)
    g_assert_cmpint (waitpid (sync, &status, 0), ==, sync);
  g_spawn_close_pid (sync);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  {
    g_autofree char *file = g_build_filename (dir, "last.xbk", NULL);
    g_autofree char *target = g_build_filename (dir, "last", NULL);

    backup_ok (office_dir, file, NULL);
    g_free (restore_ok (target, file, NULL));
    g_assert_cmpint (office_count (target, "SELECT count(*) FROM reports"), ==, 6);
    assert_photos_complete (target);
  }
  g_test_message ("%u backups during the sync, %u of them with reports", backups,
                  with_reports);
  g_clear_pointer (&office, xuncha_test_office_free);
  xuncha_test_remove_tree (dir);
}

/* An office folder with records and real photos, made with the admin commands alone: an
 * officer, and photos as the office names them. */
static void
make_office (const char *office_dir,
             const char *officer,
             guint       first_photo,
             guint       n_photos)
{
  g_autofree char *photos = g_build_filename (office_dir, "photos", NULL);

  g_free (xuncha_test_office_add_officer (office_dir, officer, "T1", FALSE));
  g_assert_cmpint (g_mkdir_with_parents (photos, 0700), ==, 0);
  for (guint i = first_photo; i < first_photo + n_photos; i++)
    {
      g_autofree char *source = photo_file (i);
      g_autofree char *data = NULL;
      g_autofree char *sha = NULL, *name = NULL, *path = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (source, &data, &length, NULL));
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
      name = g_strconcat (sha, ".jpg", NULL);
      path = g_build_filename (photos, name, NULL);
      g_assert_true (g_file_set_contents_full (path, data, (gssize)length,
                                               G_FILE_SET_CONTENTS_NONE, 0600, NULL));
    }
}

/* The members of an archive, as ustar lays them out: name, header offset, data offset and
 * size. */
typedef struct
{
  char    name[101];
  gsize   header_at;
  gsize   data_at;
  gsize   size;
} Member;

static GArray *
members_of (const guint8 *data,
            gsize         length)
{
  GArray *members = g_array_new (FALSE, TRUE, sizeof (Member));
  gsize at = 0;

  while (at + 512 <= length && data[at] != 0)
    {
      Member m = { { 0 }, at, at + 512, 0 };

      memcpy (m.name, data + at, 100);
      m.size = (gsize)g_ascii_strtoull ((const char *)data + at + 124, NULL, 8);
      g_array_append_val (members, m);
      at += 512 + (m.size + 511) / 512 * 512;
    }
  return members;
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *)data, (gssize)length, &error);
  g_assert_no_error (error);
}

/* A backup with one byte changed anywhere, or cut short, is refused, and neither a new
 * folder nor an office with records changes. */
static void
test_damaged (void)
{
  g_autofree char *dir = NULL, *office_dir = NULL, *backup = NULL, *bad = NULL;
  g_autofree char *fresh = NULL, *state = NULL, *fresh_state = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) flips = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize length = 0;
  gsize cuts[5];

  if (!backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  backup = g_build_filename (dir, "office.xbk", NULL);
  bad = g_build_filename (dir, "bad.xbk", NULL);
  fresh = g_build_filename (dir, "fresh", NULL);
  make_office (office_dir, "A1", 0, 3);
  backup_ok (office_dir, backup, NULL);
  g_assert_true (g_file_get_contents (backup, (char **)&data, &length, NULL));
  members = members_of (data, length);
  /* xuncha-backup, the records, three photos, MANIFEST. */
  g_assert_cmpuint (members->len, ==, 6);

  /* In each member: a byte of its header's name, of its data (first, middle, last), of the
   * padding after it; then the ends. */
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = &g_array_index (members, Member, i);
      gsize at[] = { m->header_at + 1, m->data_at, m->data_at + m->size / 2,
                     m->data_at + m->size - 1, m->data_at + m->size };

      for (guint k = 0; k < G_N_ELEMENTS (at); k++)
        if (k < 4 || m->size % 512 != 0)
          g_array_append_val (flips, at[k]);
    }
  {
    gsize end_blocks = length - 1024, last = length - 1;

    g_array_append_val (flips, end_blocks);
    g_array_append_val (flips, last);
  }

  state = office_state (office_dir);
  fresh_state = office_state (fresh);
  for (guint i = 0; i < flips->len; i++)
    {
      gsize at = g_array_index (flips, gsize, i);
      g_autofree char *err = NULL;

      data[at] ^= 0x20;
      write_file (bad, data, length);
      data[at] ^= 0x20;
      err = restore_refused (fresh, bad, NULL);
      if (strstr (err, "is damaged") == NULL)
        g_error ("a byte changed at %zu: %s", at, err);
      g_assert_nonnull (strstr (err, "Nothing was changed."));
      assert_state (fresh, fresh_state);
      /* Into the office itself, even forced: refused before its records are looked at. */
      if (i % 4 == 0)
        {
          g_free (err);
          err = restore_refused (office_dir, bad, "--force");
          g_assert_nonnull (strstr (err, "is damaged"));
          assert_state (office_dir, state);
        }
    }

  /* Cut short anywhere, or one byte too long. */
  cuts[0] = 0;
  cuts[1] = 511;
  cuts[2] = length / 2;
  cuts[3] = length - 1024;
  cuts[4] = length - 1;
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *err = NULL;

      write_file (bad, data, cuts[i]);
      err = restore_refused (office_dir, bad, "--force");
      if (strstr (err, "is damaged") == NULL)
        g_error ("cut at %zu: %s", cuts[i], err);
      assert_state (office_dir, state);
    }
  {
    g_autofree guint8 *longer = g_malloc (length + 1);
    g_autofree char *err = NULL;

    memcpy (longer, data, length);
    longer[length] = 0;
    write_file (bad, longer, length + 1);
    err = restore_refused (fresh, bad, NULL);
    g_assert_nonnull (strstr (err, "is damaged"));
  }
  assert_state (fresh, fresh_state);

  /* The backup itself restores. */
  g_free (restore_ok (fresh, backup, NULL));
  g_assert_cmpuint (photo_count (fresh), ==, photo_count (office_dir));
  xuncha_test_remove_tree (dir);
}

/* Hand-made archives. */

static void
put_octal (guint8  *field,
           gsize    width,
           guint64  value)
{
  for (gsize i = width - 1; i > 0; i--)
    {
      field[i - 1] = (guint8)('0' + (value & 7));
      value >>= 3;
    }
  field[width - 1] = '\0';
}

/* A ustar header with a right checksum: @size as octal unless @base256. */
static void
append_header (GByteArray *archive,
               const char *name,
               char        type,
               const char *linkname,
               guint64     size,
               gboolean    base256)
{
  guint8 block[512] = { 0 };
  guint sum = 0;

  memcpy (block, name, MIN (strlen (name), 100));
  put_octal (block + 100, 8, 0600);
  put_octal (block + 108, 8, 0);
  put_octal (block + 116, 8, 0);
  if (base256)
    {
      block[124] = 0x80;
      for (int i = 11; i > 0; i--, size >>= 8)
        block[124 + i] = (guint8)(size & 0xff);
    }
  else
    put_octal (block + 124, 12, size);
  put_octal (block + 136, 12, 1700000000);
  block[156] = (guint8)type;
  if (linkname != NULL)
    memcpy (block + 157, linkname, strlen (linkname));
  memcpy (block + 257, "ustar", 6);
  memcpy (block + 263, "00", 2);
  memset (block + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += block[i];
  put_octal (block + 148, 7, sum);
  block[155] = ' ';
  g_byte_array_append (archive, block, 512);
}

static void
append_data (GByteArray   *archive,
             const guint8 *data,
             gsize         length)
{
  static const guint8 zeros[512];

  g_byte_array_append (archive, data, (guint)length);
  if (length % 512 != 0)
    g_byte_array_append (archive, zeros, (guint)(512 - length % 512));
}

static const char info_text[] = "Xuncha office backup\nformat 1\nrecords none\nschema 0\n"
                                "created 2024-05-01T08:30:00Z\noffice 0.1.0\n";

/* A photos-only archive of @n members (name, bytes), with a manifest that lists them
 * rightly: what the office's own backup of such photos would be. */
static GByteArray *
archive_with (const char * const *names,
              GBytes * const     *contents,
              guint               n)
{
  GByteArray *archive = g_byte_array_new ();
  g_autoptr(GString) manifest = g_string_new (NULL);
  g_autofree char *sum = NULL;
  static const guint8 end[1024];

  for (guint i = 0; i <= n; i++)
    {
      const char *name = i == 0 ? "xuncha-backup" : names[i - 1];
      const guint8 *data = i == 0 ? (const guint8 *)info_text
                                  : g_bytes_get_data (contents[i - 1], NULL);
      gsize length = i == 0 ? strlen (info_text) : g_bytes_get_size (contents[i - 1]);
      g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);

      append_header (archive, name, '0', NULL, length, FALSE);
      append_data (archive, data, length);
      g_string_append_printf (manifest, "%s %zu 1700000000000000000 %s\n", sha, length, name);
    }
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, manifest->str, manifest->len);
  g_string_append_printf (manifest, "manifest %s\n", sum);
  append_header (archive, "MANIFEST", '0', NULL, manifest->len, FALSE);
  append_data (archive, (const guint8 *)manifest->str, manifest->len);
  g_byte_array_append (archive, end, sizeof end);
  return archive;
}

/* Archives no backup is: names that climb out or are absolute, links, folders, other
 * member kinds, sizes past the limits, two files for one photo, a photo under another's
 * name, something that is not an archive. Each is refused with what is wrong, and nothing
 * is written anywhere. */
static void
test_hostile (void)
{
  g_autofree char *dir = NULL, *target = NULL, *file = NULL, *escape = NULL;
  g_autofree char *photo = photo_file (0), *other = photo_file (1);
  g_autofree char *photo_data = NULL, *other_data = NULL;
  g_autofree char *sha = NULL, *other_sha = NULL, *photo_name = NULL, *fresh_state = NULL;
  g_autoptr(GBytes) photo_bytes = NULL;
  g_autoptr(GBytes) other_bytes = NULL;
  gsize photo_length = 0, other_length = 0;
  struct
  {
    const char *what;
    const char *name;
    char        type;
    const char *linkname;
    guint64     size;
    gboolean    base256;
    const char *said;
  } cases[] = {
    { "climbs out", "../escaped.jpg", '0', NULL, 4, FALSE, "points outside" },
    { "climbs out in the middle", "photos/../../escaped.jpg", '0', NULL, 4, FALSE,
      "points outside" },
    { "absolute", NULL, '0', NULL, 4, FALSE, "points outside" },
    { "symbolic link", NULL, '2', "/etc/passwd", 0, FALSE, "a link" },
    { "hard link", NULL, '1', "../escaped.jpg", 0, FALSE, "a link" },
    { "folder", "photos/", '5', NULL, 0, FALSE, "a folder" },
    { "pax header", "PaxHeaders/x", 'x', NULL, 30, FALSE, "a kind a backup never has" },
    { "device", "photos/dev", '3', NULL, 0, FALSE, "a kind a backup never has" },
    { "unknown name", "photos/evil.sh", '0', NULL, 4, FALSE, "a name a backup never has" },
    { "photo of 3 GiB", NULL, '0', NULL, G_GUINT64_CONSTANT (3) << 30, FALSE,
      "more than such a member may" },
    { "photo of a petabyte, base 256", NULL, '0', NULL, G_GUINT64_CONSTANT (1) << 50, TRUE,
      "more than such a member may" },
  };
  static const guint8 four[4] = { 'e', 'v', 'i', 'l' };

  if (!backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  target = g_build_filename (dir, "office", NULL);
  file = g_build_filename (dir, "hostile.xbk", NULL);
  escape = g_build_filename (dir, "escaped.jpg", NULL);
  g_assert_true (g_file_get_contents (photo, &photo_data, &photo_length, NULL));
  g_assert_true (g_file_get_contents (other, &other_data, &other_length, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)photo_data,
                                     photo_length);
  other_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)other_data,
                                           other_length);
  photo_name = g_strconcat ("photos/", sha, ".jpg", NULL);
  photo_bytes = g_bytes_new (photo_data, photo_length);
  other_bytes = g_bytes_new (other_data, other_length);
  fresh_state = office_state (target);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) archive = g_byte_array_new ();
      g_autofree char *absolute = g_build_filename (dir, "absolute.jpg", NULL);
      g_autofree char *err = NULL;
      const char *name = cases[i].name;

      if (name == NULL)
        name = g_str_equal (cases[i].what, "absolute") ? absolute : photo_name;
      append_header (archive, "xuncha-backup", '0', NULL, strlen (info_text), FALSE);
      append_data (archive, (const guint8 *)info_text, strlen (info_text));
      append_header (archive, name, cases[i].type, cases[i].linkname, cases[i].size,
                     cases[i].base256);
      if (cases[i].size <= 1024)
        {
          g_autofree guint8 *zeros = g_malloc0 (1024);

          append_data (archive, cases[i].size == 4 ? four : zeros, (gsize)cases[i].size);
        }
      {
        static const guint8 end[1024];

        g_byte_array_append (archive, end, sizeof end);
      }
      write_file (file, archive->data, archive->len);
      err = restore_refused (target, file, NULL);
      if (strstr (err, cases[i].said) == NULL || strstr (err, "Nothing was changed.") == NULL)
        g_error ("%s: %s", cases[i].what, err);
      g_assert_false (g_file_test (escape, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (absolute, G_FILE_TEST_EXISTS));
      assert_state (target, fresh_state);
    }

  /* With a manifest that lists them rightly, still not: one photo twice, and a photo's
   * bytes under another photo's name. */
  {
    const char *names[] = { photo_name, photo_name };
    GBytes *contents[] = { photo_bytes, photo_bytes };
    g_autoptr(GByteArray) archive = archive_with (names, contents, 2);
    g_autofree char *err = NULL;

    write_file (file, archive->data, archive->len);
    err = restore_refused (target, file, NULL);
    g_assert_nonnull (strstr (err, "twice, or out of order"));
  }
  {
    g_autofree char *wrong = g_strconcat ("photos/", other_sha, ".jpg", NULL);
    const char *names[] = { wrong };
    GBytes *contents[] = { photo_bytes };
    g_autoptr(GByteArray) archive = archive_with (names, contents, 1);
    g_autofree char *err = NULL;

    if (g_str_equal (sha, other_sha))
      g_test_message ("the fixture stands in for both photos: no second photo to misname");
    else
      {
        write_file (file, archive->data, archive->len);
        err = restore_refused (target, file, NULL);
        g_assert_nonnull (strstr (err, "another photo than its name says"));
      }
  }
  /* The same archive rightly named is one the office restores: the refusals above are the
   * names and sizes, not the hand-made form. */
  {
    const char *names[] = { photo_name };
    GBytes *contents[] = { photo_bytes };
    g_autoptr(GByteArray) archive = archive_with (names, contents, 1);

    write_file (file, archive->data, archive->len);
    g_free (restore_ok (target, file, NULL));
    g_assert_cmpuint (photo_count (target), ==, 1);
  }
  /* Not an archive at all. */
  {
    g_autofree char *err = restore_refused (target, photo, NULL);

    g_assert_nonnull (strstr (err, "is not a xuncha-office backup"));
  }
  g_assert_false (g_file_test (escape, G_FILE_TEST_EXISTS));
  xuncha_test_remove_tree (dir);
}

/* A restore into records that hold something needs --force; with it, the records before
 * are kept beside (SQLite). Never while an office runs on them, forced or not. A backup of
 * one backend is not restored into the other. */
static void
test_holds_records (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *office_dir = NULL, *other_dir = NULL, *backup = NULL;
  g_autofree char *state = NULL, *err = NULL, *out = NULL, *officer = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;

  if (certs == NULL || !backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  other_dir = g_build_filename (dir, "other", NULL);
  backup = g_build_filename (dir, "office.xbk", NULL);
  make_office (office_dir, "A1", 0, 2);
  make_office (other_dir, "B1", 2, 1);
  backup_ok (office_dir, backup, NULL);

  state = office_state (other_dir);
  err = restore_refused (other_dir, backup, NULL);
  g_assert_nonnull (strstr (err, "already holds an office's records"));
  g_assert_nonnull (strstr (err, "--force"));
  assert_state (other_dir, state);

  /* Not under a running office, even forced. */
  office = xuncha_test_office_start (other_dir, certs->server_cert, certs->server_key, 0);
  g_free (err);
  err = restore_refused (other_dir, backup, "--force");
  g_assert_nonnull (strstr (err, on_postgresql () ? "connected to the PostgreSQL database"
                                                  : "An office is running on"));
  xuncha_test_office_stop (office, SIGTERM);
  g_free (state);
  state = office_state (other_dir);

  out = restore_ok (other_dir, backup, "--force");
  officer = xuncha_test_office_query (other_dir, on_postgresql ()
                                                 ? "SELECT string_agg (id, ',') FROM officers"
                                                 : "SELECT group_concat (id) FROM officers",
                                      NULL);
  if (!on_postgresql ())
    {
      g_autofree char *db = g_build_filename (other_dir, "office.db", NULL);
      g_autofree char *kept = NULL;
      const char *line = strstr (out, "is kept as ");

      /* The office.db there before, whole, beside it. */
      g_assert_nonnull (line);
      kept = g_strndup (line + strlen ("is kept as "),
                        strcspn (line + strlen ("is kept as "), "\n") - 1);
      g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_prefix (kept, db));
    }
  g_assert_cmpstr (officer, ==, "A1");
  g_assert_cmpuint (photo_count (other_dir), ==, 3);

  /* Into the other backend: refused, saying how. */
  g_free (err);
  if (on_postgresql ())
    {
      const char *argv[] = { xuncha_test_program ("XUNCHA_OFFICE"), "restore", "--from", backup,
                             "--data-dir", other_dir, NULL };
      g_autofree char *none = NULL;

      g_assert_cmpint (xuncha_test_run (argv, &none, &err), ==, 1);
      g_assert_nonnull (strstr (err, "give the database to restore them into with "
                                     "--database"));
    }
  else
    {
      const char *argv[] = { xuncha_test_program ("XUNCHA_OFFICE"), "restore", "--from", backup,
                             "--data-dir", other_dir, "--database", "dbname=none", NULL };
      g_autofree char *none = NULL;

      g_assert_cmpint (xuncha_test_run (argv, &none, &err), ==, 1);
      g_assert_nonnull (strstr (err, "restore it without --database"));
    }
  g_clear_pointer (&office, xuncha_test_office_free);
  xuncha_test_remove_tree (dir);
}

/* The tasks and messages the office gave are in its backup: restored into a new folder (a
 * second database), they list as they did, states and revisions alike. */
static void
test_tasks_carried (void)
{
  g_autofree char *dir = NULL, *office_dir = NULL, *restored_dir = NULL, *backup = NULL;
  g_autofree char *code = NULL, *task = NULL, *cancelled = NULL, *message = NULL;
  g_autofree char *tasks = NULL, *messages = NULL, *tasks_after = NULL, *messages_after = NULL;
  g_autofree char *out = NULL;

  if (!backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  restored_dir = g_build_filename (dir, "restored", NULL);
  backup = g_build_filename (dir, "office.xbk", NULL);
  code = xuncha_test_office_add_officer (office_dir, "A1", "T1", FALSE);
  task = xuncha_test_office_admin (office_dir, "task", "add", "--kind", "verify", "--officer",
                                   "A1", "--lat", "30.6586", "--lon", "104.0648", "--deadline",
                                   "+1d", "--note", "市民热线", NULL);
  cancelled = xuncha_test_office_admin (office_dir, "task", "add", "--kind", "rollcall",
                                        "--team", "T1", "--deadline", "+1d", NULL);
  g_free (xuncha_test_office_admin (office_dir, "task", "cancel", g_strstrip (cancelled),
                                    NULL));
  message = xuncha_test_office_admin (office_dir, "message", "send", "--all", "--title", "通知",
                                      "--body", "19:00 集合", NULL);
  tasks = xuncha_test_office_admin (office_dir, "task", "list", "--json", NULL);
  messages = xuncha_test_office_admin (office_dir, "message", "list", "--json", NULL);

  backup_ok (office_dir, backup, NULL);
  out = restore_ok (restored_dir, backup, NULL);
  tasks_after = xuncha_test_office_admin (restored_dir, "task", "list", "--json", NULL);
  messages_after = xuncha_test_office_admin (restored_dir, "message", "list", "--json", NULL);
  g_assert_nonnull (strstr (tasks_after, g_strstrip (task)));
  g_assert_nonnull (strstr (tasks_after, "cancelled"));
  g_assert_nonnull (strstr (messages_after, g_strstrip (message)));
  g_assert_cmpstr (tasks_after, ==, tasks);
  g_assert_cmpstr (messages_after, ==, messages);
  xuncha_test_remove_tree (dir);
}

/* --photos-only: a backup of the photos alone (a city's database administrator dumps the
 * database), restored without touching records, which need no --force; and the photos
 * alone of a whole backup. */
static void
test_photos_only (void)
{
  g_autofree char *dir = NULL, *office_dir = NULL, *fresh = NULL, *backup = NULL;
  g_autofree char *whole = NULL, *state = NULL, *out = NULL, *listing = NULL;
  g_autofree char *fresh_db = NULL, *now = NULL, *count = NULL;
  g_autofree char *generation_before = NULL, *generation_after = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr(GArray) members = NULL;
  gsize length = 0;

  if (!backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  fresh = g_build_filename (dir, "fresh", NULL);
  fresh_db = g_build_filename (fresh, "office.db", NULL);
  backup = g_build_filename (dir, "photos.xbk", NULL);
  whole = g_build_filename (dir, "whole.xbk", NULL);
  make_office (office_dir, "A1", 0, 3);
  listing = photo_listing (office_dir);

  backup_ok (office_dir, backup, "--photos-only");
  g_assert_true (g_file_get_contents (backup, (char **)&data, &length, NULL));
  members = members_of (data, length);
  g_assert_cmpuint (members->len, ==, 5);
  g_assert_cmpstr (g_array_index (members, Member, 0).name, ==, "xuncha-backup");
  for (guint i = 1; i < 4; i++)
    g_assert_true (g_str_has_prefix (g_array_index (members, Member, i).name, "photos/"));
  g_assert_cmpstr (g_array_index (members, Member, 4).name, ==, "MANIFEST");

  /* Into a new folder: the photos, no records (no office.db; an empty database stays
   * so). */
  out = restore_ok (fresh, backup, NULL);
  g_assert_nonnull (strstr (out, "the records were left as they are"));
  g_assert_null (strstr (out, "raised"));
  now = photo_listing (fresh);
  g_assert_cmpstr (now, ==, listing);
  g_assert_false (g_file_test (fresh_db, G_FILE_TEST_EXISTS));
  if (on_postgresql ())
    {
      g_free (state);
      state = office_state (fresh);
      g_assert_nonnull (strstr (state, "tables 0\n"));
    }

  /* Into an office with records: no --force needed, its records untouched. */
  g_free (state);
  state = xuncha_test_office_query (office_dir, "SELECT count(*) FROM officers", NULL);
  generation_before = xuncha_test_office_query (office_dir, "SELECT id FROM generation", NULL);
  g_free (out);
  out = restore_ok (office_dir, backup, NULL);
  count = xuncha_test_office_query (office_dir, "SELECT count(*) FROM officers", NULL);
  g_assert_cmpstr (count, ==, state);
  /* Records restored by other means (a database administrator's dumps) need their
   * revisions above the devices' as much as restored ones: raised; and a new generation,
   * so that the devices send again what those records lack. */
  g_assert_nonnull (strstr (out, "revision counters of the records there were raised"));
  generation_after = xuncha_test_office_query (office_dir, "SELECT id FROM generation", NULL);
  g_assert_nonnull (generation_before);
  g_assert_nonnull (generation_after);
  g_assert_cmpstr (generation_after, !=, generation_before);
  g_assert_cmpint (office_count (office_dir, "SELECT min (value) FROM counters "
                                             "WHERE name IN ('status', 'streets', 'merchants')"),
                   >, G_GINT64_CONSTANT (1000000000000000));

  /* The photos alone of a whole backup, into records it would otherwise replace. */
  backup_ok (office_dir, whole, NULL);
  xuncha_test_remove_tree (fresh);
  g_free (out);
  out = restore_ok (fresh, whole, "--photos-only");
  g_assert_nonnull (strstr (out, "the records were left as they are"));
  g_free (now);
  now = photo_listing (fresh);
  g_assert_cmpstr (now, ==, listing);
  g_assert_false (g_file_test (fresh_db, G_FILE_TEST_EXISTS));
  xuncha_test_remove_tree (dir);
}

/* A photo damaged on the office's disk (its bytes no longer hash to its name) is left out
 * and named, and the rest of the backup restores: one bad file does not make the whole
 * backup one that is refused. */
static void
test_photo_damaged_on_disk (void)
{
  g_autofree char *dir = NULL, *office_dir = NULL, *photos = NULL, *backup = NULL;
  g_autofree char *fresh = NULL, *out = NULL, *err = NULL, *victim = NULL, *restored = NULL;
  g_autofree char *data = NULL, *name = NULL;
  g_autoptr(GDir) folder = NULL;
  gsize length = 0;

  if (!backend_ready ())
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  photos = g_build_filename (office_dir, "photos", NULL);
  backup = g_build_filename (dir, "office.xbk", NULL);
  fresh = g_build_filename (dir, "fresh", NULL);
  make_office (office_dir, "A1", 0, 3);
  folder = g_dir_open (photos, 0, NULL);
  do
    {
      g_free (name);
      name = g_strdup (g_dir_read_name (folder));
    }
  while (name != NULL && !g_str_has_suffix (name, ".jpg"));
  g_assert_nonnull (name);
  victim = g_build_filename (photos, name, NULL);
  g_assert_true (g_file_get_contents (victim, &data, &length, NULL));
  data[length / 2] ^= 0x01;
  write_file (victim, (const guint8 *)data, length);

  g_assert_cmpint (xuncha_test_office_run (office_dir, &out, &err, "backup", "--out", backup,
                                           NULL), ==, 0);
  g_assert_nonnull (strstr (err, "damaged on disk"));
  g_assert_nonnull (strstr (err, victim));
  g_free (out);
  out = restore_ok (fresh, backup, NULL);
  g_assert_cmpuint (photo_count (fresh), ==, 2);
  restored = g_build_filename (fresh, "photos", name, NULL);
  g_assert_false (g_file_test (restored, G_FILE_TEST_EXISTS));
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office-backup/restore-running", test_restore_running);
  g_test_add_func ("/office-backup/while-writing", test_backup_while_writing);
  g_test_add_func ("/office-backup/damaged", test_damaged);
  g_test_add_func ("/office-backup/hostile", test_hostile);
  g_test_add_func ("/office-backup/holds-records", test_holds_records);
  g_test_add_func ("/office-backup/photos-only", test_photos_only);
  g_test_add_func ("/office-backup/tasks-carried", test_tasks_carried);
  g_test_add_func ("/office-backup/photo-damaged-on-disk", test_photo_damaged_on_disk);
  return g_test_run ();
}
