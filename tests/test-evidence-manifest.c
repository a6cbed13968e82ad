/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "xuncha-evidence-key.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-test-util.h"

#define UUID_X "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define UUID_Y "6f0e2b7a-51c4-4b8e-9a3d-2c1f0e9d8b7a"

static const char *algorithms[] = {
  XUNCHA_EVIDENCE_ALGORITHM_SM2, XUNCHA_EVIDENCE_ALGORITHM_ED25519,
};

/* The real JPEG of the sync tests, so a flipped byte is a flipped byte of a photo. */
static GBytes *
load_photo (void)
{
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

static char *
photo_sha256 (GBytes *photo)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (photo, &length);

  return xuncha_evidence_sha256_hex (data, length);
}

static XunchaWireReport *
make_report (const char *uuid,
             const char *note,
             const char *photo_hash)
{
  XunchaWireReport *report = xuncha_wire_report_new ();
  JsonObject *fields = json_node_get_object (report->fields);

  report->uuid = g_strdup (uuid);
  report->created_at = g_strdup ("2026-05-01T08:30:00Z");
  report->category = g_strdup ("09006");
  json_object_set_string_member (fields, "goods", "水果");
  json_object_set_int_member (fields, "count", 3);
  json_object_set_double_member (fields, "width_m", 2.0);
  report->note = g_strdup (note);
  report->has_position = TRUE;
  report->lat = 30.6586;
  report->lon = 104.0648;
  report->accuracy = 6.5;
  report->altitude = NAN;
  report->heading = NAN;
  report->position_source = g_strdup ("gps");
  xuncha_wire_report_add_photo (report, photo_hash, "before");
  return report;
}

/* One signed manifest: its bytes and signature, as a device keeps and sends them. */
typedef struct
{
  char   *data;
  GBytes *signature;
} Signed;

static void
signed_clear (Signed *item)
{
  g_clear_pointer (&item->data, g_free);
  g_clear_pointer (&item->signature, g_bytes_unref);
}

static void
sign_manifest (XunchaEvidenceKey *key,
               XunchaWireReport  *report,
               gint64             sequence,
               const Signed      *device_previous,
               gint64             revision,
               const Signed      *report_previous,
               Signed            *out)
{
  g_autoptr(XunchaEvidenceManifest) manifest = xuncha_evidence_manifest_new ();
  g_autoptr(GError) error = NULL;

  manifest->algorithm = g_strdup (xuncha_evidence_key_get_algorithm (key));
  manifest->device_key = g_strdup (xuncha_evidence_key_get_fingerprint (key));
  manifest->officer = g_strdup ("zhang.wei");
  manifest->saved_at = g_strdup ("2026-05-01T08:31:02Z");
  manifest->sequence = sequence;
  if (device_previous != NULL)
    manifest->previous_sha256 =
      xuncha_evidence_sha256_hex ((const guint8 *) device_previous->data,
                                  strlen (device_previous->data));
  manifest->revision = revision;
  if (report_previous != NULL)
    manifest->report_previous_sha256 =
      xuncha_evidence_sha256_hex ((const guint8 *) report_previous->data,
                                  strlen (report_previous->data));
  manifest->report = report;

  out->data = xuncha_evidence_manifest_encode (manifest, &error);
  manifest->report = NULL;
  g_assert_no_error (error);
  out->signature = xuncha_evidence_key_sign (key, (const guint8 *) out->data,
                                             strlen (out->data), &error);
  g_assert_no_error (error);
}

static XunchaEvidenceManifest *
verify (XunchaEvidenceKey *key,
        const char        *data,
        GBytes            *signature,
        GError           **error)
{
  return xuncha_evidence_manifest_verify (key, data, strlen (data), signature, error);
}

static void
test_canonical_form (void)
{
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_ED25519,
                                                                   NULL);
  g_autoptr(GBytes) photo = load_photo ();
  g_autofree char *hash = photo_sha256 (photo);
  /* A decomposed é (e + U+0301) stays decomposed: no normalisation. A tab is \u0009. */
  Signed item = { 0 };
  g_autoptr(XunchaEvidenceManifest) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;

  sign_manifest (key, make_report (UUID_X, "Cafe\xcc\x81\t\"早市\"\\", hash), 1, NULL, 1, NULL,
                 &item);

  /* Sorted members, no white space, integral numbers as integers, shortest others. */
  g_assert_true (g_str_has_prefix (item.data, "{\"algorithm\":\"ed25519\",\"device_key\":\""));
  g_assert_nonnull (strstr (item.data, "\"fields\":{\"count\":3,\"goods\":\"水果\","
                                       "\"width_m\":2}"));
  g_assert_nonnull (strstr (item.data, "\"note\":\"Cafe\xcc\x81\\u0009\\\"早市\\\"\\\\\""));
  g_assert_nonnull (strstr (item.data, "\"position\":{\"accuracy\":6.5,\"altitude\":null,"
                                       "\"heading\":null,\"lat\":30.6586,\"lon\":104.0648,"
                                       "\"source\":\"gps\"}"));
  g_assert_nonnull (strstr (item.data, "\"previous_sha256\":null"));
  g_assert_true (g_str_has_suffix (item.data, "\"sequence\":1,\"xuncha_evidence\":1}"));
  g_assert_null (strchr (item.data, ' '));

  read = xuncha_evidence_manifest_decode (item.data, strlen (item.data), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->report->note, ==, "Cafe\xcc\x81\t\"早市\"\\");
  g_assert_cmpfloat (read->report->lat, ==, 30.6586);
  again = xuncha_evidence_manifest_encode (read, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, item.data);
  signed_clear (&item);
}

/* The same manifest written any other way is refused: what was signed is what is read. */
static void
test_not_canonical (void)
{
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2,
                                                                   NULL);
  g_autoptr(GBytes) photo = load_photo ();
  g_autofree char *hash = photo_sha256 (photo);
  Signed item = { 0 };
  struct { const char *from, *to; } variants[] = {
    { "{\"algorithm\"", "{ \"algorithm\"" },              /* white space */
    { "\"count\":3", "\"count\":3.0" },                   /* number form */
    { "\"width_m\":2", "\"width_m\":2e0" },
    { "\"lat\":30.6586", "\"lat\":30.658600" },
    { "水果", "\\u6c34\\u679c" },                          /* an escape not needed */
    { "\"goods\"", "\"g\\u006fods\"" },
    { "\"sequence\":1,\"xuncha_evidence\":1}", "\"xuncha_evidence\":1,\"sequence\":1}" },
    { "\"xuncha_evidence\":1}", "\"xuncha_evidence\":1}\n" },
  };

  sign_manifest (key, make_report (UUID_X, "早市", hash), 1, NULL, 1, NULL, &item);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) text = g_string_new (item.data);
      g_autoptr(XunchaEvidenceManifest) read = NULL;

      g_assert_cmpuint (g_string_replace (text, variants[i].from, variants[i].to, 1), ==, 1);
      read = xuncha_evidence_manifest_decode (text->str, text->len, &error);
      g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_INVALID);
      g_assert_null (read);
      g_test_message ("%s -> %s: %s", variants[i].from, variants[i].to, error->message);
    }
  signed_clear (&item);
}

static void
test_strict (void)
{
  struct { const char *from, *to, *message; } variants[] = {
    { "\"sequence\":1,", "\"sequence\":1,\"extra\":1,", "extra" },
    { "\"officer\":\"zhang.wei\",", "", "officer" },
    { "\"xuncha_evidence\":1}", "\"xuncha_evidence\":2}", "version 2" },
    { "\"sequence\":1,", "\"sequence\":0,", "sequence" },
    { "\"revision\":1,", "\"revision\":\"1\",", "revision" },
    { "\"previous_sha256\":null,", "\"previous_sha256\":\"" UUID_X "\",", "previous_sha256" },
    { "\"algorithm\":\"sm2-sm3\"", "\"algorithm\":\"rsa\"", "algorithm" },
    { "\"report\":{", "\"report\":{\"uuid\":\"x\",", "uuid" },
  };
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2,
                                                                   NULL);
  g_autoptr(GBytes) photo = load_photo ();
  g_autofree char *hash = photo_sha256 (photo);
  g_autofree char *huge = g_strnfill (XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES + 1, ' ');
  g_autoptr(GError) error = NULL;
  Signed item = { 0 };

  sign_manifest (key, make_report (UUID_X, NULL, hash), 1, NULL, 1, NULL, &item);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GError) variant_error = NULL;
      g_autoptr(GString) text = g_string_new (item.data);
      g_autoptr(XunchaEvidenceManifest) read = NULL;

      g_assert_cmpuint (g_string_replace (text, variants[i].from, variants[i].to, 1), ==, 1);
      read = xuncha_evidence_manifest_decode (text->str, text->len, &variant_error);
      g_assert_error (variant_error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_INVALID);
      g_assert_nonnull (strstr (variant_error->message, variants[i].message));
    }

  g_assert_null (xuncha_evidence_manifest_decode (huge, strlen (huge), &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (xuncha_evidence_manifest_decode ("{\"a\":\"\xff\"}", 8, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_INVALID);
  signed_clear (&item);
}

static void
test_keys (gconstpointer data)
{
  const char *algorithm = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_key_generate (algorithm, &error);
  g_autoptr(XunchaEvidenceKey) stored = NULL;
  g_autoptr(XunchaEvidenceKey) public_key = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *padded = NULL;
  static const guint8 message[] = "巡查";

  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_evidence_key_get_algorithm (key), ==, algorithm);
  g_assert_cmpuint (strlen (xuncha_evidence_key_get_fingerprint (key)), ==, 64);

  /* The private key survives its store; the public one its trip to the office. */
  pem = xuncha_evidence_key_dup_private_pem (key, &error);
  g_assert_no_error (error);
  stored = xuncha_evidence_key_new_from_private_pem (pem, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xuncha_evidence_key_get_fingerprint (stored), ==,
                   xuncha_evidence_key_get_fingerprint (key));
  public_key = xuncha_evidence_key_new_from_public (xuncha_evidence_key_get_public (key), &error);
  g_assert_no_error (error);
  g_assert_false (xuncha_evidence_key_has_private (public_key));
  g_assert_cmpstr (xuncha_evidence_key_get_fingerprint (public_key), ==,
                   xuncha_evidence_key_get_fingerprint (key));

  signature = xuncha_evidence_key_sign (stored, message, sizeof message, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_evidence_key_verify (public_key, message, sizeof message, signature,
                                             &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_evidence_key_verify (public_key, message, sizeof message - 1,
                                              signature, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_SIGNATURE);
  g_clear_error (&error);

  /* One text per key: the fingerprint names one thing. */
  padded = g_strconcat (" ", xuncha_evidence_key_get_public (key), NULL);
  g_assert_null (xuncha_evidence_key_new_from_public (padded, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY);
  g_clear_error (&error);
  g_assert_null (xuncha_evidence_key_generate ("rsa", &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY);
}

/* Another key type than the two is refused when it arrives. */
static void
test_foreign_key (void)
{
  /* A P-256 public key (SubjectPublicKeyInfo), not SM2. */
  static const char p256[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgrJYG43G34YU9W2Cj66azxpRAoiFGsHDOClUOWH0IyTuzqPvWjPI"
    "z+xkIzUAYk+SvBxKrmXBWFnyfI+A+tqsow==";
  g_autoptr(GError) error = NULL;

  g_assert_null (xuncha_evidence_key_new_from_public (p256, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "neither SM2 nor Ed25519"));
  g_clear_error (&error);
  g_assert_null (xuncha_evidence_key_new_from_public ("AAAA", &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY);
}

/* The SM2 signature is the standard one: the openssl tool checks it with the default
 * distinguishing ID, as any other reader of a bundle would. */
static void
test_sm2_interoperates (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *message_path = NULL;
  g_autofree char *signature_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  static const char message[] = "{\"巡查\":1}";
  int status;
  const char *good[] = { NULL, "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin",
                         "-inkey", NULL, "-in", NULL, "-sigfile", NULL,
                         "-pkeyopt", "distid:1234567812345678", NULL };

  if (openssl == NULL)
    {
      g_test_skip ("the openssl tool is not installed");
      return;
    }
  key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2, &error);
  g_assert_no_error (error);
  signature = xuncha_evidence_key_sign (key, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);

  folder = g_dir_make_tmp ("xuncha-sm2-XXXXXX", &error);
  g_assert_no_error (error);
  message_path = g_build_filename (folder, "message", NULL);
  signature_path = g_build_filename (folder, "signature", NULL);
  key_path = g_build_filename (folder, "public.pem", NULL);
  pem = g_strdup_printf ("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n",
                         xuncha_evidence_key_get_public (key));
  g_assert_true (g_file_set_contents (message_path, message, -1, NULL));
  g_assert_true (g_file_set_contents (signature_path, g_bytes_get_data (signature, NULL),
                                      g_bytes_get_size (signature), NULL));
  g_assert_true (g_file_set_contents (key_path, pem, -1, NULL));

  good[0] = openssl;
  good[8] = key_path;
  good[10] = message_path;
  good[12] = signature_path;
  g_spawn_sync (NULL, (char **) good, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("openssl: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* Another ID is another signature: the tool must refuse it, or the check proves nothing. */
  good[14] = "distid:1234567812345679";
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_spawn_sync (NULL, (char **) good, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));

  g_unlink (message_path);
  g_unlink (signature_path);
  g_unlink (key_path);
  g_rmdir (folder);
}

/* A device's history: X saved (1), Y saved (2), X edited (3). */
typedef struct
{
  XunchaEvidenceKey *key;
  XunchaEvidenceKey *other_key;
  GBytes            *photo;
  char              *photo_hash;
  Signed             x1, y1, x2;
} History;

static void
history_set_up (History       *history,
                gconstpointer  data)
{
  const char *algorithm = data;

  history->key = xuncha_evidence_key_generate (algorithm, NULL);
  history->other_key = xuncha_evidence_key_generate (algorithm, NULL);
  history->photo = load_photo ();
  history->photo_hash = photo_sha256 (history->photo);
  sign_manifest (history->key, make_report (UUID_X, "早市", history->photo_hash),
                 1, NULL, 1, NULL, &history->x1);
  sign_manifest (history->key, make_report (UUID_Y, NULL, history->photo_hash),
                 2, &history->x1, 1, NULL, &history->y1);
  sign_manifest (history->key, make_report (UUID_X, "早市，已整改", history->photo_hash),
                 3, &history->y1, 2, &history->x1, &history->x2);
}

static void
history_tear_down (History       *history,
                   gconstpointer  data)
{
  g_clear_object (&history->key);
  g_clear_object (&history->other_key);
  g_clear_pointer (&history->photo, g_bytes_unref);
  g_clear_pointer (&history->photo_hash, g_free);
  signed_clear (&history->x1);
  signed_clear (&history->y1);
  signed_clear (&history->x2);
}

static void
test_chain_holds (History       *history,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceManifest) x1 = verify (history->key, history->x1.data,
                                                 history->x1.signature, &error);
  g_autoptr(XunchaEvidenceManifest) y1 = verify (history->key, history->y1.data,
                                                 history->y1.signature, &error);
  g_autoptr(XunchaEvidenceManifest) x2 = verify (history->key, history->x2.data,
                                                 history->x2.signature, &error);
  g_autoptr(XunchaWireReport) sent = make_report (UUID_X, "早市，已整改", history->photo_hash);
  gboolean start = FALSE;

  g_assert_no_error (error);
  g_assert_true (xuncha_evidence_manifest_follows_in_device (x1, NULL, NULL, 0, &start, &error));
  g_assert_true (start);
  g_assert_true (xuncha_evidence_manifest_follows_in_device (y1, x1, history->x1.data,
                                                             strlen (history->x1.data), &start,
                                                             &error));
  g_assert_false (start);
  g_assert_true (xuncha_evidence_manifest_follows_in_device (x2, y1, history->y1.data,
                                                             strlen (history->y1.data), &start,
                                                             &error));
  g_assert_true (xuncha_evidence_manifest_follows_in_report (x1, NULL, NULL, 0, &error));
  g_assert_true (xuncha_evidence_manifest_follows_in_report (x2, x1, history->x1.data,
                                                             strlen (history->x1.data),
                                                             &error));
  g_assert_true (xuncha_evidence_manifest_matches_report (x2, sent, &error));
  g_assert_no_error (error);

  /* A device that lost its store starts again at 1: taken, and told. */
  {
    Signed restart = { 0 };
    g_autoptr(XunchaEvidenceManifest) again = NULL;

    sign_manifest (history->key, make_report (UUID_Y, "重装后", history->photo_hash), 1, NULL,
                   1, NULL, &restart);
    again = verify (history->key, restart.data, restart.signature, &error);
    g_assert_no_error (error);
    g_assert_true (xuncha_evidence_manifest_follows_in_device (again, x2, history->x2.data,
                                                               strlen (history->x2.data),
                                                               &start, &error));
    g_assert_true (start);
    signed_clear (&restart);
  }
}

static void
expect_signature_refused (XunchaEvidenceKey *key,
                          const char        *data,
                          GBytes            *signature,
                          const char        *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceManifest) read = verify (key, data, signature, &error);

  g_assert_null (read);
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_SIGNATURE);
  g_assert_nonnull (strstr (error->message, what));
  g_test_message ("%s", error->message);
}

/* Each change of a signed manifest is refused, and the message names what is wrong. */
static void
test_tamper_fields (History       *history,
                    gconstpointer  data)
{
  struct { const char *from, *to; } changes[] = {
    { "\"goods\":\"水果\"", "\"goods\":\"蔬菜\"" },                    /* a field */
    { "\"note\":\"早市\"", "\"note\":\"夜市\"" },
    { "2026-05-01T08:30:00Z", "2026-04-01T08:30:00Z" },              /* capture time */
    { "2026-05-01T08:31:02Z", "2026-05-01T09:31:02Z" },              /* save time */
    { "\"lat\":30.6586", "\"lat\":30.6587" },                         /* position */
    { "\"source\":\"gps\"", "\"source\":\"manual\"" },
    { "\"officer\":\"zhang.wei\"", "\"officer\":\"li.na\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(GString) text = g_string_new (history->x1.data);

      g_assert_cmpuint (g_string_replace (text, changes[i].from, changes[i].to, 1), ==, 1);
      expect_signature_refused (history->key, text->str, history->x1.signature,
                                "signature does not match");
    }
}

static void
test_tamper_photo (History       *history,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceManifest) x1 = verify (history->key, history->x1.data,
                                                 history->x1.signature, &error);
  gsize length;
  g_autofree guint8 *flipped = g_memdup2 (g_bytes_get_data (history->photo, &length),
                                          g_bytes_get_size (history->photo));
  g_autofree char *flipped_hash = NULL;
  g_autoptr(XunchaWireReport) sent = NULL;
  g_autoptr(GString) text = g_string_new (history->x1.data);

  g_assert_no_error (error);
  /* One byte in the middle of the picture data. */
  flipped[length / 2] ^= 0x01;
  flipped_hash = xuncha_evidence_sha256_hex (flipped, length);
  g_assert_cmpstr (flipped_hash, !=, history->photo_hash);

  /* Sent with the changed photo, the report is not what was signed ... */
  sent = make_report (UUID_X, "早市", flipped_hash);
  g_assert_false (xuncha_evidence_manifest_matches_report (x1, sent, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, UUID_X));
  g_assert_true (g_str_has_suffix (error->message, "in: photos"));
  g_clear_error (&error);

  /* A field and a time changed on the way are named too. */
  g_clear_pointer (&sent, xuncha_wire_report_free);
  sent = make_report (UUID_X, "早市", history->photo_hash);
  json_object_set_string_member (json_node_get_object (sent->fields), "goods", "蔬菜");
  g_free (sent->created_at);
  sent->created_at = g_strdup ("2026-04-01T08:30:00Z");
  g_assert_false (xuncha_evidence_manifest_matches_report (x1, sent, &error));
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_MISMATCH);
  g_assert_true (g_str_has_suffix (error->message, "in: created_at, fields"));

  /* ... and the manifest changed to name it no longer holds its signature. */
  g_assert_cmpuint (g_string_replace (text, history->photo_hash, flipped_hash, 1), ==, 1);
  expect_signature_refused (history->key, text->str, history->x1.signature,
                            "signature does not match");
}

static void
test_tamper_key (History       *history,
                 gconstpointer  data)
{
  Signed forged = { 0 };
  g_autoptr(GString) text = g_string_new (history->x1.data);
  g_autoptr(GBytes) resigned = NULL;
  g_autoptr(GError) error = NULL;

  /* Checked with another device's key. */
  expect_signature_refused (history->other_key, history->x1.data, history->x1.signature,
                            "names the device key");

  /* Signed by another device, naming ours. */
  resigned = xuncha_evidence_key_sign (history->other_key, (const guint8 *) history->x1.data,
                                       strlen (history->x1.data), &error);
  g_assert_no_error (error);
  expect_signature_refused (history->key, history->x1.data, resigned,
                            "signature does not match");

  /* Signed by another device under its own name, slipped into our chain. */
  sign_manifest (history->other_key, make_report (UUID_X, "伪造", history->photo_hash), 2,
                 &history->x1, 2, &history->x1, &forged);
  {
    g_autoptr(XunchaEvidenceManifest) x1 = verify (history->key, history->x1.data,
                                                   history->x1.signature, &error);
    g_autoptr(XunchaEvidenceManifest) read = verify (history->other_key, forged.data,
                                                     forged.signature, &error);
    gboolean start;

    g_assert_no_error (error);
    g_assert_false (xuncha_evidence_manifest_follows_in_device (read, x1, history->x1.data,
                                                                strlen (history->x1.data),
                                                                &start, &error));
    g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN);
    g_assert_nonnull (strstr (error->message, "another device key"));
    g_clear_error (&error);
    g_assert_false (xuncha_evidence_manifest_follows_in_report (read, x1, history->x1.data,
                                                                strlen (history->x1.data),
                                                                &error));
    g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN);
    g_assert_nonnull (strstr (error->message, "another device"));
  }
  signed_clear (&forged);
}

static void
expect_chain_refused (gboolean     held,
                      GError      *error,
                      const char  *what)
{
  g_assert_false (held);
  g_assert_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN);
  g_assert_nonnull (strstr (error->message, what));
  g_test_message ("%s", error->message);
}

static void
test_tamper_chain (History       *history,
                   gconstpointer  data)
{
  g_autoptr(XunchaEvidenceManifest) x1 = verify (history->key, history->x1.data,
                                                 history->x1.signature, NULL);
  g_autoptr(XunchaEvidenceManifest) y1 = verify (history->key, history->y1.data,
                                                 history->y1.signature, NULL);
  g_autoptr(XunchaEvidenceManifest) x2 = verify (history->key, history->x2.data,
                                                 history->x2.signature, NULL);
  gsize x1_length = strlen (history->x1.data);
  gsize y1_length = strlen (history->y1.data);
  gsize x2_length = strlen (history->x2.data);
  gboolean start;

  g_assert_nonnull (x1);
  g_assert_nonnull (y1);
  g_assert_nonnull (x2);

  /* Dropped: y1 never arrives, x2 follows x1. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_device (x2, x1, history->x1.data,
                                                                x1_length, &start, &error);

    expect_chain_refused (held, error, "the 1 between them are missing");
  }
  /* Dropped from the report: its edit without its first version. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_report (x2, NULL, NULL, 0, &error);

    expect_chain_refused (held, error, "revision 2, not 1");
  }
  /* Two reordered: x2 before y1. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_device (y1, x2, history->x2.data,
                                                                x2_length, &start, &error);

    expect_chain_refused (held, error, "out of order");
  }
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_report (x1, x2, history->x2.data,
                                                                x2_length, &error);

    expect_chain_refused (held, error, "out of order");
  }
  /* An old manifest replayed after the newer one. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_device (y1, y1, history->y1.data,
                                                                y1_length, &start, &error);

    expect_chain_refused (held, error, "replayed");
  }
  /* A manifest naming another predecessor than the one held at its place. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_device (x2, y1, history->x1.data,
                                                                x1_length, &start, &error);

    expect_chain_refused (held, error, "names a previous manifest");
  }
  /* Another report's manifest in this report's chain. */
  {
    g_autoptr(GError) error = NULL;
    gboolean held = xuncha_evidence_manifest_follows_in_report (y1, x1, history->x1.data,
                                                                x1_length, &error);

    expect_chain_refused (held, error, "another report");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/evidence/manifest/canonical-form", test_canonical_form);
  g_test_add_func ("/evidence/manifest/not-canonical", test_not_canonical);
  g_test_add_func ("/evidence/manifest/strict", test_strict);
  g_test_add_func ("/evidence/key/foreign", test_foreign_key);
  g_test_add_func ("/evidence/key/sm2-interoperates", test_sm2_interoperates);
  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      const char *name = algorithms[i];
      g_autofree char *keys = g_strdup_printf ("/evidence/%s/keys", name);
      g_autofree char *holds = g_strdup_printf ("/evidence/%s/chain-holds", name);
      g_autofree char *fields = g_strdup_printf ("/evidence/%s/tamper/fields", name);
      g_autofree char *photo = g_strdup_printf ("/evidence/%s/tamper/photo", name);
      g_autofree char *key = g_strdup_printf ("/evidence/%s/tamper/key", name);
      g_autofree char *chain = g_strdup_printf ("/evidence/%s/tamper/chain", name);

      g_test_add_data_func (keys, name, test_keys);
      g_test_add (holds, History, name, history_set_up, test_chain_holds, history_tear_down);
      g_test_add (fields, History, name, history_set_up, test_tamper_fields,
                  history_tear_down);
      g_test_add (photo, History, name, history_set_up, test_tamper_photo, history_tear_down);
      g_test_add (key, History, name, history_set_up, test_tamper_key, history_tear_down);
      g_test_add (chain, History, name, history_set_up, test_tamper_chain, history_tear_down);
    }
  return g_test_run ();
}
