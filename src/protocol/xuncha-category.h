/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XUNCHA_TYPE_CATEGORY (xuncha_category_get_type ())

G_DECLARE_FINAL_TYPE (XunchaCategory, xuncha_category, XUNCHA, CATEGORY, GObject)

/* A violation category of the taxonomy. Immutable once made. @pinyin is the Chinese name's
 * syllables in lower case without tones, separated by spaces, or NULL; @campaigns is the
 * list of campaign ids, the first being the main one; @fields_json the category's extra
 * fields as a JSON array. */
XunchaCategory     *xuncha_category_new             (const char          *code,
                                                     const char          *name_zh,
                                                     const char          *name_en,
                                                     const char          *pinyin,
                                                     const char * const  *campaigns,
                                                     const char          *legacy_code,
                                                     gboolean             is_local,
                                                     gboolean             internal,
                                                     const char          *fields_json);

const char         *xuncha_category_get_code        (XunchaCategory *self);
const char         *xuncha_category_get_name_zh     (XunchaCategory *self);
const char         *xuncha_category_get_name_en     (XunchaCategory *self);
/* The name in the language of the current locale (zh for any Chinese locale). */
const char         *xuncha_category_get_name        (XunchaCategory *self);
const char         *xuncha_category_get_campaign    (XunchaCategory *self);
const char * const *xuncha_category_get_campaigns   (XunchaCategory *self);
const char         *xuncha_category_get_legacy_code (XunchaCategory *self);
gboolean            xuncha_category_get_is_local    (XunchaCategory *self);
gboolean            xuncha_category_get_internal    (XunchaCategory *self);
const char         *xuncha_category_get_fields_json (XunchaCategory *self);
/* The Chinese name's syllables ("niu pi xuan"), or NULL when the taxonomy gives none. */
const char         *xuncha_category_get_pinyin      (XunchaCategory *self);
/* TRUE when @needle (already case-folded, or NULL or empty: everything matches) is part of
 * either name, the start of the code or the legacy code, or, in lower-case letters, part of
 * the full pinyin ("niupixuan") or of its initials ("npx"). */
gboolean            xuncha_category_matches         (XunchaCategory *self,
                                                     const char     *needle);

/* TRUE when the user's locale asks for Chinese names. */
gboolean            xuncha_locale_prefers_chinese   (void);

G_END_DECLS
