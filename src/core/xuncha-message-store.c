/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-message-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-message-store.h"
#include "xuncha-store-private.h"

G_DEFINE_QUARK (xuncha-message-store-error-quark, xuncha_message_store_error)

#define column_text xuncha_store_column_dup
#define bind_text_or_null xuncha_store_bind_text_or_null

static XunchaMessage *
read_message (sqlite3_stmt *stmt)
{
  XunchaMessage *message = g_new0 (XunchaMessage, 1);

  message->id = column_text (stmt, 0);
  message->audience = column_text (stmt, 1);
  message->team = column_text (stmt, 2);
  message->officer_id = column_text (stmt, 3);
  message->sender = column_text (stmt, 4);
  message->title = column_text (stmt, 5);
  message->body = column_text (stmt, 6);
  message->sent_at = column_text (stmt, 7);
  message->read_at = column_text (stmt, 8);
  message->revision = sqlite3_column_int64 (stmt, 9);
  return message;
}

gboolean
xuncha_message_store_apply (XunchaStore  *store,
                            GPtrArray    *messages,
                            guint        *added,
                            GError      **error)
{
  sqlite3_stmt *known;
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  known = xuncha_store_prepare (store, "SELECT 1 FROM messages WHERE id = ?1", error);
  if (known == NULL)
    return FALSE;
  /* The first reading stays: one made here and not sent yet is earlier than none. */
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO messages (id, audience, team, officer_id, sender, "
                               "  title, body, sent_at, read_at, revision) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                               "ON CONFLICT (id) DO UPDATE SET audience = excluded.audience, "
                               "  team = excluded.team, officer_id = excluded.officer_id, "
                               "  sender = excluded.sender, title = excluded.title, "
                               "  body = excluded.body, sent_at = excluded.sent_at, "
                               "  read_at = coalesce (messages.read_at, excluded.read_at), "
                               "  revision = max (messages.revision, excluded.revision)",
                               error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      const XunchaMessage *message = messages->pdata[i];
      gboolean held;

      sqlite3_bind_text (known, 1, message->id, -1, SQLITE_TRANSIENT);
      held = sqlite3_step (known) == SQLITE_ROW;
      sqlite3_reset (known);

      sqlite3_bind_text (stmt, 1, message->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, message->audience, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, message->team);
      bind_text_or_null (stmt, 4, message->officer_id);
      sqlite3_bind_text (stmt, 5, message->sender, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, message->title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 7, message->body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 8, message->sent_at, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 9, message->read_at);
      sqlite3_bind_int64 (stmt, 10, message->revision);
      if (!xuncha_store_step_done (store, stmt, error))
        {
          g_prefix_error (error, "Could not keep message %s: ", message->id);
          return FALSE;
        }
      if (!held)
        count++;
    }
  if (added != NULL)
    *added = count;
  return TRUE;
}

GPtrArray *
xuncha_message_store_list (XunchaStore  *store,
                           gboolean      unread_only,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT id, audience, team, officer_id, sender, title, body, "
                               "  sent_at, read_at, revision FROM messages "
                               "WHERE NOT ?1 OR read_at IS NULL "
                               "ORDER BY sent_at DESC, id",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, unread_only ? 1 : 0);
  return xuncha_store_read_rows (store, stmt, (XunchaStoreRowReader)read_message,
                                 (GDestroyNotify)xuncha_message_free,
                                 "Could not read the messages", error);
}

XunchaMessage *
xuncha_message_store_get (XunchaStore  *store,
                          const char   *id,
                          GError      **error)
{
  XunchaMessage *message = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT id, audience, team, officer_id, sender, title, body, "
                               "  sent_at, read_at, revision FROM messages WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!xuncha_store_read_row (store, stmt, (XunchaStoreRowReader)read_message,
                              (gpointer *)&message, "Could not read the message", error))
    return NULL;
  if (message == NULL)
    g_set_error (error, XUNCHA_MESSAGE_STORE_ERROR, XUNCHA_MESSAGE_STORE_ERROR_NOT_FOUND,
                 _("There is no message %s on this device."), id);
  return message;
}

gboolean
xuncha_message_store_mark_read (XunchaStore  *store,
                                const char   *id,
                                const char   *read_at,
                                GError      **error)
{
  g_autoptr(XunchaMessage) message = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && read_at != NULL, FALSE);

  if (!xuncha_store_begin (store, error))
    return FALSE;
  message = xuncha_message_store_get (store, id, error);
  if (message == NULL)
    goto failed;
  if (message->read_at != NULL)
    return xuncha_store_commit (store, error);
  stmt = xuncha_store_prepare (store,
                               "UPDATE messages SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL",
                               error);
  if (stmt != NULL)
    return xuncha_store_commit_with_outbox (store, stmt, "message_read", id, read_at, error);

failed:
  xuncha_store_rollback (store);
  return FALSE;
}
