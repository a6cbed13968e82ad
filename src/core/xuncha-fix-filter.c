/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-fix-filter"

#include "config.h"

#include <math.h>

#include "xuncha-fix-filter.h"

/* Two fixes of a receiver standing still differ by up to this much. */
#define JITTER_M                 10.0
/* This many fixes agreeing among themselves outweigh the old track. */
#define CONFIRM_RUN              3
#define STATIONARY_MIN_RADIUS_M  10.0
#define STATIONARY_MAX_RADIUS_M  20.0   /* the summary's stop radius */
#define STATIONARY_DWELL_MS      (60 * 1000)
#define STATIONARY_KEEPALIVE_MS  (10 * 60 * 1000)

struct _XunchaFixFilter
{
  GObject              parent_instance;

  double               accuracy_threshold;
  double               max_speed;
  gboolean             suppress_stationary;
  XunchaFixFilterStats stats;

  gint64               last_t;          /* time step */
  gboolean             have_last_t;

  gboolean             have_anchor;     /* speed step: last fix let through */
  XunchaFix            anchor;
  GArray              *pending;         /* fixes that jumped away, agreeing among themselves */

  gboolean             have_kept;       /* stationary step: last fix emitted as a position */
  XunchaFix            kept;
  gint64               last_emit_t;
  GArray              *held;            /* near @kept, not yet known to be a stop */
  gboolean             stationary;
  gboolean             have_suppressed;
  XunchaFix            last_suppressed;
};

G_DEFINE_TYPE (XunchaFixFilter, xuncha_fix_filter, G_TYPE_OBJECT)

static void
xuncha_fix_filter_finalize (GObject *object)
{
  XunchaFixFilter *self = (XunchaFixFilter *)object;

  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->held, g_array_unref);

  G_OBJECT_CLASS (xuncha_fix_filter_parent_class)->finalize (object);
}

static void
xuncha_fix_filter_class_init (XunchaFixFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_fix_filter_finalize;
}

static void
xuncha_fix_filter_init (XunchaFixFilter *self)
{
  self->accuracy_threshold = XUNCHA_FIX_FILTER_DEFAULT_ACCURACY_M;
  self->max_speed = XUNCHA_FIX_FILTER_DEFAULT_MAX_SPEED_MS;
  self->suppress_stationary = TRUE;
  self->pending = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  self->held = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
}

XunchaFixFilter *
xuncha_fix_filter_new (void)
{
  return g_object_new (XUNCHA_TYPE_FIX_FILTER, NULL);
}

void
xuncha_fix_filter_set_accuracy_threshold (XunchaFixFilter *self,
                                          double           metres)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));

  self->accuracy_threshold = metres > 0 ? metres : INFINITY;
}

double
xuncha_fix_filter_get_accuracy_threshold (XunchaFixFilter *self)
{
  g_return_val_if_fail (XUNCHA_IS_FIX_FILTER (self), 0);

  return isinf (self->accuracy_threshold) ? 0 : self->accuracy_threshold;
}

void
xuncha_fix_filter_set_max_speed (XunchaFixFilter *self,
                                 double           metres_per_second)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));
  g_return_if_fail (metres_per_second > 0);

  self->max_speed = metres_per_second;
}

void
xuncha_fix_filter_set_suppress_stationary (XunchaFixFilter *self,
                                           gboolean         suppress)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));

  self->suppress_stationary = !!suppress;
}

void
xuncha_fix_filter_seed (XunchaFixFilter *self,
                        const XunchaFix *last)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));
  g_return_if_fail (last != NULL);

  self->last_t = last->t_ms;
  self->have_last_t = TRUE;
  self->anchor = *last;
  self->have_anchor = TRUE;
  g_array_set_size (self->pending, 0);
  self->kept = *last;
  self->have_kept = TRUE;
  self->last_emit_t = last->t_ms;
  g_array_set_size (self->held, 0);
  self->stationary = FALSE;
  self->have_suppressed = FALSE;
}

const XunchaFixFilterStats *
xuncha_fix_filter_get_stats (XunchaFixFilter *self)
{
  g_return_val_if_fail (XUNCHA_IS_FIX_FILTER (self), NULL);

  return &self->stats;
}

/* ---- step 4: stationary suppression ---- */

static void
emit (XunchaFixFilter *self,
      const XunchaFix *fix,
      GArray          *out)
{
  g_array_append_vals (out, fix, 1);
  self->stats.accepted++;
  self->last_emit_t = fix->t_ms;
}

static double
stationary_radius (const XunchaFix *fix)
{
  if (isnan (fix->accuracy))
    return STATIONARY_MIN_RADIUS_M;
  return CLAMP (fix->accuracy, STATIONARY_MIN_RADIUS_M, STATIONARY_MAX_RADIUS_M);
}

/* @moving_on: the track leaves the radius, so every held fix is part of the walk. At the
 * end of the track nothing follows, and the last held fix alone dates the pause. */
static void
release_stop (XunchaFixFilter *self,
              gboolean         moving_on,
              GArray          *out)
{
  /* The last fix of a stop dates its end (and so its length in the summary). */
  if (self->stationary && self->have_suppressed && self->last_suppressed.t_ms > self->last_emit_t)
    {
      self->stats.dropped_stationary--;
      emit (self, &self->last_suppressed, out);
    }
  if (!moving_on && self->held->len > 1)
    {
      self->stats.dropped_stationary += self->held->len - 1;
      g_array_remove_range (self->held, 0, self->held->len - 1);
    }
  for (guint i = 0; i < self->held->len; i++)
    emit (self, &g_array_index (self->held, XunchaFix, i), out);
  g_array_set_size (self->held, 0);
  self->stationary = FALSE;
  self->have_suppressed = FALSE;
}

static void
stationary_push (XunchaFixFilter *self,
                 const XunchaFix *fix,
                 GArray          *out)
{
  if (!self->suppress_stationary || !self->have_kept)
    {
      emit (self, fix, out);
      self->kept = *fix;
      self->have_kept = TRUE;
      return;
    }

  if (xuncha_fix_distance (&self->kept, fix) > stationary_radius (fix))
    {
      release_stop (self, TRUE, out);
      emit (self, fix, out);
      self->kept = *fix;
      return;
    }

  if (!self->stationary)
    {
      g_array_append_vals (self->held, fix, 1);
      if (fix->t_ms - self->kept.t_ms < STATIONARY_DWELL_MS)
        return;
      /* A minute within the radius: a stop. What was held adds nothing to it. */
      self->stats.dropped_stationary += self->held->len;
      g_array_set_size (self->held, 0);
      self->stationary = TRUE;
      self->last_suppressed = *fix;
      self->have_suppressed = TRUE;
      return;
    }

  if (fix->t_ms - self->last_emit_t >= STATIONARY_KEEPALIVE_MS)
    {
      /* Now and then a point, so the stop shows in the track and a photo taken during
       * it finds a position. The anchor stays put so slow drift does not add up. */
      emit (self, fix, out);
      self->have_suppressed = FALSE;
      return;
    }
  self->stats.dropped_stationary++;
  self->last_suppressed = *fix;
  self->have_suppressed = TRUE;
}

/* ---- step 3: speed jumps ---- */

static gboolean
plausible (XunchaFixFilter *self,
           const XunchaFix *from,
           const XunchaFix *to)
{
  double seconds = (to->t_ms - from->t_ms) / 1000.0;

  return xuncha_fix_distance (from, to) <= self->max_speed * MAX (seconds, 0.0) + JITTER_M;
}

static void
speed_pass (XunchaFixFilter *self,
            const XunchaFix *fix,
            GArray          *out)
{
  self->anchor = *fix;
  self->have_anchor = TRUE;
  stationary_push (self, fix, out);
}

static void
speed_push (XunchaFixFilter *self,
            const XunchaFix *fix,
            GArray          *out)
{
  if (self->have_anchor && plausible (self, &self->anchor, fix))
    {
      /* Back on the track: whatever jumped away meanwhile was the outlier. */
      self->stats.dropped_jump += self->pending->len;
      g_array_set_size (self->pending, 0);
      speed_pass (self, fix, out);
      return;
    }

  if (self->pending->len > 0
      && plausible (self, &g_array_index (self->pending, XunchaFix, self->pending->len - 1), fix))
    {
      /* Without an anchor (the very first fixes) two agreeing fixes make the track. */
      guint needed = self->have_anchor ? CONFIRM_RUN : 2;

      g_array_append_vals (self->pending, fix, 1);
      if (self->pending->len >= needed)
        {
          for (guint i = 0; i < self->pending->len; i++)
            speed_pass (self, &g_array_index (self->pending, XunchaFix, i), out);
          g_array_set_size (self->pending, 0);
        }
      return;
    }

  self->stats.dropped_jump += self->pending->len;
  g_array_set_size (self->pending, 0);
  g_array_append_vals (self->pending, fix, 1);
}

/* ---- steps 1 and 2 ---- */

void
xuncha_fix_filter_push (XunchaFixFilter *self,
                        const XunchaFix *fix,
                        GArray          *out)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));
  g_return_if_fail (fix != NULL);
  g_return_if_fail (out != NULL);

  self->stats.received++;
  if (isinf (fix->accuracy) || (!isnan (fix->accuracy) && fix->accuracy > self->accuracy_threshold)
      || isnan (fix->lat) || isnan (fix->lon))
    {
      self->stats.dropped_accuracy++;
      return;
    }
  if (self->have_last_t && fix->t_ms <= self->last_t)
    {
      self->stats.dropped_time++;
      return;
    }
  self->last_t = fix->t_ms;
  self->have_last_t = TRUE;
  speed_push (self, fix, out);
}

void
xuncha_fix_filter_flush (XunchaFixFilter *self,
                         GArray          *out)
{
  g_return_if_fail (XUNCHA_IS_FIX_FILTER (self));
  g_return_if_fail (out != NULL);

  if (!self->have_anchor)
    {
      /* A track of one lone fix (or lone fixes that never agreed): keep the last one
       * rather than nothing. */
      if (self->pending->len > 0)
        {
          self->stats.dropped_jump += self->pending->len - 1;
          speed_pass (self, &g_array_index (self->pending, XunchaFix, self->pending->len - 1),
                      out);
        }
    }
  else
    self->stats.dropped_jump += self->pending->len;
  g_array_set_size (self->pending, 0);

  release_stop (self, FALSE, out);
}

GArray *
xuncha_fix_filter_run (XunchaFixFilter *self,
                       const XunchaFix *fixes,
                       gsize            n_fixes)
{
  GArray *out;

  g_return_val_if_fail (XUNCHA_IS_FIX_FILTER (self), NULL);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  out = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), n_fixes);
  for (gsize i = 0; i < n_fixes; i++)
    xuncha_fix_filter_push (self, &fixes[i], out);
  xuncha_fix_filter_flush (self, out);
  return out;
}
