/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "xuncha-core.h"
#include "xuncha-device-key.h"
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

/* What the office keeps of the device's signing key: algorithm, public key, fingerprint
 * of the token's row, read from its database as it lies on disk. */
static void
read_office_key (const char  *office_dir,
                 char       **algorithm,
                 char       **public_key,
                 char       **fingerprint)
{
  g_autofree char *path = g_build_filename (office_dir, "office.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT key_algorithm, public_key, key_fingerprint "
                                           "FROM tokens", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *algorithm = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  *public_key = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  *fingerprint = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The device makes its key at enrollment, of the algorithm the office says (SM2 unless the
 * office is told otherwise); the device keeps the private half, the office the public half
 * with the device's token, and both name it by the same fingerprint. */
static void
test_enrollment_signing_key (gconstpointer data)
{
  const char *option = data;
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *office_dir = NULL, *device_dir = NULL, *code = NULL;
  g_autofree char *algorithm = NULL, *public_key = NULL, *fingerprint = NULL;
  g_autofree char *meta_algorithm = NULL, *meta_key = NULL;
  const char *expected = g_str_equal (option, "ed25519") ? XUNCHA_EVIDENCE_ALGORITHM_ED25519
                                                         : XUNCHA_EVIDENCE_ALGORITHM_SM2;
  const char *sm2_args[] = { NULL };
  const char *ed25519_args[] = { "--signature", "ed25519", NULL };
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(XunchaEvidenceKey) office_key = NULL;
  g_autoptr(GError) error = NULL;
  XunchaCredentialsStore used = XUNCHA_CREDENTIALS_NONE;

  if (certs == NULL)
    return;
  office_dir = xuncha_test_make_tmpdir ();
  device_dir = xuncha_test_make_tmpdir ();
  office = xuncha_test_office_start_full (office_dir, certs->server_cert, certs->server_key, 0,
                                          g_str_equal (option, "ed25519") ? ed25519_args
                                                                          : sm2_args, NULL);
  code = xuncha_test_office_add_officer (office_dir, "A007", "T2", FALSE);
  store = xuncha_store_open (device_dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_sync_enroll (store, office->url, "A007", code, certs->ca, NULL,
                                     "test phone", &used, NULL, &error));
  g_assert_no_error (error);

  key = xuncha_device_key_load (device_dir, office->url, "A007", &used, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_true (xuncha_evidence_key_has_private (key));
  g_assert_cmpstr (xuncha_evidence_key_get_algorithm (key), ==, expected);
  meta_algorithm = xuncha_store_get_meta (store, "evidence.algorithm");
  meta_key = xuncha_store_get_meta (store, "evidence.device_key");
  g_assert_cmpstr (meta_algorithm, ==, expected);
  g_assert_cmpstr (meta_key, ==, xuncha_evidence_key_get_fingerprint (key));

  read_office_key (office_dir, &algorithm, &public_key, &fingerprint);
  g_assert_cmpstr (algorithm, ==, expected);
  g_assert_cmpstr (public_key, ==, xuncha_evidence_key_get_public (key));
  g_assert_cmpstr (fingerprint, ==, xuncha_evidence_key_get_fingerprint (key));
  /* The office's half checks what the device's half signs. */
  office_key = xuncha_evidence_key_new_from_public (public_key, &error);
  g_assert_no_error (error);
  signature = xuncha_evidence_key_sign (key, (const guint8 *)"report", 6, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_evidence_key_verify (office_key, (const guint8 *)"report", 6, signature,
                                             &error));
  g_assert_no_error (error);

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
  g_test_add_data_func ("/enrollment/signing-key/sm2", "sm2", test_enrollment_signing_key);
  g_test_add_data_func ("/enrollment/signing-key/ed25519", "ed25519",
                        test_enrollment_signing_key);

  return g_test_run ();
}
