/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-category-picker.h"

struct _XunchaCategoryPicker
{
  GtkWidget       parent_instance;

  GtkSearchEntry    *search_entry;
  GtkScrolledWindow *scroller;
  GtkBox            *sections;
  AdwStatusPage  *no_match;

  XunchaTaxonomy *taxonomy;
  GPtrArray      *buttons;      /* GtkButton, each with its "category" */
  GPtrArray      *groups;       /* section boxes, hidden when all their buttons are */
};

G_DEFINE_FINAL_TYPE (XunchaCategoryPicker, xuncha_category_picker, GTK_TYPE_WIDGET)

enum {
  CATEGORY_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define MAX_RECENT 4

static void
on_button_clicked (GtkButton            *button,
                   XunchaCategoryPicker *self)
{
  XunchaCategory *category = g_object_get_data (G_OBJECT (button), "category");

  g_signal_emit (self, signals[CATEGORY_CHOSEN], 0, category);
}

static void
on_search_changed (GtkSearchEntry       *entry,
                   XunchaCategoryPicker *self)
{
  xuncha_category_picker_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static GtkWidget *
make_button (XunchaCategoryPicker *self,
             XunchaCategory       *category)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (xuncha_category_get_name (category));
  g_autofree char *detail = NULL;
  GtkWidget *other;
  gboolean zh = xuncha_locale_prefers_chinese ();

  /* Under the name, the code the office files it under; in English the Chinese name too,
   * which the office uses. A Chinese screen stays Chinese. */
  if (zh)
    detail = g_strdup_printf ("%s%s", xuncha_category_get_code (category),
                              xuncha_category_get_is_local (category) ? _(" · local code") : "");
  else
    detail = g_strdup_printf ("%s · %s%s", xuncha_category_get_code (category),
                              xuncha_category_get_name_zh (category),
                              xuncha_category_get_is_local (category) ? _(" · local code") : "");
  other = gtk_label_new (detail);

  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (other), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (other), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (other, "caption");
  gtk_widget_add_css_class (other, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), other);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "category-button");
  gtk_widget_set_hexpand (button, TRUE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  xuncha_category_get_name (category), -1);
  g_object_set_data_full (G_OBJECT (button), "category", g_object_ref (category),
                          g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_button_clicked), self, 0);
  g_ptr_array_add (self->buttons, button);
  return button;
}

static GtkWidget *
add_section (XunchaCategoryPicker *self,
             const char           *title)
{
  GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_box_append (GTK_BOX (group), label);
  gtk_box_append (GTK_BOX (group), flow);
  gtk_box_append (self->sections, group);
  g_ptr_array_add (self->groups, group);
  return flow;
}

static void
clear_sections (XunchaCategoryPicker *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections))) != NULL)
    gtk_box_remove (self->sections, child);
  g_ptr_array_set_size (self->buttons, 0);
  g_ptr_array_set_size (self->groups, 0);
}

static void
xuncha_category_picker_dispose (GObject *object)
{
  XunchaCategoryPicker *self = (XunchaCategoryPicker *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_CATEGORY_PICKER);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->taxonomy);
  g_clear_pointer (&self->buttons, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (xuncha_category_picker_parent_class)->dispose (object);
}

static void
xuncha_category_picker_class_init (XunchaCategoryPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_category_picker_dispose;

  signals[CATEGORY_CHOSEN] =
    g_signal_new ("category-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, XUNCHA_TYPE_CATEGORY);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-category-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaCategoryPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, XunchaCategoryPicker, scroller);
  gtk_widget_class_bind_template_child (widget_class, XunchaCategoryPicker, sections);
  gtk_widget_class_bind_template_child (widget_class, XunchaCategoryPicker, no_match);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
xuncha_category_picker_init (XunchaCategoryPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->buttons = g_ptr_array_new ();
  self->groups = g_ptr_array_new ();
}

XunchaCategoryPicker *
xuncha_category_picker_new (void)
{
  return g_object_new (XUNCHA_TYPE_CATEGORY_PICKER, NULL);
}

void
xuncha_category_picker_set_taxonomy (XunchaCategoryPicker *self,
                                     XunchaTaxonomy       *taxonomy,
                                     const char * const   *recent_codes)
{
  const char * const *campaigns;
  const char * const *priority;
  GListModel *categories;
  guint n, shown = 0;

  g_return_if_fail (XUNCHA_IS_CATEGORY_PICKER (self));
  g_return_if_fail (XUNCHA_IS_TAXONOMY (taxonomy));

  g_set_object (&self->taxonomy, taxonomy);
  clear_sections (self);
  categories = xuncha_taxonomy_get_categories (taxonomy);
  n = g_list_model_get_n_items (categories);

  if (recent_codes != NULL && recent_codes[0] != NULL)
    {
      GtkWidget *flow = add_section (self, _("Recent"));

      for (guint i = 0; recent_codes[i] != NULL && shown < MAX_RECENT; i++)
        {
          XunchaCategory *category = xuncha_taxonomy_lookup (taxonomy, recent_codes[i]);
          if (category != NULL)
            {
              gtk_flow_box_append (GTK_FLOW_BOX (flow), make_button (self, category));
              shown++;
            }
        }
      if (shown == 0)
        {
          gtk_box_remove (self->sections, g_ptr_array_steal_index (self->groups, 0));
        }
    }

  /* The office's priorities for the campaign come next (first, before the officer has
   * recent ones), those not already there: its first targets are one tap away from the
   * start, without scrolling. */
  priority = xuncha_taxonomy_get_priority (taxonomy);
  {
    GtkWidget *flow = NULL;
    guint added = 0;

    for (guint i = 0; priority[i] != NULL && added < MAX_RECENT; i++)
      {
        XunchaCategory *category = xuncha_taxonomy_lookup (taxonomy, priority[i]);

        if (category == NULL
            || (recent_codes != NULL && g_strv_contains (recent_codes, priority[i])))
          continue;
        if (flow == NULL)
          flow = add_section (self, _("Campaign Priorities"));
        gtk_flow_box_append (GTK_FLOW_BOX (flow), make_button (self, category));
        added++;
      }
  }

  /* Each category under its main campaign; internal ones (team conduct) last. */
  campaigns = xuncha_taxonomy_get_campaign_ids (taxonomy);
  for (guint c = 0; campaigns[c] != NULL; c++)
    {
      GtkWidget *flow = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);

          if (!g_str_equal (xuncha_category_get_campaign (category), campaigns[c]))
            continue;
          if (flow == NULL)
            flow = add_section (self, xuncha_taxonomy_get_campaign_name (taxonomy, campaigns[c]));
          gtk_flow_box_append (GTK_FLOW_BOX (flow), make_button (self, category));
        }
    }
  /* Each report starts from the top with no search left from the last one, which would
   * hide Recent. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  xuncha_category_picker_set_filter (self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
xuncha_category_picker_set_filter (XunchaCategoryPicker *self,
                                   const char           *text)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *needle = NULL;
  guint visible = 0;

  g_return_if_fail (XUNCHA_IS_CATEGORY_PICKER (self));

  trimmed = text != NULL ? g_strstrip (g_strdup (text)) : NULL;
  needle = trimmed != NULL ? g_utf8_casefold (trimmed, -1) : NULL;
  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->buttons, i);
      gboolean show = xuncha_category_matches (g_object_get_data (G_OBJECT (button), "category"), needle);

      /* Hide the flow box child, not only the button, so the grid closes up. */
      gtk_widget_set_visible (gtk_widget_get_parent (button), show);
      visible += show;
    }

  for (guint g = 0; g < self->groups->len; g++)
    {
      GtkWidget *group = g_ptr_array_index (self->groups, g);
      GtkWidget *flow = gtk_widget_get_last_child (group);
      gboolean any = FALSE;

      for (GtkWidget *child = gtk_widget_get_first_child (flow); child != NULL && !any;
           child = gtk_widget_get_next_sibling (child))
        any = gtk_widget_get_visible (child);
      gtk_widget_set_visible (group, any);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->no_match), visible == 0);
}

GtkWidget *
xuncha_category_picker_get_button (XunchaCategoryPicker *self,
                                   const char           *code)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY_PICKER (self), NULL);

  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->buttons, i);
      XunchaCategory *category = g_object_get_data (G_OBJECT (button), "category");

      if (g_str_equal (xuncha_category_get_code (category), code))
        return button;
    }
  return NULL;
}
