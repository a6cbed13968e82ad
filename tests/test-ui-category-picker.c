/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

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

/* The caption under a button's name. */
static const char *
button_detail (GtkWidget *button)
{
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (box)));
}

/* The first use, before any recent category: the campaign's first targets on top, within
 * the first screen; a search by pinyin; and a new report starts from the top again. */
static void
run_first_use (const char *language,
               const char *screenshot)
{
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_bundled (NULL);
  GtkWidget *window = gtk_window_new ();
  const char * const first[] = { "09006", "07001", "06029", NULL };
  gboolean zh = g_str_equal (language, "zh_CN");
  XunchaCategoryPicker *picker;
  GtkEditable *search;
  GtkScrolledWindow *scroller;
  GtkAdjustment *vadjustment;

  /* The language first: the template's words are translated as it is built. */
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");
  picker = xuncha_category_picker_new ();
  search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (picker),
                                                        XUNCHA_TYPE_CATEGORY_PICKER,
                                                        "search_entry"));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (picker));
  xuncha_category_picker_set_taxonomy (picker, taxonomy, NULL);
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (
    xuncha_category_picker_get_button (picker, "09006"), GTK_TYPE_SCROLLED_WINDOW));
  vadjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_window_present (GTK_WINDOW (window));
  xuncha_ui_test_wait_for_size (window, 360);
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, screenshot));

  /* The priorities are the first buttons, each whole on the first screen. */
  for (guint i = 0; first[i] != NULL; i++)
    {
      GtkWidget *button = xuncha_category_picker_get_button (picker, first[i]);
      graphene_rect_t bounds;

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (scroller), &bounds));
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                         gtk_widget_get_height (GTK_WIDGET (scroller)));
      g_assert_cmpint (gtk_widget_get_height (button), >=, 44);
    }

  /* A Chinese screen carries no English under the names: the code (and whether it is a
   * local one) only. */
  if (zh)
    {
      GListModel *categories = xuncha_taxonomy_get_categories (taxonomy);

      for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
        {
          g_autoptr(XunchaCategory) c = g_list_model_get_item (categories, i);
          const char *code = xuncha_category_get_code (c);
          const char *detail = button_detail (xuncha_category_picker_get_button (picker, code));

          g_assert_true (g_str_has_prefix (detail, code));
          for (const char *p = detail + strlen (code); *p != '\0'; p++)
            g_assert_false (g_ascii_isalpha (*p));
        }
    }

  /* Pinyin initials and full pinyin, as typed before the keyboard makes characters. */
  gtk_editable_set_text (search, "npx");
  xuncha_category_picker_set_filter (picker, "npx");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 1);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (
    xuncha_category_picker_get_button (picker, "07001"))));
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, zh ? "category-picker-pinyin-zh"
                                                : "category-picker-pinyin"));
  xuncha_category_picker_set_filter (picker, "niupixuan");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 1);
  xuncha_category_picker_set_filter (picker, "lutianshaokao");
  g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 1);

  /* The next report: the last search and scroll position are gone, Recent on top. The
   * entry's delayed search-changed puts the whole list back first. */
  gtk_editable_set_text (search, "");
  for (guint i = 0; i < 100 && count_visible_buttons (picker, taxonomy) < 28; i++)
    xuncha_ui_test_wait_for_frames (window, 1);
  /* Scrolled down once the whole list is laid out again. */
  for (guint i = 0; i < 100 && gtk_adjustment_get_value (vadjustment) < 200; i++)
    {
      xuncha_ui_test_wait_for_frames (window, 1);
      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
    }
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >=, 200);
  gtk_editable_set_text (search, "npx");
  {
    const char * const recent[] = { "06029", NULL };
    GtkWidget *button;
    graphene_rect_t bounds;

    xuncha_category_picker_set_taxonomy (picker, taxonomy, recent);
    /* Past the entry's search delay too. */
    xuncha_ui_test_wait_for_frames (window, 20);
    g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
    g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
    g_assert_cmpuint (count_visible_buttons (picker, taxonomy), ==, 28);
    /* Recent first, then the other priorities: all on the first screen. */
    for (guint i = 0; first[i] != NULL; i++)
      {
        button = xuncha_category_picker_get_button (picker, first[i]);
        g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (scroller), &bounds));
        g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                           gtk_widget_get_height (GTK_WIDGET (scroller)));
        if (i == 0)
          g_assert_cmpfloat (bounds.origin.y, >, 0);
      }
    button = xuncha_category_picker_get_button (picker, "06029");
    g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (scroller), &bounds));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                       gtk_widget_get_height (GTK_WIDGET (scroller)));
  }

  gtk_window_destroy (GTK_WINDOW (window));
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

static void
test_first_use_english (void)
{
  if (xuncha_ui_test_have_display ())
    run_first_use ("en", "category-picker-first-use");
}

static void
test_first_use_chinese (void)
{
  if (xuncha_ui_test_have_display ())
    run_first_use ("zh_CN", "category-picker-first-use-zh");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  xuncha_ui_test_init ();

  g_test_add_func ("/ui/category-picker/english", test_picker_english);
  g_test_add_func ("/ui/category-picker/chinese", test_picker_chinese);
  g_test_add_func ("/ui/category-picker/first-use/english", test_first_use_english);
  g_test_add_func ("/ui/category-picker/first-use/chinese", test_first_use_chinese);

  return g_test_run ();
}
