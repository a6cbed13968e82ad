/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

static void
test_retry_after (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 120);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  gint64 ms;

  g_assert_cmpint (xuncha_http_parse_retry_after ("3"), ==, 3000);
  g_assert_cmpint (xuncha_http_parse_retry_after (" 0 "), ==, 0);
  g_assert_cmpint (xuncha_http_parse_retry_after ("soon"), ==, -1);
  g_assert_cmpint (xuncha_http_parse_retry_after (NULL), ==, -1);
  /* An HTTP date two minutes ahead: about 120 s, never negative. */
  ms = xuncha_http_parse_retry_after (date);
  g_assert_cmpint (ms, >, 100 * 1000);
  g_assert_cmpint (ms, <=, 121 * 1000);
  g_assert_cmpint (xuncha_http_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT"), ==, 0);
}

static void
test_refuses_bad_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttp) http = NULL;

  http = xuncha_http_new ("ftp://office.example/", NULL, NULL, &error);
  g_assert_null (http);
  g_assert_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG);
  g_clear_error (&error);

  http = xuncha_http_new ("https://office.example/", "/nonexistent/ca.pem", NULL, &error);
  g_assert_null (http);
  g_assert_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "office CA file"));
}

static void
test_connect_refused_is_retryable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttp) http = xuncha_http_new ("https://127.0.0.1:1/", NULL, NULL, &error);
  g_autoptr(XunchaHttpResponse) response = NULL;

  g_assert_no_error (error);
  response = xuncha_http_request (http, "GET", "api/v1/me", NULL, NULL, NULL, NULL, NULL, NULL,
                                  &error);
  g_assert_null (response);
  g_assert_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_NETWORK);
}

/* In Chinese, the reason is said in Chinese: none of curl's English reaches the user. */
static void
test_error_words (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttp) http = xuncha_http_new ("https://127.0.0.1:1/", NULL, NULL, &error);
  g_autoptr(XunchaHttpResponse) response = NULL;

  g_assert_no_error (error);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  response = xuncha_http_request (http, "GET", "api/v1/me", NULL, NULL, NULL, NULL, NULL, NULL,
                                  &error);
  g_assert_null (response);
  g_assert_error (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, "无法连接到服务器");
  for (const char *c = error->message; *c != '\0'; c++)
    g_assert_false (g_ascii_isalpha (*c));
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
}

static void
test_credentials_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "device-token", NULL);
  g_autofree char *token = NULL;
  XunchaCredentialsStore used = XUNCHA_CREDENTIALS_NONE;
  GStatBuf st;

  g_setenv ("XUNCHA_TOKEN_STORE", "file", TRUE);
  g_assert_null (xuncha_credentials_load (dir, "https://o/", "A1", &used, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_credentials_save (dir, "https://o/", "A1", "tok-123", &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, XUNCHA_CREDENTIALS_FILE);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  token = xuncha_credentials_load (dir, "https://o/", "A1", &used, &error);
  g_assert_cmpstr (token, ==, "tok-123");
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/http/retry-after", test_retry_after);
  g_test_add_func ("/http/bad-config", test_refuses_bad_config);
  g_test_add_func ("/http/connect-refused", test_connect_refused_is_retryable);
  g_test_add_func ("/http/error-words", test_error_words);
  g_test_add_func ("/credentials/file", test_credentials_file);

  return g_test_run ();
}
