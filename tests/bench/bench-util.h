/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Scales a benchmark's work: $XUNCHA_BENCH_SCALE (default 1). */
double bench_scale       (void);
/* Prints the one line the benchmark harness reads. */
void   bench_print       (const char *name,
                          double      value,
                          const char *unit,
                          const char *baseline,
                          double      ratio);
int    bench_compare_double (gconstpointer a,
                             gconstpointer b);
double bench_median      (GArray     *values);
char  *bench_tmpdir      (void);
/* Rewrites @path with @bytes in place, without fsync, as gpscorrelate (exiv2) does. */
void   bench_replace_file (const char *path,
                           GBytes     *bytes);
void   bench_remove_tree (const char *path);

G_END_DECLS
