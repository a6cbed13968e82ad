/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plain (gcc, no libFuzzer) driver of a fuzz target: runs its entry point over every
 * file of the folders given on the command line (the committed corpus, the inputs of past
 * findings and, when present, the shared real-world files), one test case per file. A
 * finding aborts the program, so the test fails on it. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "xuncha-fuzz.h"

static void
test_input (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *)contents, length), ==, 0);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
add_folder (const char *given,
            guint      *n_added)
{
  g_autofree char *folder = g_canonicalize_filename (given, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *label = g_path_get_basename (folder);
  g_autofree char *parent = g_path_get_dirname (folder);
  g_autofree char *kind = g_path_get_basename (parent);
  const char *name;

  /* A folder that does not exist (no findings yet, no shared data) adds nothing. */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      char *path = g_build_filename (folder, file, NULL);
      g_autofree char *test_path = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || file[0] == '.')
        {
          g_free (path);
          continue;
        }
      test_path = g_strdup_printf ("/fuzz/%s/%s/%s", kind, label, file);
      g_test_add_data_func_full (test_path, path, test_input, g_free);
      (*n_added)++;
    }
}

int
main (int    argc,
      char **argv)
{
  guint n_added = 0;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    add_folder (argv[i], &n_added);
  /* The committed corpus is never empty: no input at all means a wrong path. */
  g_assert_cmpuint (n_added, >, 0);

  return g_test_run ();
}
