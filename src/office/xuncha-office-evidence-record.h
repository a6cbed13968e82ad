/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A signed manifest as the office keeps it (docs/evidence.md): the canonical bytes and
 * the signature as the device sent them, where it stands in its device's chain and its
 * report's, and when it arrived. A device that lost its store starts its chain again at
 * sequence 1: that manifest opens a new @chain (1, 2, …) of the same key and is kept with
 * @chain_break set, so the break shows. */
typedef struct
{
  char   *device_key;    /* the signing key's fingerprint */
  gint64  chain;         /* 1 for the key's first chain, +1 at each break */
  gint64  sequence;
  char   *report_uuid;
  gint64  revision;
  char   *sha256;        /* of the manifest's bytes */
  char   *manifest;      /* the canonical bytes (UTF-8, no NUL) */
  GBytes *signature;
  gboolean chain_break;
  char   *received_at;   /* ISO 8601 UTC, the office's clock */
} XunchaOfficeEvidenceRecord;

XunchaOfficeEvidenceRecord *xuncha_office_evidence_record_new  (void);
void                        xuncha_office_evidence_record_free (XunchaOfficeEvidenceRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeEvidenceRecord, xuncha_office_evidence_record_free)

G_END_DECLS
