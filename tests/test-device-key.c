/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "xuncha-core.h"
#include "xuncha-device-key.h"
#include "xuncha-test-util.h"

#define SERVER "https://office.example/xuncha/"

/* The key made at enrollment survives the program: what it signs after loading is checked
 * by the public half the office kept. */
static void
test_file_round_trip (gconstpointer data)
{
  const char *algorithm = data;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "xuncha", NULL);
  g_autofree char *path = g_build_filename (dir, "device-signing-key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (algorithm, &error);
  g_autoptr(XunchaEvidenceKey) loaded = NULL;
  g_autoptr(XunchaEvidenceKey) office_copy = NULL;
  g_autoptr(GBytes) signature = NULL;
  XunchaCredentialsStore used;
  GStatBuf info;
  static const guint8 manifest[] = "{\"sequence\":1}";

  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);
  g_assert_no_error (error);

  g_assert_null (xuncha_device_key_load (dir, SERVER, "A001", &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_NONE);

  g_assert_true (xuncha_device_key_save (dir, SERVER, "A001", key, &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_FILE);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  loaded = xuncha_device_key_load (dir, SERVER, "A001", &used, &error);
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_FILE);
  g_assert_true (xuncha_evidence_key_has_private (loaded));
  g_assert_cmpstr (xuncha_evidence_key_get_algorithm (loaded), ==, algorithm);
  g_assert_cmpstr (xuncha_evidence_key_get_fingerprint (loaded), ==,
                   xuncha_evidence_key_get_fingerprint (key));

  office_copy = xuncha_evidence_key_new_from_public (xuncha_evidence_key_get_public (key),
                                                     &error);
  g_assert_no_error (error);
  signature = xuncha_evidence_key_sign (loaded, manifest, sizeof manifest, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_evidence_key_verify (office_copy, manifest, sizeof manifest, signature,
                                             &error));
  g_assert_no_error (error);
}

/* A damaged key file is an error that says what to do, never a key that signs wrongly. */
static void
test_damaged_file (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "xuncha", NULL);
  g_autofree char *path = g_build_filename (dir, "device-signing-key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (
    XUNCHA_EVIDENCE_ALGORITHM_SM2, NULL);
  g_autofree char *text = NULL;
  gsize length;
  XunchaCredentialsStore used;

  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);
  g_assert_true (xuncha_device_key_save (dir, SERVER, "A001", key, &used, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  /* Cut in the middle of its base64. */
  g_assert_true (g_file_set_contents (path, text, length / 2, NULL));

  g_assert_null (xuncha_device_key_load (dir, SERVER, "A001", &used, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "Enroll the device again"));
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/device-key/file/sm2", XUNCHA_EVIDENCE_ALGORITHM_SM2,
                        test_file_round_trip);
  g_test_add_data_func ("/device-key/file/ed25519", XUNCHA_EVIDENCE_ALGORITHM_ED25519,
                        test_file_round_trip);
  g_test_add_func ("/device-key/damaged", test_damaged_file);
  return g_test_run ();
}
