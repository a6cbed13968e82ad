/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-protocol"

#include "config.h"

#include <math.h>
#include <string.h>

#include "xuncha-evidence-key.h"
#include "xuncha-json-private.h"
#include "xuncha-protocol-private.h"

G_DEFINE_QUARK (xuncha-protocol-error-quark, xuncha_protocol_error)

static gboolean
set_error_va (GError             **error,
              XunchaProtocolError  code,
              const char          *format,
              va_list              args) G_GNUC_PRINTF (3, 0);

static gboolean
set_error_va (GError             **error,
              XunchaProtocolError  code,
              const char          *format,
              va_list              args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error_literal (error, XUNCHA_PROTOCOL_ERROR, code, message);
  return FALSE;
}

gboolean
xuncha_protocol_invalid (GError     **error,
                         const char  *format,
                         ...)
{
  va_list args;

  va_start (args, format);
  set_error_va (error, XUNCHA_PROTOCOL_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

gboolean
xuncha_protocol_refuse (GError     **error,
                        const char  *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  set_error_va (error, XUNCHA_PROTOCOL_ERROR_VALUE, format, args);
  va_end (args);
  return FALSE;
}

gboolean
xuncha_protocol_check_length (const char  *text,
                              const char  *path,
                              guint        max_chars,
                              GError     **error)
{
  /* Bytes first: a long string is refused without counting all of it. */
  gsize bytes = strnlen (text, (gsize)max_chars * 4 + 1);

  if (bytes > max_chars && (bytes > (gsize)max_chars * 4
                            || g_utf8_strlen (text, (gssize)bytes) > max_chars))
    return xuncha_protocol_refuse (error, "%s: longer than %u characters", path, max_chars);
  return TRUE;
}

static gboolean
is_lower_hex (const char *text,
              gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

gboolean
xuncha_protocol_is_sha256 (const char *text)
{
  return text != NULL && strlen (text) == 64 && is_lower_hex (text, 64);
}

gboolean
xuncha_protocol_is_uuid (const char *text)
{
  static const guint groups[] = { 8, 4, 4, 4, 12 };
  const char *p = text;

  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      if (!is_lower_hex (p, groups[g]))
        return FALSE;
      p += groups[g];
      if (g + 1 < G_N_ELEMENTS (groups) && *p++ != '-')
        return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_protocol_is_category_code (const char *text)
{
  gsize n = 0;

  if (text == NULL)
    return FALSE;
  for (; text[n] != '\0'; n++)
    if (n >= 16 || !(g_ascii_isalnum (text[n]) || strchr ("-_.", text[n]) != NULL))
      return FALSE;
  return n > 0;
}

gboolean
xuncha_protocol_is_time (const char *text)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autofree char *midnight = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  utc = g_time_zone_new_utc ();
  time = g_date_time_new_from_iso8601 (text, utc);
  if (time != NULL)
    return TRUE;
  /* A plain date (a rectification deadline). */
  if (strlen (text) != 10)
    return FALSE;
  midnight = g_strconcat (text, "T00:00:00Z", NULL);
  time = g_date_time_new_from_iso8601 (midnight, utc);
  return time != NULL;
}

/* json-glib reads a number too large for a double (1e999) as infinity, and writes it back
 * as "inf.0", which is not JSON: a report kept with one in its free-form fields could
 * never be sent on. Such a number is refused wherever it is. */
static gboolean
all_numbers_finite (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (!all_numbers_finite (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!all_numbers_finite (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_DOUBLE
             || isfinite (json_node_get_double (node));
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
xuncha_protocol_parse (const char  *data,
                       gssize       length,
                       const char  *what,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL)
    {
      xuncha_protocol_invalid (error, "%s: empty body", what);
      return NULL;
    }
  if (length < 0)
    length = (gssize)strlen (data);
  if (!g_utf8_validate (data, length, NULL))
    {
      xuncha_protocol_invalid (error, "%s: not UTF-8 text", what);
      return NULL;
    }
  /* What json-glib would misread or not survive (several values, comments, octal escapes,
   * \u0000, half a surrogate pair, deep nesting, a name twice) is refused before it sees
   * it. A repeated name, a NUL and half a surrogate pair are well-formed JSON that the
   * office cannot take as written (422); the rest is malformed (400). */
  if (!xuncha_json_check (data, (gsize)length, NULL, &local_error))
    {
      gboolean unacceptable = local_error->code == XUNCHA_JSON_ERROR_DUPLICATE
                              || local_error->code == XUNCHA_JSON_ERROR_NUL
                              || local_error->code == XUNCHA_JSON_ERROR_SURROGATE;

      g_set_error (error, XUNCHA_PROTOCOL_ERROR,
                   unacceptable ? XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE
                                : XUNCHA_PROTOCOL_ERROR_INVALID,
                   "%s: %s", what, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      xuncha_protocol_invalid (error, "%s: not JSON (%s)", what, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      xuncha_protocol_invalid (error, "%s: expected a JSON object", what);
      return NULL;
    }
  if (!all_numbers_finite (root))
    {
      xuncha_protocol_invalid (error, "%s: a number too large for a double", what);
      return NULL;
    }
  return json_node_ref (root);
}

/* Strings are escaped byte for byte as json-glib 1.6's generator does (U+001F is written as
 * it is; json-glib reads it back), so the content hash of every report already held stays
 * what it was. */
static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char)*p);
        }
      else if (*p < 0x1f || *p == 0x7f)
        {
          switch (*p)
            {
            case '\b':
              g_string_append (out, "\\b");
              break;
            case '\f':
              g_string_append (out, "\\f");
              break;
            case '\n':
              g_string_append (out, "\\n");
              break;
            case '\r':
              g_string_append (out, "\\r");
              break;
            case '\t':
              g_string_append (out, "\\t");
              break;
            default:
              g_string_append_printf (out, "\\u00%02x", (guint)*p);
              break;
            }
        }
      else
        g_string_append_c (out, (char)*p);
    }
  g_string_append_c (out, '"');
}

static void
write_node (GString  *out,
            JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) names = json_object_get_members (json_node_get_object (node));

        g_string_append_c (out, '{');
        for (GList *l = names; l != NULL; l = l->next)
          {
            write_string (out, l->data);
            g_string_append_c (out, ':');
            write_node (out, json_object_get_member (json_node_get_object (node), l->data));
            if (l->next != NULL)
              g_string_append_c (out, ',');
          }
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer,
                                                  json_node_get_double (node)));
            /* A double stays a double when read back, so it keeps a point; but not after an
             * exponent: json-glib 1.6 writes 1e95 as "1e+95.0", which is not JSON, and a
             * report that decoded could not be sent on. */
            if (strpbrk (buffer, ".eE") == NULL)
              g_string_append (out, ".0");
            break;
          }
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/* The canonical text is written here rather than by json-glib's generator, whose 1.6
 * number format is not always JSON (see write_node). Apart from that number format, the
 * bytes are the generator's. */
char *
xuncha_protocol_to_string (JsonNode *node)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  write_node (out, node);
  return g_string_free (out, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

JsonNode *
xuncha_protocol_sorted_copy (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(JsonObject) copy = json_object_new ();
      g_autoptr(GList) names = json_object_get_members (object);
      g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
      JsonNode *result;

      for (GList *l = names; l != NULL; l = l->next)
        g_ptr_array_add (sorted, l->data);
      g_ptr_array_sort (sorted, compare_names);
      for (guint i = 0; i < sorted->len; i++)
        json_object_set_member (copy, sorted->pdata[i],
                                xuncha_protocol_sorted_copy (
                                  json_object_get_member (object, sorted->pdata[i])));
      result = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (result, copy);
      return result;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));
      JsonNode *result;

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy,
                                xuncha_protocol_sorted_copy (json_array_get_element (array, i)));
      result = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (result, copy);
      return result;
    }
  return json_node_copy (node);
}

char *
xuncha_protocol_sha256_hex (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* Strict readers. */

gboolean
xuncha_protocol_check_members (JsonObject          *object,
                               const char          *path,
                               const char * const  *allowed,
                               GError             **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return xuncha_protocol_invalid (error, "%s.%s: unknown member", path,
                                      (const char *)l->data);
  return TRUE;
}

JsonObject *
xuncha_protocol_as_object (JsonNode    *node,
                           const char  *path,
                           GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      xuncha_protocol_invalid (error, "%s: expected an object", path);
      return NULL;
    }
  return json_node_get_object (node);
}

/* Returns the member, NULL when absent or null; fails for a required one. */
static gboolean
lookup (JsonObject  *object,
        const char  *path,
        const char  *name,
        gboolean     required,
        JsonNode   **out,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      if (required)
        return xuncha_protocol_invalid (error, "%s.%s: required", path, name);
      return TRUE;
    }
  *out = node;
  return TRUE;
}

gboolean
xuncha_protocol_get_string (JsonObject   *object,
                            const char   *path,
                            const char   *name,
                            gboolean      required,
                            guint         max_chars,
                            const char  **out,
                            GError      **error)
{
  g_autofree char *member = NULL;
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return xuncha_protocol_invalid (error, "%s.%s: expected a string", path, name);
  if (required && *json_node_get_string (node) == '\0')
    return xuncha_protocol_invalid (error, "%s.%s: must not be empty", path, name);
  member = g_strconcat (path, ".", name, NULL);
  if (!xuncha_protocol_check_length (json_node_get_string (node), member, max_chars, error))
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
xuncha_protocol_get_double (JsonObject  *object,
                            const char  *path,
                            const char  *name,
                            gboolean     required,
                            double       min,
                            double       max,
                            double      *out,
                            GError     **error)
{
  JsonNode *node;
  GType type;
  double value;

  *out = NAN;
  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    value = (double)json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    return xuncha_protocol_invalid (error, "%s.%s: expected a number", path, name);
  if (!isfinite (value))
    return xuncha_protocol_invalid (error, "%s.%s: expected a finite number", path, name);
  if (!(value >= min && value <= max))
    return xuncha_protocol_refuse (error, "%s.%s: %g is outside %g…%g", path, name, value,
                                   min, max);
  *out = value;
  return TRUE;
}

gboolean
xuncha_protocol_get_int (JsonObject  *object,
                         const char  *path,
                         const char  *name,
                         gboolean     required,
                         gint64       min,
                         gint64       max,
                         gint64      *out,
                         GError     **error)
{
  JsonNode *node;
  gint64 value;

  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return xuncha_protocol_invalid (error, "%s.%s: expected an integer", path, name);
  value = json_node_get_int (node);
  if (value < min || value > max)
    return xuncha_protocol_refuse (error, "%s.%s: %" G_GINT64_FORMAT " is outside %"
                                   G_GINT64_FORMAT "…%" G_GINT64_FORMAT, path, name, value,
                                   min, max);
  *out = value;
  return TRUE;
}

gboolean
xuncha_protocol_get_bool (JsonObject  *object,
                          const char  *path,
                          const char  *name,
                          gboolean     required,
                          gboolean    *out,
                          GError     **error)
{
  JsonNode *node;

  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return xuncha_protocol_invalid (error, "%s.%s: expected true or false", path, name);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
xuncha_protocol_get_object (JsonObject   *object,
                            const char   *path,
                            const char   *name,
                            gboolean      required,
                            JsonObject  **out,
                            GError      **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return xuncha_protocol_invalid (error, "%s.%s: expected an object", path, name);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
xuncha_protocol_get_array (JsonObject  *object,
                           const char  *path,
                           const char  *name,
                           gboolean     required,
                           JsonArray  **out,
                           GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, path, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return xuncha_protocol_invalid (error, "%s.%s: expected an array", path, name);
  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
xuncha_protocol_get_strv (JsonObject  *object,
                          const char  *path,
                          const char  *name,
                          gboolean     required,
                          guint        max_chars,
                          GStrv       *out,
                          GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *out = NULL;
  if (!xuncha_protocol_get_array (object, path, name, required, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return xuncha_protocol_invalid (error, "%s.%s[%u]: expected a string", path, name, i);
      if (strnlen (json_node_get_string (node), max_chars + 1) > max_chars)
        {
          g_autofree char *item = g_strdup_printf ("%s.%s[%u]", path, name, i);

          if (!xuncha_protocol_check_length (json_node_get_string (node), item, max_chars,
                                             error))
            return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

void
xuncha_protocol_add_string (JsonBuilder *builder,
                            const char  *name,
                            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
xuncha_protocol_add_double (JsonBuilder *builder,
                            const char  *name,
                            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
xuncha_protocol_add_int (JsonBuilder *builder,
                         const char  *name,
                         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

/* Error bodies. */

char *
xuncha_protocol_encode_error (const char          *code,
                              const char          *message,
                              const char * const  *missing)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (code != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "code", code);
  xuncha_protocol_add_string (builder, "message", message != NULL ? message : code);
  if (missing != NULL)
    {
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint i = 0; missing[i] != NULL; i++)
        json_builder_add_string_value (builder, missing[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_protocol_decode_error (const char  *data,
                              gssize       length,
                              char       **code,
                              char       **message,
                              GStrv       *missing)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "error", NULL);
  JsonObject *error_object;
  const char *c = NULL, *m = NULL;

  if (root == NULL
      || !xuncha_protocol_get_object (json_node_get_object (root), "answer", "error", TRUE,
                                      &error_object, NULL)
      || !xuncha_protocol_get_string (error_object, "error", "code", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                      &c, NULL)
      || !xuncha_protocol_get_string (error_object, "error", "message", FALSE,
                                      XUNCHA_PROTOCOL_TEXT_MAX, &m, NULL))
    return FALSE;
  *code = g_strdup (c);
  *message = g_strdup (m != NULL ? m : c);
  if (missing != NULL
      && !xuncha_protocol_get_strv (error_object, "error", "missing", FALSE,
                                    XUNCHA_PROTOCOL_ID_MAX, missing, NULL))
    *missing = NULL;
  return TRUE;
}

/* Enrollment. */

char *
xuncha_protocol_encode_enroll_keys (const char *officer_id,
                                    const char *code,
                                    const char *device_name,
                                    const char *sm2_public,
                                    const char *ed25519_public)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "officer_id", officer_id);
  xuncha_protocol_add_string (builder, "code", code);
  xuncha_protocol_add_string (builder, "device_name", device_name);
  if (sm2_public != NULL && ed25519_public != NULL)
    {
      json_builder_set_member_name (builder, "device_keys");
      json_builder_begin_object (builder);
      xuncha_protocol_add_string (builder, XUNCHA_EVIDENCE_ALGORITHM_SM2, sm2_public);
      xuncha_protocol_add_string (builder, XUNCHA_EVIDENCE_ALGORITHM_ED25519, ed25519_public);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
xuncha_protocol_encode_enroll (const char *officer_id,
                               const char *code,
                               const char *device_name)
{
  return xuncha_protocol_encode_enroll_keys (officer_id, code, device_name, NULL, NULL);
}

/* A public key of @algorithm, in its one accepted text. */
static gboolean
get_public_key (JsonObject   *object,
                const char   *algorithm,
                char        **out,
                GError      **error)
{
  g_autofree char *path = g_strdup_printf ("enroll.device_keys.%s", algorithm);
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(GError) key_error = NULL;
  const char *text;

  /* A key is a few hundred characters of base64; the ID limit is far too short. */
  if (!xuncha_protocol_get_string (object, "enroll.device_keys", algorithm, TRUE, 1024, &text,
                                   error))
    return FALSE;
  key = xuncha_evidence_key_new_from_public (text, &key_error);
  if (key == NULL)
    return xuncha_protocol_refuse (error, "%s: %s", path, key_error->message);
  if (!g_str_equal (xuncha_evidence_key_get_algorithm (key), algorithm))
    return xuncha_protocol_refuse (error, "%s: a %s key", path,
                                   xuncha_evidence_key_get_algorithm (key));
  *out = g_strdup (text);
  return TRUE;
}

gboolean
xuncha_protocol_decode_enroll_keys (const char  *data,
                                    gssize       length,
                                    char       **officer_id,
                                    char       **code,
                                    char       **device_name,
                                    char       **sm2_public,
                                    char       **ed25519_public,
                                    GError     **error)
{
  static const char * const members[] = {
    "officer_id", "code", "device_name", "device_keys", NULL
  };
  static const char * const members_before_keys[] = {
    "officer_id", "code", "device_name", NULL
  };
  static const char * const key_members[] = {
    XUNCHA_EVIDENCE_ALGORITHM_SM2, XUNCHA_EVIDENCE_ALGORITHM_ED25519, NULL
  };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "enroll", error);
  g_autofree char *sm2 = NULL;
  g_autofree char *ed25519 = NULL;
  JsonObject *object, *keys = NULL;
  const char *o, *c, *d;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  /* Without somewhere to put the keys, the member is unknown, as to an office of before. */
  if (!xuncha_protocol_check_members (object, "enroll",
                                      sm2_public != NULL ? members : members_before_keys, error)
      || !xuncha_protocol_get_string (object, "enroll", "officer_id", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                   &o, error)
      || !xuncha_protocol_get_string (object, "enroll", "code", TRUE, XUNCHA_PROTOCOL_ID_MAX, &c,
                                      error)
      || !xuncha_protocol_get_string (object, "enroll", "device_name", FALSE,
                                      XUNCHA_PROTOCOL_NAME_MAX, &d, error)
      || !xuncha_protocol_get_object (object, "enroll", "device_keys", FALSE, &keys, error))
    return FALSE;
  if (keys != NULL
      && (!xuncha_protocol_check_members (keys, "enroll.device_keys", key_members, error)
          || !get_public_key (keys, XUNCHA_EVIDENCE_ALGORITHM_SM2, &sm2, error)
          || !get_public_key (keys, XUNCHA_EVIDENCE_ALGORITHM_ED25519, &ed25519, error)))
    return FALSE;
  *officer_id = g_strdup (o);
  *code = g_strdup (c);
  *device_name = g_strdup (d);
  if (sm2_public != NULL)
    {
      *sm2_public = g_steal_pointer (&sm2);
      *ed25519_public = g_steal_pointer (&ed25519);
    }
  return TRUE;
}

gboolean
xuncha_protocol_decode_enroll (const char  *data,
                               gssize       length,
                               char       **officer_id,
                               char       **code,
                               char       **device_name,
                               GError     **error)
{
  return xuncha_protocol_decode_enroll_keys (data, length, officer_id, code, device_name, NULL,
                                             NULL, error);
}

void
xuncha_wire_officer_clear (XunchaWireOfficer *officer)
{
  g_clear_pointer (&officer->id, g_free);
  g_clear_pointer (&officer->name, g_free);
  g_clear_pointer (&officer->team, g_free);
  officer->leader = FALSE;
}

JsonNode *
xuncha_wire_officer_to_json (const XunchaWireOfficer *officer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "id", officer->id);
  xuncha_protocol_add_string (builder, "name", officer->name);
  xuncha_protocol_add_string (builder, "team", officer->team);
  json_builder_set_member_name (builder, "leader");
  json_builder_add_boolean_value (builder, officer->leader);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
officer_from_json (JsonObject         *object,
                   XunchaWireOfficer  *officer,
                   GError            **error)
{
  static const char * const members[] = { "id", "name", "team", "leader", NULL };
  const char *id, *name, *team;
  gboolean leader = FALSE;

  if (!xuncha_protocol_check_members (object, "officer", members, error)
      || !xuncha_protocol_get_string (object, "officer", "id", TRUE, XUNCHA_PROTOCOL_ID_MAX, &id,
                                      error)
      || !xuncha_protocol_get_string (object, "officer", "name", TRUE, XUNCHA_PROTOCOL_NAME_MAX,
                                      &name, error)
      || !xuncha_protocol_get_string (object, "officer", "team", FALSE, XUNCHA_PROTOCOL_NAME_MAX,
                                      &team, error)
      || !xuncha_protocol_get_bool (object, "officer", "leader", FALSE, &leader, error))
    return FALSE;
  officer->id = g_strdup (id);
  officer->name = g_strdup (name);
  officer->team = g_strdup (team);
  officer->leader = leader;
  return TRUE;
}

char *
xuncha_protocol_encode_enrolled_signature (const char              *token,
                                           const XunchaWireOfficer *officer,
                                           const char              *signature)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "token", token);
  json_builder_set_member_name (builder, "officer");
  json_builder_add_value (builder, xuncha_wire_officer_to_json (officer));
  if (signature != NULL)
    xuncha_protocol_add_string (builder, "signature", signature);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
xuncha_protocol_encode_enrolled (const char              *token,
                                 const XunchaWireOfficer *officer)
{
  return xuncha_protocol_encode_enrolled_signature (token, officer, NULL);
}

gboolean
xuncha_protocol_decode_enrolled_signature (const char         *data,
                                           gssize              length,
                                           char              **token,
                                           XunchaWireOfficer  *officer,
                                           char              **signature,
                                           GError            **error)
{
  static const char * const members[] = { "token", "officer", "signature", NULL };
  static const char * const members_before_keys[] = { "token", "officer", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "enrolled", error);
  JsonObject *object, *officer_object;
  const char *t, *s = NULL;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "enrolled",
                                      signature != NULL ? members : members_before_keys, error)
      || !xuncha_protocol_get_string (object, "enrolled", "token", TRUE, XUNCHA_PROTOCOL_TOKEN_MAX,
                                      &t, error)
      || (signature != NULL
          && !xuncha_protocol_get_string (object, "enrolled", "signature", FALSE,
                                          XUNCHA_PROTOCOL_ID_MAX, &s, error))
      || !xuncha_protocol_get_object (object, "enrolled", "officer", TRUE, &officer_object,
                                      error))
    return FALSE;
  if (s != NULL && !xuncha_evidence_algorithm_is_valid (s))
    return xuncha_protocol_refuse (error, "enrolled.signature: neither %s nor %s",
                                   XUNCHA_EVIDENCE_ALGORITHM_SM2,
                                   XUNCHA_EVIDENCE_ALGORITHM_ED25519);
  if (!officer_from_json (officer_object, officer, error))
    return FALSE;
  *token = g_strdup (t);
  if (signature != NULL)
    *signature = g_strdup (s);
  return TRUE;
}

gboolean
xuncha_protocol_decode_enrolled (const char         *data,
                                 gssize              length,
                                 char              **token,
                                 XunchaWireOfficer  *officer,
                                 GError            **error)
{
  return xuncha_protocol_decode_enrolled_signature (data, length, token, officer, NULL, error);
}

char *
xuncha_protocol_encode_me (const XunchaWireOfficer *officer,
                           const char * const      *assigned_streets,
                           const char              *server_time,
                           gint64                   photo_max_bytes,
                           gint64                   body_max_bytes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "officer");
  json_builder_add_value (builder, xuncha_wire_officer_to_json (officer));
  json_builder_set_member_name (builder, "assigned_streets");
  json_builder_begin_array (builder);
  for (guint i = 0; assigned_streets != NULL && assigned_streets[i] != NULL; i++)
    json_builder_add_string_value (builder, assigned_streets[i]);
  json_builder_end_array (builder);
  xuncha_protocol_add_string (builder, "server_time", server_time);
  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  xuncha_protocol_add_int (builder, "photo_max_bytes", photo_max_bytes);
  xuncha_protocol_add_int (builder, "body_max_bytes", body_max_bytes);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_protocol_decode_me (const char         *data,
                           gssize              length,
                           XunchaWireOfficer  *officer,
                           GStrv              *assigned_streets,
                           char              **server_time,
                           gint64             *photo_max_bytes,
                           gint64             *body_max_bytes,
                           GError            **error)
{
  static const char * const members[] = {
    "officer", "assigned_streets", "server_time", "limits", NULL
  };
  static const char * const limit_members[] = { "photo_max_bytes", "body_max_bytes", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "me", error);
  JsonObject *object, *officer_object, *limits;
  const char *time;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  *photo_max_bytes = XUNCHA_PROTOCOL_PHOTO_MAX_BYTES;
  *body_max_bytes = XUNCHA_PROTOCOL_BODY_MAX_BYTES;
  if (!xuncha_protocol_check_members (object, "me", members, error)
      || !xuncha_protocol_get_object (object, "me", "officer", TRUE, &officer_object, error)
      || !xuncha_protocol_get_strv (object, "me", "assigned_streets", TRUE, XUNCHA_PROTOCOL_ID_MAX,
                                    assigned_streets,
                                    error)
      || !xuncha_protocol_get_string (object, "me", "server_time", TRUE, XUNCHA_PROTOCOL_TIME_MAX,
                                      &time, error)
      || !xuncha_protocol_get_object (object, "me", "limits", TRUE, &limits, error)
      || !xuncha_protocol_check_members (limits, "me.limits", limit_members, error)
      || !xuncha_protocol_get_int (limits, "me.limits", "photo_max_bytes", TRUE, 1,
                                   XUNCHA_PROTOCOL_COUNT_MAX,
                                   photo_max_bytes, error)
      || !xuncha_protocol_get_int (limits, "me.limits", "body_max_bytes", TRUE, 1,
                                   XUNCHA_PROTOCOL_COUNT_MAX,
                                   body_max_bytes, error)
      || !officer_from_json (officer_object, officer, error))
    {
      g_clear_pointer (assigned_streets, g_strfreev);
      return FALSE;
    }
  *server_time = g_strdup (time);
  return TRUE;
}

char *
xuncha_protocol_encode_generation (const char *generation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (generation != NULL, NULL);

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "office_generation", generation);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_protocol_decode_generation (const char  *data,
                                   gssize       length,
                                   char       **generation,
                                   GError     **error)
{
  static const char * const members[] = { "office_generation", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "generation", error);
  JsonObject *object;
  const char *value;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "generation", members, error)
      || !xuncha_protocol_get_string (object, "generation", "office_generation", TRUE,
                                      XUNCHA_PROTOCOL_ID_MAX, &value, error))
    return FALSE;
  if (*value == '\0')
    return xuncha_protocol_refuse (error, "generation.office_generation: empty");
  *generation = g_strdup (value);
  return TRUE;
}

/* Receipts and photo acknowledgements. */

char *
xuncha_protocol_encode_receipt (const char *id,
                                const char *received_at,
                                const char *content_sha256)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "receipt");
  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "id", id);
  xuncha_protocol_add_string (builder, "received_at", received_at);
  xuncha_protocol_add_string (builder, "content_sha256", content_sha256);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_protocol_decode_receipt (const char  *data,
                                gssize       length,
                                char       **id,
                                char       **received_at,
                                char       **content_sha256,
                                GError     **error)
{
  static const char * const members[] = { "receipt", NULL };
  static const char * const receipt_members[] = {
    "id", "received_at", "content_sha256", NULL
  };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "receipt", error);
  JsonObject *object, *receipt;
  const char *i, *r, *c;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "answer", members, error)
      || !xuncha_protocol_get_object (object, "answer", "receipt", TRUE, &receipt, error)
      || !xuncha_protocol_check_members (receipt, "receipt", receipt_members, error)
      || !xuncha_protocol_get_string (receipt, "receipt", "id", TRUE, XUNCHA_PROTOCOL_ID_MAX, &i,
                                      error)
      || !xuncha_protocol_get_string (receipt, "receipt", "received_at", TRUE,
                                      XUNCHA_PROTOCOL_TIME_MAX, &r, error)
      || !xuncha_protocol_get_string (receipt, "receipt", "content_sha256", TRUE,
                                      XUNCHA_PROTOCOL_ID_MAX, &c, error))
    return FALSE;
  if (!xuncha_protocol_is_sha256 (c))
    return xuncha_protocol_invalid (error, "receipt.content_sha256: not a SHA-256");
  *id = g_strdup (i);
  *received_at = g_strdup (r);
  *content_sha256 = g_strdup (c);
  return TRUE;
}

char *
xuncha_protocol_encode_photo_ack (const char *sha256,
                                  gint64      bytes,
                                  const char *received_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  xuncha_protocol_add_string (builder, "sha256", sha256);
  xuncha_protocol_add_int (builder, "bytes", bytes);
  xuncha_protocol_add_string (builder, "received_at", received_at);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

gboolean
xuncha_protocol_decode_photo_ack (const char  *data,
                                  gssize       length,
                                  char       **sha256,
                                  gint64      *bytes,
                                  char       **received_at,
                                  GError     **error)
{
  static const char * const members[] = { "sha256", "bytes", "received_at", NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, "photo answer", error);
  JsonObject *object;
  const char *s, *r;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, "photo", members, error)
      || !xuncha_protocol_get_string (object, "photo", "sha256", TRUE, XUNCHA_PROTOCOL_ID_MAX, &s,
                                      error)
      || !xuncha_protocol_get_int (object, "photo", "bytes", TRUE, 0, XUNCHA_PROTOCOL_COUNT_MAX,
                                   bytes, error)
      || !xuncha_protocol_get_string (object, "photo", "received_at", TRUE,
                                      XUNCHA_PROTOCOL_TIME_MAX, &r, error))
    return FALSE;
  if (!xuncha_protocol_is_sha256 (s))
    return xuncha_protocol_invalid (error, "photo.sha256: not a SHA-256");
  *sha256 = g_strdup (s);
  *received_at = g_strdup (r);
  return TRUE;
}

JsonNode *
xuncha_protocol_new_object_node (void)
{
  g_autoptr(JsonObject) object = json_object_new ();

  /* json_node_init_object() takes its own reference: the new object's first one is ours
   * to drop. */
  return json_node_init_object (json_node_alloc (), object);
}

char *
xuncha_protocol_encode_delta (const char   *member,
                              gint64        revision,
                              GPtrArray    *items,
                              JsonNode   *(*to_json) (gconstpointer item))
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  xuncha_protocol_add_int (builder, "revision", revision);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && i < items->len; i++)
    json_builder_add_value (builder, to_json (items->pdata[i]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return xuncha_protocol_to_string (root);
}

GPtrArray *
xuncha_protocol_decode_delta (const char      *data,
                              gssize           length,
                              const char      *member,
                              guint            max,
                              gpointer       (*from_json) (JsonNode *node, GError **error),
                              GDestroyNotify   free_item,
                              gint64          *revision,
                              GError         **error)
{
  const char * const members[] = { "revision", member, NULL };
  g_autoptr(JsonNode) root = xuncha_protocol_parse (data, length, member, error);
  g_autoptr(GPtrArray) decoded = NULL;
  JsonObject *object;
  JsonArray *items;

  g_return_val_if_fail (revision != NULL, NULL);

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  if (!xuncha_protocol_check_members (object, member, members, error)
      || !xuncha_protocol_get_int (object, member, "revision", TRUE, 0,
                                   XUNCHA_PROTOCOL_REVISION_MAX, revision, error)
      || !xuncha_protocol_get_array (object, member, member, TRUE, &items, error))
    return NULL;
  if (json_array_get_length (items) > max)
    {
      xuncha_protocol_refuse (error, "%s.%s: more than %u %s", member, member, max, member);
      return NULL;
    }
  decoded = g_ptr_array_new_with_free_func (free_item);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gpointer item = from_json (json_array_get_element (items, i), error);

      if (item == NULL)
        {
          g_prefix_error (error, "%s[%u]: ", member, i);
          return NULL;
        }
      g_ptr_array_add (decoded, item);
    }
  return g_steal_pointer (&decoded);
}
