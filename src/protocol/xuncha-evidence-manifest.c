/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-evidence"

#include "config.h"

#include <math.h>
#include <string.h>

#include "xuncha-evidence-manifest.h"
#include "xuncha-json-private.h"
#include "xuncha-protocol-private.h"

/* Integers beyond this are not exact in a double, so no reader could agree on them. */
#define EXACT_INTEGER_MAX 9007199254740991.0

static gboolean
manifest_invalid (GError     **error,
                  const char  *format,
                  ...) G_GNUC_PRINTF (2, 3);

static gboolean
manifest_invalid (GError     **error,
                  const char  *format,
                  ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
is_sha256_hex (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  return strspn (text, "0123456789abcdef") == 64;
}

/* The canonical writer (docs/evidence.md, "Canonical bytes"). */

static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* An integral value is written as an integer, whatever type it had: JSON has one number
 * type. Any other the shortest %.Ng (N = 1…17) that reads back as the same double. */
static gboolean
write_double (GString  *out,
              double    value,
              GError  **error)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return manifest_invalid (error, "a number is not finite");
  if (value == floor (value) && fabs (value) <= EXACT_INTEGER_MAX)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
      return TRUE;
    }
  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
  return TRUE;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
write_node (GString   *out,
            JsonNode  *node,
            GError   **error)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          return TRUE;
        case G_TYPE_INT64:
          {
            gint64 value = json_node_get_int (node);

            if (value > (gint64) EXACT_INTEGER_MAX || value < -(gint64) EXACT_INTEGER_MAX)
              return manifest_invalid (error, "an integer is beyond ±(2^53 − 1)");
            g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
            return TRUE;
          }
        case G_TYPE_DOUBLE:
          return write_double (out, json_node_get_double (node), error);
        case G_TYPE_STRING:
          {
            const char *text = json_node_get_string (node);

            if (!g_utf8_validate (text, -1, NULL))
              return manifest_invalid (error, "a string is not UTF-8");
            write_string (out, text);
            return TRUE;
          }
        default:
          return manifest_invalid (error, "a value of an unknown type");
        }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (!write_node (out, json_array_get_element (array, i), error))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        g_autoptr(GPtrArray) names = g_ptr_array_new ();

        for (GList *l = members; l != NULL; l = l->next)
          {
            if (!g_utf8_validate (l->data, -1, NULL))
              return manifest_invalid (error, "a member name is not UTF-8");
            g_ptr_array_add (names, l->data);
          }
        /* Byte order of the UTF-8 names: the same as code point order. */
        g_ptr_array_sort (names, compare_names);
        g_string_append_c (out, '{');
        for (guint i = 0; i < names->len; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_string (out, names->pdata[i]);
            g_string_append_c (out, ':');
            if (!write_node (out, json_object_get_member (object, names->pdata[i]), error))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }

    default:
      return manifest_invalid (error, "a value of an unknown kind");
    }
}

static gboolean
validate_manifest (const XunchaEvidenceManifest  *manifest,
                   GError                       **error)
{
  g_autoptr(GError) report_error = NULL;

  if (!xuncha_evidence_algorithm_is_valid (manifest->algorithm))
    return manifest_invalid (error, "manifest.algorithm: neither %s nor %s",
                             XUNCHA_EVIDENCE_ALGORITHM_SM2, XUNCHA_EVIDENCE_ALGORITHM_ED25519);
  if (!is_sha256_hex (manifest->device_key))
    return manifest_invalid (error, "manifest.device_key: not a lowercase SHA-256");
  if (manifest->officer == NULL || *manifest->officer == '\0'
      || g_utf8_strlen (manifest->officer, -1) > XUNCHA_PROTOCOL_ID_MAX
      || !g_utf8_validate (manifest->officer, -1, NULL))
    return manifest_invalid (error, "manifest.officer: required, at most %d characters",
                             XUNCHA_PROTOCOL_ID_MAX);
  if (!xuncha_protocol_is_time (manifest->saved_at)
      || strlen (manifest->saved_at) > XUNCHA_PROTOCOL_TIME_MAX)
    return manifest_invalid (error, "manifest.saved_at: not an ISO 8601 time");
  if (manifest->sequence < 1 || manifest->sequence > XUNCHA_PROTOCOL_REVISION_MAX)
    return manifest_invalid (error, "manifest.sequence: not between 1 and 2^53 − 1");
  if (manifest->revision < 1 || manifest->revision > XUNCHA_PROTOCOL_REVISION_MAX)
    return manifest_invalid (error, "manifest.revision: not between 1 and 2^53 − 1");
  /* A chain starts where nothing comes before, and only there. */
  if ((manifest->sequence == 1) != (manifest->previous_sha256 == NULL))
    return manifest_invalid (error, "manifest.previous_sha256: null exactly at sequence 1");
  if (manifest->previous_sha256 != NULL && !is_sha256_hex (manifest->previous_sha256))
    return manifest_invalid (error, "manifest.previous_sha256: not a lowercase SHA-256");
  if ((manifest->revision == 1) != (manifest->report_previous_sha256 == NULL))
    return manifest_invalid (error,
                             "manifest.report_previous_sha256: null exactly at revision 1");
  if (manifest->report_previous_sha256 != NULL
      && !is_sha256_hex (manifest->report_previous_sha256))
    return manifest_invalid (error,
                             "manifest.report_previous_sha256: not a lowercase SHA-256");
  if (manifest->report == NULL)
    return manifest_invalid (error, "manifest.report: required");
  if (!xuncha_wire_report_validate (manifest->report, &report_error))
    return manifest_invalid (error, "manifest.%s", report_error->message);
  return TRUE;
}

XunchaEvidenceManifest *
xuncha_evidence_manifest_new (void)
{
  return g_new0 (XunchaEvidenceManifest, 1);
}

void
xuncha_evidence_manifest_free (XunchaEvidenceManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->algorithm);
  g_free (manifest->device_key);
  g_free (manifest->officer);
  g_free (manifest->saved_at);
  g_free (manifest->previous_sha256);
  g_free (manifest->report_previous_sha256);
  g_clear_pointer (&manifest->report, xuncha_wire_report_free);
  g_free (manifest);
}

static void
add_optional_string (JsonObject *object,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

char *
xuncha_evidence_manifest_encode (const XunchaEvidenceManifest  *manifest,
                                 GError                       **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (manifest != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_manifest (manifest, error))
    return NULL;

  root = xuncha_protocol_new_object_node ();
  object = json_node_get_object (root);
  json_object_set_string_member (object, "algorithm", manifest->algorithm);
  json_object_set_string_member (object, "device_key", manifest->device_key);
  json_object_set_string_member (object, "officer", manifest->officer);
  add_optional_string (object, "previous_sha256", manifest->previous_sha256);
  json_object_set_member (object, "report", xuncha_wire_report_to_json (manifest->report));
  add_optional_string (object, "report_previous_sha256", manifest->report_previous_sha256);
  json_object_set_int_member (object, "revision", manifest->revision);
  json_object_set_string_member (object, "saved_at", manifest->saved_at);
  json_object_set_int_member (object, "sequence", manifest->sequence);
  json_object_set_int_member (object, "xuncha_evidence", XUNCHA_EVIDENCE_MANIFEST_VERSION);

  out = g_string_new (NULL);
  if (!write_node (out, root, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

XunchaEvidenceManifest *
xuncha_evidence_manifest_decode (const char  *data,
                                 gsize        length,
                                 GError     **error)
{
  static const char * const members[] = {
    "algorithm", "device_key", "officer", "previous_sha256", "report",
    "report_previous_sha256", "revision", "saved_at", "sequence", "xuncha_evidence", NULL
  };
  g_autoptr(XunchaEvidenceManifest) manifest = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *canonical = NULL;
  JsonObject *object;
  const char *algorithm, *device_key, *officer, *saved_at, *previous, *report_previous;
  gint64 version;
  JsonNode *report;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES)
    return manifest_invalid (error, "The manifest is larger than %d bytes",
                             XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES), NULL;
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    return manifest_invalid (error, "The manifest is not UTF-8 text"), NULL;

  root = xuncha_json_parse (data, length, &local_error);
  if (root == NULL)
    return manifest_invalid (error, "The manifest is not JSON: %s", local_error->message), NULL;
  object = xuncha_protocol_as_object (root, "manifest", &local_error);
  if (object == NULL
      || !xuncha_protocol_check_members (object, "manifest", members, &local_error)
      || !xuncha_protocol_get_int (object, "manifest", "xuncha_evidence", TRUE, 1, G_MAXINT32,
                                   &version, &local_error))
    return manifest_invalid (error, "%s", local_error->message), NULL;
  if (version != XUNCHA_EVIDENCE_MANIFEST_VERSION)
    return manifest_invalid (error, "manifest.xuncha_evidence: version %" G_GINT64_FORMAT
                             " is not known here (only %d)", version,
                             XUNCHA_EVIDENCE_MANIFEST_VERSION), NULL;

  manifest = xuncha_evidence_manifest_new ();
  if (!xuncha_protocol_get_string (object, "manifest", "algorithm", TRUE,
                                   XUNCHA_PROTOCOL_ID_MAX, &algorithm, &local_error)
      || !xuncha_protocol_get_string (object, "manifest", "device_key", TRUE,
                                      XUNCHA_PROTOCOL_ID_MAX, &device_key, &local_error)
      || !xuncha_protocol_get_string (object, "manifest", "officer", TRUE,
                                      XUNCHA_PROTOCOL_ID_MAX, &officer, &local_error)
      || !xuncha_protocol_get_string (object, "manifest", "saved_at", TRUE,
                                      XUNCHA_PROTOCOL_TIME_MAX, &saved_at, &local_error)
      || !xuncha_protocol_get_string (object, "manifest", "previous_sha256", FALSE,
                                      XUNCHA_PROTOCOL_ID_MAX, &previous, &local_error)
      || !xuncha_protocol_get_string (object, "manifest", "report_previous_sha256", FALSE,
                                      XUNCHA_PROTOCOL_ID_MAX, &report_previous, &local_error)
      || !xuncha_protocol_get_int (object, "manifest", "sequence", TRUE, 1,
                                   XUNCHA_PROTOCOL_REVISION_MAX, &manifest->sequence,
                                   &local_error)
      || !xuncha_protocol_get_int (object, "manifest", "revision", TRUE, 1,
                                   XUNCHA_PROTOCOL_REVISION_MAX, &manifest->revision,
                                   &local_error))
    return manifest_invalid (error, "%s", local_error->message), NULL;
  /* Required, and null is not a report. */
  report = json_object_get_member (object, "report");
  if (report == NULL || !JSON_NODE_HOLDS_OBJECT (report))
    return manifest_invalid (error, "manifest.report: expected an object"), NULL;
  manifest->report = xuncha_wire_report_from_json (report, &local_error);
  if (manifest->report == NULL)
    return manifest_invalid (error, "manifest.%s", local_error->message), NULL;
  manifest->algorithm = g_strdup (algorithm);
  manifest->device_key = g_strdup (device_key);
  manifest->officer = g_strdup (officer);
  manifest->saved_at = g_strdup (saved_at);
  manifest->previous_sha256 = g_strdup (previous);
  manifest->report_previous_sha256 = g_strdup (report_previous);

  /* One manifest, one byte string: what was signed is exactly what is read. */
  canonical = xuncha_evidence_manifest_encode (manifest, &local_error);
  if (canonical == NULL)
    return manifest_invalid (error, "%s", local_error->message), NULL;
  if (strlen (canonical) != length || memcmp (canonical, data, length) != 0)
    return manifest_invalid (error, "The manifest is not in canonical form "
                             "(docs/evidence.md): its bytes differ from its reading's"), NULL;
  return g_steal_pointer (&manifest);
}

char *
xuncha_evidence_sha256_hex (const guint8 *data,
                            gsize         length)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

XunchaEvidenceManifest *
xuncha_evidence_manifest_verify (XunchaEvidenceKey  *key,
                                 const char         *data,
                                 gsize               length,
                                 GBytes             *signature,
                                 GError            **error)
{
  g_autoptr(XunchaEvidenceManifest) manifest = NULL;

  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (key), NULL);
  g_return_val_if_fail (signature != NULL, NULL);

  manifest = xuncha_evidence_manifest_decode (data, length, error);
  if (manifest == NULL)
    return NULL;
  if (!g_str_equal (manifest->device_key, xuncha_evidence_key_get_fingerprint (key)))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_SIGNATURE,
                   "The manifest of report %s (sequence %" G_GINT64_FORMAT ") names the "
                   "device key %.16s…, not the key %.16s… it is checked with",
                   manifest->report->uuid, manifest->sequence, manifest->device_key,
                   xuncha_evidence_key_get_fingerprint (key));
      return NULL;
    }
  if (!g_str_equal (manifest->algorithm, xuncha_evidence_key_get_algorithm (key)))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_SIGNATURE,
                   "The manifest names the algorithm %s, but the key is %s",
                   manifest->algorithm, xuncha_evidence_key_get_algorithm (key));
      return NULL;
    }
  if (!xuncha_evidence_key_verify (key, (const guint8 *) data, length, signature, error))
    {
      g_prefix_error (error, "Report %s, sequence %" G_GINT64_FORMAT ": ",
                      manifest->report->uuid, manifest->sequence);
      return NULL;
    }
  return g_steal_pointer (&manifest);
}

gboolean
xuncha_evidence_manifest_matches_report (const XunchaEvidenceManifest  *manifest,
                                         const XunchaWireReport        *report,
                                         GError                       **error)
{
  g_autoptr(JsonNode) signed_node = NULL;
  g_autoptr(JsonNode) sent_node = NULL;
  g_autoptr(GString) differing = g_string_new (NULL);
  g_autoptr(GList) names = NULL;
  JsonObject *signed_object, *sent_object;

  g_return_val_if_fail (manifest != NULL && manifest->report != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  /* Compared member by member in the manifest's canonical form, where 2 and 2.0 are one
   * number as in JSON, so that the refusal names what differs. Both objects have every
   * member (absent values are null). */
  signed_node = xuncha_wire_report_to_json (manifest->report);
  sent_node = xuncha_wire_report_to_json (report);
  signed_object = json_node_get_object (signed_node);
  sent_object = json_node_get_object (sent_node);
  names = json_object_get_members (signed_object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr(GString) signed_text = g_string_new (NULL);
      g_autoptr(GString) sent_text = g_string_new (NULL);
      JsonNode *sent_member = json_object_get_member (sent_object, l->data);

      if (!write_node (signed_text, json_object_get_member (signed_object, l->data), error)
          || (sent_member != NULL && !write_node (sent_text, sent_member, error)))
        return FALSE;
      if (sent_member == NULL || !g_string_equal (signed_text, sent_text))
        g_string_append_printf (differing, "%s%s", differing->len > 0 ? ", " : "",
                                (const char *) l->data);
    }
  if (differing->len > 0)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_MISMATCH,
                   "The report %s differs from what its manifest (revision %" G_GINT64_FORMAT
                   ") signed, in: %s", report->uuid, manifest->revision, differing->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_evidence_manifest_follows_in_report (const XunchaEvidenceManifest  *manifest,
                                            const XunchaEvidenceManifest  *previous,
                                            const char                    *previous_data,
                                            gsize                          previous_length,
                                            GError                       **error)
{
  g_autofree char *previous_hash = NULL;

  g_return_val_if_fail (manifest != NULL, FALSE);
  g_return_val_if_fail (previous == NULL || previous_data != NULL, FALSE);

  if (previous == NULL)
    {
      if (manifest->revision != 1)
        {
          g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                       "Report %s: the first manifest is revision %" G_GINT64_FORMAT
                       ", not 1: earlier versions are missing",
                       manifest->report->uuid, manifest->revision);
          return FALSE;
        }
      return TRUE;
    }
  if (!g_str_equal (manifest->report->uuid, previous->report->uuid))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: a manifest of another report (%s) is in its chain",
                   previous->report->uuid, manifest->report->uuid);
      return FALSE;
    }
  if (manifest->revision != previous->revision + 1)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: revision %" G_GINT64_FORMAT " follows revision %"
                   G_GINT64_FORMAT ": a version is missing, repeated or out of order",
                   manifest->report->uuid, manifest->revision, previous->revision);
      return FALSE;
    }
  previous_hash = xuncha_evidence_sha256_hex ((const guint8 *) previous_data, previous_length);
  if (!g_str_equal (manifest->report_previous_sha256, previous_hash))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: revision %" G_GINT64_FORMAT " names a previous version other "
                   "than revision %" G_GINT64_FORMAT " here",
                   manifest->report->uuid, manifest->revision, previous->revision);
      return FALSE;
    }
  if (!g_str_equal (manifest->device_key, previous->device_key)
      || !g_str_equal (manifest->officer, previous->officer))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: revision %" G_GINT64_FORMAT " was signed by another device "
                   "or officer than revision %" G_GINT64_FORMAT,
                   manifest->report->uuid, manifest->revision, previous->revision);
      return FALSE;
    }
  if (manifest->sequence <= previous->sequence)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: revision %" G_GINT64_FORMAT " has an earlier device sequence "
                   "than revision %" G_GINT64_FORMAT, manifest->report->uuid,
                   manifest->revision, previous->revision);
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_evidence_manifest_follows_in_device (const XunchaEvidenceManifest  *manifest,
                                            const XunchaEvidenceManifest  *previous,
                                            const char                    *previous_data,
                                            gsize                          previous_length,
                                            gboolean                      *chain_start,
                                            GError                       **error)
{
  g_autofree char *previous_hash = NULL;

  g_return_val_if_fail (manifest != NULL, FALSE);
  g_return_val_if_fail (previous == NULL || previous_data != NULL, FALSE);
  g_return_val_if_fail (chain_start != NULL, FALSE);

  *chain_start = FALSE;
  /* A device that lost its store starts again at 1 with the same key: taken, and told. */
  if (manifest->sequence == 1)
    {
      *chain_start = TRUE;
      return TRUE;
    }
  if (previous == NULL)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: device sequence %" G_GINT64_FORMAT " has no manifest before "
                   "it here", manifest->report->uuid, manifest->sequence);
      return FALSE;
    }
  if (!g_str_equal (manifest->device_key, previous->device_key))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: device sequence %" G_GINT64_FORMAT " follows a manifest of "
                   "another device key", manifest->report->uuid, manifest->sequence);
      return FALSE;
    }
  if (manifest->sequence <= previous->sequence)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: device sequence %" G_GINT64_FORMAT " comes after sequence %"
                   G_GINT64_FORMAT ": an old manifest replayed or two out of order",
                   manifest->report->uuid, manifest->sequence, previous->sequence);
      return FALSE;
    }
  if (manifest->sequence != previous->sequence + 1)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: device sequence %" G_GINT64_FORMAT " follows sequence %"
                   G_GINT64_FORMAT ": the %" G_GINT64_FORMAT " between them are missing",
                   manifest->report->uuid, manifest->sequence, previous->sequence,
                   manifest->sequence - previous->sequence - 1);
      return FALSE;
    }
  previous_hash = xuncha_evidence_sha256_hex ((const guint8 *) previous_data, previous_length);
  if (!g_str_equal (manifest->previous_sha256, previous_hash))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   "Report %s: device sequence %" G_GINT64_FORMAT " names a previous "
                   "manifest other than the sequence %" G_GINT64_FORMAT " held here",
                   manifest->report->uuid, manifest->sequence, previous->sequence);
      return FALSE;
    }
  return TRUE;
}
