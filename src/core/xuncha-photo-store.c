/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-photo-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libexif/exif-data.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef XUNCHA_HAVE_LIBCRYPTO
#include <openssl/evp.h>
#endif

#include "xuncha-jpeg.h"
#include "xuncha-photo-store.h"
#include "xuncha-private-files-private.h"
#include "xuncha-store-private.h"

/* Files a writer is still filling start with this; nothing else in the folder does. */
#define TEMP_PREFIX ".tmp-"
/* Above this size the hash runs on a second thread while the file is written and synced,
 * so a large capture costs little more than the write itself. */
#define PARALLEL_HASH_MIN (512 * 1024)

typedef struct
{
  char     *sha256;
  int       fd;        /* holds a shared lock: the sweeper needs an exclusive one */
  gboolean  created;
} Pending;

struct _XunchaPhotoStore
{
  GObject      parent_instance;

  XunchaStore *store;
  char        *dir;
  char        *thumb_dir;
  int          dir_fd;
  GArray      *pending;   /* Pending */
};

G_DEFINE_TYPE (XunchaPhotoStore, xuncha_photo_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-photo-store-error-quark, xuncha_photo_store_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExifData, exif_data_unref)

static void
clear_pending (Pending *p)
{
  g_clear_pointer (&p->sha256, g_free);
  if (p->fd >= 0)
    close (p->fd);
  p->fd = -1;
}

static void
xuncha_photo_store_finalize (GObject *object)
{
  XunchaPhotoStore *self = (XunchaPhotoStore *)object;

  xuncha_photo_store_release (self, TRUE);
  g_clear_pointer (&self->pending, g_array_unref);
  if (self->dir_fd >= 0)
    close (self->dir_fd);
  g_clear_object (&self->store);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->thumb_dir, g_free);

  G_OBJECT_CLASS (xuncha_photo_store_parent_class)->finalize (object);
}

static void
xuncha_photo_store_class_init (XunchaPhotoStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_photo_store_finalize;
}

static void
xuncha_photo_store_init (XunchaPhotoStore *self)
{
  self->dir_fd = -1;
  self->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
}

static gboolean
set_io_error (GError     **error,
              int          errsv,
              const char  *name)
{
  if (errsv == ENOSPC || errsv == EDQUOT || errsv == EFBIG)
    g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_NO_SPACE,
                 _("There is not enough space to save the photo %s (%s). Free some space on "
                   "the device and save again; nothing was saved."),
                 name, g_strerror (errsv));
  else
    g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_IO,
                 _("Could not save the photo %s: %s. Nothing was saved."),
                 name, g_strerror (errsv));
  return FALSE;
}

static gboolean
is_sha_name (const char *name)
{
  if (strlen (name) != 64 + 4 || !g_str_has_suffix (name, ".jpg"))
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (name[i]) || g_ascii_isupper (name[i]))
      return FALSE;
  return TRUE;
}

XunchaPhotoStore *
xuncha_photo_store_open (XunchaStore  *store,
                         GError      **error)
{
  g_autoptr(XunchaPhotoStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  guint was_mode = 0;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_PHOTO_STORE, NULL);
  self->store = g_object_ref (store);
  self->dir = g_build_filename (xuncha_store_get_data_dir (store), "photos", NULL);
  self->thumb_dir = g_build_filename (self->dir, "thumbs", NULL);

  /* Evidence photos: the owner only. */
  if (!xuncha_private_dir (self->dir, &was_mode, &local_error))
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_IO, "%s",
                   local_error->message);
      return NULL;
    }
  if (was_mode != 0)
    g_message ("Made the photo folder %s private (mode 0700, was %04o)", self->dir, was_mode);
  self->dir_fd = open (self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (self->dir_fd < 0)
    {
      int errsv = errno;
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_IO,
                   _("Could not open the photo folder %s: %s"), self->dir, g_strerror (errsv));
      return NULL;
    }

  if (xuncha_photo_store_sweep (self, error) == G_MAXUINT)
    return NULL;
  return g_steal_pointer (&self);
}

XunchaStore *
xuncha_photo_store_get_store (XunchaPhotoStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), NULL);
  return self->store;
}

const char *
xuncha_photo_store_get_dir (XunchaPhotoStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), NULL);
  return self->dir;
}

char *
xuncha_photo_store_get_path (XunchaPhotoStore *self,
                             const char       *sha256)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  name = g_strconcat (sha256, ".jpg", NULL);
  return g_build_filename (self->dir, name, NULL);
}

char *
xuncha_photo_store_hash_pieces (GPtrArray *pieces)
{
  g_return_val_if_fail (pieces != NULL, NULL);

#ifdef XUNCHA_HAVE_LIBCRYPTO
  {
    /* OpenSSL uses the CPU's SHA instructions: several times faster than GChecksum, which
     * matters for a 4 MB photo hashed on every capture. */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char *hex;

    if (ctx != NULL && EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) == 1)
      {
        gboolean ok = TRUE;

        for (guint i = 0; i < pieces->len && ok; i++)
          {
            gsize size;
            const guint8 *data = g_bytes_get_data (pieces->pdata[i], &size);
            ok = size == 0 || EVP_DigestUpdate (ctx, data, size) == 1;
          }
        if (ok && EVP_DigestFinal_ex (ctx, digest, &len) == 1 && len == 32)
          {
            hex = g_malloc (65);
            for (guint i = 0; i < 32; i++)
              g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
            EVP_MD_CTX_free (ctx);
            return hex;
          }
      }
    EVP_MD_CTX_free (ctx);
  }
#endif
  {
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

    for (guint i = 0; i < pieces->len; i++)
      {
        gsize size;
        const guint8 *data = g_bytes_get_data (pieces->pdata[i], &size);
        g_checksum_update (sum, data, size);
      }
    return g_strdup (g_checksum_get_string (sum));
  }
}

static gpointer
hash_thread (gpointer data)
{
  return xuncha_photo_store_hash_pieces (data);
}

static gboolean
write_pieces (int         fd,
              GPtrArray  *pieces,
              int        *errsv)
{
  for (guint i = 0; i < pieces->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (pieces->pdata[i], &size);

      while (size > 0)
        {
          ssize_t n = write (fd, data, size);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              *errsv = n < 0 ? errno : ENOSPC;
              return FALSE;
            }
          data += n;
          size -= n;
        }
    }
  return TRUE;
}

/* A locked temporary file in the photo folder. The lock is taken before anything is
 * written; a sweeper that removed the name in between is detected by the link count. */
static int
make_temp (XunchaPhotoStore  *self,
           char             **path,
           int               *errsv)
{
  for (guint attempt = 0; attempt < 10; attempt++)
    {
      g_autofree char *tmpl = g_build_filename (self->dir, TEMP_PREFIX "XXXXXX", NULL);
      struct stat st;
      int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          *errsv = errno;
          return -1;
        }
      if (flock (fd, LOCK_SH) == 0 && fstat (fd, &st) == 0 && st.st_nlink > 0)
        {
          *path = g_steal_pointer (&tmpl);
          return fd;
        }
      close (fd);
    }
  *errsv = EAGAIN;
  return -1;
}

/* Opens and locks an existing stored photo of the expected size; -1 when there is none
 * (or it is being removed). */
static int
open_existing (const char *path,
               gsize       size)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_SH) != 0 || fstat (fd, &st) != 0 || st.st_nlink == 0
      || (gsize)st.st_size != size)
    {
      close (fd);
      return -1;
    }
  return fd;
}

gboolean
xuncha_photo_store_put (XunchaPhotoStore  *self,
                        GPtrArray         *pieces,
                        const char        *name,
                        char             **sha256,
                        GError           **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *sha = NULL;
  GThread *hasher = NULL;
  Pending pending = { NULL, -1, FALSE };
  gsize total = 0;
  int fd;
  int existing;
  int errsv = 0;

  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), FALSE);
  g_return_val_if_fail (pieces != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name == NULL)
    name = _("(unnamed)");
  for (guint i = 0; i < pieces->len; i++)
    total += g_bytes_get_size (pieces->pdata[i]);

  fd = make_temp (self, &temp_path, &errsv);
  if (fd < 0)
    return set_io_error (error, errsv, name);

  if (total >= PARALLEL_HASH_MIN)
    hasher = g_thread_new ("photo-hash", hash_thread, pieces);
  else
    sha = xuncha_photo_store_hash_pieces (pieces);

  if (!write_pieces (fd, pieces, &errsv) || fsync (fd) != 0)
    {
      if (errsv == 0)
        errsv = errno;
      if (hasher != NULL)
        g_free (g_thread_join (hasher));
      g_unlink (temp_path);
      close (fd);
      return set_io_error (error, errsv, name);
    }
  if (hasher != NULL)
    sha = g_thread_join (hasher);

  final_path = xuncha_photo_store_get_path (self, sha);
  existing = open_existing (final_path, total);
  if (existing >= 0)
    {
      /* Content-addressed: the same photo is stored once. */
      g_unlink (temp_path);
      close (fd);
      pending.fd = existing;
      pending.created = FALSE;
    }
  else
    {
      if (g_rename (temp_path, final_path) != 0 || fsync (self->dir_fd) != 0)
        {
          errsv = errno;
          g_unlink (temp_path);
          close (fd);
          return set_io_error (error, errsv, name);
        }
      pending.fd = fd;
      pending.created = TRUE;
    }

  pending.sha256 = g_strdup (sha);
  g_array_append_val (self->pending, pending);
  if (sha256 != NULL)
    *sha256 = g_steal_pointer (&sha);
  return TRUE;
}

static gboolean
has_row (XunchaPhotoStore *self,
         const char       *sha256)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (self->store,
                                             "SELECT 1 FROM photos WHERE sha256 = ?1", NULL);
  gboolean found;

  /* When in doubt, keep the file. */
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) != SQLITE_DONE;
  sqlite3_reset (stmt);
  return found;
}

/* Removes @path when nobody holds it and, for a photo, no row refers to it. @fd is an open
 * descriptor of it, possibly already holding a shared lock. */
static gboolean
remove_if_unused (XunchaPhotoStore *self,
                  const char       *path,
                  int               fd,
                  const char       *sha256)
{
  struct stat st;

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || st.st_nlink == 0)
    return FALSE;
  if (sha256 != NULL && has_row (self, sha256))
    return FALSE;
  return g_unlink (path) == 0;
}

void
xuncha_photo_store_release (XunchaPhotoStore *self,
                            gboolean          committed)
{
  g_return_if_fail (XUNCHA_IS_PHOTO_STORE (self));

  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *p = &g_array_index (self->pending, Pending, i);

      if (!committed && p->created)
        {
          g_autofree char *path = xuncha_photo_store_get_path (self, p->sha256);
          remove_if_unused (self, path, p->fd, p->sha256);
        }
      clear_pending (p);
    }
  g_array_set_size (self->pending, 0);
}

static GHashTable *
load_known (XunchaPhotoStore  *self,
            GError           **error)
{
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = xuncha_store_prepare (self->store, "SELECT sha256 FROM photos", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (known, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (self->store, error, "Could not list the stored photos");
      return NULL;
    }
  return g_steal_pointer (&known);
}

static guint
sweep_dir (XunchaPhotoStore *self,
           const char       *dir_path,
           GHashTable       *known)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint removed = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *sha = NULL;
      int fd;

      if (g_str_has_prefix (name, TEMP_PREFIX))
        ;
      else if (known != NULL && is_sha_name (name) && !g_hash_table_contains (known, name))
        sha = g_strndup (name, 64);
      else
        continue;

      path = g_build_filename (dir_path, name, NULL);
      fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        continue;
      if (remove_if_unused (self, path, fd, sha))
        {
          g_debug ("Removed %s left by an interrupted save", path);
          removed++;
        }
      close (fd);
    }
  return removed;
}

guint
xuncha_photo_store_sweep (XunchaPhotoStore  *self,
                          GError           **error)
{
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(GHashTable) names = NULL;
  GHashTableIter iter;
  gpointer key;
  guint removed;

  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), G_MAXUINT);

  known = load_known (self, error);
  if (known == NULL)
    return G_MAXUINT;
  /* The folder lists file names: key the known set the same way. */
  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, known);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (names, g_strconcat (key, ".jpg", NULL));

  removed = sweep_dir (self, self->dir, names);
  removed += sweep_dir (self, self->thumb_dir, NULL);
  if (removed > 0)
    fsync (self->dir_fd);
  return removed;
}

gboolean
xuncha_photo_store_verify (XunchaPhotoStore  *self,
                           const char        *sha256,
                           GError           **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;

  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  path = xuncha_photo_store_get_path (self, sha256);
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_NOT_FOUND,
                   _("The photo %s is missing: %s"), sha256, local_error->message);
      return FALSE;
    }
  g_ptr_array_add (pieces, g_bytes_new_static (contents, len));
  actual = xuncha_photo_store_hash_pieces (pieces);
  if (!g_str_equal (actual, sha256))
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_CORRUPT,
                   _("The photo file %s is damaged (its content hashes to %s)."), path, actual);
      return FALSE;
    }
  return TRUE;
}

/* The embedded Exif preview, when it is a complete JPEG of its own. */
static GBytes *
exif_thumbnail (XunchaJpeg *jpeg)
{
  g_autoptr(GBytes) payload = xuncha_jpeg_get_exif (jpeg);
  g_autoptr(ExifData) ed = NULL;
  g_autoptr(GBytes) thumb = NULL;
  g_autoptr(XunchaJpeg) parsed = NULL;
  gsize size;
  const guint8 *data;

  if (payload == NULL)
    return NULL;
  data = g_bytes_get_data (payload, &size);
  ed = exif_data_new ();
  if (ed == NULL)
    return NULL;
  exif_data_unset_option (ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data (ed, data, (unsigned int)size);
  if (ed->data == NULL || ed->size < 128)
    return NULL;
  thumb = g_bytes_new (ed->data, ed->size);
  parsed = xuncha_jpeg_new (thumb, "thumbnail", NULL);
  if (parsed == NULL || !xuncha_jpeg_check_image (parsed, NULL))
    return NULL;
  return g_steal_pointer (&thumb);
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  guint max_edge = GPOINTER_TO_UINT (user_data);
  int longest = MAX (width, height);

  if (longest <= 0 || (guint)longest <= max_edge)
    return;
  gdk_pixbuf_loader_set_size (loader, MAX (1, (int)((gint64)width * max_edge / longest)),
                              MAX (1, (int)((gint64)height * max_edge / longest)));
}

GBytes *
xuncha_photo_store_scale_jpeg (GBytes  *jpeg,
                               guint    max_edge,
                               int      quality,
                               GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *quality_text = NULL;
  GdkPixbuf *pixbuf;
  gsize size = 0;

  g_return_val_if_fail (jpeg != NULL, NULL);
  g_return_val_if_fail (max_edge > 0, NULL);

  /* The type is named rather than sniffed: sniffing needs the MIME database, which a
   * sandbox or a test environment may not have. The JPEG loader decodes at the reduced
   * size directly, so a 12-megapixel photo never sits in memory at full size. */
  loader = gdk_pixbuf_loader_new_with_type ("jpeg", error);
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared),
                    GUINT_TO_POINTER (max_edge));
  if (!gdk_pixbuf_loader_write_bytes (loader, jpeg, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_THUMBNAIL,
                   _("The photo could not be decoded."));
      return NULL;
    }
  quality_text = g_strdup_printf ("%d", CLAMP (quality, 1, 100));
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error,
                                  "quality", quality_text, NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

char *
xuncha_photo_store_get_thumbnail (XunchaPhotoStore  *self,
                                  const char        *sha256,
                                  GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *thumb_path = NULL;
  g_autofree char *photo_path = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) thumb = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  int fd;
  int errsv = 0;

  g_return_val_if_fail (XUNCHA_IS_PHOTO_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  name = g_strconcat (sha256, ".jpg", NULL);
  thumb_path = g_build_filename (self->thumb_dir, name, NULL);
  if (g_file_test (thumb_path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&thumb_path);

  photo_path = xuncha_photo_store_get_path (self, sha256);
  if (!g_file_get_contents (photo_path, &contents, &len, &local_error))
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_NOT_FOUND,
                   _("The photo %s is missing: %s"), sha256, local_error->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, photo_path, NULL);
  if (jpeg != NULL)
    thumb = exif_thumbnail (jpeg);
  if (thumb == NULL)
    thumb = xuncha_photo_store_scale_jpeg (bytes, XUNCHA_PHOTO_STORE_THUMBNAIL_SIZE, 85,
                                           &local_error);
  if (thumb == NULL)
    {
      g_set_error (error, XUNCHA_PHOTO_STORE_ERROR, XUNCHA_PHOTO_STORE_ERROR_THUMBNAIL,
                   _("Could not make a preview of the photo %s: %s"), sha256,
                   local_error != NULL ? local_error->message : _("unknown reason"));
      return NULL;
    }

  if (g_mkdir_with_parents (self->thumb_dir, 0700) != 0)
    {
      set_io_error (error, errno, thumb_path);
      return NULL;
    }
  /* Written like a photo (temporary name, then rename) so a reader never sees half a
   * preview; a lost preview is only made again, so no fsync. */
  tmpl = g_build_filename (self->thumb_dir, TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, errno, thumb_path);
      return NULL;
    }
  flock (fd, LOCK_SH);
  {
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_ptr_array_add (one, thumb);
    if (!write_pieces (fd, one, &errsv) || g_rename (tmpl, thumb_path) != 0)
      {
        if (errsv == 0)
          errsv = errno;
        g_unlink (tmpl);
        close (fd);
        set_io_error (error, errsv, thumb_path);
        return NULL;
      }
  }
  close (fd);
  return g_steal_pointer (&thumb_path);
}
