/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xuncha-protocol.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"

G_BEGIN_DECLS

/* Where the office keeps what devices send. The SQLite + photo folder implementation is
 * XunchaOfficeSqliteStorage; a PostgreSQL one can take its place without touching the
 * server. Every method is called from the server's one thread. */

#define XUNCHA_OFFICE_STORAGE_ERROR (xuncha_office_storage_error_quark ())

typedef enum
{
  XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED,
  XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
  XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
  XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
  XUNCHA_OFFICE_STORAGE_ERROR_MISSING_PHOTOS,
  XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH,
  XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
  XUNCHA_OFFICE_STORAGE_ERROR_BUSY,
  XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
  XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,   /* a well-formed value the office will not take */
} XunchaOfficeStorageError;

typedef enum
{
  XUNCHA_OFFICE_FEATURES_STREETS,
  XUNCHA_OFFICE_FEATURES_MERCHANTS,
} XunchaOfficeFeatures;

/* A receipt for a report. */
typedef struct
{
  char *id;
  char *received_at;
  char *content_sha256;
} XunchaOfficeReceipt;

void xuncha_office_receipt_clear (XunchaOfficeReceipt *receipt);

/* A failed enrollment attempt: kept by the storage so that a restart (or a crash) does not
 * reset the limits on guessing codes. @at: wall-clock time, microseconds since 1970 (a
 * monotonic clock starts again at each boot). */
typedef struct
{
  char   *officer_id;
  char   *address;
  gint64  at;
} XunchaOfficeEnrollFailure;

void xuncha_office_enroll_failure_free (XunchaOfficeEnrollFailure *failure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeEnrollFailure, xuncha_office_enroll_failure_free)

#define XUNCHA_TYPE_OFFICE_STORAGE (xuncha_office_storage_get_type ())

G_DECLARE_INTERFACE (XunchaOfficeStorage, xuncha_office_storage, XUNCHA, OFFICE_STORAGE, GObject)

struct _XunchaOfficeStorageInterface
{
  GTypeInterface parent_iface;

  gboolean   (*officer_add)       (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   char **code, GError **error);
  gboolean   (*officer_revoke)    (XunchaOfficeStorage *self, const char *officer_id,
                                   GError **error);
  gboolean   (*enroll)            (XunchaOfficeStorage *self, const char *officer_id,
                                   const char *code, const char *device_name, char **token,
                                   XunchaWireOfficer *officer, GError **error);
  gboolean   (*authenticate)      (XunchaOfficeStorage *self, const char *token,
                                   XunchaWireOfficer *officer, GError **error);
  GStrv      (*assigned_streets)  (XunchaOfficeStorage *self, const char *officer_id);
  gboolean   (*assign_streets)    (XunchaOfficeStorage *self, const char *officer_id,
                                   const char * const *street_ids, GError **error);

  gboolean   (*photo_held)        (XunchaOfficeStorage *self, const char *sha256,
                                   gint64 *bytes, char **received_at);
  gpointer   (*photo_begin)       (XunchaOfficeStorage *self, GError **error);
  gboolean   (*photo_write)       (XunchaOfficeStorage *self, gpointer upload,
                                   const guint8 *data, gsize length, GError **error);
  gboolean   (*photo_commit)      (XunchaOfficeStorage *self, gpointer upload,
                                   const char *sha256, gboolean *created, gint64 *bytes,
                                   char **received_at, GError **error);
  void       (*photo_abort)       (XunchaOfficeStorage *self, gpointer upload);

  gboolean   (*report_put)        (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   const XunchaWireReport *report, gboolean *created,
                                   XunchaOfficeReceipt *receipt, GStrv *missing,
                                   GError **error);
  JsonObject *(*report_get)       (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   const char *uuid, GError **error);
  gboolean   (*report_set_status) (XunchaOfficeStorage *self, const char *uuid,
                                   const char *status, GError **error);
  GPtrArray *(*reports_list)      (XunchaOfficeStorage *self, GError **error);
  GPtrArray *(*status_since)      (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   gint64 since, gint64 *revision, GError **error);

  gboolean   (*shift_put)         (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   const XunchaWireShift *shift, gboolean *created,
                                   gint64 *points, GError **error);
  gboolean   (*points_add)        (XunchaOfficeStorage *self, const XunchaWireOfficer *officer,
                                   const char *shift_uuid, GArray *points, gint64 *stored,
                                   gint64 *total, GError **error);

  gboolean   (*features_import)   (XunchaOfficeStorage *self, XunchaOfficeFeatures kind,
                                   GPtrArray *items, gint64 *revision, guint *changed,
                                   guint *deleted, GError **error);
  GPtrArray *(*features_since)    (XunchaOfficeStorage *self, XunchaOfficeFeatures kind,
                                   gint64 since, gint64 *revision, GStrv *deleted,
                                   GError **error);

  gboolean   (*enroll_failure_add) (XunchaOfficeStorage *self,
                                    const XunchaOfficeEnrollFailure *failure, guint keep_max,
                                    GError **error);
  GPtrArray *(*enroll_failures)   (XunchaOfficeStorage *self, gint64 since, gint64 now,
                                   GError **error);
};

GQuark      xuncha_office_storage_error_quark      (void);

/* Adds (or renews) an officer and returns a fresh one-time enrollment code. */
gboolean    xuncha_office_storage_officer_add      (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    char                    **code,
                                                    GError                  **error);
/* Revokes the officer's tokens and unspent code. */
gboolean    xuncha_office_storage_officer_revoke   (XunchaOfficeStorage      *self,
                                                    const char               *officer_id,
                                                    GError                  **error);
/* Spends an enrollment code for a new device token. UNAUTHORIZED on any mismatch. */
gboolean    xuncha_office_storage_enroll           (XunchaOfficeStorage      *self,
                                                    const char               *officer_id,
                                                    const char               *code,
                                                    const char               *device_name,
                                                    char                    **token,
                                                    XunchaWireOfficer        *officer,
                                                    GError                  **error);
gboolean    xuncha_office_storage_authenticate     (XunchaOfficeStorage      *self,
                                                    const char               *token,
                                                    XunchaWireOfficer        *officer,
                                                    GError                  **error);
GStrv       xuncha_office_storage_assigned_streets (XunchaOfficeStorage      *self,
                                                    const char               *officer_id);
/* Replaces the officer's assigned street segments (街面分段责任制); every id must be a
 * street the office holds. Devices get them with their next sync. */
gboolean    xuncha_office_storage_assign_streets   (XunchaOfficeStorage      *self,
                                                    const char               *officer_id,
                                                    const char * const       *street_ids,
                                                    GError                  **error);

/* @bytes and @received_at may be NULL. */
gboolean    xuncha_office_storage_photo_held       (XunchaOfficeStorage      *self,
                                                    const char               *sha256,
                                                    gint64                   *bytes,
                                                    char                    **received_at);
/* A photo upload: begin, write the bytes as they arrive, then commit (which checks the
 * hash, makes the file durable and answers) or abort. */
gpointer    xuncha_office_storage_photo_begin      (XunchaOfficeStorage      *self,
                                                    GError                  **error);
gboolean    xuncha_office_storage_photo_write      (XunchaOfficeStorage      *self,
                                                    gpointer                  upload,
                                                    const guint8             *data,
                                                    gsize                     length,
                                                    GError                  **error);
gboolean    xuncha_office_storage_photo_commit     (XunchaOfficeStorage      *self,
                                                    gpointer                  upload,
                                                    const char               *sha256,
                                                    gboolean                 *created,
                                                    gint64                   *bytes,
                                                    char                    **received_at,
                                                    GError                  **error);
void        xuncha_office_storage_photo_abort      (XunchaOfficeStorage      *self,
                                                    gpointer                  upload);

/* Stores a report: @created TRUE for new, FALSE for the same content again (the first
 * receipt). CONFLICT (receipt of the held version filled, the new one kept for review),
 * FORBIDDEN (another officer's uuid), MISSING_PHOTOS (@missing filled), REFUSED (its
 * parent_uuid or shift_uuid names another officer's report or shift). */
gboolean    xuncha_office_storage_report_put       (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const XunchaWireReport   *report,
                                                    gboolean                 *created,
                                                    XunchaOfficeReceipt      *receipt,
                                                    GStrv                    *missing,
                                                    GError                  **error);
/* {"report", "receipt", "officer_id", "case_status", "case_status_at"}; NOT_FOUND when
 * @officer (NULL: the administrator) may not see it. */
JsonObject *xuncha_office_storage_report_get       (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const char               *uuid,
                                                    GError                  **error);
gboolean    xuncha_office_storage_report_set_status (XunchaOfficeStorage     *self,
                                                    const char               *uuid,
                                                    const char               *status,
                                                    GError                  **error);
/* Every report, as JsonObject rows for the admin commands. */
GPtrArray  *xuncha_office_storage_reports_list     (XunchaOfficeStorage      *self,
                                                    GError                  **error);
GPtrArray  *xuncha_office_storage_status_since     (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    gint64                    since,
                                                    gint64                   *revision,
                                                    GError                  **error);

gboolean    xuncha_office_storage_shift_put        (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const XunchaWireShift    *shift,
                                                    gboolean                 *created,
                                                    gint64                   *points,
                                                    GError                  **error);
gboolean    xuncha_office_storage_points_add       (XunchaOfficeStorage      *self,
                                                    const XunchaWireOfficer  *officer,
                                                    const char               *shift_uuid,
                                                    GArray                   *points,
                                                    gint64                   *stored,
                                                    gint64                   *total,
                                                    GError                  **error);

/* Replaces the whole set of streets or merchants: new and changed items get a new
 * revision, missing ones are marked deleted at it. @items are validated JsonObject. */
gboolean    xuncha_office_storage_features_import  (XunchaOfficeStorage      *self,
                                                    XunchaOfficeFeatures      kind,
                                                    GPtrArray                *items,
                                                    gint64                   *revision,
                                                    guint                    *changed,
                                                    guint                    *deleted,
                                                    GError                  **error);
GPtrArray  *xuncha_office_storage_features_since   (XunchaOfficeStorage      *self,
                                                    XunchaOfficeFeatures      kind,
                                                    gint64                    since,
                                                    gint64                   *revision,
                                                    GStrv                    *deleted,
                                                    GError                  **error);

/* Keeps a failed enrollment attempt; at most @keep_max of them are kept, the oldest
 * forgotten first, so made-up officer ids cannot fill the disk. */
gboolean    xuncha_office_storage_enroll_failure_add (XunchaOfficeStorage             *self,
                                                      const XunchaOfficeEnrollFailure *failure,
                                                      guint                            keep_max,
                                                      GError                         **error);
/* The failed enrollment attempts at or after @since, oldest first, as
 * XunchaOfficeEnrollFailure; older ones are forgotten. A time after @now (the clock was
 * set back since it was kept) is taken, and kept, as @now: its attempt then counts for one
 * more window at most, neither for ever nor less than it would have. */
GPtrArray  *xuncha_office_storage_enroll_failures     (XunchaOfficeStorage             *self,
                                                      gint64                           since,
                                                      gint64                           now,
                                                      GError                         **error);

G_END_DECLS
