/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-street-map"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "xuncha-coverage-private.h"
#include "xuncha-street-map-private.h"

/* WGS-84 ellipsoid, for the scale of the local projection. */
#define WGS84_A  6378137.0
#define WGS84_E2 0.00669437999014

/* STRtree fan-out: GEOS's own default. */
#define TREE_NODE_CAPACITY 10
/* Track pieces go to the index in chunks of this many: fewer queries, and a chunk of a
 * walk is still only tens of metres long. */
#define COVERAGE_CHUNK 32
/* A position this close to the centre line is on it, not on a side. */
#define ON_LINE_M 0.01

typedef struct
{
  guint         segment;       /* index into segments */
  guint         first;         /* index of its first vertex in xy */
  guint         n;             /* number of vertices */
  double        start_offset;  /* metres along the segment before this part */
  GEOSGeometry *line;          /* projected */
} Part;

struct _XunchaStreetMap
{
  GObject              parent_instance;

  GEOSContextHandle_t  geos;
  GPtrArray           *segments;     /* XunchaStreetSegment */
  GHashTable          *ids;          /* id (owned copy) -> index + 1 */
  double               lat0, lon0;   /* centre of the projection */
  double               kx, ky;       /* metres per degree of lon, lat at the centre */
  double              *xy;           /* projected vertices, x y pairs */
  Part                *parts;
  guint                n_parts;
  double              *seg_length;   /* projected length of each segment */
  GEOSSTRtree         *tree;         /* items: Part * */
  gboolean             have_bbox;
  double               bbox[4];
};

G_DEFINE_TYPE (XunchaStreetMap, xuncha_street_map, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-street-map-error-quark, xuncha_street_map_error)

static void
on_geos_message (const char *message,
                 void       *user_data)
{
  /* Our geometries are made here and valid; a message is worth a debug line, not more. */
  g_debug ("GEOS: %s", message);
}

static void
xuncha_street_map_finalize (GObject *object)
{
  XunchaStreetMap *self = (XunchaStreetMap *)object;

  if (self->tree != NULL)
    GEOSSTRtree_destroy_r (self->geos, self->tree);
  for (guint i = 0; i < self->n_parts; i++)
    GEOSGeom_destroy_r (self->geos, self->parts[i].line);
  g_free (self->parts);
  g_free (self->xy);
  g_free (self->seg_length);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  GEOS_finish_r (self->geos);

  G_OBJECT_CLASS (xuncha_street_map_parent_class)->finalize (object);
}

static void
xuncha_street_map_class_init (XunchaStreetMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_street_map_finalize;
}

static void
xuncha_street_map_init (XunchaStreetMap *self)
{
  self->geos = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (self->geos, on_geos_message, NULL);
  GEOSContext_setNoticeMessageHandler_r (self->geos, on_geos_message, NULL);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

const char *
xuncha_street_side_to_string (XunchaStreetSide side)
{
  switch (side)
    {
    case XUNCHA_STREET_SIDE_LEFT:
      return "left";
    case XUNCHA_STREET_SIDE_RIGHT:
      return "right";
    case XUNCHA_STREET_SIDE_ON:
    default:
      return "on";
    }
}

void
xuncha_street_map_project (XunchaStreetMap *self,
                           double           lat,
                           double           lon,
                           double          *x,
                           double          *y)
{
  *x = (lon - self->lon0) * self->kx;
  *y = (lat - self->lat0) * self->ky;
}

void
xuncha_street_map_unproject (XunchaStreetMap *self,
                             double           x,
                             double           y,
                             double          *lat,
                             double          *lon)
{
  *lon = self->lon0 + x / self->kx;
  *lat = self->lat0 + y / self->ky;
}

GEOSContextHandle_t
xuncha_street_map_get_geos_context (XunchaStreetMap *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);
  return self->geos;
}

guint
xuncha_street_map_get_n_parts (XunchaStreetMap *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), 0);
  return self->n_parts;
}

const GEOSGeometry *
xuncha_street_map_get_part (XunchaStreetMap *self,
                            guint            part,
                            guint           *segment_index)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);
  g_return_val_if_fail (part < self->n_parts, NULL);

  if (segment_index != NULL)
    *segment_index = self->parts[part].segment;
  return self->parts[part].line;
}

/* An equirectangular plane about the centre of the data, scaled by the ellipsoid's radii
 * of curvature there. Over a city (tens of kilometres) its scale error stays below 0.1 %,
 * and being linear it keeps straight segments straight, so GEOS works on true lines. */
static void
choose_projection (XunchaStreetMap *self)
{
  double phi, s, w;

  if (self->have_bbox)
    {
      self->lat0 = (self->bbox[1] + self->bbox[3]) / 2;
      self->lon0 = (self->bbox[0] + self->bbox[2]) / 2;
    }
  phi = self->lat0 * G_PI / 180.0;
  s = sin (phi);
  w = sqrt (1 - WGS84_E2 * s * s);
  self->kx = WGS84_A / w * cos (phi) * G_PI / 180.0;
  self->ky = WGS84_A * (1 - WGS84_E2) / (w * w * w) * G_PI / 180.0;
}

static void
on_ignore_hit (void *item,
               void *user_data)
{
}

static void
build (XunchaStreetMap *self)
{
  guint n_vertices = 0;
  guint v = 0;
  guint p = 0;

  for (guint i = 0; i < self->segments->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (self->segments, i);
      double b[4];
      guint n;

      xuncha_street_segment_get_coordinates (segment, &n);
      n_vertices += n;
      self->n_parts += xuncha_street_segment_get_n_parts (segment);
      xuncha_street_segment_get_bbox (segment, &b[0], &b[1], &b[2], &b[3]);
      if (!self->have_bbox)
        memcpy (self->bbox, b, sizeof b);
      self->have_bbox = TRUE;
      self->bbox[0] = MIN (self->bbox[0], b[0]);
      self->bbox[1] = MIN (self->bbox[1], b[1]);
      self->bbox[2] = MAX (self->bbox[2], b[2]);
      self->bbox[3] = MAX (self->bbox[3], b[3]);
    }
  choose_projection (self);

  self->xy = g_new (double, 2 * (gsize)MAX (n_vertices, 1));
  self->parts = g_new0 (Part, MAX (self->n_parts, 1));
  self->seg_length = g_new0 (double, MAX (self->segments->len, 1));
  self->tree = GEOSSTRtree_create_r (self->geos, TREE_NODE_CAPACITY);

  for (guint i = 0; i < self->segments->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (self->segments, i);
      double offset = 0;

      for (guint k = 0; k < xuncha_street_segment_get_n_parts (segment); k++)
        {
          Part *part = &self->parts[p++];
          guint n;
          const double *lonlat = xuncha_street_segment_get_part (segment, k, &n);
          GEOSCoordSequence *seq;
          double length = 0;

          part->segment = i;
          part->first = v;
          part->n = n;
          part->start_offset = offset;
          for (guint j = 0; j < n; j++, v++)
            {
              xuncha_street_map_project (self, lonlat[2 * j + 1], lonlat[2 * j],
                                         &self->xy[2 * v], &self->xy[2 * v + 1]);
              if (j > 0)
                length += hypot (self->xy[2 * v] - self->xy[2 * v - 2],
                                 self->xy[2 * v + 1] - self->xy[2 * v - 1]);
            }
          seq = GEOSCoordSeq_copyFromBuffer_r (self->geos, &self->xy[2 * part->first], n,
                                               FALSE, FALSE);
          part->line = GEOSGeom_createLineString_r (self->geos, seq);
          GEOSSTRtree_insert_r (self->geos, self->tree, part->line, part);
          offset += length;
        }
      self->seg_length[i] = offset;
    }

  /* GEOS builds the tree lazily on the first query; do it now so no snap pays for it. */
  if (self->n_parts > 0)
    {
      GEOSGeometry *probe = GEOSGeom_createPointFromXY_r (self->geos, 0, 0);
      GEOSSTRtree_query_r (self->geos, self->tree, probe, on_ignore_hit, NULL);
      GEOSGeom_destroy_r (self->geos, probe);
    }
}

XunchaStreetMap *
xuncha_street_map_new (GPtrArray *segments)
{
  XunchaStreetMap *self;

  g_return_val_if_fail (segments != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_STREET_MAP, NULL);
  for (guint i = 0; i < segments->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (segments, i);
      const char *id = xuncha_street_segment_get_id (segment);

      if (g_hash_table_contains (self->ids, id))
        continue;
      g_ptr_array_add (self->segments, xuncha_street_segment_ref (segment));
      g_hash_table_insert (self->ids, g_strdup (id), GUINT_TO_POINTER (self->segments->len));
    }
  build (self);
  return self;
}

guint
xuncha_street_map_get_n_segments (XunchaStreetMap *self)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), 0);
  return self->segments->len;
}

XunchaStreetSegment *
xuncha_street_map_get_segment (XunchaStreetMap *self,
                               guint            index)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);
  g_return_val_if_fail (index < self->segments->len, NULL);
  return g_ptr_array_index (self->segments, index);
}

XunchaStreetSegment *
xuncha_street_map_lookup (XunchaStreetMap *self,
                          const char      *id)
{
  guint index;

  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->ids, id));
  return index == 0 ? NULL : g_ptr_array_index (self->segments, index - 1);
}

gboolean
xuncha_street_map_get_bbox (XunchaStreetMap *self,
                            double          *min_lon,
                            double          *min_lat,
                            double          *max_lon,
                            double          *max_lat)
{
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), FALSE);

  if (!self->have_bbox)
    return FALSE;
  if (min_lon != NULL)
    *min_lon = self->bbox[0];
  if (min_lat != NULL)
    *min_lat = self->bbox[1];
  if (max_lon != NULL)
    *max_lon = self->bbox[2];
  if (max_lat != NULL)
    *max_lat = self->bbox[3];
  return TRUE;
}

/* Parts found by a tree query. Most snaps find a handful, so they fit on the stack. */
typedef struct
{
  const Part  *inline_items[64];
  const Part **items;
  guint        len;
  guint        capacity;
} Hits;

static void
hits_init (Hits *hits)
{
  hits->items = hits->inline_items;
  hits->len = 0;
  hits->capacity = G_N_ELEMENTS (hits->inline_items);
}

static void
hits_clear (Hits *hits)
{
  if (hits->items != hits->inline_items)
    g_free (hits->items);
}

static void
on_query_hit (void *item,
              void *user_data)
{
  Hits *hits = user_data;

  if (hits->len == hits->capacity)
    {
      hits->capacity *= 2;
      if (hits->items == hits->inline_items)
        hits->items = g_memdup2 (hits->inline_items, sizeof hits->inline_items);
      hits->items = g_renew (const Part *, hits->items, hits->capacity);
    }
  hits->items[hits->len++] = item;
}

static void
query_box (XunchaStreetMap *self,
           double           x0,
           double           y0,
           double           x1,
           double           y1,
           Hits            *hits)
{
  GEOSGeometry *box = GEOSGeom_createRectangle_r (self->geos, x0, y0, x1, y1);

  GEOSSTRtree_query_r (self->geos, self->tree, box, on_query_hit, hits);
  GEOSGeom_destroy_r (self->geos, box);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;

  return x < y ? -1 : x > y;
}

GPtrArray *
xuncha_street_map_query_bbox (XunchaStreetMap *self,
                              double           min_lon,
                              double           min_lat,
                              double           max_lon,
                              double           max_lat)
{
  g_autoptr(GArray) indices = NULL;
  GPtrArray *result;
  Hits hits;
  double x0, y0, x1, y1;

  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  if (self->n_parts == 0 || min_lon > max_lon || min_lat > max_lat)
    return result;

  /* The projection is affine, so the box stays a box. */
  xuncha_street_map_project (self, min_lat, min_lon, &x0, &y0);
  xuncha_street_map_project (self, max_lat, max_lon, &x1, &y1);
  hits_init (&hits);
  query_box (self, x0, y0, x1, y1, &hits);

  indices = g_array_sized_new (FALSE, FALSE, sizeof (guint), hits.len);
  for (guint i = 0; i < hits.len; i++)
    g_array_append_val (indices, hits.items[i]->segment);
  hits_clear (&hits);
  g_array_sort (indices, compare_uint);

  for (guint i = 0; i < indices->len; i++)
    {
      guint index = g_array_index (indices, guint, i);

      if (i > 0 && index == g_array_index (indices, guint, i - 1))
        continue;
      g_ptr_array_add (result, xuncha_street_segment_ref (g_ptr_array_index (self->segments,
                                                                             index)));
    }
  return result;
}

/* Where on the part the position (@px, @py) is nearest: that point, and which side of
 * the part's direction the position lies on. */
static void
locate_on_part (XunchaStreetMap  *self,
                const Part       *part,
                double            px,
                double            py,
                double           *nx,
                double           *ny,
                XunchaStreetSide *side)
{
  const double *xy = &self->xy[2 * part->first];
  double best = G_MAXDOUBLE;
  double cross = 0;
  double across = 0;

  for (guint j = 0; j + 1 < part->n; j++)
    {
      double ax = xy[2 * j], ay = xy[2 * j + 1];
      double dx = xy[2 * j + 2] - ax, dy = xy[2 * j + 3] - ay;
      double len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
      double qx, qy, d2;

      t = CLAMP (t, 0.0, 1.0);
      qx = ax + t * dx;
      qy = ay + t * dy;
      d2 = (px - qx) * (px - qx) + (py - qy) * (py - qy);
      if (d2 < best)
        {
          best = d2;
          *nx = qx;
          *ny = qy;
          cross = dx * (py - ay) - dy * (px - ax);
          across = len2 > 0 ? fabs (cross) / sqrt (len2) : sqrt (d2);
        }
    }

  /* On the line, or straight ahead past its end, neither side is meant. */
  if (sqrt (best) < ON_LINE_M || across < ON_LINE_M)
    *side = XUNCHA_STREET_SIDE_ON;
  else
    *side = cross > 0 ? XUNCHA_STREET_SIDE_LEFT : XUNCHA_STREET_SIDE_RIGHT;
}

static void
fill_snap (XunchaStreetMap    *self,
           const Part         *part,
           const GEOSGeometry *point,
           double              px,
           double              py,
           double              distance,
           XunchaStreetSnap   *out)
{
  double nx = px, ny = py;

  out->segment = g_ptr_array_index (self->segments, part->segment);
  out->distance_m = distance;
  /* Linear referencing: the distance along the line to the point nearest @point. */
  out->offset_m = part->start_offset + GEOSProject_r (self->geos, part->line, point);
  locate_on_part (self, part, px, py, &nx, &ny, &out->side);
  xuncha_street_map_unproject (self, nx, ny, &out->lat, &out->lon);
}

typedef struct
{
  const Part *part;
  double      distance;
} Candidate;

static int
compare_candidates (const void *a,
                    const void *b)
{
  const Candidate *x = a, *y = b;

  if (x->distance != y->distance)
    return x->distance < y->distance ? -1 : 1;
  return x->part->segment < y->part->segment ? -1 : x->part->segment > y->part->segment;
}

guint
xuncha_street_map_snap_within (XunchaStreetMap  *self,
                               double            lat,
                               double            lon,
                               double            max_distance_m,
                               XunchaStreetSnap *out,
                               guint             n_out)
{
  Candidate inline_candidates[64];
  Candidate *candidates = inline_candidates;
  GEOSGeometry *point;
  Hits hits;
  double px, py;
  guint n_candidates = 0;
  guint found = 0;

  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), 0);
  g_return_val_if_fail (out != NULL || n_out == 0, 0);

  if (self->n_parts == 0 || n_out == 0 || !isfinite (lat) || !isfinite (lon)
      || !(max_distance_m >= 0))
    return 0;

  xuncha_street_map_project (self, lat, lon, &px, &py);
  hits_init (&hits);
  query_box (self, px - max_distance_m, py - max_distance_m,
             px + max_distance_m, py + max_distance_m, &hits);
  if (hits.len == 0)
    {
      hits_clear (&hits);
      return 0;
    }

  if (hits.len > G_N_ELEMENTS (inline_candidates))
    candidates = g_new (Candidate, hits.len);
  point = GEOSGeom_createPointFromXY_r (self->geos, px, py);
  for (guint i = 0; i < hits.len; i++)
    {
      double distance;

      if (GEOSDistance_r (self->geos, hits.items[i]->line, point, &distance) != 1
          || distance > max_distance_m)
        continue;
      candidates[n_candidates].part = hits.items[i];
      candidates[n_candidates].distance = distance;
      n_candidates++;
    }
  hits_clear (&hits);

  qsort (candidates, n_candidates, sizeof (Candidate), compare_candidates);
  for (guint i = 0; i < n_candidates && found < n_out; i++)
    {
      gboolean seen = FALSE;

      /* A segment of several parts answers once, with its nearest part. */
      for (guint k = 0; k < found && !seen; k++)
        seen = out[k].segment == g_ptr_array_index (self->segments,
                                                    candidates[i].part->segment);
      if (seen)
        continue;
      fill_snap (self, candidates[i].part, point, px, py, candidates[i].distance,
                 &out[found++]);
    }

  GEOSGeom_destroy_r (self->geos, point);
  if (candidates != inline_candidates)
    g_free (candidates);
  return found;
}

guint
xuncha_street_map_snap (XunchaStreetMap  *self,
                        double            lat,
                        double            lon,
                        double            accuracy_m,
                        XunchaStreetSnap *out,
                        guint             n_out)
{
  double widen = 0;

  if (isfinite (accuracy_m) && accuracy_m > 0)
    widen = MIN (accuracy_m, XUNCHA_STREET_MAP_MAX_ACCURACY_BONUS_M);
  return xuncha_street_map_snap_within (self, lat, lon,
                                        XUNCHA_STREET_MAP_DEFAULT_MAX_DISTANCE_M + widen,
                                        out, n_out);
}

typedef struct
{
  XunchaStreetMap *self;
  GEOSGeometry    *point;
} NearestQuery;

static int
on_nearest_distance (const void *item1,
                     const void *item2,
                     double     *distance,
                     void       *user_data)
{
  NearestQuery *query = user_data;
  const Part *part = item1 == (const void *)query ? item2 : item1;

  return GEOSDistance_r (query->self->geos, part->line, query->point, distance);
}

gboolean
xuncha_street_map_nearest (XunchaStreetMap  *self,
                           double            lat,
                           double            lon,
                           XunchaStreetSnap *out)
{
  NearestQuery query;
  const Part *part;
  double px, py, distance = 0;

  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->n_parts == 0 || !isfinite (lat) || !isfinite (lon))
    return FALSE;

  xuncha_street_map_project (self, lat, lon, &px, &py);
  query.self = self;
  query.point = GEOSGeom_createPointFromXY_r (self->geos, px, py);
  part = GEOSSTRtree_nearest_generic_r (self->geos, self->tree, &query, query.point,
                                        on_nearest_distance, &query);
  if (part != NULL)
    {
      GEOSDistance_r (self->geos, part->line, query.point, &distance);
      fill_snap (self, part, query.point, px, py, distance, out);
    }
  GEOSGeom_destroy_r (self->geos, query.point);
  return part != NULL;
}

/* Coverage ----------------------------------------------------------------------------- */

typedef struct
{
  double ax, ay, bx, by;
  double min_x, min_y, max_x, max_y;   /* grown by the radius */
} Piece;

typedef struct
{
  double t0, t1;
} Interval;

/* Narrows [*lo, *hi] to the t where f0 + t * f1 lies in [a, b]. FALSE when empty. */
static gboolean
clip_slab (double  f0,
           double  f1,
           double  a,
           double  b,
           double *lo,
           double *hi)
{
  double t0, t1;

  if (f1 == 0)
    return f0 >= a && f0 <= b;
  t0 = (a - f0) / f1;
  t1 = (b - f0) / f1;
  if (t0 > t1)
    {
      double swap = t0;
      t0 = t1;
      t1 = swap;
    }
  *lo = MAX (*lo, t0);
  *hi = MIN (*hi, t1);
  return *lo <= *hi;
}

/* The t where A + t (B - A) is within @r of the centre (@cx, @cy). */
static gboolean
disk_interval (double ax, double ay, double dx, double dy,
               double cx, double cy, double r,
               double *lo, double *hi)
{
  double ex = ax - cx, ey = ay - cy;
  double a = dx * dx + dy * dy;
  double b = 2 * (ex * dx + ey * dy);
  double c = ex * ex + ey * ey - r * r;
  double disc, root;

  if (a == 0)
    {
      *lo = -G_MAXDOUBLE;
      *hi = G_MAXDOUBLE;
      return c <= 0;
    }
  disc = b * b - 4 * a * c;
  if (disc < 0)
    return FALSE;
  root = sqrt (disc);
  *lo = (-b - root) / (2 * a);
  *hi = (-b + root) / (2 * a);
  return TRUE;
}

/* The part of the street piece A-B (as t in [0, 1]) within @r of the track piece P-Q.
 * That set is a capsule (two disks and the band between them); being convex, it meets a
 * line in one interval, the hull of what the three pieces give. */
static gboolean
capsule_interval (double ax, double ay, double bx, double by,
                  const Piece *piece, double r,
                  double *t0, double *t1)
{
  double dx = bx - ax, dy = by - ay;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  double l, h;
  double ux = piece->bx - piece->ax, uy = piece->by - piece->ay;
  double len = hypot (ux, uy);

  if (disk_interval (ax, ay, dx, dy, piece->ax, piece->ay, r, &l, &h))
    {
      lo = MIN (lo, l);
      hi = MAX (hi, h);
    }
  if (len > 0)
    {
      double ex = ax - piece->ax, ey = ay - piece->ay;

      if (disk_interval (ax, ay, dx, dy, piece->bx, piece->by, r, &l, &h))
        {
          lo = MIN (lo, l);
          hi = MAX (hi, h);
        }
      ux /= len;
      uy /= len;
      l = -G_MAXDOUBLE;
      h = G_MAXDOUBLE;
      /* Along the piece within [0, len], across it within [-r, r]. */
      if (clip_slab (ex * ux + ey * uy, dx * ux + dy * uy, 0, len, &l, &h)
          && clip_slab (ex * -uy + ey * ux, dx * -uy + dy * ux, -r, r, &l, &h))
        {
          lo = MIN (lo, l);
          hi = MAX (hi, h);
        }
    }

  *t0 = MAX (lo, 0.0);
  *t1 = MIN (hi, 1.0);
  return *t0 < *t1;
}

static int
compare_intervals (const void *a,
                   const void *b)
{
  const Interval *x = a, *y = b;

  return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

static int
compare_guint64 (const void *a,
                 const void *b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

  return x < y ? -1 : x > y;
}

/* For a NULL-terminated id list: the terminator stays last. */
static int
compare_strings_null_last (gconstpointer a,
                           gconstpointer b)
{
  const char *x = *(const char * const *)a, *y = *(const char * const *)b;

  if (x == NULL || y == NULL)
    return (x == NULL) - (y == NULL);
  return strcmp (x, y);
}

/* Length of the part's stretches within @r of the pieces of the given chunks. */
static double
covered_length_of_part (XunchaStreetMap *self,
                        const Part      *part,
                        const Piece     *pieces,
                        guint            n_pieces,
                        const guint64   *pairs,
                        guint            n_pairs,
                        double           r,
                        GArray          *scratch)
{
  const double *xy = &self->xy[2 * part->first];
  double covered = 0;

  for (guint j = 0; j + 1 < part->n; j++)
    {
      double ax = xy[2 * j], ay = xy[2 * j + 1], bx = xy[2 * j + 2], by = xy[2 * j + 3];
      double min_x = MIN (ax, bx), max_x = MAX (ax, bx);
      double min_y = MIN (ay, by), max_y = MAX (ay, by);
      double end = 0, sum = 0;

      g_array_set_size (scratch, 0);
      for (guint k = 0; k < n_pairs; k++)
        {
          guint chunk = (guint)(pairs[k] & G_MAXUINT32);
          guint first = chunk * COVERAGE_CHUNK;
          guint last = MIN (first + COVERAGE_CHUNK, n_pieces);

          for (guint q = first; q < last; q++)
            {
              const Piece *piece = &pieces[q];
              Interval interval;

              if (piece->max_x < min_x || piece->min_x > max_x
                  || piece->max_y < min_y || piece->min_y > max_y)
                continue;
              if (capsule_interval (ax, ay, bx, by, piece, r, &interval.t0, &interval.t1))
                g_array_append_val (scratch, interval);
            }
        }
      if (scratch->len == 0)
        continue;

      qsort (scratch->data, scratch->len, sizeof (Interval), compare_intervals);
      for (guint k = 0; k < scratch->len; k++)
        {
          Interval *interval = &g_array_index (scratch, Interval, k);
          double start = MAX (interval->t0, end);

          if (interval->t1 > start)
            {
              sum += interval->t1 - start;
              end = interval->t1;
            }
        }
      covered += sum * hypot (bx - ax, by - ay);
    }
  return covered;
}

static void
add_id (GPtrArray  *list,
        const char *id)
{
  list->pdata[list->len - 1] = g_strdup (id);
  g_ptr_array_add (list, NULL);
}

XunchaCoverage *
xuncha_street_map_compute_coverage (XunchaStreetMap             *self,
                                    const XunchaFix             *fixes,
                                    gsize                        n_fixes,
                                    const XunchaCoverageOptions *options,
                                    const char * const          *assigned_ids)
{
  XunchaCoverageOptions defaults;
  XunchaCoverage *coverage;
  g_autoptr(GArray) points = NULL;      /* double x, y */
  g_autoptr(GArray) joined = NULL;      /* gboolean: joined to the previous point */
  g_autoptr(GArray) pieces = NULL;
  g_autoptr(GArray) pairs = NULL;       /* part << 32 | chunk */
  g_autoptr(GArray) scratch = NULL;
  g_autoptr(GArray) touched = NULL;     /* segment indices */
  g_autoptr(GHashTable) assigned_seen = NULL;
  g_autofree double *covered = NULL;
  double r;
  const XunchaFix *previous = NULL;
  Hits hits;

  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (self), NULL);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  if (options == NULL)
    {
      xuncha_coverage_options_init (&defaults);
      options = &defaults;
    }
  coverage = xuncha_coverage_new (options, self->ids);
  r = MAX (options->radius_m, 0.0);

  /* 1. The usable fixes, projected, and which of them join their predecessor. */
  points = g_array_sized_new (FALSE, FALSE, 2 * sizeof (double), n_fixes);
  joined = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), n_fixes);
  for (gsize i = 0; i < n_fixes; i++)
    {
      const XunchaFix *fix = &fixes[i];
      double p[2];
      gboolean join = FALSE;

      if (!isfinite (fix->lat) || !isfinite (fix->lon) || fabs (fix->lat) > 90
          || fabs (fix->lon) > 180)
        continue;
      if (options->max_accuracy_m > 0 && isfinite (fix->accuracy)
          && fix->accuracy > options->max_accuracy_m)
        continue;
      xuncha_street_map_project (self, fix->lat, fix->lon, &p[0], &p[1]);
      if (previous != NULL)
        {
          const double *q = &g_array_index (points, double, 2 * (points->len - 1));
          double step = hypot (p[0] - q[0], p[1] - q[1]);

          join = (options->max_join_m <= 0 || step <= options->max_join_m)
                 && (options->max_join_ms <= 0
                     || ABS (fix->t_ms - previous->t_ms) <= options->max_join_ms);
          if (join)
            coverage->track_length_m += step;
        }
      g_array_append_val (points, p);
      g_array_append_val (joined, join);
      previous = fix;
    }
  coverage->n_fixes_used = points->len;

  /* 2. The track as pieces: each joined pair, and each lone fix as a point. */
  pieces = g_array_sized_new (FALSE, FALSE, sizeof (Piece), points->len);
  for (guint i = 0; i < points->len; i++)
    {
      const double *p = &g_array_index (points, double, 2 * i);
      gboolean with_previous = g_array_index (joined, gboolean, i);
      gboolean with_next = i + 1 < points->len && g_array_index (joined, gboolean, i + 1);
      Piece piece;

      if (with_previous)
        {
          piece.ax = p[-2];
          piece.ay = p[-1];
        }
      else if (!with_next)
        {
          piece.ax = p[0];
          piece.ay = p[1];
        }
      else
        continue;
      piece.bx = p[0];
      piece.by = p[1];
      piece.min_x = MIN (piece.ax, piece.bx) - r;
      piece.max_x = MAX (piece.ax, piece.bx) + r;
      piece.min_y = MIN (piece.ay, piece.by) - r;
      piece.max_y = MAX (piece.ay, piece.by) + r;
      g_array_append_val (pieces, piece);
    }

  /* 3. Which street parts each chunk of the track may touch, from the index. */
  pairs = g_array_new (FALSE, FALSE, sizeof (guint64));
  hits_init (&hits);
  for (guint first = 0; self->n_parts > 0 && first < pieces->len; first += COVERAGE_CHUNK)
    {
      guint last = MIN (first + COVERAGE_CHUNK, pieces->len);
      const Piece *piece = &g_array_index (pieces, Piece, first);
      double b[4] = { piece->min_x, piece->min_y, piece->max_x, piece->max_y };

      for (guint q = first + 1; q < last; q++)
        {
          piece = &g_array_index (pieces, Piece, q);
          b[0] = MIN (b[0], piece->min_x);
          b[1] = MIN (b[1], piece->min_y);
          b[2] = MAX (b[2], piece->max_x);
          b[3] = MAX (b[3], piece->max_y);
        }
      hits.len = 0;
      query_box (self, b[0], b[1], b[2], b[3], &hits);
      for (guint h = 0; h < hits.len; h++)
        {
          guint64 pair = ((guint64)(hits.items[h] - self->parts) << 32) | (first / COVERAGE_CHUNK);
          g_array_append_val (pairs, pair);
        }
    }
  hits_clear (&hits);
  /* An empty array has no data pointer, and qsort() must not be given NULL. */
  if (pairs->len > 0)
    qsort (pairs->data, pairs->len, sizeof (guint64), compare_guint64);

  /* 4. Intersect only those parts with the capsules around the nearby pieces. */
  covered = g_new0 (double, MAX (self->segments->len, 1));
  touched = g_array_new (FALSE, FALSE, sizeof (guint));
  scratch = g_array_new (FALSE, FALSE, sizeof (Interval));
  for (guint k = 0; k < pairs->len;)
    {
      guint part_index = (guint)(g_array_index (pairs, guint64, k) >> 32);
      const Part *part = &self->parts[part_index];
      guint end = k;
      double length;

      while (end < pairs->len && (g_array_index (pairs, guint64, end) >> 32) == part_index)
        end++;
      length = covered_length_of_part (self, part, (const Piece *)(void *)pieces->data,
                                       pieces->len, &g_array_index (pairs, guint64, k),
                                       end - k, r, scratch);
      if (length > 0)
        {
          if (covered[part->segment] == 0)
            g_array_append_val (touched, part->segment);
          covered[part->segment] += length;
        }
      k = end;
    }

  for (guint i = 0; i < touched->len; i++)
    {
      guint index = g_array_index (touched, guint, i);
      XunchaStreetSegment *segment = g_ptr_array_index (self->segments, index);
      double *fraction = g_new (double, 1);

      *fraction = self->seg_length[index] > 0
                  ? MIN (covered[index] / self->seg_length[index], 1.0) : 0;
      g_hash_table_insert (coverage->fractions,
                           g_strdup (xuncha_street_segment_get_id (segment)), fraction);
      /* A hair of tolerance so an exactly 60 % walk is not lost to rounding. */
      if (*fraction >= options->min_fraction - 1e-9)
        add_id (coverage->walked_ids, xuncha_street_segment_get_id (segment));
    }
  g_ptr_array_sort (coverage->walked_ids, compare_strings_null_last);

  /* 5. The officer's assigned segments. */
  assigned_seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; assigned_ids != NULL && assigned_ids[i] != NULL; i++)
    {
      const char *id = assigned_ids[i];
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->ids, id));
      const double *fraction;

      if (!g_hash_table_add (assigned_seen, (gpointer)id))
        continue;
      if (index == 0)
        {
          add_id (coverage->unknown_ids, id);
          continue;
        }
      index--;
      coverage->n_assigned++;
      coverage->assigned_length_m += self->seg_length[index];
      fraction = g_hash_table_lookup (coverage->fractions, id);
      if (fraction != NULL)
        coverage->covered_length_m += *fraction * self->seg_length[index];
      if (fraction != NULL && *fraction >= options->min_fraction - 1e-9)
        coverage->n_assigned_walked++;
      else
        add_id (coverage->missed_ids, id);
    }

  return coverage;
}

/* WKB ------------------------------------------------------------------------------------ */

#define WKB_LINESTRING      2
#define WKB_MULTILINESTRING 5

static void
put_uint32 (GByteArray *out,
            guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_byte_array_append (out, (const guint8 *)&le, 4);
}

static void
put_double (GByteArray *out,
            double      value)
{
  guint64 bits;

  memcpy (&bits, &value, 8);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (out, (const guint8 *)&bits, 8);
}

static void
put_linestring (GByteArray   *out,
                const double *lonlat,
                guint         n)
{
  guint8 order = 1;   /* little-endian */

  g_byte_array_append (out, &order, 1);
  put_uint32 (out, WKB_LINESTRING);
  put_uint32 (out, n);
  for (guint i = 0; i < 2 * n; i++)
    put_double (out, lonlat[i]);
}

GBytes *
xuncha_street_geometry_to_wkb (const double *lonlat,
                               const guint  *part_ends,
                               guint         n_parts)
{
  GByteArray *out = g_byte_array_new ();
  guint start = 0;

  if (n_parts == 1)
    put_linestring (out, lonlat, part_ends[0]);
  else
    {
      guint8 order = 1;

      g_byte_array_append (out, &order, 1);
      put_uint32 (out, WKB_MULTILINESTRING);
      put_uint32 (out, n_parts);
      for (guint p = 0; p < n_parts; p++)
        {
          put_linestring (out, lonlat + 2 * start, part_ends[p] - start);
          start = part_ends[p];
        }
    }
  return g_byte_array_free_to_bytes (out);
}

typedef struct
{
  const guint8 *data;
  gsize         length;
  gsize         pos;
} WkbReader;

static gboolean
get_uint32 (WkbReader *reader,
            gboolean   big_endian,
            guint32   *value)
{
  guint32 raw;

  if (reader->length - reader->pos < 4)
    return FALSE;
  memcpy (&raw, reader->data + reader->pos, 4);
  reader->pos += 4;
  *value = big_endian ? GUINT32_FROM_BE (raw) : GUINT32_FROM_LE (raw);
  return TRUE;
}

static gboolean
get_linestring (WkbReader *reader,
                GArray    *lonlat,
                GArray    *part_ends)
{
  gboolean big_endian;
  guint32 type, n;
  guint end;

  if (reader->length - reader->pos < 1)
    return FALSE;
  big_endian = reader->data[reader->pos++] == 0;
  if (!get_uint32 (reader, big_endian, &type) || type != WKB_LINESTRING
      || !get_uint32 (reader, big_endian, &n) || n < 2
      || (reader->length - reader->pos) / 16 < n)
    return FALSE;
  for (guint i = 0; i < 2 * n; i++)
    {
      guint64 bits;
      double value;

      memcpy (&bits, reader->data + reader->pos, 8);
      reader->pos += 8;
      bits = big_endian ? GUINT64_FROM_BE (bits) : GUINT64_FROM_LE (bits);
      memcpy (&value, &bits, 8);
      g_array_append_val (lonlat, value);
    }
  end = lonlat->len / 2;
  g_array_append_val (part_ends, end);
  return TRUE;
}

gboolean
xuncha_street_geometry_from_wkb (const guint8 *data,
                                 gsize         length,
                                 GArray       *lonlat,
                                 GArray       *part_ends)
{
  WkbReader reader = { data, length, 0 };
  gboolean big_endian;
  guint32 type, n;

  if (data == NULL || length < 5)
    return FALSE;
  big_endian = data[0] == 0;
  reader.pos = 1;
  if (!get_uint32 (&reader, big_endian, &type))
    return FALSE;
  if (type == WKB_LINESTRING)
    {
      reader.pos = 0;
      return get_linestring (&reader, lonlat, part_ends) && reader.pos == length;
    }
  if (type != WKB_MULTILINESTRING || !get_uint32 (&reader, big_endian, &n) || n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!get_linestring (&reader, lonlat, part_ends))
      return FALSE;
  return reader.pos == length;
}
