/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One protocol call, apart from HTTP's machinery: the request as the server's main loop
 * read it, and the answer the office's API makes for it, on whichever worker thread runs
 * it. The server copies the request out of libsoup's message before a worker sees it and
 * copies the answer back once the worker is done: no libsoup object crosses threads. */
typedef struct
{
  /* The request. */
  char   *method;
  char   *path;            /* the whole path, e.g. "/api/v1/me" */
  char   *since;           /* the query's since=, or NULL */
  char   *authorization;   /* the Authorization header, or NULL */
  char   *remote_host;     /* the peer's address, for enrollment limits and the log */
  gint64  content_length;  /* the body's declared length, or -1 */
  GBytes *body;            /* the body read (never a photo's: it goes to the store) */

  /* The answer. */
  guint   status;          /* 0 until answered */
  GBytes *answer;          /* a JSON document, or NULL for none */
  char   *answer_type;     /* the answer's media type when not JSON (a photo), or NULL */
  gint64  answer_length;   /* for HEAD: the Content-Length to state, or -1 */
  gint64  revision;        /* the revision header to send, or -1 */
  guint   retry_after_s;   /* the Retry-After header to send, or 0 */
} XunchaOfficeCall;

XunchaOfficeCall *xuncha_office_call_new          (const char        *method,
                                                   const char        *path,
                                                   const char        *since,
                                                   const char        *authorization,
                                                   const char        *remote_host,
                                                   gint64             content_length,
                                                   GBytes            *body);
void              xuncha_office_call_free         (XunchaOfficeCall  *call);

/* Answers with @status and @json (copied; NULL for no body). */
void              xuncha_office_call_answer       (XunchaOfficeCall  *call,
                                                   guint              status,
                                                   const char        *json);
/* Answers with the protocol's error document; logged at debug level. */
void              xuncha_office_call_answer_error (XunchaOfficeCall  *call,
                                                   guint              status,
                                                   const char        *code,
                                                   const char        *message,
                                                   const char * const *missing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeCall, xuncha_office_call_free)

G_END_DECLS
