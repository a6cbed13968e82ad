/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "xuncha-cli-context.h"

static void
print_streets_usage (void)
{
  g_printerr ("%s\n", _("Usage: xuncha-cli streets import FILE [--crs wgs84|gcj02|bd09] "
                        "[--map FIELD=PROPERTY …] [--json]"));
  g_printerr ("%s\n", _("       xuncha-cli streets snap LAT LON [--accuracy M] "
                        "[--max-distance M] [--json]"));
  g_printerr ("%s\n", _("       xuncha-cli streets stats [--json]"));
  g_printerr ("%s\n", _("       xuncha-cli streets assign ID… | --clear | --list"));
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;

  *out = g_ascii_strtod (text, &end);
  return end != NULL && end != text && *end == '\0' && isfinite (*out);
}

static int
report_error (GError *error)
{
  g_printerr ("%s\n", error->message);
  return 1;
}

static int
streets_import (XunchaCliContext  *ctx,
                int                argc,
                char             **argv)
{
  g_autofree char *crs_name = NULL;
  g_auto(GStrv) mappings = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "crs", 0, 0, G_OPTION_ARG_STRING, &crs_name,
      N_("Coordinate system of the file: wgs84 (default), gcj02 or bd09"), N_("CRS") },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &mappings,
      N_("Read FIELD (id, name, class, kind, grid_cell, community, unit) from PROPERTY"),
      N_("FIELD=PROPERTY") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaMapImporter) importer = NULL;
  XunchaMapImportStats stats;
  XunchaCrs crs = XUNCHA_CRS_WGS84;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("streets import", "FILE",
                                 _("Import street segments from a GeoJSON file"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 2)
    {
      print_streets_usage ();
      return 2;
    }
  if (crs_name != NULL && !xuncha_crs_from_string (crs_name, &crs, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return report_error (error);
  importer = xuncha_map_importer_new (store);
  xuncha_map_importer_set_crs (importer, crs);
  for (guint i = 0; mappings != NULL && mappings[i] != NULL; i++)
    if (!xuncha_map_importer_parse_mapping (importer, mappings[i], &error))
      {
        g_printerr ("%s\n", error->message);
        return 2;
      }

  if (!xuncha_map_importer_import_streets_file (importer, argv[1], &stats, &error))
    return report_error (error);

  if (json)
    {
      xuncha_cli_print_import_stats (crs, &stats, "features", "merchants_linked");
    }
  else
    {
      printf (_("Imported %s (%s): %u features, %u new segments, %u updated, %u skipped "
                "(not lines).\n"),
              argv[1], xuncha_crs_to_string (crs), stats.features, stats.inserted,
              stats.updated, stats.skipped);
      if (stats.linked > 0)
        printf (_("Linked %u merchants to their nearest segment.\n"), stats.linked);
    }
  return 0;
}

static void
add_snap (JsonBuilder            *builder,
          const XunchaStreetSnap *snap)
{
  const XunchaStreetSegment *segment = snap->segment;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, xuncha_street_segment_get_id (segment));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, xuncha_street_segment_get_name (segment));
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder,
                                 xuncha_street_class_to_string (
                                   xuncha_street_segment_get_class (segment)));
  json_builder_set_member_name (builder, "distance_m");
  json_builder_add_double_value (builder, round (snap->distance_m * 100) / 100);
  json_builder_set_member_name (builder, "offset_m");
  json_builder_add_double_value (builder, round (snap->offset_m * 100) / 100);
  json_builder_set_member_name (builder, "length_m");
  json_builder_add_double_value (builder,
                                 round (xuncha_street_segment_get_length_m (segment) * 100) / 100);
  json_builder_set_member_name (builder, "side");
  json_builder_add_string_value (builder, xuncha_street_side_to_string (snap->side));
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, snap->lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, snap->lon);
  json_builder_end_object (builder);
}

static const char *
side_label (XunchaStreetSide side)
{
  switch (side)
    {
    case XUNCHA_STREET_SIDE_LEFT:
      return _("left side");
    case XUNCHA_STREET_SIDE_RIGHT:
      return _("right side");
    case XUNCHA_STREET_SIDE_ON:
    default:
      return _("on the centre line");
    }
}

static int
streets_snap (XunchaCliContext  *ctx,
              int                argc,
              char             **argv)
{
  double accuracy = NAN;
  double max_distance = NAN;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &accuracy,
      N_("Accuracy of the position in metres: widens the search"), N_("M") },
    { "max-distance", 0, 0, G_OPTION_ARG_DOUBLE, &max_distance,
      N_("Search this far in metres instead (default 50 plus the accuracy)"), N_("M") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  XunchaStreetSnap snaps[XUNCHA_STREET_MAP_MAX_SNAPS];
  XunchaStore *store;
  double lat, lon, searched;
  guint n;

  if (!xuncha_cli_parse_options ("streets snap", "LAT LON",
                                 _("Find the street segment at a position (WGS-84)"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 3 || !parse_double (argv[1], &lat) || !parse_double (argv[2], &lon)
      || fabs (lat) > 90 || fabs (lon) > 180)
    {
      g_printerr ("%s\n", _("Give the position as two numbers, latitude then longitude, "
                            "in degrees (WGS-84), for example: streets snap 30.7952 106.0806"));
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return report_error (error);
  map = xuncha_street_map_new_from_store (store, &error);
  if (map == NULL)
    return report_error (error);
  if (xuncha_street_map_get_n_segments (map) == 0)
    {
      g_printerr ("%s\n", _("There are no street segments yet. Import some with "
                            "“xuncha-cli streets import FILE”."));
      return 1;
    }

  if (isfinite (max_distance))
    {
      searched = max_distance;
      n = xuncha_street_map_snap_within (map, lat, lon, max_distance, snaps, G_N_ELEMENTS (snaps));
    }
  else
    {
      searched = XUNCHA_STREET_MAP_DEFAULT_MAX_DISTANCE_M
                 + (isfinite (accuracy) && accuracy > 0
                    ? MIN (accuracy, XUNCHA_STREET_MAP_MAX_ACCURACY_BONUS_M) : 0);
      n = xuncha_street_map_snap (map, lat, lon, accuracy, snaps, G_N_ELEMENTS (snaps));
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, lat);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, lon);
      json_builder_set_member_name (builder, "max_distance_m");
      json_builder_add_double_value (builder, searched);
      json_builder_set_member_name (builder, "best");
      if (n > 0)
        add_snap (builder, &snaps[0]);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "alternatives");
      json_builder_begin_array (builder);
      for (guint i = 1; i < n; i++)
        add_snap (builder, &snaps[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  if (n == 0)
    {
      printf (_("No street segment within %.0f m.\n"), searched);
      return 0;
    }
  for (guint i = 0; i < n; i++)
    {
      const char *name = xuncha_street_segment_get_name (snaps[i].segment);

      printf ("%s %s %s (%s): %.1f m, %.1f m %s, %s\n",
              i == 0 ? "*" : " ",
              xuncha_street_segment_get_id (snaps[i].segment),
              name != NULL ? name : _("(no name)"),
              xuncha_street_class_to_string (xuncha_street_segment_get_class (snaps[i].segment)),
              snaps[i].distance_m, snaps[i].offset_m, _("along"), side_label (snaps[i].side));
    }
  return 0;
}

static int
streets_stats (XunchaCliContext  *ctx,
               int                argc,
               char             **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStreetMap) map = NULL;
  g_auto(GStrv) assigned = NULL;
  XunchaStore *store;
  guint count[XUNCHA_STREET_CLASS_OTHER + 1] = { 0 };
  double length[XUNCHA_STREET_CLASS_OTHER + 1] = { 0 };
  double bbox[4] = { 0 };
  gboolean have_bbox;
  guint n, n_unknown = 0;
  gint64 merchants;

  if (!xuncha_cli_parse_options ("streets stats", "", _("Summarise the street map"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 1)
    {
      print_streets_usage ();
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return report_error (error);
  map = xuncha_street_map_new_from_store (store, &error);
  if (map == NULL)
    return report_error (error);
  assigned = xuncha_street_map_load_assignments (store, &error);
  if (assigned == NULL)
    return report_error (error);
  merchants = xuncha_store_count_rows (store, "merchants", &error);
  if (merchants < 0)
    return report_error (error);

  n = xuncha_street_map_get_n_segments (map);
  for (guint i = 0; i < n; i++)
    {
      XunchaStreetSegment *segment = xuncha_street_map_get_segment (map, i);
      XunchaStreetClass klass = xuncha_street_segment_get_class (segment);

      count[klass]++;
      length[klass] += xuncha_street_segment_get_length_m (segment);
    }
  for (guint i = 0; assigned[i] != NULL; i++)
    n_unknown += xuncha_street_map_lookup (map, assigned[i]) == NULL;
  have_bbox = xuncha_street_map_get_bbox (map, &bbox[0], &bbox[1], &bbox[2], &bbox[3]);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      double total = 0;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "segments");
      json_builder_add_int_value (builder, n);
      json_builder_set_member_name (builder, "classes");
      json_builder_begin_object (builder);
      for (guint k = 0; k <= XUNCHA_STREET_CLASS_OTHER; k++)
        {
          json_builder_set_member_name (builder, xuncha_street_class_to_string (k));
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "segments");
          json_builder_add_int_value (builder, count[k]);
          json_builder_set_member_name (builder, "length_m");
          json_builder_add_double_value (builder, round (length[k] * 10) / 10);
          json_builder_end_object (builder);
          total += length[k];
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "length_m");
      json_builder_add_double_value (builder, round (total * 10) / 10);
      json_builder_set_member_name (builder, "bbox");
      if (have_bbox)
        {
          json_builder_begin_array (builder);
          for (guint k = 0; k < 4; k++)
            json_builder_add_double_value (builder, bbox[k]);
          json_builder_end_array (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "merchants");
      json_builder_add_int_value (builder, merchants);
      json_builder_set_member_name (builder, "assigned");
      json_builder_add_int_value (builder, g_strv_length (assigned));
      json_builder_set_member_name (builder, "assigned_unknown");
      json_builder_add_int_value (builder, n_unknown);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  printf (_("Street segments: %u\n"), n);
  for (guint k = 0; k <= XUNCHA_STREET_CLASS_OTHER; k++)
    printf ("  %-8s %6u  %9.2f km\n", xuncha_street_class_to_string (k), count[k],
            length[k] / 1000);
  if (have_bbox)
    printf (_("Extent:   %.6f, %.6f – %.6f, %.6f (lon, lat)\n"), bbox[0], bbox[1], bbox[2],
            bbox[3]);
  printf (_("Merchants: %lld\n"), (long long)merchants);
  printf (_("Assigned segments: %u\n"), g_strv_length (assigned));
  if (n_unknown > 0)
    printf (_("  of which %u are not in the map (import the streets again)\n"), n_unknown);
  return 0;
}

static int
streets_assign (XunchaCliContext  *ctx,
                int                argc,
                char             **argv)
{
  gboolean clear = FALSE;
  gboolean list = FALSE;
  GOptionEntry entries[] = {
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Assign no segment at all"), NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, N_("Print the assigned segments"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("streets assign", "ID…",
                                 _("Set the street segments this officer is to walk"), entries,
                                 &argc, &argv))
    return 2;
  if ((argc > 1) + clear + list != 1)
    {
      print_streets_usage ();
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return report_error (error);

  if (list)
    {
      g_auto(GStrv) ids = xuncha_street_map_load_assignments (store, &error);

      if (ids == NULL)
        return report_error (error);
      for (guint i = 0; ids[i] != NULL; i++)
        printf ("%s\n", ids[i]);
      return 0;
    }

  if (!xuncha_street_map_save_assignments (store, (const char * const *)(argv + 1), &error))
    return report_error (error);
  printf (_("Assigned %d street segments.\n"), argc - 1);
  return 0;
}

/* streets import | snap | stats | assign */
int
xuncha_cli_streets (XunchaCliContext  *ctx,
                    int                argc,
                    char             **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return streets_import (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "snap"))
    return streets_snap (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "stats"))
    return streets_stats (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "assign"))
    return streets_assign (ctx, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      print_streets_usage ();
      return 0;
    }
  print_streets_usage ();
  return 2;
}
