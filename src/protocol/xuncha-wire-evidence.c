/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <string.h>

#include "xuncha-evidence-manifest.h"
#include "xuncha-protocol-private.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-evidence.h"

XunchaWireEvidence *
xuncha_wire_evidence_new (GBytes *manifest,
                          GBytes *signature)
{
  XunchaWireEvidence *evidence = g_new0 (XunchaWireEvidence, 1);

  g_return_val_if_fail (manifest != NULL && signature != NULL, NULL);

  evidence->manifest = g_bytes_ref (manifest);
  evidence->signature = g_bytes_ref (signature);
  return evidence;
}

void
xuncha_wire_evidence_free (XunchaWireEvidence *evidence)
{
  if (evidence == NULL)
    return;
  g_clear_pointer (&evidence->manifest, g_bytes_unref);
  g_clear_pointer (&evidence->signature, g_bytes_unref);
  g_free (evidence);
}

static void
add_base64 (JsonBuilder *builder,
            const char  *name,
            GBytes      *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = g_base64_encode (data, length);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

char *
xuncha_wire_evidence_encode (GPtrArray *evidence)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (evidence != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "manifests");
  json_builder_begin_array (builder);
  for (guint i = 0; i < evidence->len; i++)
    {
      XunchaWireEvidence *item = g_ptr_array_index (evidence, i);

      json_builder_begin_object (builder);
      add_base64 (builder, "manifest", item->manifest);
      add_base64 (builder, "signature", item->signature);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

/* Standard base64 with padding, nothing else (GLib's decoder skips what it does not know),
 * decoded to at most @max_bytes. */
static GBytes *
get_base64 (JsonObject  *object,
            const char  *path,
            const char  *name,
            gsize        max_bytes,
            GError     **error)
{
  const char *text;
  gsize length, decoded;
  guchar *data;

  if (!xuncha_protocol_get_string (object, path, name, TRUE, (max_bytes + 2) / 3 * 4, &text,
                                   error))
    return NULL;
  length = strlen (text);
  if (length == 0 || length % 4 != 0
      || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
         < length - 2
      || strspn (text + length - 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789+/=") != 2
      || (text[length - 2] == '=' && text[length - 1] != '='))
    {
      xuncha_protocol_invalid (error, "%s.%s: not standard base64", path, name);
      return NULL;
    }
  data = g_base64_decode (text, &decoded);
  if (decoded == 0 || decoded > max_bytes)
    {
      g_free (data);
      xuncha_protocol_invalid (error, "%s.%s: empty or more than %" G_GSIZE_FORMAT " bytes",
                               path, name, max_bytes);
      return NULL;
    }
  return g_bytes_new_take (data, decoded);
}

GPtrArray *
xuncha_wire_evidence_decode (const char  *data,
                             gssize       length,
                             GError     **error)
{
  static const char * const members[] = { "manifests", NULL };
  static const char * const item_members[] = { "manifest", "signature", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "evidence", error);
  g_autoptr(GPtrArray) evidence = g_ptr_array_new_with_free_func (
                                    (GDestroyNotify)xuncha_wire_evidence_free);
  JsonObject *object;
  JsonArray *array;

  if (root == NULL)
    return NULL;
  object = xuncha_protocol_as_object (root, "evidence", error);
  if (object == NULL
      || !xuncha_protocol_check_members (object, "evidence", members, error)
      || !xuncha_protocol_get_array (object, "evidence", "manifests", TRUE, &array, error))
    return NULL;
  if (json_array_get_length (array) == 0
      || json_array_get_length (array) > XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL)
    {
      xuncha_protocol_invalid (error, "evidence.manifests: 1 to %d in one call",
                               XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("evidence.manifests[%u]", i);
      JsonObject *o = xuncha_protocol_as_object (json_array_get_element (array, i), path,
                                                 error);
      g_autoptr(GBytes) manifest = NULL;
      g_autoptr(GBytes) signature = NULL;

      if (o == NULL || !xuncha_protocol_check_members (o, path, item_members, error))
        return NULL;
      manifest = get_base64 (o, path, "manifest", XUNCHA_EVIDENCE_MANIFEST_MAX_BYTES, error);
      if (manifest == NULL)
        return NULL;
      signature = get_base64 (o, path, "signature", XUNCHA_WIRE_EVIDENCE_SIGNATURE_MAX_BYTES,
                              error);
      if (signature == NULL)
        return NULL;
      g_ptr_array_add (evidence, xuncha_wire_evidence_new (manifest, signature));
    }
  return g_steal_pointer (&evidence);
}
