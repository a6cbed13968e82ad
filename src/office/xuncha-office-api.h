/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-call.h"
#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_API (xuncha_office_api_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeApi, xuncha_office_api, XUNCHA, OFFICE_API, GObject)

/* Protocol v1 over the office's records and photo store: what each call means, which
 * officer may make it, and its answer. No HTTP here (the server reads and writes the
 * messages) and nothing that matters in memory: every answer comes from the records and
 * the photo store, so several office processes on one database answer alike, and a
 * restart forgets nothing (the enrollment limits are counted from the failures the
 * records keep).
 *
 * Every function but the setters may be called from any thread, several at once: the
 * server calls them on its worker pool. The setters are for before the first call. */

/* @categories: the taxonomy document served to devices; a report's category must be one
 * of its codes. */
XunchaOfficeApi *xuncha_office_api_new               (XunchaOfficeRecords     *records,
                                                      XunchaOfficePhotoStore  *photos,
                                                      GBytes                  *categories,
                                                      GError                 **error);
/* 0 keeps the current value. */
void             xuncha_office_api_set_limits        (XunchaOfficeApi         *self,
                                                      gint64                   photo_max_bytes,
                                                      gint64                   body_max_bytes);
/* Failed enrollments allowed per officer and per remote address within @window_s before
 * further attempts (right or wrong) are refused with 429. 0 keeps the current value. */
void             xuncha_office_api_set_enroll_limits (XunchaOfficeApi         *self,
                                                      guint                    per_officer,
                                                      guint                    per_address,
                                                      guint                    window_s);
/* The algorithm of the device signing keys the office keeps at enrollment
 * (XUNCHA_EVIDENCE_ALGORITHM_*; SM2 unless set). */
gboolean         xuncha_office_api_set_signature     (XunchaOfficeApi         *self,
                                                      const char              *algorithm,
                                                      GError                 **error);
gint64           xuncha_office_api_get_photo_max_bytes (XunchaOfficeApi       *self);
gint64           xuncha_office_api_get_body_max_bytes  (XunchaOfficeApi       *self);

/* Whether @method @path uploads a photo: its body goes to the photo store as it arrives
 * (xuncha_office_api_photo_begin()), not into memory. */
gboolean         xuncha_office_api_is_photo_put      (const char              *method,
                                                      const char              *path);

/* Answers @call (any call but a photo upload). */
void             xuncha_office_api_handle            (XunchaOfficeApi         *self,
                                                      XunchaOfficeCall        *call);
/* Before a photo's body: answers @call and returns NULL when the body is not wanted (not
 * authorized, too large, already held, a malformed name); otherwise the upload its bytes
 * go to. */
XunchaOfficePhotoUpload *
                 xuncha_office_api_photo_begin       (XunchaOfficeApi         *self,
                                                      XunchaOfficeCall        *call);
/* After a photo's body: commits @upload under the name the path gives (checking the
 * bytes' hash) and answers @call; @write_error: a failed write of the body, which aborts
 * it instead. */
void             xuncha_office_api_photo_commit      (XunchaOfficeApi         *self,
                                                      XunchaOfficeCall        *call,
                                                      XunchaOfficePhotoUpload *upload,
                                                      const GError            *write_error);

G_END_DECLS
