/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-camera.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_CAMERA_VIEW (xuncha_camera_view_get_type ())

G_DECLARE_FINAL_TYPE (XunchaCameraView, xuncha_camera_view, XUNCHA, CAMERA_VIEW, GtkWidget)

/* The photo step of a report: the live preview filling the width, a round shutter and
 * "Choose from Files" (JPEG, several at once); a status page when there is no camera.
 * The camera runs only while the view is mapped.
 *
 * Signals:
 *   "photo-taken"  (GBytes *jpeg): a full-quality JPEG from the camera
 *   "files-chosen" (GListModel *files): the GFiles the user picked, at least one */
XunchaCameraView *xuncha_camera_view_new                (XunchaCamera     *camera);
XunchaCamera     *xuncha_camera_view_get_camera         (XunchaCameraView *self);
void              xuncha_camera_view_set_camera         (XunchaCameraView *self,
                                                         XunchaCamera     *camera);
/* What the shutter does: captures when the camera is ready, else nothing. */
void              xuncha_camera_view_take_photo         (XunchaCameraView *self);
/* What "Choose from Files" does: opens the file chooser. */
void              xuncha_camera_view_choose_files       (XunchaCameraView *self);

/* For tests and keyboard focus; the files button is the one on screen. */
GtkWidget        *xuncha_camera_view_get_shutter_button (XunchaCameraView *self);
GtkWidget        *xuncha_camera_view_get_files_button   (XunchaCameraView *self);
/* The open file chooser, or NULL. */
GtkFileChooser   *xuncha_camera_view_get_file_chooser   (XunchaCameraView *self);

G_END_DECLS
