/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_STREET_LAYER (xuncha_street_layer_get_type ())

G_DECLARE_FINAL_TYPE (XunchaStreetLayer, xuncha_street_layer, XUNCHA, STREET_LAYER,
                      ShumateLayer)

/* Draws the street segments of a street map, coloured by class (strict, class 1, class 2,
 * other), only those in view, with their names at close zoom. Usable with no basemap. */
XunchaStreetLayer *xuncha_street_layer_new            (ShumateViewport   *viewport);
void               xuncha_street_layer_set_street_map (XunchaStreetLayer *self,
                                                       XunchaStreetMap   *map);
XunchaStreetMap   *xuncha_street_layer_get_street_map (XunchaStreetLayer *self);
/* Segments drawn in the last frame (for tests and the benchmark). */
guint              xuncha_street_layer_get_n_drawn    (XunchaStreetLayer *self);

G_END_DECLS
