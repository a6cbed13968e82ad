/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-case.h"

XunchaOfficeCase *
xuncha_office_case_new (void)
{
  return g_new0 (XunchaOfficeCase, 1);
}

void
xuncha_office_case_free (XunchaOfficeCase *item)
{
  if (item == NULL)
    return;
  g_free (item->report_uuid);
  g_free (item->status);
  g_free (item->assignee);
  g_free (item);
}
