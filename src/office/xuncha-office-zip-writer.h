/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A zip archive written as it goes: each file stored as given (no compression: photos are
 * JPEGs already), its name in UTF-8, 1980-01-01 as its time, its CRC and size in a data
 * descriptor after its bytes, so that a file is written piece by piece without being held
 * whole. What has been written since the last take is held until taken: the console's
 * downloads take it piece by piece as the client reads (bounded memory), or whole at the
 * finish. */
typedef struct _XunchaOfficeZipWriter XunchaOfficeZipWriter;

XunchaOfficeZipWriter *xuncha_office_zip_writer_new    (void);
void                   xuncha_office_zip_writer_free   (XunchaOfficeZipWriter *self);
/* Adds the file @name (a relative path, '/' between folders) with @length bytes of @data. */
void                   xuncha_office_zip_writer_add    (XunchaOfficeZipWriter *self,
                                                        const char            *name,
                                                        const guint8          *data,
                                                        gsize                  length);
/* A file in pieces: begin with its name, write its bytes in as many pieces as wanted, end
 * it before the next begins. */
void                   xuncha_office_zip_writer_begin  (XunchaOfficeZipWriter *self,
                                                        const char            *name);
void                   xuncha_office_zip_writer_write  (XunchaOfficeZipWriter *self,
                                                        const guint8          *data,
                                                        gsize                  length);
void                   xuncha_office_zip_writer_end    (XunchaOfficeZipWriter *self);
/* How many bytes the archive holds so far (its files with their headers), taken or not. */
guint64                xuncha_office_zip_writer_size   (XunchaOfficeZipWriter *self);
/* How many bytes were written since the last take. */
gsize                  xuncha_office_zip_writer_held   (XunchaOfficeZipWriter *self);
/* What was written since the last take (perhaps nothing). */
GBytes                *xuncha_office_zip_writer_take   (XunchaOfficeZipWriter *self);
/* Writes the central directory and gives what was not taken yet: the whole archive when
 * nothing was; @self is left empty. */
GBytes                *xuncha_office_zip_writer_finish (XunchaOfficeZipWriter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeZipWriter, xuncha_office_zip_writer_free)

G_END_DECLS
