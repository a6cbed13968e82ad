/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-photo-store.h"

G_BEGIN_DECLS

/* A zip archive of files given in memory and photos read from the photo store, made piece
 * by piece (XunchaOfficeZipWriter): each piece of about XUNCHA_OFFICE_ZIP_STREAM_PIECE
 * bytes, a photo read as far as the piece needs, so that an archive of any size holds
 * one piece in memory. The console's downloads of several files (a report's photos, its
 * evidence bundle) are answered with it, a piece made on a worker each time the client has
 * read the last one. */
typedef struct _XunchaOfficeZipStream XunchaOfficeZipStream;

#define XUNCHA_OFFICE_ZIP_STREAM_PIECE (64 * 1024)

XunchaOfficeZipStream *xuncha_office_zip_stream_new       (XunchaOfficePhotoStore *photos);
void                   xuncha_office_zip_stream_free      (XunchaOfficeZipStream  *self);
/* Adds the file @name with @data. */
void                   xuncha_office_zip_stream_add_bytes (XunchaOfficeZipStream  *self,
                                                           const char             *name,
                                                           GBytes                 *data);
/* Adds the file @name: the photo @sha256 of @size bytes, read when its turn comes. */
void                   xuncha_office_zip_stream_add_photo (XunchaOfficeZipStream  *self,
                                                           const char             *name,
                                                           const char             *sha256,
                                                           gint64                  size);
/* The archive's size once made, with its headers. */
guint64                xuncha_office_zip_stream_size      (XunchaOfficeZipStream  *self);
/* The next piece; NULL at the end, or with @error (a photo gone or cut short since it was
 * added, a read that failed). For XunchaOfficeConsoleCallNext. */
GBytes                *xuncha_office_zip_stream_next      (gpointer                self,
                                                           GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeZipStream, xuncha_office_zip_stream_free)

G_END_DECLS
