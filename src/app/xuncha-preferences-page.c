/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-preferences-page.h"

struct _XunchaPreferencesPage
{
  GtkWidget      parent_instance;

  GSettings     *settings;
  AdwEntryRow   *server_row;
  AdwActionRow  *ca_row;
  GtkSpinButton *accuracy_spin;
  AdwComboRow   *photo_size_row;
  GtkSwitch     *auto_sync_switch;
  AdwActionRow  *basemap_row;
};

G_DEFINE_FINAL_TYPE (XunchaPreferencesPage, xuncha_preferences_page, GTK_TYPE_WIDGET)

/* The photo-size choices in the combo row, in pixels of the longest edge; 0 keeps the
 * photo as taken. */
static const int photo_sizes[] = { 0, 3000, 2000, 1600 };

static gboolean
photo_size_to_selected (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  int edge = g_variant_get_int32 (variant);

  for (guint i = 0; i < G_N_ELEMENTS (photo_sizes); i++)
    if (photo_sizes[i] == edge)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_photo_size (const GValue       *value,
                        const GVariantType *expected_type,
                        gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_int32 (selected < G_N_ELEMENTS (photo_sizes) ? photo_sizes[selected] : 0);
}

static gboolean
path_to_subtitle (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_set_string (value, *path != '\0' ? path : _(user_data));
  return TRUE;
}

typedef struct
{
  XunchaPreferencesPage *self;
  const char            *key;
} ChooseData;

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  g_autofree ChooseData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && data->self->settings != NULL)
        g_settings_set_string (data->self->settings, data->key, path);
    }
  g_object_unref (data->self);
  g_object_unref (dialog);
}

static void
choose_file (XunchaPreferencesPage *self,
             const char            *title,
             const char            *key)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  ChooseData *data;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                         _("_Cancel"));
  data = g_new0 (ChooseData, 1);
  data->self = g_object_ref (self);
  data->key = key;
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_choose_ca (XunchaPreferencesPage *self)
{
  choose_file (self, _("Office Certificate Authority"), "office-ca-file");
}

static void
on_choose_basemap (XunchaPreferencesPage *self)
{
  choose_file (self, _("Offline Basemap"), "basemap-file");
}

static void
on_clear_basemap (XunchaPreferencesPage *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "basemap-file");
}

static void
on_clear_ca (XunchaPreferencesPage *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "office-ca-file");
}

static void
xuncha_preferences_page_dispose (GObject *object)
{
  XunchaPreferencesPage *self = (XunchaPreferencesPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_PREFERENCES_PAGE);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xuncha_preferences_page_parent_class)->dispose (object);
}

static void
xuncha_preferences_page_class_init (XunchaPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_preferences_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, ca_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, accuracy_spin);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, photo_size_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, auto_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, basemap_row);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_ca);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_ca);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_basemap);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_basemap);
}

static void
xuncha_preferences_page_init (XunchaPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xuncha_preferences_page_set_settings (XunchaPreferencesPage *self,
                                      GSettings             *settings)
{
  g_return_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (!g_set_object (&self->settings, settings))
    return;

  g_settings_bind (settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "accuracy-threshold", self->accuracy_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "auto-sync", self->auto_sync_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "photo-max-edge", self->photo_size_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, photo_size_to_selected,
                                selected_to_photo_size, NULL, NULL);
  g_settings_bind_with_mapping (settings, "office-ca-file", self->ca_row, "subtitle",
                                G_SETTINGS_BIND_GET, path_to_subtitle, NULL,
                                (gpointer)N_("The system certificate authorities only"), NULL);
  g_settings_bind_with_mapping (settings, "basemap-file", self->basemap_row, "subtitle",
                                G_SETTINGS_BIND_GET, path_to_subtitle, NULL,
                                (gpointer)N_("None: the street layer alone"), NULL);
}
