/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-audit-entry.h"

/* @at is now; the records keep the entry's time as given. */
XunchaOfficeAuditEntry *
xuncha_office_audit_entry_new (const char *actor,
                               const char *action,
                               const char *subject,
                               const char *before,
                               const char *after)
{
  XunchaOfficeAuditEntry *entry;

  g_return_val_if_fail (actor != NULL && action != NULL, NULL);

  entry = g_new0 (XunchaOfficeAuditEntry, 1);
  entry->at = g_get_real_time ();
  entry->actor = g_strdup (actor);
  entry->action = g_strdup (action);
  entry->subject = g_strdup (subject);
  entry->before = g_strdup (before);
  entry->after = g_strdup (after);
  return entry;
}

void
xuncha_office_audit_entry_free (XunchaOfficeAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->before);
  g_free (entry->after);
  g_free (entry);
}
