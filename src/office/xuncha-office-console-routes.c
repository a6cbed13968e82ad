/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An officer's day on the console: GET /console/officers/{id}/route?day=YYYY-MM-DD, a page
 * with a summary per shift and a map drawn by console-routes.js, and .../route.json, what
 * the map draws. The walked and missed segments come from the synced track points with
 * the device's own coverage code (xuncha-office-route.c). An administrator and a
 * dispatcher see every officer; a team leader his team's only. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-console-private.h"
#include "xuncha-office-route.h"
#include "xuncha-route-gap.h"

#define PREFIX "/console"
#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc

/* Reports drawn per shift at most. */
#define ROUTE_REPORTS 500

/* The officer the page is about, when the page's member may see him; NULL after
 * answering otherwise (404 for an unknown officer, 403 for another team's). */
static XunchaWireOfficer *
visible_officer (XunchaOfficeConsolePage *page,
                 const char              *officer_id,
                 GHashTable             **officers)
{
  g_autoptr(GError) error = NULL;
  XunchaWireOfficer *officer;

  *officers = xuncha_office_console_officers (page, &error);
  if (*officers == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return NULL;
    }
  officer = g_hash_table_lookup (*officers, officer_id);
  if (officer == NULL)
    {
      xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                            tr (page, N_("There is no such officer.")));
      return NULL;
    }
  if (!xuncha_office_console_sees_all (page)
      && g_strcmp0 (officer->team, page->staff->team) != 0)
    {
      xuncha_office_console_answer_message (page, 403, tr (page, N_("Refused")),
                                            tr (page, N_("A team leader sees the routes of "
                                                         "his own team's officers only.")));
      return NULL;
    }
  return officer;
}

/* The day asked for (today in the office's zone when none) and the route on it; NULL
 * after answering 400 for a bad day or 500 for the records. */
static XunchaOfficeRoute *
route_of_day (XunchaOfficeConsolePage *page,
              const char              *officer_id)
{
  static const char * const allowed[] = { "day", "lang", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *today = NULL;
  const char *day;
  gint64 from_ms, to_ms;
  XunchaOfficeRoute *route;

  if (!xuncha_office_console_read_query (page, allowed))
    return NULL;
  day = xuncha_office_console_field (page->query, "day");
  if (day == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (page->self->zone);

      today = g_date_time_format (now, "%Y-%m-%d");
      day = today;
    }
  if (!xuncha_office_route_parse_day (day, page->self->zone, &from_ms, &to_ms, NULL))
    {
      xuncha_office_console_answer_message (page, 400, tr (page, N_("Bad request")),
                                            tr (page, N_("Give the day as YYYY-MM-DD.")));
      return NULL;
    }
  route = xuncha_office_route_compute (page->self->records, officer_id, day, page->self->zone,
                                       &error);
  if (route == NULL)
    xuncha_office_console_answer_storage_error (page, error);
  return route;
}

static gint64
shift_end_ms (const XunchaOfficeShiftRoute *shift)
{
  g_autoptr(GDateTime) end = shift->shift->ended_at != NULL
                             ? g_date_time_new_from_iso8601 (shift->shift->ended_at, NULL)
                             : NULL;

  if (end != NULL)
    return g_date_time_to_unix (end) * 1000;
  if (shift->fixes->len > 0)
    return g_array_index (shift->fixes, XunchaFix, shift->fixes->len - 1).t_ms;
  return g_get_real_time () / 1000;
}

static gint64
shift_start_ms (const XunchaOfficeShiftRoute *shift)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (shift->shift->started_at, NULL);

  return start != NULL ? g_date_time_to_unix (start) * 1000 : 0;
}

/* The officer's reports made during the shift, as the map's pins. */
static JsonArray *
shift_reports (XunchaOfficeConsolePage       *page,
               const char                    *officer_id,
               const XunchaOfficeShiftRoute  *shift,
               GError                       **error)
{
  g_autoptr(XunchaOfficeReportFilter) filter = xuncha_office_report_filter_new ();
  g_autoptr(GPtrArray) records = NULL;
  JsonArray *reports;

  filter->officer = g_strdup (officer_id);
  filter->from_s = shift_start_ms (shift) / 1000;
  filter->to_s = shift_end_ms (shift) / 1000 + 1;
  records = xuncha_office_records_reports_query (page->self->records, filter, 0, ROUTE_REPORTS,
                                                 error);
  if (records == NULL)
    return NULL;
  reports = json_array_new ();
  for (guint i = 0; i < records->len; i++)
    {
      const XunchaOfficeReportRecord *record = records->pdata[i];
      const XunchaWireReport *report = record->report;
      JsonObject *item;

      /* Only this officer's own (the filter also matches by name) and with a place. */
      if (g_strcmp0 (record->officer_id, officer_id) != 0 || isnan (report->lat)
          || isnan (report->lon))
        continue;
      item = json_object_new ();
      json_object_set_string_member (item, "uuid", report->uuid);
      json_object_set_string_member (item, "created_at", report->created_at);
      json_object_set_string_member (item, "category",
                                     xuncha_office_console_category_name (page,
                                                                          report->category));
      json_object_set_double_member (item, "lat", report->lat);
      json_object_set_double_member (item, "lon", report->lon);
      json_array_add_object_element (reports, item);
    }
  return reports;
}

static void
handle_json (XunchaOfficeConsolePage *page,
             const char              *officer_id)
{
  g_autoptr(XunchaOfficeRoute) route = route_of_day (page, officer_id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *shifts;
  char *text;
  gsize length;

  if (route == NULL)
    return;
  node = xuncha_office_route_to_json (route);
  shifts = json_object_get_array_member (json_node_get_object (node), "shifts");
  for (guint i = 0; i < route->shifts->len; i++)
    {
      JsonArray *reports = shift_reports (page, officer_id, route->shifts->pdata[i], &error);

      if (reports == NULL)
        {
          xuncha_office_console_answer_storage_error (page, error);
          return;
        }
      json_object_set_array_member (json_array_get_object_element (shifts, i), "reports",
                                    reports);
    }
  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  xuncha_office_console_answer (page, 200, "application/json", g_bytes_new_take (text, length));
}

static char *
local_time (XunchaOfficeConsolePage *page,
            gint64                   t_ms,
            const char              *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, page->self->zone);

  return g_date_time_format (local, format);
}

static void
shift_summary (XunchaOfficeConsolePage      *page,
               const XunchaOfficeShiftRoute *shift,
               guint                         index,
               GString                      *html)
{
  g_autofree char *start = local_time (page, shift_start_ms (shift), "%m-%d %H:%M");
  g_autofree char *end = shift->shift->ended_at != NULL
                         ? local_time (page, shift_end_ms (shift), "%m-%d %H:%M")
                         : g_strdup (tr (page, N_("still open")));
  g_autofree char *length = g_strdup_printf (tr (page, N_("%.2f km")), shift->length_m / 1000);

  g_string_append_printf (html, "<section class=\"shift\" id=\"shift-%u\"><h2>", index + 1);
  esc (html, start);
  g_string_append (html, " – ");
  esc (html, end);
  g_string_append (html, "</h2><dl class=\"shift-summary\"><dt>");
  esc (html, tr (page, N_("Length")));
  g_string_append (html, "</dt><dd class=\"length\">");
  esc (html, length);
  g_string_append (html, "</dd><dt>");
  esc (html, tr (page, N_("Coverage")));
  g_string_append (html, "</dt><dd class=\"coverage\">");
  if (shift->n_assigned == 0)
    esc (html, tr (page, N_("No assigned segment")));
  else
    {
      g_autofree char *text = g_strdup_printf (tr (page, N_("%.0f %% (%u of %u assigned "
                                                            "segments)")),
                                               shift->percent, g_strv_length (shift->walked_ids),
                                               shift->n_assigned);
      esc (html, text);
    }
  g_string_append (html, "</dd>");
  if (shift->gaps->len > 0)
    {
      g_string_append (html, "<dt>");
      esc (html, tr (page, N_("Without position")));
      g_string_append (html, "</dt>");
    }
  for (guint k = 0; k < shift->gaps->len; k++)
    {
      const XunchaRouteGap *gap = &g_array_index (shift->gaps, XunchaRouteGap, k);
      g_autofree char *from = local_time (page, gap->start_ms, "%H:%M");
      g_autofree char *to = local_time (page, gap->end_ms, "%H:%M");
      guint minutes = (guint)((gap->end_ms - gap->start_ms + 30000) / 60000);
      g_autofree char *text = g_strdup_printf (tr (page, N_("%u min without position")),
                                               minutes);

      g_string_append (html, "<dd class=\"gap\">");
      esc (html, from);
      g_string_append (html, "–");
      esc (html, to);
      g_string_append (html, ": ");
      esc (html, text);
      g_string_append (html, "</dd>");
    }
  g_string_append (html, "</dl></section>");
}

static void
handle_page (XunchaOfficeConsolePage *page,
             const XunchaWireOfficer *officer)
{
  g_autoptr(XunchaOfficeRoute) route = route_of_day (page, officer->id);
  g_autofree char *title = NULL;
  g_autofree char *leaflet = NULL;
  g_autofree char *json_path = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL;
  GString *html;

  if (route == NULL)
    return;
  title = g_strdup_printf (tr (page, N_("Route of %s")), officer->name);
  html = xuncha_office_console_page_start (page, title);

  /* The day picker: a date field, and the day before and after. */
  day = g_date_time_new_from_unix_utc (route->from_ms / 1000);
  before = g_date_time_add_hours (day, -12);
  after = g_date_time_add_hours (day, 36);
  before_text = local_time (page, g_date_time_to_unix (before) * 1000, "%Y-%m-%d");
  after_text = local_time (page, g_date_time_to_unix (after) * 1000, "%Y-%m-%d");
  g_string_append (html, "<form class=\"day-picker\" method=\"get\"><a id=\"day-before\" href=\"?day=");
  esc (html, before_text);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Day before")));
  g_string_append (html, "</a><label>");
  esc (html, tr (page, N_("Day")));
  g_string_append (html, " <input type=\"date\" name=\"day\" required value=\"");
  esc (html, route->day);
  g_string_append (html, "\"></label><button type=\"submit\">");
  esc (html, tr (page, N_("Show")));
  g_string_append (html, "</button><a id=\"day-after\" href=\"?day=");
  esc (html, after_text);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Day after")));
  g_string_append (html, "</a></form>");

  if (route->shifts->len == 0)
    {
      g_string_append (html, "<p class=\"message\" id=\"no-shifts\">");
      esc (html, tr (page, N_("No shift on this day.")));
      g_string_append (html, "</p>");
    }
  for (guint i = 0; i < route->shifts->len; i++)
    shift_summary (page, route->shifts->pdata[i], i, html);

  leaflet = g_build_filename (page->self->leaflet_dir, "leaflet.js", NULL);
  if (!g_file_test (leaflet, G_FILE_TEST_IS_REGULAR))
    {
      g_string_append (html, "<p class=\"problem\" id=\"map-missing\" role=\"alert\">");
      esc (html, tr (page, N_("The map library is missing on the office: install Debian's "
                              "libjs-leaflet package.")));
      g_string_append (html, "</p>");
      xuncha_office_console_page_end (html);
      xuncha_office_console_answer_html (page, 200, html);
      return;
    }
  g_string_append (html, "<ul class=\"legend\"><li class=\"segment-walked\">");
  esc (html, tr (page, N_("Assigned segment walked")));
  g_string_append (html, "</li><li class=\"segment-missed\">");
  esc (html, tr (page, N_("Assigned segment missed")));
  g_string_append (html, "</li><li class=\"track\">");
  esc (html, tr (page, N_("Track")));
  g_string_append (html, "</li><li class=\"track-gap\">");
  esc (html, tr (page, N_("Without position")));
  g_string_append (html, "</li><li class=\"report\">");
  esc (html, tr (page, N_("Report")));
  g_string_append (html, "</li></ul>");
  /* What the script needs, as data: no script is written into the page. */
  json_path = g_uri_escape_string (officer->id, NULL, FALSE);
  g_string_append (html, "<div id=\"route-map\" data-route=\"" PREFIX "/officers/");
  esc (html, json_path);
  g_string_append (html, "/route.json?day=");
  esc (html, route->day);
  g_string_append (html, "\" data-report-link=\"" PREFIX "/reports/\" data-failed=\"");
  esc (html, tr (page, N_("The map could not be loaded.")));
  g_string_append (html, "\"></div><p id=\"map-status\" class=\"message\" hidden></p>"
                   "<link rel=\"stylesheet\" href=\"" PREFIX "/vendor/leaflet/leaflet.css\">"
                   "<script src=\"" PREFIX "/vendor/leaflet/leaflet.js\"></script>"
                   "<script src=\"" PREFIX "/static/console-routes.js\"></script>");
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, 200, html);
}

void
xuncha_office_console_routes_handle (XunchaOfficeConsolePage *page,
                                     const char              *officer_id,
                                     const char              *name)
{
  g_autoptr(GHashTable) officers = NULL;
  const XunchaWireOfficer *officer;

  if (!g_str_equal (name, "route") && !g_str_equal (name, "route.json"))
    {
      xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                            tr (page, N_("There is no such page.")));
      return;
    }
  officer = visible_officer (page, officer_id, &officers);
  if (officer == NULL)
    return;
  if (g_str_equal (name, "route.json"))
    handle_json (page, officer->id);
  else
    handle_page (page, officer);
}
