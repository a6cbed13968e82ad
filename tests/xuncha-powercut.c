/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-powercut"

#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xuncha-powercut.h"

/* --- the session --- */

typedef struct
{
  char   *path;
  GBytes *durable;   /* NULL: the file does not exist on the disk after a power cut */
} Entry;

static GMutex lock;
static gboolean active;
static gboolean crashed;
static guint64 events;
static guint64 limit = G_MAXUINT64;
static GHashTable *entries;         /* path -> Entry */
static char *photo_dir;
static GHashTable *durable_names;   /* file name in photo_dir -> GBytes */
static GHashTable *inode_content;   /* gint64 inode -> GBytes, from the last fsync */

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_clear_pointer (&entry->durable, g_bytes_unref);
  g_free (entry);
}

static GBytes *
read_file (const char *path)
{
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_bytes_new_take (contents, length);
}

static gboolean
write_file (const char *path,
            GBytes     *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok = fd >= 0;

  while (ok && size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      ok = n > 0;
      if (ok)
        data += n, size -= n;
    }
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Counts one event, or says the power is already gone. Called with the lock held. */
static gboolean
take_event (void)
{
  if (!active)
    return TRUE;
  if (crashed)
    return FALSE;
  if (events >= limit)
    {
      crashed = TRUE;
      return FALSE;
    }
  events++;
  return TRUE;
}

static gboolean
is_dead (void)
{
  return active && crashed;
}

/* The entry of a database file, made when the session first meets it: a file already on
 * the disk counts as durable as it is. Called with the lock held. */
static Entry *
lookup_entry (const char *path)
{
  Entry *entry = g_hash_table_lookup (entries, path);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->path = g_strdup (path);
      entry->durable = read_file (path);
      g_hash_table_insert (entries, entry->path, entry);
    }
  return entry;
}

/* --- the VFS --- */

typedef struct
{
  sqlite3_file  base;
  Entry        *entry;   /* NULL for files that are not tracked (temporary ones) */
  sqlite3_file *real;    /* the unix VFS's file, right after this struct */
} PcFile;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((PcFile *)(f))->real)

static int
pc_close (sqlite3_file *file)
{
  return REAL (file)->pMethods->xClose (REAL (file));
}

static int
pc_read (sqlite3_file *file,
         void         *buf,
         int           amount,
         sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buf, amount, offset);
}

static int
pc_write (sqlite3_file *file,
          const void   *buf,
          int           amount,
          sqlite3_int64 offset)
{
  gboolean alive;

  g_mutex_lock (&lock);
  alive = take_event ();
  g_mutex_unlock (&lock);
  if (!alive)
    return SQLITE_IOERR_WRITE;
  return REAL (file)->pMethods->xWrite (REAL (file), buf, amount, offset);
}

static int
pc_truncate (sqlite3_file *file,
             sqlite3_int64 size)
{
  gboolean alive;

  g_mutex_lock (&lock);
  alive = take_event ();
  g_mutex_unlock (&lock);
  if (!alive)
    return SQLITE_IOERR_TRUNCATE;
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
pc_sync (sqlite3_file *file,
         int           flags)
{
  PcFile *self = (PcFile *)file;
  int rc = SQLITE_OK;
  gboolean modelled = FALSE;

  g_mutex_lock (&lock);
  if (!take_event ())
    rc = SQLITE_IOERR_FSYNC;
  else if (active && self->entry != NULL)
    {
      /* Durable now: what the file holds. No real fsync is needed, the model decides. */
      g_clear_pointer (&self->entry->durable, g_bytes_unref);
      self->entry->durable = read_file (self->entry->path);
      modelled = TRUE;
    }
  g_mutex_unlock (&lock);

  /* Outside the lock: the unix VFS calls fsync(), which this file defines too. */
  if (rc == SQLITE_OK && !modelled)
    rc = self->real->pMethods->xSync (self->real, flags);
  return rc;
}

static int
pc_file_size (sqlite3_file  *file,
              sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
pc_lock (sqlite3_file *file,
         int           level)
{
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
pc_unlock (sqlite3_file *file,
           int           level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
pc_check_reserved_lock (sqlite3_file *file,
                        int          *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
pc_file_control (sqlite3_file *file,
                 int           op,
                 void         *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
pc_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
pc_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
pc_shm_map (sqlite3_file  *file,
            int            page,
            int            page_size,
            int            extend,
            void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, page_size, extend, out);
}

static int
pc_shm_lock (sqlite3_file *file,
             int           offset,
             int           n,
             int           flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
pc_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
pc_shm_unmap (sqlite3_file *file,
              int           delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
pc_fetch (sqlite3_file  *file,
          sqlite3_int64  offset,
          int            amount,
          void         **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
pc_unfetch (sqlite3_file  *file,
            sqlite3_int64  offset,
            void          *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

static const sqlite3_io_methods pc_io_methods = {
  3,
  pc_close,
  pc_read,
  pc_write,
  pc_truncate,
  pc_sync,
  pc_file_size,
  pc_lock,
  pc_unlock,
  pc_check_reserved_lock,
  pc_file_control,
  pc_sector_size,
  pc_device_characteristics,
  pc_shm_map,
  pc_shm_lock,
  pc_shm_barrier,
  pc_shm_unmap,
  pc_fetch,
  pc_unfetch,
};

static int
pc_open (sqlite3_vfs  *vfs,
         const char   *name,
         sqlite3_file *file,
         int           flags,
         int          *out_flags)
{
  PcFile *self = (PcFile *)file;
  int rc;

  memset (self, 0, sizeof *self);
  self->real = (sqlite3_file *)(self + 1);

  g_mutex_lock (&lock);
  if (active && name != NULL && (flags & SQLITE_OPEN_DELETEONCLOSE) == 0)
    self->entry = lookup_entry (name);
  g_mutex_unlock (&lock);

  rc = real_vfs->xOpen (real_vfs, name, self->real, flags, out_flags);
  /* The caller closes a file only when its methods are set. */
  if (self->real->pMethods != NULL)
    self->base.pMethods = &pc_io_methods;
  return rc;
}

static int
pc_delete (sqlite3_vfs *vfs,
           const char  *name,
           int          sync_dir)
{
  gboolean dead;
  int rc;

  g_mutex_lock (&lock);
  dead = is_dead ();
  g_mutex_unlock (&lock);
  if (dead)
    return SQLITE_IOERR_DELETE;

  /* Outside the lock: the unix VFS calls unlink(), which this file defines too. */
  rc = real_vfs->xDelete (real_vfs, name, sync_dir);
  g_mutex_lock (&lock);
  if (active && rc == SQLITE_OK)
    {
      Entry *entry = lookup_entry (name);
      g_clear_pointer (&entry->durable, g_bytes_unref);
    }
  g_mutex_unlock (&lock);
  return rc;
}

static int
pc_access (sqlite3_vfs *vfs,
           const char  *name,
           int          flags,
           int         *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
pc_full_pathname (sqlite3_vfs *vfs,
                  const char  *name,
                  int          n_out,
                  char        *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n_out, out);
}

static void *
pc_dl_open (sqlite3_vfs *vfs,
            const char  *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
pc_dl_error (sqlite3_vfs *vfs,
             int          n,
             char        *out)
{
  real_vfs->xDlError (real_vfs, n, out);
}

static void (*pc_dl_sym (sqlite3_vfs *vfs,
                         void        *handle,
                         const char  *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
pc_dl_close (sqlite3_vfs *vfs,
             void        *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
pc_randomness (sqlite3_vfs *vfs,
               int          n,
               char        *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
pc_sleep (sqlite3_vfs *vfs,
          int          us)
{
  return real_vfs->xSleep (real_vfs, us);
}

static int
pc_current_time (sqlite3_vfs *vfs,
                 double      *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
pc_get_last_error (sqlite3_vfs *vfs,
                   int          n,
                   char        *out)
{
  return real_vfs->xGetLastError (real_vfs, n, out);
}

static int
pc_current_time_int64 (sqlite3_vfs   *vfs,
                       sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

static sqlite3_vfs pc_vfs = {
  .iVersion = 2,
  .zName = "powercut",
  .xOpen = pc_open,
  .xDelete = pc_delete,
  .xAccess = pc_access,
  .xFullPathname = pc_full_pathname,
  .xDlOpen = pc_dl_open,
  .xDlError = pc_dl_error,
  .xDlSym = pc_dl_sym,
  .xDlClose = pc_dl_close,
  .xRandomness = pc_randomness,
  .xSleep = pc_sleep,
  .xCurrentTime = pc_current_time,
  .xGetLastError = pc_get_last_error,
  .xCurrentTimeInt64 = pc_current_time_int64,
};

void
powercut_install (void)
{
  g_assert_null (real_vfs);
  real_vfs = sqlite3_vfs_find ("unix");
  g_assert_nonnull (real_vfs);
  pc_vfs.szOsFile = (int)sizeof (PcFile) + real_vfs->szOsFile;
  pc_vfs.mxPathname = real_vfs->mxPathname;
  g_assert_cmpint (sqlite3_vfs_register (&pc_vfs, 1), ==, SQLITE_OK);
}

/* --- the photo folder --- */

static int (*real_fsync) (int);
static int (*real_fdatasync) (int);
static int (*real_rename) (const char *, const char *);
static int (*real_unlink) (const char *);

static void
resolve_real (void)
{
  if (real_fsync == NULL)
    {
      real_fsync = (int (*) (int))dlsym (RTLD_NEXT, "fsync");
      real_fdatasync = (int (*) (int))dlsym (RTLD_NEXT, "fdatasync");
      real_rename = (int (*) (const char *, const char *))dlsym (RTLD_NEXT, "rename");
      real_unlink = (int (*) (const char *))dlsym (RTLD_NEXT, "unlink");
      g_assert (real_fsync && real_fdatasync && real_rename && real_unlink);
    }
}

typedef enum
{
  PATH_OTHER,
  PATH_PHOTO_DIR,
  PATH_IN_PHOTO_DIR,
} PathKind;

/* Called with the lock held. */
static PathKind
path_kind (const char *path)
{
  g_autofree char *canonical = NULL;
  g_autofree char *parent = NULL;

  if (!active || photo_dir == NULL || path == NULL)
    return PATH_OTHER;
  canonical = g_canonicalize_filename (path, NULL);
  if (g_str_equal (canonical, photo_dir))
    return PATH_PHOTO_DIR;
  parent = g_path_get_dirname (canonical);
  return g_str_equal (parent, photo_dir) ? PATH_IN_PHOTO_DIR : PATH_OTHER;
}

static char *
fd_path (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);

  return g_file_read_link (link, NULL);
}

/* The folder's names as they are now become durable, each with what the last fsync of
 * its inode wrote (or nothing, when its data was never synced). */
static void
sync_photo_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (photo_dir, 0, NULL);
  const char *name;

  g_hash_table_remove_all (durable_names);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (photo_dir, name, NULL);
      struct stat st;
      gint64 inode;
      GBytes *content;

      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      inode = (gint64)st.st_ino;
      content = g_hash_table_lookup (inode_content, &inode);
      g_hash_table_insert (durable_names, g_strdup (name),
                           content != NULL ? g_bytes_ref (content) : g_bytes_new (NULL, 0));
    }
}

static int
sync_fd (int fd,
         int (*real) (int))
{
  g_autofree char *path = NULL;
  PathKind kind;
  int rc = 0;

  g_mutex_lock (&lock);
  path = active ? fd_path (fd) : NULL;
  kind = path_kind (path);
  if (kind == PATH_OTHER)
    {
      g_mutex_unlock (&lock);
      return real (fd);
    }
  if (!take_event ())
    {
      errno = EIO;
      rc = -1;
    }
  else if (kind == PATH_PHOTO_DIR)
    sync_photo_dir ();
  else
    {
      struct stat st;

      if (fstat (fd, &st) == 0)
        {
          gint64 *inode = g_new (gint64, 1);

          *inode = (gint64)st.st_ino;
          g_hash_table_insert (inode_content, inode, read_file (path));
        }
    }
  g_mutex_unlock (&lock);
  return rc;
}

int
fsync (int fd)
{
  resolve_real ();
  return sync_fd (fd, real_fsync);
}

int
fdatasync (int fd)
{
  resolve_real ();
  return sync_fd (fd, real_fdatasync);
}

int
rename (const char *from,
        const char *to)
{
  gboolean photo;
  int rc;

  resolve_real ();
  g_mutex_lock (&lock);
  photo = path_kind (from) != PATH_OTHER || path_kind (to) != PATH_OTHER;
  if (photo && !take_event ())
    {
      g_mutex_unlock (&lock);
      errno = EIO;
      return -1;
    }
  rc = real_rename (from, to);
  g_mutex_unlock (&lock);
  return rc;
}

int
unlink (const char *path)
{
  PathKind kind;
  int rc;

  resolve_real ();
  g_mutex_lock (&lock);
  kind = path_kind (path);
  if (kind == PATH_IN_PHOTO_DIR && is_dead ())
    {
      g_mutex_unlock (&lock);
      errno = EIO;
      return -1;
    }
  rc = real_unlink (path);
  if (rc == 0 && kind == PATH_IN_PHOTO_DIR)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_hash_table_remove (durable_names, name);
    }
  g_mutex_unlock (&lock);
  return rc;
}

/* --- sessions --- */

void
powercut_begin (const char *dir,
                guint64     n_events)
{
  resolve_real ();
  g_mutex_lock (&lock);
  g_clear_pointer (&entries, g_hash_table_unref);
  g_clear_pointer (&durable_names, g_hash_table_unref);
  g_clear_pointer (&inode_content, g_hash_table_unref);
  g_clear_pointer (&photo_dir, g_free);

  entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)entry_free);
  durable_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_bytes_unref);
  inode_content = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify)g_bytes_unref);
  events = 0;
  limit = n_events;
  crashed = FALSE;
  active = TRUE;

  if (dir != NULL)
    {
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      photo_dir = g_canonicalize_filename (dir, NULL);
      /* What is in the folder when the session starts is durable. */
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *path = g_build_filename (photo_dir, name, NULL);
          GBytes *content;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          content = read_file (path);
          if (content != NULL)
            g_hash_table_insert (durable_names, g_strdup (name), content);
        }
    }
  g_mutex_unlock (&lock);
}

guint64
powercut_get_events (void)
{
  guint64 n;

  g_mutex_lock (&lock);
  n = events;
  g_mutex_unlock (&lock);
  return n;
}

gboolean
powercut_has_crashed (void)
{
  gboolean result;

  g_mutex_lock (&lock);
  result = crashed;
  g_mutex_unlock (&lock);
  return result;
}

void
powercut_restore (void)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_mutex_lock (&lock);
  g_assert_true (active);
  active = FALSE;

  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;

      if (entry->durable != NULL)
        g_assert_true (write_file (entry->path, entry->durable));
      else if (real_unlink (entry->path) != 0)
        g_assert_cmpint (errno, ==, ENOENT);
    }

  if (photo_dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (photo_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (photo_dir, name, NULL);

          if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
              && !g_hash_table_contains (durable_names, name))
            g_assert_cmpint (real_unlink (path), ==, 0);
        }
      g_hash_table_iter_init (&iter, durable_names);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autofree char *path = g_build_filename (photo_dir, key, NULL);
          g_assert_true (write_file (path, value));
        }
    }
  g_mutex_unlock (&lock);
}
