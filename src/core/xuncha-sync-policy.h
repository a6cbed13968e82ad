/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-http.h"
#include "xuncha-sync-result.h"

G_BEGIN_DECLS

/* When the device tries again (docs/protocol.md): per request within one sync, and whole
 * syncs the app starts by itself. One policy in the core, so the app and the command line
 * cannot differ. A plain value: copy it freely. */
typedef struct
{
  guint base_ms;       /* full-jitter backoff: random (0, min (cap, base * 2^attempt)) */
  guint cap_ms;        /* and no wait beyond this: a longer Retry-After ends the sync */
  guint max_attempts;  /* tries per request in one sync before it stops */
} XunchaSyncPolicy;

#define XUNCHA_SYNC_POLICY_BASE_MS      2000
#define XUNCHA_SYNC_POLICY_CAP_MS       (10 * 60 * 1000)
#define XUNCHA_SYNC_POLICY_MAX_ATTEMPTS 5

/* What one answer (or its absence) means for the request that got it. */
typedef enum
{
  XUNCHA_SYNC_VERDICT_DONE,    /* a 2xx from the office */
  XUNCHA_SYNC_VERDICT_ANSWER,  /* another answer of the office's, for the caller to read
                                * (404, 409, 413, 422 …) */
  XUNCHA_SYNC_VERDICT_RETRY,   /* a passing fault: wait, then try again */
  XUNCHA_SYNC_VERDICT_STOP,    /* the sync ends here: nothing later would go either */
} XunchaSyncVerdict;

/* The defaults: 2 s, 10 min, 5 tries. */
void              xuncha_sync_policy_init           (XunchaSyncPolicy       *policy);

/* 408, 429, 500, 502, 503 and 504: the office or the way to it is busy or down. */
gboolean          xuncha_sync_policy_is_retryable_status (long                status);

/* Judges one request's outcome: @error when no answer came (an XUNCHA_HTTP_ERROR), else
 * @response. STOP sets @stop (XUNCHA_SYNC_ERROR, what happened and what to do); RETRY
 * sets @reason (what went wrong, for the item's last error). */
XunchaSyncVerdict xuncha_sync_policy_judge          (const GError            *error,
                                                     XunchaHttpResponse      *response,
                                                     GError                 **stop,
                                                     char                   **reason);

/* Full jitter for a request's try @attempt (0 for the first). */
gint64            xuncha_sync_policy_backoff_ms     (const XunchaSyncPolicy  *policy,
                                                     guint                    attempt);
/* After try @attempt failed in passing, with the office's Retry-After (ms, -1 when none):
 * *@delay_ms receives when the item is due again; TRUE to wait that long and try again,
 * FALSE when the sync stops and leaves the rest for the next one (the last try, or the
 * office asks for longer than the cap). */
gboolean          xuncha_sync_policy_next_try       (const XunchaSyncPolicy  *policy,
                                                     guint                    attempt,
                                                     gint64                   retry_after_ms,
                                                     gint64                  *delay_ms);

/* Whether a finished sync is to be tried again by itself: the office could not be
 * reached (@error, or @result->stopped, is XUNCHA_SYNC_ERROR_NETWORK) or items wait for a
 * later try. */
gboolean          xuncha_sync_policy_should_resync  (const GError            *error,
                                                     const XunchaSyncResult  *result);
/* How long until that sync: until the first item is due again (@next_try_ms, Unix ms, -1
 * when none has a time), else full jitter growing with the @failures in a row. At least
 * a second, else at most the cap. */
gint64            xuncha_sync_policy_resync_delay_ms (const XunchaSyncPolicy *policy,
                                                      gint64                  next_try_ms,
                                                      gint64                  now_ms,
                                                      guint                   failures);

G_END_DECLS
