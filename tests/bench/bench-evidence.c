/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What signing costs a save, and what checking a device's chain costs the office
 * (docs/evidence.md). Signing: the manifest of a just-saved report made, signed and
 * written (inside a transaction, as the save does it), against the whole save of that
 * report with its photo, in the same run, for SM2 and Ed25519. Checking: 10,000 manifests
 * of one device, each read, its signature checked and its place in the chain, against
 * reading them alone. */
#include "config.h"

#include <math.h>

#include "bench-util.h"
#include "xuncha-core.h"
#include "xuncha-evidence-log.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-test-signing.h"

static void
bench_signing (const char *algorithm)
{
  guint n = (guint)(20 * bench_scale ());
  g_autofree char *dir = bench_tmpdir ();
  g_autoptr(XunchaEvidenceKey) key = xuncha_test_give_signing_key (dir, algorithm);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaEvidenceKey) held = NULL;
  /* A phone camera's photo after the app's downscale: about 0.5 MB. */
  g_autoptr(GBytes) photo = photo_fixture_image (1600, 1200, 3);
  g_autoptr(GArray) save_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sign_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *sign_name = g_strdup_printf ("sign_manifest_%s", algorithm);
  double save, sign;

  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  held = xuncha_evidence_log_load_key (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (held);

  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
      gint64 start;
      double t_save, t_sign;

      xuncha_report_set_position (report, 30.65 + i * 1e-5, 104.06, 5, NAN, NAN,
                                  XUNCHA_POSITION_SOURCE_GPS);
      xuncha_report_set_note (report, "早市摊点占道经营");
      xuncha_report_add_photo_bytes (report, photo, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
      start = g_get_monotonic_time ();
      g_assert_true (xuncha_report_store_save (reports, report, NULL, &error));
      g_assert_no_error (error);
      t_save = (g_get_monotonic_time () - start) / 1000.0;

      /* The same work the save did for the manifest, once more and undone: the next
       * sequence of the chain, made, signed and written. */
      g_assert_true (xuncha_store_begin (store, &error));
      start = g_get_monotonic_time ();
      g_assert_true (xuncha_evidence_log_sign (store, held, xuncha_report_get_uuid (report),
                                               &error));
      t_sign = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      xuncha_store_rollback (store);
      if (i == 0)
        continue;
      g_array_append_val (save_ms, t_save);
      g_array_append_val (sign_ms, t_sign);
    }
  save = bench_median (save_ms);
  sign = bench_median (sign_ms);
  bench_print (sign_name, sign, "ms", "report_save", sign / save);
  bench_print ("report_save", save, "ms", "report_save", 1.0);
  g_clear_object (&reports);
  g_clear_object (&store);
  bench_remove_tree (dir);
}

static XunchaWireReport *
chain_report (guint i)
{
  XunchaWireReport *report = xuncha_wire_report_new ();
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)&i,
                                                       sizeof i);

  report->uuid = g_uuid_string_random ();
  report->created_at = g_strdup ("2026-05-01T08:30:00Z");
  report->category = g_strdup ("09006");
  report->note = g_strdup ("早市摊点占道经营");
  report->has_position = TRUE;
  report->lat = 30.65 + i * 1e-6;
  report->lon = 104.06;
  report->accuracy = 6.5;
  report->position_source = g_strdup ("gps");
  xuncha_wire_report_add_photo (report, sha, "before");
  return report;
}

static void
bench_chain (const char *algorithm)
{
  guint n = (guint)(10000 * bench_scale ());
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (algorithm, &error);
  g_autoptr(XunchaEvidenceKey) office_key = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func (
                                      (GDestroyNotify)g_bytes_unref);
  g_autofree char *previous_sha = NULL;
  g_autofree char *verify_name = g_strdup_printf ("verify_chain_%u_%s", n, algorithm);
  g_autofree char *read_name = g_strdup_printf ("read_chain_%u", n);
  gint64 start;
  double read_s, verify_s;

  g_assert_no_error (error);
  office_key = xuncha_evidence_key_new_from_public (xuncha_evidence_key_get_public (key),
                                                    &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaEvidenceManifest) manifest = xuncha_evidence_manifest_new ();
      char *text;

      manifest->algorithm = g_strdup (algorithm);
      manifest->device_key = g_strdup (xuncha_evidence_key_get_fingerprint (key));
      manifest->officer = g_strdup ("A001");
      manifest->saved_at = g_strdup ("2026-05-01T08:31:02Z");
      manifest->sequence = i + 1;
      manifest->previous_sha256 = g_strdup (previous_sha);
      manifest->revision = 1;
      manifest->report = chain_report (i);
      text = xuncha_evidence_manifest_encode (manifest, &error);
      g_assert_no_error (error);
      g_ptr_array_add (signatures, xuncha_evidence_key_sign (key, (const guint8 *)text,
                                                             strlen (text), &error));
      g_assert_no_error (error);
      g_free (previous_sha);
      previous_sha = xuncha_evidence_sha256_hex ((const guint8 *)text, strlen (text));
      g_ptr_array_add (texts, text);
    }

  /* The floor: each manifest read back from its bytes, strictly. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      const char *text = texts->pdata[i];
      g_autoptr(XunchaEvidenceManifest) manifest =
        xuncha_evidence_manifest_decode (text, strlen (text), &error);
      g_assert_no_error (error);
    }
  read_s = (g_get_monotonic_time () - start) / 1e6;

  /* What the office does with each: read, signature, place in the device's chain. */
  start = g_get_monotonic_time ();
  {
    g_autoptr(XunchaEvidenceManifest) previous = NULL;
    const char *previous_text = NULL;

    for (guint i = 0; i < n; i++)
      {
        const char *text = texts->pdata[i];
        XunchaEvidenceManifest *manifest;
        gboolean chain_start = FALSE;

        manifest = xuncha_evidence_manifest_verify (office_key, text, strlen (text),
                                                    signatures->pdata[i], &error);
        g_assert_no_error (error);
        g_assert_true (xuncha_evidence_manifest_follows_in_device (
                         manifest, previous, previous_text,
                         previous_text != NULL ? strlen (previous_text) : 0, &chain_start,
                         &error));
        g_assert_no_error (error);
        g_clear_pointer (&previous, xuncha_evidence_manifest_free);
        previous = manifest;
        previous_text = text;
      }
  }
  verify_s = (g_get_monotonic_time () - start) / 1e6;
  bench_print (verify_name, verify_s, "s", read_name, verify_s / read_s);
  bench_print (read_name, read_s, "s", read_name, 1.0);
}

int
main (void)
{
  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);
  bench_signing (XUNCHA_EVIDENCE_ALGORITHM_SM2);
  bench_signing (XUNCHA_EVIDENCE_ALGORITHM_ED25519);
  bench_chain (XUNCHA_EVIDENCE_ALGORITHM_SM2);
  bench_chain (XUNCHA_EVIDENCE_ALGORITHM_ED25519);
  return 0;
}
