/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-mbtiles"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-mbtiles.h"
#include "xuncha-sqlite-private.h"

struct _XunchaMbtiles
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *db;
  sqlite3_stmt *tile_stmt;   /* guarded by lock: the map reads tiles from worker threads */
  GMutex        lock;
  GHashTable   *metadata;
  int           min_zoom;
  int           max_zoom;
};

G_DEFINE_FINAL_TYPE (XunchaMbtiles, xuncha_mbtiles, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-mbtiles-error-quark, xuncha_mbtiles_error)

static void
xuncha_mbtiles_finalize (GObject *object)
{
  XunchaMbtiles *self = (XunchaMbtiles *)object;

  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (xuncha_mbtiles_parent_class)->finalize (object);
}

static void
xuncha_mbtiles_class_init (XunchaMbtilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_mbtiles_finalize;
}

static void
xuncha_mbtiles_init (XunchaMbtiles *self)
{
  g_mutex_init (&self->lock);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->min_zoom = 0;
  self->max_zoom = 22;
}

static gboolean
invalid (XunchaMbtiles  *self,
         GError        **error)
{
  g_set_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_INVALID,
               _("%s is not an MBTiles basemap (it has no tiles table). Choose an .mbtiles "
                 "file made for offline maps."),
               self->path);
  return FALSE;
}

static gboolean
read_metadata (XunchaMbtiles  *self,
               GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT name, value FROM metadata", -1, &stmt, NULL)
      != SQLITE_OK)
    {
      /* The metadata table is required by the format, but a tile set without it is
       * still drawable: keep the defaults. */
      g_debug ("%s has no metadata table", self->path);
      return TRUE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);
      const char *value = (const char *)sqlite3_column_text (stmt, 1);

      if (name != NULL && value != NULL)
        g_hash_table_insert (self->metadata, g_strdup (name), g_strdup (value));
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_OPEN,
                   _("Could not read the basemap %s: %s"), self->path,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  if (g_hash_table_contains (self->metadata, "minzoom"))
    self->min_zoom = CLAMP (atoi (g_hash_table_lookup (self->metadata, "minzoom")), 0, 30);
  if (g_hash_table_contains (self->metadata, "maxzoom"))
    self->max_zoom = CLAMP (atoi (g_hash_table_lookup (self->metadata, "maxzoom")),
                            self->min_zoom, 30);
  return TRUE;
}

XunchaMbtiles *
xuncha_mbtiles_open (const char  *path,
                     GError     **error)
{
  g_autoptr(XunchaMbtiles) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_OPEN,
                   _("The basemap %s does not exist."), path);
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db,
                             "SELECT tile_data FROM tiles "
                             "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->tile_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      int code = self->db != NULL ? sqlite3_errcode (self->db) : rc;

      if (code == SQLITE_ERROR)   /* readable SQLite, but no tiles table */
        {
          invalid (self, error);
          return NULL;
        }
      g_set_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_OPEN,
                   _("Could not open the basemap %s: %s"), path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  if (!read_metadata (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
xuncha_mbtiles_get_path (XunchaMbtiles *self)
{
  g_return_val_if_fail (XUNCHA_IS_MBTILES (self), NULL);
  return self->path;
}

const char *
xuncha_mbtiles_get_metadata (XunchaMbtiles *self,
                             const char    *key)
{
  g_return_val_if_fail (XUNCHA_IS_MBTILES (self), NULL);
  return g_hash_table_lookup (self->metadata, key);
}

const char *
xuncha_mbtiles_get_format (XunchaMbtiles *self)
{
  const char *format;

  g_return_val_if_fail (XUNCHA_IS_MBTILES (self), NULL);

  format = g_hash_table_lookup (self->metadata, "format");
  if (format == NULL)
    return "png";
  if (g_ascii_strcasecmp (format, "jpeg") == 0)
    return "jpg";
  return format;
}

void
xuncha_mbtiles_get_zoom_range (XunchaMbtiles *self,
                               int           *min_zoom,
                               int           *max_zoom)
{
  g_return_if_fail (XUNCHA_IS_MBTILES (self));

  if (min_zoom != NULL)
    *min_zoom = self->min_zoom;
  if (max_zoom != NULL)
    *max_zoom = self->max_zoom;
}

GBytes *
xuncha_mbtiles_get_tile (XunchaMbtiles  *self,
                         int             zoom,
                         int             x,
                         int             y,
                         GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GBytes *bytes = NULL;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_MBTILES (self), NULL);

  if (zoom < 0 || zoom > 30 || x < 0 || y < 0 || x >= (1 << zoom) || y >= (1 << zoom))
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  sqlite3_reset (self->tile_stmt);
  sqlite3_bind_int (self->tile_stmt, 1, zoom);
  sqlite3_bind_int (self->tile_stmt, 2, x);
  /* MBTiles rows count from the south (TMS); web maps count from the north. */
  sqlite3_bind_int (self->tile_stmt, 3, (1 << zoom) - 1 - y);

  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (self->tile_stmt, 0),
                         sqlite3_column_bytes (self->tile_stmt, 0));
  else if (rc != SQLITE_DONE)
    g_set_error (error, XUNCHA_MBTILES_ERROR, XUNCHA_MBTILES_ERROR_READ,
                 _("Could not read a tile of the basemap %s: %s"), self->path,
                 sqlite3_errmsg (self->db));
  sqlite3_reset (self->tile_stmt);
  return bytes;
}
