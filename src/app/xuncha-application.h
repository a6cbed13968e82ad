/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"
#include "xuncha-sync-controller.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_APPLICATION (xuncha_application_get_type ())

G_DECLARE_FINAL_TYPE (XunchaApplication, xuncha_application, XUNCHA, APPLICATION,
                      AdwApplication)

XunchaApplication *xuncha_application_new          (void);
/* The device store, or NULL when it could not be opened (the window says why). */
XunchaStore       *xuncha_application_get_store    (XunchaApplication *self);
/* The thread that owns the app's connection for writes; NULL when the store could not be
 * opened. */
XunchaStoreWorker *xuncha_application_get_store_worker (XunchaApplication *self);
const GError      *xuncha_application_get_store_error (XunchaApplication *self);
GSettings         *xuncha_application_get_settings (XunchaApplication *self);
/* The street segments of the store, or NULL while they load (the "street-map" property
 * says when they are there) or when it holds none. */
XunchaStreetMap   *xuncha_application_get_street_map (XunchaApplication *self);
/* Reads and indexes the street map again on a worker thread (after an import or a sync
 * that brought streets); "street-map" is notified when it is ready. */
void               xuncha_application_reload_street_map (XunchaApplication *self);
/* The shift and location source, or NULL when the store could not be opened. */
XunchaPatrolSession *xuncha_application_get_session (XunchaApplication *self);
/* The one sync of the app (manual and automatic), or NULL without a store. */
XunchaSyncController *xuncha_application_get_sync_controller (XunchaApplication *self);

G_END_DECLS
