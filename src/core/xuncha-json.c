/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-json"

#include "config.h"

#include <string.h>

#include "xuncha-json-private.h"

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

/* The end of the string that starts (after its quote) at @pos, or @length when the string
 * does not end. An escape JSON does not have sets *@bad_escape to its backslash: json-glib
 * 1.6 reads "\202" as an octal byte, which makes a string that is not UTF-8. */
static gsize
skip_string (const char *data,
             gsize       length,
             gsize       pos,
             gsize      *bad_escape)
{
  while (pos < length)
    {
      if (data[pos] == '\\')
        {
          gboolean ok = pos + 1 < length && strchr ("\"\\/bfnrtu", data[pos + 1]) != NULL
                        && data[pos + 1] != '\0';

          for (gsize i = 2; ok && data[pos + 1] == 'u' && i < 6; i++)
            ok = pos + i < length && g_ascii_isxdigit (data[pos + i]);
          if (!ok && pos + 1 < length)
            {
              *bad_escape = pos;
              return length;
            }
          pos += 2;
        }
      else if (data[pos++] == '"')
        return pos;
    }
  return length;
}

gboolean
xuncha_json_is_single_value (const char *data,
                             gsize       length,
                             gsize      *extra_at)
{
  gsize pos, bad_escape = G_MAXSIZE;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  pos = skip_space (data, length, 0);
  if (pos >= length)
    return TRUE;

  if (data[pos] == '{' || data[pos] == '[')
    {
      gsize depth = 0;

      while (pos < length)
        {
          char c = data[pos++];

          if (c == '"')
            {
              pos = skip_string (data, length, pos, &bad_escape);
              if (pos >= length)
                break;
            }
          else if (c == '/')
            {
              /* A comment, which JSON does not have but json-glib 1.6 skips: a bracket
               * inside it would hide the end of the first value from this count. */
              if (extra_at != NULL)
                *extra_at = pos - 1;
              return FALSE;
            }
          else if (c == '{' || c == '[')
            depth++;
          else if ((c == '}' || c == ']') && --depth == 0)
            break;
        }
      if (bad_escape == G_MAXSIZE && depth > 0)
        return TRUE;
    }
  else if (data[pos] == '"')
    {
      pos = skip_string (data, length, pos + 1, &bad_escape);
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

  if (bad_escape != G_MAXSIZE)
    {
      if (extra_at != NULL)
        *extra_at = bad_escape;
      return FALSE;
    }
  pos = skip_space (data, length, pos);
  if (pos < length)
    {
      if (extra_at != NULL)
        *extra_at = pos;
      return FALSE;
    }
  return TRUE;
}
