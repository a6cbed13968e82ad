/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-case-event.h"

XunchaOfficeCaseEvent *
xuncha_office_case_event_new (void)
{
  return g_new0 (XunchaOfficeCaseEvent, 1);
}

void
xuncha_office_case_event_free (XunchaOfficeCaseEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->report_uuid);
  g_free (event->actor);
  g_free (event->action);
  g_free (event->from_status);
  g_free (event->to_status);
  g_free (event->note);
  g_free (event->assignee);
  g_free (event->task_id);
  g_free (event);
}
