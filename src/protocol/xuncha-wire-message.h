/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A message (通知) from the office to an officer, a team or everyone (docs/protocol.md,
 * GET api/v1/messages). Strings are owned; absent values are NULL. */
typedef struct
{
  char   *id;
  char   *audience;      /* officer | team | all */
  char   *team;          /* for team */
  char   *officer_id;    /* for officer */
  char   *sender;
  char   *title;
  char   *body;
  char   *sent_at;
  char   *read_at;       /* when the caller read it, or NULL */
  gint64  revision;
} XunchaWireMessage;

GType              xuncha_wire_message_get_type      (void) G_GNUC_CONST;
#define XUNCHA_TYPE_WIRE_MESSAGE (xuncha_wire_message_get_type ())

XunchaWireMessage *xuncha_wire_message_new           (void);
XunchaWireMessage *xuncha_wire_message_copy          (const XunchaWireMessage *message);
void               xuncha_wire_message_free          (XunchaWireMessage       *message);

/* Checks every value against the protocol. */
gboolean           xuncha_wire_message_validate      (const XunchaWireMessage *message,
                                                      GError                 **error);
XunchaWireMessage *xuncha_wire_message_from_json     (JsonNode                *node,
                                                      GError                 **error);
JsonNode          *xuncha_wire_message_to_json       (const XunchaWireMessage *message);
char              *xuncha_wire_message_encode        (const XunchaWireMessage *message);

/* GET api/v1/messages?since=REV: {"revision": R, "messages": [...]}; @messages holds
 * XunchaWireMessage. Decoding returns them (at most XUNCHA_WIRE_TASK_DELTA_MAX). */
char              *xuncha_wire_message_delta_encode  (gint64                   revision,
                                                      GPtrArray               *messages);
GPtrArray         *xuncha_wire_message_delta_decode  (const char              *data,
                                                      gssize                   length,
                                                      gint64                  *revision,
                                                      GError                 **error);

/* The answer of PUT api/v1/messages/{id}/read: {"message": ...}. */
char              *xuncha_wire_message_encode_answer (const XunchaWireMessage *message);
XunchaWireMessage *xuncha_wire_message_decode_answer (const char              *data,
                                                      gssize                   length,
                                                      GError                 **error);

/* The body of PUT api/v1/messages/{id}/read: {"read_at": "…"}. */
char              *xuncha_wire_message_encode_read   (const char              *read_at);
gboolean           xuncha_wire_message_decode_read   (const char              *data,
                                                      gssize                   length,
                                                      char                   **read_at,
                                                      GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireMessage, xuncha_wire_message_free)

G_END_DECLS
