/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"
#include "xuncha-map-view.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_PLACE_PICKER (xuncha_place_picker_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPlacePicker, xuncha_place_picker, XUNCHA, PLACE_PICKER, GtkWidget)

/* Placing a report by hand: the officer moves the map under a fixed centre pin and
 * confirms. Emits "placed" (double lat, double lon). */
XunchaPlacePicker *xuncha_place_picker_new            (void);
XunchaMapView     *xuncha_place_picker_get_map_view   (XunchaPlacePicker *self);
void               xuncha_place_picker_set_street_map (XunchaPlacePicker *self,
                                                       XunchaStreetMap   *map);
void               xuncha_place_picker_center_on      (XunchaPlacePicker *self,
                                                       double             lat,
                                                       double             lon);
/* Confirms the place under the pin, as the button does. */
void               xuncha_place_picker_confirm        (XunchaPlacePicker *self);

G_END_DECLS
