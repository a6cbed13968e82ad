/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-route.h"
#include "xuncha-office-street.h"
#include "xuncha-route-gap.h"
#include "xuncha-street-map.h"

/* streets_within() answers at most this many: a box that fills it is asked again in four. */
#define STREETS_PER_QUERY 10000
/* Below this size (degrees) a box is not split further: a query that still fills it would
 * be a data error, and the map keeps what came. */
#define MIN_BOX_DEG       1e-4
/* The track's box grows by this much (metres) on each side: the coverage counts a
 * segment's length within radius_m (25 m by default) of the track, so every segment it
 * could count meets the grown box. */
#define BOX_MARGIN_M      100.0
#define METRES_PER_DEG    111320.0

void
xuncha_office_route_free (XunchaOfficeRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->officer_id);
  g_free (route->day);
  g_strfreev (route->assigned_ids);
  g_clear_pointer (&route->assigned, g_ptr_array_unref);
  g_clear_pointer (&route->shifts, g_ptr_array_unref);
  g_free (route);
}

gboolean
xuncha_office_route_parse_day (const char  *day,
                               GTimeZone   *zone,
                               gint64      *from_ms,
                               gint64      *to_ms,
                               GError     **error)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  guint year = 0, month = 0, mday = 0;

  g_return_val_if_fail (day != NULL && zone != NULL, FALSE);

  if (strlen (day) == 10 && day[4] == '-' && day[7] == '-'
      && g_ascii_isdigit (day[0]) && g_ascii_isdigit (day[1]) && g_ascii_isdigit (day[2])
      && g_ascii_isdigit (day[3]) && g_ascii_isdigit (day[5]) && g_ascii_isdigit (day[6])
      && g_ascii_isdigit (day[8]) && g_ascii_isdigit (day[9]))
    {
      year = (guint)g_ascii_strtoull (day, NULL, 10);
      month = (guint)g_ascii_strtoull (day + 5, NULL, 10);
      mday = (guint)g_ascii_strtoull (day + 8, NULL, 10);
    }
  if (year >= 2000 && year <= 9998 && g_date_valid_dmy (mday, month, year))
    start = g_date_time_new (zone, (int)year, (int)month, (int)mday, 0, 0, 0);
  if (start == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a day: give it as YYYY-MM-DD, for example 2024-05-01."),
                   day);
      return FALSE;
    }
  end = g_date_time_add_days (start, 1);
  *from_ms = g_date_time_to_unix (start) * 1000;
  *to_ms = g_date_time_to_unix (end) * 1000;
  return TRUE;
}

/* The office's streets whose box meets the given one, into @found by id (each once). */
static gboolean
collect_streets (XunchaOfficeRecords  *records,
                 double                west,
                 double                south,
                 double                east,
                 double                north,
                 GHashTable           *found,
                 GError              **error)
{
  g_autoptr(GPtrArray) streets = NULL;

  streets = xuncha_office_records_streets_within (records, west, south, east, north,
                                                  STREETS_PER_QUERY, error);
  if (streets == NULL)
    return FALSE;
  if (streets->len == STREETS_PER_QUERY && east - west > MIN_BOX_DEG
      && north - south > MIN_BOX_DEG)
    {
      double mid_lon = (west + east) / 2, mid_lat = (south + north) / 2;

      return collect_streets (records, west, south, mid_lon, mid_lat, found, error)
             && collect_streets (records, mid_lon, south, east, mid_lat, found, error)
             && collect_streets (records, west, mid_lat, mid_lon, north, found, error)
             && collect_streets (records, mid_lon, mid_lat, east, north, found, error);
    }
  for (guint i = 0; i < streets->len; i++)
    {
      XunchaOfficeStreet *street = streets->pdata[i];

      if (!g_hash_table_contains (found, street->id))
        g_hash_table_insert (found, street->id, g_ptr_array_steal_index_fast (streets, i--));
    }
  return TRUE;
}

static XunchaStreetSegment *
segment_of (const XunchaOfficeStreet *street)
{
  g_autoptr(GArray) lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) part_ends = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint l = 0; l < street->lines->len; l++)
    {
      GArray *line = street->lines->pdata[l];
      guint end;

      g_array_append_vals (lonlat, line->data, line->len);
      end = lonlat->len / 2;
      g_array_append_val (part_ends, end);
    }
  /* The device's street from the office: no kind, class as the office spells it. */
  return xuncha_street_segment_new (street->id, street->name,
                                    xuncha_street_class_from_string (street->street_class),
                                    NULL, street->grid_cell, street->community, street->unit,
                                    (const double *)(void *)lonlat->data,
                                    (const guint *)(void *)part_ends->data, part_ends->len);
}

/* The street map a shift is judged on: the office's segments near its track and the
 * assigned ones. */
static XunchaStreetMap *
map_for_track (XunchaOfficeRecords  *records,
               const XunchaFix      *fixes,
               gsize                 n_fixes,
               GPtrArray            *assigned,
               GError              **error)
{
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GPtrArray) segments =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  GHashTableIter iter;
  gpointer value;

  if (n_fixes > 0)
    {
      double west = fixes[0].lon, east = fixes[0].lon;
      double south = fixes[0].lat, north = fixes[0].lat;
      double dlat, dlon;

      for (gsize i = 1; i < n_fixes; i++)
        {
          west = MIN (west, fixes[i].lon);
          east = MAX (east, fixes[i].lon);
          south = MIN (south, fixes[i].lat);
          north = MAX (north, fixes[i].lat);
        }
      dlat = BOX_MARGIN_M / METRES_PER_DEG;
      dlon = BOX_MARGIN_M / (METRES_PER_DEG * MAX (cos (MAX (fabs (south), fabs (north))
                                                        * G_PI / 180), 0.01));
      if (!collect_streets (records, MAX (west - dlon, -180), MAX (south - dlat, -90),
                            MIN (east + dlon, 180), MIN (north + dlat, 90), found, error))
        return NULL;
    }
  for (guint i = 0; i < assigned->len; i++)
    {
      const XunchaOfficeStreet *street = assigned->pdata[i];

      if (!g_hash_table_contains (found, street->id))
        g_ptr_array_add (segments, segment_of (street));
    }
  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (segments, segment_of (value));
  return xuncha_street_map_new (segments);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static XunchaOfficeShiftRoute *
shift_route_compute (XunchaOfficeRecords  *records,
                     XunchaWireShift      *shift,
                     GStrv                 assigned_ids,
                     GPtrArray            *assigned,
                     GError              **error)
{
  g_autoptr(XunchaOfficeShiftRoute) route = g_new0 (XunchaOfficeShiftRoute, 1);
  g_autoptr(GArray) points = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(XunchaCoverage) coverage = NULL;
  g_autoptr(GPtrArray) walked = g_ptr_array_new ();
  g_autoptr(GHashTable) is_assigned = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const *walked_all;
  const XunchaFix *fixes;

  points = xuncha_office_records_shift_points (records, shift->uuid, error);
  if (points == NULL)
    return NULL;
  route->fixes = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), points->len);
  for (guint i = 0; i < points->len; i++)
    {
      const XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, i);
      XunchaFix fix = { p->t_ms, p->lat, p->lon, p->accuracy, p->altitude, p->speed,
                        p->heading };

      g_array_append_val (route->fixes, fix);
      route->newest_seq = MAX (route->newest_seq, p->seq);
    }
  fixes = (const XunchaFix *)(const void *)route->fixes->data;
  route->gaps = xuncha_route_find_gaps (fixes, route->fixes->len);
  for (guint k = 0; k + 1 < route->fixes->len; k++)
    route->length_m += xuncha_fix_distance (&fixes[k], &fixes[k + 1]);

  map = map_for_track (records, fixes, route->fixes->len, assigned, error);
  if (map == NULL)
    return NULL;
  /* Default options, as the device's route summary. */
  coverage = xuncha_street_map_compute_coverage (map, fixes, route->fixes->len, NULL,
                                                 (const char * const *)assigned_ids);
  for (guint i = 0; assigned_ids[i] != NULL; i++)
    g_hash_table_add (is_assigned, assigned_ids[i]);
  walked_all = xuncha_coverage_get_walked_ids (coverage);
  for (guint i = 0; walked_all[i] != NULL; i++)
    if (g_hash_table_contains (is_assigned, walked_all[i]))
      g_ptr_array_add (walked, g_strdup (walked_all[i]));
  g_ptr_array_sort (walked, compare_strings);
  g_ptr_array_add (walked, NULL);
  route->walked_ids = (GStrv)g_ptr_array_free (g_steal_pointer (&walked), FALSE);
  route->missed_ids = g_strdupv ((GStrv)xuncha_coverage_get_missed_ids (coverage));
  route->n_assigned = xuncha_coverage_get_n_assigned (coverage);
  route->percent = xuncha_coverage_get_percent_by_count (coverage);
  route->length_percent = xuncha_coverage_get_percent_by_length (coverage);
  route->shift = xuncha_wire_shift_new ();
  route->shift->uuid = g_strdup (shift->uuid);
  route->shift->kind = g_strdup (shift->kind);
  route->shift->started_at = g_strdup (shift->started_at);
  route->shift->ended_at = g_strdup (shift->ended_at);
  return g_steal_pointer (&route);
}

/* Stores the coverage @shift found, unless @stored already is that of the inputs of now. */
static gboolean
store_shift_coverage (XunchaOfficeRecords           *records,
                      const XunchaOfficeShiftRoute  *shift,
                      GStrv                          assigned_ids,
                      GPtrArray                     *assigned,
                      const XunchaOfficeShiftCoverage *stored,
                      gint64                         n_points,
                      gint64                         newest_seq,
                      gint64                         streets_revision,
                      GError                       **error)
{
  g_autofree char *assigned_sha256 =
    xuncha_office_shift_coverage_assigned_sha256 ((const char * const *)assigned_ids);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  XunchaOfficeShiftCoverage computed = { 0 };

  if (xuncha_office_shift_coverage_is_current (stored, n_points, newest_seq, streets_revision,
                                               assigned_sha256))
    return TRUE;
  /* The points it was computed from: those read, not those counted before. */
  computed.n_points = shift->fixes->len;
  computed.newest_seq = shift->newest_seq;
  computed.streets_revision = streets_revision;
  computed.assigned_sha256 = assigned_sha256;
  computed.walked_ids = shift->walked_ids;
  for (guint i = 0; i < assigned->len; i++)
    g_hash_table_insert (by_id, ((XunchaOfficeStreet *)assigned->pdata[i])->id,
                         assigned->pdata[i]);
  for (guint i = 0; shift->walked_ids[i] != NULL; i++)
    {
      const XunchaOfficeStreet *street = g_hash_table_lookup (by_id, shift->walked_ids[i]);
      g_autoptr(XunchaStreetSegment) segment = NULL;

      /* Walked ones are among the assigned the office holds: the map had them. */
      g_assert (street != NULL);
      segment = segment_of (street);
      computed.walked_m += xuncha_street_segment_get_length_m (segment);
    }
  return xuncha_office_records_shift_coverage_put (records, shift->shift->uuid, &computed,
                                                   error);
}

XunchaOfficeRoute *
xuncha_office_route_compute (XunchaOfficeRecords  *records,
                             const char           *officer_id,
                             const char           *day,
                             GTimeZone            *zone,
                             GError              **error)
{
  g_autoptr(XunchaOfficeRoute) route = g_new0 (XunchaOfficeRoute, 1);
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GArray) inputs_now = NULL; /* per shift: point count, highest seq, streets revision */

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (records), NULL);
  g_return_val_if_fail (officer_id != NULL && day != NULL && zone != NULL, NULL);

  route->officer_id = g_strdup (officer_id);
  route->day = g_strdup (day);
  if (!xuncha_office_route_parse_day (day, zone, &route->from_ms, &route->to_ms, error))
    return NULL;
  route->assigned_ids = xuncha_office_records_assigned_streets (records, officer_id, error);
  if (route->assigned_ids == NULL)
    return NULL;
  shifts = xuncha_office_records_officer_shifts (records, officer_id, route->from_ms,
                                                 route->to_ms, error);
  if (shifts == NULL)
    return NULL;
  /* The route view computes each shift's coverage whole: it stores it for the weekly
   * report where what is stored is missing or stale. What is stored now and the streets'
   * revision are read before the streets are: were they imported again in between, what
   * is stored carries the older revision and is computed again, never kept as current. */
  stored = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_shift_coverage_free);
  inputs_now = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 3 * shifts->len);
  for (guint i = 0; i < shifts->len; i++)
    {
      XunchaOfficeShiftCoverage *coverage = NULL;
      gint64 inputs[3];

      if (!xuncha_office_records_shift_coverage_get (records,
                                                     ((XunchaWireShift *)shifts->pdata[i])->uuid,
                                                     &coverage, &inputs[0], &inputs[1],
                                                     &inputs[2], error))
        return NULL;
      g_ptr_array_add (stored, coverage);
      g_array_append_vals (inputs_now, inputs, 3);
    }
  route->assigned = xuncha_office_records_streets_get (records,
                                                       (const char * const *)route->assigned_ids,
                                                       error);
  if (route->assigned == NULL)
    return NULL;
  route->shifts = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_shift_route_free);
  for (guint i = 0; i < shifts->len; i++)
    {
      const gint64 *inputs = &g_array_index (inputs_now, gint64, 3 * i);
      XunchaOfficeShiftRoute *shift;

      shift = shift_route_compute (records, shifts->pdata[i], route->assigned_ids,
                                   route->assigned, error);
      if (shift == NULL)
        return NULL;
      g_ptr_array_add (route->shifts, shift);
      if (route->assigned_ids[0] != NULL
          && !store_shift_coverage (records, shift, route->assigned_ids, route->assigned,
                                    stored->pdata[i], inputs[0], inputs[1], inputs[2], error))
        return NULL;
    }
  return g_steal_pointer (&route);
}

/* The fixes of @points that can count for the segments in @box (WGS-84 west, south,
 * east, north): those within the box grown by the coverage radius, the longest joined step
 * and some, and their neighbours. A joined step between two fixes outside it is at most
 * max_join_m long, so all of it lies further than the radius from every segment in the
 * box, as does a lone fix outside: leaving them out, and joining what is left, changes no
 * segment's covered length. Most of a week's points are elsewhere than a few streets. */
static GArray *
fixes_near (GArray       *points,
            const double  box[4])
{
  XunchaCoverageOptions options;
  GArray *fixes = g_array_sized_new (FALSE, FALSE, sizeof (XunchaFix), points->len);
  g_autofree guchar *inside = g_new0 (guchar, points->len + 2);
  double margin_m, dlat, dlon;

  xuncha_coverage_options_init (&options);
  margin_m = options.radius_m + options.max_join_m + 50;
  dlat = margin_m / METRES_PER_DEG;
  dlon = margin_m / (METRES_PER_DEG * MAX (cos (MAX (fabs (box[1]), fabs (box[3])) * G_PI / 180),
                                           0.01));
  /* inside[k + 1] for point k: the ends stay 0. */
  for (guint k = 0; k < points->len; k++)
    {
      const XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, k);

      inside[k + 1] = p->lon >= box[0] - dlon && p->lon <= box[2] + dlon
                      && p->lat >= box[1] - dlat && p->lat <= box[3] + dlat;
    }
  for (guint k = 0; k < points->len; k++)
    if (inside[k] || inside[k + 1] || inside[k + 2])
      {
        const XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, k);
        XunchaFix fix = { p->t_ms, p->lat, p->lon, p->accuracy, p->altitude, p->speed,
                          p->heading };

        g_array_append_val (fixes, fix);
      }
  return fixes;
}

/* The assigned segments @shift walked, computed from its points on @map (the assigned
 * segments alone), into @coverage with the inputs: the points read and @streets_revision. */
static XunchaOfficeShiftCoverage *
shift_coverage_compute (XunchaOfficeRecords  *records,
                        const char           *shift_uuid,
                        XunchaStreetMap      *map,
                        const double          box[4],
                        GStrv                 assigned_ids,
                        const char           *assigned_sha256,
                        gint64                streets_revision,
                        GError              **error)
{
  g_autoptr(XunchaOfficeShiftCoverage) result = g_new0 (XunchaOfficeShiftCoverage, 1);
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) fixes = NULL;
  g_autoptr(XunchaCoverage) coverage = NULL;
  g_autoptr(GPtrArray) walked = g_ptr_array_new ();
  const char * const *ids;

  points = xuncha_office_records_shift_points (records, shift_uuid, error);
  if (points == NULL)
    return NULL;
  result->n_points = points->len;
  for (guint k = 0; k < points->len; k++)
    result->newest_seq = MAX (result->newest_seq,
                              g_array_index (points, XunchaWirePoint, k).seq);
  result->streets_revision = streets_revision;
  result->assigned_sha256 = g_strdup (assigned_sha256);
  fixes = fixes_near (points, box);
  coverage = xuncha_street_map_compute_coverage (map,
                                                 (const XunchaFix *)(const void *)fixes->data,
                                                 fixes->len, NULL,
                                                 (const char * const *)assigned_ids);
  ids = xuncha_coverage_get_walked_ids (coverage);
  for (guint k = 0; ids[k] != NULL; k++)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (map, ids[k]);

      g_ptr_array_add (walked, g_strdup (ids[k]));
      result->walked_m += xuncha_street_segment_get_length_m (segment);
    }
  g_ptr_array_sort (walked, compare_strings);
  g_ptr_array_add (walked, NULL);
  result->walked_ids = (GStrv)g_ptr_array_free (g_steal_pointer (&walked), FALSE);
  return g_steal_pointer (&result);
}

gboolean
xuncha_office_route_coverage_between (XunchaOfficeRecords      *records,
                                      const char               *officer_id,
                                      gint64                    from_ms,
                                      gint64                    to_ms,
                                      XunchaOfficeCoverageSum  *sum,
                                      GError                  **error)
{
  g_auto(GStrv) assigned_ids = NULL;
  g_autofree char *assigned_sha256 = NULL;
  g_autoptr(GPtrArray) assigned = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GHashTable) walked = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 streets_revision = 0;
  GHashTableIter iter;
  gpointer key;
  double box[4];

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (records), FALSE);
  g_return_val_if_fail (officer_id != NULL && sum != NULL, FALSE);

  memset (sum, 0, sizeof *sum);
  assigned_ids = xuncha_office_records_assigned_streets (records, officer_id, error);
  if (assigned_ids == NULL)
    return FALSE;
  if (assigned_ids[0] == NULL)
    return TRUE;
  assigned_sha256 = xuncha_office_shift_coverage_assigned_sha256 (
    (const char * const *)assigned_ids);
  shifts = xuncha_office_records_officer_shifts (records, officer_id, from_ms, to_ms, error);
  if (shifts == NULL)
    return FALSE;
  /* Each shift's stored coverage, or NULL where it is missing or was computed from other
   * inputs than those of now. The streets' revision is read before the streets: were they
   * imported again in between, what is stored below carries the older revision and is
   * computed again next time, never kept as current. */
  stored = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_shift_coverage_free);
  for (guint i = 0; i < shifts->len; i++)
    {
      const XunchaWireShift *shift = shifts->pdata[i];
      g_autoptr(XunchaOfficeShiftCoverage) coverage = NULL;
      gint64 n_points, newest_seq, revision;

      if (!xuncha_office_records_shift_coverage_get (records, shift->uuid, &coverage,
                                                     &n_points, &newest_seq, &revision, error))
        return FALSE;
      if (i == 0)
        streets_revision = revision;
      else
        streets_revision = MIN (streets_revision, revision);
      if (!xuncha_office_shift_coverage_is_current (coverage, n_points, newest_seq, revision,
                                                    assigned_sha256))
        g_clear_pointer (&coverage, xuncha_office_shift_coverage_free);
      g_ptr_array_add (stored, g_steal_pointer (&coverage));
    }

  assigned = xuncha_office_records_streets_get (records, (const char * const *)assigned_ids,
                                                error);
  if (assigned == NULL)
    return FALSE;
  /* Whether a segment was walked depends on it and the track alone: a map of the assigned
   * segments gives their coverage without the streets around them. */
  segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  for (guint i = 0; i < assigned->len; i++)
    g_ptr_array_add (segments, segment_of (assigned->pdata[i]));
  map = xuncha_street_map_new (segments);
  for (guint i = 0; i < xuncha_street_map_get_n_segments (map); i++)
    sum->assigned_m += xuncha_street_segment_get_length_m (xuncha_street_map_get_segment (map, i));
  sum->n_assigned = xuncha_street_map_get_n_segments (map);
  if (!xuncha_street_map_get_bbox (map, &box[0], &box[1], &box[2], &box[3]))
    return TRUE;

  sum->n_shifts = shifts->len;
  for (guint i = 0; i < shifts->len; i++)
    {
      const XunchaWireShift *shift = shifts->pdata[i];
      const XunchaOfficeShiftCoverage *coverage = stored->pdata[i];

      if (coverage == NULL)
        {
          XunchaOfficeShiftCoverage *computed =
            shift_coverage_compute (records, shift->uuid, map, box, assigned_ids,
                                    assigned_sha256, streets_revision, error);

          if (computed == NULL
              || !xuncha_office_records_shift_coverage_put (records, shift->uuid, computed,
                                                            error))
            {
              xuncha_office_shift_coverage_free (computed);
              return FALSE;
            }
          g_ptr_array_index (stored, i) = computed;
          coverage = computed;
        }
      for (guint k = 0; coverage->walked_ids[k] != NULL; k++)
        {
          XunchaStreetSegment *segment = xuncha_street_map_lookup (map, coverage->walked_ids[k]);

          /* The map's own segment keeps the id alive as long as the map. A current entry
           * names only segments of this map: its streets and assignment are those of now. */
          if (segment != NULL)
            g_hash_table_add (walked, (gpointer)xuncha_street_segment_get_id (segment));
        }
    }
  g_hash_table_iter_init (&iter, walked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    sum->walked_m += xuncha_street_segment_get_length_m (xuncha_street_map_lookup (map, key));
  sum->n_walked = g_hash_table_size (walked);
  return TRUE;
}

static JsonArray *
strv_to_json (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

static JsonArray *
lines_to_json (const XunchaOfficeStreet *street)
{
  JsonArray *lines = json_array_new ();

  for (guint l = 0; l < street->lines->len; l++)
    {
      GArray *line = street->lines->pdata[l];
      JsonArray *points = json_array_new ();

      for (guint k = 0; k + 1 < line->len; k += 2)
        {
          JsonArray *point = json_array_new ();

          json_array_add_double_element (point, g_array_index (line, double, k));
          json_array_add_double_element (point, g_array_index (line, double, k + 1));
          json_array_add_array_element (points, point);
        }
      json_array_add_array_element (lines, points);
    }
  return lines;
}

static JsonObject *
shift_to_json (const XunchaOfficeShiftRoute *route)
{
  JsonObject *object = json_object_new ();
  JsonArray *track = json_array_new ();
  JsonArray *gaps = json_array_new ();

  json_object_set_string_member (object, "uuid", route->shift->uuid);
  json_object_set_string_member (object, "kind", route->shift->kind);
  json_object_set_string_member (object, "started_at", route->shift->started_at);
  if (route->shift->ended_at != NULL)
    json_object_set_string_member (object, "ended_at", route->shift->ended_at);
  else
    json_object_set_null_member (object, "ended_at");
  json_object_set_int_member (object, "n_points", route->fixes->len);
  json_object_set_double_member (object, "length_m", route->length_m);
  for (guint i = 0; i < route->fixes->len; i++)
    {
      const XunchaFix *fix = &g_array_index (route->fixes, XunchaFix, i);
      JsonArray *point = json_array_new ();

      json_array_add_double_element (point, fix->lon);
      json_array_add_double_element (point, fix->lat);
      json_array_add_int_element (point, fix->t_ms);
      json_array_add_array_element (track, point);
    }
  json_object_set_array_member (object, "track", track);
  for (guint i = 0; i < route->gaps->len; i++)
    {
      const XunchaRouteGap *gap = &g_array_index (route->gaps, XunchaRouteGap, i);
      JsonObject *item = json_object_new ();

      json_object_set_int_member (item, "start_ms", gap->start_ms);
      json_object_set_int_member (item, "end_ms", gap->end_ms);
      /* Rounded to whole minutes, as the device's "12 min without position" says them. */
      json_object_set_int_member (item, "minutes",
                                  (gap->end_ms - gap->start_ms + 30000) / 60000);
      json_array_add_object_element (gaps, item);
    }
  json_object_set_array_member (object, "gaps", gaps);
  json_object_set_int_member (object, "n_assigned", route->n_assigned);
  json_object_set_double_member (object, "percent", route->percent);
  json_object_set_double_member (object, "length_percent", route->length_percent);
  json_object_set_array_member (object, "walked",
                                strv_to_json ((const char * const *)route->walked_ids));
  json_object_set_array_member (object, "missed",
                                strv_to_json ((const char * const *)route->missed_ids));
  return object;
}

JsonNode *
xuncha_office_route_to_json (const XunchaOfficeRoute *route)
{
  JsonObject *object = json_object_new ();
  JsonArray *assigned = json_array_new ();
  JsonArray *shifts = json_array_new ();
  JsonNode *node;

  g_return_val_if_fail (route != NULL, NULL);

  json_object_set_string_member (object, "officer_id", route->officer_id);
  json_object_set_string_member (object, "day", route->day);
  json_object_set_int_member (object, "from_ms", route->from_ms);
  json_object_set_int_member (object, "to_ms", route->to_ms);
  for (guint i = 0; i < route->assigned->len; i++)
    {
      const XunchaOfficeStreet *street = route->assigned->pdata[i];
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", street->id);
      json_object_set_string_member (item, "name", street->name != NULL ? street->name : "");
      json_object_set_array_member (item, "lines", lines_to_json (street));
      json_array_add_object_element (assigned, item);
    }
  json_object_set_array_member (object, "assigned", assigned);
  for (guint i = 0; i < route->shifts->len; i++)
    json_array_add_object_element (shifts, shift_to_json (route->shifts->pdata[i]));
  json_object_set_array_member (object, "shifts", shifts);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}
