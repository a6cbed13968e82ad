/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include "xuncha-sync-controller.h"
#include "xuncha-test-device.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* The app's automatic sync against a real xuncha-office: the network coming back starts
 * a sync of an enrolled device; a sync that could not reach the office is tried again by
 * itself later; a network change during a sync waits for it (never two at once); with
 * the setting off nothing starts. */

typedef struct
{
  XunchaSyncController *controller;
  guint                 started;
  guint                 finished;
  guint                 automatic;
} Counts;

static void
on_started (XunchaSyncController *controller,
            gboolean              automatic,
            Counts               *counts)
{
  /* Never two at once. */
  g_assert_cmpuint (counts->started, ==, counts->finished);
  counts->started++;
  if (automatic)
    counts->automatic++;
}

static void
on_finished (XunchaSyncController *controller,
             Counts               *counts)
{
  counts->finished++;
}

static void
wait_for_finished (Counts *counts,
                   guint   n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (counts->finished < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts->finished, >=, n);
}

static void
network_changed (gboolean available)
{
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", available);
}

static void
test_automatic_sync (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *office_dir = NULL, *device_dir = NULL, *code = NULL, *uuid = NULL;
  g_autofree char *state = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaStoreWorker) worker = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(XunchaSyncController) controller = NULL;
  g_autoptr(GError) error = NULL;
  XunchaSync *engine;
  Counts counts = { 0 };

  if (certs == NULL)
    return;
  office_dir = xuncha_test_make_tmpdir ();
  device_dir = xuncha_test_make_tmpdir ();
  office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
  code = xuncha_test_office_add_officer (office_dir, "A001", "T1", FALSE);
  xuncha_test_enroll (device_dir, office->url, "A001", code, certs->ca);
  store = xuncha_store_open (device_dir, &error);
  g_assert_no_error (error);
  uuid = xuncha_test_device_add_report (store, 1, 20000);

  settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (settings, "auto-sync", TRUE);
  worker = xuncha_store_worker_new (device_dir);
  controller = xuncha_sync_controller_new (store, worker, settings);
  xuncha_sync_controller_set_debounce (controller, 20);
  engine = xuncha_sync_controller_get_engine (controller);
  xuncha_sync_set_backoff (engine, 10, 20);
  xuncha_sync_set_max_attempts (engine, 2);
  g_signal_connect (controller, "started", G_CALLBACK (on_started), &counts);
  g_signal_connect (controller, "finished", G_CALLBACK (on_finished), &counts);

  /* The network goes: nothing waits to start. */
  network_changed (FALSE);
  g_assert_false (xuncha_sync_controller_get_scheduled (controller));

  /* It comes back while the office is down: a sync starts by itself, cannot reach the
   * office, and a later try is scheduled by itself. */
  xuncha_test_office_stop (office, SIGTERM);
  network_changed (TRUE);
  g_assert_true (xuncha_sync_controller_get_scheduled (controller));
  wait_for_finished (&counts, 1);
  g_assert_cmpuint (counts.automatic, ==, 1);
  g_assert_error (xuncha_sync_controller_get_last_error (controller), XUNCHA_SYNC_ERROR,
                  XUNCHA_SYNC_ERROR_NETWORK);
  g_assert_true (xuncha_sync_controller_get_scheduled (controller));
  state = xuncha_outbox_get_state (store, "report", uuid);
  g_assert_cmpstr (state, ==, "waiting");

  /* The office is back: the scheduled try sends the report without anyone asking. */
  xuncha_test_office_restart (office);
  wait_for_finished (&counts, 2);
  g_assert_cmpuint (counts.automatic, ==, 2);
  g_assert_no_error (xuncha_sync_controller_get_last_error (controller));
  g_clear_pointer (&state, g_free);
  state = xuncha_outbox_get_state (store, "report", uuid);
  g_assert_cmpstr (state, ==, "acked");
  g_assert_false (xuncha_sync_controller_get_scheduled (controller));

  /* A network change during a sync the user asked for: answered after it, not beside. */
  g_clear_pointer (&uuid, g_free);
  uuid = xuncha_test_device_add_report (store, 1, 20000);
  g_assert_true (xuncha_sync_controller_sync_now (controller));
  g_assert_false (xuncha_sync_controller_sync_now (controller));
  network_changed (TRUE);
  wait_for_finished (&counts, 4);
  g_assert_cmpuint (counts.started, ==, 4);
  g_assert_cmpuint (counts.automatic, ==, 3);
  g_assert_no_error (xuncha_sync_controller_get_last_error (controller));
  g_clear_pointer (&state, g_free);
  state = xuncha_outbox_get_state (store, "report", uuid);
  g_assert_cmpstr (state, ==, "acked");

  /* With the setting off the network is not a reason to sync. */
  g_settings_set_boolean (settings, "auto-sync", FALSE);
  network_changed (TRUE);
  g_assert_false (xuncha_sync_controller_get_scheduled (controller));
  {
    gint64 until = g_get_monotonic_time () + 300 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (counts.started, ==, 4);

  g_clear_object (&controller);
  g_clear_object (&store);
  g_clear_pointer (&office, xuncha_test_office_free);
  xuncha_test_remove_tree (device_dir);
  xuncha_test_remove_tree (office_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-controller/automatic", test_automatic_sync);

  return g_test_run ();
}
