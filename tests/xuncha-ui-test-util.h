/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK, libadwaita, the app's style sheet and catalogues, as the app sets them up; for tests
 * that build widgets without the application. Does nothing without a display. */
void      xuncha_ui_test_init              (void);

/* TRUE when a display is there; otherwise marks the test skipped with the reason. */
gboolean  xuncha_ui_test_have_display      (void);

/* Iterates the main context until @widget has drawn @n more frames. */
void      xuncha_ui_test_wait_for_frames   (GtkWidget  *widget,
                                            guint       n);

/* Iterates until @widget is at least @width pixels wide (or a few seconds pass). */
void      xuncha_ui_test_wait_for_size     (GtkWidget  *widget,
                                            int         width);

/* Iterates the main context until @object's @property is not NULL (or a few seconds pass,
 * then fails): things the app loads on worker threads. */
void      xuncha_ui_test_wait_for_property (gpointer    object,
                                            const char *property);

/* Iterates until a camera (an XunchaCamera) is ready to capture, or fails after a few
 * seconds. */
void      xuncha_ui_test_wait_for_camera   (gpointer    camera);

/* The first widget of @type below @widget, depth first, or NULL. */
GtkWidget *xuncha_ui_test_find_widget      (GtkWidget  *widget,
                                            GType       type);

/* The first widget with the style class @css_class below @widget, depth first, or NULL. */
GtkWidget *xuncha_ui_test_find_by_css_class (GtkWidget  *widget,
                                             const char *css_class);

/* The template child @name of @widget, whose template is @type's; fails when absent. */
GtkWidget *xuncha_ui_test_template_child   (gpointer    widget,
                                            GType       type,
                                            const char *name);

/* Clicks @button, which must be sensitive. */
void      xuncha_ui_test_click             (GtkWidget  *button);

/* Iterates the main context until @condition (an expression, evaluated again each time)
 * holds, and fails when it still does not after 60 s. */
#define xuncha_ui_test_wait_until(condition) \
  G_STMT_START \
    { \
      gint64 wait_deadline_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; \
      \
      while (!(condition) && g_get_monotonic_time () < wait_deadline_) \
        g_main_context_iteration (NULL, TRUE); \
      g_assert_true (condition); \
    } \
  G_STMT_END

/* Renders @widget into $XUNCHA_BUILD_DIR/screenshots/@name.png, checks the image is not
 * blank, and returns its path. */
char     *xuncha_ui_test_screenshot        (GtkWidget  *widget,
                                            const char *name);

G_END_DECLS
