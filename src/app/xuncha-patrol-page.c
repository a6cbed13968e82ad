/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-map-view.h"
#include "xuncha-patrol-page.h"

struct _XunchaPatrolPage
{
  GtkWidget      parent_instance;

  XunchaStore   *store;
  GtkLabel      *status_line;
  XunchaMapView *map_view;
  AdwStatusPage *map_status;
};

G_DEFINE_FINAL_TYPE (XunchaPatrolPage, xuncha_patrol_page, GTK_TYPE_WIDGET)

static void
xuncha_patrol_page_dispose (GObject *object)
{
  XunchaPatrolPage *self = (XunchaPatrolPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_PATROL_PAGE);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xuncha_patrol_page_parent_class)->dispose (object);
}

static void
xuncha_patrol_page_class_init (XunchaPatrolPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_patrol_page_dispose;

  g_type_ensure (XUNCHA_TYPE_MAP_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-patrol-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, status_line);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, XunchaPatrolPage, map_status);
}

static void
xuncha_patrol_page_init (XunchaPatrolPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The seed's district until a street map tells where the officer works. */
  xuncha_map_view_center_on (self->map_view, 30.7966, 106.0828, 15);
}

void
xuncha_patrol_page_set_store (XunchaPatrolPage *self,
                              XunchaStore      *store)
{
  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));

  if (g_set_object (&self->store, store))
    xuncha_patrol_page_refresh (self);
}

void
xuncha_patrol_page_refresh (XunchaPatrolPage *self)
{
  g_autofree char *line = NULL;
  gint64 streets, waiting;

  g_return_if_fail (XUNCHA_IS_PATROL_PAGE (self));

  if (self->store == NULL)
    {
      gtk_label_set_text (self->status_line, _("Device data unavailable"));
      return;
    }

  streets = xuncha_store_count_rows (self->store, "streets", NULL);
  waiting = xuncha_store_count_rows (self->store, "reports", NULL);
  line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "No position yet · %d report on the device",
                                       "No position yet · %d reports on the device",
                                       (gulong)waiting),
                          (int)waiting);
  gtk_label_set_text (self->status_line, line);

  gtk_widget_set_visible (GTK_WIDGET (self->map_status), streets == 0);
}
