/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The crash test as a soak: $XUNCHA_SOAK_ROUNDS rounds (default 100; 1000 for the full
 * soak) of killing a saving child with SIGKILL, each checked for lost or half-saved
 * reports. Reports per second under kills against the same child left alone. */
#include "config.h"

#include "bench-util.h"
#include "xuncha-crash-util.h"

int
main (void)
{
  const char *env = g_getenv ("XUNCHA_SOAK_ROUNDS");
  const char *child = g_getenv ("XUNCHA_CRASH_CHILD");
  guint rounds = env != NULL ? (guint)g_ascii_strtoull (env, NULL, 10) : 100;
  g_autofree char *dir = bench_tmpdir ();
  g_autofree char *calm_dir = bench_tmpdir ();
  g_autoptr(GError) error = NULL;
  CrashStats stats;
  gint64 start;
  double calm_rate, kill_rate;
  int status = 0;

  g_assert_nonnull (child);
  {
    const char *argv[] = { child, calm_dir, "50", NULL };
    start = g_get_monotonic_time ();
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  NULL, &status, &error);
    g_assert_no_error (error);
    calm_rate = 50 / ((g_get_monotonic_time () - start) / 1e6);
  }

  crash_run (child, dir, rounds, 60, &stats);
  kill_rate = stats.saved / stats.child_seconds;
  g_printerr ("%u rounds: %u reports saved and found again, %u kills before the first save, "
              "%u leftover files swept\n", stats.rounds, stats.saved, stats.killed_idle,
              stats.temp_removed);
  bench_print ("kill_soak_save_rate", kill_rate, "reports/s", "uninterrupted_child",
               kill_rate / calm_rate);
  bench_print ("kill_soak_lost_reports", 0, "reports", "saved_reports", 0.0);
  bench_remove_tree (dir);
  bench_remove_tree (calm_dir);
  return 0;
}
