/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-fix.h"
#include "xuncha-photo-meta.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

/* Places photos that carry no GPS on the officer's recorded track by the time they were
 * taken, like gpscorrelate: linear interpolation between the two fixes around the photo's
 * time. */
typedef struct _XunchaTimeCorrelator XunchaTimeCorrelator;

#define XUNCHA_TIME_CORRELATOR_DEFAULT_MAX_GAP_MS (60 * 1000)

/* A correlator over @n_fixes fixes (copied; any order; fixes without a finite position
 * are skipped). */
XunchaTimeCorrelator *xuncha_time_correlator_new             (const XunchaFix       *fixes,
                                                              gsize                  n_fixes);
/* A correlator over the store's track points (all shifts) with times in
 * [@from_ms, @to_ms]. */
XunchaTimeCorrelator *xuncha_time_correlator_new_from_store  (XunchaStore           *store,
                                                              gint64                 from_ms,
                                                              gint64                 to_ms,
                                                              GError               **error);
void                  xuncha_time_correlator_free            (XunchaTimeCorrelator  *self);

gsize                 xuncha_time_correlator_get_n_fixes     (XunchaTimeCorrelator  *self);

/* The longest time between two fixes that is still bridged by interpolation, and the
 * longest time a photo may lie from the nearest fix (default 60 s). */
void                  xuncha_time_correlator_set_max_gap_ms  (XunchaTimeCorrelator  *self,
                                                              gint64                 max_gap_ms);
/* Added to the camera's clock to get true time: a camera 30 s slow needs +30000. */
void                  xuncha_time_correlator_set_camera_offset_ms (XunchaTimeCorrelator *self,
                                                                   gint64 offset_ms);
gint64                xuncha_time_correlator_get_camera_offset_ms (XunchaTimeCorrelator *self);
/* The zone of the camera's clock for photos without OffsetTimeOriginal (NULL: local). */
void                  xuncha_time_correlator_set_zone        (XunchaTimeCorrelator  *self,
                                                              GTimeZone             *zone);

/* The position at @utc_ms (true time, the camera offset is not applied). FALSE when the
 * track does not cover that time within the maximum gap. */
gboolean              xuncha_time_correlator_locate          (XunchaTimeCorrelator  *self,
                                                              gint64                 utc_ms,
                                                              XunchaFix             *out);

/* The true time a photo was taken: its wall clock with OffsetTimeOriginal (else the zone),
 * plus the camera offset. FALSE when the photo has no time. */
gboolean              xuncha_time_correlator_photo_time      (XunchaTimeCorrelator  *self,
                                                              const XunchaPhotoMeta *meta,
                                                              gint64                *utc_ms);

/* The position where the photo was taken; FALSE when it has no time or the track does
 * not cover it. */
gboolean              xuncha_time_correlator_locate_photo    (XunchaTimeCorrelator  *self,
                                                              const XunchaPhotoMeta *meta,
                                                              XunchaFix             *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTimeCorrelator, xuncha_time_correlator_free)

G_END_DECLS
