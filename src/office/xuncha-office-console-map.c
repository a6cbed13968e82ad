/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's map: a page that loads Leaflet (Debian's libjs-leaflet, served by the
 * office itself: an office often has no internet) and the console's own script, which
 * asks two JSON answers for the box in view: the reports (a limited number, or counts in
 * grid cells when there are more) and the street segments coloured by class. The office's
 * streets are the base map; under them, when the office has one, a raster MBTiles file's
 * tiles, served from the office as everything else. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-console-private.h"

#define PREFIX "/console"
#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc

/* Reports sent one by one at most; more are counted in a grid of GRID × GRID cells. */
#define MAP_ROWS 500
#define GRID 16
/* Street segments sent at most for one box. */
#define MAP_STREETS 5000
/* The largest box asked for, in degrees each way (some 50 km): a district, not a
 * province, so that no answer grows with the office's whole holding. */
#define BBOX_MAX_DEGREES 0.5
/* The street picker: the names offered for what was typed, and the longest beginning
 * asked for (a street's name is shorter). */
#define STREET_NAMES 20
#define STREET_PREFIX_MAX 64

/* Leaflet's files the office serves (no path from the request reaches the disk). */
static const struct { const char *name, *type; } leaflet_files[] = {
  { "leaflet.js", "text/javascript; charset=utf-8" },
  { "leaflet.css", "text/css; charset=utf-8" },
  { "images/layers.png", "image/png" },
  { "images/layers-2x.png", "image/png" },
  { "images/marker-icon.png", "image/png" },
  { "images/marker-icon-2x.png", "image/png" },
  { "images/marker-shadow.png", "image/png" },
};

static gboolean
leaflet_installed (XunchaOfficeConsole *self)
{
  g_autofree char *path = g_build_filename (self->leaflet_dir, "leaflet.js", NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

void
xuncha_office_console_leaflet_file (XunchaOfficeConsolePage *page,
                                    const char              *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (leaflet_files); i++)
    if (g_str_equal (name, leaflet_files[i].name))
      {
        g_autofree char *path = g_build_filename (page->self->leaflet_dir, name, NULL);
        g_autofree char *data = NULL;
        gsize length = 0;

        if (!g_file_get_contents (path, &data, &length, NULL))
          break;
        xuncha_office_console_answer (page, 200, leaflet_files[i].type,
                                      g_bytes_new_take (g_steal_pointer (&data), length));
        return;
      }
  xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                        tr (page, N_("There is no such page.")));
}

/* The largest zoom a tile may name: the MBTiles reader's. */
#define TILE_ZOOM_MAX 30
/* Tiles do not change while the office runs: a browser may keep them an hour, a shared
 * cache never (the base map may show what is not public). */
#define TILE_CACHE_CONTROL "private, max-age=3600"

/* A tile's zoom, column or row: digits only (no sign, no space), at most @max. */
static gboolean
tile_number (const char *text,
             guint64     max,
             guint64    *value)
{
  gsize length = strlen (text);

  if (length == 0 || length > 10 || strspn (text, "0123456789") != length)
    return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL);
}

static const char *
tile_type (const char *format)
{
  if (g_str_equal (format, "jpg"))
    return "image/jpeg";
  if (g_str_equal (format, "webp"))
    return "image/webp";
  return "image/png";
}

void
xuncha_office_console_map_tile (XunchaOfficeConsolePage *page,
                                const char              *zoom_text,
                                const char              *x_text,
                                const char              *y_file)
{
  XunchaMbtiles *basemap = page->self->basemap;
  g_autoptr(GBytes) tile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *y_text = NULL;
  const char *format;
  guint64 zoom, x, y;

  if (basemap == NULL)
    {
      xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                            tr (page, N_("This office has no base map.")));
      return;
    }
  format = xuncha_mbtiles_get_format (basemap);
  extension = g_strconcat (".", format, NULL);
  if (!g_str_has_suffix (y_file, extension))
    {
      xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                            tr (page, N_("There is no such page.")));
      return;
    }
  y_text = g_strndup (y_file, strlen (y_file) - strlen (extension));
  if (!tile_number (zoom_text, TILE_ZOOM_MAX, &zoom)
      || !tile_number (x_text, ((guint64)1 << zoom) - 1, &x)
      || !tile_number (y_text, ((guint64)1 << zoom) - 1, &y))
    {
      g_autofree char *text = g_strdup_printf (tr (page, N_("A tile is named by three whole "
                                                            "numbers: its zoom (0 to %d), then "
                                                            "its column and row (0 to 2 to the "
                                                            "power of the zoom, less one).")),
                                               TILE_ZOOM_MAX);

      xuncha_office_console_answer_message (page, 400, tr (page, N_("Bad request")), text);
      return;
    }
  tile = xuncha_mbtiles_get_tile (basemap, (int)zoom, (int)x, (int)y, &error);
  if (error != NULL)
    {
      g_warning ("%s", error->message);
      xuncha_office_console_answer_message (page, 500, tr (page, N_("Base map")),
                                            tr (page, N_("The office could not read its base "
                                                         "map. Tell its administrator.")));
      return;
    }
  if (tile == NULL)
    {
      xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                            tr (page, N_("The base map has no tile here.")));
      return;
    }
  xuncha_office_console_answer_cached (page, 200, tile_type (format), TILE_CACHE_CONTROL,
                                       g_steal_pointer (&tile));
}

/* Reads "west,south,east,north" in degrees. NULL when it holds, or the reason it does
 * not, in the page's language. */
static const char *
read_bbox (XunchaOfficeConsolePage  *page,
           XunchaOfficeReportFilter *filter)
{
  const char *text = xuncha_office_console_field (page->query, "bbox");
  g_auto(GStrv) parts = NULL;
  double values[4];

  if (text == NULL)
    return tr (page, N_("The map's box (bbox) is missing."));
  parts = g_strsplit (text, ",", 5);
  if (g_strv_length (parts) != 4)
    return tr (page, N_("The map's box is four numbers: west,south,east,north."));
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (parts[i], &end);
      if (*parts[i] == '\0' || end == NULL || *end != '\0' || !isfinite (values[i]))
        return tr (page, N_("The map's box is four numbers: west,south,east,north."));
    }
  if (values[0] < -180 || values[2] > 180 || values[1] < -90 || values[3] > 90
      || values[0] >= values[2] || values[1] >= values[3])
    return tr (page, N_("The map's box is outside the earth or turned over."));
  if (values[2] - values[0] > BBOX_MAX_DEGREES || values[3] - values[1] > BBOX_MAX_DEGREES)
    return tr (page, N_("The map's box is too large: zoom in."));
  filter->has_bbox = TRUE;
  filter->west = values[0];
  filter->south = values[1];
  filter->east = values[2];
  filter->north = values[3];
  return NULL;
}

static void
answer_json (XunchaOfficeConsolePage *page,
             guint                    status,
             JsonBuilder             *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  xuncha_office_console_answer (page, status, "application/json",
                                g_bytes_new_take (text, length));
}

static void
answer_json_error (XunchaOfficeConsolePage *page,
                   guint                    status,
                   const char              *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  answer_json (page, status, builder);
}

/* The filter of an API call: the page's filter and its box. NULL after answering 400. */
static XunchaOfficeReportFilter *
api_filter (XunchaOfficeConsolePage *page,
            const char * const      *allowed)
{
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  const char *problem;

  if (!xuncha_office_console_read_query (page, allowed))
    return NULL;
  filter = xuncha_office_console_read_filter (page);
  if (filter == NULL)
    return NULL;
  problem = read_bbox (page, filter);
  if (problem != NULL)
    {
      answer_json_error (page, 400, problem);
      return NULL;
    }
  return g_steal_pointer (&filter);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
xuncha_office_console_map_reports (XunchaOfficeConsolePage *page)
{
  static const char * const allowed[] = { XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS, "bbox", "lang",
                                          NULL };
  g_autoptr(XunchaOfficeReportFilter) filter = api_filter (page, allowed);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) officers = NULL;
  g_autoptr(GError) error = NULL;

  if (filter == NULL)
    return;
  found = xuncha_office_records_reports_query (page->self->records, filter, 0, MAP_ROWS + 1,
                                               &error);
  officers = found != NULL ? xuncha_office_console_officers (page, &error) : NULL;
  if (officers == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (found->len > MAP_ROWS)
    {
      g_autoptr(GArray) cells = xuncha_office_records_reports_grid (page->self->records, filter,
                                                                    GRID, GRID, &error);

      if (cells == NULL)
        {
          xuncha_office_console_answer_storage_error (page, error);
          return;
        }
      json_builder_set_member_name (builder, "clusters");
      json_builder_begin_array (builder);
      for (guint i = 0; i < cells->len; i++)
        {
          const XunchaOfficeReportCell *cell = &g_array_index (cells, XunchaOfficeReportCell, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "lat");
          json_builder_add_double_value (builder, cell->lat);
          json_builder_set_member_name (builder, "lon");
          json_builder_add_double_value (builder, cell->lon);
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, cell->count);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "reports");
      json_builder_begin_array (builder);
      for (guint i = 0; i < found->len; i++)
        {
          const XunchaOfficeReportRecord *record = found->pdata[i];
          const XunchaWireReport *report = record->report;
          const XunchaWireOfficer *officer = g_hash_table_lookup (officers, record->officer_id);

          json_builder_begin_object (builder);
          add_string (builder, "uuid", report->uuid);
          json_builder_set_member_name (builder, "lat");
          json_builder_add_double_value (builder, report->lat);
          json_builder_set_member_name (builder, "lon");
          json_builder_add_double_value (builder, report->lon);
          add_string (builder, "created_at", report->created_at);
          add_string (builder, "category",
                      xuncha_office_console_category_name (page, report->category));
          add_string (builder, "street", record->street_name);
          add_string (builder, "officer", officer != NULL ? officer->name : record->officer_id);
          add_string (builder, "status", record->case_status);
          add_string (builder, "note", report->note);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  answer_json (page, 200, builder);
}

void
xuncha_office_console_map_streets (XunchaOfficeConsolePage *page)
{
  static const char * const allowed[] = { "bbox", "lang", NULL };
  g_autoptr(XunchaOfficeReportFilter) box = xuncha_office_report_filter_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) streets = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem;

  if (!xuncha_office_console_read_query (page, allowed))
    return;
  problem = read_bbox (page, box);
  if (problem != NULL)
    {
      answer_json_error (page, 400, problem);
      return;
    }
  streets = xuncha_office_records_streets_within (page->self->records, box->west, box->south,
                                                  box->east, box->north, MAP_STREETS + 1,
                                                  &error);
  if (streets == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "type", "FeatureCollection");
  json_builder_set_member_name (builder, "truncated");
  json_builder_add_boolean_value (builder, streets->len > MAP_STREETS);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < MIN (streets->len, MAP_STREETS); i++)
    {
      const XunchaOfficeStreet *street = streets->pdata[i];
      g_autoptr(JsonObject) item = xuncha_office_street_to_json (street);

      json_builder_begin_object (builder);
      add_string (builder, "type", "Feature");
      json_builder_set_member_name (builder, "geometry");
      json_builder_add_value (builder,
                              json_node_copy (json_object_get_member (item, "geometry")));
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_object (builder);
      add_string (builder, "id", street->id);
      add_string (builder, "name", street->name);
      add_string (builder, "class", street->street_class);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (page, 200, builder);
}

void
xuncha_office_console_map_street_names (XunchaOfficeConsolePage *page)
{
  static const char * const allowed[] = { "prefix", "lang", NULL };
  const char *prefix;
  g_autoptr(JsonBuilder) builder = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;

  if (!xuncha_office_console_read_query (page, allowed))
    return;
  prefix = xuncha_office_console_field (page->query, "prefix");
  if (prefix == NULL || *prefix == '\0' || strlen (prefix) > STREET_PREFIX_MAX)
    {
      answer_json_error (page, 400, tr (page, N_("Type the beginning of a street's name "
                                                 "(at most 64 bytes).")));
      return;
    }
  names = xuncha_office_records_street_names (page->self->records, prefix, STREET_NAMES,
                                              &error);
  if (names == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "names");
  json_builder_begin_array (builder);
  for (guint i = 0; names[i] != NULL; i++)
    json_builder_add_string_value (builder, names[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (page, 200, builder);
}

/* Where the map opens: the newest report of the filter that has a position, else the
 * first street segment the office holds. FALSE when there is neither. */
static gboolean
map_centre (XunchaOfficeConsolePage        *page,
            const XunchaOfficeReportFilter *filter,
            double                         *lat,
            double                         *lon,
            GError                        **error)
{
  g_autoptr(GPtrArray) newest = NULL;
  g_autoptr(GPtrArray) streets = NULL;

  newest = xuncha_office_records_reports_query (page->self->records, filter, 0, 20, error);
  if (newest == NULL)
    return FALSE;
  for (guint i = 0; i < newest->len; i++)
    {
      const XunchaWireReport *report = ((XunchaOfficeReportRecord *)newest->pdata[i])->report;

      if (report->has_position)
        {
          *lat = report->lat;
          *lon = report->lon;
          return TRUE;
        }
    }
  streets = xuncha_office_records_streets_within (page->self->records, -180, -90, 180, 90, 1,
                                                  error);
  if (streets == NULL)
    return FALSE;
  if (streets->len > 0)
    {
      const XunchaOfficeStreet *street = streets->pdata[0];
      GArray *line = street->lines->pdata[0];

      *lon = g_array_index (line, double, 0);
      *lat = g_array_index (line, double, 1);
      return TRUE;
    }
  *lat = NAN;
  return TRUE;
}

void
xuncha_office_console_map_page (XunchaOfficeConsolePage *page)
{
  static const char * const allowed[] = { XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS, "lang", NULL };
  static const struct { const char *value, *label; } legend[] = {
    { "strict", N_("Strict street") }, { "class1", N_("Class 1 street") },
    { "class2", N_("Class 2 street") }, { "other", N_("Other street") },
  };
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *filter_query = NULL;
  double lat = NAN, lon = NAN;
  GString *html;

  if (!xuncha_office_console_read_query (page, allowed))
    return;
  filter = xuncha_office_console_read_filter (page);
  if (filter == NULL)
    return;
  if (!map_centre (page, filter, &lat, &lon, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  filter_query = xuncha_office_console_filter_query (page);
  html = xuncha_office_console_page_start (page, tr (page, N_("Map")));
  if (!leaflet_installed (page->self))
    {
      g_autofree char *text = g_strdup_printf (tr (page, N_("The map library is missing on "
                                                            "the office: install Debian's "
                                                            "libjs-leaflet package, or start "
                                                            "the office with --leaflet-dir "
                                                            "naming where Leaflet is (looked "
                                                            "in %s).")),
                                               page->self->leaflet_dir);

      g_string_append (html, "<p class=\"problem\" id=\"map-missing\" role=\"alert\">");
      esc (html, text);
      g_string_append (html, "</p>");
      xuncha_office_console_page_end (html);
      xuncha_office_console_answer_html (page, 200, html);
      return;
    }
  g_string_append (html, "<p class=\"views\"><a id=\"as-list\" href=\"" PREFIX "/reports?");
  esc (html, filter_query);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("As a list")));
  g_string_append (html, "</a></p><ul class=\"legend\">");
  for (guint i = 0; i < G_N_ELEMENTS (legend); i++)
    {
      g_string_append_printf (html, "<li class=\"street-%s\">", legend[i].value);
      esc (html, tr (page, legend[i].label));
      g_string_append (html, "</li>");
    }
  g_string_append (html, "<li class=\"report\">");
  esc (html, tr (page, N_("Report")));
  g_string_append (html, "</li><li class=\"cluster\">");
  esc (html, tr (page, N_("Several reports")));
  g_string_append (html, "</li></ul>");
  /* What the script needs, as data: no script is written into the page. */
  g_string_append (html, "<div id=\"map\" data-reports=\"" PREFIX "/api/reports?");
  esc (html, filter_query);
  g_string_append (html, "\" data-streets=\"" PREFIX "/api/streets\" data-report-link=\""
                   PREFIX "/reports/\" data-zoom-in=\"");
  esc (html, tr (page, N_("Zoom in to see the reports.")));
  g_string_append (html, "\" data-failed=\"");
  esc (html, tr (page, N_("The map could not be loaded.")));
  g_string_append (html, "\" data-reports-label=\"");
  esc (html, tr (page, N_("%d reports")));
  g_string_append (html, "\"");
  if (page->self->basemap != NULL)
    {
      XunchaMbtiles *basemap = page->self->basemap;
      const char *attribution = xuncha_mbtiles_get_metadata (basemap, "attribution");
      int min_zoom, max_zoom;

      xuncha_mbtiles_get_zoom_range (basemap, &min_zoom, &max_zoom);
      g_string_append (html, " data-tiles=\"" PREFIX "/tiles/{z}/{x}/{y}.");
      esc (html, xuncha_mbtiles_get_format (basemap));
      g_string_append_printf (html, "\" data-tiles-min-zoom=\"%d\" data-tiles-max-zoom=\"%d\"",
                              min_zoom, max_zoom);
      if (attribution != NULL)
        {
          g_string_append (html, " data-tiles-attribution=\"");
          esc (html, attribution);
          g_string_append (html, "\"");
        }
    }
  if (!isnan (lat))
    {
      char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (html, " data-lat=\"%s\" data-lon=\"%s\"",
                              g_ascii_dtostr (lat_text, sizeof lat_text, lat),
                              g_ascii_dtostr (lon_text, sizeof lon_text, lon));
    }
  g_string_append (html, "></div><p id=\"map-status\" class=\"message\" hidden></p>"
                   "<link rel=\"stylesheet\" href=\"" PREFIX "/vendor/leaflet/leaflet.css\">"
                   "<script src=\"" PREFIX "/vendor/leaflet/leaflet.js\"></script>"
                   "<script src=\"" PREFIX "/static/console-map.js\"></script>");
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, 200, html);
}
