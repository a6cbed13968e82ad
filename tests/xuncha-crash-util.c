/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xuncha-core.h"
#include "xuncha-crash-util.h"
#include "xuncha-store-private.h"
#include "xuncha-test-signing.h"

/* Adds the reports the child announced in @text ("saved <uuid>" lines) to @saved; returns
 * how many. A line cut by the kill (no newline yet) does not count: the child had not said
 * "saved" in full. */
static guint
add_saved (const char *text,
           GHashTable *saved)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (g_str_has_prefix (lines[i], "saved ") && strlen (lines[i]) == 6 + 36)
      {
        g_hash_table_add (saved, g_strdup (lines[i] + 6));
        count++;
      }
  return count;
}

static void
read_saved (int         fd,
            GHashTable *saved,
            CrashStats *stats)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (out, buf, n);
  stats->saved += add_saved (out->str, saved);
}

static guint
count_leftovers (const char *photos_dir,
                 GHashTable *known)
{
  g_autoptr(GDir) dir = g_dir_open (photos_dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, ".tmp-"))
        n++;
      else if (g_str_has_suffix (name, ".jpg") && !g_hash_table_contains (known, name))
        n++;
    }
  return n;
}

static void
check_store (const char *dir,
             GHashTable *saved,
             CrashStats *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *photos_dir = g_build_filename (dir, "photos", NULL);
  g_autofree char *signing_key = NULL;
  g_autoptr(GDir) before = NULL;
  const char *name;
  guint leftovers_before = 0;
  XunchaPhotoStore *ps;
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key;
  int rc;

  before = g_dir_open (photos_dir, 0, NULL);
  while (before != NULL && (name = g_dir_read_name (before)) != NULL)
    leftovers_before += g_str_has_prefix (name, ".tmp-");

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_check_integrity (store, &error));
  g_assert_no_error (error);
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  ps = xuncha_report_store_get_photo_store (reports);

  /* Every report the child announced is there, whole. */
  g_hash_table_iter_init (&iter, saved);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(XunchaReport) report = xuncha_report_store_get (reports, key, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (xuncha_report_get_n_photos (report), >=, 1);
    }

  /* Every photo row has its file with the right content. */
  stmt = xuncha_store_prepare (store, "SELECT sha256 FROM photos", &error);
  g_assert_no_error (error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *sha = (const char *)sqlite3_column_text (stmt, 0);
      g_assert_true (xuncha_photo_store_verify (ps, sha, &error));
      g_assert_no_error (error);
      g_hash_table_add (known, g_strconcat (sha, ".jpg", NULL));
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_reset (stmt);

  /* Every report is queued for the office, with each of its photos. */
  stmt = xuncha_store_prepare (store,
                               "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM "
                               "outbox o WHERE o.kind = 'report' AND o.item = r.uuid)", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);
  stmt = xuncha_store_prepare (store,
                               "SELECT count(*) FROM photos p WHERE NOT EXISTS (SELECT 1 FROM "
                               "outbox o WHERE o.kind = 'photo' AND o.item = p.sha256)", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);

  /* A device that signs never keeps a report without its manifest, nor a manifest
   * without its report, and its chain has no gap. */
  signing_key = xuncha_store_get_meta (store, "evidence.device_key");
  if (signing_key != NULL && *signing_key != '\0')
    stats->manifests = xuncha_test_check_manifests (store);

  /* The open swept what the kill left: no temporary file, no photo without a row. */
  g_assert_cmpuint (count_leftovers (photos_dir, known), ==, 0);
  stats->temp_removed += leftovers_before;
}

void
crash_run (const char *child,
           const char *dir,
           guint       rounds,
           guint       max_delay_ms,
           CrashStats *stats)
{
  g_autoptr(GHashTable) saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new ();

  memset (stats, 0, sizeof *stats);
  /* The kills must land both before and during saving on this machine as loaded as it is
   * now: a child left to save one report shows how long starting and saving take, and the
   * kills are spread over twice that when it is more than @max_delay_ms. The second of two
   * such children is timed: the first also makes the store, which the rounds find made. */
  for (guint run = 0; run < 2; run++)
    {
      const char *argv[] = { child, dir, "1", NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      gint64 start = g_get_monotonic_time ();

      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL,
                    &error);
      g_assert_no_error (error);
      stats->calibration_ms = (guint)((g_get_monotonic_time () - start) / 1000);
      g_assert_cmpuint (add_saved (out, saved), ==, 1);
      check_store (dir, saved, stats);
    }
  max_delay_ms = MAX (max_delay_ms, 2 * stats->calibration_ms);
  for (guint round = 0; round < rounds; round++)
    {
      const char *argv[] = { child, dir, NULL };
      g_autoptr(GError) error = NULL;
      GPid pid;
      int out_fd;
      int status;
      guint before = stats->saved;
      gint64 start = g_get_monotonic_time ();

      g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 0, (gint32)max_delay_ms * 1000 + 1));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      stats->child_seconds += (g_get_monotonic_time () - start) / 1e6;
      /* Killed, or failed on its own with a message: the latter is a bug. */
      g_assert_true (WIFSIGNALED (status) || (WIFEXITED (status) && WEXITSTATUS (status) == 0));
      read_saved (out_fd, saved, stats);
      close (out_fd);
      g_spawn_close_pid (pid);
      if (stats->saved == before)
        stats->killed_idle++;

      check_store (dir, saved, stats);
      stats->rounds++;
    }
}
