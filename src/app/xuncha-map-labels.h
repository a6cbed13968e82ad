/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether a name's box @rect (in @layer's coordinates) may be drawn: wholly on the layer,
 * clear of each of @keep_clear (the map's buttons, scale and legend: widgets over the map,
 * NULL for none) and of the boxes in @placed (the names drawn so far in this frame). A box
 * that fits is added to @placed. */
gboolean xuncha_map_label_fits (GtkWidget             *layer,
                                GPtrArray             *keep_clear,
                                GArray                *placed,
                                const graphene_rect_t *rect);

G_END_DECLS
