/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

static char *
format_local (gint64      t_ms,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       t_ms)
{
  json_builder_set_member_name (builder, name);
  if (t_ms == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = xuncha_shift_format_time (t_ms);
      json_builder_add_string_value (builder, text);
    }
}

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_shift_members (JsonBuilder        *builder,
                   XunchaShift        *shift,
                   XunchaRouteSummary *summary)
{
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, xuncha_shift_get_uuid (shift));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder,
                                 xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)));
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, xuncha_shift_get_source (shift));
  add_time_member (builder, "started_at", xuncha_shift_get_started_ms (shift));
  add_time_member (builder, "ended_at", xuncha_shift_get_ended_ms (shift));
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, summary->n_points);
  json_builder_set_member_name (builder, "length_m");
  json_builder_add_double_value (builder, summary->length_m);
  json_builder_set_member_name (builder, "duration_s");
  json_builder_add_double_value (builder, summary->duration_ms / 1000.0);
  json_builder_set_member_name (builder, "moving_s");
  json_builder_add_double_value (builder, summary->moving_ms / 1000.0);
  json_builder_set_member_name (builder, "stops");
  json_builder_add_int_value (builder, summary->n_stops);
  json_builder_set_member_name (builder, "stopped_s");
  json_builder_add_double_value (builder, summary->stopped_ms / 1000.0);
  json_builder_set_member_name (builder, "report_count");
  json_builder_add_int_value (builder, summary->reports->len);
}

static void
add_summary_details (JsonBuilder        *builder,
                     XunchaRouteSummary *summary)
{
  json_builder_set_member_name (builder, "stop_list");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->stops->len; i++)
    {
      const XunchaRouteStop *stop = &g_array_index (summary->stops, XunchaRouteStop, i);
      json_builder_begin_object (builder);
      add_time_member (builder, "start", stop->start_ms);
      add_time_member (builder, "end", stop->end_ms);
      add_number_or_null (builder, "lat", stop->lat);
      add_number_or_null (builder, "lon", stop->lon);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "reports");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->reports->len; i++)
    {
      const XunchaRouteReport *report = &g_array_index (summary->reports, XunchaRouteReport, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, report->uuid);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, report->created_at);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, report->category);
      add_number_or_null (builder, "lat", report->lat);
      add_number_or_null (builder, "lon", report->lon);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "by_category");
  json_builder_begin_object (builder);
  for (guint i = 0; i < summary->category_counts->len; i++)
    {
      const XunchaRouteCategoryCount *count =
        &g_array_index (summary->category_counts, XunchaRouteCategoryCount, i);
      json_builder_set_member_name (builder, count->category);
      json_builder_add_int_value (builder, count->count);
    }
  json_builder_end_object (builder);

  /* Coverage of the assigned segments; null when it cannot be known, and why. */
  json_builder_set_member_name (builder, "coverage_state");
  json_builder_add_string_value (builder,
                                 xuncha_route_coverage_state_to_string (summary->coverage_state));
  json_builder_set_member_name (builder, "coverage");
  if (!summary->has_coverage)
    json_builder_add_null_value (builder);
  else
    {
      guint n_missed = g_strv_length (summary->missed_segments);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "percent");
      json_builder_add_double_value (builder, summary->coverage_percent);
      json_builder_set_member_name (builder, "length_percent");
      json_builder_add_double_value (builder, summary->coverage_length_percent);
      json_builder_set_member_name (builder, "assigned");
      json_builder_add_int_value (builder, summary->n_assigned);
      json_builder_set_member_name (builder, "assigned_walked");
      json_builder_add_int_value (builder, summary->n_assigned - n_missed);
      add_strv (builder, "walked", (const char * const *)summary->walked_segments);
      json_builder_set_member_name (builder, "missed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_missed; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, summary->missed_segments[i]);
          json_builder_set_member_name (builder, "name");
          if (summary->missed_names[i][0] == '\0')
            json_builder_add_null_value (builder);
          else
            json_builder_add_string_value (builder, summary->missed_names[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
}

/* A street segment as a feature: a LineString, or a MultiLineString for a segment of
 * several parts. */
static void
add_segment_feature (JsonBuilder         *builder,
                     XunchaStreetSegment *segment,
                     const char          *role)
{
  guint n_parts = xuncha_street_segment_get_n_parts (segment);
  const char *name = xuncha_street_segment_get_name (segment);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "Feature");
  json_builder_set_member_name (builder, "geometry");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, n_parts == 1 ? "LineString" : "MultiLineString");
  json_builder_set_member_name (builder, "coordinates");
  if (n_parts > 1)
    json_builder_begin_array (builder);
  for (guint p = 0; p < n_parts; p++)
    {
      guint n;
      const double *lonlat = xuncha_street_segment_get_part (segment, p, &n);

      json_builder_begin_array (builder);
      for (guint k = 0; k < n; k++)
        {
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, lonlat[2 * k]);
          json_builder_add_double_value (builder, lonlat[2 * k + 1]);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
    }
  if (n_parts > 1)
    json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, xuncha_street_segment_get_id (segment));
  json_builder_set_member_name (builder, "name");
  if (name != NULL)
    json_builder_add_string_value (builder, name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder,
                                 xuncha_street_class_to_string (
                                   xuncha_street_segment_get_class (segment)));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_segment_features (JsonBuilder     *builder,
                      XunchaStreetMap *map,
                      GStrv            ids,
                      const char      *role)
{
  for (guint i = 0; map != NULL && ids != NULL && ids[i] != NULL; i++)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (map, ids[i]);
      if (segment != NULL)
        add_segment_feature (builder, segment, role);
    }
}

static JsonNode *
route_geojson (XunchaShift        *shift,
               XunchaRouteSummary *summary,
               GArray             *points,
               XunchaStreetMap    *map)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "FeatureCollection");
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);

  /* The route. A LineString needs two positions; a one-point track is a Point. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "Feature");
  json_builder_set_member_name (builder, "geometry");
  if (points->len == 0)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, points->len == 1 ? "Point" : "LineString");
      json_builder_set_member_name (builder, "coordinates");
      if (points->len > 1)
        json_builder_begin_array (builder);
      for (guint i = 0; i < points->len; i++)
        {
          const XunchaFix *fix = &g_array_index (points, XunchaFix, i);
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, fix->lon);
          json_builder_add_double_value (builder, fix->lat);
          json_builder_end_array (builder);
        }
      if (points->len > 1)
        json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "route");
  add_shift_members (builder, shift, summary);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  /* Walked segments (all of them, assigned or not), then the assigned ones missed. */
  add_segment_features (builder, map, summary->walked_segments, "walked");
  add_segment_features (builder, map, summary->missed_segments, "missed");

  for (guint i = 0; i < summary->reports->len; i++)
    {
      const XunchaRouteReport *report = &g_array_index (summary->reports, XunchaRouteReport, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "Feature");
      json_builder_set_member_name (builder, "geometry");
      if (isnan (report->lat) || isnan (report->lon))
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "Point");
          json_builder_set_member_name (builder, "coordinates");
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, report->lon);
          json_builder_add_double_value (builder, report->lat);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "report");
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, report->uuid);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, report->category);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, report->created_at);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The store's street map, or NULL (without an error) when no streets were imported. */
static XunchaStreetMap *
load_street_map (XunchaStore  *store,
                 GError      **error)
{
  gint64 n = xuncha_store_count_rows (store, "streets", error);

  if (n <= 0)
    return NULL;
  return xuncha_street_map_new_from_store (store, error);
}

static gboolean
summarize (XunchaStore          *store,
           XunchaShift          *shift,
           XunchaStreetMap      *map,
           XunchaRouteSummary  **summary,
           GArray              **points,
           GError              **error)
{
  g_autoptr(XunchaRouteSummary) result = NULL;
  g_autoptr(GArray) fixes = NULL;

  result = xuncha_route_summary_new_for_shift (store, shift, &fixes, error);
  if (result == NULL)
    return FALSE;
  if (map != NULL)
    {
      if (!xuncha_route_summary_add_coverage_from_store (result, store, map,
                                                         (const XunchaFix *)(void *)fixes->data,
                                                         fixes->len, error))
        return FALSE;
    }
  else
    result->coverage_state = XUNCHA_ROUTE_COVERAGE_NO_STREETS;
  *summary = g_steal_pointer (&result);
  if (points != NULL)
    *points = g_steal_pointer (&fixes);
  return TRUE;
}

static char *
format_duration (gint64 ms)
{
  gint64 minutes = (ms + 30000) / 60000;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", minutes / 60, (int)(minutes % 60));
}

static int
history_show (XunchaStore *store,
              const char  *id,
              gboolean     json,
              gboolean     geojson)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_lookup (store, id, &error);
  g_autoptr(XunchaRouteSummary) summary = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autoptr(GArray) points = NULL;

  if (shift == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  map = load_street_map (store, &error);
  if (error != NULL || !summarize (store, shift, map, &summary, &points, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (geojson)
    {
      g_autoptr(JsonNode) root = route_geojson (shift, summary, points, map);
      xuncha_cli_print_json (root);
      return 0;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_shift_members (builder, shift, summary);
      add_summary_details (builder, summary);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  {
    g_autofree char *start = format_local (xuncha_shift_get_started_ms (shift), "%Y-%m-%d %H:%M");
    g_autofree char *end = xuncha_shift_is_open (shift)
                           ? g_strdup (_("still open"))
                           : format_local (xuncha_shift_get_ended_ms (shift), "%H:%M");
    g_autofree char *duration = format_duration (summary->duration_ms);
    g_autofree char *moving = format_duration (summary->moving_ms);
    g_autofree char *stopped = format_duration (summary->stopped_ms);

    printf (_("Shift %s (%s, %s)\n"), xuncha_shift_get_uuid (shift),
            xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)),
            xuncha_shift_get_source (shift));
    printf (_("  Time:     %s – %s\n"), start, end);
    printf (_("  Route:    %.2f km, %u points, %s on the track, %s moving\n"),
            summary->length_m / 1000.0, summary->n_points, duration, moving);
    printf (_("  Stops:    %u, %s in all\n"), summary->n_stops, stopped);
    printf (_("  Reports:  %u\n"), summary->reports->len);
    for (guint i = 0; i < summary->category_counts->len; i++)
      {
        const XunchaRouteCategoryCount *count =
          &g_array_index (summary->category_counts, XunchaRouteCategoryCount, i);
        printf ("    %-12s %u\n", count->category, count->count);
      }
    if (summary->has_coverage)
      {
        guint n_missed = g_strv_length (summary->missed_segments);

        printf (_("  Coverage: %.1f %% of %u assigned segments (%.1f %% of their length): "
                  "%u walked, %u missed\n"),
                summary->coverage_percent, summary->n_assigned,
                summary->coverage_length_percent, summary->n_assigned - n_missed, n_missed);
        for (guint i = 0; i < n_missed; i++)
          printf (_("    missed %-10s %s\n"), summary->missed_segments[i],
                  summary->missed_names[i][0] != '\0' ? summary->missed_names[i] : _("(no name)"));
      }
    else if (summary->coverage_state == XUNCHA_ROUTE_COVERAGE_NO_STREETS)
      printf ("%s\n", _("  Coverage: unknown, no street map on this device "
                        "(import one with “xuncha-cli streets import FILE”)"));
    else
      printf ("%s\n", _("  Coverage: unknown, no street segments are assigned "
                        "(assign them with “xuncha-cli streets assign ID…”)"));
    if (summary->walked_segments != NULL)
      printf (_("  Walked:   %u street segments\n"), g_strv_length (summary->walked_segments));
  }
  return 0;
}

static int
history_list (XunchaStore *store,
              const char  *date,
              gboolean     json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(XunchaStreetMap) map = NULL;
  g_autofree char *current_day = NULL;

  if (date != NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      int y, m, d;
      char tail;

      if (sscanf (date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
          || !g_date_valid_dmy (d, m, y))
        {
          g_printerr (_("“%s” is not a date: use YYYY-MM-DD, e.g. 2024-05-01.\n"), date);
          return 2;
        }
      day = g_date_time_new (local, y, m, d, 12, 0, 0);
    }

  shifts = xuncha_shift_list (store, day, &error);
  if (shifts != NULL && shifts->len > 0)
    map = load_street_map (store, &error);
  if (shifts == NULL || error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (json)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "days");
      json_builder_begin_array (builder);
    }
  else if (shifts->len == 0)
    printf ("%s\n", date != NULL ? _("No shift on that day.") : _("No shift yet."));

  for (guint i = 0; i < shifts->len; i++)
    {
      XunchaShift *shift = g_ptr_array_index (shifts, i);
      g_autoptr(XunchaRouteSummary) summary = NULL;
      g_autofree char *shift_day = format_local (xuncha_shift_get_started_ms (shift), "%Y-%m-%d");

      if (!summarize (store, shift, map, &summary, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      if (g_strcmp0 (current_day, shift_day) != 0)
        {
          if (json)
            {
              if (current_day != NULL)
                {
                  json_builder_end_array (builder);
                  json_builder_end_object (builder);
                }
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "day");
              json_builder_add_string_value (builder, shift_day);
              json_builder_set_member_name (builder, "shifts");
              json_builder_begin_array (builder);
            }
          else
            printf ("%s\n", shift_day);
          g_free (current_day);
          current_day = g_strdup (shift_day);
        }

      if (json)
        {
          json_builder_begin_object (builder);
          add_shift_members (builder, shift, summary);
          add_number_or_null (builder, "coverage_percent",
                              summary->has_coverage ? summary->coverage_percent : NAN);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *start = format_local (xuncha_shift_get_started_ms (shift), "%H:%M");
          g_autofree char *end = xuncha_shift_is_open (shift)
                                 ? g_strdup ("…")
                                 : format_local (xuncha_shift_get_ended_ms (shift), "%H:%M");
          g_autofree char *short_id = g_strndup (xuncha_shift_get_uuid (shift), 8);
          g_autofree char *coverage = summary->has_coverage
                                      ? g_strdup_printf (_("  %.0f %% covered"),
                                                         summary->coverage_percent)
                                      : g_strdup ("");

          printf (_("  %s  %-5s  %s–%s  %6.2f km  %u reports  (%s)%s\n"), short_id,
                  xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)), start, end,
                  summary->length_m / 1000.0, summary->reports->len,
                  xuncha_shift_get_source (shift), coverage);
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;

      if (current_day != NULL)
        {
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
    }
  return 0;
}

/* history [--date YYYY-MM-DD] [--json] | history show SHIFT [--json | --geojson] */
int
xuncha_cli_history (XunchaCliContext  *ctx,
                    int                argc,
                    char             **argv)
{
  g_autofree char *date = NULL;
  gboolean json = FALSE;
  gboolean geojson = FALSE;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date,
      N_("Only the shifts that started on this local day"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "geojson", 0, 0, G_OPTION_ARG_NONE, &geojson,
      N_("show: print the route, walked and missed segments and reports as GeoJSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  gboolean show;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("history", "[show SHIFT]",
                                 _("List shifts by day, or show one shift's route"), entries,
                                 &argc, &argv))
    return 2;
  show = argc >= 2 && g_str_equal (argv[1], "show");
  if ((show && argc != 3) || (!show && argc != 1) || (json && geojson)
      || (geojson && !show) || (show && date != NULL))
    {
      g_printerr (_("Usage: xuncha-cli history [--date YYYY-MM-DD] [--json] | "
                    "history show SHIFT [--json | --geojson]\n"));
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (show)
    return history_show (store, argv[2], json, geojson);
  return history_list (store, date, json);
}
