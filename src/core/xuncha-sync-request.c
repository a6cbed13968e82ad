/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <poll.h>

#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-sync-private.h"

gint64
xuncha_sync_now_ms (void)
{
  return g_get_real_time () / 1000;
}

gboolean
xuncha_sync_run_sleep (XunchaSyncRun *run,
                       gint64         ms)
{
  struct pollfd pfd = { -1, POLLIN, 0 };
  gint64 deadline = g_get_monotonic_time () + ms * 1000;
  gboolean cancelled;

  pfd.fd = g_cancellable_get_fd (run->cancellable);
  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0 || g_cancellable_is_cancelled (run->cancellable))
        break;
      if (pfd.fd >= 0)
        poll (&pfd, 1, (int)MIN (left, 1000));
      else
        g_usleep ((gulong)MIN (left, 100) * 1000);
    }
  cancelled = g_cancellable_is_cancelled (run->cancellable);
  g_cancellable_release_fd (run->cancellable);
  return !cancelled;
}

void
xuncha_sync_run_stop (XunchaSyncRun *run,
                      int            code,
                      const char    *format,
                      ...)
{
  va_list args;

  if (run->result->stopped != NULL)
    return;
  va_start (args, format);
  run->result->stopped = g_error_new_valist (XUNCHA_SYNC_ERROR, code, format, args);
  va_end (args);
}

char *
xuncha_sync_answer_message (XunchaHttpResponse *response)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  if (xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                    (gssize)response->body->len, &code, &message, NULL))
    return g_strdup_printf (_("the office answered %ld: %s"), response->status, message);
  return g_strdup_printf (_("the office answered %ld"), response->status);
}

static void
on_upload_progress (gint64   uploaded,
                    gpointer user_data)
{
  XunchaSyncRun *run = user_data;

  run->bytes_done = run->bytes_base + (guint64)uploaded;
  xuncha_sync_run_report_progress (run);
}

XunchaSyncStep
xuncha_sync_run_request (XunchaSyncRun       *run,
                         const char          *kind,
                         const char          *item,
                         const char          *method,
                         const char          *path,
                         GBytes              *body,
                         const char          *upload_path,
                         XunchaHttpResponse **out)
{
  *out = NULL;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) stopped = NULL;
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autofree char *message = NULL;
      gboolean again;
      gint64 delay;

      run->result->requests++;
      if (attempt > 0)
        run->result->retries++;
      response = xuncha_http_request (run->http, method, path,
                                      body != NULL ? "application/json; charset=utf-8"
                                      : upload_path != NULL ? "image/jpeg" : NULL,
                                      body, upload_path,
                                      upload_path != NULL ? on_upload_progress : NULL, run,
                                      run->cancellable, &error);
      switch (xuncha_sync_policy_judge (error, response, &stopped, &message))
        {
        case XUNCHA_SYNC_VERDICT_DONE:
          *out = g_steal_pointer (&response);
          return XUNCHA_SYNC_STEP_OK;
        case XUNCHA_SYNC_VERDICT_ANSWER:
          *out = g_steal_pointer (&response);
          return XUNCHA_SYNC_STEP_ANSWER;
        case XUNCHA_SYNC_VERDICT_STOP:
          if (run->result->stopped == NULL)
            run->result->stopped = g_steal_pointer (&stopped);
          return XUNCHA_SYNC_STEP_STOP;
        case XUNCHA_SYNC_VERDICT_RETRY:
        default:
          break;
        }

      /* A transient failure: keep the reason on the item, then wait and try again. */
      again = xuncha_sync_policy_next_try (&run->policy, attempt,
                                           response != NULL ? response->retry_after_ms : -1,
                                           &delay);
      if (kind != NULL)
        xuncha_outbox_mark_retry (run->store, kind, item, message,
                                  xuncha_sync_now_ms () + delay, NULL);
      if (!again)
        {
          xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_NETWORK,
                                _("The office could not be reached reliably (%s). What was "
                                  "not sent waits on the device and goes with the next "
                                  "sync."), message);
          return XUNCHA_SYNC_STEP_STOP;
        }
      g_debug ("%s %s: %s; retrying in %" G_GINT64_FORMAT " ms", method, path, message, delay);
      if (!xuncha_sync_run_sleep (run, delay))
        {
          xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_CANCELLED, _("The sync was cancelled."));
          return XUNCHA_SYNC_STEP_STOP;
        }
    }
}
