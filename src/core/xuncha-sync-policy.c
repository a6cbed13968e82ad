/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-sync-policy.h"
#include "xuncha-sync-private.h"

void
xuncha_sync_policy_init (XunchaSyncPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  policy->base_ms = XUNCHA_SYNC_POLICY_BASE_MS;
  policy->cap_ms = XUNCHA_SYNC_POLICY_CAP_MS;
  policy->max_attempts = XUNCHA_SYNC_POLICY_MAX_ATTEMPTS;
}

gboolean
xuncha_sync_policy_is_retryable_status (long status)
{
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503
         || status == 504;
}

static XunchaSyncVerdict
judge_no_answer (const GError  *error,
                 GError       **stop,
                 char         **reason)
{
  if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CANCELLED))
    g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED,
                 _("The sync was cancelled."));
  else if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TLS))
    {
      g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_TLS,
                   _("The office's certificate was refused (%s). Nothing was sent. Check "
                     "the server address, the device's clock and the office CA file, or ask "
                     "the office."), error->message);
      xuncha_sync_error_set_certificate_problem (
        *stop, xuncha_http_error_get_certificate_problem (error));
    }
  else if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_PIN))
    g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_PIN,
                 _("The office's public key does not match the pin this device was "
                   "enrolled with (%s). Nothing was sent. If the office changed its key, "
                   "enroll again with the new pin; otherwise someone may be in the way."),
                 error->message);
  else if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TOO_LARGE))
    /* Not a passing fault: the same answer would come again. */
    g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_PROTOCOL,
                 _("%s Nothing on the device was changed by it; ask the office."),
                 error->message);
  else if (!g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_NETWORK))
    g_set_error_literal (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CONFIG, error->message);
  else
    {
      *reason = g_strdup (error->message);
      return XUNCHA_SYNC_VERDICT_RETRY;
    }
  return XUNCHA_SYNC_VERDICT_STOP;
}

XunchaSyncVerdict
xuncha_sync_policy_judge (const GError        *error,
                          XunchaHttpResponse  *response,
                          GError             **stop,
                          char               **reason)
{
  g_return_val_if_fail ((error == NULL) != (response == NULL), XUNCHA_SYNC_VERDICT_STOP);
  g_return_val_if_fail (stop != NULL && *stop == NULL, XUNCHA_SYNC_VERDICT_STOP);
  g_return_val_if_fail (reason != NULL && *reason == NULL, XUNCHA_SYNC_VERDICT_STOP);

  if (response == NULL)
    return judge_no_answer (error, stop, reason);

  if (response->status >= 200 && response->status < 300)
    {
      if (response->server_mark)
        return XUNCHA_SYNC_VERDICT_DONE;
      g_set_error_literal (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CAPTIVE,
                           _("Something other than the office answered (a Wi-Fi login "
                             "page?). Nothing was counted as sent. Log in to the network, "
                             "then sync again."));
      return XUNCHA_SYNC_VERDICT_STOP;
    }
  /* Busy or down: a proxy in the way says so without the office's mark, too. */
  if (xuncha_sync_policy_is_retryable_status (response->status))
    {
      *reason = xuncha_sync_answer_message (response);
      return XUNCHA_SYNC_VERDICT_RETRY;
    }
  if (!response->server_mark)
    g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CAPTIVE,
                 _("Something other than the office answered (status %ld; a Wi-Fi login "
                   "page?). Log in to the network, then sync again."), response->status);
  else if (response->status == 401)
    g_set_error_literal (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED,
                         _("The office no longer accepts this device (its token was revoked "
                           "or is unknown). Enroll again with a new code from the office: "
                           "xuncha-cli enroll. Nothing on the device was lost."));
  else if (response->status == 403)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      g_set_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_FORBIDDEN,
                   _("The office refused this officer (%s). Ask the office."), why);
    }
  else
    return XUNCHA_SYNC_VERDICT_ANSWER;
  return XUNCHA_SYNC_VERDICT_STOP;
}

gint64
xuncha_sync_policy_backoff_ms (const XunchaSyncPolicy *policy,
                               guint                   attempt)
{
  double ceiling;

  g_return_val_if_fail (policy != NULL, 0);

  ceiling = MIN ((double)policy->cap_ms, (double)policy->base_ms * pow (2.0, attempt));
  /* Full jitter: devices that failed together do not come back together. */
  return (gint64)g_random_double_range (0, MAX (ceiling, 1));
}

gboolean
xuncha_sync_policy_next_try (const XunchaSyncPolicy *policy,
                             guint                   attempt,
                             gint64                  retry_after_ms,
                             gint64                 *delay_ms)
{
  gint64 delay;

  g_return_val_if_fail (policy != NULL && delay_ms != NULL, FALSE);

  delay = xuncha_sync_policy_backoff_ms (policy, attempt);
  /* The office knows best how long it is busy; it is never asked sooner. */
  if (retry_after_ms > delay)
    delay = retry_after_ms;
  *delay_ms = delay;
  return attempt + 1 < policy->max_attempts && delay <= policy->cap_ms;
}

static gboolean
is_network_failure (const GError *error)
{
  return g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NETWORK);
}

gboolean
xuncha_sync_policy_should_resync (const GError           *error,
                                  const XunchaSyncResult *result)
{
  if (is_network_failure (error))
    return TRUE;
  if (result == NULL)
    return FALSE;
  return is_network_failure (result->stopped) || result->deferred > 0;
}

gint64
xuncha_sync_policy_resync_delay_ms (const XunchaSyncPolicy *policy,
                                    gint64                  next_try_ms,
                                    gint64                  now_ms,
                                    guint                   failures)
{
  gint64 delay;

  g_return_val_if_fail (policy != NULL, 1000);

  if (next_try_ms >= 0)
    delay = next_try_ms - now_ms;
  else
    {
      /* Nothing was tried (the office did not answer "who am I"): full jitter as for a
       * request, over the syncs that failed in a row, never sooner than half of it. */
      double ceiling = MIN ((double)policy->cap_ms,
                            policy->base_ms * (double)(1u << MIN (failures, 16u)));
      delay = (gint64)g_random_double_range (ceiling / 2, ceiling);
    }
  /* A second at least, even under a shorter cap: a sync is not a busy loop. */
  return CLAMP (delay, 1000, MAX ((gint64)policy->cap_ms, 1000));
}
