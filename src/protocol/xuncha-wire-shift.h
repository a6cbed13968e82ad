/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A shift and its track points as they travel (PUT api/v1/shifts/{uuid}, POST
 * api/v1/shifts/{uuid}/points). Absent numbers are NAN. */
typedef struct
{
  char *uuid;
  char *kind;         /* early | mid | late */
  char *started_at;
  char *ended_at;     /* NULL while the shift runs */
} XunchaWireShift;

typedef struct
{
  gint64 seq;
  gint64 t_ms;
  double lat;
  double lon;
  double accuracy;
  double altitude;
  double speed;
  double heading;
} XunchaWirePoint;

XunchaWireShift *xuncha_wire_shift_new          (void);
void             xuncha_wire_shift_free         (XunchaWireShift  *shift);
char            *xuncha_wire_shift_encode       (const XunchaWireShift *shift);
XunchaWireShift *xuncha_wire_shift_decode       (const char       *data,
                                                 gssize            length,
                                                 GError          **error);

/* {"points": [...]}: @points is a GArray of XunchaWirePoint. */
char            *xuncha_wire_points_encode      (const XunchaWirePoint *points,
                                                 guint             n_points);
GArray          *xuncha_wire_points_decode      (const char       *data,
                                                 gssize            length,
                                                 GError          **error);

/* Answers: shift {"uuid", "points"}; points {"stored", "points"}. */
char            *xuncha_wire_shift_ack_encode   (const char       *uuid,
                                                 gint64            points);
char            *xuncha_wire_points_ack_encode  (gint64            stored,
                                                 gint64            points);
/* The shift answer; @points is how many track points the office holds for it. */
gboolean         xuncha_wire_shift_ack_decode   (const char       *data,
                                                 gssize            length,
                                                 char            **uuid,
                                                 gint64           *points,
                                                 GError          **error);
gboolean         xuncha_wire_points_ack_decode  (const char       *data,
                                                 gssize            length,
                                                 gint64           *stored,
                                                 gint64           *points,
                                                 GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireShift, xuncha_wire_shift_free)

G_END_DECLS
