/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "xuncha-core.h"
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

/* One call on a connection of its own; its status and how long it took. */
static guint
call (Setup      *s,
      const char *method,
      const char *path,
      GBytes     *body,
      gint64     *took_us)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(XunchaHttp) http = xuncha_http_new (s->office->url, certs->ca, NULL, NULL);
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  xuncha_http_set_token (http, s->token);
  response = xuncha_http_request (http, method, path,
                                  body != NULL ? (g_str_has_prefix (path, "api/v1/photos/")
                                                  ? "image/jpeg" : "application/json")
                                               : NULL,
                                  body, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  if (took_us != NULL)
    *took_us = g_get_monotonic_time () - start;
  return response->status;
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

  put->status = call (put->s, "PUT", "api/v1/reports/" REPORT_UUID, put->report, NULL);
  g_atomic_int_set (&put->done, 1);
  return NULL;
}

static void
test_held_put_stalls_nothing (void)
{
  Setup *s = setup_new ();
  g_autofree char *photo_path = NULL;
  g_autofree char *json = NULL;
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

  json = g_strdup_printf ("{\"uuid\": \"" REPORT_UUID "\", "
                          "\"created_at\": \"2024-05-01T08:30:00Z\", \"shift_uuid\": null, "
                          "\"category\": \"09006\", \"fields\": {}, \"note\": null, "
                          "\"position\": null, \"street\": null, \"merchant_id\": null, "
                          "\"disposition\": null, \"deadline\": null, \"parent_uuid\": null, "
                          "\"photos\": [{\"sha256\": \"%s\", \"role\": \"before\"}]}", s->sha);
  put.s = s;
  put.report = g_bytes_new (json, strlen (json));
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/office-stall/held-put-stalls-nothing", test_held_put_stalls_nothing);
  g_test_add_func ("/office-stall/large-photo-in-order", test_large_photo_in_order);
  return g_test_run ();
}
