/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deadline arithmetic of the case workflow: work hours within the office's working hours
 * (08:30-12:00, 13:30-18:00), work days to the close of the Nth working day after filing,
 * weekends skipped, in the office's time zone. */
#include "config.h"

#include "xuncha-office-case-deadline.h"

/* Local time in @zone as Unix microseconds. */
static gint64
at (GTimeZone *zone,
    int        year,
    int        month,
    int        day,
    int        hour,
    int        minute)
{
  g_autoptr(GDateTime) t = g_date_time_new (zone, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

static GTimeZone *
shanghai (void)
{
  GTimeZone *zone = g_time_zone_new_identifier ("Asia/Shanghai");

  /* Without tzdata, GLib falls back to nothing: +08:00 is what Shanghai keeps all year. */
  return zone != NULL ? zone : g_time_zone_new_identifier ("+08:00");
}

static void
assert_deadline (GTimeZone            *zone,
                 gint64                start,
                 guint                 amount,
                 XunchaOfficeTimeUnit  unit,
                 gint64                expected)
{
  gint64 got = xuncha_office_case_deadline (start, amount, unit, zone);

  if (got != expected)
    {
      g_autoptr(GDateTime) g = g_date_time_new_from_unix_utc (got / G_USEC_PER_SEC);
      g_autoptr(GDateTime) e = g_date_time_new_from_unix_utc (expected / G_USEC_PER_SEC);
      g_autoptr(GDateTime) gl = g_date_time_to_timezone (g, zone);
      g_autoptr(GDateTime) el = g_date_time_to_timezone (e, zone);
      g_autofree char *gs = g_date_time_format_iso8601 (gl);
      g_autofree char *es = g_date_time_format_iso8601 (el);

      g_error ("%u %s: got %s, expected %s", amount, xuncha_office_time_unit_to_string (unit),
               gs, es);
    }
}

static void
test_work_hours (void)
{
  g_autoptr(GTimeZone) z = shanghai ();
  const XunchaOfficeTimeUnit h = XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS;

  /* 2026-12-07 is a Monday. Within one period. */
  assert_deadline (z, at (z, 2026, 12, 7, 9, 0), 2, h, at (z, 2026, 12, 7, 11, 0));
  /* Across lunch: 10:30 + 2 h = 12:00 + 0.5 h after 13:30. */
  assert_deadline (z, at (z, 2026, 12, 7, 10, 30), 2, h, at (z, 2026, 12, 7, 14, 0));
  /* Exactly to the end of the morning stays there. */
  assert_deadline (z, at (z, 2026, 12, 7, 11, 0), 1, h, at (z, 2026, 12, 7, 12, 0));
  /* Filed at lunch: counting starts at 13:30. */
  assert_deadline (z, at (z, 2026, 12, 7, 12, 40), 1, h, at (z, 2026, 12, 7, 14, 30));
  /* Filed in the evening: the next morning. */
  assert_deadline (z, at (z, 2026, 12, 7, 20, 0), 1, h, at (z, 2026, 12, 8, 9, 30));
  /* Filed before work: from 08:30. */
  assert_deadline (z, at (z, 2026, 12, 8, 6, 0), 4, h, at (z, 2026, 12, 8, 14, 0));
  /* Friday afternoon over the weekend to Monday. */
  assert_deadline (z, at (z, 2026, 12, 11, 17, 0), 2, h, at (z, 2026, 12, 14, 9, 30));
  /* Filed on a Saturday: Monday morning. */
  assert_deadline (z, at (z, 2026, 12, 12, 10, 0), 1, h, at (z, 2026, 12, 14, 9, 30));
  /* A working day holds 8 hours: 8 h from Monday 08:30 is Monday 18:00, 9 h Tuesday 09:30. */
  assert_deadline (z, at (z, 2026, 12, 7, 8, 30), 8, h, at (z, 2026, 12, 7, 18, 0));
  assert_deadline (z, at (z, 2026, 12, 7, 8, 30), 9, h, at (z, 2026, 12, 8, 9, 30));
  /* 40 h: a whole working week. */
  assert_deadline (z, at (z, 2026, 12, 7, 8, 30), 40, h, at (z, 2026, 12, 11, 18, 0));
  /* Across the year's end (2026-12-31 is a Thursday). */
  assert_deadline (z, at (z, 2026, 12, 31, 17, 0), 9, h, at (z, 2027, 1, 1, 18, 0));
}

static void
test_work_days (void)
{
  g_autoptr(GTimeZone) z = shanghai ();
  const XunchaOfficeTimeUnit d = XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS;

  /* 暴露垃圾, 1 work day: filed Monday morning or evening, due Tuesday 18:00. */
  assert_deadline (z, at (z, 2026, 12, 7, 9, 0), 1, d, at (z, 2026, 12, 8, 18, 0));
  assert_deadline (z, at (z, 2026, 12, 7, 23, 0), 1, d, at (z, 2026, 12, 8, 18, 0));
  /* Friday: Monday. Saturday and Sunday: Monday too. */
  assert_deadline (z, at (z, 2026, 12, 11, 10, 0), 1, d, at (z, 2026, 12, 14, 18, 0));
  assert_deadline (z, at (z, 2026, 12, 12, 10, 0), 1, d, at (z, 2026, 12, 14, 18, 0));
  assert_deadline (z, at (z, 2026, 12, 13, 10, 0), 1, d, at (z, 2026, 12, 14, 18, 0));
  /* 3 work days from Thursday: Friday, Monday, Tuesday. */
  assert_deadline (z, at (z, 2026, 12, 10, 10, 0), 3, d, at (z, 2026, 12, 15, 18, 0));
  /* 5 work days: a calendar week on. */
  assert_deadline (z, at (z, 2026, 12, 7, 10, 0), 5, d, at (z, 2026, 12, 14, 18, 0));
  /* Local midnight is not UTC's: 00:30 Tuesday in Shanghai is Monday in UTC, and counts
   * as Tuesday. */
  assert_deadline (z, at (z, 2026, 12, 8, 0, 30), 1, d, at (z, 2026, 12, 9, 18, 0));
}

static void
test_other_zone (void)
{
  g_autoptr(GTimeZone) urumqi = g_time_zone_new_identifier ("+06:00");
  g_autoptr(GTimeZone) z = shanghai ();
  gint64 start = at (z, 2026, 12, 7, 9, 0);   /* 07:00 in +06:00: before work there */

  assert_deadline (urumqi, start, 1, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS,
                   at (urumqi, 2026, 12, 7, 9, 30));
  g_assert_cmpint (xuncha_office_case_deadline (start, 1, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS,
                                                urumqi),
                   !=, xuncha_office_case_deadline (start, 1,
                                                   XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS, z));
}

static void
test_units (void)
{
  XunchaOfficeTimeUnit unit;

  g_assert_true (xuncha_office_time_unit_from_string ("work_hours", &unit));
  g_assert_cmpint (unit, ==, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS);
  g_assert_true (xuncha_office_time_unit_from_string ("work_days", &unit));
  g_assert_cmpint (unit, ==, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS);
  g_assert_cmpstr (xuncha_office_time_unit_to_string (unit), ==, "work_days");
  g_assert_false (xuncha_office_time_unit_from_string ("days", &unit));
  g_assert_false (xuncha_office_time_unit_from_string (NULL, &unit));
  g_assert_false (xuncha_office_time_limit_is_valid (0, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS));
  g_assert_true (xuncha_office_time_limit_is_valid (250, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS));
  g_assert_false (xuncha_office_time_limit_is_valid (251, XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS));
  g_assert_true (xuncha_office_time_limit_is_valid (2000, XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS));
  g_assert_false (xuncha_office_time_limit_is_valid (2001,
                                                     XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office-case-deadline/work-hours", test_work_hours);
  g_test_add_func ("/office-case-deadline/work-days", test_work_days);
  g_test_add_func ("/office-case-deadline/other-zone", test_other_zone);
  g_test_add_func ("/office-case-deadline/units", test_units);
  return g_test_run ();
}
