/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The errors of the office's backup and restore (xuncha-office-backup.c) and of its backup
 * file (xuncha-office-backup-reader.c, -writer.c). Each code is a different answer for the
 * administrator: a damaged file is made again, a hostile one is not restored at all, a
 * running office is stopped first. */

#define XUNCHA_OFFICE_BACKUP_ERROR (xuncha_office_backup_error_quark ())

typedef enum
{
  XUNCHA_OFFICE_BACKUP_ERROR_FAILED,        /* reading or writing failed; a program failed */
  XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,       /* a checksum or the file's structure is wrong */
  XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,       /* outside what a backup may hold: not read on */
  XUNCHA_OFFICE_BACKUP_ERROR_NEWER,         /* made by a newer xuncha-office */
  XUNCHA_OFFICE_BACKUP_ERROR_IN_USE,        /* an office (or a client) uses the records */
  XUNCHA_OFFICE_BACKUP_ERROR_HOLDS_RECORDS, /* the target holds records; --force replaces */
  XUNCHA_OFFICE_BACKUP_ERROR_WRONG_KIND,    /* SQLite records for PostgreSQL, or the reverse */
} XunchaOfficeBackupError;

GQuark xuncha_office_backup_error_quark (void);

G_END_DECLS
