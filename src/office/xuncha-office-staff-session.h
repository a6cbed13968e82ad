/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A console login as the records hold it. The browser's cookie carries the session id;
 * the records keep only its SHA-256, so that a copy of the database opens no session. */
typedef struct
{
  char   *id_sha256;     /* lowercase hex */
  char   *staff_name;
  char   *csrf_token;    /* sent back with every change, in a form field or a header */
  gint64  created_at;    /* wall clock, microseconds since 1970: the absolute timeout */
  gint64  seen_at;       /* the last request: the idle timeout */
} XunchaOfficeStaffSession;

XunchaOfficeStaffSession *xuncha_office_staff_session_new  (void);
void                      xuncha_office_staff_session_free (XunchaOfficeStaffSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeStaffSession, xuncha_office_staff_session_free)

G_END_DECLS
