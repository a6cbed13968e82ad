/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-crs.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_MAP_IMPORT_ERROR (xuncha_map_import_error_quark ())

typedef enum
{
  XUNCHA_MAP_IMPORT_ERROR_IO,                /* the file cannot be read */
  XUNCHA_MAP_IMPORT_ERROR_INVALID_JSON,      /* with line and position */
  XUNCHA_MAP_IMPORT_ERROR_WRONG_TYPE,        /* not a FeatureCollection, a feature not an object */
  XUNCHA_MAP_IMPORT_ERROR_INVALID_GEOMETRY,  /* a line with fewer than two positions ... */
  XUNCHA_MAP_IMPORT_ERROR_OUT_OF_RANGE,      /* a longitude or latitude outside the globe */
  XUNCHA_MAP_IMPORT_ERROR_MISSING_VALUE,     /* a feature or row without an id (or a name) */
  XUNCHA_MAP_IMPORT_ERROR_DUPLICATE_ID,      /* the same id twice in one file */
  XUNCHA_MAP_IMPORT_ERROR_INVALID_CSV,
  XUNCHA_MAP_IMPORT_ERROR_MAPPING,           /* an unknown --map key */
  XUNCHA_MAP_IMPORT_ERROR_NOTHING,           /* no feature of the wanted kind at all */
  XUNCHA_MAP_IMPORT_ERROR_ENCODING,          /* not UTF-8 (nor, for CSV, GBK/GB18030) */
} XunchaMapImportError;

/* What an import did. */
typedef struct
{
  guint features;   /* features (or CSV rows) read */
  guint inserted;   /* new segments or merchants */
  guint updated;    /* existing ids whose row was replaced */
  guint skipped;    /* features of another geometry type (points in a street file ...) */
  guint linked;     /* merchants now linked to their nearest segment */
} XunchaMapImportStats;

#define XUNCHA_TYPE_MAP_IMPORTER (xuncha_map_importer_get_type ())

/* Imports street segments (GeoJSON LineString / MultiLineString features) and merchants
 * (门前五包 registry: GeoJSON points or CSV) into the store.
 *
 * Every import is all or nothing: the file is read, checked and written in one transaction;
 * a bad file changes nothing and the error says what and where. A street file is read one
 * feature at a time, so its size does not bound what a phone can import. A
 * re-import updates segments (merchants) by id and keeps the others. Coordinates are
 * converted from the declared system (set_crs) to WGS-84, which the store keeps. After
 * either import every merchant is linked to its nearest street segment. */
G_DECLARE_FINAL_TYPE (XunchaMapImporter, xuncha_map_importer, XUNCHA, MAP_IMPORTER, GObject)

GQuark              xuncha_map_import_error_quark        (void);

XunchaMapImporter  *xuncha_map_importer_new              (XunchaStore          *store);

/* The coordinate system of the files to import (default WGS-84). */
void                xuncha_map_importer_set_crs          (XunchaMapImporter    *self,
                                                          XunchaCrs             crs);

/* Reads @key from the feature property @property instead of the defaults (fit for OSM
 * exports: id from "@id" then "id" then the feature's own id; name from "name"; class
 * from "class"; kind from "highway"; grid_cell from "grid_cell" or "grid"; community from
 * "community"; unit from "unit" or "responsible_unit"). An empty @property leaves the
 * key unset. */
gboolean            xuncha_map_importer_set_mapping      (XunchaMapImporter    *self,
                                                          const char           *key,
                                                          const char           *property,
                                                          GError              **error);
/* The same from "KEY=PROPERTY", as the command line gives it. */
gboolean            xuncha_map_importer_parse_mapping    (XunchaMapImporter    *self,
                                                          const char           *assignment,
                                                          GError              **error);

/* Imports a GeoJSON FeatureCollection of street segments. @name is used in messages. */
gboolean            xuncha_map_importer_import_streets   (XunchaMapImporter    *self,
                                                          const char           *data,
                                                          gsize                 length,
                                                          const char           *name,
                                                          XunchaMapImportStats *stats,
                                                          GError              **error);
gboolean            xuncha_map_importer_import_streets_file (XunchaMapImporter    *self,
                                                             const char           *path,
                                                             XunchaMapImportStats *stats,
                                                             GError              **error);

/* Imports merchants from a GeoJSON FeatureCollection of points (properties id, name,
 * address, contact) or from CSV with the columns id,name,address,contact,lon,lat (a header
 * row naming them may come first, in any order). The format is told by the first
 * character: “{” is GeoJSON. CSV may be UTF-8 or GBK/GB18030 (see xuncha_text_to_utf8());
 * GeoJSON, like all JSON, is UTF-8. */
gboolean            xuncha_map_importer_import_merchants (XunchaMapImporter    *self,
                                                          const char           *data,
                                                          gsize                 length,
                                                          const char           *name,
                                                          XunchaMapImportStats *stats,
                                                          GError              **error);
gboolean            xuncha_map_importer_import_merchants_file (XunchaMapImporter    *self,
                                                               const char           *path,
                                                               XunchaMapImportStats *stats,
                                                               GError              **error);

G_END_DECLS
