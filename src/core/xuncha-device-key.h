/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-credentials.h"
#include "xuncha-evidence-key.h"

G_BEGIN_DECLS

/* The device's signing key (docs/evidence.md), made at enrollment and kept where the
 * device token is kept: the Secret Service when one answers, else a file readable by the
 * owner only in the data folder ($XUNCHA_TOKEN_STORE=file skips the Secret Service, as for
 * the token). Its private half never leaves the device. */

/* Keeps @key (which must hold its private half) for @server and @officer, replacing the
 * one kept before. */
gboolean           xuncha_device_key_save (const char              *data_dir,
                                           const char              *server,
                                           const char              *officer,
                                           XunchaEvidenceKey       *key,
                                           XunchaCredentialsStore  *used,
                                           GError                 **error);
/* NULL (and no error) when no key is kept: a device enrolled before keys, or at an office
 * that does not take them. */
XunchaEvidenceKey *xuncha_device_key_load (const char              *data_dir,
                                           const char              *server,
                                           const char              *officer,
                                           XunchaCredentialsStore  *used,
                                           GError                 **error);

G_END_DECLS
