/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-console-call.h"

XunchaOfficeConsoleCall *
xuncha_office_console_call_new (const char *method,
                                const char *path,
                                const char *query,
                                const char *remote_host,
                                GBytes     *body)
{
  XunchaOfficeConsoleCall *call = g_new0 (XunchaOfficeConsoleCall, 1);

  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->query = g_strdup (query);
  call->remote_host = g_strdup (remote_host != NULL ? remote_host : "");
  call->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  call->answer_headers = g_new0 (char *, 1);
  return call;
}

void
xuncha_office_console_call_free (XunchaOfficeConsoleCall *call)
{
  if (call == NULL)
    return;
  g_free (call->method);
  g_free (call->path);
  g_free (call->query);
  g_free (call->cookie);
  g_free (call->accept_language);
  g_free (call->csrf_header);
  g_free (call->origin);
  g_free (call->host);
  g_free (call->content_type);
  g_free (call->remote_host);
  g_bytes_unref (call->body);
  g_free (call->answer_type);
  g_clear_pointer (&call->answer, g_bytes_unref);
  g_strfreev (call->answer_headers);
  if (call->answer_source_free != NULL)
    call->answer_source_free (call->answer_source);
  g_free (call);
}

void
xuncha_office_console_call_header (XunchaOfficeConsoleCall *call,
                                   const char              *name,
                                   const char              *value)
{
  guint n;

  g_return_if_fail (call != NULL && name != NULL && value != NULL);

  n = g_strv_length (call->answer_headers);
  call->answer_headers = g_renew (char *, call->answer_headers, n + 3);
  call->answer_headers[n] = g_strdup (name);
  call->answer_headers[n + 1] = g_strdup (value);
  call->answer_headers[n + 2] = NULL;
}

void
xuncha_office_console_call_answer (XunchaOfficeConsoleCall *call,
                                   guint                    status,
                                   const char              *type,
                                   GBytes                  *body)
{
  g_return_if_fail (call != NULL);

  call->status = status;
  g_free (call->answer_type);
  call->answer_type = g_strdup (type);
  g_clear_pointer (&call->answer, g_bytes_unref);
  call->answer = body;
}

void
xuncha_office_console_call_answer_streamed (XunchaOfficeConsoleCall    *call,
                                            guint                       status,
                                            const char                 *type,
                                            XunchaOfficeConsoleCallNext next,
                                            gpointer                    source,
                                            GDestroyNotify              source_free)
{
  g_return_if_fail (call != NULL && next != NULL && call->answer_next == NULL);

  xuncha_office_console_call_answer (call, status, type, NULL);
  call->answer_next = next;
  call->answer_source = source;
  call->answer_source_free = source_free;
}
