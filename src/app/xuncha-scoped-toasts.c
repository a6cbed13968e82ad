/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-scoped-toasts.h"

/* libadwaita 1.2 frees a toast whose hide animation ends while its slide-in still runs:
 * dismissing a toast in its first moments on screen crashes the app (an officer who taps
 * another tab right after saving). A toast younger than this is dismissed when it reaches
 * this age; the slide-in is over long before. */
#define MIN_SHOWN_US (800 * G_TIME_SPAN_MILLISECOND)

struct _XunchaScopedToasts
{
  AdwToastOverlay *overlay;    /* not owned: the page's */
  GPtrArray       *toasts;     /* AdwToast, oldest first, shown or queued */
  gint64           newest_us;  /* when the newest was added */
  GPtrArray       *pending;    /* AdwToast, to dismiss when they are old enough */
  guint            pending_id;
};

static const char DISMISSED[] = "xuncha-scoped-toasts-dismissed";

static void
on_dismissed (AdwToast *toast)
{
  g_object_set_data (G_OBJECT (toast), DISMISSED, GINT_TO_POINTER (1));
}

static gboolean
is_dismissed (gpointer toast)
{
  return g_object_get_data (G_OBJECT (toast), DISMISSED) != NULL;
}

/* Newest first: the queued ones leave the queue at once and the one on screen goes last.
 * Oldest first would bring each queued one on screen only to hide it during its slide-in. */
static void
dismiss (GPtrArray *toasts)
{
  for (guint i = toasts->len; i > 0; i--)
    if (!is_dismissed (g_ptr_array_index (toasts, i - 1)))
      adw_toast_dismiss (g_ptr_array_index (toasts, i - 1));
}

static gboolean
on_pending_due (gpointer data)
{
  XunchaScopedToasts *self = data;
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending_id = 0;
  dismiss (pending);
  return G_SOURCE_REMOVE;
}

XunchaScopedToasts *
xuncha_scoped_toasts_new (AdwToastOverlay *overlay)
{
  XunchaScopedToasts *self = g_new0 (XunchaScopedToasts, 1);

  self->overlay = overlay;
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

void
xuncha_scoped_toasts_free (XunchaScopedToasts *self)
{
  if (self == NULL)
    return;
  /* The overlay dismisses what it still holds when it goes. */
  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_ptr_array_unref (self->toasts);
  g_ptr_array_unref (self->pending);
  g_free (self);
}

void
xuncha_scoped_toasts_add (XunchaScopedToasts *self,
                          AdwToast           *toast)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ADW_IS_TOAST (toast));

  /* The ones gone on their own need not be kept. */
  for (guint i = self->toasts->len; i > 0; i--)
    if (is_dismissed (g_ptr_array_index (self->toasts, i - 1)))
      g_ptr_array_remove_index (self->toasts, i - 1);
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_dismissed), NULL);
  self->newest_us = g_get_monotonic_time ();
  adw_toast_overlay_add_toast (self->overlay, toast);
}

void
xuncha_scoped_toasts_dismiss_all (XunchaScopedToasts *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  gint64 age;

  g_return_if_fail (self != NULL);

  shown = g_steal_pointer (&self->toasts);
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  age = g_get_monotonic_time () - self->newest_us;
  if (age >= MIN_SHOWN_US && self->pending_id == 0)
    {
      dismiss (shown);
      return;
    }
  /* Kept in order behind the ones already waiting, all dismissed together. */
  for (guint i = 0; i < shown->len; i++)
    g_ptr_array_add (self->pending, g_object_ref (g_ptr_array_index (shown, i)));
  if (self->pending_id == 0)
    self->pending_id = g_timeout_add ((guint)((MIN_SHOWN_US - age) / G_TIME_SPAN_MILLISECOND) + 1,
                                      on_pending_due, self);
}
