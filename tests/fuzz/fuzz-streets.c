/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GeoJSON street import from bytes in memory, into a store on tmpfs inside a transaction
 * that is rolled back after each input. The input's length picks the declared coordinate
 * system, so the conversions run on fuzzed coordinates too. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-map-importer.h"
#include "xuncha-store-private.h"

/* One importer for the run: it keeps nothing from one import to the next but the
 * coordinate system, which each input sets. */
static XunchaMapImporter *importer;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  importer = xuncha_map_importer_new (xuncha_fuzz_get_store ());
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  XunchaStore *store = xuncha_fuzz_get_store ();
  XunchaMapImportStats stats;
  gboolean ok;

  xuncha_map_importer_set_crs (importer, (XunchaCrs)(size % 3));
  XUNCHA_FUZZ_CHECK (xuncha_store_begin (store, NULL));
  ok = xuncha_map_importer_import_streets (importer, (const char *)data, size, "fuzz.geojson",
                                           &stats, NULL);
  if (ok)
    {
      XUNCHA_FUZZ_CHECK (stats.inserted + stats.updated + stats.skipped == stats.features);
      XUNCHA_FUZZ_CHECK (stats.inserted > 0);
      XUNCHA_FUZZ_CHECK (xuncha_fuzz_count (store, "SELECT count(*) FROM streets")
                         == stats.inserted);
    }
  xuncha_store_rollback (store);
  XUNCHA_FUZZ_CHECK (xuncha_fuzz_count (store, "SELECT count(*) FROM streets") == 0);
  return 0;
}
