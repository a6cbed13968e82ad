/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "bench-util.h"

double
bench_scale (void)
{
  const char *env = g_getenv ("XUNCHA_BENCH_SCALE");
  double scale = env != NULL ? g_ascii_strtod (env, NULL) : 1.0;

  return scale > 0 ? scale : 1.0;
}

void
bench_print (const char *name,
             double      value,
             const char *unit,
             const char *baseline,
             double      ratio)
{
  printf ("BENCH %s value=%.4g unit=%s baseline=%s ratio=%.3f\n", name, value, unit, baseline,
          ratio);
  fflush (stdout);
}

int
bench_compare_double (gconstpointer a,
                      gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double
bench_median (GArray *values)
{
  g_array_sort (values, bench_compare_double);
  return g_array_index (values, double, values->len / 2);
}

char *
bench_tmpdir (void)
{
  return g_dir_make_tmp ("xuncha-bench-XXXXXX", NULL);
}

void
bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
bench_replace_file (const char *path,
                    GBytes     *bytes)
{
  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), G_FILE_SET_CONTENTS_NONE,
                                           0600, NULL));
}
