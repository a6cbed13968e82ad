/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A report as a case: its status and what the workflow set on it. */
typedef struct
{
  char   *report_uuid;
  char   *status;        /* nullable: none yet (上报) */
  gint64  deadline_us;   /* 0: none (not filed) */
  char   *assignee;      /* nullable: dispatched to */
  guint   steps;         /* how many steps its history holds */
} XunchaOfficeCase;

XunchaOfficeCase *xuncha_office_case_new  (void);
void              xuncha_office_case_free (XunchaOfficeCase *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeCase, xuncha_office_case_free)

G_END_DECLS
