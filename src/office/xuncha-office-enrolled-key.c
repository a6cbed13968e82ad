/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-enrolled-key.h"

XunchaOfficeEnrolledKey *
xuncha_office_enrolled_key_new (const char *officer_id,
                                const char *device_name,
                                const char *enrolled_at,
                                const char *algorithm,
                                const char *public_key,
                                const char *fingerprint)
{
  XunchaOfficeEnrolledKey *key = g_new0 (XunchaOfficeEnrolledKey, 1);

  key->officer_id = g_strdup (officer_id);
  key->device_name = g_strdup (device_name);
  key->enrolled_at = g_strdup (enrolled_at);
  key->algorithm = g_strdup (algorithm);
  key->public_key = g_strdup (public_key);
  key->fingerprint = g_strdup (fingerprint);
  return key;
}

void
xuncha_office_enrolled_key_free (XunchaOfficeEnrolledKey *key)
{
  if (key == NULL)
    return;
  g_free (key->officer_id);
  g_free (key->device_name);
  g_free (key->enrolled_at);
  g_free (key->algorithm);
  g_free (key->public_key);
  g_free (key->fingerprint);
  g_free (key);
}
