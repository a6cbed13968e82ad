/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-enroll-scan-window.h"
#include "xuncha-qr-scanner.h"

enum {
  LINK_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaEnrollScanWindow
{
  AdwWindow        parent_instance;

  GtkPicture      *picture;
  GtkSpinner      *spinner;
  GtkLabel        *hint_label;
  GtkLabel        *error_label;
  GtkLabel        *detail_label;

  XunchaQrScanner *scanner;
};

G_DEFINE_FINAL_TYPE (XunchaEnrollScanWindow, xuncha_enroll_scan_window, ADW_TYPE_WINDOW)

static void
show_error (XunchaEnrollScanWindow *self,
            const char             *text,
            const char             *detail)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  gtk_label_set_text (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
}

static void
on_camera_state (XunchaEnrollScanWindow *self)
{
  XunchaCamera *camera = xuncha_qr_scanner_get_camera (self->scanner);
  XunchaCameraState state = xuncha_camera_get_state (camera);

  gtk_spinner_set_spinning (self->spinner, state == XUNCHA_CAMERA_STATE_STARTING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == XUNCHA_CAMERA_STATE_STARTING);
  if (state == XUNCHA_CAMERA_STATE_NO_CAMERA || state == XUNCHA_CAMERA_STATE_ERROR)
    {
      g_autofree char *reason = xuncha_camera_dup_reason (camera);

      show_error (self, _("The camera cannot be used. Type the officer ID and code from the "
                          "card instead."), reason);
    }
}

static void
on_decoded (XunchaEnrollScanWindow *self,
            const char             *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollLink) link = xuncha_enroll_link_parse (text, -1, &error);

  if (link == NULL)
    {
      /* Never the text itself in the log: it may hold a working code. */
      g_debug ("A QR code that is not an enrollment link: %s", error->message);
      show_error (self,
                  g_error_matches (error, XUNCHA_ENROLL_LINK_ERROR,
                                   XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK)
                  ? _("This QR code is not from a Xuncha enrollment card.")
                  : _("This enrollment card cannot be read. Type the officer ID and code "
                      "from the card, or ask the office for a new card."),
                  error->message);
      return;
    }
  xuncha_qr_scanner_stop (self->scanner);
  g_signal_emit (self, signals[LINK_SCANNED], 0, link);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_cancel_clicked (XunchaEnrollScanWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
xuncha_enroll_scan_window_map (GtkWidget *widget)
{
  XunchaEnrollScanWindow *self = XUNCHA_ENROLL_SCAN_WINDOW (widget);

  GTK_WIDGET_CLASS (xuncha_enroll_scan_window_parent_class)->map (widget);
  if (self->scanner != NULL)
    xuncha_qr_scanner_start (self->scanner);
}

static void
xuncha_enroll_scan_window_unmap (GtkWidget *widget)
{
  XunchaEnrollScanWindow *self = XUNCHA_ENROLL_SCAN_WINDOW (widget);

  /* The camera is free for other apps as soon as the window goes. */
  if (self->scanner != NULL)
    xuncha_qr_scanner_stop (self->scanner);
  GTK_WIDGET_CLASS (xuncha_enroll_scan_window_parent_class)->unmap (widget);
}

static void
xuncha_enroll_scan_window_dispose (GObject *object)
{
  XunchaEnrollScanWindow *self = (XunchaEnrollScanWindow *)object;

  if (self->scanner != NULL)
    {
      g_signal_handlers_disconnect_by_data (xuncha_qr_scanner_get_camera (self->scanner),
                                            self);
      g_signal_handlers_disconnect_by_data (self->scanner, self);
      xuncha_qr_scanner_stop (self->scanner);
      g_clear_object (&self->scanner);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_ENROLL_SCAN_WINDOW);

  G_OBJECT_CLASS (xuncha_enroll_scan_window_parent_class)->dispose (object);
}

static void
xuncha_enroll_scan_window_class_init (XunchaEnrollScanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_enroll_scan_window_dispose;
  widget_class->map = xuncha_enroll_scan_window_map;
  widget_class->unmap = xuncha_enroll_scan_window_unmap;

  signals[LINK_SCANNED] = g_signal_new ("link-scanned", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/xuncha/Xuncha/xuncha-enroll-scan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaEnrollScanWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, XunchaEnrollScanWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, XunchaEnrollScanWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaEnrollScanWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaEnrollScanWindow, detail_label);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
}

static void
xuncha_enroll_scan_window_init (XunchaEnrollScanWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

XunchaEnrollScanWindow *
xuncha_enroll_scan_window_new (XunchaCamera *camera)
{
  XunchaEnrollScanWindow *self;

  g_return_val_if_fail (XUNCHA_IS_CAMERA (camera), NULL);

  self = g_object_new (XUNCHA_TYPE_ENROLL_SCAN_WINDOW, NULL);
  self->scanner = xuncha_qr_scanner_new (camera);
  gtk_picture_set_paintable (self->picture, xuncha_camera_get_paintable (camera));
  g_signal_connect_object (self->scanner, "decoded", G_CALLBACK (on_decoded), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (camera, "notify::state", G_CALLBACK (on_camera_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (camera, "notify::reason", G_CALLBACK (on_camera_state), self,
                           G_CONNECT_SWAPPED);
  on_camera_state (self);
  return self;
}

const char *
xuncha_enroll_scan_window_get_error (XunchaEnrollScanWindow *self)
{
  g_return_val_if_fail (XUNCHA_IS_ENROLL_SCAN_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
