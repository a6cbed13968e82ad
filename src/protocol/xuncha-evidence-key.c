/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-evidence"

#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "xuncha-evidence-key.h"

/* GB/T 35276's default distinguishing ID: both ends must use the same one, and a reader
 * with another tool has to be told it (docs/evidence.md). */
#define SM2_DISTINGUISHING_ID "1234567812345678"

struct _XunchaEvidenceKey
{
  GObject    parent_instance;

  EVP_PKEY  *pkey;
  gboolean   has_private;
  char      *algorithm;
  char      *public_base64;
  char      *fingerprint;
};

G_DEFINE_TYPE (XunchaEvidenceKey, xuncha_evidence_key, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-evidence-error-quark, xuncha_evidence_error)

static gboolean
set_openssl_error (GError     **error,
                   gint         code,
                   const char  *what)
{
  unsigned long reason = ERR_get_error ();
  char text[256] = "";

  if (reason != 0)
    ERR_error_string_n (reason, text, sizeof text);
  ERR_clear_error ();
  g_set_error (error, XUNCHA_EVIDENCE_ERROR, code, "%s%s%s", what, reason != 0 ? ": " : "",
               text);
  return FALSE;
}

static void
xuncha_evidence_key_finalize (GObject *object)
{
  XunchaEvidenceKey *self = XUNCHA_EVIDENCE_KEY (object);

  EVP_PKEY_free (self->pkey);
  g_free (self->algorithm);
  g_free (self->public_base64);
  g_free (self->fingerprint);
  G_OBJECT_CLASS (xuncha_evidence_key_parent_class)->finalize (object);
}

static void
xuncha_evidence_key_class_init (XunchaEvidenceKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_evidence_key_finalize;
}

static void
xuncha_evidence_key_init (XunchaEvidenceKey *self)
{
}

/* Takes @pkey; refuses any algorithm but the two. */
static XunchaEvidenceKey *
key_from_pkey (EVP_PKEY  *pkey,
               gboolean   has_private,
               GError   **error)
{
  g_autoptr(XunchaEvidenceKey) self = g_object_new (XUNCHA_TYPE_EVIDENCE_KEY, NULL);
  unsigned char *der = NULL;
  int der_length;
  guint8 digest[32];
  unsigned int digest_length = sizeof digest;

  self->pkey = pkey;
  self->has_private = has_private;
  if (EVP_PKEY_is_a (pkey, "SM2"))
    self->algorithm = g_strdup (XUNCHA_EVIDENCE_ALGORITHM_SM2);
  else if (EVP_PKEY_is_a (pkey, "ED25519"))
    self->algorithm = g_strdup (XUNCHA_EVIDENCE_ALGORITHM_ED25519);
  else
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   "The key is neither SM2 nor Ed25519");
      return NULL;
    }

  der_length = i2d_PUBKEY (pkey, &der);
  if (der_length <= 0)
    return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                              "The public key cannot be written"), NULL;
  self->public_base64 = g_base64_encode (der, der_length);
  if (!EVP_Digest (der, der_length, digest, &digest_length, EVP_sha256 (), NULL))
    {
      OPENSSL_free (der);
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                                "The public key cannot be hashed"), NULL;
    }
  OPENSSL_free (der);
  self->fingerprint = g_malloc (2 * digest_length + 1);
  for (guint i = 0; i < digest_length; i++)
    g_snprintf (self->fingerprint + 2 * i, 3, "%02x", digest[i]);
  return g_steal_pointer (&self);
}

gboolean
xuncha_evidence_algorithm_is_valid (const char *algorithm)
{
  return g_strcmp0 (algorithm, XUNCHA_EVIDENCE_ALGORITHM_SM2) == 0
         || g_strcmp0 (algorithm, XUNCHA_EVIDENCE_ALGORITHM_ED25519) == 0;
}

XunchaEvidenceKey *
xuncha_evidence_key_generate (const char  *algorithm,
                              GError     **error)
{
  EVP_PKEY *pkey;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xuncha_evidence_algorithm_is_valid (algorithm))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   "Unknown signature algorithm “%s”", algorithm != NULL ? algorithm : "");
      return NULL;
    }
  pkey = EVP_PKEY_Q_keygen (NULL, NULL,
                            g_str_equal (algorithm, XUNCHA_EVIDENCE_ALGORITHM_SM2)
                            ? "SM2" : "ED25519");
  if (pkey == NULL)
    return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                              "The signing key cannot be made"), NULL;
  return key_from_pkey (pkey, TRUE, error);
}

XunchaEvidenceKey *
xuncha_evidence_key_new_from_private_pem (const char  *pem,
                                          GError     **error)
{
  BIO *bio;
  EVP_PKEY *pkey;

  g_return_val_if_fail (pem != NULL, NULL);

  bio = BIO_new_mem_buf (pem, -1);
  pkey = bio != NULL ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  if (pkey == NULL)
    return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                              "The stored signing key cannot be read"), NULL;
  return key_from_pkey (pkey, TRUE, error);
}

XunchaEvidenceKey *
xuncha_evidence_key_new_from_public (const char  *base64,
                                     GError     **error)
{
  g_autofree guchar *der = NULL;
  gsize der_length = 0;
  const unsigned char *cursor;
  EVP_PKEY *pkey;
  g_autoptr(XunchaEvidenceKey) self = NULL;

  g_return_val_if_fail (base64 != NULL, NULL);

  /* A public key is at most a few hundred bytes; g_base64_decode() skips what is not
   * base64, so the text is checked first. */
  if (*base64 == '\0' || strlen (base64) > 1024
      || strspn (base64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
         != strlen (base64))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   "The public key is not base64 of at most 1024 characters");
      return NULL;
    }
  der = g_base64_decode (base64, &der_length);
  cursor = der;
  pkey = d2i_PUBKEY (NULL, &cursor, der_length);
  if (pkey == NULL || cursor != der + der_length)
    {
      EVP_PKEY_free (pkey);
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                                "The public key is not a SubjectPublicKeyInfo"), NULL;
    }
  self = key_from_pkey (pkey, FALSE, error);
  /* One key, one text: the fingerprint names it, so another encoding of it is refused. */
  if (self != NULL && !g_str_equal (self->public_base64, base64))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   "The public key is not in its canonical DER and base64 form");
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
xuncha_evidence_key_get_algorithm (XunchaEvidenceKey *self)
{
  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), NULL);
  return self->algorithm;
}

gboolean
xuncha_evidence_key_has_private (XunchaEvidenceKey *self)
{
  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), FALSE);
  return self->has_private;
}

char *
xuncha_evidence_key_dup_private_pem (XunchaEvidenceKey  *self,
                                     GError            **error)
{
  BIO *bio;
  char *data = NULL;
  long length;
  char *pem;

  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), NULL);
  g_return_val_if_fail (self->has_private, NULL);

  bio = BIO_new (BIO_s_secmem ());
  if (bio == NULL
      || !PEM_write_bio_PrivateKey (bio, self->pkey, NULL, NULL, 0, NULL, NULL))
    {
      BIO_free (bio);
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                                "The signing key cannot be written"), NULL;
    }
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, length);
  BIO_free (bio);
  return pem;
}

const char *
xuncha_evidence_key_get_public (XunchaEvidenceKey *self)
{
  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), NULL);
  return self->public_base64;
}

const char *
xuncha_evidence_key_get_fingerprint (XunchaEvidenceKey *self)
{
  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), NULL);
  return self->fingerprint;
}

/* A digest context set up for this key: SM3 with the distinguishing ID for SM2, none for
 * Ed25519 (it hashes by itself). The digest context uses *key_context without owning it
 * (EVP_PKEY-SM2(7)): the caller frees both, and nothing is shared between threads. */
static EVP_MD_CTX *
digest_context (XunchaEvidenceKey  *self,
                gboolean            signing,
                EVP_PKEY_CTX      **key_context,
                GError            **error)
{
  EVP_MD_CTX *context = EVP_MD_CTX_new ();
  const EVP_MD *digest = NULL;
  int ok;

  *key_context = NULL;
  if (context == NULL)
    return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY, "Out of memory"), NULL;
  if (g_str_equal (self->algorithm, XUNCHA_EVIDENCE_ALGORITHM_SM2))
    {
      *key_context = EVP_PKEY_CTX_new (self->pkey, NULL);
      if (*key_context == NULL
          || EVP_PKEY_CTX_set1_id (*key_context, SM2_DISTINGUISHING_ID,
                                   strlen (SM2_DISTINGUISHING_ID)) <= 0)
        {
          EVP_PKEY_CTX_free (g_steal_pointer (key_context));
          EVP_MD_CTX_free (context);
          return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                                    "The SM2 context cannot be made"), NULL;
        }
      EVP_MD_CTX_set_pkey_ctx (context, *key_context);
      digest = EVP_sm3 ();
    }
  ok = signing
       ? EVP_DigestSignInit (context, NULL, digest, NULL, self->pkey)
       : EVP_DigestVerifyInit (context, NULL, digest, NULL, self->pkey);
  if (ok <= 0)
    {
      EVP_MD_CTX_free (context);
      EVP_PKEY_CTX_free (g_steal_pointer (key_context));
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY,
                                "The signature context cannot be made"), NULL;
    }
  return context;
}

GBytes *
xuncha_evidence_key_sign (XunchaEvidenceKey  *self,
                          const guint8       *data,
                          gsize               length,
                          GError            **error)
{
  EVP_PKEY_CTX *key_context;
  EVP_MD_CTX *context;
  size_t signature_length = 0;
  guint8 *signature;
  int ok;

  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), NULL);
  g_return_val_if_fail (self->has_private, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  context = digest_context (self, TRUE, &key_context, error);
  if (context == NULL)
    return NULL;
  /* One-shot: Ed25519 signs only that way. */
  if (EVP_DigestSign (context, NULL, &signature_length, data, length) <= 0)
    {
      EVP_MD_CTX_free (context);
      EVP_PKEY_CTX_free (key_context);
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY, "Signing failed"), NULL;
    }
  signature = g_malloc (signature_length);
  ok = EVP_DigestSign (context, signature, &signature_length, data, length);
  EVP_MD_CTX_free (context);
  EVP_PKEY_CTX_free (key_context);
  if (ok <= 0)
    {
      g_free (signature);
      return set_openssl_error (error, XUNCHA_EVIDENCE_ERROR_KEY, "Signing failed"), NULL;
    }
  return g_bytes_new_take (signature, signature_length);
}

gboolean
xuncha_evidence_key_verify (XunchaEvidenceKey  *self,
                            const guint8       *data,
                            gsize               length,
                            GBytes             *signature,
                            GError            **error)
{
  EVP_PKEY_CTX *key_context;
  EVP_MD_CTX *context;
  gsize signature_length;
  const guint8 *signature_data;
  int ok;

  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);

  signature_data = g_bytes_get_data (signature, &signature_length);
  context = digest_context (self, FALSE, &key_context, error);
  if (context == NULL)
    return FALSE;
  ok = EVP_DigestVerify (context, signature_data, signature_length, data, length);
  EVP_MD_CTX_free (context);
  EVP_PKEY_CTX_free (key_context);
  ERR_clear_error ();
  if (ok != 1)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_SIGNATURE,
                   "The %s signature does not match the manifest and the key %.16s…",
                   self->algorithm, self->fingerprint);
      return FALSE;
    }
  return TRUE;
}
