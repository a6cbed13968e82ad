/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The next piece of a streamed answer, on a worker; NULL at its end, or with @error when
 * it cannot go on (the answer is then cut short). */
typedef GBytes *(*XunchaOfficeConsoleCallNext) (gpointer   source,
                                                GError   **error);

/* One request to the office console under /console/, apart from HTTP's machinery: what
 * the server's main loop read, and the answer XunchaOfficeConsole makes on a worker. The
 * server copies both across: no libsoup object crosses threads (as XunchaOfficeCall). */
typedef struct
{
  /* The request. */
  char    *method;
  char    *path;              /* e.g. "/console/reports" */
  char    *query;             /* the raw query string, or NULL */
  char    *cookie;            /* the Cookie header, or NULL */
  char    *accept_language;   /* or NULL */
  char    *csrf_header;       /* X-CSRF-Token, or NULL */
  char    *origin;            /* Origin, or NULL */
  char    *host;              /* Host, or NULL */
  char    *content_type;      /* or NULL */
  char    *remote_host;
  GBytes  *body;              /* never NULL */

  /* The answer. */
  guint    status;            /* 0 until answered */
  char    *answer_type;       /* Content-Type */
  GBytes  *answer;            /* or NULL */
  GStrv    answer_headers;    /* name, value, name, value ..., NULL-terminated */
  /* Or a streamed answer: its pieces made one at a time, each once the one before was
   * written to the client, so that an answer of any size holds little memory. */
  XunchaOfficeConsoleCallNext answer_next;
  gpointer                    answer_source;
  GDestroyNotify              answer_source_free;
} XunchaOfficeConsoleCall;

XunchaOfficeConsoleCall *xuncha_office_console_call_new    (const char *method,
                                                            const char *path,
                                                            const char *query,
                                                            const char *remote_host,
                                                            GBytes     *body);
void                     xuncha_office_console_call_free   (XunchaOfficeConsoleCall *call);
/* Adds an answer header (several of a name are sent as several). */
void                     xuncha_office_console_call_header (XunchaOfficeConsoleCall *call,
                                                            const char              *name,
                                                            const char              *value);
/* Answers with @status, @type and @body (taken). */
void                     xuncha_office_console_call_answer (XunchaOfficeConsoleCall *call,
                                                            guint                    status,
                                                            const char              *type,
                                                            GBytes                  *body);

/* Answers with @status, @type and a body sent in chunks as @next makes them from @source
 * (taken: freed with @source_free). */
void xuncha_office_console_call_answer_streamed (XunchaOfficeConsoleCall    *call,
                                                 guint                       status,
                                                 const char                 *type,
                                                 XunchaOfficeConsoleCallNext next,
                                                 gpointer                    source,
                                                 GDestroyNotify              source_free);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeConsoleCall, xuncha_office_console_call_free)

G_END_DECLS
