/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-taxonomy.h"

G_BEGIN_DECLS

/* For the device's stored copy (xuncha-taxonomy-store.c in the core), which keeps a
 * taxonomy as rows and two meta values: the JSON stays here, the SQL there. */

/* A taxonomy with no categories yet, from a stored revision and campaign list. */
XunchaTaxonomy *xuncha_taxonomy_new_stored           (gint64           revision,
                                                      const char      *campaigns_json,
                                                      GError         **error);
/* Appends a category read back from a row; @campaigns_json is the row's list of campaign
 * ids, and a category left with none is filed under "other". */
void            xuncha_taxonomy_add_stored_category  (XunchaTaxonomy  *self,
                                                      const char      *code,
                                                      const char      *name_zh,
                                                      const char      *name_en,
                                                      const char      *pinyin,
                                                      const char      *campaigns_json,
                                                      const char      *legacy_code,
                                                      gboolean         is_local,
                                                      gboolean         internal,
                                                      const char      *fields_json);
/* The campaign list as the store keeps it. */
const char     *xuncha_taxonomy_get_campaigns_json   (XunchaTaxonomy  *self);
/* The priority codes as the store keeps them (a JSON list), and back: after the stored
 * categories are added, as only their codes are taken. */
char           *xuncha_taxonomy_get_priority_json    (XunchaTaxonomy  *self);
void            xuncha_taxonomy_set_stored_priority  (XunchaTaxonomy  *self,
                                                      const char      *priority_json);

G_END_DECLS
