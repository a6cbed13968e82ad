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

/* Renders @widget into $XUNCHA_BUILD_DIR/screenshots/@name.png, checks the image is not
 * blank, and returns its path. */
char     *xuncha_ui_test_screenshot        (GtkWidget  *widget,
                                            const char *name);

G_END_DECLS
