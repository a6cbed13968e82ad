/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-office-backup-error.h"
#include "xuncha-office-backup-reader.h"

#define COPY_CHUNK (1024 * 1024)
#define BLOCK      XUNCHA_OFFICE_BACKUP_BLOCK

/* The manifest, read a line at a time beside the members it lists. */
typedef struct
{
  guint64 at;
  guint64 end;
} Lines;

struct _XunchaOfficeBackupReader
{
  char    *path;
  int      fd;
  guint64  file_size;
  gboolean verified;
  guint64  members;          /* before the manifest */
  guint64  manifest_at;
  guint64  manifest_size;
  /* The second pass: the next header, the manifest line beside it, the member handed out. */
  guint64  offset;
  Lines    lines;
  gboolean have_current;
  guint64  current_at;
  XunchaOfficeBackupEntry current;
  guint8  *buffer;
};

void
xuncha_office_backup_contents_clear (XunchaOfficeBackupContents *contents)
{
  xuncha_office_backup_info_clear (&contents->info);
  memset (contents, 0, sizeof *contents);
}

/* Puts @detail (what is wrong) in a sentence about the file, by the kind of error. */
static gboolean
fail (XunchaOfficeBackupReader  *self,
      GError                   **error,
      XunchaOfficeBackupError    code,
      const char                *detail)
{
  switch (code)
    {
    case XUNCHA_OFFICE_BACKUP_ERROR_REFUSED:
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, code,
                   _("%s is not a backup xuncha-office restores: %s."), self->path, detail);
      break;
    case XUNCHA_OFFICE_BACKUP_ERROR_NEWER:
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, code,
                   _("%s cannot be restored by this xuncha-office: %s."), self->path, detail);
      break;
    case XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED:
    default:
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,
                   _("%s is damaged: %s."), self->path, detail);
      break;
    }
  return FALSE;
}

/* The same for an error of the format's own checks, which say what is wrong. */
static gboolean
fail_with (XunchaOfficeBackupReader  *self,
           GError                   **error,
           GError                    *detail)
{
  XunchaOfficeBackupError code = XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED;

  if (detail->domain == XUNCHA_OFFICE_BACKUP_ERROR)
    code = (XunchaOfficeBackupError)detail->code;
  return fail (self, error, code, detail->message);
}

static gboolean
damaged (XunchaOfficeBackupReader  *self,
         GError                   **error,
         char                      *detail)
{
  g_autofree char *owned = detail;

  return fail (self, error, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED, owned);
}

static gboolean
refused (XunchaOfficeBackupReader  *self,
         GError                   **error,
         char                      *detail)
{
  g_autofree char *owned = detail;

  return fail (self, error, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED, owned);
}

/* Exactly @length bytes at @at; a file that ends before is damaged (cut short). */
static gboolean
read_at (XunchaOfficeBackupReader  *self,
         guint64                    at,
         guint8                    *data,
         gsize                      length,
         GError                   **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = pread (self->fd, data + done, length - done, (off_t)(at + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                       _("Could not read %s: %s"), self->path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        return damaged (self, error, g_strdup (_("it ends early")));
      done += (gsize)n;
    }
  return TRUE;
}

static guint64
padded (guint64 size)
{
  return (size + BLOCK - 1) / BLOCK * BLOCK;
}

/* The next manifest line, without its newline, into @line (MAX_LINE + 1 bytes). */
static gboolean
next_line (XunchaOfficeBackupReader  *self,
           Lines                     *lines,
           char                      *line,
           GError                   **error)
{
  gsize want = (gsize)MIN ((guint64)XUNCHA_OFFICE_BACKUP_MAX_LINE + 1, lines->end - lines->at);
  const char *newline;

  if (want == 0)
    return damaged (self, error, g_strdup (_("its list of checksums ends early")));
  if (!read_at (self, lines->at, (guint8 *)line, want, error))
    return FALSE;
  newline = memchr (line, '\n', want);
  if (newline == NULL || memchr (line, '\0', (gsize)(newline - line)) != NULL)
    return damaged (self, error, g_strdup (_("its list of checksums is damaged")));
  lines->at += (guint64)(newline - line) + 1;
  line[newline - line] = '\0';
  return TRUE;
}

/* The limit on a member's size by what it is. */
static guint64
size_limit (XunchaOfficeBackupMember kind,
            guint64                  members)
{
  switch (kind)
    {
    case XUNCHA_OFFICE_BACKUP_MEMBER_INFO:
      return XUNCHA_OFFICE_BACKUP_MAX_INFO_BYTES;
    case XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO:
      return XUNCHA_OFFICE_BACKUP_MAX_PHOTO_BYTES;
    case XUNCHA_OFFICE_BACKUP_MEMBER_MANIFEST:
      /* A line per member before it, and its own. */
      return (members + 1) * XUNCHA_OFFICE_BACKUP_MAX_LINE;
    case XUNCHA_OFFICE_BACKUP_MEMBER_SQLITE:
    case XUNCHA_OFFICE_BACKUP_MEMBER_PG:
    case XUNCHA_OFFICE_BACKUP_MEMBER_INVALID:
    default:
      return XUNCHA_OFFICE_BACKUP_MAX_RECORDS_BYTES;
    }
}

/* The header at @at, decoded, its size within the limits and within the file. */
static gboolean
read_header (XunchaOfficeBackupReader  *self,
             guint64                    at,
             guint64                    members,
             guint8                    *block,
             XunchaOfficeBackupHeader  *header,
             gboolean                  *end,
             GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  XunchaOfficeBackupMember kind;
  guint64 limit;

  *end = FALSE;
  if (!read_at (self, at, block, BLOCK, error))
    return FALSE;
  if (xuncha_office_backup_header_is_zero (block))
    {
      *end = TRUE;
      return TRUE;
    }
  if (!xuncha_office_backup_header_decode (block, header, &local_error))
    {
      /* The first header wrong: most likely not a backup at all (a gzip file, a photo). */
      if (at == 0 && g_error_matches (local_error, XUNCHA_OFFICE_BACKUP_ERROR,
                                      XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED))
        return damaged (self, error, g_strdup (_("it is not a xuncha-office backup, or its "
                                                 "beginning is damaged")));
      return fail_with (self, error, local_error);
    }
  kind = xuncha_office_backup_member_kind (header->name);
  limit = size_limit (kind, members);
  if (header->size > limit)
    {
      g_autofree char *size = g_format_size (header->size);
      g_autofree char *most = g_format_size (limit);

      return refused (self, error,
                      g_strdup_printf (_("“%s” claims to hold %s, more than such a member may "
                                         "(%s)"), header->name, size, most));
    }
  /* Its data, and the end of the archive after it, must be in the file: a size that
   * points past the end is a file cut short (or a lie), found before any of it is read. */
  if (at + BLOCK + padded (header->size) + 2 * BLOCK > self->file_size)
    return damaged (self, error, g_strdup_printf (_("it ends early, in “%s”"), header->name));
  return TRUE;
}

typedef enum
{
  EXPECT_INFO,
  EXPECT_RECORDS,
  EXPECT_PHOTOS,
  AFTER_MANIFEST,
} Expect;

/* The first pass: headers only (the data skipped), so that a hostile or cut file is
 * refused at once, before its members are read. Fills @contents and finds the manifest. */
static gboolean
walk_structure (XunchaOfficeBackupReader    *self,
                XunchaOfficeBackupContents  *contents,
                GError                     **error)
{
  guint8 block[BLOCK];
  char last_photo[101] = "";
  Expect expect = EXPECT_INFO;
  guint64 at = 0, count = 0;

  for (;;)
    {
      XunchaOfficeBackupHeader header;
      XunchaOfficeBackupMember kind;
      gboolean end = FALSE;
      guint64 data_at;

      if (!read_header (self, at, count, block, &header, &end, error))
        return FALSE;
      if (end)
        break;
      if (expect == AFTER_MANIFEST)
        return damaged (self, error, g_strdup (_("something follows its list of checksums")));
      if (++count > XUNCHA_OFFICE_BACKUP_MAX_MEMBERS)
        return refused (self, error,
                        g_strdup_printf (_("it holds more than %llu members"),
                                         (unsigned long long)XUNCHA_OFFICE_BACKUP_MAX_MEMBERS));
      kind = xuncha_office_backup_member_kind (header.name);
      data_at = at + BLOCK;

      switch (expect)
        {
        case EXPECT_INFO:
          {
            g_autofree guint8 *text = NULL;
            g_autoptr(GError) local_error = NULL;

            if (kind != XUNCHA_OFFICE_BACKUP_MEMBER_INFO)
              return damaged (self, error, g_strdup (_("it is not a xuncha-office backup (it "
                                                       "does not begin with its description)")));
            text = g_malloc (header.size + 1);
            if (!read_at (self, data_at, text, header.size, error))
              return FALSE;
            if (!xuncha_office_backup_info_parse ((const char *)text, header.size,
                                                  &contents->info, &local_error))
              return fail_with (self, error, local_error);
            expect = contents->info.records == XUNCHA_OFFICE_BACKUP_RECORDS_NONE
                       ? EXPECT_PHOTOS : EXPECT_RECORDS;
          }
          break;

        case EXPECT_RECORDS:
          if ((contents->info.records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE
               && kind != XUNCHA_OFFICE_BACKUP_MEMBER_SQLITE)
              || (contents->info.records == XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL
                  && kind != XUNCHA_OFFICE_BACKUP_MEMBER_PG))
            return refused (self, error,
                            g_strdup_printf (_("it holds “%s” where its records belong"),
                                             header.name));
          contents->records_bytes = header.size;
          expect = EXPECT_PHOTOS;
          break;

        case EXPECT_PHOTOS:
          if (kind == XUNCHA_OFFICE_BACKUP_MEMBER_MANIFEST)
            {
              self->manifest_at = data_at;
              self->manifest_size = header.size;
              self->members = count - 1;
              expect = AFTER_MANIFEST;
              break;
            }
          if (kind != XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO)
            return refused (self, error,
                            g_strdup_printf (_("it holds “%s” out of its place"), header.name));
          /* In ascending order: a name twice (two files for one place) cannot pass. */
          if (strcmp (header.name, last_photo) <= 0)
            return refused (self, error,
                            g_strdup_printf (_("it holds “%s” twice, or out of order"),
                                             header.name));
          strcpy (last_photo, header.name);
          contents->photos++;
          contents->photo_bytes += header.size;
          break;

        case AFTER_MANIFEST:
        default:
          g_assert_not_reached ();
        }
      at = data_at + padded (header.size);
    }

  if (expect != AFTER_MANIFEST)
    return damaged (self, error, g_strdup (_("it ends before its list of checksums")));
  /* Two zero blocks, and nothing after them. */
  if (!read_at (self, at + BLOCK, block, BLOCK, error))
    return FALSE;
  if (!xuncha_office_backup_header_is_zero (block) || at + 2 * BLOCK != self->file_size)
    return damaged (self, error, g_strdup (_("something follows its end")));
  return TRUE;
}

/* The zeros that fill the last block of a member's @size bytes of data at @at. */
static gboolean
check_padding (XunchaOfficeBackupReader  *self,
               guint64                    at,
               guint64                    size,
               const char                *name,
               GError                   **error)
{
  gsize rest = (gsize)(padded (size) - size);
  guint8 zeros[BLOCK];

  if (rest == 0)
    return TRUE;
  if (!read_at (self, at + size, zeros, rest, error))
    return FALSE;
  for (gsize i = 0; i < rest; i++)
    if (zeros[i] != 0)
      return damaged (self, error, g_strdup_printf (_("the bytes after “%s” are damaged"),
                                                    name));
  return TRUE;
}

/* The manifest's lines, each of the form, one per member before it, then its own
 * checksum over them, matching. */
static gboolean
check_manifest (XunchaOfficeBackupReader  *self,
                GError                   **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  Lines lines = { self->manifest_at, self->manifest_at + self->manifest_size };
  char line[XUNCHA_OFFICE_BACKUP_MAX_LINE + 1];
  guint64 listed = 0;

  for (;;)
    {
      char sha256[65], name[101];
      guint64 size;
      gint64 mtime_ns;

      if (!next_line (self, &lines, line, error))
        return FALSE;
      if (g_str_has_prefix (line, "manifest "))
        break;
      if (!xuncha_office_backup_manifest_parse (line, sha256, &size, &mtime_ns, name))
        return damaged (self, error, g_strdup (_("its list of checksums is damaged")));
      g_checksum_update (sum, (const guint8 *)line, strlen (line));
      g_checksum_update (sum, (const guint8 *)"\n", 1);
      listed++;
    }
  if (!g_str_equal (line + strlen ("manifest "), g_checksum_get_string (sum))
      || lines.at != lines.end)
    return damaged (self, error, g_strdup (_("its list of checksums is damaged")));
  if (listed != self->members)
    return damaged (self, error, g_strdup (_("its list of checksums does not list its "
                                             "members")));
  return check_padding (self, self->manifest_at, self->manifest_size,
                        XUNCHA_OFFICE_BACKUP_MANIFEST_NAME, error);
}

/* Reads @size bytes of data at @at into @sum, writing them to @out (unless -1); the
 * padding after them must be zeros. */
static gboolean
read_data (XunchaOfficeBackupReader  *self,
           guint64                    at,
           guint64                    size,
           const char                *name,
           GChecksum                 *sum,
           int                        out,
           GError                    **error)
{
  guint64 done = 0;

  while (done < size)
    {
      gsize n = (gsize)MIN ((guint64)COPY_CHUNK, size - done);

      if (!read_at (self, at + done, self->buffer, n, error))
        return FALSE;
      g_checksum_update (sum, self->buffer, n);
      if (out >= 0)
        {
          gsize written = 0;

          while (written < n)
            {
              ssize_t w = write (out, self->buffer + written, n - written);

              if (w < 0 && errno == EINTR)
                continue;
              if (w < 0)
                {
                  int saved = errno;

                  g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR,
                               XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                               _("Could not write %s from the backup: %s"), name,
                               g_strerror (saved));
                  return FALSE;
                }
              written += (gsize)w;
            }
        }
      done += n;
    }
  return check_padding (self, at, size, name, error);
}

/* The header at self->offset and the manifest line beside it, which must agree; advances
 * both. *@manifest when the header is the manifest's (the end of the members). */
static gboolean
next_member (XunchaOfficeBackupReader  *self,
             XunchaOfficeBackupEntry   *entry,
             gboolean                  *manifest,
             GError                   **error)
{
  guint8 block[BLOCK];
  XunchaOfficeBackupHeader header;
  char line[XUNCHA_OFFICE_BACKUP_MAX_LINE + 1];
  gboolean end = FALSE;

  *manifest = FALSE;
  if (!read_header (self, self->offset, self->members, block, &header, &end, error))
    return FALSE;
  if (end)
    return damaged (self, error, g_strdup (_("it changed while it was read")));
  entry->kind = xuncha_office_backup_member_kind (header.name);
  if (entry->kind == XUNCHA_OFFICE_BACKUP_MEMBER_MANIFEST)
    {
      *manifest = TRUE;
      return TRUE;
    }
  if (!next_line (self, &self->lines, line, error))
    return FALSE;
  if (!xuncha_office_backup_manifest_parse (line, entry->sha256, &entry->size, &entry->mtime_ns,
                                            entry->name))
    return damaged (self, error, g_strdup (_("its list of checksums is damaged")));
  /* The time in the header is the listed one in whole seconds. */
  if (!g_str_equal (entry->name, header.name) || entry->size != header.size
      || entry->mtime_ns / G_GINT64_CONSTANT (1000000000) != header.mtime)
    return damaged (self, error,
                    g_strdup_printf (_("its list of checksums does not match “%s”"),
                                     header.name));
  self->current_at = self->offset + BLOCK;
  self->offset = self->current_at + padded (header.size);
  return TRUE;
}

/* A photo's bytes must be the photo its name says: the name is the checksum the office
 * and the devices know it by. */
static gboolean
check_photo_name (XunchaOfficeBackupReader  *self,
                  const XunchaOfficeBackupEntry *entry,
                  GError                   **error)
{
  if (entry->kind == XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO
      && strncmp (entry->name + strlen ("photos/"), entry->sha256, 64) != 0)
    return refused (self, error,
                    g_strdup_printf (_("the bytes of “%s” are another photo than its name "
                                       "says"), entry->name));
  return TRUE;
}

static void
rewind_members (XunchaOfficeBackupReader *self)
{
  self->offset = 0;
  self->lines.at = self->manifest_at;
  self->lines.end = self->manifest_at + self->manifest_size;
  self->have_current = FALSE;
}

/* The second pass: every member's bytes against its checksum. */
static gboolean
check_members (XunchaOfficeBackupReader  *self,
               GError                   **error)
{
  rewind_members (self);
  for (guint64 i = 0; i < self->members; i++)
    {
      XunchaOfficeBackupEntry entry;
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      gboolean manifest = FALSE;

      if (!next_member (self, &entry, &manifest, error))
        return FALSE;
      if (manifest)
        return damaged (self, error, g_strdup (_("it changed while it was read")));
      if (!read_data (self, self->current_at, entry.size, entry.name, sum, -1, error))
        return FALSE;
      if (!g_str_equal (g_checksum_get_string (sum), entry.sha256))
        return damaged (self, error, g_strdup_printf (_("“%s” does not match its checksum"),
                                                      entry.name));
      if (!check_photo_name (self, &entry, error))
        return FALSE;
    }
  return TRUE;
}

void
xuncha_office_backup_reader_free (XunchaOfficeBackupReader *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->buffer);
  g_free (self);
}

XunchaOfficeBackupReader *
xuncha_office_backup_reader_new_for_fd (int          fd,
                                        const char  *name,
                                        GError     **error)
{
  g_autoptr(XunchaOfficeBackupReader) self = NULL;
  struct stat st;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (XunchaOfficeBackupReader, 1);
  self->fd = fd;
  self->path = g_strdup (name);
  /* Read twice, and sizes checked against its length: a regular file, not a pipe. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("%s is not a file: give the backup file itself."), name);
      return NULL;
    }
  self->file_size = (guint64)st.st_size;
  self->buffer = g_malloc (COPY_CHUNK);
  return g_steal_pointer (&self);
}

XunchaOfficeBackupReader *
xuncha_office_backup_reader_open (const char  *path,
                                  GError     **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  return xuncha_office_backup_reader_new_for_fd (fd, path, error);
}

gboolean
xuncha_office_backup_reader_verify (XunchaOfficeBackupReader    *self,
                                    XunchaOfficeBackupContents  *contents,
                                    GError                     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  memset (contents, 0, sizeof *contents);
  self->verified = FALSE;
  if (!walk_structure (self, contents, error) || !check_manifest (self, error)
      || !check_members (self, error))
    {
      xuncha_office_backup_contents_clear (contents);
      return FALSE;
    }
  self->verified = TRUE;
  rewind_members (self);
  return TRUE;
}

gboolean
xuncha_office_backup_reader_next (XunchaOfficeBackupReader  *self,
                                  XunchaOfficeBackupEntry   *entry,
                                  gboolean                  *done,
                                  GError                   **error)
{
  gboolean manifest = FALSE;

  g_return_val_if_fail (self != NULL && self->verified, FALSE);

  *done = FALSE;
  self->have_current = FALSE;
  do
    {
      if (!next_member (self, entry, &manifest, error))
        return FALSE;
      if (manifest)
        {
          *done = TRUE;
          return TRUE;
        }
    }
  while (entry->kind == XUNCHA_OFFICE_BACKUP_MEMBER_INFO);
  if (!check_photo_name (self, entry, error))
    return FALSE;
  self->current = *entry;
  self->have_current = TRUE;
  return TRUE;
}

gboolean
xuncha_office_backup_reader_copy (XunchaOfficeBackupReader  *self,
                                  int                        fd,
                                  GError                   **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (self != NULL && self->have_current, FALSE);

  self->have_current = FALSE;
  if (!read_data (self, self->current_at, self->current.size, self->current.name, sum, fd,
                  error))
    return FALSE;
  if (!g_str_equal (g_checksum_get_string (sum), self->current.sha256))
    return damaged (self, error,
                    g_strdup_printf (_("“%s” changed after it was checked"),
                                     self->current.name));
  return TRUE;
}
