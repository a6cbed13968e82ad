/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-office-backend.h"
#include "xuncha-office-folder-photo-store.h"
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
  else
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
