/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-case-outcome.h"

XunchaOfficeCaseOutcome *
xuncha_office_case_outcome_new (void)
{
  return g_new0 (XunchaOfficeCaseOutcome, 1);
}

void
xuncha_office_case_outcome_free (XunchaOfficeCaseOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->report_uuid);
  g_free (outcome->category);
  g_free (outcome->officer_id);
  g_free (outcome);
}

gboolean
xuncha_office_case_outcome_on_time (const XunchaOfficeCaseOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, FALSE);

  return outcome->closed_us > 0 && outcome->closed_us <= outcome->deadline_us;
}
