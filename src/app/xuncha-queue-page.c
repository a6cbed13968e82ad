/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-queue-page.h"

struct _XunchaQueuePage
{
  GtkWidget      parent_instance;

  XunchaStore   *store;
  AdwStatusPage *status;
};

G_DEFINE_FINAL_TYPE (XunchaQueuePage, xuncha_queue_page, GTK_TYPE_WIDGET)

static void
xuncha_queue_page_dispose (GObject *object)
{
  XunchaQueuePage *self = (XunchaQueuePage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_QUEUE_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xuncha_queue_page_parent_class)->dispose (object);
}

static void
xuncha_queue_page_class_init (XunchaQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_queue_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, status);
}

static void
xuncha_queue_page_init (XunchaQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xuncha_queue_page_set_store (XunchaQueuePage *self,
                             XunchaStore     *store)
{
  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));

  if (g_set_object (&self->store, store))
    xuncha_queue_page_refresh (self);
}

void
xuncha_queue_page_refresh (XunchaQueuePage *self)
{
  gint64 held;

  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));

  if (self->store == NULL)
    return;

  /* What the device holds is the source of truth; nothing leaves it before the office
   * acknowledged it. */
  held = xuncha_store_count_rows (self->store, "reports", NULL);
  if (held > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d report held on this device",
                                      "%d reports held on this device", (gulong)held),
                         (int)held);
      adw_status_page_set_title (self->status, text);
    }
}
