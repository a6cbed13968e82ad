/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_POSITION_LAYER (xuncha_position_layer_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPositionLayer, xuncha_position_layer, XUNCHA, POSITION_LAYER,
                      ShumateLayer)

/* Draws the officer's position: a dot and a circle as wide as the fix's accuracy, so a
 * poor fix is seen at a glance. */
XunchaPositionLayer *xuncha_position_layer_new          (ShumateViewport     *viewport);
/* NULL hides the position. */
void                 xuncha_position_layer_set_fix      (XunchaPositionLayer *self,
                                                         const XunchaFix     *fix);
gboolean             xuncha_position_layer_get_fix      (XunchaPositionLayer *self,
                                                         XunchaFix           *fix);

G_END_DECLS
