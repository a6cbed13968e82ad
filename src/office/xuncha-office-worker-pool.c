/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "xuncha-office-worker-pool.h"

struct _XunchaOfficeWorkerPool
{
  GObject       parent_instance;

  GThreadPool  *threads;   /* NULL with 0 workers */
  GMainContext *context;   /* where jobs are finished */
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
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;

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

static void
xuncha_office_worker_pool_finalize (GObject *object)
{
  XunchaOfficeWorkerPool *self = XUNCHA_OFFICE_WORKER_POOL (object);

  /* Every job holds the pool until finished: none runs now. */
  if (self->threads != NULL)
    g_thread_pool_free (self->threads, FALSE, TRUE);
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
}

XunchaOfficeWorkerPool *
xuncha_office_worker_pool_new (guint    workers,
                               GError **error)
{
  g_autoptr(XunchaOfficeWorkerPool) self = g_object_new (XUNCHA_TYPE_OFFICE_WORKER_POOL, NULL);

  self->context = g_main_context_ref_thread_default ();
  if (workers > 0)
    {
      /* Exclusive: the threads are made now, so that an office short of them says so at
       * its start rather than at the first rush. */
      self->threads = g_thread_pool_new (job_run, self, (gint)workers, TRUE, error);
      if (self->threads == NULL)
        return NULL;
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

  if (self->threads == NULL)
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
  /* An exclusive pool's threads exist already: pushing cannot fail. */
  g_thread_pool_push (self->threads, job, NULL);
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
