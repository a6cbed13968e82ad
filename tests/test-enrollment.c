/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* A fresh device is not enrolled; a real enrollment with a real office is read back as
 * the office and the officer gave it; clearing the CA reads back as none. */
static void
test_enrollment_round_trip (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *office_dir = NULL, *device_dir = NULL, *code = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaEnrollment) before = NULL, after = NULL, cleared = NULL;
  g_autoptr(GError) error = NULL;
  XunchaCredentialsStore used = XUNCHA_CREDENTIALS_NONE;

  if (certs == NULL)
    return;
  office_dir = xuncha_test_make_tmpdir ();
  device_dir = xuncha_test_make_tmpdir ();
  office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
  code = xuncha_test_office_add_officer (office_dir, "A007", "T2", FALSE);

  store = xuncha_store_open (device_dir, &error);
  g_assert_no_error (error);
  before = xuncha_enrollment_load (store);
  g_assert_null (before);

  g_assert_true (xuncha_sync_enroll (store, office->url, "A007", code, certs->ca, NULL,
                                     "test phone", &used, NULL, &error));
  g_assert_no_error (error);
  after = xuncha_enrollment_load (store);
  g_assert_nonnull (after);
  g_assert_cmpstr (after->server, ==, office->url);
  g_assert_cmpstr (after->officer, ==, "A007");
  g_assert_cmpstr (after->officer_name, ==, "Officer A007");
  g_assert_cmpstr (after->team, ==, "T2");
  g_assert_nonnull (after->ca_file);
  g_assert_true (g_str_has_suffix (after->ca_file, "ca.pem"));
  g_assert_null (after->pins);
  g_assert_cmpstr (after->token_store, ==, "file");
  g_assert_null (after->last_sync_at);

  g_assert_true (xuncha_sync_set_tls (store, NULL, NULL, &error));
  g_assert_no_error (error);
  cleared = xuncha_enrollment_load (store);
  g_assert_nonnull (cleared);
  g_assert_null (cleared->ca_file);
  g_assert_cmpstr (cleared->officer, ==, "A007");

  g_clear_object (&store);
  g_clear_pointer (&office, xuncha_test_office_free);
  xuncha_test_remove_tree (device_dir);
  xuncha_test_remove_tree (office_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/enrollment/round-trip", test_enrollment_round_trip);

  return g_test_run ();
}
