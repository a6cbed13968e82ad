/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An evidence bundle (docs/evidence.md, "Bundles"), written file by file to a folder by
 * `xuncha-office evidence export` and to a zip by the console: the same files either way,
 * so `xuncha-cli evidence verify` checks both alike. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "xuncha-office-evidence-bundle.h"

static const char readme[] =
  "巡查上报证据包 / Xuncha report evidence bundle\n"
  "\n"
  "本目录包含:上报原始照片(photos/),该上报每个版本的签名清单及签名(manifests/N.json、\n"
  "manifests/N.sig,N 为版本号),签名设备的公钥及注册记录(keys/指纹.pem、keys/指纹.json:\n"
  "警员、设备名、注册时间),以及单位收到上报时出具的回执(report.json)。\n"
  "核验方法:xuncha-cli evidence verify 本目录(无需联网,无需单位数据库),全部通过时返回 0。\n"
  "也可用 openssl 逐个核验签名(SM2 的区分标识为 1234567812345678):\n"
  "  openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678 \\\n"
  "      -pubin -inkey keys/指纹.pem -in manifests/1.json -sigfile manifests/1.sig\n"
  "核验通过可证明:持有该密钥的设备签署了这些清单;照片字节、字段、时间、位置和警员自签署后\n"
  "未被改动;各版本前后相连、没有缺失或调换。不能证明:设备时钟准确、位置真实(位置来源见清单),\n"
  "或私钥未被复制出设备。\n"
  "\n"
  "This folder holds the report's original photos (photos/), the signed manifest of every\n"
  "version of the report with its signature (manifests/N.json, manifests/N.sig, N the\n"
  "revision), the signing device's public key with its enrollment record (keys/FINGERPRINT.pem,\n"
  "keys/FINGERPRINT.json: officer, device name, time of enrollment) and the office's receipt\n"
  "(report.json).\n"
  "Check it with: xuncha-cli evidence verify THIS-FOLDER (no network, no office database);\n"
  "it exits 0 only when everything holds. Each signature can also be checked with openssl\n"
  "(SM2's distinguishing ID is 1234567812345678), as above.\n"
  "A check that holds proves that the device holding that key signed these manifests, that\n"
  "the photos' bytes, the values, times, position and officer have not changed since, and\n"
  "that the versions follow each other with none missing or swapped. It does not prove that\n"
  "the device's clock was right, that the position was true (its source is in the\n"
  "manifest), or that the private key was not copied off the device.\n";

typedef struct
{
  XunchaOfficeEvidenceBundleWrite  write;
  XunchaOfficeEvidenceBundlePhoto  write_photo;
  gpointer                         user_data;
} Sink;

static gboolean
write_file (const Sink  *sink,
            const char  *name,
            const void  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  return sink->write (name, bytes, sink->user_data, error);
}

static char *
public_pem (const char *base64)
{
  g_autoptr(GString) pem = g_string_new ("-----BEGIN PUBLIC KEY-----\n");
  gsize length = strlen (base64);

  for (gsize i = 0; i < length; i += 64)
    {
      g_string_append_len (pem, base64 + i, (gssize)MIN (64, length - i));
      g_string_append_c (pem, '\n');
    }
  g_string_append (pem, "-----END PUBLIC KEY-----\n");
  return g_string_free (g_steal_pointer (&pem), FALSE);
}

static gboolean
export_key (XunchaOfficeRecords  *records,
            const Sink           *dir,
            const char           *fingerprint,
            GError              **error)
{
  g_autoptr(XunchaOfficeEnrolledKey) key = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *pem = NULL, *json = NULL, *pem_name = NULL, *json_name = NULL;

  key = xuncha_office_records_enrolled_key (records, NULL, fingerprint, error);
  if (key == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("The office holds no enrolled key %s"), fingerprint);
      return FALSE;
    }
  json_builder_begin_object (builder);
#define MEMBER(name, value) \
  G_STMT_START { json_builder_set_member_name (builder, name); \
                 if ((value) != NULL) json_builder_add_string_value (builder, value); \
                 else json_builder_add_null_value (builder); } G_STMT_END
  MEMBER ("officer_id", key->officer_id);
  MEMBER ("device_name", key->device_name);
  MEMBER ("enrolled_at", key->enrolled_at);
  MEMBER ("algorithm", key->algorithm);
  MEMBER ("public_key", key->public_key);
  MEMBER ("fingerprint", key->fingerprint);
#undef MEMBER
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);
  pem = public_pem (key->public_key);
  pem_name = g_strdup_printf ("keys/%s.pem", fingerprint);
  json_name = g_strdup_printf ("keys/%s.json", fingerprint);
  return write_file (dir, pem_name, pem, strlen (pem), error)
         && write_file (dir, json_name, json, strlen (json), error);
}

/* A photo whole (the office takes photos of a bounded size), or its name and size for a
 * sink that reads it itself. */
static gboolean
export_photo (XunchaOfficePhotoStore  *photos,
              const Sink              *sink,
              const char              *sha256,
              GError                 **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = g_strdup_printf ("photos/%s.jpg", sha256);
  gint64 size;

  in = xuncha_office_photo_store_open_read (photos, sha256, &size, error);
  if (in == NULL)
    return FALSE;
  if (sink->write_photo != NULL)
    return sink->write_photo (name, sha256, size, sink->user_data, error);
  bytes = g_input_stream_read_bytes (in, (gsize)size, NULL, error);
  if (bytes == NULL)
    return FALSE;
  if (g_bytes_get_size (bytes) != (gsize)size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("Photo %s ended early"), sha256);
      return FALSE;
    }
  return sink->write (name, bytes, sink->user_data, error);
}

gboolean
xuncha_office_evidence_bundle_write (XunchaOfficeRecords              *records,
                                     XunchaOfficePhotoStore           *photos,
                                     const char                       *uuid,
                                     XunchaOfficeEvidenceBundleWrite   write,
                                     XunchaOfficeEvidenceBundlePhoto   write_photo,
                                     gpointer                          user_data,
                                     GPtrArray                       **manifests_out,
                                     GError                          **error)
{
  const Sink sink = { write, write_photo, user_data };
  const Sink *dir = &sink;
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(GPtrArray) manifests = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *report_json = NULL;

  record = xuncha_office_records_report_get (records, NULL, uuid, error);
  if (record == NULL)
    return FALSE;
  manifests = xuncha_office_records_evidence_of_report (records, uuid, error);
  if (manifests == NULL)
    return FALSE;
  if (manifests->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Report %s came without signed manifests (a device enrolled before "
                     "keys): there is no evidence to export"), uuid);
      return FALSE;
    }
  for (guint i = 0; i < manifests->len; i++)
    {
      XunchaOfficeEvidenceRecord *m = g_ptr_array_index (manifests, i);
      g_autofree char *json_name = g_strdup_printf ("manifests/%" G_GINT64_FORMAT ".json",
                                                    m->revision);
      g_autofree char *sig_name = g_strdup_printf ("manifests/%" G_GINT64_FORMAT ".sig",
                                                   m->revision);

      if (!write_file (dir, json_name, m->manifest, strlen (m->manifest), error)
          || !write_file (dir, sig_name, g_bytes_get_data (m->signature, NULL),
                          g_bytes_get_size (m->signature), error))
        return FALSE;
      if (!g_hash_table_contains (keys, m->device_key))
        {
          if (!export_key (records, dir, m->device_key, error))
            return FALSE;
          g_hash_table_add (keys, m->device_key);
        }
    }
  for (guint i = 0; i < record->report->photos->len; i++)
    {
      XunchaWirePhoto *photo = g_ptr_array_index (record->report->photos, i);

      if (!export_photo (photos, dir, photo->sha256, error))
        return FALSE;
    }

  json_node_take_object (root, xuncha_office_report_record_to_json (record));
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  report_json = json_generator_to_data (generator, NULL);
  if (!write_file (dir, "report.json", report_json, strlen (report_json), error)
      || !write_file (dir, "README.txt", readme, strlen (readme), error))
    return FALSE;
  if (manifests_out != NULL)
    *manifests_out = g_steal_pointer (&manifests);
  return TRUE;
}
