/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <string.h>

#include "xuncha-office-api.h"
#include "xuncha-office-evidence-api.h"
#include "xuncha-office-log-text.h"
#include "xuncha-office-tasks-api.h"
#include "xuncha-taxonomy.h"
#include "xuncha-wire-delta.h"

struct _XunchaOfficeApi
{
  GObject                 parent_instance;

  XunchaOfficeRecords    *records;
  XunchaOfficePhotoStore *photos;
  GBytes                 *categories;
  gint64                  categories_revision;
  /* The taxonomy's codes, read-only once made: a XunchaTaxonomy's lookup walks a list
   * model whose cache is written on every read, which workers may not share. */
  GHashTable             *category_codes;
  gint64                  photo_max_bytes;
  gint64                  body_max_bytes;
  guint                   enroll_per_officer;
  guint                   enroll_per_address;
  guint                   enroll_window_s;
  /* The algorithm whose key the office keeps of a device's two (docs/evidence.md). */
  char                   *signature;
};

G_DEFINE_FINAL_TYPE (XunchaOfficeApi, xuncha_office_api, G_TYPE_OBJECT)

#define API "/api/v1/"
/* Failed enrollments the records keep at most: made-up officer ids cannot fill the disk,
 * and each address adds only a few per window before its own limit holds it. */
#define ENROLL_FAILURES_KEPT 10000

/* A body the shared decoder refused: malformed is 400; well-formed JSON whose member cannot
 * be taken as written (a name twice, a NUL in a string) is 422 unacceptable, and a value
 * outside its range, length or format 422 invalid_value; both name the member. */
static void
answer_decode_error (XunchaOfficeCall *call,
                     const GError     *error)
{
  if (g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE))
    xuncha_office_call_answer_error (call, 422, "unacceptable", error->message, NULL);
  else if (g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE))
    xuncha_office_call_answer_error (call, 422, "invalid_value", error->message, NULL);
  else
    xuncha_office_call_answer_error (call, 400, "bad_request", error->message, NULL);
}

/* Maps a storage error to its answer. */
static void
answer_storage_error (XunchaOfficeCall *call,
                      const GError     *error)
{
  static const struct { int code; guint status; const char *word; } map[] = {
    { XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED, 401, "unauthorized" },
    { XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN, 403, "forbidden" },
    { XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, 404, "not_found" },
    { XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT, 409, "conflict" },
    { XUNCHA_OFFICE_STORAGE_ERROR_MISSING_PHOTOS, 422, "missing_photos" },
    { XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH, 422, "hash_mismatch" },
    { XUNCHA_OFFICE_STORAGE_ERROR_INVALID, 400, "bad_request" },
    { XUNCHA_OFFICE_STORAGE_ERROR_BUSY, 503, "busy" },
    { XUNCHA_OFFICE_STORAGE_ERROR_REFUSED, 422, "invalid_value" },
    { XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN, 409, "task_taken" },
    { XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED, 409, "task_closed" },
  };

  if (error->domain == XUNCHA_OFFICE_STORAGE_ERROR)
    for (guint i = 0; i < G_N_ELEMENTS (map); i++)
      if (map[i].code == error->code)
        {
          if (map[i].status == 503)
            call->retry_after_s = 1;
          xuncha_office_call_answer_error (call, map[i].status, map[i].word, error->message,
                                           NULL);
          return;
        }
  {
    g_autofree char *method = xuncha_office_log_text (call->method);
    g_autofree char *path = xuncha_office_log_text (call->path);
    g_autofree char *text = xuncha_office_log_text (error->message);

    g_warning ("%s %s failed: %s", method, path, text);
  }
  xuncha_office_call_answer_error (call, 500, "internal", error->message, NULL);
}

void
xuncha_office_api_answer_storage_error (XunchaOfficeCall *call,
                                        const GError     *error)
{
  answer_storage_error (call, error);
}

void
xuncha_office_api_answer_decode_error (XunchaOfficeCall *call,
                                       const GError     *error)
{
  answer_decode_error (call, error);
}

/* The device token the call carries, NULL for none. */
static const char *
bearer_token (XunchaOfficeCall *call)
{
  if (call->authorization != NULL && g_ascii_strncasecmp (call->authorization, "Bearer ", 7) == 0)
    return call->authorization + 7;
  return NULL;
}

static gboolean
authenticate (XunchaOfficeApi   *self,
              XunchaOfficeCall  *call,
              XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  const char *token = bearer_token (call);

  if (!xuncha_office_records_authenticate (self->records, token, officer, &error))
    {
      answer_storage_error (call, error);
      return FALSE;
    }
  return TRUE;
}

/* How many of @failures (oldest first) match @value of @officer_ids (or of the addresses),
 * and when the one that must leave the window for the count to drop below @limit does. */
static guint
enroll_failures_count (GPtrArray  *failures,
                       gboolean    by_officer,
                       const char *value,
                       guint       limit,
                       gint64     *opens_at)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < failures->len; i++)
    {
      XunchaOfficeEnrollFailure *failure = failures->pdata[i];

      if (g_strcmp0 (by_officer ? failure->officer_id : failure->address, value) == 0)
        g_array_append_val (times, failure->at);
    }
  if (times->len >= limit)
    *opens_at = MAX (*opens_at, g_array_index (times, gint64, times->len - limit));
  return times->len;
}

/* Whether enrollment is closed for @officer_id or @address: too many failed attempts
 * within the window, counted from the records (the same for every office process, and
 * across restarts). A failure the clock now puts in the future (it was set back since)
 * is taken by the records as now: it counts for one whole window from now, neither for
 * ever nor less than it should. @retry_after_s: when it opens again. */
static gboolean
enroll_blocked (XunchaOfficeApi  *self,
                const char       *officer_id,
                const char       *address,
                gint64           *retry_after_s,
                GError          **error)
{
  gint64 now = g_get_real_time ();
  gint64 window = (gint64)self->enroll_window_s * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) failures = NULL;
  gint64 opens_at = G_MININT64;
  gboolean blocked;

  failures = xuncha_office_records_enroll_failures (self->records, now - window, now, error);
  if (failures == NULL)
    return FALSE;
  blocked = enroll_failures_count (failures, TRUE, officer_id, self->enroll_per_officer,
                                   &opens_at) >= self->enroll_per_officer;
  blocked |= enroll_failures_count (failures, FALSE, address, self->enroll_per_address,
                                    &opens_at) >= self->enroll_per_address;
  if (blocked)
    *retry_after_s = MAX (1, (opens_at + window - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return blocked;
}

static void
handle_enroll (XunchaOfficeApi  *self,
               XunchaOfficeCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *officer_id = NULL, *code = NULL, *device = NULL, *token = NULL;
  g_autofree char *sm2_public = NULL, *ed25519_public = NULL;
  g_autofree char *body = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };
  const char *address = call->remote_host != NULL ? call->remote_host : "";
  gint64 retry_after = 0;

  if (!xuncha_protocol_decode_enroll_keys (call->body != NULL
                                           ? g_bytes_get_data (call->body, NULL) : "",
                                           call->body != NULL
                                           ? (gssize)g_bytes_get_size (call->body) : 0,
                                           &officer_id, &code, &device, &sm2_public,
                                           &ed25519_public, &error))
    {
      answer_decode_error (call, error);
      return;
    }
  /* The decoder checked both keys; the office keeps the one it signs with. */
  if (sm2_public != NULL)
    {
      key = xuncha_evidence_key_new_from_public (g_str_equal (self->signature,
                                                              XUNCHA_EVIDENCE_ALGORITHM_SM2)
                                                 ? sm2_public : ed25519_public, &error);
      if (key == NULL)
        {
          xuncha_office_call_answer_error (call, 422, "invalid_value", error->message, NULL);
          return;
        }
    }
  if (enroll_blocked (self, officer_id, address, &retry_after, &error))
    {
      g_autofree char *who = xuncha_office_log_text (officer_id);
      g_autofree char *from = xuncha_office_log_text (address);

      g_message ("Refused an enrollment for officer %s from %s: too many failed attempts",
                 who, from);
      call->retry_after_s = (guint)MIN (retry_after, G_MAXUINT);
      xuncha_office_call_answer_error (call, 429, "too_many_attempts", "Too many failed "
                                       "enrollment attempts; wait and try again", NULL);
      return;
    }
  /* The records could not tell how many failed: closed rather than open. */
  if (error != NULL)
    {
      g_prefix_error (&error, "Could not read the failed enrollments: ");
      answer_storage_error (call, error);
      return;
    }
  if (!xuncha_office_records_enroll_with_key (self->records, officer_id, code, device, key,
                                              &token, &officer, &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED))
        {
          g_autofree char *who = xuncha_office_log_text (officer_id);
          g_autofree char *from = xuncha_office_log_text (address);
          XunchaOfficeEnrollFailure failure = { officer_id, (char *)address,
                                                g_get_real_time () };
          g_autoptr(GError) keep_error = NULL;

          /* Never the code: a near miss tells much about the right one. */
          g_message ("Failed enrollment for officer %s from %s: %s", who, from, error->message);
          if (!xuncha_office_records_enroll_failure_add (self->records, &failure,
                                                         ENROLL_FAILURES_KEPT, &keep_error))
            g_warning ("Could not keep a failed enrollment in the records: %s",
                       keep_error->message);
        }
      answer_storage_error (call, error);
      return;
    }
  {
    g_autofree char *who = xuncha_office_log_text (officer_id);
    g_autofree char *name = xuncha_office_log_text (device != NULL ? device : "unnamed");

    g_message ("Enrolled a device (%s) for officer %s%s%s", name, who,
               key != NULL ? ", signing key " : "",
               key != NULL ? xuncha_evidence_key_get_fingerprint (key) : "");
  }
  /* Only a device that sent keys is told the algorithm: one of before would refuse the
   * member. */
  body = key != NULL
         ? xuncha_protocol_encode_enrolled_signature (token, &officer, self->signature)
         : xuncha_protocol_encode_enrolled (token, &officer);
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_me (XunchaOfficeApi   *self,
           XunchaOfficeCall  *call,
           XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) streets = xuncha_office_records_assigned_streets (self->records, officer->id,
                                                                  &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autofree char *body = NULL;

  if (streets == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  /* Every sync begins with who-am-I: the console shows it as the device's last sync. */
  if (!xuncha_office_records_device_seen (self->records, bearer_token (call),
                                          g_get_real_time (), &error))
    {
      g_debug ("A device's last sync was not kept: %s", error->message);
      g_clear_error (&error);
    }
  body = xuncha_protocol_encode_me (officer, (const char * const *)streets, time,
                                    self->photo_max_bytes, self->body_max_bytes);
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_generation (XunchaOfficeApi  *self,
                   XunchaOfficeCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *generation = xuncha_office_records_generation (self->records, &error);
  g_autofree char *body = NULL;

  if (generation == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  body = xuncha_protocol_encode_generation (generation);
  xuncha_office_call_answer (call, 200, body);
}

/* The report's photos the photo store does not hold, in the report's order; NULL with
 * @error when the store could not tell. */
static GStrv
photos_missing (XunchaOfficeApi         *self,
                const XunchaWireReport  *report,
                GError                 **error)
{
  g_autoptr(GStrvBuilder) lacking = g_strv_builder_new ();

  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];
      g_autoptr(GError) local_error = NULL;

      if (xuncha_office_photo_store_held (self->photos, photo->sha256, NULL, NULL,
                                          &local_error))
        continue;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_strv_builder_add (lacking, photo->sha256);
    }
  return g_strv_builder_end (lacking);
}

static const char *
body_data (XunchaOfficeCall *call,
           gssize           *length)
{
  if (call->body == NULL)
    {
      *length = 0;
      return "";
    }
  *length = (gssize)g_bytes_get_size (call->body);
  return g_bytes_get_data (call->body, NULL);
}

static void
handle_report_put (XunchaOfficeApi   *self,
                   XunchaOfficeCall  *call,
                   XunchaWireOfficer *officer,
                   const char        *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireReport) report = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *body = NULL;
  XunchaOfficeReceipt receipt = { 0 };
  gboolean created = FALSE;
  const char *data;
  gssize length;

  data = body_data (call, &length);
  report = xuncha_wire_report_decode (data, length, &error);
  if (report == NULL)
    {
      answer_decode_error (call, error);
      return;
    }
  if (!g_str_equal (report->uuid, uuid))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "The report's uuid differs "
                                       "from the one in the path", NULL);
      return;
    }
  /* The decoder checks a category code's form; which codes exist is this office's
   * taxonomy, the one it serves to devices. */
  if (!g_hash_table_contains (self->category_codes, report->category))
    {
      g_autofree char *message = g_strdup_printf ("report.category: %s is not a category of "
                                                  "this office (GET api/v1/categories)",
                                                  report->category);
      xuncha_office_call_answer_error (call, 422, "invalid_value", message, NULL);
      return;
    }
  /* Signed by the device before anything of it is taken (docs/evidence.md). */
  if (!xuncha_office_evidence_api_check_report (self->records, call, officer,
                                                bearer_token (call), report))
    return;
  missing = photos_missing (self, report, &error);
  if (missing == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  /* Photos matter only for a report the office does not hold yet: one it holds (this
   * officer's again, another version, another officer's) gets the records' answer, as
   * the photos of a report it took were all there then. */
  if (missing[0] != NULL)
    {
      g_autoptr(XunchaOfficeReportRecord) held =
        xuncha_office_records_report_get (self->records, NULL, report->uuid, &error);

      if (held == NULL)
        {
          g_autofree char *message = NULL;

          if (!g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
            {
              answer_storage_error (call, error);
              return;
            }
          message = g_strdup_printf ("The office lacks %u photo(s) of this report",
                                     g_strv_length (missing));
          xuncha_office_call_answer_error (call, 422, "missing_photos", message,
                                           (const char * const *)missing);
          return;
        }
    }
  if (!xuncha_office_records_report_put (self->records, officer, report, &created, &receipt,
                                         &error))
    {
      answer_storage_error (call, error);
      xuncha_office_receipt_clear (&receipt);
      return;
    }
  body = xuncha_protocol_encode_receipt (receipt.id, receipt.received_at,
                                         receipt.content_sha256);
  xuncha_office_call_answer (call, created ? 201 : 200, body);
  xuncha_office_receipt_clear (&receipt);
}

static void
handle_report_get (XunchaOfficeApi   *self,
                   XunchaOfficeCall  *call,
                   XunchaWireOfficer *officer,
                   const char        *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeReportRecord) record =
    xuncha_office_records_report_get (self->records, officer, uuid, &error);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;

  if (record == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  object = xuncha_office_report_record_to_json (record);
  node = json_node_init_object (json_node_alloc (), object);
  body = xuncha_protocol_to_string (node);
  xuncha_office_call_answer (call, 200, body);
}

static gint64
since_of (XunchaOfficeCall *call)
{
  return call->since != NULL ? g_ascii_strtoll (call->since, NULL, 10) : 0;
}

static void
handle_status (XunchaOfficeApi   *self,
               XunchaOfficeCall  *call,
               XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  items = xuncha_office_records_status_since (self->records, officer, since_of (call),
                                              &revision, &error);
  if (items == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  objects = g_ptr_array_new_full (items->len, (GDestroyNotify)json_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (objects, xuncha_office_case_status_to_json (items->pdata[i]));
  body = xuncha_wire_delta_encode (XUNCHA_WIRE_DELTA_STATUS, revision, objects, NULL);
  call->revision = revision;
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_features (XunchaOfficeApi     *self,
                 XunchaOfficeCall    *call,
                 XunchaWireDeltaKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_auto(GStrv) deleted = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    items = xuncha_office_records_streets_since (self->records, since_of (call), &revision,
                                                 &deleted, &error);
  else
    items = xuncha_office_records_merchants_since (self->records, since_of (call), &revision,
                                                   &deleted, &error);
  if (items == NULL)
    {
      answer_storage_error (call, error);
      return;
    }
  objects = g_ptr_array_new_full (items->len, (GDestroyNotify)json_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (objects, kind == XUNCHA_WIRE_DELTA_STREETS
                              ? xuncha_office_street_to_json (items->pdata[i])
                              : xuncha_office_merchant_to_json (items->pdata[i]));
  body = xuncha_wire_delta_encode (kind, revision, objects, (const char * const *)deleted);
  call->revision = revision;
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_shift_put (XunchaOfficeApi   *self,
                  XunchaOfficeCall  *call,
                  XunchaWireOfficer *officer,
                  const char        *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireShift) shift = NULL;
  g_autofree char *body = NULL;
  gboolean created = FALSE;
  gint64 points = 0;
  const char *data;
  gssize length;

  data = body_data (call, &length);
  shift = xuncha_wire_shift_decode (data, length, &error);
  if (shift == NULL)
    {
      answer_decode_error (call, error);
      return;
    }
  if (!g_str_equal (shift->uuid, uuid))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "The shift's uuid differs "
                                       "from the one in the path", NULL);
      return;
    }
  if (!xuncha_office_records_shift_put (self->records, officer, shift, &created, &points,
                                        &error))
    {
      answer_storage_error (call, error);
      return;
    }
  body = xuncha_wire_shift_ack_encode (uuid, points);
  xuncha_office_call_answer (call, created ? 201 : 200, body);
}

static void
handle_points (XunchaOfficeApi   *self,
               XunchaOfficeCall  *call,
               XunchaWireOfficer *officer,
               const char        *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *body = NULL;
  gint64 stored = 0, total = 0;
  const char *data;
  gssize length;

  data = body_data (call, &length);
  points = xuncha_wire_points_decode (data, length, &error);
  if (points == NULL)
    {
      answer_decode_error (call, error);
      return;
    }
  if (!xuncha_office_records_points_add (self->records, officer, uuid, points, &stored, &total,
                                         &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        xuncha_office_call_answer_error (call, 404, "unknown_shift", error->message, NULL);
      else
        answer_storage_error (call, error);
      return;
    }
  body = xuncha_wire_points_ack_encode (stored, total);
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_photo_head (XunchaOfficeApi  *self,
                   XunchaOfficeCall *call,
                   const char       *sha)
{
  g_autoptr(GError) error = NULL;
  gint64 bytes = 0;

  if (!xuncha_protocol_is_sha256 (sha))
    xuncha_office_call_answer_error (call, 400, "bad_request", "A photo is named by 64 "
                                     "lowercase hex digits", NULL);
  else if (xuncha_office_photo_store_held (self->photos, sha, &bytes, NULL, &error))
    {
      xuncha_office_call_answer (call, 200, NULL);
      call->answer_length = bytes;
    }
  else if (error != NULL)
    answer_storage_error (call, error);
  else
    xuncha_office_call_answer (call, 404, NULL);
}

static void
handle_categories (XunchaOfficeApi  *self,
                   XunchaOfficeCall *call)
{
  call->status = 200;
  call->revision = self->categories_revision;
  g_clear_pointer (&call->answer, g_bytes_unref);
  call->answer = g_bytes_ref (self->categories);
}

void
xuncha_office_api_handle (XunchaOfficeApi  *self,
                          XunchaOfficeCall *call)
{
  const char *method = call->method;
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_autofree char *rest = NULL;
  char *slash;

  g_return_if_fail (XUNCHA_IS_OFFICE_API (self));
  g_return_if_fail (!xuncha_office_api_is_photo_put (call->method, call->path));

  if (!g_str_has_prefix (call->path, API))
    {
      xuncha_office_call_answer_error (call, 404, "not_found", "Not a protocol v1 call", NULL);
      return;
    }
  rest = g_strdup (call->path + strlen (API));

  if (g_str_equal (rest, "enroll"))
    {
      if (!g_str_equal (method, "POST"))
        xuncha_office_call_answer_error (call, 405, "method_not_allowed", "Use POST", NULL);
      else
        handle_enroll (self, call);
      return;
    }

  /* Everything else, the category list too, is for an enrolled device. */
  if (!authenticate (self, call, &officer))
    return;

  if (xuncha_office_tasks_api_handle (self->records, self->photos, call, &officer, rest))
    return;
  if (g_str_equal (rest, "me") && g_str_equal (method, "GET"))
    handle_me (self, call, &officer);
  else if (g_str_equal (rest, "generation") && g_str_equal (method, "GET"))
    handle_generation (self, call);
  else if (g_str_has_prefix (rest, "photos/") && g_str_equal (method, "HEAD"))
    handle_photo_head (self, call, rest + strlen ("photos/"));
  else if (g_str_equal (rest, "evidence"))
    {
      if (!g_str_equal (method, "PUT"))
        xuncha_office_call_answer_error (call, 405, "method_not_allowed", "Use PUT", NULL);
      else
        xuncha_office_evidence_api_put (self->records, call, &officer, bearer_token (call));
    }
  else if (g_str_equal (rest, "reports") && g_str_equal (method, "GET"))
    handle_status (self, call, &officer);
  else if (g_str_has_prefix (rest, "reports/")
           && xuncha_protocol_is_uuid (rest + strlen ("reports/")))
    {
      const char *uuid = rest + strlen ("reports/");

      if (g_str_equal (method, "PUT"))
        handle_report_put (self, call, &officer, uuid);
      else if (g_str_equal (method, "GET"))
        handle_report_get (self, call, &officer, uuid);
      else
        xuncha_office_call_answer_error (call, 405, "method_not_allowed", "Use PUT or GET",
                                         NULL);
    }
  else if (g_str_has_prefix (rest, "shifts/"))
    {
      char *uuid = rest + strlen ("shifts/");

      slash = strchr (uuid, '/');
      if (slash != NULL)
        *slash = '\0';
      if (!xuncha_protocol_is_uuid (uuid))
        xuncha_office_call_answer_error (call, 400, "bad_request", "A shift is named by a "
                                         "lowercase UUID", NULL);
      else if (slash == NULL && g_str_equal (method, "PUT"))
        handle_shift_put (self, call, &officer, uuid);
      else if (slash != NULL && g_str_equal (slash + 1, "points") && g_str_equal (method, "POST"))
        handle_points (self, call, &officer, uuid);
      else
        xuncha_office_call_answer_error (call, 404, "not_found", "No such call", NULL);
    }
  else if (g_str_equal (rest, "streets") && g_str_equal (method, "GET"))
    handle_features (self, call, XUNCHA_WIRE_DELTA_STREETS);
  else if (g_str_equal (rest, "merchants") && g_str_equal (method, "GET"))
    handle_features (self, call, XUNCHA_WIRE_DELTA_MERCHANTS);
  else if (g_str_equal (rest, "categories") && g_str_equal (method, "GET"))
    handle_categories (self, call);
  else
    xuncha_office_call_answer_error (call, 404, "not_found", "No such call", NULL);
}

gboolean
xuncha_office_api_is_photo_put (const char *method,
                                const char *path)
{
  return g_strcmp0 (method, "PUT") == 0 && path != NULL
         && g_str_has_prefix (path, API "photos/");
}

XunchaOfficePhotoUpload *
xuncha_office_api_photo_begin (XunchaOfficeApi  *self,
                               XunchaOfficeCall *call)
{
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *received_at = NULL;
  XunchaOfficePhotoUpload *upload;
  const char *sha;
  gint64 held_bytes = 0;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_API (self), NULL);
  g_return_val_if_fail (xuncha_office_api_is_photo_put (call->method, call->path), NULL);

  sha = call->path + strlen (API "photos/");
  if (!xuncha_protocol_is_sha256 (sha))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "A photo is named by 64 "
                                       "lowercase hex digits", NULL);
      return NULL;
    }
  if (!authenticate (self, call, &officer))
    return NULL;
  if (call->content_length > self->photo_max_bytes)
    {
      xuncha_office_call_answer_error (call, 413, "too_large", "The photo is larger than the "
                                       "office accepts", NULL);
      return NULL;
    }
  /* Already held: answered now, so that a client waiting for 100-continue never sends
   * the body again. */
  if (xuncha_office_photo_store_held (self->photos, sha, &held_bytes, &received_at, &error))
    {
      g_autofree char *body = xuncha_protocol_encode_photo_ack (sha, held_bytes, received_at);

      xuncha_office_call_answer (call, 200, body);
      return NULL;
    }
  if (error != NULL)
    {
      answer_storage_error (call, error);
      return NULL;
    }
  upload = xuncha_office_photo_store_begin (self->photos, &error);
  if (upload == NULL)
    answer_storage_error (call, error);
  return upload;
}

void
xuncha_office_api_photo_commit (XunchaOfficeApi         *self,
                                XunchaOfficeCall        *call,
                                XunchaOfficePhotoUpload *upload,
                                const GError            *write_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *received_at = NULL;
  g_autofree char *body = NULL;
  const char *sha;
  gboolean created = FALSE;
  gint64 bytes = 0;

  g_return_if_fail (XUNCHA_IS_OFFICE_API (self));
  g_return_if_fail (XUNCHA_IS_OFFICE_PHOTO_UPLOAD (upload));

  sha = call->path + strlen (API "photos/");
  if (write_error != NULL)
    {
      xuncha_office_photo_upload_abort (upload);
      answer_storage_error (call, write_error);
      return;
    }
  if (!xuncha_office_photo_upload_commit (upload, sha, &created, &bytes, &received_at, &error))
    {
      answer_storage_error (call, error);
      return;
    }
  body = xuncha_protocol_encode_photo_ack (sha, bytes, received_at);
  xuncha_office_call_answer (call, created ? 201 : 200, body);
}

static void
xuncha_office_api_finalize (GObject *object)
{
  XunchaOfficeApi *self = XUNCHA_OFFICE_API (object);

  g_clear_object (&self->records);
  g_clear_object (&self->photos);
  g_clear_pointer (&self->categories, g_bytes_unref);
  g_clear_pointer (&self->category_codes, g_hash_table_unref);
  g_free (self->signature);

  G_OBJECT_CLASS (xuncha_office_api_parent_class)->finalize (object);
}

static void
xuncha_office_api_class_init (XunchaOfficeApiClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_api_finalize;
}

static void
xuncha_office_api_init (XunchaOfficeApi *self)
{
  self->photo_max_bytes = XUNCHA_PROTOCOL_PHOTO_MAX_BYTES;
  self->body_max_bytes = XUNCHA_PROTOCOL_BODY_MAX_BYTES;
  self->enroll_per_officer = 5;
  self->enroll_per_address = 20;
  self->enroll_window_s = 600;
  /* GB/T 32918: what Chinese government systems are expected to use. */
  self->signature = g_strdup (XUNCHA_EVIDENCE_ALGORITHM_SM2);
  self->category_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

XunchaOfficeApi *
xuncha_office_api_new (XunchaOfficeRecords     *records,
                       XunchaOfficePhotoStore  *photos,
                       GBytes                  *categories,
                       GError                 **error)
{
  g_autoptr(XunchaOfficeApi) self = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  GListModel *list;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (records), NULL);
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (photos), NULL);
  g_return_val_if_fail (categories != NULL, NULL);

  taxonomy = xuncha_taxonomy_new_from_bytes (categories, error);
  if (taxonomy == NULL)
    return NULL;

  self = g_object_new (XUNCHA_TYPE_OFFICE_API, NULL);
  self->records = g_object_ref (records);
  self->photos = g_object_ref (photos);
  self->categories = g_bytes_ref (categories);
  self->categories_revision = xuncha_taxonomy_get_revision (taxonomy);
  list = xuncha_taxonomy_get_categories (taxonomy);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(XunchaCategory) category = g_list_model_get_item (list, i);

      g_hash_table_add (self->category_codes, g_strdup (xuncha_category_get_code (category)));
    }
  return g_steal_pointer (&self);
}

void
xuncha_office_api_set_limits (XunchaOfficeApi *self,
                              gint64           photo_max_bytes,
                              gint64           body_max_bytes)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_API (self));

  if (photo_max_bytes > 0)
    self->photo_max_bytes = photo_max_bytes;
  if (body_max_bytes > 0)
    self->body_max_bytes = body_max_bytes;
}

gboolean
xuncha_office_api_set_signature (XunchaOfficeApi  *self,
                                 const char       *algorithm,
                                 GError          **error)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_API (self), FALSE);

  if (!xuncha_evidence_algorithm_is_valid (algorithm))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown signature algorithm “%s”: use sm2 or ed25519",
                   algorithm != NULL ? algorithm : "");
      return FALSE;
    }
  g_free (self->signature);
  self->signature = g_strdup (algorithm);
  return TRUE;
}

void
xuncha_office_api_set_enroll_limits (XunchaOfficeApi *self,
                                     guint            per_officer,
                                     guint            per_address,
                                     guint            window_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_API (self));

  if (per_officer > 0)
    self->enroll_per_officer = per_officer;
  if (per_address > 0)
    self->enroll_per_address = per_address;
  if (window_s > 0)
    self->enroll_window_s = window_s;
}

gint64
xuncha_office_api_get_photo_max_bytes (XunchaOfficeApi *self)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_API (self), 0);

  return self->photo_max_bytes;
}

gint64
xuncha_office_api_get_body_max_bytes (XunchaOfficeApi *self)
{
  g_return_val_if_fail (XUNCHA_IS_OFFICE_API (self), 0);

  return self->body_max_bytes;
}
