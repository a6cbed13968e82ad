/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Street import benchmark: the peak memory of `xuncha-cli streets import` of a large
 * GeoJSON layer (200,000 LineString features, about 55 MB, as a city's export), against a
 * bare `xuncha-cli --version` and against the size of the file. Prints
 *   BENCH <name> value=<v> unit=<u> baseline=<name> ratio=<r>
 * with ratio = value / baseline. XUNCHA_BENCH_SCALE (default 1) multiplies the features. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "bench-util.h"
#include "xuncha-test-util.h"

/* The largest resident set of the children waited for so far, in MiB. */
static double
children_peak_mib (void)
{
  struct rusage usage;

  g_assert (getrusage (RUSAGE_CHILDREN, &usage) == 0);
  return usage.ru_maxrss / 1024.0;
}

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Written a feature at a time, so the benchmark itself stays small. */
static void
write_city (const char *path,
            guint       count)
{
  FILE *file = fopen (path, "w");

  g_assert (file != NULL);
  fputs ("{\"type\": \"FeatureCollection\", \"name\": \"streets\", \"features\": [\n", file);
  for (guint i = 0; i < count; i++)
    {
      double lon = 106.0 + (i % 1000) * 0.001, lat = 30.7 + (i / 1000) * 0.001;

      fprintf (file, "{\"type\":\"Feature\",\"properties\":{\"id\":\"s%06u\",\"name\":\"Street "
               "%u\",\"class\":\"class%u\",\"highway\":\"residential\"},\"geometry\":{\"type\":"
               "\"LineString\",\"coordinates\":[", i, i, 1 + i % 2);
      for (guint k = 0; k < 5; k++)
        fprintf (file, "%s[%.7f,%.7f]", k > 0 ? "," : "", lon + k * 0.0002, lat + k * 0.00001);
      fputs (i + 1 < count ? "]}},\n" : "]}}\n", file);
    }
  fputs ("]}\n", file);
  g_assert (fclose (file) == 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = bench_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "city.geojson", NULL);
  g_autofree char *data = g_build_filename (dir, "device", NULL);
  const char *version[] = { xuncha_test_program ("XUNCHA_CLI"), "--version", NULL };
  guint count = (guint)(200000 * bench_scale ());
  g_autofree char *out = NULL, *imported = NULL;
  double bare, peak, file_mib, start, seconds;
  GStatBuf st;

  write_city (path, count);
  g_assert (g_stat (path, &st) == 0);
  file_mib = st.st_size / (1024.0 * 1024.0);

  /* The children's peak only grows: the bare run first. */
  g_assert (xuncha_test_run (version, &out, NULL) == 0);
  bare = children_peak_mib ();
  start = now_s ();
  g_assert (xuncha_test_run_cli (data, &imported, NULL, "streets", "import", path, NULL) == 0);
  seconds = now_s () - start;
  peak = children_peak_mib ();

  printf ("# %u features, %.1f MiB; import took %.1f s\n", count, file_mib, seconds);
  bench_print ("street-import-peak-rss", peak, "MiB", "cli-version", peak / bare);
  bench_print ("street-import-peak-rss-per-file", peak, "MiB", "file-size", peak / file_mib);
  bench_remove_tree (dir);
  return 0;
}
