/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-json-private.h"

static gboolean
single (const char *text,
        gsize      *extra_at)
{
  return xuncha_json_check (text, strlen (text), extra_at, NULL);
}

static void
test_single_values (void)
{
  static const char * const ok[] = {
    "", "  \n", "{}", " {\"a\": [1, {\"b\": \"}]\\\"\"}]}\r\n", "[]", "\"x\\\"y\"", "12.5e3",
    "true", "null", "\"\\u00e9\\n\\t\\/\\b\\f\\r\\\\\"",
    /* Unfinished or wrong from the start: left for the parser to explain. */
    "{\"a\": [1, 2", "\"open", "]", ",",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    g_assert_true (single (ok[i], NULL));
}

static void
test_more_than_one (void)
{
  static const struct { const char *text; gsize extra_at; } cases[] = {
    { "[][]", 2 },
    { "{} {}", 3 },
    { "\"x\"\n{\"type\": 1}", 4 },
    { "1 2", 2 },
    { "{\"a\": \"}\"} x", 11 },
    { "[]\0[]", 2 },
    { "{}//", 2 },
    /* Comments, which json-glib skips: brackets in them must not count. */
    { "{/[/}[]", 1 },
    { "[1, /* ] */ 2]", 4 },
    { "{\"a\": 1 // }\n}", 8 },
    /* Escapes JSON does not have: json-glib 1.6 reads "\202" as the byte 0x82. */
    { "{\"a\": \"\\202\"}", 7 },
    { "\"\\x41\"", 1 },
    { "[\"\\u12\"]", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length = strlen (cases[i].text);
      gsize extra_at = 0;

      if (i == 5)
        length = 5;   /* with its NUL byte */
      g_assert_false (xuncha_json_check (cases[i].text, length, &extra_at, NULL));
      g_assert_cmpuint (extra_at, ==, cases[i].extra_at);
    }
}

static char *
nested (guint       levels,
        const char *open,
        const char *inside,
        const char *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  g_string_append (text, inside);
  for (guint i = 0; i < levels; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static void
assert_refused (const char *text,
                gsize       length,
                int         code,
                gsize       at)
{
  g_autoptr(GError) error = NULL;
  gsize where = G_MAXSIZE;

  g_assert_false (xuncha_json_check (text, length, &where, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, code);
  g_assert_cmpuint (where, ==, at);
}

/* json-glib 1.6 recurses once per level: 100 000 brackets ran it off the stack. */
static void
test_depth (void)
{
  g_autofree char *arrays_64 = nested (64, "[", "1", "]");
  g_autofree char *objects_64 = nested (64, "{\"a\":", "null", "}");
  g_autofree char *arrays_65 = nested (65, "[", "", "]");
  g_autofree char *objects_65 = nested (65, "{\"a\":", "{}", "}");
  g_autofree char *mixed_65 = nested (33, "[{\"k\":", "", "}]");
  g_autofree char *huge = nested (100000, "[", "", "]");
  g_autofree char *open_only = nested (100000, "{\"a\":[", "", "");
  g_autofree char *siblings = NULL;
  g_autoptr(GString) wide = g_string_new ("[");
  g_autoptr(GError) error = NULL;

  g_assert_true (single (arrays_64, NULL));
  g_assert_true (single (objects_64, NULL));
  assert_refused (arrays_65, strlen (arrays_65), XUNCHA_JSON_ERROR_TOO_DEEP, 64);
  assert_refused (objects_65, strlen (objects_65), XUNCHA_JSON_ERROR_TOO_DEEP, 64 * 5);
  /* 66 levels, of objects and arrays in turn. */
  assert_refused (mixed_65, strlen (mixed_65), XUNCHA_JSON_ERROR_TOO_DEEP, 32 * 6);
  assert_refused (huge, strlen (huge), XUNCHA_JSON_ERROR_TOO_DEEP, 64);
  /* Unfinished documents are refused as early: json-glib recursed while opening. */
  assert_refused (open_only, strlen (open_only), XUNCHA_JSON_ERROR_TOO_DEEP, 32 * 6);

  /* Depth is nesting, not the number of containers: many shallow ones are fine. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (wide, i > 0 ? ",[[{\"a\":[1]}]]" : "[[{\"a\":[1]}]]");
  g_string_append (wide, "]");
  g_assert_true (single (wide->str, NULL));

  /* A bracket in a string is text. */
  siblings = g_strdup_printf ("[\"%s\"]", huge);
  g_assert_true (single (siblings, NULL));

  error = NULL;
  g_assert_null (xuncha_json_parse (huge, -1, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "64"));
}

/* json-glib keeps the last of two members with one name. */
static void
test_duplicate_names (void)
{
  static const struct { const char *text; gsize at; const char *name; } refused[] = {
    { "{\"a\": 1, \"a\": 2}", 9, "\"a\"" },
    { "{\"a\": 1, \"b\": {\"a\": 1, \"c\": [], \"a\": 3}}", 32, "\"a\"" },
    { "[{}, {\"x\": {}, \"y\": [{\"z\": 1}], \"x\": null}]", 32, "\"x\"" },
    /* Written differently, read the same. */
    { "{\"a\": 1, \"\\u0061\": 2}", 9, "\"a\"" },
    { "{\"\\u00e9\": 1, \"\u00e9\": 2}", 14, "\"\\303\\251\"" },
    { "{\"\\ud83d\\ude00\": 1, \"\\uD83D\\uDE00\": 2}", 20, NULL },
    { "{\"\\/\": 1, \"/\": 2}", 10, "\"/\"" },
  };
  static const char * const accepted[] = {
    "{\"a\": {\"a\": {\"a\": 1}}}",
    "[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]",
    "{\"a\": {\"b\": 1}, \"b\": {\"a\": 1}}",
    "{\"a\": \"a\", \"b\": [\"a\", \"a\"], \"c\": {\"d\": \"a\"}}",
    "{\"a\": 1, \"A\": 2, \"a \": 3, \"\\u00e9\": 4, \"e\": 5}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize at = 0;

      g_assert_false (xuncha_json_check (refused[i].text, strlen (refused[i].text), &at,
                                         &error));
      g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_DUPLICATE);
      g_assert_cmpuint (at, ==, refused[i].at);
      if (refused[i].name != NULL)
        g_assert_nonnull (strstr (error->message, refused[i].name));
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    g_assert_true (single (accepted[i], NULL));
}

/* Past a few names an object's names go into a set: the same answers, in linear time. */
static void
test_duplicate_names_large (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  gsize at = 0, repeat_at;

  /* Many objects of many names, one after the other and nested: each starts afresh. */
  for (guint o = 0; o < 3; o++)
    {
      g_string_append (text, o > 0 ? ", {" : "{");
      for (guint i = 0; i < 20000; i++)
        g_string_append_printf (text, "%s\"n%u\": {\"n%u\": %u, \"x\": 0}", i > 0 ? ", " : "",
                                i, i, i);
      g_string_append (text, "}");
    }
  g_string_append (text, "]");
  g_assert_true (single (text->str, NULL));

  /* The first name again, at the end of a large object. */
  g_string_truncate (text, text->len - 2);
  repeat_at = text->len + 2;
  g_string_append (text, ", \"n0\": 1}]");
  g_assert_false (xuncha_json_check (text->str, text->len, &at, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_DUPLICATE);
  g_assert_cmpuint (at, ==, repeat_at);
  g_assert_nonnull (strstr (error->message, "\"n0\""));
}

/* json-glib cuts "a\u0000b" to "a": two bodies would read (and hash) as one. */
static void
test_nul (void)
{
  static const struct { const char *text; gsize at; } refused[] = {
    { "{\"note\": \"a\\u0000b\"}", 11 },
    { "{\"a\\u0000\": 1}", 3 },
    { "\"\\u0000\"", 1 },
    { "[\"x\", \"\\\\\\u0000\"]", 9 },
  };
  static const char * const accepted[] = {
    "{\"note\": \"a\\u0001b\"}", "[\"\\u0100\", \"\\\\u0000\"]", "\"\\u0010\\u1000\"",
  };
  /* NUL bytes, not escapes. */
  static const char in_string[] = "{\"a\": \"x\0y\"}";
  static const char in_array[] = "[1,\0 2]";

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (refused[i].text, strlen (refused[i].text), XUNCHA_JSON_ERROR_NUL,
                    refused[i].at);
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    g_assert_true (single (accepted[i], NULL));
  assert_refused (in_string, sizeof in_string - 1, XUNCHA_JSON_ERROR_NUL, 8);
  assert_refused (in_array, sizeof in_array - 1, XUNCHA_JSON_ERROR_NUL, 3);
}

static void
test_parse (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = xuncha_json_parse ("{\"a\": [1, 2]}", -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  g_assert_null (xuncha_json_parse ("{\"a\": 1, \"a\": 2}", -1, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_null (xuncha_json_parse ("{\"a\": ", -1, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (xuncha_json_parse (" ", -1, &error));
  g_assert_error (error, XUNCHA_JSON_ERROR, XUNCHA_JSON_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/single-values", test_single_values);
  g_test_add_func ("/json/more-than-one", test_more_than_one);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/duplicate-names", test_duplicate_names);
  g_test_add_func ("/json/duplicate-names-large", test_duplicate_names_large);
  g_test_add_func ("/json/nul", test_nul);
  g_test_add_func ("/json/parse", test_parse);

  return g_test_run ();
}
