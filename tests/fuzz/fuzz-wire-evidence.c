/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office's PUT api/v1/evidence body and the manifests in it: a body that decodes keeps
 * to its limits and encodes back to a body that decodes the same; a manifest that decodes
 * is canonical (encoding it gives the same bytes). */
#include "config.h"

#include <string.h>

#include "xuncha-evidence-manifest.h"
#include "xuncha-fuzz.h"
#include "xuncha-wire-evidence.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

static void
check_manifest (const char *data,
                gsize       length)
{
  g_autoptr(XunchaEvidenceManifest) manifest = xuncha_evidence_manifest_decode (data, length,
                                                                               NULL);
  g_autofree char *again = NULL;

  if (manifest == NULL)
    return;
  again = xuncha_evidence_manifest_encode (manifest, NULL);
  XUNCHA_FUZZ_CHECK (again != NULL && strlen (again) == length
                     && memcmp (again, data, length) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) evidence = xuncha_wire_evidence_decode ((const char *)data, size, NULL);
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *encoded = NULL;

  /* The manifest reader alone, on the raw input. */
  check_manifest ((const char *)data, size);
  if (evidence == NULL)
    return 0;
  XUNCHA_FUZZ_CHECK (evidence->len >= 1 && evidence->len <= XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL);
  for (guint i = 0; i < evidence->len; i++)
    {
      XunchaWireEvidence *item = evidence->pdata[i];

      XUNCHA_FUZZ_CHECK (g_bytes_get_size (item->signature)
                         <= XUNCHA_WIRE_EVIDENCE_SIGNATURE_MAX_BYTES);
      XUNCHA_FUZZ_CHECK (g_bytes_get_size (item->manifest) <= XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES);
      check_manifest (g_bytes_get_data (item->manifest, NULL), g_bytes_get_size (item->manifest));
    }
  encoded = xuncha_wire_evidence_encode (evidence);
  again = xuncha_wire_evidence_decode (encoded, -1, NULL);
  XUNCHA_FUZZ_CHECK (again != NULL && again->len == evidence->len);
  for (guint i = 0; i < again->len; i++)
    {
      XunchaWireEvidence *a = evidence->pdata[i], *b = again->pdata[i];
      XUNCHA_FUZZ_CHECK (g_bytes_equal (a->manifest, b->manifest)
                         && g_bytes_equal (a->signature, b->signature));
    }
  return 0;
}
