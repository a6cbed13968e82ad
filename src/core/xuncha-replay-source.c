/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-replay"

#include "config.h"

#include "xuncha-replay-source.h"
#include "xuncha-track-file.h"

/* At high speeds many fixes fall due at once; hand the loop back now and then. */
#define MAX_FIXES_PER_TICK 256

enum {
  PROP_0,
  PROP_STATE,
  PROP_UNAVAILABLE_REASON,
  N_PROPS
};

struct _XunchaReplaySource
{
  GObject              parent_instance;

  GArray              *fixes;
  double               speed;
  gsize                position;
  XunchaLocationState  state;
  gint64               started_us;    /* monotonic */
  GSource             *timer;
};

static void xuncha_replay_source_iface_init (XunchaLocationSourceInterface *iface);

G_DEFINE_TYPE_WITH_CODE (XunchaReplaySource, xuncha_replay_source, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_LOCATION_SOURCE,
                                                xuncha_replay_source_iface_init))

static void
set_state (XunchaReplaySource  *self,
           XunchaLocationState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

static void
clear_timer (XunchaReplaySource *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

/* Milliseconds of playback after start at which fix @i falls due. */
static gint64
due_ms (XunchaReplaySource *self,
        gsize               i)
{
  gint64 offset = g_array_index (self->fixes, XunchaFix, i).t_ms
                  - g_array_index (self->fixes, XunchaFix, 0).t_ms;

  if (self->speed <= 0 || offset <= 0)
    return 0;
  return (gint64)(offset / self->speed);
}

static void schedule (XunchaReplaySource *self, gint64 delay_ms);

static gboolean
on_tick (gpointer user_data)
{
  XunchaReplaySource *self = user_data;
  g_autoptr(XunchaReplaySource) hold G_GNUC_UNUSED = g_object_ref (self);
  gint64 elapsed_ms = (g_get_monotonic_time () - self->started_us) / 1000;
  guint emitted = 0;

  g_clear_pointer (&self->timer, g_source_unref);

  while (self->position < self->fixes->len
         && due_ms (self, self->position) <= elapsed_ms
         && emitted < MAX_FIXES_PER_TICK)
    {
      XunchaFix fix = g_array_index (self->fixes, XunchaFix, self->position);

      self->position++;
      emitted++;
      xuncha_location_source_emit_fix (XUNCHA_LOCATION_SOURCE (self), &fix);
      /* A handler may have stopped us. */
      if (self->state != XUNCHA_LOCATION_STATE_ACTIVE)
        return G_SOURCE_REMOVE;
    }

  if (self->position >= self->fixes->len)
    set_state (self, XUNCHA_LOCATION_STATE_FINISHED);
  else
    schedule (self, MAX (0, due_ms (self, self->position) - elapsed_ms));
  return G_SOURCE_REMOVE;
}

static void
schedule (XunchaReplaySource *self,
          gint64              delay_ms)
{
  g_assert (self->timer == NULL);

  self->timer = g_timeout_source_new ((guint)MIN (delay_ms, G_MAXUINT));
  g_source_set_callback (self->timer, on_tick, self, NULL);
  g_source_set_static_name (self->timer, "[xuncha] replay");
  g_source_attach (self->timer, g_main_context_get_thread_default ());
}

static void
xuncha_replay_source_start (XunchaLocationSource *source)
{
  XunchaReplaySource *self = XUNCHA_REPLAY_SOURCE (source);

  /* A finished replay plays again from its first fix: the demo stops the source when a
   * report no longer needs it and starts it again for the shift, which must not find the
   * position frozen at wherever the first playback stopped. */
  if (self->state == XUNCHA_LOCATION_STATE_ACTIVE || self->state == XUNCHA_LOCATION_STATE_STARTING)
    return;
  clear_timer (self);
  set_state (self, XUNCHA_LOCATION_STATE_STARTING);
  self->started_us = g_get_monotonic_time ();
  self->position = 0;
  set_state (self, XUNCHA_LOCATION_STATE_ACTIVE);
  if (self->fixes->len == 0)
    set_state (self, XUNCHA_LOCATION_STATE_FINISHED);
  else
    schedule (self, 0);
}

static void
xuncha_replay_source_stop (XunchaLocationSource *source)
{
  XunchaReplaySource *self = XUNCHA_REPLAY_SOURCE (source);

  clear_timer (self);
  set_state (self, XUNCHA_LOCATION_STATE_FINISHED);
}

static void
xuncha_replay_source_iface_init (XunchaLocationSourceInterface *iface)
{
  iface->start = xuncha_replay_source_start;
  iface->stop = xuncha_replay_source_stop;
}

static void
xuncha_replay_source_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  XunchaReplaySource *self = XUNCHA_REPLAY_SOURCE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_UNAVAILABLE_REASON:
      g_value_set_string (value, NULL);   /* a file is always there once read */
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_replay_source_dispose (GObject *object)
{
  XunchaReplaySource *self = XUNCHA_REPLAY_SOURCE (object);

  clear_timer (self);

  G_OBJECT_CLASS (xuncha_replay_source_parent_class)->dispose (object);
}

static void
xuncha_replay_source_finalize (GObject *object)
{
  XunchaReplaySource *self = XUNCHA_REPLAY_SOURCE (object);

  g_clear_pointer (&self->fixes, g_array_unref);

  G_OBJECT_CLASS (xuncha_replay_source_parent_class)->finalize (object);
}

static void
xuncha_replay_source_class_init (XunchaReplaySourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xuncha_replay_source_get_property;
  object_class->dispose = xuncha_replay_source_dispose;
  object_class->finalize = xuncha_replay_source_finalize;

  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_UNAVAILABLE_REASON, "unavailable-reason");
}

static void
xuncha_replay_source_init (XunchaReplaySource *self)
{
  self->fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  self->speed = 1.0;
}

XunchaReplaySource *
xuncha_replay_source_new (const XunchaFix *fixes,
                          gsize            n_fixes,
                          double           speed)
{
  XunchaReplaySource *self;

  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  self = g_object_new (XUNCHA_TYPE_REPLAY_SOURCE, NULL);
  g_array_append_vals (self->fixes, fixes, n_fixes);
  self->speed = speed;
  return self;
}

XunchaReplaySource *
xuncha_replay_source_new_from_file (const char  *path,
                                    double       speed,
                                    GError     **error)
{
  g_autoptr(GArray) fixes = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  fixes = xuncha_track_file_load (path, NULL, error);
  if (fixes == NULL)
    return NULL;
  return xuncha_replay_source_new ((const XunchaFix *)(const void *)fixes->data, fixes->len, speed);
}

gsize
xuncha_replay_source_get_n_fixes (XunchaReplaySource *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPLAY_SOURCE (self), 0);

  return self->fixes->len;
}

gsize
xuncha_replay_source_get_position (XunchaReplaySource *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPLAY_SOURCE (self), 0);

  return self->position;
}
