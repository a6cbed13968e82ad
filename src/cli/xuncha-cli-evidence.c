/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-cli-context.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-protocol.h"

/* evidence verify DIR: an evidence bundle (xuncha-office evidence export) checked offline,
 * with no office and no device store. Everything in it is outside input: each file is read
 * within its limit before anything parses it. */

#define REPORT_MAX_BYTES (4 * 1024 * 1024)
#define PHOTO_MAX_BYTES  (64 * 1024 * 1024)
#define KEY_MAX_BYTES    (16 * 1024)
#define MAX_REVISIONS    1000

static char *
read_limited (const char  *dir,
              const char  *name,
              gsize        max_bytes,
              gsize       *length,
              GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  char *data = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL,
                            error);
  if (info == NULL)
    return NULL;
  if ((guint64)g_file_info_get_size (info) > max_bytes)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is larger than %lu bytes"), name, (unsigned long)max_bytes);
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &data, length, NULL, error))
    return NULL;
  if (*length > max_bytes)
    {
      g_free (data);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is larger than %lu bytes"), name, (unsigned long)max_bytes);
      return NULL;
    }
  return data;
}

/* The key a manifest names, from keys/FINGERPRINT.json; its fingerprint checked. */
static XunchaEvidenceKey *
load_key (const char  *dir,
          const char  *fingerprint,
          char       **officer,
          char       **enrolled_at,
          GError     **error)
{
  g_autofree char *name = g_strdup_printf ("keys/%s.json", fingerprint);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  JsonObject *object;
  JsonNode *member;
  gsize length;

  text = read_limited (dir, name, KEY_MAX_BYTES, &length, error);
  if (text == NULL)
    return NULL;
  root = xuncha_protocol_parse (text, (gssize)length, "key", error);
  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  member = json_object_get_member (object, "public_key");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: public_key: required, a string"), name);
      return NULL;
    }
  key = xuncha_evidence_key_new_from_public (json_node_get_string (member), error);
  if (key == NULL)
    return NULL;
  if (!g_str_equal (xuncha_evidence_key_get_fingerprint (key), fingerprint))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds another key than the one it is named after"), name);
      return NULL;
    }
  member = json_object_get_member (object, "officer_id");
  *officer = member != NULL && JSON_NODE_HOLDS_VALUE (member)
             && json_node_get_value_type (member) == G_TYPE_STRING
             ? g_strdup (json_node_get_string (member)) : NULL;
  member = json_object_get_member (object, "enrolled_at");
  *enrolled_at = member != NULL && JSON_NODE_HOLDS_VALUE (member)
                 && json_node_get_value_type (member) == G_TYPE_STRING
                 ? g_strdup (json_node_get_string (member)) : NULL;
  return g_steal_pointer (&key);
}

/* The report as the office received it, from report.json. */
static XunchaWireReport *
load_report (const char  *dir,
             GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *member;
  gsize length;

  text = read_limited (dir, "report.json", REPORT_MAX_BYTES, &length, error);
  if (text == NULL)
    return NULL;
  root = xuncha_protocol_parse (text, (gssize)length, "report.json", error);
  if (root == NULL)
    return NULL;
  member = json_object_get_member (json_node_get_object (root), "report");
  if (member == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("report.json: report: required"));
      return NULL;
    }
  return xuncha_wire_report_from_json (member, error);
}

/* Every check; FALSE with @error naming the first that fails. */
static gboolean
verify_bundle (const char  *dir,
               GError     **error)
{
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(XunchaEvidenceManifest) previous = NULL;
  g_autofree char *previous_text = NULL;
  g_autofree char *officer = NULL, *enrolled_at = NULL;
  gsize previous_length = 0;
  guint revisions = 0;

  report = load_report (dir, error);
  if (report == NULL)
    return FALSE;

  for (guint revision = 1; revision <= MAX_REVISIONS; revision++)
    {
      g_autofree char *name = g_strdup_printf ("manifests/%u.json", revision);
      g_autofree char *sig_name = g_strdup_printf ("manifests/%u.sig", revision);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL, *signature_data = NULL;
      g_autoptr(GBytes) signature = NULL;
      g_autoptr(XunchaEvidenceManifest) named = NULL;
      g_autoptr(XunchaEvidenceManifest) manifest = NULL;
      g_autoptr(XunchaEvidenceKey) key = NULL;
      gsize length, signature_length;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      text = read_limited (dir, name, XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES, &length, error);
      signature_data = text != NULL ? read_limited (dir, sig_name, 128, &signature_length,
                                                    error) : NULL;
      if (signature_data == NULL)
        return FALSE;
      signature = g_bytes_new_take (g_steal_pointer (&signature_data), signature_length);
      named = xuncha_evidence_manifest_decode (text, length, error);
      if (named == NULL)
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
      g_clear_pointer (&officer, g_free);
      g_clear_pointer (&enrolled_at, g_free);
      key = load_key (dir, named->device_key, &officer, &enrolled_at, error);
      if (key == NULL)
        {
          g_prefix_error (error, _("%s names a device key the bundle does not hold: "), name);
          return FALSE;
        }
      manifest = xuncha_evidence_manifest_verify (key, text, length, signature, error);
      if (manifest == NULL)
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
      if (manifest->revision != revision)
        {
          g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                       _("%s holds revision %lld: the manifests are out of order, or one was "
                         "replaced by another"), name, (long long)manifest->revision);
          return FALSE;
        }
      if (g_strcmp0 (officer, manifest->officer) != 0)
        {
          g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_MISMATCH,
                       _("%s names officer %s, but its key was enrolled for %s"), name,
                       manifest->officer, officer != NULL ? officer : "?");
          return FALSE;
        }
      if (!xuncha_evidence_manifest_follows_in_report (manifest, previous, previous_text,
                                                       previous_length, error))
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
      printf (_("  revision %lld: signed by officer %s's device (key %.16s…, enrolled %s) "
                "at %s, device sequence %lld\n"),
              (long long)manifest->revision, manifest->officer, manifest->device_key,
              enrolled_at != NULL ? enrolled_at : "?", manifest->saved_at,
              (long long)manifest->sequence);
      g_clear_pointer (&previous, xuncha_evidence_manifest_free);
      g_clear_pointer (&previous_text, g_free);
      previous = g_steal_pointer (&manifest);
      previous_text = g_steal_pointer (&text);
      previous_length = length;
      revisions++;
    }
  if (previous == NULL)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   _("manifests/1.json is missing: the bundle holds no first version"));
      return FALSE;
    }
  {
    g_autofree char *next = g_strdup_printf ("manifests/%u.sig", revisions + 1);
    g_autofree char *path = g_build_filename (dir, next, NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS))
      {
        g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                     _("manifests/%u.json is missing: a version was left out"), revisions + 1);
        return FALSE;
      }
  }

  if (!xuncha_evidence_manifest_matches_report (previous, report, error))
    {
      g_prefix_error (error, _("report.json differs from its latest manifest: "));
      return FALSE;
    }

  for (guint i = 0; i < report->photos->len; i++)
    {
      XunchaWirePhoto *photo = g_ptr_array_index (report->photos, i);
      g_autofree char *name = g_strdup_printf ("photos/%s.jpg", photo->sha256);
      g_autofree char *data = NULL, *sha256 = NULL;
      gsize length;

      data = read_limited (dir, name, PHOTO_MAX_BYTES, &length, error);
      if (data == NULL)
        return FALSE;
      sha256 = xuncha_evidence_sha256_hex ((const guint8 *)data, length);
      if (!g_str_equal (sha256, photo->sha256))
        {
          g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_MISMATCH,
                       _("%s: its bytes are not the photo that was signed (their SHA-256 is "
                         "%s)"), name, sha256);
          return FALSE;
        }
    }
  printf (_("  %u photo(s): their bytes are those signed\n"), report->photos->len);
  return TRUE;
}

int
xuncha_cli_evidence (XunchaCliContext  *ctx,
                     int                argc,
                     char             **argv)
{
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };

  if (!xuncha_cli_parse_options ("evidence", "verify DIR",
                                 _("Check an evidence bundle, offline"), entries, &argc,
                                 &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "verify"))
    {
      g_printerr (_("Usage: xuncha-cli evidence verify DIR\n"));
      return 2;
    }
  printf (_("Evidence bundle %s:\n"), argv[2]);
  if (!verify_bundle (argv[2], &error))
    {
      printf (_("NOT VERIFIED: %s\n"), error->message);
      return 1;
    }
  printf (_("VERIFIED. This proves that the device holding the key above signed each "
            "version, that the photos' bytes, the values, times, position and officer have "
            "not changed since, and that the versions follow each other with none missing or "
            "swapped. It does not prove that the device's clock was right, that the position "
            "was true (its source is in the manifest), or that the key was not copied off "
            "the device.\n"));
  return 0;
}
