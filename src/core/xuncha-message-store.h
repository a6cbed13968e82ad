/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-message.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* The office's messages to the officer (the table messages). They come with every sync;
 * reading one is kept and queued for the office in one transaction. */

#define XUNCHA_MESSAGE_STORE_ERROR (xuncha_message_store_error_quark ())

typedef enum
{
  XUNCHA_MESSAGE_STORE_ERROR_NOT_FOUND,
  XUNCHA_MESSAGE_STORE_ERROR_FAILED,
} XunchaMessageStoreError;

GQuark         xuncha_message_store_error_quark (void);

/* Stores the office's messages (XunchaMessage); a message already held is updated, and
 * the first time it was read stays. Joins the caller's transaction. *@added: how many
 * the device did not hold before. */
gboolean       xuncha_message_store_apply       (XunchaStore   *store,
                                                 GPtrArray     *messages,
                                                 guint         *added,
                                                 GError       **error);
/* Newest first; with @unread_only, only those not read yet. XunchaMessage. */
GPtrArray     *xuncha_message_store_list        (XunchaStore   *store,
                                                 gboolean       unread_only,
                                                 GError       **error);
XunchaMessage *xuncha_message_store_get         (XunchaStore   *store,
                                                 const char    *id,
                                                 GError       **error);
/* The officer read it at @read_at: kept and queued for the office. Again: nothing
 * changes (the first time stays). */
gboolean       xuncha_message_store_mark_read   (XunchaStore   *store,
                                                 const char    *id,
                                                 const char    *read_at,
                                                 GError       **error);

G_END_DECLS
