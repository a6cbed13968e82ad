/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-history-page.h"

struct _XunchaHistoryPage
{
  GtkWidget      parent_instance;

  XunchaStore   *store;
  AdwStatusPage *status;
};

G_DEFINE_FINAL_TYPE (XunchaHistoryPage, xuncha_history_page, GTK_TYPE_WIDGET)

static void
xuncha_history_page_dispose (GObject *object)
{
  XunchaHistoryPage *self = (XunchaHistoryPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_HISTORY_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xuncha_history_page_parent_class)->dispose (object);
}

static void
xuncha_history_page_class_init (XunchaHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_history_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaHistoryPage, status);
}

static void
xuncha_history_page_init (XunchaHistoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xuncha_history_page_set_store (XunchaHistoryPage *self,
                               XunchaStore       *store)
{
  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));

  if (g_set_object (&self->store, store))
    xuncha_history_page_refresh (self);
}

void
xuncha_history_page_refresh (XunchaHistoryPage *self)
{
  gint64 shifts;

  g_return_if_fail (XUNCHA_IS_HISTORY_PAGE (self));

  if (self->store == NULL)
    return;

  shifts = xuncha_store_count_rows (self->store, "shifts", NULL);
  if (shifts > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d shift recorded",
                                      "%d shifts recorded", (gulong)shifts),
                         (int)shifts);
      adw_status_page_set_title (self->status, text);
    }
}
