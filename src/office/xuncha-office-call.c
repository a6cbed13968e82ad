/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "xuncha-office-call.h"

#include <string.h>

#include "xuncha-office-log-text.h"
#include "xuncha-protocol.h"

XunchaOfficeCall *
xuncha_office_call_new (const char *method,
                        const char *path,
                        const char *since,
                        const char *authorization,
                        const char *remote_host,
                        gint64      content_length,
                        GBytes     *body)
{
  XunchaOfficeCall *call = g_new0 (XunchaOfficeCall, 1);

  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->since = g_strdup (since);
  call->authorization = g_strdup (authorization);
  call->remote_host = g_strdup (remote_host);
  call->content_length = content_length;
  call->body = body != NULL ? g_bytes_ref (body) : NULL;
  call->answer_length = -1;
  call->revision = -1;
  return call;
}

void
xuncha_office_call_free (XunchaOfficeCall *call)
{
  if (call == NULL)
    return;
  g_free (call->method);
  g_free (call->path);
  g_free (call->since);
  g_free (call->authorization);
  g_free (call->remote_host);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_pointer (&call->answer, g_bytes_unref);
  g_free (call->answer_type);
  g_free (call);
}

void
xuncha_office_call_answer (XunchaOfficeCall *call,
                           guint             status,
                           const char       *json)
{
  call->status = status;
  g_clear_pointer (&call->answer, g_bytes_unref);
  if (json != NULL)
    call->answer = g_bytes_new (json, strlen (json));
}

void
xuncha_office_call_answer_error (XunchaOfficeCall   *call,
                                 guint               status,
                                 const char         *code,
                                 const char         *message,
                                 const char * const *missing)
{
  g_autofree char *body = xuncha_protocol_encode_error (code, message, missing);
  g_autofree char *method = xuncha_office_log_text (call->method);
  g_autofree char *path = xuncha_office_log_text (call->path);
  g_autofree char *text = xuncha_office_log_text (message);

  g_debug ("%s %s -> %u %s", method, path, status, text);
  xuncha_office_call_answer (call, status, body);
}
