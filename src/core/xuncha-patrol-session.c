/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-patrol"

#include "config.h"

#include "xuncha-patrol-session.h"
#include "xuncha-shift-recorder.h"

struct _XunchaPatrolSession
{
  GObject               parent_instance;

  XunchaStore          *store;
  XunchaStoreWorker    *worker;
  XunchaLocationSource *source;
  XunchaShift          *shift;
  XunchaShiftRecorder  *recorder;
  guint                 location_holds;
  gboolean              source_running;
  XunchaFix             last_fix;
  gint64                last_fix_received_us;   /* monotonic */
  gboolean              has_fix;
};

G_DEFINE_FINAL_TYPE (XunchaPatrolSession, xuncha_patrol_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SHIFT_OPEN,
  PROP_LOCATION_STATE,
  PROP_HAS_FIX,
  N_PROPS
};

enum {
  FIX,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_fix (XunchaLocationSource *source,
        const XunchaFix      *fix,
        XunchaPatrolSession  *self)
{
  gboolean had_fix = self->has_fix;

  self->last_fix = *fix;
  self->last_fix_received_us = g_get_monotonic_time ();
  self->has_fix = TRUE;
  if (!had_fix)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_FIX]);
  g_signal_emit (self, signals[FIX], 0, fix);
}

static void
on_state_changed (XunchaPatrolSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCATION_STATE]);
}

/* Starts or stops the source to match who needs it. */
static void
update_source (XunchaPatrolSession *self)
{
  gboolean wanted = self->recorder != NULL || self->location_holds > 0;

  if (wanted == self->source_running)
    return;
  self->source_running = wanted;
  if (wanted)
    xuncha_location_source_start (self->source);
  else
    xuncha_location_source_stop (self->source);
}

static gboolean
begin_recording (XunchaPatrolSession  *self,
                 XunchaShift          *shift,
                 GError              **error)
{
  self->recorder = xuncha_shift_recorder_new (self->store, shift, self->source, error);
  if (self->recorder == NULL)
    return FALSE;
  xuncha_shift_recorder_use_worker (self->recorder, self->worker);
  g_set_object (&self->shift, shift);
  /* The recorder starts the source itself; remember it is running. */
  self->source_running = TRUE;
  xuncha_shift_recorder_start (self->recorder);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHIFT_OPEN]);
  return TRUE;
}

typedef struct
{
  XunchaShiftKind  kind;
  XunchaShift     *shift;
} StartShift;

static gboolean
start_on_worker (XunchaStore  *store,
                 gpointer      data,
                 GError      **error)
{
  StartShift *start = data;

  start->shift = xuncha_shift_start (store, start->kind, error);
  return start->shift != NULL;
}

static gboolean
stop_on_worker (XunchaStore  *store,
                gpointer      data,
                GError      **error)
{
  return xuncha_shift_stop (data, store, g_get_real_time () / 1000, error);
}

static void
xuncha_patrol_session_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  XunchaPatrolSession *self = XUNCHA_PATROL_SESSION (object);

  switch (prop_id)
    {
    case PROP_SHIFT_OPEN:
      g_value_set_boolean (value, self->recorder != NULL);
      break;
    case PROP_LOCATION_STATE:
      g_value_set_enum (value, xuncha_location_source_get_state (self->source));
      break;
    case PROP_HAS_FIX:
      g_value_set_boolean (value, self->has_fix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_patrol_session_dispose (GObject *object)
{
  XunchaPatrolSession *self = (XunchaPatrolSession *)object;

  /* Whatever waits in the batch is committed: the shift itself stays open. */
  if (self->recorder != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!xuncha_shift_recorder_stop (self->recorder, &error))
        g_warning ("Could not save the last track points: %s", error->message);
    }
  else if (self->source != NULL && self->source_running)
    xuncha_location_source_stop (self->source);
  g_clear_object (&self->recorder);
  g_clear_object (&self->shift);
  g_clear_object (&self->source);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);

  G_OBJECT_CLASS (xuncha_patrol_session_parent_class)->dispose (object);
}

static void
xuncha_patrol_session_class_init (XunchaPatrolSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xuncha_patrol_session_dispose;
  object_class->get_property = xuncha_patrol_session_get_property;

  properties[PROP_SHIFT_OPEN] =
    g_param_spec_boolean ("shift-open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOCATION_STATE] =
    g_param_spec_enum ("location-state", NULL, NULL, XUNCHA_TYPE_LOCATION_STATE,
                       XUNCHA_LOCATION_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_FIX] =
    g_param_spec_boolean ("has-fix", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FIX] = g_signal_new ("fix", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                               NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
xuncha_patrol_session_init (XunchaPatrolSession *self)
{
}

XunchaPatrolSession *
xuncha_patrol_session_new (XunchaStore          *store,
                           XunchaStoreWorker    *worker,
                           XunchaLocationSource *source,
                           GError              **error)
{
  g_autoptr(XunchaPatrolSession) self = NULL;
  g_autoptr(XunchaShift) open = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (XUNCHA_IS_STORE_WORKER (worker), NULL);
  g_return_val_if_fail (XUNCHA_IS_LOCATION_SOURCE (source), NULL);

  self = g_object_new (XUNCHA_TYPE_PATROL_SESSION, NULL);
  self->store = g_object_ref (store);
  self->worker = g_object_ref (worker);
  self->source = g_object_ref (source);
  g_signal_connect_object (source, "fix", G_CALLBACK (on_fix), self, 0);
  g_signal_connect_object (source, "notify::state", G_CALLBACK (on_state_changed), self,
                           G_CONNECT_SWAPPED);

  /* A shift the app was killed in goes on recording. */
  open = xuncha_shift_get_open (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (open != NULL && !begin_recording (self, open, error))
    return NULL;
  return g_steal_pointer (&self);
}

XunchaLocationSource *
xuncha_patrol_session_get_source (XunchaPatrolSession *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), NULL);
  return self->source;
}

XunchaShift *
xuncha_patrol_session_get_shift (XunchaPatrolSession *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), NULL);
  return self->recorder != NULL ? self->shift : NULL;
}

gboolean
xuncha_patrol_session_get_shift_open (XunchaPatrolSession *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), FALSE);
  return self->recorder != NULL;
}

gboolean
xuncha_patrol_session_start_shift (XunchaPatrolSession  *self,
                                   GError              **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(XunchaShift) shift = NULL;
  StartShift start = { 0 };

  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), FALSE);

  if (self->recorder != NULL)
    return TRUE;
  start.kind = xuncha_shift_kind_for_time (now);
  if (!xuncha_store_worker_run_sync (self->worker, start_on_worker, &start, error))
    return FALSE;
  shift = g_steal_pointer (&start.shift);
  if (self->source_running)
    {
      /* The source already runs for a report; the recorder restarts it cleanly. */
      xuncha_location_source_stop (self->source);
      self->source_running = FALSE;
    }
  return begin_recording (self, shift, error);
}

gboolean
xuncha_patrol_session_stop_shift (XunchaPatrolSession  *self,
                                  GError              **error)
{
  g_autoptr(XunchaShiftRecorder) recorder = NULL;

  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), FALSE);

  if (self->recorder == NULL)
    return TRUE;
  /* Commit the last points before the shift is closed, so none is lost. Both are writes
   * of the worker; the officer waits only for these two short ones. */
  if (!xuncha_shift_recorder_stop (self->recorder, error)
      || !xuncha_store_worker_run_sync (self->worker, stop_on_worker, self->shift, error))
    {
      /* The shift is still open: it goes on recording (the points not written are kept by
       * the recorder and go with its next batch), or its route would have a hole. */
      xuncha_shift_recorder_start (self->recorder);
      return FALSE;
    }
  recorder = g_steal_pointer (&self->recorder);
  g_clear_object (&self->shift);
  self->source_running = FALSE;
  update_source (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHIFT_OPEN]);
  return TRUE;
}

void
xuncha_patrol_session_hold_location (XunchaPatrolSession *self)
{
  g_return_if_fail (XUNCHA_IS_PATROL_SESSION (self));

  self->location_holds++;
  update_source (self);
}

void
xuncha_patrol_session_release_location (XunchaPatrolSession *self)
{
  g_return_if_fail (XUNCHA_IS_PATROL_SESSION (self));
  g_return_if_fail (self->location_holds > 0);

  self->location_holds--;
  update_source (self);
}

XunchaLocationState
xuncha_patrol_session_get_location_state (XunchaPatrolSession *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), XUNCHA_LOCATION_STATE_IDLE);
  return xuncha_location_source_get_state (self->source);
}

gboolean
xuncha_patrol_session_get_last_fix (XunchaPatrolSession *self,
                                    XunchaFix           *fix)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), FALSE);

  if (self->has_fix && fix != NULL)
    *fix = self->last_fix;
  return self->has_fix;
}

GArray *
xuncha_patrol_session_load_track (XunchaPatrolSession *self)
{
  GArray *points = NULL;

  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), NULL);

  if (self->recorder != NULL)
    points = xuncha_shift_load_points (self->shift, self->store, NULL);
  return points != NULL ? points : g_array_new (FALSE, FALSE, sizeof (XunchaFix));
}

double
xuncha_patrol_session_get_fix_age (XunchaPatrolSession *self)
{
  g_return_val_if_fail (XUNCHA_IS_PATROL_SESSION (self), -1);

  if (!self->has_fix)
    return -1;
  return (g_get_monotonic_time () - self->last_fix_received_us) / (double)G_USEC_PER_SEC;
}
