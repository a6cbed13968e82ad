/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-category"

#include "config.h"

#include <string.h>

#include "xuncha-category.h"

struct _XunchaCategory
{
  GObject   parent_instance;

  char     *code;
  char     *name_zh;
  char     *name_en;
  char     *pinyin_full;      /* the syllables run together: "niupixuan" */
  char     *pinyin_initials;  /* their first letters: "npx" */
  char     *pinyin;
  GStrv     campaigns;
  char     *legacy_code;
  char     *fields_json;
  gboolean  is_local;
  gboolean  internal;
};

G_DEFINE_TYPE (XunchaCategory, xuncha_category, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
xuncha_category_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XunchaCategory *self = XUNCHA_CATEGORY (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_NAME:
      g_value_set_string (value, xuncha_category_get_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_category_finalize (GObject *object)
{
  XunchaCategory *self = (XunchaCategory *)object;

  g_free (self->code);
  g_free (self->name_zh);
  g_free (self->name_en);
  g_free (self->pinyin);
  g_free (self->pinyin_full);
  g_free (self->pinyin_initials);
  g_strfreev (self->campaigns);
  g_free (self->legacy_code);
  g_free (self->fields_json);

  G_OBJECT_CLASS (xuncha_category_parent_class)->finalize (object);
}

static void
xuncha_category_class_init (XunchaCategoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_category_finalize;
  object_class->get_property = xuncha_category_get_property;

  /* Read-only properties, so list widgets can bind to them. */
  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xuncha_category_init (XunchaCategory *self)
{
}

XunchaCategory *
xuncha_category_new (const char         *code,
                     const char         *name_zh,
                     const char         *name_en,
                     const char         *pinyin,
                     const char * const *campaigns,
                     const char         *legacy_code,
                     gboolean            is_local,
                     gboolean            internal,
                     const char         *fields_json)
{
  XunchaCategory *self;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);
  g_return_val_if_fail (campaigns != NULL && campaigns[0] != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_CATEGORY, NULL);
  self->code = g_strdup (code);
  self->name_zh = g_strdup (name_zh);
  self->name_en = g_strdup (name_en);
  if (pinyin != NULL && *pinyin != '\0')
    {
      g_auto(GStrv) syllables = g_strsplit (pinyin, " ", -1);
      GString *full = g_string_new (NULL);
      GString *initials = g_string_new (NULL);

      for (guint i = 0; syllables[i] != NULL; i++)
        if (*syllables[i] != '\0')
          {
            g_string_append (full, syllables[i]);
            g_string_append_c (initials, syllables[i][0]);
          }
      self->pinyin = g_strdup (pinyin);
      self->pinyin_full = g_string_free (full, FALSE);
      self->pinyin_initials = g_string_free (initials, FALSE);
    }
  self->campaigns = g_strdupv ((char **)campaigns);
  self->legacy_code = legacy_code != NULL && *legacy_code != '\0' ? g_strdup (legacy_code) : NULL;
  self->is_local = !!is_local;
  self->internal = !!internal;
  self->fields_json = g_strdup (fields_json != NULL ? fields_json : "[]");
  return self;
}

const char *
xuncha_category_get_code (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->code;
}

const char *
xuncha_category_get_name_zh (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->name_zh;
}

const char *
xuncha_category_get_name_en (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->name_en;
}

gboolean
xuncha_locale_prefers_chinese (void)
{
  const char * const *languages = g_get_language_names ();

  /* The first entry is the most specific one the user asked for. */
  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

const char *
xuncha_category_get_name (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return xuncha_locale_prefers_chinese () ? self->name_zh : self->name_en;
}

const char *
xuncha_category_get_campaign (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->campaigns[0];
}

const char * const *
xuncha_category_get_campaigns (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return (const char * const *)self->campaigns;
}

const char *
xuncha_category_get_legacy_code (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->legacy_code;
}

gboolean
xuncha_category_get_is_local (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), FALSE);
  return self->is_local;
}

gboolean
xuncha_category_get_internal (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), FALSE);
  return self->internal;
}

const char *
xuncha_category_get_fields_json (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->fields_json;
}

const char *
xuncha_category_get_pinyin (XunchaCategory *self)
{
  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), NULL);
  return self->pinyin;
}

static gboolean
is_latin_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

gboolean
xuncha_category_matches (XunchaCategory *self,
                         const char     *needle)
{
  g_autofree char *en = NULL;

  g_return_val_if_fail (XUNCHA_IS_CATEGORY (self), FALSE);

  if (needle == NULL || *needle == '\0')
    return TRUE;
  en = g_utf8_casefold (self->name_en, -1);
  if (strstr (self->name_zh, needle) != NULL || strstr (en, needle) != NULL
      || g_str_has_prefix (self->code, needle)
      || (self->legacy_code != NULL && g_str_has_prefix (self->legacy_code, needle)))
    return TRUE;
  /* Officers type Chinese with a pinyin keyboard: the letters they would type for the
   * name find it before the keyboard turns them into characters. */
  return self->pinyin != NULL && is_latin_word (needle)
         && (strstr (self->pinyin_full, needle) != NULL
             || strstr (self->pinyin_initials, needle) != NULL);
}
