/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-place-picker.h"

struct _XunchaPlacePicker
{
  GtkWidget      parent_instance;

  XunchaMapView *map_view;
};

G_DEFINE_FINAL_TYPE (XunchaPlacePicker, xuncha_place_picker, GTK_TYPE_WIDGET)

enum {
  PLACED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_use_clicked (XunchaPlacePicker *self)
{
  xuncha_place_picker_confirm (self);
}

static void
xuncha_place_picker_dispose (GObject *object)
{
  XunchaPlacePicker *self = (XunchaPlacePicker *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_PLACE_PICKER);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (xuncha_place_picker_parent_class)->dispose (object);
}

static void
xuncha_place_picker_class_init (XunchaPlacePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_place_picker_dispose;

  signals[PLACED] = g_signal_new ("placed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE,
                                  G_TYPE_DOUBLE);

  g_type_ensure (XUNCHA_TYPE_MAP_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-place-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaPlacePicker, map_view);
  gtk_widget_class_bind_template_callback (widget_class, on_use_clicked);
}

static void
xuncha_place_picker_init (XunchaPlacePicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

XunchaPlacePicker *
xuncha_place_picker_new (void)
{
  return g_object_new (XUNCHA_TYPE_PLACE_PICKER, NULL);
}

XunchaMapView *
xuncha_place_picker_get_map_view (XunchaPlacePicker *self)
{
  g_return_val_if_fail (XUNCHA_IS_PLACE_PICKER (self), NULL);
  return self->map_view;
}

void
xuncha_place_picker_set_street_map (XunchaPlacePicker *self,
                                    XunchaStreetMap   *map)
{
  g_return_if_fail (XUNCHA_IS_PLACE_PICKER (self));
  xuncha_map_view_set_street_map (self->map_view, map);
}

void
xuncha_place_picker_center_on (XunchaPlacePicker *self,
                               double             lat,
                               double             lon)
{
  g_return_if_fail (XUNCHA_IS_PLACE_PICKER (self));
  /* Close enough to tell one shop front from the next. */
  xuncha_map_view_center_on (self->map_view, lat, lon, 18);
}

void
xuncha_place_picker_confirm (XunchaPlacePicker *self)
{
  double lat, lon;

  g_return_if_fail (XUNCHA_IS_PLACE_PICKER (self));

  xuncha_map_view_get_center (self->map_view, &lat, &lon);
  g_signal_emit (self, signals[PLACED], 0, lat, lon);
}
