/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-crash-util.h"
#include "xuncha-test-signing.h"
#include "xuncha-test-util.h"

static void
kill_while_saving (const char *algorithm)
{
  const char *rounds_env = g_getenv ("XUNCHA_CRASH_ROUNDS");
  guint rounds = rounds_env != NULL ? (guint)g_ascii_strtoull (rounds_env, NULL, 10) : 200;
  const char *slowdown_env = g_getenv ("XUNCHA_TEST_SLOWDOWN");
  guint slowdown = slowdown_env != NULL ? (guint)g_ascii_strtoull (slowdown_env, NULL, 10) : 1;
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaEvidenceKey) key = NULL;
  CrashStats stats;

  if (algorithm != NULL)
    {
      key = xuncha_test_give_signing_key (dir, algorithm);
      rounds = MAX (rounds / 2, 1);
    }

  /* A sanitizer build starts the child far more slowly: the kills must still land both
   * before and during saving. */
  crash_run (xuncha_test_program ("XUNCHA_CRASH_CHILD"), dir, rounds, 60 * MAX (slowdown, 1),
             &stats);
  g_test_message ("%u rounds, %u reports saved, %u kills before the first save, %u leftover "
                  "temporary files removed; one save took %u ms from the child's start",
                  stats.rounds, stats.saved, stats.killed_idle, stats.temp_removed,
                  stats.calibration_ms);
  g_assert_cmpuint (stats.rounds, ==, rounds);
  /* The kills must have landed both before and during saving. */
  g_assert_cmpuint (stats.saved, >, 0);
  /* Every report announced was signed (a kill may land after the commit, before the
   * announcement: more manifests than announced reports, never fewer). */
  if (algorithm != NULL)
    {
      g_test_message ("%u signed manifests", stats.manifests);
      g_assert_cmpuint (stats.manifests, >=, stats.saved);
    }
  xuncha_test_remove_tree (dir);
}

static void
test_kill_while_saving (void)
{
  kill_while_saving (NULL);
}

/* The manifest is written in the report's transaction: a kill leaves both or neither. */
static void
test_kill_while_signing (void)
{
  kill_while_saving (XUNCHA_EVIDENCE_ALGORITHM_SM2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/report-crash/kill-while-saving", test_kill_while_saving);
  g_test_add_func ("/report-crash/kill-while-signing", test_kill_while_signing);
  return g_test_run ();
}
