/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Console passwords: Argon2id hashes in PHC form, one-time passwords, and what a new
 * password must be. */

#define XUNCHA_OFFICE_PASSWORD_ERROR (xuncha_office_password_error_quark ())

typedef enum
{
  XUNCHA_OFFICE_PASSWORD_ERROR_TOO_SHORT,
  XUNCHA_OFFICE_PASSWORD_ERROR_TOO_LONG,
  XUNCHA_OFFICE_PASSWORD_ERROR_ENCODING,
  XUNCHA_OFFICE_PASSWORD_ERROR_FAILED,
} XunchaOfficePasswordError;

/* Length limits of a password, in characters and bytes. */
#define XUNCHA_OFFICE_PASSWORD_MIN_CHARS 10
#define XUNCHA_OFFICE_PASSWORD_MAX_BYTES 256

GQuark    xuncha_office_password_error_quark (void);

/* The Argon2id hash of @password with a fresh random salt, or NULL with @error. */
char     *xuncha_office_password_hash        (const char  *password,
                                              GError     **error);
/* Whether @password matches @hash (compared in constant time by libargon2). A NULL @hash
 * (no such account) is compared against a fixed hash, so that an unknown name takes as
 * long to refuse as a wrong password. */
gboolean  xuncha_office_password_verify      (const char  *hash,
                                              const char  *password);
/* A one-time password to read out or hand over on paper: four groups of four from an
 * alphabet without 0/O and 1/I/L (about 79 bits). */
char     *xuncha_office_password_one_time    (void);
/* Whether @password may become a password: valid UTF-8 without control characters, at
 * least XUNCHA_OFFICE_PASSWORD_MIN_CHARS characters and at most
 * XUNCHA_OFFICE_PASSWORD_MAX_BYTES bytes. The message says which, in the user's
 * language. */
gboolean  xuncha_office_password_acceptable  (const char  *password,
                                              GError     **error);
/* @length random bytes from the kernel, as URL-safe base64 without padding. */
char     *xuncha_office_password_random_token (gsize       length);

G_END_DECLS
