/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-location"

#include "config.h"

#include "xuncha-location-source.h"

enum {
  FIX,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (xuncha-location-error-quark, xuncha_location_error)

G_DEFINE_ENUM_TYPE (XunchaLocationState, xuncha_location_state,
                    G_DEFINE_ENUM_VALUE (XUNCHA_LOCATION_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_LOCATION_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_LOCATION_STATE_ACTIVE, "active"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_LOCATION_STATE_UNAVAILABLE, "unavailable"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_LOCATION_STATE_FINISHED, "finished"))

G_DEFINE_INTERFACE (XunchaLocationSource, xuncha_location_source, G_TYPE_OBJECT)

static void
xuncha_location_source_default_init (XunchaLocationSourceInterface *iface)
{
  g_object_interface_install_property (
    iface,
    g_param_spec_enum ("state", NULL, NULL,
                       XUNCHA_TYPE_LOCATION_STATE, XUNCHA_LOCATION_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (
    iface,
    g_param_spec_string ("unavailable-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /* The fix is passed by reference without a copy: handlers copy what they keep. */
  signals[FIX] = g_signal_new ("fix",
                               G_TYPE_FROM_INTERFACE (iface),
                               G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL,
                               G_TYPE_NONE, 1,
                               XUNCHA_TYPE_FIX | G_SIGNAL_TYPE_STATIC_SCOPE);
}

/**
 * xuncha_location_source_start:
 *
 * Starts delivering fixes. Never blocks: the state moves to starting, then to active,
 * unavailable or finished.
 */
void
xuncha_location_source_start (XunchaLocationSource *self)
{
  g_return_if_fail (XUNCHA_IS_LOCATION_SOURCE (self));

  XUNCHA_LOCATION_SOURCE_GET_IFACE (self)->start (self);
}

/* Stops delivering fixes; the state becomes finished. Safe to call more than once. */
void
xuncha_location_source_stop (XunchaLocationSource *self)
{
  g_return_if_fail (XUNCHA_IS_LOCATION_SOURCE (self));

  XUNCHA_LOCATION_SOURCE_GET_IFACE (self)->stop (self);
}

XunchaLocationState
xuncha_location_source_get_state (XunchaLocationSource *self)
{
  XunchaLocationState state = XUNCHA_LOCATION_STATE_IDLE;

  g_return_val_if_fail (XUNCHA_IS_LOCATION_SOURCE (self), XUNCHA_LOCATION_STATE_IDLE);

  g_object_get (self, "state", &state, NULL);
  return state;
}

char *
xuncha_location_source_dup_unavailable_reason (XunchaLocationSource *self)
{
  char *reason = NULL;

  g_return_val_if_fail (XUNCHA_IS_LOCATION_SOURCE (self), NULL);

  g_object_get (self, "unavailable-reason", &reason, NULL);
  return reason;
}

void
xuncha_location_source_emit_fix (XunchaLocationSource *self,
                                 const XunchaFix      *fix)
{
  g_return_if_fail (XUNCHA_IS_LOCATION_SOURCE (self));
  g_return_if_fail (fix != NULL);

  g_signal_emit (self, signals[FIX], 0, fix);
}
