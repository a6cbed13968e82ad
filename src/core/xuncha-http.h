/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One HTTPS connection to the office, kept alive across requests (libcurl easy handle).
 * Peer and host verification are always on: there is no way to turn them off. Used from
 * one thread at a time. */

#define XUNCHA_HTTP_ERROR (xuncha_http_error_quark ())

typedef enum
{
  XUNCHA_HTTP_ERROR_NETWORK,    /* could not connect, reset, closed, too slow: retry later */
  XUNCHA_HTTP_ERROR_TLS,        /* the certificate was refused: stop, never retried blindly */
  XUNCHA_HTTP_ERROR_PIN,        /* the server key does not match a configured pin */
  XUNCHA_HTTP_ERROR_CONFIG,     /* a bad address, an unreadable CA file */
  XUNCHA_HTTP_ERROR_CANCELLED,
  XUNCHA_HTTP_ERROR_FAILED,
  XUNCHA_HTTP_ERROR_TOO_LARGE,  /* the answer went past the answer limit: not read */
} XunchaHttpError;

/* Why the office's certificate was refused, as the TLS library found it: the app says it in
 * the officer's words (an expired certificate wants the office, a wrong host the address). */
typedef enum
{
  XUNCHA_CERTIFICATE_PROBLEM_NONE,           /* not a certificate refusal */
  XUNCHA_CERTIFICATE_PROBLEM_OTHER,          /* refused for another reason */
  XUNCHA_CERTIFICATE_PROBLEM_EXPIRED,
  XUNCHA_CERTIFICATE_PROBLEM_NOT_YET_VALID,  /* often the phone's clock */
  XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST,     /* made for another server name */
  XUNCHA_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER, /* not signed by an authority this device trusts */
} XunchaCertificateProblem;

typedef struct
{
  long        status;
  gboolean    server_mark;     /* Xuncha-Server: 1 was present */
  gint64      retry_after_ms;  /* -1 when absent */
  gint64      revision;        /* Xuncha-Revision, -1 when absent */
  GByteArray *body;
  gint64      uploaded_bytes;
} XunchaHttpResponse;

void                xuncha_http_response_free (XunchaHttpResponse *response);
/* The body as a NUL-terminated string (owned by the response). */
const char         *xuncha_http_response_text (XunchaHttpResponse *response);

typedef struct _XunchaHttp XunchaHttp;

/* Called during a transfer with the bytes sent so far of the current upload. */
typedef void (*XunchaHttpProgress) (gint64   uploaded,
                                    gpointer user_data);

GQuark              xuncha_http_error_quark   (void);
/* For an XUNCHA_HTTP_ERROR_TLS error, why the certificate was refused; NONE for any other
 * error. */
XunchaCertificateProblem xuncha_http_error_get_certificate_problem (const GError *error);

/* @base_url: https://…/ (a missing final slash is added). @ca_file: an extra CA (PEM) to
 * trust besides the system's, or NULL. @pins: "sha256//…;sha256//…" or NULL. */
XunchaHttp         *xuncha_http_new           (const char          *base_url,
                                               const char          *ca_file,
                                               const char          *pins,
                                               GError             **error);
void                xuncha_http_free          (XunchaHttp          *self);
void                xuncha_http_set_token     (XunchaHttp          *self,
                                               const char          *token);
/* Abort a transfer slower than @bytes_per_second for @seconds (default 1024 B/s, 30 s). */
void                xuncha_http_set_low_speed (XunchaHttp          *self,
                                               long                 bytes_per_second,
                                               long                 seconds);
/* The most an answer body may hold (default XUNCHA_PROTOCOL_ANSWER_MAX_BYTES). Bytes are
 * counted as they arrive, so an answer that goes past it, with a length or chunked without
 * end, is cut off there with XUNCHA_HTTP_ERROR_TOO_LARGE. */
void                xuncha_http_set_answer_max (XunchaHttp         *self,
                                               gsize                bytes);

/* Performs one request. @body (JSON) or @upload_path (a file, streamed) or neither.
 * Returns NULL with @error only when no HTTP answer arrived; any status is a response. */
XunchaHttpResponse *xuncha_http_request       (XunchaHttp          *self,
                                               const char          *method,
                                               const char          *path,
                                               const char          *content_type,
                                               GBytes              *body,
                                               const char          *upload_path,
                                               XunchaHttpProgress   progress,
                                               gpointer             progress_data,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* Seconds or an HTTP date → milliseconds from now; -1 when unreadable. */
gint64              xuncha_http_parse_retry_after (const char      *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaHttp, xuncha_http_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaHttpResponse, xuncha_http_response_free)

G_END_DECLS
