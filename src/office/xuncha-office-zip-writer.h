/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A zip archive made in memory: each file stored as given (no compression: photos are
 * JPEGs already), its name in UTF-8, 1980-01-01 as its time. What the console's downloads
 * of several files are written with. */
typedef struct _XunchaOfficeZipWriter XunchaOfficeZipWriter;

XunchaOfficeZipWriter *xuncha_office_zip_writer_new    (void);
void                   xuncha_office_zip_writer_free   (XunchaOfficeZipWriter *self);
/* Adds the file @name (a relative path, '/' between folders) with @length bytes of @data. */
void                   xuncha_office_zip_writer_add    (XunchaOfficeZipWriter *self,
                                                        const char            *name,
                                                        const guint8          *data,
                                                        gsize                  length);
/* How many bytes the archive holds so far (its files with their headers). */
gsize                  xuncha_office_zip_writer_size   (XunchaOfficeZipWriter *self);
/* The archive, its central directory written; @self is left empty. */
GBytes                *xuncha_office_zip_writer_finish (XunchaOfficeZipWriter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeZipWriter, xuncha_office_zip_writer_free)

G_END_DECLS
