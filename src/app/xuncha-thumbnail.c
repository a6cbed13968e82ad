/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "xuncha-thumbnail.h"

/* Photos shown small (the report form's strip, a re-inspection's original) are decoded
 * off the main thread: a camera's photo takes a phone a good part of a second to decode
 * in full, and a stored photo's preview may have to be made first. The picture is in its
 * place at once and shows the photo when it is ready. JPEG decoders scale while they
 * decode, so asking for the size shown is also the fastest way. */

typedef struct
{
  GBytes           *jpeg;
  GFile            *file;
  XunchaPhotoStore *photos;
  char             *sha256;
  int               size;
} Source;

static void
source_free (gpointer data)
{
  Source *source = data;

  g_clear_pointer (&source->jpeg, g_bytes_unref);
  g_clear_object (&source->file);
  g_clear_object (&source->photos);
  g_free (source->sha256);
  g_free (source);
}

static GInputStream *
source_open (Source        *source,
             GCancellable  *cancellable,
             GError       **error)
{
  if (source->jpeg != NULL)
    return g_memory_input_stream_new_from_bytes (source->jpeg);
  if (source->file != NULL)
    return G_INPUT_STREAM (g_file_read (source->file, cancellable, error));
  {
    /* Only files: the photo store's previews touch no database connection. */
    g_autofree char *path = xuncha_photo_store_get_thumbnail (source->photos, source->sha256,
                                                              error);
    g_autoptr(GFile) file = NULL;

    if (path == NULL)
      return NULL;
    file = g_file_new_for_path (path);
    return G_INPUT_STREAM (g_file_read (file, cancellable, error));
  }
}

static void
decode (GTask        *task,
        gpointer      source_object,
        gpointer      task_data,
        GCancellable *cancellable)
{
  Source *source = task_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  stream = source_open (source, cancellable, &error);
  if (stream != NULL)
    pixbuf = gdk_pixbuf_new_from_stream_at_scale (stream, source->size, source->size, TRUE,
                                                  cancellable, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, gdk_pixbuf_apply_embedded_orientation (pixbuf),
                         g_object_unref);
}

static void
on_decoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No preview of a photo: %s", error->message);
      return;
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
load (GtkPicture   *picture,
      Source       *source,
      GCancellable *cancellable)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, on_decoded, g_object_ref (picture));

  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, source, source_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, decode);
}

void
xuncha_thumbnail_load_bytes (GtkPicture   *picture,
                             GBytes       *jpeg,
                             int           size,
                             GCancellable *cancellable)
{
  Source *source;

  g_return_if_fail (GTK_IS_PICTURE (picture));
  g_return_if_fail (jpeg != NULL);

  source = g_new0 (Source, 1);
  source->jpeg = g_bytes_ref (jpeg);
  source->size = size;
  load (picture, source, cancellable);
}

void
xuncha_thumbnail_load_file (GtkPicture   *picture,
                            GFile        *file,
                            int           size,
                            GCancellable *cancellable)
{
  Source *source;

  g_return_if_fail (GTK_IS_PICTURE (picture));
  g_return_if_fail (G_IS_FILE (file));

  source = g_new0 (Source, 1);
  source->file = g_object_ref (file);
  source->size = size;
  load (picture, source, cancellable);
}

void
xuncha_thumbnail_load_stored (GtkPicture       *picture,
                              XunchaPhotoStore *photos,
                              const char       *sha256,
                              int               size,
                              GCancellable     *cancellable)
{
  Source *source;

  g_return_if_fail (GTK_IS_PICTURE (picture));
  g_return_if_fail (XUNCHA_IS_PHOTO_STORE (photos));
  g_return_if_fail (sha256 != NULL);

  source = g_new0 (Source, 1);
  source->photos = g_object_ref (photos);
  source->sha256 = g_strdup (sha256);
  source->size = size;
  load (picture, source, cancellable);
}
