/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "xuncha-office-worker-pool.h"

/* Threads of its own, not a GThreadPool: a GThreadPool's threads cannot be joined, and
 * once it is freed they end (or wait for another pool) whenever they are scheduled. A
 * worker that checked a signature ends with OpenSSL's per-thread clean-up, which met
 * OpenSSL's clean-up at exit when the office stopped (SIGSEGV in a read lock it had
 * freed). These are joined when the pool is finalized: none runs after that. */
struct _XunchaOfficeWorkerPool
{
  GObject       parent_instance;

  GAsyncQueue  *queue;      /* Job, or the pool itself: a worker's signal to end */
  GPtrArray    *threads;    /* GThread; empty with 0 workers */
  GMainContext *context;    /* where jobs are finished */
  guint         unfinished; /* submitted, @done not yet run; on @context's thread only */
};

G_DEFINE_FINAL_TYPE (XunchaOfficeWorkerPool, xuncha_office_worker_pool, G_TYPE_OBJECT)

typedef struct
{
  XunchaOfficeWorkerPool *pool;   /* owned: a job keeps its pool until it is finished */
  XunchaOfficeJobFunc     run;
  XunchaOfficeJobDone     done;
  gpointer                data;
} Job;

static gboolean
job_finish (gpointer user_data)
{
  Job *job = user_data;

  job->done (job->data);
  job->pool->unfinished--;
  g_object_unref (job->pool);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
job_run (Job *job)
{
  job->run (job->data);
  /* Not g_main_context_invoke(): the worker is never the context's owner, and the job
   * must be finished there, after what the main loop is doing now. */
  {
    GSource *source = g_idle_source_new ();

    /* At the priority of the sockets' sources, not an idle's: under a stream of new
     * requests, answers that are ready still go out. */
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, job_finish, job, NULL);
    g_source_attach (source, job->pool->context);
    g_source_unref (source);
  }
}

/* A worker: jobs in the order given, until the pool itself comes out of the queue. */
static gpointer
worker_main (gpointer data)
{
  XunchaOfficeWorkerPool *self = data;
  gpointer item;

  while ((item = g_async_queue_pop (self->queue)) != self)
    job_run (item);
  return NULL;
}

static void
xuncha_office_worker_pool_finalize (GObject *object)
{
  XunchaOfficeWorkerPool *self = XUNCHA_OFFICE_WORKER_POOL (object);

  /* Every job holds the pool until finished: none is queued or runs now. Each worker
   * takes one end signal and is joined, its thread's clean-up done. */
  for (guint i = 0; i < self->threads->len; i++)
    g_async_queue_push (self->queue, self);
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (self->threads->pdata[i]);
  g_ptr_array_unref (self->threads);
  g_async_queue_unref (self->queue);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (xuncha_office_worker_pool_parent_class)->finalize (object);
}

static void
xuncha_office_worker_pool_class_init (XunchaOfficeWorkerPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_worker_pool_finalize;
}

static void
xuncha_office_worker_pool_init (XunchaOfficeWorkerPool *self)
{
  self->queue = g_async_queue_new ();
  self->threads = g_ptr_array_new ();
}

XunchaOfficeWorkerPool *
xuncha_office_worker_pool_new (guint    workers,
                               GError **error)
{
  g_autoptr(XunchaOfficeWorkerPool) self = g_object_new (XUNCHA_TYPE_OFFICE_WORKER_POOL, NULL);

  self->context = g_main_context_ref_thread_default ();
  /* The threads are made now, so that an office short of them says so at its start
   * rather than at the first rush. */
  for (guint i = 0; i < workers; i++)
    {
      GThread *thread = g_thread_try_new ("office-worker", worker_main, self, error);

      if (thread == NULL)
        return NULL;
      g_ptr_array_add (self->threads, thread);
    }
  return g_steal_pointer (&self);
}

void
xuncha_office_worker_pool_submit (XunchaOfficeWorkerPool *self,
                                  XunchaOfficeJobFunc     run,
                                  XunchaOfficeJobDone     done,
                                  gpointer                data)
{
  Job *job;

  g_return_if_fail (XUNCHA_IS_OFFICE_WORKER_POOL (self));
  g_return_if_fail (run != NULL && done != NULL);

  if (self->threads->len == 0)
    {
      run (data);
      done (data);
      return;
    }
  job = g_new0 (Job, 1);
  job->pool = g_object_ref (self);
  job->run = run;
  job->done = done;
  job->data = data;
  self->unfinished++;
  g_async_queue_push (self->queue, job);
}

void
xuncha_office_worker_pool_finish (XunchaOfficeWorkerPool *self)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_WORKER_POOL (self));

  /* A job finished may submit the next (a photo's pieces, then its commit): all of them
   * run, each to its end. */
  while (self->unfinished > 0)
    g_main_context_iteration (self->context, TRUE);
}
