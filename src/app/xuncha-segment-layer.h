/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

/* How a segment is drawn, bottom to top. */
typedef enum
{
  XUNCHA_SEGMENT_STYLE_STREET,   /* any street, thin and grey: where the route ran */
  XUNCHA_SEGMENT_STYLE_MISSED,   /* an assigned segment not walked: red */
  XUNCHA_SEGMENT_STYLE_WALKED,   /* a walked segment: green */
  XUNCHA_SEGMENT_STYLE_SELECTED, /* what the officer asked to see: red with a dark edge */
  XUNCHA_N_SEGMENT_STYLES
} XunchaSegmentStyle;

#define XUNCHA_TYPE_SEGMENT_LAYER (xuncha_segment_layer_get_type ())

G_DECLARE_FINAL_TYPE (XunchaSegmentLayer, xuncha_segment_layer, XUNCHA, SEGMENT_LAYER,
                      ShumateLayer)

/* Draws street segments as lines in a style each. Only the segments whose box meets the
 * view are drawn, so a city's worth of segments costs little per frame. */
XunchaSegmentLayer *xuncha_segment_layer_new        (ShumateViewport    *viewport);
/* Adds @segments (XunchaStreetSegment; each is referenced) in @style. */
void                xuncha_segment_layer_add        (XunchaSegmentLayer *self,
                                                     GPtrArray          *segments,
                                                     XunchaSegmentStyle  style);
void                xuncha_segment_layer_clear      (XunchaSegmentLayer *self);
/* Removes the segments of @style alone. */
void                xuncha_segment_layer_clear_style (XunchaSegmentLayer *self,
                                                      XunchaSegmentStyle  style);
guint               xuncha_segment_layer_get_n_segments (XunchaSegmentLayer *self,
                                                         XunchaSegmentStyle  style);
/* How many segments of @style the last frame drew (after culling). */
guint               xuncha_segment_layer_get_n_drawn    (XunchaSegmentLayer *self,
                                                         XunchaSegmentStyle  style);

G_END_DECLS
