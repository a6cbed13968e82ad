/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include "xuncha-enrollment.h"

/* An empty value in the meta table means "none" (xuncha_sync_set_tls() clears that way). */
static char *
meta (XunchaStore *store,
      const char  *key)
{
  char *value = xuncha_store_get_meta (store, key);

  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

XunchaEnrollment *
xuncha_enrollment_load (XunchaStore *store)
{
  g_autoptr(XunchaEnrollment) enrollment = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  enrollment = g_new0 (XunchaEnrollment, 1);
  enrollment->server = meta (store, "sync.server");
  enrollment->officer = meta (store, "sync.officer");
  if (enrollment->server == NULL || enrollment->officer == NULL)
    return NULL;
  enrollment->officer_name = meta (store, "sync.officer_name");
  enrollment->team = meta (store, "sync.team");
  enrollment->ca_file = meta (store, "sync.ca_file");
  enrollment->pins = meta (store, "sync.pins");
  enrollment->token_store = meta (store, "sync.token_store");
  enrollment->last_sync_at = meta (store, "sync.last_sync_at");
  enrollment->last_result = meta (store, "sync.last_result");
  return g_steal_pointer (&enrollment);
}

void
xuncha_enrollment_free (XunchaEnrollment *enrollment)
{
  if (enrollment == NULL)
    return;
  g_free (enrollment->server);
  g_free (enrollment->officer);
  g_free (enrollment->officer_name);
  g_free (enrollment->team);
  g_free (enrollment->ca_file);
  g_free (enrollment->pins);
  g_free (enrollment->token_store);
  g_free (enrollment->last_sync_at);
  g_free (enrollment->last_result);
  g_free (enrollment);
}

char *
xuncha_enrollment_get_officer (XunchaStore *store)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  return meta (store, "sync.officer");
}
