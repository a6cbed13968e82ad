/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-test-console.h"

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
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, report->uuid);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, "09006");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "note");
  json_builder_add_string_value (builder, report->note);
  json_builder_set_member_name (builder, "position");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, report->lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, report->lon);
  if (!isnan (report->accuracy))
    {
      json_builder_set_member_name (builder, "accuracy");
      json_builder_add_double_value (builder, report->accuracy);
    }
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "gps");
  json_builder_end_object (builder);
  if (report->street != NULL)
    {
      json_builder_set_member_name (builder, "street");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, report->street);
      json_builder_set_member_name (builder, "offset_m");
      json_builder_add_double_value (builder, report->offset_m);
      json_builder_end_object (builder);
    }
  if (report->merchant != NULL)
    {
      json_builder_set_member_name (builder, "merchant_id");
      json_builder_add_string_value (builder, report->merchant);
    }
  json_builder_set_member_name (builder, "photos");
  json_builder_begin_array (builder);
  if (report->photo != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, report->photo);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "before");
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
