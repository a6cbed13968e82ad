/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-office-backup-error.h"
#include "xuncha-office-backup-reader.h"

G_BEGIN_DECLS

/* Backup and restore of an office: its records (SQLite's office.db, or a PostgreSQL
 * database through pg_dump and pg_restore) and its photos, in one file
 * (xuncha-office-backup-format.h). docs/backup.md says how to use them and what a restore
 * cannot bring back. */

typedef struct
{
  XunchaOfficeBackupRecords  records;
  int                        schema;
  char                      *created_at;   /* when the records were taken */
  guint64                    records_bytes;
  guint64                    photos;
  guint64                    photo_bytes;
  GPtrArray                 *left_out;     /* photos damaged on disk, not in the backup */
  guint64                    bytes;        /* the backup file */
} XunchaOfficeBackupResult;

void xuncha_office_backup_result_clear (XunchaOfficeBackupResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaOfficeBackupResult, xuncha_office_backup_result_clear)

/* Writes a backup of the office in @data_dir to @out while the office runs and writes.
 * @database: NULL for the SQLite records in @data_dir/office.db, copied with SQLite's
 * online backup from one read transaction; or a libpq connection string, dumped with
 * pg_dump -Fc (run as a program, the password given to it in its environment). The photos
 * are copied after the records were taken, so every report in the backup has its photos.
 * @photos_only: the photos alone (a city whose database administrator dumps the database).
 * The file is written as @out.tmp, flushed, and renamed to @out. */
gboolean xuncha_office_backup_create (const char                *data_dir,
                                      const char                *database,
                                      gboolean                   photos_only,
                                      const char                *out,
                                      XunchaOfficeBackupResult  *result,
                                      GError                   **error);

typedef struct
{
  XunchaOfficeBackupContents  contents;      /* what the backup held */
  gboolean                    records;       /* the records were restored */
  gboolean                    raised;        /* their revision counters were raised */
  guint64                     photos_placed;
  guint64                     photos_held;   /* already in the folder */
  char                       *replaced;      /* where the earlier office.db was moved */
  gint64                      officers;      /* in the restored records */
  gint64                      reports;
  gint64                      shifts;
} XunchaOfficeRestoreResult;

void xuncha_office_restore_result_clear (XunchaOfficeRestoreResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaOfficeRestoreResult, xuncha_office_restore_result_clear)

/* Restores the backup @from into @data_dir (photos) and the records it holds: SQLite's
 * office.db into @data_dir (@database NULL), PostgreSQL's into @database with pg_restore
 * --clean --if-exists --no-owner in one transaction. Every checksum of @from is checked
 * first; a damaged or hostile file changes nothing. Refused (IN_USE) while an office uses
 * the records, and (HOLDS_RECORDS) when they hold officers, reports, shifts or streets
 * unless @force; an office.db replaced so is kept beside it, renamed. The photos go in
 * first, their checksums checked, so the records never name a photo the folder lacks.
 * The restored records are then opened as an office opens them (an older schema migrated)
 * and their revision counters raised to the time in microseconds, above every revision a
 * device may hold. @photos_only: the photos alone, the records left as they are; records
 * already there (a database its administrator restored from dumps of his own) have their
 * counters raised all the same. */
gboolean xuncha_office_backup_restore (const char                 *from,
                                       const char                 *data_dir,
                                       const char                 *database,
                                       gboolean                    force,
                                       gboolean                    photos_only,
                                       XunchaOfficeRestoreResult  *result,
                                       GError                    **error);

G_END_DECLS
