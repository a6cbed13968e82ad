/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "xuncha-office-server.h"
#include "xuncha-taxonomy.h"
#include "xuncha-wire-delta.h"

struct _XunchaOfficeServer
{
  GObject              parent_instance;

  SoupServer          *soup;
  XunchaOfficeRecords *records;
  XunchaOfficePhotoStore *photos;
  GBytes              *categories;
  XunchaTaxonomy      *taxonomy;       /* the categories above, to know a report's */
  gint64               categories_revision;
  gint64               photo_max_bytes;
  gint64               body_max_bytes;
  guint                request_timeout_s;
  /* Failed enrollments: "o:ID" and "a:ADDRESS" -> GArray of monotonic times, ascending;
   * kept in the records too (with wall-clock times), read back at start. */
  GHashTable          *enroll_failures;
  guint                enroll_per_officer;
  guint                enroll_per_address;
  guint                enroll_window_s;
  GTlsCertificate     *certificate;      /* NULL: plain HTTP (tests of the office only) */
  /* The listening socket: the office accepts its connections itself (see on_accept()). */
  GSocket             *listen_socket;
  GSource             *accept_source;
  guint                accept_retry;     /* out of descriptors: the next try */
  gboolean             out_of_files;     /* said so already in this episode */
  GHashTable          *handshakes;       /* Handshake: accepted, TLS not yet done */
  GHashTable          *idle;             /* Idle: kept-alive connections between requests */
  GHashTable          *refusals;         /* Refusal: connections answered without their body */
};

/* A body must arrive at least this fast (bytes per second) once its headers are in: slow
 * mobile links pass, a client trickling bytes to hold a connection does not. */
#define BODY_MIN_RATE 4096
#define ENROLL_KEYS_MAX 10000
/* A device's requests carry a few hundred bytes of headers. libsoup itself drops a
 * connection past 64 KiB without an answer; below that this limit answers 431. Past it
 * nothing of ours runs: libsoup's reader fails before the request has a method, ends the
 * connection, and emits no signal for it (no request-finished or -aborted); what it read
 * sits in its private buffer. Only reading each request's head before libsoup does (on
 * the streams the office hands it, see on_accept()) could answer there. */
#define HEADERS_MAX_BYTES 16384
/* A body refused before its end is not read on; but what the client still sends for a
 * short while is read and dropped before the connection is closed (a lingering close), so
 * that the client reads the answer instead of a reset that can discard it. */
#define LINGER_S 2
#define LINGER_BYTES (1024 * 1024)

G_DEFINE_FINAL_TYPE (XunchaOfficeServer, xuncha_office_server, G_TYPE_OBJECT)

#define API "/api/v1/"

/* A photo upload in flight, kept on its message. */
typedef struct
{
  XunchaOfficePhotoUpload *upload;
  GError                  *error;
  XunchaWireOfficer        officer;
} PhotoUpload;

static void
photo_upload_free (gpointer data)
{
  PhotoUpload *pu = data;

  /* Dropping an upload neither committed nor aborted aborts it. */
  g_clear_object (&pu->upload);
  g_clear_error (&pu->error);
  xuncha_wire_officer_clear (&pu->officer);
  g_free (pu);
}

/* Text from outside (an officer id, a device name, a path) as it may go into the log:
 * control characters, quotes and backslashes escaped, non-ASCII bytes as octal, cut at
 * LOG_TEXT_MAX bytes. A line break in it cannot start a line of its own, such as a forged
 * "Enrolled a device" record. */
#define LOG_TEXT_MAX 128

static char *
log_text (const char *text)
{
  g_autofree char *cut = NULL;
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return g_strdup ("(none)");
  cut = g_strndup (text, LOG_TEXT_MAX);
  escaped = g_strescape (cut, NULL);
  return strlen (text) > LOG_TEXT_MAX ? g_strconcat (escaped, "…", NULL)
                                      : g_steal_pointer (&escaped);
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  if (json != NULL)
    soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                      SOUP_MEMORY_COPY, json, strlen (json));
}

static void
respond_error (SoupServerMessage   *msg,
               guint                status,
               const char          *code,
               const char          *message,
               const char * const  *missing)
{
  g_autofree char *body = xuncha_protocol_encode_error (code, message, missing);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *method = log_text (soup_server_message_get_method (msg));
  g_autofree char *path = log_text (uri != NULL ? g_uri_get_path (uri) : NULL);
  g_autofree char *text = log_text (message);

  g_debug ("%s %s -> %u %s", method, path, status, text);
  respond (msg, status, body);
}

/* A body the shared decoder refused: malformed is 400; well-formed JSON whose member cannot
 * be taken as written (a name twice, a NUL in a string) is 422 unacceptable, and a value
 * outside its range, length or format 422 invalid_value; both name the member. */
static void
respond_decode_error (SoupServerMessage *msg,
                      const GError      *error)
{
  if (g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE))
    respond_error (msg, 422, "unacceptable", error->message, NULL);
  else if (g_error_matches (error, XUNCHA_PROTOCOL_ERROR, XUNCHA_PROTOCOL_ERROR_VALUE))
    respond_error (msg, 422, "invalid_value", error->message, NULL);
  else
    respond_error (msg, 400, "bad_request", error->message, NULL);
}

/* Maps a storage error to its answer. */
static void
respond_storage_error (SoupServerMessage  *msg,
                       const GError       *error)
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
  };

  if (error->domain == XUNCHA_OFFICE_STORAGE_ERROR)
    for (guint i = 0; i < G_N_ELEMENTS (map); i++)
      if (map[i].code == error->code)
        {
          if (map[i].status == 503)
            soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                          "Retry-After", "1");
          respond_error (msg, map[i].status, map[i].word, error->message, NULL);
          return;
        }
  {
    g_autofree char *method = log_text (soup_server_message_get_method (msg));
    g_autofree char *path = log_text (g_uri_get_path (soup_server_message_get_uri (msg)));
    g_autofree char *text = log_text (error->message);

    g_warning ("%s %s failed: %s", method, path, text);
  }
  respond_error (msg, 500, "internal", error->message, NULL);
}

static gboolean
authenticate (XunchaOfficeServer *self,
              SoupServerMessage  *msg,
              XunchaWireOfficer  *officer)
{
  g_autoptr(GError) error = NULL;
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  const char *token = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    token = header + 7;
  if (!xuncha_office_records_authenticate (self->records, token, officer, &error))
    {
      respond_storage_error (msg, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_photo_put (SoupServerMessage *msg,
              const char        *path)
{
  return g_str_equal (soup_server_message_get_method (msg), "PUT")
         && g_str_has_prefix (path, API "photos/");
}

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  gsize *total = user_data;

  *total += strlen (name) + strlen (value) + 4;
}

/* After the headers, before the body: refuse early what cannot succeed, and send photo
 * bodies to a file as they arrive instead of holding them in memory (on_body_chunk()).
 * A refusal here with a body to follow is answered without reading it (on_got_headers()). */
static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  g_autoptr(GError) error = NULL;
  PhotoUpload *pu;
  gsize header_bytes = strlen (path);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);

  soup_message_headers_foreach (headers, add_header_size, &header_bytes);
  if (header_bytes > HEADERS_MAX_BYTES)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      respond_error (msg, 431, "headers_too_large", "The request headers are larger than the "
                     "office accepts", NULL);
      return;
    }

  if (!is_photo_put (msg, path))
    {
      if (length > self->body_max_bytes)
        respond_error (msg, 413, "too_large", "The request body is larger than the office "
                       "accepts", NULL);
      return;
    }

  if (!xuncha_protocol_is_sha256 (path + strlen (API "photos/")))
    {
      respond_error (msg, 400, "bad_request", "A photo is named by 64 lowercase hex digits",
                     NULL);
      return;
    }
  pu = g_new0 (PhotoUpload, 1);
  g_object_set_data_full (G_OBJECT (msg), "xuncha-photo-upload", pu, photo_upload_free);
  /* Whatever the answer, a photo body that libsoup reads is not kept in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (!authenticate (self, msg, &pu->officer))
    return;
  if (length > self->photo_max_bytes)
    {
      respond_error (msg, 413, "too_large", "The photo is larger than the office accepts",
                     NULL);
      return;
    }
  {
    g_autofree char *received_at = NULL;
    gint64 held_bytes = 0;

    /* Already held: answer now, so a client that waits for 100-continue never sends the
     * body again. */
    if (xuncha_office_photo_store_held (self->photos, path + strlen (API "photos/"),
                                        &held_bytes, &received_at, &error))
      {
        g_autofree char *body = xuncha_protocol_encode_photo_ack (path + strlen (API "photos/"),
                                                                  held_bytes, received_at);
        respond (msg, 200, body);
        return;
      }
    if (error != NULL)
      {
        respond_storage_error (msg, error);
        return;
      }
  }
  pu->upload = xuncha_office_photo_store_begin (self->photos, &error);
  if (pu->upload == NULL)
    {
      respond_storage_error (msg, error);
      return;
    }
}

static void
handle_photo_put (XunchaOfficeServer *self,
                  SoupServerMessage  *msg,
                  const char         *sha256)
{
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  g_autoptr(GError) error = NULL;
  g_autofree char *received_at = NULL;
  g_autofree char *body = NULL;
  gboolean created = FALSE;
  gint64 bytes = 0;
  g_autoptr(XunchaOfficePhotoUpload) upload = NULL;

  g_assert (pu != NULL && pu->upload != NULL);
  upload = g_steal_pointer (&pu->upload);
  if (pu->error != NULL)
    {
      xuncha_office_photo_upload_abort (upload);
      respond_storage_error (msg, pu->error);
      return;
    }
  if (!xuncha_office_photo_upload_commit (upload, sha256, &created, &bytes, &received_at,
                                          &error))
    {
      respond_storage_error (msg, error);
      return;
    }
  body = xuncha_protocol_encode_photo_ack (sha256, bytes, received_at);
  respond (msg, created ? 201 : 200, body);
}

/* Drops the failures of @key older than the window; returns how many are left. */
static guint
enroll_failures_recent (XunchaOfficeServer *self,
                        const char         *key,
                        gint64              now,
                        gint64             *oldest)
{
  GArray *times = g_hash_table_lookup (self->enroll_failures, key);
  gint64 window = (gint64)self->enroll_window_s * G_USEC_PER_SEC;
  guint old = 0;

  if (times == NULL)
    return 0;
  while (old < times->len && g_array_index (times, gint64, old) <= now - window)
    old++;
  g_array_remove_range (times, 0, old);
  if (times->len == 0)
    {
      g_hash_table_remove (self->enroll_failures, key);
      return 0;
    }
  if (oldest != NULL)
    *oldest = MIN (*oldest, g_array_index (times, gint64, 0));
  return times->len;
}

static void
enroll_failure_add (XunchaOfficeServer *self,
                    const char         *key,
                    gint64              now)
{
  GArray *times = g_hash_table_lookup (self->enroll_failures, key);

  if (times == NULL)
    {
      /* Many made-up officer ids must not grow the table without end: forget the stale
       * ones (each address adds only a few per window, its own limit holds it). */
      if (g_hash_table_size (self->enroll_failures) >= ENROLL_KEYS_MAX)
        {
          guint n = 0;
          g_autofree char **keys = (char **)g_hash_table_get_keys_as_array (self->enroll_failures,
                                                                            &n);
          g_auto(GStrv) copies = g_strdupv (keys);

          /* Copies: pruning removes (and frees) keys. */
          for (guint i = 0; i < n; i++)
            if (!g_str_has_prefix (copies[i], "a:"))
              enroll_failures_recent (self, copies[i], now, NULL);
        }
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->enroll_failures, g_strdup (key), times);
    }
  g_array_append_val (times, now);
}

/* Counts a failed enrollment here and keeps it in the records, so that a restart does not
 * open what the failures closed. */
static void
enroll_failure_record (XunchaOfficeServer *self,
                       const char         *officer_id,
                       const char         *address,
                       gint64              now)
{
  g_autofree char *officer_key = g_strconcat ("o:", officer_id, NULL);
  g_autofree char *address_key = g_strconcat ("a:", address, NULL);
  XunchaOfficeEnrollFailure failure = { (char *)officer_id, (char *)address,
                                        g_get_real_time () };
  g_autoptr(GError) error = NULL;

  enroll_failure_add (self, officer_key, now);
  enroll_failure_add (self, address_key, now);
  /* Counted in memory all the same: the limits hold until the next restart. */
  if (!xuncha_office_records_enroll_failure_add (self->records, &failure, ENROLL_KEYS_MAX,
                                                 &error))
    g_message ("Could not keep a failed enrollment in the database: %s", error->message);
}

/* The failures of the last window, from the records, on the monotonic clock of this run:
 * each keeps its age by the wall clock. The clock may have been set back since one was
 * kept, so that it lies in the future: the records take it as now, and it counts for one
 * whole window from now, neither for ever nor less than it should. A clock set forward
 * makes failures older than they are; nothing kept across a restart can tell. */
static gboolean
enroll_failures_load (XunchaOfficeServer  *self,
                      GError             **error)
{
  gint64 wall = g_get_real_time ();
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64)self->enroll_window_s * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) failures = NULL;

  failures = xuncha_office_records_enroll_failures (self->records, wall - window, wall, error);
  if (failures == NULL)
    {
      g_prefix_error (error, "Could not read the failed enrollments: ");
      return FALSE;
    }
  g_hash_table_remove_all (self->enroll_failures);
  for (guint i = 0; i < failures->len; i++)
    {
      XunchaOfficeEnrollFailure *failure = failures->pdata[i];
      g_autofree char *officer_key = g_strconcat ("o:", failure->officer_id, NULL);
      g_autofree char *address_key = g_strconcat ("a:", failure->address, NULL);
      gint64 at = now - (wall - MIN (failure->at, wall));

      enroll_failure_add (self, officer_key, at);
      enroll_failure_add (self, address_key, at);
    }
  if (failures->len > 0)
    g_message ("%u failed enrollments of the last %u s count against the limits",
               failures->len, self->enroll_window_s);
  return TRUE;
}

/* Whether enrollment is closed for this officer or this address; @retry_after_s: when it
 * opens again. */
static gboolean
enroll_blocked (XunchaOfficeServer *self,
                const char         *officer_key,
                const char         *address_key,
                gint64              now,
                gint64             *retry_after_s)
{
  gint64 oldest = G_MAXINT64;
  gboolean blocked = FALSE;

  if (enroll_failures_recent (self, officer_key, now, NULL) >= self->enroll_per_officer)
    {
      blocked = TRUE;
      enroll_failures_recent (self, officer_key, now, &oldest);
    }
  if (enroll_failures_recent (self, address_key, now, NULL) >= self->enroll_per_address)
    {
      gint64 address_oldest = G_MAXINT64;

      enroll_failures_recent (self, address_key, now, &address_oldest);
      oldest = blocked ? MAX (oldest, address_oldest) : address_oldest;
      blocked = TRUE;
    }
  if (blocked)
    *retry_after_s = MAX (1, (oldest + (gint64)self->enroll_window_s * G_USEC_PER_SEC - now
                              + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return blocked;
}

static void
handle_enroll (XunchaOfficeServer *self,
               SoupServerMessage  *msg,
               GBytes             *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *officer_id = NULL, *code = NULL, *device = NULL, *token = NULL;
  g_autofree char *body = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_autofree char *officer_key = NULL, *address_key = NULL;
  gint64 now, retry_after = 0;

  if (!xuncha_protocol_decode_enroll (g_bytes_get_data (request, NULL),
                                      (gssize)g_bytes_get_size (request), &officer_id, &code,
                                      &device, &error))
    {
      respond_decode_error (msg, error);
      return;
    }
  officer_key = g_strconcat ("o:", officer_id, NULL);
  address_key = g_strconcat ("a:", soup_server_message_get_remote_host (msg), NULL);
  now = g_get_monotonic_time ();
  if (enroll_blocked (self, officer_key, address_key, now, &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      g_autofree char *who = log_text (officer_id);
      g_autofree char *from = log_text (soup_server_message_get_remote_host (msg));

      g_message ("Refused an enrollment for officer %s from %s: too many failed attempts",
                 who, from);
      respond_error (msg, 429, "too_many_attempts", "Too many failed enrollment attempts; "
                     "wait and try again", NULL);
      return;
    }
  if (!xuncha_office_records_enroll (self->records, officer_id, code, device, &token, &officer,
                                     &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED))
        {
          g_autofree char *who = log_text (officer_id);
          g_autofree char *from = log_text (soup_server_message_get_remote_host (msg));

          /* Never the code: a near miss tells much about the right one. */
          g_message ("Failed enrollment for officer %s from %s: %s", who, from, error->message);
          enroll_failure_record (self, officer_id, soup_server_message_get_remote_host (msg),
                                 now);
        }
      respond_storage_error (msg, error);
      return;
    }
  {
    g_autofree char *who = log_text (officer_id);
    g_autofree char *name = log_text (device != NULL ? device : "unnamed");

    g_message ("Enrolled a device (%s) for officer %s", name, who);
  }
  body = xuncha_protocol_encode_enrolled (token, &officer);
  respond (msg, 200, body);
}

static void
handle_me (XunchaOfficeServer *self,
           SoupServerMessage  *msg,
           XunchaWireOfficer  *officer)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) streets = xuncha_office_records_assigned_streets (self->records, officer->id,
                                                                  &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autofree char *body = NULL;

  if (streets == NULL)
    {
      respond_storage_error (msg, error);
      return;
    }
  body = xuncha_protocol_encode_me (officer, (const char * const *)streets, time,
                                    self->photo_max_bytes, self->body_max_bytes);
  respond (msg, 200, body);
}

/* The report's photos the photo store does not hold, in the report's order; NULL with
 * @error when the store could not tell. */
static GStrv
photos_missing (XunchaOfficeServer      *self,
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

static void
handle_report_put (XunchaOfficeServer *self,
                   SoupServerMessage  *msg,
                   XunchaWireOfficer  *officer,
                   const char         *uuid,
                   GBytes             *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireReport) report = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *body = NULL;
  XunchaOfficeReceipt receipt = { 0 };
  gboolean created = FALSE;

  report = xuncha_wire_report_decode (g_bytes_get_data (request, NULL),
                                      (gssize)g_bytes_get_size (request), &error);
  if (report == NULL)
    {
      respond_decode_error (msg, error);
      return;
    }
  if (!g_str_equal (report->uuid, uuid))
    {
      respond_error (msg, 400, "bad_request", "The report's uuid differs from the one in the "
                     "path", NULL);
      return;
    }
  /* The decoder checks a category code's form; which codes exist is this office's
   * taxonomy, the one it serves to devices. */
  if (xuncha_taxonomy_lookup (self->taxonomy, report->category) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("report.category: %s is not a category of "
                                                  "this office (GET api/v1/categories)",
                                                  report->category);
      respond_error (msg, 422, "invalid_value", message, NULL);
      return;
    }
  missing = photos_missing (self, report, &error);
  if (missing == NULL)
    {
      respond_storage_error (msg, error);
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
              respond_storage_error (msg, error);
              return;
            }
          message = g_strdup_printf ("The office lacks %u photo(s) of this report",
                                     g_strv_length (missing));
          respond_error (msg, 422, "missing_photos", message, (const char * const *)missing);
          return;
        }
    }
  if (!xuncha_office_records_report_put (self->records, officer, report, &created, &receipt,
                                         &error))
    {
      respond_storage_error (msg, error);
      xuncha_office_receipt_clear (&receipt);
      return;
    }
  body = xuncha_protocol_encode_receipt (receipt.id, receipt.received_at,
                                         receipt.content_sha256);
  respond (msg, created ? 201 : 200, body);
  xuncha_office_receipt_clear (&receipt);
}

static void
respond_object (SoupServerMessage *msg,
                JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *body = xuncha_protocol_to_string (node);

  respond (msg, 200, body);
}

static gint64
since_of (GHashTable *query)
{
  const char *since = query != NULL ? g_hash_table_lookup (query, "since") : NULL;

  return since != NULL ? g_ascii_strtoll (since, NULL, 10) : 0;
}

static void
set_revision (SoupServerMessage *msg,
              gint64             revision)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, revision);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_REVISION_HEADER, text);
}

static void
handle_status (XunchaOfficeServer *self,
               SoupServerMessage  *msg,
               XunchaWireOfficer  *officer,
               GHashTable         *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  g_autoptr(GPtrArray) objects = NULL;

  items = xuncha_office_records_status_since (self->records, officer, since_of (query),
                                              &revision, &error);
  if (items == NULL)
    {
      respond_storage_error (msg, error);
      return;
    }
  objects = g_ptr_array_new_full (items->len, (GDestroyNotify)json_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (objects, xuncha_office_case_status_to_json (items->pdata[i]));
  body = xuncha_wire_delta_encode (XUNCHA_WIRE_DELTA_STATUS, revision, objects, NULL);
  set_revision (msg, revision);
  respond (msg, 200, body);
}

static void
handle_features (XunchaOfficeServer   *self,
                 SoupServerMessage    *msg,
                 XunchaWireDeltaKind   kind,
                 GHashTable           *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_auto(GStrv) deleted = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    items = xuncha_office_records_streets_since (self->records, since_of (query), &revision,
                                                 &deleted, &error);
  else
    items = xuncha_office_records_merchants_since (self->records, since_of (query), &revision,
                                                   &deleted, &error);
  if (items == NULL)
    {
      respond_storage_error (msg, error);
      return;
    }
  objects = g_ptr_array_new_full (items->len, (GDestroyNotify)json_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (objects, kind == XUNCHA_WIRE_DELTA_STREETS
                              ? xuncha_office_street_to_json (items->pdata[i])
                              : xuncha_office_merchant_to_json (items->pdata[i]));
  body = xuncha_wire_delta_encode (kind, revision, objects, (const char * const *)deleted);
  set_revision (msg, revision);
  respond (msg, 200, body);
}

static void
handle_shift_put (XunchaOfficeServer *self,
                  SoupServerMessage  *msg,
                  XunchaWireOfficer  *officer,
                  const char         *uuid,
                  GBytes             *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireShift) shift = NULL;
  g_autofree char *body = NULL;
  gboolean created = FALSE;
  gint64 points = 0;

  shift = xuncha_wire_shift_decode (g_bytes_get_data (request, NULL),
                                    (gssize)g_bytes_get_size (request), &error);
  if (shift == NULL)
    {
      respond_decode_error (msg, error);
      return;
    }
  if (!g_str_equal (shift->uuid, uuid))
    {
      respond_error (msg, 400, "bad_request", "The shift's uuid differs from the one in the "
                     "path", NULL);
      return;
    }
  if (!xuncha_office_records_shift_put (self->records, officer, shift, &created, &points,
                                        &error))
    {
      respond_storage_error (msg, error);
      return;
    }
  body = xuncha_wire_shift_ack_encode (uuid, points);
  respond (msg, created ? 201 : 200, body);
}

static void
handle_points (XunchaOfficeServer *self,
               SoupServerMessage  *msg,
               XunchaWireOfficer  *officer,
               const char         *uuid,
               GBytes             *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *body = NULL;
  gint64 stored = 0, total = 0;

  points = xuncha_wire_points_decode (g_bytes_get_data (request, NULL),
                                      (gssize)g_bytes_get_size (request), &error);
  if (points == NULL)
    {
      respond_decode_error (msg, error);
      return;
    }
  if (!xuncha_office_records_points_add (self->records, officer, uuid, points, &stored, &total,
                                         &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        respond_error (msg, 404, "unknown_shift", error->message, NULL);
      else
        respond_storage_error (msg, error);
      return;
    }
  body = xuncha_wire_points_ack_encode (stored, total);
  respond (msg, 200, body);
}

static void
handle_request (XunchaOfficeServer *self,
                SoupServerMessage  *msg,
                const char         *path,
                GHashTable         *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_autoptr(GBytes) request = NULL;
  g_autofree char *rest = NULL;
  char *slash;

  /* The early handler set it, but a message it refused never gets here and one that
   * passed may have had it cleared by nothing; setting it again is harmless. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);

  if (!g_str_has_prefix (path, API))
    {
      respond_error (msg, 404, "not_found", "Not a protocol v1 call", NULL);
      return;
    }
  rest = g_strdup (path + strlen (API));

  if (is_photo_put (msg, path))
    {
      handle_photo_put (self, msg, rest + strlen ("photos/"));
      return;
    }

  /* Counted as it arrived: never past body_max_bytes (see on_body_chunk()). */
  request = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (g_str_equal (rest, "enroll"))
    {
      if (!g_str_equal (method, "POST"))
        respond_error (msg, 405, "method_not_allowed", "Use POST", NULL);
      else
        handle_enroll (self, msg, request);
      return;
    }

  if (!authenticate (self, msg, &officer))
    return;

  if (g_str_equal (rest, "me") && g_str_equal (method, "GET"))
    handle_me (self, msg, &officer);
  else if (g_str_has_prefix (rest, "photos/") && g_str_equal (method, "HEAD"))
    {
      const char *sha = rest + strlen ("photos/");
      g_autoptr(GError) error = NULL;
      gint64 bytes = 0;

      if (!xuncha_protocol_is_sha256 (sha))
        respond_error (msg, 400, "bad_request", "A photo is named by 64 lowercase hex digits",
                       NULL);
      else if (xuncha_office_photo_store_held (self->photos, sha, &bytes, NULL, &error))
        {
          soup_server_message_set_status (msg, 200, NULL);
          soup_message_headers_set_content_length (
            soup_server_message_get_response_headers (msg), bytes);
        }
      else if (error != NULL)
        respond_storage_error (msg, error);
      else
        soup_server_message_set_status (msg, 404, NULL);
    }
  else if (g_str_equal (rest, "reports") && g_str_equal (method, "GET"))
    handle_status (self, msg, &officer, query);
  else if (g_str_has_prefix (rest, "reports/")
           && xuncha_protocol_is_uuid (rest + strlen ("reports/")))
    {
      const char *uuid = rest + strlen ("reports/");

      if (g_str_equal (method, "PUT"))
        handle_report_put (self, msg, &officer, uuid, request);
      else if (g_str_equal (method, "GET"))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(XunchaOfficeReportRecord) record =
            xuncha_office_records_report_get (self->records, &officer, uuid, &error);

          if (record == NULL)
            respond_storage_error (msg, error);
          else
            {
              g_autoptr(JsonObject) object = xuncha_office_report_record_to_json (record);

              respond_object (msg, object);
            }
        }
      else
        respond_error (msg, 405, "method_not_allowed", "Use PUT or GET", NULL);
    }
  else if (g_str_has_prefix (rest, "shifts/"))
    {
      const char *uuid = rest + strlen ("shifts/");

      slash = strchr (uuid, '/');
      if (slash != NULL)
        *slash = '\0';
      if (!xuncha_protocol_is_uuid (uuid))
        respond_error (msg, 400, "bad_request", "A shift is named by a lowercase UUID", NULL);
      else if (slash == NULL && g_str_equal (method, "PUT"))
        handle_shift_put (self, msg, &officer, uuid, request);
      else if (slash != NULL && g_str_equal (slash + 1, "points") && g_str_equal (method, "POST"))
        handle_points (self, msg, &officer, uuid, request);
      else
        respond_error (msg, 404, "not_found", "No such call", NULL);
    }
  else if (g_str_equal (rest, "streets") && g_str_equal (method, "GET"))
    handle_features (self, msg, XUNCHA_WIRE_DELTA_STREETS, query);
  else if (g_str_equal (rest, "merchants") && g_str_equal (method, "GET"))
    handle_features (self, msg, XUNCHA_WIRE_DELTA_MERCHANTS, query);
  else if (g_str_equal (rest, "categories") && g_str_equal (method, "GET"))
    {
      set_revision (msg, self->categories_revision);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                        SOUP_MEMORY_COPY,
                                        g_bytes_get_data (self->categories, NULL),
                                        g_bytes_get_size (self->categories));
    }
  else
    respond_error (msg, 404, "not_found", "No such call", NULL);
}

/* Deadlines. A client that trickles bytes, or holds a connection open without asking
 * anything (before its first request or between two), is cut off: its socket is shut
 * down, which ends the read libsoup waits on. The deadline lives on the socket, so it
 * also covers the wait for a kept-alive connection's next request, when there is no
 * message yet.
 *
 * While an answer is written the deadline watches the client read it: libsoup waits for
 * the socket to take more for as long as it takes, so a client that asks for the street
 * map and stops reading would otherwise keep the connection and the answer in memory for
 * ever. Each piece written moves the deadline on; silence for the request timeout, or an
 * answer read slower than BODY_MIN_RATE on the whole, ends the connection. */

typedef struct
{
  GSocket    *socket;      /* not owned: the deadline is data on it */
  guint       source;
  const char *why;         /* for the debug log */
  gint64      quiet_us;    /* while writing: the silence allowed, 0 otherwise */
  gint64      moved_at;    /* while writing: monotonic time of the last piece written */
  gint64      ends_at;     /* while writing: the latest end of the whole answer, or 0 */
} Deadline;

static void
deadline_free (gpointer data)
{
  Deadline *deadline = data;

  g_clear_handle_id (&deadline->source, g_source_remove);
  g_free (deadline);
}

static gboolean
on_deadline (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->source = 0;
  if (deadline->quiet_us > 0)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 end = deadline->moved_at + deadline->quiet_us;

      if (deadline->ends_at > 0)
        end = MIN (end, deadline->ends_at);
      if (now < end)
        {
          /* The client read some since this timer was set: wait for the rest. */
          deadline->source = g_timeout_add ((guint)((end - now) / 1000) + 1, on_deadline,
                                            deadline);
          return G_SOURCE_REMOVE;
        }
    }
  g_debug ("Closing a connection: %s", deadline->why);
  g_socket_shutdown (deadline->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static Deadline *
deadline_get (SoupServerMessage *msg)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");

  return socket != NULL ? g_object_get_data (G_OBJECT (socket), "xuncha-deadline") : NULL;
}

/* Replaces the deadline of @msg's connection; 0 clears it. The socket is the one kept
 * when the request started: by the time a message is finished, libsoup has let go of
 * its connection. */
static Deadline *
deadline_set (SoupServerMessage *msg,
              guint              seconds,
              const char        *why)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  Deadline *deadline;

  if (socket == NULL)
    return NULL;
  if (seconds == 0)
    {
      g_object_set_data (G_OBJECT (socket), "xuncha-deadline", NULL);
      return NULL;
    }
  deadline = g_new0 (Deadline, 1);
  deadline->socket = socket;
  deadline->why = why;
  deadline->source = g_timeout_add_seconds (seconds, on_deadline, deadline);
  g_object_set_data_full (G_OBJECT (socket), "xuncha-deadline", deadline, deadline_free);
  return deadline;
}

/* Answers libsoup makes by itself. libsoup refuses some requests before any handler of the
 * office runs: one it cannot read (a malformed request line, an HTTP version or transfer
 * coding it does not know, a missing or wrong Host, a Content-Length that is no number:
 * 400, 417, 501, 505, decided while it reads the headers, with no signal before it writes
 * the answer), one whose path climbs with an encoded "..", names the wrong scheme or holds
 * an encoded NUL (400, in its own got-headers handler, before the office's), and one no
 * handler takes (404, after the body). Each still gets the office's mark and a JSON error
 * whose code says the status, as the protocol promises for every answer. */

static const char *
error_code_for_status (guint status)
{
  static const struct { guint status; const char *code; } map[] = {
    { 400, "bad_request" }, { 401, "unauthorized" }, { 403, "forbidden" },
    { 404, "not_found" }, { 405, "method_not_allowed" }, { 409, "conflict" },
    { 413, "too_large" }, { 417, "expectation_failed" }, { 431, "headers_too_large" },
    { 500, "internal" }, { 501, "not_implemented" }, { 503, "busy" },
    { 505, "http_version_not_supported" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (map[i].status == status)
      return map[i].code;
  return status >= 500 ? "internal" : "bad_request";
}

static char *
libsoup_error_message (guint status)
{
  return g_strdup_printf ("The request was refused before the office could read it (%u %s)",
                          status, soup_status_get_phrase (status));
}

/* A status libsoup chose, with no body yet: the office's answer for it. */
static void
respond_libsoup_error (SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);
  g_autofree char *message = libsoup_error_message (status);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  respond_error (msg, status, error_code_for_status (status), message, NULL);
}

/* A request libsoup could not read is answered without any signal before its headers go
 * out: so every request starts out shaped for that answer (a JSON body that ends with the
 * connection, which can be added once the status is written, in on_wrote_headers_alone()),
 * and on_got_headers() makes an ordinary answer of it once the headers were read. */
static void
alone_begin (SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  g_object_set_data (G_OBJECT (msg), "xuncha-alone", GINT_TO_POINTER (TRUE));
  soup_message_headers_set_encoding (response, SOUP_ENCODING_EOF);
  soup_message_headers_replace (response, "Content-Type", "application/json; charset=utf-8");
  soup_message_headers_replace (response, "Connection", "close");
}

static void
alone_end (SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (g_object_get_data (G_OBJECT (msg), "xuncha-alone") == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-alone", NULL);
  soup_message_headers_set_encoding (response, SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_remove (response, "Content-Type");
  soup_message_headers_remove (response, "Connection");
}

static void
on_wrote_headers_alone (SoupServerMessage *msg,
                        gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  guint status = soup_server_message_get_status (msg);
  g_autofree char *message = NULL;
  g_autofree char *json = NULL;

  if (g_object_get_data (G_OBJECT (msg), "xuncha-alone") == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-alone", NULL);
  message = libsoup_error_message (status);
  json = xuncha_protocol_encode_error (error_code_for_status (status), message, NULL);
  g_debug ("A request libsoup could not read -> %u", status);
  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, json, strlen (json));
  soup_message_body_complete (body);
}

/* Bodies. Every request body is counted as it arrives (on_body_chunk()) and stopped at its
 * limit: photo_max_bytes for a photo, body_max_bytes for any other. A length over the limit
 * is refused before the body. Stopping means not reading on: once libsoup has a status it
 * still reads the whole body (into memory, unless told otherwise) before it writes the
 * answer, unless the client asked for 100-continue and so sends no body unasked. So the
 * office pauses libsoup's reading, takes the connection from it (never inside libsoup's
 * read: from the main loop), writes the answer itself, reads and drops what the client
 * still sends for a short while, and closes the connection. Such a connection is never
 * handed back to libsoup (see keep_alive_take()): it ends there. */

typedef struct
{
  XunchaOfficeServer *self;
  gint64              limit;
  gint64              received;
} BodyCount;

typedef struct
{
  XunchaOfficeServer *self;          /* while listed in self->refusals */
  SoupServerMessage  *msg;           /* until its connection is taken */
  GSocket            *socket;
  GIOStream          *stream;
  GBytes             *answer;
  GCancellable       *cancellable;
  GSource            *take;
  guint               linger;
  gsize               drained;
  guint8              buffer[16384];
} Refusal;

static void
refusal_clear (gpointer data)
{
  Refusal *refusal = data;

  g_clear_object (&refusal->msg);
  /* The socket first: closing the stream would otherwise try to say goodbye in TLS to a
   * client that may not read. */
  if (refusal->socket != NULL)
    g_socket_close (refusal->socket, NULL);
  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->stream);
  g_clear_pointer (&refusal->answer, g_bytes_unref);
  g_clear_object (&refusal->cancellable);
}

/* Taken off the office's list: when done, or when the office stops. */
static void
refusal_unlist (gpointer data)
{
  Refusal *refusal = data;

  refusal->self = NULL;
  g_cancellable_cancel (refusal->cancellable);
  g_clear_handle_id (&refusal->linger, g_source_remove);
  if (refusal->take != NULL)
    {
      g_source_destroy (refusal->take);
      g_clear_pointer (&refusal->take, g_source_unref);
    }
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
refusal_end (Refusal *refusal)
{
  if (refusal->self != NULL)
    g_hash_table_remove (refusal->self->refusals, refusal);
}

static gboolean
on_refusal_linger_over (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->linger = 0;
  g_debug ("Closing a refused connection: the client still sends after %d s", LINGER_S);
  g_cancellable_cancel (refusal->cancellable);
  refusal_end (refusal);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_closed (GObject      *stream,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refusal *refusal = user_data;

  g_io_stream_close_finish (G_IO_STREAM (stream), result, NULL);
  refusal_end (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
refusal_close (Refusal *refusal)
{
  if (refusal->self == NULL)
    return;
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, refusal->cancellable,
                           on_refusal_closed, g_rc_box_acquire (refusal));
}

static void
on_refusal_drained (GObject      *in,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (in), result, NULL);

  if (n > 0)
    refusal->drained += (gsize)n;
  if (n > 0 && refusal->drained < LINGER_BYTES && refusal->self != NULL)
    g_input_stream_read_async (G_INPUT_STREAM (in), refusal->buffer, sizeof refusal->buffer,
                               G_PRIORITY_DEFAULT, refusal->cancellable, on_refusal_drained,
                               g_rc_box_acquire (refusal));
  else
    refusal_close (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
on_refusal_written (GObject      *out,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (out), result, NULL, NULL)
      && refusal->self != NULL)
    g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream),
                               refusal->buffer, sizeof refusal->buffer, G_PRIORITY_DEFAULT,
                               refusal->cancellable, on_refusal_drained,
                               g_rc_box_acquire (refusal));
  else
    refusal_end (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

/* The answer set on @msg as the office writes it on a taken connection: its headers, the
 * body's length, and no keep-alive. */
static GBytes *
refusal_answer (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *answer = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (answer, "HTTP/1.%c %u %s\r\n",
                          soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0 ? '0' : '1',
                          soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0
        && g_ascii_strcasecmp (name, "Transfer-Encoding") != 0
        && g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (answer, "%s: %s\r\n", name, value);
  g_string_append_printf (answer, "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n", g_bytes_get_size (body));
  g_string_append_len (answer, g_bytes_get_data (body, NULL), (gssize)g_bytes_get_size (body));
  return g_string_free_to_bytes (answer);
}

static gboolean
on_refusal_take (gpointer user_data)
{
  Refusal *refusal = user_data;

  g_clear_pointer (&refusal->take, g_source_unref);
  refusal->answer = refusal_answer (refusal->msg);
  refusal->stream = soup_server_message_steal_connection (refusal->msg);
  g_clear_object (&refusal->msg);
  if (refusal->stream == NULL)
    {
      refusal_end (refusal);
      return G_SOURCE_REMOVE;
    }
  refusal->linger = g_timeout_add_seconds (LINGER_S, on_refusal_linger_over, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->answer, NULL),
                                   g_bytes_get_size (refusal->answer), G_PRIORITY_DEFAULT,
                                   refusal->cancellable, on_refusal_written,
                                   g_rc_box_acquire (refusal));
  return G_SOURCE_REMOVE;
}

/* Answers @msg (its status and body are set) without reading the rest of its body. Called
 * from libsoup's reading: it stops it, and takes the connection at the next turn of the
 * main loop. */
static void
refuse_unread (XunchaOfficeServer *self,
               SoupServerMessage  *msg)
{
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  Refusal *refusal;

  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-refused", GINT_TO_POINTER (TRUE));
  /* After a 100 Continue libsoup cleared the answer's headers. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  /* Nothing of it is kept: the photo's temporary file goes now. */
  if (pu != NULL && pu->upload != NULL)
    {
      xuncha_office_photo_upload_abort (pu->upload);
      g_clear_object (&pu->upload);
    }
  /* The lingering close has its own, shorter bound. */
  deadline_set (msg, 0, NULL);
  soup_server_message_pause (msg);

  refusal = g_rc_box_new0 (Refusal);
  refusal->self = self;
  refusal->msg = g_object_ref (msg);
  refusal->socket = socket != NULL ? g_object_ref (socket) : NULL;
  refusal->cancellable = g_cancellable_new ();
  refusal->take = g_idle_source_new ();
  g_source_set_priority (refusal->take, G_PRIORITY_HIGH);
  g_source_set_callback (refusal->take, on_refusal_take, refusal, NULL);
  g_source_attach (refusal->take, NULL);
  g_hash_table_add (self->refusals, refusal);
}

static void
on_body_chunk (SoupServerMessage *msg,
               GBytes            *chunk,
               gpointer           user_data)
{
  BodyCount *count = user_data;
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  count->received += (gint64)length;
  if (count->received > count->limit)
    {
      respond_error (msg, 413, "too_large", pu != NULL
                     ? "The photo is larger than the office accepts"
                     : "The request body is larger than the office accepts", NULL);
      refuse_unread (count->self, msg);
      return;
    }
  /* Keep reading after a failed write: the answer comes when the body is in. */
  if (pu != NULL && pu->error == NULL && pu->upload != NULL)
    xuncha_office_photo_upload_write (pu->upload, data, length, &pu->error);
}

/* After libsoup's got-headers handler, which ran the early handler: libsoup has read the
 * request's headers; its body, if any, comes next. */
static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = soup_message_headers_get_content_length (headers);
  guint status = soup_server_message_get_status (msg);
  gboolean body_follows = encoding == SOUP_ENCODING_CHUNKED
                          || (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > 0);
  gboolean expects_continue =
    (soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE) != 0;
  GUri *uri = soup_server_message_get_uri (msg);
  BodyCount *count;

  alone_end (msg);
  /* The office serves whole answers: libsoup would cut any 200 to a range asked for, or
   * answer 416 with an empty body. */
  soup_message_headers_remove (headers, "Range");

  if (status != 0 && soup_server_message_get_response_body (msg)->length == 0)
    respond_libsoup_error (msg);
  if (status >= 400 && body_follows)
    {
      /* A client that waits for 100-continue sends no body, but may send it later
       * anyway: what came next on the connection would not be a request. */
      if (expects_continue)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Connection", "close");
      else
        refuse_unread (self, msg);
      return;
    }
  if (!body_follows)
    {
      deadline_set (msg, self->request_timeout_s, "the request came in too slowly");
      return;
    }

  count = g_new0 (BodyCount, 1);
  count->self = self;
  count->limit = uri != NULL && is_photo_put (msg, g_uri_get_path (uri)) ? self->photo_max_bytes
                                                                         : self->body_max_bytes;
  g_object_set_data_full (G_OBJECT (msg), "xuncha-body-count", count, g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_body_chunk), count);
  /* The body may be as large as its limit, or its length when that is less. */
  deadline_set (msg, self->request_timeout_s
                     + (guint)((length > 0 ? MIN (length, count->limit) : count->limit)
                               / BODY_MIN_RATE),
                "the request came in too slowly");
}

/* The request is in; the answer is made and written next. */
static void
on_got_body (SoupServerMessage *msg,
             gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  Deadline *deadline = deadline_set (msg, self->request_timeout_s,
                                     "the client stopped reading its answer");

  /* After a 100 Continue libsoup cleared the answer's headers; and where no handler took
   * the request, it chose 404 itself. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  if (soup_server_message_get_status (msg) >= 400
      && soup_server_message_get_method (msg) != SOUP_METHOD_HEAD
      && soup_server_message_get_response_body (msg)->length == 0)
    respond_libsoup_error (msg);

  if (deadline != NULL)
    {
      deadline->quiet_us = (gint64)self->request_timeout_s * G_USEC_PER_SEC;
      deadline->moved_at = g_get_monotonic_time ();
    }
}

/* Its length known, the whole answer gets an end too: a client reading a few bytes now
 * and then does not hold it for hours. */
static void
on_wrote_headers (SoupServerMessage *msg,
                  gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  Deadline *deadline = deadline_get (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (deadline == NULL || deadline->quiet_us == 0)
    return;
  deadline->moved_at = g_get_monotonic_time ();
  /* Every answer of the office has a length; one without gets only the silence limit. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return;
  deadline->ends_at = deadline->moved_at
                      + ((gint64)self->request_timeout_s + length / BODY_MIN_RATE)
                        * G_USEC_PER_SEC;
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              chunk_size,
                    gpointer           user_data)
{
  Deadline *deadline = deadline_get (msg);

  if (deadline != NULL && deadline->quiet_us > 0)
    deadline->moved_at = g_get_monotonic_time ();
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Deadline *deadline;

  handle_request (user_data, msg, path, query);
  /* The answer is ready: the client's silence counts from now, not from while the office
   * was making it (the main loop ran no timer meanwhile). */
  deadline = deadline_get (msg);
  if (deadline != NULL && deadline->quiet_us > 0)
    deadline->moved_at = g_get_monotonic_time ();
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  GSocket *socket = NULL;

  /* libsoup has no socket of its own for a connection handed to it (see on_accept() and
   * keep_alive_take()): the office keeps it with the peer's address. */
  if (remote != NULL)
    socket = g_object_get_data (G_OBJECT (remote), "xuncha-socket");
  if (socket != NULL)
    g_object_set_data_full (G_OBJECT (msg), "xuncha-socket", g_object_ref (socket),
                            g_object_unref);
  deadline_set (msg, self->request_timeout_s, "no request came, or it came too slowly");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  alone_begin (msg);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers_alone), self);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), self);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), self);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
}

/* Keep-alive. libsoup 3.2 (the Debian 12 floor) never lets go of a kept-alive connection
 * that the client closes while libsoup waits for its next request: that wait has no
 * message anyone sees, and its end disconnects nothing, so each such connection kept its
 * socket and TLS state until the office stopped (a busy office ran out of descriptors
 * after about a thousand syncs; libsoup 3.3 mends it). So the office waits itself: once an
 * answer is out, it takes the connection from libsoup (soup_server_message_steal_connection,
 * which lets libsoup forget it), and when the client sends more, or closes, or the idle
 * deadline shuts the socket, it hands the stream back with soup_server_accept_iostream().
 * There a closed connection ends as a first request would: libsoup disconnects it. */

typedef struct
{
  XunchaOfficeServer *self;
  SoupServerMessage  *msg;           /* the answered one, until its connection is taken */
  gboolean            disconnected;  /* libsoup ended that connection itself */
  GIOStream          *stream;        /* then: the connection, waiting */
  GSocketAddress     *local;
  GSocketAddress     *remote;
  GSource            *source;
} Idle;

static void
on_idle_disconnected (SoupServerMessage *msg,
                      gpointer           user_data)
{
  Idle *idle = user_data;

  idle->disconnected = TRUE;
}

static void
idle_free (gpointer data)
{
  Idle *idle = data;

  if (idle->source != NULL)
    {
      g_source_destroy (idle->source);
      g_source_unref (idle->source);
    }
  if (idle->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (idle->msg, idle);
      g_object_unref (idle->msg);
    }
  /* Only when the office stops with connections waiting. */
  if (idle->stream != NULL)
    g_io_stream_close (idle->stream, NULL, NULL);
  g_clear_object (&idle->stream);
  g_clear_object (&idle->local);
  g_clear_object (&idle->remote);
  g_free (idle);
}

/* The client sent more, or the connection ended: libsoup reads it. */
static gboolean
on_idle_readable (GObject  *pollable,
                  gpointer  user_data)
{
  Idle *idle = user_data;
  XunchaOfficeServer *self = idle->self;
  g_autoptr(GIOStream) stream = g_steal_pointer (&idle->stream);
  g_autoptr(GSocketAddress) local = g_steal_pointer (&idle->local);
  g_autoptr(GSocketAddress) remote = g_steal_pointer (&idle->remote);

  g_hash_table_remove (self->idle, idle);
  g_object_set_data_full (G_OBJECT (remote), "xuncha-stream", g_object_ref (stream),
                          g_object_unref);
  soup_server_accept_iostream (self->soup, stream, local, remote, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_take (gpointer user_data)
{
  Idle *idle = user_data;
  XunchaOfficeServer *self = idle->self;
  SoupServerMessage *msg = idle->msg;
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  GSocketAddress *remote = NULL, *local = NULL;
  g_autoptr(GIOStream) taken = NULL;
  GIOStream *handed;

  g_source_unref (g_steal_pointer (&idle->source));
  /* A disconnected message's addresses are not to be asked for: libsoup asks the closed
   * socket. */
  if (!idle->disconnected)
    {
      remote = soup_server_message_get_remote_address (msg);
      local = soup_server_message_get_local_address (msg);
    }
  if (remote == NULL || local == NULL || socket == NULL)
    {
      g_hash_table_remove (self->idle, idle);
      return G_SOURCE_REMOVE;
    }
  idle->remote = g_object_ref (remote);
  idle->local = g_object_ref (local);
  handed = g_object_get_data (G_OBJECT (remote), "xuncha-stream");
  taken = soup_server_message_steal_connection (msg);
  g_signal_handlers_disconnect_by_data (msg, idle);
  g_clear_object (&idle->msg);
  if (taken == NULL)
    {
      g_hash_table_remove (self->idle, idle);
      return G_SOURCE_REMOVE;
    }
  g_object_set_data_full (G_OBJECT (idle->remote), "xuncha-socket", g_object_ref (socket),
                          g_object_unref);
  /* From a connection the office handed over, libsoup gives back its own wrapper of the
   * stream handed; unless bytes wait in that wrapper (a client sending its next request
   * early), the stream handed is the one to wait on, so wrappers do not pile up. */
  if (handed != NULL
      && !g_pollable_input_stream_is_readable (
            G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (taken))))
    idle->stream = g_object_ref (handed);
  else
    idle->stream = g_steal_pointer (&taken);
  idle->source = g_pollable_input_stream_create_source (
    G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (idle->stream)), NULL);
  g_source_set_callback (idle->source, (GSourceFunc)on_idle_readable, idle, NULL);
  g_source_attach (idle->source, NULL);
  return G_SOURCE_REMOVE;
}

/* Called as libsoup finishes @msg, before it starts waiting for the next request: the
 * connection is taken at the next turn of the main loop, first thing (high priority), so
 * libsoup's wait has read nothing yet. If libsoup ends the connection instead (no
 * keep-alive), the message says so before that turn. */
static void
keep_alive_take (XunchaOfficeServer *self,
                 SoupServerMessage  *msg)
{
  Idle *idle = g_new0 (Idle, 1);

  idle->self = self;
  idle->msg = g_object_ref (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_idle_disconnected), idle);
  idle->source = g_idle_source_new ();
  g_source_set_priority (idle->source, G_PRIORITY_HIGH);
  g_source_set_callback (idle->source, on_idle_take, idle, NULL);
  g_source_attach (idle->source, NULL);
  g_hash_table_add (self->idle, idle);
}

/* Answered: the connection may wait for a next request, but not for ever (the deadline
 * shuts its socket, which ends the office's wait too). */
static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;

  /* A refused connection ends with its answer (libsoup does not finish a message whose
   * connection was taken, so this is only a guard). */
  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  deadline_set (msg, self->request_timeout_s, "it stayed idle after an answer");
  keep_alive_take (self, msg);
}

/* Accepting. The office takes each connection off its listening socket itself, makes its
 * TLS handshake, and hands the stream to libsoup (soup_server_accept_iostream()). libsoup
 * 3.2's own listener (the Debian 12 floor) could not run a city's office for long:
 * - it keeps a reference to every socket it accepts, for good;
 * - a connection whose TLS handshake fails (a port scan, a phone that leaves the Wi-Fi
 *   mid-handshake) keeps itself alive through its first message, TLS state and all:
 *   some 20 KiB each, for good (both mended upstream in 3.4);
 * - after one failed accept (out of descriptors) it never accepts again.
 * libsoup keeps connections alive only for a server with a listener of its own, so it gets
 * one that nobody can reach (see inert_listener()). */

typedef struct
{
  XunchaOfficeServer *self;          /* while listed in self->handshakes */
  GSocket            *socket;
  GIOStream          *stream;        /* the TLS connection over the socket */
  guint               deadline;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  g_clear_handle_id (&handshake->deadline, g_source_remove);
  g_clear_object (&handshake->socket);
  g_clear_object (&handshake->stream);
  g_free (handshake);
}

/* Taken off the office's list when the office stops: the handshake fails on the shut
 * socket, and on_handshake_done() lets go of it. */
static void
handshake_unlist (gpointer data)
{
  Handshake *handshake = data;

  handshake->self = NULL;
  g_clear_handle_id (&handshake->deadline, g_source_remove);
  g_socket_shutdown (handshake->socket, TRUE, TRUE, NULL);
}

/* Hands a connection ready for HTTP to libsoup, with the socket under it kept where
 * on_request_started() finds it: libsoup knows no socket for a stream handed to it. */
static void
hand_to_soup (XunchaOfficeServer *self,
              GSocket            *socket,
              GIOStream          *stream)
{
  g_autoptr(GSocketAddress) local = NULL, remote = NULL;
  g_autoptr(GError) error = NULL;

  local = g_socket_get_local_address (socket, &error);
  if (local != NULL)
    remote = g_socket_get_remote_address (socket, &error);
  if (remote == NULL)
    {
      /* The client is gone already. */
      g_debug ("Dropping a connection: %s", error->message);
      g_socket_close (socket, NULL);
      return;
    }
  g_object_set_data_full (G_OBJECT (remote), "xuncha-socket", g_object_ref (socket),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (remote), "xuncha-stream", g_object_ref (stream),
                          g_object_unref);
  soup_server_accept_iostream (self->soup, stream, local, remote, NULL);
}

static void
on_handshake_done (GObject      *stream,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Handshake *handshake = user_data;
  XunchaOfficeServer *self = handshake->self;
  g_autoptr(GError) error = NULL;

  if (self != NULL)
    g_hash_table_steal (self->handshakes, handshake);
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (stream), result, &error)
      && self != NULL)
    hand_to_soup (self, handshake->socket, handshake->stream);
  else
    {
      if (error != NULL)
        g_debug ("Closing a connection: no TLS handshake: %s", error->message);
      /* No TLS goodbye: the client did not finish saying hello. */
      g_socket_close (handshake->socket, NULL);
    }
  handshake_free (handshake);
}

static gboolean
on_handshake_deadline (gpointer user_data)
{
  Handshake *handshake = user_data;

  handshake->deadline = 0;
  g_debug ("Closing a connection: its TLS handshake came too slowly");
  /* The handshake fails on the shut socket, and on_handshake_done() lets go of it. A
   * cancellable would do too, but waiting on one takes a descriptor of its own, which an
   * office out of them does not have. */
  g_socket_shutdown (handshake->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
handshake_start (XunchaOfficeServer *self,
                 GSocket            *socket)
{
  const char *protocols[] = { "http/1.1", "http/1.0", NULL };
  g_autoptr(GSocketConnection) connection = g_socket_connection_factory_create_connection (socket);
  g_autoptr(GError) error = NULL;
  Handshake *handshake;
  GIOStream *tls;

  /* No certificate database: the office asks devices for no certificate, and the default
   * one (the system's authorities) would be loaded into every connection's TLS session,
   * which made each handshake several times slower. */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, &error,
                        "base-io-stream", connection,
                        "certificate", self->certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_message ("Could not begin a TLS connection: %s", error->message);
      g_socket_close (socket, NULL);
      return;
    }
  /* HTTP says where a body ends; a client that closes without a TLS goodbye loses nothing
   * the office needs (libsoup asks the same). */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);

  handshake = g_new0 (Handshake, 1);
  handshake->self = self;
  handshake->socket = g_object_ref (socket);
  handshake->stream = tls;
  handshake->deadline = g_timeout_add_seconds (self->request_timeout_s, on_handshake_deadline,
                                               handshake);
  g_hash_table_add (self->handshakes, handshake);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake_done, handshake);
}

static gboolean on_accept (GSocket      *listen_socket,
                           GIOCondition  condition,
                           gpointer      user_data);

static void
accept_watch (XunchaOfficeServer *self)
{
  self->accept_source = g_socket_create_source (self->listen_socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc)(void (*)(void))on_accept, self,
                         NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
on_accept_retry (gpointer user_data)
{
  XunchaOfficeServer *self = user_data;

  self->accept_retry = 0;
  accept_watch (self);
  return G_SOURCE_REMOVE;
}

/* A few connections a turn, so that a crowd at the door does not keep the office from
 * answering those inside. Out of descriptors, the office stops looking for a moment, says
 * so once, and takes connections again once some are free. */
static gboolean
on_accept (GSocket      *listen_socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  XunchaOfficeServer *self = user_data;

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listen_socket, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            {
              if (!self->out_of_files)
                g_message ("New connections wait: the office is out of file descriptors "
                           "(%s); it takes them again once some are free", error->message);
              self->out_of_files = TRUE;
              g_clear_pointer (&self->accept_source, g_source_unref);
              self->accept_retry = g_timeout_add (250, on_accept_retry, self);
              return G_SOURCE_REMOVE;
            }
          /* One client's trouble (it reset before it was taken): the next one. */
          g_debug ("Could not take a connection: %s", error->message);
          continue;
        }
      if (self->out_of_files)
        {
          g_message ("New connections were left waiting (the office ran out of file "
                     "descriptors); taking them again");
          self->out_of_files = FALSE;
        }
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
      if (self->certificate != NULL)
        handshake_start (self, socket);
      else
        {
          g_autoptr(GSocketConnection) connection =
            g_socket_connection_factory_create_connection (socket);

          hand_to_soup (self, socket, G_IO_STREAM (connection));
        }
    }
  return G_SOURCE_CONTINUE;
}

/* A listener for libsoup that no client can reach: a Unix socket whose name is gone as
 * soon as it listens. */
static gboolean
inert_listener (XunchaOfficeServer  *self,
                GError             **error)
{
  g_autofree char *dir = g_dir_make_tmp ("xuncha-office-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean listening;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "inert", NULL);
  address = g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         error);
  listening = socket != NULL
              && g_socket_bind (socket, address, FALSE, error)
              && g_socket_listen (socket, error);
  g_unlink (path);
  g_rmdir (dir);
  return listening && soup_server_listen_socket (self->soup, socket, 0, error);
}

static void
xuncha_office_server_finalize (GObject *object)
{
  XunchaOfficeServer *self = (XunchaOfficeServer *)object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->records);
  g_clear_object (&self->photos);
  g_clear_pointer (&self->categories, g_bytes_unref);
  g_clear_object (&self->taxonomy);
  g_clear_pointer (&self->enroll_failures, g_hash_table_unref);
  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  g_clear_handle_id (&self->accept_retry, g_source_remove);
  g_clear_pointer (&self->handshakes, g_hash_table_unref);
  g_clear_pointer (&self->idle, g_hash_table_unref);
  g_clear_pointer (&self->refusals, g_hash_table_unref);
  g_clear_object (&self->listen_socket);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (xuncha_office_server_parent_class)->finalize (object);
}

static void
xuncha_office_server_class_init (XunchaOfficeServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_server_finalize;
}

static void
xuncha_office_server_init (XunchaOfficeServer *self)
{
  self->photo_max_bytes = XUNCHA_PROTOCOL_PHOTO_MAX_BYTES;
  self->body_max_bytes = XUNCHA_PROTOCOL_BODY_MAX_BYTES;
  self->request_timeout_s = 30;
  self->enroll_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)g_array_unref);
  self->idle = g_hash_table_new_full (NULL, NULL, idle_free, NULL);
  self->refusals = g_hash_table_new_full (NULL, NULL, refusal_unlist, NULL);
  self->handshakes = g_hash_table_new_full (NULL, NULL, handshake_unlist, NULL);
  self->enroll_per_officer = 5;
  self->enroll_per_address = 20;
  self->enroll_window_s = 600;
}

XunchaOfficeServer *
xuncha_office_server_new (XunchaOfficeRecords  *records,
                          XunchaOfficePhotoStore *photos,
                          GTlsCertificate      *certificate,
                          GBytes               *categories,
                          GError              **error)
{
  g_autoptr(XunchaOfficeServer) self = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (records), NULL);
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (photos), NULL);
  g_return_val_if_fail (categories != NULL, NULL);

  taxonomy = xuncha_taxonomy_new_from_bytes (categories, error);
  if (taxonomy == NULL)
    return NULL;

  self = g_object_new (XUNCHA_TYPE_OFFICE_SERVER, NULL);
  self->records = g_object_ref (records);
  self->photos = g_object_ref (photos);
  self->categories = g_bytes_ref (categories);
  self->categories_revision = xuncha_taxonomy_get_revision (taxonomy);
  self->taxonomy = g_steal_pointer (&taxonomy);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->soup = soup_server_new ("server-header", "xuncha-office/" PACKAGE_VERSION,
                                "tls-certificate", certificate, NULL);
  soup_server_add_early_handler (self->soup, "/", on_early, self, NULL);
  soup_server_add_handler (self->soup, "/", on_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  return g_steal_pointer (&self);
}

void
xuncha_office_server_set_limits (XunchaOfficeServer *self,
                                 gint64              photo_max_bytes,
                                 gint64              body_max_bytes)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));

  if (photo_max_bytes > 0)
    self->photo_max_bytes = photo_max_bytes;
  if (body_max_bytes > 0)
    self->body_max_bytes = body_max_bytes;
}

void
xuncha_office_server_set_timeout (XunchaOfficeServer *self,
                                  guint               request_timeout_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));

  if (request_timeout_s > 0)
    self->request_timeout_s = request_timeout_s;
}

void
xuncha_office_server_set_enroll_limits (XunchaOfficeServer *self,
                                        guint               per_officer,
                                        guint               per_address,
                                        guint               window_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));

  if (per_officer > 0)
    self->enroll_per_officer = per_officer;
  if (per_address > 0)
    self->enroll_per_address = per_address;
  if (window_s > 0)
    self->enroll_window_s = window_s;
}

gboolean
xuncha_office_server_listen (XunchaOfficeServer  *self,
                             const char          *address,
                             guint16              port,
                             guint16             *bound_port,
                             GError             **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_SERVER (self), FALSE);
  g_return_val_if_fail (self->listen_socket == NULL, FALSE);

  /* Before the first request: limits that a restart could reset would be no limits. */
  if (!enroll_failures_load (self, error))
    return FALSE;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
      && !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, error))
    return FALSE;
  /* At shift change a district's phones come at once: more may wait to be taken than the
   * default ten. */
  g_socket_set_listen_backlog (socket, 128);
  if (!g_socket_bind (socket, socket_address, TRUE, error)
      || !g_socket_listen (socket, error)
      || !inert_listener (self, error))
    return FALSE;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  if (bound_port != NULL)
    *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  /* Taken a few at a time until none waits: an accept must say so, not wait. */
  g_socket_set_blocking (socket, FALSE);
  self->listen_socket = g_steal_pointer (&socket);
  accept_watch (self);
  return TRUE;
}
