/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <poll.h>

#include "xuncha-fix.h"
#include "xuncha-http.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-store-private.h"
#include "xuncha-street-map-private.h"
#include "xuncha-sync.h"
#include "xuncha-taxonomy-store.h"
#include "xuncha-wire-delta.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"

enum {
  PROGRESS,
  WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaSync
{
  GObject  parent_instance;

  char    *data_dir;
  guint    backoff_base_ms;
  guint    backoff_cap_ms;
  guint    max_attempts;
  guint    low_speed_limit;
  guint    low_speed_time;
  gboolean honour_schedule;
};

G_DEFINE_FINAL_TYPE (XunchaSync, xuncha_sync, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-sync-error-quark, xuncha_sync_error)

#define META_SERVER      "sync.server"
#define META_OFFICER     "sync.officer"
#define META_CA_FILE     "sync.ca_file"
#define META_PINS        "sync.pins"
#define POINTS_PER_CALL  2000

/* One sync, owned by the worker thread. */
typedef struct
{
  XunchaSync       *self;
  GMainContext     *context;       /* where progress is delivered */
  GCancellable     *cancellable;
  char             *data_dir;
  char             *token;
  char             *officer;       /* the token's officer: the one the device is enrolled as */
  guint             base_ms;
  guint             cap_ms;
  guint             max_attempts;
  guint             low_speed_limit;
  guint             low_speed_time;
  gboolean          honour_schedule;

  XunchaStore      *store;
  int               hold;          /* the device's sync lock, -1 before it is taken */
  XunchaHttp       *http;
  XunchaSyncResult *result;
  GHashTable       *photos_done;   /* sha256 -> outcome, this sync */
  gint64            photo_max_bytes;
  guint             items_done;
  guint             items_total;
  guint64           bytes_done;
  guint64           bytes_total;
  guint64           bytes_base;    /* bytes_done before the current upload */
} Run;

typedef enum
{
  STEP_OK,       /* a 2xx from the office */
  STEP_ANSWER,   /* another status the caller interprets (404, 409, 413, 422 …) */
  STEP_STOP,     /* the sync ends here: run->result->stopped says why */
} Step;

static void
run_free (Run *run)
{
  g_clear_object (&run->self);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_object (&run->cancellable);
  g_free (run->data_dir);
  if (run->token != NULL)
    memset (run->token, 0, strlen (run->token));
  g_free (run->token);
  g_free (run->officer);
  g_clear_object (&run->store);
  xuncha_outbox_release_sending (run->hold);
  g_clear_pointer (&run->http, xuncha_http_free);
  g_clear_pointer (&run->result, xuncha_sync_result_free);
  g_clear_pointer (&run->photos_done, g_hash_table_unref);
  g_free (run);
}

typedef struct
{
  XunchaSync *self;
  guint       items_done;
  guint       items_total;
  guint64     bytes_done;
  guint64     bytes_total;
} Progress;

static gboolean
emit_progress (gpointer data)
{
  Progress *p = data;

  g_signal_emit (p->self, signals[PROGRESS], 0, p->items_done, p->items_total, p->bytes_done,
                 p->bytes_total);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *p = data;

  g_object_unref (p->self);
  g_free (p);
}

static void
report_progress (Run *run)
{
  Progress *p = g_new0 (Progress, 1);

  p->self = g_object_ref (run->self);
  p->items_done = run->items_done;
  p->items_total = run->items_total;
  p->bytes_done = run->bytes_done;
  p->bytes_total = run->bytes_total;
  /* Owned copies only: the worker never touches what the main context uses. */
  g_main_context_invoke_full (run->context, G_PRIORITY_DEFAULT, emit_progress, p,
                              progress_free);
}

static gboolean
emit_waiting (gpointer data)
{
  g_signal_emit (data, signals[WAITING], 0);
  return G_SOURCE_REMOVE;
}

static void
on_upload_progress (gint64   uploaded,
                    gpointer user_data)
{
  Run *run = user_data;

  run->bytes_done = run->bytes_base + (guint64)uploaded;
  report_progress (run);
}

static void
item_finished (Run *run)
{
  run->items_done++;
  report_progress (run);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* Waits @ms or until cancelled; FALSE when cancelled. */
static gboolean
sleep_cancellable (Run    *run,
                   gint64  ms)
{
  struct pollfd pfd = { -1, POLLIN, 0 };
  gint64 deadline = g_get_monotonic_time () + ms * 1000;
  gboolean cancelled;

  pfd.fd = g_cancellable_get_fd (run->cancellable);
  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0 || g_cancellable_is_cancelled (run->cancellable))
        break;
      if (pfd.fd >= 0)
        poll (&pfd, 1, (int)MIN (left, 1000));
      else
        g_usleep ((gulong)MIN (left, 100) * 1000);
    }
  cancelled = g_cancellable_is_cancelled (run->cancellable);
  g_cancellable_release_fd (run->cancellable);
  return !cancelled;
}

static gint64
backoff_ms (Run   *run,
            guint  attempt)
{
  double ceiling = MIN ((double)run->cap_ms, (double)run->base_ms * pow (2.0, attempt));

  /* Full jitter: devices that failed together do not come back together. */
  return (gint64)g_random_double_range (0, MAX (ceiling, 1));
}

static void
stop (Run        *run,
      int         code,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
stop (Run        *run,
      int         code,
      const char *format,
      ...)
{
  va_list args;

  if (run->result->stopped != NULL)
    return;
  va_start (args, format);
  run->result->stopped = g_error_new_valist (XUNCHA_SYNC_ERROR, code, format, args);
  va_end (args);
}

static gboolean
is_retryable_status (long status)
{
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503
         || status == 504;
}

/* The server's message from an error body, or a plain description. */
static char *
answer_message (XunchaHttpResponse *response)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  if (xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                    (gssize)response->body->len, &code, &message, NULL))
    return g_strdup_printf (_("the office answered %ld: %s"), response->status, message);
  return g_strdup_printf (_("the office answered %ld"), response->status);
}

/* One request with the retry policy of docs/protocol.md. @kind and @item name the outbox
 * row to keep attempts and the last error on (NULL for pulls). */
static Step
request (Run                 *run,
         const char          *kind,
         const char          *item,
         const char          *method,
         const char          *path,
         GBytes              *body,
         const char          *upload_path,
         XunchaHttpResponse **out)
{
  *out = NULL;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autofree char *message = NULL;
      gint64 wait;

      run->result->requests++;
      if (attempt > 0)
        run->result->retries++;
      response = xuncha_http_request (run->http, method, path,
                                      body != NULL ? "application/json; charset=utf-8"
                                      : upload_path != NULL ? "image/jpeg" : NULL,
                                      body, upload_path,
                                      upload_path != NULL ? on_upload_progress : NULL, run,
                                      run->cancellable, &error);
      wait = -1;
      if (response == NULL)
        {
          if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CANCELLED))
            {
              stop (run, XUNCHA_SYNC_ERROR_CANCELLED, _("The sync was cancelled."));
              return STEP_STOP;
            }
          if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TLS))
            {
              stop (run, XUNCHA_SYNC_ERROR_TLS,
                    _("The office's certificate was refused (%s). Nothing was sent. Check the "
                      "server address, the device's clock and the office CA file, or ask the "
                      "office."), error->message);
              return STEP_STOP;
            }
          if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_PIN))
            {
              stop (run, XUNCHA_SYNC_ERROR_PIN,
                    _("The office's public key does not match the pin this device was "
                      "enrolled with (%s). Nothing was sent. If the office changed its key, "
                      "enroll again with the new pin; otherwise someone may be in the way."),
                    error->message);
              return STEP_STOP;
            }
          if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TOO_LARGE))
            {
              /* Not a passing fault: the same answer would come again. */
              stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                    _("%s Nothing on the device was changed by it; ask the office."),
                    error->message);
              return STEP_STOP;
            }
          if (!g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_NETWORK))
            {
              stop (run, XUNCHA_SYNC_ERROR_CONFIG, "%s", error->message);
              return STEP_STOP;
            }
          message = g_strdup (error->message);
        }
      else if (response->status >= 200 && response->status < 300)
        {
          if (!response->server_mark)
            {
              stop (run, XUNCHA_SYNC_ERROR_CAPTIVE,
                    _("Something other than the office answered (a Wi-Fi login page?). "
                      "Nothing was counted as sent. Log in to the network, then sync again."));
              return STEP_STOP;
            }
          *out = g_steal_pointer (&response);
          return STEP_OK;
        }
      else if (is_retryable_status (response->status))
        {
          message = answer_message (response);
          wait = response->retry_after_ms;
        }
      else if (!response->server_mark)
        {
          stop (run, XUNCHA_SYNC_ERROR_CAPTIVE,
                _("Something other than the office answered (status %ld; a Wi-Fi login "
                  "page?). Log in to the network, then sync again."), response->status);
          return STEP_STOP;
        }
      else if (response->status == 401)
        {
          stop (run, XUNCHA_SYNC_ERROR_UNAUTHORIZED,
                _("The office no longer accepts this device (its token was revoked or is "
                  "unknown). Enroll again with a new code from the office: xuncha-cli "
                  "enroll. Nothing on the device was lost."));
          return STEP_STOP;
        }
      else if (response->status == 403)
        {
          g_autofree char *why = answer_message (response);
          stop (run, XUNCHA_SYNC_ERROR_FORBIDDEN,
                _("The office refused this officer (%s). Ask the office."), why);
          return STEP_STOP;
        }
      else
        {
          *out = g_steal_pointer (&response);
          return STEP_ANSWER;
        }

      /* A transient failure: keep the reason on the item, then wait and try again. */
      {
        gint64 delay = backoff_ms (run, attempt);
        if (wait > delay)
          delay = wait;
        if (kind != NULL)
          xuncha_outbox_mark_retry (run->store, kind, item, message, now_ms () + delay, NULL);
        if (attempt + 1 >= run->max_attempts || delay > run->cap_ms)
          {
            stop (run, XUNCHA_SYNC_ERROR_NETWORK,
                  _("The office could not be reached reliably (%s). What was not sent waits "
                    "on the device and goes with the next sync."), message);
            return STEP_STOP;
          }
        g_debug ("%s %s: %s; retrying in %" G_GINT64_FORMAT " ms", method, path, message, delay);
        if (!sleep_cancellable (run, delay))
          {
            stop (run, XUNCHA_SYNC_ERROR_CANCELLED, _("The sync was cancelled."));
            return STEP_STOP;
          }
      }
    }
}

static gboolean
due (Run        *run,
     const char *next_try_at)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (!run->honour_schedule || next_try_at == NULL)
    return TRUE;
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (next_try_at, utc);
  return when == NULL || g_date_time_to_unix (when) * 1000 <= now_ms ();
}

/* Photos. */

static char *
photo_file (Run        *run,
            const char *sha256)
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
attempts_of (Run        *run,
             const char *kind,
             const char *item)
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
send_photo (Run        *run,
            const char *sha256,
            gint64      bytes)
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
  Step step;

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
      step = request (run, "photo", sha256, "HEAD", head_path, NULL, NULL, &response);
      if (step == STEP_STOP)
        return FALSE;
      if (step == STEP_OK)
        {
          xuncha_outbox_mark_acked (run->store, "photo", sha256, "held", NULL);
          xuncha_sync_result_add (run->result, "photo", sha256, XUNCHA_SYNC_OUTCOME_HELD,
                                  response->status, "held", NULL, 0);
          goto done;
        }
      if (response->status != 404)
        {
          message = answer_message (response);
          goto failed;
        }
      g_clear_pointer (&response, xuncha_http_response_free);
    }

  run->bytes_base = run->bytes_done;
  step = request (run, "photo", sha256, "PUT", head_path, NULL, path, &response);
  run->bytes_done = run->bytes_base;
  if (step == STEP_STOP)
    return FALSE;
  if (step == STEP_ANSWER)
    {
      g_autofree char *actual = response->status == 422 ? file_sha256 (path) : NULL;

      if (response->status == 422 && g_strcmp0 (actual, sha256) != 0)
        message = g_strdup_printf (_("The photo file on the device no longer matches its "
                                     "fingerprint (damaged storage?); it was not sent."));
      else if (response->status == 413)
        message = g_strdup_printf (_("The photo is larger than the office accepts. Retake or "
                                     "resize it."));
      else
        message = answer_message (response);
      goto failed;
    }
  if (!xuncha_protocol_decode_photo_ack (xuncha_http_response_text (response),
                                         (gssize)response->body->len, &ack_sha, &ack_bytes,
                                         &received_at, &error)
      || !g_str_equal (ack_sha, sha256))
    {
      stop (run, XUNCHA_SYNC_ERROR_PROTOCOL, _("The office's answer could not be read (%s)."),
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
  item_finished (run);
  return TRUE;

failed:
  xuncha_outbox_mark_failed (run->store, "photo", sha256, message, NULL);
  xuncha_sync_result_add (run->result, "photo", sha256, XUNCHA_SYNC_OUTCOME_FAILED,
                          response != NULL ? response->status : 0, NULL, message, 0);
  run->bytes_done += (guint64)bytes;
  item_finished (run);
  return FALSE;
}

/* Reports. */

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

static XunchaWireReport *
load_report (Run         *run,
             const char  *uuid,
             GError     **error)
{
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = xuncha_store_prepare (run->store,
                               "SELECT uuid, created_at, shift_uuid, category, fields, note, "
                               "  lat, lon, accuracy, altitude, heading, position_source, "
                               "  street_id, street_offset_m, merchant_id, disposition, "
                               "  deadline, parent_uuid FROM reports WHERE uuid = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_FAILED,
                   _("The report %s is no longer on the device."), uuid);
      return NULL;
    }
  report->uuid = g_strdup (text (stmt, 0));
  report->created_at = g_strdup (text (stmt, 1));
  report->shift_uuid = g_strdup (text (stmt, 2));
  report->category = g_strdup (text (stmt, 3));
  if (text (stmt, 4) != NULL && json_parser_load_from_data (parser, text (stmt, 4), -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      json_node_unref (report->fields);
      report->fields = json_node_copy (json_parser_get_root (parser));
    }
  report->note = g_strdup (text (stmt, 5));
  if (sqlite3_column_type (stmt, 6) != SQLITE_NULL && sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    {
      report->has_position = TRUE;
      report->lat = sqlite3_column_double (stmt, 6);
      report->lon = sqlite3_column_double (stmt, 7);
      report->accuracy = real_or_nan (stmt, 8);
      report->altitude = real_or_nan (stmt, 9);
      report->heading = real_or_nan (stmt, 10);
      /* No source recorded: claim no more precision than a hand-placed point. */
      report->position_source = g_strdup (text (stmt, 11) != NULL ? text (stmt, 11) : "manual");
    }
  report->street_id = g_strdup (text (stmt, 12));
  report->street_offset_m = report->street_id != NULL ? real_or_nan (stmt, 13) : NAN;
  report->merchant_id = g_strdup (text (stmt, 14));
  report->disposition = g_strdup (text (stmt, 15));
  report->deadline = g_strdup (text (stmt, 16));
  report->parent_uuid = g_strdup (text (stmt, 17));
  sqlite3_reset (stmt);

  stmt = xuncha_store_prepare (run->store,
                               "SELECT sha256, role FROM report_photos WHERE report_uuid = ?1 "
                               "ORDER BY position, sha256, role", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    xuncha_wire_report_add_photo (report, text (stmt, 0), text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (run->store, error, "Could not read the report's photos");
      return NULL;
    }
  if (!xuncha_wire_report_validate (report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static gint64
photo_bytes (Run        *run,
             const char *sha256)
{
  sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                             "SELECT bytes FROM photos WHERE sha256 = ?1", NULL);
  gint64 bytes = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return bytes;
}

static void
report_failed (Run        *run,
               const char *uuid,
               long        status,
               const char *message)
{
  xuncha_outbox_mark_failed (run->store, "report", uuid, message, NULL);
  xuncha_sync_result_add (run->result, "report", uuid, XUNCHA_SYNC_OUTCOME_FAILED, status, NULL,
                          message, 0);
  item_finished (run);
}

/* The officer a report or shift was saved under; NULL when unknown (saved while the
 * device was not enrolled). */
static char *
owner_of (Run        *run,
          const char *kind,
          const char *uuid)
{
  sqlite3_stmt *stmt = g_str_equal (kind, "report")
                       ? xuncha_store_prepare (run->store,
                                               "SELECT officer FROM reports WHERE uuid = ?1", NULL)
                       : xuncha_store_prepare (run->store,
                                               "SELECT officer FROM shifts WHERE uuid = ?1", NULL);
  char *officer = NULL;

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
held_for_its_officer (Run        *run,
                      const char *kind,
                      const char *uuid)
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
  item_finished (run);
  return TRUE;
}

static void
send_claimed_report (Run              *run,
                     const char       *uuid,
                     XunchaWireReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *content = NULL;

  /* Photos first: the office refuses a report whose photos it lacks. */
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      if (!send_photo (run, photo->sha256, photo_bytes (run, photo->sha256)))
        {
          if (run->result->stopped == NULL)
            {
              g_autofree char *message =
                g_strdup_printf (_("Waits for its photo %.12s…, which could not be sent."),
                                 photo->sha256);
              xuncha_sync_result_add (run->result, "report", uuid,
                                      XUNCHA_SYNC_OUTCOME_DEFERRED, 0, NULL, message, 0);
              item_finished (run);
            }
          return;
        }
    }

  encoded = xuncha_wire_report_encode (report);
  content = xuncha_protocol_sha256_hex (encoded);
  body = g_bytes_new_take (g_steal_pointer (&encoded), strlen (encoded));
  path = g_strconcat ("api/v1/reports/", uuid, NULL);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(XunchaHttpResponse) response = NULL;
      g_autofree char *receipt = NULL, *received_at = NULL, *held_sha = NULL;
      g_autofree char *code = NULL, *message = NULL;
      g_auto(GStrv) missing = NULL;
      Step step = request (run, "report", uuid, "PUT", path, body, NULL, &response);

      if (step == STEP_STOP)
        return;
      if (step == STEP_OK)
        {
          if (!xuncha_protocol_decode_receipt (xuncha_http_response_text (response),
                                               (gssize)response->body->len, &receipt,
                                               &received_at, &held_sha, &error))
            {
              stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                    _("The office's receipt could not be read (%s)."), error->message);
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
          item_finished (run);
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
              all &= send_photo (run, missing[i], photo_bytes (run, missing[i]));
            }
          if (run->result->stopped != NULL)
            return;
          if (all)
            continue;
        }

      if (response->status == 409)
        report_failed (run, uuid, 409,
                       _("The office holds a different version of this report. It kept this "
                         "one for a person to review; ask the office."));
      else
        {
          g_autofree char *why = answer_message (response);
          report_failed (run, uuid, response->status, why);
        }
      return;
    }
}

/* Reads what will be sent and marks the report 'sending' in one transaction: an edit
 * (xuncha_report_store_update) either lands before, and is what goes, or is refused.
 * *claimed is FALSE when the report no longer waits (another sync took it). */
static XunchaWireReport *claim_report_synced (Run         *run,
                                              const char  *uuid,
                                              gboolean    *claimed,
                                              GError     **error);

/* The mark need not reach the disk before the request goes: after a crash the store's
 * open puts 'sending' back to 'waiting' anyway, and the next synchronous commit (the
 * acknowledgement's) makes it durable with everything before it. One fsync per report
 * less; the synchronous setting is the connection's, and this connection is the run's. */
static XunchaWireReport *
claim_report (Run         *run,
              const char  *uuid,
              gboolean    *claimed,
              GError     **error)
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

static XunchaWireReport *
claim_report_synced (Run         *run,
                     const char  *uuid,
                     gboolean    *claimed,
                     GError     **error)
{
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(GError) local_error = NULL;

  *claimed = FALSE;
  if (!xuncha_store_begin (run->store, error))
    return NULL;
  report = load_report (run, uuid, error);
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

static void
send_report (Run        *run,
             const char *uuid)
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
      report_failed (run, uuid, 0, message);
      return;
    }
  if (!claimed)
    {
      state = xuncha_outbox_get_state (run->store, "report", uuid);
      if (g_strcmp0 (state, "acked") != 0 && g_strcmp0 (state, "failed") != 0)
        xuncha_sync_result_add (run->result, "report", uuid, XUNCHA_SYNC_OUTCOME_DEFERRED, 0,
                                NULL, _("Another sync is sending this report."), 0);
      item_finished (run);
      return;
    }
  /* The row says 'sending' from here: the queue shows it. */
  report_progress (run);
  send_claimed_report (run, uuid, report);
  /* Stopped before an answer (cancelled, unreachable, a photo missing ...): it waits
   * again, for the next sync, and may be edited until then. */
  xuncha_outbox_end_sending (run->store, "report", uuid, NULL);
}

/* Shifts. */

/* The device's track points of a shift below seq @below. */
static gint64
points_below (Run        *run,
              const char *uuid,
              gint64      below)
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

static void
shift_failed (Run        *run,
              const char *uuid,
              long        status,
              const char *why)
{
  xuncha_outbox_mark_failed (run->store, "shift", uuid, why, NULL);
  xuncha_sync_result_add (run->result, "shift", uuid, XUNCHA_SYNC_OUTCOME_FAILED, status, NULL,
                          why, 0);
  item_finished (run);
}

/* @next: the first track seq the office has not acknowledged (the outbox's cursor). The
 * office answers every call with how many points it holds; that count, not the cursor
 * alone, says whether the shift is with the office. */
static void
send_shift (Run        *run,
            const char *uuid,
            gint64      next)
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
  Step step;

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
  step = request (run, "shift", uuid, "PUT", path, body, NULL, &response);
  if (step == STEP_STOP)
    return;
  if (step == STEP_ANSWER)
    {
      g_autofree char *why = answer_message (response);
      shift_failed (run, uuid, response->status, why);
      return;
    }
  if (!xuncha_wire_shift_ack_decode (xuncha_http_response_text (response),
                                     (gssize)response->body->len, &held_uuid, &held, &error)
      || !g_str_equal (held_uuid, uuid))
    {
      stop (run, XUNCHA_SYNC_ERROR_PROTOCOL, _("The office's answer could not be read (%s)."),
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

      encoded = xuncha_wire_points_encode ((XunchaWirePoint *)points->data, points->len);
      batch = g_bytes_new_take (encoded, strlen (encoded));
      step = request (run, "shift", uuid, "POST", points_path, batch, NULL, &answer);
      if (step == STEP_STOP)
        return;
      if (step == STEP_ANSWER)
        {
          g_autofree char *why = answer_message (answer);
          shift_failed (run, uuid, answer->status, why);
          return;
        }
      g_clear_error (&error);
      if (!xuncha_wire_points_ack_decode (xuncha_http_response_text (answer),
                                          (gssize)answer->body->len, &stored, &held, &error))
        {
          stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                _("The office's answer could not be read (%s)."), error->message);
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
      shift_failed (run, uuid, response->status, why);
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
  item_finished (run);
}

/* Pulls. */

static gboolean
pull_me (Run *run)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_auto(GStrv) streets = NULL;
  g_autofree char *server_time = NULL;
  gint64 body_max = 0;
  Step step = request (run, NULL, NULL, "GET", "api/v1/me", NULL, NULL, &response);

  if (step == STEP_STOP)
    return FALSE;
  if (step == STEP_ANSWER)
    {
      g_autofree char *why = answer_message (response);
      stop (run, XUNCHA_SYNC_ERROR_PROTOCOL, _("The office did not say who this device is "
                                               "(%s)."), why);
      return FALSE;
    }
  if (!xuncha_protocol_decode_me (xuncha_http_response_text (response),
                                  (gssize)response->body->len, &officer, &streets,
                                  &server_time, &run->photo_max_bytes, &body_max, &error))
    {
      stop (run, XUNCHA_SYNC_ERROR_PROTOCOL, _("The office's answer could not be read (%s)."),
            error->message);
      return FALSE;
    }

  if (xuncha_store_begin (run->store, NULL))
    {
      gboolean ok = xuncha_store_set_meta (run->store, "sync.officer_name", officer.name, NULL)
                    && xuncha_store_set_meta (run->store, "sync.team",
                                              officer.team != NULL ? officer.team : "", NULL)
                    && xuncha_store_exec (run->store, "DELETE FROM assignments", NULL);
      for (guint i = 0; ok && streets[i] != NULL; i++)
        {
          sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                                     "INSERT OR IGNORE INTO assignments "
                                                     "(street_id) VALUES (?1)", NULL);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_text (stmt, 1, streets[i], -1, SQLITE_STATIC);
              ok = xuncha_store_step_done (run->store, stmt, NULL);
            }
        }
      if (!ok || !xuncha_store_commit (run->store, NULL))
        xuncha_store_rollback (run->store);
    }
  return TRUE;
}

static gint64
meta_int (XunchaStore *store,
          const char  *key)
{
  g_autofree char *value = xuncha_store_get_meta (store, key);
  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
set_meta_int (XunchaStore  *store,
              const char   *key,
              gint64        value,
              GError      **error)
{
  g_autofree char *text_value = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return xuncha_store_set_meta (store, key, text_value, error);
}

static void
pull_failed (Run        *run,
             const char *what,
             const char *why)
{
  g_autofree char *message = g_strdup_printf (_("Could not update %s: %s"), what, why);

  xuncha_sync_result_add (run->result, "pull", what, XUNCHA_SYNC_OUTCOME_FAILED, 0, NULL,
                          message, 0);
}

static void
pull_categories (Run *run)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 local = meta_int (run->store, "taxonomy.revision");
  Step step = request (run, NULL, NULL, "GET", "api/v1/categories", NULL, NULL, &response);

  if (step == STEP_STOP)
    return;
  if (step == STEP_ANSWER)
    {
      g_autofree char *why = answer_message (response);
      pull_failed (run, "categories", why);
      return;
    }
  run->result->categories_revision = local;
  if (response->revision >= 0 && response->revision <= local)
    return;
  bytes = g_bytes_new (response->body->data, response->body->len);
  taxonomy = xuncha_taxonomy_new_from_bytes (bytes, &error);
  if (taxonomy == NULL)
    {
      pull_failed (run, "categories", error->message);
      return;
    }
  if (xuncha_taxonomy_get_revision (taxonomy) > local)
    {
      if (!xuncha_taxonomy_save_to_store (taxonomy, run->store, &error))
        {
          pull_failed (run, "categories", error->message);
          return;
        }
      run->result->categories_revision = xuncha_taxonomy_get_revision (taxonomy);
    }
}

/* Little-endian WKB of a LineString, or a MultiLineString for several lines: the streets
 * table's own geometry encoding (shared with the street importer), with the box and length
 * the table keeps beside it. */
static GBytes *
lines_to_wkb (GPtrArray *lines,
              double    *bbox,
              double    *length_m)
{
  g_autoptr(GArray) lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) part_ends = g_array_new (FALSE, FALSE, sizeof (guint));

  bbox[0] = bbox[1] = G_MAXDOUBLE;
  bbox[2] = bbox[3] = -G_MAXDOUBLE;
  *length_m = 0;

  for (guint l = 0; l < lines->len; l++)
    {
      GArray *line = lines->pdata[l];
      guint n = line->len / 2, end;

      for (guint i = 0; i < n; i++)
        {
          double lon = g_array_index (line, double, 2 * i);
          double lat = g_array_index (line, double, 2 * i + 1);

          g_array_append_val (lonlat, lon);
          g_array_append_val (lonlat, lat);
          bbox[0] = MIN (bbox[0], lon);
          bbox[1] = MIN (bbox[1], lat);
          bbox[2] = MAX (bbox[2], lon);
          bbox[3] = MAX (bbox[3], lat);
          if (i > 0)
            *length_m += xuncha_distance_m (g_array_index (line, double, 2 * i - 1),
                                            g_array_index (line, double, 2 * i - 2), lat, lon);
        }
      end = lonlat->len / 2;
      g_array_append_val (part_ends, end);
    }
  return xuncha_street_geometry_to_wkb ((const double *)lonlat->data,
                                        (const guint *)part_ends->data, part_ends->len);
}

static const char *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static gboolean
apply_streets (Run              *run,
               XunchaWireDelta  *delta,
               GError          **error)
{
  g_autofree char *now = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_now_utc ();

  now = g_date_time_format_iso8601 (time);
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *street = delta->items->pdata[i];
      g_autoptr(GPtrArray) lines = xuncha_wire_street_lines (street);
      g_autoptr(GBytes) wkb = NULL;
      double bbox[4], length;
      sqlite3_stmt *stmt;

      if (lines->len == 0)
        continue;
      wkb = lines_to_wkb (lines, bbox, &length);
      stmt = xuncha_store_prepare (run->store,
                                   "INSERT INTO streets (id, name, class, grid_cell, community, "
                                   "  unit, geometry, min_lon, min_lat, max_lon, max_lat, "
                                   "  length_m, updated_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                                   "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                                   "  class = excluded.class, grid_cell = excluded.grid_cell, "
                                   "  community = excluded.community, unit = excluded.unit, "
                                   "  geometry = excluded.geometry, min_lon = excluded.min_lon, "
                                   "  min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
                                   "  max_lat = excluded.max_lat, length_m = excluded.length_m, "
                                   "  updated_at = excluded.updated_at",
                                   error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, member (street, "id"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, member (street, "name"), -1, SQLITE_STATIC);
      /* The office may say 严管街 or strict: the table keeps the one spelling. */
      sqlite3_bind_text (stmt, 3,
                         xuncha_street_class_to_string (xuncha_street_class_from_string (member (street, "class"))),
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, member (street, "grid_cell"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, member (street, "community"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, member (street, "unit"), -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 7, g_bytes_get_data (wkb, NULL), (int)g_bytes_get_size (wkb),
                         SQLITE_STATIC);
      for (int k = 0; k < 4; k++)
        sqlite3_bind_double (stmt, 8 + k, bbox[k]);
      sqlite3_bind_double (stmt, 12, length);
      sqlite3_bind_text (stmt, 13, now, -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (run->store, stmt, error))
        return FALSE;
      run->result->streets_changed++;
    }
  for (guint i = 0; delta->deleted[i] != NULL; i++)
    {
      /* A street a report or merchant names stays: downloads never change reports. */
      sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                                 "DELETE FROM streets WHERE id = ?1 AND NOT "
                                                 "EXISTS (SELECT 1 FROM reports WHERE "
                                                 "street_id = ?1) AND NOT EXISTS (SELECT 1 "
                                                 "FROM merchants WHERE street_id = ?1)",
                                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, delta->deleted[i], -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (run->store, stmt, error))
        return FALSE;
      run->result->streets_changed++;
    }
  return TRUE;
}

static gboolean
apply_merchants (Run              *run,
                 XunchaWireDelta  *delta,
                 GError          **error)
{
  g_autofree char *now = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_now_utc ();

  now = g_date_time_format_iso8601 (time);
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *merchant = delta->items->pdata[i];
      sqlite3_stmt *stmt;

      stmt = xuncha_store_prepare (run->store,
                                   "INSERT INTO merchants (id, name, address, contact, lon, lat, "
                                   "  street_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                   "  (SELECT id FROM streets WHERE id = ?7), ?8) "
                                   "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                                   "  address = excluded.address, contact = excluded.contact, "
                                   "  lon = excluded.lon, lat = excluded.lat, "
                                   "  street_id = excluded.street_id, "
                                   "  updated_at = excluded.updated_at",
                                   error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, member (merchant, "id"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, member (merchant, "name"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, member (merchant, "address"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, member (merchant, "contact"), -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 5, json_object_get_double_member (merchant, "lon"));
      sqlite3_bind_double (stmt, 6, json_object_get_double_member (merchant, "lat"));
      sqlite3_bind_text (stmt, 7, member (merchant, "street_id"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, now, -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (run->store, stmt, error))
        return FALSE;
      run->result->merchants_changed++;
    }
  for (guint i = 0; delta->deleted[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                                 "DELETE FROM merchants WHERE id = ?1 AND NOT "
                                                 "EXISTS (SELECT 1 FROM reports WHERE "
                                                 "merchant_id = ?1)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, delta->deleted[i], -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (run->store, stmt, error))
        return FALSE;
      run->result->merchants_changed++;
    }
  return TRUE;
}

static gboolean
apply_status (Run              *run,
              XunchaWireDelta  *delta,
              GError          **error)
{
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *status = delta->items->pdata[i];
      sqlite3_stmt *stmt = xuncha_store_prepare (run->store,
                                                 "UPDATE reports SET case_status = ?2, "
                                                 "  case_status_at = ?3 WHERE uuid = ?1",
                                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, member (status, "uuid"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, member (status, "case_status"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, member (status, "case_status_at"), -1, SQLITE_STATIC);
      if (!xuncha_store_step_done (run->store, stmt, error))
        return FALSE;
      run->result->statuses_changed += sqlite3_changes (xuncha_store_get_db (run->store));
    }
  return TRUE;
}

static void
pull_delta (Run                 *run,
            XunchaWireDeltaKind  kind)
{
  static const char * const names[] = { "streets", "merchants", "reports" };
  static const char * const keys[] = {
    "sync.streets_revision", "sync.merchants_revision", "sync.status_revision"
  };
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(XunchaWireDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 since = meta_int (run->store, keys[kind]);
  gboolean ok;
  Step step;

  path = g_strdup_printf ("api/v1/%s?since=%" G_GINT64_FORMAT, names[kind], since);
  /* A delta from revision 0 is a district's whole map: more room than other answers. */
  xuncha_http_set_answer_max (run->http, XUNCHA_PROTOCOL_DELTA_MAX_BYTES);
  step = request (run, NULL, NULL, "GET", path, NULL, NULL, &response);
  xuncha_http_set_answer_max (run->http, XUNCHA_PROTOCOL_ANSWER_MAX_BYTES);
  if (step == STEP_STOP)
    return;
  if (step == STEP_ANSWER)
    {
      g_autofree char *why = answer_message (response);
      pull_failed (run, names[kind], why);
      return;
    }
  delta = xuncha_wire_delta_decode (kind, xuncha_http_response_text (response),
                                    (gssize)response->body->len, &error);
  if (delta == NULL)
    {
      pull_failed (run, names[kind], error->message);
      return;
    }

  /* All of it or nothing: a half-applied map is worse than yesterday's. */
  if (!xuncha_store_begin (run->store, &error))
    {
      pull_failed (run, names[kind], error->message);
      return;
    }
  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    ok = apply_streets (run, delta, &error);
  else if (kind == XUNCHA_WIRE_DELTA_MERCHANTS)
    ok = apply_merchants (run, delta, &error);
  else
    ok = apply_status (run, delta, &error);
  if (!ok || !set_meta_int (run->store, keys[kind], delta->revision, &error)
      || !xuncha_store_commit (run->store, &error))
    {
      xuncha_store_rollback (run->store);
      pull_failed (run, names[kind], error->message);
      return;
    }
  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    run->result->streets_revision = delta->revision;
  else if (kind == XUNCHA_WIRE_DELTA_MERCHANTS)
    run->result->merchants_revision = delta->revision;
}

/* The plan: what waits, in order. */

typedef struct
{
  char   *kind;
  char   *item;
  gint64  progress;
} Planned;

static void
planned_free (gpointer data)
{
  Planned *p = data;

  g_free (p->kind);
  g_free (p->item);
  g_free (p);
}

static GPtrArray *
make_plan (Run     *run,
           GError **error)
{
  g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func (planned_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!xuncha_outbox_enqueue_missing (run->store, error))
    return NULL;

  stmt = xuncha_store_prepare (run->store,
                               "SELECT kind, item, progress, next_try_at FROM outbox "
                               "WHERE kind IN ('report', 'shift') "
                               "  AND state IN ('waiting', 'sending') "
                               "ORDER BY kind = 'shift', queued_at, item", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Planned *p;

      if (!due (run, text (stmt, 3)))
        continue;
      p = g_new0 (Planned, 1);
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

/* One sync per device: a second one (the app's beside the command line's, or two at a
 * prompt) waits for the first to end, then finds what it sent acknowledged. Held until the
 * run ends or the process dies, however it dies. */
static gboolean
hold_device (Run     *run,
             GError **error)
{
  gboolean told = FALSE;
  int stale;

  for (;;)
    {
      gboolean busy = FALSE;

      run->hold = xuncha_outbox_try_hold_sending (run->store, &busy, error);
      if (run->hold >= 0)
        break;
      if (!busy)
        return FALSE;
      if (!told)
        {
          g_debug ("Another sync runs on this device; waiting for it to end");
          g_main_context_invoke_full (run->context, G_PRIORITY_DEFAULT, emit_waiting,
                                      g_object_ref (run->self), g_object_unref);
          told = TRUE;
        }
      if (!sleep_cancellable (run, 100))
        {
          g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED,
                       _("The sync was cancelled."));
          return FALSE;
        }
    }
  /* Alone now: a report still 'sending' belongs to a sync that died after this process
   * opened the store (whose recovery then saw it alive). */
  stale = xuncha_outbox_requeue_sending (run->store, error);
  return stale >= 0;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  g_autofree char *server = NULL, *ca_file = NULL, *pins = NULL;

  run->store = xuncha_store_open (run->data_dir, &error);
  if (run->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!hold_device (run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  server = xuncha_store_get_meta (run->store, META_SERVER);
  ca_file = xuncha_store_get_meta (run->store, META_CA_FILE);
  pins = xuncha_store_get_meta (run->store, META_PINS);
  if (server == NULL)
    {
      g_task_return_new_error (task, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED,
                               _("This device is not enrolled with an office yet: run "
                                 "xuncha-cli enroll with the code the office gave you."));
      return;
    }
  run->http = xuncha_http_new (server, ca_file, pins, &error);
  if (run->http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  xuncha_http_set_token (run->http, run->token);
  xuncha_http_set_low_speed (run->http, run->low_speed_limit, run->low_speed_time);

  plan = make_plan (run, &error);
  if (plan == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  report_progress (run);

  /* Who am I first: a revoked device learns it before sending anything. */
  if (pull_me (run))
    {
      for (guint i = 0; i < plan->len && run->result->stopped == NULL; i++)
        {
          Planned *p = plan->pdata[i];

          if (g_str_equal (p->kind, "report"))
            send_report (run, p->item);
          else
            send_shift (run, p->item, p->progress);
        }
      if (run->result->stopped == NULL)
        pull_categories (run);
      if (run->result->stopped == NULL)
        pull_delta (run, XUNCHA_WIRE_DELTA_STREETS);
      if (run->result->stopped == NULL)
        pull_delta (run, XUNCHA_WIRE_DELTA_MERCHANTS);
      if (run->result->stopped == NULL)
        pull_delta (run, XUNCHA_WIRE_DELTA_STATUS);
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);
    xuncha_store_set_meta (run->store, "sync.last_sync_at", stamp, NULL);
    xuncha_store_set_meta (run->store, "sync.last_result",
                           run->result->stopped != NULL ? run->result->stopped->message
                           : run->result->failed > 0 ? "failed" : "ok", NULL);
  }
  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify)xuncha_sync_result_free);
}

static void
xuncha_sync_finalize (GObject *object)
{
  XunchaSync *self = (XunchaSync *)object;

  g_free (self->data_dir);
  G_OBJECT_CLASS (xuncha_sync_parent_class)->finalize (object);
}

static void
xuncha_sync_class_init (XunchaSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_sync_finalize;

  /**
   * XunchaSync::progress:
   * Items done of the total, and photo bytes done of the total.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_UINT,
                                    G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_UINT64);

  /**
   * XunchaSync::waiting:
   * Another sync runs on this device (in this process or another): this one waits for it
   * to end before it sends anything. Emitted once per run, at most.
   */
  signals[WAITING] = g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xuncha_sync_init (XunchaSync *self)
{
  self->backoff_base_ms = 2000;
  self->backoff_cap_ms = 10 * 60 * 1000;
  self->max_attempts = 5;
  self->low_speed_limit = 1024;
  self->low_speed_time = 30;
}

XunchaSync *
xuncha_sync_new (const char *data_dir)
{
  XunchaSync *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_SYNC, NULL);
  self->data_dir = g_strdup (data_dir);
  return self;
}

void
xuncha_sync_set_backoff (XunchaSync *self,
                         guint       base_ms,
                         guint       cap_ms)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  g_return_if_fail (base_ms > 0 && cap_ms >= base_ms);

  self->backoff_base_ms = base_ms;
  self->backoff_cap_ms = cap_ms;
}

void
xuncha_sync_set_max_attempts (XunchaSync *self,
                              guint       attempts)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->max_attempts = MAX (attempts, 1);
}

void
xuncha_sync_set_low_speed (XunchaSync *self,
                           guint       bytes_per_second,
                           guint       seconds)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->low_speed_limit = bytes_per_second;
  self->low_speed_time = seconds;
}

void
xuncha_sync_set_honour_schedule (XunchaSync *self,
                                 gboolean    honour)
{
  g_return_if_fail (XUNCHA_IS_SYNC (self));
  self->honour_schedule = honour;
}

void
xuncha_sync_run_async (XunchaSync          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL, *officer = NULL;
  XunchaCredentialsStore used;
  Run *run;

  g_return_if_fail (XUNCHA_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xuncha_sync_run_async);

  /* The token comes from the keyring on the caller's thread: libsecret's sync calls are
   * not meant for a pool thread. */
  store = xuncha_store_open (self->data_dir, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  server = xuncha_store_get_meta (store, META_SERVER);
  officer = xuncha_store_get_meta (store, META_OFFICER);

  run = g_new0 (Run, 1);
  run->hold = -1;
  run->self = g_object_ref (self);
  run->context = g_main_context_ref_thread_default ();
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->data_dir = g_strdup (self->data_dir);
  run->officer = g_strdup (officer);
  run->base_ms = self->backoff_base_ms;
  run->cap_ms = self->backoff_cap_ms;
  run->max_attempts = self->max_attempts;
  run->low_speed_limit = self->low_speed_limit;
  run->low_speed_time = self->low_speed_time;
  run->honour_schedule = self->honour_schedule;
  run->result = xuncha_sync_result_new ();
  run->photos_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->photo_max_bytes = XUNCHA_PROTOCOL_PHOTO_MAX_BYTES;
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);

  if (server != NULL)
    {
      run->token = xuncha_credentials_load (self->data_dir, server, officer, &used, &error);
      if (run->token == NULL)
        {
          if (error == NULL)
            g_set_error (&error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED,
                         _("The device token is missing: enroll again with xuncha-cli "
                           "enroll."));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_run_in_thread (task, run_thread);
}

XunchaSyncResult *
xuncha_sync_run_finish (XunchaSync    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (XUNCHA_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

XunchaSyncResult *
xuncha_sync_run (XunchaSync    *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context;

  g_return_val_if_fail (XUNCHA_IS_SYNC (self), NULL);

  context = g_main_context_ref_thread_default ();
  xuncha_sync_run_async (self, cancellable, on_run_done, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  /* Deliver progress still queued before returning. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
  return xuncha_sync_run_finish (self, result, error);
}

/* Enrollment. */

gboolean
xuncha_sync_set_tls (XunchaStore  *store,
                     const char   *ca_file,
                     const char   *pins,
                     GError      **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  if (ca_file != NULL)
    absolute = g_canonicalize_filename (ca_file, NULL);
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (!xuncha_store_set_meta (store, META_CA_FILE, absolute != NULL ? absolute : "", error)
      || !xuncha_store_set_meta (store, META_PINS, pins != NULL ? pins : "", error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_sync_enroll (XunchaStore             *store,
                    const char              *server,
                    const char              *officer_id,
                    const char              *code,
                    const char              *ca_file,
                    const char              *pins,
                    const char              *device_name,
                    XunchaCredentialsStore  *used,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(XunchaHttp) http = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *absolute_ca = NULL;
  g_autofree char *token = NULL;
  g_autofree char *encoded = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL && officer_id != NULL && code != NULL, FALSE);

  if (ca_file != NULL && *ca_file != '\0')
    absolute_ca = g_canonicalize_filename (ca_file, NULL);
  http = xuncha_http_new (server, absolute_ca, pins, error);
  if (http == NULL)
    return FALSE;

  encoded = xuncha_protocol_encode_enroll (officer_id, code,
                                           device_name != NULL ? device_name : g_get_host_name ());
  body = g_bytes_new_take (g_steal_pointer (&encoded), strlen (encoded));
  response = xuncha_http_request (http, "POST", "api/v1/enroll", "application/json; charset=utf-8",
                                  body, NULL, NULL, NULL, cancellable, &local_error);
  if (response == NULL)
    {
      int code_out = g_error_matches (local_error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_TLS)
                     ? XUNCHA_SYNC_ERROR_TLS
                     : g_error_matches (local_error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_PIN)
                     ? XUNCHA_SYNC_ERROR_PIN : XUNCHA_SYNC_ERROR_NETWORK;
      g_set_error (error, XUNCHA_SYNC_ERROR, code_out,
                   code_out == XUNCHA_SYNC_ERROR_NETWORK
                   ? _("Could not reach the office at %s: %s")
                   : _("The office at %s was refused: %s. Check the address, the office CA file "
                       "and the pin."),
                   server, local_error->message);
      return FALSE;
    }
  if (!response->server_mark)
    {
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CAPTIVE,
                   _("%s answered, but it is not a Xuncha office server (a Wi-Fi login page or "
                     "a wrong address?)."), server);
      return FALSE;
    }
  if (response->status == 401)
    {
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED,
                   _("The office refused the enrollment: the officer id or the code is wrong, "
                     "or the code was used already. Ask the office for a new code."));
      return FALSE;
    }
  if (response->status != 200
      || !xuncha_protocol_decode_enrolled (xuncha_http_response_text (response),
                                           (gssize)response->body->len, &token, &officer,
                                           &local_error))
    {
      g_autofree char *why = answer_message (response);
      g_set_error (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_PROTOCOL,
                   _("The enrollment failed: %s"),
                   local_error != NULL ? local_error->message : why);
      return FALSE;
    }

  if (!xuncha_credentials_save (xuncha_store_get_data_dir (store), server, officer_id, token,
                                used, error))
    return FALSE;
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (!xuncha_store_set_meta (store, META_SERVER, server, error)
      || !xuncha_store_set_meta (store, META_OFFICER, officer_id, error)
      || !xuncha_store_set_meta (store, META_CA_FILE, absolute_ca != NULL ? absolute_ca : "",
                                 error)
      || !xuncha_store_set_meta (store, META_PINS, pins != NULL ? pins : "", error)
      || !xuncha_store_set_meta (store, "sync.officer_name", officer.name, error)
      || !xuncha_store_set_meta (store, "sync.team", officer.team != NULL ? officer.team : "",
                                 error)
      || !xuncha_store_set_meta (store, "sync.token_store",
                                 *used == XUNCHA_CREDENTIALS_SECRET_SERVICE ? "secret-service"
                                                                           : "file", error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}
