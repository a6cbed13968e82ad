/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_SYNC_CONTROLLER (xuncha_sync_controller_get_type ())

G_DECLARE_FINAL_TYPE (XunchaSyncController, xuncha_sync_controller, XUNCHA, SYNC_CONTROLLER,
                      GObject)

/* The app's one sync engine: syncs the user asks for, and automatic ones when the network
 * comes back (the "auto-sync" setting, an enrolled device), never two at once. A sync
 * that could not reach the office is tried again when the engine says the items are due.
 * "started" (automatic), "progress" (items done, items total, bytes done, bytes total)
 * and "finished" are emitted on the main context. */
XunchaSyncController *xuncha_sync_controller_new          (XunchaStore          *store,
                                                           XunchaStoreWorker    *worker,
                                                           GSettings            *settings);

XunchaSync           *xuncha_sync_controller_get_engine   (XunchaSyncController *self);
gboolean              xuncha_sync_controller_get_running  (XunchaSyncController *self);
/* Whether the running (or the last) sync started by itself. */
gboolean              xuncha_sync_controller_get_automatic (XunchaSyncController *self);

/* A sync the user asked for: every waiting item now. FALSE when one runs already. */
gboolean              xuncha_sync_controller_sync_now     (XunchaSyncController *self);
/* Puts a failed item (@kind and @item; a report with its failed photos) or, with NULL,
 * every failed item back to waiting, then syncs. FALSE when a sync runs already. */
gboolean              xuncha_sync_controller_retry        (XunchaSyncController *self,
                                                           const char           *kind,
                                                           const char           *item);
void                  xuncha_sync_controller_cancel       (XunchaSyncController *self);

/* What the last sync of this session did (NULL before one finished, or when it could
 * not start) and why it stopped or could not start (NULL when it ran to its end). */
XunchaSyncResult     *xuncha_sync_controller_get_last_result (XunchaSyncController *self);
const GError         *xuncha_sync_controller_get_last_error  (XunchaSyncController *self);

/* Where network changes come from (default: the system's monitor). */
void                  xuncha_sync_controller_set_network_monitor (XunchaSyncController *self,
                                                                  GNetworkMonitor      *monitor);
/* How long the network must stay up before an automatic sync starts (default 3 s). */
void                  xuncha_sync_controller_set_debounce (XunchaSyncController *self,
                                                           guint                 ms);
/* TRUE while an automatic sync waits for the network to settle or for a later try. */
gboolean              xuncha_sync_controller_get_scheduled (XunchaSyncController *self);

G_END_DECLS
