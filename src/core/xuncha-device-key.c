/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-device-key"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

#include "xuncha-device-key.h"

static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.xuncha.DeviceSigningKey", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "officer", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

/* As for the token: asking D-Bus with no session bus can try to start one. */
static gboolean
secret_service_possible (void)
{
  g_autofree char *bus = NULL;

  if (g_strcmp0 (g_getenv ("XUNCHA_TOKEN_STORE"), "file") == 0)
    return FALSE;
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (bus, G_FILE_TEST_EXISTS);
}

static char *
key_path (const char *data_dir)
{
  return g_build_filename (data_dir, "device-signing-key.pem", NULL);
}

/* Written whole or not at all, and durable once saved: a key lost after the office took
 * its public half would leave the device unable to sign until it enrolls again. */
static gboolean
save_file (const char  *data_dir,
           const char  *pem,
           GError     **error)
{
  g_autofree char *path = key_path (data_dir);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  gsize length = strlen (pem);
  int fd, dir_fd;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    goto fail;
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  if (fchmod (fd, 0600) != 0 || write (fd, pem, length) != (ssize_t)length || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (tmp);
      errno = saved;
      goto fail;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    goto fail;
  dir_fd = g_open (data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0)
    goto fail;
  if (fsync (dir_fd) != 0)
    {
      int saved = errno;
      close (dir_fd);
      errno = saved;
      goto fail;
    }
  close (dir_fd);
  return TRUE;

fail:
  {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Could not save the device’s signing key in %s: %s"), data_dir,
                 g_strerror (saved));
    return FALSE;
  }
}

gboolean
xuncha_device_key_save (const char              *data_dir,
                        const char              *server,
                        const char              *officer,
                        XunchaEvidenceKey       *key,
                        XunchaCredentialsStore  *used,
                        GError                 **error)
{
  g_autoptr(GError) secret_error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL && server != NULL && officer != NULL, FALSE);
  g_return_val_if_fail (XUNCHA_IS_EVIDENCE_KEY (key), FALSE);
  g_return_val_if_fail (xuncha_evidence_key_has_private (key), FALSE);
  g_return_val_if_fail (used != NULL, FALSE);

  *used = XUNCHA_CREDENTIALS_NONE;
  pem = xuncha_evidence_key_dup_private_pem (key, error);
  if (pem == NULL)
    return FALSE;
  if (secret_service_possible ()
      && secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT,
                                     "Xuncha device signing key", pem, NULL, &secret_error,
                                     "server", server, "officer", officer, NULL))
    {
      /* A key on disk beside the keyring's is one copy too many. */
      path = key_path (data_dir);
      g_unlink (path);
      *used = XUNCHA_CREDENTIALS_SECRET_SERVICE;
      memset (pem, 0, strlen (pem));
      return TRUE;
    }
  if (secret_error != NULL)
    g_debug ("No Secret Service (%s); keeping the signing key in a file",
             secret_error->message);
  if (!save_file (data_dir, pem, error))
    {
      memset (pem, 0, strlen (pem));
      return FALSE;
    }
  memset (pem, 0, strlen (pem));
  *used = XUNCHA_CREDENTIALS_FILE;
  return TRUE;
}

XunchaEvidenceKey *
xuncha_device_key_load (const char              *data_dir,
                        const char              *server,
                        const char              *officer,
                        XunchaCredentialsStore  *used,
                        GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  XunchaEvidenceKey *key;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (used != NULL, NULL);

  *used = XUNCHA_CREDENTIALS_NONE;
  if (secret_service_possible () && server != NULL && officer != NULL)
    {
      char *secret = secret_password_lookup_sync (key_schema (), NULL, &local_error,
                                                  "server", server, "officer", officer, NULL);
      if (secret != NULL)
        {
          key = xuncha_evidence_key_new_from_private_pem (secret, error);
          secret_password_free (secret);
          if (key != NULL)
            *used = XUNCHA_CREDENTIALS_SECRET_SERVICE;
          return key;
        }
      g_clear_error (&local_error);
    }

  path = key_path (data_dir);
  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  key = xuncha_evidence_key_new_from_private_pem (text, &local_error);
  memset (text, 0, strlen (text));
  if (key == NULL)
    {
      g_set_error (error, XUNCHA_EVIDENCE_ERROR, XUNCHA_EVIDENCE_ERROR_KEY,
                   _("The device’s signing key in %s cannot be read (%s). Enroll the device "
                     "again."), path, local_error->message);
      return NULL;
    }
  *used = XUNCHA_CREDENTIALS_FILE;
  return key;
}
