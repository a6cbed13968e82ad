/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"

G_BEGIN_DECLS

#define XUNCHA_LOCATION_ERROR (xuncha_location_error_quark ())

/* The location module's errors: sources, track files and the fix filter. */
typedef enum
{
  XUNCHA_LOCATION_ERROR_UNAVAILABLE,   /* no location service, or it did not answer */
  XUNCHA_LOCATION_ERROR_DENIED,        /* the service refused this application */
  XUNCHA_LOCATION_ERROR_READ,          /* a track file could not be read */
  XUNCHA_LOCATION_ERROR_PARSE,         /* a track file is not GPX or NMEA 0183 */
  XUNCHA_LOCATION_ERROR_NO_FIXES,      /* a track file holds no usable position */
} XunchaLocationError;

typedef enum
{
  XUNCHA_LOCATION_STATE_IDLE,          /* made, not started */
  XUNCHA_LOCATION_STATE_STARTING,      /* waiting for the service or the first fix */
  XUNCHA_LOCATION_STATE_ACTIVE,        /* fixes arrive */
  XUNCHA_LOCATION_STATE_UNAVAILABLE,   /* see the "unavailable-reason" property */
  XUNCHA_LOCATION_STATE_FINISHED,      /* stopped, or a replay reached its end */
} XunchaLocationState;

#define XUNCHA_TYPE_LOCATION_STATE (xuncha_location_state_get_type ())
GType xuncha_location_state_get_type (void) G_GNUC_CONST;

#define XUNCHA_TYPE_LOCATION_SOURCE (xuncha_location_source_get_type ())

G_DECLARE_INTERFACE (XunchaLocationSource, xuncha_location_source, XUNCHA, LOCATION_SOURCE,
                     GObject)

/* Where fixes come from: the GeoClue service on a phone, a replayed log in the demo and
 * tests. A source reports each fix with the "fix" signal (a const XunchaFix *, valid for
 * the emission only) and its condition with the "state" and "unavailable-reason"
 * properties. Everything happens on the thread-default main context of start(). */
struct _XunchaLocationSourceInterface
{
  GTypeInterface parent_iface;

  void (*start) (XunchaLocationSource *self);
  void (*stop)  (XunchaLocationSource *self);
};

GQuark              xuncha_location_error_quark              (void);

void                xuncha_location_source_start             (XunchaLocationSource *self);
void                xuncha_location_source_stop              (XunchaLocationSource *self);
XunchaLocationState xuncha_location_source_get_state         (XunchaLocationSource *self);
/* Why the source is unavailable, for the user; NULL in other states. */
char               *xuncha_location_source_dup_unavailable_reason (XunchaLocationSource *self);

/* For implementations. */
void                xuncha_location_source_emit_fix          (XunchaLocationSource *self,
                                                              const XunchaFix      *fix);

G_END_DECLS
