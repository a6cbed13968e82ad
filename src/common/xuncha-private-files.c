/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-private-files"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "xuncha-private-files-private.h"

/* Gives @path @mode unless it has it already; @st: what it is now. */
static gboolean
tighten (const char     *path,
         const GStatBuf *st,
         guint           mode,
         guint          *was_mode,
         GError        **error)
{
  guint now = st->st_mode & 07777;

  if (now == mode)
    return TRUE;
  if (g_chmod (path, mode) != 0)
    {
      int saved = errno;

      /* Refused rather than used: a report any local user can read is a leak that no one
       * would notice. */
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not make %s private to its owner (mode %04o, it must be %04o): "
                     "%s. Give it to the user that runs Xuncha, or run “chmod %o” on it, "
                     "and start again."),
                   path, now, mode, g_strerror (saved), mode);
      return FALSE;
    }
  if (was_mode != NULL)
    *was_mode = now;
  return TRUE;
}

gboolean
xuncha_private_dir (const char  *path,
                    guint       *was_mode,
                    GError     **error)
{
  GStatBuf st;
  int saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (was_mode != NULL)
    *was_mode = 0;
  if (g_mkdir_with_parents (path, 0700) != 0 || g_stat (path, &st) != 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return tighten (path, &st, 0700, was_mode, error);
}

gboolean
xuncha_private_file (const char  *path,
                     gboolean     create,
                     guint       *was_mode,
                     GError     **error)
{
  GStatBuf st;
  int fd, saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (was_mode != NULL)
    *was_mode = 0;
  if (g_stat (path, &st) == 0)
    return tighten (path, &st, 0600, was_mode, error);
  if (errno == ENOENT && !create)
    return TRUE;
  /* Made here, not by whoever writes it first, so that it never has the process's
   * default mode, not even for a moment. */
  if (errno != ENOENT || (fd = g_open (path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) < 0)
    goto fail;
  g_close (fd, NULL);
  if (g_stat (path, &st) != 0)
    goto fail;
  return tighten (path, &st, 0600, was_mode, error);

fail:
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("Could not create the file %s: %s"), path, g_strerror (saved));
  return FALSE;
}
