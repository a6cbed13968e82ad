/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-camera.h"
#include "xuncha-camera-portal.h"

/* The camera portal's side of the conversation, on the test's private session bus
 * (dbus-run-session): the system's xdg-desktop-portal needs a desktop session, PipeWire
 * and a permission store, none of which a test machine has. It plays what the portal
 * does: IsCameraPresent, AccessCamera answered later by a Response signal on the request
 * object (the user's dialog), Request.Close, and OpenPipeWireRemote handing out a
 * descriptor. */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Camera'>"
  "    <method name='AccessCamera'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='OpenPipeWireRemote'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='h' name='fd' direction='out'/>"
  "    </method>"
  "    <property name='IsCameraPresent' type='b' access='read'/>"
  "  </interface>"
  "</node>";

static const char request_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Request'>"
  "    <method name='Close'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *connection;   /* the portal's own, apart from the app's */
  GDBusNodeInfo   *portal_info;
  GDBusNodeInfo   *request_info;
  guint            owner;
  guint            portal_object;
  guint            request_object;
  gboolean         camera_present;
  char            *request_path;  /* the open dialog's, once asked */
  gboolean         closed;        /* the app closed the dialog */
  int              pipe[2];       /* what OpenPipeWireRemote hands out: pipe[0] */
  gboolean         named;
} Portal;

static void
on_request_call (GDBusConnection       *connection,
                 const char            *sender,
                 const char            *object_path,
                 const char            *interface_name,
                 const char            *method_name,
                 GVariant              *parameters,
                 GDBusMethodInvocation *invocation,
                 gpointer               user_data)
{
  Portal *portal = user_data;

  portal->closed = TRUE;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable request_vtable = { on_request_call, NULL, NULL, { 0 } };

static void
on_portal_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  Portal *portal = user_data;

  if (g_str_equal (method_name, "AccessCamera"))
    {
      g_autoptr(GVariant) options = NULL;
      const char *token = NULL;
      g_autofree char *caller = g_strdup (sender + 1);

      g_variant_get (parameters, "(@a{sv})", &options);
      g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
      g_strdelimit (caller, ".", '_');
      portal->request_path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s",
                                              caller, token);
      portal->request_object =
        g_dbus_connection_register_object (connection, portal->request_path,
                                           portal->request_info->interfaces[0],
                                           &request_vtable, portal, NULL, NULL);
      g_assert_cmpuint (portal->request_object, !=, 0);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(o)", portal->request_path));
    }
  else
    {
      g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
      int handle = g_unix_fd_list_append (fds, portal->pipe[0], NULL);

      g_dbus_method_invocation_return_value_with_unix_fd_list (invocation,
                                                               g_variant_new ("(h)", handle),
                                                               fds);
    }
}

static GVariant *
on_portal_property (GDBusConnection  *connection,
                    const char       *sender,
                    const char       *object_path,
                    const char       *interface_name,
                    const char       *property_name,
                    GError          **error,
                    gpointer          user_data)
{
  Portal *portal = user_data;

  return g_variant_new_boolean (portal->camera_present);
}

static const GDBusInterfaceVTable portal_vtable = { on_portal_call, on_portal_property, NULL,
                                                    { 0 } };

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Portal *portal = user_data;

  portal->named = TRUE;
}

static Portal *
portal_new (gboolean camera_present)
{
  Portal *portal = g_new0 (Portal, 1);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (address);
  portal->connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
    | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  portal->camera_present = camera_present;
  g_assert_cmpint (pipe (portal->pipe), ==, 0);
  portal->portal_info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_assert_no_error (error);
  portal->request_info = g_dbus_node_info_new_for_xml (request_xml, &error);
  g_assert_no_error (error);
  portal->portal_object =
    g_dbus_connection_register_object (portal->connection, "/org/freedesktop/portal/desktop",
                                       portal->portal_info->interfaces[0], &portal_vtable,
                                       portal, NULL, &error);
  g_assert_no_error (error);
  portal->owner = g_bus_own_name_on_connection (portal->connection,
                                                "org.freedesktop.portal.Desktop",
                                                G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
                                                NULL, portal, NULL);
  while (!portal->named)
    g_main_context_iteration (NULL, TRUE);
  return portal;
}

static void
portal_free (Portal *portal)
{
  g_bus_unown_name (portal->owner);
  g_dbus_connection_unregister_object (portal->connection, portal->portal_object);
  if (portal->request_object != 0)
    g_dbus_connection_unregister_object (portal->connection, portal->request_object);
  g_dbus_connection_close_sync (portal->connection, NULL, NULL);
  g_object_unref (portal->connection);
  g_dbus_node_info_unref (portal->portal_info);
  g_dbus_node_info_unref (portal->request_info);
  close (portal->pipe[0]);
  close (portal->pipe[1]);
  g_free (portal->request_path);
  g_free (portal);
}

/* The user's answer in the dialog: 0 allowed, 1 cancelled, 2 other. */
static void
portal_answer (Portal *portal,
               guint   response)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (portal->connection, NULL, portal->request_path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(u@a{sv})", response,
                                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                     NULL, 0)),
                                 &error);
  g_assert_no_error (error);
}

typedef struct
{
  gboolean done;
  int      fd;
  GError  *error;
} Opened;

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Opened *opened = user_data;

  opened->fd = xuncha_camera_portal_open_finish (result, &opened->error);
  opened->done = TRUE;
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until *@flag is TRUE (ten seconds at most). */
static void
wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, on_tick, NULL);

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true (*flag);
}

/* Iterates the main context for @ms milliseconds. */
static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, on_tick, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* Allowed: the descriptor handed out by the portal arrives, after the user answered and
 * not before; the dialog's wait runs on the caller's main loop. */
static void
test_allowed (void)
{
  Portal *portal = portal_new (TRUE);
  Opened opened = { FALSE, -1, NULL };
  struct stat mine, got;

  xuncha_camera_portal_open_async (NULL, on_opened, &opened);
  while (portal->request_path == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* The dialog is open: nothing comes back until the user answers. */
  spin (200);
  g_assert_false (opened.done);
  portal_answer (portal, 0);
  wait_for (&opened.done);

  g_assert_no_error (opened.error);
  g_assert_cmpint (opened.fd, >=, 0);
  g_assert_cmpint (fstat (opened.fd, &got), ==, 0);
  g_assert_cmpint (fstat (portal->pipe[0], &mine), ==, 0);
  g_assert_cmpuint (got.st_ino, ==, mine.st_ino);
  close (opened.fd);
  portal_free (portal);
}

static void
test_refused (void)
{
  Portal *portal = portal_new (TRUE);
  Opened opened = { FALSE, -1, NULL };

  xuncha_camera_portal_open_async (NULL, on_opened, &opened);
  while (portal->request_path == NULL)
    g_main_context_iteration (NULL, TRUE);
  portal_answer (portal, 1);
  wait_for (&opened.done);

  g_assert_error (opened.error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_DENIED);
  g_assert_cmpint (opened.fd, ==, -1);
  g_clear_error (&opened.error);
  portal_free (portal);
}

/* Leaving the report while the dialog is open closes the dialog. */
static void
test_cancelled (void)
{
  Portal *portal = portal_new (TRUE);
  Opened opened = { FALSE, -1, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  xuncha_camera_portal_open_async (cancellable, on_opened, &opened);
  while (portal->request_path == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  wait_for (&opened.done);
  wait_for (&portal->closed);

  g_assert_error (opened.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&opened.error);
  /* A late answer from the portal changes nothing. */
  portal_answer (portal, 0);
  spin (100);
  portal_free (portal);
}

static void
test_no_camera (void)
{
  Portal *portal = portal_new (FALSE);
  Opened opened = { FALSE, -1, NULL };

  xuncha_camera_portal_open_async (NULL, on_opened, &opened);
  wait_for (&opened.done);

  g_assert_error (opened.error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA);
  g_assert_null (portal->request_path);
  g_clear_error (&opened.error);
  portal_free (portal);
}

static void
test_no_portal (void)
{
  Opened opened = { FALSE, -1, NULL };

  xuncha_camera_portal_open_async (NULL, on_opened, &opened);
  wait_for (&opened.done);

  g_assert_error (opened.error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA);
  g_clear_error (&opened.error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/camera-portal/allowed", test_allowed);
  g_test_add_func ("/camera-portal/refused", test_refused);
  g_test_add_func ("/camera-portal/cancelled", test_cancelled);
  g_test_add_func ("/camera-portal/no-camera", test_no_camera);
  g_test_add_func ("/camera-portal/no-portal", test_no_portal);
  return g_test_run ();
}
