/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's queries on a SQLite office holding a city's year: N reports (200,000 by
 * default, $XUNCHA_BENCH_CONSOLE_REPORTS) from 50 officers in 5 teams over 365 days, and
 * 100,000 street segments. Each query the console makes is timed (p95 of many, the records'
 * own time: no HTTP) against the full scan the console made before the records had its
 * indexes (every report read and decoded, the filter applied in C), in the same run:
 *   console-list-filtered   one page of the list (51 rows) for a day, a day and a
 *                           category, a team's week, a street's month, the day's new
 *                           cases, chosen in turn
 *   console-map-bbox        the map's answer for a box of about 1 km: its reports (or the
 *                           grid when more than 500) and its street segments
 *   console-weekly-count    what the weekly report asks: a week of some 10,000 reports
 *                           (WEEK_EXTRA more in the last seven days) counted by category,
 *                           street, officer and case status, the merchants of the 30
 *                           days to its end (one report in four names one), and the cases
 *                           closed in the week or open past their deadline at its end (one
 *                           report in ten is filed as a case, three in four of them closed)
 * The office lives on /dev/shm when there is one: loading a year through the records, one
 * durable transaction per report as devices send them, would otherwise spend its time in
 * fsync, which no query here does. */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-case-records.h"
#include "xuncha-office-sqlite-records.h"
#include "xuncha-test-util.h"

#define OFFICERS 50
#define TEAMS 5
#define DAYS 365
#define STREETS 100000
#define STREET_COLUMNS 400
/* The city: a grid of segments of about 100 m from here. */
#define ORIGIN_LAT 30.60
#define ORIGIN_LON 106.00
#define STEP 0.001
#define WEEK_EXTRA 6000
#define WEEK_RUNS 5
#define FILTERED_RUNS 60
#define SCAN_RUNS 3
#define MERCHANTS 3000

static const char * const categories[] = {
  "09006", "09005", "07001", "07003", "06001", "06029", "09001",
};
static const char * const classes[] = { "strict", "class1", "class2", "other" };

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The 95th percentile of @values (ms), the largest of few. */
static double
p95 (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1,
                                             (guint)ceil (values->len * 0.95) - 1));
}

/* Segment @i: a short east-west or north-south line of the grid, its street named after
 * its row or column (so one street holds many segments) and a class from the district's
 * mix (2 % strict, 8 % class 1, 20 % class 2). */
static XunchaOfficeStreet *
make_street (guint i)
{
  XunchaOfficeStreet *street = xuncha_office_street_new ();
  GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
  guint column = i % STREET_COLUMNS, row = i / STREET_COLUMNS;
  double lon = ORIGIN_LON + column * STEP, lat = ORIGIN_LAT + row * STEP;
  double points[4] = { lon, lat, lon + STEP, lat };
  guint mix = (i * 37) % 100;

  street->id = g_strdup_printf ("s-%06u", i);
  street->name = g_strdup_printf ("第%u街", row);
  street->street_class = g_strdup (classes[mix < 2 ? 0 : mix < 10 ? 1 : mix < 30 ? 2 : 3]);
  g_array_append_vals (line, points, 4);
  g_ptr_array_add (street->lines, line);
  return street;
}

static XunchaWireOfficer *
officer_of (guint i,
            XunchaWireOfficer *officer)
{
  officer->id = g_strdup_printf ("O%02u", i);
  officer->name = g_strdup_printf ("Officer %02u", i);
  officer->team = g_strdup_printf ("T%u", i % TEAMS);
  officer->leader = FALSE;
  return officer;
}

/* Report @i: its day going back from @now, its officer, category and place drawn from a
 * fixed sequence; one in ten carries a case status. */
static XunchaWireReport *
make_report (guint      i,
             GDateTime *now)
{
  XunchaWireReport *report = xuncha_wire_report_new ();
  guint32 h = i * 2654435761u;
  guint street = h % STREETS;
  g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -(double)(i % DAYS) * 86400
                                                       - (h % 36000));

  report->uuid = g_strdup_printf ("%08x-0000-4000-8000-%012x", i, h);
  report->created_at = g_date_time_format_iso8601 (when);
  report->category = g_strdup (categories[(h >> 8) % G_N_ELEMENTS (categories)]);
  report->note = g_strdup ("bench");
  report->has_position = TRUE;
  report->lat = ORIGIN_LAT + (street / STREET_COLUMNS) * STEP + ((h >> 4) % 100) * 1e-6;
  report->lon = ORIGIN_LON + (street % STREET_COLUMNS) * STEP + ((h >> 12) % 1000) * 1e-6;
  report->accuracy = 8;
  report->altitude = NAN;
  report->heading = NAN;
  report->position_source = g_strdup ("gps");
  report->street_id = g_strdup_printf ("s-%06u", street);
  report->street_offset_m = 20;
  if (h % 4 == 1)
    report->merchant_id = g_strdup_printf ("M%04u", (h >> 16) % MERCHANTS);
  return report;
}

typedef struct
{
  const XunchaOfficeReportFilter *filter;
  GHashTable                     *teams;       /* officer id → team */
  GHashTable                     *streets;     /* street id → name, class */
  guint                           matches;
} Scan;

/* The filter the way the console applied it before: in C, on every decoded report. */
static gboolean
on_scan (const XunchaOfficeReportRecord *record,
         gpointer                        user_data)
{
  Scan *scan = user_data;
  const XunchaOfficeReportFilter *f = scan->filter;
  const XunchaWireReport *r = record->report;
  gint64 created = 0;
  const char *street = r->street_id != NULL ? g_hash_table_lookup (scan->streets, r->street_id)
                                            : NULL;

  if (!xuncha_office_report_filter_created_s (r->created_at, &created)
      || created < f->from_s || created >= f->to_s
      || (f->category != NULL && g_strcmp0 (r->category, f->category) != 0)
      || (f->team != NULL && g_strcmp0 (g_hash_table_lookup (scan->teams, record->officer_id),
                                        f->team) != 0)
      || (f->status != NULL && !(g_str_equal (f->status, "new") ? record->case_status == NULL
                                 : g_strcmp0 (record->case_status, f->status) == 0))
      || (f->street_name != NULL && (street == NULL || strstr (street, f->street_name) == NULL))
      || (f->has_bbox && (!r->has_position || r->lat < f->south || r->lat > f->north
                          || r->lon < f->west || r->lon > f->east)))
    return TRUE;
  scan->matches++;
  return TRUE;
}

/* Files @report as a case with a deadline three days after it was made, and closes three
 * in four of them one to five days after it was made: two steps, as the console makes them. */
static void
file_case (XunchaOfficeRecords    *records,
           const XunchaWireReport *report,
           guint                   i)
{
  g_autoptr(XunchaOfficeCaseEvent) file = xuncha_office_case_event_new ();
  g_autoptr(XunchaOfficeCaseEvent) close = xuncha_office_case_event_new ();
  g_autoptr(GDateTime) made = g_date_time_new_from_iso8601 (report->created_at, NULL);
  g_autoptr(GError) error = NULL;
  gint64 made_us = g_date_time_to_unix (made) * G_USEC_PER_SEC;
  gint64 revision;

  file->report_uuid = g_strdup (report->uuid);
  file->at = made_us + (gint64)3600 * G_USEC_PER_SEC;
  file->actor = g_strdup ("dispatch");
  file->action = g_strdup ("file");
  file->from_status = g_strdup ("上报");
  file->to_status = g_strdup ("立案");
  file->deadline_us = made_us + (gint64)3 * 86400 * G_USEC_PER_SEC;
  if (!xuncha_office_case_records_case_change (XUNCHA_OFFICE_CASE_RECORDS (records), file, 0,
                                               &revision, &error))
    g_error ("Filing a case: %s", error->message);
  if (i % 4 == 0)
    return;
  close->report_uuid = g_strdup (report->uuid);
  close->at = made_us + (gint64)(1 + i % 5) * 86400 * G_USEC_PER_SEC;
  close->actor = g_strdup ("dispatch");
  close->action = g_strdup ("close_override");
  close->from_status = g_strdup ("立案");
  close->to_status = g_strdup ("结案");
  if (!xuncha_office_case_records_case_change (XUNCHA_OFFICE_CASE_RECORDS (records), close, 1,
                                               &revision, &error))
    g_error ("Closing a case: %s", error->message);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The filters of the list, in turn: a day, a day and a category, a team's week, a
 * street's month, the new cases of a day. */
static void
list_filter (guint                     n,
             GDateTime                *now,
             XunchaOfficeReportFilter *f)
{
  gint64 today = g_date_time_to_unix (now) - g_date_time_to_unix (now) % 86400;
  gint64 day = today - (gint64)(n * 7 % DAYS) * 86400;

  g_clear_pointer (&f->category, g_free);
  g_clear_pointer (&f->team, g_free);
  g_clear_pointer (&f->street_name, g_free);
  g_clear_pointer (&f->status, g_free);
  f->from_s = day;
  f->to_s = day + 86400;
  switch (n % 5)
    {
    case 1:
      f->category = g_strdup (categories[n % G_N_ELEMENTS (categories)]);
      break;
    case 2:
      f->team = g_strdup_printf ("T%u", n % TEAMS);
      f->from_s = day - 6 * 86400;
      break;
    case 3:
      f->street_name = g_strdup_printf ("第%u街", n % (STREETS / STREET_COLUMNS));
      f->from_s = day - 29 * 86400;
      break;
    case 4:
      f->status = g_strdup ("new");
      break;
    default:
      break;
    }
}

/* A box of about 1 km somewhere in the city. */
static void
map_filter (guint                     n,
            XunchaOfficeReportFilter *f)
{
  guint row = (n * 53) % (STREETS / STREET_COLUMNS - 10);
  guint column = (n * 97) % (STREET_COLUMNS - 10);

  f->has_bbox = TRUE;
  f->west = ORIGIN_LON + column * STEP;
  f->east = f->west + 0.01;
  f->south = ORIGIN_LAT + row * STEP;
  f->north = f->south + 0.01;
}

static const char *
office_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
        {
          dir = g_build_filename ("/dev/shm", "xuncha-bench-XXXXXX", NULL);
          if (g_mkdtemp (dir) == NULL)
            g_clear_pointer (&dir, g_free);
        }
      if (dir == NULL)
        dir = xuncha_test_make_tmpdir ();
    }
  return dir;
}

int
main (int    argc,
      char **argv)
{
  const char *scale = g_getenv ("XUNCHA_BENCH_CONSOLE_REPORTS");
  guint reports = scale != NULL ? (guint)g_ascii_strtoull (scale, NULL, 10) : 200000;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeSqliteRecords) office = NULL;
  XunchaOfficeRecords *records;
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GHashTable) teams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) street_names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                               NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GArray) list_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) list_scans = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) map_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) map_scans = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) week_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) week_scans = g_array_new (FALSE, FALSE, sizeof (double));
  XunchaWireOfficer officers[OFFICERS];
  gint64 revision, start;
  guint changed, deleted;
  double list, list_scan, map, map_scan;

  office = xuncha_office_sqlite_records_open (office_dir (), 2, &error);
  g_assert_no_error (error);
  records = XUNCHA_OFFICE_RECORDS (office);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < STREETS; i++)
    {
      XunchaOfficeStreet *street = make_street (i);

      g_ptr_array_add (streets, street);
      g_hash_table_insert (street_names, street->id, street->name);
    }
  g_assert_true (xuncha_office_records_streets_import (records, streets, &revision, &changed,
                                                      &deleted, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < OFFICERS; i++)
    {
      g_autofree char *code = NULL;

      officer_of (i, &officers[i]);
      g_assert_true (xuncha_office_records_officer_add (records, &officers[i], &code, &error));
      g_hash_table_insert (teams, g_strdup (officers[i].id), g_strdup (officers[i].team));
    }
  for (guint i = 0; i < reports; i++)
    {
      g_autoptr(XunchaWireReport) report = make_report (i, now);
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      gboolean created;

      if (!xuncha_office_records_report_put (records, &officers[i % OFFICERS], report, &created,
                                             &receipt, &error))
        g_error ("Loading report %u: %s", i, error->message);
      if (i % 10 == 3)
        file_case (records, report, i / 10);
    }
  for (guint i = 0; i < WEEK_EXTRA; i++)
    {
      g_autoptr(XunchaWireReport) report = make_report (reports + i, now);
      g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -(double)(i % 600000));
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      gboolean created;

      g_free (report->created_at);
      report->created_at = g_date_time_format_iso8601 (when);
      if (!xuncha_office_records_report_put (records, &officers[i % OFFICERS], report, &created,
                                             &receipt, &error))
        g_error ("Loading report %u: %s", reports + i, error->message);
    }
  g_printerr ("Loaded %u reports and %u street segments in %.1f s\n", reports, STREETS,
              ms_since (start) / 1000);

  for (guint n = 0; n < FILTERED_RUNS; n++)
    {
      g_autoptr(XunchaOfficeReportFilter) f = xuncha_office_report_filter_new ();
      g_autoptr(GPtrArray) page = NULL;
      double ms;

      list_filter (n, now, f);
      start = g_get_monotonic_time ();
      page = xuncha_office_records_reports_query (records, f, 0, 51, &error);
      g_assert_no_error (error);
      ms = ms_since (start);
      g_array_append_val (list_times, ms);
    }
  for (guint n = 0; n < FILTERED_RUNS; n++)
    {
      g_autoptr(XunchaOfficeReportFilter) f = xuncha_office_report_filter_new ();
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GArray) cells = NULL;
      g_autoptr(GPtrArray) segments = NULL;
      double ms;

      map_filter (n, f);
      start = g_get_monotonic_time ();
      found = xuncha_office_records_reports_query (records, f, 0, 501, &error);
      g_assert_no_error (error);
      if (found->len > 500)
        cells = xuncha_office_records_reports_grid (records, f, 16, 16, &error);
      segments = xuncha_office_records_streets_within (records, f->west, f->south, f->east,
                                                       f->north, 5001, &error);
      g_assert_no_error (error);
      ms = ms_since (start);
      g_array_append_val (map_times, ms);
    }
  /* The full scans, fewer: each reads the whole year. Filters of the same kinds. */
  for (guint n = 0; n < SCAN_RUNS; n++)
    {
      g_autoptr(XunchaOfficeReportFilter) f = xuncha_office_report_filter_new ();
      Scan scan = { f, teams, street_names, 0 };
      double ms;

      list_filter (n + 1, now, f);
      start = g_get_monotonic_time ();
      g_assert_true (xuncha_office_records_reports_foreach (records, on_scan, &scan, &error));
      ms = ms_since (start);
      g_array_append_val (list_scans, ms);
      g_clear_pointer (&f, xuncha_office_report_filter_free);
      f = xuncha_office_report_filter_new ();
      map_filter (n, f);
      scan.filter = f;
      start = g_get_monotonic_time ();
      g_assert_true (xuncha_office_records_reports_foreach (records, on_scan, &scan, &error));
      ms = ms_since (start);
      g_array_append_val (map_scans, ms);
    }
  /* The weekly report's counts: the week by category, street, officer and case status, the
   * merchants of the 30 days to its end, and the week's case figures. */
  for (guint n = 0; n < WEEK_RUNS; n++)
    {
      g_autoptr(XunchaOfficeReportFilter) f = xuncha_office_report_filter_new ();
      g_autoptr(GPtrArray) outcomes = NULL;
      gint64 counted = 0, merchants = 0;
      double ms;

      start = g_get_monotonic_time ();
      f->to_s = g_date_time_to_unix (now) + 1;
      f->from_s = f->to_s - 7 * 86400;
      for (XunchaOfficeReportGroup group = XUNCHA_OFFICE_REPORT_GROUP_CATEGORY;
           group <= XUNCHA_OFFICE_REPORT_GROUP_MERCHANT; group++)
        {
          g_autoptr(GPtrArray) counts = NULL;

          if (group == XUNCHA_OFFICE_REPORT_GROUP_MERCHANT)
            f->from_s = f->to_s - 30 * 86400;
          counts = xuncha_office_records_reports_count (records, f, group, &error);
          g_assert_no_error (error);
          for (guint i = 0; i < counts->len && group == XUNCHA_OFFICE_REPORT_GROUP_CATEGORY; i++)
            counted += ((XunchaOfficeReportCount *)counts->pdata[i])->count;
          if (group == XUNCHA_OFFICE_REPORT_GROUP_MERCHANT)
            merchants = counts->len;
        }
      outcomes = xuncha_office_case_records_case_outcomes (
        XUNCHA_OFFICE_CASE_RECORDS (records), (f->to_s - 7 * 86400) * G_USEC_PER_SEC,
        f->to_s * G_USEC_PER_SEC, &error);
      g_assert_no_error (error);
      ms = ms_since (start);
      g_array_append_val (week_times, ms);
      if (n == 0)
        g_printerr ("The week holds %" G_GINT64_FORMAT " reports, %" G_GINT64_FORMAT
                    " merchants in 30 days and %u case outcomes\n", counted, merchants,
                    outcomes->len);
    }
  {
    g_autoptr(XunchaOfficeReportFilter) f = xuncha_office_report_filter_new ();
    Scan scan = { f, teams, street_names, 0 };
    double ms;

    f->to_s = g_date_time_to_unix (now) + 1;
    f->from_s = f->to_s - 7 * 86400;
    start = g_get_monotonic_time ();
    g_assert_true (xuncha_office_records_reports_foreach (records, on_scan, &scan, &error));
    ms = ms_since (start);
    g_array_append_val (week_scans, ms);
  }
  list = p95 (list_times);
  list_scan = p95 (list_scans);
  map = p95 (map_times);
  map_scan = p95 (map_scans);
  printf ("BENCH console-list-fullscan value=%.1f unit=ms baseline=console-list-fullscan "
          "ratio=1.000\n", list_scan);
  printf ("BENCH console-list-filtered value=%.2f unit=ms baseline=console-list-fullscan "
          "ratio=%.4f\n", list, list / list_scan);
  printf ("BENCH console-map-fullscan value=%.1f unit=ms baseline=console-map-fullscan "
          "ratio=1.000\n", map_scan);
  printf ("BENCH console-map-bbox value=%.2f unit=ms baseline=console-map-fullscan "
          "ratio=%.4f\n", map, map / map_scan);
  printf ("BENCH console-weekly-fullscan value=%.1f unit=ms baseline=console-weekly-fullscan "
          "ratio=1.000\n", p95 (week_scans));
  printf ("BENCH console-weekly-count value=%.1f unit=ms baseline=console-weekly-fullscan "
          "ratio=%.4f\n", p95 (week_times), p95 (week_times) / p95 (week_scans));

  for (guint i = 0; i < OFFICERS; i++)
    xuncha_wire_officer_clear (&officers[i]);
  g_clear_object (&office);
  xuncha_test_remove_tree (office_dir ());
  return 0;
}
