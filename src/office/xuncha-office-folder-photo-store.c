/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-office-folder-photo-store.h"
#include "xuncha-office-folder-photo-store-private.h"
#include "xuncha-office-folder-photo-upload.h"
#include "xuncha-private-files-private.h"
#include "xuncha-protocol.h"

struct _XunchaOfficeFolderPhotoStore
{
  GObject  parent_instance;

  char    *folder;
};

static void photo_store_iface_init (XunchaOfficePhotoStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaOfficeFolderPhotoStore, xuncha_office_folder_photo_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_PHOTO_STORE,
                                                      photo_store_iface_init))

char *
xuncha_office_folder_photo_path (const char *folder,
                                 const char *sha256)
{
  g_autofree char *name = g_strconcat (sha256, ".jpg", NULL);

  return g_build_filename (folder, name, NULL);
}

gboolean
xuncha_office_folder_photo_stat (const char  *path,
                                 gint64      *bytes,
                                 char       **received_at,
                                 GError     **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return FALSE;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not look at the photo %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (bytes != NULL)
    *bytes = st.st_size;
  if (received_at != NULL)
    {
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (st.st_mtim.tv_sec);
      g_autoptr(GDateTime) when = g_date_time_add (seconds, st.st_mtim.tv_nsec / 1000);

      *received_at = g_date_time_format_iso8601 (when);
    }
  return TRUE;
}

gboolean
xuncha_office_folder_photo_sync_folder (const char  *folder,
                                        GError     **error)
{
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;

  if (fd < 0)
    rc = -1;
  else
    {
      rc = fsync (fd);
      close (fd);
    }
  if (rc != 0)
    {
      int saved = errno;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not flush the photo folder: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_held (XunchaOfficePhotoStore  *store,
            const char              *sha256,
            gint64                  *bytes,
            char                   **received_at,
            GError                 **error)
{
  XunchaOfficeFolderPhotoStore *self = XUNCHA_OFFICE_FOLDER_PHOTO_STORE (store);
  g_autofree char *path = NULL;

  g_return_val_if_fail (xuncha_protocol_is_sha256 (sha256), FALSE);
  /* A file is there only once it is complete and durable: a commit links it into place
   * after its bytes are flushed. */
  path = xuncha_office_folder_photo_path (self->folder, sha256);
  return xuncha_office_folder_photo_stat (path, bytes, received_at, error);
}

static XunchaOfficePhotoUpload *
store_begin (XunchaOfficePhotoStore  *store,
             GError                 **error)
{
  XunchaOfficeFolderPhotoStore *self = XUNCHA_OFFICE_FOLDER_PHOTO_STORE (store);

  return xuncha_office_folder_photo_upload_new (self->folder, error);
}

static GInputStream *
store_open_read (XunchaOfficePhotoStore  *store,
                 const char              *sha256,
                 gint64                  *bytes,
                 GError                 **error)
{
  XunchaOfficeFolderPhotoStore *self = XUNCHA_OFFICE_FOLDER_PHOTO_STORE (store);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (xuncha_protocol_is_sha256 (sha256), NULL);
  path = xuncha_office_folder_photo_path (self->folder, sha256);
  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream != NULL)
    info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL,
                                           &local_error);
  if (info == NULL)
    {
      gboolean missing = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
                   missing ? XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND
                           : XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   missing ? "No photo %s" : "Could not read the photo %s: %s", sha256,
                   local_error->message);
      return NULL;
    }
  if (bytes != NULL)
    *bytes = g_file_info_get_size (info);
  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

static void
photo_store_iface_init (XunchaOfficePhotoStoreInterface *iface)
{
  iface->held = store_held;
  iface->begin = store_begin;
  iface->open_read = store_open_read;
}

static void
xuncha_office_folder_photo_store_finalize (GObject *object)
{
  XunchaOfficeFolderPhotoStore *self = (XunchaOfficeFolderPhotoStore *)object;

  g_free (self->folder);
  G_OBJECT_CLASS (xuncha_office_folder_photo_store_parent_class)->finalize (object);
}

static void
xuncha_office_folder_photo_store_class_init (XunchaOfficeFolderPhotoStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_folder_photo_store_finalize;
}

static void
xuncha_office_folder_photo_store_init (XunchaOfficeFolderPhotoStore *self)
{
}

XunchaOfficeFolderPhotoStore *
xuncha_office_folder_photo_store_open (const char  *folder,
                                       GError     **error)
{
  g_autoptr(XunchaOfficeFolderPhotoStore) self = NULL;
  g_autofree char *incoming = NULL;
  const char *dirs[2];

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_FOLDER_PHOTO_STORE, NULL);
  self->folder = g_strdup (folder);
  incoming = g_build_filename (folder, ".incoming", NULL);
  dirs[0] = folder;
  dirs[1] = incoming;
  /* Every photo of a district: the office's user alone may read them. A folder with a
   * wider mode (made by hand, restored from a backup) is tightened, and the log says so. */
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(GError) local_error = NULL;
      guint was_mode = 0;

      if (!xuncha_private_dir (dirs[i], &was_mode, &local_error))
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                       _("The office will not use its data folder: %s"), local_error->message);
          return NULL;
        }
      if (was_mode != 0)
        g_message ("Made the folder %s private to the office's user (mode 0700, was %04o)",
                   dirs[i], was_mode);
    }
  return g_steal_pointer (&self);
}
