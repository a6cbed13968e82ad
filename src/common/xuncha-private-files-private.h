/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Folders and files that hold reports, positions, photos and credentials are their
 * owner's alone, on the device and at the office: one rule, so neither end keeps a file
 * that another local user can read. Errors are in G_FILE_ERROR, with a message that says
 * what to do. */

/* Makes @path a folder only its owner may read, enter or change (0700): creates it (and
 * missing parents, 0700 too) when absent, and tightens it when it exists with another
 * mode. @was_mode (may be NULL): the mode it had when it was changed, 0 otherwise. */
gboolean xuncha_private_dir  (const char  *path,
                              guint       *was_mode,
                              GError     **error);

/* Makes the file @path readable and writable by its owner only (0600): created empty
 * (0600 from its first byte) when absent and @create, tightened when it exists with
 * another mode; a missing file is left missing without @create. @was_mode as above. */
gboolean xuncha_private_file (const char  *path,
                              gboolean     create,
                              guint       *was_mode,
                              GError     **error);

G_END_DECLS
