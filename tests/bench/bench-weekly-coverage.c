/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The weekly report's coverage of assigned segments on a SQLite office holding a week of
 * patrols: 50 officers in 5 teams, each with 20 assigned segments of a grid of streets
 * (about 100 m each) and one 8-hour shift a day for 7 days, a position every 10 s along
 * the grid (2,880 points a shift, some 1 million in all; $XUNCHA_BENCH_WEEKLY_POINTS sets
 * the points per shift). Timed (median of WEEK_RUNS, the records' own time: no HTTP):
 *   weekly-coverage-uncached  every officer's coverage of the week, as the weekly report
 *                             asks it (xuncha_office_route_coverage_between()), with the
 *                             coverage cache emptied first: every shift computed from its
 *                             points and stored
 *   weekly-coverage           the same right after: every shift read from the cache
 *   weekly-coverage-read      only reading the same shifts' points
 * The office lives on /dev/shm when there is one. */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-route.h"
#include "xuncha-office-sqlite-records.h"
#include "xuncha-test-util.h"

#define OFFICERS 50
#define TEAMS 5
#define DAYS 7
#define ASSIGNED 20
#define COLUMNS 200
#define ROWS 200
#define ORIGIN_LAT 30.60
#define ORIGIN_LON 106.00
#define STEP 0.001
#define WEEK_RUNS 3

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* Segment (row, column) of the grid: an east-west street from its crossing. */
static XunchaOfficeStreet *
make_street (guint row,
             guint column)
{
  XunchaOfficeStreet *street = xuncha_office_street_new ();
  GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
  double lon = ORIGIN_LON + column * STEP, lat = ORIGIN_LAT + row * STEP;
  double coordinates[] = { lon, lat, lon + STEP, lat };

  street->id = g_strdup_printf ("g-%03u-%03u", row, column);
  street->name = g_strdup_printf ("Row %u", row);
  street->street_class = g_strdup ("class1");
  g_array_append_vals (line, coordinates, G_N_ELEMENTS (coordinates));
  g_ptr_array_add (street->lines, line);
  return street;
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

/* Empties the coverage cache, as an office has it before its first weekly report. */
static void
empty_cache (void)
{
  g_autofree char *path = g_build_filename (office_dir (), "office.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM shift_coverage", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* Every officer's coverage of the week; the walked length of all of them. */
static double
week_coverage (XunchaOfficeRecords     *records,
               const XunchaWireOfficer *officers,
               gint64                   monday_ms,
               double                  *ms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double walked = 0;

  for (guint o = 0; o < OFFICERS; o++)
    {
      XunchaOfficeCoverageSum sum;

      if (!xuncha_office_route_coverage_between (records, officers[o].id, monday_ms,
                                                 monday_ms + DAYS * 86400000LL, &sum, &error))
        g_error ("Coverage: %s", error->message);
      walked += sum.walked_m;
    }
  *ms = (g_get_monotonic_time () - start) / 1000.0;
  return walked;
}

/* A shift of officer @o on day @d: walking east along his row of the grid and back, every
 * 10 s at 1.2 m/s, half of it on his assigned segments. */
static GArray *
make_points (guint  o,
             gint64 t0_ms,
             guint  n)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (XunchaWirePoint), n);
  double lat = ORIGIN_LAT + (o * 4) * STEP;
  double start_lon = ORIGIN_LON + (o % 5) * 10 * STEP;
  double step_deg = 12.0 / (111320.0 * cos (lat * G_PI / 180));
  /* Out and back over 2 × ASSIGNED segments' length. */
  guint leg = (guint)(2 * ASSIGNED * STEP / step_deg);

  for (guint i = 0; i < n; i++)
    {
      guint along = i % (2 * leg);
      double x = along < leg ? along : 2 * leg - along;
      XunchaWirePoint p = { i, t0_ms + (gint64)i * 10000, lat + 0.00002 * ((i * 7) % 5),
                            start_lon + x * step_deg, 5, NAN, NAN, NAN };

      g_array_append_val (points, p);
    }
  return points;
}

int
main (int    argc,
      char **argv)
{
  const char *scale = g_getenv ("XUNCHA_BENCH_WEEKLY_POINTS");
  guint n_points = scale != NULL ? (guint)g_ascii_strtoull (scale, NULL, 10) : 2880;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeSqliteRecords) office = NULL;
  XunchaOfficeRecords *records;
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) uncached = g_array_new (FALSE, FALSE, sizeof (double));
  XunchaWireOfficer officers[OFFICERS];
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 monday_ms = (g_date_time_to_unix (now) - 8 * 86400) * 1000;
  gint64 revision, start;
  guint changed, deleted;
  double walked_total = 0, value, baseline, computed;

  office = xuncha_office_sqlite_records_open (office_dir (), 2, &error);
  g_assert_no_error (error);
  records = XUNCHA_OFFICE_RECORDS (office);

  start = g_get_monotonic_time ();
  for (guint r = 0; r < ROWS; r++)
    for (guint c = 0; c < COLUMNS; c++)
      g_ptr_array_add (streets, make_street (r, c));
  g_assert_true (xuncha_office_records_streets_import (records, streets, &revision, &changed,
                                                      &deleted, &error));
  for (guint o = 0; o < OFFICERS; o++)
    {
      g_autofree char *code = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      officers[o].id = g_strdup_printf ("O%02u", o);
      officers[o].name = g_strdup_printf ("Officer %02u", o);
      officers[o].team = g_strdup_printf ("T%u", o % TEAMS);
      officers[o].leader = FALSE;
      g_assert_true (xuncha_office_records_officer_add (records, &officers[o], &code, &error));
      for (guint k = 0; k < ASSIGNED; k++)
        g_ptr_array_add (ids, g_strdup_printf ("g-%03u-%03u", o * 4, (o % 5) * 10 + k));
      g_ptr_array_add (ids, NULL);
      g_assert_true (xuncha_office_records_assign_streets (records, officers[o].id,
                                                           (const char * const *)ids->pdata,
                                                           &error));
      for (guint d = 0; d < DAYS; d++)
        {
          g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_new ();
          g_autoptr(GDateTime) begin = g_date_time_new_from_unix_utc (
            (monday_ms + (gint64)d * 86400000 + 8 * 3600000) / 1000);
          g_autoptr(GDateTime) end = g_date_time_add_hours (begin, 8);
          g_autoptr(GArray) points = NULL;
          gboolean created;
          gint64 held, stored, total;

          shift->uuid = g_uuid_string_random ();
          shift->kind = g_strdup ("mid");
          shift->started_at = g_date_time_format_iso8601 (begin);
          shift->ended_at = g_date_time_format_iso8601 (end);
          g_assert_true (xuncha_office_records_shift_put (records, &officers[o], shift, &created,
                                                          &held, &error));
          points = make_points (o, g_date_time_to_unix (begin) * 1000 + 60000, n_points);
          if (!xuncha_office_records_points_add (records, &officers[o], shift->uuid, points,
                                                 &stored, &total, &error))
            g_error ("Loading points: %s", error->message);
        }
    }
  g_printerr ("# loaded %u officers, %u shifts of %u points in %.1f s\n", OFFICERS,
              OFFICERS * DAYS, n_points, (g_get_monotonic_time () - start) / 1e6);

  for (guint run = 0; run < WEEK_RUNS; run++)
    {
      double ms, cached_walked;

      empty_cache ();
      walked_total = week_coverage (records, officers, monday_ms, &ms);
      g_array_append_val (uncached, ms);
      cached_walked = week_coverage (records, officers, monday_ms, &ms);
      g_array_append_val (times, ms);
      /* The cache answers what computing it does. */
      g_assert_cmpfloat (cached_walked, ==, walked_total);

      start = g_get_monotonic_time ();
      for (guint o = 0; o < OFFICERS; o++)
        {
          g_autoptr(GPtrArray) shifts =
            xuncha_office_records_officer_shifts (records, officers[o].id, monday_ms,
                                                  monday_ms + DAYS * 86400000LL, &error);

          g_assert_nonnull (shifts);
          for (guint s = 0; s < shifts->len; s++)
            {
              g_autoptr(GArray) points =
                xuncha_office_records_shift_points (records,
                                                    ((XunchaWireShift *)shifts->pdata[s])->uuid,
                                                    &error);
              g_assert_nonnull (points);
            }
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (reads, ms);
    }
  /* Each officer walked his assigned row out and back: all of it. */
  g_printerr ("# walked %.0f m of assigned segments in all\n", walked_total);
  value = median (times);
  baseline = median (reads);
  computed = median (uncached);
  printf ("BENCH weekly-coverage-read value=%.1f unit=ms baseline=weekly-coverage-read "
          "ratio=1.00\n", baseline);
  printf ("BENCH weekly-coverage-uncached value=%.1f unit=ms baseline=weekly-coverage-read "
          "ratio=%.2f\n", computed, computed / baseline);
  printf ("BENCH weekly-coverage value=%.1f unit=ms baseline=weekly-coverage-uncached "
          "ratio=%.3f\n", value, value / computed);
  for (guint o = 0; o < OFFICERS; o++)
    xuncha_wire_officer_clear (&officers[o]);
  xuncha_test_remove_tree (office_dir ());
  return 0;
}
