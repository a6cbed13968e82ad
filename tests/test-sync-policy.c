/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "xuncha-core.h"

/* An answer as libcurl would hand it over: @body may be NULL. */
static XunchaHttpResponse *
answer (long        status,
        gboolean    server_mark,
        const char *body)
{
  XunchaHttpResponse *response = g_new0 (XunchaHttpResponse, 1);

  response->status = status;
  response->server_mark = server_mark;
  response->retry_after_ms = -1;
  response->revision = -1;
  response->body = g_byte_array_new ();
  if (body != NULL)
    g_byte_array_append (response->body, (const guint8 *)body, strlen (body));
  return response;
}

static XunchaSyncVerdict
judge_answer (long        status,
              gboolean    server_mark,
              const char *body,
              GError    **stop,
              char      **reason)
{
  g_autoptr(XunchaHttpResponse) response = answer (status, server_mark, body);

  return xuncha_sync_policy_judge (NULL, response, stop, reason);
}

static XunchaSyncVerdict
judge_error (XunchaHttpError   code,
             GError          **stop,
             char            **reason)
{
  g_autoptr(GError) error = g_error_new_literal (XUNCHA_HTTP_ERROR, code, "the way is blocked");

  return xuncha_sync_policy_judge (error, NULL, stop, reason);
}

/* Each outcome of a request, as docs/protocol.md orders it. */
static void
test_judge (void)
{
  static const struct
  {
    long              status;
    gboolean          mark;
    XunchaSyncVerdict verdict;
    int               stop_code;   /* -1: none */
  } answers[] = {
    { 200, TRUE, XUNCHA_SYNC_VERDICT_DONE, -1 },
    { 201, TRUE, XUNCHA_SYNC_VERDICT_DONE, -1 },
    { 200, FALSE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_CAPTIVE },
    { 302, FALSE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_CAPTIVE },
    { 404, FALSE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_CAPTIVE },
    { 401, TRUE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_UNAUTHORIZED },
    { 403, TRUE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_FORBIDDEN },
    { 404, TRUE, XUNCHA_SYNC_VERDICT_ANSWER, -1 },
    { 409, TRUE, XUNCHA_SYNC_VERDICT_ANSWER, -1 },
    { 413, TRUE, XUNCHA_SYNC_VERDICT_ANSWER, -1 },
    { 422, TRUE, XUNCHA_SYNC_VERDICT_ANSWER, -1 },
    /* Busy or down, with or without the office's mark (a proxy in the way). */
    { 408, TRUE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { 429, TRUE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { 500, TRUE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { 502, FALSE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { 503, FALSE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { 504, TRUE, XUNCHA_SYNC_VERDICT_RETRY, -1 },
  };
  static const struct
  {
    XunchaHttpError   code;
    XunchaSyncVerdict verdict;
    int               stop_code;
  } errors[] = {
    { XUNCHA_HTTP_ERROR_NETWORK, XUNCHA_SYNC_VERDICT_RETRY, -1 },
    { XUNCHA_HTTP_ERROR_TLS, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_TLS },
    { XUNCHA_HTTP_ERROR_PIN, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_PIN },
    { XUNCHA_HTTP_ERROR_CANCELLED, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_CANCELLED },
    { XUNCHA_HTTP_ERROR_TOO_LARGE, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_PROTOCOL },
    { XUNCHA_HTTP_ERROR_CONFIG, XUNCHA_SYNC_VERDICT_STOP, XUNCHA_SYNC_ERROR_CONFIG },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) stop = NULL;
      g_autofree char *reason = NULL;
      XunchaSyncVerdict verdict = judge_answer (answers[i].status, answers[i].mark, NULL,
                                                &stop, &reason);

      g_test_message ("status %ld, mark %d", answers[i].status, answers[i].mark);
      g_assert_cmpint (verdict, ==, answers[i].verdict);
      if (answers[i].stop_code >= 0)
        g_assert_error (stop, XUNCHA_SYNC_ERROR, answers[i].stop_code);
      else
        g_assert_no_error (stop);
      g_assert_true ((reason != NULL) == (verdict == XUNCHA_SYNC_VERDICT_RETRY));
    }
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr(GError) stop = NULL;
      g_autofree char *reason = NULL;
      XunchaSyncVerdict verdict = judge_error (errors[i].code, &stop, &reason);

      g_assert_cmpint (verdict, ==, errors[i].verdict);
      if (errors[i].stop_code >= 0)
        {
          g_assert_error (stop, XUNCHA_SYNC_ERROR, errors[i].stop_code);
          /* What happened stays in the words the user reads (a cancel is the user's). */
          if (errors[i].code != XUNCHA_HTTP_ERROR_CANCELLED)
            g_assert_nonnull (strstr (stop->message, "the way is blocked"));
        }
      else
        g_assert_cmpstr (reason, ==, "the way is blocked");
    }
}

/* The office's own words go into what the user reads. */
static void
test_judge_message (void)
{
  g_autoptr(GError) stop = NULL;
  g_autofree char *reason = NULL;

  g_assert_cmpint (judge_answer (403, TRUE,
                                 "{\"error\":{\"code\":\"forbidden\",\"message\":\"officer "
                                 "suspended\"}}", &stop, &reason),
                   ==, XUNCHA_SYNC_VERDICT_STOP);
  g_assert_error (stop, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (stop->message, "officer suspended"));
  g_clear_error (&stop);

  g_assert_cmpint (judge_answer (503, TRUE, NULL, &stop, &reason), ==,
                   XUNCHA_SYNC_VERDICT_RETRY);
  g_assert_nonnull (strstr (reason, "503"));
}

/* The tries of one request: full jitter under the cap, the office's Retry-After never cut
 * short, and the stop after the last try or a wait longer than the cap. */
static void
test_next_try (void)
{
  XunchaSyncPolicy policy;
  gint64 delay;

  xuncha_sync_policy_init (&policy);
  g_assert_cmpuint (policy.base_ms, ==, 2000);
  g_assert_cmpuint (policy.cap_ms, ==, 10 * 60 * 1000);
  g_assert_cmpuint (policy.max_attempts, ==, 5);

  for (guint attempt = 0; attempt < 12; attempt++)
    for (guint i = 0; i < 50; i++)
      {
        gint64 ceiling = MIN ((gint64)policy.cap_ms, (gint64)policy.base_ms << attempt);
        gint64 backoff = xuncha_sync_policy_backoff_ms (&policy, attempt);

        g_assert_cmpint (backoff, >=, 0);
        g_assert_cmpint (backoff, <=, ceiling);
      }

  for (guint attempt = 0; attempt + 1 < policy.max_attempts; attempt++)
    {
      g_assert_true (xuncha_sync_policy_next_try (&policy, attempt, -1, &delay));
      g_assert_cmpint (delay, <=, (gint64)policy.base_ms << attempt);
    }
  /* The last try: the rest waits for the next sync, due after the backoff. */
  g_assert_false (xuncha_sync_policy_next_try (&policy, policy.max_attempts - 1, -1, &delay));
  g_assert_cmpint (delay, >=, 0);

  g_assert_true (xuncha_sync_policy_next_try (&policy, 0, 90 * 1000, &delay));
  g_assert_cmpint (delay, ==, 90 * 1000);
  g_assert_false (xuncha_sync_policy_next_try (&policy, 0, policy.cap_ms + 1, &delay));
  g_assert_cmpint (delay, ==, policy.cap_ms + 1);

  policy.max_attempts = 1;
  g_assert_false (xuncha_sync_policy_next_try (&policy, 0, -1, &delay));
}

/* Whole syncs the app starts by itself: after an office out of reach or items that wait,
 * when the first item is due, else with growing jitter; never sooner than a second. */
static void
test_resync (void)
{
  g_autoptr(GError) network = g_error_new_literal (XUNCHA_SYNC_ERROR,
                                                   XUNCHA_SYNC_ERROR_NETWORK, "gone");
  g_autoptr(GError) revoked = g_error_new_literal (XUNCHA_SYNC_ERROR,
                                                   XUNCHA_SYNC_ERROR_UNAUTHORIZED, "revoked");
  g_autoptr(XunchaSyncResult) result = xuncha_sync_result_new ();
  XunchaSyncPolicy policy;
  gint64 now = 1700000000000;

  g_assert_true (xuncha_sync_policy_should_resync (network, NULL));
  g_assert_false (xuncha_sync_policy_should_resync (revoked, NULL));
  g_assert_false (xuncha_sync_policy_should_resync (NULL, NULL));
  g_assert_false (xuncha_sync_policy_should_resync (NULL, result));
  result->deferred = 1;
  g_assert_true (xuncha_sync_policy_should_resync (NULL, result));
  result->deferred = 0;
  result->stopped = g_error_copy (network);
  g_assert_true (xuncha_sync_policy_should_resync (NULL, result));

  xuncha_sync_policy_init (&policy);
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, now + 5000, now, 1), ==, 5000);
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, now - 5000, now, 1), ==, 1000);
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, now + 3600 * 1000, now, 1), ==,
                   policy.cap_ms);
  for (guint failures = 1; failures < 20; failures++)
    {
      gint64 ceiling = MIN ((gint64)policy.cap_ms, (gint64)policy.base_ms << MIN (failures, 16));
      gint64 delay = xuncha_sync_policy_resync_delay_ms (&policy, -1, now, failures);

      g_assert_cmpint (delay, >=, ceiling / 2);
      g_assert_cmpint (delay, <=, ceiling);
    }

  /* A test's short cap does not make a busy loop of it. */
  policy.base_ms = 10;
  policy.cap_ms = 20;
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, -1, now, 3), ==, 1000);
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, now + 10, now, 3), ==, 1000);
  g_assert_cmpint (xuncha_sync_policy_resync_delay_ms (&policy, now + 500, now, 3), ==, 1000);
}

/* The engine keeps the policy it is given, for the app to read back. */
static void
test_engine_policy (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xuncha-policy-XXXXXX", NULL);
  g_autoptr(XunchaSync) sync = xuncha_sync_new (dir);
  XunchaSyncPolicy policy, back;

  xuncha_sync_get_policy (sync, &back);
  g_assert_cmpuint (back.base_ms, ==, XUNCHA_SYNC_POLICY_BASE_MS);
  g_assert_cmpuint (back.cap_ms, ==, XUNCHA_SYNC_POLICY_CAP_MS);
  g_assert_cmpuint (back.max_attempts, ==, XUNCHA_SYNC_POLICY_MAX_ATTEMPTS);

  policy.base_ms = 20;
  policy.cap_ms = 2000;
  policy.max_attempts = 0;
  xuncha_sync_set_policy (sync, &policy);
  xuncha_sync_get_policy (sync, &back);
  g_assert_cmpuint (back.base_ms, ==, 20);
  g_assert_cmpuint (back.cap_ms, ==, 2000);
  g_assert_cmpuint (back.max_attempts, ==, 1);

  xuncha_sync_set_backoff (sync, 100, 200);
  xuncha_sync_set_max_attempts (sync, 3);
  xuncha_sync_get_policy (sync, &back);
  g_assert_cmpuint (back.base_ms, ==, 100);
  g_assert_cmpuint (back.cap_ms, ==, 200);
  g_assert_cmpuint (back.max_attempts, ==, 3);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync-policy/judge", test_judge);
  g_test_add_func ("/sync-policy/judge-message", test_judge_message);
  g_test_add_func ("/sync-policy/next-try", test_next_try);
  g_test_add_func ("/sync-policy/resync", test_resync);
  g_test_add_func ("/sync-policy/engine", test_engine_policy);
  return g_test_run ();
}
