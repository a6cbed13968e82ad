/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xuncha-fix.h"

G_BEGIN_DECLS

/* Defaults. A walker does 1.5 m/s and an e-bike 7; 15 m/s (54 km/h) is beyond both, yet
 * lets a bus or tram ride through. */
#define XUNCHA_FIX_FILTER_DEFAULT_ACCURACY_M     50.0
#define XUNCHA_FIX_FILTER_DEFAULT_MAX_SPEED_MS   15.0

typedef struct
{
  guint received;
  guint accepted;
  guint dropped_accuracy;     /* worse than the threshold, or no fix at all */
  guint dropped_time;         /* not later than the fix before */
  guint dropped_jump;         /* an implied speed nobody on foot or bike reaches */
  guint dropped_stationary;   /* standing still: only a few points are kept */
} XunchaFixFilterStats;

#define XUNCHA_TYPE_FIX_FILTER (xuncha_fix_filter_get_type ())

G_DECLARE_FINAL_TYPE (XunchaFixFilter, xuncha_fix_filter, XUNCHA, FIX_FILTER, GObject)

/* Cleans a stream of fixes before it is stored, in four steps:
 * 1. accuracy: a fix worse than the threshold (or with infinite accuracy: no fix) goes;
 * 2. time: a fix not later than the previous one goes;
 * 3. speed jumps: a fix that could only be reached faster than the maximum speed is held
 *    back; if the next fix fits the track before it, the held one was the outlier and is
 *    dropped. If instead three fixes in a row agree with each other and not with the old
 *    track, the track really moved (the old position was the wrong one, or a gap), and
 *    they are all kept. So an outlier costs itself only, never the points after it.
 * 4. stationary suppression: fixes that stay within a radius (10 m, or the fix's accuracy
 *    up to 20 m) of the last kept one for more than a minute are dropped, except one every
 *    ten minutes and the last one before moving on, which dates the end of the stop. A
 *    standstill of an hour keeps about eight points; walking keeps every point.
 * Fixes come out in time order, some later than they went in (held back while undecided). */
XunchaFixFilter            *xuncha_fix_filter_new                    (void);

/* Metres; 0 or less turns the threshold off (fixes without a fix are still dropped). */
void                        xuncha_fix_filter_set_accuracy_threshold (XunchaFixFilter *self,
                                                                      double           metres);
double                      xuncha_fix_filter_get_accuracy_threshold (XunchaFixFilter *self);
void                        xuncha_fix_filter_set_max_speed          (XunchaFixFilter *self,
                                                                      double           metres_per_second);
void                        xuncha_fix_filter_set_suppress_stationary (XunchaFixFilter *self,
                                                                       gboolean         suppress);

/* Continues a track that was stored before (after a restart): @last is the last stored
 * fix, trusted as the start of what follows. */
void                        xuncha_fix_filter_seed                   (XunchaFixFilter *self,
                                                                      const XunchaFix *last);

/* Feeds one fix; appends to @out (an array of XunchaFix) the fixes now decided to keep. */
void                        xuncha_fix_filter_push                   (XunchaFixFilter *self,
                                                                      const XunchaFix *fix,
                                                                      GArray          *out);
/* End of the track: appends what is still held back and worth keeping. */
void                        xuncha_fix_filter_flush                  (XunchaFixFilter *self,
                                                                      GArray          *out);
/* Runs a whole track through the filter (push each, then flush). */
GArray                     *xuncha_fix_filter_run                    (XunchaFixFilter *self,
                                                                      const XunchaFix *fixes,
                                                                      gsize            n_fixes);

const XunchaFixFilterStats *xuncha_fix_filter_get_stats              (XunchaFixFilter *self);

G_END_DECLS
