/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-office-backend.h"
#include "xuncha-office-folder-photo-store.h"
#include "xuncha-private-files-private.h"
#if HAVE_POSTGRESQL
#include "xuncha-office-pg-records.h"
#endif
#include "xuncha-office-sqlite-records.h"

/* The PostgreSQL records, for a database named by a libpq connection string. A build
 * without libpq has none: said so in words an administrator can act on. */
static XunchaOfficeRecords *
open_pg_records (const char  *database,
                 guint        pool_size,
                 GError     **error)
{
#if HAVE_POSTGRESQL
  return XUNCHA_OFFICE_RECORDS (xuncha_office_pg_records_open (database, pool_size, error));
#else
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               _("This xuncha-office was built without PostgreSQL support: leave out "
                 "--database (and XUNCHA_OFFICE_DATABASE) to keep the records in SQLite in "
                 "the data folder."));
  return NULL;
#endif
}

/* The office's folder holds every photo of a district: its user's alone, whichever
 * records backend runs (the SQLite records see to it for office.db's folder themselves).
 * A folder with a wider mode is tightened, and the log says so. */
static gboolean
make_private (const char  *data_dir,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  guint was_mode = 0;

  if (!xuncha_private_dir (data_dir, &was_mode, &local_error))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   _("The office will not use its data folder: %s"), local_error->message);
      return FALSE;
    }
  if (was_mode != 0)
    g_message ("Made the folder %s private to the office's user (mode 0700, was %04o)",
               data_dir, was_mode);
  return TRUE;
}

gboolean
xuncha_office_backend_open (const char              *database,
                            const char              *data_dir,
                            guint                    pool_size,
                            XunchaOfficeRecords    **records,
                            XunchaOfficePhotoStore **photos,
                            GError                 **error)
{
  g_autoptr(XunchaOfficeRecords) new_records = NULL;
  g_autoptr(XunchaOfficePhotoStore) new_photos = NULL;
  g_autofree char *photo_dir = NULL;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (pool_size > 0, FALSE);
  g_return_val_if_fail (records != NULL && photos != NULL, FALSE);

  if (database == NULL)
    new_records = XUNCHA_OFFICE_RECORDS (xuncha_office_sqlite_records_open (data_dir, pool_size,
                                                                            error));
  else if (make_private (data_dir, error))
    new_records = open_pg_records (database, pool_size, error);
  if (new_records == NULL)
    return FALSE;

  photo_dir = g_build_filename (data_dir, "photos", NULL);
  new_photos = XUNCHA_OFFICE_PHOTO_STORE (xuncha_office_folder_photo_store_open (photo_dir,
                                                                                 error));
  if (new_photos == NULL)
    return FALSE;

  *records = g_steal_pointer (&new_records);
  *photos = g_steal_pointer (&new_photos);
  return TRUE;
}
