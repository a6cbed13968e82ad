/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-street-segment"

#include "config.h"

#include <string.h>

#include "xuncha-fix.h"
#include "xuncha-street-segment.h"

struct _XunchaStreetSegment
{
  char              *id;
  char              *name;
  char              *kind;
  char              *grid_cell;
  char              *community;
  char              *unit;
  XunchaStreetClass  klass;
  guint              n_parts;
  guint              n_vertices;
  guint             *part_ends;
  double            *lonlat;
  double             length_m;
  double             bbox[4];
};

G_DEFINE_BOXED_TYPE (XunchaStreetSegment, xuncha_street_segment,
                     xuncha_street_segment_ref, xuncha_street_segment_unref)

static const struct
{
  const char        *name;
  XunchaStreetClass  klass;
} class_names[] = {
  { "strict", XUNCHA_STREET_CLASS_STRICT },
  { "class1", XUNCHA_STREET_CLASS_CLASS1 },
  { "class2", XUNCHA_STREET_CLASS_CLASS2 },
  { "other", XUNCHA_STREET_CLASS_OTHER },
  { "严管街", XUNCHA_STREET_CLASS_STRICT },
  { "严管", XUNCHA_STREET_CLASS_STRICT },
  { "一类", XUNCHA_STREET_CLASS_CLASS1 },
  { "一类街", XUNCHA_STREET_CLASS_CLASS1 },
  { "二类", XUNCHA_STREET_CLASS_CLASS2 },
  { "二类街", XUNCHA_STREET_CLASS_CLASS2 },
};

const char *
xuncha_street_class_to_string (XunchaStreetClass klass)
{
  g_return_val_if_fail (klass <= XUNCHA_STREET_CLASS_OTHER, "other");
  return class_names[klass].name;
}

XunchaStreetClass
xuncha_street_class_from_string (const char *value)
{
  g_autofree char *stripped = NULL;

  if (value == NULL)
    return XUNCHA_STREET_CLASS_OTHER;
  /* Stored values are already the canonical names: no copy for them. */
  for (guint i = 0; i < G_N_ELEMENTS (class_names); i++)
    if (g_str_equal (value, class_names[i].name))
      return class_names[i].klass;
  stripped = g_ascii_strdown (value, -1);
  g_strstrip (stripped);
  for (guint i = 0; i < G_N_ELEMENTS (class_names); i++)
    if (g_str_equal (stripped, class_names[i].name))
      return class_names[i].klass;
  return XUNCHA_STREET_CLASS_OTHER;
}

/* Copies @value (may be NULL) to *@cursor, which moves past it. */
static char *
pack_string (char       **cursor,
             const char  *value)
{
  char *copy;
  size_t size;

  if (value == NULL)
    return NULL;
  size = strlen (value) + 1;
  copy = memcpy (*cursor, value, size);
  *cursor += size;
  return copy;
}

XunchaStreetSegment *
xuncha_street_segment_new (const char         *id,
                           const char         *name,
                           XunchaStreetClass   klass,
                           const char         *kind,
                           const char         *grid_cell,
                           const char         *community,
                           const char         *unit,
                           const double       *lonlat,
                           const guint        *part_ends,
                           guint               n_parts)
{
  XunchaStreetSegment *self;
  const char *strings[] = { id, name, kind, grid_cell, community, unit };
  gsize vertices_size, ends_size, size;
  char *cursor;
  guint start = 0;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (lonlat != NULL && part_ends != NULL && n_parts > 0, NULL);
  for (guint p = 0; p < n_parts; p++)
    {
      g_return_val_if_fail (part_ends[p] >= start + 2, NULL);
      start = part_ends[p];
    }

  /* One block per segment: the struct, its vertices, its part ends, then its strings. A
   * city map holds 100,000 segments, and nine allocations each were a good part of the
   * time to read it. */
  vertices_size = 2 * (gsize)part_ends[n_parts - 1] * sizeof (double);
  ends_size = n_parts * sizeof (guint);
  size = sizeof (XunchaStreetSegment) + vertices_size + ends_size;
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    size += strings[i] != NULL ? strlen (strings[i]) + 1 : 0;
  G_STATIC_ASSERT (sizeof (XunchaStreetSegment) % sizeof (double) == 0);

  self = g_atomic_rc_box_alloc0 (size);
  cursor = (char *)(self + 1);
  self->lonlat = memcpy (cursor, lonlat, vertices_size);
  cursor += vertices_size;
  self->part_ends = memcpy (cursor, part_ends, ends_size);
  cursor += ends_size;
  self->id = pack_string (&cursor, id);
  self->name = pack_string (&cursor, name);
  self->kind = pack_string (&cursor, kind);
  self->grid_cell = pack_string (&cursor, grid_cell);
  self->community = pack_string (&cursor, community);
  self->unit = pack_string (&cursor, unit);
  self->klass = klass <= XUNCHA_STREET_CLASS_OTHER ? klass : XUNCHA_STREET_CLASS_OTHER;
  self->n_parts = n_parts;
  self->n_vertices = part_ends[n_parts - 1];

  xuncha_street_segment_measure (lonlat, part_ends, n_parts, self->bbox, &self->length_m);
  return self;
}

void
xuncha_street_segment_measure (const double *lonlat,
                               const guint  *part_ends,
                               guint         n_parts,
                               double        bbox[4],
                               double       *length_m)
{
  guint start = 0;

  g_return_if_fail (lonlat != NULL && part_ends != NULL && n_parts > 0);

  bbox[0] = bbox[2] = lonlat[0];
  bbox[1] = bbox[3] = lonlat[1];
  *length_m = 0;
  for (guint p = 0; p < n_parts; p++)
    {
      for (guint i = start; i < part_ends[p]; i++)
        {
          double lon = lonlat[2 * i], lat = lonlat[2 * i + 1];

          bbox[0] = MIN (bbox[0], lon);
          bbox[1] = MIN (bbox[1], lat);
          bbox[2] = MAX (bbox[2], lon);
          bbox[3] = MAX (bbox[3], lat);
          /* Parts are not joined: the gap between two parts is no street. */
          if (i > start)
            *length_m += xuncha_distance_m (lonlat[2 * i - 1], lonlat[2 * i - 2], lat, lon);
        }
      start = part_ends[p];
    }
}

XunchaStreetSegment *
xuncha_street_segment_ref (XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
xuncha_street_segment_unref (XunchaStreetSegment *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release (self);
}

const char *
xuncha_street_segment_get_id (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

const char *
xuncha_street_segment_get_name (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

XunchaStreetClass
xuncha_street_segment_get_class (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, XUNCHA_STREET_CLASS_OTHER);
  return self->klass;
}

const char *
xuncha_street_segment_get_kind (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kind;
}

const char *
xuncha_street_segment_get_grid_cell (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->grid_cell;
}

const char *
xuncha_street_segment_get_community (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->community;
}

const char *
xuncha_street_segment_get_unit (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->unit;
}

double
xuncha_street_segment_get_length_m (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->length_m;
}

void
xuncha_street_segment_get_bbox (const XunchaStreetSegment *self,
                                double                    *min_lon,
                                double                    *min_lat,
                                double                    *max_lon,
                                double                    *max_lat)
{
  g_return_if_fail (self != NULL);
  if (min_lon != NULL)
    *min_lon = self->bbox[0];
  if (min_lat != NULL)
    *min_lat = self->bbox[1];
  if (max_lon != NULL)
    *max_lon = self->bbox[2];
  if (max_lat != NULL)
    *max_lat = self->bbox[3];
}

guint
xuncha_street_segment_get_n_parts (const XunchaStreetSegment *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_parts;
}

const double *
xuncha_street_segment_get_part (const XunchaStreetSegment *self,
                                guint                      part,
                                guint                     *n_vertices)
{
  guint start;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (part < self->n_parts, NULL);

  start = part == 0 ? 0 : self->part_ends[part - 1];
  if (n_vertices != NULL)
    *n_vertices = self->part_ends[part] - start;
  return self->lonlat + 2 * start;
}

const double *
xuncha_street_segment_get_coordinates (const XunchaStreetSegment *self,
                                       guint                     *n_vertices)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (n_vertices != NULL)
    *n_vertices = self->n_vertices;
  return self->lonlat;
}
