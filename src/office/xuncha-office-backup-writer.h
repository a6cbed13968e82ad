/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-office-backup-format.h"

G_BEGIN_DECLS

/* Writes an office backup file (the format: xuncha-office-backup-format.h) as PATH.tmp,
 * and gives it its name only once all of it is on disk: a half-written backup never has
 * the name of a backup. */
typedef struct _XunchaOfficeBackupWriter XunchaOfficeBackupWriter;

/* Starts @path.tmp (0600; one a failed run left is replaced) with @info as its first
 * member. */
XunchaOfficeBackupWriter *
xuncha_office_backup_writer_new (const char                    *path,
                                 const XunchaOfficeBackupInfo  *info,
                                 GError                       **error);
/* Adds the records, read from the file @file, as the member @name (office.db or
 * records.pgdump). */
gboolean xuncha_office_backup_writer_add_records (XunchaOfficeBackupWriter  *self,
                                                  const char                *name,
                                                  const char                *file,
                                                  GError                   **error);
/* Adds the photo in the file @file, whose name says its bytes hash to @sha256. Photos come
 * in ascending order of @sha256. *@added is FALSE, without an error, for a photo that is
 * gone or whose bytes no longer hash to its name (damaged on disk): it is left out, so
 * that one bad file does not make the whole backup one a restore refuses. */
gboolean xuncha_office_backup_writer_add_photo   (XunchaOfficeBackupWriter  *self,
                                                  const char                *file,
                                                  const char                *sha256,
                                                  gboolean                  *added,
                                                  GError                   **error);
/* Writes the manifest and the end, flushes the file to disk, renames it to its name and
 * flushes the folder. @bytes: the file's size. */
gboolean xuncha_office_backup_writer_finish      (XunchaOfficeBackupWriter  *self,
                                                  guint64                   *bytes,
                                                  GError                   **error);
/* Removes PATH.tmp unless the backup was finished. */
void     xuncha_office_backup_writer_free        (XunchaOfficeBackupWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeBackupWriter, xuncha_office_backup_writer_free)

G_END_DECLS
