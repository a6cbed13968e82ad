/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <string.h>

#include "xuncha-evidence-manifest.h"
#include "xuncha-office-evidence-api.h"
#include "xuncha-office-tasks-api.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-evidence.h"

static void
refuse (XunchaOfficeCall *call,
        const char       *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
refuse (XunchaOfficeCall *call,
        const char       *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  xuncha_office_call_answer_error (call, 422, "evidence_refused", message, NULL);
}

/* The token's key, or an answer: a device enrolled before keys is told to enroll again. */
static XunchaOfficeEnrolledKey *
token_key (XunchaOfficeRecords *records,
           XunchaOfficeCall    *call,
           const char          *token)
{
  g_autoptr(GError) error = NULL;
  XunchaOfficeEnrolledKey *key = NULL;

  if (token != NULL)
    key = xuncha_office_records_enrolled_key (records, token, NULL, &error);
  if (error != NULL)
    xuncha_office_api_answer_storage_error (call, error);
  return key;
}

static XunchaEvidenceManifest *
decode_record (const XunchaOfficeEvidenceRecord *record)
{
  return xuncha_evidence_manifest_decode (record->manifest, strlen (record->manifest), NULL);
}

/* What one call has read of the keys its manifests name: each key, with its latest held
 * manifest, by fingerprint. */
typedef struct
{
  XunchaEvidenceKey          *key;
  XunchaOfficeEvidenceRecord *latest;
} HeldKey;

static void
held_key_free (gpointer data)
{
  HeldKey *held = data;

  g_clear_object (&held->key);
  g_clear_pointer (&held->latest, xuncha_office_evidence_record_free);
  g_free (held);
}

/* The key a manifest names, which must have been enrolled for @officer (this device's
 * key, or the one it held before it was enrolled again); NULL with @call answered. */
static HeldKey *
key_of (XunchaOfficeRecords     *records,
        XunchaOfficeCall        *call,
        const XunchaWireOfficer *officer,
        GHashTable              *keys,
        const char              *fingerprint,
        guint                    index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) enrolled = NULL;
  HeldKey *held = g_hash_table_lookup (keys, fingerprint);

  if (held != NULL)
    return held;
  enrolled = xuncha_office_records_enrolled_key (records, NULL, fingerprint, &error);
  if (error != NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return NULL;
    }
  if (enrolled == NULL || !g_str_equal (enrolled->officer_id, officer->id))
    {
      refuse (call, "evidence.manifests[%u]: the manifest names another device key (%.16s…), "
              "which no device of officer %s was enrolled with", index, fingerprint,
              officer->id);
      return NULL;
    }
  held = g_new0 (HeldKey, 1);
  held->key = xuncha_evidence_key_new_from_public (enrolled->public_key, &error);
  if (held->key != NULL)
    held->latest = xuncha_office_records_evidence_latest (records, fingerprint, &error);
  if (error != NULL)
    {
      held_key_free (held);
      xuncha_office_api_answer_storage_error (call, error);
      return NULL;
    }
  g_hash_table_insert (keys, g_strdup (fingerprint), held);
  return held;
}

/* Checks one manifest against what the office holds and keeps it; FALSE with @call
 * answered. */
static gboolean
take_one (XunchaOfficeRecords          *records,
          XunchaOfficeCall             *call,
          const XunchaWireOfficer      *officer,
          GHashTable                   *keys,
          XunchaWireEvidence           *item,
          guint                         index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceManifest) named = NULL;
  g_autoptr(XunchaEvidenceManifest) manifest = NULL;
  g_autoptr(XunchaEvidenceManifest) latest_manifest = NULL;
  g_autoptr(XunchaEvidenceManifest) report_previous = NULL;
  g_autoptr(XunchaOfficeEvidenceRecord) record = NULL;
  g_autoptr(GPtrArray) of_report = NULL;
  XunchaOfficeEvidenceRecord *previous = NULL;
  XunchaOfficeEvidenceRecord *latest;
  HeldKey *held_key;
  XunchaEvidenceKey *key;
  gsize length;
  const char *data = g_bytes_get_data (item->manifest, &length);
  g_autofree char *sha256 = xuncha_evidence_sha256_hex ((const guint8 *)data, length);
  gboolean start = FALSE;
  gboolean held = FALSE;

  /* The key it names: checked under that key, which must be this officer's. */
  named = xuncha_evidence_manifest_decode (data, length, &error);
  if (named == NULL)
    {
      refuse (call, "evidence.manifests[%u]: %s", index, error->message);
      return FALSE;
    }
  held_key = key_of (records, call, officer, keys, named->device_key, index);
  if (held_key == NULL)
    return FALSE;
  key = held_key->key;
  manifest = xuncha_evidence_manifest_verify (key, data, length, item->signature, &error);
  if (manifest == NULL)
    {
      refuse (call, "evidence.manifests[%u]: %s", index, error->message);
      return FALSE;
    }
  if (!g_str_equal (manifest->officer, officer->id))
    {
      refuse (call, "evidence.manifests[%u]: it names officer %s, but the device is "
              "enrolled for %s", index, manifest->officer, officer->id);
      return FALSE;
    }

  of_report = xuncha_office_records_evidence_of_report (records, manifest->report->uuid,
                                                        &error);
  if (of_report == NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return FALSE;
    }
  /* The same bytes again: a retry after a lost answer. Kept once, nothing changes. */
  for (guint i = 0; i < of_report->len; i++)
    if (g_str_equal (((XunchaOfficeEvidenceRecord *)g_ptr_array_index (of_report, i))->sha256,
                     sha256))
      return TRUE;

  /* The device's chain. */
  latest = held_key->latest;
  if (latest != NULL)
    latest_manifest = decode_record (latest);
  if (!xuncha_evidence_manifest_follows_in_device (
         manifest, latest_manifest, latest != NULL ? latest->manifest : NULL,
         latest != NULL ? strlen (latest->manifest) : 0, &start, &error))
    {
      refuse (call, "evidence.manifests[%u] (sequence %" G_GINT64_FORMAT "): %s", index,
              manifest->sequence, error->message);
      return FALSE;
    }

  /* The report's chain: the version before this one is the latest the office holds. */
  if (of_report->len > 0)
    {
      previous = g_ptr_array_index (of_report, of_report->len - 1);
      report_previous = decode_record (previous);
    }
  if (!xuncha_evidence_manifest_follows_in_report (
         manifest, report_previous, previous != NULL ? previous->manifest : NULL,
         previous != NULL ? strlen (previous->manifest) : 0, &error))
    {
      refuse (call, "evidence.manifests[%u] (report %s, revision %" G_GINT64_FORMAT "): %s",
              index, manifest->report->uuid, manifest->revision, error->message);
      return FALSE;
    }

  record = xuncha_office_evidence_record_new ();
  record->device_key = g_strdup (manifest->device_key);
  record->chain = latest == NULL ? 1 : start ? latest->chain + 1 : latest->chain;
  record->chain_break = start && latest != NULL;
  record->sequence = manifest->sequence;
  record->report_uuid = g_strdup (manifest->report->uuid);
  record->revision = manifest->revision;
  record->sha256 = g_steal_pointer (&sha256);
  record->manifest = g_strndup (data, length);
  record->signature = g_bytes_ref (item->signature);
  if (!xuncha_office_records_evidence_put (records, record, &held, &error))
    {
      xuncha_office_api_answer_storage_error (call, error);
      return FALSE;
    }
  if (record->chain_break)
    g_message ("Device key %.16s… started its chain again at report %s: a break, kept and "
               "shown", record->device_key, record->report_uuid);
  g_clear_pointer (&held_key->latest, xuncha_office_evidence_record_free);
  held_key->latest = g_steal_pointer (&record);
  return TRUE;
}

void
xuncha_office_evidence_api_put (XunchaOfficeRecords     *records,
                                XunchaOfficeCall        *call,
                                const XunchaWireOfficer *officer,
                                const char              *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) enrolled = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      held_key_free);
  g_autofree char *answer = NULL;
  const char *data = call->body != NULL ? g_bytes_get_data (call->body, NULL) : "";
  gssize length = call->body != NULL ? (gssize)g_bytes_get_size (call->body) : 0;

  enrolled = token_key (records, call, token);
  if (enrolled == NULL)
    {
      if (call->status == 0)
        xuncha_office_call_answer_error (call, 403, "enroll_again",
                                         "This device was enrolled without a signing key; "
                                         "enroll it again to send signed reports", NULL);
      return;
    }
  items = xuncha_wire_evidence_decode (data, length, &error);
  if (items == NULL)
    {
      xuncha_office_api_answer_decode_error (call, error);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    if (!take_one (records, call, officer, keys, g_ptr_array_index (items, i), i))
      return;
  answer = g_strdup_printf ("{\"manifests\":%u}", items->len);
  xuncha_office_call_answer (call, 200, answer);
}

gboolean
xuncha_office_evidence_api_check_report (XunchaOfficeRecords     *records,
                                         XunchaOfficeCall        *call,
                                         const XunchaWireOfficer *officer,
                                         const char              *token,
                                         const XunchaWireReport  *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) enrolled = NULL;
  g_autoptr(GPtrArray) of_report = NULL;
  g_autoptr(XunchaEvidenceManifest) latest = NULL;
  XunchaOfficeEvidenceRecord *record;

  enrolled = token_key (records, call, token);
  if (enrolled == NULL)
    return call->status == 0;
  /* Another officer's report is the records' to refuse (403), whatever came with it. */
  {
    g_autoptr(XunchaOfficeReportRecord) held =
      xuncha_office_records_report_get (records, NULL, report->uuid, NULL);

    if (held != NULL && g_strcmp0 (held->officer_id, officer->id) != 0)
      return TRUE;
  }
  of_report = xuncha_office_records_evidence_of_report (records, report->uuid, &error);
  if (of_report == NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return FALSE;
    }
  if (of_report->len == 0)
    {
      refuse (call, "report %s: the office holds no signed manifest of it; send its "
              "manifests first (PUT api/v1/evidence)", report->uuid);
      return FALSE;
    }
  record = g_ptr_array_index (of_report, of_report->len - 1);
  latest = decode_record (record);
  if (latest == NULL || !g_str_equal (latest->officer, officer->id))
    {
      refuse (call, "report %s: its latest manifest is not of officer %s", report->uuid,
              officer->id);
      return FALSE;
    }
  if (!xuncha_evidence_manifest_matches_report (latest, report, &error))
    {
      refuse (call, "report %s, revision %" G_GINT64_FORMAT ": %s", report->uuid,
              latest->revision, error->message);
      return FALSE;
    }
  return TRUE;
}
