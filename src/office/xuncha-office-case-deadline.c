/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-case-deadline.h"

/* The office's working hours, in minutes after local midnight, in the day's order. */
static const struct
{
  int start;
  int end;
} work_periods[] = {
  { 8 * 60 + 30, 12 * 60 },
  { 13 * 60 + 30, 18 * 60 },
};

const char *
xuncha_office_time_unit_to_string (XunchaOfficeTimeUnit unit)
{
  return unit == XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS ? "work_hours" : "work_days";
}

gboolean
xuncha_office_time_unit_from_string (const char           *text,
                                     XunchaOfficeTimeUnit *unit)
{
  g_return_val_if_fail (unit != NULL, FALSE);

  if (g_strcmp0 (text, "work_hours") == 0)
    *unit = XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS;
  else if (g_strcmp0 (text, "work_days") == 0)
    *unit = XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS;
  else
    return FALSE;
  return TRUE;
}

gboolean
xuncha_office_time_limit_is_valid (guint                amount,
                                   XunchaOfficeTimeUnit unit)
{
  if (unit == XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS)
    return amount >= 1 && amount <= XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS;
  return amount >= 1 && amount <= XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS;
}

static gboolean
is_work_day (GDateTime *day)
{
  return g_date_time_get_day_of_week (day) <= 5;
}

/* The local time @minutes after midnight of @day's date, as Unix microseconds. A time
 * that a change of clocks skips or repeats is resolved by GLib; Asia/Shanghai has none. */
static gint64
local_minutes (GDateTime  *day,
               GTimeZone  *zone,
               int         minutes)
{
  g_autoptr(GDateTime) at = g_date_time_new (zone, g_date_time_get_year (day),
                                             g_date_time_get_month (day),
                                             g_date_time_get_day_of_month (day),
                                             minutes / 60, minutes % 60, 0);

  return g_date_time_to_unix (at) * G_USEC_PER_SEC;
}

/* Noon of the next calendar day: noon, so that no change of clocks makes it the same day
 * or skips one. */
static GDateTime *
next_day (GDateTime *day,
          GTimeZone *zone)
{
  g_autoptr(GDateTime) noon = g_date_time_new (zone, g_date_time_get_year (day),
                                               g_date_time_get_month (day),
                                               g_date_time_get_day_of_month (day), 12, 0, 0);

  return g_date_time_add_days (noon, 1);
}

static gint64
add_work_hours (gint64     start_us,
                guint      hours,
                GTimeZone *zone)
{
  gint64 remaining = (gint64)hours * 3600 * G_USEC_PER_SEC;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start_us / G_USEC_PER_SEC);
  GDateTime *day = g_date_time_to_timezone (utc, zone);

  for (;;)
    {
      GDateTime *following;

      if (is_work_day (day))
        for (guint i = 0; i < G_N_ELEMENTS (work_periods); i++)
          {
            gint64 from = local_minutes (day, zone, work_periods[i].start);
            gint64 to = local_minutes (day, zone, work_periods[i].end);

            if (to <= start_us)
              continue;
            from = MAX (from, start_us);
            if (remaining <= to - from)
              {
                g_date_time_unref (day);
                return from + remaining;
              }
            remaining -= to - from;
          }
      following = next_day (day, zone);
      g_date_time_unref (day);
      day = following;
    }
}

static gint64
add_work_days (gint64     start_us,
               guint      days,
               GTimeZone *zone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) day = g_date_time_to_timezone (utc, zone);
  guint counted = 0;

  while (counted < days)
    {
      GDateTime *following = next_day (day, zone);

      g_date_time_unref (day);
      day = following;
      if (is_work_day (day))
        counted++;
    }
  return local_minutes (day, zone, work_periods[G_N_ELEMENTS (work_periods) - 1].end);
}

gint64
xuncha_office_case_deadline (gint64                start_us,
                             guint                 amount,
                             XunchaOfficeTimeUnit  unit,
                             GTimeZone            *zone)
{
  g_return_val_if_fail (zone != NULL, start_us);
  g_return_val_if_fail (xuncha_office_time_limit_is_valid (amount, unit), start_us);

  if (unit == XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS)
    return add_work_hours (start_us, amount, zone);
  return add_work_days (start_us, amount, zone);
}
