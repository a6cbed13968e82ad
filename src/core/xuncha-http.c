/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-http"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include "xuncha-http.h"
#include "xuncha-protocol.h"

/* A refused certificate carries its reason in the error, so that it survives being passed
 * up (and copied to the main thread) without a second channel. */
typedef struct
{
  XunchaCertificateProblem certificate_problem;
} XunchaHttpErrorPrivate;

/* GLib hands over the private part zeroed: XUNCHA_CERTIFICATE_PROBLEM_NONE. */
static void
xuncha_http_error_private_init (XunchaHttpErrorPrivate *priv)
{
}

static void
xuncha_http_error_private_copy (const XunchaHttpErrorPrivate *source,
                                XunchaHttpErrorPrivate       *destination)
{
  if (source != NULL && destination != NULL)
    destination->certificate_problem = source->certificate_problem;
}

static void
xuncha_http_error_private_clear (XunchaHttpErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (XunchaHttpError, xuncha_http_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)

struct _XunchaHttp
{
  CURL   *curl;
  char   *base_url;
  char   *ca_file;
  char   *ca_path;        /* the system CA folder, when an office CA file is added */
  GBytes *ca_blob;        /* system bundle + office CA, when there is no CA folder */
  char   *pins;
  char   *authorization;
  long    low_speed_limit;
  long    low_speed_time;
  long    connect_timeout;
  gsize   answer_max;
};

typedef struct
{
  XunchaHttpResponse *response;
  int                 fd;
  XunchaHttpProgress  progress;
  gpointer            progress_data;
  GCancellable       *cancellable;
  gint64              last_reported;
  gsize               answer_max;
  gboolean            too_large;
} Transfer;

void
xuncha_http_response_free (XunchaHttpResponse *response)
{
  if (response == NULL)
    return;
  g_byte_array_unref (response->body);
  g_free (response);
}

const char *
xuncha_http_response_text (XunchaHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  /* Keep a NUL after the data without counting it. */
  g_byte_array_append (response->body, (const guint8 *)"", 1);
  g_byte_array_set_size (response->body, response->body->len - 1);
  return (const char *)response->body->data;
}

gint64
xuncha_http_parse_retry_after (const char *value)
{
  gint64 seconds;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;

  if (value == NULL)
    return -1;
  text = g_strstrip (g_strdup (value));
  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT32, &seconds, NULL))
    return seconds * 1000;
  /* An HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT". */
  {
    static const char * const months[] = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    char month[4] = { 0 };
    int day, year, h, m, s;

    if (sscanf (text, "%*3s, %d %3s %d %d:%d:%d GMT", &day, month, &year, &h, &m, &s) != 6)
      return -1;
    for (int i = 0; i < 12; i++)
      if (g_str_equal (month, months[i]))
        when = g_date_time_new_utc (year, i + 1, day, h, m, s);
  }
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (when, now) / 1000);
}

static gboolean
curl_init_once (void)
{
  static gsize initialized = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialized))
    {
      ok = curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK;
      g_once_init_leave (&initialized, 1);
    }
  return ok;
}

static gboolean
setup_ca (XunchaHttp  *self,
          GError     **error)
{
  char *default_path = NULL;
  char *default_file = NULL;
  g_autofree char *office = NULL;
  g_autofree char *system = NULL;
  gsize office_len = 0, system_len = 0;
  g_autoptr(GError) local_error = NULL;

  if (self->ca_file == NULL)
    return TRUE;
  if (!g_file_get_contents (self->ca_file, &office, &office_len, &local_error))
    {
      g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG,
                   _("Could not read the office CA file: %s"), local_error->message);
      return FALSE;
    }

  /* CURLOPT_CAINFO replaces the system bundle; to trust both, keep the system's CA folder
   * beside the office file, or, where libcurl has no folder, hand it one bundle of both. */
  curl_easy_getinfo (self->curl, CURLINFO_CAPATH, &default_path);
  curl_easy_getinfo (self->curl, CURLINFO_CAINFO, &default_file);
  if (default_path != NULL && g_file_test (default_path, G_FILE_TEST_IS_DIR))
    {
      self->ca_path = g_strdup (default_path);
      return TRUE;
    }
  if (default_file != NULL)
    g_file_get_contents (default_file, &system, &system_len, NULL);
  {
    GByteArray *blob = g_byte_array_new ();
    if (system != NULL)
      {
        g_byte_array_append (blob, (const guint8 *)system, system_len);
        g_byte_array_append (blob, (const guint8 *)"\n", 1);
      }
    g_byte_array_append (blob, (const guint8 *)office, office_len);
    self->ca_blob = g_byte_array_free_to_bytes (blob);
  }
  return TRUE;
}

XunchaHttp *
xuncha_http_new (const char  *base_url,
                 const char  *ca_file,
                 const char  *pins,
                 GError     **error)
{
  XunchaHttp *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  if (!curl_init_once ())
    {
      g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_FAILED,
                   "Could not start the network library");
      return NULL;
    }
  if (!g_str_has_prefix (base_url, "https://") && !g_str_has_prefix (base_url, "http://"))
    {
      g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG,
                   _("The office address %s does not start with https://"), base_url);
      return NULL;
    }

  self = g_new0 (XunchaHttp, 1);
  self->curl = curl_easy_init ();
  self->base_url = g_str_has_suffix (base_url, "/") ? g_strdup (base_url)
                                                    : g_strconcat (base_url, "/", NULL);
  self->ca_file = g_strdup (ca_file != NULL && *ca_file != '\0' ? ca_file : NULL);
  self->pins = g_strdup (pins != NULL && *pins != '\0' ? pins : NULL);
  self->low_speed_limit = 1024;
  self->low_speed_time = 30;
  self->connect_timeout = 15;
  self->answer_max = XUNCHA_PROTOCOL_ANSWER_MAX_BYTES;
  if (self->curl == NULL || !setup_ca (self, error))
    {
      if (self->curl == NULL)
        g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_FAILED,
                     "Could not start the network library");
      xuncha_http_free (self);
      return NULL;
    }
  return self;
}

void
xuncha_http_free (XunchaHttp *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->curl, curl_easy_cleanup);
  g_free (self->base_url);
  g_free (self->ca_file);
  g_free (self->ca_path);
  g_clear_pointer (&self->ca_blob, g_bytes_unref);
  g_free (self->pins);
  g_free (self->authorization);
  g_free (self);
}

void
xuncha_http_set_token (XunchaHttp *self,
                       const char *token)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->authorization, g_free);
  if (token != NULL)
    self->authorization = g_strconcat ("Authorization: Bearer ", token, NULL);
}

void
xuncha_http_set_low_speed (XunchaHttp *self,
                           long        bytes_per_second,
                           long        seconds)
{
  g_return_if_fail (self != NULL);

  self->low_speed_limit = bytes_per_second;
  self->low_speed_time = seconds;
}

void
xuncha_http_set_answer_max (XunchaHttp *self,
                            gsize       bytes)
{
  g_return_if_fail (self != NULL);
  self->answer_max = bytes;
}

static size_t
on_write (char   *data,
          size_t  size,
          size_t  n,
          void   *user_data)
{
  Transfer *t = user_data;

  /* A hostile or broken office could send without end: stop at the limit, not at the
   * device's memory. Returning less than given makes libcurl abort the transfer. */
  if (size * n > t->answer_max - t->response->body->len)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (t->response->body, (const guint8 *)data, size * n);
  return size * n;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  Transfer *t = user_data;
  gsize length = size * n;
  g_autofree char *line = g_strndup (data, length);
  char *colon;

  g_strchomp (line);
  /* A new status line (after a 100 Continue) starts a new set of headers. */
  if (g_str_has_prefix (line, "HTTP/"))
    {
      t->response->server_mark = FALSE;
      t->response->retry_after_ms = -1;
      t->response->revision = -1;
      return length;
    }
  colon = strchr (line, ':');
  if (colon == NULL)
    return length;
  *colon = '\0';
  g_strstrip (colon + 1);
  if (g_ascii_strcasecmp (line, XUNCHA_PROTOCOL_SERVER_HEADER) == 0)
    t->response->server_mark = g_str_equal (colon + 1, XUNCHA_PROTOCOL_VERSION);
  else if (g_ascii_strcasecmp (line, "Retry-After") == 0)
    t->response->retry_after_ms = xuncha_http_parse_retry_after (colon + 1);
  else if (g_ascii_strcasecmp (line, XUNCHA_PROTOCOL_REVISION_HEADER) == 0)
    t->response->revision = g_ascii_strtoll (colon + 1, NULL, 10);
  return length;
}

static size_t
on_read (char   *buffer,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  Transfer *t = user_data;
  ssize_t got;

  do
    got = read (t->fd, buffer, size * n);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    return CURL_READFUNC_ABORT;
  t->response->uploaded_bytes += got;
  return (size_t)got;
}

static int
on_seek (void       *user_data,
         curl_off_t  offset,
         int         origin)
{
  Transfer *t = user_data;

  /* A rewind restarts the body (libcurl resends on a reused connection that died). */
  if (origin != SEEK_SET || offset != 0 || lseek (t->fd, 0, SEEK_SET) != 0)
    return CURL_SEEKFUNC_CANTSEEK;
  t->response->uploaded_bytes = 0;
  return CURL_SEEKFUNC_OK;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;

  if (g_cancellable_is_cancelled (t->cancellable))
    return 1;
  if (t->progress != NULL && ulnow - t->last_reported >= 256 * 1024)
    {
      t->last_reported = ulnow;
      t->progress (ulnow, t->progress_data);
    }
  return 0;
}

static XunchaHttpError
classify (CURLcode code)
{
  switch (code)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return XUNCHA_HTTP_ERROR_TLS;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return XUNCHA_HTTP_ERROR_PIN;
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return XUNCHA_HTTP_ERROR_CONFIG;
    case CURLE_ABORTED_BY_CALLBACK:
      return XUNCHA_HTTP_ERROR_CANCELLED;
    default:
      /* Connect failures, resets, closes, timeouts, low-speed aborts and TLS handshakes
       * cut short by the network: all worth another try. */
      return XUNCHA_HTTP_ERROR_NETWORK;
    }
}

/* What went wrong, in the user's words: curl's own text is English whatever the language
 * (it goes to the log instead). */
static const char *
describe_failure (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return _("the server's name was not found");
    case CURLE_COULDNT_CONNECT:
      return _("the server could not be connected to");
    case CURLE_OPERATION_TIMEDOUT:
      return _("the server did not answer in time");
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return _("the connection was broken off");
    case CURLE_SSL_CONNECT_ERROR:
      return _("the secure connection could not be set up");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return _("the server's certificate was not accepted");
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return _("the server's key is not the one this device expects");
    case CURLE_SSL_CACERT_BADFILE:
      return _("the certificate authority file could not be read");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return _("the server address cannot be used");
    default:
      return _("the network request failed");
    }
}

/* OpenSSL's verdict on the chain (curl keeps it) in a few words. curl starts each handshake
 * with the verdict "not OK" (1, !X509_V_OK), keeps OpenSSL's when the chain is refused, and
 * checks the host name itself after a chain OpenSSL accepted but before it keeps that
 * verdict: a refused peer whose verdict is still the initial one is the host name. */
static XunchaCertificateProblem
certificate_problem (CURL     *curl,
                     CURLcode  code)
{
  long verify_result = X509_V_OK;

  if (classify (code) != XUNCHA_HTTP_ERROR_TLS)
    return XUNCHA_CERTIFICATE_PROBLEM_NONE;
  if (curl_easy_getinfo (curl, CURLINFO_SSL_VERIFYRESULT, &verify_result) != CURLE_OK)
    return XUNCHA_CERTIFICATE_PROBLEM_OTHER;
  switch (verify_result)
    {
    case !X509_V_OK:
    case X509_V_OK:
      return code == CURLE_PEER_FAILED_VERIFICATION ? XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST
                                                    : XUNCHA_CERTIFICATE_PROBLEM_OTHER;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return XUNCHA_CERTIFICATE_PROBLEM_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return XUNCHA_CERTIFICATE_PROBLEM_NOT_YET_VALID;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return XUNCHA_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER;
    default:
      return XUNCHA_CERTIFICATE_PROBLEM_OTHER;
    }
}

XunchaCertificateProblem
xuncha_http_error_get_certificate_problem (const GError *error)
{
  XunchaHttpErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, XUNCHA_CERTIFICATE_PROBLEM_NONE);

  if (!g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TLS))
    return XUNCHA_CERTIFICATE_PROBLEM_NONE;
  priv = xuncha_http_error_get_private (error);
  return priv != NULL ? priv->certificate_problem : XUNCHA_CERTIFICATE_PROBLEM_OTHER;
}

XunchaHttpResponse *
xuncha_http_request (XunchaHttp          *self,
                     const char          *method,
                     const char          *path,
                     const char          *content_type,
                     GBytes              *body,
                     const char          *upload_path,
                     XunchaHttpProgress   progress,
                     gpointer             progress_data,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(XunchaHttpResponse) response = g_new0 (XunchaHttpResponse, 1);
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autofree char *type_header = NULL;
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  Transfer t = { response, -1, progress, progress_data, cancellable, 0, self->answer_max,
                 FALSE };
  CURL *curl = self->curl;
  CURLcode code;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (method != NULL && path != NULL, NULL);

  response->body = g_byte_array_new ();
  response->retry_after_ms = -1;
  response->revision = -1;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (upload_path != NULL)
    {
      GStatBuf st;

      t.fd = g_open (upload_path, O_RDONLY | O_CLOEXEC, 0);
      if (t.fd < 0 || fstat (t.fd, &st) != 0)
        {
          int saved = errno;
          if (t.fd >= 0)
            close (t.fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not read %s: %s"), upload_path, g_strerror (saved));
          return NULL;
        }
      curl_easy_reset (curl);
      curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
      /* Fewer, larger reads: photos are megabytes. */
      curl_easy_setopt (curl, CURLOPT_UPLOAD_BUFFERSIZE, 256L * 1024);
      curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
      curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt (curl, CURLOPT_READDATA, &t);
      curl_easy_setopt (curl, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt (curl, CURLOPT_SEEKDATA, &t);
    }
  else
    {
      /* Reset keeps the live connection: only the options go. */
      curl_easy_reset (curl);
      if (body != NULL)
        {
          curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, NULL));
          curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE,
                            (curl_off_t)g_bytes_get_size (body));
        }
    }

  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (!g_str_equal (method, "GET") || body != NULL)
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "xuncha/" PACKAGE_VERSION);
  /* Verification is on by default; say so anyway, so no later edit can slip it off. */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (self->ca_blob != NULL)
    {
      struct curl_blob blob = {
        (void *)g_bytes_get_data (self->ca_blob, NULL), g_bytes_get_size (self->ca_blob),
        CURL_BLOB_NOCOPY
      };
      curl_easy_setopt (curl, CURLOPT_CAINFO_BLOB, &blob);
    }
  else if (self->ca_file != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
      curl_easy_setopt (curl, CURLOPT_CAPATH, self->ca_path);
    }
  if (self->pins != NULL)
    curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, self->pins);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, self->connect_timeout);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, self->low_speed_limit);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, self->low_speed_time);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  /* An announced length past the limit is refused before the body. */
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)self->answer_max);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &t);

  if (self->authorization != NULL)
    headers = curl_slist_append (headers, self->authorization);
  if (content_type != NULL)
    {
      type_header = g_strconcat ("Content-Type: ", content_type, NULL);
      headers = curl_slist_append (headers, type_header);
    }
  headers = curl_slist_append (headers, "Accept: application/json");
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  code = curl_easy_perform (curl);
  curl_slist_free_all (headers);
  if (t.fd >= 0)
    close (t.fd);

  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED)
    {
      g_autofree char *limit = g_format_size_full (self->answer_max, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TOO_LARGE,
                   _("The office's answer to %s was larger than %s, so it was not read."),
                   path, limit);
      return NULL;
    }
  if (code != CURLE_OK)
    {
      XunchaHttpError kind = classify (code);

      if (kind == XUNCHA_HTTP_ERROR_CANCELLED || g_cancellable_is_cancelled (cancellable))
        g_set_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CANCELLED, _("Cancelled"));
      else
        {
          g_message ("%s %s failed: %s (curl %d)", method, path,
                     *errbuf != '\0' ? errbuf : curl_easy_strerror (code), (int)code);
          g_set_error (error, XUNCHA_HTTP_ERROR, kind, "%s", describe_failure (code));
          if (error != NULL && kind == XUNCHA_HTTP_ERROR_TLS)
            xuncha_http_error_get_private (*error)->certificate_problem =
              certificate_problem (curl, code);
        }
      return NULL;
    }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &response->status);
  return g_steal_pointer (&response);
}
