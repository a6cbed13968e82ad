/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "xuncha-test-util.h"

char *
xuncha_test_testdata_path (const char *relative)
{
  const char *root = g_getenv ("XUNCHA_TESTDATA");
  g_autofree char *path = NULL;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    return NULL;
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_steal_pointer (&path);
}

char *
xuncha_test_require_testdata (const char *relative)
{
  char *path = xuncha_test_testdata_path (relative);

  if (path == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("the shared real-world test data (%s) is not beside this "
                         "checkout; the self-made fixtures cover this path", relative);
      g_test_skip (message);
    }
  return path;
}

char *
xuncha_test_source_path (const char *relative)
{
  const char *root = g_getenv ("XUNCHA_SOURCE_DIR");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
xuncha_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("xuncha-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
xuncha_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL
         && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        xuncha_test_remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

int
xuncha_test_run (const char * const  *argv,
                 char               **out,
                 char               **err)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

const char *
xuncha_test_program (const char *env_name)
{
  const char *path = g_getenv (env_name);

  g_assert_nonnull (path);
  return path;
}

int
xuncha_test_run_cli (const char  *data_dir,
                     char       **out,
                     char       **err,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  if (data_dir != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--data-dir");
      g_ptr_array_add (argv, (gpointer)data_dir);
    }
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return xuncha_test_run ((const char * const *)argv->pdata, out, err);
}

guint
xuncha_test_slowdown (void)
{
  const char *text = g_getenv ("XUNCHA_TEST_SLOWDOWN");
  guint64 value = 1;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 100, &value, NULL))
    value = 1;
  return (guint)value;
}
