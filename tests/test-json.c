/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-json-private.h"

static gboolean
single (const char *text,
        gsize      *extra_at)
{
  return xuncha_json_is_single_value (text, strlen (text), extra_at);
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
      g_assert_false (xuncha_json_is_single_value (cases[i].text, length, &extra_at));
      g_assert_cmpuint (extra_at, ==, cases[i].extra_at);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/single-values", test_single_values);
  g_test_add_func ("/json/more-than-one", test_more_than_one);

  return g_test_run ();
}
