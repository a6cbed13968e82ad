/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A device's signing key (docs/evidence.md): SM2 with SM3 (GB/T 32918, GB/T 32905, the
 * distinguishing ID "1234567812345678") or Ed25519. The device holds the private half;
 * the office and a bundle's reader hold only the public half, as its SubjectPublicKeyInfo
 * (DER, base64 on the wire). */

#define XUNCHA_EVIDENCE_ALGORITHM_SM2     "sm2-sm3"
#define XUNCHA_EVIDENCE_ALGORITHM_ED25519 "ed25519"

#define XUNCHA_EVIDENCE_ERROR (xuncha_evidence_error_quark ())

typedef enum
{
  XUNCHA_EVIDENCE_ERROR_KEY,        /* a key that cannot be read or made */
  XUNCHA_EVIDENCE_ERROR_INVALID,    /* a manifest that breaks docs/evidence.md */
  XUNCHA_EVIDENCE_ERROR_SIGNATURE,  /* a signature that does not hold */
  XUNCHA_EVIDENCE_ERROR_CHAIN,      /* a manifest out of its place in a chain */
  XUNCHA_EVIDENCE_ERROR_MISMATCH,   /* a manifest that does not describe what it came with */
} XunchaEvidenceError;

GQuark xuncha_evidence_error_quark (void);

#define XUNCHA_TYPE_EVIDENCE_KEY (xuncha_evidence_key_get_type ())
G_DECLARE_FINAL_TYPE (XunchaEvidenceKey, xuncha_evidence_key, XUNCHA, EVIDENCE_KEY, GObject)

/* TRUE for the two algorithm names above. */
gboolean           xuncha_evidence_algorithm_is_valid       (const char        *algorithm);

XunchaEvidenceKey *xuncha_evidence_key_generate             (const char        *algorithm,
                                                              GError           **error);
/* The private key as written by xuncha_evidence_key_dup_private_pem(). */
XunchaEvidenceKey *xuncha_evidence_key_new_from_private_pem (const char        *pem,
                                                              GError           **error);
/* A public key: SubjectPublicKeyInfo DER in base64, of one of the two algorithms. */
XunchaEvidenceKey *xuncha_evidence_key_new_from_public      (const char        *base64,
                                                              GError           **error);

const char        *xuncha_evidence_key_get_algorithm        (XunchaEvidenceKey *self);
gboolean           xuncha_evidence_key_has_private          (XunchaEvidenceKey *self);
/* PKCS#8 PEM, unencrypted: its store (keyring or a 0600 file) protects it. */
char              *xuncha_evidence_key_dup_private_pem      (XunchaEvidenceKey *self,
                                                              GError           **error);
const char        *xuncha_evidence_key_get_public           (XunchaEvidenceKey *self);
/* SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex: what a manifest names. */
const char        *xuncha_evidence_key_get_fingerprint      (XunchaEvidenceKey *self);

/* The signature over @data (SM2: DER ECDSA-Sig-Value; Ed25519: 64 bytes). */
GBytes            *xuncha_evidence_key_sign                 (XunchaEvidenceKey *self,
                                                              const guint8      *data,
                                                              gsize              length,
                                                              GError           **error);
gboolean           xuncha_evidence_key_verify               (XunchaEvidenceKey *self,
                                                              const guint8      *data,
                                                              gsize              length,
                                                              GBytes            *signature,
                                                              GError           **error);

G_END_DECLS
