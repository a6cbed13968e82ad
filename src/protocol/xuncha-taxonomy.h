/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-category.h"

G_BEGIN_DECLS

#define XUNCHA_TAXONOMY_ERROR (xuncha_taxonomy_error_quark ())

typedef enum
{
  XUNCHA_TAXONOMY_ERROR_INVALID,
} XunchaTaxonomyError;

#define XUNCHA_TYPE_TAXONOMY (xuncha_taxonomy_get_type ())

G_DECLARE_FINAL_TYPE (XunchaTaxonomy, xuncha_taxonomy, XUNCHA, TAXONOMY, GObject)

GQuark              xuncha_taxonomy_error_quark        (void);

/* Parses and validates a taxonomy document (see data/taxonomy.json): unique codes, known
 * campaigns, well-formed fields. */
XunchaTaxonomy     *xuncha_taxonomy_new_from_bytes     (GBytes          *json,
                                                        GError         **error);
/* The taxonomy compiled into the program. */
XunchaTaxonomy     *xuncha_taxonomy_new_bundled        (GError         **error);

gint64              xuncha_taxonomy_get_revision       (XunchaTaxonomy  *self);
/* A GListModel of XunchaCategory in display order. */
GListModel         *xuncha_taxonomy_get_categories     (XunchaTaxonomy  *self);
XunchaCategory     *xuncha_taxonomy_lookup             (XunchaTaxonomy  *self,
                                                        const char      *code);
const char * const *xuncha_taxonomy_get_campaign_ids   (XunchaTaxonomy  *self);
/* The codes the office wants shown first until the officer has recent ones (the document's
 * optional "priority"); empty, never NULL, when it has no order of its own. */
const char * const *xuncha_taxonomy_get_priority       (XunchaTaxonomy  *self);
/* The campaign's name in the user's language, or NULL for an unknown id. */
const char         *xuncha_taxonomy_get_campaign_name  (XunchaTaxonomy  *self,
                                                        const char      *campaign_id);

G_END_DECLS
