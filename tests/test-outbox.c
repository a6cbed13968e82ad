/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

/* The earliest waiting item's next try, which the app's automatic sync waits for. */
static void
test_next_try (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 soon = 1900000000000, later = soon + 60000;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category) VALUES "
                                    "('a', '2024-05-02T01:05:00Z', '09006'),"
                                    "('b', '2024-05-02T01:06:00Z', '09006')", &error));
  g_assert_true (xuncha_outbox_enqueue_missing (store, &error));
  g_assert_no_error (error);

  /* Nothing failed yet: nothing waits for a later try. */
  g_assert_cmpint (xuncha_outbox_next_try_ms (store), ==, -1);

  g_assert_true (xuncha_outbox_mark_retry (store, "report", "b", "reset", later, &error));
  g_assert_cmpint (xuncha_outbox_next_try_ms (store), ==, later);
  g_assert_true (xuncha_outbox_mark_retry (store, "report", "a", "reset", soon, &error));
  g_assert_cmpint (xuncha_outbox_next_try_ms (store), ==, soon);

  /* Acknowledged and failed items are not tried again by themselves. */
  g_assert_true (xuncha_outbox_mark_acked (store, "report", "a", "R-1", &error));
  g_assert_cmpint (xuncha_outbox_next_try_ms (store), ==, later);
  g_assert_true (xuncha_outbox_mark_failed (store, "report", "b", "409", &error));
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_outbox_next_try_ms (store), ==, -1);

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/outbox/next-try", test_next_try);

  return g_test_run ();
}
