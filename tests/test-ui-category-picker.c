/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xuncha-category-picker.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"

static guint
count_visible_buttons (XunchaCategoryPicker *picker,
                       XunchaTaxonomy       *taxonomy)
{
  GListModel *categories = xuncha_taxonomy_get_categories (taxonomy);
  guint visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(XunchaCategory) c = g_list_model_get_item (categories, i);
      GtkWidget *button = xuncha_category_picker_get_button (picker,
                                                            xuncha_category_get_code (c));
      /* Buttons in the Recent section repeat a category; count the campaign one. */
      if (button != NULL && gtk_widget_get_visible (gtk_widget_get_parent (button)))
        visible++;
    }
  return visible;
}

static void
on_chosen (XunchaCategoryPicker  *picker,
           XunchaCategory        *category,
           char                 **chosen)
{
  g_free (*chosen);
  *chosen = g_strdup (xuncha_category_get_code (category));
}

static void
run_picker (const char *language,
            const char *screenshot)
{
  const char * const recent[] = { "07001", "09006", "NO-SUCH", NULL };
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_bundled (NULL);
  GtkWidget *window = gtk_window_new ();
  XunchaCategoryPicker *picker = xuncha_category_picker_new ();
  g_autofree char *chosen = NULL;
  GtkWidget *button;

  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (picker));
  xuncha_category_picker_set_taxonomy (picker, taxonomy, recent);
  g_signal_connect (picker, "category-chosen", G_CALLBACK (on_chosen), &chosen);
  gtk_window_present (GTK_WINDOW (window));
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, screenshot));

  /* Every category has a button; large enough for a thumb. */
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 28);
  button = xuncha_category_picker_get_button (picker, "07001");
  g_assert_nonnull (button);
  g_assert_cmpint (gtk_widget_get_height (button), >=, 44);

  /* The first button for 07001 is the Recent one: clicking it chooses the category. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (chosen, ==, "07001");

  /* Filters by Chinese and by English name and by code. */
  xuncha_category_picker_set_filter (picker, "烧烤");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 1);
  xuncha_category_picker_set_filter (picker, "BIKE");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 2);
  xuncha_category_picker_set_filter (picker, "0901");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 2);
  xuncha_category_picker_set_filter (picker, "nothing like this");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 0);
  xuncha_category_picker_set_filter (picker, "");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 28);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_picker_english (void)
{
  if (xuncha_ui_test_have_display ())
    run_picker ("en", "category-picker");
}

static void
test_picker_chinese (void)
{
  if (xuncha_ui_test_have_display ())
    run_picker ("zh_CN", "category-picker-zh");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/category-picker/english", test_picker_english);
  g_test_add_func ("/ui/category-picker/chinese", test_picker_chinese);

  return g_test_run ();
}
