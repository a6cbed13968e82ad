/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Merchant import (GeoJSON points or CSV) from bytes in memory, into a store on tmpfs that
 * holds a few streets to link to, inside a transaction rolled back after each input. */
#include "config.h"

#include <string.h>

#include "xuncha-fuzz.h"
#include "xuncha-map-importer.h"
#include "xuncha-store-private.h"

static const char streets[] =
  "{\"type\": \"FeatureCollection\", \"features\": ["
  "{\"type\": \"Feature\", \"properties\": {\"id\": \"s1\", \"name\": \"East Road\"},"
  " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[106.07, 30.79], [106.075, 30.79]]}},"
  "{\"type\": \"Feature\", \"properties\": {\"id\": \"s2\", \"name\": \"North Lane\"},"
  " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[106.072, 30.79], [106.072, 30.795]]}}"
  "]}";

/* One importer for the run: it keeps nothing from one import to the next. */
static XunchaMapImporter *importer;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  importer = xuncha_map_importer_new (xuncha_fuzz_get_store ());
  XUNCHA_FUZZ_CHECK (xuncha_map_importer_import_streets (importer, streets, strlen (streets),
                                                         "streets", NULL, NULL));
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  XunchaStore *store = xuncha_fuzz_get_store ();
  XunchaMapImportStats stats;
  gboolean ok;

  XUNCHA_FUZZ_CHECK (xuncha_store_begin (store, NULL));
  ok = xuncha_map_importer_import_merchants (importer, (const char *)data, size, "fuzz.csv",
                                             &stats, NULL);
  if (ok)
    {
      XUNCHA_FUZZ_CHECK (stats.inserted > 0);
      XUNCHA_FUZZ_CHECK (xuncha_fuzz_count (store, "SELECT count(*) FROM merchants")
                         == stats.inserted);
      XUNCHA_FUZZ_CHECK (stats.linked == stats.inserted);
    }
  xuncha_store_rollback (store);
  XUNCHA_FUZZ_CHECK (xuncha_fuzz_count (store, "SELECT count(*) FROM merchants") == 0);
  return 0;
}
