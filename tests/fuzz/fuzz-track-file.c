/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPX and NMEA logs (told apart by content, as `track import` does): the fixes returned
 * are real positions in strictly increasing time, and the counts add up. */
#include "config.h"

#include <math.h>

#include "xuncha-fuzz.h"
#include "xuncha-track-file.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GArray) fixes = NULL;
  XunchaTrackFileStats stats;

  fixes = xuncha_track_file_parse ((const char *)data, size, &stats, NULL);
  if (fixes == NULL)
    return 0;

  XUNCHA_FUZZ_CHECK (fixes->len == stats.points);
  for (guint i = 0; i < fixes->len; i++)
    {
      const XunchaFix *fix = &g_array_index (fixes, XunchaFix, i);

      XUNCHA_FUZZ_CHECK (isfinite (fix->lat) && fix->lat >= -90 && fix->lat <= 90);
      XUNCHA_FUZZ_CHECK (isfinite (fix->lon) && fix->lon >= -180 && fix->lon <= 180);
      if (i > 0)
        XUNCHA_FUZZ_CHECK (fix->t_ms > g_array_index (fixes, XunchaFix, i - 1).t_ms);
    }
  return 0;
}
