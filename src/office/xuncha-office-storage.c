/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-storage.h"

G_DEFINE_INTERFACE (XunchaOfficeStorage, xuncha_office_storage, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-office-storage-error-quark, xuncha_office_storage_error)

static void
xuncha_office_storage_default_init (XunchaOfficeStorageInterface *iface)
{
}

void
xuncha_office_receipt_clear (XunchaOfficeReceipt *receipt)
{
  g_clear_pointer (&receipt->id, g_free);
  g_clear_pointer (&receipt->received_at, g_free);
  g_clear_pointer (&receipt->content_sha256, g_free);
}

void
xuncha_office_enroll_failure_free (XunchaOfficeEnrollFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->officer_id);
  g_free (failure->address);
  g_free (failure);
}

#define IFACE(self) XUNCHA_OFFICE_STORAGE_GET_IFACE (self)

gboolean
xuncha_office_storage_officer_add (XunchaOfficeStorage      *self,
                                   const XunchaWireOfficer  *officer,
                                   char                    **code,
                                   GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->officer_add (self, officer, code, error);
}

gboolean
xuncha_office_storage_officer_revoke (XunchaOfficeStorage  *self,
                                      const char           *officer_id,
                                      GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->officer_revoke (self, officer_id, error);
}

gboolean
xuncha_office_storage_enroll (XunchaOfficeStorage  *self,
                              const char           *officer_id,
                              const char           *code,
                              const char           *device_name,
                              char                **token,
                              XunchaWireOfficer    *officer,
                              GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->enroll (self, officer_id, code, device_name, token, officer, error);
}

gboolean
xuncha_office_storage_authenticate (XunchaOfficeStorage  *self,
                                    const char           *token,
                                    XunchaWireOfficer    *officer,
                                    GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->authenticate (self, token, officer, error);
}

GStrv
xuncha_office_storage_assigned_streets (XunchaOfficeStorage *self,
                                        const char          *officer_id)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->assigned_streets (self, officer_id);
}

gboolean
xuncha_office_storage_assign_streets (XunchaOfficeStorage  *self,
                                      const char           *officer_id,
                                      const char * const   *street_ids,
                                      GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  g_return_val_if_fail (street_ids != NULL, FALSE);
  return IFACE (self)->assign_streets (self, officer_id, street_ids, error);
}

gboolean
xuncha_office_storage_photo_held (XunchaOfficeStorage *self,
                                  const char          *sha256,
                                  gint64              *bytes,
                                  char               **received_at)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->photo_held (self, sha256, bytes, received_at);
}

gpointer
xuncha_office_storage_photo_begin (XunchaOfficeStorage  *self,
                                   GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->photo_begin (self, error);
}

gboolean
xuncha_office_storage_photo_write (XunchaOfficeStorage  *self,
                                   gpointer              upload,
                                   const guint8         *data,
                                   gsize                 length,
                                   GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->photo_write (self, upload, data, length, error);
}

gboolean
xuncha_office_storage_photo_commit (XunchaOfficeStorage  *self,
                                    gpointer              upload,
                                    const char           *sha256,
                                    gboolean             *created,
                                    gint64               *bytes,
                                    char                **received_at,
                                    GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->photo_commit (self, upload, sha256, created, bytes, received_at, error);
}

void
xuncha_office_storage_photo_abort (XunchaOfficeStorage *self,
                                   gpointer             upload)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_STORAGE (self));
  IFACE (self)->photo_abort (self, upload);
}

gboolean
xuncha_office_storage_report_put (XunchaOfficeStorage      *self,
                                  const XunchaWireOfficer  *officer,
                                  const XunchaWireReport   *report,
                                  gboolean                 *created,
                                  XunchaOfficeReceipt      *receipt,
                                  GStrv                    *missing,
                                  GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->report_put (self, officer, report, created, receipt, missing, error);
}

JsonObject *
xuncha_office_storage_report_get (XunchaOfficeStorage      *self,
                                  const XunchaWireOfficer  *officer,
                                  const char               *uuid,
                                  GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->report_get (self, officer, uuid, error);
}

gboolean
xuncha_office_storage_report_set_status (XunchaOfficeStorage  *self,
                                         const char           *uuid,
                                         const char           *status,
                                         GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->report_set_status (self, uuid, status, error);
}

GPtrArray *
xuncha_office_storage_reports_list (XunchaOfficeStorage  *self,
                                    GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->reports_list (self, error);
}

GPtrArray *
xuncha_office_storage_status_since (XunchaOfficeStorage      *self,
                                    const XunchaWireOfficer  *officer,
                                    gint64                    since,
                                    gint64                   *revision,
                                    GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->status_since (self, officer, since, revision, error);
}

gboolean
xuncha_office_storage_shift_put (XunchaOfficeStorage      *self,
                                 const XunchaWireOfficer  *officer,
                                 const XunchaWireShift    *shift,
                                 gboolean                 *created,
                                 gint64                   *points,
                                 GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->shift_put (self, officer, shift, created, points, error);
}

gboolean
xuncha_office_storage_points_add (XunchaOfficeStorage      *self,
                                  const XunchaWireOfficer  *officer,
                                  const char               *shift_uuid,
                                  GArray                   *points,
                                  gint64                   *stored,
                                  gint64                   *total,
                                  GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->points_add (self, officer, shift_uuid, points, stored, total, error);
}

gboolean
xuncha_office_storage_features_import (XunchaOfficeStorage   *self,
                                       XunchaOfficeFeatures   kind,
                                       GPtrArray             *items,
                                       gint64                *revision,
                                       guint                 *changed,
                                       guint                 *deleted,
                                       GError               **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  return IFACE (self)->features_import (self, kind, items, revision, changed, deleted, error);
}

GPtrArray *
xuncha_office_storage_features_since (XunchaOfficeStorage   *self,
                                      XunchaOfficeFeatures   kind,
                                      gint64                 since,
                                      gint64                *revision,
                                      GStrv                 *deleted,
                                      GError               **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->features_since (self, kind, since, revision, deleted, error);
}

gboolean
xuncha_office_storage_enroll_failure_add (XunchaOfficeStorage             *self,
                                          const XunchaOfficeEnrollFailure *failure,
                                          guint                            keep_max,
                                          GError                         **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), FALSE);
  g_return_val_if_fail (failure != NULL, FALSE);
  return IFACE (self)->enroll_failure_add (self, failure, keep_max, error);
}

GPtrArray *
xuncha_office_storage_enroll_failures (XunchaOfficeStorage  *self,
                                       gint64                since,
                                       gint64                now,
                                       GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_STORAGE (self), NULL);
  return IFACE (self)->enroll_failures (self, since, now, error);
}
