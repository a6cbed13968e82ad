/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>

#include "xuncha-office-case-workflow.h"
#include "xuncha-office-sqlite-records-private.h"
#include "xuncha-private-files-private.h"
#include "xuncha-sqlite-private.h"
#include "xuncha-statement-cache-private.h"

/* One connection of the pool, lent to one call at a time. */
typedef struct
{
  XunchaOfficeSqliteRecords *owner;
  sqlite3                   *db;
  XunchaStatementCache      *statements;
  gboolean                   writing;   /* holds the owner's writer lock */
} Connection;

struct _XunchaOfficeSqliteRecords
{
  GObject     parent_instance;

  char       *path;
  guint       pool_size;
  GMutex      lock;
  GCond       returned;
  /* One writer of this process at a time (see begin_write()). */
  GMutex      writer;
  GPtrArray  *idle;      /* Connection */
  guint       opened;    /* lent and idle together, at most pool_size */
};

static void records_iface_init (XunchaOfficeRecordsInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaOfficeSqliteRecords, xuncha_office_sqlite_records,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_RECORDS,
                                                      records_iface_init)
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_STAFF_RECORDS,
                                                      xuncha_office_sqlite_staff_records_iface_init)
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_CASE_RECORDS,
                                                      xuncha_office_sqlite_case_records_iface_init))

/* Numbered migrations: entry N takes the database from user_version N to N + 1. Never
 * edit one that has shipped: add a new one.
 *
 * 1: the schema as it was before the migrations were numbered. Offices of that time left
 *    user_version at 0 with these tables in place; every statement is IF NOT EXISTS, so
 *    the migration adopts such a database (and adds what an older one lacked, such as
 *    enroll_failures) instead of failing on it. The photos table is no longer written:
 *    photos live in the photo store since.
 * 2: the indexes the office's map and console queries read reports by: their time of
 *    receipt (also the order of an export) and their officer.
 * 3: the records' generation (one row), made anew by every restore: see
 *    xuncha_office_records_generation().
 * 4: tasks the office gives officers and teams, with their photos and results, messages
 *    and who read them (docs/protocol.md, Tasks and messages); report photos by name, for
 *    whether an officer may fetch one. A task's body is its wire encoding as made (open,
 *    without result, revision 0); what changes after (state, who accepted it, the case a
 *    verify found, the result, the revision) is in columns of its own.
 * 5: the console's staff accounts, their sessions, failed logins and the audit log
 *    (xuncha-office-sqlite-staff-records.c).
 * 6 (evidence): a device's public signing key kept with its token (docs/evidence.md), and
 *    found by its fingerprint, which the device's manifests name.
 * 7 (cases): the case workflow's time limit per category (with the defaults of
 *    XUNCHA_OFFICE_TIME_LIMIT_DEFAULTS_SQL), each case's deadline (Unix microseconds, 0 for
 *    none), assignee and number of steps, and its history
 *    (xuncha-office-sqlite-case-records.c).
 * 8 (evidence bundles): the signed manifests devices send (docs/evidence.md), by key,
 *    chain and sequence, and by report and revision; a manifest's bytes as sent, its
 *    signature in base64. Its tables only.
 * 9 (console queries): what the console filters and maps reports by, in columns of their own
 *    with indexes (created_at as Unix seconds, the position, the street segment), and each
 *    street segment's name, class and bounding box (an R*Tree), kept by every streets
 *    import (xuncha-office-sqlite-report-query.c).
 * 10 (officers): when each device token last began a sync (who-am-I), wall-clock
 *    microseconds, for the console's officers. Its column only.
 * 11 (weekly counts): the merchant a report names in a column of its own, and an index
 *    holding every column the weekly report counts a week's reports by, so that its counts
 *    read the index alone and no report's row or body (xuncha_office_sqlite_reports_count());
 *    the street segments' names and classes likewise by their id.
 * 12 (case closing time): each case's closing time (its last step to 结案, Unix
 *    microseconds; NULL while not closed), set by the step that closes it and filled from the
 *    history here, so that the weekly case figures read the cases closed in a week or open
 *    past their deadline by its index instead of every case's history.
 * 13 (street names): the street segments' names by themselves, for the console's street
 *    picker, which asks for the few names beginning with what was typed
 *    (xuncha_office_sqlite_street_names()).
 * 14 (coverage cache): each shift's coverage of its officer's assigned segments (the
 *    walked ids as a JSON array, their length) with the inputs it was computed from (point
 *    count, highest seq, streets' revision, SHA-256 of the assigned ids), so that the
 *    weekly report reads it instead of the shift's points (records_shift_coverage_get());
 *    and each shift's point count, kept by points_add, so that telling whether it is
 *    current reads no point. Its table and column only. */
static const char * const migrations[] = {
  "CREATE TABLE IF NOT EXISTS officers ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT,"
  "  leader INTEGER NOT NULL DEFAULT 0, code_sha256 TEXT,"
  "  revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS tokens ("
  "  sha256 TEXT PRIMARY KEY, officer_id TEXT NOT NULL REFERENCES officers (id),"
  "  device_name TEXT, created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS assignments ("
  "  officer_id TEXT NOT NULL, street_id TEXT NOT NULL, PRIMARY KEY (officer_id, street_id));"
  "CREATE TABLE IF NOT EXISTS photos ("
  "  sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, received_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS reports ("
  "  uuid TEXT PRIMARY KEY, officer_id TEXT NOT NULL, body TEXT NOT NULL,"
  "  content_sha256 TEXT NOT NULL, receipt_id TEXT NOT NULL UNIQUE,"
  "  received_at TEXT NOT NULL, created_at TEXT, category TEXT,"
  "  case_status TEXT, case_status_at TEXT, status_revision INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS reports_status ON reports (status_revision);"
  "CREATE TABLE IF NOT EXISTS report_photos ("
  "  report_uuid TEXT NOT NULL, sha256 TEXT NOT NULL, role TEXT NOT NULL,"
  "  PRIMARY KEY (report_uuid, sha256, role));"
  /* A second version of a report under the same uuid: kept for a person to review. */
  "CREATE TABLE IF NOT EXISTS report_conflicts ("
  "  uuid TEXT NOT NULL, content_sha256 TEXT NOT NULL, officer_id TEXT NOT NULL,"
  "  body TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (uuid, content_sha256));"
  "CREATE TABLE IF NOT EXISTS shifts ("
  "  uuid TEXT PRIMARY KEY, officer_id TEXT NOT NULL, kind TEXT NOT NULL,"
  "  started_at TEXT NOT NULL, ended_at TEXT);"
  "CREATE TABLE IF NOT EXISTS track_points ("
  "  shift_uuid TEXT NOT NULL, seq INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
  "  lat REAL NOT NULL, lon REAL NOT NULL, accuracy REAL, altitude REAL, speed REAL,"
  "  heading REAL, PRIMARY KEY (shift_uuid, seq)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS features ("
  "  kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, revision INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, id));"
  "CREATE INDEX IF NOT EXISTS features_revision ON features (kind, revision);"
  "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
  /* Failed enrollment attempts (at: wall-clock microseconds), so that the limits on
   * guessing codes outlive a restart and hold for every office process. */
  "CREATE TABLE IF NOT EXISTS enroll_failures ("
  "  officer_id TEXT NOT NULL, address TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS enroll_failures_at ON enroll_failures (at);",

  "CREATE INDEX reports_received ON reports (received_at, uuid);"
  "CREATE INDEX reports_officer ON reports (officer_id, received_at);",

  "CREATE TABLE generation (id TEXT NOT NULL);"
  "INSERT INTO generation (id) VALUES (lower (hex (randomblob (16))));",

  "CREATE TABLE tasks ("
  "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, officer_id TEXT, team TEXT,"
  "  state TEXT NOT NULL, accepted_by TEXT, deadline_us INTEGER NOT NULL,"
  "  report_uuid TEXT, body TEXT NOT NULL, result_uuid TEXT, result TEXT,"
  "  created_at TEXT NOT NULL, revision INTEGER NOT NULL);"
  "CREATE INDEX tasks_revision ON tasks (revision);"
  "CREATE INDEX tasks_due ON tasks (state, deadline_us);"
  "CREATE TABLE task_photos ("
  "  task_id TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (task_id, sha256));"
  "CREATE INDEX task_photos_sha256 ON task_photos (sha256);"
  "CREATE INDEX report_photos_sha256 ON report_photos (sha256);"
  "CREATE TABLE messages ("
  "  id TEXT PRIMARY KEY, audience TEXT NOT NULL, officer_id TEXT, team TEXT,"
  "  sender TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, sent_at TEXT NOT NULL,"
  "  revision INTEGER NOT NULL);"
  "CREATE INDEX messages_revision ON messages (revision);"
  "CREATE TABLE message_reads ("
  "  message_id TEXT NOT NULL, officer_id TEXT NOT NULL, read_at TEXT NOT NULL,"
  "  revision INTEGER NOT NULL, PRIMARY KEY (message_id, officer_id));"
  "CREATE INDEX message_reads_revision ON message_reads (officer_id, revision);",

  /* The console's tables only. Times are wall-clock microseconds; a session is kept by
   * the SHA-256 of its id. */
  "CREATE TABLE staff ("
  "  name TEXT PRIMARY KEY, role TEXT NOT NULL, team TEXT, password_hash TEXT NOT NULL,"
  "  must_change INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE staff_sessions ("
  "  id_sha256 TEXT PRIMARY KEY, staff_name TEXT NOT NULL REFERENCES staff (name),"
  "  csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL, seen_at INTEGER NOT NULL);"
  "CREATE INDEX staff_sessions_staff ON staff_sessions (staff_name);"
  "CREATE INDEX staff_sessions_seen ON staff_sessions (seen_at);"
  "CREATE TABLE staff_login_failures ("
  "  name TEXT NOT NULL, address TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE INDEX staff_login_failures_at ON staff_login_failures (at);"
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,"
  "  action TEXT NOT NULL, subject TEXT, before TEXT, after TEXT);",

  "ALTER TABLE tokens ADD COLUMN key_algorithm TEXT;"
  "ALTER TABLE tokens ADD COLUMN public_key TEXT;"
  "ALTER TABLE tokens ADD COLUMN key_fingerprint TEXT;"
  "CREATE INDEX tokens_key_fingerprint ON tokens (key_fingerprint);",

  /* The case workflow's tables only. */
  "CREATE TABLE case_time_limits ("
  "  category TEXT PRIMARY KEY, amount INTEGER NOT NULL, unit TEXT NOT NULL);"
  "INSERT INTO case_time_limits (category, amount, unit) VALUES "
  XUNCHA_OFFICE_TIME_LIMIT_DEFAULTS_SQL ";"
  "CREATE TABLE cases ("
  "  report_uuid TEXT PRIMARY KEY, deadline_us INTEGER NOT NULL DEFAULT 0, assignee TEXT,"
  "  steps INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX cases_deadline ON cases (deadline_us);"
  "CREATE TABLE case_history ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, report_uuid TEXT NOT NULL, at INTEGER NOT NULL,"
  "  actor TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL,"
  "  to_status TEXT NOT NULL, note TEXT, assignee TEXT,"
  "  deadline_us INTEGER NOT NULL DEFAULT 0, task_id TEXT);"
  "CREATE INDEX case_history_report ON case_history (report_uuid, id);",

  /* The evidence manifests' table only. */
  "CREATE TABLE evidence_manifests ("
  "  device_key TEXT NOT NULL, chain INTEGER NOT NULL, sequence INTEGER NOT NULL,"
  "  report_uuid TEXT NOT NULL, revision INTEGER NOT NULL, sha256 TEXT NOT NULL UNIQUE,"
  "  manifest TEXT NOT NULL, signature TEXT NOT NULL,"
  "  chain_break INTEGER NOT NULL DEFAULT 0, received_at TEXT NOT NULL,"
  "  PRIMARY KEY (device_key, chain, sequence));"
  "CREATE INDEX evidence_manifests_report ON evidence_manifests (report_uuid, revision);",

  /* The console's filtered list and map: their columns, indexes and tables only. */
  "ALTER TABLE reports ADD COLUMN created_s INTEGER;"
  "ALTER TABLE reports ADD COLUMN lat REAL;"
  "ALTER TABLE reports ADD COLUMN lon REAL;"
  "ALTER TABLE reports ADD COLUMN street_id TEXT;"
  "UPDATE reports SET created_s = unixepoch (created_at),"
  "  lat = json_extract (body, '$.position.lat'), lon = json_extract (body, '$.position.lon'),"
  "  street_id = json_extract (body, '$.street.id');"
  "CREATE INDEX reports_created ON reports (created_s);"
  "CREATE INDEX reports_category_created ON reports (category, created_s);"
  "CREATE INDEX reports_street_created ON reports (street_id, created_s);"
  "CREATE INDEX reports_officer_created ON reports (officer_id, created_s);"
  "CREATE INDEX reports_case_created ON reports (case_status, created_s);"
  "CREATE INDEX reports_place ON reports (lat, lon);"
  "CREATE TABLE street_extents ("
  "  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT, class TEXT NOT NULL);"
  "CREATE INDEX street_extents_class ON street_extents (class);"
  "CREATE VIRTUAL TABLE street_boxes USING rtree (rid, west, east, south, north);"
  "INSERT INTO street_extents (id, name, class)"
  "  SELECT id, json_extract (body, '$.name'), json_extract (body, '$.class') FROM features"
  "  WHERE kind = 'streets' AND deleted = 0;"
  /* A coordinate pair's first member is its longitude, its second its latitude. */
  "INSERT INTO street_boxes (rid, west, east, south, north)"
  "  SELECT s.rid, min (CASE WHEN t.key = 0 THEN t.value END),"
  "    max (CASE WHEN t.key = 0 THEN t.value END), min (CASE WHEN t.key = 1 THEN t.value END),"
  "    max (CASE WHEN t.key = 1 THEN t.value END)"
  "  FROM street_extents s JOIN features f ON f.kind = 'streets' AND f.id = s.id,"
  "    json_tree (f.body, '$.geometry.coordinates') t"
  "  WHERE t.type IN ('real', 'integer') GROUP BY s.rid;",

  /* The console's officers: a device's last sync. Its column only. */
  "ALTER TABLE tokens ADD COLUMN seen_us INTEGER;",

  /* The weekly report's counts: their column and indexes only. */
  "ALTER TABLE reports ADD COLUMN merchant_id TEXT;"
  "UPDATE reports SET merchant_id = json_extract (body, '$.merchant_id');"
  "CREATE INDEX reports_week ON reports"
  "  (created_s, category, officer_id, case_status, street_id, merchant_id);"
  "CREATE INDEX street_extents_named ON street_extents (id, name, class);",

  /* The cases' closing time: its column and index only. */
  "ALTER TABLE cases ADD COLUMN closed_us INTEGER;"
  "UPDATE cases SET closed_us = (SELECT max (h.at) FROM case_history h"
  "  WHERE h.report_uuid = cases.report_uuid AND h.to_status = '" XUNCHA_OFFICE_CASE_CLOSED "');"
  "CREATE INDEX cases_closed ON cases (closed_us, deadline_us);",

  /* The street picker's names: its index only. */
  "CREATE INDEX street_extents_name ON street_extents (name);",

  /* The coverage cache: its table only. */
  "CREATE TABLE shift_coverage ("
  "  shift_uuid TEXT PRIMARY KEY, n_points INTEGER NOT NULL, newest_seq INTEGER NOT NULL,"
  "  streets_revision INTEGER NOT NULL, assigned_sha256 TEXT NOT NULL,"
  "  walked_ids TEXT NOT NULL, walked_m REAL NOT NULL);"
  "ALTER TABLE shifts ADD COLUMN n_points INTEGER NOT NULL DEFAULT 0;"
  "UPDATE shifts SET n_points = (SELECT count(*) FROM track_points t"
  "  WHERE t.shift_uuid = shifts.uuid);",
};

int
xuncha_office_sqlite_records_latest_version (void)
{
  return (int)G_N_ELEMENTS (migrations);
}

/* Connections. */

static gboolean
db_error (Connection  *c,
          GError     **error,
          const char  *what)
{
  int rc = sqlite3_errcode (c->db);

  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
               rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? XUNCHA_OFFICE_STORAGE_ERROR_BUSY
                                                        : XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               "%s: %s", what, sqlite3_errmsg (c->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (Connection  *c,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = xuncha_statement_cache_prepare (c->statements, c->db, sql);

  if (stmt == NULL)
    db_error (c, error, "Could not prepare a statement");
  return stmt;
}

static gboolean
step_done (Connection    *c,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_error (c, error, "Database write failed");
  return TRUE;
}

static gboolean
exec (Connection  *c,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (c, error, "Database command failed");
  return TRUE;
}

static void
rollback (Connection *c)
{
  if (!sqlite3_get_autocommit (c->db))
    sqlite3_exec (c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Every write is BEGIN IMMEDIATE: it takes the write lock at its start, under the busy
 * timeout. A deferred transaction that reads first and then writes could not wait for the
 * lock when another connection wrote in between (SQLite answers BUSY at once then, as
 * waiting could deadlock). */
static gboolean
begin_write (Connection  *c,
             GError     **error)
{
  /* The workers of this process queue for the write lock here, each woken as soon as the
   * one before is done: SQLite's busy handler waits by sleeping, longer at each try (up to
   * 100 ms), so eight workers contending for the lock spent most of a rush asleep with
   * the lock free. Other processes on the same file still wait in the busy handler. The
   * lock is let go when the connection is given back (give_back()). */
  g_mutex_lock (&c->owner->writer);
  c->writing = TRUE;
  return exec (c, "BEGIN IMMEDIATE", error);
}

/* A read of several statements sees one snapshot: WAL readers never wait for a writer. */
static gboolean
begin_read (Connection  *c,
            GError     **error)
{
  return exec (c, "BEGIN", error);
}

static void
connection_close (Connection *c)
{
  g_clear_pointer (&c->statements, xuncha_statement_cache_free);
  if (c->db != NULL)
    sqlite3_close_v2 (c->db);
  g_free (c);
}

static gboolean
read_version (sqlite3  *db,
              int      *version)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

/* Opens one connection. The schema version is read before anything could write (not even
 * journal_mode = WAL, which rewrites the header): a database a newer office made is left
 * exactly as it was. */
static Connection *
connection_open (XunchaOfficeSqliteRecords  *self,
                 GError                    **error)
{
  Connection *c = g_new0 (Connection, 1);
  int version = 0;

  c->owner = self;
  c->statements = xuncha_statement_cache_new ();
  if (sqlite3_open_v2 (self->path, &c->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not open %s: %s", self->path,
                   c->db != NULL ? sqlite3_errmsg (c->db) : "out of memory");
      connection_close (c);
      return NULL;
    }
  sqlite3_busy_timeout (c->db, 5000);
  /* Closing the last connection to a WAL database checkpoints it, which writes to it: not
   * before the version is known to be ours. */
  sqlite3_db_config (c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (!read_version (c->db, &version))
    {
      db_error (c, error, "Could not read the database's schema version");
      g_prefix_error (error, "%s: ", self->path);
      connection_close (c);
      return NULL;
    }
  if (version > xuncha_office_sqlite_records_latest_version ())
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER,
                   _("%s was written by a newer xuncha-office (schema %d; this one knows up "
                     "to %d). Run the newer xuncha-office on it; the file was left unchanged."),
                   self->path, version, xuncha_office_sqlite_records_latest_version ());
      connection_close (c);
      return NULL;
    }
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    const char *mode;

    /* journal_mode answers with the mode in force: WAL can be refused (a network file
     * system), and several readers beside a writer need it. */
    if (sqlite3_prepare_v2 (c->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK
        || sqlite3_step (stmt) != SQLITE_ROW)
      {
        db_error (c, error, "Could not set up the database");
        connection_close (c);
        return NULL;
      }
    mode = (const char *)sqlite3_column_text (stmt, 0);
    if (g_ascii_strcasecmp (mode, "wal") != 0)
      {
        g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                     "%s could not switch to write-ahead logging (mode %s)", self->path, mode);
        connection_close (c);
        return NULL;
      }
  }
  sqlite3_db_config (c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  /* FULL: a receipt the device was given survives a power cut, not only a crash. */
  if (!exec (c, "PRAGMA synchronous = FULL", error))
    {
      connection_close (c);
      return NULL;
    }
  return c;
}

/* Brings the database to the newest schema. Another office process may be doing the same:
 * the version is read again under the write lock, so each migration runs once. */
static gboolean
migrate (Connection  *c,
         GError     **error)
{
  int version = 0;
  int latest = xuncha_office_sqlite_records_latest_version ();

  if (!begin_write (c, error))
    return FALSE;
  if (!read_version (c->db, &version))
    {
      db_error (c, error, "Could not read the database's schema version");
      goto fail;
    }
  if (version > latest)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER,
                   _("%s was written by a newer xuncha-office (schema %d; this one knows up "
                     "to %d). Run the newer xuncha-office on it; the file was left unchanged."),
                   c->owner->path, version, latest);
      goto fail;
    }
  for (; version < latest; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      g_debug ("Migrating %s from schema %d to %d", c->owner->path, version, version + 1);
      if (!exec (c, migrations[version], error) || !exec (c, bump, error))
        {
          g_prefix_error (error, "Could not upgrade %s to schema %d: ", c->owner->path,
                          version + 1);
          goto fail;
        }
    }
  return exec (c, "COMMIT", error);

fail:
  rollback (c);
  return FALSE;
}

/* Lends a connection: an idle one, a new one while fewer than pool_size are open, or the
 * first one given back. */
static Connection *
take (XunchaOfficeSqliteRecords  *self,
      GError                    **error)
{
  Connection *c = NULL;

  g_mutex_lock (&self->lock);
  while (self->idle->len == 0 && self->opened >= self->pool_size)
    g_cond_wait (&self->returned, &self->lock);
  if (self->idle->len > 0)
    c = g_ptr_array_steal_index (self->idle, self->idle->len - 1);
  else
    self->opened++;
  g_mutex_unlock (&self->lock);
  if (c != NULL)
    return c;

  c = connection_open (self, error);
  if (c == NULL)
    {
      g_mutex_lock (&self->lock);
      self->opened--;
      g_cond_signal (&self->returned);
      g_mutex_unlock (&self->lock);
    }
  return c;
}

static void
give_back (Connection *c)
{
  XunchaOfficeSqliteRecords *self = c->owner;

  /* A call that returned early inside a transaction must not leave it to the next. */
  rollback (c);
  if (c->writing)
    {
      c->writing = FALSE;
      g_mutex_unlock (&self->writer);
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, c);
  g_cond_signal (&self->returned);
  g_mutex_unlock (&self->lock);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Connection, give_back)

/* Codes, tokens, times and counters. */

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

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
new_generation (void)
{
  guint8 bytes[16];
  GString *text = g_string_sized_new (2 * sizeof bytes);

  random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (text, "%02x", bytes[i]);
  return g_string_free (text, FALSE);
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

#define column_text xuncha_office_sqlite_column_text

/* The first column of the first row of @sql (a literal) with @text as ?1; 0 without. */
static gboolean
query_int64 (Connection  *c,
             const char  *sql,
             const char  *text,
             gint64      *value,
             GError     **error)
{
  sqlite3_stmt *stmt = prepare (c, sql, error);
  int rc;

  *value = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Database read failed");
  return TRUE;
}

/* Revisions are counted inside the write transaction that uses them. SQLite lets one
 * writer in at a time (BEGIN IMMEDIATE), so the revisions are given in the order the
 * transactions commit: no reader can ever see revision N + 1 without N, and a device that
 * asks from the revision it was answered misses nothing. */
static gboolean
counter_get (Connection  *c,
             const char  *name,
             gint64      *value,
             GError     **error)
{
  return query_int64 (c, "SELECT value FROM counters WHERE name = ?1", name, value, error);
}

static gboolean
counter_set (Connection  *c,
             const char  *name,
             gint64       value,
             GError     **error)
{
  sqlite3_stmt *stmt = prepare (c,
                                "INSERT INTO counters (name, value) VALUES (?1, ?2) "
                                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  return step_done (c, stmt, error);
}

static JsonNode *
parse_body (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* Officers and tokens. */

static int
records_schema_version (XunchaOfficeRecords *records)
{
  XunchaOfficeSqliteRecords *self = XUNCHA_OFFICE_SQLITE_RECORDS (records);
  g_autoptr(Connection) c = take (self, NULL);
  int version = 0;

  if (c == NULL || !read_version (c->db, &version))
    return 0;
  return version;
}

/* Writes @audit (nullable) in @c's write transaction, the change's own. */
static gboolean
audit_in (Connection                    *c,
          const XunchaOfficeAuditEntry  *audit,
          GError                       **error)
{
  return audit == NULL
         || xuncha_office_sqlite_audit_insert ((XunchaOfficeSqliteConnection *)c, audit, error);
}

static gboolean
records_officer_add (XunchaOfficeRecords           *records,
                     const XunchaWireOfficer       *officer,
                     const XunchaOfficeAuditEntry  *audit,
                     char                         **code,
                     GError                       **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *new_code = random_code ();
  g_autofree char *hash = code_hash (new_code);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c,
                  "INSERT INTO officers (id, name, team, leader, code_sha256, revoked, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) "
                  "ON CONFLICT (id) DO UPDATE SET name = excluded.name, team = excluded.team, "
                  "  leader = excluded.leader, code_sha256 = excluded.code_sha256, revoked = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer->team, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, officer->leader);
  sqlite3_bind_text (stmt, 5, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error) || !audit_in (c, audit, error)
      || !exec (c, "COMMIT", error))
    return FALSE;
  *code = g_steal_pointer (&new_code);
  return TRUE;
}

static gboolean
records_officer_add_new (XunchaOfficeRecords           *records,
                         const XunchaWireOfficer       *officer,
                         const XunchaOfficeAuditEntry  *audit,
                         char                         **code,
                         GError                       **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *new_code = random_code ();
  g_autofree char *hash = code_hash (new_code);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c,
                  "INSERT INTO officers (id, name, team, leader, code_sha256, revoked, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (id) DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer->team, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, officer->leader);
  sqlite3_bind_text (stmt, 5, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (sqlite3_changes (c->db) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "Officer %s exists already", officer->id);
      return FALSE;
    }
  if (!audit_in (c, audit, error) || !exec (c, "COMMIT", error))
    return FALSE;
  *code = g_steal_pointer (&new_code);
  return TRUE;
}

/* Revokes the officer and his tokens inside @c's write transaction. */
static gboolean
officer_revoke_in (Connection  *c,
                   const char  *officer_id,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (c, "UPDATE officers SET revoked = 1, code_sha256 = NULL WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (sqlite3_changes (c->db) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", officer_id);
      return FALSE;
    }
  stmt = prepare (c, "UPDATE tokens SET revoked = 1 WHERE officer_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  return step_done (c, stmt, error);
}

static gboolean
records_officer_revoke (XunchaOfficeRecords           *records,
                        const char                    *officer_id,
                        const XunchaOfficeAuditEntry  *audit,
                        GError                       **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  return c != NULL && begin_write (c, error) && officer_revoke_in (c, officer_id, error)
         && audit_in (c, audit, error) && exec (c, "COMMIT", error);
}

static gboolean
records_officer_reset (XunchaOfficeRecords           *records,
                       const char                    *officer_id,
                       const XunchaOfficeAuditEntry  *audit,
                       char                         **code,
                       GError                       **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *new_code = random_code ();
  g_autofree char *hash = code_hash (new_code);
  sqlite3_stmt *stmt;

  if (c == NULL || !begin_write (c, error) || !officer_revoke_in (c, officer_id, error))
    return FALSE;
  stmt = prepare (c, "UPDATE officers SET revoked = 0, code_sha256 = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error) || !audit_in (c, audit, error)
      || !exec (c, "COMMIT", error))
    return FALSE;
  *code = g_steal_pointer (&new_code);
  return TRUE;
}

static void
officer_from_row (sqlite3_stmt      *stmt,
                  int                first,
                  XunchaWireOfficer *officer)
{
  officer->id = g_strdup (column_text (stmt, first));
  officer->name = g_strdup (column_text (stmt, first + 1));
  officer->team = g_strdup (column_text (stmt, first + 2));
  officer->leader = sqlite3_column_int (stmt, first + 3) != 0;
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, XUNCHA_OFFICE_STORAGE_ERROR,
                       XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

static gboolean
enroll_in (Connection         *c,
           const char         *officer_id,
           const char         *code,
           const char         *device_name,
           XunchaEvidenceKey  *key,
           char              **token,
           XunchaWireOfficer  *officer,
           GError            **error)
{
  g_autofree char *hash = code_hash (code);
  g_autofree char *new_token = random_token ();
  g_autofree char *token_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, new_token, -1);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;
  gboolean match;

  /* Under the write lock from the start: two devices racing for one code, in this process
   * or another, are served one after the other, and the second finds it spent. */
  if (!begin_write (c, error))
    return FALSE;
  stmt = prepare (c,
                  "SELECT id, name, team, leader, code_sha256 FROM officers "
                  "WHERE id = ?1 AND revoked = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return unauthorized (error, "Unknown officer or wrong enrollment code");
    }
  match = column_text (stmt, 4) != NULL && g_str_equal (column_text (stmt, 4), hash);
  if (match)
    officer_from_row (stmt, 0, officer);
  sqlite3_reset (stmt);
  if (!match)
    return unauthorized (error, "Unknown officer or wrong enrollment code");

  stmt = prepare (c,
                  "INSERT INTO tokens (sha256, officer_id, device_name, created_at, "
                  "  key_algorithm, public_key, key_fingerprint) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, device_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_STATIC);
  /* Unbound parameters are NULL: a device of before keys. */
  if (key != NULL)
    {
      sqlite3_bind_text (stmt, 5, xuncha_evidence_key_get_algorithm (key), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, xuncha_evidence_key_get_public (key), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, xuncha_evidence_key_get_fingerprint (key), -1,
                         SQLITE_STATIC);
    }
  if (!step_done (c, stmt, error))
    return FALSE;
  /* One-time: the code is spent. */
  stmt = prepare (c, "UPDATE officers SET code_sha256 = NULL WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error) || !exec (c, "COMMIT", error))
    return FALSE;
  *token = g_steal_pointer (&new_token);
  return TRUE;
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
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  if (c == NULL)
    return FALSE;
  if (!enroll_in (c, officer_id, code, device_name, key, token, officer, error))
    {
      xuncha_wire_officer_clear (officer);
      return FALSE;
    }
  return TRUE;
}

static gboolean
records_authenticate (XunchaOfficeRecords  *records,
                      const char           *token,
                      XunchaWireOfficer    *officer,
                      GError              **error)
{
  g_autoptr(Connection) c = NULL;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gboolean found;
  int rc;

  if (token == NULL || *token == '\0')
    return unauthorized (error, "No device token; enroll this device");
  c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  if (c == NULL)
    return FALSE;
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  stmt = prepare (c,
                  "SELECT o.id, o.name, o.team, o.leader FROM tokens t "
                  "JOIN officers o ON o.id = t.officer_id "
                  "WHERE t.sha256 = ?1 AND t.revoked = 0 AND o.revoked = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  found = rc == SQLITE_ROW;
  if (found)
    officer_from_row (stmt, 0, officer);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not check the device token");
  if (!found)
    return unauthorized (error, "The office does not accept this device token (revoked or "
                         "unknown); enroll again");
  return TRUE;
}

static gboolean
records_device_seen (XunchaOfficeRecords  *records,
                     const char           *token,
                     gint64                at_us,
                     GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sqlite3_stmt *stmt;
  gboolean done;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c, "UPDATE tokens SET seen_us = ?2 WHERE sha256 = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, at_us);
  /* Not worth a wait: a who-am-I is answered at once also while another call writes. */
  sqlite3_busy_timeout (c->db, 0);
  done = step_done (c, stmt, error);
  sqlite3_busy_timeout (c->db, 5000);
  return done;
}

static XunchaOfficeEnrolledKey *
records_enrolled_key (XunchaOfficeRecords  *records,
                      const char           *token,
                      const char           *fingerprint,
                      GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *hash = NULL;
  XunchaOfficeEnrolledKey *key = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  /* The first enrollment with a key names it: a key is made anew at every enrollment, so
   * a fingerprint appears once unless a device was restored from a copy. */
  stmt = token != NULL
         ? prepare (c, "SELECT officer_id, device_name, created_at, key_algorithm, public_key, "
                       "  key_fingerprint FROM tokens WHERE sha256 = ?1 "
                       "  AND key_fingerprint IS NOT NULL", error)
         : prepare (c, "SELECT officer_id, device_name, created_at, key_algorithm, public_key, "
                       "  key_fingerprint FROM tokens WHERE key_fingerprint = ?1 "
                       "ORDER BY created_at LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  if (token != NULL)
    hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sqlite3_bind_text (stmt, 1, token != NULL ? hash : fingerprint, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    key = xuncha_office_enrolled_key_new (column_text (stmt, 0), column_text (stmt, 1),
                                          column_text (stmt, 2), column_text (stmt, 3),
                                          column_text (stmt, 4), column_text (stmt, 5));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read a device's signing key");
      return NULL;
    }
  return key;
}

/* --- signed manifests (docs/evidence.md) --- */

#define EVIDENCE_COLUMNS \
  "device_key, chain, sequence, report_uuid, revision, sha256, manifest, signature, " \
  "chain_break, received_at"

static XunchaOfficeEvidenceRecord *
evidence_from_row (sqlite3_stmt *stmt)
{
  XunchaOfficeEvidenceRecord *record = xuncha_office_evidence_record_new ();
  gsize length = 0;
  guchar *signature;

  record->device_key = g_strdup (column_text (stmt, 0));
  record->chain = sqlite3_column_int64 (stmt, 1);
  record->sequence = sqlite3_column_int64 (stmt, 2);
  record->report_uuid = g_strdup (column_text (stmt, 3));
  record->revision = sqlite3_column_int64 (stmt, 4);
  record->sha256 = g_strdup (column_text (stmt, 5));
  record->manifest = g_strdup (column_text (stmt, 6));
  signature = g_base64_decode (column_text (stmt, 7), &length);
  record->signature = g_bytes_new_take (signature, length);
  record->chain_break = sqlite3_column_int (stmt, 8) != 0;
  record->received_at = g_strdup (column_text (stmt, 9));
  return record;
}

static gboolean
records_evidence_put (XunchaOfficeRecords               *records,
                      const XunchaOfficeEvidenceRecord  *record,
                      gboolean                          *held,
                      GError                           **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *now = now_iso ();
  g_autofree char *signature = NULL;
  sqlite3_stmt *stmt;
  gboolean later;
  int rc;

  *held = FALSE;
  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c, "SELECT 1 FROM evidence_manifests WHERE sha256 = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record->sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      *held = TRUE;
      return exec (c, "COMMIT", error);
    }

  /* The caller checked the manifest against the latest it read; another call may have
   * kept one since. */
  stmt = prepare (c, "SELECT 1 FROM evidence_manifests WHERE device_key = ?1 AND "
                  "  (chain > ?2 OR (chain = ?2 AND sequence >= ?3))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record->device_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, record->chain);
  sqlite3_bind_int64 (stmt, 3, record->sequence);
  later = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (later)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The office already holds manifest %" G_GINT64_FORMAT " or a later one of "
                   "this device key", record->sequence);
      return FALSE;
    }

  signature = g_base64_encode (g_bytes_get_data (record->signature, NULL),
                               g_bytes_get_size (record->signature));
  stmt = prepare (c, "INSERT INTO evidence_manifests (" EVIDENCE_COLUMNS ") "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record->device_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, record->chain);
  sqlite3_bind_int64 (stmt, 3, record->sequence);
  sqlite3_bind_text (stmt, 4, record->report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, record->revision);
  sqlite3_bind_text (stmt, 6, record->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, record->manifest, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, signature, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, record->chain_break ? 1 : 0);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  return exec (c, "COMMIT", error);
}

static XunchaOfficeEvidenceRecord *
records_evidence_latest (XunchaOfficeRecords  *records,
                         const char           *device_key,
                         GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  XunchaOfficeEvidenceRecord *record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT " EVIDENCE_COLUMNS " FROM evidence_manifests "
                  "WHERE device_key = ?1 ORDER BY chain DESC, sequence DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = evidence_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the signed manifests");
      return NULL;
    }
  return record;
}

static GPtrArray *
records_evidence_of_report (XunchaOfficeRecords  *records,
                            const char           *uuid,
                            GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify)xuncha_office_evidence_record_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT " EVIDENCE_COLUMNS " FROM evidence_manifests "
                  "WHERE report_uuid = ?1 ORDER BY revision", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (found, evidence_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the signed manifests");
      return NULL;
    }
  return g_steal_pointer (&found);
}

static GStrv
records_assigned_streets (XunchaOfficeRecords  *records,
                          const char           *officer_id,
                          GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT street_id FROM assignments WHERE officer_id = ?1 "
                  "ORDER BY street_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the assigned streets");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static gboolean
records_assign_streets (XunchaOfficeRecords           *records,
                        const char                    *officer_id,
                        const char * const            *street_ids,
                        const XunchaOfficeAuditEntry  *audit,
                        GError                       **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  gboolean known;

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c, "SELECT 1 FROM officers WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  known = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!known)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", officer_id);
      return FALSE;
    }

  stmt = prepare (c, "DELETE FROM assignments WHERE officer_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;

  for (guint i = 0; street_ids[i] != NULL; i++)
    {
      stmt = prepare (c, "SELECT 1 FROM features WHERE kind = 'streets' AND id = ?1 "
                      "AND deleted = 0", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, street_ids[i], -1, SQLITE_STATIC);
      known = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (!known)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                       "No street segment %s; import the streets first", street_ids[i]);
          return FALSE;
        }
      stmt = prepare (c, "INSERT OR IGNORE INTO assignments (officer_id, street_id) "
                      "VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, street_ids[i], -1, SQLITE_STATIC);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  return audit_in (c, audit, error) && exec (c, "COMMIT", error);
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

/* A report may follow (parent_uuid) only its officer's own reports and belong only to his
 * own shifts. One the office does not hold (yet) passes: a device sends its reports before
 * its shifts, and a parent that failed to arrive is not this report's fault. */
static gboolean
owned_or_unknown (Connection               *c,
                  const char               *sql,
                  const char               *uuid,
                  const XunchaWireOfficer  *officer,
                  const char               *member,
                  const char               *what,
                  GError                  **error)
{
  sqlite3_stmt *stmt;
  gboolean other;
  int rc;

  if (uuid == NULL)
    return TRUE;
  stmt = prepare (c, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  other = rc == SQLITE_ROW && g_strcmp0 (column_text (stmt, 0), officer->id) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not read whose report or shift it follows");
  if (other)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                   "%s: %s is %s", member, uuid, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
report_put_in (Connection               *c,
               const XunchaWireOfficer  *officer,
               const XunchaWireReport   *report,
               gboolean                 *created,
               XunchaOfficeReceipt      *receipt,
               GError                  **error)
{
  g_autofree char *body = xuncha_wire_report_encode (report);
  g_autofree char *content = xuncha_protocol_sha256_hex (body);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;
  gint64 created_s;
  int rc;

  if (!begin_write (c, error))
    return FALSE;
  if (!owned_or_unknown (c, "SELECT officer_id FROM reports WHERE uuid = ?1",
                         report->parent_uuid, officer, "report.parent_uuid",
                         "another officer's report", error)
      || !owned_or_unknown (c, "SELECT officer_id FROM shifts WHERE uuid = ?1",
                            report->shift_uuid, officer, "report.shift_uuid",
                            "another officer's shift", error))
    return FALSE;

  stmt = prepare (c,
                  "SELECT officer_id, content_sha256, receipt_id, received_at FROM reports "
                  "WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean mine = g_strcmp0 (column_text (stmt, 0), officer->id) == 0;
      gboolean same = g_strcmp0 (column_text (stmt, 1), content) == 0;

      if (mine)
        {
          receipt->id = g_strdup (column_text (stmt, 2));
          receipt->received_at = g_strdup (column_text (stmt, 3));
          receipt->content_sha256 = g_strdup (column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
      if (!mine)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                       "Report %s belongs to another officer", report->uuid);
          return FALSE;
        }
      if (same)
        {
          *created = FALSE;
          return exec (c, "COMMIT", error);
        }
      stmt = prepare (c,
                      "INSERT INTO report_conflicts (uuid, content_sha256, officer_id, body, "
                      "  received_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                      "ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, content, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, officer->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, body, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
      if (!step_done (c, stmt, error) || !exec (c, "COMMIT", error))
        return FALSE;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The office holds a different version of report %s; the new one was kept "
                   "for review", report->uuid);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return db_error (c, error, "Could not read reports");

  receipt->id = new_receipt_id ();
  receipt->received_at = g_strdup (now);
  receipt->content_sha256 = g_strdup (content);
  stmt = prepare (c,
                  "INSERT INTO reports (uuid, officer_id, body, content_sha256, receipt_id, "
                  "  received_at, created_at, category, created_s, lat, lon, street_id, "
                  "  merchant_id) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, content, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, receipt->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, report->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, report->category, -1, SQLITE_STATIC);
  if (xuncha_office_report_filter_created_s (report->created_at, &created_s))
    sqlite3_bind_int64 (stmt, 9, created_s);
  else
    sqlite3_bind_null (stmt, 9);
  if (report->has_position)
    {
      sqlite3_bind_double (stmt, 10, report->lat);
      sqlite3_bind_double (stmt, 11, report->lon);
    }
  else
    {
      sqlite3_bind_null (stmt, 10);
      sqlite3_bind_null (stmt, 11);
    }
  sqlite3_bind_text (stmt, 12, report->street_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, report->merchant_id, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error))
    return FALSE;
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      stmt = prepare (c,
                      "INSERT OR IGNORE INTO report_photos (report_uuid, sha256, role) "
                      "VALUES (?1, ?2, ?3)",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, photo->sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, photo->role, -1, SQLITE_STATIC);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  if (!exec (c, "COMMIT", error))
    return FALSE;
  *created = TRUE;
  return TRUE;
}

static gboolean
records_report_put (XunchaOfficeRecords      *records,
                    const XunchaWireOfficer  *officer,
                    const XunchaWireReport   *report,
                    gboolean                 *created,
                    XunchaOfficeReceipt      *receipt,
                    GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GError) local_error = NULL;

  if (c == NULL)
    return FALSE;
  if (report_put_in (c, officer, report, created, receipt, &local_error))
    return TRUE;
  /* The held version's receipt stays filled for a CONFLICT only. */
  if (!g_error_matches (local_error, XUNCHA_OFFICE_STORAGE_ERROR,
                        XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
    xuncha_office_receipt_clear (receipt);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

XunchaOfficeReportRecord *
xuncha_office_sqlite_report_from_row (sqlite3_stmt  *stmt,
                                      GError       **error)
{
  g_autoptr(XunchaOfficeReportRecord) record = xuncha_office_report_record_new ();
  const char *body = column_text (stmt, 0);

  record->report = xuncha_wire_report_decode (body, -1, error);
  if (record->report == NULL)
    {
      g_prefix_error (error, "A stored report cannot be read: ");
      return NULL;
    }
  record->officer_id = g_strdup (column_text (stmt, 1));
  record->receipt.id = g_strdup (column_text (stmt, 2));
  record->receipt.received_at = g_strdup (column_text (stmt, 3));
  record->receipt.content_sha256 = g_strdup (column_text (stmt, 4));
  record->case_status = g_strdup (column_text (stmt, 5));
  record->case_status_at = g_strdup (column_text (stmt, 6));
  record->conflicts = (guint)sqlite3_column_int64 (stmt, 7);
  return g_steal_pointer (&record);
}

static XunchaOfficeReportRecord *
records_report_get (XunchaOfficeRecords      *records,
                    const XunchaWireOfficer  *officer,
                    const char               *uuid,
                    GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  XunchaOfficeReportRecord *record;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c,
                  "SELECT " XUNCHA_OFFICE_SQLITE_REPORT_COLUMNS ", o.team, s.name, s.class "
                  "FROM reports r LEFT JOIN officers o ON o.id = r.officer_id "
                  "LEFT JOIN street_extents s ON s.id = r.street_id WHERE r.uuid = ?1",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW || !may_see (officer, column_text (stmt, 1), column_text (stmt, 8)))
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          db_error (c, error, "Could not read the report");
          return NULL;
        }
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", uuid);
      return NULL;
    }
  record = xuncha_office_sqlite_report_from_row (stmt, error);
  if (record != NULL)
    {
      record->street_name = g_strdup (column_text (stmt, 9));
      record->street_class = g_strdup (column_text (stmt, 10));
    }
  sqlite3_reset (stmt);
  return record;
}

static gboolean
records_report_set_status (XunchaOfficeRecords  *records,
                           const char           *uuid,
                           const char           *status,
                           GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;
  gint64 revision;

  if (c == NULL || !begin_write (c, error) || !counter_get (c, "status", &revision, error))
    return FALSE;
  revision++;
  stmt = prepare (c,
                  "UPDATE reports SET case_status = ?2, case_status_at = ?3, "
                  "  status_revision = ?4 WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, revision);
  if (!step_done (c, stmt, error))
    return FALSE;
  if (sqlite3_changes (c->db) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", uuid);
      return FALSE;
    }
  return counter_set (c, "status", revision, error) && exec (c, "COMMIT", error);
}

static gboolean
records_reports_foreach (XunchaOfficeRecords     *records,
                         XunchaOfficeReportFunc   func,
                         gpointer                 user_data,
                         GError                 **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  int rc;

  /* One snapshot for the whole walk (a WAL reader holds up no writer), one row in memory
   * at a time. */
  if (c == NULL || !begin_read (c, error))
    return FALSE;
  stmt = prepare (c, "SELECT " XUNCHA_OFFICE_SQLITE_REPORT_COLUMNS " FROM reports r "
                  "ORDER BY r.received_at, r.uuid", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(XunchaOfficeReportRecord) record = xuncha_office_sqlite_report_from_row (stmt, error);
      gboolean go_on;

      if (record == NULL)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      go_on = func (record, user_data);
      if (!go_on)
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_error (c, error, "Could not list reports");
  return exec (c, "COMMIT", error);
}

static GPtrArray *
records_status_since (XunchaOfficeRecords      *records,
                      const XunchaWireOfficer  *officer,
                      gint64                    since,
                      gint64                   *revision,
                      GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_case_status_free);
  sqlite3_stmt *stmt;
  int rc;

  /* The revision and the rows from one snapshot. */
  if (c == NULL || !begin_read (c, error) || !counter_get (c, "status", revision, error))
    return NULL;
  stmt = prepare (c,
                  "SELECT r.uuid, r.case_status, r.case_status_at, r.status_revision "
                  "FROM reports r JOIN officers o ON o.id = r.officer_id "
                  "WHERE r.status_revision > ?1 "
                  "  AND (r.officer_id = ?2 OR (?3 AND o.team IS NOT NULL AND o.team = ?4)) "
                  "ORDER BY r.status_revision", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, officer->leader);
  sqlite3_bind_text (stmt, 4, officer->team, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeCaseStatus *item = xuncha_office_case_status_new ();

      item->uuid = g_strdup (column_text (stmt, 0));
      item->case_status = g_strdup (column_text (stmt, 1));
      item->case_status_at = g_strdup (column_text (stmt, 2));
      item->revision = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read report status");
      return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&items);
}

/* Shifts and tracks. */

static gboolean
count_points (Connection  *c,
              const char  *shift_uuid,
              gint64      *count,
              GError     **error)
{
  return query_int64 (c, "SELECT count(*) FROM track_points WHERE shift_uuid = ?1",
                      shift_uuid, count, error);
}

static gboolean
records_shift_put (XunchaOfficeRecords      *records,
                   const XunchaWireOfficer  *officer,
                   const XunchaWireShift    *shift,
                   gboolean                 *created,
                   gint64                   *points,
                   GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c, "SELECT officer_id, kind, started_at, ended_at FROM shifts "
                  "WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift->uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean mine = g_strcmp0 (column_text (stmt, 0), officer->id) == 0;
      gboolean same_start = g_strcmp0 (column_text (stmt, 1), shift->kind) == 0
                            && g_strcmp0 (column_text (stmt, 2), shift->started_at) == 0;
      const char *held_end = column_text (stmt, 3);
      gboolean end_conflict = held_end != NULL && shift->ended_at != NULL
                              && !g_str_equal (held_end, shift->ended_at);
      gboolean add_end = held_end == NULL && shift->ended_at != NULL;

      sqlite3_reset (stmt);
      if (!mine)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                       "Shift %s belongs to another officer", shift->uuid);
          return FALSE;
        }
      if (!same_start || end_conflict)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                       "The office holds shift %s with other times", shift->uuid);
          return FALSE;
        }
      if (add_end)
        {
          stmt = prepare (c, "UPDATE shifts SET ended_at = ?2 WHERE uuid = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, shift->uuid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, shift->ended_at, -1, SQLITE_STATIC);
          if (!step_done (c, stmt, error))
            return FALSE;
        }
      *created = FALSE;
    }
  else
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return db_error (c, error, "Could not read shifts");
      stmt = prepare (c, "INSERT INTO shifts (uuid, officer_id, kind, started_at, ended_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, shift->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, shift->kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, shift->started_at, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, shift->ended_at, -1, SQLITE_STATIC);
      if (!step_done (c, stmt, error))
        return FALSE;
      *created = TRUE;
    }
  return count_points (c, shift->uuid, points, error) && exec (c, "COMMIT", error);
}

static void
bind_double (sqlite3_stmt *stmt,
             int           index,
             double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
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
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  gboolean mine;
  int rc;

  *stored = 0;
  if (c == NULL || !begin_write (c, error))
    return FALSE;
  stmt = prepare (c, "SELECT officer_id FROM shifts WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return db_error (c, error, "Could not read shifts");
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No shift %s; send the shift first", shift_uuid);
      return FALSE;
    }
  mine = g_strcmp0 (column_text (stmt, 0), officer->id) == 0;
  sqlite3_reset (stmt);
  if (!mine)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                   "Shift %s belongs to another officer", shift_uuid);
      return FALSE;
    }

  for (guint i = 0; i < points->len; i++)
    {
      const XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, i);

      stmt = prepare (c,
                      "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy, "
                      "  altitude, speed, heading) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                      "ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, p->seq);
      sqlite3_bind_int64 (stmt, 3, p->t_ms);
      sqlite3_bind_double (stmt, 4, p->lat);
      sqlite3_bind_double (stmt, 5, p->lon);
      bind_double (stmt, 6, p->accuracy);
      bind_double (stmt, 7, p->altitude);
      bind_double (stmt, 8, p->speed);
      bind_double (stmt, 9, p->heading);
      if (!step_done (c, stmt, error))
        return FALSE;
      *stored += sqlite3_changes (c->db);
    }
  /* The shift's point count, for whether its stored coverage is current. */
  if (*stored > 0)
    {
      stmt = prepare (c, "UPDATE shifts SET n_points = n_points + ?2 WHERE uuid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, *stored);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  return count_points (c, shift_uuid, total, error) && exec (c, "COMMIT", error);
}

/* A shift's times are the device's ISO 8601 text: julianday() reads each form it may write. */
#define SHIFT_MS(column) "CAST (round ((julianday (" column ") - 2440587.5) * 86400000.0) AS INTEGER)"

static GPtrArray *
records_officer_shifts (XunchaOfficeRecords  *records,
                        const char           *officer_id,
                        gint64                from_ms,
                        gint64                to_ms,
                        GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) shifts =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_shift_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT uuid, kind, started_at, ended_at FROM shifts "
                  "WHERE officer_id = ?1 AND " SHIFT_MS ("started_at") " < ?3 "
                  "AND (ended_at IS NULL OR " SHIFT_MS ("ended_at") " > ?2) "
                  "ORDER BY julianday (started_at), uuid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaWireShift *shift = xuncha_wire_shift_new ();

      shift->uuid = g_strdup (column_text (stmt, 0));
      shift->kind = g_strdup (column_text (stmt, 1));
      shift->started_at = g_strdup (column_text (stmt, 2));
      shift->ended_at = g_strdup (column_text (stmt, 3));
      g_ptr_array_add (shifts, shift);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read shifts");
      return NULL;
    }
  return g_steal_pointer (&shifts);
}

static double
column_double_or_nan (sqlite3_stmt *stmt,
                      int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? NAN : sqlite3_column_double (stmt, column);
}

static GArray *
records_shift_points (XunchaOfficeRecords  *records,
                      const char           *shift_uuid,
                      GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (XunchaWirePoint));
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT seq, t_ms, lat, lon, accuracy, altitude, speed, heading "
                  "FROM track_points WHERE shift_uuid = ?1 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaWirePoint point = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        sqlite3_column_double (stmt, 2),
        sqlite3_column_double (stmt, 3),
        column_double_or_nan (stmt, 4),
        column_double_or_nan (stmt, 5),
        column_double_or_nan (stmt, 6),
        column_double_or_nan (stmt, 7),
      };
      g_array_append_val (points, point);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the track points");
      return NULL;
    }
  return g_steal_pointer (&points);
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
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaOfficeShiftCoverage) coverage = NULL;
  g_autoptr(GStrvBuilder) walked = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL || !begin_read (c, error) || !counter_get (c, "streets", streets_revision, error))
    return FALSE;
  /* The count points_add keeps and the highest seq from the key: no point is read. */
  stmt = prepare (c, "SELECT coalesce ((SELECT n_points FROM shifts WHERE uuid = ?1), 0), "
                  "  (SELECT coalesce (max (seq), 0) FROM track_points WHERE shift_uuid = ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *n_points = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  *newest_seq = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return db_error (c, error, "Could not read the track points");

  stmt = prepare (c, "SELECT n_points, newest_seq, streets_revision, assigned_sha256, walked_m "
                  "FROM shift_coverage WHERE shift_uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      coverage = g_new0 (XunchaOfficeShiftCoverage, 1);
      coverage->n_points = sqlite3_column_int64 (stmt, 0);
      coverage->newest_seq = sqlite3_column_int64 (stmt, 1);
      coverage->streets_revision = sqlite3_column_int64 (stmt, 2);
      coverage->assigned_sha256 = g_strdup (column_text (stmt, 3));
      coverage->walked_m = sqlite3_column_double (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the shift's coverage");
  if (coverage == NULL)
    return TRUE;

  stmt = prepare (c, "SELECT j.value FROM shift_coverage s, json_each (s.walked_ids) j "
                  "WHERE s.shift_uuid = ?1 ORDER BY j.key", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (walked, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the shift's coverage");
  coverage->walked_ids = g_strv_builder_end (walked);
  *stored = g_steal_pointer (&coverage);
  return TRUE;
}

static gboolean
records_shift_coverage_put (XunchaOfficeRecords             *records,
                            const char                      *shift_uuid,
                            const XunchaOfficeShiftCoverage *coverage,
                            GError                         **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *walked = xuncha_office_shift_coverage_ids_to_json (
    (const char * const *)coverage->walked_ids);
  sqlite3_stmt *stmt;
  gint64 held;

  if (c == NULL || !begin_write (c, error)
      || !query_int64 (c, "SELECT count(*) FROM shifts WHERE uuid = ?1", shift_uuid, &held,
                       error))
    return FALSE;
  if (held == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No shift %s", shift_uuid);
      return FALSE;
    }
  stmt = prepare (c, "INSERT INTO shift_coverage (shift_uuid, n_points, newest_seq, "
                  "  streets_revision, assigned_sha256, walked_ids, walked_m) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                  "ON CONFLICT (shift_uuid) DO UPDATE SET n_points = excluded.n_points, "
                  "  newest_seq = excluded.newest_seq, "
                  "  streets_revision = excluded.streets_revision, "
                  "  assigned_sha256 = excluded.assigned_sha256, "
                  "  walked_ids = excluded.walked_ids, walked_m = excluded.walked_m", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, coverage->n_points);
  sqlite3_bind_int64 (stmt, 3, coverage->newest_seq);
  sqlite3_bind_int64 (stmt, 4, coverage->streets_revision);
  sqlite3_bind_text (stmt, 5, coverage->assigned_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, walked, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 7, coverage->walked_m);
  return step_done (c, stmt, error) && exec (c, "COMMIT", error);
}

static GPtrArray *
records_streets_get (XunchaOfficeRecords  *records,
                     const char * const   *ids,
                     GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (c == NULL || !begin_read (c, error))
    return NULL;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt;
      int rc;

      if (!g_hash_table_add (seen, (gpointer)ids[i]))
        continue;
      stmt = prepare (c, "SELECT body FROM features WHERE kind = 'streets' AND id = ?1 "
                      "AND deleted = 0", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_autoptr(JsonNode) body = json_from_string (column_text (stmt, 0), NULL);
          XunchaOfficeStreet *street = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                                       ? xuncha_office_street_from_json (
                                           json_node_get_object (body), NULL)
                                       : NULL;

          /* As streets_within: what the import checked was stored. */
          if (street != NULL)
            g_ptr_array_add (found, street);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          db_error (c, error, "Could not read the streets");
          return NULL;
        }
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  g_ptr_array_sort (found, xuncha_office_street_compare_ids);
  return g_steal_pointer (&found);
}

/* Streets and merchants: each kept as its wire item's text in the features table (the
 * device gets exactly what it got before the records were typed). */

typedef JsonObject *(*ToJsonFunc) (gconstpointer item);

/* Leaves the transaction open when it succeeds. */
static gboolean
features_import_open (Connection  *c,
                      const char  *kind,
                      GPtrArray   *items,
                      ToJsonFunc   to_json,
                      gsize        id_offset,
                      gint64      *revision,
                      guint       *changed,
                      guint       *deleted,
                      GError     **error)
{
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gint64 rev;
  int rc;

  *changed = *deleted = 0;
  if (!begin_write (c, error) || !counter_get (c, kind, &rev, error))
    return FALSE;
  rev++;

  for (guint i = 0; i < items->len; i++)
    {
      const char *id = G_STRUCT_MEMBER (const char *, items->pdata[i], id_offset);
      g_autoptr(JsonObject) item = to_json (items->pdata[i]);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), item);
      g_autofree char *body = xuncha_protocol_to_string (node);
      gboolean same;

      if (!g_hash_table_add (present, (gpointer)id))
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                       "The id %s appears twice", id);
          return FALSE;
        }
      stmt = prepare (c, "SELECT body = ?3 AND deleted = 0 FROM features "
                      "WHERE kind = ?1 AND id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
      same = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
      sqlite3_reset (stmt);
      if (same)
        continue;
      stmt = prepare (c,
                      "INSERT INTO features (kind, id, body, revision, deleted) "
                      "VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT (kind, id) DO UPDATE SET "
                      "  body = excluded.body, revision = excluded.revision, deleted = 0",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, rev);
      if (!step_done (c, stmt, error))
        return FALSE;
      (*changed)++;
    }

  stmt = prepare (c, "SELECT id FROM features WHERE kind = ?1 AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!g_hash_table_contains (present, column_text (stmt, 0)))
      g_ptr_array_add (gone, g_strdup (column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the map data");
  for (guint i = 0; i < gone->len; i++)
    {
      stmt = prepare (c, "UPDATE features SET deleted = 1, revision = ?3 "
                      "WHERE kind = ?1 AND id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, gone->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, rev);
      if (!step_done (c, stmt, error))
        return FALSE;
      (*deleted)++;
    }

  /* An import that changed nothing keeps the revision: devices have nothing to fetch. */
  if (*changed + *deleted == 0)
    rev--;
  else if (!counter_set (c, kind, rev, error))
    return FALSE;
  *revision = rev;
  return TRUE;
}

static gboolean
features_import (Connection  *c,
                 const char  *kind,
                 GPtrArray   *items,
                 ToJsonFunc   to_json,
                 gsize        id_offset,
                 gint64      *revision,
                 guint       *changed,
                 guint       *deleted,
                 GError     **error)
{
  return features_import_open (c, kind, items, to_json, id_offset, revision, changed, deleted,
                               error)
         && exec (c, "COMMIT", error);
}

typedef gpointer (*FromJsonFunc) (JsonObject *item, GError **error);

static GPtrArray *
features_since (Connection      *c,
                const char      *kind,
                FromJsonFunc     from_json,
                GDestroyNotify   free_func,
                gsize            revision_offset,
                gint64           since,
                gint64          *revision,
                GStrv           *deleted,
                GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(GStrvBuilder) gone = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  /* The revision and the rows from one snapshot. */
  if (!begin_read (c, error) || !counter_get (c, kind, revision, error))
    return NULL;
  stmt = prepare (c, "SELECT id, body, deleted, revision FROM features "
                  "WHERE kind = ?1 AND revision > ?2 ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) body = NULL;
      gpointer item;

      if (sqlite3_column_int (stmt, 2))
        {
          g_strv_builder_add (gone, column_text (stmt, 0));
          continue;
        }
      body = parse_body (column_text (stmt, 1));
      item = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
             ? from_json (json_node_get_object (body), NULL) : NULL;
      /* Only what passed the same check was stored; a row that no longer passes (edited
       * by hand) is left out rather than sent to devices that would refuse the delta. */
      if (item == NULL)
        {
          g_warning ("The stored %s item %s is not valid; left out", kind,
                     column_text (stmt, 0));
          continue;
        }
      G_STRUCT_MEMBER (gint64, item, revision_offset) = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the map data");
      return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  *deleted = g_strv_builder_end (gone);
  return g_steal_pointer (&items);
}

static gboolean
records_streets_import (XunchaOfficeRecords  *records,
                        GPtrArray            *streets,
                        gint64               *revision,
                        guint                *changed,
                        guint                *deleted,
                        GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  /* The console's street extents are kept in the same transaction: features_import()
   * leaves it open on success. */
  return c != NULL
         && features_import_open (c, "streets", streets,
                                  (ToJsonFunc)xuncha_office_street_to_json,
                                  G_STRUCT_OFFSET (XunchaOfficeStreet, id), revision, changed,
                                  deleted, error)
         && (*changed + *deleted == 0
             || xuncha_office_sqlite_street_extents_replace (c->db, streets, error))
         && exec (c, "COMMIT", error);
}

static GPtrArray *
records_streets_since (XunchaOfficeRecords  *records,
                       gint64                since,
                       gint64               *revision,
                       GStrv                *deleted,
                       GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  if (c == NULL)
    return NULL;
  return features_since (c, "streets", (FromJsonFunc)xuncha_office_street_from_json,
                         (GDestroyNotify)xuncha_office_street_free,
                         G_STRUCT_OFFSET (XunchaOfficeStreet, revision), since, revision,
                         deleted, error);
}

static gboolean
records_merchants_import (XunchaOfficeRecords  *records,
                          GPtrArray            *merchants,
                          gint64               *revision,
                          guint                *changed,
                          guint                *deleted,
                          GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  return c != NULL
         && features_import (c, "merchants", merchants,
                             (ToJsonFunc)xuncha_office_merchant_to_json,
                             G_STRUCT_OFFSET (XunchaOfficeMerchant, id), revision, changed,
                             deleted, error);
}

static GPtrArray *
records_merchants_since (XunchaOfficeRecords  *records,
                         gint64                since,
                         gint64               *revision,
                         GStrv                *deleted,
                         GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  if (c == NULL)
    return NULL;
  return features_since (c, "merchants", (FromJsonFunc)xuncha_office_merchant_from_json,
                         (GDestroyNotify)xuncha_office_merchant_free,
                         G_STRUCT_OFFSET (XunchaOfficeMerchant, revision), since, revision,
                         deleted, error);
}

/* Failed enrollments. */

static gboolean
records_enroll_failure_add (XunchaOfficeRecords              *records,
                            const XunchaOfficeEnrollFailure  *failure,
                            guint                             keep_max,
                            GError                          **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  return xuncha_office_sqlite_connection_failure_add (
           (XunchaOfficeSqliteConnection *)c,
           "INSERT INTO enroll_failures (officer_id, address, at) VALUES (?1, ?2, ?3)",
           "DELETE FROM enroll_failures WHERE rowid <= ?1", failure, keep_max, error)
         && exec (c, "COMMIT", error);
}

static GPtrArray *
records_enroll_failures (XunchaOfficeRecords  *records,
                         gint64                since,
                         gint64                now,
                         GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) failures =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_enroll_failure_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL || !begin_write (c, error))
    return NULL;
  stmt = prepare (c, "DELETE FROM enroll_failures WHERE at < ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  if (!step_done (c, stmt, error))
    return NULL;
  stmt = prepare (c, "UPDATE enroll_failures SET at = ?1 WHERE at > ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!step_done (c, stmt, error))
    return NULL;
  stmt = prepare (c, "SELECT officer_id, address, at FROM enroll_failures "
                  "ORDER BY at, rowid", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (failures,
                     xuncha_office_enroll_failure_new (column_text (stmt, 0),
                                                       column_text (stmt, 1),
                                                       sqlite3_column_int64 (stmt, 2)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read the failed enrollments");
      return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&failures);
}

static gboolean
records_revisions_raise (XunchaOfficeRecords  *records,
                         gint64                minimum,
                         GError              **error)
{
  static const char * const counters[] = {
    "status", "streets", "merchants", "tasks", "messages"
  };
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);

  if (c == NULL || !begin_write (c, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      gint64 value = 0;

      if (!counter_get (c, counters[i], &value, error)
          || (value < minimum && !counter_set (c, counters[i], minimum, error)))
        return FALSE;
    }
  return exec (c, "COMMIT", error);
}

static char *
records_generation (XunchaOfficeRecords  *records,
                    GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  char *generation = NULL;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = prepare (c, "SELECT id FROM generation", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    generation = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (generation == NULL)
    db_error (c, error, "Could not read the records' generation");
  return generation;
}

static char *
records_generation_renew (XunchaOfficeRecords  *records,
                          GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autofree char *generation = new_generation ();
  sqlite3_stmt *stmt;

  if (c == NULL || !begin_write (c, error))
    return NULL;
  stmt = prepare (c, "UPDATE generation SET id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, generation, -1, SQLITE_STATIC);
  if (!step_done (c, stmt, error) || !exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&generation);
}

/* Every report and position of a district: the office's user alone may read them. An
 * existing folder with a wider mode (made by hand, restored from a backup) is tightened
 * and the log says so; SQLite gives its -wal, -shm and -journal files the mode of
 * office.db, so office.db is made 0600 before SQLite opens it, and files left by an
 * earlier run with another mode are tightened too. */
static gboolean
make_private (const char  *data_dir,
              const char  *db_path,
              GError     **error)
{
  static const char * const db_suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autoptr(GError) local_error = NULL;
  guint was_mode = 0;

  if (!xuncha_private_dir (data_dir, &was_mode, &local_error))
    goto fail;
  if (was_mode != 0)
    g_message ("Made the folder %s private to the office's user (mode 0700, was %04o)",
               data_dir, was_mode);
  for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db_path, db_suffixes[i], NULL);

      if (!xuncha_private_file (file, i == 0, &was_mode, &local_error))
        goto fail;
      if (was_mode != 0)
        g_message ("Made the file %s private to the office's user (mode 0600, was %04o)", file,
                   was_mode);
    }
  return TRUE;

fail:
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               _("The office will not use its data folder: %s"), local_error->message);
  return FALSE;
}

static void
xuncha_office_sqlite_records_finalize (GObject *object)
{
  XunchaOfficeSqliteRecords *self = (XunchaOfficeSqliteRecords *)object;

  /* Every call has given its connection back: a call holds a reference meanwhile. */
  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->writer);
  g_cond_clear (&self->returned);
  g_free (self->path);

  G_OBJECT_CLASS (xuncha_office_sqlite_records_parent_class)->finalize (object);
}

static void
xuncha_office_sqlite_records_class_init (XunchaOfficeSqliteRecordsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_sqlite_records_finalize;
}

static void
xuncha_office_sqlite_records_init (XunchaOfficeSqliteRecords *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->writer);
  g_cond_init (&self->returned);
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify)connection_close);
}

/* Tasks and messages. */

static gboolean
refuse (GError                   **error,
        XunchaOfficeStorageError   code,
        const char                *format,
        ...) G_GNUC_PRINTF (3, 4);

static gboolean
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
  return FALSE;
}

/* Which tasks an officer sees: his own, his team's team tasks, and for a leader every task
 * of his team's officers. ?2 his id (NULL: the office, which sees all), ?3 his team, ?4
 * whether he leads it. */
#define TASK_VISIBLE \
  "(?2 IS NULL OR t.officer_id = ?2 OR (t.team IS NOT NULL AND t.team = ?3) " \
  " OR (?4 AND ?3 IS NOT NULL AND t.officer_id IN (SELECT o.id FROM officers o " \
  "                                                 WHERE o.team = ?3)))"

/* The columns every task query reads, in this order. */
#define TASK_COLUMNS \
  "t.body, t.state, t.accepted_by, t.report_uuid, t.result, t.revision, t.kind, " \
  "t.officer_id, t.team"

static void
bind_viewer (sqlite3_stmt            *stmt,
             const XunchaWireOfficer *officer)
{
  if (officer == NULL)
    {
      sqlite3_bind_null (stmt, 2);
      sqlite3_bind_null (stmt, 3);
      sqlite3_bind_int (stmt, 4, 0);
      return;
    }
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer->team, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, officer->leader);
}

/* The task as the office holds it: its body as made, with what changed since. */
static XunchaWireTask *
task_from_row (sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(JsonNode) root = xuncha_protocol_parse (column_text (stmt, 0), -1, "task", error);
  g_autoptr(XunchaWireTask) task = root != NULL ? xuncha_wire_task_from_json (root, error)
                                                : NULL;
  const char *result = column_text (stmt, 4);

  if (task == NULL)
    {
      g_prefix_error (error, "A stored task cannot be read: ");
      return NULL;
    }
  g_free (task->state);
  task->state = g_strdup (column_text (stmt, 1));
  g_free (task->accepted_by);
  task->accepted_by = g_strdup (column_text (stmt, 2));
  g_free (task->report_uuid);
  task->report_uuid = g_strdup (column_text (stmt, 3));
  task->revision = sqlite3_column_int64 (stmt, 5);
  if (result != NULL)
    {
      task->result = xuncha_wire_task_result_decode (result, -1, error);
      if (task->result == NULL)
        {
          g_prefix_error (error, "A stored task result cannot be read: ");
          return NULL;
        }
    }
  return g_steal_pointer (&task);
}

/* Reads one task (NULL and no error when there is none, or @officer may not see it). */
static gboolean
task_read (Connection               *c,
           const XunchaWireOfficer  *officer,
           const char               *id,
           XunchaWireTask          **out,
           GError                  **error)
{
  sqlite3_stmt *stmt = prepare (c, "SELECT " TASK_COLUMNS " FROM tasks t "
                                   "WHERE t.id = ?1 AND " TASK_VISIBLE, error);
  int rc;

  *out = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  bind_viewer (stmt, officer);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = task_from_row (stmt, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the task");
  return rc == SQLITE_DONE || *out != NULL;
}

/* Inside a write: stores as expired every task open or accepted past its deadline, each
 * with a revision of its own (so that an answer cut at its limit never splits one
 * revision). */
static gboolean
expire_due (Connection  *c,
            gint64       now_us,
            GError     **error)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gint64 revision;
  int rc;

  stmt = prepare (c, "SELECT id FROM tasks WHERE state IN ('open', 'accepted') "
                     "AND deadline_us < ?1 ORDER BY deadline_us, id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (due, g_strdup (column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the tasks past their deadline");
  if (due->len == 0)
    return TRUE;
  if (!counter_get (c, "tasks", &revision, error))
    return FALSE;
  for (guint i = 0; i < due->len; i++)
    {
      stmt = prepare (c, "UPDATE tasks SET state = 'expired', revision = ?2 WHERE id = ?1",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, due->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, ++revision);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  return counter_set (c, "tasks", revision, error);
}

static gboolean
report_exists (Connection  *c,
               const char  *uuid,
               char       **owner,
               GError     **error)
{
  sqlite3_stmt *stmt = prepare (c, "SELECT officer_id FROM reports WHERE uuid = ?1", error);
  int rc;

  *owner = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *owner = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not read reports");
  return TRUE;
}

/* A task or message goes to an officer the office has, or to a team with officers:
 * one to nobody would wait for ever. */
static gboolean
addressee_known (Connection  *c,
                 const char  *what,
                 const char  *officer_id,
                 const char  *team,
                 GError     **error)
{
  gint64 n = 1;

  if (officer_id != NULL
      && !query_int64 (c, "SELECT count(*) FROM officers WHERE id = ?1", officer_id, &n, error))
    return FALSE;
  if (n == 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                   "%s.officer_id: the office has no officer %s", what, officer_id);
  if (team != NULL
      && !query_int64 (c, "SELECT count(*) FROM officers WHERE team = ?1", team, &n, error))
    return FALSE;
  if (n == 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                   "%s.team: the office has no officer in team %s", what, team);
  return TRUE;
}

static gboolean
records_task_add (XunchaOfficeRecords  *records,
                  XunchaWireTask       *task,
                  GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireTask) made = NULL;
  g_autoptr(GError) invalid = NULL;
  g_autofree char *body = NULL;
  g_autofree char *owner = NULL;
  sqlite3_stmt *stmt;
  gint64 deadline_us, revision, held;

  if (c == NULL)
    return FALSE;
  made = xuncha_wire_task_copy (task);
  g_free (made->state);
  made->state = g_strdup ("open");
  g_clear_pointer (&made->accepted_by, g_free);
  g_clear_pointer (&made->result, xuncha_wire_task_result_free);
  made->revision = 0;
  if (!xuncha_wire_task_validate (made, &invalid))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID, "%s", invalid->message);
  if (!xuncha_office_task_deadline_us (made->deadline, &deadline_us))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                   "task.deadline: not an ISO 8601 time");
  body = xuncha_wire_task_encode (made);
  if (!begin_write (c, error)
      || !query_int64 (c, "SELECT count(*) FROM tasks WHERE id = ?1", made->id, &held, error))
    return FALSE;
  if (held > 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT, "Task %s is held already",
                   made->id);
  if (!addressee_known (c, "task", made->officer_id, made->team, error))
    return FALSE;
  if (made->report_uuid != NULL)
    {
      if (!report_exists (c, made->report_uuid, &owner, error))
        return FALSE;
      if (owner == NULL)
        return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                       "task.report_uuid: the office holds no report %s", made->report_uuid);
    }
  if (!counter_get (c, "tasks", &revision, error))
    return FALSE;
  revision++;
  stmt = prepare (c,
                  "INSERT INTO tasks (id, kind, officer_id, team, state, deadline_us, "
                  "  report_uuid, body, created_at, revision) "
                  "VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8, ?9)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, made->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, made->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, made->officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, made->team, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, deadline_us);
  sqlite3_bind_text (stmt, 6, made->report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, made->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, revision);
  if (!step_done (c, stmt, error))
    return FALSE;
  for (guint i = 0; made->photos[i] != NULL; i++)
    {
      stmt = prepare (c, "INSERT OR IGNORE INTO task_photos (task_id, sha256) VALUES (?1, ?2)",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, made->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, made->photos[i], -1, SQLITE_STATIC);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  if (!counter_set (c, "tasks", revision, error) || !exec (c, "COMMIT", error))
    return FALSE;
  g_free (task->state);
  task->state = g_strdup ("open");
  g_clear_pointer (&task->accepted_by, g_free);
  g_clear_pointer (&task->result, xuncha_wire_task_result_free);
  task->revision = revision;
  return TRUE;
}

static XunchaWireTask *
records_task_get (XunchaOfficeRecords      *records,
                  const XunchaWireOfficer  *officer,
                  const char               *id,
                  gint64                    now_us,
                  GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireTask) task = NULL;

  if (c == NULL || !begin_write (c, error) || !expire_due (c, now_us, error)
      || !task_read (c, officer, id, &task, error))
    return NULL;
  if (task == NULL)
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", id);
      return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&task);
}

static GPtrArray *
records_tasks_since (XunchaOfficeRecords      *records,
                     const XunchaWireOfficer  *officer,
                     gint64                    since,
                     gint64                    now_us,
                     gint64                   *revision,
                     GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) tasks =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_task_free);
  gint64 limit = officer != NULL ? XUNCHA_WIRE_TASK_DELTA_MAX : -1;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL || !begin_write (c, error) || !expire_due (c, now_us, error)
      || !counter_get (c, "tasks", revision, error))
    return NULL;
  stmt = prepare (c, "SELECT " TASK_COLUMNS " FROM tasks t "
                     "WHERE t.revision > ?1 AND " TASK_VISIBLE " "
                     "ORDER BY t.revision LIMIT ?5", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  bind_viewer (stmt, officer);
  sqlite3_bind_int64 (stmt, 5, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaWireTask *task = task_from_row (stmt, error);

      if (task == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (tasks, task);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read tasks");
      return NULL;
    }
  /* Cut at the limit: the device goes on from the last task it was given. */
  if (limit > 0 && tasks->len == (guint)limit)
    *revision = ((XunchaWireTask *)tasks->pdata[tasks->len - 1])->revision;
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&tasks);
}

/* Sets a task's state (and who accepted it) with a new revision. */
static gboolean
task_set_state (Connection  *c,
                const char  *id,
                const char  *state,
                const char  *accepted_by,
                GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 revision;

  if (!counter_get (c, "tasks", &revision, error))
    return FALSE;
  revision++;
  stmt = prepare (c, "UPDATE tasks SET state = ?2, accepted_by = ?3, revision = ?4 "
                     "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, accepted_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, revision);
  return step_done (c, stmt, error) && counter_set (c, "tasks", revision, error);
}

static XunchaWireTask *
records_task_cancel (XunchaOfficeRecords  *records,
                     const char           *id,
                     gint64                now_us,
                     GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireTask) task = NULL;

  if (c == NULL || !begin_write (c, error) || !expire_due (c, now_us, error)
      || !task_read (c, NULL, id, &task, error))
    return NULL;
  if (task == NULL)
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", id);
      return NULL;
    }
  if (g_str_equal (task->state, "done") || g_str_equal (task->state, "expired"))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED, "Task %s is %s already", id,
              task->state);
      return NULL;
    }
  if (!g_str_equal (task->state, "cancelled"))
    {
      g_clear_pointer (&task, xuncha_wire_task_free);
      if (!task_set_state (c, id, "cancelled", NULL, error)
          || !task_read (c, NULL, id, &task, error))
        return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&task);
}

/* Whether @officer may act on @task: his own, or his team's team task that no other
 * officer accepted. */
static gboolean
may_act_on (const XunchaWireOfficer *officer,
            const XunchaWireTask    *task)
{
  if (task->officer_id != NULL)
    return g_str_equal (task->officer_id, officer->id);
  return officer->team != NULL && g_str_equal (task->team, officer->team);
}

static XunchaWireTask *
records_task_accept (XunchaOfficeRecords      *records,
                     const XunchaWireOfficer  *officer,
                     const char               *id,
                     gint64                    now_us,
                     GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireTask) task = NULL;
  sqlite3_stmt *stmt;
  gint64 revision;

  if (c == NULL || !begin_write (c, error) || !expire_due (c, now_us, error)
      || !task_read (c, NULL, id, &task, error))
    return NULL;
  if (task == NULL || !may_act_on (officer, task))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", id);
      return NULL;
    }
  if (g_str_equal (task->state, "accepted") && g_strcmp0 (task->accepted_by, officer->id) == 0)
    {
      if (!exec (c, "COMMIT", error))
        return NULL;
      return g_steal_pointer (&task);
    }
  /* Only an open task is taken, checked by the rows changed: of two officers accepting
   * one team task at once, the second finds it accepted. */
  if (!counter_get (c, "tasks", &revision, error))
    return NULL;
  revision++;
  stmt = prepare (c, "UPDATE tasks SET state = 'accepted', accepted_by = ?2, revision = ?3 "
                     "WHERE id = ?1 AND state = 'open'", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, revision);
  if (!step_done (c, stmt, error))
    return NULL;
  if (sqlite3_changes (c->db) == 0)
    {
      if (g_str_equal (task->state, "accepted"))
        refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN, "Task %s was accepted by %s",
                id, task->accepted_by != NULL ? task->accepted_by : "another officer");
      else
        refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED, "Task %s is %s", id,
                task->state);
      return NULL;
    }
  g_clear_pointer (&task, xuncha_wire_task_free);
  if (!counter_set (c, "tasks", revision, error) || !task_read (c, NULL, id, &task, error)
      || !exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&task);
}

/* The case status a result sets, on the reports it names (verify) or the task's case
 * (check), with one status revision. */
static gboolean
apply_case_status (Connection                  *c,
                   const XunchaWireOfficer     *officer,
                   const XunchaWireTask        *task,
                   const XunchaWireTaskResult  *result,
                   GError                     **error)
{
  const char *status = xuncha_office_task_case_status (task->kind, result->outcome);
  g_autofree char *now = now_iso ();
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
  if (!counter_get (c, "status", &revision, error))
    return FALSE;
  revision++;
  for (guint i = 0; i < cases->len; i++)
    {
      sqlite3_stmt *stmt;

      /* The case's history tells the step too (before the status it reads moves). */
      if (!xuncha_office_sqlite_case_records_result_step ((XunchaOfficeSqliteConnection *)c,
                                                          cases->pdata[i], officer->id, task,
                                                          result, status, error))
        return FALSE;
      stmt = prepare (c, "UPDATE reports SET case_status = ?2, case_status_at = ?3,"
                      "  status_revision = ?4 WHERE uuid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, cases->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, revision);
      if (!step_done (c, stmt, error))
        return FALSE;
    }
  return counter_set (c, "status", revision, error);
}

static XunchaWireTask *
records_task_result_put (XunchaOfficeRecords         *records,
                         const XunchaWireOfficer     *officer,
                         const XunchaWireTaskResult  *result,
                         gint64                       now_us,
                         gboolean                    *created,
                         GError                     **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(GError) kind_error = NULL;
  g_autofree char *body = NULL;
  const char *state, *report_uuid;
  gboolean open;
  sqlite3_stmt *stmt;
  gint64 revision;

  if (c == NULL || !begin_write (c, error) || !expire_due (c, now_us, error)
      || !task_read (c, NULL, result->task_id, &task, error))
    return NULL;
  if (task == NULL)
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No task %s", result->task_id);
      return NULL;
    }
  if (!may_act_on (officer, task)
      || (task->accepted_by != NULL && !g_str_equal (task->accepted_by, officer->id)))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
              "Task %s is another officer's", result->task_id);
      return NULL;
    }
  body = xuncha_wire_task_result_encode (result);
  if (task->result != NULL)
    {
      g_autofree char *held = xuncha_wire_task_result_encode (task->result);

      if (!g_str_equal (held, body))
        {
          refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                  "Task %s has a different result already", result->task_id);
          return NULL;
        }
      *created = FALSE;
      if (!exec (c, "COMMIT", error))
        return NULL;
      return g_steal_pointer (&task);
    }
  if (!xuncha_wire_task_result_check_kind (result, task->kind, &kind_error))
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED, "%s", kind_error->message);
      return NULL;
    }
  for (guint i = 0; result->report_uuids[i] != NULL; i++)
    {
      g_autofree char *owner = NULL;

      if (!report_exists (c, result->report_uuids[i], &owner, error))
        return NULL;
      if (g_strcmp0 (owner, officer->id) != 0)
        {
          refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                  "result.report_uuids[%u]: the office holds no report %s of this officer",
                  i, result->report_uuids[i]);
          return NULL;
        }
    }

  /* A result for a task cancelled or expired meanwhile is kept, the state as it is, and
   * moves no case: a person looks at it. */
  open = g_str_equal (task->state, "open") || g_str_equal (task->state, "accepted");
  state = open ? "done" : task->state;
  report_uuid = task->report_uuid;
  if (report_uuid == NULL && g_str_equal (task->kind, "verify"))
    report_uuid = result->report_uuids[0];
  if (!counter_get (c, "tasks", &revision, error))
    return NULL;
  revision++;
  stmt = prepare (c, "UPDATE tasks SET state = ?2, accepted_by = ?3, report_uuid = ?4, "
                     "  result_uuid = ?5, result = ?6, revision = ?7 WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, task->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, result->result_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, revision);
  if (!step_done (c, stmt, error) || !counter_set (c, "tasks", revision, error)
      || (open && !apply_case_status (c, officer, task, result, error)))
    return NULL;
  g_clear_pointer (&task, xuncha_wire_task_free);
  if (!task_read (c, NULL, result->task_id, &task, error) || !exec (c, "COMMIT", error))
    return NULL;
  *created = TRUE;
  return g_steal_pointer (&task);
}

/* Which messages an officer gets: ?2 his id (NULL: the office, all of them), ?3 his
 * team. */
#define MESSAGE_VISIBLE \
  "(?2 IS NULL OR m.audience = 'all' OR (m.audience = 'officer' AND m.officer_id = ?2) " \
  " OR (m.audience = 'team' AND ?3 IS NOT NULL AND m.team = ?3))"

/* The message's revision for him is the later of its sending and his reading. */
#define MESSAGE_COLUMNS \
  "m.id, m.audience, m.team, m.officer_id, m.sender, m.title, m.body, m.sent_at, " \
  "r.read_at, max (m.revision, coalesce (r.revision, 0)) AS rev"

static XunchaWireMessage *
message_from_row (sqlite3_stmt *stmt)
{
  XunchaWireMessage *message = xuncha_wire_message_new ();

  message->id = g_strdup (column_text (stmt, 0));
  message->audience = g_strdup (column_text (stmt, 1));
  message->team = g_strdup (column_text (stmt, 2));
  message->officer_id = g_strdup (column_text (stmt, 3));
  message->sender = g_strdup (column_text (stmt, 4));
  message->title = g_strdup (column_text (stmt, 5));
  message->body = g_strdup (column_text (stmt, 6));
  message->sent_at = g_strdup (column_text (stmt, 7));
  message->read_at = g_strdup (column_text (stmt, 8));
  message->revision = sqlite3_column_int64 (stmt, 9);
  return message;
}

static gboolean
records_message_add (XunchaOfficeRecords  *records,
                     XunchaWireMessage    *message,
                     GError              **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GError) invalid = NULL;
  sqlite3_stmt *stmt;
  gint64 revision, held;

  if (c == NULL)
    return FALSE;
  g_clear_pointer (&message->read_at, g_free);
  if (!xuncha_wire_message_validate (message, &invalid))
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_INVALID, "%s", invalid->message);
  if (!begin_write (c, error)
      || !query_int64 (c, "SELECT count(*) FROM messages WHERE id = ?1", message->id, &held,
                       error))
    return FALSE;
  if (held > 0)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT, "Message %s is held already",
                   message->id);
  if (!addressee_known (c, "message", message->officer_id, message->team, error))
    return FALSE;
  if (!counter_get (c, "messages", &revision, error))
    return FALSE;
  revision++;
  stmt = prepare (c, "INSERT INTO messages (id, audience, officer_id, team, sender, title, "
                     "  body, sent_at, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, message->audience, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, message->officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, message->team, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, message->sender, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, message->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, message->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, message->sent_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, revision);
  if (!step_done (c, stmt, error) || !counter_set (c, "messages", revision, error)
      || !exec (c, "COMMIT", error))
    return FALSE;
  message->revision = revision;
  return TRUE;
}

static GPtrArray *
records_messages_since (XunchaOfficeRecords      *records,
                        const XunchaWireOfficer  *officer,
                        gint64                    since,
                        gint64                   *revision,
                        GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(GPtrArray) messages =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_wire_message_free);
  gint64 limit = officer != NULL ? XUNCHA_WIRE_TASK_DELTA_MAX : -1;
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL || !begin_read (c, error) || !counter_get (c, "messages", revision, error))
    return NULL;
  stmt = prepare (c, "SELECT " MESSAGE_COLUMNS " FROM messages m "
                     "LEFT JOIN message_reads r ON r.message_id = m.id AND r.officer_id = ?2 "
                     "WHERE " MESSAGE_VISIBLE " AND max (m.revision, coalesce (r.revision, 0))"
                     "  > ?1 ORDER BY rev LIMIT ?4", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, officer != NULL ? officer->id : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer != NULL ? officer->team : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (c, error, "Could not read messages");
      return NULL;
    }
  if (limit > 0 && messages->len == (guint)limit)
    *revision = ((XunchaWireMessage *)messages->pdata[messages->len - 1])->revision;
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&messages);
}

static gboolean
message_read_row (Connection               *c,
                  const XunchaWireOfficer  *officer,
                  const char               *id,
                  XunchaWireMessage       **out,
                  GError                  **error)
{
  sqlite3_stmt *stmt = prepare (c, "SELECT " MESSAGE_COLUMNS " FROM messages m "
                                   "LEFT JOIN message_reads r "
                                   "  ON r.message_id = m.id AND r.officer_id = ?2 "
                                   "WHERE m.id = ?1 AND " MESSAGE_VISIBLE, error);
  int rc;

  *out = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, officer->team, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = message_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (c, error, "Could not read the message");
  return TRUE;
}

static XunchaWireMessage *
records_message_read (XunchaOfficeRecords      *records,
                      const XunchaWireOfficer  *officer,
                      const char               *id,
                      const char               *read_at,
                      GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  g_autoptr(XunchaWireMessage) message = NULL;
  sqlite3_stmt *stmt;
  gint64 revision;

  if (c == NULL || !begin_write (c, error)
      || !message_read_row (c, officer, id, &message, error))
    return NULL;
  if (message == NULL)
    {
      refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No message %s", id);
      return NULL;
    }
  if (message->read_at == NULL)
    {
      if (!counter_get (c, "messages", &revision, error))
        return NULL;
      revision++;
      stmt = prepare (c, "INSERT INTO message_reads (message_id, officer_id, read_at, "
                         "  revision) VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, read_at, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, revision);
      g_clear_pointer (&message, xuncha_wire_message_free);
      if (!step_done (c, stmt, error) || !counter_set (c, "messages", revision, error)
          || !message_read_row (c, officer, id, &message, error))
        return NULL;
    }
  if (!exec (c, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&message);
}

static gboolean
records_photo_visible (XunchaOfficeRecords      *records,
                       const XunchaWireOfficer  *officer,
                       const char               *sha256,
                       GError                  **error)
{
  g_autoptr(Connection) c = take (XUNCHA_OFFICE_SQLITE_RECORDS (records), error);
  sqlite3_stmt *stmt;
  gboolean visible;
  int rc;

  if (c == NULL)
    return FALSE;
  stmt = prepare (c,
                  "SELECT EXISTS (SELECT 1 FROM task_photos p JOIN tasks t ON t.id = p.task_id"
                  "               WHERE p.sha256 = ?1 AND " TASK_VISIBLE ")"
                  "    OR EXISTS (SELECT 1 FROM report_photos p"
                  "               JOIN reports r ON r.uuid = p.report_uuid"
                  "               LEFT JOIN officers o ON o.id = r.officer_id"
                  "               WHERE p.sha256 = ?1 AND (r.officer_id = ?2"
                  "                 OR (?4 AND ?3 IS NOT NULL AND o.team = ?3)))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  bind_viewer (stmt, officer);
  rc = sqlite3_step (stmt);
  visible = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return db_error (c, error, "Could not read whose photo it is");
  if (!visible)
    return refuse (error, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND, "No photo %s", sha256);
  return TRUE;
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
  iface->reports_query = xuncha_office_sqlite_reports_query;
  iface->reports_grid = xuncha_office_sqlite_reports_grid;
  iface->streets_within = xuncha_office_sqlite_streets_within;
  iface->street_names = xuncha_office_sqlite_street_names;
  iface->reports_count = xuncha_office_sqlite_reports_count;
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

/* What the staff records (xuncha-office-sqlite-staff-records.c) use of the pool. */

XunchaOfficeSqliteConnection *
xuncha_office_sqlite_connection_take (XunchaOfficeSqliteRecords  *self,
                                      gboolean                    write,
                                      GError                    **error)
{
  Connection *c = take (self, error);

  if (c == NULL)
    return NULL;
  if (!(write ? begin_write (c, error) : begin_read (c, error)))
    {
      give_back (c);
      return NULL;
    }
  return (XunchaOfficeSqliteConnection *)c;
}

sqlite3 *
xuncha_office_sqlite_connection_db (XunchaOfficeSqliteConnection *connection)
{
  return ((Connection *)connection)->db;
}

sqlite3_stmt *
xuncha_office_sqlite_connection_prepare (XunchaOfficeSqliteConnection  *connection,
                                         const char                    *sql,
                                         GError                       **error)
{
  return prepare ((Connection *)connection, sql, error);
}

gboolean
xuncha_office_sqlite_connection_step_done (XunchaOfficeSqliteConnection  *connection,
                                           sqlite3_stmt                  *stmt,
                                           GError                       **error)
{
  return step_done ((Connection *)connection, stmt, error);
}

gboolean
xuncha_office_sqlite_connection_fail (XunchaOfficeSqliteConnection  *connection,
                                      GError                       **error,
                                      const char                    *what)
{
  return db_error ((Connection *)connection, error, what);
}

gboolean
xuncha_office_sqlite_connection_read_done (XunchaOfficeSqliteConnection  *connection,
                                           sqlite3_stmt                  *stmt,
                                           int                            rc,
                                           GError                       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return db_error ((Connection *)connection, error, "Database read failed");
  return TRUE;
}

gboolean
xuncha_office_sqlite_connection_commit (XunchaOfficeSqliteConnection  *connection,
                                        GError                       **error)
{
  return exec ((Connection *)connection, "COMMIT", error);
}

/* The failed enrollments and the console's failed logins are kept alike: row ids grow
 * with each insert, so the lowest are the oldest attempts. */
gboolean
xuncha_office_sqlite_connection_failure_add (XunchaOfficeSqliteConnection     *connection,
                                             const char                       *insert,
                                             const char                       *forget,
                                             const XunchaOfficeEnrollFailure  *failure,
                                             guint                             keep_max,
                                             GError                          **error)
{
  Connection *c = (Connection *)connection;
  sqlite3_stmt *stmt = prepare (c, insert, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, failure->officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, failure->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, failure->at);
  if (!step_done (c, stmt, error))
    return FALSE;
  stmt = prepare (c, forget, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sqlite3_last_insert_rowid (c->db) - (gint64)keep_max);
  return step_done (c, stmt, error);
}

const char *
xuncha_office_sqlite_column_text (sqlite3_stmt *stmt,
                                  int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

void
xuncha_office_sqlite_connection_give_back (XunchaOfficeSqliteConnection *connection)
{
  give_back ((Connection *)connection);
}

XunchaOfficeSqliteRecords *
xuncha_office_sqlite_records_open (const char  *data_dir,
                                   guint        pool_size,
                                   GError     **error)
{
  g_autoptr(XunchaOfficeSqliteRecords) self = NULL;
  Connection *first;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (pool_size > 0, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_SQLITE_RECORDS, NULL);
  self->path = g_build_filename (data_dir, "office.db", NULL);
  self->pool_size = pool_size;
  if (!make_private (data_dir, self->path, error))
    return NULL;

  first = take (self, error);
  if (first == NULL)
    return NULL;
  if (!migrate (first, error))
    {
      give_back (first);
      return NULL;
    }
  give_back (first);
  return g_steal_pointer (&self);
}
