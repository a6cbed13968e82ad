/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-evidence-key.h"
#include "xuncha-wire-report.h"

G_BEGIN_DECLS

/* What a device signs when it saves a report (docs/evidence.md): the report as it travels,
 * who saved it when, with which key, and its place in two chains: the device's (every
 * manifest the key signed, by sequence) and the report's (every version of the report, by
 * revision). Strings are owned; absent values are NULL. */
typedef struct
{
  char             *algorithm;       /* XUNCHA_EVIDENCE_ALGORITHM_* */
  char             *device_key;      /* the signing key's fingerprint */
  char             *officer;
  char             *saved_at;        /* ISO 8601, the device's clock */
  gint64            sequence;        /* 1, 2, … per device key */
  char             *previous_sha256; /* the device's manifest sequence - 1; NULL at a start */
  gint64            revision;        /* 1, 2, … per report */
  char             *report_previous_sha256; /* the report's revision - 1; NULL at 1 */
  XunchaWireReport *report;
} XunchaEvidenceManifest;

#define XUNCHA_EVIDENCE_MANIFEST_VERSION 1
/* A manifest is a report plus a few hundred bytes; a report's body is limited the same. */
#define XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES (1024 * 1024)

XunchaEvidenceManifest *xuncha_evidence_manifest_new     (void);
void                    xuncha_evidence_manifest_free    (XunchaEvidenceManifest *manifest);

/* The canonical bytes (docs/evidence.md), NUL-terminated; NULL with @error when a value
 * breaks the protocol or the manifest's rules. */
char   *xuncha_evidence_manifest_encode   (const XunchaEvidenceManifest  *manifest,
                                           GError                       **error);
/* Reads canonical bytes and only those: anything another writer could have made
 * differently (spacing, member order, number form, escapes) is refused. */
XunchaEvidenceManifest *xuncha_evidence_manifest_decode (const char  *data,
                                                         gsize        length,
                                                         GError     **error);

/* SHA-256 of @length bytes, lowercase hex: what a chain's next manifest names. */
char   *xuncha_evidence_sha256_hex        (const guint8 *data,
                                           gsize         length);

/* Decodes @data and checks @signature over exactly those bytes with @key, and that the
 * manifest names @key and its algorithm. */
XunchaEvidenceManifest *xuncha_evidence_manifest_verify (XunchaEvidenceKey  *key,
                                                         const char         *data,
                                                         gsize               length,
                                                         GBytes             *signature,
                                                         GError            **error);

/* Checks that @manifest describes @report: the same canonical report. The office calls it
 * with the report it decoded from the PUT. */
gboolean xuncha_evidence_manifest_matches_report (const XunchaEvidenceManifest *manifest,
                                                  const XunchaWireReport       *report,
                                                  GError                      **error);

/* Checks that @manifest follows @previous (bytes @previous_data) of the same report:
 * revision + 1, report_previous_sha256 the hash of @previous_data, the same uuid, key and
 * officer, a later or equal sequence. NULL @previous: @manifest must be revision 1. */
gboolean xuncha_evidence_manifest_follows_in_report (const XunchaEvidenceManifest *manifest,
                                                     const XunchaEvidenceManifest *previous,
                                                     const char                   *previous_data,
                                                     gsize                         previous_length,
                                                     GError                      **error);

/* Checks that @manifest follows @previous (bytes @previous_data), the latest manifest held
 * of the same device key, in the device's chain: sequence + 1 and previous_sha256 the hash
 * of @previous_data. A manifest at sequence 1 is always a chain start (*chain_start TRUE):
 * a device that lost its store starts again, and the holder flags it. An old manifest again,
 * or two out of order, or one missing between them is refused. */
gboolean xuncha_evidence_manifest_follows_in_device (const XunchaEvidenceManifest *manifest,
                                                     const XunchaEvidenceManifest *previous,
                                                     const char                   *previous_data,
                                                     gsize                         previous_length,
                                                     gboolean                     *chain_start,
                                                     GError                      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaEvidenceManifest, xuncha_evidence_manifest_free)

G_END_DECLS
