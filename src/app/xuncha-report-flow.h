/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"
#include "xuncha-camera-view.h"
#include "xuncha-category-picker.h"
#include "xuncha-place-picker.h"
#include "xuncha-report-form.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_REPORT_FLOW (xuncha_report_flow_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReportFlow, xuncha_report_flow, XUNCHA, REPORT_FLOW, GtkWidget)

/* Making one report: photo, category, details (with manual placement when the fix is
 * missing or poor), save. Saving is a job of the store worker (@worker of set_context)
 * and returns at once; @store only reads on the main thread. Tapping a category saves at once when nothing is missing (a camera
 * photo, a good fix, no required field); "Details…" on the category step opens the form
 * first. Signals: "closed" when the officer leaves the flow, "saved" (XunchaReport) once
 * the report is durably in the store, "edited" (XunchaReport) once an edit is, and
 * "save-failed" (GError) when it could not be (the flow reopens with the draft). */
XunchaReportFlow     *xuncha_report_flow_new              (void);
void                  xuncha_report_flow_set_context      (XunchaReportFlow    *self,
                                                           XunchaStore         *store,
                                                           XunchaStoreWorker   *worker,
                                                           XunchaStreetMap     *map,
                                                           XunchaPatrolSession *session,
                                                           GSettings           *settings);
/* Starts a new report, or a re-inspection of @parent_uuid when not NULL. */
void                  xuncha_report_flow_start            (XunchaReportFlow    *self,
                                                           const char          *parent_uuid);
/* The step shown: "photo", "category", "form" or "place". */
/* Chooses the category before the photo (a task names it): after the photo the form
 * follows, where it can still be changed. An unknown @code changes nothing. */
void                  xuncha_report_flow_set_category     (XunchaReportFlow    *self,
                                                           const char          *code);
/* For a check whose case is not on the device: the case's photo the office sent (a
 * file, @path), shown for framing as the original report's would be. */
void                  xuncha_report_flow_set_original_photo (XunchaReportFlow  *self,
                                                             const char        *path);
/* Whether an original photo is on screen (for tests). */
gboolean              xuncha_report_flow_has_original_photo (XunchaReportFlow  *self);
const char           *xuncha_report_flow_get_step         (XunchaReportFlow    *self);
/* A photo for the report, as the camera hands it over (JPEG bytes). */
void                  xuncha_report_flow_add_photo_bytes  (XunchaReportFlow    *self,
                                                           GBytes              *jpeg);
void                  xuncha_report_flow_add_photo_files  (XunchaReportFlow    *self,
                                                           GPtrArray           *files);
XunchaCategoryPicker *xuncha_report_flow_get_picker       (XunchaReportFlow    *self);
XunchaReportForm     *xuncha_report_flow_get_form         (XunchaReportFlow    *self);
/* What the re-inspection banner says (distance and direction to the original spot), or
 * NULL when this is not a re-inspection. */
const char           *xuncha_report_flow_get_reinspect_text (XunchaReportFlow  *self);
XunchaCameraView     *xuncha_report_flow_get_camera_view  (XunchaReportFlow    *self);
XunchaPlacePicker    *xuncha_report_flow_get_place_picker (XunchaReportFlow    *self);
/* Builds the report from the form and saves it in the background. FALSE (with a toast
 * in the flow) when the form is not complete. */
gboolean              xuncha_report_flow_save             (XunchaReportFlow    *self);

/* Opens the form on the saved report @uuid to change its details; its Save then edits it
 * in the store in the background ("edited", or "save-failed" with
 * XUNCHA_REPORT_STORE_ERROR_SENT when it already went to the office). */
gboolean              xuncha_report_flow_edit             (XunchaReportFlow    *self,
                                                           const char          *uuid,
                                                           GError             **error);
/* What and where, for a toast: "Stall occupying the public way · Zhongshan Rd". */
char                 *xuncha_report_flow_describe         (XunchaReportFlow    *self,
                                                           XunchaReport        *report);

/* Shows the draft again with @message (a save that failed). */
void                  xuncha_report_flow_show_error       (XunchaReportFlow    *self,
                                                           const char          *message);

G_END_DECLS
