/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-enroll-failure.h"

XunchaOfficeEnrollFailure *
xuncha_office_enroll_failure_new (const char *officer_id,
                                  const char *address,
                                  gint64      at)
{
  XunchaOfficeEnrollFailure *failure = g_new0 (XunchaOfficeEnrollFailure, 1);

  failure->officer_id = g_strdup (officer_id);
  failure->address = g_strdup (address);
  failure->at = at;
  return failure;
}

void
xuncha_office_enroll_failure_free (XunchaOfficeEnrollFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->officer_id);
  g_free (failure->address);
  g_free (failure);
}
