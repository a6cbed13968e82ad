/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gclue-enums.h>
#include <math.h>

#include "xuncha-core.h"
#include "xuncha-test-util.h"

#define FIX(fixes, i) (&g_array_index ((fixes), XunchaFix, (i)))

typedef struct
{
  GMainLoop *loop;
  GArray    *fixes;
  GArray    *states;
  guint      stop_after;
} Listener;

static void
on_fix (XunchaLocationSource *source,
        const XunchaFix      *fix,
        Listener             *listener)
{
  g_array_append_vals (listener->fixes, fix, 1);
  if (listener->stop_after > 0 && listener->fixes->len == listener->stop_after)
    xuncha_location_source_stop (source);
}

static void
on_state (XunchaLocationSource *source,
          GParamSpec           *pspec,
          Listener             *listener)
{
  XunchaLocationState state = xuncha_location_source_get_state (source);

  g_array_append_val (listener->states, state);
  if (state == XUNCHA_LOCATION_STATE_FINISHED || state == XUNCHA_LOCATION_STATE_UNAVAILABLE)
    g_main_loop_quit (listener->loop);
}

static gboolean
on_guard (gpointer user_data)
{
  g_error ("the location source neither finished nor gave up: it hangs");
  return G_SOURCE_REMOVE;
}

static void
listen (XunchaLocationSource *source,
        Listener             *listener)
{
  guint guard;

  listener->loop = g_main_loop_new (NULL, FALSE);
  listener->fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  listener->states = g_array_new (FALSE, FALSE, sizeof (XunchaLocationState));
  g_signal_connect (source, "fix", G_CALLBACK (on_fix), listener);
  g_signal_connect (source, "notify::state", G_CALLBACK (on_state), listener);
  /* Only a safety net against a hang; no test asserts on how long anything takes. */
  guard = g_timeout_add_seconds (20, on_guard, NULL);
  xuncha_location_source_start (source);
  if (xuncha_location_source_get_state (source) != XUNCHA_LOCATION_STATE_FINISHED)
    g_main_loop_run (listener->loop);
  g_source_remove (guard);
  g_signal_handlers_disconnect_by_data (source, listener);
}

static void
listener_clear (Listener *listener)
{
  g_clear_pointer (&listener->loop, g_main_loop_unref);
  g_clear_pointer (&listener->fixes, g_array_unref);
  g_clear_pointer (&listener->states, g_array_unref);
}

static GArray *
fixture_fixes (void)
{
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/mixed.nmea");
  g_autoptr(GError) error = NULL;
  GArray *fixes = xuncha_track_file_load (path, NULL, &error);

  g_assert_no_error (error);
  return fixes;
}

static void
test_replay_plays_everything (void)
{
  g_autoptr(GArray) fixes = fixture_fixes ();
  const double speeds[] = { 50.0, 0.0 };

  for (guint s = 0; s < G_N_ELEMENTS (speeds); s++)
    {
      g_autoptr(XunchaReplaySource) source =
        xuncha_replay_source_new ((const XunchaFix *)(const void *)fixes->data, fixes->len,
                                  speeds[s]);
      Listener listener = { 0 };

      g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                       XUNCHA_LOCATION_STATE_IDLE);
      listen (XUNCHA_LOCATION_SOURCE (source), &listener);

      g_assert_cmpuint (listener.fixes->len, ==, fixes->len);
      for (guint i = 0; i < fixes->len; i++)
        g_assert_cmpmem (FIX (listener.fixes, i), sizeof (XunchaFix), FIX (fixes, i),
                         sizeof (XunchaFix));
      g_assert_cmpuint (listener.states->len, ==, 3);
      g_assert_cmpint (g_array_index (listener.states, XunchaLocationState, 0), ==,
                       XUNCHA_LOCATION_STATE_STARTING);
      g_assert_cmpint (g_array_index (listener.states, XunchaLocationState, 1), ==,
                       XUNCHA_LOCATION_STATE_ACTIVE);
      g_assert_cmpint (g_array_index (listener.states, XunchaLocationState, 2), ==,
                       XUNCHA_LOCATION_STATE_FINISHED);
      g_assert_cmpuint (xuncha_replay_source_get_position (source), ==, fixes->len);
      g_assert_null (xuncha_location_source_dup_unavailable_reason (XUNCHA_LOCATION_SOURCE (source)));
      listener_clear (&listener);
    }
}

static void
test_replay_stops (void)
{
  g_autoptr(GArray) fixes = fixture_fixes ();
  g_autoptr(XunchaReplaySource) source =
    xuncha_replay_source_new ((const XunchaFix *)(const void *)fixes->data, fixes->len, 0);
  Listener listener = { .stop_after = 3 };

  listen (XUNCHA_LOCATION_SOURCE (source), &listener);
  g_assert_cmpuint (listener.fixes->len, ==, 3);
  g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                   XUNCHA_LOCATION_STATE_FINISHED);
  listener_clear (&listener);
}

/* The demo stops the replay once a report taken before the shift no longer needs it and
 * starts it again for the shift: the second start must play again, not stay frozen. */
static void
test_replay_restarts (void)
{
  g_autoptr(GArray) fixes = fixture_fixes ();
  g_autoptr(XunchaReplaySource) source =
    xuncha_replay_source_new ((const XunchaFix *)(const void *)fixes->data, fixes->len, 0);
  Listener stopped = { .stop_after = 3 };
  Listener played_out = { 0 };
  Listener again = { 0 };

  listen (XUNCHA_LOCATION_SOURCE (source), &stopped);
  g_assert_cmpuint (stopped.fixes->len, ==, 3);

  listen (XUNCHA_LOCATION_SOURCE (source), &played_out);
  g_assert_cmpuint (played_out.fixes->len, ==, fixes->len);
  g_assert_cmpmem (FIX (played_out.fixes, 0), sizeof (XunchaFix), FIX (fixes, 0),
                   sizeof (XunchaFix));

  /* And once more after it reached its end by itself. */
  listen (XUNCHA_LOCATION_SOURCE (source), &again);
  g_assert_cmpuint (again.fixes->len, ==, fixes->len);
  g_assert_cmpuint (xuncha_replay_source_get_position (source), ==, fixes->len);
  g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                   XUNCHA_LOCATION_STATE_FINISHED);
  listener_clear (&stopped);
  listener_clear (&played_out);
  listener_clear (&again);
}

static void
test_replay_from_file (void)
{
  g_autofree char *path = xuncha_test_source_path ("tests/fixtures/jump-1.0.gpx");
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReplaySource) source = xuncha_replay_source_new_from_file (path, 100, &error);
  g_autoptr(XunchaReplaySource) missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (xuncha_replay_source_get_n_fixes (source), ==, 25);
  missing = xuncha_replay_source_new_from_file ("/nonexistent.nmea", 1, &error);
  g_assert_null (missing);
  g_assert_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_READ);
}

/* ---- GeoClue: each case in its own process, since GIO keeps one system bus ---- */

static char *
geoclue_give_up (guint answer_timeout_ms)
{
  g_autoptr(XunchaGeoclueSource) source = xuncha_geoclue_source_new (NULL);
  Listener listener = { 0 };
  char *reason;
  const char *slowdown = g_getenv ("XUNCHA_TEST_SLOWDOWN");
  guint factor = slowdown != NULL ? (guint)g_ascii_strtoull (slowdown, NULL, 10) : 1;

  /* 0: the default answer timeout of one second, stretched like every delay of the tests
   * when they run emulated or sanitized (XUNCHA_TEST_SLOWDOWN), where the bus connection
   * takes longer than that to fail or to say the service is missing. */
  if (answer_timeout_ms == 0 && factor > 1)
    answer_timeout_ms = 1000 * factor;
  if (answer_timeout_ms > 0)
    xuncha_geoclue_source_set_answer_timeout (source, answer_timeout_ms);
  listen (XUNCHA_LOCATION_SOURCE (source), &listener);
  g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                   XUNCHA_LOCATION_STATE_UNAVAILABLE);
  g_assert_cmpint (g_array_index (listener.states, XunchaLocationState, 0), ==,
                   XUNCHA_LOCATION_STATE_STARTING);
  g_assert_cmpuint (listener.fixes->len, ==, 0);
  reason = xuncha_location_source_dup_unavailable_reason (XUNCHA_LOCATION_SOURCE (source));
  g_assert_nonnull (reason);
  g_assert_true (g_str_has_prefix (reason, "Location service unavailable"));
  xuncha_location_source_stop (XUNCHA_LOCATION_SOURCE (source));
  g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                   XUNCHA_LOCATION_STATE_FINISHED);
  listener_clear (&listener);
  return reason;
}

static void
test_geoclue_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *reason = NULL;

      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/xuncha-test/bus", TRUE);
      /* The default answer timeout of one second stays in force: the missing bus must be
       * reported by the connection failure itself, before that timer. */
      reason = geoclue_give_up (0);
      g_test_message ("%s", reason);
      g_assert_null (strstr (reason, "does not answer"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_geoclue_no_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autofree char *reason = NULL;

      g_test_dbus_up (bus);
      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
      reason = geoclue_give_up (0);
      g_test_message ("%s", reason);
      g_assert_nonnull (strstr (reason, "GeoClue is not installed or not running"));
      g_test_dbus_down (bus);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static GDBusMessage *
swallow_calls (GDBusConnection *connection,
               GDBusMessage    *message,
               gboolean         incoming,
               gpointer         user_data)
{
  /* A service that takes the name and never answers. */
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_object_unref (message);
      return NULL;
    }
  return message;
}

static void
test_geoclue_not_answering (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autoptr(GDBusConnection) mute = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *reason = NULL;

      g_test_dbus_up (bus);
      mute = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                     | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                     NULL, NULL, &error);
      g_assert_no_error (error);
      g_dbus_connection_add_filter (mute, swallow_calls, NULL, NULL);
      reply = g_dbus_connection_call_sync (mute, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "RequestName",
                                           g_variant_new ("(su)", "org.freedesktop.GeoClue2", 0),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

      reason = geoclue_give_up (200);
      g_test_message ("%s", reason);
      g_assert_nonnull (strstr (reason, "does not answer"));
      g_dbus_connection_close_sync (mute, NULL, NULL);
      g_test_dbus_down (bus);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A GeoClue service of the test's own on a private system bus: it hands out one client and
 * keeps what the source asks of it, so the test reads the accuracy level the source
 * requests. It never sends a position (the source stays starting). */
static const char fake_geoclue_xml[] =
  "<node>"
  " <interface name='org.freedesktop.GeoClue2.Manager'>"
  "  <property name='InUse' type='b' access='read'/>"
  "  <property name='AvailableAccuracyLevel' type='u' access='read'/>"
  "  <method name='GetClient'><arg name='client' type='o' direction='out'/></method>"
  "  <method name='CreateClient'><arg name='client' type='o' direction='out'/></method>"
  "  <method name='DeleteClient'><arg name='client' type='o' direction='in'/></method>"
  " </interface>"
  " <interface name='org.freedesktop.GeoClue2.Client'>"
  "  <property name='Location' type='o' access='read'/>"
  "  <property name='DistanceThreshold' type='u' access='readwrite'/>"
  "  <property name='TimeThreshold' type='u' access='readwrite'/>"
  "  <property name='DesktopId' type='s' access='readwrite'/>"
  "  <property name='RequestedAccuracyLevel' type='u' access='readwrite'/>"
  "  <property name='Active' type='b' access='read'/>"
  "  <method name='Start'/>"
  "  <method name='Stop'/>"
  "  <signal name='LocationUpdated'><arg name='old' type='o'/><arg name='new' type='o'/></signal>"
  " </interface>"
  "</node>";

#define FAKE_CLIENT_PATH "/org/freedesktop/GeoClue2/Client/1"

typedef struct
{
  guint    requested_accuracy;   /* 0 until the source sets it */
  char    *desktop_id;
  gboolean started;
  gboolean stopped;
} FakeGeoclue;

static void
fake_geoclue_call (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *path,
                   const char            *interface,
                   const char            *method,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  FakeGeoclue *fake = user_data;

  if (g_str_equal (method, "GetClient") || g_str_equal (method, "CreateClient"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", FAKE_CLIENT_PATH));
  else
    {
      if (g_str_equal (method, "Start"))
        fake->started = TRUE;
      else if (g_str_equal (method, "Stop"))
        fake->stopped = TRUE;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static GVariant *
fake_geoclue_get (GDBusConnection  *connection,
                  const char       *sender,
                  const char       *path,
                  const char       *interface,
                  const char       *property,
                  GError          **error,
                  gpointer          user_data)
{
  FakeGeoclue *fake = user_data;

  if (g_str_equal (property, "InUse") || g_str_equal (property, "Active"))
    return g_variant_new_boolean (fake->started && !fake->stopped);
  if (g_str_equal (property, "AvailableAccuracyLevel"))
    return g_variant_new_uint32 (8);
  if (g_str_equal (property, "Location"))
    return g_variant_new_object_path ("/");
  if (g_str_equal (property, "DesktopId"))
    return g_variant_new_string (fake->desktop_id != NULL ? fake->desktop_id : "");
  if (g_str_equal (property, "RequestedAccuracyLevel"))
    return g_variant_new_uint32 (fake->requested_accuracy);
  return g_variant_new_uint32 (0);
}

static gboolean
fake_geoclue_set (GDBusConnection  *connection,
                  const char       *sender,
                  const char       *path,
                  const char       *interface,
                  const char       *property,
                  GVariant         *value,
                  GError          **error,
                  gpointer          user_data)
{
  FakeGeoclue *fake = user_data;

  if (g_str_equal (property, "RequestedAccuracyLevel"))
    fake->requested_accuracy = g_variant_get_uint32 (value);
  else if (g_str_equal (property, "DesktopId"))
    {
      g_free (fake->desktop_id);
      fake->desktop_id = g_variant_dup_string (value, NULL);
    }
  return TRUE;
}

/* The source asks GeoClue for the exact accuracy level (satellite positions, not the
 * street-level guesses of Wi-Fi or cell towers): a shift's track needs it. */
static void
test_geoclue_exact_accuracy (void)
{
  if (g_test_subprocess ())
    {
      static const GDBusInterfaceVTable vtable = { fake_geoclue_call, fake_geoclue_get,
                                                   fake_geoclue_set, { 0 } };
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autoptr(GDBusConnection) service = NULL;
      g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (fake_geoclue_xml, NULL);
      g_autoptr(XunchaGeoclueSource) source = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      FakeGeoclue fake = { 0 };
      gint64 deadline;

      g_assert_nonnull (node);
      g_test_dbus_up (bus);
      service = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                        | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_dbus_connection_register_object (service,
                                                           "/org/freedesktop/GeoClue2/Manager",
                                                           node->interfaces[0], &vtable, &fake,
                                                           NULL, &error), >, 0);
      g_assert_no_error (error);
      g_assert_cmpuint (g_dbus_connection_register_object (service, FAKE_CLIENT_PATH,
                                                           node->interfaces[1], &vtable, &fake,
                                                           NULL, &error), >, 0);
      g_assert_no_error (error);
      reply = g_dbus_connection_call_sync (service, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "RequestName",
                                           g_variant_new ("(su)", "org.freedesktop.GeoClue2", 0),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

      source = xuncha_geoclue_source_new ("io.github.xuncha.Xuncha");
      xuncha_location_source_start (XUNCHA_LOCATION_SOURCE (source));
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (!fake.started && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (fake.started);
      g_test_message ("GeoClue was asked for accuracy level %u by %s", fake.requested_accuracy,
                      fake.desktop_id);
      g_assert_cmpuint (fake.requested_accuracy, ==, GCLUE_ACCURACY_LEVEL_EXACT);
      g_assert_cmpstr (fake.desktop_id, ==, "io.github.xuncha.Xuncha");
      g_assert_cmpint (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source)), ==,
                       XUNCHA_LOCATION_STATE_STARTING);
      xuncha_location_source_stop (XUNCHA_LOCATION_SOURCE (source));
      g_clear_object (&source);
      g_dbus_connection_close_sync (service, NULL, NULL);
      g_free (fake.desktop_id);
      g_test_dbus_down (bus);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT
                                   | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/location/replay-plays-everything", test_replay_plays_everything);
  g_test_add_func ("/location/replay-stops", test_replay_stops);
  g_test_add_func ("/location/replay-restarts", test_replay_restarts);
  g_test_add_func ("/location/replay-from-file", test_replay_from_file);
  g_test_add_func ("/location/geoclue-no-bus", test_geoclue_no_bus);
  g_test_add_func ("/location/geoclue-no-service", test_geoclue_no_service);
  g_test_add_func ("/location/geoclue-exact-accuracy", test_geoclue_exact_accuracy);
  g_test_add_func ("/location/geoclue-not-answering", test_geoclue_not_answering);

  return g_test_run ();
}
