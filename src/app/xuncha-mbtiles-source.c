/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-background.h"
#include "xuncha-mbtiles-source.h"

struct _XunchaMbtilesSource
{
  ShumateDataSource  parent_instance;

  XunchaMbtiles     *tiles;
};

G_DEFINE_FINAL_TYPE (XunchaMbtilesSource, xuncha_mbtiles_source, SHUMATE_TYPE_DATA_SOURCE)

typedef struct
{
  int x;
  int y;
  int zoom;
} TileRequest;

static void
read_tile_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  XunchaMbtilesSource *self = source_object;
  TileRequest *request = task_data;
  GError *error = NULL;
  GBytes *bytes;

  if (g_task_return_error_if_cancelled (task))
    return;

  bytes = self->tiles == NULL ? NULL
                              : xuncha_mbtiles_get_tile (self->tiles, request->zoom, request->x,
                                                         request->y, &error);
  g_debug ("basemap tile %d/%d/%d: %s", request->zoom, request->x, request->y,
           bytes != NULL ? "found" : "none");
  if (error != NULL)
    g_task_return_error (task, error);
  else if (bytes == NULL)
    /* Outside the basemap: the street layer still draws there. */
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             "No basemap tile at %d/%d/%d", request->zoom, request->x,
                             request->y);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify)g_bytes_unref);
}

/* Back on the main thread. libshumate's raster renderer takes a tile's image from the
 * data source's "received-data" signal, not from the finished call (which only marks the
 * tile done), so the bytes are announced first, then the caller's task completes. */
static void
on_tile_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TileRequest *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr(GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit_by_name (object, "received-data", request->x, request->y, request->zoom, bytes);
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify)g_bytes_unref);
}

static void
xuncha_mbtiles_source_get_tile_data_async (ShumateDataSource   *source,
                                           int                  x,
                                           int                  y,
                                           int                  zoom_level,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GTask) read = g_task_new (source, cancellable, on_tile_read, g_object_ref (task));
  TileRequest *request = g_new (TileRequest, 1);

  request->x = x;
  request->y = y;
  request->zoom = zoom_level;
  g_task_set_source_tag (task, xuncha_mbtiles_source_get_tile_data_async);
  g_task_set_task_data (read, request, g_free);
  /* SQLite reads stay off the main thread, where frames are drawn. */
  xuncha_background_run_in_thread (read, read_tile_in_thread);
}

static GBytes *
xuncha_mbtiles_source_get_tile_data_finish (ShumateDataSource  *source,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
xuncha_mbtiles_source_dispose (GObject *object)
{
  XunchaMbtilesSource *self = (XunchaMbtilesSource *)object;

  g_clear_object (&self->tiles);

  G_OBJECT_CLASS (xuncha_mbtiles_source_parent_class)->dispose (object);
}

static void
xuncha_mbtiles_source_class_init (XunchaMbtilesSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = xuncha_mbtiles_source_dispose;
  source_class->get_tile_data_async = xuncha_mbtiles_source_get_tile_data_async;
  source_class->get_tile_data_finish = xuncha_mbtiles_source_get_tile_data_finish;
}

static void
xuncha_mbtiles_source_init (XunchaMbtilesSource *self)
{
}

XunchaMbtilesSource *
xuncha_mbtiles_source_new (XunchaMbtiles *tiles)
{
  XunchaMbtilesSource *self;

  g_return_val_if_fail (tiles == NULL || XUNCHA_IS_MBTILES (tiles), NULL);

  self = g_object_new (XUNCHA_TYPE_MBTILES_SOURCE, NULL);
  self->tiles = tiles != NULL ? g_object_ref (tiles) : NULL;
  return self;
}

XunchaMbtiles *
xuncha_mbtiles_source_get_tiles (XunchaMbtilesSource *self)
{
  g_return_val_if_fail (XUNCHA_IS_MBTILES_SOURCE (self), NULL);
  return self->tiles;
}
