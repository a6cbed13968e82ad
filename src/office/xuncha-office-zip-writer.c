/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-office-zip-writer.h"

typedef struct
{
  char    *name;
  guint32  crc;
  guint32  size;
  guint32  offset;
} ZipEntry;

struct _XunchaOfficeZipWriter
{
  GByteArray *out;       /* written since the last take */
  guint64     taken;     /* bytes taken before it */
  GPtrArray  *entries;   /* ZipEntry */
  ZipEntry   *open;      /* the file being written, the last of entries; or NULL */
  guint32     crc;       /* the open file's CRC so far, inverted */
};

static void
zip_entry_free (ZipEntry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

/* The zip file's CRC-32 (ISO 3309, as zlib's), carried on over @data: @crc starts at
 * 0xffffffff and is inverted at the end. */
static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  static guint32 table[256];
  static gsize made;

  if (g_once_init_enter (&made))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&made, 1);
    }
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

static void
put16 (GByteArray *out,
       guint       value)
{
  guint8 bytes[2] = { value & 0xff, (value >> 8) & 0xff };

  g_byte_array_append (out, bytes, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  guint8 bytes[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };

  g_byte_array_append (out, bytes, 4);
}

/* A file's header fields from "version needed" to the extra field's length, the same in
 * its local header (where CRC and sizes are 0: the data descriptor after the bytes holds
 * them) and its central directory entry: stored, a data descriptor, the name in UTF-8,
 * 1980-01-01 as its time. */
static void
zip_header_fields (GByteArray     *out,
                   const ZipEntry *entry,
                   gboolean        known)
{
  put16 (out, 20);
  put16 (out, 0x0800 | 0x0008);
  put16 (out, 0);
  put16 (out, 0);
  put16 (out, (0 << 9) | (1 << 5) | 1);
  put32 (out, known ? entry->crc : 0);
  put32 (out, known ? entry->size : 0);
  put32 (out, known ? entry->size : 0);
  put16 (out, (guint)strlen (entry->name));
  put16 (out, 0);
}

XunchaOfficeZipWriter *
xuncha_office_zip_writer_new (void)
{
  XunchaOfficeZipWriter *self = g_new0 (XunchaOfficeZipWriter, 1);

  self->out = g_byte_array_new ();
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)zip_entry_free);
  return self;
}

void
xuncha_office_zip_writer_free (XunchaOfficeZipWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->out, g_byte_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_free (self);
}

void
xuncha_office_zip_writer_begin (XunchaOfficeZipWriter *self,
                                const char            *name)
{
  ZipEntry *entry;

  g_return_if_fail (self != NULL && self->out != NULL && self->open == NULL);
  g_return_if_fail (name != NULL && g_utf8_validate (name, -1, NULL));
  g_return_if_fail (xuncha_office_zip_writer_size (self) < G_MAXUINT32);

  entry = g_new0 (ZipEntry, 1);
  entry->name = g_strdup (name);
  entry->offset = (guint32)xuncha_office_zip_writer_size (self);
  put32 (self->out, 0x04034b50);
  zip_header_fields (self->out, entry, FALSE);
  g_byte_array_append (self->out, (const guint8 *)entry->name, (guint)strlen (entry->name));
  g_ptr_array_add (self->entries, entry);
  self->open = entry;
  self->crc = 0xffffffffu;
}

void
xuncha_office_zip_writer_write (XunchaOfficeZipWriter *self,
                                const guint8          *data,
                                gsize                  length)
{
  g_return_if_fail (self != NULL && self->open != NULL);
  g_return_if_fail (length <= G_MAXUINT32 - self->open->size);
  g_return_if_fail (xuncha_office_zip_writer_size (self) + length < G_MAXUINT32);

  self->crc = crc32_update (self->crc, data, length);
  self->open->size += (guint32)length;
  g_byte_array_append (self->out, data, (guint)length);
}

void
xuncha_office_zip_writer_end (XunchaOfficeZipWriter *self)
{
  g_return_if_fail (self != NULL && self->open != NULL);

  self->open->crc = self->crc ^ 0xffffffffu;
  put32 (self->out, 0x08074b50);
  put32 (self->out, self->open->crc);
  put32 (self->out, self->open->size);
  put32 (self->out, self->open->size);
  self->open = NULL;
}

void
xuncha_office_zip_writer_add (XunchaOfficeZipWriter *self,
                              const char            *name,
                              const guint8          *data,
                              gsize                  length)
{
  xuncha_office_zip_writer_begin (self, name);
  xuncha_office_zip_writer_write (self, data, length);
  xuncha_office_zip_writer_end (self);
}

guint64
xuncha_office_zip_writer_size (XunchaOfficeZipWriter *self)
{
  g_return_val_if_fail (self != NULL && self->out != NULL, 0);

  return self->taken + self->out->len;
}

gsize
xuncha_office_zip_writer_held (XunchaOfficeZipWriter *self)
{
  g_return_val_if_fail (self != NULL && self->out != NULL, 0);

  return self->out->len;
}

GBytes *
xuncha_office_zip_writer_take (XunchaOfficeZipWriter *self)
{
  GByteArray *out;

  g_return_val_if_fail (self != NULL && self->out != NULL, NULL);

  out = g_steal_pointer (&self->out);
  self->taken += out->len;
  self->out = g_byte_array_new ();
  return g_byte_array_free_to_bytes (out);
}

GBytes *
xuncha_office_zip_writer_finish (XunchaOfficeZipWriter *self)
{
  GBytes *rest;
  guint32 directory;
  guint32 length;

  g_return_val_if_fail (self != NULL && self->out != NULL && self->open == NULL, NULL);

  directory = (guint32)xuncha_office_zip_writer_size (self);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const ZipEntry *entry = self->entries->pdata[i];

      put32 (self->out, 0x02014b50);
      put16 (self->out, 20);
      zip_header_fields (self->out, entry, TRUE);
      put16 (self->out, 0);
      put16 (self->out, 0);
      put16 (self->out, 0);
      put32 (self->out, 0);
      put32 (self->out, entry->offset);
      g_byte_array_append (self->out, (const guint8 *)entry->name, (guint)strlen (entry->name));
    }
  length = (guint32)(xuncha_office_zip_writer_size (self) - directory);
  put32 (self->out, 0x06054b50);
  put16 (self->out, 0);
  put16 (self->out, 0);
  put16 (self->out, self->entries->len);
  put16 (self->out, self->entries->len);
  put32 (self->out, length);
  put32 (self->out, directory);
  put16 (self->out, 0);
  rest = xuncha_office_zip_writer_take (self);
  g_ptr_array_set_size (self->entries, 0);
  self->taken = 0;
  return rest;
}
