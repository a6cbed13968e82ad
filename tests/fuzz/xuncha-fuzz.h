/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "xuncha-store.h"

G_BEGIN_DECLS

/* What every fuzz target defines: the libFuzzer entry points. The same files build into
 * libFuzzer programs (-Dfuzzing=true, clang) and into the plain regression tests, whose
 * main (fuzz-regression.c) feeds them the committed corpus. */
int  LLVMFuzzerInitialize   (int            *argc,
                             char         ***argv);
int  LLVMFuzzerTestOneInput (const uint8_t  *data,
                             size_t          size);

/* Sets the process up for fuzzing: quiet logs, and a warning or critical is a finding
 * (GLib's own checks say a caller broke a rule, whatever the input). Idempotent. */
void         xuncha_fuzz_init            (void);

/* One store for the whole run, in a fresh folder on tmpfs when there is one, removed at
 * exit. Made fast (no fsync): it holds nothing worth keeping. */
XunchaStore *xuncha_fuzz_get_store       (void);

/* The single number @sql (a literal such as "SELECT count(*) FROM streets") gives in the
 * fuzz store, through the store's cache of prepared statements: a check run twice per
 * input need not parse its SQL every time. */
gint64       xuncha_fuzz_count           (XunchaStore    *in_store,
                                          const char     *sql);

/* Stops the run with a message when an invariant of the code under test is broken: a
 * finding, in a sanitizer build and in the plain regression test alike. */
#define XUNCHA_FUZZ_CHECK(cond) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      xuncha_fuzz_fail (__FILE__, __LINE__, #cond); \
  } G_STMT_END

G_NORETURN void xuncha_fuzz_fail         (const char     *file,
                                          int             line,
                                          const char     *what);

G_END_DECLS
