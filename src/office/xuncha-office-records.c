/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-records.h"

G_DEFINE_INTERFACE (XunchaOfficeRecords, xuncha_office_records, G_TYPE_OBJECT)

static void
xuncha_office_records_default_init (XunchaOfficeRecordsInterface *iface)
{
}

#define IFACE(self) XUNCHA_OFFICE_RECORDS_GET_IFACE (self)

int
xuncha_office_records_schema_version (XunchaOfficeRecords *self)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), 0);
  return IFACE (self)->schema_version (self);
}

gboolean
xuncha_office_records_officer_add (XunchaOfficeRecords *self,
                                   const XunchaWireOfficer *officer,
                                   char **code,
                                   GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->officer_add (self, officer, NULL, code, error);
}

gboolean
xuncha_office_records_officer_revoke (XunchaOfficeRecords *self,
                                      const char *officer_id,
                                      GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->officer_revoke (self, officer_id, NULL, error);
}

gboolean
xuncha_office_records_officer_add_with_audit (XunchaOfficeRecords          *self,
                                              const XunchaWireOfficer      *officer,
                                              const XunchaOfficeAuditEntry *audit,
                                              char                        **code,
                                              GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer != NULL && officer->id != NULL && officer->name != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->officer_add (self, officer, audit, code, error);
}

gboolean
xuncha_office_records_officer_add_new_with_audit (XunchaOfficeRecords          *self,
                                                  const XunchaWireOfficer      *officer,
                                                  const XunchaOfficeAuditEntry *audit,
                                                  char                        **code,
                                                  GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer != NULL && officer->id != NULL && officer->name != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->officer_add_new (self, officer, audit, code, error);
}

gboolean
xuncha_office_records_officer_revoke_with_audit (XunchaOfficeRecords          *self,
                                                 const char                   *officer_id,
                                                 const XunchaOfficeAuditEntry *audit,
                                                 GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer_id != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->officer_revoke (self, officer_id, audit, error);
}

gboolean
xuncha_office_records_officer_reset (XunchaOfficeRecords          *self,
                                     const char                   *officer_id,
                                     const XunchaOfficeAuditEntry *audit,
                                     char                        **code,
                                     GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer_id != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->officer_reset (self, officer_id, audit, code, error);
}

gboolean
xuncha_office_records_assign_streets_with_audit (XunchaOfficeRecords          *self,
                                                 const char                   *officer_id,
                                                 const char * const           *street_ids,
                                                 const XunchaOfficeAuditEntry *audit,
                                                 GError                      **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer_id != NULL && street_ids != NULL, FALSE);
  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->assign_streets (self, officer_id, street_ids, audit, error);
}

gboolean
xuncha_office_records_enroll (XunchaOfficeRecords *self,
                              const char *officer_id,
                              const char *code,
                              const char *device_name,
                              char **token,
                              XunchaWireOfficer *officer,
                              GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->enroll (self, officer_id, code, device_name, NULL, token, officer,
                               error);
}

gboolean
xuncha_office_records_enroll_with_key (XunchaOfficeRecords *self,
                                       const char *officer_id,
                                       const char *code,
                                       const char *device_name,
                                       XunchaEvidenceKey *key,
                                       char **token,
                                       XunchaWireOfficer *officer,
                                       GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (key == NULL || XUNCHA_IS_EVIDENCE_KEY (key), FALSE);
  return IFACE (self)->enroll (self, officer_id, code, device_name, key, token, officer,
                               error);
}

XunchaOfficeEnrolledKey *
xuncha_office_records_enrolled_key (XunchaOfficeRecords *self,
                                    const char *token,
                                    const char *fingerprint,
                                    GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail ((token == NULL) != (fingerprint == NULL), NULL);
  return IFACE (self)->enrolled_key (self, token, fingerprint, error);
}

gboolean
xuncha_office_records_evidence_put (XunchaOfficeRecords *self,
                                    const XunchaOfficeEvidenceRecord *record,
                                    gboolean *held,
                                    GError **error)
{
  gboolean ignored;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (record != NULL && record->device_key != NULL
                        && record->report_uuid != NULL && record->sha256 != NULL
                        && record->manifest != NULL && record->signature != NULL, FALSE);
  g_return_val_if_fail (record->chain >= 1 && record->sequence >= 1 && record->revision >= 1,
                        FALSE);
  return IFACE (self)->evidence_put (self, record, held != NULL ? held : &ignored, error);
}

XunchaOfficeEvidenceRecord *
xuncha_office_records_evidence_latest (XunchaOfficeRecords *self,
                                       const char *device_key,
                                       GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (device_key != NULL, NULL);
  return IFACE (self)->evidence_latest (self, device_key, error);
}

GPtrArray *
xuncha_office_records_evidence_of_report (XunchaOfficeRecords *self,
                                          const char *uuid,
                                          GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  return IFACE (self)->evidence_of_report (self, uuid, error);
}

gboolean
xuncha_office_records_authenticate (XunchaOfficeRecords *self,
                                    const char *token,
                                    XunchaWireOfficer *officer,
                                    GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->authenticate (self, token, officer, error);
}

gboolean
xuncha_office_records_officer_add_new (XunchaOfficeRecords      *self,
                                       const XunchaWireOfficer  *officer,
                                       char                    **code,
                                       GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer != NULL && officer->id != NULL && officer->name != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->officer_add_new (self, officer, NULL, code, error);
}

gboolean
xuncha_office_records_device_seen (XunchaOfficeRecords  *self,
                                   const char           *token,
                                   gint64                at_us,
                                   GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return XUNCHA_OFFICE_RECORDS_GET_IFACE (self)->device_seen (self, token, at_us, error);
}

GStrv
xuncha_office_records_assigned_streets (XunchaOfficeRecords *self,
                                        const char *officer_id,
                                        GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->assigned_streets (self, officer_id, error);
}

gboolean
xuncha_office_records_assign_streets (XunchaOfficeRecords *self,
                                      const char *officer_id,
                                      const char * const *street_ids,
                                      GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->assign_streets (self, officer_id, street_ids, NULL, error);
}

gboolean
xuncha_office_records_report_put (XunchaOfficeRecords *self,
                                  const XunchaWireOfficer *officer,
                                  const XunchaWireReport *report,
                                  gboolean *created,
                                  XunchaOfficeReceipt *receipt,
                                  GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->report_put (self, officer, report, created, receipt, error);
}

XunchaOfficeReportRecord *
xuncha_office_records_report_get (XunchaOfficeRecords *self,
                                  const XunchaWireOfficer *officer,
                                  const char *uuid,
                                  GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->report_get (self, officer, uuid, error);
}

gboolean
xuncha_office_records_report_set_status (XunchaOfficeRecords *self,
                                         const char *uuid,
                                         const char *status,
                                         GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->report_set_status (self, uuid, status, error);
}

GPtrArray *
xuncha_office_records_reports_query (XunchaOfficeRecords            *self,
                                     const XunchaOfficeReportFilter *filter,
                                     guint                           offset,
                                     guint                           limit,
                                     GError                        **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (limit >= 1 && limit <= 10000, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->reports_query (self, filter, offset, limit, error);
}

GArray *
xuncha_office_records_reports_grid (XunchaOfficeRecords            *self,
                                    const XunchaOfficeReportFilter *filter,
                                    guint                           columns,
                                    guint                           rows,
                                    GError                        **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (filter != NULL && filter->has_bbox, NULL);
  g_return_val_if_fail (columns >= 1 && columns <= 256 && rows >= 1 && rows <= 256, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->reports_grid (self, filter, columns, rows, error);
}

GPtrArray *
xuncha_office_records_reports_count (XunchaOfficeRecords            *self,
                                     const XunchaOfficeReportFilter *filter,
                                     XunchaOfficeReportGroup         group,
                                     GError                        **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (group <= XUNCHA_OFFICE_REPORT_GROUP_MERCHANT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->reports_count (self, filter, group, error);
}

GPtrArray *
xuncha_office_records_streets_within (XunchaOfficeRecords  *self,
                                      double                west,
                                      double                south,
                                      double                east,
                                      double                north,
                                      guint                 limit,
                                      GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (west <= east && south <= north, NULL);
  g_return_val_if_fail (limit >= 1 && limit <= 10000, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->streets_within (self, west, south, east, north, limit, error);
}

GStrv
xuncha_office_records_street_names (XunchaOfficeRecords  *self,
                                    const char           *prefix,
                                    guint                 limit,
                                    GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (prefix != NULL && *prefix != '\0' && g_utf8_validate (prefix, -1, NULL),
                        NULL);
  g_return_val_if_fail (limit >= 1 && limit <= 100, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->street_names (self, prefix, limit, error);
}

gboolean
xuncha_office_records_reports_foreach (XunchaOfficeRecords *self,
                                       XunchaOfficeReportFunc func,
                                       gpointer user_data,
                                       GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->reports_foreach (self, func, user_data, error);
}

GPtrArray *
xuncha_office_records_status_since (XunchaOfficeRecords *self,
                                    const XunchaWireOfficer *officer,
                                    gint64 since,
                                    gint64 *revision,
                                    GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->status_since (self, officer, since, revision, error);
}

gboolean
xuncha_office_records_shift_put (XunchaOfficeRecords *self,
                                 const XunchaWireOfficer *officer,
                                 const XunchaWireShift *shift,
                                 gboolean *created,
                                 gint64 *points,
                                 GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->shift_put (self, officer, shift, created, points, error);
}

gboolean
xuncha_office_records_points_add (XunchaOfficeRecords *self,
                                  const XunchaWireOfficer *officer,
                                  const char *shift_uuid,
                                  GArray *points,
                                  gint64 *stored,
                                  gint64 *total,
                                  GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->points_add (self, officer, shift_uuid, points, stored, total, error);
}

GPtrArray *
xuncha_office_records_officer_shifts (XunchaOfficeRecords *self,
                                      const char *officer_id,
                                      gint64 from_ms,
                                      gint64 to_ms,
                                      GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (officer_id != NULL, NULL);
  g_return_val_if_fail (from_ms <= to_ms, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->officer_shifts (self, officer_id, from_ms, to_ms, error);
}

GArray *
xuncha_office_records_shift_points (XunchaOfficeRecords *self,
                                    const char *shift_uuid,
                                    GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (shift_uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->shift_points (self, shift_uuid, error);
}

gboolean
xuncha_office_records_shift_coverage_get (XunchaOfficeRecords        *self,
                                          const char                 *shift_uuid,
                                          XunchaOfficeShiftCoverage **stored,
                                          gint64                     *n_points,
                                          gint64                     *newest_seq,
                                          gint64                     *streets_revision,
                                          GError                    **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (shift_uuid != NULL && stored != NULL, FALSE);
  g_return_val_if_fail (n_points != NULL && newest_seq != NULL && streets_revision != NULL,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *stored = NULL;
  return IFACE (self)->shift_coverage_get (self, shift_uuid, stored, n_points, newest_seq,
                                           streets_revision, error);
}

gboolean
xuncha_office_records_shift_coverage_put (XunchaOfficeRecords             *self,
                                          const char                      *shift_uuid,
                                          const XunchaOfficeShiftCoverage *coverage,
                                          GError                         **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (shift_uuid != NULL && coverage != NULL, FALSE);
  g_return_val_if_fail (coverage->assigned_sha256 != NULL && coverage->walked_ids != NULL,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return IFACE (self)->shift_coverage_put (self, shift_uuid, coverage, error);
}

GPtrArray *
xuncha_office_records_streets_get (XunchaOfficeRecords *self,
                                   const char * const *ids,
                                   GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (ids != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return IFACE (self)->streets_get (self, ids, error);
}

gboolean
xuncha_office_records_streets_import (XunchaOfficeRecords *self,
                                      GPtrArray *streets,
                                      gint64 *revision,
                                      guint *changed,
                                      guint *deleted,
                                      GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->streets_import (self, streets, revision, changed, deleted, error);
}

GPtrArray *
xuncha_office_records_streets_since (XunchaOfficeRecords *self,
                                     gint64 since,
                                     gint64 *revision,
                                     GStrv *deleted,
                                     GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->streets_since (self, since, revision, deleted, error);
}

gboolean
xuncha_office_records_merchants_import (XunchaOfficeRecords *self,
                                        GPtrArray *merchants,
                                        gint64 *revision,
                                        guint *changed,
                                        guint *deleted,
                                        GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->merchants_import (self, merchants, revision, changed, deleted, error);
}

GPtrArray *
xuncha_office_records_merchants_since (XunchaOfficeRecords *self,
                                       gint64 since,
                                       gint64 *revision,
                                       GStrv *deleted,
                                       GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->merchants_since (self, since, revision, deleted, error);
}

gboolean
xuncha_office_records_enroll_failure_add (XunchaOfficeRecords *self,
                                          const XunchaOfficeEnrollFailure *failure,
                                          guint keep_max,
                                          GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  return IFACE (self)->enroll_failure_add (self, failure, keep_max, error);
}

GPtrArray *
xuncha_office_records_enroll_failures (XunchaOfficeRecords *self,
                                       gint64 since,
                                       gint64 now,
                                       GError **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->enroll_failures (self, since, now, error);
}

gboolean
xuncha_office_records_revisions_raise (XunchaOfficeRecords  *self,
                                       gint64                minimum,
                                       GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (minimum >= 0, FALSE);
  return IFACE (self)->revisions_raise (self, minimum, error);
}

char *
xuncha_office_records_generation (XunchaOfficeRecords  *self,
                                  GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->generation (self, error);
}

char *
xuncha_office_records_generation_renew (XunchaOfficeRecords  *self,
                                        GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  return IFACE (self)->generation_renew (self, error);
}

gboolean
xuncha_office_records_task_add (XunchaOfficeRecords  *self,
                                XunchaWireTask       *task,
                                GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (task != NULL && task->id != NULL, FALSE);
  return IFACE (self)->task_add (self, task, error);
}

XunchaWireTask *
xuncha_office_records_task_get (XunchaOfficeRecords      *self,
                                const XunchaWireOfficer  *officer,
                                const char               *id,
                                gint64                    now_us,
                                GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return IFACE (self)->task_get (self, officer, id, now_us, error);
}

GPtrArray *
xuncha_office_records_tasks_since (XunchaOfficeRecords      *self,
                                   const XunchaWireOfficer  *officer,
                                   gint64                    since,
                                   gint64                    now_us,
                                   gint64                   *revision,
                                   GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (revision != NULL, NULL);
  return IFACE (self)->tasks_since (self, officer, since, now_us, revision, error);
}

XunchaWireTask *
xuncha_office_records_task_cancel (XunchaOfficeRecords  *self,
                                   const char           *id,
                                   gint64                now_us,
                                   GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return IFACE (self)->task_cancel (self, id, now_us, error);
}

XunchaWireTask *
xuncha_office_records_task_accept (XunchaOfficeRecords      *self,
                                   const XunchaWireOfficer  *officer,
                                   const char               *id,
                                   gint64                    now_us,
                                   GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (officer != NULL && id != NULL, NULL);
  return IFACE (self)->task_accept (self, officer, id, now_us, error);
}

XunchaWireTask *
xuncha_office_records_task_result_put (XunchaOfficeRecords         *self,
                                       const XunchaWireOfficer     *officer,
                                       const XunchaWireTaskResult  *result,
                                       gint64                       now_us,
                                       gboolean                    *created,
                                       GError                     **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (officer != NULL && result != NULL && created != NULL, NULL);
  return IFACE (self)->task_result_put (self, officer, result, now_us, created, error);
}

gboolean
xuncha_office_records_message_add (XunchaOfficeRecords  *self,
                                   XunchaWireMessage    *message,
                                   GError              **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (message != NULL && message->id != NULL, FALSE);
  return IFACE (self)->message_add (self, message, error);
}

GPtrArray *
xuncha_office_records_messages_since (XunchaOfficeRecords      *self,
                                      const XunchaWireOfficer  *officer,
                                      gint64                    since,
                                      gint64                   *revision,
                                      GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (revision != NULL, NULL);
  return IFACE (self)->messages_since (self, officer, since, revision, error);
}

XunchaWireMessage *
xuncha_office_records_message_read (XunchaOfficeRecords      *self,
                                    const XunchaWireOfficer  *officer,
                                    const char               *id,
                                    const char               *read_at,
                                    GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), NULL);
  g_return_val_if_fail (officer != NULL && id != NULL && read_at != NULL, NULL);
  return IFACE (self)->message_read (self, officer, id, read_at, error);
}

gboolean
xuncha_office_records_photo_visible (XunchaOfficeRecords      *self,
                                     const XunchaWireOfficer  *officer,
                                     const char               *sha256,
                                     GError                  **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (self), FALSE);
  g_return_val_if_fail (officer != NULL && sha256 != NULL, FALSE);
  return IFACE (self)->photo_visible (self, officer, sha256, error);
}

const char *
xuncha_office_task_case_status (const char *kind,
                                const char *outcome)
{
  g_return_val_if_fail (kind != NULL && outcome != NULL, NULL);

  if (g_str_equal (kind, "verify")
      && (g_str_equal (outcome, "confirmed") || g_str_equal (outcome, "different")))
    return "待立案";
  if (g_str_equal (kind, "check") && g_str_equal (outcome, "fixed"))
    return "待结案";
  if (g_str_equal (kind, "check")
      && (g_str_equal (outcome, "not_fixed") || g_str_equal (outcome, "partly")))
    return "退回";
  return NULL;
}

gboolean
xuncha_office_task_deadline_us (const char *deadline,
                                gint64     *out)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (out != NULL, FALSE);

  if (deadline == NULL)
    return FALSE;
  time = g_date_time_new_from_iso8601 (deadline, utc);
  if (time == NULL)
    return FALSE;
  *out = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}
