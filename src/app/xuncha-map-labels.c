/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-map-labels.h"

/* Room kept between a name and a control, so a name never seems to run under it. */
#define CONTROL_MARGIN 4

gboolean
xuncha_map_label_fits (GtkWidget             *layer,
                       GPtrArray             *keep_clear,
                       GArray                *placed,
                       const graphene_rect_t *rect)
{
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (layer),
                                             gtk_widget_get_height (layer));

  g_return_val_if_fail (GTK_IS_WIDGET (layer), FALSE);
  g_return_val_if_fail (placed != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (!graphene_rect_contains_rect (&area, rect))
    return FALSE;
  for (guint i = 0; keep_clear != NULL && i < keep_clear->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (keep_clear, i);
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (control)
          || !gtk_widget_compute_bounds (control, layer, &bounds))
        continue;
      graphene_rect_inset (&bounds, -CONTROL_MARGIN, -CONTROL_MARGIN);
      if (graphene_rect_intersection (&bounds, rect, NULL))
        return FALSE;
    }
  for (guint i = 0; i < placed->len; i++)
    if (graphene_rect_intersection (&g_array_index (placed, graphene_rect_t, i), rect, NULL))
      return FALSE;
  g_array_append_val (placed, *rect);
  return TRUE;
}
