/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-credentials.h"
#include "xuncha-http.h"
#include "xuncha-store.h"
#include "xuncha-sync-policy.h"
#include "xuncha-sync-result.h"

G_BEGIN_DECLS

#define XUNCHA_SYNC_ERROR (xuncha_sync_error_quark ())

typedef enum
{
  XUNCHA_SYNC_ERROR_NOT_ENROLLED,  /* no server or token: enroll first */
  XUNCHA_SYNC_ERROR_UNAUTHORIZED,  /* 401: the office no longer knows this device */
  XUNCHA_SYNC_ERROR_FORBIDDEN,     /* 403 */
  XUNCHA_SYNC_ERROR_TLS,           /* the office's certificate was refused */
  XUNCHA_SYNC_ERROR_PIN,           /* the office's key does not match the pin */
  XUNCHA_SYNC_ERROR_CAPTIVE,       /* something else answered (a Wi-Fi login page) */
  XUNCHA_SYNC_ERROR_NETWORK,       /* the network failed again and again: retried later */
  XUNCHA_SYNC_ERROR_CANCELLED,
  XUNCHA_SYNC_ERROR_CONFIG,
  XUNCHA_SYNC_ERROR_PROTOCOL,      /* the office answered something this version cannot read */
  XUNCHA_SYNC_ERROR_FAILED,
} XunchaSyncError;

#define XUNCHA_TYPE_SYNC (xuncha_sync_get_type ())

G_DECLARE_FINAL_TYPE (XunchaSync, xuncha_sync, XUNCHA, SYNC, GObject)

GQuark            xuncha_sync_error_quark       (void);
/* For an XUNCHA_SYNC_ERROR_TLS error, why the office's certificate was refused; NONE for
 * any other error. */
XunchaCertificateProblem xuncha_sync_error_get_certificate_problem (const GError *error);

/* Trades a one-time enrollment code for a device token, keeps the token (Secret Service or
 * a 0600 file, said in @used) and the office settings in the store. @ca_file: an extra CA
 * to trust; @pins: "sha256//…" public-key pins, ';'-separated. */
gboolean          xuncha_sync_enroll            (XunchaStore             *store,
                                                 const char              *server,
                                                 const char              *officer_id,
                                                 const char              *code,
                                                 const char              *ca_file,
                                                 const char              *pins,
                                                 const char              *device_name,
                                                 XunchaCredentialsStore  *used,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);
/* Changes the CA file or pins of an enrolled device (NULL clears). */
gboolean          xuncha_sync_set_tls           (XunchaStore             *store,
                                                 const char              *ca_file,
                                                 const char              *pins,
                                                 GError                 **error);

/* A sync engine for the device data in @data_dir. Each sync runs on a thread of its own
 * (never GIO's shared pool: a backoff may last minutes) with its own store connection;
 * "progress" is emitted, and the sync finishes, on the main context of the caller of
 * xuncha_sync_run_async(). */
XunchaSync       *xuncha_sync_new               (const char              *data_dir);

/* When requests are tried again (XunchaSyncPolicy; xuncha_sync_policy_init()'s defaults
 * until set). The app's automatic syncs read it back to space themselves the same way. */
void              xuncha_sync_set_policy        (XunchaSync              *self,
                                                 const XunchaSyncPolicy  *policy);
void              xuncha_sync_get_policy        (XunchaSync              *self,
                                                 XunchaSyncPolicy        *policy);
/* Full-jitter backoff: wait random(0, min(cap, base * 2^attempt)). Defaults 2 s, 10 min. */
void              xuncha_sync_set_backoff       (XunchaSync              *self,
                                                 guint                    base_ms,
                                                 guint                    cap_ms);
/* Tries per request in one sync before it stops and leaves the rest for later (default 5). */
void              xuncha_sync_set_max_attempts  (XunchaSync              *self,
                                                 guint                    attempts);
/* Low-speed abort (default 1024 B/s for 30 s). */
void              xuncha_sync_set_low_speed     (XunchaSync              *self,
                                                 guint                    bytes_per_second,
                                                 guint                    seconds);
/* Skip items whose next try lies in the future (automatic syncs); a sync the user asked
 * for tries everything now (the default). */
void              xuncha_sync_set_honour_schedule (XunchaSync            *self,
                                                 gboolean                 honour);

void              xuncha_sync_run_async         (XunchaSync              *self,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
/* The result even when items failed or the sync stopped early (see result->stopped); NULL
 * with @error only when the sync could not start (no store, not enrolled). */
XunchaSyncResult *xuncha_sync_run_finish        (XunchaSync              *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
/* Runs a sync and waits for it, dispatching "progress" meanwhile (for the CLI). */
XunchaSyncResult *xuncha_sync_run               (XunchaSync              *self,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);

G_END_DECLS
