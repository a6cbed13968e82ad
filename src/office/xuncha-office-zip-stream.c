/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <string.h>

#include "xuncha-office-zip-stream.h"
#include "xuncha-office-zip-writer.h"

typedef struct
{
  char   *name;
  GBytes *data;      /* or NULL for a photo */
  char   *sha256;
  gint64  size;
} Entry;

struct _XunchaOfficeZipStream
{
  XunchaOfficePhotoStore *photos;
  XunchaOfficeZipWriter  *zip;
  GPtrArray              *entries;   /* Entry, in order */
  guint                   next;      /* the entry to begin next */
  GInputStream           *photo;     /* the photo being read, or NULL */
  const Entry            *reading;   /* its entry */
  gint64                  read;      /* bytes of it read */
  gboolean                finished;  /* the central directory is written */
};

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_clear_pointer (&entry->data, g_bytes_unref);
  g_free (entry->sha256);
  g_free (entry);
}

XunchaOfficeZipStream *
xuncha_office_zip_stream_new (XunchaOfficePhotoStore *photos)
{
  XunchaOfficeZipStream *self = g_new0 (XunchaOfficeZipStream, 1);

  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (photos), NULL);

  self->photos = g_object_ref (photos);
  self->zip = xuncha_office_zip_writer_new ();
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  return self;
}

void
xuncha_office_zip_stream_free (XunchaOfficeZipStream *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->photo);
  g_clear_object (&self->photos);
  g_clear_pointer (&self->zip, xuncha_office_zip_writer_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_free (self);
}

void
xuncha_office_zip_stream_add_bytes (XunchaOfficeZipStream *self,
                                    const char            *name,
                                    GBytes                *data)
{
  Entry *entry;

  g_return_if_fail (self != NULL && self->next == 0 && name != NULL && data != NULL);

  entry = g_new0 (Entry, 1);
  entry->name = g_strdup (name);
  entry->data = g_bytes_ref (data);
  entry->size = (gint64)g_bytes_get_size (data);
  g_ptr_array_add (self->entries, entry);
}

void
xuncha_office_zip_stream_add_photo (XunchaOfficeZipStream *self,
                                    const char            *name,
                                    const char            *sha256,
                                    gint64                 size)
{
  Entry *entry;

  g_return_if_fail (self != NULL && self->next == 0 && name != NULL && sha256 != NULL);
  g_return_if_fail (size >= 0);

  entry = g_new0 (Entry, 1);
  entry->name = g_strdup (name);
  entry->sha256 = g_strdup (sha256);
  entry->size = size;
  g_ptr_array_add (self->entries, entry);
}

guint64
xuncha_office_zip_stream_size (XunchaOfficeZipStream *self)
{
  /* Per file: its local header (30) and data descriptor (16), its central directory entry
   * (46), its name in both; the end record (22). */
  guint64 size = 22;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = self->entries->pdata[i];

      size += 30 + 16 + 46 + 2 * strlen (entry->name) + (guint64)entry->size;
    }
  return size;
}

/* Reads on in the photo being read, into the zip; FALSE on an error. */
static gboolean
read_photo (XunchaOfficeZipStream  *self,
            gsize                   wanted,
            GError                **error)
{
  g_autofree guint8 *buffer = g_malloc (wanted);
  gssize got = g_input_stream_read (self->photo, buffer, wanted, NULL, error);

  if (got < 0)
    {
      g_prefix_error (error, "Photo %s: ", self->reading->sha256);
      return FALSE;
    }
  if (got > 0 && self->read + got <= self->reading->size)
    {
      xuncha_office_zip_writer_write (self->zip, buffer, (gsize)got);
      self->read += got;
      return TRUE;
    }
  /* Its end: exactly the size it was added with, or the archive would lie. */
  if (got > 0 || self->read != self->reading->size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   "Photo %s is no longer of %" G_GINT64_FORMAT " bytes", self->reading->sha256,
                   self->reading->size);
      return FALSE;
    }
  xuncha_office_zip_writer_end (self->zip);
  g_clear_object (&self->photo);
  self->reading = NULL;
  return TRUE;
}

GBytes *
xuncha_office_zip_stream_next (gpointer   data,
                               GError   **error)
{
  XunchaOfficeZipStream *self = data;

  g_return_val_if_fail (self != NULL, NULL);

  while (xuncha_office_zip_writer_held (self->zip) < XUNCHA_OFFICE_ZIP_STREAM_PIECE
         && !self->finished)
    {
      const Entry *entry;
      gint64 size = 0;

      if (self->photo != NULL)
        {
          if (!read_photo (self, XUNCHA_OFFICE_ZIP_STREAM_PIECE
                                   - xuncha_office_zip_writer_held (self->zip), error))
            return NULL;
          continue;
        }
      if (self->next == self->entries->len)
        {
          /* What was held, with the central directory: the last piece. */
          self->finished = TRUE;
          return xuncha_office_zip_writer_finish (self->zip);
        }
      entry = self->entries->pdata[self->next++];
      if (entry->data != NULL)
        {
          xuncha_office_zip_writer_add (self->zip, entry->name,
                                        g_bytes_get_data (entry->data, NULL),
                                        g_bytes_get_size (entry->data));
          continue;
        }
      self->photo = xuncha_office_photo_store_open_read (self->photos, entry->sha256, &size,
                                                         error);
      if (self->photo == NULL)
        {
          g_prefix_error (error, "Photo %s: ", entry->sha256);
          return NULL;
        }
      self->reading = entry;
      self->read = 0;
      xuncha_office_zip_writer_begin (self->zip, entry->name);
    }
  if (xuncha_office_zip_writer_held (self->zip) == 0)
    return NULL;
  return xuncha_office_zip_writer_take (self->zip);
}
