/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-photo-store.h"
#include "xuncha-report.h"
#include "xuncha-store.h"
#include "xuncha-street-map.h"

G_BEGIN_DECLS

#define XUNCHA_REPORT_STORE_ERROR (xuncha_report_store_error_quark ())

typedef enum
{
  XUNCHA_REPORT_STORE_ERROR_INVALID,      /* a value the report cannot have */
  XUNCHA_REPORT_STORE_ERROR_NO_POSITION,  /* no position from the caller, the photos or the track */
  XUNCHA_REPORT_STORE_ERROR_PHOTO,        /* a photo cannot be read or is not a usable JPEG */
  XUNCHA_REPORT_STORE_ERROR_NOT_FOUND,
  XUNCHA_REPORT_STORE_ERROR_SAVE,         /* the database refused the rows; nothing was kept */
  XUNCHA_REPORT_STORE_ERROR_SENT,         /* it started to go to the office: no more edits */
} XunchaReportStoreError;

#define XUNCHA_TYPE_REPORT_STORE (xuncha_report_store_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReportStore, xuncha_report_store, XUNCHA, REPORT_STORE, GObject)

GQuark             xuncha_report_store_error_quark (void);

/* Reports and their photos in @store. Opens the photo folder (which clears what an
 * interrupted save left). */
XunchaReportStore *xuncha_report_store_new          (XunchaStore        *store,
                                                     GError            **error);

XunchaPhotoStore  *xuncha_report_store_get_photo_store (XunchaReportStore *self);

/* Photos larger than this (longest edge, pixels) are scaled down on import, keeping their
 * Exif; 0 (the default) keeps them as they are. */
void               xuncha_report_store_set_max_edge (XunchaReportStore  *self,
                                                     guint               max_edge);
/* Time correlation of photos without GPS: the camera clock's offset from true time (added
 * to the photo's time), the largest gap (default 60 s), and the zone of cameras that do
 * not record their offset (NULL: local). */
void               xuncha_report_store_set_camera_offset_ms (XunchaReportStore *self,
                                                             gint64             offset_ms);
void               xuncha_report_store_set_max_gap_ms (XunchaReportStore *self,
                                                       gint64             max_gap_ms);
void               xuncha_report_store_set_zone     (XunchaReportStore  *self,
                                                     GTimeZone          *zone);

/* Saves @report with its photos. The position is the report's own, else the GPS of the
 * first photo that has one (source exif), else the recorded track at the first photo's
 * time (source track); with none of them the report is refused. Photos without GPS get
 * the report's position and time written into their Exif. Each photo is stored durably
 * before one transaction inserts the report, photo, link and outbox rows: when this
 * returns TRUE the report survives a crash or power loss; when it returns FALSE nothing
 * of it was kept. */
/* With a street map, a report saved without a street segment is tagged with the nearest
 * one (best snap of its position); NULL turns that off. */
void               xuncha_report_store_set_street_map (XunchaReportStore *self,
                                                       XunchaStreetMap   *map);
gboolean           xuncha_report_store_save         (XunchaReportStore  *self,
                                                     XunchaReport       *report,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

/* Changes the saved report @uuid to what @edited says: category, category fields, note,
 * street segment (and offset), merchant, disposition and deadline. Photos @edited lists
 * that are not stored yet (added since it was read, e.g. the after-photo) are stored and
 * linked; stored photos stay. Creation time, position, officer, shift and parent stay as
 * saved. One transaction: all of it or nothing. Refused with
 * XUNCHA_REPORT_STORE_ERROR_SENT (nothing changed) once the report no longer waits in the
 * outbox: a sync is sending it, the office acknowledged it, or it was refused. */
gboolean           xuncha_report_store_update       (XunchaReportStore  *self,
                                                     const char         *uuid,
                                                     XunchaReport       *edited,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

/* Newest first; @limit 0 means all. An array of XunchaReport, with their photos. */
GPtrArray         *xuncha_report_store_list         (XunchaReportStore  *self,
                                                     guint               limit,
                                                     GError            **error);

XunchaReport      *xuncha_report_store_get          (XunchaReportStore  *self,
                                                     const char         *uuid,
                                                     GError            **error);

G_END_DECLS
