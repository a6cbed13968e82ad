/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"
#include "xuncha-street-map.h"

G_BEGIN_DECLS

/* The street map and the device store: the map from the streets table, and the officer's
 * assigned segments (the assignments table). */

/* A map of every segment in the store's streets table. */
XunchaStreetMap     *xuncha_street_map_new_from_store   (XunchaStore        *store,
                                                         GError            **error);

/* The officer's assigned segments (the store's assignments table), sorted,
 * NULL-terminated; an empty list when none. */
GStrv                xuncha_street_map_load_assignments (XunchaStore        *store,
                                                         GError            **error);
/* Replaces the assigned segments in one transaction. Every id must be a segment in the
 * store, else nothing changes and @error says which id is unknown. */
gboolean             xuncha_street_map_save_assignments (XunchaStore        *store,
                                                         const char * const *ids,
                                                         GError            **error);

G_END_DECLS
