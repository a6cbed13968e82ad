/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-evidence-log"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-device-key.h"
#include "xuncha-evidence-log.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-sync-private.h"

/* Reading a key from the Secret Service takes a round trip over D-Bus; a save should not
 * pay it each time. Keys are held by where they came from and their fingerprint, so a
 * device enrolled again (a new key) reads the new one. */
static GMutex      key_lock;
static GHashTable *held_keys;

XunchaEvidenceKey *
xuncha_evidence_log_load_key (XunchaStore  *store,
                              GError      **error)
{
  g_autofree char *server = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *name = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  XunchaCredentialsStore used;
  XunchaEvidenceKey *held;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  server = xuncha_store_get_meta (store, XUNCHA_SYNC_META_SERVER);
  officer = xuncha_store_get_meta (store, XUNCHA_SYNC_META_OFFICER);
  fingerprint = xuncha_store_get_meta (store, XUNCHA_SYNC_META_DEVICE_KEY);
  if (server == NULL || officer == NULL || fingerprint == NULL || *fingerprint == '\0')
    return NULL;

  name = g_strjoin ("\n", xuncha_store_get_data_dir (store), server, officer, fingerprint,
                    NULL);
  g_mutex_lock (&key_lock);
  held = held_keys != NULL ? g_hash_table_lookup (held_keys, name) : NULL;
  if (held != NULL)
    g_object_ref (held);
  g_mutex_unlock (&key_lock);
  if (held != NULL)
    return held;

  key = xuncha_device_key_load (xuncha_store_get_data_dir (store), server, officer, &used,
                                error);
  if (key == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                     _("The device’s signing key is missing, so reports cannot be signed. "
                       "Ask the office for a new code and enroll again."));
      return NULL;
    }
  if (g_strcmp0 (xuncha_evidence_key_get_fingerprint (key), fingerprint) != 0)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   _("The device’s signing key is not the one the office kept at "
                     "enrollment, so reports cannot be signed. Ask the office for a new code "
                     "and enroll again."));
      return NULL;
    }

  g_mutex_lock (&key_lock);
  if (held_keys == NULL)
    held_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_replace (held_keys, g_steal_pointer (&name), g_object_ref (key));
  g_mutex_unlock (&key_lock);
  return g_steal_pointer (&key);
}

/* The newest manifest of a chain (a device key's or a report's): its number and bytes, or
 * number 0 for none yet. */
static gboolean
read_latest (XunchaStore  *store,
             sqlite3_stmt *stmt,
             gint64       *number,
             GBytes      **bytes,
             char        **device_key,
             GError      **error)
{
  int rc = sqlite3_step (stmt);

  *number = 0;
  *bytes = NULL;
  if (device_key != NULL)
    *device_key = NULL;
  if (rc == SQLITE_ROW)
    {
      *number = sqlite3_column_int64 (stmt, 0);
      *bytes = g_bytes_new (sqlite3_column_blob (stmt, 1),
                            (gsize)sqlite3_column_bytes (stmt, 1));
      if (device_key != NULL)
        *device_key = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return xuncha_store_set_error (store, error, "Could not read the signed manifests");
  return TRUE;
}

static char *
hash_of (GBytes *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return xuncha_evidence_sha256_hex (data, length);
}

gboolean
xuncha_evidence_log_sign (XunchaStore        *store,
                          XunchaEvidenceKey  *key,
                          const char         *uuid,
                          GError            **error)
{
  g_autoptr(XunchaEvidenceManifest) manifest = NULL;
  g_autoptr(GBytes) device_previous = NULL;
  g_autoptr(GBytes) report_previous = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *enrolled = NULL;
  g_autofree char *previous_key = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sha256 = NULL;
  gint64 sequence, revision;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (key == NULL || XUNCHA_IS_EVIDENCE_KEY (key), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (key == NULL)
    return TRUE;
  officer = xuncha_report_store_get_officer_of (store, uuid);
  enrolled = xuncha_store_get_meta (store, XUNCHA_SYNC_META_OFFICER);
  /* A report saved while the device was not enrolled goes as the enrolled officer's (the
   * office credits it to the token's), so it is signed as his. */
  if (officer == NULL)
    officer = g_strdup (enrolled);
  if (officer == NULL || g_strcmp0 (officer, enrolled) != 0)
    return TRUE;

  manifest = xuncha_evidence_manifest_new ();
  manifest->report = xuncha_report_store_load_wire (store, uuid, error);
  if (manifest->report == NULL)
    return FALSE;

  stmt = xuncha_store_prepare (store,
                               "SELECT sequence, manifest FROM evidence_manifests "
                               "WHERE device_key = ?1 ORDER BY sequence DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, xuncha_evidence_key_get_fingerprint (key), -1, SQLITE_STATIC);
  if (!read_latest (store, stmt, &sequence, &device_previous, NULL, error))
    return FALSE;

  stmt = xuncha_store_prepare (store,
                               "SELECT revision, manifest, device_key FROM evidence_manifests "
                               "WHERE report_uuid = ?1 ORDER BY revision DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (!read_latest (store, stmt, &revision, &report_previous, &previous_key, error))
    return FALSE;
  /* A report's chain is one key's: a version signed with a key the device no longer holds
   * (it enrolled again since) cannot be followed by this key's. */
  if (previous_key != NULL
      && !g_str_equal (previous_key, xuncha_evidence_key_get_fingerprint (key)))
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_CHAIN,
                   _("This report was signed with the key the device held before it was "
                     "enrolled again, so it can no longer be changed. Add what is missing as "
                     "a new report."));
      return FALSE;
    }

  now = g_date_time_new_now_utc ();
  manifest->algorithm = g_strdup (xuncha_evidence_key_get_algorithm (key));
  manifest->device_key = g_strdup (xuncha_evidence_key_get_fingerprint (key));
  manifest->officer = g_steal_pointer (&officer);
  manifest->saved_at = g_date_time_format_iso8601 (now);
  manifest->sequence = sequence + 1;
  manifest->previous_sha256 = device_previous != NULL ? hash_of (device_previous) : NULL;
  manifest->revision = revision + 1;
  manifest->report_previous_sha256 = report_previous != NULL ? hash_of (report_previous)
                                                             : NULL;

  text = xuncha_evidence_manifest_encode (manifest, error);
  if (text == NULL)
    return FALSE;
  signature = xuncha_evidence_key_sign (key, (const guint8 *)text, strlen (text), error);
  if (signature == NULL)
    return FALSE;
  sha256 = xuncha_evidence_sha256_hex ((const guint8 *)text, strlen (text));

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO evidence_manifests (device_key, sequence, "
                               "  report_uuid, revision, sha256, manifest, signature, officer) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, manifest->device_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, manifest->sequence);
  sqlite3_bind_text (stmt, 3, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, manifest->revision);
  sqlite3_bind_text (stmt, 5, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, text, (int)strlen (text), SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 7, g_bytes_get_data (signature, NULL),
                     (int)g_bytes_get_size (signature), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, manifest->officer, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_evidence_log_has (XunchaStore *store,
                         const char  *uuid)
{
  sqlite3_stmt *stmt;
  gboolean has;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "SELECT 1 FROM evidence_manifests WHERE report_uuid = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  has = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return has;
}

gboolean
xuncha_evidence_log_list (XunchaStore  *store,
                          const char   *uuid,
                          GPtrArray   **manifests,
                          GPtrArray   **signatures,
                          GError      **error)
{
  g_autoptr(GPtrArray) bytes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) signed_by = g_ptr_array_new_with_free_func (
                                     (GDestroyNotify)g_bytes_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (manifests != NULL && signatures != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "SELECT manifest, signature FROM evidence_manifests "
                               "WHERE report_uuid = ?1 ORDER BY revision", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (bytes, g_bytes_new (sqlite3_column_blob (stmt, 0),
                                           (gsize)sqlite3_column_bytes (stmt, 0)));
      g_ptr_array_add (signed_by, g_bytes_new (sqlite3_column_blob (stmt, 1),
                                               (gsize)sqlite3_column_bytes (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_store_set_error (store, error, "Could not read the signed manifests");
  *manifests = g_steal_pointer (&bytes);
  *signatures = g_steal_pointer (&signed_by);
  return TRUE;
}

gboolean
xuncha_evidence_log_sign_if_unsigned (XunchaStore        *store,
                                      XunchaEvidenceKey  *key,
                                      const char         *uuid,
                                      GError            **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (key == NULL)
    return TRUE;
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if ((!xuncha_evidence_log_has (store, uuid) && !xuncha_evidence_log_sign (store, key, uuid,
                                                                          error))
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
xuncha_evidence_log_unsent (XunchaStore  *store,
                            const char   *officer,
                            char        **device_key_out,
                            guint         max_count,
                            gsize         max_bytes,
                            gint64       *last,
                            GError      **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify)xuncha_wire_evidence_free);
  g_autofree char *device_key = NULL;
  sqlite3_stmt *stmt;
  gsize bytes = 0;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (officer != NULL, NULL);
  g_return_val_if_fail (device_key_out != NULL && last != NULL, NULL);

  *last = 0;
  *device_key_out = NULL;
  stmt = xuncha_store_prepare (store,
                               "SELECT device_key FROM evidence_manifests WHERE sent = 0 "
                               "AND officer = ?1 ORDER BY rowid LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, officer, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    device_key = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the signed manifests");
      return NULL;
    }
  if (device_key == NULL)
    return g_steal_pointer (&found);

  stmt = xuncha_store_prepare (store,
                               "SELECT sequence, manifest, signature FROM evidence_manifests "
                               "WHERE device_key = ?1 AND sent = 0 ORDER BY sequence "
                               "LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int)max_count);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GBytes) manifest = NULL;
      g_autoptr(GBytes) signature = NULL;
      gsize size = (gsize)sqlite3_column_bytes (stmt, 1);

      /* Base64 makes four characters of three bytes. */
      if (found->len > 0 && bytes + size / 3 * 4 > max_bytes)
        break;
      bytes += size / 3 * 4;
      manifest = g_bytes_new (sqlite3_column_blob (stmt, 1), size);
      signature = g_bytes_new (sqlite3_column_blob (stmt, 2),
                               (gsize)sqlite3_column_bytes (stmt, 2));
      g_ptr_array_add (found, xuncha_wire_evidence_new (manifest, signature));
      *last = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the signed manifests");
      return NULL;
    }
  *device_key_out = g_steal_pointer (&device_key);
  return g_steal_pointer (&found);
}

gboolean
xuncha_evidence_log_mark_sent (XunchaStore  *store,
                               const char   *device_key,
                               gint64        last,
                               GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (device_key != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE evidence_manifests SET sent = 1 "
                               "WHERE device_key = ?1 AND sequence <= ?2 AND sent = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, last);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_evidence_log_mark_unsent (XunchaStore  *store,
                                 GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  return xuncha_store_exec (store, "UPDATE evidence_manifests SET sent = 0 WHERE sent = 1",
                            error);
}
