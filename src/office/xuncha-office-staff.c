/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-office-staff.h"

#define NAME_MAX_BYTES 64

static const char * const role_words[] = {
  [XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER] = "dispatcher",
  [XUNCHA_OFFICE_STAFF_ROLE_LEADER] = "leader",
  [XUNCHA_OFFICE_STAFF_ROLE_ADMIN] = "admin",
};

XunchaOfficeStaff *
xuncha_office_staff_new (void)
{
  return g_new0 (XunchaOfficeStaff, 1);
}

XunchaOfficeStaff *
xuncha_office_staff_copy (const XunchaOfficeStaff *staff)
{
  XunchaOfficeStaff *copy;

  g_return_val_if_fail (staff != NULL, NULL);

  copy = g_memdup2 (staff, sizeof *staff);
  copy->name = g_strdup (staff->name);
  copy->team = g_strdup (staff->team);
  copy->password_hash = g_strdup (staff->password_hash);
  return copy;
}

void
xuncha_office_staff_free (XunchaOfficeStaff *staff)
{
  if (staff == NULL)
    return;
  g_free (staff->name);
  g_free (staff->team);
  /* Not a secret, but nothing to leave lying in freed memory either. */
  if (staff->password_hash != NULL)
    memset (staff->password_hash, 0, strlen (staff->password_hash));
  g_free (staff->password_hash);
  g_free (staff);
}

const char *
xuncha_office_staff_role_to_string (XunchaOfficeStaffRole role)
{
  g_return_val_if_fail ((guint)role < G_N_ELEMENTS (role_words), NULL);

  return role_words[role];
}

gboolean
xuncha_office_staff_role_from_string (const char            *text,
                                      XunchaOfficeStaffRole *role)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (role_words); i++)
    if (g_str_equal (text, role_words[i]))
      {
        *role = (XunchaOfficeStaffRole)i;
        return TRUE;
      }
  return FALSE;
}

gboolean
xuncha_office_staff_name_is_valid (const char *name)
{
  gsize length;

  if (name == NULL)
    return FALSE;
  length = strlen (name);
  if (length == 0 || length > NAME_MAX_BYTES || !g_utf8_validate (name, (gssize)length, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '.' && c != '_' && c != '-')
        return FALSE;
    }
  return TRUE;
}
