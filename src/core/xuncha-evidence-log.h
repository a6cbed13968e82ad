/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-evidence-key.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* The device's signed manifests (docs/evidence.md), the owner of the evidence_manifests
 * table: every saved version of a report gets one, signed with the key the office kept at
 * enrollment, in the transaction that saves the report. */

/* The key the device signs with now: the one enrollment kept (its fingerprint in the
 * store's meta), read from where the token is kept and held for the rest of the process.
 * NULL and no error when the device holds none (not enrolled, or enrolled at an office of
 * before keys). */
XunchaEvidenceKey *xuncha_evidence_log_load_key   (XunchaStore        *store,
                                                   GError            **error);

/* Signs report @uuid as its rows are now: the next sequence of @key's chain, the next
 * revision of the report's, both naming their predecessor's SHA-256. Run it inside the
 * transaction that wrote the rows. Does nothing (TRUE) when @key is NULL, or when the
 * report was saved under another officer than the key's (that officer's key is not on
 * the device). */
gboolean           xuncha_evidence_log_sign       (XunchaStore        *store,
                                                   XunchaEvidenceKey  *key,
                                                   const char         *uuid,
                                                   GError            **error);

/* Whether report @uuid has a manifest. */
gboolean           xuncha_evidence_log_has        (XunchaStore        *store,
                                                   const char         *uuid);

/* Every manifest of report @uuid by revision: canonical bytes and signature (GBytes each,
 * in two arrays of the same length). Empty arrays when it has none. */
gboolean           xuncha_evidence_log_list       (XunchaStore        *store,
                                                   const char         *uuid,
                                                   GPtrArray         **manifests,
                                                   GPtrArray         **signatures,
                                                   GError            **error);

G_END_DECLS
