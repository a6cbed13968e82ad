/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "xuncha-office-case-workflow.h"
#include "xuncha-office-pg-records-private.h"

#define text_at xuncha_office_pg_text_at
#define int64_at xuncha_office_pg_int64_at
#define bool_at xuncha_office_pg_bool_at

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

struct _XunchaOfficePgRecords
{
  GObject    parent_instance;

  char      *conninfo;
  guint      pool_size;
  int        schema_version;

  /* The pool: connections not in use, and how many exist (idle or taken). A call waits on
   * @returned when all @pool_size are taken. */
  GMutex     lock;
  GCond      returned;
  GPtrArray *idle;
  guint      open;

  XunchaOfficePgRecordsHook before_commit;
  gpointer   before_commit_data;
};

static void records_iface_init (XunchaOfficeRecordsInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaOfficePgRecords, xuncha_office_pg_records, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_RECORDS,
                                                      records_iface_init)
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_STAFF_RECORDS,
                                                      xuncha_office_pg_staff_records_iface_init)
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_CASE_RECORDS,
                                                      xuncha_office_pg_case_records_iface_init))

/* The numbered schema migrations: migrations[i] brings version i to i + 1. A released one
 * is never edited; a change is a new one at the end. */
static const char * const migrations[] = {
  /* 1: the first schema. Times are kept as the ISO 8601 text the protocol carries, so that
   * a receipt reads back as it was given. The revision counters are rows of their own:
   * see take_revision(). */
  "CREATE EXTENSION IF NOT EXISTS postgis;"
  "CREATE TABLE officers ("
  "  id text PRIMARY KEY, name text NOT NULL, team text,"
  "  leader boolean NOT NULL DEFAULT false, code_sha256 text,"
  "  revoked boolean NOT NULL DEFAULT false, created_at text NOT NULL);"
  "CREATE INDEX officers_team ON officers (team);"
  "CREATE TABLE tokens ("
  "  sha256 text PRIMARY KEY, officer_id text NOT NULL REFERENCES officers (id),"
  "  device_name text, created_at text NOT NULL, revoked boolean NOT NULL DEFAULT false);"
  "CREATE INDEX tokens_officer ON tokens (officer_id);"
  "CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);"
  "INSERT INTO counters (name, value) VALUES ('status', 0), ('streets', 0), ('merchants', 0);"
  /* A street segment's lines as PostGIS holds them; written and read as WKB, so that its
   * coordinates come back bit for bit. A deleted one keeps its row (and its last values)
   * so that the deletion has a revision. */
  "CREATE TABLE streets ("
  "  id text PRIMARY KEY, name text, class text NOT NULL, grid_cell text, community text,"
  "  unit text, geom geometry (MultiLineString, 4326) NOT NULL, revision bigint NOT NULL,"
  "  deleted boolean NOT NULL DEFAULT false);"
  "CREATE INDEX streets_revision ON streets (revision);"
  "CREATE INDEX streets_geom ON streets USING gist (geom);"
  "CREATE TABLE assignments ("
  "  officer_id text NOT NULL REFERENCES officers (id), street_id text NOT NULL,"
  "  PRIMARY KEY (officer_id, street_id));"
  /* Points keep the degrees as they came (float8 is exact) and the geometry beside them,
   * made from them by PostgreSQL, so the two cannot disagree. */
  "CREATE TABLE merchants ("
  "  id text PRIMARY KEY, name text NOT NULL, address text, contact text, street_id text,"
  "  lon float8 NOT NULL, lat float8 NOT NULL,"
  "  geom geometry (Point, 4326) GENERATED ALWAYS AS"
  "    (ST_SetSRID (ST_MakePoint (lon, lat), 4326)) STORED,"
  "  revision bigint NOT NULL, deleted boolean NOT NULL DEFAULT false);"
  "CREATE INDEX merchants_revision ON merchants (revision);"
  "CREATE INDEX merchants_geom ON merchants USING gist (geom);"
  "CREATE TABLE shifts ("
  "  uuid text PRIMARY KEY, officer_id text NOT NULL, kind text NOT NULL,"
  "  started_at text NOT NULL, ended_at text);"
  "CREATE INDEX shifts_officer ON shifts (officer_id);"
  "CREATE TABLE track_points ("
  "  shift_uuid text NOT NULL, seq bigint NOT NULL, t_ms bigint NOT NULL,"
  "  lat float8 NOT NULL, lon float8 NOT NULL, accuracy float8, altitude float8,"
  "  speed float8, heading float8,"
  "  geom geometry (Point, 4326) GENERATED ALWAYS AS"
  "    (ST_SetSRID (ST_MakePoint (lon, lat), 4326)) STORED,"
  "  PRIMARY KEY (shift_uuid, seq));"
  "CREATE INDEX track_points_geom ON track_points USING gist (geom);"
  /* The body is the report's canonical encoding, as text: its bytes are what the content
   * hash covers (jsonb would reorder them). A report without a position has no geometry. */
  "CREATE TABLE reports ("
  "  uuid text PRIMARY KEY, officer_id text NOT NULL, body text NOT NULL,"
  "  content_sha256 text NOT NULL, receipt_id text NOT NULL UNIQUE,"
  "  received_at text NOT NULL, created_at text, category text, lat float8, lon float8,"
  "  geom geometry (Point, 4326) GENERATED ALWAYS AS"
  "    (ST_SetSRID (ST_MakePoint (lon, lat), 4326)) STORED,"
  "  case_status text, case_status_at text, status_revision bigint NOT NULL DEFAULT 0);"
  "CREATE INDEX reports_officer ON reports (officer_id);"
  "CREATE INDEX reports_status ON reports (status_revision);"
  "CREATE INDEX reports_receipt_order ON reports (received_at, uuid);"
  "CREATE INDEX reports_geom ON reports USING gist (geom);"
  "CREATE TABLE report_photos ("
  "  report_uuid text NOT NULL REFERENCES reports (uuid), sha256 text NOT NULL,"
  "  role text NOT NULL, PRIMARY KEY (report_uuid, sha256, role));"
  "CREATE INDEX report_photos_sha256 ON report_photos (sha256);"
  /* A second version of a report under the same uuid: kept for a person to review. */
  "CREATE TABLE report_conflicts ("
  "  uuid text NOT NULL, content_sha256 text NOT NULL, officer_id text NOT NULL,"
  "  body text NOT NULL, received_at text NOT NULL, PRIMARY KEY (uuid, content_sha256));"
  /* Failed enrollment attempts (at: wall-clock microseconds), shared by every office
   * process on this database and kept over restarts. */
  "CREATE TABLE enroll_failures ("
  "  id bigserial PRIMARY KEY, officer_id text NOT NULL, address text NOT NULL,"
  "  at bigint NOT NULL);"
  "CREATE INDEX enroll_failures_at ON enroll_failures (at);",

  /* 2: the records' generation (one row), made anew by every restore: see
   * xuncha_office_records_generation(). gen_random_uuid() is PostgreSQL's own (13 and
   * later): 122 random bits. */
  "CREATE TABLE generation (id text NOT NULL);"
  "INSERT INTO generation (id) VALUES (replace (gen_random_uuid ()::text, '-', ''));",

  /* 3: tasks the office gives officers and teams, with their photos and results, messages
   * and who read them (docs/protocol.md, Tasks and messages). A task's body is its wire
   * encoding as made (open, without result, revision 0); what changes after (state, who
   * accepted it, the case a verify found, the result, the revision) is in columns of its
   * own, and its place (verify, check) is a geometry beside the degrees, as a report's. */
  "CREATE TABLE tasks ("
  "  id text PRIMARY KEY, kind text NOT NULL, officer_id text, team text,"
  "  state text NOT NULL, accepted_by text, deadline_us bigint NOT NULL,"
  "  report_uuid text, body text NOT NULL, result_uuid text, result text,"
  "  created_at text NOT NULL, revision bigint NOT NULL, lat float8, lon float8,"
  "  geom geometry (Point, 4326) GENERATED ALWAYS AS"
  "    (ST_SetSRID (ST_MakePoint (lon, lat), 4326)) STORED);"
  "CREATE INDEX tasks_revision ON tasks (revision);"
  "CREATE INDEX tasks_due ON tasks (state, deadline_us);"
  "CREATE INDEX tasks_geom ON tasks USING gist (geom);"
  "CREATE TABLE task_photos ("
  "  task_id text NOT NULL REFERENCES tasks (id), sha256 text NOT NULL,"
  "  PRIMARY KEY (task_id, sha256));"
  "CREATE INDEX task_photos_sha256 ON task_photos (sha256);"
  "CREATE TABLE messages ("
  "  id text PRIMARY KEY, audience text NOT NULL, officer_id text, team text,"
  "  sender text NOT NULL, title text NOT NULL, body text NOT NULL, sent_at text NOT NULL,"
  "  revision bigint NOT NULL);"
  "CREATE INDEX messages_revision ON messages (revision);"
  "CREATE TABLE message_reads ("
  "  message_id text NOT NULL REFERENCES messages (id), officer_id text NOT NULL,"
  "  read_at text NOT NULL, revision bigint NOT NULL, PRIMARY KEY (message_id, officer_id));"
  "CREATE INDEX message_reads_revision ON message_reads (officer_id, revision);"
  "INSERT INTO counters (name, value) VALUES ('tasks', 0), ('messages', 0) "
  "  ON CONFLICT (name) DO NOTHING;",

  /* 4: the console's staff accounts, their sessions (kept by the SHA-256 of their id),
   * failed logins and the audit log (xuncha-office-pg-staff-records.c); its tables only.
   * Times are wall-clock microseconds. */
  "CREATE TABLE staff ("
  "  name text PRIMARY KEY, role text NOT NULL, team text, password_hash text NOT NULL,"
  "  must_change boolean NOT NULL, disabled boolean NOT NULL DEFAULT false,"
  "  created_at bigint NOT NULL);"
  "CREATE TABLE staff_sessions ("
  "  id_sha256 text PRIMARY KEY, staff_name text NOT NULL REFERENCES staff (name),"
  "  csrf_token text NOT NULL, created_at bigint NOT NULL, seen_at bigint NOT NULL);"
  "CREATE INDEX staff_sessions_staff ON staff_sessions (staff_name);"
  "CREATE INDEX staff_sessions_seen ON staff_sessions (seen_at);"
  "CREATE TABLE staff_login_failures ("
  "  id bigserial PRIMARY KEY, name text NOT NULL, address text NOT NULL, at bigint NOT NULL);"
  "CREATE INDEX staff_login_failures_at ON staff_login_failures (at);"
  "CREATE TABLE audit_log ("
  "  id bigserial PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL, action text NOT NULL,"
  "  subject text, before text, after text);",

  /* 5 (evidence): a device's public signing key kept with its token (docs/evidence.md),
   * and found by its fingerprint, which the device's manifests name. */
  "ALTER TABLE tokens ADD COLUMN key_algorithm text, ADD COLUMN public_key text,"
  "  ADD COLUMN key_fingerprint text;"
  "CREATE INDEX tokens_key_fingerprint ON tokens (key_fingerprint);",

  /* 6 (cases): the case workflow's time limit per category (with the defaults of
   * XUNCHA_OFFICE_TIME_LIMIT_DEFAULTS_SQL), each case's deadline (Unix microseconds, 0 for
   * none), assignee and number of steps, and its history
   * (xuncha-office-pg-case-records.c); its tables only. */
  "CREATE TABLE case_time_limits ("
  "  category text PRIMARY KEY, amount integer NOT NULL, unit text NOT NULL);"
  "INSERT INTO case_time_limits (category, amount, unit) VALUES "
  XUNCHA_OFFICE_TIME_LIMIT_DEFAULTS_SQL ";"
  "CREATE TABLE cases ("
  "  report_uuid text PRIMARY KEY, deadline_us bigint NOT NULL DEFAULT 0, assignee text,"
  "  steps integer NOT NULL DEFAULT 0);"
  "CREATE INDEX cases_deadline ON cases (deadline_us);"
  "CREATE TABLE case_history ("
  "  id bigserial PRIMARY KEY, report_uuid text NOT NULL, at bigint NOT NULL,"
  "  actor text NOT NULL, action text NOT NULL, from_status text NOT NULL,"
  "  to_status text NOT NULL, note text, assignee text,"
  "  deadline_us bigint NOT NULL DEFAULT 0, task_id text);"
  "CREATE INDEX case_history_report ON case_history (report_uuid, id);",

  /* 7 (evidence bundles): the signed manifests devices send (docs/evidence.md), by key,
   * chain and sequence, and by report and revision; a manifest's bytes as sent, its
   * signature in base64. Its tables only. */
  "CREATE TABLE evidence_manifests ("
  "  device_key text NOT NULL, chain bigint NOT NULL, sequence bigint NOT NULL,"
  "  report_uuid text NOT NULL, revision bigint NOT NULL, sha256 text NOT NULL UNIQUE,"
  "  manifest text NOT NULL, signature text NOT NULL,"
  "  chain_break boolean NOT NULL DEFAULT false, received_at text NOT NULL,"
  "  PRIMARY KEY (device_key, chain, sequence));"
  "CREATE INDEX evidence_manifests_report ON evidence_manifests (report_uuid, revision);",

  /* 8 (console queries): what the console filters reports by, in columns with indexes: created_at
   * as Unix seconds and the street segment (the position has its GiST index already). */
  "ALTER TABLE reports ADD COLUMN created_s bigint, ADD COLUMN street_id text;"
  "UPDATE reports SET"
  "  created_s = floor (extract (epoch FROM created_at::timestamptz))::bigint,"
  "  street_id = body::json -> 'street' ->> 'id';"
  "CREATE INDEX reports_created ON reports (created_s, uuid);"
  "CREATE INDEX reports_category_created ON reports (category, created_s);"
  "CREATE INDEX reports_street_created ON reports (street_id, created_s);"
  "CREATE INDEX reports_officer_created ON reports (officer_id, created_s);"
  "CREATE INDEX reports_case_created ON reports (case_status, created_s);"
  "CREATE INDEX streets_class ON streets (class);",

  /* 9 (officers): when each device token last began a sync (who-am-I), wall-clock
   * microseconds, for the console's officers. Its column only. */
  "ALTER TABLE tokens ADD COLUMN seen_us bigint;",

  /* 10 (weekly counts): the merchant a report names in a column of its own, and an index
   * holding every column the weekly report counts a week's reports by, so that its counts
   * are index-only scans that read no report's row or body (reports_count_body()); the
   * street segments' names and classes likewise by their id. Its column and indexes only. */
  "ALTER TABLE reports ADD COLUMN merchant_id text;"
  "UPDATE reports SET merchant_id = body::json ->> 'merchant_id';"
  "CREATE INDEX reports_week ON reports (created_s)"
  "  INCLUDE (category, officer_id, case_status, street_id, merchant_id);"
  "CREATE INDEX streets_named ON streets (id) INCLUDE (name, class, deleted);",

  /* 11 (case closing time): each case's closing time (its last step to 结案, Unix
   * microseconds; NULL while not closed), set by the step that closes it and filled from
   * the history here, so that the weekly case figures read the cases closed in a week or
   * open past their deadline by its index instead of every case's history. Its column and
   * index only. */
  "ALTER TABLE cases ADD COLUMN closed_us bigint;"
  "UPDATE cases k SET closed_us = (SELECT max (h.at) FROM case_history h"
  "  WHERE h.report_uuid = k.report_uuid AND h.to_status = '" XUNCHA_OFFICE_CASE_CLOSED "');"
  "CREATE INDEX cases_closed ON cases (closed_us, deadline_us);",

  /* 12 (street names): the street segments' names by themselves, for the console's street
   * picker, which asks for the few names beginning with what was typed
   * (street_names_body()); text_pattern_ops, so that a prefix is a range of it whatever
   * the database's collation. Its index only. */
  "CREATE INDEX streets_name_prefix ON streets (name text_pattern_ops) WHERE NOT deleted;",

  /* 13 (coverage cache): each shift's coverage of its officer's assigned segments (the
   * walked ids as a JSON array, their length) with the inputs it was computed from (point
   * count, highest seq, streets' revision, SHA-256 of the assigned ids), so that the weekly
   * report reads it instead of the shift's points (shift_coverage_get_body()); and each
   * shift's point count, kept by points_add, so that telling whether it is current reads
   * no point. Its table and column only. */
  "CREATE TABLE shift_coverage ("
  "  shift_uuid text PRIMARY KEY, n_points bigint NOT NULL, newest_seq bigint NOT NULL,"
  "  streets_revision bigint NOT NULL, assigned_sha256 text NOT NULL,"
  "  walked_ids jsonb NOT NULL, walked_m double precision NOT NULL);"
  "ALTER TABLE shifts ADD COLUMN n_points bigint NOT NULL DEFAULT 0;"
  "UPDATE shifts s SET n_points = (SELECT count(*) FROM track_points t"
  "  WHERE t.shift_uuid = s.uuid);",
};

/* The advisory lock the migrations run under, so that two office processes starting at
 * once do not both migrate: "xuncha" in ASCII. */
#define SCHEMA_LOCK "132165636941921"

/* What a transaction's body asks for: its work kept or undone. An error with COMMIT is
 * given to the caller after the commit (a conflicting report is kept for review, and the
 * put still fails). */
typedef enum
{
  OUTCOME_COMMIT,
  OUTCOME_ROLLBACK,
} Outcome;

typedef enum
{
  TXN_WRITE,     /* READ COMMITTED, the before-commit hook runs */
  TXN_SNAPSHOT,  /* REPEATABLE READ READ ONLY: every statement sees one snapshot */
  TXN_SINGLE,    /* one statement, its own transaction: no BEGIN and COMMIT round trips */
} TxnKind;

typedef Outcome (*TxnBody) (XunchaOfficePgRecords  *self,
                            PGconn                 *conn,
                            gpointer                data,
                            GError                **error);

static void
xuncha_office_pg_records_finalize (GObject *object)
{
  XunchaOfficePgRecords *self = (XunchaOfficePgRecords *)object;

  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->returned);
  g_free (self->conninfo);

  G_OBJECT_CLASS (xuncha_office_pg_records_parent_class)->finalize (object);
}

static void
xuncha_office_pg_records_class_init (XunchaOfficePgRecordsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_pg_records_finalize;
}

static void
xuncha_office_pg_records_init (XunchaOfficePgRecords *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->returned);
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify)PQfinish);
}

/* Errors. */

static gboolean
connection_lost (PGconn *conn)
{
  return PQstatus (conn) == CONNECTION_BAD;
}

/* Serialization failures, deadlocks, a lost or refused connection and a server going down
 * pass: the device is told to come again (503) rather than that its data is wrong. */
static XunchaOfficeStorageError
error_code (PGconn         *conn,
            const PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (connection_lost (conn) || state == NULL)
    return XUNCHA_OFFICE_STORAGE_ERROR_BUSY;
  if (g_str_has_prefix (state, "08") || g_str_equal (state, "40001")
      || g_str_equal (state, "40P01") || g_str_equal (state, "55P03")
      || g_str_has_prefix (state, "57P") || g_str_equal (state, "53300"))
    return XUNCHA_OFFICE_STORAGE_ERROR_BUSY;
  return XUNCHA_OFFICE_STORAGE_ERROR_FAILED;
}

static void
set_db_error (PGconn          *conn,
              const PGresult  *result,
              const char      *what,
              GError         **error)
{
  g_autofree char *message = g_strdup (result != NULL ? PQresultErrorMessage (result)
                                                      : PQerrorMessage (conn));

  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, error_code (conn, result), "%s: %s", what,
               g_strstrip (message));
}

/* Runs @sql with @n text parameters (NULL for SQL NULL); NULL with @error unless it
 * succeeded. */
static PGresult *
run_params (PGconn             *conn,
            GError            **error,
            const char         *sql,
            const char * const *params,
            int                 n)
{
  PGresult *result = PQexecParams (conn, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_db_error (conn, result, "Database command failed", error);
      PQclear (result);
      return NULL;
    }
  return result;
}

#define run(conn, error, sql, ...) \
  run_params (conn, error, sql, (const char * const[]){ __VA_ARGS__ }, \
              G_N_ELEMENTS (((const char * const[]){ __VA_ARGS__ })))

static PGresult *
run0 (PGconn      *conn,
      GError     **error,
      const char  *sql)
{
  return run_params (conn, error, sql, NULL, 0);
}

static gint64
changes (const PGresult *result)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *)result), NULL, 10);
}

/* A column's text, NULL for SQL NULL. */
const char *
xuncha_office_pg_text_at (const PGresult *result,
                          int             row,
                          int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return PQgetvalue (result, row, column);
}

gint64
xuncha_office_pg_int64_at (const PGresult *result,
                           int             row,
                           int             column)
{
  /* PostgreSQL gives "" for NULL: 0. */
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/* PostgreSQL 12 and later print a float8 in the shortest form that reads back to the same
 * double, so the text round trip is exact. */
static double
double_at (const PGresult *result,
           int             row,
           int             column)
{
  if (PQgetisnull (result, row, column))
    return NAN;
  return g_ascii_strtod (PQgetvalue (result, row, column), NULL);
}

gboolean
xuncha_office_pg_bool_at (const PGresult *result,
                          int             row,
                          int             column)
{
  return g_str_equal (PQgetvalue (result, row, column), "t");
}

static char *
int64_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* 17 significant digits read back to the same double; NULL for an absent (NAN) value. */
static char *
double_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return NULL;
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}

static const char *
bool_text (gboolean value)
{
  return value ? "t" : "f";
}

/* Connections and the pool. */

static void
on_notice (void       *data,
           const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

static PGconn *
connect_db (const char  *conninfo,
            GError     **error)
{
  /* expand_dbname: @conninfo may be a whole connection string, URI or words; the
   * application name shows the office's sessions in pg_stat_activity unless the string
   * names one. */
  const char * const keywords[] = { "dbname", "fallback_application_name", NULL };
  const char * const values[] = { conninfo, "xuncha-office", NULL };
  PGconn *conn = PQconnectdbParams (keywords, values, 1);

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (conn != NULL ? PQerrorMessage (conn)
                                                        : "out of memory");

      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_BUSY,
                   _("Could not connect to the PostgreSQL database (%s). Check the connection "
                     "string given with --database and that the database server runs."),
                   g_strstrip (message));
      PQfinish (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn, on_notice, NULL);
  return conn;
}

static PGconn *
pool_take (XunchaOfficePgRecords  *self,
           GError                **error)
{
  PGconn *conn = NULL;

  g_mutex_lock (&self->lock);
  while (self->idle->len == 0 && self->open >= self->pool_size)
    g_cond_wait (&self->returned, &self->lock);
  if (self->idle->len > 0)
    conn = g_ptr_array_steal_index (self->idle, self->idle->len - 1);
  else
    self->open++;
  g_mutex_unlock (&self->lock);
  if (conn != NULL)
    return conn;

  /* Connected outside the lock: the others' calls go on meanwhile. */
  conn = connect_db (self->conninfo, error);
  if (conn == NULL)
    {
      g_mutex_lock (&self->lock);
      self->open--;
      g_cond_signal (&self->returned);
      g_mutex_unlock (&self->lock);
    }
  return conn;
}

/* A connection that broke, or was left inside a transaction, is closed rather than handed to
 * the next call. */
static void
pool_give (XunchaOfficePgRecords *self,
           PGconn                *conn)
{
  gboolean keep = !connection_lost (conn) && PQtransactionStatus (conn) == PQTRANS_IDLE;

  if (!keep)
    PQfinish (conn);
  g_mutex_lock (&self->lock);
  if (keep)
    g_ptr_array_add (self->idle, conn);
  else
    self->open--;
  g_cond_signal (&self->returned);
  g_mutex_unlock (&self->lock);
}

/* Runs @body as one transaction on a connection of the pool.
 *
 * A connection that was idle in the pool may have been cut meanwhile (the database
 * restarted, a proxy dropped it): when the first command finds it broken, before anything
 * of the call reached the database, it is connected again and the call tried once more.
 * A connection lost later in the call is not tried again, as the commit may have happened;
 * the caller gets BUSY and the device comes again (every put is idempotent). */
static gboolean
transact (XunchaOfficePgRecords  *self,
          const char             *method,
          TxnKind                 kind,
          TxnBody                 body,
          gpointer                data,
          GError                **error)
{
  static const char * const begin[] = {
    [TXN_WRITE] = "BEGIN",
    [TXN_SNAPSHOT] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  };
  g_autoptr(GError) body_error = NULL;
  PGconn *conn;
  Outcome outcome;

  conn = pool_take (self, error);
  if (conn == NULL)
    return FALSE;

  if (kind != TXN_SINGLE)
    {
      g_autoptr(PGresult) result = run0 (conn, error, begin[kind]);

      if (result == NULL && connection_lost (conn))
        {
          g_debug ("Connection to PostgreSQL lost while idle; connecting again");
          g_clear_error (error);
          PQreset (conn);
          if (!connection_lost (conn))
            result = run0 (conn, error, begin[kind]);
          else
            set_db_error (conn, NULL, "Could not connect to the PostgreSQL database", error);
        }
      if (result == NULL)
        {
          pool_give (self, conn);
          return FALSE;
        }
      outcome = body (self, conn, data, &body_error);
    }
  else
    {
      outcome = body (self, conn, data, &body_error);
      if (body_error != NULL && connection_lost (conn)
          && g_error_matches (body_error, XUNCHA_OFFICE_STORAGE_ERROR,
                              XUNCHA_OFFICE_STORAGE_ERROR_BUSY))
        {
          /* One statement that failed on a broken connection did nothing: try it again. */
          g_debug ("Connection to PostgreSQL lost while idle; connecting again");
          PQreset (conn);
          if (!connection_lost (conn))
            {
              g_clear_error (&body_error);
              outcome = body (self, conn, data, &body_error);
            }
        }
      pool_give (self, conn);
      if (body_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&body_error));
          return FALSE;
        }
      return TRUE;
    }

  if (outcome == OUTCOME_COMMIT)
    {
      g_autoptr(PGresult) result = NULL;

      if (kind == TXN_WRITE && self->before_commit != NULL)
        self->before_commit (method, self->before_commit_data);
      result = run0 (conn, error, "COMMIT");
      if (result == NULL)
        {
          g_clear_error (&body_error);
          pool_give (self, conn);
          return FALSE;
        }
    }
  else
    {
      /* A failed ROLLBACK leaves nothing to undo: the connection goes back to the pool,
       * which checks its state before lending it again. */
      PQclear (run0 (conn, NULL, "ROLLBACK"));
    }
  pool_give (self, conn);
  if (body_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&body_error));
      return FALSE;
    }
  return TRUE;
}

/* Revisions.
 *
 * A revision (of the case statuses, the streets, the merchants) is taken by
 *   UPDATE counters SET value = value + 1 WHERE name = ... RETURNING value
 * inside the transaction that writes the rows carrying it. The UPDATE holds the counter's
 * row lock until that transaction ends, and the next one to take a revision of the same
 * counter waits for it, then reads the value it committed (or the old one, had it rolled
 * back). So revisions are committed in the order they are given: when the counter reads c
 * in a snapshot, every revision up to c is committed and visible in that snapshot, and no
 * row with a revision above c is. A reader takes the counter and the rows in one snapshot
 * (REPEATABLE READ) and answers c: whatever commits later carries a revision above c, and a
 * device asking again from c misses nothing. (A sequence would not do: nextval() is given
 * at once, not at commit, so a transaction holding 7 can commit after one holding 8 was
 * read and answered.) The price is that writers of one counter take turns, which suits
 * case statuses set at a console and whole street or merchant imports. */
static gboolean
take_revision (PGconn      *conn,
               const char  *counter,
               gint64      *revision,
               GError     **error)
{
  g_autoptr(PGresult) result = run (conn, error,
                                    "UPDATE counters SET value = value + 1 WHERE name = $1 "
                                    "RETURNING value", counter);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "The database has no %s counter", counter);
      return FALSE;
    }
  *revision = int64_at (result, 0, 0);
  return TRUE;
}

/* The revision last committed, as the snapshot sees it. */
static gboolean
read_revision (PGconn      *conn,
               const char  *counter,
               gint64      *revision,
               GError     **error)
{
  g_autoptr(PGresult) result = run (conn, error, "SELECT value FROM counters WHERE name = $1",
                                    counter);

  if (result == NULL)
    return FALSE;
  *revision = PQntuples (result) == 1 ? int64_at (result, 0, 0) : 0;
  return TRUE;
}

/* Secrets: codes, tokens and receipt ids. */

static void
random_bytes (guint8 *buffer,
              gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      /* The kernel's generator does not fail once seeded; a failure here is a broken
       * system, and a token from a weak source must not be handed out. */
      if (n <= 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += (gsize)n;
    }
}

static char *
random_token (void)
{
  guint8 bytes[32];
  g_autofree char *text = NULL;

  random_bytes (bytes, sizeof bytes);
  text = g_base64_encode (bytes, sizeof bytes);
  /* URL-safe and without padding: it travels in a header. */
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (strchr (text, '=') != NULL)
    *strchr (text, '=') = '\0';
  return g_steal_pointer (&text);
}

static char *
random_code (void)
{
  /* No 0/O, 1/I/L: the code is read aloud and typed on a phone. */
  static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  guint8 bytes[12];
  GString *code = g_string_new (NULL);

  random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, alphabet[bytes[i] % (sizeof alphabet - 1)]);
    }
  return g_string_free (code, FALSE);
}

static char *
code_hash (const char *code)
{
  GString *normal = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (const char *p = code; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (normal, g_ascii_toupper (*p));
  text = g_string_free (normal, FALSE);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static char *
new_receipt_id (void)
{
  guint8 bytes[8];
  GString *id = g_string_new ("R-");

  random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02x", bytes[i]);
  return g_string_free (id, FALSE);
}

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

/* Street lines as WKB (little-endian MultiLineString), the form PostGIS takes and gives
 * without rounding. */

static char *
lines_to_wkb_hex (GPtrArray *lines)
{
  GString *hex = g_string_new (NULL);
  GByteArray *wkb = g_byte_array_new ();
  guint8 order = 1;
  guint32 value;

  g_byte_array_append (wkb, &order, 1);
  value = GUINT32_TO_LE (5);
  g_byte_array_append (wkb, (guint8 *)&value, 4);
  value = GUINT32_TO_LE (lines->len);
  g_byte_array_append (wkb, (guint8 *)&value, 4);
  for (guint i = 0; i < lines->len; i++)
    {
      GArray *line = lines->pdata[i];

      g_byte_array_append (wkb, &order, 1);
      value = GUINT32_TO_LE (2);
      g_byte_array_append (wkb, (guint8 *)&value, 4);
      value = GUINT32_TO_LE (line->len / 2);
      g_byte_array_append (wkb, (guint8 *)&value, 4);
      /* A line's doubles are lon, lat pairs; an odd one left over is not a coordinate. */
      for (guint j = 0; j < line->len / 2 * 2; j++)
        {
          guint64 bits;
          double coordinate = g_array_index (line, double, j);

          memcpy (&bits, &coordinate, sizeof bits);
          bits = GUINT64_TO_LE (bits);
          g_byte_array_append (wkb, (guint8 *)&bits, 8);
        }
    }
  for (guint i = 0; i < wkb->len; i++)
    g_string_append_printf (hex, "%02x", wkb->data[i]);
  g_byte_array_unref (wkb);
  return g_string_free (hex, FALSE);
}

static gboolean
read_u32 (const guint8 *wkb,
          gsize         length,
          gsize        *at,
          guint32      *value)
{
  if (*at + 4 > length)
    return FALSE;
  memcpy (value, wkb + *at, 4);
  *value = GUINT32_FROM_LE (*value);
  *at += 4;
  return TRUE;
}

/* Reads what ST_AsBinary (geom, 'NDR') gave, as hex; NULL if it is not a MultiLineString. */
static GPtrArray *
lines_from_wkb_hex (const char *hex)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  gsize length = strlen (hex) / 2;
  g_autofree guint8 *wkb = g_malloc (length + 1);
  gsize at = 0;
  guint32 type, count;

  for (gsize i = 0; i < length; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return NULL;
      wkb[i] = (guint8)(high << 4 | low);
    }
  if (length < 1 || wkb[at++] != 1 || !read_u32 (wkb, length, &at, &type) || type != 5
      || !read_u32 (wkb, length, &at, &count))
    return NULL;
  for (guint32 i = 0; i < count; i++)
    {
      guint32 points;
      GArray *line;

      if (at + 1 > length || wkb[at++] != 1 || !read_u32 (wkb, length, &at, &type)
          || type != 2 || !read_u32 (wkb, length, &at, &points)
          || at + (gsize)points * 16 > length)
        return NULL;
      line = g_array_sized_new (FALSE, FALSE, sizeof (double), points * 2);
      for (guint32 j = 0; j < points * 2; j++)
        {
          guint64 bits;
          double coordinate;

          memcpy (&bits, wkb + at, 8);
          bits = GUINT64_FROM_LE (bits);
          memcpy (&coordinate, &bits, sizeof coordinate);
          g_array_append_val (line, coordinate);
          at += 8;
        }
      g_ptr_array_add (lines, line);
    }
  return g_steal_pointer (&lines);
}

/* Officers and tokens. */

typedef struct
{
  const XunchaWireOfficer *officer;
  const char              *officer_id;
  const char              *code;
  const char              *device_name;
  XunchaEvidenceKey       *key;
  const char              *token;
  char                    *new_secret;
  XunchaWireOfficer       *found;
  const char * const      *street_ids;
  GStrv                    streets;
  gint64                   at_us;
  /* Nullable: written in the change's own transaction. */
  const XunchaOfficeAuditEntry *audit;
} OfficerCall;

/* The transaction of a change that is one statement unless an audit entry goes with it. */
static TxnKind
officer_txn (const OfficerCall *call)
{
  return call->audit != NULL ? TXN_WRITE : TXN_SINGLE;
}

/* Writes the call's audit entry, if any, in @conn's transaction: COMMIT when it is kept. */
static Outcome
officer_audit (PGconn      *conn,
               OfficerCall *call,
               GError     **error)
{
  if (call->audit != NULL && !xuncha_office_pg_audit_insert (conn, call->audit, error))
    return OUTCOME_ROLLBACK;
  return OUTCOME_COMMIT;
}

static Outcome
officer_add_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *code = random_code ();
  g_autofree char *hash = code_hash (code);
  g_autofree char *now = now_iso ();
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "INSERT INTO officers (id, name, team, leader, code_sha256, revoked, created_at) "
                "VALUES ($1, $2, $3, $4, $5, false, $6) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, team = excluded.team, "
                "  leader = excluded.leader, code_sha256 = excluded.code_sha256, revoked = false",
                call->officer->id, call->officer->name, call->officer->team,
                bool_text (call->officer->leader), hash, now);
  if (result == NULL || officer_audit (conn, call, error) != OUTCOME_COMMIT)
    return OUTCOME_ROLLBACK;
  call->new_secret = g_steal_pointer (&code);
  return OUTCOME_COMMIT;
}

static Outcome
officer_add_new_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *code = random_code ();
  g_autofree char *hash = code_hash (code);
  g_autofree char *now = now_iso ();
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "INSERT INTO officers (id, name, team, leader, code_sha256, revoked, created_at) "
                "VALUES ($1, $2, $3, $4, $5, false, $6) ON CONFLICT (id) DO NOTHING",
                call->officer->id, call->officer->name, call->officer->team,
                bool_text (call->officer->leader), hash, now);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "Officer %s exists already", call->officer->id);
      return OUTCOME_ROLLBACK;
    }
  if (officer_audit (conn, call, error) != OUTCOME_COMMIT)
    return OUTCOME_ROLLBACK;
  call->new_secret = g_steal_pointer (&code);
  return OUTCOME_COMMIT;
}

static gboolean
records_officer_add_new (XunchaOfficeRecords           *records,
                         const XunchaWireOfficer       *officer,
                         const XunchaOfficeAuditEntry  *audit,
                         char                         **code,
                         GError                       **error)
{
  OfficerCall call = { .officer = officer, .audit = audit };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "officer_add_new", officer_txn (&call),
                 officer_add_new_body, &call, error))
    return FALSE;
  *code = call.new_secret;
  return TRUE;
}

static gboolean
records_officer_add (XunchaOfficeRecords           *records,
                     const XunchaWireOfficer       *officer,
                     const XunchaOfficeAuditEntry  *audit,
                     char                         **code,
                     GError                       **error)
{
  OfficerCall call = { .officer = officer, .audit = audit };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "officer_add", officer_txn (&call),
                 officer_add_body, &call, error))
    return FALSE;
  *code = call.new_secret;
  return TRUE;
}

/* Revokes the officer and his tokens inside @conn's transaction. */
static gboolean
officer_revoke_in (PGconn      *conn,
                   const char  *officer_id,
                   GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) tokens = NULL;

  result = run (conn, error,
                "UPDATE officers SET revoked = true, code_sha256 = NULL WHERE id = $1",
                officer_id);
  if (result == NULL)
    return FALSE;
  if (changes (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", officer_id);
      return FALSE;
    }
  tokens = run (conn, error, "UPDATE tokens SET revoked = true WHERE officer_id = $1",
                officer_id);
  return tokens != NULL;
}

static Outcome
officer_revoke_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  OfficerCall *call = data;

  if (!officer_revoke_in (conn, call->officer_id, error))
    return OUTCOME_ROLLBACK;
  return officer_audit (conn, call, error);
}

/* Revoked, then a fresh code (call->code) that is not: one transaction. */
static Outcome
officer_reset_body (XunchaOfficePgRecords  *self,
                    PGconn                 *conn,
                    gpointer                data,
                    GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *hash = code_hash (call->code);
  g_autoptr(PGresult) renewed = NULL;

  if (!officer_revoke_in (conn, call->officer_id, error))
    return OUTCOME_ROLLBACK;
  renewed = run (conn, error, "UPDATE officers SET revoked = false, code_sha256 = $2 "
                 "WHERE id = $1", call->officer_id, hash);
  if (renewed == NULL)
    return OUTCOME_ROLLBACK;
  return officer_audit (conn, call, error);
}

static gboolean
records_officer_revoke (XunchaOfficeRecords           *records,
                        const char                    *officer_id,
                        const XunchaOfficeAuditEntry  *audit,
                        GError                       **error)
{
  OfficerCall call = { .officer_id = officer_id, .audit = audit };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "officer_revoke", TXN_WRITE,
                   officer_revoke_body, &call, error);
}

static gboolean
records_officer_reset (XunchaOfficeRecords           *records,
                       const char                    *officer_id,
                       const XunchaOfficeAuditEntry  *audit,
                       char                         **code,
                       GError                       **error)
{
  g_autofree char *new_code = random_code ();
  OfficerCall call = { .officer_id = officer_id, .code = new_code, .audit = audit };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "officer_reset", TXN_WRITE,
                 officer_reset_body, &call, error))
    return FALSE;
  *code = g_steal_pointer (&new_code);
  return TRUE;
}

static void
officer_from_row (const PGresult    *result,
                  int                row,
                  int                first,
                  XunchaWireOfficer *officer)
{
  officer->id = g_strdup (text_at (result, row, first));
  officer->name = g_strdup (text_at (result, row, first + 1));
  officer->team = g_strdup (text_at (result, row, first + 2));
  officer->leader = bool_at (result, row, first + 3);
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, XUNCHA_OFFICE_STORAGE_ERROR,
                       XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

static Outcome
enroll_body (XunchaOfficePgRecords  *self,
             PGconn                 *conn,
             gpointer                data,
             GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *hash = code_hash (call->code);
  g_autofree char *token = random_token ();
  g_autofree char *token_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autofree char *now = now_iso ();
  g_autoptr(PGresult) officer = NULL;
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) spend = NULL;
  const char *held;

  /* FOR UPDATE: two devices racing for one code take turns, and the second reads the
   * code as the first spent it. */
  officer = run (conn, error,
                 "SELECT id, name, team, leader, code_sha256 FROM officers "
                 "WHERE id = $1 AND NOT revoked FOR UPDATE", call->officer_id);
  if (officer == NULL)
    return OUTCOME_ROLLBACK;
  held = PQntuples (officer) == 1 ? text_at (officer, 0, 4) : NULL;
  if (held == NULL || !g_str_equal (held, hash))
    {
      unauthorized (error, "Unknown officer or wrong enrollment code");
      return OUTCOME_ROLLBACK;
    }
  insert = run (conn, error,
                "INSERT INTO tokens (sha256, officer_id, device_name, created_at, "
                "  key_algorithm, public_key, key_fingerprint) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)", token_hash, call->officer_id,
                call->device_name, now,
                call->key != NULL ? xuncha_evidence_key_get_algorithm (call->key) : NULL,
                call->key != NULL ? xuncha_evidence_key_get_public (call->key) : NULL,
                call->key != NULL ? xuncha_evidence_key_get_fingerprint (call->key) : NULL);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  /* One-time: the code is spent. */
  spend = run (conn, error, "UPDATE officers SET code_sha256 = NULL WHERE id = $1",
               call->officer_id);
  if (spend == NULL)
    return OUTCOME_ROLLBACK;
  officer_from_row (officer, 0, 0, call->found);
  call->new_secret = g_steal_pointer (&token);
  return OUTCOME_COMMIT;
}

static gboolean
records_enroll (XunchaOfficeRecords  *records,
                const char           *officer_id,
                const char           *code,
                const char           *device_name,
                XunchaEvidenceKey    *key,
                char                **token,
                XunchaWireOfficer    *officer,
                GError              **error)
{
  OfficerCall call = {
    .officer_id = officer_id, .code = code, .device_name = device_name, .key = key,
    .found = officer,
  };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "enroll", TXN_WRITE, enroll_body, &call,
                 error))
    {
      g_free (call.new_secret);
      xuncha_wire_officer_clear (officer);
      return FALSE;
    }
  *token = call.new_secret;
  return TRUE;
}

static Outcome
authenticate_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, call->token, -1);
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "SELECT o.id, o.name, o.team, o.leader FROM tokens t "
                "JOIN officers o ON o.id = t.officer_id "
                "WHERE t.sha256 = $1 AND NOT t.revoked AND NOT o.revoked", hash);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (result) != 1)
    {
      unauthorized (error, "The office does not accept this device token (revoked or "
                    "unknown); enroll again");
      return OUTCOME_ROLLBACK;
    }
  xuncha_wire_officer_clear (call->found);
  officer_from_row (result, 0, 0, call->found);
  return OUTCOME_COMMIT;
}

static gboolean
records_authenticate (XunchaOfficeRecords  *records,
                      const char           *token,
                      XunchaWireOfficer    *officer,
                      GError              **error)
{
  OfficerCall call = { .token = token, .found = officer };

  if (token == NULL || *token == '\0')
    return unauthorized (error, "No device token; enroll this device");
  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "authenticate", TXN_SINGLE,
                   authenticate_body, &call, error);
}

static Outcome
device_seen_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  OfficerCall *call = data;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, call->token, -1);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, call->at_us);
  g_autoptr(PGresult) limit = NULL;
  g_autoptr(PGresult) result = NULL;

  /* Not worth a wait: a who-am-I is answered at once also while another call writes. */
  limit = run0 (conn, error, "SET LOCAL lock_timeout = '100ms'");
  if (limit == NULL)
    return OUTCOME_ROLLBACK;
  result = run (conn, error, "UPDATE tokens SET seen_us = $2 WHERE sha256 = $1", hash, at);
  return result != NULL ? OUTCOME_COMMIT : OUTCOME_ROLLBACK;
}

static gboolean
records_device_seen (XunchaOfficeRecords  *records,
                     const char           *token,
                     gint64                at_us,
                     GError              **error)
{
  OfficerCall call = { .token = token, .at_us = at_us };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "device_seen", TXN_WRITE,
                   device_seen_body, &call, error);
}

static Outcome
assigned_streets_body (XunchaOfficePgRecords  *self,
                       PGconn                 *conn,
                       gpointer                data,
                       GError                **error)
{
  OfficerCall *call = data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(PGresult) result = NULL;

  /* COLLATE "C": sorted by bytes, as the SQLite records sort them, whatever the
   * database's locale. */
  result = run (conn, error,
                "SELECT street_id FROM assignments WHERE officer_id = $1 "
                "ORDER BY street_id COLLATE \"C\"", call->officer_id);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    g_strv_builder_add (builder, text_at (result, i, 0));
  g_clear_pointer (&call->streets, g_strfreev);
  call->streets = g_strv_builder_end (builder);
  return OUTCOME_COMMIT;
}

static GStrv
records_assigned_streets (XunchaOfficeRecords  *records,
                          const char           *officer_id,
                          GError              **error)
{
  OfficerCall call = { .officer_id = officer_id };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "assigned_streets", TXN_SINGLE,
                 assigned_streets_body, &call, error))
    return NULL;
  return call.streets;
}

static Outcome
assign_streets_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  OfficerCall *call = data;
  g_autoptr(PGresult) officer = NULL;
  g_autoptr(PGresult) cleared = NULL;

  /* FOR UPDATE: two assignments of one officer take turns instead of mixing. */
  officer = run (conn, error, "SELECT 1 FROM officers WHERE id = $1 FOR UPDATE",
                 call->officer_id);
  if (officer == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (officer) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", call->officer_id);
      return OUTCOME_ROLLBACK;
    }
  cleared = run (conn, error, "DELETE FROM assignments WHERE officer_id = $1",
                 call->officer_id);
  if (cleared == NULL)
    return OUTCOME_ROLLBACK;
  for (guint i = 0; call->street_ids[i] != NULL; i++)
    {
      g_autoptr(PGresult) street = NULL;
      g_autoptr(PGresult) insert = NULL;

      street = run (conn, error, "SELECT 1 FROM streets WHERE id = $1 AND NOT deleted "
                    "FOR SHARE", call->street_ids[i]);
      if (street == NULL)
        return OUTCOME_ROLLBACK;
      if (PQntuples (street) == 0)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                       "No street segment %s; import the streets first", call->street_ids[i]);
          return OUTCOME_ROLLBACK;
        }
      insert = run (conn, error, "INSERT INTO assignments (officer_id, street_id) "
                    "VALUES ($1, $2) ON CONFLICT DO NOTHING", call->officer_id,
                    call->street_ids[i]);
      if (insert == NULL)
        return OUTCOME_ROLLBACK;
    }
  return officer_audit (conn, call, error);
}

static gboolean
records_assign_streets (XunchaOfficeRecords           *records,
                        const char                    *officer_id,
                        const char * const            *street_ids,
                        const XunchaOfficeAuditEntry  *audit,
                        GError                       **error)
{
  OfficerCall call = { .officer_id = officer_id, .street_ids = street_ids, .audit = audit };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "assign_streets", TXN_WRITE,
                   assign_streets_body, &call, error);
}

/* Reports. */

static gboolean
may_see (const XunchaWireOfficer *officer,
         const char              *owner_id,
         const char              *owner_team)
{
  if (officer == NULL || g_strcmp0 (officer->id, owner_id) == 0)
    return TRUE;
  return officer->leader && officer->team != NULL && g_strcmp0 (officer->team, owner_team) == 0;
}

typedef struct
{
  const XunchaWireOfficer  *officer;
  const XunchaWireReport   *report;
  const char               *uuid;
  const char               *status;
  gboolean                  created;
  XunchaOfficeReceipt      *receipt;
  XunchaOfficeReportRecord *record;
  XunchaOfficeReportFunc    func;
  gpointer                  user_data;
  gint64                    since;
  gint64                    revision;
  GPtrArray                *items;
} ReportCall;

/* A report may follow (parent_uuid) only its officer's own reports and belong only to his
 * own shifts. One the office does not hold (yet) passes: a device sends its reports before
 * its shifts, and a parent that failed to arrive is not this report's fault. */
static gboolean
owned_or_unknown (PGconn                   *conn,
                  const char               *sql,
                  const char               *uuid,
                  const XunchaWireOfficer  *officer,
                  const char               *member,
                  const char               *what,
                  GError                  **error)
{
  g_autoptr(PGresult) result = NULL;

  if (uuid == NULL)
    return TRUE;
  result = run (conn, error, sql, uuid);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1 && g_strcmp0 (text_at (result, 0, 0), officer->id) != 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                   "%s: %s is %s", member, uuid, what);
      return FALSE;
    }
  return TRUE;
}

static Outcome
report_put_body (XunchaOfficePgRecords  *self,
                 PGconn                 *conn,
                 gpointer                data,
                 GError                **error)
{
  ReportCall *call = data;
  const XunchaWireReport *report = call->report;
  g_autofree char *body = xuncha_wire_report_encode (report);
  g_autofree char *content = xuncha_protocol_sha256_hex (body);
  g_autofree char *now = now_iso ();
  g_autofree char *receipt_id = new_receipt_id ();
  g_autofree char *lat = report->has_position ? double_text (report->lat) : NULL;
  g_autofree char *lon = report->has_position ? double_text (report->lon) : NULL;
  g_autofree char *created_s = NULL;
  g_autoptr(PGresult) insert = NULL;
  gint64 seconds;
  g_autoptr(PGresult) held = NULL;
  g_autoptr(PGresult) conflict = NULL;
  gboolean mine, same;

  if (!owned_or_unknown (conn, "SELECT officer_id FROM reports WHERE uuid = $1",
                         report->parent_uuid, call->officer, "report.parent_uuid",
                         "another officer's report", error)
      || !owned_or_unknown (conn, "SELECT officer_id FROM shifts WHERE uuid = $1",
                            report->shift_uuid, call->officer, "report.shift_uuid",
                            "another officer's shift", error))
    return OUTCOME_ROLLBACK;

  if (xuncha_office_report_filter_created_s (report->created_at, &seconds))
    created_s = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  /* ON CONFLICT DO NOTHING: the same report sent twice at once (a retry racing its first
   * try, on two office processes) waits for the first and is then seen as held. */
  insert = run (conn, error,
                "INSERT INTO reports (uuid, officer_id, body, content_sha256, receipt_id, "
                "  received_at, created_at, category, lat, lon, created_s, street_id, "
                "  merchant_id) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                "ON CONFLICT (uuid) DO NOTHING",
                report->uuid, call->officer->id, body, content, receipt_id, now,
                report->created_at, report->category, lat, lon, created_s, report->street_id,
                report->merchant_id);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (insert) == 1)
    {
      for (guint i = 0; i < report->photos->len; i++)
        {
          const XunchaWirePhoto *photo = report->photos->pdata[i];
          g_autoptr(PGresult) link = NULL;

          link = run (conn, error,
                      "INSERT INTO report_photos (report_uuid, sha256, role) "
                      "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                      report->uuid, photo->sha256, photo->role);
          if (link == NULL)
            return OUTCOME_ROLLBACK;
        }
      call->receipt->id = g_steal_pointer (&receipt_id);
      call->receipt->received_at = g_steal_pointer (&now);
      call->receipt->content_sha256 = g_steal_pointer (&content);
      call->created = TRUE;
      return OUTCOME_COMMIT;
    }

  held = run (conn, error,
              "SELECT officer_id, content_sha256, receipt_id, received_at FROM reports "
              "WHERE uuid = $1", report->uuid);
  if (held == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (held) != 1)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_BUSY,
                   "Report %s changed meanwhile; send it again", report->uuid);
      return OUTCOME_ROLLBACK;
    }
  mine = g_strcmp0 (text_at (held, 0, 0), call->officer->id) == 0;
  same = g_strcmp0 (text_at (held, 0, 1), content) == 0;
  if (!mine)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                   "Report %s belongs to another officer", report->uuid);
      return OUTCOME_ROLLBACK;
    }
  call->receipt->id = g_strdup (text_at (held, 0, 2));
  call->receipt->received_at = g_strdup (text_at (held, 0, 3));
  call->receipt->content_sha256 = g_strdup (text_at (held, 0, 1));
  if (same)
    {
      call->created = FALSE;
      return OUTCOME_COMMIT;
    }
  conflict = run (conn, error,
                  "INSERT INTO report_conflicts (uuid, content_sha256, officer_id, body, "
                  "  received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                  report->uuid, content, call->officer->id, body, now);
  if (conflict == NULL)
    return OUTCOME_ROLLBACK;
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
               "The office holds a different version of report %s; the new one was kept "
               "for review", report->uuid);
  return OUTCOME_COMMIT;
}

static gboolean
records_report_put (XunchaOfficeRecords      *records,
                    const XunchaWireOfficer  *officer,
                    const XunchaWireReport   *report,
                    gboolean                 *created,
                    XunchaOfficeReceipt      *receipt,
                    GError                  **error)
{
  ReportCall call = { .officer = officer, .report = report, .receipt = receipt };
  g_autoptr(GError) local_error = NULL;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "report_put", TXN_WRITE,
                 report_put_body, &call, &local_error))
    {
      if (!g_error_matches (local_error, XUNCHA_OFFICE_STORAGE_ERROR,
                            XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
        xuncha_office_receipt_clear (receipt);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *created = call.created;
  return TRUE;
}

static XunchaOfficeReportRecord *
record_from_row (const PGresult  *result,
                 int              row,
                 GError         **error)
{
  g_autoptr(XunchaOfficeReportRecord) record = xuncha_office_report_record_new ();
  g_autoptr(GError) local_error = NULL;

  record->report = xuncha_wire_report_decode (text_at (result, row, 0), -1, &local_error);
  if (record->report == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "A stored report could not be read: %s", local_error->message);
      return NULL;
    }
  record->officer_id = g_strdup (text_at (result, row, 1));
  record->receipt.id = g_strdup (text_at (result, row, 2));
  record->receipt.received_at = g_strdup (text_at (result, row, 3));
  record->receipt.content_sha256 = g_strdup (text_at (result, row, 4));
  record->case_status = g_strdup (text_at (result, row, 5));
  record->case_status_at = g_strdup (text_at (result, row, 6));
  record->conflicts = (guint)int64_at (result, row, 7);
  return g_steal_pointer (&record);
}

#define RECORD_COLUMNS \
  "r.body, r.officer_id, r.receipt_id, r.received_at, r.content_sha256, r.case_status, " \
  "r.case_status_at, (SELECT count(*) FROM report_conflicts k WHERE k.uuid = r.uuid)"

static Outcome
report_get_body (XunchaOfficePgRecords  *self,
                 PGconn                 *conn,
                 gpointer                data,
                 GError                **error)
{
  ReportCall *call = data;
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "SELECT " RECORD_COLUMNS ", o.team, s.name, s.class "
                "FROM reports r LEFT JOIN officers o ON o.id = r.officer_id "
                "LEFT JOIN streets s ON s.id = r.street_id WHERE r.uuid = $1",
                call->uuid);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (result) != 1
      || !may_see (call->officer, text_at (result, 0, 1), text_at (result, 0, 8)))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", call->uuid);
      return OUTCOME_ROLLBACK;
    }
  g_clear_pointer (&call->record, xuncha_office_report_record_free);
  call->record = record_from_row (result, 0, error);
  if (call->record == NULL)
    return OUTCOME_ROLLBACK;
  call->record->street_name = g_strdup (text_at (result, 0, 9));
  call->record->street_class = g_strdup (text_at (result, 0, 10));
  return OUTCOME_COMMIT;
}

static XunchaOfficeReportRecord *
records_report_get (XunchaOfficeRecords      *records,
                    const XunchaWireOfficer  *officer,
                    const char               *uuid,
                    GError                  **error)
{
  ReportCall call = { .officer = officer, .uuid = uuid };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "report_get", TXN_SINGLE,
                 report_get_body, &call, error))
    {
      g_clear_pointer (&call.record, xuncha_office_report_record_free);
      return NULL;
    }
  return call.record;
}

static Outcome
report_set_status_body (XunchaOfficePgRecords  *self,
                        PGconn                 *conn,
                        gpointer                data,
                        GError                **error)
{
  ReportCall *call = data;
  g_autofree char *now = now_iso ();
  g_autofree char *revision_text = NULL;
  g_autoptr(PGresult) result = NULL;
  gint64 revision;

  if (!take_revision (conn, "status", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  result = run (conn, error,
                "UPDATE reports SET case_status = $2, case_status_at = $3, "
                "  status_revision = $4 WHERE uuid = $1",
                call->uuid, call->status, now, revision_text);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", call->uuid);
      return OUTCOME_ROLLBACK;
    }
  return OUTCOME_COMMIT;
}

static gboolean
records_report_set_status (XunchaOfficeRecords  *records,
                           const char           *uuid,
                           const char           *status,
                           GError              **error)
{
  ReportCall call = { .uuid = uuid, .status = status };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "report_set_status", TXN_WRITE,
                   report_set_status_body, &call, error);
}

static Outcome
reports_foreach_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  ReportCall *call = data;
  g_autoptr(PGresult) cursor = NULL;

  /* A cursor, fetched in batches: a city's year of reports is read a few hundred at a
   * time, never all at once. */
  cursor = run0 (conn, error,
                 "DECLARE reports_in_order NO SCROLL CURSOR FOR "
                 "SELECT " RECORD_COLUMNS " FROM reports r "
                 "ORDER BY r.received_at COLLATE \"C\", r.uuid COLLATE \"C\"");
  if (cursor == NULL)
    return OUTCOME_ROLLBACK;
  for (;;)
    {
      g_autoptr(PGresult) batch = run0 (conn, error, "FETCH 256 FROM reports_in_order");

      if (batch == NULL)
        return OUTCOME_ROLLBACK;
      if (PQntuples (batch) == 0)
        return OUTCOME_COMMIT;
      for (int i = 0; i < PQntuples (batch); i++)
        {
          g_autoptr(XunchaOfficeReportRecord) record = record_from_row (batch, i, error);

          if (record == NULL)
            return OUTCOME_ROLLBACK;
          if (!call->func (record, call->user_data))
            return OUTCOME_COMMIT;
        }
    }
}

/* The console's queries: a WHERE clause made of fixed pieces, one per filter given, with
 * its parameters numbered as they come (PostgreSQL refuses a parameter the text does not
 * use). */
typedef struct
{
  const XunchaOfficeReportFilter *filter;
  guint       offset, limit, columns, rows;
  GPtrArray  *found;      /* XunchaOfficeReportRecord */
  GArray     *cells;      /* XunchaOfficeReportCell */
} QueryCall;

static void
add_param (GString    *sql,
           GPtrArray  *params,
           const char *before,
           char       *value,
           const char *after)
{
  g_ptr_array_add (params, value);
  g_string_append_printf (sql, "%s$%u%s", before, params->len, after);
}

static void
append_filter (GString                        *sql,
               GPtrArray                      *params,
               const XunchaOfficeReportFilter *filter)
{
  g_string_append (sql, " WHERE true");
  if (filter->from_s != G_MININT64)
    add_param (sql, params, " AND r.created_s >= ", g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                    filter->from_s), "");
  if (filter->to_s != G_MAXINT64)
    add_param (sql, params, " AND r.created_s < ", g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                   filter->to_s), "");
  if (filter->category != NULL)
    add_param (sql, params, " AND r.category = ", g_strdup (filter->category), "");
  if (filter->street_name != NULL || filter->street_class != NULL)
    {
      g_string_append (sql, " AND r.street_id IN (SELECT e.id FROM streets e "
                       "WHERE NOT e.deleted");
      if (filter->street_name != NULL)
        add_param (sql, params, " AND strpos (e.name, ", g_strdup (filter->street_name),
                   ") > 0");
      if (filter->street_class != NULL)
        add_param (sql, params, " AND e.class = ", g_strdup (filter->street_class), "");
      g_string_append (sql, ")");
    }
  if (filter->team != NULL)
    add_param (sql, params, " AND r.officer_id IN (SELECT o.id FROM officers o WHERE o.team = ",
               g_strdup (filter->team), ")");
  if (filter->officer != NULL)
    {
      add_param (sql, params, " AND r.officer_id IN (SELECT o.id FROM officers o WHERE o.id = ",
                 g_strdup (filter->officer), "");
      add_param (sql, params, " OR o.name = ", g_strdup (filter->officer), ")");
    }
  if (filter->status != NULL)
    {
      if (g_str_equal (filter->status, "new"))
        g_string_append (sql, " AND r.case_status IS NULL");
      else
        add_param (sql, params, " AND r.case_status = ", g_strdup (filter->status), "");
    }
  if (filter->overdue_before_us != 0)
    {
      const char * const *running = xuncha_office_case_running_statuses ();

      add_param (sql, params, " AND r.uuid IN (SELECT k.report_uuid FROM cases k"
                 " WHERE k.deadline_us > 0 AND k.deadline_us < ",
                 g_strdup_printf ("%" G_GINT64_FORMAT, filter->overdue_before_us), ")");
      for (guint k = 0; running[k] != NULL; k++)
        add_param (sql, params, k == 0 ? " AND r.case_status IN (" : ", ",
                   g_strdup (running[k]), "");
      g_string_append (sql, ")");
    }
  if (filter->has_bbox)
    {
      add_param (sql, params, " AND r.geom && ST_MakeEnvelope (",
                 double_text (filter->west), ", ");
      add_param (sql, params, "", double_text (filter->south), ", ");
      add_param (sql, params, "", double_text (filter->east), ", ");
      add_param (sql, params, "", double_text (filter->north), ", 4326)");
    }
}

static Outcome
reports_query_body (XunchaOfficePgRecords  *self,
                    PGconn                 *conn,
                    gpointer                data,
                    GError                **error)
{
  QueryCall *call = data;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new ("SELECT " RECORD_COLUMNS ", s.name, s.class "
                                         "FROM reports r LEFT JOIN streets s "
                                         "ON s.id = r.street_id");
  g_autoptr(PGresult) result = NULL;

  append_filter (sql, params, call->filter);
  g_string_append (sql, " ORDER BY r.created_s DESC NULLS LAST, r.uuid DESC");
  add_param (sql, params, " LIMIT ", g_strdup_printf ("%u", call->limit), "");
  add_param (sql, params, " OFFSET ", g_strdup_printf ("%u", call->offset), "");
  result = run_params (conn, error, sql->str, (const char * const *)params->pdata,
                       (int)params->len);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeReportRecord *record = record_from_row (result, i, error);

      if (record == NULL)
        return OUTCOME_ROLLBACK;
      record->street_name = g_strdup (text_at (result, i, 8));
      record->street_class = g_strdup (text_at (result, i, 9));
      g_ptr_array_add (call->found, record);
    }
  return OUTCOME_COMMIT;
}

typedef struct
{
  const XunchaOfficeReportFilter *filter;
  XunchaOfficeReportGroup         group;
  GPtrArray                      *counts;   /* XunchaOfficeReportCount */
} CountCall;

static Outcome
reports_count_body (XunchaOfficePgRecords  *self,
                    PGconn                 *conn,
                    gpointer                data,
                    GError                **error)
{
  static const char * const groups[] = {
    [XUNCHA_OFFICE_REPORT_GROUP_CATEGORY] = "r.category, NULL::text",
    [XUNCHA_OFFICE_REPORT_GROUP_STREET] = "s.name, s.class",
    [XUNCHA_OFFICE_REPORT_GROUP_OFFICER] = "r.officer_id, NULL::text",
    [XUNCHA_OFFICE_REPORT_GROUP_STATUS] = "r.case_status, NULL::text",
    [XUNCHA_OFFICE_REPORT_GROUP_MERCHANT] = "r.merchant_id, NULL::text",
  };
  CountCall *call = data;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  g_autoptr(PGresult) result = NULL;

  g_string_append (sql, groups[call->group]);
  g_string_append (sql, ", count (*) FROM reports r");
  /* The streets' table only where the names are counted. */
  if (call->group == XUNCHA_OFFICE_REPORT_GROUP_STREET)
    g_string_append (sql, " JOIN streets s ON s.id = r.street_id");
  append_filter (sql, params, call->filter);
  if (call->group == XUNCHA_OFFICE_REPORT_GROUP_STREET)
    g_string_append (sql, " AND s.name IS NOT NULL");
  if (call->group == XUNCHA_OFFICE_REPORT_GROUP_MERCHANT)
    g_string_append (sql, " AND r.merchant_id IS NOT NULL");
  g_string_append (sql, " GROUP BY 1, 2");
  result = run_params (conn, error, sql->str, (const char * const *)params->pdata,
                       (int)params->len);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeReportCount *count = g_new0 (XunchaOfficeReportCount, 1);

      count->key = g_strdup (text_at (result, i, 0));
      count->detail = g_strdup (text_at (result, i, 1));
      count->count = int64_at (result, i, 2);
      g_ptr_array_add (call->counts, count);
    }
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_reports_count (XunchaOfficeRecords             *records,
                       const XunchaOfficeReportFilter  *filter,
                       XunchaOfficeReportGroup          group,
                       GError                         **error)
{
  g_autoptr(GPtrArray) counts =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_report_count_free);
  CountCall call = { filter, group, counts };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "reports_count", TXN_SINGLE,
                 reports_count_body, &call, error))
    return NULL;
  return g_steal_pointer (&counts);
}

static GPtrArray *
records_reports_query (XunchaOfficeRecords             *records,
                       const XunchaOfficeReportFilter  *filter,
                       guint                            offset,
                       guint                            limit,
                       GError                         **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_report_record_free);
  QueryCall call = { .filter = filter, .offset = offset, .limit = limit, .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "reports_query", TXN_SINGLE,
                 reports_query_body, &call, error))
    return NULL;
  return g_steal_pointer (&found);
}

static Outcome
reports_grid_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  QueryCall *call = data;
  const XunchaOfficeReportFilter *filter = call->filter;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(PGresult) result = NULL;
  double width = filter->east - filter->west;
  double height = filter->north - filter->south;

  append_filter (where, params, filter);
  g_string_append (sql, "SELECT least (floor ((r.lon - ");
  add_param (sql, params, "", double_text (filter->west), ") * ");
  add_param (sql, params, "", double_text (width > 0 ? call->columns / width : 0),
             ")::bigint, ");
  add_param (sql, params, "", g_strdup_printf ("%u", call->columns - 1), ") AS c, ");
  g_string_append (sql, "least (floor ((r.lat - ");
  add_param (sql, params, "", double_text (filter->south), ") * ");
  add_param (sql, params, "", double_text (height > 0 ? call->rows / height : 0),
             ")::bigint, ");
  add_param (sql, params, "", g_strdup_printf ("%u", call->rows - 1), ") AS w, ");
  g_string_append (sql, "count (*), avg (r.lat), avg (r.lon) FROM reports r");
  g_string_append (sql, where->str);
  g_string_append (sql, " GROUP BY c, w");
  result = run_params (conn, error, sql->str, (const char * const *)params->pdata,
                       (int)params->len);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeReportCell cell = {
        .column = (guint)CLAMP (int64_at (result, i, 0), 0, call->columns - 1),
        .row = (guint)CLAMP (int64_at (result, i, 1), 0, call->rows - 1),
        .count = int64_at (result, i, 2),
        .lat = g_ascii_strtod (text_at (result, i, 3), NULL),
        .lon = g_ascii_strtod (text_at (result, i, 4), NULL),
      };

      g_array_append_val (call->cells, cell);
    }
  return OUTCOME_COMMIT;
}

static GArray *
records_reports_grid (XunchaOfficeRecords             *records,
                      const XunchaOfficeReportFilter  *filter,
                      guint                            columns,
                      guint                            rows,
                      GError                         **error)
{
  g_autoptr(GArray) cells = g_array_new (FALSE, TRUE, sizeof (XunchaOfficeReportCell));
  QueryCall call = { .filter = filter, .columns = columns, .rows = rows, .cells = cells };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "reports_grid", TXN_SINGLE,
                 reports_grid_body, &call, error))
    return NULL;
  return g_steal_pointer (&cells);
}

static gboolean
records_reports_foreach (XunchaOfficeRecords     *records,
                         XunchaOfficeReportFunc   func,
                         gpointer                 user_data,
                         GError                 **error)
{
  ReportCall call = { .func = func, .user_data = user_data };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "reports_foreach", TXN_SNAPSHOT,
                   reports_foreach_body, &call, error);
}

static Outcome
status_since_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  ReportCall *call = data;
  g_autofree char *since = int64_text (call->since);
  g_autoptr(PGresult) result = NULL;

  /* In one snapshot with the rows: see take_revision(). */
  if (!read_revision (conn, "status", &call->revision, error))
    return OUTCOME_ROLLBACK;
  result = run (conn, error,
                "SELECT r.uuid, r.case_status, r.case_status_at, r.status_revision "
                "FROM reports r JOIN officers o ON o.id = r.officer_id "
                "WHERE r.status_revision > $1 "
                "  AND (r.officer_id = $2 OR ($3 AND o.team IS NOT NULL AND o.team = $4)) "
                "ORDER BY r.status_revision",
                since, call->officer->id, bool_text (call->officer->leader),
                call->officer->team);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeCaseStatus *status = xuncha_office_case_status_new ();

      status->uuid = g_strdup (text_at (result, i, 0));
      status->case_status = g_strdup (text_at (result, i, 1));
      status->case_status_at = g_strdup (text_at (result, i, 2));
      status->revision = int64_at (result, i, 3);
      g_ptr_array_add (call->items, status);
    }
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_status_since (XunchaOfficeRecords      *records,
                      const XunchaWireOfficer  *officer,
                      gint64                    since,
                      gint64                   *revision,
                      GError                  **error)
{
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_status_free);
  ReportCall call = { .officer = officer, .since = since, .items = items };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "status_since", TXN_SNAPSHOT,
                 status_since_body, &call, error))
    return NULL;
  *revision = call.revision;
  return g_steal_pointer (&items);
}

/* Shifts and tracks. */

typedef struct
{
  const XunchaWireOfficer *officer;
  const XunchaWireShift   *shift;
  const char              *shift_uuid;
  GArray                  *points;
  gboolean                 created;
  gint64                   stored;
  gint64                   total;
} ShiftCall;

static gboolean
count_points (PGconn      *conn,
              const char  *shift_uuid,
              gint64      *total,
              GError     **error)
{
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT count(*) FROM track_points WHERE shift_uuid = $1",
                                    shift_uuid);

  if (result == NULL)
    return FALSE;
  *total = int64_at (result, 0, 0);
  return TRUE;
}

static Outcome
shift_put_body (XunchaOfficePgRecords  *self,
                PGconn                 *conn,
                gpointer                data,
                GError                **error)
{
  ShiftCall *call = data;
  const XunchaWireShift *shift = call->shift;
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) held = NULL;

  insert = run (conn, error,
                "INSERT INTO shifts (uuid, officer_id, kind, started_at, ended_at) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uuid) DO NOTHING",
                shift->uuid, call->officer->id, shift->kind, shift->started_at,
                shift->ended_at);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  call->created = changes (insert) == 1;
  if (!call->created)
    {
      const char *held_end;
      gboolean mine, same_start, end_conflict;

      held = run (conn, error,
                  "SELECT officer_id, kind, started_at, ended_at FROM shifts "
                  "WHERE uuid = $1 FOR UPDATE", shift->uuid);
      if (held == NULL)
        return OUTCOME_ROLLBACK;
      if (PQntuples (held) != 1)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_BUSY,
                       "Shift %s changed meanwhile; send it again", shift->uuid);
          return OUTCOME_ROLLBACK;
        }
      mine = g_strcmp0 (text_at (held, 0, 0), call->officer->id) == 0;
      same_start = g_strcmp0 (text_at (held, 0, 1), shift->kind) == 0
                   && g_strcmp0 (text_at (held, 0, 2), shift->started_at) == 0;
      held_end = text_at (held, 0, 3);
      end_conflict = held_end != NULL && shift->ended_at != NULL
                     && !g_str_equal (held_end, shift->ended_at);
      if (!mine)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                       "Shift %s belongs to another officer", shift->uuid);
          return OUTCOME_ROLLBACK;
        }
      if (!same_start || end_conflict)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                       "The office holds shift %s with other times", shift->uuid);
          return OUTCOME_ROLLBACK;
        }
      if (held_end == NULL && shift->ended_at != NULL)
        {
          g_autoptr(PGresult) end = run (conn, error,
                                         "UPDATE shifts SET ended_at = $2 WHERE uuid = $1",
                                         shift->uuid, shift->ended_at);
          if (end == NULL)
            return OUTCOME_ROLLBACK;
        }
    }
  if (!count_points (conn, shift->uuid, &call->total, error))
    return OUTCOME_ROLLBACK;
  return OUTCOME_COMMIT;
}

static gboolean
records_shift_put (XunchaOfficeRecords      *records,
                   const XunchaWireOfficer  *officer,
                   const XunchaWireShift    *shift,
                   gboolean                 *created,
                   gint64                   *points,
                   GError                  **error)
{
  ShiftCall call = { .officer = officer, .shift = shift };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "shift_put", TXN_WRITE, shift_put_body,
                 &call, error))
    return FALSE;
  *created = call.created;
  *points = call.total;
  return TRUE;
}

/* A PostgreSQL array literal of numbers ("{1,2,NULL}"): the points travel as nine array
 * parameters of one INSERT rather than as a round trip each. */
static void
array_add (GString    *array,
           const char *value)
{
  g_string_append_c (array, array->len == 1 ? ' ' : ',');
  g_string_append (array, value != NULL ? value : "NULL");
}

static Outcome
points_add_body (XunchaOfficePgRecords  *self,
                 PGconn                 *conn,
                 gpointer                data,
                 GError                **error)
{
  ShiftCall *call = data;
  g_autoptr(PGresult) owner = NULL;
  g_autoptr(PGresult) insert = NULL;
  GString *columns[8];
  /* Not a g_autofree array: that frees only its first element. */
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  char **t;

  owner = run (conn, error, "SELECT officer_id FROM shifts WHERE uuid = $1", call->shift_uuid);
  if (owner == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (owner) != 1)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No shift %s; send the shift first", call->shift_uuid);
      return OUTCOME_ROLLBACK;
    }
  if (g_strcmp0 (text_at (owner, 0, 0), call->officer->id) != 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                   "Shift %s belongs to another officer", call->shift_uuid);
      return OUTCOME_ROLLBACK;
    }

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_string_new ("{");
  for (guint i = 0; i < call->points->len; i++)
    {
      const XunchaWirePoint *p = &g_array_index (call->points, XunchaWirePoint, i);
      g_autofree char *seq = int64_text (p->seq);
      g_autofree char *t_ms = int64_text (p->t_ms);
      g_autofree char *lat = double_text (p->lat);
      g_autofree char *lon = double_text (p->lon);
      g_autofree char *accuracy = double_text (p->accuracy);
      g_autofree char *altitude = double_text (p->altitude);
      g_autofree char *speed = double_text (p->speed);
      g_autofree char *heading = double_text (p->heading);
      const char *values[] = { seq, t_ms, lat, lon, accuracy, altitude, speed, heading };

      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        array_add (columns[c], values[c]);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_string_append_c (columns[c], '}');
      g_ptr_array_add (texts, g_string_free (columns[c], FALSE));
    }
  t = (char **)texts->pdata;
  /* ON CONFLICT DO NOTHING: points already held (same seq) are kept as they are. */
  insert = run (conn, error,
                "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy, altitude, "
                "  speed, heading) "
                "SELECT $1, * FROM unnest ($2::bigint[], $3::bigint[], $4::float8[], "
                "  $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) "
                "ON CONFLICT DO NOTHING",
                call->shift_uuid, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  call->stored = changes (insert);
  /* The shift's point count, for whether its stored coverage is current: added to under
   * the row's lock, so that two batches at once both count. */
  if (call->stored > 0)
    {
      g_autofree char *added = int64_text (call->stored);
      g_autoptr(PGresult) counted = run (conn, error,
                                         "UPDATE shifts SET n_points = n_points + $2::bigint "
                                         "WHERE uuid = $1", call->shift_uuid, added);

      if (counted == NULL)
        return OUTCOME_ROLLBACK;
    }
  if (!count_points (conn, call->shift_uuid, &call->total, error))
    return OUTCOME_ROLLBACK;
  return OUTCOME_COMMIT;
}

static gboolean
records_points_add (XunchaOfficeRecords      *records,
                    const XunchaWireOfficer  *officer,
                    const char               *shift_uuid,
                    GArray                   *points,
                    gint64                   *stored,
                    gint64                   *total,
                    GError                  **error)
{
  ShiftCall call = { .officer = officer, .shift_uuid = shift_uuid, .points = points };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "points_add", TXN_WRITE,
                 points_add_body, &call, error))
    return FALSE;
  *stored = call.stored;
  *total = call.total;
  return TRUE;
}

/* Streets and merchants. */

typedef struct
{
  GPtrArray *items;
  gint64     since;
  gint64     revision;
  guint      changed;
  guint      deleted;
  GPtrArray *found;
  GStrv      gone;
} FeaturesCall;

static XunchaOfficeStreet *
street_from_row (const PGresult  *result,
                 int              row,
                 GError         **error)
{
  g_autoptr(XunchaOfficeStreet) street = xuncha_office_street_new ();
  GPtrArray *lines = lines_from_wkb_hex (PQgetvalue (result, row, 6));

  if (lines == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Street segment %s has geometry that is not a MultiLineString",
                   text_at (result, row, 0));
      return NULL;
    }
  street->id = g_strdup (text_at (result, row, 0));
  street->name = g_strdup (text_at (result, row, 1));
  street->street_class = g_strdup (text_at (result, row, 2));
  street->grid_cell = g_strdup (text_at (result, row, 3));
  street->community = g_strdup (text_at (result, row, 4));
  street->unit = g_strdup (text_at (result, row, 5));
  g_ptr_array_unref (street->lines);
  street->lines = lines;
  street->revision = int64_at (result, row, 7);
  return g_steal_pointer (&street);
}

#define STREET_COLUMNS \
  "id, name, class, grid_cell, community, unit, encode (ST_AsBinary (geom, 'NDR'), 'hex'), " \
  "revision"

static XunchaOfficeMerchant *
merchant_from_row (const PGresult *result,
                   int             row)
{
  XunchaOfficeMerchant *merchant = xuncha_office_merchant_new ();

  merchant->id = g_strdup (text_at (result, row, 0));
  merchant->name = g_strdup (text_at (result, row, 1));
  merchant->address = g_strdup (text_at (result, row, 2));
  merchant->contact = g_strdup (text_at (result, row, 3));
  merchant->street_id = g_strdup (text_at (result, row, 4));
  merchant->lon = double_at (result, row, 5);
  merchant->lat = double_at (result, row, 6);
  merchant->revision = int64_at (result, row, 7);
  return merchant;
}

#define MERCHANT_COLUMNS "id, name, address, contact, street_id, lon, lat, revision"

/* Marks deleted, at @revision, every live row of @table (a literal) whose id is not in
 * @present. */
static gboolean
features_delete_missing (PGconn      *conn,
                         const char  *select_live,
                         const char  *mark_deleted,
                         GHashTable  *present,
                         const char  *revision,
                         guint       *deleted,
                         GError     **error)
{
  g_autoptr(PGresult) live = run0 (conn, error, select_live);

  if (live == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (live); i++)
    {
      g_autoptr(PGresult) mark = NULL;

      if (g_hash_table_contains (present, PQgetvalue (live, i, 0)))
        continue;
      mark = run (conn, error, mark_deleted, PQgetvalue (live, i, 0), revision);
      if (mark == NULL)
        return FALSE;
      (*deleted)++;
    }
  return TRUE;
}

static gboolean
ids_unique (GPtrArray   *items,
            gsize        id_offset,
            GHashTable  *present,
            GError     **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      const char *id = G_STRUCT_MEMBER (const char *, items->pdata[i], id_offset);

      if (!g_hash_table_add (present, (gpointer)id))
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                       "The id %s appears twice", id);
          return FALSE;
        }
    }
  return TRUE;
}

static Outcome
streets_import_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  FeaturesCall *call = data;
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) held =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                           (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(PGresult) live = NULL;
  g_autofree char *revision = NULL;

  if (!ids_unique (call->items, G_STRUCT_OFFSET (XunchaOfficeStreet, id), present, error)
      || !take_revision (conn, "streets", &call->revision, error))
    return OUTCOME_ROLLBACK;
  revision = int64_text (call->revision);

  live = run0 (conn, error, "SELECT " STREET_COLUMNS " FROM streets WHERE NOT deleted");
  if (live == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (live); i++)
    {
      XunchaOfficeStreet *street = street_from_row (live, i, error);

      if (street == NULL)
        return OUTCOME_ROLLBACK;
      g_hash_table_insert (held, street->id, street);
    }

  for (guint i = 0; i < call->items->len; i++)
    {
      const XunchaOfficeStreet *street = call->items->pdata[i];
      const XunchaOfficeStreet *before = g_hash_table_lookup (held, street->id);
      g_autofree char *wkb = NULL;
      g_autoptr(PGresult) upsert = NULL;

      if (before != NULL && xuncha_office_street_equal (before, street))
        continue;
      wkb = lines_to_wkb_hex (street->lines);
      upsert = run (conn, error,
                    "INSERT INTO streets (id, name, class, grid_cell, community, unit, geom, "
                    "  revision, deleted) "
                    "VALUES ($1, $2, $3, $4, $5, $6, ST_GeomFromWKB (decode ($7, 'hex'), 4326), "
                    "  $8, false) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, class = excluded.class, "
                    "  grid_cell = excluded.grid_cell, community = excluded.community, "
                    "  unit = excluded.unit, geom = excluded.geom, "
                    "  revision = excluded.revision, deleted = false",
                    street->id, street->name, street->street_class, street->grid_cell,
                    street->community, street->unit, wkb, revision);
      if (upsert == NULL)
        return OUTCOME_ROLLBACK;
      call->changed++;
    }
  if (!features_delete_missing (conn, "SELECT id FROM streets WHERE NOT deleted",
                                "UPDATE streets SET deleted = true, revision = $2 WHERE id = $1",
                                present, revision, &call->deleted, error))
    return OUTCOME_ROLLBACK;
  /* Nothing changed: the revision taken is given back. */
  if (call->changed + call->deleted == 0)
    {
      call->revision--;
      return OUTCOME_ROLLBACK;
    }
  return OUTCOME_COMMIT;
}

static gboolean
records_streets_import (XunchaOfficeRecords  *records,
                        GPtrArray            *streets,
                        gint64               *revision,
                        guint                *changed,
                        guint                *deleted,
                        GError              **error)
{
  FeaturesCall call = { .items = streets };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "streets_import", TXN_WRITE,
                 streets_import_body, &call, error))
    return FALSE;
  *revision = call.revision;
  *changed = call.changed;
  *deleted = call.deleted;
  return TRUE;
}

static Outcome
features_since_body (PGconn        *conn,
                     FeaturesCall  *call,
                     const char    *counter,
                     const char    *sql,
                     gboolean       streets,
                     GError       **error)
{
  g_autoptr(GStrvBuilder) gone = g_strv_builder_new ();
  g_autofree char *since = int64_text (call->since);
  g_autoptr(PGresult) result = NULL;

  /* In one snapshot with the rows: see take_revision(). */
  if (!read_revision (conn, counter, &call->revision, error))
    return OUTCOME_ROLLBACK;
  result = run (conn, error, sql, since);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      int deleted_column = PQnfields (result) - 1;

      if (bool_at (result, i, deleted_column))
        g_strv_builder_add (gone, text_at (result, i, 0));
      else if (streets)
        {
          XunchaOfficeStreet *street = street_from_row (result, i, error);

          if (street == NULL)
            return OUTCOME_ROLLBACK;
          g_ptr_array_add (call->found, street);
        }
      else
        g_ptr_array_add (call->found, merchant_from_row (result, i));
    }
  g_clear_pointer (&call->gone, g_strfreev);
  call->gone = g_strv_builder_end (gone);
  return OUTCOME_COMMIT;
}

static Outcome
streets_since_body (XunchaOfficePgRecords  *self,
                    PGconn                 *conn,
                    gpointer                data,
                    GError                **error)
{
  return features_since_body (conn, data, "streets",
                              "SELECT " STREET_COLUMNS ", deleted FROM streets "
                              "WHERE revision > $1 ORDER BY id COLLATE \"C\"", TRUE, error);
}

static GPtrArray *
records_streets_since (XunchaOfficeRecords  *records,
                       gint64                since,
                       gint64               *revision,
                       GStrv                *deleted,
                       GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  FeaturesCall call = { .since = since, .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "streets_since", TXN_SNAPSHOT,
                 streets_since_body, &call, error))
    {
      g_strfreev (call.gone);
      return NULL;
    }
  *revision = call.revision;
  *deleted = call.gone;
  return g_steal_pointer (&found);
}

typedef struct
{
  double      west, south, east, north;
  guint       limit;
  GPtrArray  *found;      /* XunchaOfficeStreet */
} StreetsWithinCall;

static Outcome
streets_within_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  StreetsWithinCall *call = data;
  g_autofree char *west = double_text (call->west);
  g_autofree char *south = double_text (call->south);
  g_autofree char *east = double_text (call->east);
  g_autofree char *north = double_text (call->north);
  g_autofree char *limit = g_strdup_printf ("%u", call->limit);
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "SELECT " STREET_COLUMNS " FROM streets "
                "WHERE NOT deleted AND geom && ST_MakeEnvelope ($1, $2, $3, $4, 4326) LIMIT $5",
                west, south, east, north, limit);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaOfficeStreet *street = street_from_row (result, i, error);

      if (street == NULL)
        return OUTCOME_ROLLBACK;
      g_ptr_array_add (call->found, street);
    }
  return OUTCOME_COMMIT;
}

typedef struct
{
  const char *prefix;
  guint       limit;
  GPtrArray  *names;      /* char * */
} StreetNamesCall;

static Outcome
street_names_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  StreetNamesCall *call = data;
  g_autoptr(GString) pattern = g_string_new (NULL);
  g_autofree char *limit = g_strdup_printf ("%u", call->limit);
  g_autoptr(PGresult) result = NULL;

  /* The prefix as a LIKE pattern: its own % _ and \ taken literally. */
  for (const char *p = call->prefix; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  result = run (conn, error,
                "SELECT DISTINCT name COLLATE \"C\" FROM streets "
                "WHERE NOT deleted AND name LIKE $1 ESCAPE '\\' ORDER BY 1 LIMIT $2",
                pattern->str, limit);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (call->names, g_strdup (text_at (result, i, 0)));
  return OUTCOME_COMMIT;
}

static GStrv
records_street_names (XunchaOfficeRecords  *records,
                      const char           *prefix,
                      guint                 limit,
                      GError              **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  StreetNamesCall call = { prefix, limit, names };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "street_names", TXN_SINGLE,
                 street_names_body, &call, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return (GStrv)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static GPtrArray *
records_streets_within (XunchaOfficeRecords  *records,
                        double                west,
                        double                south,
                        double                east,
                        double                north,
                        guint                 limit,
                        GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  StreetsWithinCall call = { west, south, east, north, limit, found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "streets_within", TXN_SINGLE,
                 streets_within_body, &call, error))
    return NULL;
  return g_steal_pointer (&found);
}

typedef struct
{
  const char         *officer_id;
  gint64              from_ms;
  gint64              to_ms;
  const char         *shift_uuid;
  const char * const *ids;
  GPtrArray          *found;      /* XunchaWireShift or XunchaOfficeStreet */
  GArray             *points;     /* XunchaWirePoint */
} RouteCall;

/* A shift's times are the device's ISO 8601 text, which timestamptz reads. */
#define SHIFT_MS(column) "round (extract (epoch FROM " column "::timestamptz) * 1000)"

static Outcome
officer_shifts_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  RouteCall *call = data;
  g_autofree char *from = int64_text (call->from_ms);
  g_autofree char *to = int64_text (call->to_ms);
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "SELECT uuid, kind, started_at, ended_at FROM shifts "
                "WHERE officer_id = $1 AND " SHIFT_MS ("started_at") " < $3::bigint "
                "AND (ended_at IS NULL OR " SHIFT_MS ("ended_at") " > $2::bigint) "
                "ORDER BY started_at::timestamptz, uuid COLLATE \"C\"",
                call->officer_id, from, to);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaWireShift *shift = xuncha_wire_shift_new ();

      shift->uuid = g_strdup (text_at (result, i, 0));
      shift->kind = g_strdup (text_at (result, i, 1));
      shift->started_at = g_strdup (text_at (result, i, 2));
      shift->ended_at = g_strdup (text_at (result, i, 3));
      g_ptr_array_add (call->found, shift);
    }
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_officer_shifts (XunchaOfficeRecords  *records,
                        const char           *officer_id,
                        gint64                from_ms,
                        gint64                to_ms,
                        GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_shift_free);
  RouteCall call = { .officer_id = officer_id, .from_ms = from_ms, .to_ms = to_ms,
                     .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "officer_shifts", TXN_SINGLE,
                 officer_shifts_body, &call, error))
    return NULL;
  return g_steal_pointer (&found);
}

static Outcome
shift_points_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  RouteCall *call = data;
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error,
                "SELECT seq, t_ms, lat, lon, accuracy, altitude, speed, heading "
                "FROM track_points WHERE shift_uuid = $1 ORDER BY seq", call->shift_uuid);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  g_array_set_size (call->points, 0);
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaWirePoint point = {
        int64_at (result, i, 0),
        int64_at (result, i, 1),
        double_at (result, i, 2),
        double_at (result, i, 3),
        double_at (result, i, 4),
        double_at (result, i, 5),
        double_at (result, i, 6),
        double_at (result, i, 7),
      };
      g_array_append_val (call->points, point);
    }
  return OUTCOME_COMMIT;
}

static GArray *
records_shift_points (XunchaOfficeRecords  *records,
                      const char           *shift_uuid,
                      GError              **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (XunchaWirePoint));
  RouteCall call = { .shift_uuid = shift_uuid, .points = points };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "shift_points", TXN_SINGLE,
                 shift_points_body, &call, error))
    return NULL;
  return g_steal_pointer (&points);
}

typedef struct
{
  const char                      *shift_uuid;
  const XunchaOfficeShiftCoverage *given;
  XunchaOfficeShiftCoverage       *stored;
  gint64                           n_points;
  gint64                           newest_seq;
  gint64                           streets_revision;
} ShiftCoverageCall;

static Outcome
shift_coverage_get_body (XunchaOfficePgRecords  *self,
                         PGconn                 *conn,
                         gpointer                data,
                         GError                **error)
{
  ShiftCoverageCall *call = data;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GStrvBuilder) walked = g_strv_builder_new ();

  /* One statement, one snapshot, one round trip: the inputs of now, then the stored entry
   * once per walked id (once with NULLs for none). */
  result = run (conn, error,
                "SELECT (SELECT value FROM counters WHERE name = 'streets'), p.n, p.newest,"
                "  c.shift_uuid IS NOT NULL, c.n_points, c.newest_seq, c.streets_revision,"
                "  c.assigned_sha256, c.walked_m, w.id "
                "FROM (SELECT coalesce ((SELECT n_points FROM shifts WHERE uuid = $1), 0) AS n,"
                "        (SELECT coalesce (max (seq), 0) FROM track_points"
                "         WHERE shift_uuid = $1) AS newest) p "
                "LEFT JOIN shift_coverage c ON c.shift_uuid = $1 "
                "LEFT JOIN LATERAL jsonb_array_elements_text (c.walked_ids)"
                "  WITH ORDINALITY AS w (id, n) ON true "
                "ORDER BY w.n", call->shift_uuid);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  g_clear_pointer (&call->stored, xuncha_office_shift_coverage_free);
  if (PQntuples (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not read the shift's coverage");
      return OUTCOME_ROLLBACK;
    }
  call->streets_revision = int64_at (result, 0, 0);
  call->n_points = int64_at (result, 0, 1);
  call->newest_seq = int64_at (result, 0, 2);
  if (!bool_at (result, 0, 3))
    return OUTCOME_COMMIT;
  call->stored = g_new0 (XunchaOfficeShiftCoverage, 1);
  call->stored->n_points = int64_at (result, 0, 4);
  call->stored->newest_seq = int64_at (result, 0, 5);
  call->stored->streets_revision = int64_at (result, 0, 6);
  call->stored->assigned_sha256 = g_strdup (text_at (result, 0, 7));
  call->stored->walked_m = double_at (result, 0, 8);
  for (int i = 0; i < PQntuples (result); i++)
    if (text_at (result, i, 9) != NULL)
      g_strv_builder_add (walked, text_at (result, i, 9));
  call->stored->walked_ids = g_strv_builder_end (walked);
  return OUTCOME_COMMIT;
}

static gboolean
records_shift_coverage_get (XunchaOfficeRecords        *records,
                            const char                 *shift_uuid,
                            XunchaOfficeShiftCoverage **stored,
                            gint64                     *n_points,
                            gint64                     *newest_seq,
                            gint64                     *streets_revision,
                            GError                    **error)
{
  ShiftCoverageCall call = { .shift_uuid = shift_uuid };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "shift_coverage_get", TXN_SINGLE,
                 shift_coverage_get_body, &call, error))
    {
      xuncha_office_shift_coverage_free (call.stored);
      return FALSE;
    }
  *stored = call.stored;
  *n_points = call.n_points;
  *newest_seq = call.newest_seq;
  *streets_revision = call.streets_revision;
  return TRUE;
}

static Outcome
shift_coverage_put_body (XunchaOfficePgRecords  *self,
                         PGconn                 *conn,
                         gpointer                data,
                         GError                **error)
{
  ShiftCoverageCall *call = data;
  const XunchaOfficeShiftCoverage *given = call->given;
  g_autofree char *n_points = int64_text (given->n_points);
  g_autofree char *newest_seq = int64_text (given->newest_seq);
  g_autofree char *streets_revision = int64_text (given->streets_revision);
  g_autofree char *walked_m = double_text (given->walked_m);
  g_autofree char *walked = xuncha_office_shift_coverage_ids_to_json (
    (const char * const *)given->walked_ids);
  g_autoptr(PGresult) result = NULL;

  /* Only for a shift the office holds: none is stored otherwise. */
  result = run (conn, error,
                "INSERT INTO shift_coverage (shift_uuid, n_points, newest_seq, streets_revision,"
                "  assigned_sha256, walked_ids, walked_m) "
                "SELECT uuid, $2::bigint, $3::bigint, $4::bigint, $5, $6::jsonb,"
                "  $7::double precision FROM shifts WHERE uuid = $1 "
                "ON CONFLICT (shift_uuid) DO UPDATE SET n_points = excluded.n_points,"
                "  newest_seq = excluded.newest_seq, streets_revision = excluded.streets_revision,"
                "  assigned_sha256 = excluded.assigned_sha256, walked_ids = excluded.walked_ids,"
                "  walked_m = excluded.walked_m",
                call->shift_uuid, n_points, newest_seq, streets_revision,
                given->assigned_sha256, walked, walked_m);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (result) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No shift %s", call->shift_uuid);
      return OUTCOME_ROLLBACK;
    }
  return OUTCOME_COMMIT;
}

static gboolean
records_shift_coverage_put (XunchaOfficeRecords             *records,
                            const char                      *shift_uuid,
                            const XunchaOfficeShiftCoverage *coverage,
                            GError                         **error)
{
  ShiftCoverageCall call = { .shift_uuid = shift_uuid, .given = coverage };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "shift_coverage_put", TXN_SINGLE,
                   shift_coverage_put_body, &call, error);
}

static Outcome
streets_get_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  RouteCall *call = data;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* A retried transaction starts again from nothing. */
  g_ptr_array_set_size (call->found, 0);
  for (guint i = 0; call->ids[i] != NULL; i++)
    {
      g_autoptr(PGresult) result = NULL;

      if (!g_hash_table_add (seen, (gpointer)call->ids[i]))
        continue;
      result = run (conn, error,
                    "SELECT " STREET_COLUMNS " FROM streets WHERE id = $1 AND NOT deleted",
                    call->ids[i]);
      if (result == NULL)
        return OUTCOME_ROLLBACK;
      if (PQntuples (result) == 1)
        {
          XunchaOfficeStreet *street = street_from_row (result, 0, error);

          if (street == NULL)
            return OUTCOME_ROLLBACK;
          g_ptr_array_add (call->found, street);
        }
    }
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_streets_get (XunchaOfficeRecords  *records,
                     const char * const   *ids,
                     GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  RouteCall call = { .ids = ids, .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "streets_get", TXN_SNAPSHOT,
                 streets_get_body, &call, error))
    return NULL;
  g_ptr_array_sort (found, xuncha_office_street_compare_ids);
  return g_steal_pointer (&found);
}

static Outcome
merchants_import_body (XunchaOfficePgRecords  *self,
                       PGconn                 *conn,
                       gpointer                data,
                       GError                **error)
{
  FeaturesCall *call = data;
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) held =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                           (GDestroyNotify)xuncha_office_merchant_free);
  g_autoptr(PGresult) live = NULL;
  g_autofree char *revision = NULL;

  if (!ids_unique (call->items, G_STRUCT_OFFSET (XunchaOfficeMerchant, id), present, error)
      || !take_revision (conn, "merchants", &call->revision, error))
    return OUTCOME_ROLLBACK;
  revision = int64_text (call->revision);

  live = run0 (conn, error, "SELECT " MERCHANT_COLUMNS " FROM merchants WHERE NOT deleted");
  if (live == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (live); i++)
    {
      XunchaOfficeMerchant *merchant = merchant_from_row (live, i);

      g_hash_table_insert (held, merchant->id, merchant);
    }

  for (guint i = 0; i < call->items->len; i++)
    {
      const XunchaOfficeMerchant *merchant = call->items->pdata[i];
      const XunchaOfficeMerchant *before = g_hash_table_lookup (held, merchant->id);
      g_autofree char *lon = NULL;
      g_autofree char *lat = NULL;
      g_autoptr(PGresult) upsert = NULL;

      if (before != NULL && xuncha_office_merchant_equal (before, merchant))
        continue;
      lon = double_text (merchant->lon);
      lat = double_text (merchant->lat);
      upsert = run (conn, error,
                    "INSERT INTO merchants (id, name, address, contact, street_id, lon, lat, "
                    "  revision, deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                    "  address = excluded.address, contact = excluded.contact, "
                    "  street_id = excluded.street_id, lon = excluded.lon, lat = excluded.lat, "
                    "  revision = excluded.revision, deleted = false",
                    merchant->id, merchant->name, merchant->address, merchant->contact,
                    merchant->street_id, lon, lat, revision);
      if (upsert == NULL)
        return OUTCOME_ROLLBACK;
      call->changed++;
    }
  if (!features_delete_missing (conn, "SELECT id FROM merchants WHERE NOT deleted",
                                "UPDATE merchants SET deleted = true, revision = $2 "
                                "WHERE id = $1",
                                present, revision, &call->deleted, error))
    return OUTCOME_ROLLBACK;
  if (call->changed + call->deleted == 0)
    {
      call->revision--;
      return OUTCOME_ROLLBACK;
    }
  return OUTCOME_COMMIT;
}

static gboolean
records_merchants_import (XunchaOfficeRecords  *records,
                          GPtrArray            *merchants,
                          gint64               *revision,
                          guint                *changed,
                          guint                *deleted,
                          GError              **error)
{
  FeaturesCall call = { .items = merchants };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "merchants_import", TXN_WRITE,
                 merchants_import_body, &call, error))
    return FALSE;
  *revision = call.revision;
  *changed = call.changed;
  *deleted = call.deleted;
  return TRUE;
}

static Outcome
merchants_since_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  return features_since_body (conn, data, "merchants",
                              "SELECT " MERCHANT_COLUMNS ", deleted FROM merchants "
                              "WHERE revision > $1 ORDER BY id COLLATE \"C\"", FALSE, error);
}

static GPtrArray *
records_merchants_since (XunchaOfficeRecords  *records,
                         gint64                since,
                         gint64               *revision,
                         GStrv                *deleted,
                         GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_merchant_free);
  FeaturesCall call = { .since = since, .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "merchants_since", TXN_SNAPSHOT,
                 merchants_since_body, &call, error))
    {
      g_strfreev (call.gone);
      return NULL;
    }
  *revision = call.revision;
  *deleted = call.gone;
  return g_steal_pointer (&found);
}

/* Failed enrollments. */

typedef struct
{
  const XunchaOfficeEnrollFailure *failure;
  guint                            keep_max;
  gint64                           since;
  gint64                           now;
  GPtrArray                       *found;
} FailureCall;

static Outcome
enroll_failure_add_body (XunchaOfficePgRecords  *self,
                         PGconn                 *conn,
                         gpointer                data,
                         GError                **error)
{
  FailureCall *call = data;
  g_autofree char *at = int64_text (call->failure->at);
  g_autofree char *oldest_kept = NULL;
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) forget = NULL;

  insert = run (conn, error,
                "INSERT INTO enroll_failures (officer_id, address, at) VALUES ($1, $2, $3) "
                "RETURNING id", call->failure->officer_id, call->failure->address, at);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  /* Ids grow with each insert, so the lowest are the oldest attempts. */
  oldest_kept = int64_text (int64_at (insert, 0, 0) - (gint64)call->keep_max);
  forget = run (conn, error, "DELETE FROM enroll_failures WHERE id <= $1", oldest_kept);
  return forget != NULL ? OUTCOME_COMMIT : OUTCOME_ROLLBACK;
}

static gboolean
records_enroll_failure_add (XunchaOfficeRecords              *records,
                            const XunchaOfficeEnrollFailure  *failure,
                            guint                             keep_max,
                            GError                          **error)
{
  FailureCall call = { .failure = failure, .keep_max = keep_max };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "enroll_failure_add", TXN_WRITE,
                   enroll_failure_add_body, &call, error);
}

static Outcome
enroll_failures_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  FailureCall *call = data;
  g_autofree char *since = int64_text (call->since);
  g_autofree char *now = int64_text (call->now);
  g_autoptr(PGresult) forget = NULL;
  g_autoptr(PGresult) clamp = NULL;
  g_autoptr(PGresult) result = NULL;

  forget = run (conn, error, "DELETE FROM enroll_failures WHERE at < $1", since);
  if (forget == NULL)
    return OUTCOME_ROLLBACK;
  clamp = run (conn, error, "UPDATE enroll_failures SET at = $1 WHERE at > $1", now);
  if (clamp == NULL)
    return OUTCOME_ROLLBACK;
  result = run0 (conn, error, "SELECT officer_id, address, at FROM enroll_failures "
                 "ORDER BY at, id");
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (call->found,
                     xuncha_office_enroll_failure_new (text_at (result, i, 0),
                                                       text_at (result, i, 1),
                                                       int64_at (result, i, 2)));
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_enroll_failures (XunchaOfficeRecords  *records,
                         gint64                since,
                         gint64                now,
                         GError              **error)
{
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_enroll_failure_free);
  FailureCall call = { .since = since, .now = now, .found = found };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "enroll_failures", TXN_WRITE,
                 enroll_failures_body, &call, error))
    return NULL;
  return g_steal_pointer (&found);
}

static Outcome
revisions_raise_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  g_autofree char *minimum = int64_text (*(const gint64 *)data);
  g_autoptr(PGresult) result = run (conn, error,
                                    "UPDATE counters SET value = $1::bigint "
                                    "WHERE value < $1::bigint", minimum);

  return result != NULL ? OUTCOME_COMMIT : OUTCOME_ROLLBACK;
}

static gboolean
records_revisions_raise (XunchaOfficeRecords  *records,
                         gint64                minimum,
                         GError              **error)
{
  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "revisions_raise", TXN_WRITE,
                   revisions_raise_body, &minimum, error);
}

typedef struct
{
  char *generation;
  gboolean renew;
} GenerationCall;

static Outcome
generation_body (XunchaOfficePgRecords  *self,
                 PGconn                 *conn,
                 gpointer                data,
                 GError                **error)
{
  GenerationCall *call = data;
  g_autoptr(PGresult) result = NULL;

  if (call->renew)
    result = run (conn, error, "UPDATE generation SET id = $1 RETURNING id", call->generation);
  else
    result = run0 (conn, error, "SELECT id FROM generation");
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (result) != 1 || text_at (result, 0, 0) == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "The records hold no generation");
      return OUTCOME_ROLLBACK;
    }
  g_free (call->generation);
  call->generation = g_strdup (text_at (result, 0, 0));
  return OUTCOME_COMMIT;
}

static char *
records_generation (XunchaOfficeRecords  *records,
                    GError              **error)
{
  GenerationCall call = { 0 };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "generation", TXN_SINGLE,
                 generation_body, &call, error))
    {
      g_free (call.generation);
      return NULL;
    }
  return call.generation;
}

static char *
records_generation_renew (XunchaOfficeRecords  *records,
                          GError              **error)
{
  guint8 bytes[16];
  GString *text = g_string_sized_new (2 * sizeof bytes);
  GenerationCall call = { .renew = TRUE };

  random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (text, "%02x", bytes[i]);
  call.generation = g_string_free (text, FALSE);
  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "generation_renew", TXN_WRITE,
                 generation_body, &call, error))
    {
      g_free (call.generation);
      return NULL;
    }
  return call.generation;
}

/* Tasks and messages. */

typedef struct
{
  const XunchaWireOfficer    *officer;
  const char                 *id;
  XunchaWireTask             *task;     /* task_add: the one to store */
  const XunchaWireTaskResult *result;
  XunchaWireMessage          *message;  /* message_add: the one to store */
  const char                 *read_at;
  const char                 *sha256;
  gint64                      now_us;
  gint64                      since;
  gint64                      revision;
  gboolean                    created;
  XunchaWireTask             *found;
  XunchaWireMessage          *found_message;
  GPtrArray                  *items;
} TaskCall;

static void
task_call_clear (TaskCall *call)
{
  g_clear_pointer (&call->found, xuncha_wire_task_free);
  g_clear_pointer (&call->found_message, xuncha_wire_message_free);
}

static Outcome
refuse (GError                   **error,
        XunchaOfficeStorageError   code,
        const char                *format,
        ...) G_GNUC_PRINTF (3, 4);

static Outcome
refuse (GError                   **error,
        XunchaOfficeStorageError   code,
        const char                *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (XUNCHA_OFFICE_STORAGE_ERROR, code, format,
                                                args));
  va_end (args);
  return OUTCOME_ROLLBACK;
}

/* Which tasks an officer sees: his own, his team's team tasks, and for a leader every task
 * of his team's officers. $2 his id (NULL: the office, which sees all), $3 his team, $4
 * whether he leads it. */
#define TASK_VISIBLE \
  "($2::text IS NULL OR t.officer_id = $2 OR (t.team IS NOT NULL AND t.team = $3::text) " \
  " OR ($4::boolean AND $3::text IS NOT NULL AND t.officer_id IN (SELECT o.id FROM officers o" \
  "                                                           WHERE o.team = $3::text)))"

/* The columns every task query reads, in this order. */
#define TASK_COLUMNS \
  "t.body, t.state, t.accepted_by, t.report_uuid, t.result, t.revision"

/* The task as the office holds it: its body as made, with what changed since. */
static XunchaWireTask *
task_from_row (const PGresult  *result,
               int              row,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(JsonNode) root = xuncha_protocol_parse (text_at (result, row, 0), -1, "task",
                                                    &local_error);
  const char *held_result = text_at (result, row, 4);

  if (root != NULL)
    task = xuncha_wire_task_from_json (root, &local_error);
  if (task == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "A stored task cannot be read: %s", local_error->message);
      return NULL;
    }
  g_free (task->state);
  task->state = g_strdup (text_at (result, row, 1));
  g_free (task->accepted_by);
  task->accepted_by = g_strdup (text_at (result, row, 2));
  g_free (task->report_uuid);
  task->report_uuid = g_strdup (text_at (result, row, 3));
  task->revision = int64_at (result, row, 5);
  if (held_result != NULL)
    {
      task->result = xuncha_wire_task_result_decode (held_result, -1, &local_error);
      if (task->result == NULL)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                       "A stored task result cannot be read: %s", local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&task);
}

/* Reads one task into @out as @officer may see it (NULL and no error when there is none). */
static gboolean
task_read (PGconn                   *conn,
           const XunchaWireOfficer  *officer,
           const char               *id,
           XunchaWireTask          **out,
           GError                  **error)
{
  g_autoptr(PGresult) result = NULL;

  g_clear_pointer (out, xuncha_wire_task_free);
  result = run (conn, error,
                "SELECT " TASK_COLUMNS " FROM tasks t WHERE t.id = $1 AND " TASK_VISIBLE,
                id, officer != NULL ? officer->id : NULL,
                officer != NULL ? officer->team : NULL,
                bool_text (officer != NULL && officer->leader));
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;
  *out = task_from_row (result, 0, error);
  return *out != NULL;
}

/* Inside a write: stores as expired every task open or accepted past its deadline, each
 * with a revision of its own (so that an answer cut at its limit never splits one
 * revision). The condition is checked again by the UPDATE: a task another call expired,
 * cancelled or finished meanwhile is left as it is. */
static gboolean
expire_due (PGconn   *conn,
            gint64    now_us,
            GError  **error)
{
  g_autofree char *now = int64_text (now_us);
  g_autoptr(PGresult) due = run (conn, error,
                                 "SELECT id FROM tasks WHERE state IN ('open', 'accepted') "
                                 "AND deadline_us < $1::bigint ORDER BY deadline_us, id", now);

  if (due == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (due); i++)
    {
      g_autoptr(PGresult) update = NULL;
      g_autofree char *revision_text = NULL;
      gint64 revision;

      if (!take_revision (conn, "tasks", &revision, error))
        return FALSE;
      revision_text = int64_text (revision);
      update = run (conn, error,
                    "UPDATE tasks SET state = 'expired', revision = $2::bigint "
                    "WHERE id = $1 AND state IN ('open', 'accepted') "
                    "AND deadline_us < $3::bigint",
                    text_at (due, i, 0), revision_text, now);
      if (update == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The officer whose report @uuid is, into @owner (NULL when the office holds none). */
static gboolean
report_owner (PGconn       *conn,
              const char   *uuid,
              char        **owner,
              GError      **error)
{
  g_autoptr(PGresult) result = run (conn, error, "SELECT officer_id FROM reports WHERE uuid = $1",
                                    uuid);

  *owner = NULL;
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    *owner = g_strdup (text_at (result, 0, 0));
  return TRUE;
}

/* A task or message goes to an officer the office has, or to a team with officers:
 * one to nobody would wait for ever. */
static gboolean
addressee_known (PGconn      *conn,
                 const char  *what,
                 const char  *officer_id,
                 const char  *team,
                 GError     **error)
{
  g_autoptr(PGresult) officer = NULL;
  g_autoptr(PGresult) members = NULL;

  if (officer_id != NULL)
    {
      officer = run (conn, error, "SELECT 1 FROM officers WHERE id = $1", officer_id);
      if (officer == NULL)
        return FALSE;
      if (PQntuples (officer) == 0)
        {
          refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                  "%s.officer_id: the office has no officer %s", what, officer_id);
          return FALSE;
        }
    }
  if (team != NULL)
    {
      members = run (conn, error, "SELECT 1 FROM officers WHERE team = $1 LIMIT 1", team);
      if (members == NULL)
        return FALSE;
      if (PQntuples (members) == 0)
        {
          refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                  "%s.team: the office has no officer in team %s", what, team);
          return FALSE;
        }
    }
  return TRUE;
}

static Outcome
task_add_body (XunchaOfficePgRecords  *self,
               PGconn                 *conn,
               gpointer                data,
               GError                **error)
{
  TaskCall *call = data;
  XunchaWireTask *made = call->task;
  g_autofree char *body = xuncha_wire_task_encode (made);
  g_autofree char *owner = NULL;
  g_autofree char *deadline_text = NULL;
  g_autofree char *revision_text = NULL;
  g_autofree char *lat = made->has_position ? double_text (made->lat) : NULL;
  g_autofree char *lon = made->has_position ? double_text (made->lon) : NULL;
  g_autoptr(PGresult) insert = NULL;
  gint64 deadline_us, revision;

  if (!xuncha_office_task_deadline_us (made->deadline, &deadline_us))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                   "task.deadline: not an ISO 8601 time");
  if (!addressee_known (conn, "task", made->officer_id, made->team, error))
    return OUTCOME_ROLLBACK;
  if (made->report_uuid != NULL)
    {
      if (!report_owner (conn, made->report_uuid, &owner, error))
        return OUTCOME_ROLLBACK;
      if (owner == NULL)
        return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                       "task.report_uuid: the office holds no report %s", made->report_uuid);
    }
  if (!take_revision (conn, "tasks", &revision, error))
    return OUTCOME_ROLLBACK;
  deadline_text = int64_text (deadline_us);
  revision_text = int64_text (revision);
  /* ON CONFLICT DO NOTHING: the same id twice at once waits for the first, then is
   * refused. */
  insert = run (conn, error,
                "INSERT INTO tasks (id, kind, officer_id, team, state, deadline_us, "
                "  report_uuid, body, created_at, revision, lat, lon) "
                "VALUES ($1, $2, $3, $4, 'open', $5::bigint, $6, $7, $8, $9::bigint, "
                "  $10::float8, $11::float8) ON CONFLICT (id) DO NOTHING",
                made->id, made->kind, made->officer_id, made->team, deadline_text,
                made->report_uuid, body, made->created_at, revision_text, lat, lon);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (insert) == 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT, "Task %s is held already",
                   made->id);
  for (guint i = 0; made->photos[i] != NULL; i++)
    {
      g_autoptr(PGresult) link = run (conn, error,
                                      "INSERT INTO task_photos (task_id, sha256) "
                                      "VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                      made->id, made->photos[i]);
      if (link == NULL)
        return OUTCOME_ROLLBACK;
    }
  call->revision = revision;
  return OUTCOME_COMMIT;
}

static gboolean
records_task_add (XunchaOfficeRecords  *records,
                  XunchaWireTask       *task,
                  GError              **error)
{
  g_autoptr(XunchaWireTask) made = xuncha_wire_task_copy (task);
  g_autoptr(GError) invalid = NULL;
  TaskCall call = { .task = made };

  g_free (made->state);
  made->state = g_strdup ("open");
  g_clear_pointer (&made->accepted_by, g_free);
  g_clear_pointer (&made->result, xuncha_wire_task_result_free);
  made->revision = 0;
  if (!xuncha_wire_task_validate (made, &invalid))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID, "%s", invalid->message);
      return FALSE;
    }
  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "task_add", TXN_WRITE, task_add_body,
                 &call, error))
    return FALSE;
  g_free (task->state);
  task->state = g_strdup ("open");
  g_clear_pointer (&task->accepted_by, g_free);
  g_clear_pointer (&task->result, xuncha_wire_task_result_free);
  task->revision = call.revision;
  return TRUE;
}

static Outcome
task_get_body (XunchaOfficePgRecords  *self,
               PGconn                 *conn,
               gpointer                data,
               GError                **error)
{
  TaskCall *call = data;

  if (!expire_due (conn, call->now_us, error)
      || !task_read (conn, call->officer, call->id, &call->found, error))
    return OUTCOME_ROLLBACK;
  if (call->found == NULL)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", call->id);
  return OUTCOME_COMMIT;
}

static XunchaWireTask *
records_task_get (XunchaOfficeRecords      *records,
                  const XunchaWireOfficer  *officer,
                  const char               *id,
                  gint64                    now_us,
                  GError                  **error)
{
  TaskCall call = { .officer = officer, .id = id, .now_us = now_us };
  XunchaWireTask *task;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "task_get", TXN_WRITE, task_get_body,
                 &call, error))
    {
      task_call_clear (&call);
      return NULL;
    }
  task = g_steal_pointer (&call.found);
  task_call_clear (&call);
  return task;
}

static Outcome
tasks_since_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  TaskCall *call = data;
  const XunchaWireOfficer *officer = call->officer;
  g_autofree char *since = int64_text (call->since);
  g_autofree char *upto = NULL;
  g_autofree char *limit = officer != NULL ? int64_text (XUNCHA_WIRE_TASK_DELTA_MAX) : NULL;
  g_autoptr(PGresult) result = NULL;

  /* Expired first (their revisions taken in turn), then the counter, then the rows up to
   * it: every revision up to the counter is committed when it is read (take_revision()), so
   * the rows read after it hold all of them. Each statement here sees what was committed
   * when it began (READ COMMITTED); bounding the rows by the counter keeps the answer to
   * exactly the revisions it claims. */
  if (!expire_due (conn, call->now_us, error)
      || !read_revision (conn, "tasks", &call->revision, error))
    return OUTCOME_ROLLBACK;
  upto = int64_text (call->revision);
  result = run (conn, error,
                "SELECT " TASK_COLUMNS " FROM tasks t "
                "WHERE t.revision > $1::bigint AND t.revision <= $5::bigint AND " TASK_VISIBLE
                " ORDER BY t.revision LIMIT $6::bigint",
                since, officer != NULL ? officer->id : NULL,
                officer != NULL ? officer->team : NULL,
                bool_text (officer != NULL && officer->leader), upto, limit);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    {
      XunchaWireTask *task = task_from_row (result, i, error);

      if (task == NULL)
        return OUTCOME_ROLLBACK;
      g_ptr_array_add (call->items, task);
    }
  /* Cut at the limit: the device goes on from the last task it was given. */
  if (officer != NULL && call->items->len == XUNCHA_WIRE_TASK_DELTA_MAX)
    call->revision = ((XunchaWireTask *)call->items->pdata[call->items->len - 1])->revision;
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_tasks_since (XunchaOfficeRecords      *records,
                     const XunchaWireOfficer  *officer,
                     gint64                    since,
                     gint64                    now_us,
                     gint64                   *revision,
                     GError                  **error)
{
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_task_free);
  TaskCall call = { .officer = officer, .since = since, .now_us = now_us, .items = items };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "tasks_since", TXN_WRITE,
                 tasks_since_body, &call, error))
    return NULL;
  *revision = call.revision;
  return g_steal_pointer (&items);
}

static Outcome
task_cancel_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  TaskCall *call = data;
  g_autoptr(PGresult) update = NULL;
  g_autofree char *revision_text = NULL;
  gint64 revision;

  if (!expire_due (conn, call->now_us, error)
      || !take_revision (conn, "tasks", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  update = run (conn, error,
                "UPDATE tasks SET state = 'cancelled', accepted_by = NULL, "
                "  revision = $2::bigint WHERE id = $1 AND state IN ('open', 'accepted')",
                call->id, revision_text);
  if (update == NULL || !task_read (conn, NULL, call->id, &call->found, error))
    return OUTCOME_ROLLBACK;
  if (call->found == NULL)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", call->id);
  if (changes (update) == 0 && !g_str_equal (call->found->state, "cancelled"))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED, "Task %s is %s already",
                   call->id, call->found->state);
  return OUTCOME_COMMIT;
}

static XunchaWireTask *
records_task_cancel (XunchaOfficeRecords  *records,
                     const char           *id,
                     gint64                now_us,
                     GError              **error)
{
  TaskCall call = { .id = id, .now_us = now_us };
  XunchaWireTask *task;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "task_cancel", TXN_WRITE,
                 task_cancel_body, &call, error))
    {
      task_call_clear (&call);
      return NULL;
    }
  task = g_steal_pointer (&call.found);
  task_call_clear (&call);
  return task;
}

/* Whether @officer may act on @task: his own, or his team's team task. */
static gboolean
may_act_on (const XunchaWireOfficer *officer,
            const XunchaWireTask    *task)
{
  if (task->officer_id != NULL)
    return g_str_equal (task->officer_id, officer->id);
  return officer->team != NULL && g_strcmp0 (task->team, officer->team) == 0;
}

static Outcome
task_accept_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  TaskCall *call = data;
  g_autoptr(PGresult) update = NULL;
  g_autofree char *revision_text = NULL;
  gint64 revision;

  if (!expire_due (conn, call->now_us, error)
      || !task_read (conn, NULL, call->id, &call->found, error))
    return OUTCOME_ROLLBACK;
  if (call->found == NULL || !may_act_on (call->officer, call->found))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", call->id);
  if (g_str_equal (call->found->state, "accepted")
      && g_strcmp0 (call->found->accepted_by, call->officer->id) == 0)
    return OUTCOME_COMMIT;

  /* Only an open task is taken, checked by the rows changed: of two officers accepting one
   * team task at once, the second waits for the first's row lock, then finds the row no
   * longer open and changes nothing. */
  if (!take_revision (conn, "tasks", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  update = run (conn, error,
                "UPDATE tasks SET state = 'accepted', accepted_by = $2, revision = $3::bigint "
                "WHERE id = $1 AND state = 'open'",
                call->id, call->officer->id, revision_text);
  if (update == NULL || !task_read (conn, NULL, call->id, &call->found, error))
    return OUTCOME_ROLLBACK;
  if (call->found == NULL)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", call->id);
  if (changes (update) == 1)
    return OUTCOME_COMMIT;
  if (g_str_equal (call->found->state, "accepted")
      && g_strcmp0 (call->found->accepted_by, call->officer->id) == 0)
    return OUTCOME_ROLLBACK;   /* his own accept of a moment ago: the same answer */
  if (g_str_equal (call->found->state, "accepted"))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN, "Task %s was accepted by %s",
                   call->id, call->found->accepted_by != NULL ? call->found->accepted_by
                                                              : "another officer");
  return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED, "Task %s is %s", call->id,
                 call->found->state);
}

static XunchaWireTask *
records_task_accept (XunchaOfficeRecords      *records,
                     const XunchaWireOfficer  *officer,
                     const char               *id,
                     gint64                    now_us,
                     GError                  **error)
{
  TaskCall call = { .officer = officer, .id = id, .now_us = now_us };
  XunchaWireTask *task;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "task_accept", TXN_WRITE,
                 task_accept_body, &call, error))
    {
      task_call_clear (&call);
      return NULL;
    }
  task = g_steal_pointer (&call.found);
  task_call_clear (&call);
  return task;
}

/* The case status a result sets, on the reports it names (verify) or the task's case
 * (check), with one status revision (taken after the task's: always in that order). */
static gboolean
apply_case_status (PGconn                      *conn,
                   const XunchaWireOfficer     *officer,
                   const XunchaWireTask        *task,
                   const XunchaWireTaskResult  *result,
                   GError                     **error)
{
  const char *status = xuncha_office_task_case_status (task->kind, result->outcome);
  g_autofree char *now = now_iso ();
  g_autofree char *revision_text = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new ();
  gint64 revision;

  if (status == NULL)
    return TRUE;
  if (g_str_equal (task->kind, "verify"))
    for (guint i = 0; result->report_uuids[i] != NULL; i++)
      g_ptr_array_add (cases, result->report_uuids[i]);
  else if (task->report_uuid != NULL)
    g_ptr_array_add (cases, task->report_uuid);
  if (cases->len == 0)
    return TRUE;
  /* The case's history tells the step too, read before the status moves; its report rows
   * locked before the counter's, in the order a step at the console takes them. */
  for (guint i = 0; i < cases->len; i++)
    if (!xuncha_office_pg_case_records_result_step (conn, cases->pdata[i], officer->id, task,
                                                    result, status, error))
      return FALSE;
  if (!take_revision (conn, "status", &revision, error))
    return FALSE;
  revision_text = int64_text (revision);
  for (guint i = 0; i < cases->len; i++)
    {
      g_autoptr(PGresult) update = run (conn, error,
                                        "UPDATE reports SET case_status = $2, "
                                        "  case_status_at = $3, status_revision = $4::bigint "
                                        "WHERE uuid = $1",
                                        cases->pdata[i], status, now, revision_text);
      if (update == NULL)
        return FALSE;
    }
  return TRUE;
}

/* What is refused of a result for @task that holds none (yet). */
static Outcome
result_refused (PGconn                      *conn,
                TaskCall                    *call,
                GError                     **error)
{
  const XunchaWireTaskResult *result = call->result;
  g_autoptr(GError) kind_error = NULL;

  if (!xuncha_wire_task_result_check_kind (result, call->found->kind, &kind_error))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED, "%s", kind_error->message);
  for (guint i = 0; result->report_uuids[i] != NULL; i++)
    {
      g_autofree char *owner = NULL;

      if (!report_owner (conn, result->report_uuids[i], &owner, error))
        return OUTCOME_ROLLBACK;
      if (g_strcmp0 (owner, call->officer->id) != 0)
        return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                       "result.report_uuids[%u]: the office holds no report %s of this "
                       "officer", i, result->report_uuids[i]);
    }
  return OUTCOME_COMMIT;
}

/* A task that holds a result already: the same one again is answered as stored, another is
 * a conflict. */
static Outcome
result_held (TaskCall  *call,
             GError   **error)
{
  g_autofree char *held = xuncha_wire_task_result_encode (call->found->result);
  g_autofree char *body = xuncha_wire_task_result_encode (call->result);

  if (!g_str_equal (held, body))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "Task %s has a different result already", call->result->task_id);
  call->created = FALSE;
  return OUTCOME_ROLLBACK;
}

static gboolean
another_officers (const XunchaWireOfficer *officer,
                  const XunchaWireTask    *task)
{
  return !may_act_on (officer, task)
         || (task->accepted_by != NULL && !g_str_equal (task->accepted_by, officer->id));
}

static Outcome
task_result_put_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  TaskCall *call = data;
  const XunchaWireTaskResult *result = call->result;
  const char *id = result->task_id;
  g_autofree char *body = xuncha_wire_task_result_encode (result);
  g_autofree char *revision_text = NULL;
  g_autoptr(PGresult) update = NULL;
  const char *verified = NULL;
  gint64 revision;
  Outcome outcome;

  if (!expire_due (conn, call->now_us, error)
      || !task_read (conn, NULL, id, &call->found, error))
    return OUTCOME_ROLLBACK;
  if (call->found == NULL)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", id);
  if (another_officers (call->officer, call->found))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN, "Task %s is another officer's",
                   id);
  if (call->found->result != NULL)
    return result_held (call, error);
  outcome = result_refused (conn, call, error);
  if (outcome != OUTCOME_COMMIT)
    return outcome;

  /* Stored only on a task that holds no result and that no other officer took, checked by
   * the rows changed (the same result sent twice at once: the second waits for the first,
   * then finds it held). A task cancelled or expired meanwhile keeps its state and gets the
   * result; it moves no case: a person looks at it. */
  if (g_str_equal (call->found->kind, "verify"))
    verified = result->report_uuids[0];
  if (!take_revision (conn, "tasks", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  update = run (conn, error,
                "UPDATE tasks SET "
                "  state = CASE WHEN state IN ('open', 'accepted') THEN 'done' ELSE state END,"
                "  accepted_by = $2, report_uuid = coalesce (report_uuid, $3),"
                "  result_uuid = $4, result = $5, revision = $6::bigint "
                "WHERE id = $1 AND result IS NULL AND (accepted_by IS NULL OR accepted_by = $2)"
                "RETURNING state",
                id, call->officer->id, verified, result->result_uuid, body, revision_text);
  if (update == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (update) == 0)
    {
      if (!task_read (conn, NULL, id, &call->found, error))
        return OUTCOME_ROLLBACK;
      if (call->found == NULL)
        return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", id);
      if (call->found->result != NULL)
        return result_held (call, error);
      return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                     "Task %s is another officer's", id);
    }
  if (g_str_equal (text_at (update, 0, 0), "done")
      && !apply_case_status (conn, call->officer, call->found, result, error))
    return OUTCOME_ROLLBACK;
  if (!task_read (conn, NULL, id, &call->found, error))
    return OUTCOME_ROLLBACK;
  call->created = TRUE;
  return OUTCOME_COMMIT;
}

static XunchaWireTask *
records_task_result_put (XunchaOfficeRecords         *records,
                         const XunchaWireOfficer     *officer,
                         const XunchaWireTaskResult  *result,
                         gint64                       now_us,
                         gboolean                    *created,
                         GError                     **error)
{
  TaskCall call = { .officer = officer, .result = result, .now_us = now_us };
  XunchaWireTask *task;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "task_result_put", TXN_WRITE,
                 task_result_put_body, &call, error))
    {
      task_call_clear (&call);
      return NULL;
    }
  *created = call.created;
  task = g_steal_pointer (&call.found);
  task_call_clear (&call);
  return task;
}

/* Which messages an officer gets: $2 his id (NULL: the office, all of them), $3 his
 * team. */
#define MESSAGE_VISIBLE \
  "($2::text IS NULL OR m.audience = 'all' OR (m.audience = 'officer' AND m.officer_id = $2)" \
  " OR (m.audience = 'team' AND $3::text IS NOT NULL AND m.team = $3::text))"

/* The message's revision for him is the later of its sending and his reading. */
#define MESSAGE_REVISION "greatest (m.revision, coalesce (r.revision, 0))"
#define MESSAGE_COLUMNS \
  "m.id, m.audience, m.team, m.officer_id, m.sender, m.title, m.body, m.sent_at, " \
  "r.read_at, " MESSAGE_REVISION

static XunchaWireMessage *
message_from_row (const PGresult *result,
                  int             row)
{
  XunchaWireMessage *message = xuncha_wire_message_new ();

  message->id = g_strdup (text_at (result, row, 0));
  message->audience = g_strdup (text_at (result, row, 1));
  message->team = g_strdup (text_at (result, row, 2));
  message->officer_id = g_strdup (text_at (result, row, 3));
  message->sender = g_strdup (text_at (result, row, 4));
  message->title = g_strdup (text_at (result, row, 5));
  message->body = g_strdup (text_at (result, row, 6));
  message->sent_at = g_strdup (text_at (result, row, 7));
  message->read_at = g_strdup (text_at (result, row, 8));
  message->revision = int64_at (result, row, 9);
  return message;
}

static Outcome
message_add_body (XunchaOfficePgRecords  *self,
                  PGconn                 *conn,
                  gpointer                data,
                  GError                **error)
{
  TaskCall *call = data;
  XunchaWireMessage *message = call->message;
  g_autoptr(PGresult) insert = NULL;
  g_autofree char *revision_text = NULL;
  gint64 revision;

  if (!addressee_known (conn, "message", message->officer_id, message->team, error))
    return OUTCOME_ROLLBACK;
  if (!take_revision (conn, "messages", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  insert = run (conn, error,
                "INSERT INTO messages (id, audience, officer_id, team, sender, title, body, "
                "  sent_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint) "
                "ON CONFLICT (id) DO NOTHING",
                message->id, message->audience, message->officer_id, message->team,
                message->sender, message->title, message->body, message->sent_at,
                revision_text);
  if (insert == NULL)
    return OUTCOME_ROLLBACK;
  if (changes (insert) == 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT, "Message %s is held already",
                   message->id);
  call->revision = revision;
  return OUTCOME_COMMIT;
}

static gboolean
records_message_add (XunchaOfficeRecords  *records,
                     XunchaWireMessage    *message,
                     GError              **error)
{
  g_autoptr(GError) invalid = NULL;
  TaskCall call = { .message = message };

  g_clear_pointer (&message->read_at, g_free);
  if (!xuncha_wire_message_validate (message, &invalid))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID, "%s", invalid->message);
      return FALSE;
    }
  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "message_add", TXN_WRITE,
                 message_add_body, &call, error))
    return FALSE;
  message->revision = call.revision;
  return TRUE;
}

static Outcome
messages_since_body (XunchaOfficePgRecords  *self,
                     PGconn                 *conn,
                     gpointer                data,
                     GError                **error)
{
  TaskCall *call = data;
  const XunchaWireOfficer *officer = call->officer;
  g_autofree char *since = int64_text (call->since);
  g_autofree char *limit = officer != NULL ? int64_text (XUNCHA_WIRE_TASK_DELTA_MAX) : NULL;
  g_autoptr(PGresult) result = NULL;

  /* In one snapshot with the rows: see take_revision(). */
  if (!read_revision (conn, "messages", &call->revision, error))
    return OUTCOME_ROLLBACK;
  result = run (conn, error,
                "SELECT " MESSAGE_COLUMNS " FROM messages m "
                "LEFT JOIN message_reads r ON r.message_id = m.id AND r.officer_id = $2 "
                "WHERE " MESSAGE_VISIBLE " AND " MESSAGE_REVISION " > $1::bigint "
                "ORDER BY " MESSAGE_REVISION " LIMIT $4::bigint",
                since, officer != NULL ? officer->id : NULL,
                officer != NULL ? officer->team : NULL, limit);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (call->items, message_from_row (result, i));
  if (officer != NULL && call->items->len == XUNCHA_WIRE_TASK_DELTA_MAX)
    call->revision =
      ((XunchaWireMessage *)call->items->pdata[call->items->len - 1])->revision;
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_messages_since (XunchaOfficeRecords      *records,
                        const XunchaWireOfficer  *officer,
                        gint64                    since,
                        gint64                   *revision,
                        GError                  **error)
{
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_message_free);
  TaskCall call = { .officer = officer, .since = since, .items = items };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "messages_since", TXN_SNAPSHOT,
                 messages_since_body, &call, error))
    return NULL;
  *revision = call.revision;
  return g_steal_pointer (&items);
}

static gboolean
message_read_row (PGconn                   *conn,
                  TaskCall                 *call,
                  GError                  **error)
{
  g_autoptr(PGresult) result = run (conn, error,
                                    "SELECT " MESSAGE_COLUMNS " FROM messages m "
                                    "LEFT JOIN message_reads r "
                                    "  ON r.message_id = m.id AND r.officer_id = $2 "
                                    "WHERE m.id = $1 AND " MESSAGE_VISIBLE,
                                    call->id, call->officer->id, call->officer->team);

  g_clear_pointer (&call->found_message, xuncha_wire_message_free);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    call->found_message = message_from_row (result, 0);
  return TRUE;
}

static Outcome
message_read_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  TaskCall *call = data;
  g_autoptr(PGresult) insert = NULL;
  g_autofree char *revision_text = NULL;
  gint64 revision;

  if (!message_read_row (conn, call, error))
    return OUTCOME_ROLLBACK;
  if (call->found_message == NULL)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No message %s", call->id);
  if (call->found_message->read_at != NULL)
    return OUTCOME_ROLLBACK;   /* read before: the first read_at stays */
  /* ON CONFLICT DO NOTHING: two reads at once; the first one's read_at stays. */
  if (!take_revision (conn, "messages", &revision, error))
    return OUTCOME_ROLLBACK;
  revision_text = int64_text (revision);
  insert = run (conn, error,
                "INSERT INTO message_reads (message_id, officer_id, read_at, revision) "
                "VALUES ($1, $2, $3, $4::bigint) ON CONFLICT DO NOTHING",
                call->id, call->officer->id, call->read_at, revision_text);
  if (insert == NULL || !message_read_row (conn, call, error))
    return OUTCOME_ROLLBACK;
  return OUTCOME_COMMIT;
}

static XunchaWireMessage *
records_message_read (XunchaOfficeRecords      *records,
                      const XunchaWireOfficer  *officer,
                      const char               *id,
                      const char               *read_at,
                      GError                  **error)
{
  TaskCall call = { .officer = officer, .id = id, .read_at = read_at };
  XunchaWireMessage *message;

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "message_read", TXN_WRITE,
                 message_read_body, &call, error))
    {
      task_call_clear (&call);
      return NULL;
    }
  message = g_steal_pointer (&call.found_message);
  task_call_clear (&call);
  return message;
}

static Outcome
photo_visible_body (XunchaOfficePgRecords  *self,
                    PGconn                 *conn,
                    gpointer                data,
                    GError                **error)
{
  TaskCall *call = data;
  g_autoptr(PGresult) result =
    run (conn, error,
         "SELECT EXISTS (SELECT 1 FROM task_photos p JOIN tasks t ON t.id = p.task_id"
         "               WHERE p.sha256 = $1 AND " TASK_VISIBLE ")"
         "    OR EXISTS (SELECT 1 FROM report_photos p"
         "               JOIN reports r ON r.uuid = p.report_uuid"
         "               LEFT JOIN officers o ON o.id = r.officer_id"
         "               WHERE p.sha256 = $1 AND (r.officer_id = $2"
         "                 OR ($4::boolean AND $3::text IS NOT NULL AND o.team = $3::text)))",
         call->sha256, call->officer->id, call->officer->team,
         bool_text (call->officer->leader));

  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (!bool_at (result, 0, 0))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No photo %s", call->sha256);
  return OUTCOME_COMMIT;
}

static gboolean
records_photo_visible (XunchaOfficeRecords      *records,
                       const XunchaWireOfficer  *officer,
                       const char               *sha256,
                       GError                  **error)
{
  TaskCall call = { .officer = officer, .sha256 = sha256 };

  return transact (XUNCHA_OFFICE_PG_RECORDS (records), "photo_visible", TXN_SINGLE,
                   photo_visible_body, &call, error);
}

typedef struct
{
  const char              *token;
  const char              *fingerprint;
  XunchaOfficeEnrolledKey *found;
} EnrolledKeyCall;

static Outcome
enrolled_key_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  EnrolledKeyCall *call = data;
  g_autofree char *hash = NULL;
  g_autoptr(PGresult) result = NULL;

  /* The first enrollment with a key names it: a key is made anew at every enrollment, so
   * a fingerprint appears once unless a device was restored from a copy. */
  if (call->token != NULL)
    {
      hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, call->token, -1);
      result = run (conn, error,
                    "SELECT officer_id, device_name, created_at, key_algorithm, public_key, "
                    "  key_fingerprint FROM tokens WHERE sha256 = $1 "
                    "  AND key_fingerprint IS NOT NULL", hash);
    }
  else
    result = run (conn, error,
                  "SELECT officer_id, device_name, created_at, key_algorithm, public_key, "
                  "  key_fingerprint FROM tokens WHERE key_fingerprint = $1 "
                  "ORDER BY created_at LIMIT 1", call->fingerprint);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (result) == 1)
    call->found = xuncha_office_enrolled_key_new (text_at (result, 0, 0), text_at (result, 0, 1),
                                                  text_at (result, 0, 2), text_at (result, 0, 3),
                                                  text_at (result, 0, 4), text_at (result, 0, 5));
  return OUTCOME_COMMIT;
}

static XunchaOfficeEnrolledKey *
records_enrolled_key (XunchaOfficeRecords  *records,
                      const char           *token,
                      const char           *fingerprint,
                      GError              **error)
{
  EnrolledKeyCall call = { .token = token, .fingerprint = fingerprint };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "enrolled_key", TXN_SINGLE,
                 enrolled_key_body, &call, error))
    {
      g_clear_pointer (&call.found, xuncha_office_enrolled_key_free);
      return NULL;
    }
  return call.found;
}

/* Signed manifests (docs/evidence.md). */

#define EVIDENCE_COLUMNS \
  "device_key, chain, sequence, report_uuid, revision, sha256, manifest, signature, " \
  "chain_break, received_at"

typedef struct
{
  const XunchaOfficeEvidenceRecord *record;
  const char                       *key;
  gboolean                          held;
  XunchaOfficeEvidenceRecord       *found;
  GPtrArray                        *all;
} EvidenceCall;

static XunchaOfficeEvidenceRecord *
evidence_at (const PGresult *result,
             int             row)
{
  XunchaOfficeEvidenceRecord *record = xuncha_office_evidence_record_new ();
  gsize length = 0;
  guchar *signature;

  record->device_key = g_strdup (text_at (result, row, 0));
  record->chain = int64_at (result, row, 1);
  record->sequence = int64_at (result, row, 2);
  record->report_uuid = g_strdup (text_at (result, row, 3));
  record->revision = int64_at (result, row, 4);
  record->sha256 = g_strdup (text_at (result, row, 5));
  record->manifest = g_strdup (text_at (result, row, 6));
  signature = g_base64_decode (text_at (result, row, 7), &length);
  record->signature = g_bytes_new_take (signature, length);
  record->chain_break = g_str_equal (text_at (result, row, 8), "t");
  record->received_at = g_strdup (text_at (result, row, 9));
  return record;
}

static Outcome
evidence_put_body (XunchaOfficePgRecords  *self,
                   PGconn                 *conn,
                   gpointer                data,
                   GError                **error)
{
  EvidenceCall *call = data;
  const XunchaOfficeEvidenceRecord *record = call->record;
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(PGresult) same = NULL;
  g_autoptr(PGresult) later = NULL;
  g_autoptr(PGresult) inserted = NULL;
  g_autofree char *chain = g_strdup_printf ("%" G_GINT64_FORMAT, record->chain);
  g_autofree char *sequence = g_strdup_printf ("%" G_GINT64_FORMAT, record->sequence);
  g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, record->revision);
  g_autofree char *signature = NULL;
  g_autofree char *now = now_iso ();

  /* One key's manifests are kept one call at a time: the check below and the insert
   * see the same latest. */
  locked = run (conn, error, "SELECT pg_advisory_xact_lock (hashtext ($1))",
                record->device_key);
  if (locked == NULL)
    return OUTCOME_ROLLBACK;
  same = run (conn, error, "SELECT 1 FROM evidence_manifests WHERE sha256 = $1",
              record->sha256);
  if (same == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (same) > 0)
    {
      call->held = TRUE;
      return OUTCOME_COMMIT;
    }
  later = run (conn, error, "SELECT 1 FROM evidence_manifests WHERE device_key = $1 AND "
               "  (chain > $2::bigint OR (chain = $2::bigint AND sequence >= $3::bigint))",
               record->device_key, chain, sequence);
  if (later == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (later) > 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The office already holds manifest %" G_GINT64_FORMAT " or a later one of "
                   "this device key", record->sequence);
      return OUTCOME_ROLLBACK;
    }
  signature = g_base64_encode (g_bytes_get_data (record->signature, NULL),
                               g_bytes_get_size (record->signature));
  inserted = run (conn, error, "INSERT INTO evidence_manifests (" EVIDENCE_COLUMNS ") "
                  "VALUES ($1, $2::bigint, $3::bigint, $4, $5::bigint, $6, $7, $8, "
                  "  $9::boolean, $10)",
                  record->device_key, chain, sequence, record->report_uuid, revision,
                  record->sha256, record->manifest, signature,
                  record->chain_break ? "true" : "false", now);
  return inserted != NULL ? OUTCOME_COMMIT : OUTCOME_ROLLBACK;
}

static gboolean
records_evidence_put (XunchaOfficeRecords               *records,
                      const XunchaOfficeEvidenceRecord  *record,
                      gboolean                          *held,
                      GError                           **error)
{
  EvidenceCall call = { .record = record };
  gboolean ok = transact (XUNCHA_OFFICE_PG_RECORDS (records), "evidence_put", TXN_WRITE,
                          evidence_put_body, &call, error);

  *held = ok && call.held;
  return ok;
}

static Outcome
evidence_latest_body (XunchaOfficePgRecords  *self,
                      PGconn                 *conn,
                      gpointer                data,
                      GError                **error)
{
  EvidenceCall *call = data;
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error, "SELECT " EVIDENCE_COLUMNS " FROM evidence_manifests "
                "WHERE device_key = $1 ORDER BY chain DESC, sequence DESC LIMIT 1", call->key);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  if (PQntuples (result) == 1)
    call->found = evidence_at (result, 0);
  return OUTCOME_COMMIT;
}

static XunchaOfficeEvidenceRecord *
records_evidence_latest (XunchaOfficeRecords  *records,
                         const char           *device_key,
                         GError              **error)
{
  EvidenceCall call = { .key = device_key };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "evidence_latest", TXN_SINGLE,
                 evidence_latest_body, &call, error))
    g_clear_pointer (&call.found, xuncha_office_evidence_record_free);
  return call.found;
}

static Outcome
evidence_of_report_body (XunchaOfficePgRecords  *self,
                         PGconn                 *conn,
                         gpointer                data,
                         GError                **error)
{
  EvidenceCall *call = data;
  g_autoptr(PGresult) result = NULL;

  result = run (conn, error, "SELECT " EVIDENCE_COLUMNS " FROM evidence_manifests "
                "WHERE report_uuid = $1 ORDER BY revision", call->key);
  if (result == NULL)
    return OUTCOME_ROLLBACK;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (call->all, evidence_at (result, i));
  return OUTCOME_COMMIT;
}

static GPtrArray *
records_evidence_of_report (XunchaOfficeRecords  *records,
                            const char           *uuid,
                            GError              **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (
                               (GDestroyNotify)xuncha_office_evidence_record_free);
  EvidenceCall call = { .key = uuid, .all = all };

  if (!transact (XUNCHA_OFFICE_PG_RECORDS (records), "evidence_of_report", TXN_SINGLE,
                 evidence_of_report_body, &call, error))
    return NULL;
  return g_steal_pointer (&all);
}

static int
records_schema_version (XunchaOfficeRecords *records)
{
  return XUNCHA_OFFICE_PG_RECORDS (records)->schema_version;
}

static void
records_iface_init (XunchaOfficeRecordsInterface *iface)
{
  iface->schema_version = records_schema_version;
  iface->officer_add = records_officer_add;
  iface->officer_revoke = records_officer_revoke;
  iface->enroll = records_enroll;
  iface->authenticate = records_authenticate;
  iface->assigned_streets = records_assigned_streets;
  iface->assign_streets = records_assign_streets;
  iface->device_seen = records_device_seen;
  iface->officer_add_new = records_officer_add_new;
  iface->officer_reset = records_officer_reset;
  iface->report_put = records_report_put;
  iface->report_get = records_report_get;
  iface->report_set_status = records_report_set_status;
  iface->reports_foreach = records_reports_foreach;
  iface->reports_query = records_reports_query;
  iface->reports_grid = records_reports_grid;
  iface->streets_within = records_streets_within;
  iface->street_names = records_street_names;
  iface->reports_count = records_reports_count;
  iface->status_since = records_status_since;
  iface->shift_put = records_shift_put;
  iface->points_add = records_points_add;
  iface->officer_shifts = records_officer_shifts;
  iface->shift_points = records_shift_points;
  iface->shift_coverage_get = records_shift_coverage_get;
  iface->shift_coverage_put = records_shift_coverage_put;
  iface->streets_get = records_streets_get;
  iface->streets_import = records_streets_import;
  iface->streets_since = records_streets_since;
  iface->merchants_import = records_merchants_import;
  iface->merchants_since = records_merchants_since;
  iface->enroll_failure_add = records_enroll_failure_add;
  iface->enroll_failures = records_enroll_failures;
  iface->revisions_raise = records_revisions_raise;
  iface->generation = records_generation;
  iface->generation_renew = records_generation_renew;
  iface->task_add = records_task_add;
  iface->task_get = records_task_get;
  iface->tasks_since = records_tasks_since;
  iface->task_cancel = records_task_cancel;
  iface->task_accept = records_task_accept;
  iface->task_result_put = records_task_result_put;
  iface->message_add = records_message_add;
  iface->messages_since = records_messages_since;
  iface->message_read = records_message_read;
  iface->photo_visible = records_photo_visible;
  iface->enrolled_key = records_enrolled_key;
  iface->evidence_put = records_evidence_put;
  iface->evidence_latest = records_evidence_latest;
  iface->evidence_of_report = records_evidence_of_report;
}

/* Migrations. */

static Outcome
migrate_body (XunchaOfficePgRecords  *self,
              PGconn                 *conn,
              gpointer                data,
              GError                **error)
{
  int latest = (int)G_N_ELEMENTS (migrations);
  g_autoptr(PGresult) lock = NULL;
  g_autoptr(PGresult) exists = NULL;
  int version = 0;

  /* Held until this transaction ends: a second office starting at the same time waits
   * here, then finds the schema made. */
  lock = run (conn, error, "SELECT pg_advisory_xact_lock ($1::bigint)", SCHEMA_LOCK);
  if (lock == NULL)
    return OUTCOME_ROLLBACK;
  exists = run0 (conn, error, "SELECT to_regclass ('xuncha_schema') IS NOT NULL");
  if (exists == NULL)
    return OUTCOME_ROLLBACK;
  if (bool_at (exists, 0, 0))
    {
      g_autoptr(PGresult) held = run0 (conn, error,
                                       "SELECT coalesce (max (version), 0) FROM xuncha_schema");

      if (held == NULL)
        return OUTCOME_ROLLBACK;
      version = (int)int64_at (held, 0, 0);
    }
  else
    {
      g_autoptr(PGresult) made = run0 (conn, error,
                                       "CREATE TABLE xuncha_schema ("
                                       "  version integer PRIMARY KEY,"
                                       "  applied_at timestamptz NOT NULL DEFAULT now ())");
      if (made == NULL)
        return OUTCOME_ROLLBACK;
    }
  if (version > latest)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER,
                   _("The PostgreSQL database was written by a newer xuncha-office (schema %d; "
                     "this one knows up to %d). Run the newer xuncha-office on it; the database "
                     "was left unchanged."), version, latest);
      return OUTCOME_ROLLBACK;
    }
  for (; version < latest; version++)
    {
      g_autofree char *next = g_strdup_printf ("%d", version + 1);
      g_autoptr(PGresult) noted = NULL;
      /* A migration is several statements of constant text, which only PQexec runs. */
      g_autoptr(PGresult) step = PQexec (conn, migrations[version]);

      if (PQresultStatus (step) != PGRES_COMMAND_OK && PQresultStatus (step) != PGRES_TUPLES_OK)
        {
          set_db_error (conn, step, "Could not update the database's schema", error);
          g_prefix_error (error, "Migration %d: ", version + 1);
          return OUTCOME_ROLLBACK;
        }
      noted = run (conn, error, "INSERT INTO xuncha_schema (version) VALUES ($1::integer)",
                   next);
      if (noted == NULL)
        return OUTCOME_ROLLBACK;
      g_debug ("PostgreSQL schema migrated to version %d", version + 1);
    }
  self->schema_version = version;
  return OUTCOME_COMMIT;
}

/* What the staff records (xuncha-office-pg-staff-records.c) use of the pool. */

typedef struct
{
  XunchaOfficePgWork work;
  gpointer           data;
} Work;

static Outcome
work_body (XunchaOfficePgRecords  *self,
           PGconn                 *conn,
           gpointer                data,
           GError                **error)
{
  Work *work = data;

  return work->work (conn, work->data, error) ? OUTCOME_COMMIT : OUTCOME_ROLLBACK;
}

gboolean
xuncha_office_pg_records_transact (XunchaOfficePgRecords  *self,
                                   const char             *method,
                                   gboolean                write,
                                   XunchaOfficePgWork      work,
                                   gpointer                data,
                                   GError                **error)
{
  Work w = { work, data };

  return transact (self, method, write ? TXN_WRITE : TXN_SNAPSHOT, work_body, &w, error);
}

gpointer
xuncha_office_pg_records_find (XunchaOfficePgRecords  *self,
                               const char             *method,
                               gboolean                write,
                               XunchaOfficePgWork      work,
                               gpointer                data,
                               gpointer               *found,
                               GDestroyNotify          found_free,
                               GError                **error)
{
  if (!xuncha_office_pg_records_transact (self, method, write, work, data, error))
    {
      g_clear_pointer (found, found_free);
      return NULL;
    }
  return g_steal_pointer (found);
}

PGresult *
xuncha_office_pg_records_run (PGconn             *conn,
                              GError            **error,
                              const char         *sql,
                              const char * const *params,
                              int                 n)
{
  return run_params (conn, error, sql, params, n);
}

int
xuncha_office_pg_records_schema_latest (void)
{
  return (int)G_N_ELEMENTS (migrations);
}

XunchaOfficePgRecords *
xuncha_office_pg_records_open (const char  *conninfo,
                               guint        pool_size,
                               GError     **error)
{
  g_autoptr(XunchaOfficePgRecords) self = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (pool_size > 0, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_PG_RECORDS, NULL);
  self->conninfo = g_strdup (conninfo);
  self->pool_size = pool_size;
  if (!transact (self, "migrate", TXN_WRITE, migrate_body, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
xuncha_office_pg_records_set_before_commit (XunchaOfficePgRecords     *self,
                                            XunchaOfficePgRecordsHook  hook,
                                            gpointer                   user_data)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_PG_RECORDS (self));

  self->before_commit = hook;
  self->before_commit_data = user_data;
}
