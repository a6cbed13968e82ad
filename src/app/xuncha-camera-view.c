/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-camera-view-private.h"

/* How long a failed capture's message stays over the preview. */
#define MESSAGE_SECONDS 5

enum {
  PROP_0,
  PROP_CAMERA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PHOTO_TAKEN,
  FILES_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaCameraView
{
  GtkWidget             parent_instance;

  GtkStack             *stack;
  GtkPicture           *picture;
  GtkSpinner           *spinner;
  GtkLabel             *message_label;
  GtkButton            *shutter_button;
  GtkButton            *files_button;
  AdwStatusPage        *status_page;
  GtkButton            *status_files_button;
  GtkButton            *retry_button;

  XunchaCamera         *camera;
  GCancellable         *cancellable;      /* of the captures; cancelled in dispose */
  gboolean              capturing;
  GtkFileChooserNative *chooser;
  guint                 message_source;
};

G_DEFINE_FINAL_TYPE (XunchaCameraView, xuncha_camera_view, GTK_TYPE_WIDGET)

static void
update (XunchaCameraView *self)
{
  XunchaCameraState state = self->camera != NULL ? xuncha_camera_get_state (self->camera)
                                                 : XUNCHA_CAMERA_STATE_STOPPED;

  if (state == XUNCHA_CAMERA_STATE_NO_CAMERA || state == XUNCHA_CAMERA_STATE_ERROR)
    {
      g_autofree char *reason = xuncha_camera_dup_reason (self->camera);
      g_autofree char *description = NULL;

      description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "",
                                     _("You can still add photos taken with another app."));
      adw_status_page_set_title (self->status_page,
                                 state == XUNCHA_CAMERA_STATE_NO_CAMERA
                                 ? _("No Camera") : _("Camera Not Working"));
      adw_status_page_set_description (self->status_page, description);
      /* A camera that failed (busy, unplugged) may work on a second try; a missing one
       * will not. */
      gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                              state == XUNCHA_CAMERA_STATE_ERROR);
      gtk_stack_set_visible_child_name (self->stack, "none");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "preview");

  gtk_spinner_set_spinning (self->spinner, state == XUNCHA_CAMERA_STATE_STARTING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == XUNCHA_CAMERA_STATE_STARTING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button),
                            state == XUNCHA_CAMERA_STATE_READY && !self->capturing);
}

static gboolean
on_message_timeout (gpointer user_data)
{
  XunchaCameraView *self = user_data;

  self->message_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  return G_SOURCE_REMOVE;
}

static void
show_message (XunchaCameraView *self,
              const char       *message)
{
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
  g_clear_handle_id (&self->message_source, g_source_remove);
  self->message_source = g_timeout_add_seconds (MESSAGE_SECONDS, on_message_timeout, self);
}

static void
on_state_changed (XunchaCameraView *self)
{
  update (self);
}

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  XunchaCameraView *self;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GError) error = NULL;

  jpeg = xuncha_camera_capture_finish (XUNCHA_CAMERA (object), result, &error);
  /* Cancelled only by dispose: the view is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = XUNCHA_CAMERA_VIEW (user_data);
  self->capturing = FALSE;
  update (self);
  if (jpeg == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The photo was not taken: %s"),
                                                  error->message);
      show_message (self, message);
      return;
    }
  g_signal_emit (self, signals[PHOTO_TAKEN], 0, jpeg);
}

static void
on_shutter_clicked (XunchaCameraView *self)
{
  xuncha_camera_view_take_photo (self);
}

static void
on_chooser_response (GtkNativeDialog  *chooser,
                     int               response,
                     XunchaCameraView *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  if (self->chooser == GTK_FILE_CHOOSER_NATIVE (chooser))
    g_clear_object (&self->chooser);
  if (files != NULL && g_list_model_get_n_items (files) > 0)
    g_signal_emit (self, signals[FILES_CHOSEN], 0, files);
}

static void
on_files_clicked (XunchaCameraView *self)
{
  xuncha_camera_view_choose_files (self);
}

static void
on_retry_clicked (XunchaCameraView *self)
{
  if (self->camera != NULL)
    xuncha_camera_start (self->camera);
}

static void
xuncha_camera_view_map (GtkWidget *widget)
{
  XunchaCameraView *self = XUNCHA_CAMERA_VIEW (widget);

  GTK_WIDGET_CLASS (xuncha_camera_view_parent_class)->map (widget);
  /* The camera runs only while it can be seen: battery, and the device is free for
   * other apps. */
  if (self->camera != NULL)
    xuncha_camera_start (self->camera);
}

static void
xuncha_camera_view_unmap (GtkWidget *widget)
{
  XunchaCameraView *self = XUNCHA_CAMERA_VIEW (widget);

  if (self->camera != NULL)
    xuncha_camera_stop (self->camera);
  GTK_WIDGET_CLASS (xuncha_camera_view_parent_class)->unmap (widget);
}

static void
xuncha_camera_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XunchaCameraView *self = XUNCHA_CAMERA_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_camera_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  XunchaCameraView *self = XUNCHA_CAMERA_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      xuncha_camera_view_set_camera (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_camera_view_dispose (GObject *object)
{
  XunchaCameraView *self = (XunchaCameraView *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->message_source, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      xuncha_camera_stop (self->camera);
      g_clear_object (&self->camera);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_CAMERA_VIEW);

  G_OBJECT_CLASS (xuncha_camera_view_parent_class)->dispose (object);
}

static void
xuncha_camera_view_finalize (GObject *object)
{
  XunchaCameraView *self = (XunchaCameraView *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xuncha_camera_view_parent_class)->finalize (object);
}

static void
xuncha_camera_view_class_init (XunchaCameraViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_camera_view_get_property;
  object_class->set_property = xuncha_camera_view_set_property;
  object_class->dispose = xuncha_camera_view_dispose;
  object_class->finalize = xuncha_camera_view_finalize;
  widget_class->map = xuncha_camera_view_map;
  widget_class->unmap = xuncha_camera_view_unmap;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, XUNCHA_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PHOTO_TAKEN] =
    g_signal_new ("photo-taken", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[FILES_CHOSEN] =
    g_signal_new ("files-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_LIST_MODEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "camera-view");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-camera-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, picture);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, message_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, shutter_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, files_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, status_page);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, status_files_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaCameraView, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, on_shutter_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_files_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
}

static void
xuncha_camera_view_init (XunchaCameraView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update (self);
}

XunchaCameraView *
xuncha_camera_view_new (XunchaCamera *camera)
{
  g_return_val_if_fail (camera == NULL || XUNCHA_IS_CAMERA (camera), NULL);

  return g_object_new (XUNCHA_TYPE_CAMERA_VIEW, "camera", camera, NULL);
}

XunchaCamera *
xuncha_camera_view_get_camera (XunchaCameraView *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_VIEW (self), NULL);

  return self->camera;
}

void
xuncha_camera_view_set_camera (XunchaCameraView *self,
                               XunchaCamera     *camera)
{
  g_return_if_fail (XUNCHA_IS_CAMERA_VIEW (self));
  g_return_if_fail (camera == NULL || XUNCHA_IS_CAMERA (camera));

  if (self->camera == camera)
    return;

  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        xuncha_camera_stop (self->camera);
    }
  g_set_object (&self->camera, camera);
  self->capturing = FALSE;
  gtk_picture_set_paintable (self->picture,
                             camera != NULL ? xuncha_camera_get_paintable (camera) : NULL);
  if (camera != NULL)
    {
      g_signal_connect_object (camera, "notify::state", G_CALLBACK (on_state_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (camera, "notify::reason", G_CALLBACK (on_state_changed), self,
                               G_CONNECT_SWAPPED);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        xuncha_camera_start (camera);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

void
xuncha_camera_view_take_photo (XunchaCameraView *self)
{
  g_return_if_fail (XUNCHA_IS_CAMERA_VIEW (self));

  if (self->camera == NULL || self->capturing
      || xuncha_camera_get_state (self->camera) != XUNCHA_CAMERA_STATE_READY)
    return;
  /* One at a time: a second tap while encoding would be a duplicate photo. */
  self->capturing = TRUE;
  update (self);
  xuncha_camera_capture_async (self->camera, self->cancellable, on_captured, self);
}

void
xuncha_camera_view_choose_files (XunchaCameraView *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root;

  g_return_if_fail (XUNCHA_IS_CAMERA_VIEW (self));

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_("Choose Photos"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("JPEG photos"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

GtkWidget *
xuncha_camera_view_get_shutter_button (XunchaCameraView *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_VIEW (self), NULL);

  return GTK_WIDGET (self->shutter_button);
}

GtkWidget *
xuncha_camera_view_get_files_button (XunchaCameraView *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_VIEW (self), NULL);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "none"))
    return GTK_WIDGET (self->status_files_button);
  return GTK_WIDGET (self->files_button);
}

GtkFileChooser *
xuncha_camera_view_get_file_chooser (XunchaCameraView *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_VIEW (self), NULL);

  return self->chooser != NULL ? GTK_FILE_CHOOSER (self->chooser) : NULL;
}

GtkWidget *
xuncha_camera_view_get_message_label (XunchaCameraView *self)
{
  g_return_val_if_fail (XUNCHA_IS_CAMERA_VIEW (self), NULL);

  return GTK_WIDGET (self->message_label);
}
