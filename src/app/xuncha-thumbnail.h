/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "xuncha-photo-store.h"

G_BEGIN_DECLS

void xuncha_thumbnail_load_bytes  (GtkPicture       *picture,
                                   GBytes           *jpeg,
                                   int               size,
                                   GCancellable     *cancellable);
void xuncha_thumbnail_load_file   (GtkPicture       *picture,
                                   GFile            *file,
                                   int               size,
                                   GCancellable     *cancellable);
void xuncha_thumbnail_load_stored (GtkPicture       *picture,
                                   XunchaPhotoStore *photos,
                                   const char       *sha256,
                                   int               size,
                                   GCancellable     *cancellable);

G_END_DECLS
