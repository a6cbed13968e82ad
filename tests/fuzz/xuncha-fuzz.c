/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-fuzz"

#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xuncha-fuzz.h"
#include "xuncha-store-private.h"

static char *store_dir;
static XunchaStore *store;

static GLogWriterOutput
write_log (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) == 0)
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  fprintf (stderr, "xuncha-fuzz: %s-WARNING or worse: %s\n", domain != NULL ? domain : "?",
           message != NULL ? message : "?");
  abort ();
}

void
xuncha_fuzz_fail (const char *file,
                  int         line,
                  const char *what)
{
  fprintf (stderr, "xuncha-fuzz: %s:%d: check failed: %s\n", file, line, what);
  abort ();
}

void
xuncha_fuzz_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_log_set_writer_func (write_log, NULL, NULL);
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      g_once_init_leave (&done, 1);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
drop_store (void)
{
  g_clear_object (&store);
  if (store_dir != NULL)
    remove_tree (store_dir);
  g_clear_pointer (&store_dir, g_free);
}

XunchaStore *
xuncha_fuzz_get_store (void)
{
  g_autoptr(GError) error = NULL;
  const char *parent;

  if (store != NULL)
    return store;

  parent = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0
           ? "/dev/shm" : g_get_tmp_dir ();
  store_dir = g_build_filename (parent, "xuncha-fuzz-XXXXXX", NULL);
  if (g_mkdtemp (store_dir) == NULL)
    xuncha_fuzz_fail (__FILE__, __LINE__, "a folder for the fuzz store");
  atexit (drop_store);

  store = xuncha_store_open (store_dir, &error);
  if (store == NULL)
    {
      fprintf (stderr, "xuncha-fuzz: %s\n", error->message);
      xuncha_fuzz_fail (__FILE__, __LINE__, "the fuzz store opens");
    }
  /* Every input runs in a transaction that is rolled back: nothing reaches the disk. No
   * other process opens this store, so its file locks are taken once, not around every
   * transaction (two fcntl calls each). */
  if (!xuncha_store_exec (store, "PRAGMA synchronous = OFF", &error)
      || !xuncha_store_exec (store, "PRAGMA locking_mode = EXCLUSIVE", &error))
    xuncha_fuzz_fail (__FILE__, __LINE__, "the fuzz store takes its pragmas");
  return store;
}

gint64
xuncha_fuzz_count (XunchaStore *in_store,
                   const char  *sql)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (in_store, sql, NULL);
  gint64 n;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    xuncha_fuzz_fail (__FILE__, __LINE__, sql);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}
