/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_REPORT_FORM (xuncha_report_form_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReportForm, xuncha_report_form, XUNCHA, REPORT_FORM, GtkWidget)

/* The details of one report: its photos, category, position, street segment (the best
 * snap and the alternatives), merchant (with its recent reports), the category's own
 * fields, disposition, deadline and note. Reads the store and the street map through the
 * core only. Signals: "change-category", "place-on-map", "add-after-photo", "save". */
XunchaReportForm *xuncha_report_form_new           (void);
void              xuncha_report_form_set_context   (XunchaReportForm     *self,
                                                    XunchaStore          *store,
                                                    XunchaStreetMap      *map);
void              xuncha_report_form_set_category  (XunchaReportForm     *self,
                                                    XunchaCategory       *category);
XunchaCategory   *xuncha_report_form_get_category  (XunchaReportForm     *self);
/* Where the report is; @source says how it was found. Updates the street and merchant
 * choices. */
void              xuncha_report_form_set_position  (XunchaReportForm     *self,
                                                    double                lat,
                                                    double                lon,
                                                    double                accuracy,
                                                    XunchaPositionSource  source);
gboolean          xuncha_report_form_get_position  (XunchaReportForm     *self,
                                                    double               *lat,
                                                    double               *lon);
/* Photos: a capture (JPEG bytes) or a chosen file. */
void              xuncha_report_form_add_photo_bytes (XunchaReportForm   *self,
                                                      GBytes             *jpeg,
                                                      XunchaPhotoRole     role);
void              xuncha_report_form_add_photo_file  (XunchaReportForm   *self,
                                                      GFile              *file,
                                                      XunchaPhotoRole     role);
guint             xuncha_report_form_get_n_photos  (XunchaReportForm     *self);
void              xuncha_report_form_set_parent    (XunchaReportForm     *self,
                                                    const char           *parent_uuid);
/* The street segment choices shown (best first), for tests. */
guint             xuncha_report_form_get_n_streets (XunchaReportForm     *self);
void              xuncha_report_form_select_street (XunchaReportForm     *self,
                                                    guint                 index);
/* Puts the keyboard in the first field the category needs that is still empty, so the
 * officer types at once; a choice needs a tap, so it is left alone. */
void              xuncha_report_form_focus_missing (XunchaReportForm     *self);
void              xuncha_report_form_set_field     (XunchaReportForm     *self,
                                                    const char           *field_id,
                                                    const char           *value);
void              xuncha_report_form_set_disposition (XunchaReportForm   *self,
                                                      XunchaDisposition   disposition);
void              xuncha_report_form_set_note      (XunchaReportForm     *self,
                                                    const char           *note);
/* A new report from what the form shows, or NULL with a message saying what is missing. */
XunchaReport     *xuncha_report_form_build         (XunchaReportForm     *self,
                                                    const char           *shift_uuid,
                                                    GError              **error);
/* Shows a saved report to edit it: its category (@category, from the taxonomy), fields,
 * street segment, merchant, disposition, deadline, note and photos. Its position stays as
 * saved. New photos (an after-photo) may be added. */
void              xuncha_report_form_edit          (XunchaReportForm     *self,
                                                    XunchaReport         *saved,
                                                    XunchaCategory       *category);
/* The uuid of the saved report being edited, NULL for a new report. */
const char       *xuncha_report_form_get_editing   (XunchaReportForm     *self);
/* The saved report read again from the store with what the form shows applied, for
 * xuncha_report_store_update(); NULL with a message saying what is missing. */
XunchaReport     *xuncha_report_form_build_edit    (XunchaReportForm     *self,
                                                    GError              **error);
/* Empties the form for the next report. */
void              xuncha_report_form_reset         (XunchaReportForm     *self);

G_END_DECLS
