/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix-filter.h"
#include "xuncha-location-source.h"
#include "xuncha-shift.h"
#include "xuncha-store-worker.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* Points reach the disk in small batches: at most this many, or this old. A kill loses at
 * most one batch that was never reported as saved. */
#define XUNCHA_SHIFT_RECORDER_BATCH_POINTS 5
#define XUNCHA_SHIFT_RECORDER_BATCH_MS     5000

#define XUNCHA_TYPE_SHIFT_RECORDER (xuncha_shift_recorder_get_type ())

G_DECLARE_FINAL_TYPE (XunchaShiftRecorder, xuncha_shift_recorder, XUNCHA, SHIFT_RECORDER,
                      GObject)

/* Records the fixes of @source into the open @shift through a fix filter. When the shift
 * already has points (the app was killed and restarted), recording continues with the next
 * seq and the filter starts from the last stored point.
 * Signals: "batch-committed" (gint64 first_seq, gint64 last_seq) after each commit;
 * "write-failed" (GError *) when a commit fails (the points stay queued and are tried
 * again with the next batch). */
XunchaShiftRecorder *xuncha_shift_recorder_new        (XunchaStore           *store,
                                                       XunchaShift           *shift,
                                                       XunchaLocationSource  *source,
                                                       GError               **error);

XunchaFixFilter     *xuncha_shift_recorder_get_filter (XunchaShiftRecorder   *self);
XunchaShift         *xuncha_shift_recorder_get_shift  (XunchaShiftRecorder   *self);
/* The seq the next stored point gets (= points stored so far). */
gint64               xuncha_shift_recorder_get_next_seq (XunchaShiftRecorder *self);

/* Commits go to @worker from now on, as its jobs (the app: no commit on the thread that
 * draws); without one they run on the recorder's store. Call before start. Stop then
 * waits for the worker to have committed the last points. */
void                 xuncha_shift_recorder_use_worker (XunchaShiftRecorder *self,
                                                       XunchaStoreWorker   *worker);
/* Starts the source and recording. */
void                 xuncha_shift_recorder_start      (XunchaShiftRecorder   *self);
/* Commits the points waiting in the batch now. */
gboolean             xuncha_shift_recorder_commit     (XunchaShiftRecorder   *self,
                                                       GError               **error);
/* Stops the source, flushes the filter and commits everything. The shift stays open. */
gboolean             xuncha_shift_recorder_stop       (XunchaShiftRecorder   *self,
                                                       GError               **error);

G_END_DECLS
