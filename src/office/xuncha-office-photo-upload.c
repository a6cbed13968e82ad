/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-photo-upload.h"

typedef struct
{
  gboolean done;   /* committed or aborted */
} XunchaOfficePhotoUploadPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (XunchaOfficePhotoUpload, xuncha_office_photo_upload,
                                     G_TYPE_OBJECT)

static void
xuncha_office_photo_upload_dispose (GObject *object)
{
  XunchaOfficePhotoUpload *self = XUNCHA_OFFICE_PHOTO_UPLOAD (object);

  /* An upload dropped half way (the device went away) leaves nothing behind. */
  xuncha_office_photo_upload_abort (self);
  G_OBJECT_CLASS (xuncha_office_photo_upload_parent_class)->dispose (object);
}

static void
xuncha_office_photo_upload_class_init (XunchaOfficePhotoUploadClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = xuncha_office_photo_upload_dispose;
}

static void
xuncha_office_photo_upload_init (XunchaOfficePhotoUpload *self)
{
}

gboolean
xuncha_office_photo_upload_write (XunchaOfficePhotoUpload  *self,
                                  const guint8             *data,
                                  gsize                     length,
                                  GError                  **error)
{
  XunchaOfficePhotoUploadPrivate *priv = xuncha_office_photo_upload_get_instance_private (self);

  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_UPLOAD (self), FALSE);
  g_return_val_if_fail (!priv->done, FALSE);
  return XUNCHA_OFFICE_PHOTO_UPLOAD_GET_CLASS (self)->write (self, data, length, error);
}

gboolean
xuncha_office_photo_upload_commit (XunchaOfficePhotoUpload  *self,
                                   const char               *sha256,
                                   gboolean                 *created,
                                   gint64                   *bytes,
                                   char                    **received_at,
                                   GError                  **error)
{
  XunchaOfficePhotoUploadPrivate *priv = xuncha_office_photo_upload_get_instance_private (self);

  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_UPLOAD (self), FALSE);
  g_return_val_if_fail (!priv->done, FALSE);
  /* Done either way: a failed commit has cleaned up after itself. */
  priv->done = TRUE;
  return XUNCHA_OFFICE_PHOTO_UPLOAD_GET_CLASS (self)->commit (self, sha256, created, bytes,
                                                              received_at, error);
}

void
xuncha_office_photo_upload_abort (XunchaOfficePhotoUpload *self)
{
  XunchaOfficePhotoUploadPrivate *priv = xuncha_office_photo_upload_get_instance_private (self);

  g_return_if_fail (XUNCHA_IS_OFFICE_PHOTO_UPLOAD (self));
  if (priv->done)
    return;
  priv->done = TRUE;
  XUNCHA_OFFICE_PHOTO_UPLOAD_GET_CLASS (self)->abort (self);
}
