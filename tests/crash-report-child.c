/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adds reports in a loop until killed, printing "saved <uuid>" after each commit. The
 * crash test kills it with SIGKILL at random moments. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GBytes) previous = NULL;
  guint limit;

  if (argc < 2)
    {
      g_printerr ("usage: crash-report-child DATA_DIR [COUNT]\n");
      return 2;
    }
  limit = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : G_MAXUINT;

  store = xuncha_store_open (argv[1], &error);
  if (store != NULL && !xuncha_store_prepare_for_use (store, &error))
    g_clear_object (&store);
  if (store != NULL)
    reports = xuncha_report_store_new (store, &error);
  if (reports == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  image = photo_fixture_image (160, 120, (guint)getpid ());

  for (guint i = 0; i < limit; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
      g_autofree char *text = g_strdup_printf ("%d-%u-%u", (int)getpid (), i, g_random_int ());
      g_autoptr(GBytes) comment = photo_fixture_segment (0xfe, text, strlen (text));
      g_autoptr(GBytes) photo = photo_fixture_insert (image, TRUE, comment, NULL);

      xuncha_report_set_position (report, 31.2 + g_random_double () * 0.01, 121.4, 5, NAN,
                                  NAN, XUNCHA_POSITION_SOURCE_GPS);
      xuncha_report_set_note (report, text);
      xuncha_report_add_photo_bytes (report, photo, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
      /* Every other report also carries the previous photo again: the dedupe path. */
      if (previous != NULL && i % 2 == 1)
        xuncha_report_add_photo_bytes (report, previous, "again.jpg",
                                       XUNCHA_PHOTO_ROLE_EVIDENCE);
      if (!xuncha_report_store_save (reports, report, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("saved %s\n", xuncha_report_get_uuid (report));
      fflush (stdout);
      g_clear_pointer (&previous, g_bytes_unref);
      previous = g_bytes_ref (photo);
    }
  return 0;
}
