/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-console-catalogue.h"
#include "xuncha-office-console.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-office-zip-stream.h"
#include "xuncha-taxonomy.h"

G_BEGIN_DECLS

/* The console spans files: xuncha-office-console.c has the sessions, the pages' frame, the
 * routing and the pages of reports and accounts; xuncha-office-console-cases.c the case
 * workflow's forms, history and time limits; the map (-map.c), the exports (-export.c) and
 * the weekly report (-weekly.c) are pages of their own. What they share is here. */

struct _XunchaOfficeConsole
{
  GObject                       parent_instance;

  XunchaOfficeRecords          *records;
  XunchaOfficeStaffRecords     *staff;       /* the same object as records */
  XunchaOfficePhotoStore       *photos;
  XunchaTaxonomy               *taxonomy;
  /* code → XunchaCategory, read-only once made (a taxonomy's lookup walks a list model,
   * which is not for several threads). */
  GHashTable                   *categories;
  char                         *files_dir;
  char                         *leaflet_dir; /* Debian's libjs-leaflet, or as set */
  XunchaMbtiles                *basemap;     /* NULL: the streets are the base map */
  XunchaOfficeConsoleCatalogue *zh;          /* NULL: pages in English only */
  GTimeZone                    *zone;        /* the office's: dates shown, deadlines counted */
  char                         *enroll_pin;  /* the pin of the office's TLS key, or NULL */
  gint64                        idle_us;
  gint64                        absolute_us;
  guint                         login_per_name;
  guint                         login_per_address;
  guint                         login_window_s;
};

#define XUNCHA_OFFICE_CONSOLE_PREFIX "/console"

/* One request as it is answered. */
typedef struct
{
  XunchaOfficeConsole       *self;
  XunchaOfficeConsoleCall   *call;
  gboolean                   chinese;
  GHashTable                *query;     /* name → value, or NULL */
  GHashTable                *form;      /* name → value of a POST's form, or NULL */
  XunchaOfficeStaffSession  *session;   /* NULL: not logged in */
  XunchaOfficeStaff         *staff;
} XunchaOfficeConsolePage;

/* @text in the page's language. */
const char *xuncha_office_console_tr                   (XunchaOfficeConsolePage  *page,
                                                        const char               *text)
                                                        G_GNUC_FORMAT (2);
/* Appends @text escaped for HTML text and quoted attribute values. */
void        xuncha_office_console_esc                  (GString                  *out,
                                                        const char               *text);
GString    *xuncha_office_console_page_start           (XunchaOfficeConsolePage  *page,
                                                        const char               *title);
void        xuncha_office_console_page_end             (GString                  *html);
void        xuncha_office_console_answer_html          (XunchaOfficeConsolePage  *page,
                                                        guint                     status,
                                                        GString                  *html);
void        xuncha_office_console_answer_message       (XunchaOfficeConsolePage  *page,
                                                        guint                     status,
                                                        const char               *title,
                                                        const char               *message);
void        xuncha_office_console_answer_storage_error (XunchaOfficeConsolePage  *page,
                                                        const GError             *error);
void        xuncha_office_console_redirect             (XunchaOfficeConsolePage  *page,
                                                        const char               *location);
/* Read the query or the form (only the names in @allowed, each within its limits) into
 * page->query or page->form; FALSE after answering 400. */
gboolean    xuncha_office_console_read_query           (XunchaOfficeConsolePage  *page,
                                                        const char * const       *allowed);
gboolean    xuncha_office_console_read_form            (XunchaOfficeConsolePage  *page,
                                                        const char * const       *allowed);
/* A field's value, NULL for absent or empty. */
const char *xuncha_office_console_field                (GHashTable               *fields,
                                                        const char               *name);
/* FALSE after answering 403 when a change lacks the session's CSRF token or comes from
 * another site. */
gboolean    xuncha_office_console_check_change         (XunchaOfficeConsolePage  *page);
const char *xuncha_office_console_category_name        (XunchaOfficeConsolePage  *page,
                                                        const char               *code);

/* A date field (@name, id @id) that reads the same whatever the browser's language: text
 * written 2026-12-08, with the format said in the page's language and @example_us (a day
 * in the office's time zone) as its example; not <input type=date>, which the browser
 * draws in its own locale. @value: what it holds, or NULL. */
void        xuncha_office_console_date_input           (XunchaOfficeConsolePage  *page,
                                                        GString                  *html,
                                                        const char               *name,
                                                        const char               *id,
                                                        const char               *label,
                                                        const char               *value,
                                                        gint64                    example_us,
                                                        gboolean                  required);
/* The same for a time of day, 24-hour hours:minutes (18:00). */
void        xuncha_office_console_time_input           (XunchaOfficeConsolePage  *page,
                                                        GString                  *html,
                                                        const char               *name,
                                                        const char               *id,
                                                        const char               *label,
                                                        gint64                    example_us,
                                                        gboolean                  required);

/* The same for an ISO week (2026-W49), holding @value. */
void        xuncha_office_console_week_input           (XunchaOfficeConsolePage  *page,
                                                        GString                  *html,
                                                        const char               *label,
                                                        const char               *value);

/* In xuncha-office-console-cases.c. */

/* A case status (the office's word) in the page's language. */
const char *xuncha_office_console_cases_status_name    (XunchaOfficeConsolePage  *page,
                                                        const char               *status);
/* The report page's case: status, deadline with its countdown, assignee, a form for each
 * step the page's member may take now, and the history. @team: the reporting officer's. */
void        xuncha_office_console_cases_section        (XunchaOfficeConsolePage        *page,
                                                        const XunchaOfficeReportRecord *record,
                                                        const char                     *team,
                                                        GString                        *html);
/* The report page's evidence: signed or not, each manifest's signature checked against its
 * device's enrolled key, its place in the device's chain and a chain break. */
void        xuncha_office_console_evidence_section     (XunchaOfficeConsolePage        *page,
                                                        const XunchaOfficeReportRecord *record,
                                                        GString                        *html);
/* GET /console/reports/UUID/evidence.zip: the report's evidence bundle, the files of
 * `xuncha-office evidence export`, for a member who may see the report. */
void        xuncha_office_console_evidence_zip         (XunchaOfficeConsolePage  *page,
                                                        const char               *uuid);
/* POST /console/reports/UUID/case: one step of the case. */
void        xuncha_office_console_cases_handle_step    (XunchaOfficeConsolePage  *page,
                                                        const char               *uuid);
/* /console/time-limits: the categories' limits; an administrator changes them. */
void        xuncha_office_console_cases_handle_limits  (XunchaOfficeConsolePage  *page);
/* The running cases' deadlines: report uuid → gint64 * (Unix microseconds). */
GHashTable *xuncha_office_console_cases_deadlines      (XunchaOfficeConsolePage  *page,
                                                        GError                  **error);
/* The id of the check task that step @steps of the report's case asks for: the same for
 * the same step, so that a request sent again finds the task it made. */
char       *xuncha_office_console_cases_check_id       (const char               *report_uuid,
                                                        guint                     steps);
/* The list's deadline cell: the local time with what is left, or the overdue mark. */
void        xuncha_office_console_cases_countdown      (XunchaOfficeConsolePage  *page,
                                                        GString                  *html,
                                                        gint64                    deadline_us,
                                                        gint64                    now_us);

/* Shared by the map, the exports and the weekly report. */

/* Any other answer, with the console's security headers and no caching. */
void        xuncha_office_console_answer      (XunchaOfficeConsolePage *page,
                                               guint                    status,
                                               const char              *type,
                                               GBytes                  *body);
/* The same with @cache_control ("private, max-age=…") instead of no caching at all. */
void        xuncha_office_console_answer_cached (XunchaOfficeConsolePage *page,
                                               guint                    status,
                                               const char              *type,
                                               const char              *cache_control,
                                               GBytes                  *body);
/* The same, its body the zip @stream (taken), sent as the client reads it. */
void        xuncha_office_console_answer_zip  (XunchaOfficeConsolePage *page,
                                               XunchaOfficeZipStream   *stream,
                                               const char              *filename);
/* officer id → XunchaWireOfficer, all the office's officers. */
GHashTable *xuncha_office_console_officers    (XunchaOfficeConsolePage *page,
                                               GError                 **error);

/* The report filter's query fields (xuncha-office-console-filter.c), for a page's list of
 * allowed names. */
#define XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS \
  "from", "to", "category", "street", "class", "officer", "team", "status", "overdue"
/* The filter the page's query asks for, scoped to what the member may see (a team leader:
 * his team only, whatever the query says). NULL after answering 400 with the reason. */
XunchaOfficeReportFilter *
            xuncha_office_console_read_filter (XunchaOfficeConsolePage *page);
/* The same filter as a query string ("from=…&category=…"), for links to another view of
 * the same reports (the map, an export). */
char       *xuncha_office_console_filter_query (XunchaOfficeConsolePage *page);
/* Whether the page's member sees every team's reports. */
gboolean    xuncha_office_console_sees_all    (XunchaOfficeConsolePage *page);

/* The map (xuncha-office-console-map.c): its page, its JSON, Leaflet's files. */
void        xuncha_office_console_map_page    (XunchaOfficeConsolePage *page);
void        xuncha_office_console_map_reports (XunchaOfficeConsolePage *page);
void        xuncha_office_console_map_streets (XunchaOfficeConsolePage *page);
/* GET /console/tiles/@zoom/@x/@y_file (y with the base map's format as its extension): a
 * tile of the office's base map, or 404 for one it does not have. */
void        xuncha_office_console_map_tile    (XunchaOfficeConsolePage *page,
                                               const char              *zoom,
                                               const char              *x,
                                               const char              *y_file);
/* The street picker's names: {"names": [...]}, at most a few beginning with ?prefix=. */
void        xuncha_office_console_map_street_names (XunchaOfficeConsolePage *page);
/* @name: a path under vendor/leaflet/ (only Leaflet's own files are served). */
void        xuncha_office_console_leaflet_file (XunchaOfficeConsolePage *page,
                                               const char              *name);
/* The exports (xuncha-office-console-export.c). */
void        xuncha_office_console_export_csv  (XunchaOfficeConsolePage *page);
void        xuncha_office_console_export_geojson (XunchaOfficeConsolePage *page);
/* The photos of report @uuid (a case's before and after) as one zip file. */
void        xuncha_office_console_export_photos (XunchaOfficeConsolePage *page,
                                               const char              *uuid);
/* The report @uuid if the page's member may see it; NULL after answering 404 otherwise. */
XunchaOfficeReportRecord *
            xuncha_office_console_visible_report (XunchaOfficeConsolePage *page,
                                               const char              *uuid);
/* A CSV text cell (quoted; a leading = + - @ tab or carriage return made plain text with an
 * apostrophe, so that no spreadsheet runs it as a formula). */
void        xuncha_office_console_csv_text    (GString                 *out,
                                               const char              *text);
/* The weekly report (xuncha-office-console-weekly.c): its printable page and its CSV. */
void        xuncha_office_console_weekly_page (XunchaOfficeConsolePage *page);
void        xuncha_office_console_weekly_csv  (XunchaOfficeConsolePage *page);

/* The officers (xuncha-office-console-officers.c): /console/officers and, for one officer,
 * …/ID/segments, …/ID/revoke and …/ID/reset. @parts: the path after /console/ split at
 * '/', @n of them. */
gboolean    xuncha_office_console_officers_owns   (char                   **parts,
                                                   guint                    n);
void        xuncha_office_console_officers_handle (XunchaOfficeConsolePage *page,
                                                   char                   **parts,
                                                   guint                    n);
/* An officer's day (xuncha-office-console-routes.c): GET /console/officers/ID/route (the
 * page, @name "route") and .../route.json (what its map draws); another @name: 404. */
void        xuncha_office_console_routes_handle (XunchaOfficeConsolePage *page,
                                               const char              *officer_id,
                                               const char              *name);

G_END_DECLS
