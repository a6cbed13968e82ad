/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "xuncha-office-sqlite-records.h"
#include "xuncha-test-util.h"

/* Writers of one office process on SQLite: the office's 8 workers each writing at once
 * against one writing alone, the same number of transactions in all (each durable:
 * synchronous = FULL). SQLite lets one writer in at a time; how the others wait decides
 * the rest. Waiting in SQLite's busy handler (sleeps of 1 to 100 ms, longer at each try)
 * left the lock free most of the time; the records queue their own writers instead, each
 * woken as the one before commits. The ratio shows what contention costs: near 1 when
 * writers queue well. */

#define WRITES 800
#define WORKERS 8

typedef struct
{
  XunchaOfficeRecords *records;
  guint                first;
  guint                count;
} Writer;

static gpointer
write_some (gpointer data)
{
  Writer *w = data;

  for (guint i = w->first; i < w->first + w->count; i++)
    {
      g_autofree char *officer = g_strdup_printf ("B%u", i);
      XunchaOfficeEnrollFailure failure = { officer, "192.0.2.1", g_get_real_time () };
      g_autoptr(GError) error = NULL;

      if (!xuncha_office_records_enroll_failure_add (w->records, &failure, WRITES * 16, &error))
        g_error ("A write failed: %s", error->message);
    }
  return NULL;
}

/* Seconds for WRITES writes by @threads writers at once. */
static double
run (XunchaOfficeRecords *records,
     guint                threads,
     guint                round)
{
  GThread *running[WORKERS];
  Writer writers[WORKERS];
  gint64 start = g_get_monotonic_time ();

  for (guint t = 0; t < threads; t++)
    {
      writers[t].records = records;
      writers[t].count = WRITES / threads;
      writers[t].first = round * WRITES + t * writers[t].count;
      running[t] = g_thread_new ("writer", write_some, &writers[t]);
    }
  for (guint t = 0; t < threads; t++)
    g_thread_join (running[t]);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeSqliteRecords) records = xuncha_office_sqlite_records_open (dir, WORKERS,
                                                                                    &error);
  double alone = G_MAXDOUBLE, together = G_MAXDOUBLE;

  g_assert_no_error (error);
  /* Alternated, the best of three each: the machine is shared. */
  for (guint round = 0; round < 3; round++)
    {
      alone = MIN (alone, run (XUNCHA_OFFICE_RECORDS (records), 1, round * 2));
      together = MIN (together, run (XUNCHA_OFFICE_RECORDS (records), WORKERS, round * 2 + 1));
    }
  printf ("BENCH office-writers-1 value=%.1f unit=ms baseline=office-writers-1 ratio=1.000\n",
          alone * 1000);
  printf ("BENCH office-writers-%d value=%.1f unit=ms baseline=office-writers-1 ratio=%.3f\n",
          WORKERS, together * 1000, together / alone);
  g_clear_object (&records);
  xuncha_test_remove_tree (dir);
  return 0;
}
