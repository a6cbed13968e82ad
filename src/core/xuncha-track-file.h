/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-fix.h"

G_BEGIN_DECLS

typedef enum
{
  XUNCHA_TRACK_FORMAT_UNKNOWN,
  XUNCHA_TRACK_FORMAT_GPX,
  XUNCHA_TRACK_FORMAT_NMEA,
} XunchaTrackFormat;

/* What reading a track file found, for tests, logs and `track import`. */
typedef struct
{
  XunchaTrackFormat format;
  guint points;          /* fixes returned */
  guint no_fix;          /* NMEA epochs without a fix (skipped); GPX points marked
                          * <fix>none</fix> (returned, with infinite accuracy) */
  guint backwards;       /* fixes dropped because their time was not after the previous */
  guint sentences;       /* NMEA: well-formed sentences read */
  guint comments;        /* NMEA: '#' lines */
  guint bad_checksums;   /* NMEA: sentences refused for a wrong or missing checksum */
  guint ignored;         /* NMEA: proprietary sentences, other sentence types; GPX: points
                          * without time */
} XunchaTrackFileStats;

/* Reads a GPX 1.0/1.1 or NMEA 0183 log (told apart by its content) into fixes in time
 * order. NMEA: GGA, RMC and GSA from any talker but a proprietary one (GP, GN, GL, GA, GB,
 * BD, GI, GQ, IN ...), one fix per epoch (the sentences sharing one time of day); '#'
 * comment lines, sentences with a bad checksum and epochs without a fix are skipped; the
 * accuracy is estimated as HDOP × 5 m.
 * GPX: every <trkpt> with a time; a point the receiver marked <fix>none</fix> is kept (GPX
 * tools count it as a point) with an infinite accuracy, so the fix filter drops it.
 * A fix whose time is not after the one before is dropped in both formats.
 * Returns an array of XunchaFix, or NULL with @error. @stats may be NULL. */
GArray *xuncha_track_file_parse (const char            *data,
                                 gsize                  length,
                                 XunchaTrackFileStats  *stats,
                                 GError               **error);

GArray *xuncha_track_file_load  (const char            *path,
                                 XunchaTrackFileStats  *stats,
                                 GError               **error);

G_END_DECLS
