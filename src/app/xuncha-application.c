/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-application.h"
#include "xuncha-window.h"

struct _XunchaApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  gboolean        demo;
  XunchaStore    *store;
  GError         *store_error;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (XunchaApplication, xuncha_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Where the device data lives (default: $XUNCHA_DATA_DIR, else ~/.local/share/xuncha)"),
    N_("DIR") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start on demo data"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  XunchaApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Xuncha authors"), NULL };

  adw_show_about_window (window,
                         "application-name", _("Xuncha"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Report street violations on patrol, even offline"),
                         NULL);
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", on_about },
  { "quit", on_quit },
};

static int
xuncha_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  XunchaApplication *self = XUNCHA_APPLICATION (app);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("xuncha %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir);
  self->data_dir = xuncha_store_resolve_data_dir (data_dir);
  self->demo = g_variant_dict_contains (options, "demo");
  return -1;
}

static void
xuncha_application_startup (GApplication *app)
{
  XunchaApplication *self = XUNCHA_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (xuncha_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  if (self->data_dir == NULL)
    self->data_dir = xuncha_store_resolve_data_dir (NULL);
  /* Opening is a few milliseconds (WAL, no full check), so it does not hold the window. */
  self->store = xuncha_store_open (self->data_dir, &self->store_error);
  if (self->store == NULL)
    g_warning ("%s", self->store_error->message);
}

static void
xuncha_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (xuncha_window_new (XUNCHA_APPLICATION (app)));
  gtk_window_present (window);
}

static void
xuncha_application_dispose (GObject *object)
{
  XunchaApplication *self = (XunchaApplication *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (xuncha_application_parent_class)->dispose (object);
}

static void
xuncha_application_finalize (GObject *object)
{
  XunchaApplication *self = (XunchaApplication *)object;

  g_free (self->data_dir);

  G_OBJECT_CLASS (xuncha_application_parent_class)->finalize (object);
}

static void
xuncha_application_class_init (XunchaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = xuncha_application_dispose;
  object_class->finalize = xuncha_application_finalize;
  app_class->handle_local_options = xuncha_application_handle_local_options;
  app_class->startup = xuncha_application_startup;
  app_class->activate = xuncha_application_activate;
}

static void
xuncha_application_init (XunchaApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  self->settings = g_settings_new ("io.github.xuncha.Xuncha");
}

XunchaApplication *
xuncha_application_new (void)
{
  return g_object_new (XUNCHA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/xuncha/Xuncha",
                       NULL);
}

XunchaStore *
xuncha_application_get_store (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->store;
}

const GError *
xuncha_application_get_store_error (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->store_error;
}

GSettings *
xuncha_application_get_settings (XunchaApplication *self)
{
  g_return_val_if_fail (XUNCHA_IS_APPLICATION (self), NULL);
  return self->settings;
}
