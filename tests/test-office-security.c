/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

#define REPORT_UUID "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define SHIFT_UUID "6f1c0000-2fa1-41d2-883f-0016d3cca427"

typedef struct
{
  long      status;
  CURLcode  code;
  GString  *body;
  char     *retry_after;
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->body != NULL)
    g_string_free (answer->body, TRUE);
  g_free (answer->retry_after);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static size_t
on_body (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * n));
  return size * n;
}

static size_t
on_header (char *data, size_t size, size_t n, void *user_data)
{
  Answer *answer = user_data;

  if (g_ascii_strncasecmp (data, "Retry-After:", 12) == 0)
    {
      g_free (answer->retry_after);
      answer->retry_after = g_strstrip (g_strndup (data + 12, size * n - 12));
    }
  return size * n;
}

/* One request with TLS verification on, against the test CA. @path may carry raw bytes
 * (curl sends it as given); @extra_header may be NULL. */
static void
call (const char   *base,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *body,
      gsize         body_length,
      const char   *extra_header,
      Answer       *answer)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autofree char *auth = token != NULL ? g_strconcat ("Authorization: Bearer ", token, NULL)
                                        : NULL;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  CURLcode code;

  answer->body = g_string_new (NULL);
  answer->retry_after = NULL;
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, certs->ca);
  curl_easy_setopt (curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  if (body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    }
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Expect:");
  if (auth != NULL)
    headers = curl_slist_append (headers, auth);
  if (extra_header != NULL)
    headers = curl_slist_append (headers, extra_header);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, answer);
  /* A sanitized office makes a large answer slowly. */
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L * xuncha_test_slowdown ());
  code = curl_easy_perform (curl);
  answer->code = code;
  answer->status = 0;
  if (code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
  else
    g_test_message ("%s %s: %s", method, path, curl_easy_strerror (code));
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
}

static char *
enroll (const char *base,
        const char *officer,
        const char *code,
        long        expected)
{
  g_autofree char *body = g_strdup_printf ("{\"officer_id\": \"%s\", \"code\": \"%s\", "
                                           "\"device_name\": \"test\"}", officer, code);
  g_auto(Answer) answer = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();

  call (base, "POST", "api/v1/enroll", NULL, body, strlen (body), NULL, &answer);
  g_assert_cmpint (answer.status, ==, expected);
  if (expected != 200)
    return NULL;
  g_assert_true (json_parser_load_from_data (parser, answer.body->str, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (
                                                    json_parser_get_root (parser)), "token"));
}

/* Everything the test passed to the office that must never show in its log. */
static GPtrArray *secrets;

static void
assert_log_clean (const char *log)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  /* The log is really captured, debug lines included. */
  g_assert_nonnull (strstr (text, "Enrolled a device"));
  for (guint i = 0; i < secrets->len; i++)
    if (strstr (text, secrets->pdata[i]) != NULL)
      g_error ("The office logged a secret: %s", (const char *)secrets->pdata[i]);
}

/* Neither codes nor tokens are kept as given: only their hashes are in the database. */
static void
assert_stored_hashed (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint files = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_str_equal (name, "office.log")
          || !g_file_get_contents (path, &bytes, &length, NULL))
        continue;
      files++;
      for (guint i = 0; i < secrets->len; i++)
        g_assert_null (g_strstr_len (bytes, (gssize)length, secrets->pdata[i]));
    }
  g_assert_cmpuint (files, >, 0);
}

static char *
add_officer (const char *dir,
             const char *id,
             const char *team,
             gboolean    leader)
{
  char *code = xuncha_test_office_add_officer (dir, id, team, leader);

  g_ptr_array_add (secrets, g_strdup (code));
  return code;
}

static char *
enroll_secret (const char *base,
               const char *officer,
               const char *code)
{
  char *token = enroll (base, officer, code, 200);

  g_ptr_array_add (secrets, g_strdup (token));
  return token;
}

static const char *
report_json (const char *sha)
{
  static char text[1024];

  g_snprintf (text, sizeof text,
              "{\"uuid\": \"" REPORT_UUID "\", \"created_at\": \"2024-05-01T08:30:00Z\", "
              "\"shift_uuid\": null, \"category\": \"09006\", \"fields\": {}, \"note\": null, "
              "\"position\": null, \"street\": null, \"merchant_id\": null, "
              "\"disposition\": null, \"deadline\": null, \"parent_uuid\": null, "
              "\"photos\": [{\"sha256\": \"%s\", \"role\": \"before\"}]}", sha);
  return text;
}

static const char shift_json[] =
  "{\"uuid\": \"" SHIFT_UUID "\", \"kind\": \"early\", "
  "\"started_at\": \"2024-05-01T06:00:00Z\", \"ended_at\": null}";
static const char points_json[] =
  "{\"points\": [{\"seq\": 1, \"t_ms\": 1714543200000, \"lat\": 30.65, \"lon\": 104.06, "
  "\"accuracy\": 5.0, \"altitude\": null, \"speed\": 1.2, \"heading\": 90.0}]}";

typedef struct
{
  char *dir;
  char *log;
  XunchaTestOffice *office;
  char *photo;
  gsize photo_length;
  char *sha;
  char *token_a;
} Setup;

static Setup *
setup_new (const char * const *extra_args)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  Setup *s;
  g_autofree char *code = NULL;
  g_autofree char *fixture = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");

  if (certs == NULL)
    return NULL;
  s = g_new0 (Setup, 1);
  s->dir = xuncha_test_make_tmpdir ();
  s->log = g_build_filename (s->dir, "office.log", NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  s->office = xuncha_test_office_start_full (s->dir, certs->server_cert, certs->server_key, 0,
                                             extra_args, s->log);
  g_assert_true (g_file_get_contents (fixture, &s->photo, &s->photo_length, NULL));
  s->sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)s->photo,
                                        s->photo_length);
  code = add_officer (s->dir, "A1", "T1", FALSE);
  s->token_a = enroll_secret (s->office->url, "A1", code);
  return s;
}

static void
setup_free (Setup *s)
{
  xuncha_test_office_free (s->office);
  xuncha_test_remove_tree (s->dir);
  g_free (s->dir);
  g_free (s->log);
  g_free (s->photo);
  g_free (s->sha);
  g_free (s->token_a);
  g_free (s);
}

enum { NO_TOKEN, WRONG, REVOKED, OTHER, LEADER, N_COLUMNS };
static const char * const column_names[] = {
  "no token", "wrong token", "revoked token", "another officer", "team leader"
};

/* Every endpoint, called on officer A1's report, shift and photo, with each kind of
 * credential. */
static void
test_matrix (void)
{
  Setup *s = setup_new (NULL);
  g_autofree char *code_b = NULL, *code_l = NULL, *code_r = NULL;
  g_autofree char *photo_path = NULL;
  char *tokens[N_COLUMNS] = { NULL };
  struct { const char *name; const char *method; const char *path; const char *body;
           long expected[N_COLUMNS]; } rows[] = {
    { "enroll", "POST", "api/v1/enroll", NULL, { 200, 200, 200, 200, 200 } },
    { "me", "GET", "api/v1/me", NULL, { 401, 401, 401, 200, 200 } },
    { "HEAD photo", "HEAD", NULL, NULL, { 401, 401, 401, 200, 200 } },
    { "PUT photo", "PUT", NULL, NULL, { 401, 401, 401, 200, 200 } },
    { "PUT report", "PUT", "api/v1/reports/" REPORT_UUID, NULL, { 401, 401, 401, 403, 403 } },
    { "GET reports", "GET", "api/v1/reports?since=0", NULL, { 401, 401, 401, 200, 200 } },
    { "PUT shift", "PUT", "api/v1/shifts/" SHIFT_UUID, shift_json, { 401, 401, 401, 403, 403 } },
    { "POST points", "POST", "api/v1/shifts/" SHIFT_UUID "/points", points_json,
      { 401, 401, 401, 403, 403 } },
    { "GET streets", "GET", "api/v1/streets?since=0", NULL, { 401, 401, 401, 200, 200 } },
    { "GET merchants", "GET", "api/v1/merchants?since=0", NULL, { 401, 401, 401, 200, 200 } },
    { "GET categories", "GET", "api/v1/categories", NULL, { 401, 401, 401, 200, 200 } },
  };
  gboolean failed = FALSE;

  if (s == NULL)
    return;
  photo_path = g_strconcat ("api/v1/photos/", s->sha, NULL);
  code_b = add_officer (s->dir, "B1", "T2", FALSE);
  code_l = add_officer (s->dir, "L1", "T1", TRUE);
  code_r = add_officer (s->dir, "R1", "T1", FALSE);
  tokens[WRONG] = g_strdup ("kQ3vZ0wrongtokenwrongtokenwrongtokenwrong0");
  tokens[REVOKED] = enroll_secret (s->office->url, "R1", code_r);
  tokens[OTHER] = enroll_secret (s->office->url, "B1", code_b);
  tokens[LEADER] = enroll_secret (s->office->url, "L1", code_l);
  g_free (xuncha_test_office_admin (s->dir, "officer", "revoke", "R1", NULL));

  /* A1's own things, which the others then reach for. */
  {
    g_auto(Answer) photo = { 0 }, report = { 0 }, shift = { 0 }, points = { 0 };

    call (s->office->url, "PUT", photo_path, s->token_a, s->photo, s->photo_length,
          "Content-Type: image/jpeg", &photo);
    g_assert_cmpint (photo.status, ==, 201);
    call (s->office->url, "PUT", "api/v1/reports/" REPORT_UUID, s->token_a,
          report_json (s->sha), strlen (report_json (s->sha)), NULL, &report);
    g_assert_cmpint (report.status, ==, 201);
    call (s->office->url, "PUT", "api/v1/shifts/" SHIFT_UUID, s->token_a, shift_json,
          strlen (shift_json), NULL, &shift);
    g_assert_cmpint (shift.status, ==, 201);
    call (s->office->url, "POST", "api/v1/shifts/" SHIFT_UUID "/points", s->token_a,
          points_json, strlen (points_json), NULL, &points);
    g_assert_cmpint (points.status, ==, 200);
  }

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < N_COLUMNS; c++)
      {
        g_auto(Answer) answer = { 0 };
        const char *path = rows[r].path != NULL ? rows[r].path : photo_path;
        const char *body = rows[r].body;
        gsize length = body != NULL ? strlen (body) : 0;
        g_autofree char *enroll_body = NULL;

        if (g_str_equal (rows[r].name, "enroll"))
          {
            /* A token neither helps nor hinders: a fresh officer's right code works. */
            g_autofree char *id = g_strdup_printf ("E%u", c);
            g_autofree char *code = add_officer (s->dir, id, "T3", FALSE);

            enroll_body = g_strdup_printf ("{\"officer_id\": \"%s\", \"code\": \"%s\"}", id,
                                           code);
            body = enroll_body;
            length = strlen (body);
          }
        else if (g_str_equal (rows[r].name, "PUT photo"))
          {
            body = s->photo;
            length = s->photo_length;
          }
        else if (g_str_equal (rows[r].name, "PUT report"))
          {
            body = report_json (s->sha);
            length = strlen (body);
          }
        call (s->office->url, rows[r].method, path, tokens[c], body, length, NULL, &answer);
        g_test_message ("%-15s × %-16s -> %ld (expected %ld)", rows[r].name, column_names[c],
                        answer.status, rows[r].expected[c]);
        if (answer.status != rows[r].expected[c])
          failed = TRUE;
        if (g_str_equal (rows[r].name, "enroll") && answer.status == 200)
          {
            g_autoptr(JsonParser) parser = json_parser_new ();

            g_assert_true (json_parser_load_from_data (parser, answer.body->str, -1, NULL));
            g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (
              json_node_get_object (json_parser_get_root (parser)), "token")));
          }
      }
  g_assert_false (failed);

  /* Another team's officer cannot even learn the report exists; A1's leader reads it. */
  {
    g_auto(Answer) other = { 0 }, leader = { 0 };

    call (s->office->url, "GET", "api/v1/reports/" REPORT_UUID, tokens[OTHER], NULL, 0, NULL,
          &other);
    g_assert_cmpint (other.status, ==, 404);
    call (s->office->url, "GET", "api/v1/reports/" REPORT_UUID, tokens[LEADER], NULL, 0, NULL,
          &leader);
    g_assert_cmpint (leader.status, ==, 200);
  }

  assert_log_clean (s->log);
  assert_stored_hashed (s->dir);
  for (guint c = 0; c < N_COLUMNS; c++)
    g_free (tokens[c]);
  setup_free (s);
}

static void
list_tree (const char *dir,
           const char *prefix,
           GPtrArray  *names)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *relative = g_build_filename (prefix, name, NULL);

      if (g_str_has_suffix (name, "-wal") || g_str_has_suffix (name, "-shm")
          || g_str_has_suffix (name, "-journal") || g_str_equal (name, "office.log"))
        continue;
      g_ptr_array_add (names, g_strdup (relative));
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_tree (path, relative, names);
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* Photo ids are 64 lowercase hex digits, nothing else; path tricks write nothing. */
static void
test_photo_ids (void)
{
  Setup *s = setup_new (NULL);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *upper = NULL, *short_id = NULL, *long_id = NULL;
  const char *tricks[] = {
    NULL, NULL, NULL,
    "../office.db", "..%2foffice.db", "%2e%2e%2f%2e%2e%2fevil",
    "%2e%2e/%2e%2e/evil", "....//....//evil", "a/../../evil", "%00", "evil%2f..%2f..%2fx",
  };

  if (s == NULL)
    return;
  upper = g_ascii_strup (s->sha, -1);
  short_id = g_strndup (s->sha, 63);
  long_id = g_strconcat (s->sha, "0", NULL);
  tricks[0] = upper;
  tricks[1] = short_id;
  tricks[2] = long_id;
  list_tree (s->dir, "", before);

  for (guint i = 0; i < G_N_ELEMENTS (tricks); i++)
    for (guint m = 0; m < 2; m++)
      {
        g_autofree char *path = g_strconcat ("api/v1/photos/", tricks[i], NULL);
        g_auto(Answer) answer = { 0 };
        const char *method = m == 0 ? "PUT" : "HEAD";

        call (s->office->url, method, path, s->token_a, s->photo, s->photo_length,
              "Content-Type: image/jpeg", &answer);
        g_test_message ("%s %s -> %ld", method, tricks[i], answer.status);
        g_assert_true (answer.status == 400 || answer.status == 404);
      }

  list_tree (s->dir, "", after);
  g_ptr_array_sort (before, compare_strings);
  g_ptr_array_sort (after, compare_strings);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (after->pdata[i], ==, before->pdata[i]);
  assert_log_clean (s->log);
  setup_free (s);
}

/* Oversized headers and bodies are answered, not read into memory without end. */
static void
test_size_limits (void)
{
  const char *args[] = { "--photo-max-bytes", "100000", "--body-max-bytes", "4096", NULL };
  Setup *s = setup_new (args);
  g_autofree char *big_header = NULL;
  g_autofree char *big_body = NULL;
  g_autofree char *photo_path = NULL;

  if (s == NULL)
    return;
  photo_path = g_strconcat ("api/v1/photos/", s->sha, NULL);
  {
    g_auto(Answer) answer = { 0 };
    g_autofree char *filler = g_strnfill (32000, 'x');
    g_autofree char *header = g_strconcat ("X-Filler: ", filler, NULL);

    call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, header, &answer);
    g_assert_cmpint (answer.status, ==, 431);
  }
  /* Past 64 KiB libsoup stops reading the headers and closes the connection before any
   * handler of ours sees the request (see docs/protocol.md): no status comes back. Just
   * past the limit the whole request is sent, so the client finds the connection closed
   * with nothing said; far past it, the close may reach the client while it still sends. */
  for (guint i = 0; i < 2; i++)
    {
      g_auto(Answer) answer = { 0 };
      gsize size = i == 0 ? 70000 : 200000;
      g_autofree char *filler = g_strnfill (size, 'x');

      g_free (big_header);
      big_header = g_strconcat ("X-Filler: ", filler, NULL);
      call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, big_header, &answer);
      g_test_message ("%" G_GSIZE_FORMAT " bytes of headers -> %ld, %s", size, answer.status,
                      curl_easy_strerror (answer.code));
      g_assert_cmpint (answer.status, ==, 0);
      if (i == 0)
        g_assert_cmpint (answer.code, ==, CURLE_GOT_NOTHING);
      else
        g_assert_true (answer.code == CURLE_GOT_NOTHING || answer.code == CURLE_SEND_ERROR
                       || answer.code == CURLE_RECV_ERROR);
    }
  {
    g_auto(Answer) answer = { 0 };

    big_body = g_strnfill (8192, ' ');
    call (s->office->url, "PUT", "api/v1/reports/" REPORT_UUID, s->token_a, big_body,
          strlen (big_body), NULL, &answer);
    g_assert_cmpint (answer.status, ==, 413);
  }
  {
    g_auto(Answer) answer = { 0 };
    g_autofree char *large = g_malloc0 (200000);
    g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)large,
                                                        200000);
    g_autofree char *path = g_strconcat ("api/v1/photos/", sha, NULL);

    call (s->office->url, "PUT", path, s->token_a, large, 200000, "Content-Type: image/jpeg",
          &answer);
    g_assert_cmpint (answer.status, ==, 413);
  }
  /* Still serving. */
  {
    g_auto(Answer) answer = { 0 };

    call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, NULL, &answer);
    g_assert_cmpint (answer.status, ==, 200);
  }
  setup_free (s);
}

/* json-glib recursed once per nesting level: 100 000 brackets (200 kB, under the body
 * limit) killed the office, unauthenticated. Each such body is refused, with or without a
 * token, with a length or chunked, and the office answers the next request. A name twice
 * in one object and a NUL in a string are 422, naming the member. */
static void
test_deep_json (void)
{
  static const struct { const char *method; const char *path; gboolean token; } calls[] = {
    { "POST", "api/v1/enroll", FALSE },
    { "PUT", "api/v1/reports/" REPORT_UUID, TRUE },
    { "PUT", "api/v1/shifts/" SHIFT_UUID, TRUE },
    { "POST", "api/v1/shifts/" SHIFT_UUID "/points", TRUE },
  };
  Setup *s = setup_new (NULL);
  GString *deep;

  if (s == NULL)
    return;
  deep = g_string_new (NULL);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    for (guint chunked = 0; chunked < 2; chunked++)
      {
        g_auto(Answer) answer = { 0 };
        g_auto(Answer) next = { 0 };

        call (s->office->url, calls[i].method, calls[i].path,
              calls[i].token ? s->token_a : NULL, deep->str, deep->len,
              chunked ? "Transfer-Encoding: chunked" : NULL, &answer);
        g_test_message ("%s %s%s -> %ld %s", calls[i].method, calls[i].path,
                        chunked ? " (chunked)" : "", answer.status, answer.body->str);
        g_assert_cmpint (answer.status, ==, 400);
        g_assert_nonnull (strstr (answer.body->str, "\"bad_request\""));
        g_assert_nonnull (strstr (answer.body->str, "nested deeper than 64 levels"));
        call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, NULL, &next);
        g_assert_cmpint (next.status, ==, 200);
      }
  g_string_free (deep, TRUE);

  {
    static const char twice[] = "{\"officer_id\": \"A1\", \"code\": \"x\", "
                                "\"device_name\": \"test\", \"officer_id\": \"B1\"}";
    static const char nul[] = "{\"officer_id\": \"A1\", \"code\": \"x\", "
                              "\"device_name\": \"a\\u0000b\"}";
    g_auto(Answer) answer = { 0 };
    g_auto(Answer) answer_nul = { 0 };

    call (s->office->url, "POST", "api/v1/enroll", NULL, twice, strlen (twice), NULL,
          &answer);
    g_assert_cmpint (answer.status, ==, 422);
    g_assert_nonnull (strstr (answer.body->str, "\"unacceptable\""));
    g_assert_nonnull (strstr (answer.body->str, "officer_id"));
    call (s->office->url, "POST", "api/v1/enroll", NULL, nul, strlen (nul), NULL,
          &answer_nul);
    g_assert_cmpint (answer_nul.status, ==, 422);
    g_assert_nonnull (strstr (answer_nul.body->str, "u0000"));
  }
  {
    /* The same report twice: one with a note cut short by \u0000 would have read (and
     * hashed) as the other. */
    g_autofree char *body = g_strdup (report_json (s->sha));
    g_autofree char *with_nul = NULL;
    g_auto(Answer) answer = { 0 };
    char *note = strstr (body, "\"note\": null");

    g_assert_nonnull (note);
    *note = '\0';
    with_nul = g_strconcat (body, "\"note\": \"a\\u0000b\"", note + strlen ("\"note\": null"),
                            NULL);
    call (s->office->url, "PUT", "api/v1/reports/" REPORT_UUID, s->token_a, with_nul,
          strlen (with_nul), NULL, &answer);
    g_assert_cmpint (answer.status, ==, 422);
  }
  setup_free (s);
}

/* Whether the server closed: reading what it sent ends (EOF or error) instead of
 * blocking. */
static gboolean
closed_by_server (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buffer[1024];
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buffer,
                                                           sizeof buffer, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      if (n <= 0)
        return TRUE;
    }
}

/* Sends @fast at once, then @slow one byte a second; returns how many slow bytes went
 * out before the office closed the connection, or G_MAXUINT if it never did. */
static guint
trickle (GIOStream  *stream,
         const char *fast,
         const char *slow)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  if (*fast != '\0')
    g_assert_true (g_output_stream_write_all (out, fast, strlen (fast), NULL, NULL, NULL));
  for (guint sent = 0; slow[sent] != '\0'; sent++)
    {
      if (g_output_stream_write (out, slow + sent, 1, NULL, NULL) != 1)
        return sent;
      g_usleep (G_USEC_PER_SEC);
      if (closed_by_server (stream))
        return sent + 1;
    }
  return G_MAXUINT;
}

/* Waits (at most @max_s seconds) for the office to close a silent connection. */
static gboolean
closed_within (GIOStream *stream,
               guint      max_s)
{
  for (guint i = 0; i < max_s * 10; i++)
    {
      if (closed_by_server (stream))
        return TRUE;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  return FALSE;
}

/* Clients that send one byte a second (in the headers or in the body), and ones that
 * send nothing (before a request or between two), are cut off. */
static void
test_slow_clients (void)
{
  /* Two seconds, stretched in sanitizer builds, where connecting alone may take that. */
  guint timeout_s = 2 * xuncha_test_slowdown ();
  g_autofree char *timeout = g_strdup_printf ("%u", timeout_s);
  const char *args[] = { "--request-timeout", timeout, NULL };
  Setup *s = setup_new (args);
  static const char request[] = "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                                "\r\n";
  g_autofree char *body = g_strnfill (100, ' ');
  g_autofree char *body_headers = NULL;
  g_autofree char *me = NULL;
  g_autoptr(GIOStream) slow = NULL, slow_body = NULL, idle = NULL, kept = NULL;
  guint sent;

  if (s == NULL)
    return;
  slow = xuncha_test_tls_connect (s->office->port);
  idle = xuncha_test_tls_connect (s->office->port);
  sent = trickle (slow, "", request);
  g_test_message ("the slow client was cut off after %u bytes", sent);
  g_assert_cmpuint (sent, <, strlen (request));
  /* The idle one, silent all that time, is gone too. */
  g_assert_true (closed_within (idle, timeout_s));

  slow_body = xuncha_test_tls_connect (s->office->port);
  body_headers = g_strdup_printf ("PUT /api/v1/reports/" REPORT_UUID " HTTP/1.1\r\n"
                                  "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                                  "Content-Length: 100\r\n\r\n", s->token_a);
  sent = trickle (slow_body, body_headers, body);
  g_test_message ("the slow body was cut off after %u bytes", sent);
  g_assert_cmpuint (sent, <, 100);

  /* After an answered request, a kept-alive connection that stays silent is closed. */
  kept = xuncha_test_tls_connect (s->office->port);
  me = g_strdup_printf ("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Authorization: Bearer %s\r\n\r\n", s->token_a);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (kept), me,
                                            strlen (me), NULL, NULL, NULL));
  {
    char buffer[4096];
    gssize n = g_input_stream_read (g_io_stream_get_input_stream (kept), buffer,
                                    sizeof buffer - 1, NULL, NULL);

    g_assert_cmpint (n, >, 0);
    buffer[n] = '\0';
    g_assert_true (g_str_has_prefix (buffer, "HTTP/1.1 200"));
  }
  g_assert_true (closed_within (kept, 10 * timeout_s));

  /* Still serving. */
  {
    g_auto(Answer) answer = { 0 };

    call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, NULL, &answer);
    g_assert_cmpint (answer.status, ==, 200);
  }
  setup_free (s);
}

/* A street map large enough that its answer outgrows every socket buffer between the
 * office and a client that does not read: 60 streets of 8,000 points, about 10 MB. */
static void
import_large_street_map (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "large-streets.geojson", NULL);
  g_autoptr(GString) json = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  g_autofree char *out = NULL;

  for (guint street = 0; street < 60; street++)
    {
      g_string_append_printf (json, "%s{\"type\": \"Feature\", \"properties\": {\"id\": "
                              "\"large-%u\", \"name\": \"Street %u\", \"class\": \"class1\"}, "
                              "\"geometry\": {\"type\": \"LineString\", \"coordinates\": [",
                              street > 0 ? ", " : "", street, street);
      for (guint i = 0; i < 8000; i++)
        g_string_append_printf (json, "%s[%.7f, %.7f]", i > 0 ? ", " : "",
                                104.0 + street * 0.001 + i * 0.0000011, 30.6 + i * 0.0000013);
      g_string_append (json, "]}}");
    }
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, (gssize)json->len, NULL));
  out = xuncha_test_office_admin (dir, "streets", "import", path, NULL);
  g_test_message ("%s", out);
}

/* Connects with TLS, asking the kernel for a small receive buffer first so that a client
 * that does not read soon stops the office's writes. */
static void
on_client_event (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_CONNECTING)
    g_assert_true (g_socket_set_option (g_socket_connection_get_socket (
                                          G_SOCKET_CONNECTION (connection)),
                                        SOL_SOCKET, SO_RCVBUF, 4096, NULL));
}

/* Reads what is left of @stream until the office ends it; returns the number of bytes. */
static gsize
read_to_end (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  g_autofree char *buffer = g_malloc (65536);
  gsize total = 0;

  for (;;)
    {
      gssize n = g_input_stream_read (in, buffer, 65536, NULL, NULL);

      if (n <= 0)
        return total;
      total += (gsize)n;
    }
}

/* A client that asks for a large answer and stops reading it is cut off once it has read
 * nothing for the request timeout: it does not hold the connection, nor the answer in the
 * office's memory, for ever. One that reads it at once gets all of it. */
static void
test_stalled_reader (void)
{
  /* Two seconds, or more for a sanitized office, whose TLS handshakes alone can take that
   * long on a busy machine. */
  g_autofree char *timeout = g_strdup_printf ("%u", 2 * xuncha_test_slowdown ());
  const char *args[] = { "--request-timeout", timeout, NULL };
  Setup *s = setup_new (args);
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *log = NULL;
  gsize length, got;
  gboolean cut = FALSE;

  if (s == NULL)
    return;
  import_large_street_map (s->dir);

  /* A reader that keeps up gets the whole answer. */
  {
    g_auto(Answer) answer = { 0 };

    call (s->office->url, "GET", "api/v1/streets", s->token_a, NULL, 0, NULL, &answer);
    g_assert_cmpint (answer.status, ==, 200);
    length = answer.body->len;
    g_test_message ("the street map answer is %" G_GSIZE_FORMAT " bytes", length);
    g_assert_cmpuint (length, >, 8000000);
  }

  client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  g_signal_connect (client, "event", G_CALLBACK (on_client_event), NULL);
  address = g_network_address_new ("127.0.0.1", s->office->port);
  connection = g_socket_client_connect (client, address, NULL, &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (certs->ca, &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), address, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error));
  g_assert_no_error (error);
  request = g_strdup_printf ("GET /api/v1/streets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n\r\n", s->token_a);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (tls), request,
                                            strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);

  /* Not reading: wait for the office to say it gave up (its debug log is captured). */
  for (guint i = 0; i < 600 * xuncha_test_slowdown () && !cut; i++)
    {
      g_usleep (G_USEC_PER_SEC / 10);
      g_clear_pointer (&log, g_free);
      g_assert_true (g_file_get_contents (s->log, &log, NULL, NULL));
      cut = strstr (log, "the client stopped reading its answer") != NULL;
    }
  g_assert_true (cut);
  /* What was already on its way still arrives, then the connection ends: short of the
   * whole answer. */
  got = read_to_end (tls);
  g_test_message ("the stalled reader got %" G_GSIZE_FORMAT " bytes", got);
  g_assert_cmpuint (got, <, length);

  /* Still serving. */
  {
    g_auto(Answer) answer = { 0 };

    call (s->office->url, "GET", "api/v1/me", s->token_a, NULL, 0, NULL, &answer);
    g_assert_cmpint (answer.status, ==, 200);
  }
  setup_free (s);
}

/* Wrong codes close enrollment for the officer, then for the address; a right code is
 * refused while closed, by every office process on the same records (a second one,
 * started before the failures, used to count only its own and enrolled the device). */
static void
test_enroll_limits (void)
{
  const char *args[] = { "--enroll-max-failures-per-address", "8", NULL };
  Setup *s = setup_new (args);
  g_autoptr(XunchaTestOffice) other = NULL;
  g_autofree char *code_x = NULL, *code_z = NULL;

  if (s == NULL)
    return;
  other = xuncha_test_office_start_full (s->dir, xuncha_test_certs ()->server_cert,
                                         xuncha_test_certs ()->server_key, 0, args, NULL);
  code_x = add_officer (s->dir, "X1", "T1", FALSE);
  for (guint i = 0; i < 5; i++)
    g_free (enroll (s->office->url, "X1", "AAAA-BBBB-CCCC", 401));
  for (guint i = 0; i < 2; i++)
    {
      g_auto(Answer) answer = { 0 };
      g_autofree char *body = g_strdup_printf ("{\"officer_id\": \"X1\", \"code\": \"%s\"}",
                                               code_x);

      call (i == 0 ? s->office->url : other->url, "POST", "api/v1/enroll", NULL, body,
            strlen (body), NULL, &answer);
      g_assert_cmpint (answer.status, ==, 429);
      g_assert_nonnull (answer.retry_after);
      g_assert_cmpint (g_ascii_strtoll (answer.retry_after, NULL, 10), >, 0);
    }
  g_clear_pointer (&other, xuncha_test_office_free);
  /* Other officers from the same address: three more failures reach its limit of 8. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("Y%u", i);
      g_free (add_officer (s->dir, id, "T1", FALSE));
      g_free (enroll (s->office->url, id, "AAAA-BBBB-CCCC", 401));
    }
  code_z = add_officer (s->dir, "Z1", "T1", FALSE);
  g_free (enroll (s->office->url, "Z1", code_z, 429));
  assert_log_clean (s->log);
  setup_free (s);

  /* When the window has passed, the right code works. */
  {
    const char *short_window[] = { "--enroll-window", "2", NULL };
    g_autofree char *code = NULL;
    g_autofree char *token = NULL;

    s = setup_new (short_window);
    code = add_officer (s->dir, "W1", "T1", FALSE);
    for (guint i = 0; i < 5; i++)
      g_free (enroll (s->office->url, "W1", "AAAA-BBBB-CCCC", 401));
    g_free (enroll (s->office->url, "W1", code, 429));
    g_usleep (3 * G_USEC_PER_SEC);
    token = enroll_secret (s->office->url, "W1", code);
    g_assert_nonnull (token);
    assert_log_clean (s->log);
    setup_free (s);
  }
}

/* What comes from outside is logged escaped: an officer id with a line break forges no
 * line, and a failed enrollment is logged (id escaped, address, never the code). */
static void
test_log_injection (void)
{
  Setup *s = setup_new (NULL);
  /* Short enough for an officer id (64 characters), so it reaches the log. */
  static const char forged[] = "xuncha-office-Message: Enrolled (evil) for A1";
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (s == NULL)
    return;
  body = g_strdup_printf ("{\"officer_id\": \"Q9\\n%s\", \"code\": \"SECR-ETCO-DE99\", "
                          "\"device_name\": \"d\\r\\nx\"}", forged);
  /* Five failures, then the refusal (429), which logs the id too. */
  for (guint i = 0; i < 6; i++)
    {
      g_auto(Answer) answer = { 0 };

      call (s->office->url, "POST", "api/v1/enroll", NULL, body, strlen (body), NULL, &answer);
      g_assert_cmpint (answer.status, ==, i < 5 ? 401 : 429);
    }
  g_assert_true (g_file_get_contents (s->log, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (lines[i], forged));
  g_assert_nonnull (strstr (text, "Failed enrollment for officer Q9\\n"));
  g_assert_nonnull (strstr (text, "from 127.0.0.1"));
  g_assert_null (strstr (text, "SECR-ETCO-DE99"));
  setup_free (s);
}

static int
s_client (guint16     port,
          const char *version,
          char      **output)
{
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", port);
  const char *argv[] = { "openssl", "s_client", version, "-cipher", "DEFAULT@SECLEVEL=0",
                         "-connect", connect, "-CAfile", xuncha_test_certs ()->ca, NULL };
  const char *argv_max[] = { "openssl", "s_client", "-tls1_2", "-connect", connect,
                             "-CAfile", xuncha_test_certs ()->ca, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = xuncha_test_run (g_str_equal (version, "-tls1_1") ? argv : argv_max, &out, &err);
  *output = g_strconcat (out, err, NULL);
  return status;
}

/* TLS 1.1 is refused; 1.2 is the floor. */
static void
test_tls_versions (void)
{
  Setup *s = setup_new (NULL);
  g_autofree char *old = NULL, *current = NULL;
  int old_status, current_status;

  if (s == NULL)
    return;
  current_status = s_client (s->office->port, "-tls1_2", &current);
  g_assert_cmpint (current_status, ==, 0);
  g_assert_nonnull (strstr (current, "TLSv1.2"));
  old_status = s_client (s->office->port, "-tls1_1", &old);
  g_test_message ("%s", old);
  if (strstr (old, "no protocols available") != NULL
      || strstr (old, "unknown option") != NULL)
    {
      g_test_skip ("The local openssl cannot offer TLS 1.1, so the refusal cannot be seen");
      setup_free (s);
      return;
    }
  g_assert_cmpint (old_status, !=, 0);
  g_assert_null (strstr (old, "New, TLSv1"));
  setup_free (s);
}

/* A report body of officer A1 (no photos): @members replace nothing, they are added. */
static char *
value_report (const char *uuid,
              const char *category,
              const char *members)
{
  return g_strdup_printf ("{\"uuid\": \"%s\", \"created_at\": \"2024-05-01T08:30:00Z\", "
                          "\"category\": \"%s\", \"fields\": {}, \"photos\": []%s%s}", uuid,
                          category, members != NULL ? ", " : "",
                          members != NULL ? members : "");
}

static void
put_expect (Setup      *s,
            const char *token,
            const char *path,
            const char *body,
            long        status,
            const char *member)
{
  g_auto(Answer) answer = { 0 };
  g_autofree char *code = NULL, *message = NULL;

  call (s->office->url, g_str_has_suffix (path, "/points") ? "POST" : "PUT", path, token,
        body, strlen (body), NULL, &answer);
  if (answer.status != status)
    g_error ("%s: expected %ld, got %ld: %.300s", path, status, answer.status,
             answer.body->str);
  if (member == NULL)
    return;
  g_assert_true (xuncha_protocol_decode_error (answer.body->str, (gssize)answer.body->len,
                                               &code, &message, NULL));
  g_assert_cmpstr (code, ==, "invalid_value");
  if (strstr (message, member) == NULL)
    g_error ("expected the answer to name %s: %s", member, message);
}

#define OWN_UUID   "3b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define OTHER_UUID "4b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define OTHER_SHIFT "7f1c0000-2fa1-41d2-883f-0016d3cca427"

/* What the office questions: values outside their ranges, categories it does not have, a
 * report that follows itself or another officer's report, or claims another officer's
 * shift. Each is 422 invalid_value naming the member, and nothing is stored. */
static void
test_values (void)
{
  Setup *s = setup_new (NULL);
  g_autofree char *code_b = NULL, *token_b = NULL;
  g_autofree char *huge = NULL, *body = NULL;
  g_autofree char *other_shift = NULL;
  g_autofree char *parent_other = NULL, *parent_self = NULL, *parent_own = NULL;
  g_autofree char *shift_other = NULL, *shift_own = NULL;
  static const struct { const char *category; const char *members; const char *member; }
  refused[] = {
    { "99999", NULL, "report.category" },
    { "0900 6", NULL, "report.category" },
    { "09006", "\"position\": {\"lat\": 30, \"lon\": 104, \"accuracy\": -5, "
      "\"source\": \"gps\"}", "report.position.accuracy" },
    { "09006", "\"position\": {\"lat\": 30, \"lon\": 104, \"heading\": 9999, "
      "\"source\": \"gps\"}", "report.position.heading" },
    { "09006", "\"street\": {\"id\": \"s-1\", \"offset_m\": 1e95}", "report.street.offset_m" },
    { "09006", "\"parent_uuid\": \"" REPORT_UUID "\"", "report.parent_uuid" },
  };

  if (s == NULL)
    return;
  code_b = add_officer (s->dir, "B1", "T2", FALSE);
  token_b = enroll_secret (s->office->url, "B1", code_b);
  other_shift = g_strdup_printf ("{\"uuid\": \"%s\", \"kind\": \"early\", "
                                 "\"started_at\": \"2024-05-01T06:00:00Z\"}", OTHER_SHIFT);
  body = value_report (OTHER_UUID, "09006", NULL);
  put_expect (s, token_b, "api/v1/reports/" OTHER_UUID, body, 201, NULL);
  put_expect (s, token_b, "api/v1/shifts/" OTHER_SHIFT, other_shift, 201, NULL);
  put_expect (s, s->token_a, "api/v1/shifts/" SHIFT_UUID, shift_json, 201, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = value_report (REPORT_UUID, refused[i].category,
                                            refused[i].members);
      put_expect (s, s->token_a, "api/v1/reports/" REPORT_UUID, text, 422, refused[i].member);
    }
  huge = g_strnfill (100 * 1024, '9');
  g_clear_pointer (&body, g_free);
  body = value_report (REPORT_UUID, huge, NULL);
  put_expect (s, s->token_a, "api/v1/reports/" REPORT_UUID, body, 422, "report.category");

  parent_other = value_report (REPORT_UUID, "09006", "\"parent_uuid\": \"" OTHER_UUID "\"");
  put_expect (s, s->token_a, "api/v1/reports/" REPORT_UUID, parent_other, 422,
              "report.parent_uuid");
  shift_other = value_report (REPORT_UUID, "09006", "\"shift_uuid\": \"" OTHER_SHIFT "\"");
  put_expect (s, s->token_a, "api/v1/reports/" REPORT_UUID, shift_other, 422,
              "report.shift_uuid");
  put_expect (s, s->token_a, "api/v1/shifts/" SHIFT_UUID "/points",
              "{\"points\": [{\"seq\": 1, \"t_ms\": 1714543200000, \"lat\": 30.65, "
              "\"lon\": 104.06, \"heading\": 9999}]}", 422, "points[0].heading");

  /* Nothing of the refused ones was stored: the uuid is still free for its right body, and
   * a report may follow its officer's own report in his own shift. */
  shift_own = value_report (REPORT_UUID, "09006", "\"shift_uuid\": \"" SHIFT_UUID "\"");
  put_expect (s, s->token_a, "api/v1/reports/" REPORT_UUID, shift_own, 201, NULL);
  parent_own = value_report (OWN_UUID, "INT-01", "\"parent_uuid\": \"" REPORT_UUID "\", "
                             "\"shift_uuid\": \"" SHIFT_UUID "\"");
  put_expect (s, s->token_a, "api/v1/reports/" OWN_UUID, parent_own, 201, NULL);
  /* The other officer's report still cannot follow A1's. */
  parent_self = value_report (OTHER_UUID, "09006", "\"parent_uuid\": \"" OWN_UUID "\"");
  put_expect (s, token_b, "api/v1/reports/" OTHER_UUID, parent_self, 422,
              "report.parent_uuid");
  setup_free (s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  secrets = g_ptr_array_new_with_free_func (g_free);

  g_test_add_func ("/office-security/matrix", test_matrix);
  g_test_add_func ("/office-security/photo-ids", test_photo_ids);
  g_test_add_func ("/office-security/size-limits", test_size_limits);
  g_test_add_func ("/office-security/deep-json", test_deep_json);
  g_test_add_func ("/office-security/slow-clients", test_slow_clients);
  g_test_add_func ("/office-security/stalled-reader", test_stalled_reader);
  g_test_add_func ("/office-security/enroll-limits", test_enroll_limits);
  g_test_add_func ("/office-security/tls-versions", test_tls_versions);
  g_test_add_func ("/office-security/values", test_values);
  g_test_add_func ("/office-security/log-injection", test_log_injection);

  return g_test_run ();
}
