/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-cli.h"
#include "xuncha-office-evidence-bundle.h"
#include "xuncha-office-records.h"

/* Writes a bundle's file under the folder @user_data, making its subfolder (private). */
static gboolean
write_into_folder (const char  *name,
                   GBytes      *data,
                   gpointer     user_data,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (user_data, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  gsize length;
  const char *bytes = g_bytes_get_data (data, &length);

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not make %s"), parent);
      return FALSE;
    }
  return g_file_set_contents (path, bytes, (gssize)length, error);
}

/* evidence show: what the office holds of a report's signatures, breaks included. */
static int
show_evidence (XunchaOfficeRecords *records,
               const char          *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) manifests = NULL;

  manifests = xuncha_office_records_evidence_of_report (records, uuid, &error);
  if (manifests == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (manifests->len == 0)
    {
      printf (_("Report %s: not signed (a device enrolled before keys, or no such "
                "report).\n"), uuid);
      return 0;
    }
  for (guint i = 0; i < manifests->len; i++)
    {
      XunchaOfficeEvidenceRecord *m = g_ptr_array_index (manifests, i);

      printf (_("revision %lld: device key %.16s…, chain %lld, sequence %lld, received %s\n"),
              (long long)m->revision, m->device_key, (long long)m->chain,
              (long long)m->sequence, m->received_at);
      if (m->chain_break)
        printf (_("  CHAIN BREAK: the device started its chain again here (it lost its "
                  "store); what it signed before cannot be compared with what follows.\n"));
    }
  return 0;
}

int
xuncha_office_cli_evidence (int    argc,
                            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  g_autoptr(GDir) existing = NULL;
  g_autoptr(GPtrArray) manifests = NULL;
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The folder to write, new or empty"),
      N_("DIR") },
    { NULL }
  };

  if (argc >= 2 && g_str_equal (argv[1], "show"))
    {
      if (!parse_described ("evidence", "show UUID",
                            _("Show a report's signed manifests, chain breaks included."),
                            NULL, &argc, &argv))
        return 2;
      if (argc != 3)
        {
          g_printerr (_("Usage: xuncha-office evidence show UUID\n"));
          return 2;
        }
      if (!open_backend (1, &records, NULL))
        return 1;
      return show_evidence (records, argv[2]);
    }
  if (!parse_described ("evidence", "export UUID --out DIR",
                        _("Write a report's evidence bundle: its photos, every signed "
                          "manifest, the device's key and enrollment, the receipt."),
                        entries, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "export") || out == NULL)
    {
      g_printerr (_("Usage: xuncha-office evidence export UUID --out DIR\n"));
      return 2;
    }
  existing = g_dir_open (out, 0, NULL);
  if (existing != NULL && g_dir_read_name (existing) != NULL)
    {
      g_printerr (_("%s is not empty; name a new or empty folder.\n"), out);
      return 1;
    }
  if (!open_backend (1, &records, &photos))
    return 1;
  if (!xuncha_office_evidence_bundle_write (records, photos, argv[2],
                                            write_into_folder, NULL, out,
                                            &manifests, &error))
    {
      g_printerr (_("Could not export the evidence of report %s: %s\n"), argv[2],
                  error->message);
      return 1;
    }
  for (guint i = 0; i < manifests->len; i++)
    {
      XunchaOfficeEvidenceRecord *m = g_ptr_array_index (manifests, i);

      if (m->chain_break)
        g_printerr (_("Note: revision %lld started its device's chain again (the device "
                      "lost its store before it).\n"), (long long)m->revision);
    }
  printf (_("Evidence bundle of report %s written to %s; check it with “xuncha-cli evidence "
            "verify %s”.\n"), argv[2], out, out);
  return 0;
}
