/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The taxonomy document (bundled, and later sent by the office): a document that parses
 * has unique, findable codes and campaign names for its campaigns. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-taxonomy.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  const char * const *campaigns;
  GListModel *categories;
  guint n;

  taxonomy = xuncha_taxonomy_new_from_bytes (bytes, NULL);
  if (taxonomy == NULL)
    return 0;

  categories = xuncha_taxonomy_get_categories (taxonomy);
  n = g_list_model_get_n_items (categories);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
      const char *code = xuncha_category_get_code (category);

      XUNCHA_FUZZ_CHECK (code != NULL);
      XUNCHA_FUZZ_CHECK (xuncha_taxonomy_lookup (taxonomy, code) == category);
    }
  campaigns = xuncha_taxonomy_get_campaign_ids (taxonomy);
  for (guint i = 0; campaigns != NULL && campaigns[i] != NULL; i++)
    XUNCHA_FUZZ_CHECK (xuncha_taxonomy_get_campaign_name (taxonomy, campaigns[i]) != NULL);
  return 0;
}
