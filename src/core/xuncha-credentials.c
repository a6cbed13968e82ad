/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-credentials"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <unistd.h>

#include "xuncha-credentials.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.xuncha.DeviceToken", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "officer", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

/* Asking D-Bus with no session bus can try to start one; only ask when a bus is there. */
static gboolean
secret_service_possible (void)
{
  const char *choice = g_getenv ("XUNCHA_TOKEN_STORE");
  g_autofree char *bus = NULL;

  if (g_strcmp0 (choice, "file") == 0)
    return FALSE;
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (bus, G_FILE_TEST_EXISTS);
}

const char *
xuncha_credentials_store_name (XunchaCredentialsStore store)
{
  switch (store)
    {
    case XUNCHA_CREDENTIALS_SECRET_SERVICE:
      return _("the Secret Service (system keyring)");
    case XUNCHA_CREDENTIALS_FILE:
      return _("a file readable only by you in the data folder");
    case XUNCHA_CREDENTIALS_NONE:
    default:
      return _("nowhere");
    }
}

static char *
token_path (const char *data_dir)
{
  return g_build_filename (data_dir, "device-token", NULL);
}

static gboolean
save_file (const char  *data_dir,
           const char  *token,
           GError     **error)
{
  g_autofree char *path = token_path (data_dir);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  g_autofree char *text = g_strconcat (token, "\n", NULL);
  gsize length = strlen (text);
  int fd;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    goto fail;
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  if (fchmod (fd, 0600) != 0 || write (fd, text, length) != (ssize_t)length || fsync (fd) != 0)
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
  return TRUE;

fail:
  {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Could not save the device token in %s: %s"), data_dir, g_strerror (saved));
    return FALSE;
  }
}

gboolean
xuncha_credentials_save (const char              *data_dir,
                         const char              *server,
                         const char              *officer,
                         const char              *token,
                         XunchaCredentialsStore  *used,
                         GError                 **error)
{
  g_autoptr(GError) secret_error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL && server != NULL && officer != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  *used = XUNCHA_CREDENTIALS_NONE;
  if (secret_service_possible ()
      && secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT,
                                     "Xuncha device token", token, NULL, &secret_error,
                                     "server", server, "officer", officer, NULL))
    {
      /* A stale file would shadow nothing, but it is a token on disk: remove it. */
      path = token_path (data_dir);
      g_unlink (path);
      *used = XUNCHA_CREDENTIALS_SECRET_SERVICE;
      return TRUE;
    }
  if (secret_error != NULL)
    g_debug ("No Secret Service (%s); keeping the token in a file", secret_error->message);
  if (!save_file (data_dir, token, error))
    return FALSE;
  *used = XUNCHA_CREDENTIALS_FILE;
  return TRUE;
}

char *
xuncha_credentials_load (const char              *data_dir,
                         const char              *server,
                         const char              *officer,
                         XunchaCredentialsStore  *used,
                         GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  *used = XUNCHA_CREDENTIALS_NONE;
  if (secret_service_possible () && server != NULL && officer != NULL)
    {
      char *secret = secret_password_lookup_sync (token_schema (), NULL, &local_error,
                                                  "server", server, "officer", officer, NULL);
      if (secret != NULL)
        {
          char *token = g_strdup (secret);
          secret_password_free (secret);
          *used = XUNCHA_CREDENTIALS_SECRET_SERVICE;
          return token;
        }
      g_clear_error (&local_error);
    }

  path = token_path (data_dir);
  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  *used = XUNCHA_CREDENTIALS_FILE;
  return g_strdup (g_strstrip (text));
}
