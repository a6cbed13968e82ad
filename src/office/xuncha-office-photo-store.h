/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-photo-upload.h"

G_BEGIN_DECLS

/* Where the office keeps photos: content-addressed blobs, named by their SHA-256, written
 * once and never changed. Every method may be called from any thread, and from several at
 * once; several office processes may share one store (a shared folder), so a store keeps
 * nothing that matters in memory.
 *
 * XunchaOfficeFolderPhotoStore keeps them as files in a folder. Each store passes the
 * contract suite, tests/test-office-photo-store.c. */

#define XUNCHA_TYPE_OFFICE_PHOTO_STORE (xuncha_office_photo_store_get_type ())

G_DECLARE_INTERFACE (XunchaOfficePhotoStore, xuncha_office_photo_store, XUNCHA,
                     OFFICE_PHOTO_STORE, GObject)

struct _XunchaOfficePhotoStoreInterface
{
  GTypeInterface parent_iface;

  gboolean                 (*held)      (XunchaOfficePhotoStore *self, const char *sha256,
                                         gint64 *bytes, char **received_at, GError **error);
  XunchaOfficePhotoUpload *(*begin)     (XunchaOfficePhotoStore *self, GError **error);
  GInputStream            *(*open_read) (XunchaOfficePhotoStore *self, const char *sha256,
                                         gint64 *bytes, GError **error);
};

/* TRUE when the store holds the photo (durably). @bytes and @received_at may be NULL.
 * FALSE without an error for a photo not held; FALSE with one when the store could not
 * tell (a disk error). */
gboolean                 xuncha_office_photo_store_held      (XunchaOfficePhotoStore  *self,
                                                              const char              *sha256,
                                                              gint64                  *bytes,
                                                              char                   **received_at,
                                                              GError                 **error);
XunchaOfficePhotoUpload *xuncha_office_photo_store_begin     (XunchaOfficePhotoStore  *self,
                                                              GError                 **error);
/* The photo's bytes; NOT_FOUND when it is not held. */
GInputStream            *xuncha_office_photo_store_open_read (XunchaOfficePhotoStore  *self,
                                                              const char              *sha256,
                                                              gint64                  *bytes,
                                                              GError                 **error);

G_END_DECLS
