/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

static void
test_near_with_recent_counts (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *merchants = xuncha_test_source_path ("data/demo/merchants.geojson");
  g_autofree char *streets = xuncha_test_source_path ("data/demo/streets.geojson");
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaMapImporter) importer = xuncha_map_importer_new (store);
  g_autoptr(GPtrArray) near = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  gint64 now_ms = g_date_time_to_unix (now) * 1000;
  XunchaMerchant *first;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_true (xuncha_map_importer_import_streets_file (importer, streets, NULL, &error));
  g_assert_true (xuncha_map_importer_import_merchants_file (importer, merchants, NULL, &error));
  g_assert_no_error (error);

  /* M001 老王面馆 (106.0853125, 30.7939148): two reports this month, one in the summer. */
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category, merchant_id) VALUES "
                                    "('a', '2026-11-20T09:00:00.000Z', '09005', 'M001'),"
                                    "('b', '2026-11-01T09:00:00.000Z', '09005', 'M001'),"
                                    "('c', '2026-07-01T09:00:00.000Z', '09005', 'M001')",
                                    &error));
  g_assert_no_error (error);

  near = xuncha_merchant_find_near (store, 30.79392, 106.08529, 60, 5, now_ms, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (near->len, >=, 1);
  first = g_ptr_array_index (near, 0);
  g_assert_cmpstr (first->id, ==, "M001");
  g_assert_cmpstr (first->name, ==, "老王面馆");
  g_assert_cmpfloat (first->distance_m, <, 5);
  g_assert_cmpuint (first->recent_reports, ==, 2);
  for (guint i = 1; i < near->len; i++)
    {
      XunchaMerchant *prev = g_ptr_array_index (near, i - 1);
      XunchaMerchant *cur = g_ptr_array_index (near, i);
      g_assert_cmpfloat (prev->distance_m, <=, cur->distance_m);
      g_assert_cmpfloat (cur->distance_m, <=, 60);
    }

  /* Far from every shop: nothing, not the nearest at any distance. */
  none = xuncha_merchant_find_near (store, 30.9, 106.2, 60, 5, now_ms, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/merchant/near-with-recent-counts", test_near_with_recent_counts);

  return g_test_run ();
}
