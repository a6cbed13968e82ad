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
