/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-console.h"
#include "xuncha-office-console-catalogue.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-taxonomy.h"

G_BEGIN_DECLS

/* The console spans files: xuncha-office-console.c holds sessions, the pages' frame and
 * the routing; the map (-map.c) and the exports (-export.c) are pages of their own on
 * what it shares here. */
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
  XunchaOfficeConsoleCatalogue *zh;          /* NULL: pages in English only */
  gint64                        idle_us;
  gint64                        absolute_us;
  guint                         login_per_name;
  guint                         login_per_address;
  guint                         login_window_s;
};

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

/* The page's language. */
const char *xuncha_office_console_tr          (XunchaOfficeConsolePage *page,
                                               const char              *text) G_GNUC_FORMAT (2);
/* Appends @text escaped for HTML text and quoted attribute values. */
void        xuncha_office_console_esc         (GString                 *out,
                                               const char              *text);
/* The page's head, navigation and title; page_end() closes it. */
GString    *xuncha_office_console_page_start  (XunchaOfficeConsolePage *page,
                                               const char              *title);
void        xuncha_office_console_page_end    (GString                 *html);
void        xuncha_office_console_answer_html (XunchaOfficeConsolePage *page,
                                               guint                    status,
                                               GString                 *html);
/* Any other answer, with the console's security headers and no caching. */
void        xuncha_office_console_answer      (XunchaOfficeConsolePage *page,
                                               guint                    status,
                                               const char              *type,
                                               GBytes                  *body);
void        xuncha_office_console_answer_message (XunchaOfficeConsolePage *page,
                                               guint                    status,
                                               const char              *title,
                                               const char              *message);
void        xuncha_office_console_answer_storage_error (XunchaOfficeConsolePage *page,
                                               const GError            *error);
/* Reads the query: only @allowed names, each once, within limits; answers 400 and
 * returns FALSE otherwise. */
gboolean    xuncha_office_console_read_query  (XunchaOfficeConsolePage *page,
                                               const char * const      *allowed);
/* A field's value, NULL when absent or empty. */
const char *xuncha_office_console_field       (GHashTable              *fields,
                                               const char              *name);
/* A category's name in the page's language (its code when unknown). */
const char *xuncha_office_console_category_name (XunchaOfficeConsolePage *page,
                                               const char              *code);
/* officer id → XunchaWireOfficer, all the office's officers. */
GHashTable *xuncha_office_console_officers    (XunchaOfficeConsolePage *page,
                                               GError                 **error);

/* The report filter's query fields (xuncha-office-console-filter.c), for a page's list of
 * allowed names. */
#define XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS \
  "from", "to", "category", "street", "class", "officer", "team", "status"
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

G_END_DECLS
