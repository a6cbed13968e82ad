/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "xuncha-office-console-catalogue.h"

struct _XunchaOfficeConsoleCatalogue
{
  GHashTable *strings;   /* original → translation, both owned */
};

#define MO_MAGIC 0x950412deu
/* The project's catalogue holds about a thousand strings: far below this. */
#define MO_MAX_BYTES (16 * 1024 * 1024)

static gboolean
read_u32 (const guint8 *data,
          gsize         length,
          gsize         offset,
          gboolean      swap,
          guint32      *value)
{
  guint32 v;

  if (offset > length || length - offset < 4)
    return FALSE;
  memcpy (&v, data + offset, 4);
  *value = swap ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* The string of entry @i of the table at @table, checked to lie within the file. */
static gboolean
read_entry (const guint8 *data,
            gsize         length,
            guint32       table,
            guint32       i,
            gboolean      swap,
            const char  **text)
{
  guint32 size, offset;

  if (!read_u32 (data, length, (gsize)table + 8 * (gsize)i, swap, &size)
      || !read_u32 (data, length, (gsize)table + 8 * (gsize)i + 4, swap, &offset)
      || offset > length || length - offset <= size || data[offset + size] != '\0')
    return FALSE;
  *text = (const char *)data + offset;
  return TRUE;
}

XunchaOfficeConsoleCatalogue *
xuncha_office_console_catalogue_load (const char  *path,
                                      GError     **error)
{
  g_autoptr(XunchaOfficeConsoleCatalogue) self = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;
  guint32 magic, count, originals, translations;
  gboolean swap;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, (char **)&data, &length, error))
    return NULL;
  if (length > MO_MAX_BYTES || !read_u32 (data, length, 0, FALSE, &magic)
      || (magic != MO_MAGIC && GUINT32_SWAP_LE_BE (magic) != MO_MAGIC))
    goto bad;
  swap = magic != MO_MAGIC;
  if (!read_u32 (data, length, 8, swap, &count) || !read_u32 (data, length, 12, swap, &originals)
      || !read_u32 (data, length, 16, swap, &translations))
    goto bad;

  self = g_new0 (XunchaOfficeConsoleCatalogue, 1);
  self->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint32 i = 0; i < count; i++)
    {
      const char *original, *translation;

      if (!read_entry (data, length, originals, i, swap, &original)
          || !read_entry (data, length, translations, i, swap, &translation))
        goto bad;
      /* The header (empty original), plural forms and contexts are not the console's. */
      if (*original == '\0' || *translation == '\0' || strchr (original, '\004') != NULL)
        continue;
      g_hash_table_insert (self->strings, g_strdup (original), g_strdup (translation));
    }
  return g_steal_pointer (&self);

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a gettext catalogue",
               path);
  return NULL;
}

void
xuncha_office_console_catalogue_free (XunchaOfficeConsoleCatalogue *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->strings, g_hash_table_unref);
  g_free (self);
}

const char *
xuncha_office_console_catalogue_translate (XunchaOfficeConsoleCatalogue *self,
                                           const char                   *text)
{
  const char *translation;

  if (self == NULL || text == NULL)
    return text;
  translation = g_hash_table_lookup (self->strings, text);
  return translation != NULL ? translation : text;
}
