/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "xuncha-outbox.h"
#include "xuncha-store-private.h"

void
xuncha_outbox_entry_free (XunchaOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->kind);
  g_free (entry->item);
  g_free (entry->state);
  g_free (entry->next_try_at);
  g_free (entry->last_error);
  g_free (entry->receipt);
  g_free (entry->queued_at);
  g_free (entry->acked_at);
  g_free (entry);
}

static char *
iso_from_ms (gint64 ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format_iso8601 (time);
}

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

/* Whether every report, shift and photo of a report already has its row: true on every
 * start but the first of a database an older build wrote, which listed shifts only when
 * a sync began. Counted, not scanned: the scan below costs a phone with years of reports
 * a fifth of a second at every start. */
static gboolean
nothing_missing (XunchaStore *store)
{
  g_autofree char *checked = xuncha_store_get_meta (store, "outbox.checked");
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  gboolean complete;

  if (g_strcmp0 (checked, "1") != 0)
    return FALSE;
  stmt = xuncha_store_prepare (store,
                               "SELECT (SELECT count(*) FROM reports) "
                               "     + (SELECT count(*) FROM shifts) "
                               "     + (SELECT count(DISTINCT sha256) FROM report_photos) "
                               "   = (SELECT count(*) FROM outbox "
                               "      WHERE kind IN ('report', 'shift', 'photo'))",
                               &error);
  if (stmt == NULL)
    return FALSE;
  complete = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1;
  sqlite3_reset (stmt);
  return complete;
}

gboolean
xuncha_outbox_enqueue_missing (XunchaStore  *store,
                               GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  if (!nothing_missing (store)
      && !(xuncha_store_exec (store,
                              "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                              "  SELECT 'shift', uuid, started_at FROM shifts;"
                              "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                              "  SELECT 'report', uuid, created_at FROM reports;"
                              "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                              "  SELECT 'photo', sha256, created_at FROM photos "
                              "  WHERE sha256 IN (SELECT sha256 FROM report_photos);",
                              error)
           && xuncha_store_set_meta (store, "outbox.checked", "1", error)))
    return FALSE;
  /* A shift is acknowledged by its count of points: one the office holds fewer of than
   * the device goes again. This build puts a shift back to waiting as its points are
   * committed; an older one did not, and may have run since. Points are numbered from 0,
   * so the last number says the count from the primary key alone (with a gap it says
   * more, and the shift only asks the office once too often). */
  return xuncha_store_exec (store,
                            "UPDATE outbox SET state = 'waiting' "
                            "  WHERE kind = 'shift' AND state = 'acked' "
                            "  AND coalesce (office_points, -1) < coalesce ((SELECT max (seq) + 1 "
                            "    FROM track_points WHERE shift_uuid = outbox.item), 0);",
                            error);
}

gboolean
xuncha_outbox_enqueue (XunchaStore  *store,
                       const char   *kind,
                       const char   *item,
                       const char   *queued_at,
                       GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind != NULL && item != NULL && queued_at != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "INSERT OR IGNORE INTO outbox (kind, item, state, queued_at) "
                               "VALUES (?1, ?2, 'waiting', ?3)",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, queued_at, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_outbox_queue_shift (XunchaStore  *store,
                           const char   *uuid,
                           const char   *queued_at,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL && queued_at != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO outbox (kind, item, queued_at) "
                               "VALUES ('shift', ?1, ?2) "
                               "ON CONFLICT (kind, item) DO UPDATE SET state = 'waiting' "
                               "WHERE state = 'acked'",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, queued_at, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

static gboolean
run (XunchaStore   *store,
     sqlite3_stmt  *stmt,
     const char    *kind,
     const char    *item,
     GError       **error)
{
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  return xuncha_store_step_done (store, stmt, error);
}

gboolean
xuncha_outbox_mark_acked (XunchaStore  *store,
                          const char   *kind,
                          const char   *item,
                          const char   *receipt,
                          GError      **error)
{
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO outbox (kind, item, state, receipt, queued_at, "
                               "  acked_at) VALUES (?1, ?2, 'acked', ?3, ?4, ?4) "
                               "ON CONFLICT (kind, item) DO UPDATE SET state = 'acked', "
                               "  receipt = coalesce (excluded.receipt, receipt), "
                               "  acked_at = excluded.acked_at, last_error = NULL, "
                               "  next_try_at = NULL",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, receipt, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_STATIC);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_mark_retry (XunchaStore  *store,
                          const char   *kind,
                          const char   *item,
                          const char   *message,
                          gint64        next_try_ms,
                          GError      **error)
{
  g_autofree char *next = iso_from_ms (next_try_ms);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  /* An item the sync holds stays 'sending' while it waits to try again: it still sends
   * what it read, so nothing may change it meanwhile. */
  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET attempts = attempts + 1, "
                               "  state = CASE state WHEN 'sending' THEN 'sending' "
                               "    ELSE 'waiting' END, "
                               "  last_error = ?3, next_try_at = ?4 "
                               "WHERE kind = ?1 AND item = ?2 AND state != 'acked'",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, next, -1, SQLITE_STATIC);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_mark_failed (XunchaStore  *store,
                           const char   *kind,
                           const char   *item,
                           const char   *message,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET state = 'failed', attempts = attempts + 1, "
                               "  last_error = ?3, next_try_at = NULL "
                               "WHERE kind = ?1 AND item = ?2 AND state != 'acked'",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, message, -1, SQLITE_STATIC);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_set_progress (XunchaStore  *store,
                            const char   *kind,
                            const char   *item,
                            gint64        progress,
                            GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET progress = max (progress, ?3) "
                               "WHERE kind = ?1 AND item = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, progress);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_set_reason (XunchaStore  *store,
                          const char   *kind,
                          const char   *item,
                          const char   *reason,
                          GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET last_error = ?3 "
                               "WHERE kind = ?1 AND item = ?2 AND state IN ('waiting', 'sending')",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_set_office_points (XunchaStore  *store,
                                 const char   *kind,
                                 const char   *item,
                                 gint64        points,
                                 GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET office_points = ?3 "
                               "WHERE kind = ?1 AND item = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, points);
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_requeue (XunchaStore  *store,
                       const char   *kind,
                       const char   *item,
                       GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET state = 'waiting', next_try_at = NULL "
                               "WHERE kind = ?1 AND item = ?2", error);
  if (stmt == NULL)
    return FALSE;
  return run (store, stmt, kind, item, error);
}

gboolean
xuncha_outbox_mark_sending (XunchaStore  *store,
                            const char   *kind,
                            const char   *item,
                            GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind != NULL && item != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET state = 'sending' "
                               "WHERE kind = ?1 AND item = ?2 AND state = 'waiting'", error);
  if (stmt == NULL || !run (store, stmt, kind, item, error))
    return FALSE;
  return sqlite3_changes (xuncha_store_get_db (store)) > 0;
}

gboolean
xuncha_outbox_end_sending (XunchaStore  *store,
                           const char   *kind,
                           const char   *item,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind != NULL && item != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET state = 'waiting' "
                               "WHERE kind = ?1 AND item = ?2 AND state = 'sending'", error);
  if (stmt == NULL)
    return FALSE;
  return run (store, stmt, kind, item, error);
}

static int
open_lock_file (XunchaStore  *store,
                GError      **error)
{
  g_autofree char *path = g_build_filename (xuncha_store_get_data_dir (store), "sending.lock",
                                            NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the lock file %s: %s"), path, g_strerror (saved));
    }
  return fd;
}

static int
lock_sending (XunchaStore  *store,
              gboolean      wait,
              gboolean     *busy,
              GError      **error)
{
  int fd = open_lock_file (store, error);

  if (busy != NULL)
    *busy = FALSE;
  if (fd < 0)
    return -1;
  /* Exclusive: one sync per device at a time, whichever process runs it (the app, the
   * command line), or two syncs would send the same photos and take each other's
   * reports. The kernel drops the lock with the process, however it ends. */
  while (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      close (fd);
      if (saved == EWOULDBLOCK && busy != NULL)
        {
          *busy = TRUE;
          return -1;
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not lock the outbox: %s"), g_strerror (saved));
      return -1;
    }
  return fd;
}

int
xuncha_outbox_hold_sending (XunchaStore  *store,
                            GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  return lock_sending (store, TRUE, NULL, error);
}

int
xuncha_outbox_try_hold_sending (XunchaStore  *store,
                                gboolean     *busy,
                                GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);
  g_return_val_if_fail (busy != NULL, -1);

  return lock_sending (store, FALSE, busy, error);
}

void
xuncha_outbox_release_sending (int hold)
{
  if (hold >= 0)
    close (hold);
}

static int
requeue_sending (XunchaStore  *store,
                 GError      **error)
{
  if (!xuncha_store_exec (store, "UPDATE outbox SET state = 'waiting' WHERE state = 'sending'",
                          error))
    return -1;
  return sqlite3_changes (xuncha_store_get_db (store));
}

int
xuncha_outbox_requeue_sending (XunchaStore  *store,
                               GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  return requeue_sending (store, error);
}

int
xuncha_outbox_recover_sending (XunchaStore  *store,
                               GError      **error)
{
  sqlite3_stmt *stmt;
  gboolean any;
  int fd;
  int changed;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  /* Only read first: most opens find nothing, and an UPDATE would wait for the write
   * lock even when no row matches. */
  stmt = xuncha_store_prepare (store,
                               "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'sending')",
                               error);
  if (stmt == NULL)
    return -1;
  any = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (!any)
    return 0;

  fd = open_lock_file (store, error);
  if (fd < 0)
    return -1;
  /* A sync that is alive holds the lock: its rows are really on their way. The lock of a
   * process that died went with it. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return 0;
    }
  changed = requeue_sending (store, error);
  close (fd);
  if (changed > 0)
    g_debug ("%d outbox items a stopped sync left 'sending' wait again", changed);
  return changed;
}

int
xuncha_outbox_retry_failed (XunchaStore  *store,
                            GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  if (!xuncha_store_exec (store,
                          "UPDATE outbox SET state = 'waiting', next_try_at = NULL "
                          "WHERE state = 'failed'", error))
    return -1;
  return sqlite3_changes (xuncha_store_get_db (store));
}

int
xuncha_outbox_requeue_acked (XunchaStore  *store,
                             GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  if (!xuncha_store_exec (store,
                          "UPDATE outbox SET state = 'waiting', next_try_at = NULL "
                          "WHERE kind IN ('report', 'shift', 'task_accept', 'task_result', "
                          "  'message_read') AND state = 'acked'", error))
    return -1;
  return sqlite3_changes (xuncha_store_get_db (store));
}

GPtrArray *
xuncha_outbox_list (XunchaStore  *store,
                    GError      **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT kind, item, state, attempts, next_try_at, last_error, "
                               "  receipt, queued_at, acked_at, progress, office_points, "
                               "  CASE kind WHEN 'shift' THEN (SELECT count(*) FROM "
                               "    track_points WHERE shift_uuid = outbox.item) END "
                               "FROM outbox "
                               "ORDER BY CASE kind WHEN 'report' THEN 0 WHEN 'photo' THEN 1 "
                               "  ELSE 2 END, queued_at, item",
                               error);
  if (stmt == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOutboxEntry *e = g_new0 (XunchaOutboxEntry, 1);

      e->kind = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      e->item = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      e->state = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      e->attempts = sqlite3_column_int64 (stmt, 3);
      e->next_try_at = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      e->last_error = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      e->receipt = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      e->queued_at = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
      e->acked_at = g_strdup ((const char *)sqlite3_column_text (stmt, 8));
      e->progress = sqlite3_column_int64 (stmt, 9);
      e->office_points = sqlite3_column_type (stmt, 10) != SQLITE_NULL
                         ? sqlite3_column_int64 (stmt, 10) : -1;
      e->points = sqlite3_column_type (stmt, 11) != SQLITE_NULL
                  ? sqlite3_column_int64 (stmt, 11) : -1;
      g_ptr_array_add (entries, e);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the outbox");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

gboolean
xuncha_outbox_count (XunchaStore         *store,
                     const char          *kind,
                     XunchaOutboxCounts  *counts,
                     GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  memset (counts, 0, sizeof *counts);
  /* A shift is acknowledged when the office holds as many of its points as the device:
   * the row's state alone once called a shift whose first point never went acknowledged. */
  stmt = xuncha_store_prepare (store,
                               "SELECT CASE WHEN state = 'acked' AND kind = 'shift' "
                               "    AND coalesce (office_points, -1) < (SELECT count(*) "
                               "      FROM track_points WHERE shift_uuid = outbox.item) "
                               "  THEN 'waiting' ELSE state END AS shown, count(*) "
                               "FROM outbox WHERE kind = ?1 GROUP BY shown", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *state = (const char *)sqlite3_column_text (stmt, 0);
      guint n = (guint)sqlite3_column_int64 (stmt, 1);

      if (g_str_equal (state, "acked"))
        counts->acked += n;
      else if (g_str_equal (state, "failed"))
        counts->failed += n;
      else
        counts->waiting += n;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_store_set_error (store, error, "Could not count the outbox");
  return TRUE;
}

char *
xuncha_outbox_get_state (XunchaStore *store,
                         const char  *kind,
                         const char  *item)
{
  sqlite3_stmt *stmt;
  char *state = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store, "SELECT state FROM outbox WHERE kind = ?1 AND item = ?2",
                               NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return state;
}

gint64
xuncha_outbox_next_try_ms (XunchaStore *store)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autofree char *next = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  /* The times are ISO 8601 UTC of one format, so the text order is the time order. */
  stmt = xuncha_store_prepare (store,
                               "SELECT min (next_try_at) FROM outbox "
                               "WHERE state IN ('waiting', 'sending') AND next_try_at IS NOT NULL",
                               NULL);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    next = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (next == NULL)
    return -1;
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (next, utc);
  return when != NULL ? g_date_time_to_unix (when) * 1000 : -1;
}
