/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* Request bodies are counted as they arrive and stopped at the limit, chunked or with a
 * length; a refused body is not read (nor held in memory) to its end. Every answer, also
 * those libsoup makes by itself, carries Xuncha-Server and a JSON error body. */

#define REPORT_UUID "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define MIB (1024 * 1024)
#define PHOTO_MAX MIB
#define BODY_MAX (64 * 1024)
/* A body far past every limit and every socket buffer between client and office. */
#define HUGE_BODY (64 * MIB)

typedef struct
{
  char             *dir;
  XunchaTestOffice *office;
  char             *token;
} Setup;

static Setup *
setup_new (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *photo_max = g_strdup_printf ("%d", PHOTO_MAX);
  g_autofree char *body_max = g_strdup_printf ("%d", BODY_MAX);
  const char *args[] = { "--photo-max-bytes", photo_max, "--body-max-bytes", body_max, NULL };
  g_autofree char *code = NULL;
  Setup *s;

  if (certs == NULL)
    return NULL;
  s = g_new0 (Setup, 1);
  s->dir = xuncha_test_make_tmpdir ();
  s->office = xuncha_test_office_start_full (s->dir, certs->server_cert, certs->server_key, 0,
                                             args, NULL);
  code = xuncha_test_office_add_officer (s->dir, "A1", "T1", FALSE);
  s->token = xuncha_test_office_enroll_token (s->office, "A1", code);
  return s;
}

static void
setup_free (Setup *s)
{
  xuncha_test_office_free (s->office);
  xuncha_test_remove_tree (s->dir);
  g_free (s->dir);
  g_free (s->token);
  g_free (s);
}

/* The office's peak resident memory so far, in bytes. */
static gint64
office_peak_memory (Setup *s)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)s->office->pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10) * 1024;
}

typedef struct
{
  long      status;
  CURLcode  code;
  GString  *body;
  char     *server_mark;
  char     *connection;
  gsize     sent;        /* body bytes the client handed to libcurl */
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->body != NULL)
    g_string_free (answer->body, TRUE);
  g_free (answer->server_mark);
  g_free (answer->connection);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

typedef struct
{
  const guint8 *data;    /* or NULL: spaces */
  gsize         length;
  Answer       *answer;
} Upload;

static size_t
on_read (char *buffer, size_t size, size_t n, void *user_data)
{
  Upload *upload = user_data;
  gsize count = MIN (size * n, upload->length - upload->answer->sent);

  if (upload->data != NULL)
    memcpy (buffer, upload->data + upload->answer->sent, count);
  else
    memset (buffer, ' ', count);
  upload->answer->sent += count;
  return count;
}

static size_t
on_body (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * n));
  return size * n;
}

static char *
header_value (const char *data, size_t length, const char *name)
{
  gsize name_length = strlen (name);

  if (length <= name_length || g_ascii_strncasecmp (data, name, name_length) != 0
      || data[name_length] != ':')
    return NULL;
  return g_strstrip (g_strndup (data + name_length + 1, length - name_length - 1));
}

static size_t
on_header (char *data, size_t size, size_t n, void *user_data)
{
  Answer *answer = user_data;
  char *value;

  if ((value = header_value (data, size * n, XUNCHA_PROTOCOL_SERVER_HEADER)) != NULL)
    {
      g_free (answer->server_mark);
      answer->server_mark = value;
    }
  if ((value = header_value (data, size * n, "Connection")) != NULL)
    {
      g_free (answer->connection);
      answer->connection = value;
    }
  return size * n;
}

/* Sends @length bytes of @data (NULL: spaces) as a body, with a length or chunked, with or
 * without asking for 100-continue, the way a client does that reads the answer while it
 * sends (libcurl stops sending at an error answer). */
static void
upload (Setup        *s,
        const char   *method,
        const char   *path,
        gboolean      token,
        const guint8 *data,
        gsize         length,
        gboolean      chunked,
        gboolean      expect,
        Answer       *answer)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *url = g_strconcat (s->office->url, path, NULL);
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", s->token, NULL);
  struct curl_slist *headers = NULL;
  Upload source = { data, length, answer };
  CURL *curl = curl_easy_init ();

  answer->body = g_string_new (NULL);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, certs->ca);
  curl_easy_setopt (curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (curl, CURLOPT_READDATA, &source);
  if (chunked)
    headers = curl_slist_append (headers, "Transfer-Encoding: chunked");
  else
    curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
  headers = curl_slist_append (headers, expect ? "Expect: 100-continue" : "Expect:");
  headers = curl_slist_append (headers, data != NULL ? "Content-Type: image/jpeg"
                                                     : "Content-Type: application/json");
  if (token)
    headers = curl_slist_append (headers, auth);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, answer);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 120L);
  answer->code = curl_easy_perform (curl);
  if (answer->code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
  g_test_message ("%s %s%s%s, %" G_GSIZE_FORMAT " bytes: sent %" G_GSIZE_FORMAT " -> %ld %s "
                  "(%s)", method, path, chunked ? " chunked" : "", expect ? " expecting 100" : "",
                  length, answer->sent, answer->status, answer->body->str,
                  curl_easy_strerror (answer->code));
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
}

/* The body is the protocol's error with @code. */
static void
assert_error (Answer     *answer,
              long        status,
              const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *error;

  g_assert_cmpint (answer->code, ==, CURLE_OK);
  g_assert_cmpint (answer->status, ==, status);
  g_assert_cmpstr (answer->server_mark, ==, XUNCHA_PROTOCOL_VERSION);
  g_assert_true (json_parser_load_from_data (parser, answer->body->str, -1, NULL));
  error = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                         "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
}

/* The office still answers. */
static void
assert_serving (Setup *s)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(XunchaHttp) http = xuncha_http_new (s->office->url, certs->ca, NULL, NULL);
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  xuncha_http_set_token (http, s->token);
  response = xuncha_http_request (http, "GET", "api/v1/me", NULL, NULL, NULL, NULL, NULL, NULL,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpint (response->status, ==, 200);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* A body sent whole to an office that refused it early, or one that goes past the limit:
 * the client is stopped long before the end, and the office's memory does not grow by what
 * it was sent. */
static void
assert_not_read (Setup  *s,
                 Answer *answer,
                 gint64  peak_before)
{
  gint64 growth = office_peak_memory (s) - peak_before;

  g_test_message ("the office's peak memory grew by %" G_GINT64_FORMAT " KiB", growth / 1024);
  g_assert_cmpuint (answer->sent, <, HUGE_BODY / 2);
  g_assert_cmpint (growth, <, HUGE_BODY / 4);
}

/* A chunked photo past photo_max_bytes: 413, nothing held, nothing left in .incoming. It
 * used to be stored (201), however large. */
static void
test_chunked_photo (void)
{
  Setup *s = setup_new ();
  g_autofree guint8 *photo = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autofree char *incoming = NULL;
  gsize length = 3 * PHOTO_MAX;

  if (s == NULL)
    return;
  photo = g_malloc (length);
  for (gsize i = 0; i < length; i++)
    photo[i] = (guint8)(i * 7 + i / 4096);
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, photo, length);
  path = g_strconcat ("api/v1/photos/", sha, NULL);
  incoming = g_build_filename (s->dir, "photos", ".incoming", NULL);

  for (guint expect = 0; expect < 2; expect++)
    {
      g_auto(Answer) answer = { 0 };
      g_auto(Answer) head = { 0 };

      upload (s, "PUT", path, TRUE, photo, length, TRUE, expect, &answer);
      assert_error (&answer, 413, "too_large");
      g_assert_cmpstr (answer.connection, ==, "close");
      /* Not held. */
      upload (s, "HEAD", path, TRUE, NULL, 0, FALSE, FALSE, &head);
      g_assert_cmpint (head.status, ==, 404);
      g_assert_cmpuint (count_files (incoming), ==, 0);
      assert_serving (s);
    }

  /* Far past the limit: not read to its end. */
  {
    g_auto(Answer) answer = { 0 };
    gint64 peak = office_peak_memory (s);

    upload (s, "PUT", path, TRUE, NULL, HUGE_BODY, TRUE, FALSE, &answer);
    assert_error (&answer, 413, "too_large");
    assert_not_read (s, &answer, peak);
    g_assert_cmpuint (count_files (incoming), ==, 0);
    assert_serving (s);
  }
  setup_free (s);
}

/* A chunked JSON body past body_max_bytes: 413 where the limit is passed, not after the
 * whole body was held in memory. */
static void
test_chunked_json (void)
{
  static const struct { const char *method; const char *path; gboolean token; } calls[] = {
    { "POST", "api/v1/enroll", FALSE },
    { "PUT", "api/v1/reports/" REPORT_UUID, TRUE },
  };
  Setup *s = setup_new ();

  if (s == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_auto(Answer) answer = { 0 };
      gint64 peak = office_peak_memory (s);

      upload (s, calls[i].method, calls[i].path, calls[i].token, NULL, HUGE_BODY, TRUE, FALSE,
              &answer);
      assert_error (&answer, 413, "too_large");
      assert_not_read (s, &answer, peak);
      assert_serving (s);
    }
  setup_free (s);
}

/* A length over the limit is refused before the body. Without 100-continue the body comes
 * anyway: the office answers at once and does not read it to its end (libsoup used to read
 * all of it into memory before it wrote the 413). With 100-continue the body is never sent
 * and the connection is not kept. An early refusal of another kind (no token, a path
 * libsoup refuses) is the same. */
static void
test_length_over_limit (void)
{
  static const struct
  {
    const char *method;
    const char *path;
    gboolean    token;
    long        status;
    const char *code;
  } calls[] = {
    { "PUT", "api/v1/photos/"
      "0000000000000000000000000000000000000000000000000000000000000000", TRUE, 413,
      "too_large" },
    { "PUT", "api/v1/reports/" REPORT_UUID, TRUE, 413, "too_large" },
    { "POST", "api/v1/enroll", FALSE, 413, "too_large" },
    { "PUT", "api/v1/photos/"
      "0000000000000000000000000000000000000000000000000000000000000000", FALSE, 401,
      "unauthorized" },
    { "PUT", "api/v1/photos/%2e%2e%2fx", TRUE, 400, "bad_request" },
  };
  Setup *s = setup_new ();

  if (s == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_auto(Answer) answer = { 0 };
      g_auto(Answer) expecting = { 0 };
      gint64 peak = office_peak_memory (s);

      upload (s, calls[i].method, calls[i].path, calls[i].token, NULL, HUGE_BODY, FALSE, FALSE,
              &answer);
      assert_error (&answer, calls[i].status, calls[i].code);
      assert_not_read (s, &answer, peak);
      assert_serving (s);

      upload (s, calls[i].method, calls[i].path, calls[i].token, NULL, HUGE_BODY, FALSE, TRUE,
              &expecting);
      assert_error (&expecting, calls[i].status, calls[i].code);
      g_assert_cmpuint (expecting.sent, ==, 0);
      g_assert_cmpstr (expecting.connection, ==, "close");
      assert_serving (s);
    }
  setup_free (s);
}

/* The device's own client gets the 413 as an answer (not a network error) for a photo and
 * for a JSON body over the limits. */
static void
test_device_413 (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  Setup *s = setup_new ();
  g_autoptr(XunchaHttp) http = NULL;
  g_autofree char *file = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *json = NULL;

  if (s == NULL)
    return;
  http = xuncha_http_new (s->office->url, certs->ca, NULL, NULL);
  xuncha_http_set_token (http, s->token);
  file = g_build_filename (s->dir, "large.jpg", NULL);
  photo = g_strnfill (3 * PHOTO_MAX, 'j');
  g_assert_true (g_file_set_contents (file, photo, -1, NULL));
  json = g_strnfill (8 * BODY_MAX, ' ');

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));

      if (i == 0)
        response = xuncha_http_request (http, "PUT", "api/v1/photos/"
                                        "0000000000000000000000000000000000000000000000000000000000000000",
                                        "image/jpeg", NULL, file, NULL, NULL, NULL, &error);
      else
        response = xuncha_http_request (http, "PUT", "api/v1/reports/" REPORT_UUID,
                                        "application/json", body, NULL, NULL, NULL, NULL,
                                        &error);
      g_assert_no_error (error);
      g_test_message ("-> %ld %s", response->status, xuncha_http_response_text (response));
      g_assert_cmpint (response->status, ==, 413);
      g_assert_true (response->server_mark);
      g_assert_nonnull (strstr (xuncha_http_response_text (response), "\"too_large\""));
    }
  assert_serving (s);
  setup_free (s);
}

/* Sends @request as it is and reads the answer: as long as its Content-Length says, or
 * without one to the end of the connection. */
static char *
raw_request (guint16     port,
             const char *request)
{
  g_autoptr(GIOStream) tls = xuncha_test_tls_connect (port);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (tls), request,
                                            strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer,
                                   NULL, NULL)) > 0)
    {
      const char *end, *length;

      g_string_append_len (answer, buffer, n);
      end = strstr (answer->str, "\r\n\r\n");
      if (end == NULL)
        continue;
      length = g_strstr_len (answer->str, end - answer->str, "\r\nContent-Length:");
      if (length != NULL
          && answer->len - (gsize)(end + 4 - answer->str)
             >= g_ascii_strtoull (length + strlen ("\r\nContent-Length:"), NULL, 10))
        break;
    }
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* Requests that libsoup answers by itself (a path that climbs with an encoded "..", a
 * malformed request line, an HTTP version or transfer coding it does not know, a missing
 * or wrong host, the wrong scheme, a range) get the office's mark and its JSON error, with
 * a code that says the status. They used to get a bare status. */
static void
test_bare_answers (void)
{
  static const struct { const char *request; guint status; const char *code; } cases[] = {
    { "GET /api/v1/%2e%2e%2fx HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad_request" },
    { "GET /api/v1/reports/..%2f..%2fetc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400,
      "bad_request" },
    { "GET /api/v1/photos/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad_request" },
    { "GET http://127.0.0.1/api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400,
      "bad_request" },
    { "NONSENSE\r\n\r\n", 400, "bad_request" },
    { "GET /api/v1/me HTTP/1.1\r\n\r\n", 400, "bad_request" },
    { "GET /api/v1/me HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "bad_request" },
    { "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n", 400,
      "bad_request" },
    { "GET /api/v1/me HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n", 505,
      "http_version_not_supported" },
    { "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: something\r\n\r\n", 417,
      "expectation_failed" },
    { "PUT /api/v1/reports/" REPORT_UUID " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Transfer-Encoding: gzip\r\n\r\n", 501, "not_implemented" },
    { "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404, "not_found" },
    { "GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=99999999-\r\n"
      "Authorization: Bearer TOKEN\r\nConnection: close\r\n\r\n", 200, NULL },
  };
  Setup *s = setup_new ();

  if (s == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) request = g_string_new (cases[i].request);
      g_autofree char *answer = NULL;
      g_autofree char *status = g_strdup_printf (" %u ", cases[i].status);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      const char *body;
      JsonObject *object;

      g_string_replace (request, "TOKEN", s->token, 1);
      answer = raw_request (s->office->port, request->str);
      body = strstr (answer, "\r\n\r\n");
      g_test_message ("%s-> %s", cases[i].request, answer);
      /* HTTP/1.0 where libsoup could not read the version. */
      g_assert_true (g_str_has_prefix (answer, "HTTP/1."));
      g_assert_true (g_str_has_prefix (answer + strlen ("HTTP/1.1"), status));
      g_assert_nonnull (body);
      /* The headers alone, each ending its line. */
      *(char *)(body + 2) = '\0';
      body += 4;
      g_assert_nonnull (strstr (answer, "\r\n" XUNCHA_PROTOCOL_SERVER_HEADER ": "
                                XUNCHA_PROTOCOL_VERSION "\r\n"));
      g_assert_nonnull (strstr (answer, "\r\nContent-Type: application/json"));
      g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      if (cases[i].code == NULL)
        continue;
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (object, "error"), "code"),
                       ==, cases[i].code);
    }
  assert_serving (s);
  setup_free (s);
}

/* A client that sends its next requests before it has read the answers (HTTP/1.1
 * pipelining) gets every answer, in order; but on each answer libsoup wraps the
 * connection once more, and each wrapper costs every later read on it, so the office ends
 * such a connection after a few answers (Connection: close) instead of carrying a growing
 * pile. It used to keep one connection for as long as the client kept sending early:
 * 40 requests, 40 wrappers deep. */
static void
test_pipelined_bounded (void)
{
  Setup *s = setup_new ();
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GString) requests = g_string_new (NULL);
  g_autoptr(GString) answers = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const guint sent = 40;
  guint answered = 0, closing = 0;
  const char *at;
  char buffer[16384];
  gssize n;

  if (s == NULL)
    return;
  tls = xuncha_test_tls_connect (s->office->port);
  for (guint i = 0; i < sent; i++)
    g_string_append_printf (requests, "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Authorization: Bearer %s\r\n\r\n", s->token);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (tls), requests->str,
                                            requests->len, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Until the office ends the connection, or has answered them all. */
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer,
                                   NULL, NULL)) > 0)
    {
      g_string_append_len (answers, buffer, n);
      if (g_strstr_len (answers->str, (gssize)answers->len, "Connection: close") != NULL)
        {
          const char *head = g_strrstr (answers->str, "HTTP/1.1 ");
          const char *end = strstr (head, "\r\n\r\n");
          const char *length = end != NULL ? g_strstr_len (head, end - head, "Content-Length:")
                                           : NULL;

          if (length != NULL
              && answers->len - (gsize)(end + 4 - answers->str)
                 >= g_ascii_strtoull (length + strlen ("Content-Length:"), NULL, 10))
            break;
        }
      if (g_strstr_len (answers->str, (gssize)answers->len, "\"officer\"") != NULL)
        {
          guint count = 0;

          for (at = answers->str; (at = strstr (at, "HTTP/1.1 200")) != NULL; at++)
            count++;
          if (count == sent && g_str_has_suffix (answers->str, "}"))
            break;
        }
    }
  for (at = answers->str; (at = strstr (at, "HTTP/1.1 ")) != NULL; at++)
    {
      g_assert_true (g_str_has_prefix (at, "HTTP/1.1 200"));
      answered++;
    }
  for (at = answers->str; (at = strstr (at, "Connection: close")) != NULL; at++)
    closing++;
  g_test_message ("%u pipelined requests: %u answered on one connection, %u ending it", sent,
                  answered, closing);
  g_assert_cmpuint (answered, >=, 1);
  g_assert_cmpuint (answered, <=, 8);
  g_assert_cmpuint (closing, ==, 1);
  assert_serving (s);
  setup_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_test_add_func ("/office-bodies/chunked-photo", test_chunked_photo);
  g_test_add_func ("/office-bodies/chunked-json", test_chunked_json);
  g_test_add_func ("/office-bodies/length-over-limit", test_length_over_limit);
  g_test_add_func ("/office-bodies/device-413", test_device_413);
  g_test_add_func ("/office-bodies/bare-answers", test_bare_answers);
  g_test_add_func ("/office-bodies/pipelined-bounded", test_pipelined_bounded);
  return g_test_run ();
}
