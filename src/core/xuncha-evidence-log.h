/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-evidence-key.h"
#include "xuncha-store.h"
#include "xuncha-wire-evidence.h"

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

/* For the sync: signs report @uuid in a transaction of its own when it has no manifest
 * yet and the device holds @key (a report saved before the device held one, or while its
 * key could not be read). */
gboolean           xuncha_evidence_log_sign_if_unsigned (XunchaStore       *store,
                                                         XunchaEvidenceKey *key,
                                                         const char        *uuid,
                                                         GError           **error);

/* Up to @max_count manifests of @officer the office does not hold yet, of one key
 * (*@device_key: the key of the oldest such manifest, a key the device held before it was
 * enrolled again included), by sequence, together at most @max_bytes (one at least); an
 * array of XunchaWireEvidence, empty when all went. *@last: the sequence of the last one. */
GPtrArray         *xuncha_evidence_log_unsent   (XunchaStore        *store,
                                                 const char         *officer,
                                                 char              **device_key,
                                                 guint               max_count,
                                                 gsize               max_bytes,
                                                 gint64             *last,
                                                 GError            **error);
/* The office holds key @device_key's manifests up to sequence @last. */
gboolean           xuncha_evidence_log_mark_sent (XunchaStore       *store,
                                                  const char        *device_key,
                                                  gint64             last,
                                                  GError           **error);
/* The office may lack what it was sent (it was restored): all is sent again, and it
 * keeps once what it holds. */
gboolean           xuncha_evidence_log_mark_unsent (XunchaStore     *store,
                                                    GError         **error);

G_END_DECLS
