/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-case-status.h"
#include "xuncha-queue-row.h"

#define THUMBNAIL_SIZE 56

struct _XunchaQueueRow
{
  GtkListBoxRow    parent_instance;

  XunchaQueueItem *item;

  GtkImage        *thumbnail;
  GtkLabel        *title_label;
  GtkLabel        *case_label;
  GtkLabel        *where_label;
  GtkLabel        *state_label;
  GtkLabel        *receipt_label;
  GtkLabel        *reason_label;
  GtkLabel        *hint_label;
  GtkWidget       *retry_button;
};

G_DEFINE_FINAL_TYPE (XunchaQueueRow, xuncha_queue_row, GTK_TYPE_LIST_BOX_ROW)

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
show_item (XunchaQueueRow *self)
{
  XunchaQueueItem *item = self->item;
  const char *state = xuncha_queue_item_get_state (item);
  const char *case_status = xuncha_queue_item_get_case_status (item);
  const char *reason = xuncha_queue_item_get_reason (item);
  const char *text, *style;
  g_autofree char *receipt = NULL;
  g_autofree char *last_try = NULL;

  /* The target first: an action named without its target would be a mismatch. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", xuncha_queue_item_get_uuid (item));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "win.open-report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "s",
                                    xuncha_queue_item_get_uuid (item));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "queue.retry");

  if (xuncha_queue_item_get_thumbnail (item) != NULL)
    {
      gtk_image_set_from_paintable (self->thumbnail, xuncha_queue_item_get_thumbnail (item));
      gtk_widget_add_css_class (GTK_WIDGET (self->thumbnail), "queue-thumbnail");
    }
  else
    {
      gtk_image_set_from_icon_name (self->thumbnail, "image-missing-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->thumbnail), "dim-label");
    }
  gtk_image_set_pixel_size (self->thumbnail, THUMBNAIL_SIZE);

  gtk_label_set_text (self->title_label, xuncha_queue_item_get_category_name (item));
  gtk_label_set_text (self->where_label, xuncha_queue_item_get_where (item));
  if (case_status != NULL)
    {
      const char *case_style = NULL;

      show_label (self->case_label, xuncha_case_status_describe (case_status, &case_style));
      gtk_widget_add_css_class (GTK_WIDGET (self->case_label), case_style);
    }

  if (g_str_equal (state, "acked"))
    {
      text = _("Acknowledged by the office");
      style = "queue-acked";
      /* The office's receipt is the officer's proof that it arrived. */
      if (xuncha_queue_item_get_receipt (item) != NULL)
        receipt = g_strdup_printf (_("Receipt %s"), xuncha_queue_item_get_receipt (item));
    }
  else if (g_str_equal (state, "failed"))
    {
      text = _("Not sent");
      style = "queue-failed";
      show_label (self->reason_label, reason != NULL ? reason : _("The office refused it."));
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
      gtk_widget_set_visible (self->retry_button, TRUE);
    }
  else if (g_str_equal (state, "sending"))
    {
      text = _("Sending…");
      style = "queue-sending";
    }
  else
    {
      text = _("Waiting to be sent");
      style = "queue-waiting";
      if (reason != NULL)
        last_try = g_strdup_printf (_("The last try did not get through: %s"), reason);
      show_label (self->reason_label, last_try);
      if (last_try != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "dim-label");
    }
  gtk_label_set_text (self->state_label, text);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), style);
  show_label (self->receipt_label, receipt);
}

static void
xuncha_queue_row_dispose (GObject *object)
{
  XunchaQueueRow *self = (XunchaQueueRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_QUEUE_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (xuncha_queue_row_parent_class)->dispose (object);
}

static void
xuncha_queue_row_class_init (XunchaQueueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_queue_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-queue-row.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, case_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, where_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, receipt_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueueRow, retry_button);
}

static void
xuncha_queue_row_init (XunchaQueueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
xuncha_queue_row_new (XunchaQueueItem *item)
{
  XunchaQueueRow *self;

  g_return_val_if_fail (XUNCHA_IS_QUEUE_ITEM (item), NULL);

  /* The uuid is the actions' target; named in the template before the target is known
   * they would be a mismatch, so the row gets both here. */
  self = g_object_new (XUNCHA_TYPE_QUEUE_ROW, NULL);
  self->item = g_object_ref (item);
  show_item (self);
  return GTK_WIDGET (self);
}

XunchaQueueItem *
xuncha_queue_row_get_item (XunchaQueueRow *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ROW (self), NULL);
  return self->item;
}

char *
xuncha_queue_row_get_text (XunchaQueueRow *self)
{
  GtkLabel *labels[] = {
    self->title_label, self->case_label, self->where_label, self->state_label,
    self->receipt_label, self->reason_label, self->hint_label,
  };
  GString *text;

  g_return_val_if_fail (XUNCHA_IS_QUEUE_ROW (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (labels[i])) && *gtk_label_get_text (labels[i]) != '\0')
      g_string_append_printf (text, "%s\n", gtk_label_get_text (labels[i]));
  return g_string_free (text, FALSE);
}

GtkWidget *
xuncha_queue_row_get_retry_button (XunchaQueueRow *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_ROW (self), NULL);
  return gtk_widget_get_visible (self->retry_button) ? self->retry_button : NULL;
}
