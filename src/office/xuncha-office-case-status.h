/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A report's case status as the office last set it, with the revision at which it was
 * set: what a device pulls with GET api/v1/reports/status?since=REV. */
typedef struct
{
  char   *uuid;
  char   *case_status;     /* nullable: not yet set */
  char   *case_status_at;  /* nullable */
  gint64  revision;
} XunchaOfficeCaseStatus;

XunchaOfficeCaseStatus *xuncha_office_case_status_new     (void);
void                    xuncha_office_case_status_free    (XunchaOfficeCaseStatus *status);
/* The wire item {"uuid", "case_status", "case_status_at", "revision"}. */
JsonObject             *xuncha_office_case_status_to_json (const XunchaOfficeCaseStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeCaseStatus, xuncha_office_case_status_free)

G_END_DECLS
