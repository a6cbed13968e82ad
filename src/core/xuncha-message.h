/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A notice (通知) from the office to the officer, his team or everyone. A plain struct:
 * read the fields. */
typedef struct
{
  char   *id;
  char   *audience;     /* officer | team | all */
  char   *team;         /* audience team, else NULL */
  char   *officer_id;   /* audience officer, else NULL */
  char   *sender;
  char   *title;
  char   *body;
  char   *sent_at;      /* ISO 8601 UTC */
  char   *read_at;      /* when the officer read it (here or as the office says), or NULL */
  gint64  revision;
} XunchaMessage;

#define XUNCHA_TYPE_MESSAGE (xuncha_message_get_type ())

GType          xuncha_message_get_type (void) G_GNUC_CONST;
XunchaMessage *xuncha_message_copy     (const XunchaMessage *self);
void           xuncha_message_free     (XunchaMessage       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaMessage, xuncha_message_free)

G_END_DECLS
