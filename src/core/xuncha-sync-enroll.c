/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-device-key.h"
#include "xuncha-protocol.h"
#include "xuncha-sync-private.h"

/* Enrollment: a one-time code for a device token, and the office's TLS settings, kept in
 * the store's meta and the token in the credentials store. What it left there is read
 * back with xuncha_enrollment_load().
 *
 * The device makes a signing key of each algorithm (docs/evidence.md) and sends both public
 * halves; the office keeps the one of the algorithm it chose and says which, and the device
 * keeps that key's private half where it keeps the token and forgets the other. An office
 * of before keys says none: the device then signs nothing for it. */

gboolean
xuncha_sync_set_tls (XunchaStore  *store,
                     const char   *ca_file,
                     const char   *pins,
                     GError      **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  if (ca_file != NULL)
    absolute = g_canonicalize_filename (ca_file, NULL);
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (!xuncha_store_set_meta (store, XUNCHA_SYNC_META_CA_FILE,
                              absolute != NULL ? absolute : "", error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_PINS, pins != NULL ? pins : "", error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_sync_enroll (XunchaStore             *store,
                    const char              *server,
                    const char              *officer_id,
                    const char              *code,
                    const char              *ca_file,
                    const char              *pins,
                    const char              *device_name,
                    XunchaCredentialsStore  *used,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(XunchaHttp) http = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *absolute_ca = NULL;
  g_autofree char *token = NULL;
  g_autofree char *encoded = NULL;
  gsize encoded_length;
  g_autofree char *previous_server = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(XunchaEvidenceKey) sm2_key = NULL;
  g_autoptr(XunchaEvidenceKey) ed25519_key = NULL;
  XunchaEvidenceKey *kept_key = NULL;
  XunchaCredentialsStore key_used = XUNCHA_CREDENTIALS_NONE;
  g_auto(XunchaWireOfficer) officer = { 0 };

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL && officer_id != NULL && code != NULL, FALSE);

  if (ca_file != NULL && *ca_file != '\0')
    absolute_ca = g_canonicalize_filename (ca_file, NULL);
  http = xuncha_http_new (server, absolute_ca, pins, error);
  if (http == NULL)
    return FALSE;

  sm2_key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2, error);
  if (sm2_key == NULL)
    return FALSE;
  ed25519_key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_ED25519, error);
  if (ed25519_key == NULL)
    return FALSE;
  encoded = xuncha_protocol_encode_enroll_keys (officer_id, code,
                                                device_name != NULL ? device_name
                                                                    : g_get_host_name (),
                                                xuncha_evidence_key_get_public (sm2_key),
                                                xuncha_evidence_key_get_public (ed25519_key));
  /* Measured before the call: the order of a call's arguments is the compiler's, and gcc
   * for arm64 stole the pointer before strlen() read it. */
  encoded_length = strlen (encoded);
  body = g_bytes_new_take (g_steal_pointer (&encoded), encoded_length);
  response = xuncha_http_request (http, "POST", "api/v1/enroll", "application/json; charset=utf-8",
                                  body, NULL, NULL, NULL, cancellable, &local_error);
  if (response == NULL)
    {
      int code_out = g_error_matches (local_error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TLS)
                     ? XUNCHA_SYNC_ERROR_TLS
                     : g_error_matches (local_error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_PIN)
                     ? XUNCHA_SYNC_ERROR_PIN : XUNCHA_SYNC_ERROR_NETWORK;
      g_set_error (error, XUNCHA_SYNC_ERROR, code_out,
                   code_out == XUNCHA_SYNC_ERROR_NETWORK
                   ? _("Could not reach the office at %s: %s")
                   : _("The office at %s was refused: %s. Check the address, the office CA file "
                       "and the pin."),
                   server, local_error->message);
      if (error != NULL && code_out == XUNCHA_SYNC_ERROR_TLS)
        xuncha_sync_error_set_certificate_problem (
          *error, xuncha_http_error_get_certificate_problem (local_error));
      return FALSE;
    }
  if (!response->server_mark)
    {
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CAPTIVE,
                   _("%s answered, but it is not a Xuncha office server (a Wi-Fi login page or "
                     "a wrong address?)."), server);
      return FALSE;
    }
  if (response->status == 401)
    {
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED,
                   _("The office refused the enrollment: the officer id or the code is wrong, "
                     "or the code was used already. Ask the office for a new code."));
      return FALSE;
    }
  if (response->status != 200
      || !xuncha_protocol_decode_enrolled_signature (xuncha_http_response_text (response),
                                                     (gssize)response->body->len, &token,
                                                     &officer, &signature, &local_error))
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_PROTOCOL,
                   _("The enrollment failed: %s"),
                   local_error != NULL ? local_error->message : why);
      return FALSE;
    }

  if (signature != NULL)
    kept_key = g_str_equal (signature, XUNCHA_EVIDENCE_ALGORITHM_SM2) ? sm2_key : ed25519_key;
  /* The key before the token: a token without its key would sync reports the office can
   * no longer check. */
  if (kept_key != NULL
      && !xuncha_device_key_save (xuncha_store_get_data_dir (store), server, officer_id,
                                  kept_key, &key_used, error))
    {
      g_prefix_error (error, _("The device is enrolled, but its signing key could not be kept; "
                               "ask the office for a new code and enroll again. "));
      return FALSE;
    }
  if (!xuncha_credentials_save (xuncha_store_get_data_dir (store), server, officer_id, token,
                                used, error))
    return FALSE;
  previous_server = xuncha_store_get_meta (store, XUNCHA_SYNC_META_SERVER);
  if (!xuncha_store_begin (store, error))
    return FALSE;
  /* Another office's generation says nothing of this one's: only a generation seen at this
   * office and changed since means that it lost what it acknowledged. */
  if (g_strcmp0 (previous_server, server) != 0
      && !xuncha_store_set_meta (store, XUNCHA_SYNC_META_GENERATION, "", error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  if (!xuncha_store_set_meta (store, XUNCHA_SYNC_META_SERVER, server, error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_OFFICER, officer_id, error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_CA_FILE,
                                 absolute_ca != NULL ? absolute_ca : "", error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_PINS, pins != NULL ? pins : "", error)
      || !xuncha_store_set_meta (store, "sync.officer_name", officer.name, error)
      || !xuncha_store_set_meta (store, "sync.team", officer.team != NULL ? officer.team : "",
                                 error)
      || !xuncha_store_set_meta (store, "sync.token_store",
                                 *used == XUNCHA_CREDENTIALS_SECRET_SERVICE ? "secret-service"
                                                                           : "file", error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_SIGNATURE,
                                 kept_key != NULL ? signature : "", error)
      || !xuncha_store_set_meta (store, XUNCHA_SYNC_META_DEVICE_KEY,
                                 kept_key != NULL ? xuncha_evidence_key_get_fingerprint (kept_key)
                                                  : "", error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}
