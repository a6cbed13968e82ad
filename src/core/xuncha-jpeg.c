/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-jpeg"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xuncha-jpeg.h"

#define M_SOI  0xd8
#define M_EOI  0xd9
#define M_SOS  0xda
#define M_APP0 0xe0
#define M_APP1 0xe1

typedef struct
{
  guint8 marker;
  gsize  offset;   /* of the 0xFF */
  gsize  length;   /* marker + length field + payload */
} Segment;

struct _XunchaJpeg
{
  GBytes       *bytes;
  const guint8 *data;
  gsize         size;
  char         *name;
  GArray       *segments;   /* Segment, up to and including the first SOS */
  gboolean      has_sos;
  gssize        exif_index; /* into segments, -1 when none */
  gssize        damaged_at; /* offset where the walk found garbage, -1 when none */
  gboolean      ends_early; /* ... because the data ended there */
};

G_DEFINE_QUARK (xuncha-jpeg-error-quark, xuncha_jpeg_error)

static const char exif_header[6] = { 'E', 'x', 'i', 'f', 0, 0 };

void
xuncha_jpeg_free (XunchaJpeg *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->segments, g_array_unref);
  g_free (self->name);
  g_free (self);
}

static gboolean
is_standalone (guint8 marker)
{
  /* TEM and RSTn carry no length field. */
  return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

static gboolean
truncated (XunchaJpeg  *self,
           GError     **error)
{
  g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_TRUNCATED,
               _("The photo %s is incomplete (the file ends too early). Take or copy it "
                 "again."), self->name);
  return FALSE;
}

/* The walk met the end of the data (or garbage) at @pos. Once a segment was read the
 * file still parses, so the metadata that came first stays readable; the image check
 * reports the damage. */
static gboolean
stop_walk (XunchaJpeg  *self,
           gsize        pos,
           gboolean     at_end,
           GError     **error)
{
  if (self->segments->len == 0)
    return truncated (self, error);
  self->damaged_at = pos;
  self->ends_early = at_end;
  return TRUE;
}

static gboolean
walk_headers (XunchaJpeg  *self,
              GError     **error)
{
  gsize pos = 2;

  while (pos < self->size)
    {
      Segment seg;

      if (self->data[pos] != 0xff && self->segments->len > 0)
        {
          /* Keep what was read so far (the Exif block usually comes first); the image
           * check reports the damage. */
          self->damaged_at = pos;
          return TRUE;
        }
      if (self->data[pos] != 0xff)
        {
          g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_TRUNCATED,
                       _("The photo %s is damaged (unexpected byte at offset %lu). Take or "
                         "copy it again."), self->name, (unsigned long)pos);
          return FALSE;
        }
      /* Any number of 0xFF fill bytes may precede a marker. */
      while (pos + 1 < self->size && self->data[pos + 1] == 0xff)
        pos++;
      if (pos + 1 >= self->size)
        return stop_walk (self, pos, TRUE, error);

      seg.marker = self->data[pos + 1];
      seg.offset = pos;
      if (is_standalone (seg.marker))
        {
          pos += 2;
          continue;
        }
      if (seg.marker == M_EOI)
        return TRUE;   /* headers only: parsed, but no image */
      if ((seg.marker == M_SOI || seg.marker == 0x00) && self->segments->len > 0)
        {
          self->damaged_at = pos;
          return TRUE;
        }
      if (seg.marker == M_SOI || seg.marker == 0x00)
        {
          g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_TRUNCATED,
                       _("The photo %s is damaged (bad marker at offset %lu). Take or copy it "
                         "again."), self->name, (unsigned long)pos);
          return FALSE;
        }
      if (pos + 4 > self->size)
        return stop_walk (self, pos, TRUE, error);
      seg.length = 2 + (((gsize)self->data[pos + 2] << 8) | self->data[pos + 3]);
      if (seg.length < 4 || pos + seg.length > self->size)
        return stop_walk (self, pos, TRUE, error);

      if (seg.marker == M_APP1 && self->exif_index < 0 && seg.length >= 4 + sizeof exif_header
          && memcmp (self->data + pos + 4, exif_header, sizeof exif_header) == 0)
        self->exif_index = self->segments->len;

      g_array_append_val (self->segments, seg);
      pos += seg.length;

      if (seg.marker == M_SOS)
        {
          self->has_sos = TRUE;
          return TRUE;
        }
    }
  return TRUE;
}

XunchaJpeg *
xuncha_jpeg_new (GBytes      *data,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(XunchaJpeg) self = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (XunchaJpeg, 1);
  self->bytes = g_bytes_ref (data);
  self->data = g_bytes_get_data (data, &self->size);
  self->name = g_strdup (name != NULL ? name : _("(unnamed)"));
  self->segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  self->exif_index = -1;
  self->damaged_at = -1;

  if (self->size == 0)
    {
      g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NOT_JPEG,
                   _("The photo %s is empty (0 bytes). Take or copy it again."), self->name);
      return NULL;
    }
  if (self->size < 4 || self->data[0] != 0xff || self->data[1] != M_SOI)
    {
      g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NOT_JPEG,
                   _("The file %s is not a JPEG photo. Choose a JPEG (.jpg) file."),
                   self->name);
      return NULL;
    }
  if (!walk_headers (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

GBytes *
xuncha_jpeg_get_bytes (XunchaJpeg *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}

/* Skips the entropy-coded data that starts at @pos, up to the next marker that is not a
 * stuffed byte or a restart; returns its offset or the size when none follows. */
static gsize
skip_entropy (XunchaJpeg *self,
              gsize       pos)
{
  while (pos < self->size)
    {
      const guint8 *ff = memchr (self->data + pos, 0xff, self->size - pos);
      guint8 next;

      if (ff == NULL || (gsize)(ff - self->data) + 1 >= self->size)
        return self->size;
      pos = ff - self->data;
      next = self->data[pos + 1];
      if (next == 0x00 || (next >= 0xd0 && next <= 0xd7) || next == 0xff)
        {
          pos += next == 0xff ? 1 : 2;
          continue;
        }
      return pos;
    }
  return self->size;
}

gboolean
xuncha_jpeg_check_image (XunchaJpeg  *self,
                         GError     **error)
{
  const Segment *sos;
  gsize pos;
  gboolean has_frame = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->damaged_at >= 0 && self->ends_early)
    return truncated (self, error);
  if (self->damaged_at >= 0)
    {
      g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_TRUNCATED,
                   _("The photo %s is damaged (unexpected data at offset %ld). Take or copy "
                     "it again."), self->name, (long)self->damaged_at);
      return FALSE;
    }
  for (guint i = 0; i < self->segments->len; i++)
    {
      guint8 m = g_array_index (self->segments, Segment, i).marker;
      has_frame |= m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
    }
  if (!self->has_sos || !has_frame)
    {
      g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NO_IMAGE,
                   _("The photo %s holds no image data (only its headers). Take or copy it "
                     "again."), self->name);
      return FALSE;
    }

  sos = &g_array_index (self->segments, Segment, self->segments->len - 1);
  pos = sos->offset + sos->length;
  /* Progressive files carry further tables and scans between the scans: step over them. */
  for (;;)
    {
      guint8 marker;
      gsize length;

      pos = skip_entropy (self, pos);
      if (pos + 1 >= self->size)
        return truncated (self, error);
      marker = self->data[pos + 1];
      if (marker == M_EOI)
        return TRUE;
      if (is_standalone (marker))
        {
          pos += 2;
          continue;
        }
      if (pos + 4 > self->size)
        return truncated (self, error);
      length = 2 + (((gsize)self->data[pos + 2] << 8) | self->data[pos + 3]);
      if (length < 4 || pos + length > self->size)
        return truncated (self, error);
      pos += length;
    }
}

gboolean
xuncha_jpeg_get_size (XunchaJpeg *self,
                      int        *width,
                      int        *height)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->segments->len; i++)
    {
      const Segment *seg = &g_array_index (self->segments, Segment, i);
      const guint8 *p = self->data + seg->offset;
      guint8 m = seg->marker;

      if (m < 0xc0 || m > 0xcf || m == 0xc4 || m == 0xc8 || m == 0xcc || seg->length < 11)
        continue;
      /* FF Cn, length(2), precision(1), height(2), width(2) */
      if (height != NULL)
        *height = (p[5] << 8) | p[6];
      if (width != NULL)
        *width = (p[7] << 8) | p[8];
      return TRUE;
    }
  return FALSE;
}

GBytes *
xuncha_jpeg_get_exif (XunchaJpeg *self)
{
  const Segment *seg;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->exif_index < 0)
    return NULL;
  seg = &g_array_index (self->segments, Segment, self->exif_index);
  return g_bytes_new_from_bytes (self->bytes, seg->offset + 4, seg->length - 4);
}

GPtrArray *
xuncha_jpeg_replace_exif (XunchaJpeg    *self,
                          const guint8  *exif,
                          gsize          exif_len,
                          GError       **error)
{
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  guint8 *segment;
  gsize cut_from;
  gsize cut_to;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (exif != NULL, NULL);

  if (exif_len + 2 > 0xffff)
    {
      g_set_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_TOO_LARGE,
                   _("The photo information for %s is too large (%lu bytes) to be stored in "
                     "the photo."), self->name, (unsigned long)exif_len);
      return NULL;
    }

  if (self->exif_index >= 0)
    {
      const Segment *seg = &g_array_index (self->segments, Segment, self->exif_index);
      cut_from = seg->offset;
      cut_to = seg->offset + seg->length;
    }
  else
    {
      /* Exif belongs right after SOI, but a JFIF APP0 must stay the first segment. */
      cut_from = 2;
      if (self->segments->len > 0)
        {
          const Segment *first = &g_array_index (self->segments, Segment, 0);
          if (first->marker == M_APP0 && first->offset == 2 && first->length >= 9
              && memcmp (self->data + first->offset + 4, "JFIF", 5) == 0)
            cut_from = first->offset + first->length;
        }
      cut_to = cut_from;
    }

  segment = g_malloc (exif_len + 4);
  segment[0] = 0xff;
  segment[1] = M_APP1;
  segment[2] = (exif_len + 2) >> 8;
  segment[3] = (exif_len + 2) & 0xff;
  memcpy (segment + 4, exif, exif_len);

  g_ptr_array_add (pieces, g_bytes_new_from_bytes (self->bytes, 0, cut_from));
  g_ptr_array_add (pieces, g_bytes_new_take (segment, exif_len + 4));
  g_ptr_array_add (pieces, g_bytes_new_from_bytes (self->bytes, cut_to, self->size - cut_to));
  return g_steal_pointer (&pieces);
}

GBytes *
xuncha_jpeg_join_pieces (GPtrArray *pieces)
{
  gsize total = 0;
  guint8 *out;
  gsize pos = 0;

  g_return_val_if_fail (pieces != NULL, NULL);

  for (guint i = 0; i < pieces->len; i++)
    total += g_bytes_get_size (pieces->pdata[i]);
  out = g_malloc (total);
  for (guint i = 0; i < pieces->len; i++)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (pieces->pdata[i], &len);
      if (len > 0)
        memcpy (out + pos, p, len);
      pos += len;
    }
  return g_bytes_new_take (out, total);
}

GBytes *
xuncha_jpeg_replace_exif_bytes (XunchaJpeg    *self,
                                const guint8  *exif,
                                gsize          exif_len,
                                GError       **error)
{
  g_autoptr(GPtrArray) pieces = xuncha_jpeg_replace_exif (self, exif, exif_len, error);

  if (pieces == NULL)
    return NULL;
  return xuncha_jpeg_join_pieces (pieces);
}

guint
xuncha_jpeg_get_n_segments (XunchaJpeg *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->segments->len;
}

void
xuncha_jpeg_get_segment (XunchaJpeg *self,
                         guint       index,
                         guint8     *marker,
                         gsize      *offset,
                         gsize      *length)
{
  const Segment *seg;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->segments->len);

  seg = &g_array_index (self->segments, Segment, index);
  if (marker != NULL)
    *marker = seg->marker;
  if (offset != NULL)
    *offset = seg->offset;
  if (length != NULL)
    *length = seg->length;
}
