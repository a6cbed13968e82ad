/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include <gio/gio.h>
#include <sqlite3.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "xuncha-core.h"
#include "xuncha-evidence-log.h"
#include "xuncha-test-device.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* No stalls: one request held in storage, the others are answered meanwhile. A report's
 * PUT waits on the records' write lock, held by another connection (SQLite: BEGIN
 * IMMEDIATE on office.db; PostgreSQL: LOCK TABLE reports), as a long import or a slow
 * fsync would hold it; while it waits, the same office answers `me`, a photo's HEAD
 * and the categories of another connection at once. With XUNCHA_TEST_STALL_WORKERS=0 (the
 * office doing its storage on the thread that reads requests, as it once did) the test
 * fails: those calls wait for the lock too. */

#define REPORT_UUID "6f1c2e3a-8b4d-4c5e-9f60-7a8b9c0d1e2f"
/* Long enough for every other call to be answered many times over; well inside the
 * records' busy timeout (5 s), after which the waiting PUT would be answered 503. */
#define HOLD_MS 2500
/* How long a call may take while the PUT waits: an office that answers it at once takes a
 * few milliseconds; one that waits for the lock takes the rest of HOLD_MS. */
#define PROMPT_MS 1000

typedef struct
{
  char             *dir;
  XunchaTestOffice *office;
  char             *token;
  char             *sha;
  GBytes           *photo;
} Setup;

static Setup *
setup_new (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  const char *workers = g_getenv ("XUNCHA_TEST_STALL_WORKERS");
  const char *args[] = { "--workers", workers != NULL ? workers : "4", NULL };
  g_autofree char *fixture = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
  g_autofree char *code = NULL;
  g_autofree char *log = NULL;
  char *bytes = NULL;
  gsize length = 0;
  Setup *s;

  if (certs == NULL)
    return NULL;
  s = g_new0 (Setup, 1);
  s->dir = xuncha_test_make_tmpdir ();
  log = g_build_filename (s->dir, "office.log", NULL);
  s->office = xuncha_test_office_start_full (s->dir, certs->server_cert, certs->server_key, 0,
                                             args, log);
  g_assert_true (g_file_get_contents (fixture, &bytes, &length, NULL));
  s->photo = g_bytes_new_take (bytes, length);
  s->sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, s->photo);
  code = xuncha_test_office_add_officer (s->dir, "S1", "T1", FALSE);
  s->token = xuncha_test_office_enroll_token (s->office, "S1", code);
  return s;
}

static void
setup_free (Setup *s)
{
  xuncha_test_office_free (s->office);
  xuncha_test_remove_tree (s->dir);
  g_free (s->dir);
  g_free (s->token);
  g_free (s->sha);
  g_bytes_unref (s->photo);
  g_free (s);
}

/* One call on a connection of its own to @url; its status, or 0 when no answer came (the
 * office stopped); how long it took. */
static guint
try_call (Setup      *s,
          const char *url,
          const char *method,
          const char *path,
          GBytes     *body,
          gint64     *took_us)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(XunchaHttp) http = xuncha_http_new (url, certs->ca, NULL, NULL);
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  xuncha_http_set_token (http, s->token);
  response = xuncha_http_request (http, method, path,
                                  body != NULL ? (g_str_has_prefix (path, "api/v1/photos/")
                                                  ? "image/jpeg" : "application/json")
                                               : NULL,
                                  body, NULL, NULL, NULL, NULL, &error);
  if (took_us != NULL)
    *took_us = g_get_monotonic_time () - start;
  return response != NULL ? response->status : 0;
}

/* The same to the running office; an answer must come. */
static guint
call (Setup      *s,
      const char *method,
      const char *path,
      GBytes     *body,
      gint64     *took_us)
{
  guint status = try_call (s, s->office->url, method, path, body, took_us);

  g_assert_cmpuint (status, !=, 0);
  return status;
}

/* Another writer, holding the lock the report's PUT needs. */
typedef struct
{
  sqlite3 *db;
#if HAVE_POSTGRESQL
  PGconn  *pg;
#endif
} Lock;

static void
lock_take (Setup *s,
           Lock  *lock)
{
  const char *database = xuncha_test_office_database (s->dir);

  if (database == NULL)
    {
      g_autofree char *path = g_build_filename (s->dir, "office.db", NULL);

      g_assert_cmpint (sqlite3_open (path, &lock->db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (lock->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==,
                       SQLITE_OK);
      return;
    }
#if HAVE_POSTGRESQL
  {
    const char *steps[] = { "BEGIN", "LOCK TABLE reports IN EXCLUSIVE MODE" };

    lock->pg = PQconnectdb (database);
    g_assert_cmpint (PQstatus (lock->pg), ==, CONNECTION_OK);
    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        PGresult *result = PQexec (lock->pg, steps[i]);

        g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
        PQclear (result);
      }
  }
#endif
}

static void
lock_release (Lock *lock)
{
  if (lock->db != NULL)
    {
      g_assert_cmpint (sqlite3_exec (lock->db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (lock->db);
    }
#if HAVE_POSTGRESQL
  if (lock->pg != NULL)
    {
      PGresult *result = PQexec (lock->pg, "COMMIT");

      g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
      PQclear (result);
      PQfinish (lock->pg);
    }
#endif
}

typedef struct
{
  Setup  *s;
  GBytes *report;
  guint   status;
  gint    done;      /* atomic */
} Put;

static gpointer
put_report (gpointer data)
{
  Put *put = data;

  put->status = try_call (put->s, put->s->office->url, "PUT", "api/v1/reports/" REPORT_UUID,
                          put->report, NULL);
  g_atomic_int_set (&put->done, 1);
  return NULL;
}

/* A report with one photo, @sha, as a device sends it. */
static GBytes *
report_json (const char *uuid,
             const char *sha)
{
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"uuid\": \"%s\", "
                          "\"created_at\": \"2024-05-01T08:30:00Z\", \"shift_uuid\": null, "
                          "\"category\": \"09006\", \"fields\": {}, \"note\": null, "
                          "\"position\": null, \"street\": null, \"merchant_id\": null, "
                          "\"disposition\": null, \"deadline\": null, \"parent_uuid\": null, "
                          "\"photos\": [{\"sha256\": \"%s\", \"role\": \"before\"}]}",
                          uuid, sha);
  return g_bytes_new (json, strlen (json));
}

static void
test_held_put_stalls_nothing (void)
{
  Setup *s = setup_new ();
  g_autofree char *photo_path = NULL;
  g_autoptr(GThread) thread = NULL;
  Lock lock = { 0 };
  Put put = { 0 };
  gint64 held_at, took = 0;

  if (s == NULL)
    return;
  photo_path = g_strconcat ("api/v1/photos/", s->sha, NULL);
  g_assert_cmpuint (call (s, "PUT", photo_path, s->photo, NULL), ==, 201);

  /* Another writer holds the records' write lock. */
  lock_take (s, &lock);
  held_at = g_get_monotonic_time ();

  put.s = s;
  put.report = report_json (REPORT_UUID, s->sha);
  thread = g_thread_new ("put", put_report, &put);
  /* The PUT reaches the office and waits for the lock. */
  g_usleep (300 * 1000);
  g_assert_cmpint (g_atomic_int_get (&put.done), ==, 0);

  /* Meanwhile every other kind of call is answered at once, twice over. */
  for (guint round = 0; round < 2; round++)
    {
      g_assert_cmpuint (call (s, "GET", "api/v1/me", NULL, &took), ==, 200);
      g_test_message ("me: %.1f ms", took / 1000.0);
      g_assert_cmpint (took, <, PROMPT_MS * 1000);
      g_assert_cmpuint (call (s, "HEAD", photo_path, NULL, &took), ==, 200);
      g_test_message ("HEAD photo: %.1f ms", took / 1000.0);
      g_assert_cmpint (took, <, PROMPT_MS * 1000);
      g_assert_cmpuint (call (s, "GET", "api/v1/categories", NULL, &took), ==, 200);
      g_test_message ("categories: %.1f ms", took / 1000.0);
      g_assert_cmpint (took, <, PROMPT_MS * 1000);
    }
  /* ...and all that while the PUT still waited. */
  g_assert_cmpint (g_atomic_int_get (&put.done), ==, 0);

  while (g_get_monotonic_time () - held_at < HOLD_MS * 1000)
    g_usleep (50 * 1000);
  lock_release (&lock);
  g_thread_join (g_steal_pointer (&thread));
  /* Once the lock is free the waiting report is taken, exactly once. */
  g_assert_cmpuint (put.status, ==, 201);
  {
    g_autofree char *count = xuncha_test_office_query (s->dir, "SELECT count(*) FROM reports",
                                                       NULL);

    g_assert_cmpstr (count, ==, "1");
  }
  g_bytes_unref (put.report);
  setup_free (s);
}

/* A photo's body is written by jobs on the worker pool, piece after piece: a large one,
 * sent faster than it is written, arrives whole and in order (the store checks its hash),
 * and is kept byte for byte. */
static void
test_large_photo_in_order (void)
{
  Setup *s = setup_new ();
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GBytes) photo = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *kept = NULL;
  gsize kept_length = 0;
  GRand *rand;

  if (s == NULL)
    return;
  /* Eight times the pieces' backlog at which the office stops reading. */
  bytes = g_byte_array_sized_new (8 * 1024 * 1024);
  rand = g_rand_new_with_seed (15);
  for (guint i = 0; i < 8 * 1024 * 1024 / 4; i++)
    {
      guint32 word = g_rand_int (rand);

      g_byte_array_append (bytes, (const guint8 *)&word, 4);
    }
  g_rand_free (rand);
  photo = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
  path = g_strconcat ("api/v1/photos/", sha, NULL);
  g_assert_cmpuint (call (s, "PUT", path, photo, NULL), ==, 201);
  g_assert_cmpuint (call (s, "PUT", path, photo, NULL), ==, 200);
  stored = g_strconcat (s->dir, "/photos/", sha, ".jpg", NULL);
  g_assert_true (g_file_get_contents (stored, &kept, &kept_length, NULL));
  g_assert_cmpuint (kept_length, ==, g_bytes_get_size (photo));
  g_assert_true (memcmp (kept, g_bytes_get_data (photo, NULL), kept_length) == 0);
  setup_free (s);
}

/* Told to stop while a worker runs a job, the office finishes the job before it exits: a
 * report's PUT that waits on the records' write lock when SIGTERM comes is stored once
 * the lock is free, and the office exits 0. An office that returned from its main loop
 * at once left the worker running into its exit (see stop-while-verifying for what that
 * did to a worker in libcrypto), and the report's transaction was never committed. */
static void
test_stop_finishes_held_put (void)
{
  Setup *s = setup_new ();
  g_autofree char *photo_path = NULL;
  g_autofree char *count = NULL;
  g_autoptr(GThread) thread = NULL;
  Lock lock = { 0 };
  Put put = { 0 };

  if (s == NULL)
    return;
  photo_path = g_strconcat ("api/v1/photos/", s->sha, NULL);
  g_assert_cmpuint (call (s, "PUT", photo_path, s->photo, NULL), ==, 201);

  lock_take (s, &lock);
  put.s = s;
  put.report = report_json (REPORT_UUID, s->sha);
  thread = g_thread_new ("put", put_report, &put);
  /* The PUT reaches the office and its job waits for the lock. The lock is held for at
   * most 2.5 s in all: the job's wait ends at the records' busy timeout (5 s), with a
   * 503 and nothing stored. */
  g_usleep (MIN (300 * xuncha_test_slowdown (), 2000) * 1000);
  g_assert_cmpint (g_atomic_int_get (&put.done), ==, 0);

  g_assert_cmpint (kill (s->office->pid, SIGTERM), ==, 0);
  /* Time for the office to act on the signal while the job still waits. */
  g_usleep (500 * 1000);
  lock_release (&lock);
  g_thread_join (g_steal_pointer (&thread));
  /* Exits 0 (asserted there) once the job is done. */
  xuncha_test_office_stop (s->office, SIGTERM);
  g_test_message ("the held PUT was answered %u", put.status);

  count = xuncha_test_office_query (s->dir, "SELECT count(*) FROM reports", NULL);
  g_assert_cmpstr (count, ==, "1");
  g_bytes_unref (put.report);
  setup_free (s);
}

/* A device that sends reports and photos, each report with a photo of its own, until the
 * office stops answering. */
typedef struct
{
  Setup     *s;
  char      *url;
  guint      seed;
  GPtrArray *stored;    /* uuids of the reports answered 201 */
  guint      calls;
} Device;

#define BUSY_PHOTO_BYTES (300 * 1024)

static gpointer
device_run (gpointer data)
{
  Device *d = data;
  GRand *rand = g_rand_new_with_seed (d->seed);

  for (;;)
    {
      g_autoptr(GByteArray) bytes = g_byte_array_sized_new (BUSY_PHOTO_BYTES);
      g_autoptr(GBytes) photo = NULL;
      g_autoptr(GBytes) report = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *photo_path = NULL;
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *report_path = NULL;
      guint status;

      for (guint i = 0; i < BUSY_PHOTO_BYTES / 4; i++)
        {
          guint32 word = g_rand_int (rand);

          g_byte_array_append (bytes, (const guint8 *)&word, 4);
        }
      photo = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
      sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
      photo_path = g_strconcat ("api/v1/photos/", sha, NULL);
      status = try_call (d->s, d->url, "PUT", photo_path, photo, NULL);
      d->calls++;
      if (status == 0)
        break;
      g_assert_cmpuint (status, ==, 201);
      report = report_json (uuid, sha);
      report_path = g_strconcat ("api/v1/reports/", uuid, NULL);
      status = try_call (d->s, d->url, "PUT", report_path, report, NULL);
      d->calls++;
      if (status == 0)
        break;
      g_assert_cmpuint (status, ==, 201);
      g_ptr_array_add (d->stored, g_steal_pointer (&uuid));
      status = try_call (d->s, d->url, "GET", "api/v1/me", NULL, NULL);
      d->calls++;
      if (status == 0)
        break;
      g_assert_cmpuint (status, ==, 200);
    }
  g_rand_free (rand);
  return NULL;
}

#define BUSY_DEVICES 4
#define BUSY_ROUNDS 8

/* SIGTERM at a random moment while devices send photos and reports: every time the office
 * exits 0 (not killed by a signal), and every report it answered 201 is in its records
 * when it starts again. */
static void
test_stop_while_busy (void)
{
  Setup *s = setup_new ();
  GRand *rand = g_rand_new ();
  guint stored = 0, calls = 0;

  if (s == NULL)
    {
      g_rand_free (rand);
      return;
    }
  for (guint round = 0; round < BUSY_ROUNDS; round++)
    {
      Device devices[BUSY_DEVICES] = { 0 };
      GThread *threads[BUSY_DEVICES];
      g_autofree char *url = g_strdup (s->office->url);

      for (guint i = 0; i < BUSY_DEVICES; i++)
        {
          devices[i].s = s;
          devices[i].url = url;
          devices[i].seed = g_rand_int (rand);
          devices[i].stored = g_ptr_array_new_with_free_func (g_free);
          threads[i] = g_thread_new ("device", device_run, &devices[i]);
        }
      /* Into the rush: photo bodies arriving and written, reports waiting on the records. */
      g_usleep ((gulong)g_rand_int_range (rand, 200, 1200) * 1000 * xuncha_test_slowdown ());
      /* Exits 0: asserted there. */
      xuncha_test_office_stop (s->office, SIGTERM);
      for (guint i = 0; i < BUSY_DEVICES; i++)
        g_thread_join (threads[i]);

      xuncha_test_office_restart (s->office);
      for (guint i = 0; i < BUSY_DEVICES; i++)
        {
          for (guint j = 0; j < devices[i].stored->len; j++)
            {
              g_autofree char *held = NULL;

              held = xuncha_test_office_query (s->dir,
                                               "SELECT count(*) FROM reports WHERE uuid = $1",
                                               devices[i].stored->pdata[j]);
              g_assert_cmpstr (held, ==, "1");
            }
          stored += devices[i].stored->len;
          calls += devices[i].calls;
          g_ptr_array_unref (devices[i].stored);
        }
    }
  g_test_message ("%u rounds: %u calls, %u reports stored", BUSY_ROUNDS, calls, stored);
  g_rand_free (rand);
  setup_free (s);
}

/* A device's signed manifests, as it sends them: one PUT api/v1/evidence of
 * XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL manifests, each signed with its enrolled key. */
typedef struct
{
  char   *device_dir;
  char   *token;
  GBytes *evidence;
} SignedDevice;

static SignedDevice *
signed_device_new (Setup *s)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  SignedDevice *device = g_new0 (SignedDevice, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *code = xuncha_test_office_add_officer (s->dir, "E1", "T1", FALSE);
  g_autofree char *device_key = NULL;
  g_autofree char *encoded = NULL;
  XunchaCredentialsStore used;
  gint64 last = 0;
  gsize length;

  device->device_dir = xuncha_test_make_tmpdir ();
  store = xuncha_store_open (device->device_dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  g_assert_true (xuncha_sync_enroll (store, s->office->url, "E1", code, certs->ca, NULL,
                                     "test phone", &used, NULL, &error));
  g_assert_no_error (error);
  device->token = xuncha_credentials_load (device->device_dir, s->office->url, "E1", &used,
                                           &error);
  g_assert_no_error (error);
  key = xuncha_evidence_log_load_key (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  for (guint i = 0; i < XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL; i++)
    {
      g_autofree char *uuid = xuncha_test_device_add_report (store, 0, 0);

      g_assert_true (xuncha_evidence_log_sign_if_unsigned (store, key, uuid, &error));
      g_assert_no_error (error);
    }
  batch = xuncha_evidence_log_unsent (store, "E1", &device_key,
                                      XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL, 4 * 1024 * 1024, &last,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL);
  encoded = xuncha_wire_evidence_encode (batch);
  length = strlen (encoded);
  device->evidence = g_bytes_new_take (g_steal_pointer (&encoded), length);
  return device;
}

static void
signed_device_free (SignedDevice *device)
{
  xuncha_test_remove_tree (device->device_dir);
  g_free (device->device_dir);
  g_free (device->token);
  g_bytes_unref (device->evidence);
  g_free (device);
}

typedef struct
{
  Setup        *s;
  SignedDevice *device;
  char         *url;
  guint         calls;
} Sender;

/* The same manifests again and again, as a device whose answers were lost sends them: the
 * office checks every signature each time before it finds them held. */
static gpointer
sender_run (gpointer data)
{
  Sender *sender = data;
  XunchaTestCerts *certs = xuncha_test_certs ();

  for (;;)
    {
      g_autoptr(XunchaHttp) http = xuncha_http_new (sender->url, certs->ca, NULL, NULL);
      g_autoptr(XunchaHttpResponse) response = NULL;

      xuncha_http_set_token (http, sender->device->token);
      response = xuncha_http_request (http, "PUT", "api/v1/evidence", "application/json",
                                      sender->device->evidence, NULL, NULL, NULL, NULL, NULL);
      if (response == NULL)
        break;
      g_assert_cmpint (response->status, ==, 200);
      sender->calls++;
    }
  return NULL;
}

#define VERIFYING_SENDERS 4
#define VERIFYING_ROUNDS 16

/* SIGTERM while the workers check devices' signatures (libcrypto, SM2): the office exits 0
 * every time. One that exited with a worker inside libcrypto had OpenSSL's own clean-up at
 * exit (atexit) free what the worker was using: killed by SIGSEGV now and then natively,
 * often under emulation, where its exit is slow. */
static void
test_stop_while_verifying (void)
{
  Setup *s = setup_new ();
  SignedDevice *device;
  GRand *rand;
  guint calls = 0;

  if (s == NULL)
    return;
  device = signed_device_new (s);
  g_assert_cmpuint (try_call (s, s->office->url, "GET", "api/v1/me", NULL, NULL), ==, 200);
  rand = g_rand_new ();
  for (guint round = 0; round < VERIFYING_ROUNDS; round++)
    {
      Sender senders[VERIFYING_SENDERS] = { 0 };
      GThread *threads[VERIFYING_SENDERS];
      g_autofree char *url = g_strdup (s->office->url);

      /* The first PUT keeps them; every later one finds them held (200). */
      if (round == 0)
        {
          g_autoptr(XunchaHttp) http = xuncha_http_new (url, xuncha_test_certs ()->ca, NULL,
                                                        NULL);
          g_autoptr(XunchaHttpResponse) response = NULL;
          g_autoptr(GError) error = NULL;

          xuncha_http_set_token (http, device->token);
          response = xuncha_http_request (http, "PUT", "api/v1/evidence", "application/json",
                                          device->evidence, NULL, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          g_test_message ("evidence: %ld %s", response->status,
                          xuncha_http_response_text (response));
          g_assert_cmpint (response->status, ==, 200);
        }
      for (guint i = 0; i < VERIFYING_SENDERS; i++)
        {
          senders[i].s = s;
          senders[i].device = device;
          senders[i].url = url;
          threads[i] = g_thread_new ("sender", sender_run, &senders[i]);
        }
      g_usleep ((gulong)g_rand_int_range (rand, 200, 800) * 1000 * xuncha_test_slowdown ());
      /* Exits 0: asserted there. */
      xuncha_test_office_stop (s->office, SIGTERM);
      for (guint i = 0; i < VERIFYING_SENDERS; i++)
        {
          g_thread_join (threads[i]);
          calls += senders[i].calls;
        }
      xuncha_test_office_restart (s->office);
    }
  g_test_message ("%u rounds: %u evidence PUTs of %u manifests answered",
                  VERIFYING_ROUNDS, calls, XUNCHA_WIRE_EVIDENCE_MAX_PER_CALL);
  g_rand_free (rand);
  signed_device_free (device);
  setup_free (s);
}

#define START_ROUNDS 10

/* SIGTERM as soon as the office says it listens (a supervisor's stop right after its
 * start): it exits 0 every time. Its handler came after that line once, and such a
 * SIGTERM killed it. */
static void
test_stop_at_start (void)
{
  Setup *s = setup_new ();

  if (s == NULL)
    return;
  for (guint round = 0; round < START_ROUNDS; round++)
    {
      /* Exits 0: asserted there; and starts again. */
      xuncha_test_office_restart (s->office);
    }
  setup_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/office-stall/held-put-stalls-nothing", test_held_put_stalls_nothing);
  g_test_add_func ("/office-stall/large-photo-in-order", test_large_photo_in_order);
  g_test_add_func ("/office-stall/stop-finishes-held-put", test_stop_finishes_held_put);
  g_test_add_func ("/office-stall/stop-while-busy", test_stop_while_busy);
  g_test_add_func ("/office-stall/stop-at-start", test_stop_at_start);
  g_test_add_func ("/office-stall/stop-while-verifying", test_stop_while_verifying);
  return g_test_run ();
}
