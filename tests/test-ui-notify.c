/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xuncha-application.h"
#include "xuncha-sync-controller.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"

/* The app's desktop notification for what a sync brought from the office: the real app,
 * a device enrolled with the real office over HTTPS, and a notification server played on
 * the test's private session bus (org.freedesktop.Notifications, which GLib's GNotification
 * speaks to outside a sandbox when no org.gtk.Notifications runs). Two tasks and a message
 * raise one notification, in the officer's language; a sync that brings nothing raises
 * none. */

static const char server_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *connection;
  GDBusNodeInfo   *info;
  guint            object;
  guint            owner;
  gboolean         named;
  GPtrArray       *summaries;   /* what each Notify said: "summary|body" */
} Server;

static void
on_server_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *interface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  Server *server = user_data;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL, *body = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (server->summaries, g_strconcat (summary, "|", body, NULL));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", server->summaries->len));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "body", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "xuncha", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable server_vtable = { on_server_call, NULL, NULL, { 0 } };

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((Server *)user_data)->named = TRUE;
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (address);
  server->summaries = g_ptr_array_new_with_free_func (g_free);
  server->connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
    | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  server->info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_assert_no_error (error);
  server->object = g_dbus_connection_register_object (server->connection,
                                                      "/org/freedesktop/Notifications",
                                                      server->info->interfaces[0],
                                                      &server_vtable, server, NULL, &error);
  g_assert_no_error (error);
  server->owner = g_bus_own_name_on_connection (server->connection,
                                                "org.freedesktop.Notifications",
                                                G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
                                                NULL, server, NULL);
  while (!server->named)
    g_main_context_iteration (NULL, TRUE);
  return server;
}

static void
server_free (Server *server)
{
  g_bus_unown_name (server->owner);
  g_dbus_connection_unregister_object (server->connection, server->object);
  g_dbus_connection_close_sync (server->connection, NULL, NULL);
  g_object_unref (server->connection);
  g_dbus_node_info_unref (server->info);
  g_ptr_array_unref (server->summaries);
  g_free (server);
}

typedef struct
{
  XunchaApplication *app;
  XunchaTestOffice  *office;
  char              *office_dir;
  Server            *server;
  gboolean           done;
} Fixture;

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Syncs now and waits for the end of it, and for what the bus carries meanwhile. */
static void
sync_and_wait (Fixture *fx)
{
  XunchaSyncController *controller = xuncha_application_get_sync_controller (fx->app);
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, on_timeout, &timed_out);

  g_assert_true (xuncha_sync_controller_sync_now (controller));
  while (xuncha_sync_controller_get_running (controller) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_assert_null (xuncha_sync_controller_get_last_error (controller));
  g_source_remove (id);
}

static void
wait_for_notifications (Fixture *fx,
                        guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, on_timeout, &timed_out);

  while (fx->server->summaries->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
run_notify (Fixture *fx)
{
  gboolean waited = FALSE;

  /* Two tasks and a message from the office: one notification says so. */
  sync_and_wait (fx);
  wait_for_notifications (fx, 1);
  g_assert_cmpuint (fx->server->summaries->len, ==, 1);
  g_assert_cmpstr (fx->server->summaries->pdata[0], ==,
                   "指挥中心来讯|2 个任务有新变化\n1 条新通知");

  /* Nothing new: no notification (the bus is given time to carry one). */
  sync_and_wait (fx);
  g_timeout_add (500, on_timeout, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->server->summaries->len, ==, 1);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_notify, fx);
}

static void
test_notify (void)
{
  XunchaTestCerts *certs;
  g_autofree char *dir = NULL, *code = NULL;
  g_autoptr(GSettings) settings = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, NULL };

  if (!xuncha_ui_test_have_display ())
    return;
  certs = xuncha_test_certs ();
  if (certs == NULL)
    return;
  /* The command-line programs in English, which the helpers read. */
  g_setenv ("LANGUAGE", "en", TRUE);
  dir = xuncha_test_make_tmpdir ();
  fx.office_dir = xuncha_test_make_tmpdir ();
  fx.office = xuncha_test_office_start (fx.office_dir, certs->server_cert, certs->server_key, 0);
  code = xuncha_test_office_add_officer (fx.office_dir, "A001", "T1", FALSE);
  xuncha_test_enroll (dir, fx.office->url, "A001", code, certs->ca);
  for (guint i = 0; i < 2; i++)
    g_free (xuncha_test_office_admin (fx.office_dir, "task", "add", "--kind", "verify",
                                      "--officer", "A001", "--lat", "30.6586", "--lon",
                                      "104.0648", "--radius", "50", "--deadline", "+2h",
                                      "--note", "市民热线：占道", NULL));
  g_free (xuncha_test_office_admin (fx.office_dir, "message", "send", "--officer", "A001",
                                    "--title", "今晚集中整治", "--body", "19:00 陈寿路集合",
                                    NULL));
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  fx.server = server_new ();
  settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (settings, "auto-sync", FALSE);

  argv[2] = dir;
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 3, (char **)argv), ==, 0);
  g_assert_true (fx.done);

  g_clear_object (&fx.app);
  server_free (fx.server);
  g_clear_pointer (&fx.office, xuncha_test_office_free);
  xuncha_test_remove_tree (dir);
  xuncha_test_remove_tree (fx.office_dir);
  g_free (fx.office_dir);
}

int
main (int    argc,
      char **argv)
{
  /* The language before anything translates (GLib decides once, at the first string). */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/notify/office-news", test_notify);

  return g_test_run ();
}
