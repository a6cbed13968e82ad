/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the device token lives: the Secret Service (libsecret) when one answers, else a
 * file readable by the owner only in the data folder. $XUNCHA_TOKEN_STORE=file skips the
 * Secret Service (CI, a bare server). */
typedef enum
{
  XUNCHA_CREDENTIALS_NONE,
  XUNCHA_CREDENTIALS_SECRET_SERVICE,
  XUNCHA_CREDENTIALS_FILE,
} XunchaCredentialsStore;

/* A short, translated name of @store for messages ("the Secret Service"). */
const char *xuncha_credentials_store_name (XunchaCredentialsStore  store);

gboolean    xuncha_credentials_save       (const char              *data_dir,
                                           const char              *server,
                                           const char              *officer,
                                           const char              *token,
                                           XunchaCredentialsStore  *used,
                                           GError                 **error);
/* NULL (and no error) when no token is stored. */
char       *xuncha_credentials_load       (const char              *data_dir,
                                           const char              *server,
                                           const char              *officer,
                                           XunchaCredentialsStore  *used,
                                           GError                 **error);

G_END_DECLS
