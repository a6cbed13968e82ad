/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-map-view.h"

G_BEGIN_DECLS

/* For tests: how many pieces the track is drawn in (one more for each gap in recording). */
guint xuncha_map_view_get_n_track_pieces (XunchaMapView *self);

/* For tests: the pin of the report @uuid (a button that reopens it), or NULL. */
GtkWidget *xuncha_map_view_get_report_pin (XunchaMapView *self,
                                           const char    *uuid);
/* For tests: the map's zoom in (TRUE) or out button. */
GtkWidget *xuncha_map_view_get_zoom_button (XunchaMapView *self,
                                            gboolean       zoom_in);
/* For tests: the controls no street name goes under (GtkWidget). */
GPtrArray *xuncha_map_view_get_keep_clear  (XunchaMapView *self);

G_END_DECLS
