/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-shift-recorder"

#include "config.h"

#include "xuncha-shift-recorder.h"

/* What the store worker keeps of the track between its jobs, touched only on its thread:
 * the next seq, and points whose commit failed, which go first with the next batch. */
typedef struct
{
  gatomicrefcount  ref;
  XunchaShift     *shift;
  GArray          *retry;
  gint64           next_seq;
} Line;

static Line *
line_ref (Line *line)
{
  g_atomic_ref_count_inc (&line->ref);
  return line;
}

static void
line_unref (Line *line)
{
  if (!g_atomic_ref_count_dec (&line->ref))
    return;
  g_object_unref (line->shift);
  g_array_unref (line->retry);
  g_free (line);
}

/* One batch for the worker, and the seqs it got. */
typedef struct
{
  Line   *line;
  GArray *fixes;
  gint64  first;
  gint64  last;
} Batch;

static void
batch_free (Batch *batch)
{
  line_unref (batch->line);
  g_array_unref (batch->fixes);
  g_free (batch);
}

/* On the worker's thread: the points that failed before, then @batch's, in one
 * transaction. */
static gboolean
line_append (XunchaStore  *store,
             Batch        *batch,
             GError      **error)
{
  Line *line = batch->line;

  g_array_append_vals (line->retry, batch->fixes->data, batch->fixes->len);
  if (line->retry->len == 0)
    return TRUE;
  if (!xuncha_shift_append_points (line->shift, store, line->next_seq,
                                   (const XunchaFix *)(const void *)line->retry->data,
                                   line->retry->len, error))
    return FALSE;
  batch->first = line->next_seq;
  line->next_seq += line->retry->len;
  batch->last = line->next_seq - 1;
  g_array_set_size (line->retry, 0);
  return TRUE;
}

enum {
  BATCH_COMMITTED,
  WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaShiftRecorder
{
  GObject               parent_instance;

  XunchaStore          *store;
  XunchaShift          *shift;
  XunchaLocationSource *source;
  XunchaFixFilter      *filter;
  GArray               *batch;        /* filtered, not yet committed */
  gint64                next_seq;
  GSource              *timer;
  gboolean              recording;
  XunchaStoreWorker    *worker;       /* NULL: commits on @store, on this thread */
  Line                 *line;
};

G_DEFINE_TYPE (XunchaShiftRecorder, xuncha_shift_recorder, G_TYPE_OBJECT)

static void
clear_timer (XunchaShiftRecorder *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static void
commit_or_report (XunchaShiftRecorder *self)
{
  g_autoptr(GError) error = NULL;

  if (!xuncha_shift_recorder_commit (self, &error))
    {
      g_warning ("%s", error->message);
      g_signal_emit (self, signals[WRITE_FAILED], 0, error);
    }
}

static gboolean
on_timer (gpointer user_data)
{
  XunchaShiftRecorder *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  commit_or_report (self);
  return G_SOURCE_REMOVE;
}

static void
on_fix (XunchaLocationSource *source,
        const XunchaFix      *fix,
        XunchaShiftRecorder  *self)
{
  guint before = self->batch->len;

  if (!self->recording)
    return;
  xuncha_fix_filter_push (self->filter, fix, self->batch);
  if (self->batch->len >= XUNCHA_SHIFT_RECORDER_BATCH_POINTS)
    commit_or_report (self);
  else if (self->batch->len > before && self->timer == NULL)
    {
      /* The clock starts with the oldest waiting point. */
      self->timer = g_timeout_source_new (XUNCHA_SHIFT_RECORDER_BATCH_MS);
      g_source_set_callback (self->timer, on_timer, self, NULL);
      g_source_set_static_name (self->timer, "[xuncha] track batch");
      g_source_attach (self->timer, g_main_context_get_thread_default ());
    }
}

static void
xuncha_shift_recorder_dispose (GObject *object)
{
  XunchaShiftRecorder *self = XUNCHA_SHIFT_RECORDER (object);

  clear_timer (self);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  if (self->batch != NULL && self->batch->len > 0)
    g_debug ("%u track points were not saved: the recorder was dropped before stop()",
               self->batch->len);
  g_clear_object (&self->source);
  g_clear_object (&self->filter);
  g_clear_object (&self->shift);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);
  g_clear_pointer (&self->line, line_unref);

  G_OBJECT_CLASS (xuncha_shift_recorder_parent_class)->dispose (object);
}

static void
xuncha_shift_recorder_finalize (GObject *object)
{
  XunchaShiftRecorder *self = XUNCHA_SHIFT_RECORDER (object);

  g_clear_pointer (&self->batch, g_array_unref);

  G_OBJECT_CLASS (xuncha_shift_recorder_parent_class)->finalize (object);
}

static void
xuncha_shift_recorder_class_init (XunchaShiftRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xuncha_shift_recorder_dispose;
  object_class->finalize = xuncha_shift_recorder_finalize;

  signals[BATCH_COMMITTED] = g_signal_new ("batch-committed",
                                           G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  signals[WRITE_FAILED] = g_signal_new ("write-failed",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
xuncha_shift_recorder_init (XunchaShiftRecorder *self)
{
  self->batch = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  self->filter = xuncha_fix_filter_new ();
}

XunchaShiftRecorder *
xuncha_shift_recorder_new (XunchaStore           *store,
                           XunchaShift           *shift,
                           XunchaLocationSource  *source,
                           GError               **error)
{
  g_autoptr(XunchaShiftRecorder) self = NULL;
  g_autoptr(GError) local_error = NULL;
  XunchaFix last;
  gint64 last_seq = -1;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (XUNCHA_IS_SHIFT (shift), NULL);
  g_return_val_if_fail (XUNCHA_IS_LOCATION_SOURCE (source), NULL);

  if (!xuncha_shift_is_open (shift))
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_OPEN,
                   "The shift has ended; start a new one to record a track");
      return NULL;
    }

  self = g_object_new (XUNCHA_TYPE_SHIFT_RECORDER, NULL);
  self->store = g_object_ref (store);
  self->shift = g_object_ref (shift);
  self->source = g_object_ref (source);

  if (xuncha_shift_get_last_point (shift, store, &last_seq, &last, &local_error))
    {
      /* Resuming after a restart: continue the sequence and the filter's view of it. */
      self->next_seq = last_seq + 1;
      xuncha_fix_filter_seed (self->filter, &last);
    }
  else if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_signal_connect_object (source, "fix", G_CALLBACK (on_fix), self, 0);
  return g_steal_pointer (&self);
}

XunchaFixFilter *
xuncha_shift_recorder_get_filter (XunchaShiftRecorder *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_RECORDER (self), NULL);
  return self->filter;
}

XunchaShift *
xuncha_shift_recorder_get_shift (XunchaShiftRecorder *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_RECORDER (self), NULL);
  return self->shift;
}

gint64
xuncha_shift_recorder_get_next_seq (XunchaShiftRecorder *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_RECORDER (self), 0);
  return self->next_seq;
}

void
xuncha_shift_recorder_start (XunchaShiftRecorder *self)
{
  g_return_if_fail (XUNCHA_IS_SHIFT_RECORDER (self));

  self->recording = TRUE;
  xuncha_location_source_start (self->source);
}

void
xuncha_shift_recorder_use_worker (XunchaShiftRecorder *self,
                                  XunchaStoreWorker   *worker)
{
  g_return_if_fail (XUNCHA_IS_SHIFT_RECORDER (self));
  g_return_if_fail (XUNCHA_IS_STORE_WORKER (worker));
  g_return_if_fail (self->worker == NULL && !self->recording);

  self->worker = g_object_ref (worker);
  self->line = g_new0 (Line, 1);
  g_atomic_ref_count_init (&self->line->ref);
  self->line->shift = g_object_ref (self->shift);
  self->line->retry = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  self->line->next_seq = self->next_seq;
}

static gboolean
append_sync (XunchaStore  *store,
             gpointer      data,
             GError      **error)
{
  return line_append (store, data, error);
}

static void
commit_job (GTask        *task,
            XunchaStore  *store,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (line_append (store, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_committed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  XunchaShiftRecorder *self = XUNCHA_SHIFT_RECORDER (object);
  Batch *batch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("%s", error->message);
      g_signal_emit (self, signals[WRITE_FAILED], 0, error);
    }
  else if (batch->last >= batch->first && batch->last + 1 > self->next_seq)
    {
      self->next_seq = batch->last + 1;
      g_signal_emit (self, signals[BATCH_COMMITTED], 0, batch->first, batch->last);
    }
}

static Batch *
take_batch (XunchaShiftRecorder *self)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->line = line_ref (self->line);
  batch->fixes = g_array_copy (self->batch);
  batch->first = 0;
  batch->last = -1;
  g_array_set_size (self->batch, 0);
  return batch;
}

gboolean
xuncha_shift_recorder_commit (XunchaShiftRecorder  *self,
                              GError              **error)
{
  gint64 first;

  g_return_val_if_fail (XUNCHA_IS_SHIFT_RECORDER (self), FALSE);

  clear_timer (self);
  if (self->batch->len == 0)
    return TRUE;
  if (self->worker != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_committed, NULL);

      /* A commit waits for the disk (synchronous=FULL): never on the thread that draws. */
      g_task_set_source_tag (task, xuncha_shift_recorder_commit);
      g_task_set_task_data (task, take_batch (self), (GDestroyNotify)batch_free);
      xuncha_store_worker_run (self->worker, task, commit_job);
      return TRUE;
    }
  first = self->next_seq;
  if (!xuncha_shift_append_points (self->shift, self->store, first,
                                   (const XunchaFix *)(const void *)self->batch->data, self->batch->len,
                                   error))
    return FALSE;
  self->next_seq += self->batch->len;
  g_array_set_size (self->batch, 0);
  g_signal_emit (self, signals[BATCH_COMMITTED], 0, first, self->next_seq - 1);
  return TRUE;
}

gboolean
xuncha_shift_recorder_stop (XunchaShiftRecorder  *self,
                            GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT_RECORDER (self), FALSE);

  if (self->recording)
    {
      self->recording = FALSE;
      xuncha_location_source_stop (self->source);
      xuncha_fix_filter_flush (self->filter, self->batch);
    }
  if (self->worker != NULL)
    {
      Batch *batch;
      gboolean ok;

      /* The caller goes on to end the shift: the points must be in before that. */
      clear_timer (self);
      batch = take_batch (self);
      ok = xuncha_store_worker_run_sync (self->worker, append_sync, batch, error);
      if (ok && batch->last >= batch->first && batch->last + 1 > self->next_seq)
        {
          self->next_seq = batch->last + 1;
          g_signal_emit (self, signals[BATCH_COMMITTED], 0, batch->first, batch->last);
        }
      batch_free (batch);
      return ok;
    }
  return xuncha_shift_recorder_commit (self, error);
}
