/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_WORKER_POOL (xuncha_office_worker_pool_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeWorkerPool, xuncha_office_worker_pool, XUNCHA,
                      OFFICE_WORKER_POOL, GObject)

/* Runs on a worker thread. */
typedef void (*XunchaOfficeJobFunc) (gpointer data);
/* Runs on the main context of the thread that made the pool, once the job has run. */
typedef void (*XunchaOfficeJobDone) (gpointer data);

/* The office's storage work, off its main loop: at most @workers jobs run at once, the
 * rest wait in the order given. 0 workers runs each job at once on the caller's thread
 * (the office as it was: one thread for everything). */
XunchaOfficeWorkerPool *xuncha_office_worker_pool_new    (guint                   workers,
                                                          GError                **error);
/* Runs @run (@data) on a worker, then @done (@data) on the pool's main context. With 0
 * workers both run before this returns. */
void                    xuncha_office_worker_pool_submit (XunchaOfficeWorkerPool *self,
                                                          XunchaOfficeJobFunc     run,
                                                          XunchaOfficeJobDone     done,
                                                          gpointer                data);

/* Runs the pool's main context until every job submitted has run and been finished: after
 * it no worker touches what a job was given, so the office may free it and exit. Called
 * on that context's thread once nothing submits new work (the server stopped). */
void                    xuncha_office_worker_pool_finish (XunchaOfficeWorkerPool *self);

G_END_DECLS
