/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The office's backup file, written by XunchaOfficeBackupWriter and read by
 * XunchaOfficeBackupReader (docs/backup.md describes it for administrators).
 *
 * A POSIX ustar archive, so that `tar -tvf` lists it and `tar -xf` unpacks it by hand; of
 * what ustar allows, a backup uses only regular files with these names, in this order:
 *
 *   xuncha-backup            what the backup holds (XunchaOfficeBackupInfo, as text)
 *   office.db                the SQLite records, or
 *   records.pgdump           the PostgreSQL records (pg_dump -Fc), or neither (photos only)
 *   photos/SHA256.jpg        every photo, in ascending order of their names
 *   MANIFEST                 a line per member above, in order: "SHA256 BYTES MTIME_NS NAME"
 *                            (MTIME_NS: the file's modification time in nanoseconds, the
 *                            photo's received_at), then "manifest SHA256" of those lines
 *
 * then the two zero blocks that end an archive, and nothing after them. A member's size
 * that does not fit ustar's 11 octal digits (8 GiB) is written in base 256, as GNU tar and
 * bsdtar do. Every member's SHA-256 is in the manifest, the manifest's own in its last line,
 * and every header carries ustar's checksum: a byte changed anywhere is found before
 * anything is restored. */

#define XUNCHA_OFFICE_BACKUP_BLOCK            512
#define XUNCHA_OFFICE_BACKUP_FORMAT           1

#define XUNCHA_OFFICE_BACKUP_INFO_NAME        "xuncha-backup"
#define XUNCHA_OFFICE_BACKUP_SQLITE_NAME      "office.db"
#define XUNCHA_OFFICE_BACKUP_PG_NAME          "records.pgdump"
#define XUNCHA_OFFICE_BACKUP_MANIFEST_NAME    "MANIFEST"

/* What a restore reads at most: past these a file is refused before its data is read. A
 * photo is never larger than the protocol lets an office accept; the counts allow a city's
 * years of photos. */
#define XUNCHA_OFFICE_BACKUP_MAX_MEMBERS      G_GUINT64_CONSTANT (10000000)
#define XUNCHA_OFFICE_BACKUP_MAX_PHOTO_BYTES  ((guint64)G_MAXINT32)
#define XUNCHA_OFFICE_BACKUP_MAX_RECORDS_BYTES (G_GUINT64_CONSTANT (1) << 40)
#define XUNCHA_OFFICE_BACKUP_MAX_INFO_BYTES   4096
#define XUNCHA_OFFICE_BACKUP_MAX_LINE         256

typedef enum
{
  XUNCHA_OFFICE_BACKUP_RECORDS_NONE,        /* photos only */
  XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE,
  XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL,
} XunchaOfficeBackupRecords;

/* The first member: what the backup holds and who made it. */
typedef struct
{
  guint                      format;
  XunchaOfficeBackupRecords  records;
  int                        schema;          /* of the records; 0 for photos only */
  char                      *created_at;      /* ISO 8601 UTC: when the records were taken */
  char                      *office_version;  /* the xuncha-office that made it */
} XunchaOfficeBackupInfo;

void        xuncha_office_backup_info_clear   (XunchaOfficeBackupInfo        *info);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaOfficeBackupInfo, xuncha_office_backup_info_clear)

char       *xuncha_office_backup_info_to_text (const XunchaOfficeBackupInfo  *info);
/* Parses the first member; NEWER for a format this build does not read, DAMAGED for text
 * that is not such a member. */
gboolean    xuncha_office_backup_info_parse   (const char                    *text,
                                               gsize                          length,
                                               XunchaOfficeBackupInfo        *info,
                                               GError                       **error);
const char *xuncha_office_backup_records_name (XunchaOfficeBackupRecords      records);

/* What a member's name says it is. */
typedef enum
{
  XUNCHA_OFFICE_BACKUP_MEMBER_INVALID,
  XUNCHA_OFFICE_BACKUP_MEMBER_INFO,
  XUNCHA_OFFICE_BACKUP_MEMBER_SQLITE,
  XUNCHA_OFFICE_BACKUP_MEMBER_PG,
  XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO,
  XUNCHA_OFFICE_BACKUP_MEMBER_MANIFEST,
} XunchaOfficeBackupMember;

XunchaOfficeBackupMember xuncha_office_backup_member_kind (const char *name);

/* One member's header as read: its name (NUL-terminated), size and modification time. */
typedef struct
{
  char    name[101];
  guint64 size;
  gint64  mtime;
} XunchaOfficeBackupHeader;

/* A 512-byte ustar header for a regular file, mode 0600. */
void     xuncha_office_backup_header_encode (guint8                    block[512],
                                             const char               *name,
                                             guint64                   size,
                                             gint64                    mtime);
/* TRUE when @block is all zeros (the end of the archive). */
gboolean xuncha_office_backup_header_is_zero (const guint8             block[512]);
/* Reads a header: DAMAGED when its checksum or fields are wrong, REFUSED when it is
 * anything but a regular file of a name a backup has (links, folders, `..`, absolute
 * paths, names of any other form). The message says what is wrong, for the caller to put in
 * a sentence about the file. */
gboolean xuncha_office_backup_header_decode (const guint8              block[512],
                                             XunchaOfficeBackupHeader *header,
                                             GError                  **error);

/* A manifest line without its newline: "SHA256 BYTES MTIME_NS NAME". */
char    *xuncha_office_backup_manifest_line  (const char               *sha256,
                                              guint64                   size,
                                              gint64                    mtime_ns,
                                              const char               *name);
/* Parses such a line (without its newline); FALSE when it is not one. @sha256: 65 bytes;
 * @name: 101 bytes. */
gboolean xuncha_office_backup_manifest_parse (const char               *line,
                                              char                     *sha256,
                                              guint64                  *size,
                                              gint64                   *mtime_ns,
                                              char                     *name);

G_END_DECLS
