/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))

/* Records the fixture through the CLI in a child, kills it with SIGKILL after a number of
 * committed batches, and returns the last seq the child reported as saved. */
static gint64
record_and_kill (const char *dir,
                 const char *track,
                 guint       kill_after_batches)
{
  const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", dir, "shift",
                         "start", "--replay", track, "--speed", "40", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  GPid pid;
  int out_fd, status;
  guint batches = 0;
  gint64 last_saved = -1;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  raw = g_unix_input_stream_new (out_fd, TRUE);
  lines = g_data_input_stream_new (raw);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
      gint64 first, last;

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* the child must not end before we kill it */
      if (sscanf (line, "saved %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &first, &last) != 2)
        continue;
      g_assert_cmpint (first, ==, last_saved + 1);
      last_saved = last;
      if (++batches == kill_after_batches)
        break;
    }

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (pid);
  return last_saved;
}

static GArray *
open_shift_points (const char   *dir,
                   XunchaShift **shift_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaShift) shift = NULL;
  GArray *points;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_check_integrity (store, &error));
  shift = xuncha_shift_get_open (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shift);
  points = xuncha_shift_load_points (shift, store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_shift_count_points (shift, store, NULL), ==, points->len);
  if (shift_out != NULL)
    *shift_out = g_steal_pointer (&shift);
  return points;
}

/* The shift is killed half-way, then started again with the same log: every point the
 * first run said it saved is there, unchanged, and the track goes on from the next seq. */
static void
test_kill_and_resume (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *track = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  g_autoptr(GArray) fixes = xuncha_track_file_load (track, NULL, NULL);
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(GArray) reference = NULL;
  g_autoptr(GArray) after_kill = NULL;
  g_autoptr(GArray) final = NULL;
  g_autoptr(XunchaShift) killed_shift = NULL;
  g_autoptr(XunchaShift) final_shift = NULL;
  g_autofree char *out = NULL;
  const char *resume[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", dir, "shift",
                           "start", "--replay", track, "--speed", "1000", NULL };
  gint64 last_saved;

  reference = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)fixes->data,
                                     fixes->len);
  last_saved = record_and_kill (dir, track, 30);
  g_test_message ("killed after seq %" G_GINT64_FORMAT, last_saved);

  after_kill = open_shift_points (dir, &killed_shift);
  /* Nothing reported as saved was lost; at most the batch being written when the signal
   * came is there too. */
  g_assert_cmpint (after_kill->len, >=, last_saved + 1);
  g_assert_cmpint (after_kill->len, <=, last_saved + 1 + 2 * XUNCHA_SHIFT_RECORDER_BATCH_POINTS);
  for (guint i = 0; i < after_kill->len; i++)
    g_assert_cmpmem (FIX (after_kill, i), sizeof (XunchaFix), FIX (reference, i),
                     sizeof (XunchaFix));

  g_assert_cmpint (xuncha_test_run (resume, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Resuming the open shift"));
  g_assert_nonnull (strstr (out, "Continuing the track after point"));

  final = open_shift_points (dir, &final_shift);
  g_assert_cmpstr (xuncha_shift_get_uuid (final_shift), ==, xuncha_shift_get_uuid (killed_shift));
  for (guint i = 0; i < after_kill->len; i++)
    g_assert_cmpmem (FIX (final, i), sizeof (XunchaFix), FIX (after_kill, i), sizeof (XunchaFix));
  for (guint i = 1; i < final->len; i++)
    g_assert_cmpint (FIX (final, i)->t_ms, >, FIX (final, i - 1)->t_ms);
  g_test_message ("after resume %u points, uninterrupted %u", final->len, reference->len);
  g_assert_cmpint (ABS ((int)final->len - (int)reference->len), <=, 5);
  g_assert_cmpint (FIX (final, final->len - 1)->t_ms, ==,
                   FIX (reference, reference->len - 1)->t_ms);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/shift-crash/kill-and-resume", test_kill_and_resume);

  return g_test_run ();
}
