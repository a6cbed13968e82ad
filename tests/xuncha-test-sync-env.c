/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include "xuncha-store-private.h"
#include "xuncha-test-sync-env.h"
#include "xuncha-test-util.h"

XunchaTestSyncEnv *
xuncha_test_sync_env_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  XunchaTestCerts *certs = xuncha_test_certs ();
  XunchaTestSyncEnv *env;

  if (certs == NULL)
    return NULL;
  env = g_new0 (XunchaTestSyncEnv, 1);
  env->certs = certs;
  env->office_dir = xuncha_test_make_tmpdir ();
  env->device_dir = xuncha_test_make_tmpdir ();
  env->office = xuncha_test_office_start (env->office_dir, certs->server_cert,
                                          certs->server_key, 0);
  code = xuncha_test_office_add_officer (env->office_dir, "A001", "T1", FALSE);
  xuncha_test_enroll (env->device_dir, env->office->url, "A001", code, certs->ca);
  env->store = xuncha_store_open (env->device_dir, &error);
  g_assert_no_error (error);
  return env;
}

void
xuncha_test_sync_env_free (XunchaTestSyncEnv *env)
{
  if (env == NULL)
    return;
  g_clear_pointer (&env->proxy, xuncha_fault_proxy_free);
  g_clear_object (&env->store);
  g_clear_pointer (&env->office, xuncha_test_office_free);
  xuncha_test_remove_tree (env->office_dir);
  xuncha_test_remove_tree (env->device_dir);
  if (env->other_dir != NULL)
    xuncha_test_remove_tree (env->other_dir);
  g_free (env->office_dir);
  g_free (env->device_dir);
  g_free (env->other_dir);
  g_free (env);
}

void
xuncha_test_sync_env_add_other (XunchaTestSyncEnv *env)
{
  g_autofree char *code = xuncha_test_office_add_officer (env->office_dir, "B001", "T1", FALSE);

  env->other_dir = xuncha_test_make_tmpdir ();
  xuncha_test_enroll (env->other_dir, env->office->url, "B001", code, env->certs->ca);
}

void
xuncha_test_sync_env_use_proxy (XunchaTestSyncEnv *env)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate =
    g_tls_certificate_new_from_files (env->certs->server_cert, env->certs->server_key, &error);
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  env->proxy = xuncha_fault_proxy_new (env->office->port, certificate);
  url = g_strdup_printf ("https://127.0.0.1:%u/", xuncha_fault_proxy_get_port (env->proxy));
  xuncha_store_set_meta (env->store, "sync.server", url, &error);
  g_assert_no_error (error);
}

XunchaSync *
xuncha_test_fast_sync (const char *device_dir,
                       guint       max_attempts)
{
  XunchaSync *sync = xuncha_sync_new (device_dir);

  /* Real policy, shorter clock: the tests must not wait minutes. */
  xuncha_sync_set_backoff (sync, 20, 2000);
  xuncha_sync_set_max_attempts (sync, max_attempts);
  xuncha_sync_set_low_speed (sync, 1024, 1);
  return sync;
}

typedef struct
{
  XunchaTestOffice *office;
  guint             after;
  gboolean          killed;
  gboolean          restarted;
} Restart;

static gboolean
restart_office (gpointer data)
{
  Restart *r = data;

  xuncha_test_office_restart (r->office);
  r->restarted = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_progress_kill (XunchaSync *sync,
                  guint       done,
                  guint       total,
                  guint64     bytes,
                  guint64     bytes_total,
                  gpointer    user_data)
{
  Restart *r = user_data;

  if (!r->killed && done >= r->after)
    {
      r->killed = TRUE;
      xuncha_test_office_stop (r->office, SIGKILL);
      g_timeout_add (300, restart_office, r);
    }
}

XunchaSyncResult *
xuncha_test_sync_env_sync_through_restart (XunchaTestSyncEnv *env,
                                           guint              after)
{
  g_autoptr(XunchaSync) sync = xuncha_test_fast_sync (env->device_dir, 40);
  g_autoptr(GError) error = NULL;
  Restart r = { env->office, after };
  XunchaSyncResult *result;

  g_signal_connect (sync, "progress", G_CALLBACK (on_progress_kill), &r);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r.killed);
  while (!r.restarted)
    g_main_context_iteration (NULL, TRUE);
  return result;
}
