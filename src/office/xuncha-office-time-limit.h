/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-office-case-deadline.h"

G_BEGIN_DECLS

/* A category's time limit for rectification (整改时限), as the admin sets it. */
typedef struct
{
  char                 *category;   /* the taxonomy's code, e.g. "06010" (暴露垃圾) */
  guint                 amount;
  XunchaOfficeTimeUnit  unit;
} XunchaOfficeTimeLimit;

XunchaOfficeTimeLimit *xuncha_office_time_limit_new     (const char            *category,
                                                         guint                  amount,
                                                         XunchaOfficeTimeUnit   unit);
void                   xuncha_office_time_limit_free    (XunchaOfficeTimeLimit *limit);
/* "1 work_days": how the audit log shows a limit before and after a change. */
char                  *xuncha_office_time_limit_to_text (const XunchaOfficeTimeLimit *limit);

/* The limits each records backend starts with (its migration inserts these rows into
 * case_time_limits (category, amount, unit)), one for each category of the bundled
 * taxonomy: 暴露垃圾 one work day, as local rules set it; what blocks the way (a stall, a
 * parked car, a roaming vendor, a fire) hours; what needs building work days. Part of
 * released migrations: never edit; a change of defaults is a new migration. */
#define XUNCHA_OFFICE_TIME_LIMIT_DEFAULTS_SQL \
  "('09006', 2, 'work_hours'), ('09005', 2, 'work_hours'), ('07003', 3, 'work_days'), " \
  "('06001', 5, 'work_days'), ('09009', 1, 'work_hours'), ('08002', 1, 'work_days'), " \
  "('06013', 3, 'work_days'), ('08003', 1, 'work_days'), ('06028', 2, 'work_hours'), " \
  "('06011', 1, 'work_days'), ('06030', 4, 'work_hours'), ('06012', 4, 'work_hours'), " \
  "('06042', 4, 'work_hours'), ('06010', 1, 'work_days'), ('09010', 2, 'work_hours'), " \
  "('09011', 2, 'work_hours'), ('06040', 2, 'work_days'), ('09001', 1, 'work_hours'), " \
  "('07001', 1, 'work_days'), ('06020', 1, 'work_hours'), ('06901', 1, 'work_hours'), " \
  "('06902', 1, 'work_hours'), ('06903', 2, 'work_hours'), ('06029', 2, 'work_hours'), " \
  "('06027', 5, 'work_days'), ('09901', 1, 'work_days'), ('INT-01', 1, 'work_days'), " \
  "('INT-02', 3, 'work_days')"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeTimeLimit, xuncha_office_time_limit_free)

G_END_DECLS
