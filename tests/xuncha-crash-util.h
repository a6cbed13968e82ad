/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  rounds;
  guint  saved;          /* reports the child said it saved */
  guint  killed_idle;    /* rounds killed before the first save */
  guint  temp_removed;   /* temporary or orphan files the next open removed */
  double child_seconds;  /* time the children ran */
  guint  manifests;      /* signed manifests held after the last round (a signing device) */
  guint  calibration_ms; /* how long a child took to start and save one report */
} CrashStats;

/* Runs @rounds rounds of: start @child on @dir, SIGKILL it after a random delay (up to
 * @max_delay_ms), then check the store: integrity, every report the child printed as saved
 * present with its photos and outbox rows, every photo row with its file and the right
 * hash, no temporary or orphan file after the next open. Aborts the test on a failure. */
void crash_run (const char *child,
                const char *dir,
                guint       rounds,
                guint       max_delay_ms,
                CrashStats *stats);

G_END_DECLS
