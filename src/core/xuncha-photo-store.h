/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_PHOTO_STORE_ERROR (xuncha_photo_store_error_quark ())

typedef enum
{
  XUNCHA_PHOTO_STORE_ERROR_IO,         /* the file system refused a read or write */
  XUNCHA_PHOTO_STORE_ERROR_NO_SPACE,   /* the disk (or the file size limit) is full */
  XUNCHA_PHOTO_STORE_ERROR_NOT_FOUND,  /* no photo with that hash */
  XUNCHA_PHOTO_STORE_ERROR_CORRUPT,    /* a stored file does not match its hash */
  XUNCHA_PHOTO_STORE_ERROR_THUMBNAIL,  /* no thumbnail could be made */
} XunchaPhotoStoreError;

#define XUNCHA_TYPE_PHOTO_STORE (xuncha_photo_store_get_type ())

G_DECLARE_FINAL_TYPE (XunchaPhotoStore, xuncha_photo_store, XUNCHA, PHOTO_STORE, GObject)

GQuark            xuncha_photo_store_error_quark  (void);

/* The content-addressed photo folder of @store: <data dir>/photos/<sha256>.jpg, owner
 * only. Opening it removes what a crash left behind: temporary files and photo files that
 * no committed row refers to (files another process is still saving are left alone). */
XunchaPhotoStore *xuncha_photo_store_open         (XunchaStore       *store,
                                                   GError           **error);

XunchaStore      *xuncha_photo_store_get_store    (XunchaPhotoStore  *self);
const char       *xuncha_photo_store_get_dir      (XunchaPhotoStore  *self);
/* <dir>/<sha256>.jpg (whether or not it exists). */
char             *xuncha_photo_store_get_path     (XunchaPhotoStore  *self,
                                                   const char        *sha256);

/* SHA-256 (lower-case hex) of the concatenated pieces (GBytes). */
char             *xuncha_photo_store_hash_pieces  (GPtrArray         *pieces);

/* Writes the pieces (GBytes, in order) durably: a temporary file in the photo folder,
 * fsync, rename to <sha256>.jpg, fsync of the folder. A photo already held is not written
 * again. The file stays protected from the clean-up of other processes until
 * xuncha_photo_store_release(); call that after the transaction that inserts the rows.
 * @name names the photo in error messages. */
gboolean          xuncha_photo_store_put          (XunchaPhotoStore  *self,
                                                   GPtrArray         *pieces,
                                                   const char        *name,
                                                   char             **sha256,
                                                   GError           **error);

/* Ends the protection of the files put since the last release. With @committed FALSE
 * (the rows were rolled back), files this store created that no row refers to are
 * removed, so a failed save leaves no orphan. */
void              xuncha_photo_store_release      (XunchaPhotoStore  *self,
                                                   gboolean           committed);

/* Removes temporary files and unreferenced photo files nobody is writing. Returns the
 * number removed. Runs at open. */
guint             xuncha_photo_store_sweep        (XunchaPhotoStore  *self,
                                                   GError           **error);

/* Re-reads the stored file and checks it against its name. */
gboolean          xuncha_photo_store_verify       (XunchaPhotoStore  *self,
                                                   const char        *sha256,
                                                   GError           **error);

/* Decodes a JPEG at reduced size (longest edge at most @max_edge; never enlarged) and
 * encodes it again at @quality. The result carries no metadata. */
GBytes           *xuncha_photo_store_scale_jpeg   (GBytes            *jpeg,
                                                   guint              max_edge,
                                                   int                quality,
                                                   GError           **error);

/* Longest edge of a thumbnail made by scaling. */
#define XUNCHA_PHOTO_STORE_THUMBNAIL_SIZE 320

/* Path of a small JPEG preview for lists, made on first request and cached as
 * <dir>/thumbs/<sha256>.jpg: the photo's embedded Exif preview when it has a usable one,
 * else a copy scaled to XUNCHA_PHOTO_STORE_THUMBNAIL_SIZE. */
char             *xuncha_photo_store_get_thumbnail (XunchaPhotoStore *self,
                                                    const char       *sha256,
                                                    GError          **error);

G_END_DECLS
