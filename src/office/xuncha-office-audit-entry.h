/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One line of the console's audit log: who changed what, when, from what to what. The
 * records write it in the same transaction as the change it describes, so neither is
 * kept without the other. */
typedef struct
{
  gint64  id;        /* set by the records: the order of writing */
  gint64  at;        /* wall clock, microseconds since 1970 */
  char   *actor;     /* the staff member, or "command line" for the office's own commands */
  char   *action;    /* e.g. "staff.add", "password.change", "login" */
  char   *subject;   /* what it was done to (a staff name, a report uuid); nullable */
  char   *before;    /* nullable */
  char   *after;     /* nullable */
} XunchaOfficeAuditEntry;

XunchaOfficeAuditEntry *xuncha_office_audit_entry_new  (const char *actor,
                                                        const char *action,
                                                        const char *subject,
                                                        const char *before,
                                                        const char *after);
void                    xuncha_office_audit_entry_free (XunchaOfficeAuditEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeAuditEntry, xuncha_office_audit_entry_free)

G_END_DECLS
