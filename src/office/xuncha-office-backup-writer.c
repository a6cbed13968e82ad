/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-office-backup-error.h"
#include "xuncha-office-backup-writer.h"

#define COPY_CHUNK (1024 * 1024)

struct _XunchaOfficeBackupWriter
{
  char      *path;
  char      *tmp_path;
  int        fd;
  guint64    offset;       /* where the next member's header goes */
  /* The manifest's lines so far, in a nameless file beside the backup: a city's million
   * photos make some 170 MB of them, more than is worth holding in memory. */
  int        manifest_fd;
  guint64    manifest_bytes;
  GChecksum *manifest_sum;
  char      *last_photo;
  guint8    *buffer;
  gboolean   finished;
};

static gboolean
write_failed (GError     **error,
              const char  *path,
              int          saved_errno)
{
  g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
               _("Could not write %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
read_failed (GError     **error,
             const char  *path,
             int          saved_errno)
{
  g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
               _("Could not read %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      length -= (gsize)n;
    }
  return TRUE;
}

static gboolean
write_out (XunchaOfficeBackupWriter  *self,
           const guint8              *data,
           gsize                      length,
           GError                   **error)
{
  if (!write_all (self->fd, data, length))
    return write_failed (error, self->tmp_path, errno);
  self->offset += length;
  return TRUE;
}

/* Zeros up to the next block: a member's data fills whole blocks. */
static gboolean
pad (XunchaOfficeBackupWriter  *self,
     GError                   **error)
{
  static const guint8 zeros[XUNCHA_OFFICE_BACKUP_BLOCK];
  gsize rest = self->offset % XUNCHA_OFFICE_BACKUP_BLOCK;

  if (rest == 0)
    return TRUE;
  return write_out (self, zeros, XUNCHA_OFFICE_BACKUP_BLOCK - rest, error);
}

static gboolean
note_in_manifest (XunchaOfficeBackupWriter  *self,
                  const char                *sha256,
                  guint64                    size,
                  gint64                     mtime_ns,
                  const char                *name,
                  GError                   **error)
{
  g_autofree char *line = xuncha_office_backup_manifest_line (sha256, size, mtime_ns, name);
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize length = strlen (text);

  if (!write_all (self->manifest_fd, (const guint8 *)text, length))
    return write_failed (error, self->tmp_path, errno);
  g_checksum_update (self->manifest_sum, (const guint8 *)text, length);
  self->manifest_bytes += length;
  return TRUE;
}

static gint64
mtime_ns_of (const struct stat *st)
{
  return (gint64)st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/* Outcome of copying a file in. */
typedef enum
{
  COPIED,
  CHANGED,     /* shorter than it was, or not the bytes its name says: left out */
  COPY_FAILED,
} Copied;

/* The member @name with the bytes of @src (its size and time from @st), hashed on the way;
 * when @expected is given and the bytes do not hash to it, or the file ends early, the
 * member is taken out again (the file cut back to where it began) and CHANGED returned. */
static Copied
add_member (XunchaOfficeBackupWriter  *self,
            const char                *name,
            int                        src,
            const struct stat         *st,
            const char                *expected,
            GError                   **error)
{
  guint8 header[XUNCHA_OFFICE_BACKUP_BLOCK];
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 start = self->offset;
  guint64 size = (guint64)st->st_size;
  guint64 done = 0;
  gint64 mtime_ns = mtime_ns_of (st);
  const char *actual;

  xuncha_office_backup_header_encode (header, name, size,
                                      mtime_ns / G_GINT64_CONSTANT (1000000000));
  if (!write_out (self, header, sizeof header, error))
    return COPY_FAILED;
  while (done < size)
    {
      ssize_t n = read (src, self->buffer, (gsize)MIN ((guint64)COPY_CHUNK, size - done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          read_failed (error, name, errno);
          return COPY_FAILED;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, self->buffer, (gsize)n);
      if (!write_out (self, self->buffer, (gsize)n, error))
        return COPY_FAILED;
      done += (guint64)n;
    }
  actual = g_checksum_get_string (checksum);
  if (done < size || (expected != NULL && !g_str_equal (actual, expected)))
    {
      /* Cut back to the member's start: the archive is as if it had never been added. */
      if (ftruncate (self->fd, (off_t)start) != 0 || lseek (self->fd, (off_t)start, SEEK_SET) < 0)
        {
          write_failed (error, self->tmp_path, errno);
          return COPY_FAILED;
        }
      self->offset = start;
      return CHANGED;
    }
  if (!pad (self, error) || !note_in_manifest (self, actual, size, mtime_ns, name, error))
    return COPY_FAILED;
  return COPIED;
}

/* A member from memory: the first one, which says what the backup holds. */
static gboolean
add_text (XunchaOfficeBackupWriter  *self,
          const char                *name,
          const char                *text,
          GError                   **error)
{
  guint8 header[XUNCHA_OFFICE_BACKUP_BLOCK];
  gsize length = strlen (text);
  gint64 now_ns = g_get_real_time () * 1000;
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, length);

  xuncha_office_backup_header_encode (header, name, length,
                                      now_ns / G_GINT64_CONSTANT (1000000000));
  return write_out (self, header, sizeof header, error)
         && write_out (self, (const guint8 *)text, length, error)
         && pad (self, error)
         && note_in_manifest (self, sha256, length, now_ns, name, error);
}

/* A file no other process sees, for the manifest's lines: unlinked as soon as it is
 * made. */
static int
open_scratch (const char *dir)
{
  g_autofree char *name = g_build_filename (dir, ".xuncha-backup-XXXXXX", NULL);
  int fd = g_mkstemp_full (name, O_RDWR | O_CLOEXEC, 0600);

  if (fd >= 0)
    g_unlink (name);
  return fd;
}

void
xuncha_office_backup_writer_free (XunchaOfficeBackupWriter *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->manifest_fd >= 0)
    close (self->manifest_fd);
  if (!self->finished && self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  g_free (self->path);
  g_free (self->tmp_path);
  g_checksum_free (self->manifest_sum);
  g_free (self->last_photo);
  g_free (self->buffer);
  g_free (self);
}

XunchaOfficeBackupWriter *
xuncha_office_backup_writer_new (const char                    *path,
                                 const XunchaOfficeBackupInfo  *info,
                                 GError                       **error)
{
  g_autoptr(XunchaOfficeBackupWriter) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_new0 (XunchaOfficeBackupWriter, 1);
  self->fd = -1;
  self->manifest_fd = -1;
  self->path = g_strdup (path);
  self->tmp_path = g_strconcat (path, ".tmp", NULL);
  self->manifest_sum = g_checksum_new (G_CHECKSUM_SHA256);
  self->buffer = g_malloc (COPY_CHUNK);
  /* Every report and every officer's token hash is in it: its owner's alone from its
   * first byte. No symbolic link is followed to somewhere else. */
  g_unlink (self->tmp_path);
  self->fd = open (self->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not create %s: %s"), self->tmp_path, g_strerror (saved));
      g_clear_pointer (&self->tmp_path, g_free);
      return NULL;
    }
  dir = g_path_get_dirname (path);
  self->manifest_fd = open_scratch (dir);
  if (self->manifest_fd < 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not create a temporary file in %s: %s"), dir, g_strerror (saved));
      return NULL;
    }
  text = xuncha_office_backup_info_to_text (info);
  if (!add_text (self, XUNCHA_OFFICE_BACKUP_INFO_NAME, text, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
xuncha_office_backup_writer_add_records (XunchaOfficeBackupWriter  *self,
                                         const char                *name,
                                         const char                *file,
                                         GError                   **error)
{
  struct stat st;
  int src;
  Copied copied;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);
  g_return_val_if_fail (g_str_equal (name, XUNCHA_OFFICE_BACKUP_SQLITE_NAME)
                        || g_str_equal (name, XUNCHA_OFFICE_BACKUP_PG_NAME), FALSE);
  g_return_val_if_fail (self->last_photo == NULL, FALSE);

  src = open (file, O_RDONLY | O_CLOEXEC);
  if (src < 0 || fstat (src, &st) != 0)
    {
      int saved = errno;

      if (src >= 0)
        close (src);
      return read_failed (error, file, saved);
    }
  copied = add_member (self, name, src, &st, NULL, error);
  close (src);
  if (copied == CHANGED)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("%s changed while it was copied into the backup"), file);
      return FALSE;
    }
  return copied == COPIED;
}

gboolean
xuncha_office_backup_writer_add_photo (XunchaOfficeBackupWriter  *self,
                                       const char                *file,
                                       const char                *sha256,
                                       gboolean                  *added,
                                       GError                   **error)
{
  g_autofree char *name = NULL;
  struct stat st;
  int src;
  Copied copied;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);
  g_return_val_if_fail (self->last_photo == NULL || strcmp (self->last_photo, sha256) < 0,
                        FALSE);

  *added = FALSE;
  /* A photo is a file the office made: a symbolic link in its place is not followed. */
  src = open (file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0 && (errno == ENOENT || errno == ELOOP))
    return TRUE;
  if (src < 0 || fstat (src, &st) != 0)
    {
      int saved = errno;

      if (src >= 0)
        close (src);
      return read_failed (error, file, saved);
    }
  if (!S_ISREG (st.st_mode) || (guint64)st.st_size > XUNCHA_OFFICE_BACKUP_MAX_PHOTO_BYTES)
    {
      close (src);
      return TRUE;
    }
  name = g_strconcat ("photos/", sha256, ".jpg", NULL);
  copied = add_member (self, name, src, &st, sha256, error);
  close (src);
  if (copied == COPY_FAILED)
    return FALSE;
  g_free (self->last_photo);
  self->last_photo = g_strdup (sha256);
  *added = copied == COPIED;
  return TRUE;
}

gboolean
xuncha_office_backup_writer_finish (XunchaOfficeBackupWriter  *self,
                                    guint64                   *bytes,
                                    GError                   **error)
{
  static const guint8 end[2 * XUNCHA_OFFICE_BACKUP_BLOCK];
  guint8 header[XUNCHA_OFFICE_BACKUP_BLOCK];
  g_autofree char *last = NULL;
  g_autofree char *dir = NULL;
  guint64 copied = 0;
  int dir_fd, rc;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);

  /* The manifest: its lines, then one with their SHA-256. */
  last = g_strdup_printf ("manifest %s\n", g_checksum_get_string (self->manifest_sum));
  xuncha_office_backup_header_encode (header, XUNCHA_OFFICE_BACKUP_MANIFEST_NAME,
                                      self->manifest_bytes + strlen (last),
                                      g_get_real_time () / G_USEC_PER_SEC);
  if (!write_out (self, header, sizeof header, error))
    return FALSE;
  if (lseek (self->manifest_fd, 0, SEEK_SET) < 0)
    return read_failed (error, "MANIFEST", errno);
  while (copied < self->manifest_bytes)
    {
      ssize_t n = read (self->manifest_fd, self->buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return read_failed (error, "MANIFEST",
                          n < 0 ? errno : EIO);
      if (!write_out (self, self->buffer, (gsize)n, error))
        return FALSE;
      copied += (guint64)n;
    }
  if (!write_out (self, (const guint8 *)last, strlen (last), error) || !pad (self, error)
      || !write_out (self, end, sizeof end, error))
    return FALSE;

  /* On disk before it has its name, and the name on disk before the command says done. */
  if (fsync (self->fd) != 0)
    return write_failed (error, self->tmp_path, errno);
  rc = close (self->fd);
  self->fd = -1;
  if (rc != 0)
    return write_failed (error, self->tmp_path, errno);
  if (g_rename (self->tmp_path, self->path) != 0)
    {
      int saved = errno;

      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_FAILED,
                   _("Could not give the backup its name %s: %s"), self->path,
                   g_strerror (saved));
      return FALSE;
    }
  self->finished = TRUE;
  dir = g_path_get_dirname (self->path);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || fsync (dir_fd) != 0)
    {
      int saved = errno;

      if (dir_fd >= 0)
        close (dir_fd);
      return write_failed (error, dir, saved);
    }
  close (dir_fd);
  if (bytes != NULL)
    *bytes = self->offset;
  return TRUE;
}
