/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What an officer sends when he has done a task (docs/protocol.md,
 * PUT api/v1/tasks/{id}/result). Strings are owned; absent values are NULL, absent
 * numbers NAN. @result_uuid, made on the device, is the idempotency key. */
typedef struct
{
  char      *task_id;
  char      *result_uuid;
  char      *outcome;          /* see xuncha_wire_task_result_check_kind() */
  char      *category;         /* verify/different: the right category; else NULL */
  GStrv      report_uuids;     /* never NULL after decoding; at most 20 */
  char      *note;
  gboolean   has_position;
  double     lat;
  double     lon;
  double     accuracy;
  char      *position_source;  /* gps | manual | exif | track */
  char      *shift_uuid;
  char      *done_at;
} XunchaWireTaskResult;

/* The most reports one result names. */
#define XUNCHA_WIRE_TASK_RESULT_REPORTS_MAX 20

GType                 xuncha_wire_task_result_get_type   (void) G_GNUC_CONST;
#define XUNCHA_TYPE_WIRE_TASK_RESULT (xuncha_wire_task_result_get_type ())

XunchaWireTaskResult *xuncha_wire_task_result_new        (void);
XunchaWireTaskResult *xuncha_wire_task_result_copy       (const XunchaWireTaskResult *result);
void                  xuncha_wire_task_result_free       (XunchaWireTaskResult *result);

/* Checks every value against the protocol, whatever the task's kind. */
gboolean              xuncha_wire_task_result_validate   (const XunchaWireTaskResult *result,
                                                          GError             **error);
/* Whether the result answers a task of @kind: the outcome is one of the kind's (verify:
 * confirmed, not_found, different; check: fixed, not_fixed, partly; rollcall: present;
 * patrol: walked), and a roll call carries a position and the shift it was answered in
 * (a roll call is answered only while a shift is on). */
gboolean              xuncha_wire_task_result_check_kind (const XunchaWireTaskResult *result,
                                                          const char         *kind,
                                                          GError            **error);
XunchaWireTaskResult *xuncha_wire_task_result_from_json  (JsonNode           *node,
                                                          GError            **error);
/* Decodes and validates a result body. */
XunchaWireTaskResult *xuncha_wire_task_result_decode     (const char         *data,
                                                          gssize              length,
                                                          GError            **error);
/* The canonical encoding: members in protocol order, null for absent values. Two results
 * are the same content exactly when these strings are equal. */
JsonNode             *xuncha_wire_task_result_to_json    (const XunchaWireTaskResult *result);
char                 *xuncha_wire_task_result_encode     (const XunchaWireTaskResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireTaskResult, xuncha_wire_task_result_free)

G_END_DECLS
