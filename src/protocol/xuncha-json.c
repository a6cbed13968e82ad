/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-json"

#include "config.h"

#include <string.h>

#include "xuncha-json-private.h"

G_DEFINE_QUARK (xuncha-json-error-quark, xuncha_json_error)

/* Up to this many names an object's names are compared one by one (most objects have a
 * handful); past it they go into a hash set, so a hostile object of 100 000 names stays
 * linear. */
#define SMALL_OBJECT 16

typedef struct
{
  const char *name;     /* in the document, or decoded (NUL-terminated) in the chunk */
  gsize       length;
  guint       hash;
} Name;

typedef struct
{
  const char   *data;
  gsize         length;
  guint         depth;
  guint64       objects;                              /* bit d-1: level d is an object */
  GArray       *names;                                /* Name, of every open object */
  guint         first[XUNCHA_JSON_MAX_DEPTH + 1];     /* index of a level's first name */
  GHashTable   *sets[XUNCHA_JSON_MAX_DEPTH + 1];      /* a large object's names */
  GStringChunk *chunk;                                /* decoded and large-object names */
} Checker;

static void
checker_clear (Checker *c)
{
  g_clear_pointer (&c->names, g_array_unref);
  for (guint i = 0; i <= XUNCHA_JSON_MAX_DEPTH; i++)
    g_clear_pointer (&c->sets[i], g_hash_table_unref);
  g_clear_pointer (&c->chunk, g_string_chunk_free);
}

static gboolean
fail (GError     **error,
      gsize       *at,
      gsize        offset,
      int          code,
      const char  *message)
{
  if (at != NULL)
    *at = offset;
  g_set_error_literal (error, XUNCHA_JSON_ERROR, code, message);
  return FALSE;
}

static gsize
skip_space (const char *data,
            gsize       length,
            gsize       pos)
{
  while (pos < length
         && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\n' || data[pos] == '\r'))
    pos++;
  return pos;
}

static guint
hex4 (const char *p)
{
  guint value = 0;

  for (guint i = 0; i < 4; i++)
    value = value * 16 + g_ascii_xdigit_value (p[i]);
  return value;
}

/* The string that starts (after its quote) at *@pos: FALSE when it does not end, else
 * moves *@pos past its closing quote. A problem sets *@code (else left alone) and *@bad to
 * its offset. *@escaped says whether it has any escape (a member name must then be decoded
 * to be compared). */
static gboolean
skip_string (const char *data,
             gsize       length,
             gsize      *pos,
             gsize      *bad,
             int        *code,
             gboolean   *escaped)
{
  gsize i = *pos;

  *escaped = FALSE;
  while (i < length)
    {
      char ch = data[i];

      if (ch == '"')
        {
          *pos = i + 1;
          return TRUE;
        }
      if (ch == '\0')
        {
          *bad = i;
          *code = XUNCHA_JSON_ERROR_NUL;
          return FALSE;
        }
      if (ch != '\\')
        {
          i++;
          continue;
        }
      *escaped = TRUE;
      if (i + 1 >= length)
        return FALSE;
      if (data[i + 1] == '\0' || strchr ("\"\\/bfnrtu", data[i + 1]) == NULL)
        {
          *bad = i;
          *code = XUNCHA_JSON_ERROR_ESCAPE;
          return FALSE;
        }
      if (data[i + 1] == 'u')
        {
          for (gsize k = 2; k < 6; k++)
            if (i + k >= length)
              return FALSE;
            else if (!g_ascii_isxdigit (data[i + k]))
              {
                *bad = i;
                *code = XUNCHA_JSON_ERROR_ESCAPE;
                return FALSE;
              }
          gunichar u = hex4 (data + i + 2);

          if (u == 0)
            {
              *bad = i;
              *code = XUNCHA_JSON_ERROR_NUL;
              return FALSE;
            }
          /* A high surrogate counts only with its low half right after it; either half
           * alone is no character (json-glib wrote it as three bytes that are not UTF-8). */
          if (u >= 0xd800 && u < 0xdc00)
            {
              static const char low_form[] = "\\uXXXX";
              gboolean low = TRUE;

              /* A text that ends before the low half is whole is refused here too, not
               * left for the parser: json-glib 1.6 leaks its string buffer there. */
              for (gsize k = 0; k < 6 && low; k++)
                low = i + 6 + k < length
                      && (low_form[k] == 'X' ? g_ascii_isxdigit (data[i + 6 + k])
                                             : data[i + 6 + k] == low_form[k]);
              if (!low || hex4 (data + i + 8) < 0xdc00 || hex4 (data + i + 8) >= 0xe000)
                {
                  *bad = i;
                  *code = XUNCHA_JSON_ERROR_SURROGATE;
                  return FALSE;
                }
              i += 6;
            }
          else if (u >= 0xdc00 && u < 0xe000)
            {
              *bad = i;
              *code = XUNCHA_JSON_ERROR_SURROGATE;
              return FALSE;
            }
          i += 6;
        }
      else
        i += 2;
    }
  return FALSE;
}

/* A problem skip_string() found, as an error. */
static gboolean
string_problem (GError **error,
                gsize   *at,
                gsize    bad,
                int      code)
{
  return fail (error, at, bad, code,
               code == XUNCHA_JSON_ERROR_NUL ? "a NUL character (\\u0000) in a string"
               : code == XUNCHA_JSON_ERROR_SURROGATE
                 ? "half of a UTF-16 surrogate pair (\\uD800-\\uDFFF alone), which is no character"
                 : "an escape that JSON does not have");
}

/* The text of a member name whose escapes the gate already checked (complete, no
 * \u0000), as json-glib would read it: names that differ only in how they are written
 * ("a" and "\u0061") are the same name. */
static const char *
decode_name (Checker    *c,
             const char *p,
             gsize       n,
             gsize      *decoded_length)
{
  g_autoptr(GString) out = g_string_sized_new (n);

  for (gsize i = 0; i < n; i++)
    {
      gunichar u;

      if (p[i] != '\\')
        {
          g_string_append_c (out, p[i]);
          continue;
        }
      i++;
      switch (p[i])
        {
        case 'b': g_string_append_c (out, '\b'); continue;
        case 'f': g_string_append_c (out, '\f'); continue;
        case 'n': g_string_append_c (out, '\n'); continue;
        case 'r': g_string_append_c (out, '\r'); continue;
        case 't': g_string_append_c (out, '\t'); continue;
        case 'u': break;
        default: g_string_append_c (out, p[i]); continue;
        }
      u = hex4 (p + i + 1);
      i += 4;
      if (u >= 0xd800 && u < 0xdc00 && i + 6 < n && p[i + 1] == '\\' && p[i + 2] == 'u')
        {
          gunichar low = hex4 (p + i + 3);

          if (low >= 0xdc00 && low < 0xe000)
            {
              u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              i += 6;
            }
        }
      g_string_append_unichar (out, u);
    }
  *decoded_length = out->len;
  return g_string_chunk_insert_len (c->chunk, out->str, (gssize)out->len);
}

/* Adds a member name of the innermost object; FALSE when the object already has it. */
static gboolean
add_name (Checker    *c,
          const char *p,
          gsize       n,
          gboolean    escaped)
{
  guint first = c->first[c->depth];
  GHashTable *set = c->sets[c->depth];
  Name name = { p, n, 0 };

  if (c->chunk == NULL)
    c->chunk = g_string_chunk_new (4096);
  if (c->names == NULL)
    c->names = g_array_new (FALSE, FALSE, sizeof (Name));
  if (escaped)
    name.name = decode_name (c, p, n, &name.length);

  if (set != NULL && g_hash_table_size (set) > 0)
    {
      const char *copy = g_string_chunk_insert_len (c->chunk, name.name, (gssize)name.length);

      return g_hash_table_add (set, (gpointer)copy);
    }

  name.hash = 5381;
  for (gsize i = 0; i < name.length; i++)
    name.hash = name.hash * 33 + (guchar)name.name[i];
  for (guint i = first; i < c->names->len; i++)
    {
      Name *other = &g_array_index (c->names, Name, i);

      if (other->hash == name.hash && other->length == name.length
          && memcmp (other->name, name.name, name.length) == 0)
        return FALSE;
    }
  g_array_append_val (c->names, name);

  if (c->names->len - first > SMALL_OBJECT)
    {
      /* A large object: its names so far move into a set, and the rest go there. A name
       * with a NUL byte cannot be in it: the gate refuses those before. */
      if (set == NULL)
        set = c->sets[c->depth] = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = first; i < c->names->len; i++)
        {
          Name *each = &g_array_index (c->names, Name, i);

          g_hash_table_add (set, g_string_chunk_insert_len (c->chunk, each->name,
                                                            (gssize)each->length));
        }
      g_array_set_size (c->names, first);
    }
  return TRUE;
}

static void
close_level (Checker *c)
{
  if (c->objects & (G_GUINT64_CONSTANT (1) << (c->depth - 1)))
    {
      if (c->names != NULL)
        g_array_set_size (c->names, c->first[c->depth]);
      if (c->sets[c->depth] != NULL)
        g_hash_table_remove_all (c->sets[c->depth]);
    }
  c->depth--;
}

static gboolean
duplicate (GError     **error,
           gsize       *at,
           gsize        offset,
           const char  *name,
           gsize        length)
{
  g_autofree char *shown = g_strndup (name, MIN (length, 64));
  g_autofree char *escaped = g_strescape (shown, "");
  g_autofree char *message = g_strdup_printf ("the member \"%s%s\" appears twice in one object",
                                              escaped, length > 64 ? "…" : "");

  return fail (error, at, offset, XUNCHA_JSON_ERROR_DUPLICATE, message);
}

/* A container at @pos: FALSE on a problem; else sets *@end past it (or to @length when it
 * does not end). */
static gboolean
check_container (Checker  *c,
                 gsize     pos,
                 gsize    *end,
                 gsize    *at,
                 GError  **error)
{
  const char *data = c->data;
  gsize length = c->length;
  gboolean expect_name = FALSE;

  while (pos < length)
    {
      char ch = data[pos];

      switch (ch)
        {
        case '"':
          {
            gsize start = pos + 1, bad = 0;
            int code = -1;
            gboolean escaped;

            pos = start;
            if (!skip_string (data, length, &pos, &bad, &code, &escaped))
              {
                if (code >= 0)
                  return string_problem (error, at, bad, code);
                *end = length;
                return TRUE;
              }
            if (expect_name && !add_name (c, data + start, pos - 1 - start, escaped))
              {
                gsize n = pos - 1 - start;
                const char *name = escaped ? decode_name (c, data + start, n, &n)
                                           : data + start;

                return duplicate (error, at, start - 1, name, n);
              }
            expect_name = FALSE;
            continue;
          }
        case '{':
        case '[':
          if (c->depth >= XUNCHA_JSON_MAX_DEPTH)
            return fail (error, at, pos, XUNCHA_JSON_ERROR_TOO_DEEP,
                         "nested deeper than 64 levels");
          c->depth++;
          if (ch == '{')
            {
              c->objects |= G_GUINT64_CONSTANT (1) << (c->depth - 1);
              c->first[c->depth] = c->names != NULL ? c->names->len : 0;
            }
          else
            c->objects &= ~(G_GUINT64_CONSTANT (1) << (c->depth - 1));
          expect_name = ch == '{';
          break;
        case '}':
        case ']':
          close_level (c);
          expect_name = FALSE;
          if (c->depth == 0)
            {
              *end = pos + 1;
              return TRUE;
            }
          break;
        case ',':
          expect_name = (c->objects & (G_GUINT64_CONSTANT (1) << (c->depth - 1))) != 0;
          break;
        case ':':
          expect_name = FALSE;
          break;
        case '/':
          return fail (error, at, pos, XUNCHA_JSON_ERROR_COMMENT,
                       "a comment, which JSON does not allow");
        case '\0':
          return fail (error, at, pos, XUNCHA_JSON_ERROR_NUL, "a NUL byte");
        default:
          break;
        }
      pos++;
    }
  *end = length;
  return TRUE;
}

gboolean
xuncha_json_check (const char  *data,
                   gsize        length,
                   gsize       *at,
                   GError     **error)
{
  Checker c = { data, length, 0, 0, NULL, { 0 }, { NULL }, NULL };
  gsize pos;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pos = skip_space (data, length, 0);
  if (pos >= length)
    return TRUE;

  if (data[pos] == '{' || data[pos] == '[')
    {
      gboolean ok = check_container (&c, pos, &pos, at, error);

      checker_clear (&c);
      if (!ok)
        return FALSE;
      /* Unfinished: the parser says what is missing. */
      if (c.depth > 0)
        return TRUE;
    }
  else if (data[pos] == '"')
    {
      gsize bad = 0;
      int code = -1;
      gboolean escaped;

      pos++;
      if (!skip_string (data, length, &pos, &bad, &code, &escaped))
        return code >= 0 ? string_problem (error, at, bad, code) : TRUE;
    }
  else
    {
      gsize start = pos;

      while (pos < length && strchr (" \t\r\n,:[]{}\"", data[pos]) == NULL)
        pos++;
      /* Not the start of any value: the parser says what is wrong. */
      if (pos == start)
        return TRUE;
    }

  pos = skip_space (data, length, pos);
  if (pos < length)
    return fail (error, at, pos, XUNCHA_JSON_ERROR_TRAILING,
                 "more than one JSON value (text follows the first)");
  return TRUE;
}

JsonNode *
xuncha_json_parse (const char  *data,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = (gssize)strlen (data);
  if (!xuncha_json_check (data, (gsize)length, NULL, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error_literal (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_INVALID,
                           local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_INVALID,
                           "an empty document");
      return NULL;
    }
  return json_node_ref (root);
}
