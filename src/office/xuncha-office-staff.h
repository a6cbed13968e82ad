/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a member of the office's staff may do at the console. The server checks it for
 * every page and action; the browser is never trusted with it. */
typedef enum
{
  XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER,   /* 受理员/值班长: every team's reports and cases */
  XUNCHA_OFFICE_STAFF_ROLE_LEADER,       /* 中队长: his own team's only */
  XUNCHA_OFFICE_STAFF_ROLE_ADMIN,        /* everything, and the accounts and the audit log */
} XunchaOfficeStaffRole;

/* A console account as the records hold it. The password is only ever kept as its
 * Argon2id hash in PHC form ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"). */
typedef struct
{
  char                 *name;
  XunchaOfficeStaffRole role;
  char                 *team;           /* a leader's team; NULL for the others */
  char                 *password_hash;
  gboolean              must_change;    /* a one-time password: changed at the next login */
  gboolean              disabled;
  gint64                created_at;     /* wall clock, microseconds since 1970 */
} XunchaOfficeStaff;

XunchaOfficeStaff *xuncha_office_staff_new          (void);
XunchaOfficeStaff *xuncha_office_staff_copy         (const XunchaOfficeStaff *staff);
void               xuncha_office_staff_free         (XunchaOfficeStaff       *staff);

/* "dispatcher", "leader", "admin": the words the command line and the records use. */
const char        *xuncha_office_staff_role_to_string   (XunchaOfficeStaffRole  role);
gboolean           xuncha_office_staff_role_from_string (const char            *text,
                                                         XunchaOfficeStaffRole *role);

/* A name the console accepts: 1 to 64 bytes of letters, digits, '.', '_' and '-' (ASCII,
 * or any letter of Unicode), so that it reads the same in the audit log and a URL. */
gboolean           xuncha_office_staff_name_is_valid    (const char            *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeStaff, xuncha_office_staff_free)

G_END_DECLS
