/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-test-console.h"

gboolean
xuncha_test_console_init (int    *argc,
                          char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  return xuncha_test_certs () != NULL;
}

void
xuncha_test_answer_free (XunchaTestAnswer *answer)
{
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_free (answer->body);
  g_free (answer);
}

SoupSession *
xuncha_test_console_session_new (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  g_assert_nonnull (certs);
  ca = g_tls_file_database_new (certs->ca, &error);
  g_assert_no_error (error);
  return soup_session_new_with_options ("tls-database", ca, "proxy-resolver", direct, NULL);
}

XunchaTestAnswer *
xuncha_test_console_request (SoupSession      *session,
                             XunchaTestOffice *office,
                             const char       *method,
                             const char       *path,
                             const char       *cookie,
                             const char       *form,
                             const char       *extra_header,
                             const char       *extra_value)
{
  g_autofree char *url = g_strdup_printf ("%s%s", office->url, path + 1);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  XunchaTestAnswer *answer = g_new0 (XunchaTestAnswer, 1);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (cookie != NULL)
    {
      g_autofree char *header = g_strdup_printf ("xuncha_session=%s", cookie);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Cookie", header);
    }
  if (extra_header != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg), extra_header,
                                 extra_value);
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  answer->length = g_bytes_get_size (bytes);
  /* Byte for byte (a zip holds NULs), and a NUL after for the text answers. */
  answer->body = g_malloc (answer->length + 1);
  if (answer->length > 0)
    memcpy (answer->body, g_bytes_get_data (bytes, NULL), answer->length);
  answer->body[answer->length] = '\0';
  return answer;
}

char *
xuncha_test_answer_session (XunchaTestAnswer *answer)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  char *found = NULL;

  soup_message_headers_iter_init (&iter, answer->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Set-Cookie") == 0
        && g_str_has_prefix (value, "xuncha_session="))
      {
        const char *start = value + strlen ("xuncha_session=");

        g_assert_nonnull (strstr (value, "; HttpOnly"));
        g_assert_nonnull (strstr (value, "; Secure"));
        g_assert_nonnull (strstr (value, "; SameSite=Strict"));
        g_assert_nonnull (strstr (value, "; Path=/console"));
        g_free (found);
        found = g_strndup (start, strcspn (start, ";"));
      }
  return found;
}

char *
xuncha_test_console_csrf (const char *page)
{
  const char *marker = "name=\"csrf\" value=\"";
  const char *start = strstr (page, marker);

  g_assert_nonnull (start);
  start += strlen (marker);
  return g_strndup (start, strcspn (start, "\""));
}

XunchaTestAnswer *
xuncha_test_console_case_step (SoupSession      *session,
                               XunchaTestOffice *office,
                               const char       *cookie,
                               const char       *uuid,
                               const char       *action,
                               const char       *seen_status,
                               guint             steps,
                               const char       *extra)
{
  g_autofree char *path = g_strdup_printf ("/console/reports/%s", uuid);
  g_autoptr(XunchaTestAnswer) page = xuncha_test_console_request (session, office, "GET", path,
                                                                  cookie, NULL, NULL, NULL);
  g_autofree char *status = g_uri_escape_string (seen_status, NULL, FALSE);
  g_autofree char *csrf = xuncha_test_console_csrf (page->body);
  g_autofree char *form = g_strdup_printf ("csrf=%s&action=%s&status=%s&steps=%u%s", csrf,
                                           action, status, steps, extra != NULL ? extra : "");
  g_autofree char *post = g_strdup_printf ("/console/reports/%s/case", uuid);

  return xuncha_test_console_request (session, office, "POST", post, cookie, form, NULL, NULL);
}

char *
xuncha_test_console_add_staff (const char *office_dir,
                               const char *name,
                               const char *role,
                               const char *team)
{
  g_autofree char *out = team != NULL
    ? xuncha_test_office_admin (office_dir, "staff", "add", name, "--role", role, "--team", team,
                                NULL)
    : xuncha_test_office_admin (office_dir, "staff", "add", name, "--role", role, NULL);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

  return g_strdup (lines[g_strv_length (lines) - 1]);
}

char *
xuncha_test_console_first_login (SoupSession      *session,
                                 XunchaTestOffice *office,
                                 const char       *name,
                                 const char       *one_time)
{
  g_autofree char *n = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *o = g_uri_escape_string (one_time, NULL, FALSE);
  g_autofree char *p = g_uri_escape_string (XUNCHA_TEST_CONSOLE_PASSWORD, NULL, FALSE);
  g_autofree char *form = g_strdup_printf ("name=%s&password=%s", n, o);
  g_autoptr(XunchaTestAnswer) login = NULL;
  g_autoptr(XunchaTestAnswer) page = NULL;
  g_autoptr(XunchaTestAnswer) changed = NULL;
  g_autofree char *first = NULL, *csrf = NULL;
  char *second;

  login = xuncha_test_console_request (session, office, "POST", "/console/login", NULL, form,
                                       NULL, NULL);
  g_assert_cmpint (login->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (login->headers, "Location"), ==,
                   "/console/password");
  first = xuncha_test_answer_session (login);
  g_assert_nonnull (first);
  page = xuncha_test_console_request (session, office, "GET", "/console/password", first, NULL,
                                      NULL, NULL);
  g_assert_cmpint (page->status, ==, 200);
  csrf = xuncha_test_console_csrf (page->body);
  g_free (form);
  form = g_strdup_printf ("csrf=%s&current=%s&new=%s&repeat=%s", csrf, o, p, p);
  changed = xuncha_test_console_request (session, office, "POST", "/console/password", first,
                                         form, NULL, NULL);
  g_assert_cmpint (changed->status, ==, 303);
  second = xuncha_test_answer_session (changed);
  g_assert_nonnull (second);
  g_assert_cmpstr (second, !=, first);
  return second;
}

char *
xuncha_test_console_staff_session (SoupSession      *session,
                                   XunchaTestOffice *office,
                                   const char       *name,
                                   const char       *role,
                                   const char       *team)
{
  g_autofree char *one_time = xuncha_test_console_add_staff (office->data_dir, name, role,
                                                              team);

  return xuncha_test_console_first_login (session, office, name, one_time);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

void
xuncha_test_put_report (XunchaHttp             *http,
                        const XunchaTestReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autofree char *path = g_strdup_printf ("api/v1/reports/%s", report->uuid);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  add_string (builder, "uuid", report->uuid);
  add_string (builder, "created_at", created);
  add_string (builder, "category", "09006");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  add_string (builder, "note", report->note);
  json_builder_set_member_name (builder, "position");
  json_builder_begin_object (builder);
  add_double (builder, "lat", report->lat);
  add_double (builder, "lon", report->lon);
  if (!isnan (report->accuracy))
    add_double (builder, "accuracy", report->accuracy);
  add_string (builder, "source", "gps");
  json_builder_end_object (builder);
  if (report->street != NULL)
    {
      json_builder_set_member_name (builder, "street");
      json_builder_begin_object (builder);
      add_string (builder, "id", report->street);
      add_double (builder, "offset_m", report->offset_m);
      json_builder_end_object (builder);
    }
  if (report->merchant != NULL)
    add_string (builder, "merchant_id", report->merchant);
  json_builder_set_member_name (builder, "photos");
  json_builder_begin_array (builder);
  if (report->photo != NULL)
    {
      json_builder_begin_object (builder);
      add_string (builder, "sha256", report->photo);
      add_string (builder, "role", "before");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  body = g_bytes_new (json, strlen (json));
  response = xuncha_http_request (http, "PUT", path, "application/json", body, NULL, NULL, NULL,
                                  NULL, &error);
  g_assert_no_error (error);
  if (response->status != 201)
    g_error ("PUT report: %ld %s", (long)response->status, xuncha_http_response_text (response));
}
