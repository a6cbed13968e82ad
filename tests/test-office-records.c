/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract every backend of the office's records keeps (XunchaOfficeRecords): the same
 * cases run against each backend, which open_backend() opens on a fresh, empty database.
 * Idempotent puts, conflicts, revisions, authorization data, failed enrollments, several
 * threads and several records objects (as several office processes) on one database, and
 * the numbered schema migrations. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "xuncha-office-backend.h"
#include "xuncha-office-case-records.h"
#include "xuncha-office-route.h"
#include "xuncha-office-sqlite-records.h"
#include "xuncha-test-util.h"
#if HAVE_POSTGRESQL
#include "xuncha-office-pg-records.h"
#include "xuncha-test-postgres.h"
#endif

/* Connections each records object keeps: more than the threads of any case, so that the
 * cases run calls really at once. */
#define POOL_SIZE 4

typedef struct
{
  char                *dir;       /* the office's folder: photos, and SQLite's office.db */
  char                *database;  /* NULL: SQLite in dir */
  XunchaOfficeRecords *records;
} Fixture;

/* The database the backend under test keeps its records in, fresh and empty for each
 * case. NULL is SQLite in the case's own folder; a libpq connection string runs the same
 * cases against PostgreSQL. */
static gboolean
on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("XUNCHA_TEST_BACKEND"), "postgresql") == 0;
}

/* On PostgreSQL, each case gets a database of its own on the test process's throwaway
 * cluster (tests/xuncha-test-postgres.c). */
static char *
fresh_database (void)
{
#if HAVE_POSTGRESQL
  g_autoptr(GError) error = NULL;
  char *database;

  if (!on_postgresql ())
    return NULL;
  database = xuncha_test_postgres_new_database (&error);
  g_assert_no_error (error);
  return database;
#else
  g_assert_false (on_postgresql ());
  return NULL;
#endif
}

/* Why the backend asked for cannot run here, or NULL. */
static char *unavailable;

static void
test_unavailable (void)
{
  g_test_skip (unavailable);
}

#if HAVE_POSTGRESQL
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static PGconn *
connect_raw (Fixture *f)
{
  PGconn *conn = PQconnectdb (f->database);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Could not connect: %s", PQerrorMessage (conn));
  return conn;
}

/* The text of the first column of the first row of @sql. */
static char *
pg_query_text (PGconn     *conn,
               const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  return g_strdup (PQntuples (result) > 0 ? PQgetvalue (result, 0, 0) : "");
}
#endif

static XunchaOfficeRecords *
open_backend (Fixture  *f,
              GError  **error)
{
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  XunchaOfficeRecords *records = NULL;

  if (!xuncha_office_backend_open (f->database, f->dir, POOL_SIZE, &records, &photos, error))
    return NULL;
  return records;
}

/* The newest schema the backend knows. */
static int
latest_version (Fixture *f)
{
#if HAVE_POSTGRESQL
  if (f->database != NULL)
    return xuncha_office_pg_records_schema_latest ();
#endif
  g_assert_null (f->database);
  return xuncha_office_sqlite_records_latest_version ();
}

/* Sets the schema version behind the backend's back, as a newer office would have. */
static void
set_schema_version (Fixture *f,
                    int      version)
{
  g_autofree char *path = g_build_filename (f->dir, "office.db", NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", version);
  sqlite3 *db = NULL;

#if HAVE_POSTGRESQL
  if (f->database != NULL)
    {
      g_autoptr(PGconn) conn = connect_raw (f);
      g_autofree char *insert = g_strdup_printf ("INSERT INTO xuncha_schema (version) "
                                                 "VALUES (%d)", version);

      g_free (pg_query_text (conn, insert));
      return;
    }
#endif
  g_assert_null (f->database);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  /* The last connection to close folds the log back into office.db. */
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* What must not change when a newer schema is refused: office.db, byte for byte. */
static char *
database_fingerprint (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "office.db", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;

#if HAVE_POSTGRESQL
  /* PostgreSQL: every column of every table, the schema versions and each table's rows. */
  if (f->database != NULL)
    {
      g_autoptr(PGconn) conn = connect_raw (f);
      g_autofree char *columns = pg_query_text (conn,
                                                "SELECT string_agg (table_name || '.' || "
                                                "  column_name || ':' || data_type, ',' "
                                                "  ORDER BY table_name, column_name) "
                                                "FROM information_schema.columns "
                                                "WHERE table_schema = 'public'");
      g_autofree char *versions = pg_query_text (conn,
                                                 "SELECT string_agg (version::text, ',' "
                                                 "ORDER BY version) FROM xuncha_schema");
      g_autofree char *officers = pg_query_text (conn,
                                                 "SELECT string_agg (o::text, ',' ORDER BY id) "
                                                 "FROM officers o");
      g_autofree char *counters = pg_query_text (conn,
                                                 "SELECT string_agg (c::text, ',' ORDER BY name) "
                                                 "FROM counters c");

      return g_strdup_printf ("%s\n%s\n%s\n%s", columns, versions, officers, counters);
    }
#endif
  g_assert_null (f->database);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)data, length);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = xuncha_test_make_tmpdir ();
  f->database = fresh_database ();
  f->records = open_backend (f, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->records);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->database);
}

/* Records made for the cases. */

static const XunchaWireOfficer officer_a = { "A1", "Officer A", "T1", FALSE };
static const XunchaWireOfficer officer_b = { "B1", "Officer B", "T1", FALSE };
static const XunchaWireOfficer leader_t1 = { "L1", "Leader", "T1", TRUE };
static const XunchaWireOfficer officer_c = { "C1", "Officer C", "T2", FALSE };
static const XunchaWireOfficer leader_t2 = { "L2", "Other leader", "T2", TRUE };

static char *
add_officer (XunchaOfficeRecords     *records,
             const XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  char *code = NULL;

  g_assert_true (xuncha_office_records_officer_add (records, officer, &code, &error));
  g_assert_no_error (error);
  g_assert_nonnull (code);
  return code;
}

static char *
enroll (XunchaOfficeRecords     *records,
        const XunchaWireOfficer *officer)
{
  g_autofree char *code = add_officer (records, officer);
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(GError) error = NULL;
  char *token = NULL;

  g_assert_true (xuncha_office_records_enroll (records, officer->id, code, "test", &token,
                                               &who, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who.id, ==, officer->id);
  return token;
}

static XunchaWireReport *
make_report (const char *uuid,
             const char *note,
             const char *members)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text =
    g_strdup_printf ("{\"uuid\": \"%s\", \"created_at\": \"2024-05-01T08:30:00Z\", "
                     "\"category\": \"09006\", \"fields\": {}, \"note\": \"%s\", "
                     "\"photos\": [{\"sha256\": \"%064x\", \"role\": \"before\"}]%s%s}",
                     uuid, note, 7, members != NULL ? ", " : "", members != NULL ? members : "");
  XunchaWireReport *report = xuncha_wire_report_decode (text, -1, &error);

  g_assert_no_error (error);
  return report;
}

static XunchaWireShift *
make_shift (const char *uuid,
            const char *ended_at)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text =
    g_strdup_printf ("{\"uuid\": \"%s\", \"kind\": \"early\", "
                     "\"started_at\": \"2024-05-01T06:00:00Z\"%s%s%s}", uuid,
                     ended_at != NULL ? ", \"ended_at\": \"" : "",
                     ended_at != NULL ? ended_at : "", ended_at != NULL ? "\"" : "");
  XunchaWireShift *shift = xuncha_wire_shift_decode (text, -1, &error);

  g_assert_no_error (error);
  return shift;
}

static GArray *
make_points (guint first,
             guint count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("{\"points\": [");
  GArray *points;

  for (guint i = 0; i < count; i++)
    g_string_append_printf (text, "%s{\"seq\": %u, \"t_ms\": %" G_GUINT64_FORMAT ", "
                            "\"lat\": 30.65, \"lon\": 104.06}", i > 0 ? ", " : "",
                            first + i, (guint64)1714543200000 + first + i);
  g_string_append (text, "]}");
  points = xuncha_wire_points_decode (text->str, (gssize)text->len, &error);
  g_assert_no_error (error);
  return points;
}

static gboolean
put_report (XunchaOfficeRecords      *records,
            const XunchaWireOfficer  *officer,
            const XunchaWireReport   *report,
            gboolean                 *created,
            XunchaOfficeReceipt      *receipt,
            GError                  **error)
{
  xuncha_office_receipt_clear (receipt);
  return xuncha_office_records_report_put (records, officer, report, created, receipt, error);
}

static XunchaOfficeStreet *
make_street (const char *id,
             const char *name,
             double      lon)
{
  XunchaOfficeStreet *street = xuncha_office_street_new ();
  GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
  double coordinates[] = { lon, 30.65, lon + 0.001, 30.651 };

  street->id = g_strdup (id);
  street->name = g_strdup (name);
  street->street_class = g_strdup ("class1");
  g_array_append_vals (line, coordinates, G_N_ELEMENTS (coordinates));
  g_ptr_array_add (street->lines, line);
  return street;
}

static GPtrArray *
street_set (guint       count,
            const char *name)
{
  GPtrArray *streets = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *id = g_strdup_printf ("s-%04u", i);
      g_ptr_array_add (streets, make_street (id, name, 104.0 + i * 0.01));
    }
  return streets;
}

static gboolean
on_count (const XunchaOfficeReportRecord *record,
          gpointer                        user_data)
{
  GHashTable *seen = user_data;

  g_assert_true (g_hash_table_add (seen, g_strdup (record->report->uuid)));
  return TRUE;
}

/* Every report uuid the records hold, each once (a doubled one fails here). */
static GHashTable *
all_reports (XunchaOfficeRecords *records)
{
  g_autoptr(GError) error = NULL;
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (xuncha_office_records_reports_foreach (records, on_count, seen, &error));
  g_assert_no_error (error);
  return seen;
}

/* Idempotent puts. */

static void
test_report_idempotent (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireReport) report = make_report (uuid, "first", NULL);
  g_auto(XunchaOfficeReceipt) first = { 0 };
  g_auto(XunchaOfficeReceipt) again = { 0 };
  g_autoptr(XunchaOfficeReportRecord) held = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (put_report (f->records, &officer_a, report, &created, &first, &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_nonnull (first.id);
  g_assert_nonnull (first.received_at);
  g_assert_nonnull (first.content_sha256);

  g_assert_true (put_report (f->records, &officer_a, report, &created, &again, &error));
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpstr (again.id, ==, first.id);
  g_assert_cmpstr (again.received_at, ==, first.received_at);
  g_assert_cmpstr (again.content_sha256, ==, first.content_sha256);

  held = xuncha_office_records_report_get (f->records, NULL, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (held->report->uuid, ==, uuid);
  g_assert_cmpstr (held->report->note, ==, "first");
  g_assert_cmpstr (held->officer_id, ==, "A1");
  g_assert_cmpstr (held->receipt.id, ==, first.id);
  g_assert_cmpuint (held->report->photos->len, ==, 1);
  g_assert_cmpuint (held->conflicts, ==, 0);
  g_assert_null (held->case_status);
  seen = all_reports (f->records);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1);
}

static void
test_shift_idempotent (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireShift) open = make_shift (uuid, NULL);
  g_autoptr(XunchaWireShift) closed = make_shift (uuid, "2024-05-01T14:00:00Z");
  g_autoptr(XunchaWireShift) other_end = make_shift (uuid, "2024-05-01T15:00:00Z");
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 points = -1;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, open, &created,
                                                  &points, &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpint (points, ==, 0);
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, open, &created,
                                                  &points, &error));
  g_assert_no_error (error);
  g_assert_false (created);
  /* Its end arrives later: the same shift, not a conflict; and again. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, closed, &created,
                                                      &points, &error));
      g_assert_no_error (error);
      g_assert_false (created);
    }
  g_assert_false (xuncha_office_records_shift_put (f->records, &officer_a, other_end, &created,
                                                   &points, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
}

static void
test_points_idempotent (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireShift) shift = make_shift (uuid, NULL);
  g_autoptr(GArray) first = make_points (0, 100);
  g_autoptr(GArray) overlap = make_points (50, 100);
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = -1, total = -1, held = -1;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                  &held, &error));
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, uuid, first, &stored,
                                                   &total, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored, ==, 100);
  g_assert_cmpint (total, ==, 100);
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, uuid, first, &stored,
                                                   &total, &error));
  g_assert_cmpint (stored, ==, 0);
  g_assert_cmpint (total, ==, 100);
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, uuid, overlap,
                                                   &stored, &total, &error));
  g_assert_cmpint (stored, ==, 50);
  g_assert_cmpint (total, ==, 150);
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                  &held, &error));
  g_assert_no_error (error);
  g_assert_cmpint (held, ==, 150);
}

static void
test_officer_idempotent (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *first = add_officer (f->records, &officer_a);
  g_autofree char *second = add_officer (f->records, &officer_a);
  g_autofree char *token = NULL;
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(GError) error = NULL;

  /* Added again: the officer is renewed with a fresh code, the earlier one no longer
   * works. */
  g_assert_cmpstr (first, !=, second);
  g_assert_false (xuncha_office_records_enroll (f->records, "A1", first, "old", &token, &who,
                                                &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (xuncha_office_records_enroll (f->records, "A1", second, "new", &token, &who,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who.name, ==, "Officer A");
  g_assert_cmpstr (who.team, ==, "T1");
}

/* A device's public signing key is kept with its token in the enrollment's transaction,
 * found by the token and by its fingerprint (also after the token is revoked: what it
 * signed stays evidence); a device of before keys has none, and an enrollment refused
 * keeps none. */
static XunchaOfficeEvidenceRecord *
evidence_record (const char *device_key,
                 gint64      chain,
                 gint64      sequence,
                 const char *uuid,
                 gint64      revision)
{
  XunchaOfficeEvidenceRecord *record = xuncha_office_evidence_record_new ();
  static const guint8 signature[] = { 0x30, 0x44, 0x02, 0x20, 0x01, 0x00, 0xff };

  record->device_key = g_strdup (device_key);
  record->chain = chain;
  record->sequence = sequence;
  record->report_uuid = g_strdup (uuid);
  record->revision = revision;
  record->manifest = g_strdup_printf ("{\"sequence\":%" G_GINT64_FORMAT ",\"uuid\":\"%s\","
                                      "\"note\":\"早市\"}", sequence + chain * 1000, uuid);
  record->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, record->manifest, -1);
  record->signature = g_bytes_new_static (signature, sizeof signature);
  return record;
}

/* Signed manifests kept as given (bytes, signature, break), found by key and by report;
 * the same bytes again change nothing; a sequence the chain already passed is refused. */
static void
test_evidence_kept (Fixture       *f,
                    gconstpointer  data)
{
  const char *key = "1f17d2b1a5c3e4f60718293a4b5c6d7e8f9012345678abcdef0123456789abcd";
  g_autoptr(XunchaOfficeEvidenceRecord) first = evidence_record (key, 1, 1, "r-1", 1);
  g_autoptr(XunchaOfficeEvidenceRecord) second = evidence_record (key, 1, 2, "r-2", 1);
  g_autoptr(XunchaOfficeEvidenceRecord) edit = evidence_record (key, 1, 3, "r-1", 2);
  g_autoptr(XunchaOfficeEvidenceRecord) stale = evidence_record (key, 1, 2, "r-3", 1);
  g_autoptr(XunchaOfficeEvidenceRecord) restart = evidence_record (key, 2, 1, "r-4", 1);
  g_autoptr(XunchaOfficeEvidenceRecord) latest = NULL;
  g_autoptr(GPtrArray) of_report = NULL;
  g_autoptr(GError) error = NULL;
  XunchaOfficeEvidenceRecord *got;
  gboolean held = TRUE;

  latest = xuncha_office_records_evidence_latest (f->records, key, &error);
  g_assert_no_error (error);
  g_assert_null (latest);

  g_assert_true (xuncha_office_records_evidence_put (f->records, first, &held, &error));
  g_assert_no_error (error);
  g_assert_false (held);
  g_assert_true (xuncha_office_records_evidence_put (f->records, first, &held, &error));
  g_assert_true (held);
  g_assert_true (xuncha_office_records_evidence_put (f->records, second, &held, &error));
  g_assert_true (xuncha_office_records_evidence_put (f->records, edit, &held, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_records_evidence_put (f->records, stale, &held, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);

  latest = xuncha_office_records_evidence_latest (f->records, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (latest->sequence, ==, 3);
  g_assert_cmpstr (latest->manifest, ==, edit->manifest);
  g_clear_pointer (&latest, xuncha_office_evidence_record_free);

  restart->chain_break = TRUE;
  g_assert_true (xuncha_office_records_evidence_put (f->records, restart, &held, &error));
  g_assert_no_error (error);
  latest = xuncha_office_records_evidence_latest (f->records, key, &error);
  g_assert_cmpint (latest->chain, ==, 2);
  g_assert_cmpint (latest->sequence, ==, 1);
  g_assert_true (latest->chain_break);
  g_assert_nonnull (latest->received_at);

  of_report = xuncha_office_records_evidence_of_report (f->records, "r-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (of_report->len, ==, 2);
  got = g_ptr_array_index (of_report, 1);
  g_assert_cmpint (got->revision, ==, 2);
  g_assert_cmpstr (got->sha256, ==, edit->sha256);
  g_assert_false (got->chain_break);
  g_assert_true (g_bytes_equal (got->signature, edit->signature));
  g_clear_pointer (&of_report, g_ptr_array_unref);
  of_report = xuncha_office_records_evidence_of_report (f->records, "r-none", &error);
  g_assert_cmpuint (of_report->len, ==, 0);
}

static void
test_enrolled_key (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *code = add_officer (f->records, &officer_a);
  g_autofree char *token = NULL;
  g_autofree char *keyless = enroll (f->records, &officer_b);
  g_autofree char *wrong_token = NULL;
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(XunchaEvidenceKey) key = NULL;
  g_autoptr(XunchaEvidenceKey) refused_key = NULL;
  g_autoptr(XunchaEvidenceKey) public_half = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) by_token = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) by_fingerprint = NULL;
  g_autoptr(XunchaOfficeEnrolledKey) none = NULL;
  g_autoptr(GError) error = NULL;

  key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2, &error);
  g_assert_no_error (error);
  public_half = xuncha_evidence_key_new_from_public (xuncha_evidence_key_get_public (key),
                                                     &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_enroll_with_key (f->records, "A1", code, "phone",
                                                        public_half, &token, &who, &error));
  g_assert_no_error (error);

  by_token = xuncha_office_records_enrolled_key (f->records, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (by_token);
  g_assert_cmpstr (by_token->officer_id, ==, "A1");
  g_assert_cmpstr (by_token->device_name, ==, "phone");
  g_assert_true (xuncha_protocol_is_time (by_token->enrolled_at));
  g_assert_cmpstr (by_token->algorithm, ==, XUNCHA_EVIDENCE_ALGORITHM_SM2);
  g_assert_cmpstr (by_token->public_key, ==, xuncha_evidence_key_get_public (key));
  g_assert_cmpstr (by_token->fingerprint, ==, xuncha_evidence_key_get_fingerprint (key));

  g_assert_true (xuncha_office_records_officer_revoke (f->records, "A1", &error));
  g_assert_no_error (error);
  by_fingerprint = xuncha_office_records_enrolled_key (f->records, NULL,
                                                       xuncha_evidence_key_get_fingerprint (key),
                                                       &error);
  g_assert_no_error (error);
  g_assert_nonnull (by_fingerprint);
  g_assert_cmpstr (by_fingerprint->public_key, ==, by_token->public_key);
  g_assert_cmpstr (by_fingerprint->enrolled_at, ==, by_token->enrolled_at);

  none = xuncha_office_records_enrolled_key (f->records, keyless, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* A wrong code keeps no key. */
  refused_key = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_ED25519, &error);
  g_assert_no_error (error);
  g_free (add_officer (f->records, &officer_a));
  g_assert_false (xuncha_office_records_enroll_with_key (f->records, "A1", "WRONG-CODE", "x",
                                                         refused_key, &wrong_token, &who,
                                                         &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  none = xuncha_office_records_enrolled_key (f->records, NULL,
                                             xuncha_evidence_key_get_fingerprint (refused_key),
                                             &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

/* Conflicts. */

static void
test_report_conflict (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireReport) report = make_report (uuid, "first", NULL);
  g_autoptr(XunchaWireReport) edited = make_report (uuid, "second", NULL);
  g_auto(XunchaOfficeReceipt) first = { 0 };
  g_auto(XunchaOfficeReceipt) answer = { 0 };
  g_autoptr(XunchaOfficeReportRecord) held = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (put_report (f->records, &officer_a, report, &created, &first, &error));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_false (put_report (f->records, &officer_a, edited, &created, &answer, &error));
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
      g_clear_error (&error);
      /* The receipt of the version held. */
      g_assert_cmpstr (answer.id, ==, first.id);
      g_assert_cmpstr (answer.content_sha256, ==, first.content_sha256);
    }
  held = xuncha_office_records_report_get (f->records, NULL, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (held->report->note, ==, "first");
  /* The other version is kept for review, once. */
  g_assert_cmpuint (held->conflicts, ==, 1);
}

static void
test_other_officer (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *shift_uuid = g_uuid_string_random ();
  g_autofree char *child = g_uuid_string_random ();
  g_autofree char *members = NULL;
  g_autoptr(XunchaWireReport) report = make_report (uuid, "mine", NULL);
  g_autoptr(XunchaWireReport) follows = NULL;
  g_autoptr(XunchaWireReport) in_shift = NULL;
  g_autoptr(XunchaWireShift) shift = make_shift (shift_uuid, NULL);
  g_autoptr(GArray) points = make_points (0, 3);
  g_autoptr(GHashTable) seen = NULL;
  g_auto(XunchaOfficeReceipt) receipt = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = 0, total = 0;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  g_assert_true (put_report (f->records, &officer_a, report, &created, &receipt, &error));
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                  &total, &error));
  g_assert_no_error (error);

  /* Another officer's uuid: refused, and nothing of the held one is told. */
  g_assert_false (put_report (f->records, &officer_b, report, &created, &receipt, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN);
  g_assert_null (receipt.id);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_shift_put (f->records, &officer_b, shift, &created,
                                                   &total, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_points_add (f->records, &officer_b, shift_uuid, points,
                                                    &stored, &total, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_points_add (f->records, &officer_a, child, points,
                                                    &stored, &total, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Following another officer's report, or in his shift: refused, nothing stored. */
  members = g_strdup_printf ("\"parent_uuid\": \"%s\"", uuid);
  follows = make_report (child, "follows", members);
  g_assert_false (put_report (f->records, &officer_b, follows, &created, &receipt, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "report.parent_uuid"));
  g_clear_error (&error);
  g_free (members);
  members = g_strdup_printf ("\"shift_uuid\": \"%s\"", shift_uuid);
  in_shift = make_report (child, "in shift", members);
  g_assert_false (put_report (f->records, &officer_b, in_shift, &created, &receipt, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "report.shift_uuid"));
  g_clear_error (&error);
  seen = all_reports (f->records);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1);
  /* Its own officer may. */
  g_assert_true (put_report (f->records, &officer_a, follows, &created, &receipt, &error));
  g_assert_no_error (error);
  g_assert_true (created);
}

/* Revisions. */

static void
test_status_revisions (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *first = g_uuid_string_random ();
  g_autofree char *second = g_uuid_string_random ();
  g_autoptr(XunchaWireReport) report_1 = make_report (first, "1", NULL);
  g_autoptr(XunchaWireReport) report_2 = make_report (second, "2", NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_auto(XunchaOfficeReceipt) receipt = { 0 };
  g_autoptr(GError) error = NULL;
  XunchaOfficeCaseStatus *item;
  gboolean created;
  gint64 start = -1, after_first = -1, revision = -1;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (put_report (f->records, &officer_a, report_1, &created, &receipt, &error));
  g_assert_true (put_report (f->records, &officer_a, report_2, &created, &receipt, &error));
  items = xuncha_office_records_status_since (f->records, &officer_a, 0, &start, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (xuncha_office_records_report_set_status (f->records, first, "立案", &error));
  items = xuncha_office_records_status_since (f->records, &officer_a, start, &after_first,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_cmpstr (item->uuid, ==, first);
  g_assert_cmpstr (item->case_status, ==, "立案");
  g_assert_nonnull (item->case_status_at);
  g_assert_cmpint (item->revision, >, start);
  g_assert_cmpint (item->revision, ==, after_first);
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (xuncha_office_records_report_set_status (f->records, second, "派遣", &error));
  g_assert_true (xuncha_office_records_report_set_status (f->records, first, "结案", &error));
  g_assert_no_error (error);
  /* Exactly what changed after the revision asked from, in order. */
  items = xuncha_office_records_status_since (f->records, &officer_a, after_first, &revision,
                                              &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((XunchaOfficeCaseStatus *)items->pdata[0])->uuid, ==, second);
  g_assert_cmpstr (((XunchaOfficeCaseStatus *)items->pdata[1])->uuid, ==, first);
  g_assert_cmpstr (((XunchaOfficeCaseStatus *)items->pdata[1])->case_status, ==, "结案");
  g_assert_cmpint (((XunchaOfficeCaseStatus *)items->pdata[1])->revision, ==, revision);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = xuncha_office_records_status_since (f->records, &officer_a, revision, &after_first,
                                              &error);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpint (after_first, ==, revision);

  g_assert_false (xuncha_office_records_report_set_status (f->records, "no-such-report", "x",
                                                           &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

static void
test_street_revisions (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) streets = street_set (3, "中山路");
  g_autoptr(GPtrArray) changed_set = street_set (2, "中山路");
  g_autoptr(GPtrArray) items = NULL;
  g_auto(GStrv) deleted = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first = -1, second = -1, revision = -1;
  guint changed = 0, gone = 0;
  XunchaOfficeStreet *street;

  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &first, &changed,
                                                       &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (gone, ==, 0);
  g_assert_cmpint (first, >, 0);

  /* Unchanged: the revision stays, devices have nothing to fetch. */
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_cmpint (revision, ==, first);
  g_assert_cmpuint (changed + gone, ==, 0);

  /* s-0001 renamed, s-0002 gone. */
  street = changed_set->pdata[1];
  g_free (street->name);
  street->name = g_strdup ("人民路");
  g_assert_true (xuncha_office_records_streets_import (f->records, changed_set, &second,
                                                       &changed, &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (gone, ==, 1);
  g_assert_cmpint (second, >, first);

  items = xuncha_office_records_streets_since (f->records, first, &revision, &deleted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (revision, ==, second);
  g_assert_cmpuint (items->len, ==, 1);
  street = items->pdata[0];
  g_assert_cmpstr (street->id, ==, "s-0001");
  g_assert_cmpstr (street->name, ==, "人民路");
  g_assert_cmpint (street->revision, ==, second);
  g_assert_true (xuncha_office_street_equal (street, changed_set->pdata[1]));
  g_assert_cmpuint (g_strv_length (deleted), ==, 1);
  g_assert_cmpstr (deleted[0], ==, "s-0002");
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&deleted, g_strfreev);

  items = xuncha_office_records_streets_since (f->records, 0, &revision, &deleted, &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_true (xuncha_office_street_equal (items->pdata[0], changed_set->pdata[0]));
  g_assert_cmpint (((XunchaOfficeStreet *)items->pdata[0])->revision, ==, first);
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&deleted, g_strfreev);

  items = xuncha_office_records_streets_since (f->records, second, &revision, &deleted, &error);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpuint (g_strv_length (deleted), ==, 0);
  g_assert_cmpint (revision, ==, second);
}

static void
test_merchant_revisions (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) merchants =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_merchant_free);
  g_autoptr(GPtrArray) items = NULL;
  g_auto(GStrv) deleted = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first = -1, second = -1, revision = -1;
  guint changed = 0, gone = 0;

  for (guint i = 0; i < 2; i++)
    {
      XunchaOfficeMerchant *merchant = xuncha_office_merchant_new ();

      merchant->id = g_strdup_printf ("m-%u", i);
      merchant->name = g_strdup (i == 0 ? "老王面馆" : "𠮷野家");
      merchant->lon = 104.06 + i * 0.001;
      merchant->lat = 30.65;
      g_ptr_array_add (merchants, merchant);
    }
  g_assert_true (xuncha_office_records_merchants_import (f->records, merchants, &first,
                                                         &changed, &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (xuncha_office_records_merchants_import (f->records, merchants, &revision,
                                                         &changed, &gone, &error));
  g_assert_cmpint (revision, ==, first);
  g_assert_cmpuint (changed + gone, ==, 0);

  ((XunchaOfficeMerchant *)merchants->pdata[0])->address = g_strdup ("解放路1号");
  g_ptr_array_remove_index (merchants, 1);
  g_assert_true (xuncha_office_records_merchants_import (f->records, merchants, &second,
                                                         &changed, &gone, &error));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (gone, ==, 1);
  items = xuncha_office_records_merchants_since (f->records, first, &revision, &deleted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (revision, ==, second);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (xuncha_office_merchant_equal (items->pdata[0], merchants->pdata[0]));
  g_assert_cmpint (((XunchaOfficeMerchant *)items->pdata[0])->revision, ==, second);
  g_assert_cmpstrv (deleted, ((const char * const[]) { "m-1", NULL }));

  /* Street streets and merchants count their revisions apart. */
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&deleted, g_strfreev);
  items = xuncha_office_records_streets_since (f->records, 0, &revision, &deleted, &error);
  g_assert_cmpuint (items->len, ==, 0);
}

/* Authorization data. */

typedef struct
{
  XunchaOfficeRecords *records[2];
  const char          *code;
  GMutex               lock;
  GCond                go;
  gboolean             started;
  guint                next;
  guint                enrolled;
  guint                refused;
} Race;

static gpointer
race_enroll (gpointer data)
{
  Race *race = data;
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  XunchaOfficeRecords *records;
  gboolean ok;

  g_mutex_lock (&race->lock);
  while (!race->started)
    g_cond_wait (&race->go, &race->lock);
  /* Every other racer through the other records object. */
  records = race->records[race->next++ % 2];
  g_mutex_unlock (&race->lock);
  ok = xuncha_office_records_enroll (records, "A1", race->code, "racer", &token, &who,
                                     &error);
  g_mutex_lock (&race->lock);
  if (ok)
    race->enrolled++;
  else
    {
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
                      XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
      race->refused++;
    }
  g_mutex_unlock (&race->lock);
  return NULL;
}

/* After a restore the counters are raised above every revision handed out before: a
 * device asking from a revision the restored records never reached still gets what changes
 * next. Raising to less than a counter holds changes nothing. */
static void
test_revisions_raised (Fixture       *f,
                       gconstpointer  data)
{
  const gint64 raised = G_GINT64_CONSTANT (1700000000000000);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireReport) report = make_report (uuid, "1", NULL);
  g_autoptr(GPtrArray) streets = street_set (2, "中山路");
  g_autoptr(GPtrArray) renamed = street_set (2, "人民路");
  g_autoptr(GPtrArray) merchants =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_merchant_free);
  g_autoptr(GPtrArray) items = NULL;
  g_auto(GStrv) deleted = NULL;
  g_auto(XunchaOfficeReceipt) receipt = { 0 };
  g_autoptr(GError) error = NULL;
  XunchaOfficeMerchant *merchant = xuncha_office_merchant_new ();
  gint64 revision = -1, before = -1;
  guint changed = 0, gone = 0;
  gboolean created;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (put_report (f->records, &officer_a, report, &created, &receipt, &error));
  g_assert_true (xuncha_office_records_report_set_status (f->records, uuid, "立案", &error));
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &before, &changed,
                                                       &gone, &error));
  g_assert_no_error (error);

  g_assert_true (xuncha_office_records_revisions_raise (f->records, raised, &error));
  g_assert_no_error (error);
  /* Nothing new: the revision to ask from next is the raised one. */
  items = xuncha_office_records_status_since (f->records, &officer_a, 0, &revision, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (revision, ==, raised);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A device that had asked from above the backup's counters (raised - 10 here) gets the
   * next change. */
  g_assert_true (xuncha_office_records_report_set_status (f->records, uuid, "结案", &error));
  items = xuncha_office_records_status_since (f->records, &officer_a, raised - 10, &revision,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((XunchaOfficeCaseStatus *)items->pdata[0])->case_status, ==, "结案");
  g_assert_cmpint (revision, ==, raised + 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (xuncha_office_records_streets_import (f->records, renamed, &revision, &changed,
                                                       &gone, &error));
  g_assert_cmpint (revision, ==, raised + 1);
  items = xuncha_office_records_streets_since (f->records, raised - 10, &revision, &deleted,
                                               &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&deleted, g_strfreev);

  merchant->id = g_strdup ("m-1");
  merchant->name = g_strdup ("老王面馆");
  merchant->lon = 104.06;
  merchant->lat = 30.65;
  g_ptr_array_add (merchants, merchant);
  g_assert_true (xuncha_office_records_merchants_import (f->records, merchants, &revision,
                                                         &changed, &gone, &error));
  g_assert_cmpint (revision, ==, raised + 1);

  /* Lower than the counters: they stay. */
  g_assert_true (xuncha_office_records_revisions_raise (f->records, before, &error));
  g_assert_true (xuncha_office_records_report_set_status (f->records, uuid, "退回", &error));
  items = xuncha_office_records_status_since (f->records, &officer_a, raised + 1, &revision,
                                              &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (revision, ==, raised + 2);
}

static void
test_enroll_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *code = add_officer (f->records, &officer_a);
  g_autofree char *token = NULL;
  g_autofree char *race_code = NULL;
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) other = NULL;
  GThread *threads[4];
  Race race = { 0 };

  g_assert_false (xuncha_office_records_enroll (f->records, "A1", "WRONG-CODE", "x", &token,
                                                &who, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_enroll (f->records, "Z9", code, "x", &token, &who,
                                                &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  /* Typed as read aloud: case and dashes do not matter. */
  {
    g_autofree char *typed = g_ascii_strdown (code, -1);

    g_strdelimit (typed, "-", ' ');
    g_assert_true (xuncha_office_records_enroll (f->records, "A1", typed, "phone", &token, &who,
                                                 &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&token, g_free);
  xuncha_wire_officer_clear (&who);
  g_assert_false (xuncha_office_records_enroll (f->records, "A1", code, "again", &token, &who,
                                                &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* Four devices race for one code through two records objects (two office processes):
   * one of them gets a token. */
  other = open_backend (f, &error);
  g_assert_no_error (error);
  race_code = add_officer (f->records, &officer_a);
  race.code = race_code;
  g_mutex_init (&race.lock);
  g_cond_init (&race.go);
  race.records[0] = f->records;
  race.records[1] = other;
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("racer", race_enroll, &race);
  g_mutex_lock (&race.lock);
  race.started = TRUE;
  g_cond_broadcast (&race.go);
  g_mutex_unlock (&race.lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (race.enrolled, ==, 1);
  g_assert_cmpuint (race.refused, ==, G_N_ELEMENTS (threads) - 1);
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.go);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *token_a = enroll (f->records, &officer_a);
  g_autofree char *token_b = enroll (f->records, &officer_b);
  g_auto(XunchaWireOfficer) who = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_office_records_authenticate (f->records, token_a, &who, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who.id, ==, "A1");
  g_assert_cmpstr (who.team, ==, "T1");
  g_assert_false (who.leader);
  xuncha_wire_officer_clear (&who);
  g_assert_false (xuncha_office_records_authenticate (f->records, "made-up", &who, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_authenticate (f->records, "", &who, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  g_assert_true (xuncha_office_records_officer_revoke (f->records, "A1", &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_records_authenticate (f->records, token_a, &who, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  /* Only his. */
  g_assert_true (xuncha_office_records_authenticate (f->records, token_b, &who, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_records_officer_revoke (f->records, "Z9", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  const XunchaWireOfficer *everyone[] = {
    &officer_a, &officer_b, &leader_t1, &officer_c, &leader_t2
  };
  const XunchaWireOfficer *owners[] = { &officer_a, &officer_b, &officer_c };
  /* Who sees whose report: rows the viewer, columns the owner (A1, B1, C1). */
  const struct { const XunchaWireOfficer *viewer; gboolean sees[3]; } table[] = {
    { &officer_a, { TRUE, FALSE, FALSE } },
    { &officer_b, { FALSE, TRUE, FALSE } },
    { &leader_t1, { TRUE, TRUE, FALSE } },
    { &officer_c, { FALSE, FALSE, TRUE } },
    { &leader_t2, { FALSE, FALSE, TRUE } },
    { NULL, { TRUE, TRUE, TRUE } },
  };
  char *uuids[G_N_ELEMENTS (owners)];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (everyone); i++)
    g_free (add_officer (f->records, everyone[i]));
  for (guint i = 0; i < G_N_ELEMENTS (owners); i++)
    {
      g_autoptr(XunchaWireReport) report = NULL;
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      gboolean created;

      uuids[i] = g_uuid_string_random ();
      report = make_report (uuids[i], owners[i]->id, NULL);
      g_assert_true (put_report (f->records, owners[i], report, &created, &receipt, &error));
      g_assert_no_error (error);
      g_assert_true (xuncha_office_records_report_set_status (f->records, uuids[i], "立案",
                                                              &error));
    }
  for (guint v = 0; v < G_N_ELEMENTS (table); v++)
    {
      g_autoptr(GPtrArray) statuses = NULL;
      guint expected = 0;
      gint64 revision;

      for (guint o = 0; o < G_N_ELEMENTS (owners); o++)
        {
          g_autoptr(XunchaOfficeReportRecord) record =
            xuncha_office_records_report_get (f->records, table[v].viewer, uuids[o], &error);

          if (table[v].sees[o])
            {
              g_assert_no_error (error);
              g_assert_cmpstr (record->officer_id, ==, owners[o]->id);
              expected++;
            }
          else
            {
              g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
                              XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
              g_assert_null (record);
              g_clear_error (&error);
            }
        }
      if (table[v].viewer == NULL)
        continue;
      /* The same people's statuses reach a device. */
      statuses = xuncha_office_records_status_since (f->records, table[v].viewer, 0, &revision,
                                                     &error);
      g_assert_no_error (error);
      g_assert_cmpuint (statuses->len, ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (owners); i++)
    g_free (uuids[i]);
}

static void
test_assigned_streets (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) streets = street_set (3, "中山路");
  const char *assign[] = { "s-0002", "s-0000", NULL };
  const char *unknown[] = { "s-0001", "s-9999", NULL };
  g_auto(GStrv) held = NULL;
  g_autoptr(GError) error = NULL;
  gint64 revision;
  guint changed, gone;

  g_free (add_officer (f->records, &officer_a));
  held = xuncha_office_records_assigned_streets (f->records, "A1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (held), ==, 0);
  g_clear_pointer (&held, g_strfreev);
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_true (xuncha_office_records_assign_streets (f->records, "A1", assign, &error));
  g_assert_no_error (error);
  held = xuncha_office_records_assigned_streets (f->records, "A1", &error);
  g_assert_cmpstrv (held, ((const char * const[]) { "s-0000", "s-0002", NULL }));
  g_clear_pointer (&held, g_strfreev);

  /* A street the office does not hold: refused, and nothing changed. */
  g_assert_false (xuncha_office_records_assign_streets (f->records, "A1", unknown, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
  g_clear_error (&error);
  held = xuncha_office_records_assigned_streets (f->records, "A1", &error);
  g_assert_cmpstrv (held, ((const char * const[]) { "s-0000", "s-0002", NULL }));
  g_assert_false (xuncha_office_records_assign_streets (f->records, "Z9", assign, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

/* Adding a new officer takes an id not held yet: a second add of the same id, or an add
 * of an id the command line added, is CONFLICT and leaves his code and name as they were. */
static void
test_officer_add_new (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL, *again = NULL, *token = NULL, *other_code = NULL;
  g_auto(XunchaWireOfficer) who = { 0 };
  XunchaWireOfficer renamed = { "A1", "Someone else", "T2", TRUE };

  g_assert_true (xuncha_office_records_officer_add_new (f->records, &officer_a, &code, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_records_officer_add_new (f->records, &renamed, &again, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_assert_null (again);
  g_clear_error (&error);
  g_assert_true (xuncha_office_records_enroll (f->records, "A1", code, "phone", &token, &who,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who.name, ==, "Officer A");
  g_assert_cmpstr (who.team, ==, "T1");

  other_code = add_officer (f->records, &officer_b);
  g_assert_false (xuncha_office_records_officer_add_new (f->records, &officer_b, &again, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
}

/* A day's route: the officer's shifts that overlap a time, their points as sent, and the
 * streets by id with their line work. */
static XunchaWireShift *
shift_at (const char *started_at,
          const char *ended_at)
{
  XunchaWireShift *shift = xuncha_wire_shift_new ();

  shift->uuid = g_uuid_string_random ();
  shift->kind = g_strdup ("early");
  shift->started_at = g_strdup (started_at);
  shift->ended_at = g_strdup (ended_at);
  return shift;
}

static gint64
ms_of (const char *iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

static void
test_route_records (Fixture       *f,
                    gconstpointer  data)
{
  /* The day is 2024-05-01 in UTC+8: 2024-04-30T16:00Z to 2024-05-01T16:00Z. */
  g_autoptr(XunchaWireShift) before = shift_at ("2024-04-30T06:00:00Z", "2024-04-30T14:00:00Z");
  g_autoptr(XunchaWireShift) across = shift_at ("2024-04-30T15:00:00.250Z",
                                                "2024-04-30T17:00:00Z");
  g_autoptr(XunchaWireShift) inside = shift_at ("2024-05-01T06:00:00+08:00",
                                                "2024-05-01T14:00:00+08:00");
  g_autoptr(XunchaWireShift) open = shift_at ("2024-05-01T15:00:00Z", NULL);
  g_autoptr(XunchaWireShift) after = shift_at ("2024-05-01T16:00:00Z", "2024-05-01T18:00:00Z");
  g_autoptr(XunchaWireShift) others = shift_at ("2024-05-01T01:00:00Z", "2024-05-01T02:00:00Z");
  XunchaWireShift *mine[] = { before, across, inside, open, after };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GArray) sent = make_points (0, 40);
  g_autoptr(GArray) held = NULL;
  g_autoptr(GPtrArray) streets = street_set (3, "中山路");
  g_autoptr(GPtrArray) got = NULL;
  const char *ids[] = { "s-0002", "s-9999", "s-0000", "s-0002", NULL };
  g_autoptr(GError) error = NULL;
  gboolean created;
  gint64 count, stored, total, revision;
  guint changed, gone;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, mine[i], &created,
                                                      &count, &error));
      g_assert_no_error (error);
    }
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_b, others, &created,
                                                  &count, &error));

  found = xuncha_office_records_officer_shifts (f->records, "A1",
                                                ms_of ("2024-04-30T16:00:00Z"),
                                                ms_of ("2024-05-01T16:00:00Z"), &error);
  g_assert_no_error (error);
  /* By start; the one ending at the day's start and the one starting at its end are out,
   * the open one is in, another officer's is not. */
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpstr (((XunchaWireShift *)found->pdata[0])->uuid, ==, across->uuid);
  g_assert_cmpstr (((XunchaWireShift *)found->pdata[0])->started_at, ==, across->started_at);
  g_assert_cmpstr (((XunchaWireShift *)found->pdata[1])->uuid, ==, inside->uuid);
  g_assert_cmpstr (((XunchaWireShift *)found->pdata[1])->ended_at, ==, inside->ended_at);
  g_assert_cmpstr (((XunchaWireShift *)found->pdata[2])->uuid, ==, open->uuid);
  g_assert_null (((XunchaWireShift *)found->pdata[2])->ended_at);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = xuncha_office_records_officer_shifts (f->records, "Z9", 0, G_MAXINT64 / 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);

  /* Points come back as sent, in seq order, whatever order they arrived in; absent values
   * stay absent and the rest are exact. */
  for (guint i = 0; i < sent->len; i++)
    {
      XunchaWirePoint *p = &g_array_index (sent, XunchaWirePoint, i);

      p->lat = 30.6 + g_test_rand_double_range (0, 0.1);
      p->lon = 104.0 + g_test_rand_double_range (0, 0.1);
      p->accuracy = i % 3 == 0 ? NAN : g_test_rand_double_range (1, 50);
    }
  {
    g_autoptr(GArray) second = g_array_new (FALSE, FALSE, sizeof (XunchaWirePoint));
    g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (XunchaWirePoint));

    g_array_append_vals (second, &g_array_index (sent, XunchaWirePoint, 20), 20);
    g_array_append_vals (first, sent->data, 20);
    g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, inside->uuid,
                                                     second, &stored, &total, &error));
    g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, inside->uuid,
                                                     first, &stored, &total, &error));
    g_assert_no_error (error);
  }
  held = xuncha_office_records_shift_points (f->records, inside->uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (held->len, ==, sent->len);
  for (guint i = 0; i < sent->len; i++)
    {
      const XunchaWirePoint *a = &g_array_index (sent, XunchaWirePoint, i);
      const XunchaWirePoint *b = &g_array_index (held, XunchaWirePoint, i);

      g_assert_cmpint (a->seq, ==, b->seq);
      g_assert_cmpint (a->t_ms, ==, b->t_ms);
      g_assert_true (a->lat == b->lat && a->lon == b->lon);
      g_assert_true (isnan (a->accuracy) ? isnan (b->accuracy) : a->accuracy == b->accuracy);
      g_assert_true (isnan (b->speed) && isnan (b->heading) && isnan (b->altitude));
    }
  g_clear_pointer (&held, g_array_unref);
  held = xuncha_office_records_shift_points (f->records, "no-such-shift", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (held->len, ==, 0);

  /* Streets by id: each once, by id, the unknown left out, the line work as imported. */
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  got = xuncha_office_records_streets_get (f->records, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpstr (((XunchaOfficeStreet *)got->pdata[0])->id, ==, "s-0000");
  g_assert_cmpstr (((XunchaOfficeStreet *)got->pdata[1])->id, ==, "s-0002");
  g_assert_true (xuncha_office_street_equal (got->pdata[1], streets->pdata[2]));
  g_clear_pointer (&got, g_ptr_array_unref);
  /* A deleted street is not given. */
  g_ptr_array_remove_index (streets, 2);
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  got = xuncha_office_records_streets_get (f->records, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (((XunchaOfficeStreet *)got->pdata[0])->id, ==, "s-0000");
}

/* The coverage cache: a shift's walked segments, stored with the inputs they were computed
 * from, read by the weekly coverage instead of the shift's points, and computed again when
 * points arrive, the assignment changes or the streets are imported again. */

/* @count points from @first on, walking street @street of street_set() from its start to
 * its end. */
static GArray *
points_along (guint first,
              guint count,
              guint street)
{
  GArray *points = make_points (first, count);

  for (guint i = 0; i < count; i++)
    {
      XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, i);
      double along = (double)i / (count - 1);

      p->t_ms = 1714543200000 + (gint64)(first + i) * 5000;
      p->lon = 104.0 + street * 0.01 + 0.001 * along;
      p->lat = 30.65 + 0.001 * along;
    }
  return points;
}

/* Stores an entry that claims the shift walked nothing, computed from the inputs of now:
 * a weekly coverage that reads it shows no segment walked. */
static void
store_nothing_walked (Fixture    *f,
                      const char *shift_uuid)
{
  g_autoptr(XunchaOfficeShiftCoverage) stored = NULL;
  g_auto(GStrv) assigned = NULL;
  g_autoptr(GError) error = NULL;
  XunchaOfficeShiftCoverage nothing = { 0 };
  const char *none[] = { NULL };

  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift_uuid, &stored,
                                                           &nothing.n_points,
                                                           &nothing.newest_seq,
                                                           &nothing.streets_revision, &error));
  g_assert_no_error (error);
  assigned = xuncha_office_records_assigned_streets (f->records, "A1", &error);
  g_assert_no_error (error);
  nothing.assigned_sha256 =
    xuncha_office_shift_coverage_assigned_sha256 ((const char * const *)assigned);
  nothing.walked_ids = (GStrv)none;
  g_assert_true (xuncha_office_records_shift_coverage_put (f->records, shift_uuid, &nothing,
                                                           &error));
  g_assert_no_error (error);
  g_free (nothing.assigned_sha256);
}

static XunchaOfficeCoverageSum
week_coverage (Fixture *f)
{
  XunchaOfficeCoverageSum sum;
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_office_route_coverage_between (f->records, "A1",
                                                       ms_of ("2024-04-29T00:00:00Z"),
                                                       ms_of ("2024-05-06T00:00:00Z"), &sum,
                                                       &error));
  g_assert_no_error (error);
  return sum;
}

/* The assigned segments the shift walked, as the route view (which keeps no cache)
 * computes them. */
static GStrv
route_walked (Fixture *f)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(XunchaOfficeRoute) route = NULL;
  g_autoptr(GError) error = NULL;

  route = xuncha_office_route_compute (f->records, "A1", "2024-05-01", utc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (route->shifts->len, ==, 1);
  return g_strdupv (((XunchaOfficeShiftRoute *)route->shifts->pdata[0])->walked_ids);
}

static void
test_coverage_cache (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XunchaWireShift) shift = shift_at ("2024-05-01T05:00:00Z", "2024-05-01T08:00:00Z");
  g_autoptr(GPtrArray) streets = street_set (3, "中山路");
  g_autoptr(GArray) first = points_along (0, 20, 0);
  g_autoptr(GArray) more = points_along (20, 20, 1);
  g_autoptr(GArray) late = g_array_new (FALSE, FALSE, sizeof (XunchaWirePoint));
  g_autoptr(XunchaOfficeShiftCoverage) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) walked = NULL;
  const char *assign[] = { "s-0000", "s-0001", NULL };
  const char *reassign[] = { "s-0000", "s-0002", NULL };
  const char *none[] = { NULL };
  XunchaOfficeShiftCoverage nothing = { 0, 0, 0, (char *)"0", (GStrv)none, 0 };
  XunchaOfficeCoverageSum sum, again;
  g_autofree char *sha256 = NULL;
  gint64 n_points, newest_seq, revision, streets_revision, stored_points, total;
  gboolean created;
  guint changed, gone;

  /* Point 5 arrives last, after all the others: below the highest seq. */
  g_array_append_val (late, g_array_index (first, XunchaWirePoint, 5));
  g_array_remove_index (first, 5);
  g_free (add_officer (f->records, &officer_a));
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_true (xuncha_office_records_assign_streets (f->records, "A1", assign, &error));
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                  &total, &error));
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, shift->uuid, first,
                                                   &stored_points, &total, &error));
  g_assert_no_error (error);

  /* Nothing stored before the first weekly coverage: points_add computes nothing. */
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_no_error (error);
  g_assert_null (stored);
  g_assert_cmpint (n_points, ==, 19);
  g_assert_cmpint (newest_seq, ==, 19);
  g_assert_cmpint (streets_revision, ==, revision);

  /* Filled by the weekly coverage, with the inputs it was computed from. */
  sum = week_coverage (f);
  g_assert_cmpuint (sum.n_assigned, ==, 2);
  g_assert_cmpuint (sum.n_shifts, ==, 1);
  g_assert_cmpuint (sum.n_walked, ==, 1);
  g_assert_cmpfloat (sum.walked_m, >, 100);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_nonnull (stored);
  sha256 = xuncha_office_shift_coverage_assigned_sha256 (assign);
  g_assert_true (xuncha_office_shift_coverage_is_current (stored, n_points, newest_seq,
                                                          streets_revision, sha256));
  g_assert_cmpstrv (stored->walked_ids, ((const char * const[]) { "s-0000", NULL }));
  g_assert_cmpfloat (stored->walked_m, ==, sum.walked_m);
  /* The same as without the cache: the route view's walked segments, the figures again. */
  walked = route_walked (f);
  g_assert_cmpstrv (walked, stored->walked_ids);
  g_clear_pointer (&walked, g_strfreev);
  g_clear_pointer (&stored, xuncha_office_shift_coverage_free);
  again = week_coverage (f);
  g_assert_true (memcmp (&again, &sum, sizeof sum) == 0);

  /* Read, not computed again: an entry of the inputs of now is believed. */
  store_nothing_walked (f, shift->uuid);
  again = week_coverage (f);
  g_assert_cmpuint (again.n_walked, ==, 0);
  g_assert_cmpfloat (again.walked_m, ==, 0);

  /* Points arrive: computed again, with them. */
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, shift->uuid, more,
                                                   &stored_points, &total, &error));
  g_assert_no_error (error);
  again = week_coverage (f);
  g_assert_cmpuint (again.n_walked, ==, 2);
  walked = route_walked (f);
  g_assert_cmpstrv (walked, ((const char * const[]) { "s-0000", "s-0001", NULL }));
  g_clear_pointer (&walked, g_strfreev);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_cmpint (stored->n_points, ==, 39);
  g_assert_cmpint (stored->newest_seq, ==, 39);
  g_assert_cmpstrv (stored->walked_ids, ((const char * const[]) { "s-0000", "s-0001", NULL }));
  g_clear_pointer (&stored, xuncha_office_shift_coverage_free);

  /* The assignment changes: computed again against the new one. */
  store_nothing_walked (f, shift->uuid);
  g_assert_true (xuncha_office_records_assign_streets (f->records, "A1", reassign, &error));
  g_assert_no_error (error);
  again = week_coverage (f);
  g_assert_cmpuint (again.n_assigned, ==, 2);
  g_assert_cmpuint (again.n_walked, ==, 1);
  g_assert_cmpfloat (again.walked_m, ==, sum.walked_m);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_cmpstrv (stored->walked_ids, ((const char * const[]) { "s-0000", NULL }));
  g_clear_pointer (&stored, xuncha_office_shift_coverage_free);

  /* The streets are imported again: computed again on them, the revision they had. */
  store_nothing_walked (f, shift->uuid);
  g_free (((XunchaOfficeStreet *)streets->pdata[2])->name);
  ((XunchaOfficeStreet *)streets->pdata[2])->name = g_strdup ("人民路");
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_cmpuint (changed, ==, 1);
  again = week_coverage (f);
  g_assert_cmpuint (again.n_walked, ==, 1);
  g_assert_cmpfloat (again.walked_m, ==, sum.walked_m);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_cmpint (stored->streets_revision, ==, revision);
  g_assert_cmpint (streets_revision, ==, revision);
  g_assert_cmpstrv (stored->walked_ids, ((const char * const[]) { "s-0000", NULL }));

  g_clear_pointer (&stored, xuncha_office_shift_coverage_free);

  /* A point below the highest seq arrives: the count tells. */
  store_nothing_walked (f, shift->uuid);
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, shift->uuid, late,
                                                   &stored_points, &total, &error));
  g_assert_cmpint (stored_points, ==, 1);
  again = week_coverage (f);
  g_assert_cmpuint (again.n_walked, ==, 1);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &stored,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_cmpint (stored->n_points, ==, 40);
  g_assert_cmpint (stored->newest_seq, ==, 39);

  /* Only for a shift the office holds. */
  g_assert_false (xuncha_office_records_shift_coverage_put (f->records, "no-such-shift",
                                                            &nothing, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

/* The route view computes a shift whole: it stores what the weekly coverage would. */
static void
test_coverage_cache_route_view (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(XunchaWireShift) shift = shift_at ("2024-05-01T05:00:00Z", "2024-05-01T08:00:00Z");
  g_autoptr(GPtrArray) streets = street_set (3, "中山路");
  g_autoptr(GArray) points = points_along (0, 20, 1);
  g_autoptr(XunchaOfficeShiftCoverage) from_route = NULL;
  g_autoptr(XunchaOfficeShiftCoverage) from_week = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) walked = NULL;
  const char *assign[] = { "s-0000", "s-0001", NULL };
  const char *none[] = { NULL };
  XunchaOfficeShiftCoverage stale = { 0, 0, 0, (char *)"0", (GStrv)none, 0 };
  XunchaOfficeCoverageSum sum;
  g_autofree char *sha256 = xuncha_office_shift_coverage_assigned_sha256 (assign);
  gint64 n_points, newest_seq, streets_revision, revision, stored_points, total;
  gboolean created;
  guint changed, gone;

  g_free (add_officer (f->records, &officer_a));
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_true (xuncha_office_records_assign_streets (f->records, "A1", assign, &error));
  g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                  &total, &error));
  g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, shift->uuid, points,
                                                   &stored_points, &total, &error));
  g_assert_no_error (error);

  walked = route_walked (f);
  g_assert_cmpstrv (walked, ((const char * const[]) { "s-0001", NULL }));
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &from_route,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_no_error (error);
  g_assert_nonnull (from_route);
  g_assert_true (xuncha_office_shift_coverage_is_current (from_route, n_points, newest_seq,
                                                          streets_revision, sha256));
  g_assert_cmpstrv (from_route->walked_ids, walked);
  g_assert_cmpfloat (from_route->walked_m, >, 100);
  sum = week_coverage (f);
  g_assert_cmpuint (sum.n_walked, ==, 1);
  g_assert_cmpfloat (sum.walked_m, ==, from_route->walked_m);

  /* What the weekly coverage computes itself is the same. */
  g_assert_true (xuncha_office_records_shift_coverage_put (f->records, shift->uuid, &stale,
                                                           &error));
  sum = week_coverage (f);
  g_assert_true (xuncha_office_records_shift_coverage_get (f->records, shift->uuid, &from_week,
                                                           &n_points, &newest_seq,
                                                           &streets_revision, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (from_week->assigned_sha256, ==, sha256);
  g_assert_cmpstrv (from_week->walked_ids, from_route->walked_ids);
  g_assert_cmpfloat (from_week->walked_m, ==, from_route->walked_m);
  g_assert_cmpint (from_week->n_points, ==, from_route->n_points);
  g_assert_cmpint (from_week->newest_seq, ==, from_route->newest_seq);
}

/* Failed enrollments. */

static void
test_enroll_failures (Fixture       *f,
                      gconstpointer  data)
{
  const gint64 second = G_USEC_PER_SEC;
  const gint64 now = (gint64)1700000000 * second;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) other = NULL;
  XunchaOfficeEnrollFailure *failure;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *officer = g_strdup_printf ("X%u", i);
      g_autoptr(XunchaOfficeEnrollFailure) one =
        xuncha_office_enroll_failure_new (officer, "192.0.2.1", now - (10 - i) * second);

      g_assert_true (xuncha_office_records_enroll_failure_add (f->records, one, 3, &error));
      g_assert_no_error (error);
    }
  /* At most three kept: the oldest forgotten first. Seen by another process too. */
  other = open_backend (f, &error);
  g_assert_no_error (error);
  kept = xuncha_office_records_enroll_failures (other, now - 100 * second, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 3);
  g_assert_cmpstr (((XunchaOfficeEnrollFailure *)kept->pdata[0])->officer_id, ==, "X2");
  g_assert_cmpstr (((XunchaOfficeEnrollFailure *)kept->pdata[2])->officer_id, ==, "X4");
  g_assert_cmpstr (((XunchaOfficeEnrollFailure *)kept->pdata[2])->address, ==, "192.0.2.1");
  g_assert_cmpint (((XunchaOfficeEnrollFailure *)kept->pdata[2])->at, ==, now - 6 * second);
  g_clear_pointer (&kept, g_ptr_array_unref);

  /* Older than the window: forgotten for good. */
  kept = xuncha_office_records_enroll_failures (f->records, now - 6 * second, now, &error);
  g_assert_cmpuint (kept->len, ==, 1);
  g_clear_pointer (&kept, g_ptr_array_unref);
  kept = xuncha_office_records_enroll_failures (f->records, now - 100 * second, now, &error);
  g_assert_cmpuint (kept->len, ==, 1);
  g_clear_pointer (&kept, g_ptr_array_unref);

  /* The clock set back: one from the future is taken, and kept, as now. */
  {
    g_autoptr(XunchaOfficeEnrollFailure) ahead =
      xuncha_office_enroll_failure_new ("F1", "192.0.2.2", now + 365 * 24 * 3600 * second);

    g_assert_true (xuncha_office_records_enroll_failure_add (f->records, ahead, 10, &error));
  }
  kept = xuncha_office_records_enroll_failures (f->records, now - 100 * second, now, &error);
  g_assert_cmpuint (kept->len, ==, 2);
  failure = kept->pdata[1];
  g_assert_cmpstr (failure->officer_id, ==, "F1");
  g_assert_cmpint (failure->at, ==, now);
  g_clear_pointer (&kept, g_ptr_array_unref);
  kept = xuncha_office_records_enroll_failures (f->records, now + 10 * second,
                                                now + 20 * second, &error);
  g_assert_cmpuint (kept->len, ==, 0);
}

/* Concurrency. */

typedef struct
{
  XunchaOfficeRecords     *records;
  const XunchaWireOfficer *officer;
  guint                    count;
  const char              *shared;   /* a report both writers send, or NULL */
  guint                    created;
} Writer;

static gpointer
write_reports (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < w->count; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr(XunchaWireReport) report = NULL;
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      g_autoptr(GError) error = NULL;
      gboolean created = FALSE;

      /* Half way, the report both send. */
      report = make_report (w->shared != NULL && i == w->count / 2 ? w->shared : uuid, "w",
                            NULL);
      if (!xuncha_office_records_report_put (w->records, w->officer, report, &created, &receipt,
                                             &error))
        g_error ("report %u: %s", i, error->message);
      w->created += created;
    }
  return NULL;
}

static void
check_writers (Fixture *f,
               Writer  *writers,
               guint    n_writers,
               guint    expected)
{
  GThread *threads[4];
  g_autoptr(GHashTable) seen = NULL;
  guint created = 0;

  g_assert_cmpuint (n_writers, <=, G_N_ELEMENTS (threads));
  for (guint i = 0; i < n_writers; i++)
    threads[i] = g_thread_new ("writer", write_reports, &writers[i]);
  for (guint i = 0; i < n_writers; i++)
    {
      g_thread_join (threads[i]);
      created += writers[i].created;
    }
  /* Nothing lost, nothing doubled. */
  g_assert_cmpuint (created, ==, expected);
  seen = all_reports (f->records);
  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
}

static void
test_two_writers (Fixture       *f,
                  gconstpointer  data)
{
  Writer writers[] = {
    { f->records, &officer_a, 200, NULL, 0 },
    { f->records, &officer_b, 200, NULL, 0 },
  };

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  check_writers (f, writers, G_N_ELEMENTS (writers), 400);
}

/* Two records objects on one database: what two office processes are to each other. */
static void
test_two_processes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shared = g_uuid_string_random ();
  Writer writers[] = {
    { f->records, &officer_a, 100, shared, 0 },
    { NULL, &officer_a, 100, shared, 0 },
  };

  other = open_backend (f, &error);
  g_assert_no_error (error);
  writers[1].records = other;
  g_free (add_officer (f->records, &officer_a));
  /* The report both send is taken once: 99 + 99 + 1. */
  check_writers (f, writers, G_N_ELEMENTS (writers), 199);
}

typedef struct
{
  XunchaOfficeRecords *records;
  guint                rounds;
  guint                streets;
  gint                 done;
} Importer;

static gpointer
import_rounds (gpointer data)
{
  Importer *im = data;

  for (guint r = 0; r < im->rounds; r++)
    {
      g_autofree char *name = g_strdup_printf ("round %u", r);
      g_autoptr(GPtrArray) streets = street_set (im->streets, name);
      g_autoptr(GError) error = NULL;
      gint64 revision;
      guint changed, gone;

      if (!xuncha_office_records_streets_import (im->records, streets, &revision, &changed,
                                                 &gone, &error))
        g_error ("import %u: %s", r, error->message);
      g_assert_cmpuint (changed, ==, im->streets);
    }
  g_atomic_int_set (&im->done, 1);
  return NULL;
}

/* A reader during a write sees all of it or nothing: every street of one answer carries
 * the same import's name and the revision answered. */
static void
test_reader_during_write (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) other = NULL;
  g_autoptr(GError) error = NULL;
  Importer im = { f->records, 40, 200, 0 };
  GThread *thread;
  guint reads = 0, partial_rounds = 0;
  gint64 last = 0;

  other = open_backend (f, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("importer", import_rounds, &im);
  while (!g_atomic_int_get (&im.done) || reads == 0)
    {
      XunchaOfficeRecords *reader = reads % 2 == 0 ? f->records : other;
      g_autoptr(GPtrArray) items = NULL;
      g_auto(GStrv) deleted = NULL;
      gint64 revision = -1;

      items = xuncha_office_records_streets_since (reader, 0, &revision, &deleted, &error);
      g_assert_no_error (error);
      reads++;
      g_assert_cmpint (revision, >=, last);
      last = revision;
      g_assert_cmpuint (g_strv_length (deleted), ==, 0);
      if (items->len == 0)
        {
          g_assert_cmpint (revision, ==, 0);
          continue;
        }
      g_assert_cmpuint (items->len, ==, im.streets);
      for (guint i = 0; i < items->len; i++)
        {
          XunchaOfficeStreet *street = items->pdata[i];

          g_assert_cmpint (street->revision, ==, revision);
          g_assert_cmpstr (street->name, ==, ((XunchaOfficeStreet *)items->pdata[0])->name);
        }
      partial_rounds++;
    }
  g_thread_join (thread);
  g_test_message ("%u reads during the imports, %u of them found streets", reads,
                  partial_rounds);
}

/* The generation. */

static void
assert_generation_form (const char *generation)
{
  g_assert_nonnull (generation);
  g_assert_cmpuint (strlen (generation), ==, 32);
  for (const char *p = generation; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
}

/* Made with the schema; the same for every records object on the database (every office
 * process) and at every read, until renewed; renewed, it is another for all of them, and
 * nothing else changed. */
static void
test_generation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *again = NULL, *seen = NULL, *renewed = NULL;
  g_autofree char *after = NULL, *seen_after = NULL, *reopened_gen = NULL;

  g_free (add_officer (f->records, &officer_a));
  first = xuncha_office_records_generation (f->records, &error);
  g_assert_no_error (error);
  assert_generation_form (first);
  again = xuncha_office_records_generation (f->records, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, first);
  other = open_backend (f, &error);
  g_assert_no_error (error);
  seen = xuncha_office_records_generation (other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen, ==, first);

  renewed = xuncha_office_records_generation_renew (f->records, &error);
  g_assert_no_error (error);
  assert_generation_form (renewed);
  g_assert_cmpstr (renewed, !=, first);
  after = xuncha_office_records_generation (f->records, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, renewed);
  seen_after = xuncha_office_records_generation (other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen_after, ==, renewed);

  /* Kept when the records are opened again; the officer is still there. */
  g_clear_object (&other);
  g_clear_object (&f->records);
  f->records = open_backend (f, &error);
  g_assert_no_error (error);
  reopened_gen = xuncha_office_records_generation (f->records, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reopened_gen, ==, renewed);
  g_assert_true (xuncha_office_records_officer_revoke (f->records, "A1", &error));
  g_assert_no_error (error);
}

/* Migrations. */

static void
test_fresh_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (xuncha_office_records_schema_version (f->records), ==, latest_version (f));
  g_assert_cmpint (latest_version (f), >=, 1);
  /* Opening it again migrates nothing and loses nothing. */
  g_free (add_officer (f->records, &officer_a));
  g_clear_object (&f->records);
  again = open_backend (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_office_records_schema_version (again), ==, latest_version (f));
  g_assert_true (xuncha_office_records_officer_revoke (again, "A1", &error));
  g_assert_no_error (error);
}

static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *newer = NULL;

  g_free (add_officer (f->records, &officer_a));
  g_clear_object (&f->records);
  set_schema_version (f, latest_version (f) + 1);
  before = database_fingerprint (f);

  for (guint i = 0; i < 2; i++)
    {
      refused = open_backend (f, &error);
      g_assert_null (refused);
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
                      XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER);
      newer = g_strdup_printf ("schema %d", latest_version (f) + 1);
      g_assert_nonnull (strstr (error->message, newer));
      g_assert_nonnull (strstr (error->message, "left unchanged"));
      g_clear_pointer (&newer, g_free);
      g_clear_error (&error);
    }
  after = database_fingerprint (f);
  g_assert_cmpstr (before, ==, after);
}

/* An office.db from before the migrations were numbered (user_version 0, its tables in
 * place) is taken as it is, with what it holds. */
static void
test_adopt_unnumbered (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  if (f->database != NULL)
    {
      g_test_skip ("Only SQLite offices ran before the migrations were numbered");
      return;
    }
  g_clear_object (&f->records);
  xuncha_test_remove_tree (f->dir);
  g_assert_cmpint (g_mkdir (f->dir, 0700), ==, 0);
  path = g_build_filename (f->dir, "office.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE officers ("
                                 "  id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT,"
                                 "  leader INTEGER NOT NULL DEFAULT 0, code_sha256 TEXT,"
                                 "  revoked INTEGER NOT NULL DEFAULT 0,"
                                 "  created_at TEXT NOT NULL);"
                                 "CREATE TABLE counters (name TEXT PRIMARY KEY,"
                                 "  value INTEGER NOT NULL);"
                                 "INSERT INTO officers (id, name, created_at) "
                                 "  VALUES ('OLD1', 'Kept', '2024-01-01T00:00:00Z');"
                                 "INSERT INTO counters VALUES ('status', 41);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  f->records = open_backend (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_office_records_schema_version (f->records), ==, latest_version (f));
  g_assert_true (xuncha_office_records_officer_revoke (f->records, "OLD1", &error));
  g_assert_no_error (error);
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autoptr(XunchaWireReport) report = make_report (uuid, "after", NULL);
    g_autoptr(GPtrArray) items = NULL;
    g_auto(XunchaOfficeReceipt) receipt = { 0 };
    gboolean created;
    gint64 revision = 0;

    g_free (add_officer (f->records, &officer_a));
    g_assert_true (put_report (f->records, &officer_a, report, &created, &receipt, &error));
    g_assert_true (xuncha_office_records_report_set_status (f->records, uuid, "立案", &error));
    g_assert_no_error (error);
    /* Revisions go on from where the old office left them. */
    items = xuncha_office_records_status_since (f->records, &officer_a, 41, &revision, &error);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpint (revision, ==, 42);
  }
}

/* The console's filtered list and map grid. */

static XunchaWireReport *
make_placed_report (const char *uuid,
                    const char *created_at,
                    const char *category,
                    double      lat,
                    double      lon,
                    const char *street_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *street = street_id != NULL
                            ? g_strdup_printf (", \"street\": {\"id\": \"%s\", \"offset_m\": 5}",
                                               street_id)
                            : g_strdup ("");
  g_autofree char *text = NULL;
  XunchaWireReport *report;
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (lat_text, sizeof lat_text, lat);
  g_ascii_dtostr (lon_text, sizeof lon_text, lon);
  text = g_strdup_printf ("{\"uuid\": \"%s\", \"created_at\": \"%s\", \"category\": \"%s\", "
                          "\"fields\": {}, \"note\": \"n\", \"photos\": [], "
                          "\"position\": {\"lat\": %s, \"lon\": %s, \"source\": \"gps\"}%s}",
                          uuid, created_at, category, lat_text, lon_text, street);
  report = xuncha_wire_report_decode (text, -1, &error);
  g_assert_no_error (error);
  return report;
}

static int
compare_texts (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The uuids the query answers, in its order, joined by spaces. */
static char *
query_uuids (XunchaOfficeRecords            *records,
             const XunchaOfficeReportFilter *filter,
             guint                           offset,
             guint                           limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = xuncha_office_records_reports_query (records, filter, offset,
                                                                    limit, &error);
  g_autoptr(GString) uuids = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    {
      const XunchaOfficeReportRecord *record = found->pdata[i];

      g_string_append_printf (uuids, "%s%s", i > 0 ? " " : "", record->report->uuid);
    }
  return g_string_free (g_steal_pointer (&uuids), FALSE);
}

#define ASSERT_QUERY(f, filter, offset, limit, expected) \
  G_STMT_START { \
    g_autofree char *got_ = query_uuids ((f)->records, (filter), (offset), (limit)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

/* An office at schema 1 gains what each later migration adds, and keeps what it holds. */
static void
test_from_first_schema (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "office.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (f->database != NULL)
    {
      g_test_skip ("The SQLite schema's own migrations");
      return;
    }
  g_free (add_officer (f->records, &officer_a));
  /* A report and a street from before the console's columns: the migration fills them. */
  {
    g_autoptr(GPtrArray) streets = street_set (1, "陈寿路");
    g_autoptr(XunchaWireReport) report = make_placed_report (
      "00000000-0000-4000-8000-000000000001", "2024-05-03T01:00:00+08:00", "09006", 30.6502,
      104.0005, "s-0000");
    g_auto(XunchaOfficeReceipt) receipt = { 0 };
    gint64 revision;
    guint changed, deleted;
    gboolean created;

    g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision,
                                                        &changed, &deleted, &error));
    g_assert_true (put_report (f->records, &officer_a, report, &created, &receipt, &error));
    g_assert_no_error (error);
  }
  g_clear_object (&f->records);
  /* Back to what migration 1 made. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX reports_received; DROP INDEX reports_officer;"
                                 "DROP TABLE generation;"
                                 "DROP TABLE tasks; DROP TABLE task_photos;"
                                 "DROP INDEX report_photos_sha256;"
                                 "DROP TABLE messages; DROP TABLE message_reads;"
                                 "DROP TABLE staff_sessions; DROP TABLE staff;"
                                 "DROP TABLE staff_login_failures; DROP TABLE audit_log;"
                                 "DROP INDEX tokens_key_fingerprint;"
                                 "ALTER TABLE tokens DROP COLUMN key_algorithm;"
                                 "ALTER TABLE tokens DROP COLUMN public_key;"
                                 "ALTER TABLE tokens DROP COLUMN key_fingerprint;"
                                 "ALTER TABLE tokens DROP COLUMN seen_us;"
                                 "DROP TABLE case_time_limits; DROP TABLE cases;"
                                 "DROP TABLE case_history;"
                                 "DROP TABLE evidence_manifests;"
                                 "DROP INDEX reports_week;"
                                 "ALTER TABLE reports DROP COLUMN merchant_id;"
                                 "DROP INDEX reports_created; DROP INDEX reports_place;"
                                 "DROP INDEX reports_category_created;"
                                 "DROP INDEX reports_street_created;"
                                 "DROP INDEX reports_officer_created;"
                                 "DROP INDEX reports_case_created;"
                                 "ALTER TABLE reports DROP COLUMN created_s;"
                                 "ALTER TABLE reports DROP COLUMN lat;"
                                 "ALTER TABLE reports DROP COLUMN lon;"
                                 "ALTER TABLE reports DROP COLUMN street_id;"
                                 "DROP TABLE street_boxes; DROP TABLE street_extents;"
                                 "DROP TABLE shift_coverage;"
                                 "ALTER TABLE shifts DROP COLUMN n_points;"
                                 "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  f->records = open_backend (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_office_records_schema_version (f->records), ==, latest_version (f));
  g_assert_true (xuncha_office_records_officer_revoke (f->records, "A1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE type = "
                                       "'index' AND name IN ('reports_received', "
                                       "'reports_officer')", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  /* And a generation of its own. */
  {
    g_autofree char *generation = xuncha_office_records_generation (f->records, &error);

    g_assert_no_error (error);
    assert_generation_form (generation);
  }
  /* The console's columns were filled from the report and the street kept before. */
  {
    g_autoptr(XunchaOfficeReportFilter) filter = xuncha_office_report_filter_new ();

    filter->from_s = 1714669200;   /* 2024-05-02T17:00:00Z */
    filter->to_s = filter->from_s + 1;
    filter->street_name = g_strdup ("陈寿");
    filter->street_class = g_strdup ("class1");
    filter->has_bbox = TRUE;
    filter->west = 104.0;
    filter->east = 104.001;
    filter->south = 30.65;
    filter->north = 30.651;
    ASSERT_QUERY (f, filter, 0, 10, "00000000-0000-4000-8000-000000000001");
  }
  {
    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT b.west, b.east, b.south, b.north "
                                         "FROM street_boxes b JOIN street_extents s "
                                         "ON s.rid = b.rid WHERE s.id = 's-0000'", -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    /* An R*Tree keeps 32-bit floats, rounded outwards. */
    g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 0), 104.0, 1e-4);
    g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 1), 104.001, 1e-4);
    g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 2), 30.65, 1e-4);
    g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 3), 30.651, 1e-4);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

/* The migrations that keep the weekly report's merchant column (SQLite 11, PostgreSQL 10),
 * the cases' closing time (SQLite 12, PostgreSQL 11) and the street names' index (SQLite
 * 13, PostgreSQL 12): the schema before the first of them is made by undoing what they
 * add. */
#define SQLITE_WEEKLY_MIGRATION 11
#define PG_WEEKLY_MIGRATION 10

/* The text of the first column of the first row of @sql on the backend's own database. */
static char *
database_text (Fixture    *f,
               const char *sql)
{
  g_autofree char *path = g_build_filename (f->dir, "office.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text;

#if HAVE_POSTGRESQL
  if (f->database != NULL)
    {
      g_autoptr(PGconn) conn = connect_raw (f);

      return pg_query_text (conn, sql);
    }
#endif
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text != NULL ? text : g_strdup ("");
}

/* One step of the report's case, checked. */
static void
case_step (Fixture    *f,
           const char *uuid,
           const char *action,
           const char *from,
           const char *to,
           gint64      at,
           gint64      deadline_us,
           guint       steps)
{
  g_autoptr(XunchaOfficeCaseEvent) event = xuncha_office_case_event_new ();
  g_autoptr(GError) error = NULL;
  gint64 revision;

  event->report_uuid = g_strdup (uuid);
  event->at = at;
  event->actor = g_strdup ("dispatch");
  event->action = g_strdup (action);
  event->from_status = g_strdup (from);
  event->to_status = g_strdup (to);
  event->deadline_us = deadline_us;
  g_assert_true (xuncha_office_case_records_case_change (XUNCHA_OFFICE_CASE_RECORDS (f->records),
                                                         event, steps, &revision, &error));
  g_assert_no_error (error);
}

/* The weekly report's columns: a case's closing time is set by the step that closes it
 * (and only by that), and a report's merchant is kept beside it; an office from before
 * them has both filled from the history and the reports' bodies by the migrations, and the
 * weekly case figures read them. */
static void
test_weekly_columns (Fixture       *f,
                     gconstpointer  data)
{
  const gint64 day = (gint64)G_USEC_PER_SEC * 86400;
  const gint64 from = G_GINT64_CONSTANT (1714348800) * G_USEC_PER_SEC;   /* 2024-04-29 */
  const char *closed = "00000000-0000-4000-8000-000000000001";
  const char *open = "00000000-0000-4000-8000-000000000002";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(XunchaOfficeReportFilter) filter = xuncha_office_report_filter_new ();
  g_autofree char *closed_text = NULL;
  g_autofree char *open_text = NULL;
  g_autofree char *undo = NULL;
  const XunchaOfficeCaseOutcome *o;

  g_free (add_officer (f->records, &officer_a));
  /* A shift with points from before the coverage cache: the migration counts them. */
  {
    g_autoptr(XunchaWireShift) shift = shift_at ("2024-04-29T01:00:00Z", NULL);
    g_autoptr(GArray) points = make_points (0, 5);
    gboolean created;
    gint64 held, stored, total;

    g_assert_true (xuncha_office_records_shift_put (f->records, &officer_a, shift, &created,
                                                    &held, &error));
    g_assert_true (xuncha_office_records_points_add (f->records, &officer_a, shift->uuid,
                                                     points, &stored, &total, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XunchaWireReport) report = make_placed_report (
        i == 0 ? closed : open, "2024-04-29T09:00:00+08:00", "09006", 30.6502, 104.0005, NULL);
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      gboolean created;

      report->merchant_id = i == 0 ? g_strdup ("M-0001") : NULL;
      g_assert_true (put_report (f->records, &officer_a, report, &created, &receipt, &error));
      g_assert_no_error (error);
    }
  case_step (f, closed, "accept", "上报", "受理", from, 0, 0);
  case_step (f, closed, "file", "受理", "立案", from + 1, from + 2 * day, 1);
  case_step (f, closed, "close_override", "立案", "结案", from + 3 * day, 0, 2);
  case_step (f, open, "accept", "上报", "受理", from, 0, 0);
  case_step (f, open, "file", "受理", "立案", from + 1, from + day, 1);

  closed_text = g_strdup_printf ("%" G_GINT64_FORMAT, from + 3 * day);
  {
    g_autofree char *kept = database_text (f, "SELECT closed_us FROM cases WHERE report_uuid = "
                                              "'00000000-0000-4000-8000-000000000001'");
    g_autofree char *none = database_text (f, "SELECT coalesce (closed_us, -1) FROM cases "
                                              "WHERE report_uuid = "
                                              "'00000000-0000-4000-8000-000000000002'");

    g_assert_cmpstr (kept, ==, closed_text);
    g_assert_cmpstr (none, ==, "-1");
  }

  /* Back to the schema before the weekly report's columns. */
  g_clear_object (&f->records);
#if HAVE_POSTGRESQL
  if (f->database != NULL)
    undo = g_strdup_printf ("DROP INDEX cases_closed; ALTER TABLE cases DROP COLUMN closed_us;"
                            "DROP INDEX reports_week; DROP INDEX streets_named;"
                            "DROP INDEX streets_name_prefix;"
                            "DROP TABLE shift_coverage; ALTER TABLE shifts DROP COLUMN n_points;"
                            "ALTER TABLE reports DROP COLUMN merchant_id;"
                            "DELETE FROM xuncha_schema WHERE version >= %d",
                            PG_WEEKLY_MIGRATION);
#endif
  if (f->database == NULL)
    undo = g_strdup_printf ("DROP INDEX cases_closed; ALTER TABLE cases DROP COLUMN closed_us;"
                            "DROP INDEX reports_week; DROP INDEX street_extents_named;"
                            "DROP INDEX street_extents_name;"
                            "DROP TABLE shift_coverage; ALTER TABLE shifts DROP COLUMN n_points;"
                            "ALTER TABLE reports DROP COLUMN merchant_id;"
                            "PRAGMA user_version = %d", SQLITE_WEEKLY_MIGRATION - 1);
#if HAVE_POSTGRESQL
  if (f->database != NULL)
    {
      g_autoptr(PGconn) conn = connect_raw (f);

      g_free (pg_query_text (conn, undo));
    }
#endif
  if (f->database == NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, "office.db", NULL);
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, undo, NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
    }
  f->records = open_backend (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_office_records_schema_version (f->records), ==, latest_version (f));
  {
    g_autofree char *kept = database_text (f, "SELECT closed_us FROM cases WHERE report_uuid = "
                                              "'00000000-0000-4000-8000-000000000001'");

    g_assert_cmpstr (kept, ==, closed_text);
  }
  {
    g_autofree char *counted = database_text (f, "SELECT n_points FROM shifts");

    g_assert_cmpstr (counted, ==, "5");
  }

  /* The week of 29 April: one closed late, one open past its deadline. */
  outcomes = xuncha_office_case_records_case_outcomes (XUNCHA_OFFICE_CASE_RECORDS (f->records),
                                                       from, from + 7 * day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, 2);
  o = outcomes->pdata[0];
  g_assert_cmpstr (o->report_uuid, ==, open);
  g_assert_cmpint (o->closed_us, ==, 0);
  o = outcomes->pdata[1];
  g_assert_cmpstr (o->report_uuid, ==, closed);
  g_assert_cmpint (o->closed_us, ==, from + 3 * day);
  g_assert_false (xuncha_office_case_outcome_on_time (o));
  /* The week before: neither due nor closed. */
  g_clear_pointer (&outcomes, g_ptr_array_unref);
  outcomes = xuncha_office_case_records_case_outcomes (XUNCHA_OFFICE_CASE_RECORDS (f->records),
                                                       from - 7 * day, from, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, 0);

  /* The merchant, filled from the body, counted. */
  filter->from_s = from / G_USEC_PER_SEC - 86400;
  filter->to_s = from / G_USEC_PER_SEC + 86400;
  counts = xuncha_office_records_reports_count (f->records, filter,
                                                XUNCHA_OFFICE_REPORT_GROUP_MERCHANT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 1);
  g_assert_cmpstr (((XunchaOfficeReportCount *)counts->pdata[0])->key, ==, "M-0001");
  g_assert_cmpint (((XunchaOfficeReportCount *)counts->pdata[0])->count, ==, 1);
  open_text = database_text (f, "SELECT count (*) FROM reports WHERE merchant_id = 'M-0001'");
  g_assert_cmpstr (open_text, ==, "1");
}

/* The street picker's names: those beginning with the prefix, each once, in byte order,
 * at most the limit; a LIKE wildcard in the prefix is taken as itself; a deleted segment's
 * name is gone. */
static void
test_street_names (Fixture       *f,
                   gconstpointer  data)
{
  const char *names[] = { "陈寿路", "陈寿路", "陈家巷", "陈_路", "东风路", "陈%街", "陈家巷" };
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) found = NULL;
  g_autofree char *joined = NULL;
  gint64 revision;
  guint changed, deleted;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("s-%04u", i);

      g_ptr_array_add (streets, make_street (id, names[i], 104.0 + i * 0.01));
    }
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                      &deleted, &error));
  g_assert_no_error (error);

  found = xuncha_office_records_street_names (f->records, "陈", 10, &error);
  g_assert_no_error (error);
  joined = g_strjoinv ("|", found);
  g_assert_cmpstr (joined, ==, "陈%街|陈_路|陈家巷|陈寿路");
  g_clear_pointer (&found, g_strfreev);
  g_clear_pointer (&joined, g_free);
  found = xuncha_office_records_street_names (f->records, "陈", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (found), ==, 2);
  g_clear_pointer (&found, g_strfreev);
  found = xuncha_office_records_street_names (f->records, "陈_", 10, &error);
  g_assert_no_error (error);
  joined = g_strjoinv ("|", found);
  g_assert_cmpstr (joined, ==, "陈_路");
  g_clear_pointer (&found, g_strfreev);
  g_clear_pointer (&joined, g_free);
  found = xuncha_office_records_street_names (f->records, "陈%", 10, &error);
  g_assert_no_error (error);
  joined = g_strjoinv ("|", found);
  g_assert_cmpstr (joined, ==, "陈%街");
  g_clear_pointer (&found, g_strfreev);
  g_clear_pointer (&joined, g_free);
  found = xuncha_office_records_street_names (f->records, "西", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (found), ==, 0);
  g_clear_pointer (&found, g_strfreev);

  /* Without the segments of 陈家巷. */
  g_ptr_array_remove_index (streets, 6);
  g_ptr_array_remove_index (streets, 2);
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                      &deleted, &error));
  g_assert_no_error (error);
  found = xuncha_office_records_street_names (f->records, "陈家", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (found), ==, 0);
}

/* Three reports, filtered by every member alone and paged: the rows and their order
 * (newest first by the time the report was made, whatever its time zone). */
static void
test_reports_query (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  g_autoptr(GArray) cells = NULL;
  XunchaOfficeStreet *street;
  struct { const char *uuid, *created, *category; double lat, lon; const char *street;
           const XunchaWireOfficer *officer; } reports[] = {
    { "00000000-0000-4000-8000-000000000001", "2024-05-01T08:30:00Z", "09006",
      30.6502, 104.0005, "s-strict", &officer_a },
    { "00000000-0000-4000-8000-000000000002", "2024-05-02T08:00:00Z", "09001",
      31.0, 105.0, NULL, &officer_c },
    /* 17:00 UTC: the newest, though its own clock reads the 3rd, 01:00. */
    { "00000000-0000-4000-8000-000000000003", "2024-05-03T01:00:00+08:00", "09006",
      30.6502, 104.0105, "s-other", &officer_a },
  };
  gint64 revision;
  guint changed, deleted;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_c));
  street = make_street ("s-strict", "陈寿路", 104.0);
  g_free (street->street_class);
  street->street_class = g_strdup ("strict");
  g_ptr_array_add (streets, street);
  street = make_street ("s-other", "Other road", 104.01);
  g_free (street->street_class);
  street->street_class = g_strdup ("class2");
  g_ptr_array_add (streets, street);
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                      &deleted, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_autoptr(XunchaWireReport) report = make_placed_report (reports[i].uuid,
                                                               reports[i].created,
                                                               reports[i].category,
                                                               reports[i].lat, reports[i].lon,
                                                               reports[i].street);
      g_auto(XunchaOfficeReceipt) receipt = { 0 };
      gboolean created;

      g_assert_true (put_report (f->records, reports[i].officer, report, &created, &receipt,
                                 &error));
      g_assert_no_error (error);
    }
  g_assert_true (xuncha_office_records_report_set_status (f->records, reports[2].uuid, "filed",
                                                          &error));
  g_assert_no_error (error);

#define R1 "00000000-0000-4000-8000-000000000001"
#define R2 "00000000-0000-4000-8000-000000000002"
#define R3 "00000000-0000-4000-8000-000000000003"
  filter = xuncha_office_report_filter_new ();
  ASSERT_QUERY (f, filter, 0, 10, R3 " " R2 " " R1);
  ASSERT_QUERY (f, filter, 1, 1, R2);
  ASSERT_QUERY (f, filter, 3, 10, "");

  filter->category = g_strdup ("09006");
  ASSERT_QUERY (f, filter, 0, 10, R3 " " R1);
  g_clear_pointer (&filter->category, g_free);

  filter->from_s = 1714608000;   /* 2024-05-02T00:00:00Z */
  ASSERT_QUERY (f, filter, 0, 10, R3 " " R2);
  filter->to_s = 1714651200;     /* 2024-05-02T12:00:00Z */
  ASSERT_QUERY (f, filter, 0, 10, R2);
  filter->from_s = G_MININT64;
  filter->to_s = G_MAXINT64;

  filter->team = g_strdup ("T2");
  ASSERT_QUERY (f, filter, 0, 10, R2);
  g_clear_pointer (&filter->team, g_free);
  filter->officer = g_strdup ("Officer A");
  ASSERT_QUERY (f, filter, 0, 10, R3 " " R1);
  g_free (filter->officer);
  filter->officer = g_strdup ("C1");
  ASSERT_QUERY (f, filter, 0, 10, R2);
  g_clear_pointer (&filter->officer, g_free);

  filter->status = g_strdup ("new");
  ASSERT_QUERY (f, filter, 0, 10, R2 " " R1);
  g_free (filter->status);
  filter->status = g_strdup ("filed");
  ASSERT_QUERY (f, filter, 0, 10, R3);
  g_clear_pointer (&filter->status, g_free);

  filter->street_name = g_strdup ("陈寿");
  ASSERT_QUERY (f, filter, 0, 10, R1);
  g_clear_pointer (&filter->street_name, g_free);
  filter->street_class = g_strdup ("class2");
  ASSERT_QUERY (f, filter, 0, 10, R3);
  g_clear_pointer (&filter->street_class, g_free);

  /* A box around the first report only, then one around all three in a 2 × 2 grid. */
  filter->has_bbox = TRUE;
  filter->west = 103.999;
  filter->east = 104.005;
  filter->south = 30.64;
  filter->north = 30.66;
  ASSERT_QUERY (f, filter, 0, 10, R1);
  filter->east = 105.1;
  filter->north = 31.1;
  cells = xuncha_office_records_reports_grid (f->records, filter, 2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cells->len, ==, 2);
  for (guint i = 0; i < cells->len; i++)
    {
      const XunchaOfficeReportCell *cell = &g_array_index (cells, XunchaOfficeReportCell, i);

      if (cell->column == 0)
        {
          g_assert_cmpuint (cell->row, ==, 0);
          g_assert_cmpint (cell->count, ==, 2);
          g_assert_cmpfloat_with_epsilon (cell->lon, 104.0055, 1e-9);
          g_assert_cmpfloat_with_epsilon (cell->lat, 30.6502, 1e-9);
        }
      else
        {
          g_assert_cmpuint (cell->column, ==, 1);
          g_assert_cmpuint (cell->row, ==, 1);
          g_assert_cmpint (cell->count, ==, 1);
        }
    }
#undef R1
#undef R2
#undef R3

  /* The map's streets: a box that meets only the first segment's, then both. */
  {
    g_autoptr(GPtrArray) within = xuncha_office_records_streets_within (f->records, 103.99,
                                                                        30.6, 104.0005, 30.7,
                                                                        10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (within->len, ==, 1);
    g_assert_cmpstr (((XunchaOfficeStreet *)within->pdata[0])->name, ==, "陈寿路");
    g_assert_cmpstr (((XunchaOfficeStreet *)within->pdata[0])->street_class, ==, "strict");
    g_clear_pointer (&within, g_ptr_array_unref);
    within = xuncha_office_records_streets_within (f->records, 103.99, 30.6, 104.02, 30.7, 10,
                                                   &error);
    g_assert_no_error (error);
    g_assert_cmpuint (within->len, ==, 2);
    g_clear_pointer (&within, g_ptr_array_unref);
    within = xuncha_office_records_streets_within (f->records, 103.0, 30.6, 103.5, 30.7, 10,
                                                   &error);
    g_assert_no_error (error);
    g_assert_cmpuint (within->len, ==, 0);
  }
  /* Counted by each group, within the filter. */
  {
    g_autoptr(XunchaOfficeReportFilter) all = xuncha_office_report_filter_new ();
    struct { XunchaOfficeReportGroup group; const char *expected; } groups[] = {
      { XUNCHA_OFFICE_REPORT_GROUP_CATEGORY, "09001=1 09006=2" },
      { XUNCHA_OFFICE_REPORT_GROUP_STREET, "Other road/class2=1 陈寿路/strict=1" },
      { XUNCHA_OFFICE_REPORT_GROUP_OFFICER, "A1=2 C1=1" },
      { XUNCHA_OFFICE_REPORT_GROUP_STATUS, "(none)=2 filed=1" },
      { XUNCHA_OFFICE_REPORT_GROUP_MERCHANT, "" },
    };

    for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
      {
        g_autoptr(GPtrArray) counts = xuncha_office_records_reports_count (f->records, all,
                                                                           groups[g].group,
                                                                           &error);
        g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
        g_autofree char *joined = NULL;

        g_assert_no_error (error);
        for (guint i = 0; i < counts->len; i++)
          {
            const XunchaOfficeReportCount *count = counts->pdata[i];

            g_ptr_array_add (texts, g_strdup_printf ("%s%s%s=%" G_GINT64_FORMAT,
                                                     count->key != NULL ? count->key : "(none)",
                                                     count->detail != NULL ? "/" : "",
                                                     count->detail != NULL ? count->detail : "",
                                                     count->count));
          }
        g_ptr_array_sort (texts, compare_texts);
        g_ptr_array_add (texts, NULL);
        joined = g_strjoinv (" ", (char **)texts->pdata);
        g_assert_cmpstr (joined, ==, groups[g].expected);
      }
    all->category = g_strdup ("09006");
    {
      g_autoptr(GPtrArray) counts = xuncha_office_records_reports_count (
        f->records, all, XUNCHA_OFFICE_REPORT_GROUP_OFFICER, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (counts->len, ==, 1);
      g_assert_cmpint (((XunchaOfficeReportCount *)counts->pdata[0])->count, ==, 2);
    }
  }
  /* The list names each report's street. */
  {
    g_autoptr(XunchaOfficeReportFilter) all = xuncha_office_report_filter_new ();
    g_autoptr(GPtrArray) found = xuncha_office_records_reports_query (f->records, all, 0, 10,
                                                                      &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 3);
    g_assert_cmpstr (((XunchaOfficeReportRecord *)found->pdata[0])->street_name, ==,
                     "Other road");
    g_assert_null (((XunchaOfficeReportRecord *)found->pdata[1])->street_name);
    g_assert_cmpstr (((XunchaOfficeReportRecord *)found->pdata[2])->street_name, ==, "陈寿路");
    g_assert_cmpstr (((XunchaOfficeReportRecord *)found->pdata[2])->street_class, ==, "strict");
    g_assert_cmpstr (((XunchaOfficeReportRecord *)found->pdata[0])->street_class, ==, "class2");
  }
}

/* Tasks and messages. */

/* Noon of 2024-05-01, UTC: the cases' "now"; deadlines are set around it. */
#define TASK_NOW_US G_GINT64_CONSTANT (1714564800000000)
#define TASK_HOUR_US ((gint64)3600 * G_USEC_PER_SEC)

static XunchaWireTask *
make_task (const char *kind,
           const char *officer_id,
           const char *team,
           const char *deadline,
           const char *report_uuid)
{
  XunchaWireTask *task = xuncha_wire_task_new ();
  gboolean placed = g_str_equal (kind, "verify") || g_str_equal (kind, "check");

  task->id = g_uuid_string_random ();
  task->kind = g_strdup (kind);
  task->officer_id = g_strdup (officer_id);
  task->team = g_strdup (team);
  task->state = g_strdup ("open");
  task->created_at = g_strdup ("2024-05-01T08:00:00Z");
  task->deadline = g_strdup (deadline);
  task->has_position = placed;
  task->lat = placed ? 30.6586 : NAN;
  task->lon = placed ? 104.0648 : NAN;
  task->radius_m = placed ? 50 : NAN;
  task->report_uuid = g_strdup (report_uuid);
  task->note = g_strdup ("市民热线：陈寿路12号门前占道");
  return task;
}

static XunchaWireTask *
add_task (XunchaOfficeRecords *records,
          const char          *kind,
          const char          *officer_id,
          const char          *team,
          const char          *report_uuid)
{
  g_autoptr(GError) error = NULL;
  XunchaWireTask *task = make_task (kind, officer_id, team, "2024-05-01T18:00:00Z",
                                    report_uuid);

  g_assert_true (xuncha_office_records_task_add (records, task, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (task->state, ==, "open");
  g_assert_cmpint (task->revision, >, 0);
  return task;
}

static XunchaWireTaskResult *
make_result (const char *task_id,
             const char *outcome,
             const char *report_uuid)
{
  XunchaWireTaskResult *result = xuncha_wire_task_result_new ();

  result->task_id = g_strdup (task_id);
  result->result_uuid = g_uuid_string_random ();
  result->outcome = g_strdup (outcome);
  if (report_uuid != NULL)
    {
      g_strfreev (result->report_uuids);
      result->report_uuids = g_new0 (char *, 2);
      result->report_uuids[0] = g_strdup (report_uuid);
    }
  result->done_at = g_strdup ("2024-05-01T09:12:00Z");
  return result;
}

/* A report of @officer, held by the records; returns its uuid. */
static char *
held_report (XunchaOfficeRecords     *records,
             const XunchaWireOfficer *officer)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(XunchaWireReport) report = make_report (uuid, "found", NULL);
  g_auto(XunchaOfficeReceipt) receipt = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean created;

  g_assert_true (put_report (records, officer, report, &created, &receipt, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&uuid);
}

static gboolean
holds_task (GPtrArray  *tasks,
            const char *id)
{
  for (guint i = 0; i < tasks->len; i++)
    if (g_str_equal (((XunchaWireTask *)tasks->pdata[i])->id, id))
      return TRUE;
  return FALSE;
}

static const char *
case_status_of (XunchaOfficeRecords *records,
                const char          *uuid)
{
  static char status[256];
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = xuncha_office_records_report_get (records, NULL, uuid, &error);
  g_assert_no_error (error);
  g_strlcpy (status, record->case_status != NULL ? record->case_status : "", sizeof status);
  return status;
}

static void
test_tasks_visibility (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(XunchaWireTask) mine = NULL, team = NULL, other = NULL, got = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  gint64 revision = -1, first;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  g_free (add_officer (f->records, &leader_t1));
  g_free (add_officer (f->records, &officer_c));
  mine = add_task (f->records, "verify", "A1", NULL, NULL);
  team = add_task (f->records, "rollcall", NULL, "T1", NULL);
  other = add_task (f->records, "patrol", "C1", NULL, NULL);
  g_assert_cmpint (team->revision, >, mine->revision);

  /* A1: his own and his team's; not C1's. */
  seen = xuncha_office_records_tasks_since (f->records, &officer_a, 0, TASK_NOW_US, &revision,
                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (holds_task (seen, mine->id) && holds_task (seen, team->id));
  g_assert_cmpint (revision, ==, other->revision);
  g_clear_pointer (&seen, g_ptr_array_unref);
  /* B1 of the same team: the team task only; the leader: both of his team. */
  seen = xuncha_office_records_tasks_since (f->records, &officer_b, 0, TASK_NOW_US, &revision,
                                            &error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (holds_task (seen, team->id));
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = xuncha_office_records_tasks_since (f->records, &leader_t1, 0, TASK_NOW_US, &revision,
                                            &error);
  g_assert_cmpuint (seen->len, ==, 2);
  g_clear_pointer (&seen, g_ptr_array_unref);
  /* From a revision: only what changed after it. */
  first = mine->revision;
  seen = xuncha_office_records_tasks_since (f->records, &officer_a, first, TASK_NOW_US,
                                            &revision, &error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((XunchaWireTask *)seen->pdata[0])->id, ==, team->id);
  g_clear_pointer (&seen, g_ptr_array_unref);
  /* The office sees all. */
  seen = xuncha_office_records_tasks_since (f->records, NULL, 0, TASK_NOW_US, &revision, &error);
  g_assert_cmpuint (seen->len, ==, 3);

  /* One he may not see is not found. */
  got = xuncha_office_records_task_get (f->records, &officer_c, mine->id, TASK_NOW_US, &error);
  g_assert_null (got);
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = xuncha_office_records_task_get (f->records, &officer_a, mine->id, TASK_NOW_US, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->note, ==, mine->note);
  g_assert_cmpfloat (got->radius_m, ==, 50);

  /* The same id twice: refused, nothing changed. */
  g_assert_false (xuncha_office_records_task_add (f->records, mine, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* A check of a case the office does not hold. */
  {
    g_autofree char *missing = g_uuid_string_random ();
    g_autoptr(XunchaWireTask) check = make_task ("check", "A1", NULL, "2024-05-01T18:00:00Z",
                                                 missing);

    g_assert_false (xuncha_office_records_task_add (f->records, check, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
    g_clear_error (&error);
  }
}

typedef struct
{
  XunchaOfficeRecords     *records[2];
  const char              *task_id;
  GMutex                   lock;
  GCond                    go;
  gboolean                 started;
  guint                    next;
  guint                    accepted;
  guint                    taken;
  char                    *winner;
} AcceptRace;

static gpointer
race_accept (gpointer data)
{
  static const XunchaWireOfficer *racers[] = { &officer_a, &officer_b };
  AcceptRace *race = data;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint me;

  g_mutex_lock (&race->lock);
  me = race->next++;
  while (!race->started)
    g_cond_wait (&race->go, &race->lock);
  g_mutex_unlock (&race->lock);

  task = xuncha_office_records_task_accept (race->records[me], racers[me], race->task_id,
                                            TASK_NOW_US, &error);
  g_mutex_lock (&race->lock);
  if (task != NULL)
    {
      race->accepted++;
      race->winner = g_strdup (task->accepted_by);
    }
  else if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                            XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN))
    race->taken++;
  else
    g_error ("accept: %s", error->message);
  g_mutex_unlock (&race->lock);
  return NULL;
}

static void
test_tasks_accept_race (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(XunchaOfficeRecords) other = open_backend (f, NULL);
  g_autoptr(GError) error = NULL;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  g_free (add_officer (f->records, &officer_c));
  /* Rounds of a team task accepted by A1 and B1 at once, through two records objects (two
   * office processes): each goes to exactly one. */
  for (guint round = 0; round < 8; round++)
    {
      g_autoptr(XunchaWireTask) team = add_task (f->records, "verify", NULL, "T1", NULL);
      g_autoptr(XunchaWireTask) again = NULL;
      const XunchaWireOfficer *winner, *loser;
      AcceptRace race = { { f->records, other }, team->id };
      GThread *threads[2];

      g_mutex_init (&race.lock);
      g_cond_init (&race.go);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("racer", race_accept, &race);
      g_mutex_lock (&race.lock);
      race.started = TRUE;
      g_cond_broadcast (&race.go);
      g_mutex_unlock (&race.lock);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      g_assert_cmpuint (race.accepted, ==, 1);
      g_assert_cmpuint (race.taken, ==, 1);
      winner = g_str_equal (race.winner, "A1") ? &officer_a : &officer_b;
      loser = winner == &officer_a ? &officer_b : &officer_a;

      /* The winner again: the same answer; the loser again: still taken. */
      again = xuncha_office_records_task_accept (f->records, winner, team->id, TASK_NOW_US,
                                                 &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again->state, ==, "accepted");
      g_assert_cmpstr (again->accepted_by, ==, winner->id);
      g_clear_pointer (&again, xuncha_wire_task_free);
      again = xuncha_office_records_task_accept (f->records, loser, team->id, TASK_NOW_US,
                                                 &error);
      g_assert_null (again);
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN);
      g_assert_nonnull (strstr (error->message, winner->id));
      g_clear_error (&error);
      /* An officer of another team does not see it at all. */
      again = xuncha_office_records_task_accept (f->records, &officer_c, team->id, TASK_NOW_US,
                                                 &error);
      g_assert_null (again);
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_free (race.winner);
      g_mutex_clear (&race.lock);
      g_cond_clear (&race.go);
    }
}

static void
test_tasks_result (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *report = NULL, *case_uuid = NULL;
  g_autoptr(XunchaWireTask) verify = NULL, check = NULL, done = NULL, again = NULL;
  g_autoptr(XunchaWireTaskResult) result = NULL, other = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 revision = 0;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_b));
  report = held_report (f->records, &officer_a);
  verify = add_task (f->records, "verify", "A1", NULL, NULL);

  /* A report the office does not hold: refused naming it, nothing stored. */
  {
    g_autofree char *missing = g_uuid_string_random ();
    g_autoptr(XunchaWireTaskResult) lacking = make_result (verify->id, "confirmed", missing);

    g_assert_null (xuncha_office_records_task_result_put (f->records, &officer_a, lacking,
                                                          TASK_NOW_US, &created, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "report_uuids[0]"));
    g_clear_error (&error);
  }
  /* An outcome of another kind. */
  {
    g_autoptr(XunchaWireTaskResult) wrong = make_result (verify->id, "fixed", report);

    g_assert_null (xuncha_office_records_task_result_put (f->records, &officer_a, wrong,
                                                          TASK_NOW_US, &created, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
    g_clear_error (&error);
  }
  /* Another officer's task. */
  result = make_result (verify->id, "confirmed", report);
  g_assert_null (xuncha_office_records_task_result_put (f->records, &officer_b, result,
                                                        TASK_NOW_US, &created, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  again = xuncha_office_records_task_get (f->records, NULL, verify->id, TASK_NOW_US, &error);
  g_assert_cmpstr (again->state, ==, "open");
  g_assert_null (again->result);
  g_clear_pointer (&again, xuncha_wire_task_free);

  /* Stored: done, the report linked, the case up for filing. */
  done = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpstr (done->state, ==, "done");
  g_assert_cmpstr (done->report_uuid, ==, report);
  g_assert_nonnull (done->result);
  g_assert_cmpstr (done->result->result_uuid, ==, result->result_uuid);
  g_assert_cmpint (done->revision, >, verify->revision);
  g_assert_cmpstr (case_status_of (f->records, report), ==, "待立案");
  statuses = xuncha_office_records_status_since (f->records, &officer_a, 0, &revision, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (statuses->len, ==, 1);

  /* The same again: not created, the same task. */
  again = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                 &created, &error);
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpint (again->revision, ==, done->revision);
  g_clear_pointer (&again, xuncha_wire_task_free);
  /* A different result: conflict, the first stays. */
  other = make_result (verify->id, "not_found", NULL);
  g_assert_null (xuncha_office_records_task_result_put (f->records, &officer_a, other,
                                                        TASK_NOW_US, &created, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Done: no longer accepted. */
  g_assert_null (xuncha_office_records_task_accept (f->records, &officer_a, verify->id,
                                                    TASK_NOW_US, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED);
  g_clear_error (&error);

  /* A check: fixed proposes closing, not fixed returns the case. */
  case_uuid = held_report (f->records, &officer_b);
  check = add_task (f->records, "check", "A1", NULL, case_uuid);
  g_clear_pointer (&result, xuncha_wire_task_result_free);
  result = make_result (check->id, "fixed", NULL);
  g_clear_pointer (&done, xuncha_wire_task_free);
  done = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (case_status_of (f->records, case_uuid), ==, "待结案");
  g_clear_pointer (&check, xuncha_wire_task_free);
  check = add_task (f->records, "check", "A1", NULL, case_uuid);
  g_clear_pointer (&result, xuncha_wire_task_result_free);
  result = make_result (check->id, "not_fixed", NULL);
  g_clear_pointer (&done, xuncha_wire_task_free);
  done = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (case_status_of (f->records, case_uuid), ==, "退回");
}

static void
test_tasks_closed (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *report = NULL;
  g_autoptr(XunchaWireTask) cancelled = NULL, late = NULL, got = NULL, stored = NULL;
  g_autoptr(XunchaWireTaskResult) result = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 revision = 0;

  g_free (add_officer (f->records, &officer_a));
  report = held_report (f->records, &officer_a);

  /* Cancelled at the office, then its result arrives: kept, the state as it was, the case
   * not moved. */
  cancelled = add_task (f->records, "verify", "A1", NULL, NULL);
  got = xuncha_office_records_task_cancel (f->records, cancelled->id, TASK_NOW_US, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->state, ==, "cancelled");
  g_assert_cmpint (got->revision, >, cancelled->revision);
  g_clear_pointer (&got, xuncha_wire_task_free);
  g_assert_null (xuncha_office_records_task_accept (f->records, &officer_a, cancelled->id,
                                                    TASK_NOW_US, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED);
  g_clear_error (&error);
  result = make_result (cancelled->id, "confirmed", report);
  stored = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                  &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpstr (stored->state, ==, "cancelled");
  g_assert_nonnull (stored->result);
  g_assert_cmpstr (case_status_of (f->records, report), ==, "");
  g_clear_pointer (&stored, xuncha_wire_task_free);

  /* Past its deadline: expired when next seen, with a revision of its own. */
  late = make_task ("rollcall", "A1", NULL, "2024-05-01T11:00:00Z", NULL);
  g_assert_true (xuncha_office_records_task_add (f->records, late, &error));
  g_assert_no_error (error);
  seen = xuncha_office_records_tasks_since (f->records, &officer_a, late->revision,
                                            TASK_NOW_US - 2 * TASK_HOUR_US, &revision, &error);
  g_assert_cmpuint (seen->len, ==, 0);
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = xuncha_office_records_tasks_since (f->records, &officer_a, late->revision,
                                            TASK_NOW_US, &revision, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((XunchaWireTask *)seen->pdata[0])->state, ==, "expired");
  g_assert_cmpint (revision, >, late->revision);
  g_assert_null (xuncha_office_records_task_accept (f->records, &officer_a, late->id,
                                                    TASK_NOW_US, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED);
  g_clear_error (&error);
  g_assert_null (xuncha_office_records_task_cancel (f->records, late->id, TASK_NOW_US, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED);
  g_clear_error (&error);

  /* A roll call answered without a shift is refused; with one (and the fix) it is kept on
   * the expired task. */
  g_clear_pointer (&result, xuncha_wire_task_result_free);
  result = make_result (late->id, "present", NULL);
  result->has_position = TRUE;
  result->lat = 30.6586;
  result->lon = 104.0648;
  result->accuracy = 5;
  result->position_source = g_strdup ("gps");
  g_assert_null (xuncha_office_records_task_result_put (f->records, &officer_a, result,
                                                        TASK_NOW_US, &created, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "shift_uuid"));
  g_clear_error (&error);
  result->shift_uuid = g_uuid_string_random ();
  stored = xuncha_office_records_task_result_put (f->records, &officer_a, result, TASK_NOW_US,
                                                  &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->state, ==, "expired");
  g_assert_cmpstr (stored->result->outcome, ==, "present");
}

static gboolean
holds_message (GPtrArray          *messages,
               const char         *id,
               XunchaWireMessage **found)
{
  for (guint i = 0; i < messages->len; i++)
    if (g_str_equal (((XunchaWireMessage *)messages->pdata[i])->id, id))
      {
        if (found != NULL)
          *found = messages->pdata[i];
        return TRUE;
      }
  return FALSE;
}

static XunchaWireMessage *
add_message (XunchaOfficeRecords *records,
             const char          *audience,
             const char          *to)
{
  g_autoptr(GError) error = NULL;
  XunchaWireMessage *message = xuncha_wire_message_new ();

  message->id = g_uuid_string_random ();
  message->audience = g_strdup (audience);
  if (g_str_equal (audience, "team"))
    message->team = g_strdup (to);
  else if (g_str_equal (audience, "officer"))
    message->officer_id = g_strdup (to);
  message->sender = g_strdup ("指挥中心");
  message->title = g_strdup ("今晚集中整治");
  message->body = g_strdup ("19:00 陈寿路集合");
  message->sent_at = g_strdup ("2024-05-01T08:30:00Z");
  g_assert_true (xuncha_office_records_message_add (records, message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (message->revision, >, 0);
  return message;
}

static void
test_messages (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(XunchaWireMessage) team = NULL, direct = NULL, all = NULL, read = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  XunchaWireMessage *found = NULL;
  gint64 revision = 0, before;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_c));
  team = add_message (f->records, "team", "T1");
  direct = add_message (f->records, "officer", "C1");
  all = add_message (f->records, "all", NULL);

  seen = xuncha_office_records_messages_since (f->records, &officer_a, 0, &revision, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (holds_message (seen, team->id, NULL) && holds_message (seen, all->id, NULL));
  g_assert_cmpint (revision, ==, all->revision);
  before = revision;
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = xuncha_office_records_messages_since (f->records, &officer_c, 0, &revision, &error);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (holds_message (seen, direct->id, NULL) && holds_message (seen, all->id, NULL));
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* Not addressed to him: not found. */
  g_assert_null (xuncha_office_records_message_read (f->records, &officer_a, direct->id,
                                                     "2024-05-01T09:00:00Z", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Read: his read_at, a new revision for him alone; again: the first read_at stays. */
  read = xuncha_office_records_message_read (f->records, &officer_a, team->id,
                                             "2024-05-01T09:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->read_at, ==, "2024-05-01T09:00:00Z");
  g_assert_cmpint (read->revision, >, before);
  g_clear_pointer (&read, xuncha_wire_message_free);
  read = xuncha_office_records_message_read (f->records, &officer_a, team->id,
                                             "2024-05-01T10:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->read_at, ==, "2024-05-01T09:00:00Z");
  seen = xuncha_office_records_messages_since (f->records, &officer_a, before, &revision,
                                               &error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (holds_message (seen, team->id, &found));
  g_assert_cmpstr (found->read_at, ==, "2024-05-01T09:00:00Z");
  g_assert_cmpint (revision, ==, read->revision);
  g_clear_pointer (&seen, g_ptr_array_unref);
  /* Another officer of the team has not read it. */
  {
    static const XunchaWireOfficer b_of_t1 = { "B1", "Officer B", "T1", FALSE };

    seen = xuncha_office_records_messages_since (f->records, &b_of_t1, 0, &revision, &error);
    g_assert_true (holds_message (seen, team->id, &found));
    g_assert_null (found->read_at);
  }
}

static void
test_photo_access (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *task_photo = g_strdup_printf ("%064x", 11);
  g_autofree char *report_photo = g_strdup_printf ("%064x", 7);
  g_autofree char *report = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_free (add_officer (f->records, &officer_a));
  g_free (add_officer (f->records, &officer_c));
  g_free (add_officer (f->records, &leader_t1));
  task = make_task ("verify", "A1", NULL, "2024-05-01T18:00:00Z", NULL);
  g_strfreev (task->photos);
  task->photos = g_new0 (char *, 2);
  task->photos[0] = g_strdup (task_photo);
  g_assert_true (xuncha_office_records_task_add (f->records, task, &error));
  g_assert_no_error (error);
  report = held_report (f->records, &officer_a);   /* holds report_photo */

  g_assert_true (xuncha_office_records_photo_visible (f->records, &officer_a, task_photo,
                                                      &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_photo_visible (f->records, &officer_a, report_photo,
                                                      &error));
  g_assert_true (xuncha_office_records_photo_visible (f->records, &leader_t1, report_photo,
                                                      &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_records_photo_visible (f->records, &officer_c, task_photo,
                                                       &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_photo_visible (f->records, &officer_c, report_photo,
                                                       &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Asked to run on PostgreSQL where it cannot: one case, skipped with the reason. */
#if HAVE_POSTGRESQL
  if (on_postgresql ())
    xuncha_test_postgres_available (&unavailable);
#else
  if (on_postgresql ())
    unavailable = g_strdup ("this build has no PostgreSQL support (libpq)");
#endif
  if (unavailable != NULL)
    {
      g_test_add_func ("/office-records/backend-unavailable", test_unavailable);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/office-records/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("idempotent/report", test_report_idempotent);
  ADD ("idempotent/shift", test_shift_idempotent);
  ADD ("idempotent/points", test_points_idempotent);
  ADD ("idempotent/officer", test_officer_idempotent);
  ADD ("conflict/officer-add-new", test_officer_add_new);
  ADD ("conflict/report", test_report_conflict);
  ADD ("conflict/other-officer", test_other_officer);
  ADD ("revisions/status", test_status_revisions);
  ADD ("revisions/streets", test_street_revisions);
  ADD ("revisions/merchants", test_merchant_revisions);
  ADD ("revisions/raised", test_revisions_raised);
  ADD ("authorization/enroll-once", test_enroll_once);
  ADD ("authorization/revoked", test_revoked);
  ADD ("authorization/visibility", test_visibility);
  ADD ("authorization/assigned-streets", test_assigned_streets);
  ADD ("routes/records", test_route_records);
  ADD ("routes/coverage-cache", test_coverage_cache);
  ADD ("routes/coverage-cache-route-view", test_coverage_cache_route_view);
  ADD ("enroll-failures", test_enroll_failures);
  ADD ("authorization/enrolled-key", test_enrolled_key);
  ADD ("evidence/kept", test_evidence_kept);
  ADD ("generation", test_generation);
  ADD ("concurrency/two-writers", test_two_writers);
  ADD ("concurrency/two-processes", test_two_processes);
  ADD ("concurrency/reader-during-write", test_reader_during_write);
  ADD ("migrations/fresh", test_fresh_schema);
  ADD ("migrations/newer-refused", test_newer_schema);
  ADD ("migrations/adopt-unnumbered", test_adopt_unnumbered);
  ADD ("migrations/from-first-schema", test_from_first_schema);
  ADD ("migrations/weekly-columns", test_weekly_columns);
  ADD ("tasks/visibility", test_tasks_visibility);
  ADD ("tasks/accept-race", test_tasks_accept_race);
  ADD ("tasks/result", test_tasks_result);
  ADD ("tasks/cancelled-and-expired", test_tasks_closed);
  ADD ("messages", test_messages);
  ADD ("photos/access", test_photo_access);
  ADD ("reports/query", test_reports_query);
  ADD ("streets/names", test_street_names);
#undef ADD

  return g_test_run ();
}
