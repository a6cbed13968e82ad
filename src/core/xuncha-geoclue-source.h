/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-location-source.h"

G_BEGIN_DECLS

/* How long start() waits for GeoClue before saying the service is unavailable. A missing
 * bus, a missing service or a refusal are reported as soon as they are known, usually at
 * once; this bounds a service that does not answer at all. */
#define XUNCHA_GEOCLUE_SOURCE_ANSWER_TIMEOUT_MS  1000
/* After this, the attempt is given up (cancelled). Between the two, a late answer (the
 * user granting access in the system's prompt, say) still makes the source active. */
#define XUNCHA_GEOCLUE_SOURCE_GIVE_UP_TIMEOUT_MS 60000

#define XUNCHA_TYPE_GEOCLUE_SOURCE (xuncha_geoclue_source_get_type ())

G_DECLARE_FINAL_TYPE (XunchaGeoclueSource, xuncha_geoclue_source, XUNCHA, GEOCLUE_SOURCE,
                      GObject)

/* The system location service (GeoClue 2, or its portal inside Flatpak) at the "exact"
 * accuracy level. @desktop_id is the application id GeoClue shows the user and checks its
 * permission against; NULL uses the application's. */
XunchaGeoclueSource *xuncha_geoclue_source_new              (const char          *desktop_id);

/* For tests and slow devices: replaces XUNCHA_GEOCLUE_SOURCE_ANSWER_TIMEOUT_MS. */
void                 xuncha_geoclue_source_set_answer_timeout (XunchaGeoclueSource *self,
                                                               guint                timeout_ms);

G_END_DECLS
