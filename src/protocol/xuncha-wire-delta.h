/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The pull answers: GET api/v1/streets, merchants and reports (status) since a revision.
 * Each item is kept as its validated JSON object; the typed readers below pick values. */
typedef enum
{
  XUNCHA_WIRE_DELTA_STREETS,
  XUNCHA_WIRE_DELTA_MERCHANTS,
  XUNCHA_WIRE_DELTA_STATUS,
} XunchaWireDeltaKind;

typedef struct
{
  XunchaWireDeltaKind  kind;
  gint64               revision;
  GPtrArray           *items;     /* JsonObject, validated */
  GStrv                deleted;   /* ids; empty for status */
} XunchaWireDelta;

void             xuncha_wire_delta_free          (XunchaWireDelta     *delta);

/* Validates one item (a street, a merchant, a status) as the office imports or sends it. */
gboolean         xuncha_wire_delta_validate_item (XunchaWireDeltaKind  kind,
                                                  JsonObject          *item,
                                                  GError             **error);
/* @items are JsonObject; @deleted may be NULL. */
char            *xuncha_wire_delta_encode        (XunchaWireDeltaKind  kind,
                                                  gint64               revision,
                                                  GPtrArray           *items,
                                                  const char * const  *deleted);
XunchaWireDelta *xuncha_wire_delta_decode        (XunchaWireDeltaKind  kind,
                                                  const char          *data,
                                                  gssize               length,
                                                  GError             **error);

/* A validated item's text member, or NULL where it is absent or null. */
const char      *xuncha_wire_delta_item_string   (JsonObject          *item,
                                                  const char          *name);

/* Reads the coordinates of a street's LineString or MultiLineString: a flat array of
 * lon, lat pairs per line (GPtrArray of GArray of double). */
GPtrArray       *xuncha_wire_street_lines        (JsonObject          *street);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaWireDelta, xuncha_wire_delta_free)

G_END_DECLS
