/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-office-staff-session.h"

XunchaOfficeStaffSession *
xuncha_office_staff_session_new (void)
{
  return g_new0 (XunchaOfficeStaffSession, 1);
}

void
xuncha_office_staff_session_free (XunchaOfficeStaffSession *session)
{
  if (session == NULL)
    return;
  g_free (session->id_sha256);
  g_free (session->staff_name);
  if (session->csrf_token != NULL)
    memset (session->csrf_token, 0, strlen (session->csrf_token));
  g_free (session->csrf_token);
  g_free (session);
}
