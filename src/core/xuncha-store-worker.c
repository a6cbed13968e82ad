/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-store-worker"

#include "config.h"

#include "xuncha-store-worker.h"

/* One entry of the queue: a GTask job, a job a caller waits for, or the end. */
typedef struct
{
  GTask               *task;
  XunchaStoreJobFunc   func;

  XunchaStoreSyncFunc  sync_func;
  gpointer             sync_data;
  GMutex               sync_lock;
  GCond                sync_cond;
  GError              *sync_error;
  gboolean             sync_result;
  gboolean             sync_done;

  gboolean             stop;
} Job;

struct _XunchaStoreWorker
{
  GObject      parent_instance;

  char        *data_dir;
  GAsyncQueue *queue;     /* Job * */
  GThread     *thread;
  GMutex       lock;      /* guards closed */
  gboolean     closed;
};

/* What the thread uses: its own references, so it may outlive the object (when a job
 * drops the last reference to the worker). */
typedef struct
{
  char        *data_dir;
  GAsyncQueue *queue;
} ThreadState;

G_DEFINE_FINAL_TYPE (XunchaStoreWorker, xuncha_store_worker, G_TYPE_OBJECT)

static void
run_job (Job                *job,
         XunchaStore        *store,
         const GError       *open_error)
{
  if (job->sync_func != NULL)
    {
      gboolean result;
      GError *error = NULL;

      if (store == NULL)
        {
          error = g_error_copy (open_error);
          result = FALSE;
        }
      else
        result = job->sync_func (store, job->sync_data, &error);
      /* The caller owns @job and frees it once it sees it done. */
      g_mutex_lock (&job->sync_lock);
      job->sync_result = result;
      job->sync_error = error;
      job->sync_done = TRUE;
      g_cond_signal (&job->sync_cond);
      g_mutex_unlock (&job->sync_lock);
      return;
    }

  if (g_task_return_error_if_cancelled (job->task))
    ;
  else if (store == NULL)
    g_task_return_error (job->task, g_error_copy (open_error));
  else
    job->func (job->task, store, g_task_get_task_data (job->task),
               g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

static gpointer
worker_main (gpointer data)
{
  ThreadState *state = data;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) open_error = NULL;

  for (;;)
    {
      Job *job = g_async_queue_pop (state->queue);

      if (job->stop)
        {
          g_free (job);
          break;
        }
      /* Opened here, so the connection lives and dies on this thread. One that failed is
       * tried again with the next job: the reason may pass (a full disk). */
      if (store == NULL)
        {
          g_clear_error (&open_error);
          store = xuncha_store_open (state->data_dir, &open_error);
        }
      run_job (job, store, open_error);
    }
  g_async_queue_unref (state->queue);
  g_free (state->data_dir);
  g_free (state);
  return NULL;
}

static void
xuncha_store_worker_finalize (GObject *object)
{
  XunchaStoreWorker *self = (XunchaStoreWorker *)object;

  xuncha_store_worker_shutdown (self);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (xuncha_store_worker_parent_class)->finalize (object);
}

static void
xuncha_store_worker_class_init (XunchaStoreWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_store_worker_finalize;
}

static void
xuncha_store_worker_init (XunchaStoreWorker *self)
{
  g_mutex_init (&self->lock);
  self->queue = g_async_queue_new ();
}

XunchaStoreWorker *
xuncha_store_worker_new (const char *data_dir)
{
  XunchaStoreWorker *self;
  ThreadState *state;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_STORE_WORKER, NULL);
  self->data_dir = g_strdup (data_dir);
  state = g_new0 (ThreadState, 1);
  state->data_dir = g_strdup (data_dir);
  state->queue = g_async_queue_ref (self->queue);
  self->thread = g_thread_new ("xuncha-store", worker_main, state);
  return self;
}

const char *
xuncha_store_worker_get_data_dir (XunchaStoreWorker *self)
{
  g_return_val_if_fail (XUNCHA_IS_STORE_WORKER (self), NULL);
  return self->data_dir;
}

/* Queues @job unless the worker is closed. */
static gboolean
push (XunchaStoreWorker *self,
      Job               *job)
{
  gboolean closed;

  g_mutex_lock (&self->lock);
  closed = self->closed;
  if (!closed)
    g_async_queue_push (self->queue, job);
  g_mutex_unlock (&self->lock);
  return !closed;
}

void
xuncha_store_worker_run (XunchaStoreWorker  *self,
                         GTask              *task,
                         XunchaStoreJobFunc  func)
{
  Job *job;

  g_return_if_fail (XUNCHA_IS_STORE_WORKER (self));
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  if (!push (self, job))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The device data is closed: the program is ending");
      g_object_unref (job->task);
      g_free (job);
    }
}

gboolean
xuncha_store_worker_run_sync (XunchaStoreWorker   *self,
                              XunchaStoreSyncFunc  func,
                              gpointer             data,
                              GError             **error)
{
  g_autofree Job *job = NULL;
  gboolean result;

  g_return_val_if_fail (XUNCHA_IS_STORE_WORKER (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  /* A job waiting for a job behind it would wait for ever. */
  g_return_val_if_fail (g_thread_self () != self->thread, FALSE);

  job = g_new0 (Job, 1);
  job->sync_func = func;
  job->sync_data = data;
  g_mutex_init (&job->sync_lock);
  g_cond_init (&job->sync_cond);
  if (!push (self, job))
    {
      g_mutex_clear (&job->sync_lock);
      g_cond_clear (&job->sync_cond);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   "The device data is closed: the program is ending");
      return FALSE;
    }
  g_mutex_lock (&job->sync_lock);
  while (!job->sync_done)
    g_cond_wait (&job->sync_cond, &job->sync_lock);
  g_mutex_unlock (&job->sync_lock);
  g_mutex_clear (&job->sync_lock);
  g_cond_clear (&job->sync_cond);

  result = job->sync_result;
  if (job->sync_error != NULL)
    g_propagate_error (error, job->sync_error);
  return result;
}

void
xuncha_store_worker_shutdown (XunchaStoreWorker *self)
{
  Job *stop;

  g_return_if_fail (XUNCHA_IS_STORE_WORKER (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  /* Behind every job already queued: they all run first. */
  stop = g_new0 (Job, 1);
  stop->stop = TRUE;
  g_async_queue_push (self->queue, stop);
  g_mutex_unlock (&self->lock);

  /* A job holding the last reference ends on the worker's own thread: it cannot wait for
   * itself, so the thread is let go and ends after it. */
  if (g_thread_self () == self->thread)
    g_thread_unref (self->thread);
  else
    g_thread_join (self->thread);
  self->thread = NULL;
}
