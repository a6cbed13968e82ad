/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the folder photo store and its uploads share: where a photo lives and how its
 * file is read as held. */

/* @folder/SHA256.jpg: the name the office has always given a photo. */
char     *xuncha_office_folder_photo_path (const char  *folder,
                                           const char  *sha256);

/* TRUE when @path exists: its size and its modification time (the photo's received_at,
 * ISO 8601 UTC). FALSE without an error when it does not; with one when it could not be
 * told. */
gboolean  xuncha_office_folder_photo_stat (const char  *path,
                                           gint64      *bytes,
                                           char       **received_at,
                                           GError     **error);

/* Makes the entry just linked or renamed in @folder durable. */
gboolean  xuncha_office_folder_photo_sync_folder (const char  *folder,
                                                  GError     **error);

G_END_DECLS
