/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XUNCHA_JPEG_ERROR (xuncha_jpeg_error_quark ())

typedef enum
{
  XUNCHA_JPEG_ERROR_NOT_JPEG,    /* does not start like a JPEG (or is empty) */
  XUNCHA_JPEG_ERROR_TRUNCATED,   /* ends inside a segment or before the end of the image */
  XUNCHA_JPEG_ERROR_NO_IMAGE,    /* headers only, no image data */
  XUNCHA_JPEG_ERROR_TOO_LARGE,   /* a new Exif block does not fit in one segment */
} XunchaJpegError;

/* A parsed JPEG file: the list of its marker segments, read without copying. Used to read
 * and replace the Exif block while every other byte of the file stays as it was. */
typedef struct _XunchaJpeg XunchaJpeg;

GQuark      xuncha_jpeg_error_quark   (void);

/* Walks the marker segments of @data up to the start of the image data. @name (the file
 * name) is used in error messages. Fails on anything that is not a JPEG or ends inside a
 * segment; a file with headers but no image data parses (see xuncha_jpeg_check_image()). */
XunchaJpeg *xuncha_jpeg_new            (GBytes       *data,
                                        const char   *name,
                                        GError      **error);
void        xuncha_jpeg_free           (XunchaJpeg   *self);

GBytes     *xuncha_jpeg_get_bytes      (XunchaJpeg   *self);

/* Checks that the file holds complete image data: a frame header, a scan and the end
 * marker after the entropy-coded data. */
gboolean    xuncha_jpeg_check_image    (XunchaJpeg   *self,
                                        GError      **error);

/* Width and height from the frame header; FALSE when there is none. */
gboolean    xuncha_jpeg_get_size       (XunchaJpeg   *self,
                                        int          *width,
                                        int          *height);

/* The payload of the first APP1 segment holding Exif (it starts with "Exif\0\0"),
 * wherever it sits among the other segments; NULL when there is none. */
GBytes     *xuncha_jpeg_get_exif       (XunchaJpeg   *self);

/* The file with its Exif APP1 payload replaced by @exif (which starts with "Exif\0\0"), or
 * a new Exif segment inserted after SOI (and after a leading JFIF APP0) when there was
 * none. Every other byte is kept. Returns the new file as a list of pieces (GBytes, most of
 * them slices of the original, nothing copied): write them in order. */
GPtrArray  *xuncha_jpeg_replace_exif   (XunchaJpeg   *self,
                                        const guint8 *exif,
                                        gsize         exif_len,
                                        GError      **error);

/* The same as one contiguous block. */
GBytes     *xuncha_jpeg_replace_exif_bytes (XunchaJpeg   *self,
                                            const guint8 *exif,
                                            gsize         exif_len,
                                            GError      **error);

/* Joins pieces from xuncha_jpeg_replace_exif() into one block. */
GBytes     *xuncha_jpeg_join_pieces    (GPtrArray    *pieces);

/* Number of segments before the image data, and one segment's marker byte, offset of its
 * 0xFF and total length (marker and length field included). For tests and tools. */
guint       xuncha_jpeg_get_n_segments (XunchaJpeg   *self);
void        xuncha_jpeg_get_segment    (XunchaJpeg   *self,
                                        guint         index,
                                        guint8       *marker,
                                        gsize        *offset,
                                        gsize        *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaJpeg, xuncha_jpeg_free)

G_END_DECLS
