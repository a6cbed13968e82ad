/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>

#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* What the office keeps between runs: its folder's permissions and the limits on guessing
 * enrollment codes. */

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Every folder under @dir (itself included) is 0700 and every file 0600; returns how many
 * files there are. */
static guint
assert_private_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint files = 0;

  g_assert_nonnull (d);
  if (mode_of (dir) != 0700)
    g_error ("%s has mode %04o, not 0700", dir, mode_of (dir));
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        files += assert_private_tree (path);
      else if (mode_of (path) != 0600)
        g_error ("%s has mode %04o, not 0600", path, mode_of (path));
      else
        files++;
    }
  return files;
}

static void
run_cli (const char *device_dir,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, (gpointer)device_dir);
  va_start (args, device_dir);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  status = xuncha_test_run ((const char * const *)argv->pdata, &out, &err);
  if (status != 0)
    g_error ("xuncha-cli %s failed (%d): %s%s", (const char *)argv->pdata[3], status, out, err);
}

/* A report with a photo, saved on the device and sent. */
static void
report_and_sync (const char *device_dir,
                 const char *note)
{
  g_autofree char *photo = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");

  run_cli (device_dir, "report", "add", "--category", "09009", "--photo", photo, "--lat",
           "31.2304", "--lon", "121.4737", "--field", "plate=沪A12345", "--note", note, NULL);
  run_cli (device_dir, "sync", NULL);
}

static void
loosen (const char *path,
        guint       mode)
{
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* An office folder opened up by hand (or restored from a backup): 0755 folders and a
 * 0644 office.db holding a report and its photo. The office closes them at start, says so
 * in its log, and everything it writes afterwards is its user's alone. */
static void
test_private_folder (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *office_dir = NULL, *device_dir = NULL, *log = NULL;
  g_autofree char *db = NULL, *photos = NULL, *incoming = NULL, *code = NULL;
  g_autofree char *text = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  gboolean on_sqlite;

  if (certs == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  office_dir = g_build_filename (dir, "office", NULL);
  device_dir = g_build_filename (dir, "device", NULL);
  log = g_build_filename (dir, "office.log", NULL);
  db = g_build_filename (office_dir, "office.db", NULL);
  photos = g_build_filename (office_dir, "photos", NULL);
  incoming = g_build_filename (photos, ".incoming", NULL);

  on_sqlite = xuncha_test_office_database (office_dir) == NULL;
  g_assert_cmpint (g_mkdir (office_dir, 0755), ==, 0);
  loosen (office_dir, 0755);
  office = xuncha_test_office_start_full (office_dir, certs->server_cert, certs->server_key, 0,
                                          NULL, log);
  code = xuncha_test_office_add_officer (office_dir, "A1", "T1", FALSE);
  xuncha_test_enroll (device_dir, office->url, "A1", code, certs->ca);
  report_and_sync (device_dir, "first");
  xuncha_test_office_stop (office, SIGTERM);

  /* Opened up while the office was stopped. On PostgreSQL the folder holds the photos
   * alone: the records are the database server's to keep. */
  loosen (office_dir, 0755);
  loosen (photos, 0755);
  loosen (incoming, 0755);
  if (on_sqlite)
    loosen (db, 0644);

  xuncha_test_office_restart (office);
  g_assert_cmpuint (assert_private_tree (office_dir), >=, on_sqlite ? 2 : 1);
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "private to the office's user (mode 0700, was 0755)"));
  if (on_sqlite)
    g_assert_nonnull (strstr (text, "private to the office's user (mode 0600, was 0644)"));

  /* What a sync writes (another report, another photo, the -wal and -shm files) too. */
  report_and_sync (device_dir, "second");
  g_assert_cmpuint (assert_private_tree (office_dir), >=, on_sqlite ? 4 : 1);
  xuncha_test_office_stop (office, SIGTERM);
  g_assert_cmpuint (assert_private_tree (office_dir), >=, on_sqlite ? 2 : 1);
}

/* A folder whose mode cannot be changed (the kernel refuses it for /proc, even to root)
 * is refused with a message that says what to do, and nothing is done in it. */
static void
test_private_refused (void)
{
  const char *argv[] = { xuncha_test_program ("XUNCHA_OFFICE"), "officer", "add", "A1",
                         "--name", "A", "--data-dir", "/proc/self/fdinfo", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (xuncha_test_run (argv, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "private to its owner"));
  g_assert_nonnull (strstr (err, "chmod 700"));
  g_assert_null (strstr (out, "enrollment code"));
}

static size_t
discard (char *data, size_t size, size_t n, void *user_data)
{
  return size * n;
}

/* One enrollment attempt; returns the status and the Retry-After seconds (0: none). */
static long
enroll (const char *base,
        const char *officer,
        const char *code,
        gint64     *retry_after)
{
  g_autofree char *url = g_strconcat (base, "api/v1/enroll", NULL);
  g_autofree char *body = g_strdup_printf ("{\"officer_id\": \"%s\", \"code\": \"%s\"}",
                                           officer, code);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();
  struct curl_header *header = NULL;
  long status = 0;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, xuncha_test_certs ()->ca);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  *retry_after = 0;
  if (curl_easy_header (curl, "Retry-After", 0, CURLH_HEADER, -1, &header) == CURLHE_OK)
    *retry_after = g_ascii_strtoll (header->value, NULL, 10);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

/* Waits out a refusal: the time the office gave, and a second more. */
static void
wait_retry_after (gint64 seconds)
{
  g_assert_cmpint (seconds, >, 0);
  g_usleep ((gulong)(seconds + 1) * G_USEC_PER_SEC);
}

/* Five wrong codes close enrollment for the officer; the office crashes (or is killed)
 * and starts again: still closed, with the right code too. After the window it opens. */
static void
test_enroll_limits_restart (void)
{
  /* Long enough for a restart on a busy machine, short for the suite. */
  const char *args[] = { "--enroll-window", "8", NULL };
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *code = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  gint64 retry_after = 0;

  if (certs == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  office = xuncha_test_office_start_full (dir, certs->server_cert, certs->server_key, 0, args,
                                          NULL);
  code = xuncha_test_office_add_officer (dir, "W1", "T1", FALSE);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (enroll (office->url, "W1", "AAAA-BBBB-CCCC", &retry_after), ==, 401);
  g_assert_cmpint (enroll (office->url, "W1", code, &retry_after), ==, 429);

  xuncha_test_office_stop (office, SIGKILL);
  xuncha_test_office_restart (office);
  g_assert_cmpint (enroll (office->url, "W1", code, &retry_after), ==, 429);
  /* A stop as the service manager does it, too. */
  xuncha_test_office_restart (office);
  g_assert_cmpint (enroll (office->url, "W1", code, &retry_after), ==, 429);

  wait_retry_after (retry_after);
  g_assert_cmpint (enroll (office->url, "W1", code, &retry_after), ==, 200);
}

/* Failures kept with times in the future (the clock was set back since) count, but for
 * one window from now, not for ever. */
static void
test_enroll_limits_clock_back (void)
{
  const char *args[] = { "--enroll-window", "4", NULL };
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *code = NULL, *count = NULL, *latest = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  gint64 retry_after = 0;

  if (certs == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  code = xuncha_test_office_add_officer (dir, "F1", "T1", FALSE);
  /* A year ahead of now, as a clock set forward by mistake would have written them. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO enroll_failures (officer_id, address, at) "
                         "VALUES ('F1', '192.0.2.1', %" G_GINT64_FORMAT ")",
                         g_get_real_time () + (gint64)365 * 24 * 3600 * G_USEC_PER_SEC);
      xuncha_test_office_exec (dir, sql);
    }

  office = xuncha_test_office_start_full (dir, certs->server_cert, certs->server_key, 0, args,
                                          NULL);
  g_assert_cmpint (enroll (office->url, "F1", code, &retry_after), ==, 429);
  g_assert_cmpint (retry_after, <=, 4);
  /* Taken as now, and kept so: another restart does not start a year's wait again. */
  xuncha_test_office_restart (office);
  g_assert_cmpint (enroll (office->url, "F1", code, &retry_after), ==, 429);
  count = xuncha_test_office_query (dir, "SELECT count(*) FROM enroll_failures", NULL);
  latest = xuncha_test_office_query (dir, "SELECT max(at) FROM enroll_failures", NULL);
  g_assert_cmpstr (count, ==, "5");
  g_assert_nonnull (latest);
  g_assert_cmpint (g_ascii_strtoll (latest, NULL, 10), <=, g_get_real_time ());
  wait_retry_after (retry_after);
  g_assert_cmpint (enroll (office->url, "F1", code, &retry_after), ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/office-state/private-folder", test_private_folder);
  g_test_add_func ("/office-state/private-refused", test_private_refused);
  g_test_add_func ("/office-state/enroll-limits-restart", test_enroll_limits_restart);
  g_test_add_func ("/office-state/enroll-limits-clock-back", test_enroll_limits_clock_back);
  return g_test_run ();
}
