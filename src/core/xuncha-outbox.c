/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-outbox"

#include "config.h"

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

gboolean
xuncha_outbox_enqueue_missing (XunchaStore  *store,
                               GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  return xuncha_store_exec (store,
                            "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                            "  SELECT 'shift', uuid, started_at FROM shifts;"
                            "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                            "  SELECT 'report', uuid, created_at FROM reports;"
                            "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                            "  SELECT 'photo', sha256, created_at FROM photos "
                            "  WHERE sha256 IN (SELECT sha256 FROM report_photos);",
                            error);
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

  stmt = xuncha_store_prepare (store,
                               "UPDATE outbox SET state = 'waiting', attempts = attempts + 1, "
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
                               "  receipt, queued_at, acked_at, progress FROM outbox "
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
  stmt = xuncha_store_prepare (store,
                               "SELECT state, count(*) FROM outbox WHERE kind = ?1 "
                               "GROUP BY state", error);
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
