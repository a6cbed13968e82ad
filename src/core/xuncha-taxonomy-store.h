/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"
#include "xuncha-taxonomy.h"

G_BEGIN_DECLS

/* The taxonomy the store holds. */
XunchaTaxonomy     *xuncha_taxonomy_new_from_store     (XunchaStore     *store,
                                                        GError         **error);

/* Replaces the store's taxonomy in one transaction. Categories that reports still use
 * are kept when a new revision drops them, so no report loses its category. */
gboolean            xuncha_taxonomy_save_to_store      (XunchaTaxonomy  *self,
                                                        XunchaStore     *store,
                                                        GError         **error);

/* Loads the bundled taxonomy when the store has none or an older revision. */
gboolean            xuncha_taxonomy_ensure_loaded      (XunchaStore     *store,
                                                        GError         **error);

/* Category code -> name in the user's language, from the store's taxonomy (the bundled one
 * before any was stored): for lists that show many reports. */
GHashTable         *xuncha_taxonomy_load_names         (XunchaStore     *store);

G_END_DECLS
