/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-device-key.h"
#include "xuncha-evidence-log.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-sync-private.h"
#include "xuncha-test-signing.h"

XunchaEvidenceKey *
xuncha_test_give_signing_key (const char *dir,
                              const char *algorithm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  XunchaCredentialsStore used;

  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  key = xuncha_evidence_key_generate (algorithm, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_device_key_save (dir, XUNCHA_TEST_SIGNING_SERVER,
                                         XUNCHA_TEST_SIGNING_OFFICER, key, &used, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_store_set_meta (store, XUNCHA_SYNC_META_SERVER,
                                        XUNCHA_TEST_SIGNING_SERVER, &error));
  g_assert_true (xuncha_store_set_meta (store, XUNCHA_SYNC_META_OFFICER,
                                        XUNCHA_TEST_SIGNING_OFFICER, &error));
  g_assert_true (xuncha_store_set_meta (store, XUNCHA_SYNC_META_SIGNATURE, algorithm, &error));
  g_assert_true (xuncha_store_set_meta (store, XUNCHA_SYNC_META_DEVICE_KEY,
                                        xuncha_evidence_key_get_fingerprint (key), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&key);
}

guint
xuncha_test_check_manifests (XunchaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_log_load_key (store, &error);
  g_autoptr(XunchaEvidenceManifest) previous = NULL;
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify)g_bytes_unref);
  g_autoptr(GBytes) previous_bytes = NULL;
  GHashTableIter iter;
  gpointer uuid, bytes;
  sqlite3_stmt *stmt;
  guint n = 0;
  int rc;

  g_assert_no_error (error);
  g_assert_nonnull (key);

  stmt = xuncha_store_prepare (store,
                               "SELECT report_uuid, manifest, signature, sequence, revision "
                               "FROM evidence_manifests ORDER BY device_key, sequence",
                               &error);
  g_assert_no_error (error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(XunchaEvidenceManifest) manifest = NULL;
      g_autoptr(GBytes) signature = g_bytes_new (sqlite3_column_blob (stmt, 2),
                                                 (gsize)sqlite3_column_bytes (stmt, 2));
      GBytes *text = g_bytes_new (sqlite3_column_blob (stmt, 1),
                                  (gsize)sqlite3_column_bytes (stmt, 1));
      gboolean start = FALSE;

      manifest = xuncha_evidence_manifest_verify (key, g_bytes_get_data (text, NULL),
                                                  g_bytes_get_size (text), signature, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (manifest->report->uuid, ==, (const char *)sqlite3_column_text (stmt, 0));
      g_assert_cmpint (manifest->sequence, ==, sqlite3_column_int64 (stmt, 3));
      g_assert_cmpint (manifest->revision, ==, sqlite3_column_int64 (stmt, 4));
      g_assert_true (xuncha_evidence_manifest_follows_in_device (
                       manifest, previous,
                       previous_bytes != NULL ? g_bytes_get_data (previous_bytes, NULL) : NULL,
                       previous_bytes != NULL ? g_bytes_get_size (previous_bytes) : 0,
                       &start, &error));
      g_assert_no_error (error);
      /* One device, one store: only its first manifest starts a chain. */
      g_assert_true (start == (n == 0));
      g_hash_table_replace (latest, g_strdup (manifest->report->uuid), g_bytes_ref (text));
      g_clear_pointer (&previous, xuncha_evidence_manifest_free);
      g_clear_pointer (&previous_bytes, g_bytes_unref);
      previous = g_steal_pointer (&manifest);
      previous_bytes = text;
      n++;
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_reset (stmt);

  /* The latest manifest of each report describes its rows as they are. */
  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, &uuid, &bytes))
    {
      g_autoptr(XunchaWireReport) report = xuncha_report_store_load_wire (store, uuid, &error);
      g_autoptr(XunchaEvidenceManifest) manifest = NULL;

      g_assert_no_error (error);
      manifest = xuncha_evidence_manifest_decode (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      g_assert_true (xuncha_evidence_manifest_matches_report (manifest, report, &error));
      g_assert_no_error (error);
    }

  /* No report of the key's officer without a manifest. */
  stmt = xuncha_store_prepare (store,
                               "SELECT count(*) FROM reports r WHERE r.officer = ?1 AND NOT "
                               "EXISTS (SELECT 1 FROM evidence_manifests m "
                               "WHERE m.report_uuid = r.uuid)", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, XUNCHA_TEST_SIGNING_OFFICER, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);
  return n;
}
