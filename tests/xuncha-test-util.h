/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a file under the shared real-world test data (../shared/testdata beside the
 * checkout, or $XUNCHA_TESTDATA), or NULL when that folder is absent. */
char     *xuncha_test_testdata_path     (const char *relative);

/* Like xuncha_test_testdata_path(), but marks the test skipped (with the reason) and
 * returns NULL when the folder is absent. */
char     *xuncha_test_require_testdata  (const char *relative);

/* Path of a file in the project's source tree (tests/fixtures/..., data/...). */
char     *xuncha_test_source_path       (const char *relative);

/* A fresh, empty directory that lives for the test run; removed by the caller with
 * xuncha_test_remove_tree() or left in the isolated tmp dir. */
char     *xuncha_test_make_tmpdir       (void);

/* Removes a directory tree (test helper; no error reporting). */
void      xuncha_test_remove_tree       (const char *path);

/* Runs a command line and returns its exit status, capturing standard output and error. */
int       xuncha_test_run               (const char * const *argv,
                                         char              **out,
                                         char              **err);

/* Runs xuncha-cli (with --data-dir @data_dir unless it is NULL) and the arguments that
 * follow, up to a NULL; returns its exit status, capturing its output like
 * xuncha_test_run(). */
int       xuncha_test_run_cli           (const char  *data_dir,
                                         char       **out,
                                         char       **err,
                                         ...) G_GNUC_NULL_TERMINATED;

/* Path of a built program, from the environment variable @env_name that
 * tests/meson.build sets. */
const char *xuncha_test_program         (const char *env_name);

/* How many times slower than native this run is (XUNCHA_TEST_SLOWDOWN: 10 under an
 * emulator, more under valgrind), 1 to 100; 1 when unset or not a number. */
guint     xuncha_test_slowdown          (void);

G_END_DECLS
