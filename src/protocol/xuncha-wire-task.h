/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xuncha-wire-task-result.h"

G_BEGIN_DECLS

/* A task the office gives an officer or a team (docs/protocol.md, GET api/v1/tasks).
 * Strings are owned; absent values are NULL, absent numbers NAN. */
typedef struct
{
  char                 *id;
  char                 *kind;          /* verify | check | rollcall | patrol */
  char                 *officer_id;    /* exactly one of officer_id and team */
  char                 *team;
  char                 *state;         /* open | accepted | done | cancelled | expired */
  char                 *accepted_by;
  char                 *created_at;
  char                 *deadline;
  gboolean              has_position;  /* verify and check only */
  double                lat;
  double                lon;
  double                radius_m;      /* with the position, else NAN */
  char                 *category;
  GStrv                 street_ids;    /* never NULL; patrol only */
  char                 *report_uuid;
  char                 *note;
  GStrv                 photos;        /* SHA-256 names, never NULL */
  XunchaWireTaskResult *result;        /* the result the office holds, or NULL */
  gint64                revision;
} XunchaWireTask;

#define XUNCHA_WIRE_TASK_RADIUS_MAX_M  10000.0
#define XUNCHA_WIRE_TASK_STREETS_MAX   500
#define XUNCHA_WIRE_TASK_PHOTOS_MAX    8
/* The most tasks (and messages) in one delta answer; the device asks again from its
 * revision while it gets this many. */
#define XUNCHA_WIRE_TASK_DELTA_MAX     1000

GType           xuncha_wire_task_get_type       (void) G_GNUC_CONST;
#define XUNCHA_TYPE_WIRE_TASK (xuncha_wire_task_get_type ())

XunchaWireTask *xuncha_wire_task_new            (void);
XunchaWireTask *xuncha_wire_task_copy           (const XunchaWireTask *task);
void            xuncha_wire_task_free           (XunchaWireTask       *task);

/* Whether @kind and @state are ones the protocol has. */
gboolean        xuncha_wire_task_is_kind        (const char           *kind);
gboolean        xuncha_wire_task_is_state       (const char           *state);

/* Checks every value against the protocol. */
gboolean        xuncha_wire_task_validate       (const XunchaWireTask *task,
                                                 GError              **error);
XunchaWireTask *xuncha_wire_task_from_json      (JsonNode             *node,
                                                 GError              **error);
/* The canonical encoding: members in protocol order, null for absent values. */
JsonNode       *xuncha_wire_task_to_json        (const XunchaWireTask *task);
char           *xuncha_wire_task_encode         (const XunchaWireTask *task);

/* GET api/v1/tasks?since=REV: {"revision": R, "tasks": [...]}. @tasks holds
 * XunchaWireTask. Decoding returns them (at most XUNCHA_WIRE_TASK_DELTA_MAX). */
char           *xuncha_wire_task_delta_encode   (gint64                revision,
                                                 GPtrArray            *tasks);
GPtrArray      *xuncha_wire_task_delta_decode   (const char           *data,
                                                 gssize                length,
                                                 gint64               *revision,
                                                 GError              **error);

/* The answers of accept and result: {"task": ...}. The 409 task_taken answer carries the
 * error beside the task: {"error": {"code", "message"}, "task": ...}; decoding takes both
 * (read the error with xuncha_protocol_decode_error()). */
char           *xuncha_wire_task_encode_answer  (const XunchaWireTask *task);
char           *xuncha_wire_task_encode_taken   (const XunchaWireTask *task,
                                                 const char           *message);
XunchaWireTask *xuncha_wire_task_decode_answer  (const char           *data,
                                                 gssize                length,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireTask, xuncha_wire_task_free)

G_END_DECLS
