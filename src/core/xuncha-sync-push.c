/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-evidence-log.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-sync-private.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"

/* Push: what the outbox lists goes to the office. Per report its photos first, then the
 * report; then the shifts with their track points (docs/protocol.md). */

#define POINTS_PER_CALL 2000

static const char *
text (sqlite3_stmt *stmt,
      int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

static double
real_or_nan (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? NAN
                                                          : sqlite3_column_double (stmt, column);
}

static gboolean
due (XunchaSyncRun *run,
     const char    *next_try_at)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (!run->honour_schedule || next_try_at == NULL)
    return TRUE;
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (next_try_at, utc);
  return when == NULL || g_date_time_to_unix (when) * 1000 <= xuncha_sync_now_ms ();
}

/* Photos. */

static char *
photo_file (XunchaSyncRun *run,
            const char    *sha256)
{
  g_autofree char *name = g_strconcat (sha256, ".jpg", NULL);
  return g_build_filename (run->data_dir, "photos", name, NULL);
}

/* Hashed only when the office says the bytes do not match: hashing every upload on the
 * device would cost more than the transfer on loopback. */
static char *
file_sha256 (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);

  if (mapped == NULL)
    return NULL;
  g_checksum_update (checksum, (const guint8 *)g_mapped_file_get_contents (mapped),
                     g_mapped_file_get_length (mapped));
  return g_strdup (g_checksum_get_string (checksum));
}

static gint64
attempts_of (XunchaSyncRun *run,
             const char    *kind,
             const char    *item)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                             "SELECT attempts FROM outbox "
                                             "WHERE kind = ?1 AND item = ?2", NULL);
  gint64 attempts = 0;

  if (stmt == NULL)
    return 1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    attempts = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return attempts;
}

/* Sends one photo unless the office holds it. Returns TRUE when the office holds it. */
static gboolean
send_photo (XunchaSyncRun *run,
            const char    *sha256,
            gint64         bytes)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autofree char *state = NULL;
  g_autofree char *path = NULL;
  g_autofree char *head_path = NULL;
  g_autofree char *message = NULL;
  g_autofree char *ack_sha = NULL;
  g_autofree char *received_at = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ack_bytes = 0;
  XunchaSyncStep step;

  if (g_hash_table_contains (run->photos_done, sha256))
    return GPOINTER_TO_INT (g_hash_table_lookup (run->photos_done, sha256));

  state = xuncha_outbox_get_state (run->store, "photo", sha256);
  if (g_strcmp0 (state, "acked") == 0)
    {
      g_hash_table_insert (run->photos_done, g_strdup (sha256), GINT_TO_POINTER (TRUE));
      return TRUE;
    }
  if (g_strcmp0 (state, "failed") == 0)
    {
      g_hash_table_insert (run->photos_done, g_strdup (sha256), GINT_TO_POINTER (FALSE));
      return FALSE;
    }
  /* Counted once, whatever happens below. */
  g_hash_table_insert (run->photos_done, g_strdup (sha256), GINT_TO_POINTER (FALSE));

  path = photo_file (run, sha256);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      message = g_strdup_printf (_("The photo file %s is missing from the device."), path);
      goto failed;
    }
  if (bytes > run->photo_max_bytes)
    {
      message = g_strdup_printf (_("The photo is %lld bytes; the office accepts up to %lld. "
                                   "Retake or resize it."),
                                 (long long)bytes, (long long)run->photo_max_bytes);
      goto failed;
    }

  head_path = g_strconcat ("api/v1/photos/", sha256, NULL);
  /* Ask first only when an earlier try may have landed: a photo never tried cannot be
   * there (and if it were, the office answers the PUT before the body is sent). */
  if (attempts_of (run, "photo", sha256) > 0)
    {
      step = xuncha_sync_run_request (run, "photo", sha256, "HEAD", head_path, NULL, NULL,
                                      &response);
      if (step == XUNCHA_SYNC_STEP_STOP)
        return FALSE;
      if (step == XUNCHA_SYNC_STEP_OK)
        {
          xuncha_outbox_mark_acked (run->store, "photo", sha256, "held", NULL);
          xuncha_sync_result_add (run->result, "photo", sha256, XUNCHA_SYNC_OUTCOME_HELD,
                                  response->status, "held", NULL, 0);
          goto done;
        }
      if (response->status != 404)
        {
          message = xuncha_sync_answer_message (response);
          goto failed;
        }
      g_clear_pointer (&response, xuncha_http_response_free);
    }

  run->bytes_base = run->bytes_done;
  step = xuncha_sync_run_request (run, "photo", sha256, "PUT", head_path, NULL, path, &response);
  run->bytes_done = run->bytes_base;
  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *actual = response->status == 422 ? file_sha256 (path) : NULL;

      if (response->status == 422 && g_strcmp0 (actual, sha256) != 0)
        message = g_strdup_printf (_("The photo file on the device no longer matches its "
                                     "fingerprint (damaged storage?); it was not sent."));
      else if (response->status == 413)
        message = g_strdup_printf (_("The photo is larger than the office accepts. Retake or "
                                     "resize it."));
      else
        message = xuncha_sync_answer_message (response);
      goto failed;
    }
  if (!xuncha_protocol_decode_photo_ack (xuncha_http_response_text (response),
                                         (gssize)response->body->len, &ack_sha, &ack_bytes,
                                         &received_at, &error)
      || !g_str_equal (ack_sha, sha256))
    {
      xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                            _("The office's answer could not be read (%s)."),
                            error != NULL ? error->message : "another photo");
      return FALSE;
    }
  xuncha_outbox_mark_acked (run->store, "photo", sha256, received_at, NULL);
  xuncha_sync_result_add (run->result, "photo", sha256,
                          response->status == 201 ? XUNCHA_SYNC_OUTCOME_SENT
                                                  : XUNCHA_SYNC_OUTCOME_HELD,
                          response->status, received_at, NULL, response->uploaded_bytes);

done:
  g_hash_table_insert (run->photos_done, g_strdup (sha256), GINT_TO_POINTER (TRUE));
  run->bytes_done += (guint64)bytes;
  xuncha_sync_run_item_finished (run);
  return TRUE;

failed:
  xuncha_outbox_mark_failed (run->store, "photo", sha256, message, NULL);
  xuncha_sync_result_add (run->result, "photo", sha256, XUNCHA_SYNC_OUTCOME_FAILED,
                          response != NULL ? response->status : 0, NULL, message, 0);
  run->bytes_done += (guint64)bytes;
  xuncha_sync_run_item_finished (run);
  return FALSE;
}

/* Reports. */

/* A report or shift the office refused for good: failed in the outbox and the result. */
static void
item_failed (XunchaSyncRun *run,
             const char    *kind,
             const char    *id,
             long           status,
             const char    *why)
{
  xuncha_outbox_mark_failed (run->store, kind, id, why, NULL);
  xuncha_sync_result_add (run->result, kind, id, XUNCHA_SYNC_OUTCOME_FAILED, status, NULL, why,
                          0);
  xuncha_sync_run_item_finished (run);
}

/* The officer a report or shift was saved under; NULL when unknown (saved while the
 * device was not enrolled). */
static char *
owner_of (XunchaSyncRun *run,
          const char    *kind,
          const char    *uuid)
{
  sqlite3_stmt *stmt;
  char *officer = NULL;

  if (g_str_equal (kind, "report"))
    return xuncha_report_store_get_officer_of (run->store, uuid);
  stmt = xuncha_store_prepare (run->store, "SELECT officer FROM shifts WHERE uuid = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    officer = g_strdup (text (stmt, 0));
  sqlite3_reset (stmt);
  return officer;
}

/* The office credits what arrives to the token's officer. A report or shift another
 * officer saved on this device (before it was enrolled again) stays here until the device
 * is enrolled as that officer again, and says why. TRUE when it was held back. */
static gboolean
held_for_its_officer (XunchaSyncRun *run,
                      const char    *kind,
                      const char    *uuid)
{
  g_autofree char *owner = owner_of (run, kind, uuid);
  g_autofree char *why = NULL;

  if (owner == NULL || g_strcmp0 (owner, run->officer) == 0)
    return FALSE;
  why = g_strdup_printf (_("Saved by officer %s; this device is enrolled as %s. Enroll as %s "
                           "to send it."), owner, run->officer, owner);
  xuncha_outbox_set_reason (run->store, kind, uuid, why, NULL);
  xuncha_sync_result_add (run->result, kind, uuid, XUNCHA_SYNC_OUTCOME_DEFERRED, 0, NULL, why,
                          0);
  xuncha_sync_run_item_finished (run);
  return TRUE;
}

/* Whether the office refused a report as evidence (422 "evidence_refused": what was sent is
 * not what the device's manifest signed); *reason the office's words then. */
static gboolean
evidence_refused (XunchaHttpResponse  *response,
                  char               **reason)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  if (!xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                     (gssize)response->body->len, &code, &message, NULL)
      || g_strcmp0 (code, "evidence_refused") != 0)
    return FALSE;
  *reason = g_steal_pointer (&message);
  return TRUE;
}

static void
send_claimed_report (XunchaSyncRun    *run,
                     const char       *uuid,
                     XunchaWireReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *encoded = NULL;
  gsize encoded_length;
  g_autofree char *content = NULL;

  /* Photos first: the office refuses a report whose photos it lacks. */
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      gint64 bytes = xuncha_report_store_get_photo_bytes (run->store, photo->sha256);

      if (!send_photo (run, photo->sha256, bytes))
        {
          if (run->result->stopped == NULL)
            {
              g_autofree char *message =
                g_strdup_printf (_("Waits for its photo %.12s…, which could not be sent."),
                                 photo->sha256);
              xuncha_sync_result_add (run->result, "report", uuid,
                                      XUNCHA_SYNC_OUTCOME_DEFERRED, 0, NULL, message, 0);
              xuncha_sync_run_item_finished (run);
            }
          return;
        }
    }

  encoded = xuncha_wire_report_encode (report);
  content = xuncha_protocol_sha256_hex (encoded);
  /* Measured before the call: the order of a call's arguments is the compiler's, and gcc
   * for arm64 stole the pointer before strlen() read it. */
  encoded_length = strlen (encoded);
  body = g_bytes_new_take (g_steal_pointer (&encoded), encoded_length);
  path = g_strconcat ("api/v1/reports/", uuid, NULL);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autofree char *receipt = NULL, *received_at = NULL, *held_sha = NULL;
      g_autofree char *code = NULL, *message = NULL, *reason = NULL;
      g_auto(GStrv) missing = NULL;
      XunchaSyncStep step = xuncha_sync_run_request (run, "report", uuid, "PUT", path, body, NULL,
                                                     &response);

      if (step == XUNCHA_SYNC_STEP_STOP)
        return;
      if (step == XUNCHA_SYNC_STEP_OK)
        {
          if (!xuncha_protocol_decode_receipt (xuncha_http_response_text (response),
                                               (gssize)response->body->len, &receipt,
                                               &received_at, &held_sha, &error))
            {
              xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                                    _("The office's receipt could not be read (%s)."),
                                    error->message);
              return;
            }
          if (!g_str_equal (held_sha, content))
            g_warning ("Report %s: the office's content hash %s differs from ours %s", uuid,
                       held_sha, content);
          xuncha_outbox_mark_acked (run->store, "report", uuid, receipt, NULL);
          xuncha_sync_result_add (run->result, "report", uuid,
                                  response->status == 201 ? XUNCHA_SYNC_OUTCOME_SENT
                                                          : XUNCHA_SYNC_OUTCOME_HELD,
                                  response->status, receipt, NULL, (gint64)g_bytes_get_size (body));
          xuncha_sync_run_item_finished (run);
          return;
        }

      if (response->status == 422 && round == 0
          && xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                           (gssize)response->body->len, &code, &message,
                                           &missing)
          && g_strcmp0 (code, "missing_photos") == 0 && missing != NULL)
        {
          gboolean all = TRUE;

          /* The office lost or never kept them: send them again, once. */
          for (guint i = 0; missing[i] != NULL; i++)
            {
              if (!xuncha_protocol_is_sha256 (missing[i]))
                continue;
              xuncha_outbox_requeue (run->store, "photo", missing[i], NULL);
              g_hash_table_remove (run->photos_done, missing[i]);
              run->items_total++;
              all &= send_photo (run, missing[i],
                                 xuncha_report_store_get_photo_bytes (run->store, missing[i]));
            }
          if (run->result->stopped != NULL)
            return;
          if (all)
            continue;
        }

      if (response->status == 409)
        item_failed (run, "report", uuid, 409,
                     _("The office holds a different version of this report. It kept this "
                       "one for a person to review; ask the office."));
      else if (response->status == 422 && evidence_refused (response, &reason))
        {
          /* The office's reason names fields and revisions: for the log, not the row. */
          g_message ("Report %s refused as evidence: %s", uuid, reason);
          item_failed (run, "report", uuid, 422,
                       _("The office refused this report: it is not what this phone signed "
                         "when it was saved. It stays on this device; ask the office."));
        }
      else
        {
          g_autofree char *why = xuncha_sync_answer_message (response);
          item_failed (run, "report", uuid, response->status, why);
        }
      return;
    }
}

/* Reads what will be sent and marks the report 'sending' in one transaction: an edit
 * (xuncha_report_store_update) either lands before, and is what goes, or is refused.
 * *claimed is FALSE when the report no longer waits (another sync took it). */
static XunchaWireReport *
claim_report_synced (XunchaSyncRun  *run,
                     const char     *uuid,
                     gboolean       *claimed,
                     GError        **error)
{
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(GError) local_error = NULL;

  *claimed = FALSE;
  if (!xuncha_store_begin (run->store, error))
    return NULL;
  report = xuncha_report_store_load_wire (run->store, uuid, error);
  if (report == NULL)
    {
      xuncha_store_rollback (run->store);
      return NULL;
    }
  *claimed = xuncha_outbox_mark_sending (run->store, "report", uuid, &local_error);
  if (local_error != NULL || !xuncha_store_commit (run->store, &local_error))
    {
      xuncha_store_rollback (run->store);
      g_propagate_error (error, g_steal_pointer (&local_error));
      *claimed = FALSE;
      return NULL;
    }
  return g_steal_pointer (&report);
}

/* The mark need not reach the disk before the request goes: after a crash the store's
 * open puts 'sending' back to 'waiting' anyway, and the next synchronous commit (the
 * acknowledgement's) makes it durable with everything before it. One fsync per report
 * less; the synchronous setting is the connection's, and this connection is the run's. */
static XunchaWireReport *
claim_report (XunchaSyncRun  *run,
              const char     *uuid,
              gboolean       *claimed,
              GError        **error)
{
  XunchaWireReport *report;

  *claimed = FALSE;
  if (!xuncha_store_exec (run->store, "PRAGMA synchronous = OFF", error))
    return NULL;
  report = claim_report_synced (run, uuid, claimed, error);
  /* Cannot fail on an open connection; were it to, an acknowledgement not on the disk is
   * sent again at the next sync and answered with the same receipt. */
  if (!xuncha_store_exec (run->store, "PRAGMA synchronous = FULL", NULL))
    g_warning ("The device store could not be set back to synchronous writes");
  return report;
}

/* Sends the manifests of the device's key the office does not hold yet, in the order of
 * the device's chain, which is the order the office checks them in (docs/evidence.md).
 * FALSE when the report cannot go now: the sync stopped, or the office refused them
 * (@uuid's item failed with its reason). */
static gboolean
send_evidence (XunchaSyncRun *run,
               const char    *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEvidenceKey) key = xuncha_evidence_log_load_key (run->store, &error);

  if (key == NULL)
    {
      /* A device enrolled before keys sends unsigned, and the office takes that from it;
       * a device whose key is gone cannot sign, and the office would refuse. */
      if (error == NULL)
        return TRUE;
      item_failed (run, "report", uuid, 0, error->message);
      return FALSE;
    }
  if (!xuncha_evidence_log_sign_if_unsigned (run->store, key, uuid, &error))
    {
      g_autofree char *why = g_strdup_printf (_("The report could not be signed: %s"),
                                              error->message);
      item_failed (run, "report", uuid, 0, why);
      return FALSE;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) batch = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autofree char *encoded = NULL;
      g_autofree char *device_key = NULL;
      gsize encoded_length;
      gint64 last = 0;
      XunchaSyncStep step;

      batch = xuncha_evidence_log_unsent (run->store, run->officer, &device_key,
                                          XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL, 512 * 1024, &last,
                                          &error);
      if (batch == NULL)
        {
          item_failed (run, "report", uuid, 0, error->message);
          return FALSE;
        }
      if (batch->len == 0)
        return TRUE;
      encoded = xuncha_wire_evidence_encode (batch);
      encoded_length = strlen (encoded);
      body = g_bytes_new_take (g_steal_pointer (&encoded), encoded_length);
      step = xuncha_sync_run_request (run, "report", uuid, "PUT", "api/v1/evidence", body, NULL,
                                      &response);
      if (step == XUNCHA_SYNC_STEP_STOP)
        return FALSE;
      if (step != XUNCHA_SYNC_STEP_OK)
        {
          g_autofree char *why = xuncha_sync_answer_message (response);

          if (response->status == 403)
            xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_FAILED,
                                  _("The office needs this device’s signing key, which it did "
                                    "not get at enrollment. Ask the office for a new code and "
                                    "enroll again. (%s)"), why);
          else
            {
              g_autofree char *message = g_strdup_printf (_("The office refused the report’s "
                                                            "signature: %s"), why);
              item_failed (run, "report", uuid, response->status, message);
            }
          return FALSE;
        }
      if (!xuncha_evidence_log_mark_sent (run->store, device_key, last, &error))
        {
          item_failed (run, "report", uuid, 0, error->message);
          return FALSE;
        }
    }
}

void
xuncha_sync_push_report (XunchaSyncRun *run,
                         const char    *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireReport) report = NULL;
  g_autofree char *state = NULL;
  gboolean claimed = FALSE;

  if (held_for_its_officer (run, "report", uuid))
    return;
  report = claim_report (run, uuid, &claimed, &error);
  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The report cannot be sent as it is: %s"),
                                                  error->message);
      item_failed (run, "report", uuid, 0, message);
      return;
    }
  if (!claimed)
    {
      state = xuncha_outbox_get_state (run->store, "report", uuid);
      if (g_strcmp0 (state, "acked") != 0 && g_strcmp0 (state, "failed") != 0)
        xuncha_sync_result_add (run->result, "report", uuid, XUNCHA_SYNC_OUTCOME_DEFERRED, 0,
                                NULL, _("Another sync is sending this report."), 0);
      xuncha_sync_run_item_finished (run);
      return;
    }
  /* The row says 'sending' from here: the queue shows it. */
  xuncha_sync_run_report_progress (run);
  if (send_evidence (run, uuid))
    send_claimed_report (run, uuid, report);
  /* Stopped before an answer (cancelled, unreachable, a photo missing ...): it waits
   * again, for the next sync, and may be edited until then. */
  xuncha_outbox_end_sending (run->store, "report", uuid, NULL);
}

/* Shifts. */

/* The device's track points of a shift below seq @below. */
static gint64
points_below (XunchaSyncRun *run,
              const char    *uuid,
              gint64         below)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                             "SELECT count(*) FROM track_points "
                                             "WHERE shift_uuid = ?1 AND seq < ?2", NULL);
  gint64 n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, below);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* @next: the first track seq the office has not acknowledged (the outbox's cursor). The
 * office answers every call with how many points it holds; that count, not the cursor
 * alone, says whether the shift is with the office. */
void
xuncha_sync_push_shift (XunchaSyncRun *run,
                        const char    *uuid,
                        gint64         next)
{
  g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_new ();
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *points_path = NULL;
  g_autofree char *held_uuid = NULL;
  sqlite3_stmt *stmt;
  gint64 sent = 0, held = 0, from, total;
  XunchaSyncStep step;

  if (held_for_its_officer (run, "shift", uuid))
    return;

  stmt = xuncha_store_prepare (run->store,
                               "SELECT kind, started_at, ended_at FROM shifts WHERE uuid = ?1",
                               NULL);
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return;
    }
  shift->uuid = g_strdup (uuid);
  shift->kind = g_strdup (text (stmt, 0));
  shift->started_at = g_strdup (text (stmt, 1));
  shift->ended_at = g_strdup (text (stmt, 2));
  sqlite3_reset (stmt);

  {
    char *encoded = xuncha_wire_shift_encode (shift);
    body = g_bytes_new_take (encoded, strlen (encoded));
  }
  path = g_strconcat ("api/v1/shifts/", uuid, NULL);
  step = xuncha_sync_run_request (run, "shift", uuid, "PUT", path, body, NULL, &response);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      item_failed (run, "shift", uuid, response->status, why);
      return;
    }
  if (!xuncha_wire_shift_ack_decode (xuncha_http_response_text (response),
                                     (gssize)response->body->len, &held_uuid, &held, &error)
      || !g_str_equal (held_uuid, uuid))
    {
      xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                            _("The office's answer could not be read (%s)."),
                            error != NULL ? error->message : "another shift");
      return;
    }
  xuncha_outbox_set_office_points (run->store, "shift", uuid, held, NULL);

  /* Fewer points at the office than the device counts as sent: one went missing on the
   * way (or the office lost it). Points are keyed by seq, so sending again from the start
   * is harmless; it stops as soon as the office's count is whole again. */
  from = next;
  if (held < points_below (run, uuid, next))
    {
      g_debug ("Shift %s: the office holds %" G_GINT64_FORMAT " points, fewer than were "
               "sent; sending again from the start", uuid, held);
      from = 0;
    }

  points_path = g_strconcat (path, "/points", NULL);
  for (;;)
    {
      g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (XunchaWirePoint));
      g_autoptr(XunchaHttpResponse) answer = NULL;
      g_autoptr(GBytes) batch = NULL;
      gint64 stored = 0;
      char *encoded;

      stmt = xuncha_store_prepare (run->store,
                                   "SELECT seq, t_ms, lat, lon, accuracy, altitude, speed, "
                                   "  heading FROM track_points WHERE shift_uuid = ?1 "
                                   "  AND seq >= ?2 ORDER BY seq LIMIT ?3", NULL);
      if (stmt == NULL)
        return;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int (stmt, 3, POINTS_PER_CALL);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          XunchaWirePoint p = {
            sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
            sqlite3_column_double (stmt, 2), sqlite3_column_double (stmt, 3),
            real_or_nan (stmt, 4), real_or_nan (stmt, 5), real_or_nan (stmt, 6),
            real_or_nan (stmt, 7),
          };
          g_array_append_val (points, p);
        }
      sqlite3_reset (stmt);
      if (points->len == 0)
        break;

      encoded = xuncha_wire_points_encode ((XunchaWirePoint *)(void *)points->data,
                                           points->len);
      batch = g_bytes_new_take (encoded, strlen (encoded));
      step = xuncha_sync_run_request (run, "shift", uuid, "POST", points_path, batch, NULL,
                                      &answer);
      if (step == XUNCHA_SYNC_STEP_STOP)
        return;
      if (step == XUNCHA_SYNC_STEP_ANSWER)
        {
          g_autofree char *why = xuncha_sync_answer_message (answer);
          item_failed (run, "shift", uuid, answer->status, why);
          return;
        }
      g_clear_error (&error);
      if (!xuncha_wire_points_ack_decode (xuncha_http_response_text (answer),
                                          (gssize)answer->body->len, &stored, &held, &error))
        {
          xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                                _("The office's answer could not be read (%s)."),
                                error->message);
          return;
        }
      from = g_array_index (points, XunchaWirePoint, points->len - 1).seq + 1;
      next = MAX (next, from);
      sent += (gint64)g_bytes_get_size (batch);
      xuncha_outbox_set_progress (run->store, "shift", uuid, next, NULL);
      xuncha_outbox_set_office_points (run->store, "shift", uuid, held, NULL);
      /* Filling a gap: once the office holds all that was sent before, carry on where the
       * cursor stood. */
      if (from < next && held >= points_below (run, uuid, next))
        from = next;
    }

  /* Points a running shift records meanwhile go with the next sync. */
  total = points_below (run, uuid, next);
  if (held < total)
    {
      g_autofree char *why =
        g_strdup_printf (_("The office holds %lld of the %lld track points of this shift "
                           "after they were all sent; ask the office."),
                         (long long)held, (long long)total);
      item_failed (run, "shift", uuid, response->status, why);
      return;
    }
  if (shift->ended_at != NULL)
    {
      g_autofree char *receipt = g_strdup_printf ("points %" G_GINT64_FORMAT, held);
      xuncha_outbox_mark_acked (run->store, "shift", uuid, receipt, NULL);
      xuncha_sync_result_add (run->result, "shift", uuid, XUNCHA_SYNC_OUTCOME_SENT,
                              response->status, receipt, NULL,
                              sent + (gint64)g_bytes_get_size (body));
    }
  else
    /* Still running: what was recorded so far is with the office, the rest follows. */
    xuncha_sync_result_add (run->result, "shift", uuid, XUNCHA_SYNC_OUTCOME_SENT,
                            response->status, NULL, _("the shift is still running"),
                            sent + (gint64)g_bytes_get_size (body));
  xuncha_sync_run_item_finished (run);
}

/* The plan: what waits, in order. */

void
xuncha_sync_planned_free (gpointer planned)
{
  XunchaSyncPlanned *p = planned;

  g_free (p->kind);
  g_free (p->item);
  g_free (p);
}

GPtrArray *
xuncha_sync_push_plan (XunchaSyncRun  *run,
                       GError        **error)
{
  g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func (xuncha_sync_planned_free);
  sqlite3_stmt *stmt;
  int rc;

  /* Reports and shifts are in the outbox from the moment they are saved or started; what
   * an older build left out is queued once at the program's start
   * (xuncha_store_prepare_for_use()). */
  stmt = xuncha_store_prepare (run->store,
                               "SELECT kind, item, progress, next_try_at FROM outbox "
                               "WHERE kind IN ('report', 'shift') "
                               "  AND state IN ('waiting', 'sending') "
                               "ORDER BY kind = 'shift', queued_at, item", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaSyncPlanned *p;

      if (!due (run, text (stmt, 3)))
        continue;
      p = g_new0 (XunchaSyncPlanned, 1);
      p->kind = g_strdup (text (stmt, 0));
      p->item = g_strdup (text (stmt, 1));
      p->progress = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (plan, p);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (run->store, error, "Could not read the outbox");
      return NULL;
    }

  /* Photos still to go, for the totals of the progress bar. */
  stmt = xuncha_store_prepare (run->store,
                               "SELECT count(*), coalesce (sum (p.bytes), 0) FROM photos p "
                               "JOIN outbox o ON o.kind = 'photo' AND o.item = p.sha256 "
                               "WHERE o.state IN ('waiting', 'sending')", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      run->items_total = plan->len + (guint)sqlite3_column_int64 (stmt, 0);
      run->bytes_total = (guint64)sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&plan);
}
