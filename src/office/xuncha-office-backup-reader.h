/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-office-backup-format.h"

G_BEGIN_DECLS

/* Reads an office backup file (the format: xuncha-office-backup-format.h), which may come
 * from anywhere: first all of it is checked (verify), and only then are its members handed
 * out (next, copy), each checked again on the way. Nothing past the limits in the format's
 * header is read; a damaged file is DAMAGED, one that holds what a backup never holds
 * (links, names outside its folder, sizes past the limits) REFUSED, one of a newer format
 * NEWER; every message names the file and what is wrong with it. */
typedef struct _XunchaOfficeBackupReader XunchaOfficeBackupReader;

/* What a verified backup holds. */
typedef struct
{
  XunchaOfficeBackupInfo info;
  guint64                photos;
  guint64                photo_bytes;
  guint64                records_bytes;
} XunchaOfficeBackupContents;

void xuncha_office_backup_contents_clear (XunchaOfficeBackupContents *contents);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaOfficeBackupContents, xuncha_office_backup_contents_clear)

/* One member as the second pass hands it out: the records or a photo. */
typedef struct
{
  XunchaOfficeBackupMember kind;      /* SQLITE, PG or PHOTO */
  char                     name[101];
  char                     sha256[65];
  guint64                  size;
  gint64                   mtime_ns;
} XunchaOfficeBackupEntry;

/* Opens the regular file @path. */
XunchaOfficeBackupReader *xuncha_office_backup_reader_open   (const char                  *path,
                                                              GError                     **error);
/* The same on an open file (taken over: closed by free), named @name in messages. */
XunchaOfficeBackupReader *xuncha_office_backup_reader_new_for_fd (int                      fd,
                                                                  const char              *name,
                                                                  GError                 **error);
/* Reads the whole file: structure, limits, names, order, every checksum. Nothing is handed
 * out before this succeeded. */
gboolean                  xuncha_office_backup_reader_verify (XunchaOfficeBackupReader    *self,
                                                              XunchaOfficeBackupContents  *contents,
                                                              GError                     **error);
/* The next member after the description (the records, then the photos); *@done at the
 * end. */
gboolean                  xuncha_office_backup_reader_next   (XunchaOfficeBackupReader    *self,
                                                              XunchaOfficeBackupEntry     *entry,
                                                              gboolean                    *done,
                                                              GError                     **error);
/* Writes the member next() gave to @fd (-1: reads it only), checking its SHA-256 once
 * more: DAMAGED if the file changed since it was verified. */
gboolean                  xuncha_office_backup_reader_copy   (XunchaOfficeBackupReader    *self,
                                                              int                          fd,
                                                              GError                     **error);
void                      xuncha_office_backup_reader_free   (XunchaOfficeBackupReader    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeBackupReader, xuncha_office_backup_reader_free)

G_END_DECLS
