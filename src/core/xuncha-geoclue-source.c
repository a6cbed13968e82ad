/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-geoclue"

#include "config.h"

#include <geoclue.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-geoclue-source.h"

enum {
  PROP_0,
  PROP_STATE,
  PROP_UNAVAILABLE_REASON,
  N_PROPS
};

struct _XunchaGeoclueSource
{
  GObject              parent_instance;

  char                *desktop_id;
  guint                answer_timeout_ms;
  XunchaLocationState  state;
  char                *reason;
  GCancellable        *cancellable;
  GSource             *answer_timer;
  GSource             *give_up_timer;
  GClueSimple         *simple;
  GClueClient         *client;      /* NULL under the portal */
};

static void xuncha_geoclue_source_iface_init (XunchaLocationSourceInterface *iface);

G_DEFINE_TYPE_WITH_CODE (XunchaGeoclueSource, xuncha_geoclue_source, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_LOCATION_SOURCE,
                                                xuncha_geoclue_source_iface_init))

static void
set_state (XunchaGeoclueSource *self,
           XunchaLocationState  state,
           const char          *reason)
{
  gboolean reason_changed = g_strcmp0 (self->reason, reason) != 0;

  if (reason_changed)
    {
      g_free (self->reason);
      self->reason = g_strdup (reason);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify (G_OBJECT (self), "state");
    }
  if (reason_changed)
    g_object_notify (G_OBJECT (self), "unavailable-reason");
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
clear_timers (XunchaGeoclueSource *self)
{
  clear_source (&self->answer_timer);
  clear_source (&self->give_up_timer);
}

/* What the user reads when location does not work, and what to do about it. */
static char *
reason_for_error (const GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup (_("Location service unavailable: access was denied. Allow Xuncha to use "
                       "your location in the system settings (Privacy → Location)."));
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND))
    return g_strdup (_("Location service unavailable: GeoClue is not installed or not "
                       "running. Install the geoclue-2.0 package, or place reports on the "
                       "map by hand."));
  return g_strdup_printf (_("Location service unavailable: %s. Place reports on the map by "
                            "hand, or try again later."),
                          error->message);
}

static void
on_location_notify (GClueSimple         *simple,
                    GParamSpec          *pspec,
                    XunchaGeoclueSource *self)
{
  GClueLocation *location = gclue_simple_get_location (simple);
  GVariant *timestamp;
  XunchaFix fix;
  double value;

  if (location == NULL)
    return;

  fix = xuncha_fix_init (g_get_real_time () / 1000,
                         gclue_location_get_latitude (location),
                         gclue_location_get_longitude (location));
  timestamp = gclue_location_get_timestamp (location);
  if (timestamp != NULL && g_variant_is_of_type (timestamp, G_VARIANT_TYPE ("(tt)")))
    {
      guint64 seconds, micros;
      g_variant_get (timestamp, "(tt)", &seconds, &micros);
      if (seconds > 0)
        fix.t_ms = (gint64)seconds * 1000 + (gint64)(micros / 1000);
    }
  /* GeoClue marks unknown values with sentinels; XunchaFix uses NAN. */
  value = gclue_location_get_accuracy (location);
  if (value >= 0 && isfinite (value))
    fix.accuracy = value;
  value = gclue_location_get_altitude (location);
  if (value != -G_MAXDOUBLE && isfinite (value))
    fix.altitude = value;
  value = gclue_location_get_speed (location);
  if (value >= 0)
    fix.speed = value;
  value = gclue_location_get_heading (location);
  if (value >= 0)
    fix.heading = value;

  if (self->state != XUNCHA_LOCATION_STATE_ACTIVE)
    set_state (self, XUNCHA_LOCATION_STATE_ACTIVE, NULL);
  xuncha_location_source_emit_fix (XUNCHA_LOCATION_SOURCE (self), &fix);
}

static void
on_client_active_notify (GClueClient         *client,
                         GParamSpec          *pspec,
                         XunchaGeoclueSource *self)
{
  /* GeoClue stops a client when the user withdraws the permission. */
  if (!gclue_client_get_active (client) && self->state == XUNCHA_LOCATION_STATE_ACTIVE)
    set_state (self, XUNCHA_LOCATION_STATE_UNAVAILABLE,
               _("Location service unavailable: access was withdrawn. Allow Xuncha to use "
                 "your location in the system settings (Privacy → Location)."));
}

static void
on_simple_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XunchaGeoclueSource) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GClueSimple) simple = NULL;

  simple = gclue_simple_new_with_thresholds_finish (result, &error);
  if (simple == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && self->state == XUNCHA_LOCATION_STATE_FINISHED)
        return;   /* stopped by us */
      clear_timers (self);
      g_clear_object (&self->cancellable);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The give-up timer fired; the state already says so. */
          return;
        }
      {
        g_autofree char *reason = reason_for_error (error);
        g_debug ("GeoClue failed: %s", error->message);
        set_state (self, XUNCHA_LOCATION_STATE_UNAVAILABLE, reason);
      }
      return;
    }

  clear_timers (self);
  g_clear_object (&self->cancellable);
  self->simple = g_steal_pointer (&simple);
  self->client = gclue_simple_get_client (self->simple);
  g_signal_connect_object (self->simple, "notify::location",
                           G_CALLBACK (on_location_notify), self, 0);
  if (self->client != NULL)
    g_signal_connect_object (self->client, "notify::active",
                             G_CALLBACK (on_client_active_notify), self, 0);
  /* Running, but with no fix yet: starting until the first one. */
  set_state (self, XUNCHA_LOCATION_STATE_STARTING, NULL);
  on_location_notify (self->simple, NULL, self);
}

static gboolean
on_answer_timeout (gpointer user_data)
{
  XunchaGeoclueSource *self = user_data;

  g_clear_pointer (&self->answer_timer, g_source_unref);
  set_state (self, XUNCHA_LOCATION_STATE_UNAVAILABLE,
             _("Location service unavailable: GeoClue does not answer. Waiting for it; "
               "meanwhile place reports on the map by hand."));
  return G_SOURCE_REMOVE;
}

static gboolean
on_give_up_timeout (gpointer user_data)
{
  XunchaGeoclueSource *self = user_data;

  g_clear_pointer (&self->give_up_timer, g_source_unref);
  set_state (self, XUNCHA_LOCATION_STATE_UNAVAILABLE,
             _("Location service unavailable: GeoClue did not answer. Start the shift "
               "again to retry, or place reports on the map by hand."));
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static GSource *
add_timer (guint        timeout_ms,
           GSourceFunc  callback,
           gpointer     user_data)
{
  GSource *source = g_timeout_source_new (timeout_ms);

  g_source_set_callback (source, callback, user_data, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
xuncha_geoclue_source_start (XunchaLocationSource *source)
{
  XunchaGeoclueSource *self = XUNCHA_GEOCLUE_SOURCE (source);

  if (self->cancellable != NULL || self->simple != NULL)
    return;

  set_state (self, XUNCHA_LOCATION_STATE_STARTING, NULL);
  self->cancellable = g_cancellable_new ();
  self->answer_timer = add_timer (self->answer_timeout_ms, on_answer_timeout, self);
  self->give_up_timer = add_timer (XUNCHA_GEOCLUE_SOURCE_GIVE_UP_TIMEOUT_MS,
                                   on_give_up_timeout, self);
  /* Thresholds 0: every fix the service has, at about 1 Hz from a GNSS receiver. */
  gclue_simple_new_with_thresholds (self->desktop_id, GCLUE_ACCURACY_LEVEL_EXACT, 0, 0,
                                    self->cancellable, on_simple_ready,
                                    g_object_ref (self));
}

static void
xuncha_geoclue_source_stop (XunchaLocationSource *source)
{
  XunchaGeoclueSource *self = XUNCHA_GEOCLUE_SOURCE (source);

  clear_timers (self);
  set_state (self, XUNCHA_LOCATION_STATE_FINISHED, NULL);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  if (self->simple != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->simple, self);
      if (self->client != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->client, self);
          /* Tell GeoClue at once, so the receiver can power down. */
          gclue_client_call_stop (self->client, NULL, NULL, NULL);
        }
      self->client = NULL;
      g_clear_object (&self->simple);
    }
}

static void
xuncha_geoclue_source_iface_init (XunchaLocationSourceInterface *iface)
{
  iface->start = xuncha_geoclue_source_start;
  iface->stop = xuncha_geoclue_source_stop;
}

static void
xuncha_geoclue_source_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  XunchaGeoclueSource *self = XUNCHA_GEOCLUE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_UNAVAILABLE_REASON:
      g_value_set_string (value, self->state == XUNCHA_LOCATION_STATE_UNAVAILABLE
                                 ? self->reason : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_geoclue_source_dispose (GObject *object)
{
  XunchaGeoclueSource *self = XUNCHA_GEOCLUE_SOURCE (object);

  clear_timers (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->simple != NULL)
    g_signal_handlers_disconnect_by_data (self->simple, self);
  self->client = NULL;
  g_clear_object (&self->simple);

  G_OBJECT_CLASS (xuncha_geoclue_source_parent_class)->dispose (object);
}

static void
xuncha_geoclue_source_finalize (GObject *object)
{
  XunchaGeoclueSource *self = XUNCHA_GEOCLUE_SOURCE (object);

  g_clear_pointer (&self->desktop_id, g_free);
  g_clear_pointer (&self->reason, g_free);

  G_OBJECT_CLASS (xuncha_geoclue_source_parent_class)->finalize (object);
}

static void
xuncha_geoclue_source_class_init (XunchaGeoclueSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xuncha_geoclue_source_get_property;
  object_class->dispose = xuncha_geoclue_source_dispose;
  object_class->finalize = xuncha_geoclue_source_finalize;

  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_UNAVAILABLE_REASON, "unavailable-reason");
}

static void
xuncha_geoclue_source_init (XunchaGeoclueSource *self)
{
  self->answer_timeout_ms = XUNCHA_GEOCLUE_SOURCE_ANSWER_TIMEOUT_MS;
}

XunchaGeoclueSource *
xuncha_geoclue_source_new (const char *desktop_id)
{
  XunchaGeoclueSource *self = g_object_new (XUNCHA_TYPE_GEOCLUE_SOURCE, NULL);

  self->desktop_id = g_strdup (desktop_id != NULL ? desktop_id : APPLICATION_ID);
  return self;
}

void
xuncha_geoclue_source_set_answer_timeout (XunchaGeoclueSource *self,
                                          guint                timeout_ms)
{
  g_return_if_fail (XUNCHA_IS_GEOCLUE_SOURCE (self));
  g_return_if_fail (timeout_ms > 0);

  self->answer_timeout_ms = timeout_ms;
}
