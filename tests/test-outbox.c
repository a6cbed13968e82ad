/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

#define SHA_P "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

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

static char *
outbox_state (XunchaStore *store,
              const char  *kind,
              const char  *item)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                             "SELECT state FROM outbox "
                                             "WHERE kind = ?1 AND item = ?2", &error);
  char *state = NULL;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return state;
}

/* At a program's start: what an older build left out of the outbox is listed (it listed
 * shifts only when a sync began), and a shift the office acknowledged that has more
 * points since (an older build did not put it back to waiting) waits again; this also
 * on every later start, when the listing itself is skipped because the counts agree. */
static void
test_listed_at_start (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  /* As an older build left them: rows without their outbox rows. */
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category) VALUES "
                                    "('r', '2024-05-02T01:05:00Z', '09006');"
                                    "INSERT INTO shifts (uuid, kind, started_at, source) VALUES "
                                    "('s', 'early', '2024-05-02T01:00:00Z', 'import');"
                                    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon) "
                                    "VALUES ('s', 0, 1714611600000, 30.65, 104.06),"
                                    "       ('s', 1, 1714611601000, 30.65, 104.06);",
                                    &error));
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_no_error (error);
  state = outbox_state (store, "report", "r");
  g_assert_cmpstr (state, ==, "waiting");
  g_clear_pointer (&state, g_free);
  state = outbox_state (store, "shift", "s");
  g_assert_cmpstr (state, ==, "waiting");
  g_clear_pointer (&state, g_free);

  /* The office holds both points; then an older build adds one and does not sync. */
  g_assert_true (xuncha_outbox_mark_acked (store, "shift", "s", NULL, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "UPDATE outbox SET office_points = 2 WHERE item = 's';"
                                    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon) "
                                    "VALUES ('s', 2, 1714611602000, 30.65, 104.06);", &error));
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_no_error (error);
  state = outbox_state (store, "shift", "s");
  g_assert_cmpstr (state, ==, "waiting");
  g_clear_pointer (&state, g_free);

  /* Held in full: it stays acknowledged. */
  g_assert_true (xuncha_outbox_mark_acked (store, "shift", "s", NULL, &error));
  g_assert_true (xuncha_store_exec (store, "UPDATE outbox SET office_points = 3 "
                                           "WHERE item = 's';", &error));
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  state = outbox_state (store, "shift", "s");
  g_assert_cmpstr (state, ==, "acked");

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

static const XunchaOutboxEntry *
find_entry (GPtrArray  *entries,
            const char *kind,
            const char *item)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const XunchaOutboxEntry *entry = entries->pdata[i];

      if (g_str_equal (entry->kind, kind) && g_str_equal (entry->item, item))
        return entry;
    }
  g_assert_not_reached ();
  return NULL;
}

/* The office was restored and lost what it acknowledged: every acknowledged report and
 * shift waits again, keeping its receipt, tries, times and (a shift) its cursor, in its
 * place in the queue; failed and waiting items and photos stay as they are. Kept in the
 * store file; once done, nothing is acknowledged to queue again. */
static void
test_requeue_acked (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const XunchaOutboxEntry *entry;
  int requeued;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category) VALUES "
                                    "('a', '2024-05-02T01:05:00Z', '09006'),"
                                    "('b', '2024-05-02T01:06:00Z', '09006'),"
                                    "('c', '2024-05-02T01:07:00Z', '09006');"
                                    "INSERT INTO shifts (uuid, kind, started_at, source) VALUES "
                                    "('s', 'early', '2024-05-02T01:00:00Z', 'import');"
                                    "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon) "
                                    "VALUES ('s', 0, 1714611600000, 30.65, 104.06),"
                                    "       ('s', 1, 1714611601000, 30.65, 104.06);",
                                    &error));
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_true (xuncha_outbox_enqueue (store, "photo", SHA_P, "2024-05-02T01:05:00Z", &error));
  g_assert_no_error (error);
  /* a: tried once, then acknowledged; b: refused; c: waits; s: held in full; the photo
   * acknowledged. */
  g_assert_true (xuncha_outbox_mark_retry (store, "report", "a", "reset", 1, &error));
  g_assert_true (xuncha_outbox_mark_acked (store, "report", "a", "R-a", &error));
  g_assert_true (xuncha_outbox_mark_failed (store, "report", "b", "409", &error));
  g_assert_true (xuncha_outbox_set_progress (store, "shift", "s", 2, &error));
  g_assert_true (xuncha_outbox_set_office_points (store, "shift", "s", 2, &error));
  g_assert_true (xuncha_outbox_mark_acked (store, "shift", "s", NULL, &error));
  g_assert_true (xuncha_outbox_mark_acked (store, "photo", SHA_P, "2024-05-02T01:05:09Z",
                                           &error));
  g_assert_no_error (error);

  g_assert_true (xuncha_store_begin (store, &error));
  requeued = xuncha_outbox_requeue_acked (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (requeued, ==, 2);
  g_assert_true (xuncha_store_commit (store, &error));

  /* In the file, as another process opening the store sees it. */
  g_clear_object (&store);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  entries = xuncha_outbox_list (store, &error);
  g_assert_no_error (error);
  entry = find_entry (entries, "report", "a");
  g_assert_cmpstr (entry->state, ==, "waiting");
  g_assert_cmpstr (entry->receipt, ==, "R-a");
  g_assert_cmpint (entry->attempts, ==, 1);
  g_assert_nonnull (entry->acked_at);
  g_assert_null (entry->next_try_at);
  g_assert_cmpstr (entry->queued_at, ==, "2024-05-02T01:05:00Z");
  entry = find_entry (entries, "report", "b");
  g_assert_cmpstr (entry->state, ==, "failed");
  entry = find_entry (entries, "report", "c");
  g_assert_cmpstr (entry->state, ==, "waiting");
  entry = find_entry (entries, "shift", "s");
  g_assert_cmpstr (entry->state, ==, "waiting");
  g_assert_cmpint (entry->progress, ==, 2);
  g_assert_cmpint (entry->office_points, ==, 2);
  entry = find_entry (entries, "photo", SHA_P);
  g_assert_cmpstr (entry->state, ==, "acked");
  /* The queue keeps its order: a before b before c. */
  g_assert_cmpstr (((XunchaOutboxEntry *)entries->pdata[0])->item, ==, "a");
  g_assert_cmpstr (((XunchaOutboxEntry *)entries->pdata[2])->item, ==, "c");

  /* Nothing acknowledged is left to queue again. */
  g_assert_cmpint (xuncha_outbox_requeue_acked (store, &error), ==, 0);
  g_assert_no_error (error);

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/outbox/next-try", test_next_try);
  g_test_add_func ("/outbox/listed-at-start", test_listed_at_start);
  g_test_add_func ("/outbox/requeue-acked", test_requeue_acked);

  return g_test_run ();
}
