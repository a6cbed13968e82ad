/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <argon2.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/random.h>

#include "xuncha-office-password.h"

/* OWASP's Argon2id setting for a server: 19 MiB, two passes, one lane. A login costs some
 * tens of milliseconds on a worker, which the login limits keep from adding up. */
#define ARGON2_T_COST 2
#define ARGON2_M_COST_KIB 19456
#define ARGON2_PARALLELISM 1
#define ARGON2_SALT_BYTES 16
#define ARGON2_HASH_BYTES 32

G_DEFINE_QUARK (xuncha-office-password-error-quark, xuncha_office_password_error)

static void
random_bytes (guint8 *buffer,
              gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      /* The kernel's generator does not fail once seeded; a failure here is a broken
       * system, and a secret from a weak source must not be handed out. */
      if (n <= 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += (gsize)n;
    }
}

char *
xuncha_office_password_hash (const char  *password,
                             GError     **error)
{
  guint8 salt[ARGON2_SALT_BYTES];
  gsize length;
  g_autofree char *encoded = NULL;
  int rc;

  g_return_val_if_fail (password != NULL, NULL);

  random_bytes (salt, sizeof salt);
  length = argon2_encodedlen (ARGON2_T_COST, ARGON2_M_COST_KIB, ARGON2_PARALLELISM,
                              sizeof salt, ARGON2_HASH_BYTES, Argon2_id);
  encoded = g_malloc0 (length);
  rc = argon2id_hash_encoded (ARGON2_T_COST, ARGON2_M_COST_KIB, ARGON2_PARALLELISM, password,
                              strlen (password), salt, sizeof salt, ARGON2_HASH_BYTES, encoded,
                              length);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, XUNCHA_OFFICE_PASSWORD_ERROR, XUNCHA_OFFICE_PASSWORD_ERROR_FAILED,
                   "Could not hash the password: %s", argon2_error_message (rc));
      return NULL;
    }
  return g_steal_pointer (&encoded);
}

gboolean
xuncha_office_password_verify (const char *hash,
                               const char *password)
{
  /* The hash of a random password nobody knows, with the same cost as a real one. */
  static char *decoy;
  gboolean matches;

  g_return_val_if_fail (password != NULL, FALSE);

  if (g_once_init_enter (&decoy))
    {
      g_autofree char *secret = xuncha_office_password_random_token (24);

      g_once_init_leave (&decoy, xuncha_office_password_hash (secret, NULL));
    }
  matches = argon2id_verify (hash != NULL ? hash : decoy, password, strlen (password))
            == ARGON2_OK;
  return hash != NULL && matches;
}

char *
xuncha_office_password_one_time (void)
{
  static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
  const guint count = 16;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    {
      guint8 byte;

      /* Rejection sampling: every symbol equally likely. */
      do
        random_bytes (&byte, 1);
      while (byte >= 256 - 256 % (sizeof alphabet - 1));
      if (i > 0 && i % 4 == 0)
        g_string_append_c (text, '-');
      g_string_append_c (text, alphabet[byte % (sizeof alphabet - 1)]);
    }
  return g_string_free (text, FALSE);
}

gboolean
xuncha_office_password_acceptable (const char  *password,
                                   GError     **error)
{
  gsize length;

  g_return_val_if_fail (password != NULL, FALSE);

  length = strlen (password);
  if (length > XUNCHA_OFFICE_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, XUNCHA_OFFICE_PASSWORD_ERROR, XUNCHA_OFFICE_PASSWORD_ERROR_TOO_LONG,
                   _("The password is too long: at most %d bytes."),
                   XUNCHA_OFFICE_PASSWORD_MAX_BYTES);
      return FALSE;
    }
  if (!g_utf8_validate (password, (gssize)length, NULL))
    {
      g_set_error_literal (error, XUNCHA_OFFICE_PASSWORD_ERROR,
                           XUNCHA_OFFICE_PASSWORD_ERROR_ENCODING,
                           _("The password holds characters that cannot be read."));
      return FALSE;
    }
  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, XUNCHA_OFFICE_PASSWORD_ERROR,
                             XUNCHA_OFFICE_PASSWORD_ERROR_ENCODING,
                             _("The password holds characters that cannot be read."));
        return FALSE;
      }
  if (g_utf8_strlen (password, (gssize)length) < XUNCHA_OFFICE_PASSWORD_MIN_CHARS)
    {
      g_set_error (error, XUNCHA_OFFICE_PASSWORD_ERROR, XUNCHA_OFFICE_PASSWORD_ERROR_TOO_SHORT,
                   _("The password is too short: at least %d characters."),
                   XUNCHA_OFFICE_PASSWORD_MIN_CHARS);
      return FALSE;
    }
  return TRUE;
}

char *
xuncha_office_password_random_token (gsize length)
{
  g_autofree guint8 *bytes = g_malloc (length);
  char *text;

  random_bytes (bytes, length);
  text = g_base64_encode (bytes, length);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (strchr (text, '=') != NULL)
    *strchr (text, '=') = '\0';
  return text;
}
