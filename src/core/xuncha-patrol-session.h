/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"
#include "xuncha-location-source.h"
#include "xuncha-shift.h"
#include "xuncha-store-worker.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PATROL_SESSION (xuncha_patrol_session_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPatrolSession, xuncha_patrol_session, XUNCHA, PATROL_SESSION,
                      GObject)

/* What the patrol screen runs on: the officer's shift and the location source. The source
 * runs only while a shift is open or something asked for a position (an open report), so
 * the phone's GPS is not left on. A shift left open by a killed app is resumed at once.
 * Properties: "shift-open", "location-state", "has-fix". Signal "fix" (const XunchaFix *)
 * for every fix the source gives. @store is read on the calling thread; the writes (a shift's
 * start and end, its track points) are jobs of @worker. */
XunchaPatrolSession *xuncha_patrol_session_new            (XunchaStore          *store,
                                                           XunchaStoreWorker    *worker,
                                                           XunchaLocationSource *source,
                                                           GError              **error);

XunchaLocationSource *xuncha_patrol_session_get_source    (XunchaPatrolSession  *self);
/* The open shift, or NULL. */
XunchaShift         *xuncha_patrol_session_get_shift      (XunchaPatrolSession  *self);
gboolean             xuncha_patrol_session_get_shift_open (XunchaPatrolSession  *self);
gboolean             xuncha_patrol_session_start_shift    (XunchaPatrolSession  *self,
                                                           GError              **error);
gboolean             xuncha_patrol_session_stop_shift     (XunchaPatrolSession  *self,
                                                           GError              **error);

/* Ask for positions outside a shift (a report being made); pair with release. */
void                 xuncha_patrol_session_hold_location    (XunchaPatrolSession *self);
void                 xuncha_patrol_session_release_location (XunchaPatrolSession *self);

XunchaLocationState  xuncha_patrol_session_get_location_state (XunchaPatrolSession *self);
/* The last fix; FALSE when there is none yet. */
gboolean             xuncha_patrol_session_get_last_fix   (XunchaPatrolSession  *self,
                                                           XunchaFix            *fix);
/* Seconds since the last fix arrived (a replayed log's fixes carry the log's own times,
 * and a phone's clock may be off, so age is measured on arrival); -1 with no fix. */
double               xuncha_patrol_session_get_fix_age    (XunchaPatrolSession  *self);
/* The points of the open shift stored so far (for drawing the track), or an empty array. */
GArray              *xuncha_patrol_session_load_track     (XunchaPatrolSession  *self);

G_END_DECLS
