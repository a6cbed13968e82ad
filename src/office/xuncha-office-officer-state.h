/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-protocol.h"

G_BEGIN_DECLS

/* An officer as the console lists him: who he is, where his enrollment stands and how many
 * street segments he is assigned. */
typedef struct
{
  XunchaWireOfficer officer;
  gboolean          revoked;        /* the office refuses his devices */
  gboolean          code_open;      /* a one-time enrollment code not yet spent */
  guint             devices;        /* device tokens the office accepts */
  char             *last_received;  /* when his newest report arrived (ISO 8601), or NULL */
  gint64            last_sync_us;   /* his devices' last sync (wall clock, µs), 0 for none */
  guint             segments;       /* street segments assigned */
} XunchaOfficeOfficerState;

XunchaOfficeOfficerState *xuncha_office_officer_state_new  (void);
void                      xuncha_office_officer_state_free (XunchaOfficeOfficerState *state);
/* What the audit log keeps of an officer (his name, team, enrollment), as one line: the
 * before and after of the console's and the command line's officer changes. */
char                     *xuncha_office_officer_state_audit_text
                                                           (const XunchaOfficeOfficerState *state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeOfficerState, xuncha_office_officer_state_free)

G_END_DECLS
