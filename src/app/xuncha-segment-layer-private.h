/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-segment-layer.h"

G_BEGIN_DECLS

/* The controls over the map (GtkWidget) no street name is drawn under; the array is shared
 * with the map view, which adds to it. */
void    xuncha_segment_layer_set_keep_clear  (XunchaSegmentLayer *self,
                                              GPtrArray          *controls);
/* For tests: the boxes (graphene_rect_t, in the layer's coordinates) of the names the last
 * frame drew. */
GArray *xuncha_segment_layer_get_label_boxes (XunchaSegmentLayer *self);

G_END_DECLS
