/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A device's public signing key as the office keeps it with the device's token
 * (docs/evidence.md): which officer enrolled the device, when, under which name, and the
 * key (its algorithm, its SubjectPublicKeyInfo in base64 and its fingerprint). What the
 * office checks a device's manifests with, and what an evidence bundle carries. */
typedef struct
{
  char *officer_id;
  char *device_name;   /* NULL when the device gave none */
  char *enrolled_at;   /* ISO 8601 UTC, the office's clock */
  char *algorithm;     /* XUNCHA_EVIDENCE_ALGORITHM_* */
  char *public_key;    /* SubjectPublicKeyInfo DER, base64 */
  char *fingerprint;   /* SHA-256 of that DER, lowercase hex */
} XunchaOfficeEnrolledKey;

XunchaOfficeEnrolledKey *xuncha_office_enrolled_key_new  (const char *officer_id,
                                                          const char *device_name,
                                                          const char *enrolled_at,
                                                          const char *algorithm,
                                                          const char *public_key,
                                                          const char *fingerprint);
void                     xuncha_office_enrolled_key_free (XunchaOfficeEnrolledKey *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeEnrolledKey, xuncha_office_enrolled_key_free)

G_END_DECLS
