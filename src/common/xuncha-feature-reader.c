/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-feature-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-feature-reader.h"
#include "xuncha-json-private.h"
#include "xuncha-text-private.h"

/* Read this much at a time; a feature larger than that grows the buffer to its size. */
#define CHUNK_SIZE (64 * 1024)

#define BYTE_ERROR (-2)
#define BYTE_END   (-1)

typedef enum
{
  STATE_START,
  STATE_MEMBER_FIRST,
  STATE_MEMBER_NEXT,
  STATE_FEATURE_FIRST,
  STATE_FEATURE_NEXT,
  STATE_END,
  STATE_DONE,
} State;

struct _XunchaFeatureReader
{
  GObject       parent_instance;

  GInputStream *stream;
  JsonParser   *parser;
  GByteArray   *buffer;
  gsize         pos;          /* the next byte in buffer */
  gsize         keep;         /* the start of the value being read, or G_MAXSIZE */
  guint64       base;         /* the stream offset of buffer[0] */
  guint         line;         /* the line of the byte at pos, from 1 */
  guint64       line_start;   /* the stream offset where that line starts */
  gboolean      at_end;

  State         state;
  guint         count;
  GHashTable   *members;      /* the members of the collection seen so far */
  char         *root;         /* what the document is, for a message */
  gboolean      is_collection;
  gboolean      has_features;
};

G_DEFINE_TYPE (XunchaFeatureReader, xuncha_feature_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-feature-reader-error-quark, xuncha_feature_reader_error)

static void
xuncha_feature_reader_finalize (GObject *object)
{
  XunchaFeatureReader *self = (XunchaFeatureReader *)object;

  g_clear_object (&self->stream);
  g_clear_object (&self->parser);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->root, g_free);

  G_OBJECT_CLASS (xuncha_feature_reader_parent_class)->finalize (object);
}

static void
xuncha_feature_reader_class_init (XunchaFeatureReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_feature_reader_finalize;
}

static void
xuncha_feature_reader_init (XunchaFeatureReader *self)
{
  self->parser = json_parser_new_immutable ();
  self->buffer = g_byte_array_sized_new (CHUNK_SIZE);
  self->keep = G_MAXSIZE;
  self->line = 1;
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->root = g_strdup ("an object without a type");
}

XunchaFeatureReader *
xuncha_feature_reader_new (GInputStream *stream)
{
  XunchaFeatureReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_object_new (XUNCHA_TYPE_FEATURE_READER, NULL);
  self->stream = g_object_ref (stream);
  return self;
}

/* Reads the next chunk, dropping what is behind both pos and the value being read.
 * Returns the byte at pos, BYTE_END or BYTE_ERROR. */
static int
refill (XunchaFeatureReader  *self,
        GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize drop = MIN (self->keep, self->pos);
  guint old;
  gssize got;

  if (self->at_end)
    return BYTE_END;
  if (drop > 0)
    {
      g_byte_array_remove_range (self->buffer, 0, (guint)drop);
      self->base += drop;
      self->pos -= drop;
      if (self->keep != G_MAXSIZE)
        self->keep -= drop;
    }
  old = self->buffer->len;
  g_byte_array_set_size (self->buffer, old + CHUNK_SIZE);
  got = g_input_stream_read (self->stream, self->buffer->data + old, CHUNK_SIZE, NULL,
                             &local_error);
  g_byte_array_set_size (self->buffer, old + (guint)MAX (got, 0));
  if (got < 0)
    {
      g_set_error (error, XUNCHA_FEATURE_READER_ERROR, XUNCHA_FEATURE_READER_ERROR_IO,
                   "%s", local_error->message);
      return BYTE_ERROR;
    }
  if (got == 0)
    {
      self->at_end = TRUE;
      return BYTE_END;
    }
  return self->buffer->data[self->pos];
}

static inline int
peek (XunchaFeatureReader  *self,
      GError              **error)
{
  if (G_LIKELY (self->pos < self->buffer->len))
    return self->buffer->data[self->pos];
  return refill (self, error);
}

/* Only after peek() gave a byte. */
static inline void
advance (XunchaFeatureReader *self)
{
  if (self->buffer->data[self->pos] == '\n')
    {
      self->line++;
      self->line_start = self->base + self->pos + 1;
    }
  self->pos++;
}

static guint
column (XunchaFeatureReader *self)
{
  return (guint)(self->base + self->pos - self->line_start + 1);
}

static gboolean
fail_at (XunchaFeatureReader  *self,
         GError              **error,
         guint                 line,
         guint                 position,
         const char           *what)
{
  self->state = STATE_DONE;
  g_set_error (error, XUNCHA_FEATURE_READER_ERROR, XUNCHA_FEATURE_READER_ERROR_INVALID_JSON,
               _("line %u, position %u: %s"), line, position, what);
  return FALSE;
}

/* The byte at pos is not what JSON has there (or the stream ended or failed). */
static gboolean
unexpected (XunchaFeatureReader  *self,
            int                   c,
            GError              **error)
{
  g_autofree char *what = NULL;

  if (c == BYTE_ERROR)
    {
      self->state = STATE_DONE;
      return FALSE;
    }
  if (c == BYTE_END)
    what = g_strdup (_("the file ends before the document does"));
  else if (c > ' ' && c < 0x7f)
    what = g_strdup_printf (_("unexpected character “%c”"), c);
  else
    what = g_strdup_printf (_("unexpected byte 0x%02X"), (guint)c);
  return fail_at (self, error, self->line, column (self), what);
}

static int
skip_space (XunchaFeatureReader  *self,
            GError              **error)
{
  int c;

  while ((c = peek (self, error)) == ' ' || c == '\t' || c == '\n' || c == '\r')
    advance (self);
  return c;
}

/* From the opening quote to past the closing one. */
static gboolean
scan_string (XunchaFeatureReader  *self,
             GError              **error)
{
  int c;

  advance (self);
  for (;;)
    {
      c = peek (self, error);
      if (c < 0)
        return unexpected (self, c, error);
      advance (self);
      if (c == '"')
        return TRUE;
      if (c == '\\')
        {
          c = peek (self, error);
          if (c < 0)
            return unexpected (self, c, error);
          advance (self);
        }
    }
}

/* Moves pos past the value that starts there, inside containers @depth deep. Only the
 * extent is found here (brackets matched, strings skipped, depth bounded without
 * recursion); json-glib reads the value. */
static gboolean
scan_value (XunchaFeatureReader  *self,
            guint                 depth,
            GError              **error)
{
  char closers[XUNCHA_JSON_MAX_DEPTH];
  guint open = 0;
  int c = peek (self, error);

  if (c == '"')
    return scan_string (self, error);
  if (c != '{' && c != '[')
    {
      guint64 start = self->base + self->pos;

      while ((c = peek (self, error)) > 0 && strchr (" \t\r\n,:[]{}\"", c) == NULL)
        advance (self);
      if (c == BYTE_ERROR || self->base + self->pos == start)
        return unexpected (self, c, error);
      return TRUE;
    }

  do
    {
      c = peek (self, error);
      if (c < 0)
        return unexpected (self, c, error);
      if (c == '"')
        {
          if (!scan_string (self, error))
            return FALSE;
          continue;
        }
      if (c == '{' || c == '[')
        {
          if (depth + open >= XUNCHA_JSON_MAX_DEPTH)
            {
              G_STATIC_ASSERT (XUNCHA_JSON_MAX_DEPTH == 64);   /* said in the message */
              return fail_at (self, error, self->line, column (self),
                              _("brackets nested deeper than 64 levels"));
            }
          closers[open++] = c == '{' ? '}' : ']';
        }
      else if (c == '}' || c == ']')
        {
          if (c != closers[open - 1])
            return unexpected (self, c, error);
          open--;
        }
      advance (self);
    }
  while (open > 0);
  return TRUE;
}

/* json-glib says "<data>:LINE:COL: Parse error: WHAT" about the piece it was given. */
static gboolean
parse_error (XunchaFeatureReader  *self,
             const char           *message,
             guint                 line,
             guint                 position,
             GError              **error)
{
  int at_line = 0, at_column = 0;
  const char *what = NULL;
  g_autofree char *reason = NULL;

  if (sscanf (message, "<data>:%d:%d:", &at_line, &at_column) == 2 && at_line > 0)
    {
      what = strstr (message, "Parse error: ");
      what = what != NULL ? what + strlen ("Parse error: ") : strchr (message + 7, ' ');
    }
  if (what == NULL)
    return fail_at (self, error, line, position, message);
  if (at_line == 1)
    position += (guint)MAX (at_column - 1, 0);
  else
    position = (guint)MAX (at_column, 1);
  reason = g_strstrip (g_strdup (what));
  return fail_at (self, error, line + (guint)at_line - 1, position, reason);
}

/* Reads the value from keep to pos, which starts at @line, @position. */
static JsonNode *
parse_value (XunchaFeatureReader  *self,
             guint                 line,
             guint                 position,
             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *data = (const char *)self->buffer->data + self->keep;
  gsize length = self->pos - self->keep;
  gsize at = 0;
  JsonNode *root;

  if (!xuncha_text_check_utf8 (data, length, line, position, &local_error))
    {
      self->state = STATE_DONE;
      g_set_error_literal (error, XUNCHA_FEATURE_READER_ERROR,
                           XUNCHA_FEATURE_READER_ERROR_NOT_UTF8, local_error->message);
      return NULL;
    }
  if (!xuncha_json_check (data, length, &at, &local_error))
    {
      const char *reason;

      for (gsize i = 0; i < at; i++)
        if (data[i] == '\n')
          line++, position = 1;
        else
          position++;
      switch (local_error->code)
        {
        case XUNCHA_JSON_ERROR_COMMENT:
          reason = _("a comment, which JSON does not allow");
          break;
        case XUNCHA_JSON_ERROR_ESCAPE:
          reason = _("an escape that JSON does not have");
          break;
        case XUNCHA_JSON_ERROR_NUL:
          reason = _("a NUL character (\\u0000), which a name or text cannot hold");
          break;
        case XUNCHA_JSON_ERROR_TOO_DEEP:
          reason = _("brackets nested deeper than 64 levels");
          break;
        case XUNCHA_JSON_ERROR_SURROGATE:
          reason = _("half of a UTF-16 surrogate pair (\\uD800-\\uDFFF alone), which is no "
                     "character");
          break;
        case XUNCHA_JSON_ERROR_DUPLICATE:
          reason = _("a member name that appears twice in one object");
          break;
        case XUNCHA_JSON_ERROR_TRAILING:
        default:
          reason = _("unexpected data after the end of the document");
          break;
        }
      fail_at (self, error, line, position, reason);
      return NULL;
    }
  if (!json_parser_load_from_data (self->parser, data, (gssize)length, &local_error))
    {
      parse_error (self, local_error->message, line, position, error);
      return NULL;
    }
  root = json_parser_get_root (self->parser);
  if (root == NULL)
    {
      fail_at (self, error, line, position, "no value");
      return NULL;
    }
  return json_node_ref (root);
}

/* Reads the value at pos (inside containers @depth deep) into a node. */
static JsonNode *
read_value (XunchaFeatureReader  *self,
            guint                 depth,
            GError              **error)
{
  guint line = self->line, position = column (self);
  JsonNode *node;

  self->keep = self->pos;
  node = scan_value (self, depth, error) ? parse_value (self, line, position, error) : NULL;
  self->keep = G_MAXSIZE;
  return node;
}

static gboolean
wrong_type (XunchaFeatureReader  *self,
            GError              **error)
{
  self->state = STATE_DONE;
  g_set_error (error, XUNCHA_FEATURE_READER_ERROR, XUNCHA_FEATURE_READER_ERROR_WRONG_TYPE,
               "The document is %s, not a FeatureCollection", self->root);
  return FALSE;
}

/* A document that is not an object. */
static gboolean
read_other_root (XunchaFeatureReader  *self,
                 int                   c,
                 GError              **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_free (self->root);
  if (c == '[')
    {
      /* Whatever it holds, it is not a collection of features: no need to read it. */
      self->root = g_strdup ("an array");
      return wrong_type (self, error);
    }
  self->root = g_strdup ("a single value");
  node = read_value (self, 0, error);
  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_free (self->root);
      self->root = g_strdup ("null");
    }
  c = skip_space (self, error);
  if (c != BYTE_END)
    return c == BYTE_ERROR ? unexpected (self, c, error)
                           : fail_at (self, error, self->line, column (self),
                                      "unexpected data after the end of the document");
  return wrong_type (self, error);
}

/* One member of the collection: its name, and its value unless it is the features list. */
static gboolean
read_member (XunchaFeatureReader  *self,
             GError              **error)
{
  g_autoptr(JsonNode) key_node = NULL;
  g_autoptr(JsonNode) value = NULL;
  guint line = self->line, position = column (self);
  const char *key;
  int c;

  key_node = read_value (self, 1, error);
  if (key_node == NULL)
    return FALSE;
  key = json_node_get_string (key_node);
  /* json-glib keeps the last of two, and the gate sees one feature at a time. */
  if (!g_hash_table_add (self->members, g_strdup (key)))
    {
      g_autofree char *what = g_strdup_printf (_("the member “%s” is given twice"), key);

      return fail_at (self, error, line, position, what);
    }

  c = skip_space (self, error);
  if (c != ':')
    return unexpected (self, c, error);
  advance (self);
  c = skip_space (self, error);
  if (c < 0)
    return unexpected (self, c, error);

  if (g_str_equal (key, "features") && c == '[')
    {
      advance (self);
      self->has_features = TRUE;
      self->state = STATE_FEATURE_FIRST;
      return TRUE;
    }
  value = read_value (self, 1, error);
  if (value == NULL)
    return FALSE;
  self->state = STATE_MEMBER_NEXT;
  if (g_str_equal (key, "type"))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return wrong_type (self, error);
      g_free (self->root);
      self->root = g_strdup (json_node_get_string (value));
      self->is_collection = g_str_equal (self->root, "FeatureCollection");
      if (!self->is_collection)
        return wrong_type (self, error);
    }
  return TRUE;
}

gboolean
xuncha_feature_reader_next (XunchaFeatureReader  *self,
                            JsonNode            **feature,
                            GError              **error)
{
  int c;

  g_return_val_if_fail (XUNCHA_IS_FEATURE_READER (self), FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);

  *feature = NULL;
  for (;;)
    switch (self->state)
      {
      case STATE_START:
        /* RFC 8259 lets a parser ignore a byte-order mark, and editors on Windows write
         * one. */
        while (self->buffer->len < 3 && refill (self, error) >= 0)
          ;
        if (self->buffer->len >= 3 && memcmp (self->buffer->data, "\xef\xbb\xbf", 3) == 0)
          self->pos = 3, self->line_start = 3;
        c = skip_space (self, error);
        if (c == BYTE_END)
          {
            self->state = STATE_DONE;
            g_set_error_literal (error, XUNCHA_FEATURE_READER_ERROR,
                                 XUNCHA_FEATURE_READER_ERROR_EMPTY, "The document is empty");
            return FALSE;
          }
        if (c != '{')
          return c == BYTE_ERROR ? unexpected (self, c, error)
                                 : read_other_root (self, c, error);
        advance (self);
        self->state = STATE_MEMBER_FIRST;
        break;

      case STATE_MEMBER_FIRST:
      case STATE_MEMBER_NEXT:
        c = skip_space (self, error);
        if (c == '}')
          {
            advance (self);
            self->state = STATE_END;
            break;
          }
        if (self->state == STATE_MEMBER_NEXT)
          {
            if (c != ',')
              return unexpected (self, c, error);
            advance (self);
            c = skip_space (self, error);
          }
        if (c != '"')
          return unexpected (self, c, error);
        if (!read_member (self, error))
          return FALSE;
        break;

      case STATE_FEATURE_FIRST:
      case STATE_FEATURE_NEXT:
        c = skip_space (self, error);
        if (c == ']')
          {
            advance (self);
            self->state = STATE_MEMBER_NEXT;
            break;
          }
        if (self->state == STATE_FEATURE_NEXT)
          {
            if (c != ',')
              return unexpected (self, c, error);
            advance (self);
            c = skip_space (self, error);
          }
        if (c < 0)
          return unexpected (self, c, error);
        *feature = read_value (self, 2, error);
        if (*feature == NULL)
          return FALSE;
        self->count++;
        self->state = STATE_FEATURE_NEXT;
        return TRUE;

      case STATE_END:
        c = skip_space (self, error);
        if (c != BYTE_END)
          return c == BYTE_ERROR ? unexpected (self, c, error)
                                 : fail_at (self, error, self->line, column (self),
                                            "unexpected data after the end of the document");
        if (!self->is_collection)
          return wrong_type (self, error);
        self->state = STATE_DONE;
        if (!self->has_features)
          {
            g_set_error_literal (error, XUNCHA_FEATURE_READER_ERROR,
                                 XUNCHA_FEATURE_READER_ERROR_NO_FEATURES,
                                 "The FeatureCollection has no features list");
            return FALSE;
          }
        return TRUE;

      case STATE_DONE:
      default:
        return TRUE;
      }
}

guint
xuncha_feature_reader_get_count (XunchaFeatureReader *self)
{
  g_return_val_if_fail (XUNCHA_IS_FEATURE_READER (self), 0);

  return self->count;
}

const char *
xuncha_feature_reader_describe_root (XunchaFeatureReader *self)
{
  g_return_val_if_fail (XUNCHA_IS_FEATURE_READER (self), NULL);

  return self->root;
}
