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
 * This path runs only inside Flatpak with a portal service; the tests cannot reach it
 * (no sandbox, no portal on the test machine), so keep it short and plain. */

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define CAMERA_INTERFACE   "org.freedesktop.portal.Camera"
#define REQUEST_INTERFACE  "org.freedesktop.portal.Request"

typedef struct
{
  gboolean answered;
  guint    response;      /* 0 granted, 1 cancelled by the user, 2 other */
} Answer;

static void
on_response (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  Answer *answer = user_data;

  g_variant_get (parameters, "(u@a{sv})", &answer->response, NULL);
  answer->answered = TRUE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Only wakes the loop below, which checks the cancellable. */
  return G_SOURCE_REMOVE;
}

/* No portal, an old portal without the camera, or the call failed: for the user this
 * is one thing; the details go to the debug log. */
static void
set_unavailable (GError       **error,
                 const GError  *cause)
{
  g_debug ("camera portal: %s", cause != NULL ? cause->message : "no answer");
  g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA,
                       _("The camera service of this system is not available."));
}

static gboolean
camera_present (GDBusConnection  *connection,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) local_error = NULL;

  reply = g_dbus_connection_call_sync (connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", CAMERA_INTERFACE,
                                                      "IsCameraPresent"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       cancellable, &local_error);
  if (reply == NULL)
    {
      set_unavailable (error, local_error);
      return FALSE;
    }
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) || !g_variant_get_boolean (value))
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_NO_CAMERA,
                           _("No camera was found on this device."));
      return FALSE;
    }
  return TRUE;
}

/* AccessCamera, then wait for the user's answer on a private main context of this
 * thread: the Response signal is delivered to the context that subscribed. */
static gboolean
access_camera (GDBusConnection  *connection,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *token = g_strdup_printf ("xuncha%u", g_random_int ());
  g_autofree char *sender = NULL;
  g_autofree char *request_path = NULL;
  GVariantBuilder options;
  Answer answer = { FALSE, 2 };
  guint subscription;

  /* The portal's request object path is known in advance, so the subscription is in
   * place before the call and no answer can be missed. */
  sender = g_strdup (g_dbus_connection_get_unique_name (connection) + 1);
  g_strdelimit (sender, ".", '_');
  request_path = g_strdup_printf ("%s/request/%s/%s", PORTAL_OBJECT_PATH, sender, token);

  g_main_context_push_thread_default (context);
  subscription = g_dbus_connection_signal_subscribe (connection, PORTAL_BUS_NAME,
                                                     REQUEST_INTERFACE, "Response",
                                                     request_path, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE,
                                                     on_response, &answer, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  reply = g_dbus_connection_call_sync (connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                                       CAMERA_INTERFACE, "AccessCamera",
                                       g_variant_new ("(a{sv})", &options),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       cancellable, &local_error);
  if (reply != NULL)
    {
      if (cancellable != NULL)
        {
          g_autoptr(GSource) wake = g_cancellable_source_new (cancellable);

          g_source_set_callback (wake, G_SOURCE_FUNC (on_cancelled), NULL, NULL);
          g_source_attach (wake, context);
          /* The user decides in a dialog: no time limit, only cancellation. */
          while (!answer.answered && !g_cancellable_is_cancelled (cancellable))
            g_main_context_iteration (context, TRUE);
          g_source_destroy (wake);
        }
      else
        {
          while (!answer.answered)
            g_main_context_iteration (context, TRUE);
        }
      if (!answer.answered)
        g_dbus_connection_call (connection, PORTAL_BUS_NAME, request_path, REQUEST_INTERFACE,
                                "Close", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL,
                                NULL);
    }
  g_dbus_connection_signal_unsubscribe (connection, subscription);
  g_main_context_pop_thread_default (context);

  if (reply == NULL)
    {
      set_unavailable (error, local_error);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (answer.response != 0)
    {
      g_set_error_literal (error, XUNCHA_CAMERA_ERROR, XUNCHA_CAMERA_ERROR_DENIED,
                           _("Access to the camera was refused. Allow it in the system "
                             "settings under Privacy, Camera."));
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_camera_portal_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

int
xuncha_camera_portal_open (GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GError) local_error = NULL;
  int handle;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, &local_error);
  if (connection == NULL)
    {
      set_unavailable (error, local_error);
      return -1;
    }
  if (!camera_present (connection, cancellable, error)
      || !access_camera (connection, cancellable, error))
    return -1;

  reply = g_dbus_connection_call_with_unix_fd_list_sync (connection, PORTAL_BUS_NAME,
                                                         PORTAL_OBJECT_PATH, CAMERA_INTERFACE,
                                                         "OpenPipeWireRemote",
                                                         g_variant_new_parsed ("(@a{sv} {},)"),
                                                         G_VARIANT_TYPE ("(h)"),
                                                         G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                                         &fds, cancellable, &local_error);
  if (reply == NULL)
    {
      set_unavailable (error, local_error);
      return -1;
    }
  g_variant_get (reply, "(h)", &handle);
  return g_unix_fd_list_get (fds, handle, error);
}
