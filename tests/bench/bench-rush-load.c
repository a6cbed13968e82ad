/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <math.h>
#include <string.h>

#include "xuncha-core.h"
#include "bench-rush-load.h"

/* The device's policy (xuncha-sync-policy.c) on a shorter clock: full jitter from 50 ms up
 * to 2 s, Retry-After honoured up to 10 s, and a request given up after 12 tries. */
#define RETRY_BASE_MS   50
#define RETRY_CAP_MS    2000
#define RETRY_AFTER_CAP_S 10
#define MAX_ATTEMPTS    12
#define ANSWER_MAX      ((gsize)4 * 1024 * 1024)

/* One kept-alive conversation: an easy handle and what its current request needs. */
typedef struct
{
  CURL              *easy;
  struct curl_slist *headers;
  GBytes            *body;
  GByteArray        *answer;
  gboolean           from_office;   /* the answer carried Xuncha-Server */
  gint64             retry_after_s; /* -1: none */
  char               url[512];
  char               error[CURL_ERROR_SIZE];
} Conn;

static size_t
on_write (char   *data,
          size_t  size,
          size_t  n,
          void   *user_data)
{
  Conn *conn = user_data;

  if (conn->answer->len + size * n > ANSWER_MAX)
    return 0;
  g_byte_array_append (conn->answer, (const guint8 *)data, (guint)(size * n));
  return size * n;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  Conn *conn = user_data;
  gsize length = size * n;
  g_autofree char *line = g_strndup (data, length);

  g_strstrip (line);
  if (g_ascii_strncasecmp (line, XUNCHA_PROTOCOL_SERVER_HEADER ":",
                           strlen (XUNCHA_PROTOCOL_SERVER_HEADER ":")) == 0)
    conn->from_office = TRUE;
  else if (g_ascii_strncasecmp (line, "Retry-After:", 12) == 0)
    conn->retry_after_s = g_ascii_strtoll (g_strchug (line + 12), NULL, 10);
  /* A new status line (after a 100 Continue, say) starts the headers over. */
  else if (g_str_has_prefix (line, "HTTP/"))
    {
      conn->from_office = FALSE;
      conn->retry_after_s = -1;
    }
  return length;
}

static void
conn_init (Conn *conn)
{
  conn->easy = curl_easy_init ();
  conn->answer = g_byte_array_new ();
}

static void
conn_clear (Conn *conn)
{
  g_clear_pointer (&conn->easy, curl_easy_cleanup);
  g_clear_pointer (&conn->headers, curl_slist_free_all);
  g_clear_pointer (&conn->body, g_bytes_unref);
  g_clear_pointer (&conn->answer, g_byte_array_unref);
}

/* Sets up @conn for one request; the body (taken) lives until the next. */
static void
conn_prepare (Conn       *conn,
              const char *base,
              const char *ca,
              const char *token,
              const char *method,
              const char *path,
              GBytes     *body,
              const char *content_type,
              gpointer    owner)
{
  g_autofree char *auth = token != NULL ? g_strconcat ("Authorization: Bearer ", token, NULL)
                                        : NULL;

  g_clear_pointer (&conn->headers, curl_slist_free_all);
  g_clear_pointer (&conn->body, g_bytes_unref);
  g_byte_array_set_size (conn->answer, 0);
  conn->from_office = FALSE;
  conn->retry_after_s = -1;
  conn->error[0] = '\0';
  g_snprintf (conn->url, sizeof conn->url, "%s%s", base, path);

  /* A reset keeps the connection: libcurl's pool (the multi handle's, or the easy
   * handle's own) holds it for the next request to the same office. */
  curl_easy_reset (conn->easy);
  curl_easy_setopt (conn->easy, CURLOPT_URL, conn->url);
  curl_easy_setopt (conn->easy, CURLOPT_CAINFO, ca);
  curl_easy_setopt (conn->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (conn->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (conn->easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (conn->easy, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (conn->easy, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt (conn->easy, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (conn->easy, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (conn->easy, CURLOPT_WRITEDATA, conn);
  curl_easy_setopt (conn->easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (conn->easy, CURLOPT_HEADERDATA, conn);
  curl_easy_setopt (conn->easy, CURLOPT_ERRORBUFFER, conn->error);
  curl_easy_setopt (conn->easy, CURLOPT_PRIVATE, owner);

  if (auth != NULL)
    conn->headers = curl_slist_append (conn->headers, auth);
  /* The device sends its bodies at once, as here: no 100-continue round trip. */
  conn->headers = curl_slist_append (conn->headers, "Expect:");
  if (content_type != NULL)
    {
      g_autofree char *header = g_strconcat ("Content-Type: ", content_type, NULL);
      conn->headers = curl_slist_append (conn->headers, header);
    }
  curl_easy_setopt (conn->easy, CURLOPT_HTTPHEADER, conn->headers);

  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (conn->easy, CURLOPT_NOBODY, 1L);
  else if (g_str_equal (method, "GET"))
    curl_easy_setopt (conn->easy, CURLOPT_HTTPGET, 1L);
  else
    {
      gsize size = 0;
      const void *data;

      conn->body = body != NULL ? body : g_bytes_new_static ("", 0);
      body = NULL;
      data = g_bytes_get_data (conn->body, &size);
      curl_easy_setopt (conn->easy, CURLOPT_POSTFIELDS, data);
      curl_easy_setopt (conn->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
      curl_easy_setopt (conn->easy, CURLOPT_CUSTOMREQUEST, method);
    }
  if (body != NULL)
    g_bytes_unref (body);
}

static const char *
conn_text (Conn *conn)
{
  g_byte_array_append (conn->answer, (const guint8 *)"", 1);
  g_byte_array_set_size (conn->answer, conn->answer->len - 1);
  return (const char *)conn->answer->data;
}

static gboolean
retryable (CURLcode code,
           long     status)
{
  if (code != CURLE_OK)
    /* TLS and certificate failures are the device's stop, never a retry. */
    return code != CURLE_PEER_FAILED_VERIFICATION && code != CURLE_SSL_CACERT_BADFILE
           && code != CURLE_SSL_CERTPROBLEM;
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503
         || status == 504;
}

static gint64
retry_delay_us (Conn  *conn,
                guint  attempt,
                GRand *rand)
{
  gint64 cap_ms;

  if (conn->retry_after_s >= 0)
    return MIN (conn->retry_after_s, RETRY_AFTER_CAP_S) * G_USEC_PER_SEC;
  cap_ms = MIN ((gint64)RETRY_CAP_MS, (gint64)RETRY_BASE_MS << MIN (attempt, 10u));
  return (gint64)g_rand_double_range (rand, 0, (double)cap_ms) * 1000;
}

GBytes *
rush_photo_build (const RushMaterial *material,
                  guint               number,
                  guint               index,
                  char               *sha256)
{
  GBytes *base = material->bases->pdata[(number * 7 + index) % material->bases->len];
  gsize length = 0, at = 2, pad;
  const guint8 *data = g_bytes_get_data (base, &length);
  g_autofree char *label = g_strdup_printf ("xuncha-rush device %u photo %u\n", number, index);
  GByteArray *out;

  g_assert (length > 4 && data[0] == 0xFF && data[1] == 0xD8);
  /* After SOI and the APPn segments (JFIF and Exif want to come first): a reader skips a
   * COM segment wherever it sits among the headers. */
  while (at + 4 <= length && data[at] == 0xFF && data[at + 1] >= 0xE0 && data[at + 1] <= 0xEF)
    at += 2 + ((gsize)data[at + 2] << 8 | data[at + 3]);
  g_assert (at < length);

  out = g_byte_array_sized_new ((guint)MAX (length, material->photo_bytes) + 64);
  g_byte_array_append (out, data, (guint)at);
  pad = material->photo_bytes > length + strlen (label) + 4
        ? material->photo_bytes - length : strlen (label) + 4;
  for (gboolean first = TRUE; pad >= 4; first = FALSE)
    {
      gsize payload = MIN (pad - 4, (gsize)65533);
      guint8 head[4] = { 0xFF, 0xFE, (guint8)((payload + 2) >> 8), (guint8)(payload + 2) };
      gsize written = 0;

      g_byte_array_append (out, head, 4);
      if (first)
        {
          written = MIN (payload, strlen (label));
          g_byte_array_append (out, (const guint8 *)label, (guint)written);
        }
      for (; written < payload; written++)
        g_byte_array_append (out, (const guint8 *)" ", 1);
      pad -= payload + 4;
    }
  g_byte_array_append (out, data + at, (guint)(length - at));
  if (sha256 != NULL)
    {
      g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, out->data, out->len);
      memcpy (sha256, hex, 65);
    }
  return g_byte_array_free_to_bytes (out);
}

static double
measured (double value,
          double min,
          double max)
{
  return isfinite (value) && value >= min && value <= max ? value : NAN;
}

/* Points @from.. of device @d's shift: the real log walked back and forth, moved a little
 * per device, one point every 5 s. */
static GBytes *
points_batch (const RushMaterial *material,
              const RushDevice   *d,
              guint               from,
              guint               n)
{
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (XunchaWirePoint));
  guint len = material->track->len;
  char *encoded;

  for (guint i = from; i < from + n; i++)
    {
      guint lap = i / len, k = i % len;
      const XunchaFix *fix = &g_array_index (material->track, XunchaFix,
                                             lap % 2 == 0 ? k : len - 1 - k);
      XunchaWirePoint p = {
        .seq = i,
        .t_ms = G_GINT64_CONSTANT (1714550400000) + (gint64)i * 5000,
        .lat = fix->lat + (d->number % 40) * 0.0005,
        .lon = fix->lon + (d->number / 40) * 0.0005,
        .accuracy = measured (fix->accuracy, 0, XUNCHA_PROTOCOL_ACCURACY_MAX_M),
        .altitude = measured (fix->altitude, XUNCHA_PROTOCOL_ALTITUDE_MIN_M,
                              XUNCHA_PROTOCOL_ALTITUDE_MAX_M),
        .speed = measured (fix->speed, 0, XUNCHA_PROTOCOL_SPEED_MAX_MS),
        .heading = measured (fix->heading, 0, XUNCHA_PROTOCOL_HEADING_MAX_DEG),
      };
      g_array_append_val (points, p);
    }
  encoded = xuncha_wire_points_encode ((XunchaWirePoint *)(void *)points->data, points->len);
  return g_bytes_new_take (encoded, strlen (encoded));
}

static GBytes *
shift_body (const RushDevice *d)
{
  g_autoptr(XunchaWireShift) shift = xuncha_wire_shift_new ();
  char *encoded;

  shift->uuid = g_strdup (d->shift_uuid);
  shift->kind = g_strdup ("early");
  shift->started_at = g_strdup ("2024-05-01T08:00:00Z");
  shift->ended_at = g_strdup ("2024-05-01T10:46:40Z");
  encoded = xuncha_wire_shift_encode (shift);
  return g_bytes_new_take (encoded, strlen (encoded));
}

static GBytes *
report_body (const RushMaterial *material,
             const RushDevice   *d,
             const char         *uuid,
             const char         *photo,
             guint               index)
{
  g_autoptr(XunchaWireReport) report = xuncha_wire_report_new ();
  const XunchaFix *fix = &g_array_index (material->track, XunchaFix,
                                         (index * 37) % material->track->len);
  char *encoded;

  report->uuid = g_strdup (uuid);
  report->created_at = g_strdup_printf ("2024-05-01T%02u:%02u:00Z", 8 + index / 10,
                                        (index % 10) * 5);
  report->shift_uuid = d != NULL ? g_strdup (d->shift_uuid) : NULL;
  report->category = g_strdup ("09006");
  report->note = g_strdup_printf ("早市摊点 %u", index);
  report->has_position = TRUE;
  report->lat = fix->lat;
  report->lon = fix->lon;
  report->accuracy = 6.5;
  report->position_source = g_strdup ("gps");
  report->disposition = g_strdup ("deadline");
  report->deadline = g_strdup ("2024-05-03");
  if (photo != NULL)
    xuncha_wire_report_add_photo (report, photo, "before");
  encoded = xuncha_wire_report_encode (report);
  return g_bytes_new_take (encoded, strlen (encoded));
}

gboolean
rush_enroll (const char  *url,
             const char  *ca,
             GPtrArray   *devices,
             GStrv        codes,
             GError     **error)
{
  Conn conn = { 0 };
  gboolean ok = TRUE;

  conn_init (&conn);
  for (guint i = 0; ok && i < devices->len; i++)
    {
      RushDevice *d = devices->pdata[i];
      g_autofree char *body = xuncha_protocol_encode_enroll (d->officer, codes[i], "rush");
      g_auto(XunchaWireOfficer) officer = { 0 };
      CURLcode code;
      long status = 0;

      conn_prepare (&conn, url, ca, NULL, "POST", "api/v1/enroll",
                    g_bytes_new (body, strlen (body)), "application/json", NULL);
      code = curl_easy_perform (conn.easy);
      curl_easy_getinfo (conn.easy, CURLINFO_RESPONSE_CODE, &status);
      if (code != CURLE_OK || status != 200
          || !xuncha_protocol_decode_enrolled (conn_text (&conn), (gssize)conn.answer->len,
                                               &d->token, &officer, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "enrolling %s: %s (%ld) %s",
                       d->officer, curl_easy_strerror (code), status, conn_text (&conn));
          ok = FALSE;
        }
    }
  conn_clear (&conn);
  return ok;
}

typedef enum
{
  PHASE_ME,
  PHASE_SHIFT,
  PHASE_POINTS,
  PHASE_HEAD,
  PHASE_PHOTO,
  PHASE_REPORT,
  PHASE_PULL,
  PHASE_DONE,
} Phase;

typedef struct
{
  RushDevice *device;
  Conn        conn;
  Phase       phase;
  guint       index;     /* the batch, photo or report within the phase */
  guint       attempt;
  gint64      due;       /* monotonic µs; 0 while a request is on the way */
  gboolean    waiting;   /* for its due time */
} Run;

typedef struct
{
  const char         *url;
  const char         *ca;
  const RushMaterial *material;
  CURLM              *multi;
  GRand              *rand;
  RushStats          *stats;
  gint64              t0;
} Rush;

static void
run_fail (Rush       *rush,
          Run        *run,
          const char *what)
{
  rush->stats->errors++;
  if (rush->stats->first_error == NULL)
    rush->stats->first_error = g_strdup_printf ("device %u: %s", run->device->number, what);
  run->device->failed = TRUE;
  run->phase = PHASE_DONE;
}

static void
run_send (Rush *rush,
          Run  *run)
{
  RushDevice *d = run->device;
  g_autofree char *path = NULL;
  const char *method = "GET", *type = NULL;
  GBytes *body = NULL;

  switch (run->phase)
    {
    case PHASE_ME:
      path = g_strdup ("api/v1/me");
      break;
    case PHASE_SHIFT:
      method = "PUT";
      path = g_strconcat ("api/v1/shifts/", d->shift_uuid, NULL);
      body = shift_body (d);
      type = "application/json";
      break;
    case PHASE_POINTS:
      method = "POST";
      path = g_strconcat ("api/v1/shifts/", d->shift_uuid, "/points", NULL);
      body = points_batch (rush->material, d, run->index * RUSH_POINTS_PER_CALL,
                           MIN (RUSH_POINTS_PER_CALL,
                                RUSH_POINTS_PER_SHIFT - run->index * RUSH_POINTS_PER_CALL));
      type = "application/json";
      break;
    case PHASE_HEAD:
      method = "HEAD";
      path = g_strconcat ("api/v1/photos/", d->photos[run->index], NULL);
      break;
    case PHASE_PHOTO:
      method = "PUT";
      path = g_strconcat ("api/v1/photos/", d->photos[run->index], NULL);
      body = rush_photo_build (rush->material, d->number, run->index, NULL);
      type = "image/jpeg";
      break;
    case PHASE_REPORT:
      method = "PUT";
      path = g_strconcat ("api/v1/reports/", d->reports[run->index], NULL);
      body = report_body (rush->material, d, d->reports[run->index],
                          d->photos[run->index % RUSH_PHOTOS_PER_DEVICE], run->index);
      type = "application/json";
      break;
    case PHASE_PULL:
      path = g_strdup ("api/v1/reports?since=0");
      break;
    case PHASE_DONE:
    default:
      g_assert_not_reached ();
    }
  if (body != NULL)
    rush->stats->bytes_up += g_bytes_get_size (body);
  conn_prepare (&run->conn, rush->url, rush->ca, d->token, method, path, body, type, run);
  rush->stats->requests++;
  run->waiting = FALSE;
  curl_multi_add_handle (rush->multi, run->conn.easy);
}

/* The next step after an accepted answer. */
static void
run_advance (Run  *run,
             long  status)
{
  run->attempt = 0;
  switch (run->phase)
    {
    case PHASE_ME:
      run->phase = PHASE_SHIFT;
      break;
    case PHASE_SHIFT:
      run->phase = PHASE_POINTS;
      run->index = 0;
      break;
    case PHASE_POINTS:
      if (++run->index * RUSH_POINTS_PER_CALL >= RUSH_POINTS_PER_SHIFT)
        {
          run->phase = PHASE_HEAD;
          run->index = 0;
        }
      break;
    case PHASE_HEAD:
      if (status == 404)
        run->phase = PHASE_PHOTO;
      else if (++run->index == RUSH_PHOTOS_PER_DEVICE)
        {
          run->phase = PHASE_REPORT;
          run->index = 0;
        }
      break;
    case PHASE_PHOTO:
      run->phase = ++run->index == RUSH_PHOTOS_PER_DEVICE ? PHASE_REPORT : PHASE_HEAD;
      if (run->phase == PHASE_REPORT)
        run->index = 0;
      break;
    case PHASE_REPORT:
      if (++run->index == RUSH_REPORTS_PER_DEVICE)
        run->phase = PHASE_PULL;
      break;
    case PHASE_PULL:
      run->phase = PHASE_DONE;
      break;
    case PHASE_DONE:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
accepted (Run  *run,
          long  status)
{
  switch (run->phase)
    {
    case PHASE_ME:
    case PHASE_PULL:
      return status == 200;
    case PHASE_SHIFT:
    case PHASE_POINTS:
    case PHASE_PHOTO:
    case PHASE_REPORT:
      return status == 200 || status == 201;
    case PHASE_HEAD:
      return status == 200 || status == 404;
    case PHASE_DONE:
    default:
      return FALSE;
    }
}

static void
run_answered (Rush     *rush,
              Run      *run,
              CURLcode  code)
{
  long status = 0;
  g_autofree char *what = NULL;

  curl_easy_getinfo (run->conn.easy, CURLINFO_RESPONSE_CODE, &status);
  curl_multi_remove_handle (rush->multi, run->conn.easy);

  if ((code != CURLE_OK || !accepted (run, status)) && retryable (code, status))
    {
      if (++run->attempt >= MAX_ATTEMPTS)
        {
          what = g_strdup_printf ("%s after %u tries: %s (%ld)", run->conn.url, run->attempt,
                                  code != CURLE_OK ? run->conn.error : "status", status);
          run_fail (rush, run, what);
          return;
        }
      rush->stats->retries++;
      run->due = g_get_monotonic_time () + retry_delay_us (&run->conn, run->attempt,
                                                           rush->rand);
      run->waiting = TRUE;
      return;
    }
  if (code != CURLE_OK)
    {
      what = g_strdup_printf ("%s: %s", run->conn.url, run->conn.error);
      run_fail (rush, run, what);
      return;
    }
  if (!accepted (run, status) || !run->conn.from_office)
    {
      what = g_strdup_printf ("%s: %ld%s %.200s", run->conn.url, status,
                              run->conn.from_office ? "" : " without " XUNCHA_PROTOCOL_SERVER_HEADER,
                              conn_text (&run->conn));
      run_fail (rush, run, what);
      return;
    }
  if (run->phase == PHASE_POINTS)
    {
      gint64 stored = 0;

      if (!xuncha_wire_points_ack_decode (conn_text (&run->conn), (gssize)run->conn.answer->len,
                                          &stored, &run->device->points_held, NULL))
        {
          run_fail (rush, run, "an unreadable points answer");
          return;
        }
    }
  run_advance (run, status);
  run->due = g_get_monotonic_time ();
  run->waiting = run->phase != PHASE_DONE;
}

void
rush_run (const char         *url,
          const char         *ca,
          const RushMaterial *material,
          GPtrArray          *devices,
          RushStats          *stats)
{
  Rush rush = { url, ca, material, curl_multi_init (), g_rand_new_with_seed (20240501), stats,
                0 };
  g_autofree Run *runs = g_new0 (Run, devices->len);
  guint pending = devices->len;
  gint64 last = 0;

  /* One connection kept per device, as each phone keeps its own. */
  curl_multi_setopt (rush.multi, CURLMOPT_MAXCONNECTS, (long)devices->len + 8);
  rush.t0 = g_get_monotonic_time ();
  for (guint i = 0; i < devices->len; i++)
    {
      runs[i].device = devices->pdata[i];
      conn_init (&runs[i].conn);
      runs[i].phase = PHASE_ME;
      runs[i].due = rush.t0 + (gint64)(runs[i].device->start_s * G_USEC_PER_SEC);
      runs[i].waiting = TRUE;
    }

  while (pending > 0)
    {
      gint64 now = g_get_monotonic_time (), next = G_MAXINT64;
      int running = 0, left = 0, timeout_ms;
      CURLMsg *msg;

      for (guint i = 0; i < devices->len; i++)
        if (runs[i].waiting)
          {
            if (runs[i].due <= now)
              run_send (&rush, &runs[i]);
            else
              next = MIN (next, runs[i].due);
          }
      curl_multi_perform (rush.multi, &running);
      while ((msg = curl_multi_info_read (rush.multi, &left)) != NULL)
        {
          Run *run = NULL;

          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **)&run);
          run_answered (&rush, run, msg->data.result);
          if (run->phase == PHASE_DONE)
            {
              last = g_get_monotonic_time ();
              run->device->done_s = (last - rush.t0) / 1e6;
              pending--;
            }
          else if (run->waiting && run->due <= g_get_monotonic_time ())
            next = 0;
        }
      timeout_ms = next == G_MAXINT64 ? 100 : (int)CLAMP ((next - now) / 1000, 0, 100);
      if (timeout_ms > 0)
        curl_multi_poll (rush.multi, NULL, 0, timeout_ms, NULL);
    }
  stats->total_s = (last - rush.t0) / 1e6;
  {
    double first = G_MAXDOUBLE;

    for (guint i = 0; i < devices->len; i++)
      first = MIN (first, ((RushDevice *)devices->pdata[i])->start_s);
    stats->total_s -= first;
  }
  for (guint i = 0; i < devices->len; i++)
    conn_clear (&runs[i].conn);
  curl_multi_cleanup (rush.multi);
  g_rand_free (rush.rand);
}

typedef struct
{
  Conn   conn;
  guint  attempt;
  gint64 due;
  char  *uuid;
  guint  sent;
} Filler;

/* The filler's connections are closed after this many requests. The office (as of issue
 * 15) hands a kept-alive connection back to libsoup after each answer; when the next
 * request is already waiting, libsoup's wrapper of the stream is what it waits on, and the
 * wrappers pile up: every request then costs as much again as all the ones before it on
 * that connection (a 16-connection fill fell from 1,300 to 23 reports/s by 15,000
 * reports). A phone's sync is far shorter; the rush keeps its connections. */
#define FILL_REQUESTS_PER_CONNECTION 100

gboolean
rush_fill_reports (const char  *url,
                   const char  *ca,
                   RushDevice  *device,
                   guint        n,
                   guint        connections,
                   GError     **error)
{
  CURLM *multi = curl_multi_init ();
  g_autofree Filler *fill = g_new0 (Filler, connections);
  RushMaterial material = { 0 };
  XunchaFix fix = { 0, 30.655, 104.065, 5, NAN, NAN, NAN };
  guint sent = 0, done = 0, active = 0;
  gboolean ok = TRUE;

  material.track = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_array_append_val (material.track, fix);
  curl_multi_setopt (multi, CURLMOPT_MAXCONNECTS, (long)connections + 2);
  for (guint i = 0; i < connections; i++)
    conn_init (&fill[i].conn);

  while (ok && done < n)
    {
      gint64 now = g_get_monotonic_time ();
      int running = 0, left = 0;
      CURLMsg *msg;

      for (guint i = 0; i < connections; i++)
        {
          Filler *f = &fill[i];

          if (f->due == G_MAXINT64)
            continue;
          if (f->uuid == NULL)
            {
              if (sent >= n)
                continue;
              f->uuid = g_uuid_string_random ();
              sent++;
            }
          else if (f->due > now)
            continue;
          {
            g_autofree char *path = g_strconcat ("api/v1/reports/", f->uuid, NULL);

            conn_prepare (&f->conn, url, ca, device->token, "PUT", path,
                          report_body (&material, NULL, f->uuid, NULL, done % 20),
                          "application/json", f);
            if (++f->sent % FILL_REQUESTS_PER_CONNECTION == 0)
              curl_easy_setopt (f->conn.easy, CURLOPT_FORBID_REUSE, 1L);
          }
          f->due = G_MAXINT64;
          active++;
          curl_multi_add_handle (multi, f->conn.easy);
        }
      curl_multi_perform (multi, &running);
      while ((msg = curl_multi_info_read (multi, &left)) != NULL)
        {
          Filler *f = NULL;
          long status = 0;

          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **)&f);
          curl_easy_getinfo (msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
          curl_multi_remove_handle (multi, f->conn.easy);
          active--;
          if (msg->data.result == CURLE_OK && (status == 200 || status == 201))
            {
              g_clear_pointer (&f->uuid, g_free);
              f->attempt = 0;
              f->due = 0;
              done++;
            }
          else if (retryable (msg->data.result, status) && ++f->attempt < MAX_ATTEMPTS)
            f->due = g_get_monotonic_time () + (f->conn.retry_after_s >= 0
                                                ? f->conn.retry_after_s * G_USEC_PER_SEC
                                                : 100000);
          else
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "filling: %s: %ld %s %s",
                           f->conn.url, status, f->conn.error, conn_text (&f->conn));
              ok = FALSE;
            }
        }
      if (active > 0)
        curl_multi_poll (multi, NULL, 0, 100, NULL);
      else
        g_usleep (1000);
    }
  for (guint i = 0; i < connections; i++)
    {
      if (fill[i].due == G_MAXINT64)
        curl_multi_remove_handle (multi, fill[i].conn.easy);
      conn_clear (&fill[i].conn);
      g_free (fill[i].uuid);
    }
  curl_multi_cleanup (multi);
  g_array_unref (material.track);
  return ok;
}

GArray *
rush_head_while (const char  *url,
                 const char  *ca,
                 const char  *token,
                 char * const *photos,
                 guint        n_photos,
                 guint        min_samples,
                 gboolean   (*busy) (gpointer data),
                 gpointer     data,
                 GError     **error)
{
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));
  Conn conn = { 0 };

  conn_init (&conn);
  for (guint i = 0; latencies->len < min_samples || busy (data); i++)
    {
      g_autofree char *path = g_strconcat ("api/v1/photos/", photos[i % n_photos], NULL);
      gint64 start;
      CURLcode code;
      long status = 0;
      double ms;

      conn_prepare (&conn, url, ca, token, "HEAD", path, NULL, NULL, NULL);
      start = g_get_monotonic_time ();
      code = curl_easy_perform (conn.easy);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      curl_easy_getinfo (conn.easy, CURLINFO_RESPONSE_CODE, &status);
      if (code != CURLE_OK || status != 200)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HEAD %s: %s (%ld)", path,
                       curl_easy_strerror (code), status);
          g_clear_pointer (&latencies, g_array_unref);
          break;
        }
      g_array_append_val (latencies, ms);
    }
  conn_clear (&conn);
  return latencies;
}

void
rush_device_free (RushDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->officer);
  g_free (device->token);
  g_free (device->shift_uuid);
  for (guint i = 0; i < RUSH_REPORTS_PER_DEVICE; i++)
    g_free (device->reports[i]);
  for (guint i = 0; i < RUSH_PHOTOS_PER_DEVICE; i++)
    g_free (device->photos[i]);
  g_free (device);
}

void
rush_stats_clear (RushStats *stats)
{
  g_clear_pointer (&stats->first_error, g_free);
  memset (stats, 0, sizeof *stats);
}
