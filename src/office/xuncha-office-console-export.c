/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's exports of the filtered list: CSV (for a spreadsheet) and GeoJSON (for a
 * GIS). Either holds the whole answer or nothing: more than EXPORT_ROWS reports are
 * refused with a word to narrow the filter, never cut short without a sign. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-console-private.h"

#define tr xuncha_office_console_tr
#define EXPORT_ROWS 10000
/* A report's photos in one zip at most: a case has a few photos of a few MiB each. */
#define ZIP_MAX_BYTES (64 * 1024 * 1024)

/* The filtered reports, at most EXPORT_ROWS, and the officers; FALSE after answering. */
static gboolean
export_rows (XunchaOfficeConsolePage  *page,
             GPtrArray               **found,
             GHashTable              **officers)
{
  static const char * const allowed[] = { XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS, "lang", NULL };
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!xuncha_office_console_read_query (page, allowed))
    return FALSE;
  filter = xuncha_office_console_read_filter (page);
  if (filter == NULL)
    return FALSE;
  /* One more than the limit: whether there are more. */
  *found = xuncha_office_records_reports_query (page->self->records, filter, 0, EXPORT_ROWS,
                                                &error);
  if (*found != NULL && (*found)->len == EXPORT_ROWS)
    {
      g_autoptr(GPtrArray) beyond = xuncha_office_records_reports_query (page->self->records,
                                                                         filter, EXPORT_ROWS,
                                                                         1, &error);

      if (beyond == NULL)
        g_clear_pointer (found, g_ptr_array_unref);
      else if (beyond->len > 0)
        {
          g_clear_pointer (found, g_ptr_array_unref);
          message = g_strdup_printf (tr (page, N_("More than %d reports match: narrow the "
                                                  "filter (a shorter date range, a street or "
                                                  "a category) and download again.")),
                                     EXPORT_ROWS);
          xuncha_office_console_answer_message (page, 400, tr (page, N_("Too many reports")),
                                                message);
          return FALSE;
        }
    }
  *officers = *found != NULL ? xuncha_office_console_officers (page, &error) : NULL;
  if (*officers == NULL)
    {
      g_clear_pointer (found, g_ptr_array_unref);
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  return TRUE;
}

static void
answer_download (XunchaOfficeConsolePage *page,
                 const char              *type,
                 const char              *filename,
                 GString                 *body)
{
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s\"", filename);

  xuncha_office_console_call_header (page->call, "Content-Disposition", disposition);
  xuncha_office_console_answer (page, 200, type, g_string_free_to_bytes (body));
}

/* A text cell: quoted, its quotes doubled, and a cell a spreadsheet would take for a
 * formula (= + - @, or a tab or carriage return before one) made plain text with a
 * leading apostrophe. */
void
xuncha_office_console_csv_text (GString    *out,
                                const char *text)
{
  g_string_append_c (out, '"');
  if (text != NULL)
    {
      if (*text == '=' || *text == '+' || *text == '-' || *text == '@' || *text == '\t'
          || *text == '\r')
        g_string_append_c (out, '\'');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
csv_number (GString *out,
            double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  /* Seven decimals of a degree: about a centimetre. */
  if (!isnan (value))
    g_string_append (out, g_ascii_formatd (text, sizeof text, "%.7f", value));
}

void
xuncha_office_console_export_csv (XunchaOfficeConsolePage *page)
{
  static const char * const headings[] = {
    N_("Report"), N_("Time"), N_("Category code"), N_("Category"), N_("Street"),
    N_("Officer"), N_("Team"), N_("Case status"), N_("Latitude"), N_("Longitude"),
    N_("Merchant"), N_("Note"),
  };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) officers = NULL;
  GString *csv;

  if (!export_rows (page, &found, &officers))
    return;
  /* A byte order mark: spreadsheets then read the Chinese as UTF-8. */
  csv = g_string_new ("\xEF\xBB\xBF");
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, tr (page, headings[i]));
    }
  g_string_append (csv, "\r\n");
  for (guint i = 0; i < found->len; i++)
    {
      const XunchaOfficeReportRecord *record = found->pdata[i];
      const XunchaWireReport *report = record->report;
      const XunchaWireOfficer *officer = g_hash_table_lookup (officers, record->officer_id);

      xuncha_office_console_csv_text (csv, report->uuid);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, report->created_at);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, report->category);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, xuncha_office_console_category_name (page, report->category));
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, record->street_name);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, officer != NULL ? officer->name : record->officer_id);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, officer != NULL ? officer->team : NULL);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, record->case_status);
      g_string_append_c (csv, ',');
      csv_number (csv, report->has_position ? report->lat : NAN);
      g_string_append_c (csv, ',');
      csv_number (csv, report->has_position ? report->lon : NAN);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, report->merchant_id);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, report->note);
      g_string_append (csv, "\r\n");
    }
  answer_download (page, "text/csv; charset=utf-8", "reports.csv", csv);
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
xuncha_office_console_export_geojson (XunchaOfficeConsolePage *page)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) officers = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;
  GString *body;

  if (!export_rows (page, &found, &officers))
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "type", "FeatureCollection");
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < found->len; i++)
    {
      const XunchaOfficeReportRecord *record = found->pdata[i];
      const XunchaWireReport *report = record->report;
      const XunchaWireOfficer *officer = g_hash_table_lookup (officers, record->officer_id);

      json_builder_begin_object (builder);
      add_string (builder, "type", "Feature");
      add_string (builder, "id", report->uuid);
      json_builder_set_member_name (builder, "geometry");
      if (report->has_position)
        {
          json_builder_begin_object (builder);
          add_string (builder, "type", "Point");
          json_builder_set_member_name (builder, "coordinates");
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, report->lon);
          json_builder_add_double_value (builder, report->lat);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_object (builder);
      add_string (builder, "created_at", report->created_at);
      add_string (builder, "category", report->category);
      add_string (builder, "category_name",
                  xuncha_office_console_category_name (page, report->category));
      add_string (builder, "street_id", report->street_id);
      add_string (builder, "street", record->street_name);
      add_string (builder, "officer_id", record->officer_id);
      add_string (builder, "officer", officer != NULL ? officer->name : NULL);
      add_string (builder, "team", officer != NULL ? officer->team : NULL);
      add_string (builder, "case_status", record->case_status);
      add_string (builder, "merchant_id", report->merchant_id);
      add_string (builder, "note", report->note);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  body = g_string_new (text);
  answer_download (page, "application/geo+json", "reports.geojson", body);
}

void
xuncha_office_console_export_photos (XunchaOfficeConsolePage *page,
                                     const char              *uuid)
{
  static const char * const allowed[] = { "lang", NULL };
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(XunchaOfficeZipStream) zip = NULL;
  g_autofree char *filename = NULL;
  const XunchaWireReport *report;

  if (!xuncha_office_console_read_query (page, allowed)
      || (record = xuncha_office_console_visible_report (page, uuid)) == NULL)
    return;
  report = record->report;
  /* Which photos go in, and their sizes, now: the zip itself is read from the store piece
   * by piece as the client takes it (xuncha-office-zip-stream.c). */
  zip = xuncha_office_zip_stream_new (page->self->photos);
  for (guint i = 0; report->photos != NULL && i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      gint64 size = 0;

      stream = xuncha_office_photo_store_open_read (page->self->photos, photo->sha256, &size,
                                                    &error);
      /* A photo the office does not hold yet (its upload is to come) is left out. */
      if (stream == NULL)
        {
          if (!g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
            g_warning ("Console photos of %s: %s", uuid, error->message);
          continue;
        }
      name = g_strdup_printf ("%02u-%s-%.12s.jpg", i + 1, photo->role, photo->sha256);
      xuncha_office_zip_stream_add_photo (zip, name, photo->sha256, size);
      if (xuncha_office_zip_stream_size (zip) > ZIP_MAX_BYTES)
        {
          g_autofree char *message = g_strdup_printf (tr (page, N_("The photos are more than "
                                                                  "%d MiB together: download "
                                                                  "them one by one from the "
                                                                  "report's page.")),
                                                      ZIP_MAX_BYTES / (1024 * 1024));

          xuncha_office_console_answer_message (page, 413, tr (page, N_("Too large")), message);
          return;
        }
    }
  filename = g_strdup_printf ("report-%s-photos.zip", uuid);
  xuncha_office_console_answer_zip (page, g_steal_pointer (&zip), filename);
}
