/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Signed manifests as they travel (docs/protocol.md, PUT api/v1/evidence): each the
 * manifest's canonical bytes and its signature, both base64 on the wire, in the order of
 * the device's chain. */
typedef struct
{
  GBytes *manifest;
  GBytes *signature;
} XunchaWireEvidence;

/* A call carries at most this many; a device sends more in several. */
#define XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL 64
/* An SM2 signature is 72 bytes at most, an Ed25519 one 64. */
#define XUNCHA_WIRE_EVIDENCE_SIGNATURE_MAX_BYTES 128

XunchaWireEvidence *xuncha_wire_evidence_new    (GBytes              *manifest,
                                                 GBytes              *signature);
void                xuncha_wire_evidence_free   (XunchaWireEvidence  *evidence);

/* {"manifests": [{"manifest": base64, "signature": base64}, …]} */
char               *xuncha_wire_evidence_encode (GPtrArray           *evidence);
/* An array of XunchaWireEvidence; each manifest within the manifest limit, each
 * signature within the signature limit, at most XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL. What
 * the manifests say is the evidence module's to check. */
GPtrArray          *xuncha_wire_evidence_decode (const char          *data,
                                                 gssize               length,
                                                 GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireEvidence, xuncha_wire_evidence_free)

G_END_DECLS
