/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a category's time limit for rectification is counted (整改时限). */
typedef enum
{
  XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS,   /* hours within the office's working hours */
  XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS,    /* to the close of the Nth working day after filing */
} XunchaOfficeTimeUnit;

/* The largest limit a category may have, in either unit: a year's working days, and the
 * working hours of as many (a limit beyond is a typing error, and bounds the arithmetic). */
#define XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS 250
#define XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS 2000

/* "work_hours", "work_days": the words the records and the console's forms use. */
const char *xuncha_office_time_unit_to_string   (XunchaOfficeTimeUnit  unit);
gboolean    xuncha_office_time_unit_from_string (const char           *text,
                                                 XunchaOfficeTimeUnit *unit);
/* Whether @amount is a limit the unit allows: 1 to its maximum. */
gboolean    xuncha_office_time_limit_is_valid   (guint                 amount,
                                                 XunchaOfficeTimeUnit  unit);

/* The deadline (Unix microseconds) of a case filed at @start_us with a limit of @amount
 * @unit, in the office's time zone @zone (Asia/Shanghai unless the office says otherwise).
 * Working days are Monday to Friday, working hours 08:30-12:00 and 13:30-18:00 local time.
 * Work hours count only time within those; work days end at 18:00 of the @amount-th
 * working day after the day of filing (the day of filing itself never counts, filed at
 * dawn or at dusk alike). Local holidays and working weekends (调休) are not modelled
 * yet: a deadline over a holiday falls on it. @amount must be valid for @unit. */
gint64      xuncha_office_case_deadline         (gint64                start_us,
                                                 guint                 amount,
                                                 XunchaOfficeTimeUnit  unit,
                                                 GTimeZone            *zone);

G_END_DECLS
