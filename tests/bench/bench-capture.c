/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Capture of a 4 MB photo (Exif geotag, durable save, rows in one transaction) against
 * the floor: a plain write of the same bytes with one fsync. */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#include "bench-util.h"
#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"

static double
plain_copy (const char *dir,
            GBytes     *bytes,
            guint       i)
{
  g_autofree char *name = g_strdup_printf ("copy-%u.jpg", i);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gint64 start = g_get_monotonic_time ();
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gsize done = 0;

  g_assert_cmpint (fd, >=, 0);
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      g_assert_cmpint (n, >, 0);
      done += n;
    }
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (void)
{
  guint n = (guint)(15 * bench_scale ());
  g_autofree char *dir = bench_tmpdir ();
  g_autofree char *copies = g_build_filename (dir, "copies", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GBytes) photo = photo_fixture_image (3600, 2400, 7);
  g_autoptr(GArray) capture_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) copy_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double capture, copy;

  g_mkdir_with_parents (copies, 0700);
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  /* What a program does once at its start (categories, the outbox). */
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  g_printerr ("photo: %.2f MB, %u rounds\n", g_bytes_get_size (photo) / 1048576.0, n);

  /* Warm both paths once (page cache, statement cache). */
  plain_copy (copies, photo, 9999);
  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
      gint64 start;
      double t_copy;

      /* A different position each time: different Exif, a different file. */
      xuncha_report_set_position (report, 31.2 + i * 1e-5, 121.4, 5, 12, 90,
                                  XUNCHA_POSITION_SOURCE_GPS);
      xuncha_report_add_photo_bytes (report, photo, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
      start = g_get_monotonic_time ();
      g_assert_true (xuncha_report_store_save (reports, report, NULL, &error));
      capture = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      t_copy = plain_copy (copies, photo, i);
      if (i == 0)
        continue;
      g_array_append_val (capture_ms, capture);
      g_array_append_val (copy_ms, t_copy);
    }

  capture = bench_median (capture_ms);
  copy = bench_median (copy_ms);
  bench_print ("photo_capture_4mb", capture, "ms", "plain_copy_fsync", capture / copy);
  bench_print ("plain_copy_fsync_4mb", copy, "ms", "plain_copy_fsync", 1.0);
  g_clear_object (&reports);
  g_clear_object (&store);
  bench_remove_tree (dir);
  return 0;
}
