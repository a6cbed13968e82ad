/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-office-folder-photo-store-private.h"
#include "xuncha-office-folder-photo-upload.h"

struct _XunchaOfficeFolderPhotoUpload
{
  XunchaOfficePhotoUpload  parent_instance;

  char                    *folder;
  char                    *path;      /* the file in .incoming; NULL once it is gone */
  int                      fd;
  GChecksum               *checksum;
  gint64                   bytes;
};

G_DEFINE_FINAL_TYPE (XunchaOfficeFolderPhotoUpload, xuncha_office_folder_photo_upload,
                     XUNCHA_TYPE_OFFICE_PHOTO_UPLOAD)

static gboolean
failed (GError     **error,
        const char  *what,
        int          saved_errno)
{
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* Leaves nothing in .incoming. */
static void
discard (XunchaOfficeFolderPhotoUpload *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->path != NULL)
    {
      g_unlink (self->path);
      g_clear_pointer (&self->path, g_free);
    }
}

static gboolean
upload_write (XunchaOfficePhotoUpload  *upload,
              const guint8             *data,
              gsize                     length,
              GError                  **error)
{
  XunchaOfficeFolderPhotoUpload *self = XUNCHA_OFFICE_FOLDER_PHOTO_UPLOAD (upload);
  gsize done = 0;

  g_return_val_if_fail (self->fd >= 0, FALSE);
  g_checksum_update (self->checksum, data, length);
  while (done < length)
    {
      ssize_t n = write (self->fd, data + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return failed (error, "Could not write the photo", errno);
      done += (gsize)n;
    }
  self->bytes += length;
  return TRUE;
}

/* Durable before the answer: the bytes (and the time, set now as the photo's received_at)
 * flushed, then the name linked into place and the folder flushed. link() never replaces:
 * of two commits of one photo at once (two office processes on one folder), one creates
 * the file and the other finds it, and both answer only once it is durable. */
static gboolean
commit_in (XunchaOfficeFolderPhotoUpload  *self,
           const char                     *sha256,
           gboolean                       *created,
           gint64                         *bytes,
           char                          **received_at,
           GError                        **error)
{
  g_autofree char *target = xuncha_office_folder_photo_path (self->folder, sha256);
  const char *actual = g_checksum_get_string (self->checksum);
  int rc;

  if (!g_str_equal (actual, sha256))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH,
                   "The photo's bytes hash to %s, not to its name %s; nothing was kept",
                   actual, sha256);
      return FALSE;
    }
  if (futimens (self->fd, NULL) != 0 || fsync (self->fd) != 0)
    return failed (error, "Could not flush the photo", errno);
  rc = close (self->fd);
  self->fd = -1;
  if (rc != 0)
    return failed (error, "Could not flush the photo", errno);

  if (link (self->path, target) == 0)
    *created = TRUE;
  else if (errno == EEXIST)
    *created = FALSE;
  else
    return failed (error, "Could not store the photo", errno);
  /* Held either way: the other commit's name may not be durable yet, so the folder is
   * flushed for a photo found as well as for one made. */
  if (!xuncha_office_folder_photo_sync_folder (self->folder, error))
    return FALSE;
  if (!xuncha_office_folder_photo_stat (target, bytes, received_at, error))
    {
      if (error != NULL && *error == NULL)
        failed (error, "The stored photo is gone", ENOENT);
      return FALSE;
    }
  return TRUE;
}

static gboolean
upload_commit (XunchaOfficePhotoUpload  *upload,
               const char               *sha256,
               gboolean                 *created,
               gint64                   *bytes,
               char                    **received_at,
               GError                  **error)
{
  XunchaOfficeFolderPhotoUpload *self = XUNCHA_OFFICE_FOLDER_PHOTO_UPLOAD (upload);
  gboolean ok;

  g_return_val_if_fail (self->fd >= 0, FALSE);
  *bytes = self->bytes;
  ok = commit_in (self, sha256, created, bytes, received_at, error);
  /* The file in .incoming goes in every case: on success the photo has its own name. */
  discard (self);
  return ok;
}

static void
upload_abort (XunchaOfficePhotoUpload *upload)
{
  discard (XUNCHA_OFFICE_FOLDER_PHOTO_UPLOAD (upload));
}

static void
xuncha_office_folder_photo_upload_finalize (GObject *object)
{
  XunchaOfficeFolderPhotoUpload *self = (XunchaOfficeFolderPhotoUpload *)object;

  discard (self);
  g_free (self->folder);
  g_checksum_free (self->checksum);
  G_OBJECT_CLASS (xuncha_office_folder_photo_upload_parent_class)->finalize (object);
}

static void
xuncha_office_folder_photo_upload_class_init (XunchaOfficeFolderPhotoUploadClass *klass)
{
  XunchaOfficePhotoUploadClass *upload_class = XUNCHA_OFFICE_PHOTO_UPLOAD_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = xuncha_office_folder_photo_upload_finalize;
  upload_class->write = upload_write;
  upload_class->commit = upload_commit;
  upload_class->abort = upload_abort;
}

static void
xuncha_office_folder_photo_upload_init (XunchaOfficeFolderPhotoUpload *self)
{
  self->fd = -1;
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

XunchaOfficePhotoUpload *
xuncha_office_folder_photo_upload_new (const char  *folder,
                                       GError     **error)
{
  g_autoptr(XunchaOfficeFolderPhotoUpload) self = NULL;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_FOLDER_PHOTO_UPLOAD, NULL);
  self->folder = g_strdup (folder);
  self->path = g_build_filename (folder, ".incoming", "upload-XXXXXX", NULL);
  self->fd = g_mkstemp_full (self->path, O_WRONLY | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&self->path, g_free);
      failed (error, "Could not create a temporary photo file", saved);
      return NULL;
    }
  return XUNCHA_OFFICE_PHOTO_UPLOAD (g_steal_pointer (&self));
}
