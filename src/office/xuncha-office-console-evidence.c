/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The report page's evidence (docs/evidence.md): whether the report came with signed
 * manifests, each signature checked again here against the enrolled key it names (not
 * taken on trust from the day it arrived), where each stands in its device's chain, and a
 * chain break when the device started its chain again. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xuncha-evidence-key.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-office-console-private.h"
#include "xuncha-office-evidence-bundle.h"

#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc
#define PREFIX XUNCHA_OFFICE_CONSOLE_PREFIX
/* A bundle in one zip at most: a report's photos of a few MiB each and its manifests. */
#define BUNDLE_MAX_BYTES (64 * 1024 * 1024)

/* Whether @m's signature holds under the key its device enrolled with. */
static gboolean
signature_holds (XunchaOfficeConsolePage          *page,
                 const XunchaOfficeEvidenceRecord *m)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) enrolled = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(XunchaEvidenceManifest) manifest = NULL;

  enrolled = xuncha_office_records_enrolled_key (page->self->records, NULL, m->device_key,
                                                 &error);
  if (enrolled != NULL)
    key = xuncha_evidence_key_new_from_public (enrolled->public_key, &error);
  if (key != NULL)
    manifest = xuncha_evidence_manifest_verify (key, m->manifest, strlen (m->manifest),
                                                m->signature, &error);
  if (manifest == NULL && error != NULL)
    g_message ("Evidence of %s, revision %" G_GINT64_FORMAT ": %s", m->report_uuid,
               m->revision, error->message);
  return manifest != NULL;
}

void
xuncha_office_console_evidence_section (XunchaOfficeConsolePage        *page,
                                        const XunchaOfficeReportRecord *record,
                                        GString                        *html)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) manifests = NULL;
  gboolean all_hold = TRUE;
  g_autoptr(GString) rows = g_string_new (NULL);

  g_string_append (html, "<h2>");
  esc (html, tr (page, N_("Evidence")));
  g_string_append (html, "</h2><p id=\"evidence-status\">");
  manifests = xuncha_office_records_evidence_of_report (page->self->records,
                                                        record->report->uuid, &error);
  if (manifests == NULL)
    {
      g_warning ("Evidence of %s: %s", record->report->uuid, error->message);
      esc (html, tr (page, N_("The evidence could not be read. Try again later.")));
      g_string_append (html, "</p>");
      return;
    }
  if (manifests->len == 0)
    {
      esc (html, tr (page, N_("Not signed: the device was enrolled before signing keys.")));
      g_string_append (html, "</p>");
      return;
    }
  for (guint i = 0; i < manifests->len; i++)
    {
      const XunchaOfficeEvidenceRecord *m = manifests->pdata[i];
      gboolean holds = signature_holds (page, m);

      all_hold = all_hold && holds;
      g_string_append_printf (rows, "<tr><td>%" G_GINT64_FORMAT "</td><td><code>",
                              m->revision);
      esc (rows, m->device_key);
      g_string_append_printf (rows, "</code></td><td>%" G_GINT64_FORMAT "</td>"
                              "<td>%" G_GINT64_FORMAT "</td><td>", m->chain, m->sequence);
      esc (rows, m->received_at);
      g_string_append (rows, "</td><td>");
      if (holds)
        esc (rows, tr (page, N_("verified")));
      else
        {
          g_string_append (rows, "<strong class=\"overdue\">");
          esc (rows, tr (page, N_("does not verify")));
          g_string_append (rows, "</strong>");
        }
      if (m->chain_break)
        {
          g_string_append (rows, " <strong class=\"chain-break\">");
          esc (rows, tr (page, N_("chain break: the device started its chain again here")));
          g_string_append (rows, "</strong>");
        }
      g_string_append (rows, "</td></tr>");
    }
  if (all_hold)
    esc (html, tr (page, N_("Signed by the reporting device; every signature verified.")));
  else
    {
      g_string_append (html, "<strong class=\"overdue\">");
      esc (html, tr (page, N_("Signed, but a signature does not verify: do not rely on this "
                              "report as evidence.")));
      g_string_append (html, "</strong>");
    }
  g_string_append (html, "</p><table class=\"evidence\" id=\"evidence-manifests\"><thead><tr>");
  {
    const char *headings[] = { N_("Revision"), N_("Device key"), N_("Chain"), N_("Sequence"),
                               N_("Received"), N_("Signature") };

    for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
      {
        g_string_append (html, "<th>");
        esc (html, tr (page, headings[i]));
        g_string_append (html, "</th>");
      }
  }
  g_string_append (html, "</tr></thead><tbody>");
  g_string_append_len (html, rows->str, (gssize)rows->len);
  g_string_append (html, "</tbody></table><p><a id=\"evidence-zip\" href=\"" PREFIX "/reports/");
  esc (html, record->report->uuid);
  g_string_append (html, "/evidence.zip\">");
  esc (html, tr (page, N_("Download the evidence bundle (zip)")));
  g_string_append (html, "</a></p>");
}

/* Whether @zip is over BUNDLE_MAX_BYTES (NO_SPACE then). */
static gboolean
zip_too_large (XunchaOfficeZipStream  *zip,
               GError                **error)
{
  if (xuncha_office_zip_stream_size (zip) <= BUNDLE_MAX_BYTES)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "more than %d MiB",
               BUNDLE_MAX_BYTES / (1024 * 1024));
  return TRUE;
}

/* Adds a bundle's file to the zip @user_data, within BUNDLE_MAX_BYTES. */
static gboolean
add_to_zip (const char  *name,
            GBytes      *data,
            gpointer     user_data,
            GError     **error)
{
  xuncha_office_zip_stream_add_bytes (user_data, name, data);
  return !zip_too_large (user_data, error);
}

/* Adds a bundle's photo to the zip @user_data, read from the store as the client takes
 * the zip. */
static gboolean
add_photo_to_zip (const char  *name,
                  const char  *sha256,
                  gint64       size,
                  gpointer     user_data,
                  GError     **error)
{
  xuncha_office_zip_stream_add_photo (user_data, name, sha256, size);
  return !zip_too_large (user_data, error);
}

void
xuncha_office_console_evidence_zip (XunchaOfficeConsolePage *page,
                                    const char              *uuid)
{
  static const char * const allowed[] = { "lang", NULL };
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(XunchaOfficeZipStream) zip = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *filename = NULL;

  /* The member's scope, as for the report's page and its photos. */
  if (!xuncha_office_console_read_query (page, allowed)
      || (record = xuncha_office_console_visible_report (page, uuid)) == NULL)
    return;
  zip = xuncha_office_zip_stream_new (page->self->photos);
  if (!xuncha_office_evidence_bundle_write (page->self->records, page->self->photos,
                                            record->report->uuid, add_to_zip, add_photo_to_zip,
                                            zip, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          g_autofree char *message =
            g_strdup_printf (tr (page, N_("The evidence bundle is more than %d MiB: export it "
                                          "at the office with “xuncha-office evidence "
                                          "export”.")), BUNDLE_MAX_BYTES / (1024 * 1024));

          xuncha_office_console_answer_message (page, 413, tr (page, N_("Too large")), message);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
               || g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                   XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        xuncha_office_console_answer_message (page, 404, tr (page, N_("No evidence")),
                                              tr (page, N_("The office holds no signed "
                                                           "manifests or not every photo of "
                                                           "this report: there is no bundle "
                                                           "to download.")));
      else
        xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  filename = g_strdup_printf ("report-%s-evidence.zip", record->report->uuid);
  xuncha_office_console_answer_zip (page, g_steal_pointer (&zip), filename);
}
