/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xuncha-test-util.h"

/* flatpak-builder reads manifests with JSON-GLib, which allows the comments that explain
 * each permission; read it the same way. */
static JsonObject *
load_manifest (JsonParser *parser)
{
  g_autofree char *path = xuncha_test_source_path ("flatpak/io.github.xuncha.Xuncha.json");
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_sources_pinned (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  JsonArray *modules = json_object_get_array_member (manifest, "modules");
  guint pinned = 0;

  g_assert_cmpstr (json_object_get_string_member (manifest, "id"), ==, "io.github.xuncha.Xuncha");
  g_assert_cmpuint (json_array_get_length (modules), >=, 2);

  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *module = json_array_get_object_element (modules, i);
      JsonArray *sources = json_object_get_array_member (module, "sources");

      for (guint j = 0; j < json_array_get_length (sources); j++)
        {
          JsonObject *source = json_array_get_object_element (sources, j);
          const char *type = json_object_get_string_member (source, "type");

          if (g_str_equal (type, "dir"))
            continue;   /* the project itself */
          if (g_str_equal (type, "archive") || g_str_equal (type, "file"))
            {
              const char *sha = json_object_get_string_member_with_default (source, "sha256", "");
              g_assert_cmpuint (strlen (sha), ==, 64);
            }
          else if (g_str_equal (type, "git"))
            {
              const char *commit = json_object_get_string_member_with_default (source, "commit", "");
              g_assert_cmpuint (strlen (commit), ==, 40);
            }
          else
            g_error ("module %s: source type %s is not pinned",
                     json_object_get_string_member (module, "name"), type);
          pinned++;
        }
    }
  g_assert_cmpuint (pinned, >=, 4);
}

static void
test_permissions_narrow (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  JsonArray *args = json_object_get_array_member (manifest, "finish-args");
  const char * const allowed[] = { "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                                   "--device=dri", "--share=network", NULL };

  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      const char *arg = json_array_get_string_element (args, i);
      /* No home folder, no full device access, no system bus names. */
      g_assert_true (g_strv_contains (allowed, arg));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/flatpak/sources-pinned", test_sources_pinned);
  g_test_add_func ("/flatpak/permissions-narrow", test_permissions_narrow);

  return g_test_run ();
}
