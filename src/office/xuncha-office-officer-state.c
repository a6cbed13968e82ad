/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-officer-state.h"

XunchaOfficeOfficerState *
xuncha_office_officer_state_new (void)
{
  return g_new0 (XunchaOfficeOfficerState, 1);
}

void
xuncha_office_officer_state_free (XunchaOfficeOfficerState *state)
{
  if (state == NULL)
    return;
  xuncha_wire_officer_clear (&state->officer);
  g_free (state->last_received);
  g_free (state);
}

char *
xuncha_office_officer_state_audit_text (const XunchaOfficeOfficerState *state)
{
  g_return_val_if_fail (state != NULL, NULL);

  return g_strdup_printf ("name=%s team=%s leader=%s revoked=%s devices=%u code=%s",
                          state->officer.name, state->officer.team != NULL
                                               ? state->officer.team : "-",
                          state->officer.leader ? "yes" : "no", state->revoked ? "yes" : "no",
                          state->devices, state->code_open ? "open" : "none");
}
