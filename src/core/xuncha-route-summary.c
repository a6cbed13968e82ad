/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-route-summary"

#include "config.h"

#include <math.h>

#include "xuncha-route-summary.h"
#include "xuncha-store-private.h"

G_DEFINE_BOXED_TYPE (XunchaRouteSummary, xuncha_route_summary,
                     xuncha_route_summary_copy, xuncha_route_summary_free)

static void
clear_report (gpointer data)
{
  XunchaRouteReport *report = data;

  g_free (report->uuid);
  g_free (report->created_at);
  g_free (report->category);
}

static void
clear_category_count (gpointer data)
{
  XunchaRouteCategoryCount *count = data;

  g_free (count->category);
}

static XunchaRouteSummary *
summary_new (void)
{
  XunchaRouteSummary *self = g_new0 (XunchaRouteSummary, 1);

  self->stops = g_array_new (FALSE, FALSE, sizeof (XunchaRouteStop));
  self->gaps = g_array_new (FALSE, FALSE, sizeof (XunchaRouteGap));
  self->reports = g_array_new (FALSE, FALSE, sizeof (XunchaRouteReport));
  g_array_set_clear_func (self->reports, clear_report);
  self->category_counts = g_array_new (FALSE, FALSE, sizeof (XunchaRouteCategoryCount));
  g_array_set_clear_func (self->category_counts, clear_category_count);
  return self;
}

void
xuncha_route_summary_free (XunchaRouteSummary *self)
{
  if (self == NULL)
    return;
  g_free (self->shift_uuid);
  g_array_unref (self->stops);
  g_array_unref (self->gaps);
  g_array_unref (self->reports);
  g_array_unref (self->category_counts);
  g_strfreev (self->walked_segments);
  g_strfreev (self->missed_segments);
  g_strfreev (self->missed_names);
  g_free (self);
}

XunchaRouteSummary *
xuncha_route_summary_copy (const XunchaRouteSummary *self)
{
  XunchaRouteSummary *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = summary_new ();
  copy->shift_uuid = g_strdup (self->shift_uuid);
  copy->n_points = self->n_points;
  copy->first_fix_ms = self->first_fix_ms;
  copy->last_fix_ms = self->last_fix_ms;
  copy->length_m = self->length_m;
  copy->duration_ms = self->duration_ms;
  copy->moving_ms = self->moving_ms;
  copy->n_stops = self->n_stops;
  copy->stopped_ms = self->stopped_ms;
  g_array_append_vals (copy->stops, self->stops->data, self->stops->len);
  copy->n_gaps = self->n_gaps;
  copy->gap_ms = self->gap_ms;
  g_array_append_vals (copy->gaps, self->gaps->data, self->gaps->len);
  for (guint i = 0; i < self->reports->len; i++)
    {
      const XunchaRouteReport *from = &g_array_index (self->reports, XunchaRouteReport, i);
      XunchaRouteReport to = { g_strdup (from->uuid), g_strdup (from->created_at),
                               g_strdup (from->category), from->lat, from->lon };
      g_array_append_val (copy->reports, to);
    }
  for (guint i = 0; i < self->category_counts->len; i++)
    {
      const XunchaRouteCategoryCount *from =
        &g_array_index (self->category_counts, XunchaRouteCategoryCount, i);
      XunchaRouteCategoryCount to = { g_strdup (from->category), from->count };
      g_array_append_val (copy->category_counts, to);
    }
  copy->has_coverage = self->has_coverage;
  copy->coverage_state = self->coverage_state;
  copy->coverage_percent = self->coverage_percent;
  copy->coverage_length_percent = self->coverage_length_percent;
  copy->n_assigned = self->n_assigned;
  copy->walked_segments = g_strdupv (self->walked_segments);
  copy->missed_segments = g_strdupv (self->missed_segments);
  copy->missed_names = g_strdupv (self->missed_names);
  return copy;
}

/* Stops in one pass: from each point, the run of following points within the radius of it;
 * a run long enough in time is a stop and the scan goes on after it. A walker leaves the
 * radius within a few points, so the work stays proportional to the number of points. */
static void
find_stops (XunchaRouteSummary *self,
            const XunchaFix    *fixes,
            gsize               n_fixes,
            guchar             *in_stop)   /* per step k (k -> k + 1): inside a stop */
{
  gsize i = 0;
  gsize last_end = G_MAXSIZE;

  while (i + 1 < n_fixes)
    {
      gsize j = i;

      /* Nothing is known of the time in a gap: a stop ends at one. */
      while (j + 1 < n_fixes
             && !xuncha_route_is_gap (&fixes[j], &fixes[j + 1])
             && xuncha_fix_distance (&fixes[i], &fixes[j + 1]) <= XUNCHA_ROUTE_STOP_RADIUS_M)
        j++;
      if (j > i && fixes[j].t_ms - fixes[i].t_ms >= XUNCHA_ROUTE_STOP_MIN_MS)
        {
          if (i == last_end)
            {
              /* The stop goes on from where the last run ended (its first point was at
               * the edge of the spot): one stop, not two. */
              XunchaRouteStop *stop = &g_array_index (self->stops, XunchaRouteStop,
                                                      self->stops->len - 1);
              stop->end_ms = fixes[j].t_ms;
            }
          else
            {
              XunchaRouteStop stop = { fixes[i].t_ms, fixes[j].t_ms, fixes[i].lat, fixes[i].lon };
              g_array_append_val (self->stops, stop);
            }
          memset (in_stop + i, 1, j - i);
          last_end = i = j;
        }
      else
        i++;
    }
  self->n_stops = self->stops->len;
  for (guint k = 0; k < self->stops->len; k++)
    {
      const XunchaRouteStop *stop = &g_array_index (self->stops, XunchaRouteStop, k);
      self->stopped_ms += stop->end_ms - stop->start_ms;
    }
}

XunchaRouteSummary *
xuncha_route_summary_new_for_fixes (const XunchaFix *fixes,
                                    gsize            n_fixes)
{
  XunchaRouteSummary *self;
  g_autofree guchar *in_stop = NULL;

  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  self = summary_new ();
  self->n_points = n_fixes;
  if (n_fixes == 0)
    return self;

  self->first_fix_ms = fixes[0].t_ms;
  self->last_fix_ms = fixes[n_fixes - 1].t_ms;
  self->duration_ms = self->last_fix_ms - self->first_fix_ms;

  in_stop = g_new0 (guchar, n_fixes);
  find_stops (self, fixes, n_fixes, in_stop);

  for (gsize k = 0; k + 1 < n_fixes; k++)
    {
      gint64 dt = fixes[k + 1].t_ms - fixes[k].t_ms;

      self->length_m += xuncha_fix_distance (&fixes[k], &fixes[k + 1]);
      if (xuncha_route_is_gap (&fixes[k], &fixes[k + 1]))
        {
          XunchaRouteGap gap = { fixes[k].t_ms, fixes[k + 1].t_ms, fixes[k].lat, fixes[k].lon,
                                 fixes[k + 1].lat, fixes[k + 1].lon };

          g_array_append_val (self->gaps, gap);
          self->gap_ms += dt;
        }
      else if (!in_stop[k] && dt > 0)
        self->moving_ms += dt;
    }
  self->n_gaps = self->gaps->len;
  return self;
}

static gint
compare_counts (gconstpointer a,
                gconstpointer b)
{
  const XunchaRouteCategoryCount *ca = a, *cb = b;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;
  return g_strcmp0 (ca->category, cb->category);
}

static gboolean
add_reports (XunchaRouteSummary  *self,
             XunchaStore         *store,
             XunchaShift         *shift,
             GError             **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from = xuncha_shift_format_time (xuncha_shift_get_started_ms (shift));
  g_autofree char *to = NULL;
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  to = xuncha_shift_format_time (xuncha_shift_is_open (shift)
                                 ? g_get_real_time () / 1000
                                 : xuncha_shift_get_ended_ms (shift));
  /* julianday() reads any ISO 8601 form the report module may write (with or without
   * fractions); the indexed shift_uuid match covers the common case. */
  stmt = xuncha_store_prepare (store,
                               "SELECT uuid, created_at, category, lat, lon FROM reports "
                               "WHERE shift_uuid = ?1 "
                               "OR (shift_uuid IS NULL "
                               "    AND julianday (created_at) BETWEEN julianday (?2) "
                               "                                   AND julianday (?3)) "
                               "ORDER BY julianday (created_at), uuid",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, xuncha_shift_get_uuid (shift), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, to, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaRouteReport report = {
        g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
        g_strdup ((const char *)sqlite3_column_text (stmt, 1)),
        g_strdup ((const char *)sqlite3_column_text (stmt, 2)),
        sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 3),
        sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4),
      };
      g_array_append_val (self->reports, report);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return xuncha_store_set_error (store, error, "Could not read the shift's reports");

  for (guint i = 0; i < self->reports->len; i++)
    {
      const char *category = g_array_index (self->reports, XunchaRouteReport, i).category;
      g_hash_table_insert (counts, (gpointer)category,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, category)) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      XunchaRouteCategoryCount count = { g_strdup (key), GPOINTER_TO_UINT (value) };
      g_array_append_val (self->category_counts, count);
    }
  g_array_sort (self->category_counts, compare_counts);
  return TRUE;
}

XunchaRouteSummary *
xuncha_route_summary_new_for_shift (XunchaStore  *store,
                                    XunchaShift  *shift,
                                    GArray      **points,
                                    GError      **error)
{
  g_autoptr(GArray) fixes = NULL;
  g_autoptr(XunchaRouteSummary) self = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (XUNCHA_IS_SHIFT (shift), NULL);

  fixes = xuncha_shift_load_points (shift, store, error);
  if (fixes == NULL)
    return NULL;
  self = xuncha_route_summary_new_for_fixes ((const XunchaFix *)(const void *)fixes->data,
                                             fixes->len);
  self->shift_uuid = g_strdup (xuncha_shift_get_uuid (shift));
  if (!add_reports (self, store, shift, error))
    return NULL;
  if (points != NULL)
    *points = g_steal_pointer (&fixes);
  return g_steal_pointer (&self);
}

const char *
xuncha_route_coverage_state_to_string (XunchaRouteCoverageState state)
{
  switch (state)
    {
    case XUNCHA_ROUTE_COVERAGE_NOT_COMPUTED:
      return "not-computed";
    case XUNCHA_ROUTE_COVERAGE_DONE:
      return "done";
    case XUNCHA_ROUTE_COVERAGE_NO_STREETS:
      return "no-streets";
    case XUNCHA_ROUTE_COVERAGE_NO_ASSIGNMENTS:
      return "no-assignments";
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
clear_coverage (XunchaRouteSummary *self)
{
  self->has_coverage = FALSE;
  self->coverage_state = XUNCHA_ROUTE_COVERAGE_NOT_COMPUTED;
  self->coverage_percent = 0;
  self->coverage_length_percent = 0;
  self->n_assigned = 0;
  g_clear_pointer (&self->walked_segments, g_strfreev);
  g_clear_pointer (&self->missed_segments, g_strfreev);
  g_clear_pointer (&self->missed_names, g_strfreev);
}

void
xuncha_route_summary_set_coverage (XunchaRouteSummary *self,
                                   double              percent,
                                   const char * const *walked,
                                   const char * const *missed)
{
  g_return_if_fail (self != NULL);

  clear_coverage (self);
  self->has_coverage = TRUE;
  self->coverage_state = XUNCHA_ROUTE_COVERAGE_DONE;
  self->coverage_percent = percent;
  self->walked_segments = g_strdupv ((char **)walked);
  self->missed_segments = g_strdupv ((char **)missed);
}

gboolean
xuncha_route_summary_add_coverage (XunchaRouteSummary          *self,
                                   XunchaStreetMap             *map,
                                   const XunchaFix             *fixes,
                                   gsize                        n_fixes,
                                   const char * const          *assigned_ids,
                                   const XunchaCoverageOptions *options)
{
  g_autoptr(XunchaCoverage) coverage = NULL;
  g_autoptr(GStrvBuilder) names = NULL;
  const char * const *missed;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (XUNCHA_IS_STREET_MAP (map), FALSE);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, FALSE);

  clear_coverage (self);
  if (xuncha_street_map_get_n_segments (map) == 0)
    {
      self->coverage_state = XUNCHA_ROUTE_COVERAGE_NO_STREETS;
      return FALSE;
    }

  coverage = xuncha_street_map_compute_coverage (map, fixes, n_fixes, options, assigned_ids);
  self->walked_segments = g_strdupv ((char **)xuncha_coverage_get_walked_ids (coverage));
  self->n_assigned = xuncha_coverage_get_n_assigned (coverage);
  if (self->n_assigned == 0)
    {
      self->coverage_state = XUNCHA_ROUTE_COVERAGE_NO_ASSIGNMENTS;
      return FALSE;
    }

  missed = xuncha_coverage_get_missed_ids (coverage);
  names = g_strv_builder_new ();
  for (guint i = 0; missed[i] != NULL; i++)
    {
      const char *name = xuncha_street_segment_get_name (xuncha_street_map_lookup (map, missed[i]));
      g_strv_builder_add (names, name != NULL ? name : "");
    }
  self->has_coverage = TRUE;
  self->coverage_state = XUNCHA_ROUTE_COVERAGE_DONE;
  self->coverage_percent = xuncha_coverage_get_percent_by_count (coverage);
  self->coverage_length_percent = xuncha_coverage_get_percent_by_length (coverage);
  self->missed_segments = g_strdupv ((char **)missed);
  self->missed_names = g_strv_builder_end (names);
  return TRUE;
}

gboolean
xuncha_route_summary_add_coverage_from_store (XunchaRouteSummary  *self,
                                              XunchaStore         *store,
                                              XunchaStreetMap     *map,
                                              const XunchaFix     *fixes,
                                              gsize                n_fixes,
                                              GError             **error)
{
  g_autoptr(XunchaStreetMap) loaded = NULL;
  g_auto(GStrv) assigned = NULL;
  gint64 n_streets;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (map == NULL || XUNCHA_IS_STREET_MAP (map), FALSE);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, FALSE);

  clear_coverage (self);
  if (map == NULL)
    {
      /* Counting first spares reading nothing into a map. */
      n_streets = xuncha_store_count_rows (store, "streets", error);
      if (n_streets < 0)
        return FALSE;
      if (n_streets == 0)
        {
          self->coverage_state = XUNCHA_ROUTE_COVERAGE_NO_STREETS;
          return TRUE;
        }
      loaded = xuncha_street_map_new_from_store (store, error);
      if (loaded == NULL)
        return FALSE;
      map = loaded;
    }
  assigned = xuncha_street_map_load_assignments (store, error);
  if (assigned == NULL)
    return FALSE;
  xuncha_route_summary_add_coverage (self, map, fixes, n_fixes,
                                     (const char * const *)assigned, NULL);
  return TRUE;
}
