/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-camera-view.h"

G_BEGIN_DECLS

/* For tests: the line that says why a photo was not taken (over the viewfinder). */
GtkWidget *xuncha_camera_view_get_message_label (XunchaCameraView *self);

G_END_DECLS
