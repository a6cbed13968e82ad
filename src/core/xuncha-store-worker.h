/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_STORE_WORKER (xuncha_store_worker_get_type ())

G_DECLARE_FINAL_TYPE (XunchaStoreWorker, xuncha_store_worker, XUNCHA, STORE_WORKER, GObject)

/* A job: runs on the worker's thread with the worker's own connection and returns @task
 * (g_task_return_*), as a GTaskThreadFunc does. */
typedef void     (*XunchaStoreJobFunc)  (GTask        *task,
                                         XunchaStore  *store,
                                         gpointer      task_data,
                                         GCancellable *cancellable);
/* A job the caller waits for (xuncha_store_worker_run_sync()). */
typedef gboolean (*XunchaStoreSyncFunc) (XunchaStore  *store,
                                         gpointer      data,
                                         GError      **error);

/* One thread that owns a program's connection to the store in @data_dir (opened on the
 * thread when the first job comes) and runs the jobs given to it one after another, in
 * the order they were given: two writes never wait on each other's lock, and no slow
 * write runs on the thread that draws. It only opens the store; the program prepares it
 * (xuncha_store_prepare_for_use()) once at its start. */
XunchaStoreWorker *xuncha_store_worker_new          (const char          *data_dir);

const char        *xuncha_store_worker_get_data_dir (XunchaStoreWorker   *self);

/* Queues @func. @task finishes on the main context it was made in. A job whose task's
 * cancellable is cancelled before it starts is not run: the task returns
 * G_IO_ERROR_CANCELLED. A store that cannot be opened fails the job with the reason.
 * After shutdown the task returns G_IO_ERROR_CLOSED. */
void               xuncha_store_worker_run          (XunchaStoreWorker   *self,
                                                     GTask               *task,
                                                     XunchaStoreJobFunc   func);
/* Queues @func behind what waits and blocks until it has run: for the few writes a
 * caller must see done before it goes on (the last points of a shift before it ends). */
gboolean           xuncha_store_worker_run_sync     (XunchaStoreWorker   *self,
                                                     XunchaStoreSyncFunc  func,
                                                     gpointer             data,
                                                     GError             **error);
/* Runs every job already queued, closes the connection and ends the thread; later jobs
 * are refused. Called by finalize too. */
void               xuncha_store_worker_shutdown     (XunchaStoreWorker   *self);

G_END_DECLS
