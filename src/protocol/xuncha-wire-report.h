/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A report as it travels (docs/protocol.md, PUT api/v1/reports/{uuid}). Strings are
 * owned; absent values are NULL, absent numbers NAN. */
typedef struct
{
  char      *sha256;
  char      *role;          /* before | after | evidence */
} XunchaWirePhoto;

typedef struct
{
  char      *uuid;
  char      *created_at;
  char      *shift_uuid;
  char      *category;
  JsonNode  *fields;        /* an object, never NULL after decoding */
  char      *note;
  gboolean   has_position;
  double     lat;
  double     lon;
  double     accuracy;
  double     altitude;
  double     heading;
  char      *position_source;  /* gps | manual | exif | track */
  char      *street_id;
  double     street_offset_m;
  char      *merchant_id;
  char      *disposition;   /* corrected | deadline | case */
  char      *deadline;
  char      *parent_uuid;
  GPtrArray *photos;        /* XunchaWirePhoto */
} XunchaWireReport;

XunchaWireReport *xuncha_wire_report_new            (void);
void              xuncha_wire_report_free           (XunchaWireReport  *report);
void              xuncha_wire_report_add_photo      (XunchaWireReport  *report,
                                                     const char        *sha256,
                                                     const char        *role);

/* Checks every value against the protocol. */
gboolean          xuncha_wire_report_validate       (const XunchaWireReport *report,
                                                     GError           **error);
/* Decodes and validates a report body. */
XunchaWireReport *xuncha_wire_report_decode         (const char        *data,
                                                     gssize             length,
                                                     GError           **error);
XunchaWireReport *xuncha_wire_report_from_json      (JsonNode          *node,
                                                     GError           **error);
/* The canonical encoding: members in protocol order, null for absent values, fields
 * sorted. Two reports are the same content exactly when these strings are equal. */
JsonNode         *xuncha_wire_report_to_json        (const XunchaWireReport *report);
char             *xuncha_wire_report_encode         (const XunchaWireReport *report);
/* SHA-256 of the canonical encoding, lowercase hex. */
char             *xuncha_wire_report_content_sha256 (const XunchaWireReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireReport, xuncha_wire_report_free)

G_END_DECLS
