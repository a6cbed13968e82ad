/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

static void
exec (XunchaStore *store,
      const char  *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static gint64
local_ms (int y, int m, int d, int hour)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) time = g_date_time_new (local, y, m, d, hour, 0, 0);

  return g_date_time_to_unix (time) * 1000;
}

static void
test_due_list (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(XunchaDueReinspection) copy = NULL;
  const XunchaDueReinspection *first, *second;

  g_assert_no_error (error);
  g_assert_true (xuncha_taxonomy_ensure_loaded (store, &error));
  g_assert_no_error (error);
  exec (store, "INSERT INTO streets (id, name, geometry, min_lon, min_lat, max_lon, max_lat, "
               "updated_at) VALUES ('CSL-02', '陈寿路', x'00', 0, 0, 0, 0, '2024-05-01T00:00:00Z')");
  exec (store,
        "INSERT INTO reports (uuid, created_at, category, disposition, deadline, street_id, lat, lon) VALUES "
        /* a date deadline: due from the end of 3 May */
        "('a-date', '2024-05-01T02:00:00Z', '09006', 'deadline', '2024-05-03', 'CSL-02', 30.79, 106.08),"
        /* a time deadline, earlier: listed first */
        "('b-time', '2024-04-28T02:00:00Z', '07001', 'deadline', '2024-05-01T10:00:00+08:00', NULL, NULL, NULL),"
        /* not yet due */
        "('c-future', '2024-05-04T02:00:00Z', '09006', 'deadline', '2024-06-01', NULL, 30.79, 106.08),"
        /* corrected on the spot: nothing to re-inspect */
        "('d-corrected', '2024-05-01T02:00:00Z', '09006', 'corrected', NULL, NULL, 30.79, 106.08),"
        /* due, but already re-inspected (e-child points to it) */
        "('e-done', '2024-04-20T02:00:00Z', '09006', 'deadline', '2024-04-22', NULL, 30.79, 106.08),"
        /* a deadline that is no date is skipped, not an error */
        "('f-bad', '2024-04-20T02:00:00Z', '09006', 'deadline', 'next week', NULL, 30.79, 106.08)");
  exec (store, "INSERT INTO reports (uuid, created_at, category, disposition, parent_uuid) "
               "VALUES ('e-child', '2024-04-23T02:00:00Z', '09006', 'corrected', 'e-done')");

  /* 6 May, 09:00 local. */
  due = xuncha_due_reinspection_list (store, local_ms (2024, 5, 6, 9), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 2);
  first = g_ptr_array_index (due, 0);
  second = g_ptr_array_index (due, 1);
  g_assert_cmpstr (first->uuid, ==, "b-time");
  g_assert_cmpint (first->deadline_ms, ==, 1714528800000);   /* 02:00Z on 1 May */
  g_assert_null (first->street_id);
  g_assert_true (isnan (first->lat));
  g_assert_cmpstr (second->uuid, ==, "a-date");
  g_assert_cmpstr (second->category, ==, "09006");
  g_assert_cmpstr (second->street_id, ==, "CSL-02");
  g_assert_cmpstr (second->street_name, ==, "陈寿路");
  g_assert_cmpstr (second->deadline, ==, "2024-05-03");
  g_assert_cmpint (second->deadline_ms, ==, local_ms (2024, 5, 4, 0));
  /* From midnight starting 4 May to 09:00 on 6 May: two whole days. */
  g_assert_cmpuint (second->days_overdue, ==, 2);

  copy = xuncha_due_reinspection_copy (second);
  g_assert_cmpstr (copy->street_name, ==, "陈寿路");
  g_assert_cmpfloat (copy->lat, ==, 30.79);

  /* On 3 May at 23:00 the date deadline has not passed yet. */
  later = xuncha_due_reinspection_list (store, local_ms (2024, 5, 3, 23), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 1);
  g_assert_cmpstr (((XunchaDueReinspection *)g_ptr_array_index (later, 0))->uuid, ==, "b-time");

  g_clear_object (&store);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/due-reinspection/list", test_due_list);

  return g_test_run ();
}
