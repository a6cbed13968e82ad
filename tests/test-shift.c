/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))

static XunchaStore *
open_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  XunchaStore *store;

  *dir = xuncha_test_make_tmpdir ();
  store = xuncha_store_open (*dir, &error);
  g_assert_no_error (error);
  return store;
}

static GArray *
load_fixture (const char *name)
{
  g_autofree char *relative = g_build_filename ("tests", "fixtures", name, NULL);
  g_autofree char *path = xuncha_test_source_path (relative);
  g_autoptr(GError) error = NULL;
  GArray *fixes = xuncha_track_file_load (path, NULL, &error);

  g_assert_no_error (error);
  return fixes;
}

static void
test_kind_for_time (void)
{
  static const struct { int hour, minute; XunchaShiftKind kind; } cases[] = {
    { 4, 0, XUNCHA_SHIFT_KIND_EARLY }, { 9, 59, XUNCHA_SHIFT_KIND_EARLY },
    { 10, 0, XUNCHA_SHIFT_KIND_MID }, { 15, 59, XUNCHA_SHIFT_KIND_MID },
    { 16, 0, XUNCHA_SHIFT_KIND_LATE }, { 23, 30, XUNCHA_SHIFT_KIND_LATE },
    { 0, 0, XUNCHA_SHIFT_KIND_LATE }, { 3, 59, XUNCHA_SHIFT_KIND_LATE },
  };
  XunchaShiftKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_local (2024, 5, 1, cases[i].hour,
                                                      cases[i].minute, 0);
      g_assert_cmpint (xuncha_shift_kind_for_time (t), ==, cases[i].kind);
    }
  g_assert_true (xuncha_shift_kind_from_string ("late", &kind));
  g_assert_cmpint (kind, ==, XUNCHA_SHIFT_KIND_LATE);
  g_assert_false (xuncha_shift_kind_from_string ("night", &kind));
}

/* The name on screen follows the start hour: a 01:00 and a 16:14 shift are not both late. */
static void
test_period_for_time (void)
{
  static const struct { int hour, minute; XunchaShiftPeriod period; } cases[] = {
    { 4, 0, XUNCHA_SHIFT_PERIOD_EARLY }, { 7, 30, XUNCHA_SHIFT_PERIOD_EARLY },
    { 9, 59, XUNCHA_SHIFT_PERIOD_EARLY }, { 10, 0, XUNCHA_SHIFT_PERIOD_MID },
    { 12, 0, XUNCHA_SHIFT_PERIOD_MID }, { 15, 59, XUNCHA_SHIFT_PERIOD_MID },
    { 16, 0, XUNCHA_SHIFT_PERIOD_LATE }, { 16, 14, XUNCHA_SHIFT_PERIOD_LATE },
    { 21, 59, XUNCHA_SHIFT_PERIOD_LATE }, { 22, 0, XUNCHA_SHIFT_PERIOD_NIGHT },
    { 23, 59, XUNCHA_SHIFT_PERIOD_NIGHT }, { 0, 0, XUNCHA_SHIFT_PERIOD_NIGHT },
    { 1, 0, XUNCHA_SHIFT_PERIOD_NIGHT }, { 3, 59, XUNCHA_SHIFT_PERIOD_NIGHT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_local (2024, 5, 1, cases[i].hour,
                                                      cases[i].minute, 0);
      g_assert_cmpint (xuncha_shift_period_for_time (t), ==, cases[i].period);
    }
}

static void
test_one_open_shift (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaShift) second = NULL;
  g_autoptr(XunchaShift) open = NULL;
  g_autoptr(XunchaShift) found = NULL;
  g_autofree char *prefix = NULL;

  g_assert_null (xuncha_shift_get_open (store, &error));
  g_assert_no_error (error);

  shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_EARLY, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_shift_is_open (shift));
  g_assert_cmpstr (xuncha_shift_get_source (shift), ==, "live");

  second = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, &error);
  g_assert_null (second);
  g_assert_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_ALREADY_OPEN);
  g_clear_error (&error);

  /* The schema itself refuses a second open shift, whoever writes it. */
  g_assert_false (xuncha_store_exec (store,
                                     "INSERT INTO shifts (uuid, kind, started_at) "
                                     "VALUES ('x', 'mid', '2024-05-01T00:00:00.000Z')",
                                     &error));
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  open = xuncha_shift_get_open (store, &error);
  g_assert_nonnull (open);
  g_assert_cmpstr (xuncha_shift_get_uuid (open), ==, xuncha_shift_get_uuid (shift));
  g_assert_cmpint (xuncha_shift_get_kind (open), ==, XUNCHA_SHIFT_KIND_EARLY);

  prefix = g_strndup (xuncha_shift_get_uuid (shift), 6);
  found = xuncha_shift_lookup (store, prefix, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_shift_get_uuid (found), ==, xuncha_shift_get_uuid (shift));

  g_assert_true (xuncha_shift_stop (shift, store, 0, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_shift_is_open (shift));
  g_assert_cmpint (xuncha_shift_get_ended_ms (shift), >=, xuncha_shift_get_started_ms (shift));
  g_assert_false (xuncha_shift_stop (shift, store, 0, &error));
  g_assert_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_OPEN);
  g_clear_error (&error);

  /* Closed: a new one may start. */
  g_clear_object (&second);
  second = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  xuncha_test_remove_tree (dir);
}

static void
test_points_round_trip (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, NULL);
  g_autoptr(GArray) loaded = NULL;
  XunchaFix fixes[2] = { xuncha_fix_init (1000, 30.5, 104.1), xuncha_fix_init (2000, 30.6, 104.2) };
  XunchaFix last;
  gint64 seq = -1;

  fixes[1].accuracy = 4.5;
  fixes[1].altitude = -3;
  fixes[1].speed = 1.25;
  fixes[1].heading = 270;
  g_assert_false (xuncha_shift_get_last_point (shift, store, &seq, &last, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_shift_append_points (shift, store, 0, fixes, 2, &error));
  g_assert_no_error (error);
  /* Points are keyed by (shift, seq): writing seq 1 again fails and changes nothing. */
  g_assert_false (xuncha_shift_append_points (shift, store, 1, fixes, 2, &error));
  g_assert_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (xuncha_shift_count_points (shift, store, NULL), ==, 2);

  loaded = xuncha_shift_load_points (shift, store, &error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_true (isnan (FIX (loaded, 0)->accuracy) && isnan (FIX (loaded, 0)->heading));
  g_assert_cmpfloat (FIX (loaded, 1)->altitude, ==, -3);
  g_assert_cmpfloat (FIX (loaded, 1)->heading, ==, 270);
  g_assert_true (xuncha_shift_get_last_point (shift, store, &seq, &last, &error));
  g_assert_cmpint (seq, ==, 1);
  g_assert_cmpint (last.t_ms, ==, 2000);
  g_assert_cmpfloat (last.speed, ==, 1.25);
  xuncha_test_remove_tree (dir);
}

/* A reading the protocol cannot carry (docs/protocol.md) is kept as unknown: stored as it
 * came, it would make the office refuse every batch of points it is in. */
static void
test_points_out_of_range (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, NULL);
  g_autoptr(GArray) loaded = NULL;
  XunchaFix fixes[2] = { xuncha_fix_init (1000, 30.5, 104.1), xuncha_fix_init (2000, 30.6, 104.2) };

  fixes[0].accuracy = -5;
  fixes[0].altitude = 99999;
  fixes[0].speed = 400;
  fixes[0].heading = 9999;
  fixes[1].accuracy = XUNCHA_PROTOCOL_ACCURACY_MAX_M;
  fixes[1].altitude = XUNCHA_PROTOCOL_ALTITUDE_MIN_M;
  fixes[1].speed = XUNCHA_PROTOCOL_SPEED_MAX_MS;
  fixes[1].heading = 360;
  g_assert_true (xuncha_shift_append_points (shift, store, 0, fixes, 2, &error));
  g_assert_no_error (error);
  loaded = xuncha_shift_load_points (shift, store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_true (isnan (FIX (loaded, 0)->accuracy));
  g_assert_true (isnan (FIX (loaded, 0)->altitude));
  g_assert_true (isnan (FIX (loaded, 0)->speed));
  g_assert_true (isnan (FIX (loaded, 0)->heading));
  g_assert_cmpfloat (FIX (loaded, 1)->accuracy, ==, XUNCHA_PROTOCOL_ACCURACY_MAX_M);
  g_assert_cmpfloat (FIX (loaded, 1)->altitude, ==, XUNCHA_PROTOCOL_ALTITUDE_MIN_M);
  g_assert_cmpfloat (FIX (loaded, 1)->speed, ==, XUNCHA_PROTOCOL_SPEED_MAX_MS);
  g_assert_cmpfloat (FIX (loaded, 1)->heading, ==, 360);
  xuncha_test_remove_tree (dir);
}

typedef struct
{
  GMainLoop *loop;
  GArray    *batches;      /* pairs of gint64 first, last */
  gint64     stop_after;   /* quit the loop after this many points were committed */
} Recording;

static void
on_batch (XunchaShiftRecorder *recorder,
          gint64               first,
          gint64               last,
          Recording           *recording)
{
  g_array_append_val (recording->batches, first);
  g_array_append_val (recording->batches, last);
  if (recording->stop_after > 0 && last + 1 >= recording->stop_after)
    g_main_loop_quit (recording->loop);
}

static void
on_state (XunchaLocationSource *source,
          GParamSpec           *pspec,
          Recording            *recording)
{
  if (xuncha_location_source_get_state (source) == XUNCHA_LOCATION_STATE_FINISHED)
    g_main_loop_quit (recording->loop);
}

/* Records the walk fixture through a replay source; returns what the filter kept. */
static guint
record (XunchaStore *store,
        XunchaShift *shift,
        GArray      *fixes,
        gint64       stop_after,
        GArray      *batches)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReplaySource) source =
    xuncha_replay_source_new ((const XunchaFix *)(const void *)fixes->data, fixes->len, 0);
  g_autoptr(XunchaShiftRecorder) recorder = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Recording recording = { loop, batches, stop_after };

  recorder = xuncha_shift_recorder_new (store, shift, XUNCHA_LOCATION_SOURCE (source), &error);
  g_assert_no_error (error);
  g_signal_connect (recorder, "batch-committed", G_CALLBACK (on_batch), &recording);
  g_signal_connect (source, "notify::state", G_CALLBACK (on_state), &recording);
  xuncha_shift_recorder_start (recorder);
  g_main_loop_run (loop);
  g_signal_handlers_disconnect_by_data (source, &recording);
  g_assert_true (xuncha_shift_recorder_stop (recorder, &error));
  g_assert_no_error (error);
  return xuncha_fix_filter_get_stats (xuncha_shift_recorder_get_filter (recorder))->accepted;
}

static void
test_recorder_batches (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(XunchaShift) shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, NULL);
  g_autoptr(GArray) fixes = load_fixture ("walk-1.1.gpx");
  g_autoptr(GArray) batches = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) stored = NULL;
  guint kept;

  kept = record (store, shift, fixes, 0, batches);
  stored = xuncha_shift_load_points (shift, store, NULL);
  g_assert_cmpuint (stored->len, ==, kept);
  g_assert_cmpuint (kept, >, 800);
  g_assert_cmpuint (kept, <, fixes->len);   /* the spike and most of the stop are gone */

  /* Small batches, contiguous, in order, each committed before it was announced. */
  for (guint i = 0; i < batches->len; i += 2)
    {
      gint64 first = g_array_index (batches, gint64, i);
      gint64 last = g_array_index (batches, gint64, i + 1);
      g_assert_cmpint (first, ==, i == 0 ? 0 : g_array_index (batches, gint64, i - 1) + 1);
      g_assert_cmpint (last - first + 1, <=, XUNCHA_SHIFT_RECORDER_BATCH_POINTS + 64);
    }
  g_assert_cmpint (g_array_index (batches, gint64, batches->len - 1), ==, kept - 1);
  xuncha_test_remove_tree (dir);
}

/* Recording stops half-way (the app is closed), a new recorder finds the open shift and
 * replays the same log from its start: the track continues with the next seq, and nothing
 * is stored twice. */
static void
test_recorder_resumes (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(XunchaShift) shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, NULL);
  g_autoptr(XunchaShift) reopened = NULL;
  g_autoptr(GArray) fixes = load_fixture ("walk-1.1.gpx");
  g_autoptr(GArray) batches = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) first_part = NULL;
  g_autoptr(GArray) stored = NULL;
  g_autoptr(XunchaFixFilter) whole = xuncha_fix_filter_new ();
  g_autoptr(GArray) reference = NULL;

  record (store, shift, fixes, 300, batches);
  first_part = xuncha_shift_load_points (shift, store, NULL);
  g_assert_cmpuint (first_part->len, >=, 300);
  g_assert_cmpuint (first_part->len, <, 800);

  reopened = xuncha_shift_get_open (store, NULL);
  g_assert_nonnull (reopened);
  g_array_set_size (batches, 0);
  record (store, reopened, fixes, 0, batches);
  g_assert_cmpint (g_array_index (batches, gint64, 0), ==, first_part->len);

  stored = xuncha_shift_load_points (reopened, store, NULL);
  for (guint i = 0; i < first_part->len; i++)
    g_assert_cmpint (FIX (stored, i)->t_ms, ==, FIX (first_part, i)->t_ms);
  for (guint i = 1; i < stored->len; i++)
    g_assert_cmpint (FIX (stored, i)->t_ms, >, FIX (stored, i - 1)->t_ms);

  /* Same track as without the interruption, give or take a few points near the break and
   * the end: the filter restarts from the last stored point, not from its old anchor. */
  reference = xuncha_fix_filter_run (whole, (const XunchaFix *)(const void *)fixes->data,
                                     fixes->len);
  g_test_message ("resumed track %u points (%u before the break), uninterrupted %u",
                  stored->len, first_part->len, reference->len);
  g_assert_cmpint (ABS ((int)stored->len - (int)reference->len), <=, 5);
  g_assert_cmpint (FIX (stored, stored->len - 1)->t_ms, ==,
                   FIX (reference, reference->len - 1)->t_ms);
  xuncha_test_remove_tree (dir);
}

static XunchaShift *
import_at (XunchaStore *store,
           gint64       t_ms)
{
  g_autoptr(GError) error = NULL;
  XunchaFix fixes[2] = { xuncha_fix_init (t_ms, 30.0, 104.0),
                         xuncha_fix_init (t_ms + 60000, 30.001, 104.0) };
  XunchaShift *shift = xuncha_shift_import (store, XUNCHA_SHIFT_KIND_MID, fixes, 2, &error);

  g_assert_no_error (error);
  return shift;
}

/* History groups shifts by the local day they started (the test runs at UTC+8). */
static void
test_list_by_local_day (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(GDateTime) may1 = g_date_time_new_local (2024, 5, 1, 12, 0, 0);
  g_autoptr(GDateTime) may2 = g_date_time_new_local (2024, 5, 2, 12, 0, 0);
  g_autoptr(GPtrArray) day1 = NULL;
  g_autoptr(GPtrArray) day2 = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(XunchaShift) a = NULL, b = NULL, c = NULL;

  /* 2024-05-01 07:00 local = 2024-04-30T23:00Z; 2024-05-02 01:00 local = 05-01T17:00Z. */
  a = import_at (store, 1714518000000);
  b = import_at (store, 1714582800000);
  c = import_at (store, 1714557600000);   /* 05-01 18:00 local */

  day1 = xuncha_shift_list (store, may1, NULL);
  day2 = xuncha_shift_list (store, may2, NULL);
  all = xuncha_shift_list (store, NULL, NULL);
  g_assert_cmpuint (day1->len, ==, 2);
  g_assert_cmpstr (xuncha_shift_get_uuid (g_ptr_array_index (day1, 0)), ==, xuncha_shift_get_uuid (c));
  g_assert_cmpstr (xuncha_shift_get_uuid (g_ptr_array_index (day1, 1)), ==, xuncha_shift_get_uuid (a));
  g_assert_cmpuint (day2->len, ==, 1);
  g_assert_cmpstr (xuncha_shift_get_uuid (g_ptr_array_index (day2, 0)), ==, xuncha_shift_get_uuid (b));
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_false (xuncha_shift_is_open (b));
  xuncha_test_remove_tree (dir);
}

/* A shift is listed for the office when it starts, before any sync, and every point
 * committed afterwards is counted: a shift acknowledged before it grew waits again. */
static void
test_queued_when_started (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(XunchaStore) store = open_store (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autofree char *state = NULL;
  XunchaFix fix = xuncha_fix_init (1714546800000, 30.66, 104.06);
  XunchaOutboxCounts counts = { 0 };

  shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, &error);
  g_assert_no_error (error);
  state = xuncha_outbox_get_state (store, "shift", xuncha_shift_get_uuid (shift));
  g_assert_cmpstr (state, ==, "waiting");

  g_assert_true (xuncha_outbox_mark_acked (store, "shift", xuncha_shift_get_uuid (shift), "r",
                                           &error));
  g_assert_true (xuncha_outbox_set_office_points (store, "shift",
                                                  xuncha_shift_get_uuid (shift), 0, &error));
  g_assert_true (xuncha_outbox_count (store, "shift", &counts, &error));
  g_assert_cmpuint (counts.acked, ==, 1);
  g_assert_true (xuncha_shift_append_points (shift, store, 0, &fix, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&state, g_free);
  state = xuncha_outbox_get_state (store, "shift", xuncha_shift_get_uuid (shift));
  g_assert_cmpstr (state, ==, "waiting");
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  /* A fixed zone for the day boundaries, set before GLib reads it. */
  g_setenv ("TZ", "CST-8", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/shift/kind-for-time", test_kind_for_time);
  g_test_add_func ("/shift/period-for-time", test_period_for_time);
  g_test_add_func ("/shift/one-open-shift", test_one_open_shift);
  g_test_add_func ("/shift/queued-when-started", test_queued_when_started);
  g_test_add_func ("/shift/points-round-trip", test_points_round_trip);
  g_test_add_func ("/shift/points-out-of-range", test_points_out_of_range);
  g_test_add_func ("/shift/recorder-batches", test_recorder_batches);
  g_test_add_func ("/shift/recorder-resumes", test_recorder_resumes);
  g_test_add_func ("/shift/list-by-local-day", test_list_by_local_day);

  return g_test_run ();
}
