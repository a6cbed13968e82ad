/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-photo-upload.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_FOLDER_PHOTO_UPLOAD (xuncha_office_folder_photo_upload_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeFolderPhotoUpload, xuncha_office_folder_photo_upload,
                      XUNCHA, OFFICE_FOLDER_PHOTO_UPLOAD, XunchaOfficePhotoUpload)

/* A photo on its way into @folder: its bytes go to a file of its own in
 * @folder/.incoming, which a commit links into place as @folder/SHA256.jpg. */
XunchaOfficePhotoUpload *xuncha_office_folder_photo_upload_new (const char  *folder,
                                                                GError     **error);

G_END_DECLS
