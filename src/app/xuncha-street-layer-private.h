/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-street-layer.h"

G_BEGIN_DECLS

/* The controls over the map (GtkWidget) no street name is drawn under; the array is shared
 * with the map view, which adds to it. */
void    xuncha_street_layer_set_keep_clear  (XunchaStreetLayer *self,
                                             GPtrArray         *controls);
/* For tests: the boxes (graphene_rect_t, in the layer's coordinates) of the names the last
 * frame drew. */
GArray *xuncha_street_layer_get_label_boxes (XunchaStreetLayer *self);

G_END_DECLS
