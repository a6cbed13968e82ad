/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-storage-error.h"

G_BEGIN_DECLS

/* One photo on its way into a photo store: its bytes are written as they arrive, then it
 * is committed under the hash the device named (which the store checks) or aborted. A
 * commit answers only once the photo is durable: after it, a power cut loses nothing.
 * An upload is used by one thread at a time, not necessarily always the same one. Each
 * photo store has its own subclass. Dropping the last reference to an upload neither
 * committed nor aborted aborts it. */

#define XUNCHA_TYPE_OFFICE_PHOTO_UPLOAD (xuncha_office_photo_upload_get_type ())

G_DECLARE_DERIVABLE_TYPE (XunchaOfficePhotoUpload, xuncha_office_photo_upload, XUNCHA,
                          OFFICE_PHOTO_UPLOAD, GObject)

struct _XunchaOfficePhotoUploadClass
{
  GObjectClass parent_class;

  gboolean (*write)  (XunchaOfficePhotoUpload *self, const guint8 *data, gsize length,
                      GError **error);
  gboolean (*commit) (XunchaOfficePhotoUpload *self, const char *sha256, gboolean *created,
                      gint64 *bytes, char **received_at, GError **error);
  void     (*abort)  (XunchaOfficePhotoUpload *self);
};

gboolean xuncha_office_photo_upload_write  (XunchaOfficePhotoUpload  *self,
                                            const guint8             *data,
                                            gsize                     length,
                                            GError                  **error);
/* HASH_MISMATCH when the bytes are not @sha256's. @created FALSE: the store held it
 * already (its first @received_at is answered). */
gboolean xuncha_office_photo_upload_commit (XunchaOfficePhotoUpload  *self,
                                            const char               *sha256,
                                            gboolean                 *created,
                                            gint64                   *bytes,
                                            char                    **received_at,
                                            GError                  **error);
void     xuncha_office_photo_upload_abort  (XunchaOfficePhotoUpload  *self);

G_END_DECLS
