/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-photo-store.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_FOLDER_PHOTO_STORE (xuncha_office_folder_photo_store_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeFolderPhotoStore, xuncha_office_folder_photo_store,
                      XUNCHA, OFFICE_FOLDER_PHOTO_STORE, GObject)

/* Photos as files in @folder, SHA256.jpg each, uploads arriving in @folder/.incoming; both
 * folders are made (private to the office's user) when absent. Several office processes
 * may share @folder: nothing is kept in memory. */
XunchaOfficeFolderPhotoStore *xuncha_office_folder_photo_store_open (const char  *folder,
                                                                     GError     **error);

G_END_DECLS
