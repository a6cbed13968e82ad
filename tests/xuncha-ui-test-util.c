/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "xuncha-camera.h"
#include "xuncha-ui-test-util.h"

void
xuncha_ui_test_init (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return;
  gtk_init ();
  adw_init ();
  gtk_css_provider_load_from_resource (css, "/io/github/xuncha/Xuncha/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

}

gboolean
xuncha_ui_test_have_display (void)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display: run under Xvfb (build-aux/dev test does)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
any_transition_running (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget)
      && gtk_revealer_get_child_revealed (GTK_REVEALER (widget))
         != gtk_revealer_get_reveal_child (GTK_REVEALER (widget)))
    return TRUE;
  if (ADW_IS_SQUEEZER (widget) && adw_squeezer_get_transition_running (ADW_SQUEEZER (widget)))
    return TRUE;
  if (ADW_IS_FLAP (widget))
    {
      double progress = adw_flap_get_reveal_progress (ADW_FLAP (widget));
      if (progress > 0.0 && progress < 1.0)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (any_transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  guint *left = user_data;

  if (*left > 0)
    (*left)--;
  return *left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
xuncha_ui_test_wait_for_frames (GtkWidget *widget,
                                guint      n)
{
  guint left = n;
  /* Sanitizer and valgrind builds draw many times slower (XUNCHA_TEST_SLOWDOWN). */
  const char *slowdown = g_getenv ("XUNCHA_TEST_SLOWDOWN");
  gint64 deadline = g_get_monotonic_time ()
                    + 5 * G_USEC_PER_SEC * (slowdown != NULL ? MAX (1, atoi (slowdown)) : 1);

  gtk_widget_add_tick_callback (widget, on_tick, &left, NULL);
  while (left > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Let idle work queued by the last frame (layout of new children) finish. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (left, ==, 0);
}

void
xuncha_ui_test_wait_for_size (GtkWidget *widget,
                              int        width)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (gtk_widget_get_width (widget) < width && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_widget_get_width (widget), >=, width);
}

void
xuncha_ui_test_wait_for_property (gpointer    object,
                                  const char *property)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GObject) value = NULL;

      g_object_get (object, property, &value, NULL);
      if (value != NULL)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

void
xuncha_ui_test_wait_for_camera (gpointer camera)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (xuncha_camera_get_state (camera) != XUNCHA_CAMERA_STATE_READY)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

char *
xuncha_ui_test_screenshot (GtkWidget  *widget,
                           const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree guchar *pixels = NULL;
  char *path;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  gsize stride, distinct = 0;
  guint32 first;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* Screenshots show where a transition ends, not a frame in the middle of it. */
  {
    gint64 settled = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
    while (any_transition_running (widget) && g_get_monotonic_time () < settled)
      g_main_context_iteration (NULL, TRUE);
    xuncha_ui_test_wait_for_frames (widget, 2);
  }
  /* A widget that redraws all the time (a live camera preview) has no picture between
   * a redraw request and the next frame: wait for that frame. */
  while (gdk_paintable_get_intrinsic_width (paintable) == 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  /* A widget with a redraw pending (a slow build: sanitizers) paints nothing until its
   * next frame: wait for one. */
  for (;;)
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL || g_get_monotonic_time () > deadline)
        break;
      snapshot = gtk_snapshot_new ();
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* A screenshot of one colour means nothing was drawn. */
  stride = (gsize)width * 4;
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  first = *(guint32 *)(void *)pixels;
  for (gsize i = 0; i < (gsize)width * height && distinct < 2; i += 7)
    if (((guint32 *)(void *)pixels)[i] != first)
      distinct++;
  g_assert_cmpuint (distinct, >, 0);

  dir = g_build_filename (g_getenv ("XUNCHA_BUILD_DIR"), "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

/* The first widget below @widget, depth first, that @match takes. */
static GtkWidget *
find_below (GtkWidget     *widget,
            gboolean     (*match) (GtkWidget     *widget,
                                   gconstpointer  data),
            gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (match (child, data))
        return child;
      if ((found = find_below (child, match, data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *)type);
}

GtkWidget *
xuncha_ui_test_find_widget (GtkWidget *widget,
                            GType      type)
{
  return find_below (widget, is_of_type, &type);
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

GtkWidget *
xuncha_ui_test_find_by_css_class (GtkWidget  *widget,
                                  const char *css_class)
{
  return find_below (widget, has_css_class, css_class);
}

GtkWidget *
xuncha_ui_test_template_child (gpointer    widget,
                               GType       type,
                               const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

void
xuncha_ui_test_click (GtkWidget *button)
{
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}
