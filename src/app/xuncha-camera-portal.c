/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>

#include "xuncha-camera.h"
#include "xuncha-camera-portal.h"

/* org.freedesktop.portal.Camera, version 1: AccessCamera asks for permission through a
 * Request object that answers with a Response signal; OpenPipeWireRemote then hands out
 * a PipeWire connection that only sees cameras.
 *
 * The app takes this path inside Flatpak; tests/test-camera-portal.c plays the portal on a
 * private session bus. */

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define CAMERA_INTERFACE   "org.freedesktop.portal.Camera"
#define REQUEST_INTERFACE  "org.freedesktop.portal.Request"

/* No portal, an old portal without the camera, or the call failed: for the user this
 * is one thing; the details go to the debug log. */
static GError *
unavailable (const GError *cause)
{
  g_debug ("camera portal: %s", cause != NULL ? cause->message : "no answer");
  return g_error_new_literal (XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA,
                              _("The camera service of this system is not available."));
}

/* The steps run on the caller's main context, each a D-Bus call that answers later: no
 * thread waits while the system's permission dialog is open, however long the user takes. */
typedef struct
{
  GDBusConnection *connection;
  char            *request_path;   /* the AccessCamera request, while it is open */
  guint            subscription;   /* its Response signal */
  GSource         *cancelled;      /* while the user decides */
} Opening;

static void
opening_free (gpointer data)
{
  Opening *opening = data;

  if (opening->subscription != 0)
    g_dbus_connection_signal_unsubscribe (opening->connection, opening->subscription);
  if (opening->cancelled != NULL)
    {
      g_source_destroy (opening->cancelled);
      g_source_unref (opening->cancelled);
    }
  g_clear_object (&opening->connection);
  g_free (opening->request_path);
  g_free (opening);
}

/* The wait for the user's answer is over (answered or cancelled). */
static void
stop_waiting (Opening *opening)
{
  if (opening->subscription != 0)
    g_dbus_connection_signal_unsubscribe (opening->connection, opening->subscription);
  opening->subscription = 0;
  if (opening->cancelled != NULL)
    {
      g_source_destroy (opening->cancelled);
      g_clear_pointer (&opening->cancelled, g_source_unref);
    }
}

static void
on_remote (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  int handle, fd;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds,
                                                           result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply == NULL || fds == NULL)
    {
      g_task_return_error (task, unavailable (error));
      return;
    }
  g_variant_get (reply, "(h)", &handle);
  fd = g_unix_fd_list_get (fds, handle, &error);
  if (fd < 0)
    g_task_return_error (task, unavailable (error));
  else
    g_task_return_int (task, fd);
}

static void
on_response (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Opening *opening = g_task_get_task_data (task);
  guint response = 2;   /* 0 granted, 1 cancelled by the user, 2 other */

  if (opening->subscription == 0)
    return;
  stop_waiting (opening);
  g_free (g_steal_pointer (&opening->request_path));
  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    g_variant_get (parameters, "(u@a{sv})", &response, NULL);
  if (response != 0)
    {
      g_task_return_new_error (task, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_DENIED, "%s",
                               _("Access to the camera was refused. Allow it in the system "
                                 "settings under Privacy, Camera."));
      return;
    }
  g_dbus_connection_call_with_unix_fd_list (connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                                            CAMERA_INTERFACE, "OpenPipeWireRemote",
                                            g_variant_new_parsed ("(@a{sv} {},)"),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, g_task_get_cancellable (task), on_remote,
                                            g_object_ref (task));
}

/* Cancelled while the dialog is open: the portal is told to close it. */
static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Opening *opening = g_task_get_task_data (task);

  if (opening->subscription == 0)
    return G_SOURCE_REMOVE;
  g_dbus_connection_call (opening->connection, PORTAL_BUS_NAME, opening->request_path,
                          REQUEST_INTERFACE, "Close", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, NULL, NULL);
  stop_waiting (opening);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
on_access_asked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL && opening->subscription != 0)
    {
      stop_waiting (opening);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, unavailable (error));
    }
  /* Otherwise the Response signal goes on (it may even have come before this reply). */
}

static void
on_present (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strdup_printf ("xuncha%u", g_random_int ());
  g_autofree char *sender = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GVariantBuilder options;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, unavailable (error));
      return;
    }
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) || !g_variant_get_boolean (value))
    {
      g_task_return_new_error (task, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA, "%s",
                               _("No camera was found on this device."));
      return;
    }

  /* The portal's request object path is known in advance, so the subscription is in
   * place before the call and no answer can be missed. */
  sender = g_strdup (g_dbus_connection_get_unique_name (opening->connection) + 1);
  g_strdelimit (sender, ".", '_');
  opening->request_path = g_strdup_printf ("%s/request/%s/%s", PORTAL_OBJECT_PATH, sender,
                                           token);
  opening->subscription =
    g_dbus_connection_signal_subscribe (opening->connection, PORTAL_BUS_NAME,
                                        REQUEST_INTERFACE, "Response",
                                        opening->request_path, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_response,
                                        g_object_ref (task), g_object_unref);
  /* The user decides in a dialog: no time limit, only cancellation. */
  if (cancellable != NULL)
    {
      opening->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (opening->cancelled, G_SOURCE_FUNC (on_cancelled), task, NULL);
      g_source_attach (opening->cancelled, g_main_context_get_thread_default ());
    }
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_dbus_connection_call (opening->connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          CAMERA_INTERFACE, "AccessCamera",
                          g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_access_asked,
                          g_object_ref (task));
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  opening->connection = g_bus_get_finish (result, &error);
  if (opening->connection == NULL)
    {
      g_task_return_error (task, unavailable (error));
      return;
    }
  g_dbus_connection_call (opening->connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", CAMERA_INTERFACE, "IsCameraPresent"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                          g_task_get_cancellable (task), on_present, g_object_ref (task));
}

gboolean
xuncha_camera_portal_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

void
xuncha_camera_portal_open_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xuncha_camera_portal_open_async);
  g_task_set_task_data (task, g_new0 (Opening, 1), opening_free);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus, g_steal_pointer (&task));
}

int
xuncha_camera_portal_open_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == xuncha_camera_portal_open_async, -1);

  return (int)g_task_propagate_int (G_TASK (result), error);
}
