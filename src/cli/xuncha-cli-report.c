/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "xuncha-cli-context.h"
#include "xuncha-json-private.h"

static int
usage (void)
{
  g_printerr ("%s\n", _("Usage: xuncha-cli report add --category CODE --photo FILE [--photo FILE…] "
                        "[--lat LAT --lon LON [--accuracy M]] [--note TEXT] [--merchant ID] "
                        "[--disposition corrected|deadline|case] [--deadline YYYY-MM-DD] "
                        "[--parent ID]"));
  g_printerr ("%s\n", _("       xuncha-cli report list [--limit N] [--json]"));
  g_printerr ("%s\n", _("       xuncha-cli report show ID [--json]"));
  return 2;
}

static XunchaReportStore *
open_reports (XunchaCliContext *ctx)
{
  g_autoptr(GError) error = NULL;
  XunchaStore *store = xuncha_cli_context_get_store (ctx, &error);
  XunchaReportStore *reports = NULL;

  if (store != NULL)
    reports = xuncha_report_store_new (store, &error);
  if (reports == NULL)
    {
      g_printerr ("%s\n", error->message);
      return NULL;
    }
  /* Reports are tagged with their street segment when the device has a street map. */
  if (xuncha_store_count_rows (store, "streets", NULL) > 0)
    {
      g_autoptr(XunchaStreetMap) map = xuncha_street_map_new_from_store (store, &error);
      if (map != NULL)
        xuncha_report_store_set_street_map (reports, map);
      else
        g_printerr ("%s\n", error->message);
    }
  return reports;
}

/* The type a category gives one of its fields ("number", "text", ...), or NULL. */
static char *
field_type (XunchaStore *store,
            const char  *category,
            const char  *field)
{
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_from_store (store, NULL);
  XunchaCategory *cat = taxonomy != NULL ? xuncha_taxonomy_lookup (taxonomy, category) : NULL;
  g_autoptr(JsonNode) fields = NULL;
  JsonArray *array;

  if (cat == NULL)
    return NULL;
  fields = json_from_string (xuncha_category_get_fields_json (cat), NULL);
  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields))
    return NULL;
  array = json_node_get_array (fields);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *f = json_array_get_object_element (array, i);
      if (f != NULL && g_strcmp0 (json_object_get_string_member_with_default (f, "id", NULL),
                                  field) == 0)
        return g_strdup (json_object_get_string_member_with_default (f, "type", NULL));
    }
  return NULL;
}

static char *
build_fields (XunchaStore  *store,
              const char   *category,
              const char   *fields_json,
              char        **field_args,
              GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *object;

  if (fields_json != NULL)
    {
      root = xuncha_json_parse (fields_json, -1, error);
      if (root == NULL)
        return NULL;
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--fields must be a JSON object, like {\"plate\": \"A12345\"}"));
          return NULL;
        }
    }
  else
    {
      /* The node takes its own reference to the object. */
      g_autoptr(JsonObject) empty = json_object_new ();
      root = json_node_init_object (json_node_alloc (), empty);
    }
  object = json_node_get_object (root);

  for (guint i = 0; field_args != NULL && field_args[i] != NULL; i++)
    {
      const char *eq = strchr (field_args[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *type = NULL;
      char *end = NULL;
      double number;

      if (eq == NULL || eq == field_args[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--field takes KEY=VALUE, not “%s”"), field_args[i]);
          return NULL;
        }
      key = g_strndup (field_args[i], eq - field_args[i]);
      type = field_type (store, category, key);
      number = g_ascii_strtod (eq + 1, &end);
      if (g_strcmp0 (type, "number") == 0 && end != eq + 1 && *end == '\0' && isfinite (number))
        json_object_set_double_member (object, key, number);
      else
        json_object_set_string_member (object, key, eq + 1);
    }
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static int
report_add (XunchaCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autofree char *category = NULL;
  g_auto(GStrv) photos = NULL;
  g_auto(GStrv) after = NULL;
  g_auto(GStrv) evidence = NULL;
  g_auto(GStrv) field_args = NULL;
  g_autofree char *fields_json = NULL;
  g_autofree char *note = NULL;
  g_autofree char *merchant = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *street = NULL;
  g_autofree char *source = NULL;
  g_autofree char *zone_id = NULL;
  g_autofree char *officer = NULL;
  double lat = NAN, lon = NAN, accuracy = NAN, altitude = NAN, heading = NAN;
  double street_offset = NAN;
  double camera_offset = 0, max_gap = 60;
  int max_edge = 0;
  GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Category code (see “categories list”)"), N_("CODE") },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &photos, N_("A photo of the violation (repeat for more)"), N_("FILE") },
    { "after-photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &after, N_("A photo after correction"), N_("FILE") },
    { "evidence", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &evidence, N_("A photo of other evidence"), N_("FILE") },
    { "lat", 0, 0, G_OPTION_ARG_DOUBLE, &lat, N_("Latitude, WGS-84 degrees"), N_("LAT") },
    { "lon", 0, 0, G_OPTION_ARG_DOUBLE, &lon, N_("Longitude, WGS-84 degrees"), N_("LON") },
    { "accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &accuracy, N_("Horizontal accuracy in metres"), N_("M") },
    { "altitude", 0, 0, G_OPTION_ARG_DOUBLE, &altitude, N_("Altitude in metres"), N_("M") },
    { "heading", 0, 0, G_OPTION_ARG_DOUBLE, &heading, N_("Direction of view, degrees from north"), N_("DEG") },
    { "position-source", 0, 0, G_OPTION_ARG_STRING, &source, N_("Where --lat/--lon come from: manual (default) or gps"), N_("SOURCE") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note"), N_("TEXT") },
    { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &field_args, N_("A category field (repeat for more)"), N_("KEY=VALUE") },
    { "fields", 0, 0, G_OPTION_ARG_STRING, &fields_json, N_("Category fields as a JSON object"), N_("JSON") },
    { "merchant", 0, 0, G_OPTION_ARG_STRING, &merchant, N_("Merchant id from the registry"), N_("ID") },
    { "street", 0, 0, G_OPTION_ARG_STRING, &street, N_("Street segment id"), N_("ID") },
    { "street-offset", 0, 0, G_OPTION_ARG_DOUBLE, &street_offset, N_("Distance along the street segment in metres"), N_("M") },
    { "disposition", 0, 0, G_OPTION_ARG_STRING, &disposition, N_("corrected, deadline or case"), N_("WHAT") },
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &deadline, N_("Rectification deadline"), N_("YYYY-MM-DD") },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, N_("The report this one re-inspects"), N_("ID") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("Officer id"), N_("ID") },
    { "camera-offset", 0, 0, G_OPTION_ARG_DOUBLE, &camera_offset, N_("Seconds to add to the camera clock to get true time"), N_("S") },
    { "max-gap", 0, 0, G_OPTION_ARG_DOUBLE, &max_gap, N_("Longest track gap bridged when placing by time (default 60)"), N_("S") },
    { "zone", 0, 0, G_OPTION_ARG_STRING, &zone_id, N_("Time zone of the camera clock when the photo does not say (default: local)"), N_("TZ") },
    { "max-edge", 0, 0, G_OPTION_ARG_INT, &max_edge, N_("Scale photos down to this longest edge in pixels"), N_("PX") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;
  g_autofree char *fields = NULL;
  XunchaPositionSource position_source = XUNCHA_POSITION_SOURCE_MANUAL;
  XunchaDisposition disp = XUNCHA_DISPOSITION_NONE;

  if (!xuncha_cli_parse_options ("report add", "", _("Add a violation report"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 1 || category == NULL || photos == NULL)
    {
      g_printerr ("%s\n", _("report add needs --category and at least one --photo."));
      return usage ();
    }
  if (isfinite (lat) != isfinite (lon))
    {
      g_printerr ("%s\n", _("Give both --lat and --lon, or neither."));
      return 2;
    }
  if (source != NULL && (!xuncha_position_source_from_string (source, &position_source)
                         || (position_source != XUNCHA_POSITION_SOURCE_MANUAL
                             && position_source != XUNCHA_POSITION_SOURCE_GPS)))
    {
      g_printerr (_("--position-source must be manual or gps, not “%s”.\n"), source);
      return 2;
    }
  if (disposition != NULL && !xuncha_disposition_from_string (disposition, &disp))
    {
      g_printerr (_("--disposition must be corrected, deadline or case, not “%s”.\n"),
                  disposition);
      return 2;
    }
  if (max_edge < 0 || max_gap < 0)
    {
      g_printerr ("%s\n", _("--max-edge and --max-gap cannot be negative."));
      return 2;
    }

  reports = open_reports (ctx);
  if (reports == NULL)
    return 1;
  fields = build_fields (xuncha_cli_context_get_store (ctx, NULL), category, fields_json,
                         field_args, &error);
  if (fields == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  report = xuncha_report_new (category);
  xuncha_report_set_fields_json (report, fields);
  xuncha_report_set_note (report, note);
  xuncha_report_set_officer (report, officer);
  xuncha_report_set_merchant_id (report, merchant);
  xuncha_report_set_disposition (report, disp);
  if (deadline != NULL && disposition == NULL)
    xuncha_report_set_disposition (report, XUNCHA_DISPOSITION_DEADLINE);
  xuncha_report_set_deadline (report, deadline);
  xuncha_report_set_parent_uuid (report, parent);
  if (street != NULL)
    xuncha_report_set_street (report, street, street_offset);
  if (isfinite (lat))
    xuncha_report_set_position (report, lat, lon, accuracy, altitude, heading,
                                position_source);
  for (guint i = 0; photos[i] != NULL; i++)
    xuncha_report_add_photo_file (report, photos[i], XUNCHA_PHOTO_ROLE_BEFORE);
  for (guint i = 0; after != NULL && after[i] != NULL; i++)
    xuncha_report_add_photo_file (report, after[i], XUNCHA_PHOTO_ROLE_AFTER);
  for (guint i = 0; evidence != NULL && evidence[i] != NULL; i++)
    xuncha_report_add_photo_file (report, evidence[i], XUNCHA_PHOTO_ROLE_EVIDENCE);

  xuncha_report_store_set_max_edge (reports, (guint)max_edge);
  xuncha_report_store_set_camera_offset_ms (reports, (gint64)llround (camera_offset * 1000));
  xuncha_report_store_set_max_gap_ms (reports, (gint64)llround (max_gap * 1000));
  if (zone_id != NULL)
    {
      g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (zone_id);
      if (zone == NULL)
        {
          g_printerr (_("Unknown time zone “%s” (try Asia/Shanghai or +08:00).\n"), zone_id);
          return 2;
        }
      xuncha_report_store_set_zone (reports, zone);
    }

  if (!xuncha_report_store_save (reports, report, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("%s\n", xuncha_report_get_uuid (report));
  fflush (stdout);
  return 0;
}

static void
print_report (XunchaReport *report)
{
  const char *disposition = xuncha_disposition_to_string (xuncha_report_get_disposition (report));

  printf (_("Report:      %s\n"), xuncha_report_get_uuid (report));
  printf (_("Created:     %s\n"), xuncha_report_get_created_at (report));
  printf (_("Category:    %s\n"), xuncha_report_get_category (report));
  if (xuncha_report_has_position (report))
    {
      printf (_("Position:    %.7f, %.7f (%s)"), xuncha_report_get_lat (report),
              xuncha_report_get_lon (report),
              xuncha_position_source_to_string (xuncha_report_get_position_source (report)));
      if (isfinite (xuncha_report_get_accuracy (report)))
        printf (_(" ±%.0f m"), xuncha_report_get_accuracy (report));
      printf ("\n");
    }
  if (g_strcmp0 (xuncha_report_get_fields_json (report), "{}") != 0)
    printf (_("Fields:      %s\n"), xuncha_report_get_fields_json (report));
  if (xuncha_report_get_street_id (report) != NULL)
    printf (_("Street:      %s\n"), xuncha_report_get_street_id (report));
  if (xuncha_report_get_merchant_id (report) != NULL)
    printf (_("Merchant:    %s\n"), xuncha_report_get_merchant_id (report));
  if (disposition != NULL)
    printf (_("Disposition: %s\n"), disposition);
  if (xuncha_report_get_deadline (report) != NULL)
    printf (_("Deadline:    %s\n"), xuncha_report_get_deadline (report));
  if (xuncha_report_get_parent_uuid (report) != NULL)
    printf (_("Re-inspects: %s\n"), xuncha_report_get_parent_uuid (report));
  if (xuncha_report_get_note (report) != NULL)
    printf (_("Note:        %s\n"), xuncha_report_get_note (report));
  for (guint i = 0; i < xuncha_report_get_n_photos (report); i++)
    {
      double lat, lon;

      printf (_("Photo:       %s (%s)\n"), xuncha_report_get_photo_sha256 (report, i),
              xuncha_photo_role_to_string (xuncha_report_get_photo_role (report, i)));
      /* Its own GPS may say another place than the report's position (given by hand). */
      if (xuncha_report_get_photo_position (report, i, &lat, &lon))
        printf (_("             its own GPS position: %.7f, %.7f (exif)\n"), lat, lon);
    }
}

static int
report_list (XunchaCliContext  *ctx,
             int                argc,
             char             **argv)
{
  gboolean json = FALSE;
  int limit = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N reports (newest first)"), N_("N") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (!xuncha_cli_parse_options ("report list", "", _("List reports, newest first"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 1 || limit < 0)
    return usage ();
  reports = open_reports (ctx);
  if (reports == NULL)
    return 1;
  list = xuncha_report_store_list (reports, (guint)limit, &error);
  if (list == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < list->len; i++)
        json_array_add_element (array, xuncha_report_to_json (list->pdata[i]));
      json_node_set_array (root, array);
      xuncha_cli_print_json (root);
      return 0;
    }
  for (guint i = 0; i < list->len; i++)
    {
      XunchaReport *report = list->pdata[i];
      const char *source = xuncha_position_source_to_string (
                             xuncha_report_get_position_source (report));

      printf ("%s  %s  %-8s %-7s %u  %s\n", xuncha_report_get_uuid (report),
              xuncha_report_get_created_at (report), xuncha_report_get_category (report),
              source != NULL ? source : "-", xuncha_report_get_n_photos (report),
              xuncha_report_get_note (report) != NULL ? xuncha_report_get_note (report) : "");
    }
  if (list->len == 0)
    printf ("%s\n", _("No reports yet."));
  return 0;
}

static int
report_show (XunchaCliContext  *ctx,
             int                argc,
             char             **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;

  if (!xuncha_cli_parse_options ("report show", "ID", _("Show one report"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 2)
    return usage ();
  reports = open_reports (ctx);
  if (reports == NULL)
    return 1;
  report = xuncha_report_store_get (reports, argv[1], &error);
  if (report == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr(JsonNode) root = xuncha_report_to_json (report);
      xuncha_cli_print_json (root);
    }
  else
    print_report (report);
  return 0;
}

/* report add | list | show */
int
xuncha_cli_report (XunchaCliContext  *ctx,
                   int                argc,
                   char             **argv)
{
  if (argc < 2)
    return usage ();
  if (g_str_equal (argv[1], "add"))
    return report_add (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return report_list (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "show"))
    return report_show (ctx, argc - 1, argv + 1);
  return usage ();
}
