/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-photo-store.h"

G_DEFINE_INTERFACE (XunchaOfficePhotoStore, xuncha_office_photo_store, G_TYPE_OBJECT)

static void
xuncha_office_photo_store_default_init (XunchaOfficePhotoStoreInterface *iface)
{
}

gboolean
xuncha_office_photo_store_held (XunchaOfficePhotoStore  *self,
                                const char              *sha256,
                                gint64                  *bytes,
                                char                   **received_at,
                                GError                 **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (self), FALSE);
  return XUNCHA_OFFICE_PHOTO_STORE_GET_IFACE (self)->held (self, sha256, bytes, received_at,
                                                           error);
}

XunchaOfficePhotoUpload *
xuncha_office_photo_store_begin (XunchaOfficePhotoStore  *self,
                                 GError                 **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (self), NULL);
  return XUNCHA_OFFICE_PHOTO_STORE_GET_IFACE (self)->begin (self, error);
}

GInputStream *
xuncha_office_photo_store_open_read (XunchaOfficePhotoStore  *self,
                                     const char              *sha256,
                                     gint64                  *bytes,
                                     GError                 **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (self), NULL);
  return XUNCHA_OFFICE_PHOTO_STORE_GET_IFACE (self)->open_read (self, sha256, bytes, error);
}
