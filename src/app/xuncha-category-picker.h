/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_CATEGORY_PICKER (xuncha_category_picker_get_type ())

G_DECLARE_FINAL_TYPE (XunchaCategoryPicker, xuncha_category_picker, XUNCHA, CATEGORY_PICKER,
                      GtkWidget)

/* Large buttons, one per category, grouped by campaign, the officer's recent categories
 * first, then the office's priorities not among them; a search filters by name
 * (Chinese or English), pinyin or code. Setting the taxonomy clears the search and scrolls
 * to the top. Emits "category-chosen". */
XunchaCategoryPicker *xuncha_category_picker_new        (void);
void                  xuncha_category_picker_set_taxonomy (XunchaCategoryPicker *self,
                                                           XunchaTaxonomy       *taxonomy,
                                                           const char * const   *recent_codes);
void                  xuncha_category_picker_set_filter (XunchaCategoryPicker *self,
                                                         const char           *text);
/* The button of a category (for tests and keyboard focus), or NULL. */
GtkWidget            *xuncha_category_picker_get_button (XunchaCategoryPicker *self,
                                                         const char           *code);

G_END_DECLS
