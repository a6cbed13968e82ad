/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The patrol map's frame at city and street zoom over a 100,000-segment city: the time to
 * build the frame (snapshot of the map with the street layer), against drawing every
 * segment with cairo as a map without the index and level of detail would. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>

#include "bench-city.h"
#include "xuncha-map-view.h"

#define ROUNDS 40

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void
iterate (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The street layer's frame: its snapshot (culling, projection, paths) and the rendering of
 * what it recorded, as the compositor would, without GTK's caches in between. */
static double
frame_ms (XunchaMapView *view,
          double         zoom,
          double         lat,
          double         lon,
          guint         *drawn)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *layer = GTK_WIDGET (xuncha_map_view_get_street_layer (view));
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (layer));
  int width = gtk_widget_get_width (layer), height = gtk_widget_get_height (layer);

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      gint64 start;
      double ms;

      /* A small pan between frames, as a walking officer's map does. */
      xuncha_map_view_center_on (view, lat + i * 2e-5, lon + i * 2e-5, zoom);
      iterate (5);
      start = g_get_monotonic_time ();
      GTK_WIDGET_GET_CLASS (layer)->snapshot (layer, snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node,
                                               &GRAPHENE_RECT_INIT (0, 0, width, height));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  *drawn = xuncha_street_layer_get_n_drawn (xuncha_map_view_get_street_layer (view));
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, times->len / 2);
}

/* Every segment, projected and stroked, with no index and no level of detail. */
static double
naive_ms (GPtrArray *segments,
          double     zoom,
          double     lat,
          double     lon,
          int        width,
          int        height)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double scale = 256 * pow (2, zoom);

  for (guint r = 0; r < 5; r++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cairo_t *cr = cairo_create (surface);
      double cx = (lon + 180) / 360 * scale;
      double cy = (1 - log (tan (G_PI / 4 + lat * G_PI / 360)) / G_PI) / 2 * scale;
      gint64 start = g_get_monotonic_time ();
      double ms;

      for (guint i = 0; i < segments->len; i++)
        {
          guint n;
          const double *ll = xuncha_street_segment_get_coordinates (g_ptr_array_index (segments, i), &n);
          for (guint k = 0; k < n; k++)
            {
              double x = (ll[2 * k] + 180) / 360 * scale - cx + width / 2.0;
              double y = (1 - log (tan (G_PI / 4 + ll[2 * k + 1] * G_PI / 360)) / G_PI) / 2 * scale
                         - cy + height / 2.0;
              if (k == 0)
                cairo_move_to (cr, x, y);
              else
                cairo_line_to (cr, x, y);
            }
        }
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, times->len / 2);
}

int
main (int    argc,
      char **argv)
{
  guint n = g_getenv ("XUNCHA_BENCH_SEGMENTS") ? atoi (g_getenv ("XUNCHA_BENCH_SEGMENTS")) : 100000;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  GtkWidget *window;
  XunchaMapView *view;
  double lat, lon;
  const double zooms[] = { 13, 16 };
  const char * const names[] = { "city", "street" };

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("SKIP map-frame: no display (run under Xvfb: build-aux/dev bench)\n");
      return 77;
    }
  gtk_init ();
  adw_init ();

  segments = bench_city_segments (n, &lat, &lon);
  map = xuncha_street_map_new (segments);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  view = g_object_new (XUNCHA_TYPE_MAP_VIEW, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  xuncha_map_view_set_street_map (view, map);
  gtk_window_present (GTK_WINDOW (window));
  iterate (500);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      guint drawn = 0;
      double ours = frame_ms (view, zooms[z], lat, lon, &drawn);
      double naive = naive_ms (segments, zooms[z], lat, lon, gtk_widget_get_width (GTK_WIDGET (view)),
                               gtk_widget_get_height (GTK_WIDGET (view)));

      printf ("BENCH map-frame-%s-%usegs value=%.3f unit=ms baseline=naive-draw-all ratio=%.4f\n",
              names[z], n, ours, ours / naive);
      printf ("BENCH map-frame-%s-drawn value=%u unit=segments baseline=all ratio=%.4f\n",
              names[z], drawn, (double)drawn / n);
      printf ("BENCH map-frame-%s-naive value=%.3f unit=ms baseline=naive-draw-all ratio=1\n",
              names[z], naive);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
