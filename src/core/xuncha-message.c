/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-message"

#include "config.h"

#include "xuncha-message.h"

G_DEFINE_BOXED_TYPE (XunchaMessage, xuncha_message, xuncha_message_copy, xuncha_message_free)

void
xuncha_message_free (XunchaMessage *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->audience);
  g_free (self->team);
  g_free (self->officer_id);
  g_free (self->sender);
  g_free (self->title);
  g_free (self->body);
  g_free (self->sent_at);
  g_free (self->read_at);
  g_free (self);
}

XunchaMessage *
xuncha_message_copy (const XunchaMessage *self)
{
  XunchaMessage *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->id = g_strdup (self->id);
  copy->audience = g_strdup (self->audience);
  copy->team = g_strdup (self->team);
  copy->officer_id = g_strdup (self->officer_id);
  copy->sender = g_strdup (self->sender);
  copy->title = g_strdup (self->title);
  copy->body = g_strdup (self->body);
  copy->sent_at = g_strdup (self->sent_at);
  copy->read_at = g_strdup (self->read_at);
  return copy;
}
