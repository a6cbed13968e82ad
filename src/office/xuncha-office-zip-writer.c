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
  GByteArray *zip;
  GPtrArray  *entries;   /* ZipEntry */
};

static void
zip_entry_free (ZipEntry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

/* The zip file's CRC-32 (ISO 3309, as zlib's). */
static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  static guint32 table[256];
  static gsize made;
  guint32 crc = 0xffffffffu;

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
  return crc ^ 0xffffffffu;
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
 * its local header and its central directory entry: stored, the name in UTF-8, 1980-01-01
 * as its time. */
static void
zip_header_fields (GByteArray     *out,
                   const ZipEntry *entry)
{
  put16 (out, 20);
  put16 (out, 0x0800);
  put16 (out, 0);
  put16 (out, 0);
  put16 (out, (0 << 9) | (1 << 5) | 1);
  put32 (out, entry->crc);
  put32 (out, entry->size);
  put32 (out, entry->size);
  put16 (out, (guint)strlen (entry->name));
  put16 (out, 0);
}

XunchaOfficeZipWriter *
xuncha_office_zip_writer_new (void)
{
  XunchaOfficeZipWriter *self = g_new0 (XunchaOfficeZipWriter, 1);

  self->zip = g_byte_array_new ();
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)zip_entry_free);
  return self;
}

void
xuncha_office_zip_writer_free (XunchaOfficeZipWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->zip, g_byte_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_free (self);
}

void
xuncha_office_zip_writer_add (XunchaOfficeZipWriter *self,
                              const char            *name,
                              const guint8          *data,
                              gsize                  length)
{
  ZipEntry *entry;

  g_return_if_fail (self != NULL && self->zip != NULL);
  g_return_if_fail (name != NULL && g_utf8_validate (name, -1, NULL));
  g_return_if_fail (length <= G_MAXUINT32 && self->zip->len + (guint64)length < G_MAXUINT32);

  entry = g_new0 (ZipEntry, 1);
  entry->name = g_strdup (name);
  entry->size = (guint32)length;
  entry->crc = crc32_of (data, length);
  entry->offset = self->zip->len;
  put32 (self->zip, 0x04034b50);
  zip_header_fields (self->zip, entry);
  g_byte_array_append (self->zip, (const guint8 *)entry->name, (guint)strlen (entry->name));
  g_byte_array_append (self->zip, data, (guint)length);
  g_ptr_array_add (self->entries, entry);
}

gsize
xuncha_office_zip_writer_size (XunchaOfficeZipWriter *self)
{
  g_return_val_if_fail (self != NULL && self->zip != NULL, 0);

  return self->zip->len;
}

GBytes *
xuncha_office_zip_writer_finish (XunchaOfficeZipWriter *self)
{
  GByteArray *zip;
  guint32 directory;

  g_return_val_if_fail (self != NULL && self->zip != NULL, NULL);

  zip = g_steal_pointer (&self->zip);
  directory = zip->len;
  for (guint i = 0; i < self->entries->len; i++)
    {
      const ZipEntry *entry = self->entries->pdata[i];

      put32 (zip, 0x02014b50);
      put16 (zip, 20);
      zip_header_fields (zip, entry);
      put16 (zip, 0);
      put16 (zip, 0);
      put16 (zip, 0);
      put32 (zip, 0);
      put32 (zip, entry->offset);
      g_byte_array_append (zip, (const guint8 *)entry->name, (guint)strlen (entry->name));
    }
  put32 (zip, 0x06054b50);
  put16 (zip, 0);
  put16 (zip, 0);
  put16 (zip, self->entries->len);
  put16 (zip, self->entries->len);
  put32 (zip, zip->len - directory - 4 - 2 - 2 - 2 - 2);
  put32 (zip, directory);
  put16 (zip, 0);
  g_ptr_array_set_size (self->entries, 0);
  self->zip = g_byte_array_new ();
  return g_byte_array_free_to_bytes (zip);
}
