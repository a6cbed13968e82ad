/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A street segment (街面分段) as the office holds it: the unit of the 街面分段责任制. Its
 * line work is in WGS 84; a backend with a spatial type (PostGIS) stores it as one. */
typedef struct
{
  char      *id;
  char      *name;        /* nullable */
  char      *street_class; /* strict | class1 | class2 | other */
  char      *grid_cell;   /* nullable */
  char      *community;   /* nullable */
  char      *unit;        /* nullable */
  GPtrArray *lines;       /* GArray of double: lon, lat, lon, lat, ... one per line */
  gint64     revision;    /* set by the records: the revision it last changed at */
} XunchaOfficeStreet;

XunchaOfficeStreet *xuncha_office_street_new       (void);
void                xuncha_office_street_free      (XunchaOfficeStreet *street);
/* Reads a validated wire item (xuncha_wire_delta_validate_item); NULL with @error if it
 * does not hold. */
XunchaOfficeStreet *xuncha_office_street_from_json (JsonObject         *item,
                                                    GError            **error);
/* The wire item, with a LineString for one line and a MultiLineString for several. */
JsonObject         *xuncha_office_street_to_json   (const XunchaOfficeStreet *street);
/* TRUE when both hold the same values (the revision aside): an import then leaves the
 * street at its revision. */
gboolean            xuncha_office_street_equal     (const XunchaOfficeStreet *a,
                                                    const XunchaOfficeStreet *b);

/* Orders an array of XunchaOfficeStreet by id (g_ptr_array_sort()). */
gint                xuncha_office_street_compare_ids (gconstpointer a,
                                                      gconstpointer b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeStreet, xuncha_office_street_free)

G_END_DECLS
