/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Power-cut simulation for tests, in two parts that share one event counter.
 *
 * SQLite: a VFS ("powercut", made the default) wrapping the unix VFS. Writes reach the
 * file at once, as they do in the page cache; what xSync has made durable is kept aside
 * as the file's durable image. A file first seen in a session counts as durable as it is;
 * a file created in the session is durable from its first xSync (the unix VFS syncs the
 * folder then); a deletion counts as durable at once.
 *
 * Photos: the photo folder's files are written with write/fsync/rename outside SQLite.
 * The test program defines fsync(), fdatasync(), rename() and unlink() (the core and GLib
 * call them through the program's own symbols): an fsync of a photo file keeps its
 * content as durable for that inode; an fsync of the folder makes its current names
 * durable; an unlink counts as durable at once.
 *
 * Events are xWrite, xSync and xTruncate calls, and fsync and rename calls in the photo
 * folder. After the chosen number of events the power is cut: every later write, sync,
 * truncate, delete, rename or unlink fails with EIO (SQLITE_IOERR), as on a device that
 * has lost its power. powercut_restore() then puts back the durable image of every file
 * (removing files and names that were never durable), as the disk would be found after a
 * reboot. Nothing else may hold the files open then. */

/* Registers the VFS as the default one. Call once, before any store is opened. */
void     powercut_install       (void);

/* Starts a session: forgets every file seen so far, takes the folder @photo_dir (may be
 * NULL) as it is now as durable, and cuts the power after @events events (G_MAXUINT64:
 * never). */
void     powercut_begin         (const char *photo_dir,
                                 guint64     events);

guint64  powercut_get_events    (void);
gboolean powercut_has_crashed   (void);

/* Puts back what was durable when the power was cut (or now, when it was not) and ends
 * the session: later writes go through unrecorded until the next powercut_begin(). */
void     powercut_restore       (void);

G_END_DECLS
