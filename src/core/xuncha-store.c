/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "xuncha-outbox.h"
#include "xuncha-private-files-private.h"
#include "xuncha-statement-cache-private.h"
#include "xuncha-store-private.h"
#include "xuncha-taxonomy-store.h"

struct _XunchaStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *data_dir;
  char       *path;
  XunchaStatementCache *statements;
  int         schema_version;
  guint       tx_depth;
};

G_DEFINE_TYPE (XunchaStore, xuncha_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-store-error-quark, xuncha_store_error)

/* Numbered migrations. Entry N takes a database from version N to N + 1. Never edit a
 * migration that has shipped: add a new one. */
static const char * const migrations[] = {
  /* 0 -> 1: the first schema. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE categories ("
  "  code        TEXT PRIMARY KEY,"
  "  name_zh     TEXT NOT NULL,"
  "  name_en     TEXT NOT NULL,"
  "  campaign    TEXT NOT NULL,"
  "  campaigns   TEXT NOT NULL DEFAULT '[]',"
  "  legacy_code TEXT,"
  "  is_local    INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),"
  "  internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),"
  "  fields      TEXT NOT NULL DEFAULT '[]',"
  "  sort_order  INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE streets ("
  "  id          TEXT PRIMARY KEY,"
  "  name        TEXT,"
  "  class       TEXT NOT NULL DEFAULT 'other'"
  "              CHECK (class IN ('strict', 'class1', 'class2', 'other')),"
  "  grid_cell   TEXT,"
  "  community   TEXT,"
  "  unit        TEXT,"
  "  kind        TEXT,"                      /* e.g. OSM highway=*: for drawing widths */
  "  geometry    BLOB NOT NULL,"              /* WKB (Multi)LineString, WGS-84 lon/lat */
  "  min_lon REAL NOT NULL, min_lat REAL NOT NULL,"
  "  max_lon REAL NOT NULL, max_lat REAL NOT NULL,"
  "  length_m    REAL NOT NULL DEFAULT 0,"
  "  properties  TEXT NOT NULL DEFAULT '{}',"
  "  updated_at  TEXT NOT NULL"
  ");"
  "CREATE TABLE merchants ("
  "  id          TEXT PRIMARY KEY,"
  "  name        TEXT NOT NULL,"
  "  address     TEXT,"
  "  contact     TEXT,"
  "  lon         REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),"
  "  lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),"
  "  street_id   TEXT REFERENCES streets (id) ON DELETE SET NULL,"
  "  street_distance_m REAL,"                 /* from the merchant to its street */
  "  updated_at  TEXT NOT NULL"
  ");"
  "CREATE INDEX merchants_street ON merchants (street_id);"
  "CREATE TABLE assignments ("                /* the officer's own street segments */
  "  street_id   TEXT PRIMARY KEY"
  ");"
  "CREATE TABLE shifts ("
  "  uuid        TEXT PRIMARY KEY,"
  "  officer     TEXT,"
  "  kind        TEXT NOT NULL CHECK (kind IN ('early', 'mid', 'late')),"
  "  started_at  TEXT NOT NULL,"              /* ISO 8601 UTC */
  "  ended_at    TEXT,"
  "  source      TEXT NOT NULL DEFAULT 'live'"  /* live | import */
  ");"
  "CREATE UNIQUE INDEX shifts_one_open ON shifts ((ended_at IS NULL)) WHERE ended_at IS NULL;"
  "CREATE TABLE track_points ("
  "  shift_uuid  TEXT NOT NULL REFERENCES shifts (uuid) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  t_ms        INTEGER NOT NULL,"            /* Unix time, milliseconds */
  "  lat         REAL NOT NULL,"
  "  lon         REAL NOT NULL,"
  "  accuracy    REAL,"
  "  altitude    REAL,"
  "  speed       REAL,"
  "  heading     REAL,"
  "  PRIMARY KEY (shift_uuid, seq)"
  ") WITHOUT ROWID;"
  "CREATE TABLE photos ("
  "  sha256      TEXT PRIMARY KEY CHECK (length (sha256) = 64),"
  "  bytes       INTEGER NOT NULL,"
  "  width       INTEGER,"
  "  height      INTEGER,"
  "  taken_at    TEXT,"
  "  lat REAL, lon REAL, altitude REAL,"
  "  created_at  TEXT NOT NULL"
  ");"
  "CREATE TABLE reports ("
  "  uuid            TEXT PRIMARY KEY,"
  "  created_at      TEXT NOT NULL,"
  "  officer         TEXT,"
  "  shift_uuid      TEXT REFERENCES shifts (uuid) ON DELETE SET NULL,"
  "  category        TEXT NOT NULL REFERENCES categories (code),"
  "  fields          TEXT NOT NULL DEFAULT '{}',"
  "  note            TEXT,"
  "  lat REAL, lon REAL, accuracy REAL, altitude REAL, heading REAL,"
  "  position_source TEXT CHECK (position_source IN ('gps', 'manual', 'exif', 'track')),"
  "  street_id       TEXT REFERENCES streets (id) ON DELETE SET NULL,"
  "  street_offset_m REAL,"
  "  merchant_id     TEXT REFERENCES merchants (id) ON DELETE SET NULL,"
  "  disposition     TEXT CHECK (disposition IN ('corrected', 'deadline', 'case')),"
  "  deadline        TEXT,"
  "  parent_uuid     TEXT REFERENCES reports (uuid),"
  "  case_status     TEXT,"
  "  case_status_at  TEXT"
  ");"
  "CREATE INDEX reports_created ON reports (created_at);"
  "CREATE INDEX reports_merchant ON reports (merchant_id, created_at);"
  "CREATE INDEX reports_shift ON reports (shift_uuid);"
  "CREATE TABLE report_photos ("
  "  report_uuid TEXT NOT NULL REFERENCES reports (uuid) ON DELETE CASCADE,"
  "  sha256      TEXT NOT NULL REFERENCES photos (sha256),"
  "  role        TEXT NOT NULL DEFAULT 'before' CHECK (role IN ('before', 'after', 'evidence')),"
  "  position    INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (report_uuid, sha256, role)"
  ");"
  "CREATE INDEX report_photos_sha ON report_photos (sha256);"
  /* What waits for the office. The state of an item is derived from this row alone, so
   * a crash or reboot can never leave a stale 'sending' flag elsewhere. */
  "CREATE TABLE outbox ("
  "  kind        TEXT NOT NULL CHECK (kind IN ('photo', 'report', 'shift', 'points')),"
  "  item        TEXT NOT NULL,"
  "  state       TEXT NOT NULL DEFAULT 'waiting'"
  "              CHECK (state IN ('waiting', 'sending', 'acked', 'failed')),"
  "  attempts    INTEGER NOT NULL DEFAULT 0,"
  "  next_try_at TEXT,"
  "  last_error  TEXT,"
  "  receipt     TEXT,"
  "  progress    INTEGER NOT NULL DEFAULT 0,"   /* shift: see migration 2 */
  "  queued_at   TEXT NOT NULL,"
  "  acked_at    TEXT,"
  "  PRIMARY KEY (kind, item)"
  ");"
  "CREATE INDEX outbox_state ON outbox (state);",

  /* 1 -> 2: a shift's cursor becomes the first track seq not yet acknowledged (it was the
   * last one acknowledged, 0 at first, so seq 0, every shift's first point, never went),
   * and the office's count of the shift's points is kept to compare with the device's.
   * Points 1 … P of a shift with cursor P did go: the cursor becomes P + 1, and the next
   * sync sees the office hold one point fewer than that and sends the missing one. Shifts
   * the device called acknowledged wait again for that. */
  "ALTER TABLE outbox ADD COLUMN office_points INTEGER;"   /* shift: points the office holds */
  "UPDATE outbox SET progress = CASE WHEN progress > 0 THEN progress + 1 ELSE 0 END,"
  "  state = CASE state WHEN 'acked' THEN 'waiting' ELSE state END "
  "WHERE kind = 'shift';",

  /* 2 -> 3: a report or shift belongs to the officer who made it, recorded when it is
   * saved. Rows saved before had none: they get the officer the device is enrolled as
   * now, the only one known; on a device not enrolled they stay unknown (NULL). */
  "UPDATE reports SET officer = (SELECT nullif (value, '') FROM meta "
  "  WHERE key = 'sync.officer') WHERE officer IS NULL;"
  "UPDATE shifts SET officer = (SELECT nullif (value, '') FROM meta "
  "  WHERE key = 'sync.officer') WHERE officer IS NULL;",

  /* 3 -> 4: a category's pinyin, which the category search matches typed letters with.
   * Rows from before have none until the next category list is saved. */
  "ALTER TABLE categories ADD COLUMN pinyin TEXT;",

  /* 4 -> 5: tasks the office gives the officer (verify, check, roll call, patrol), what
   * he did for each (sent through the outbox, after the reports it names), and the
   * office's messages. The outbox's kinds are a CHECK, which SQLite cannot alter: the
   * table is made again with the new kinds and its rows copied. */
  "CREATE TABLE tasks ("
  "  id          TEXT PRIMARY KEY,"
  "  kind        TEXT NOT NULL CHECK (kind IN ('verify', 'check', 'rollcall', 'patrol')),"
  "  officer_id  TEXT,"
  "  team        TEXT,"
  "  state       TEXT NOT NULL"
  "              CHECK (state IN ('open', 'accepted', 'done', 'cancelled', 'expired')),"
  "  accepted_by TEXT,"
  "  created_at  TEXT NOT NULL,"
  "  deadline    TEXT NOT NULL,"
  "  lat REAL, lon REAL, radius_m REAL,"
  "  category    TEXT,"
  "  street_ids  TEXT NOT NULL DEFAULT '[]',"    /* JSON array of street ids */
  "  report_uuid TEXT,"
  "  note        TEXT NOT NULL DEFAULT '',"
  "  photos      TEXT NOT NULL DEFAULT '[]',"    /* JSON array of SHA-256 names */
  "  revision    INTEGER NOT NULL DEFAULT 0,"
  "  accept_at   TEXT,"                         /* the officer accepted it here */
  "  taken       INTEGER NOT NULL DEFAULT 0 CHECK (taken IN (0, 1))," /* by another */
  "  received_at TEXT NOT NULL"
  ");"
  "CREATE INDEX tasks_deadline ON tasks (deadline);"
  "CREATE TABLE task_results ("
  "  result_uuid  TEXT PRIMARY KEY,"
  "  task_id      TEXT NOT NULL UNIQUE REFERENCES tasks (id),"
  "  outcome      TEXT NOT NULL,"
  "  category     TEXT,"
  "  report_uuids TEXT NOT NULL DEFAULT '[]',"  /* JSON array of report uuids */
  "  note         TEXT NOT NULL DEFAULT '',"
  "  lat REAL, lon REAL, accuracy REAL,"
  "  position_source TEXT CHECK (position_source IN ('gps', 'manual', 'exif', 'track')),"
  "  shift_uuid   TEXT,"
  "  done_at      TEXT NOT NULL"
  ");"
  "CREATE TABLE messages ("
  "  id          TEXT PRIMARY KEY,"
  "  audience    TEXT NOT NULL CHECK (audience IN ('officer', 'team', 'all')),"
  "  team        TEXT,"
  "  officer_id  TEXT,"
  "  sender      TEXT NOT NULL,"
  "  title       TEXT NOT NULL,"
  "  body        TEXT NOT NULL,"
  "  sent_at     TEXT NOT NULL,"
  "  read_at     TEXT,"                         /* read here or at the office */
  "  revision    INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX messages_sent ON messages (sent_at);"
  "CREATE TABLE outbox_5 ("
  "  kind        TEXT NOT NULL CHECK (kind IN ('photo', 'report', 'shift', 'points',"
  "                                            'task_accept', 'task_result',"
  "                                            'message_read')),"
  "  item        TEXT NOT NULL,"
  "  state       TEXT NOT NULL DEFAULT 'waiting'"
  "              CHECK (state IN ('waiting', 'sending', 'acked', 'failed')),"
  "  attempts    INTEGER NOT NULL DEFAULT 0,"
  "  next_try_at TEXT,"
  "  last_error  TEXT,"
  "  receipt     TEXT,"
  "  progress    INTEGER NOT NULL DEFAULT 0,"
  "  queued_at   TEXT NOT NULL,"
  "  acked_at    TEXT,"
  "  office_points INTEGER,"
  "  PRIMARY KEY (kind, item)"
  ");"
  "INSERT INTO outbox_5 (kind, item, state, attempts, next_try_at, last_error, receipt,"
  "                      progress, queued_at, acked_at, office_points)"
  "  SELECT kind, item, state, attempts, next_try_at, last_error, receipt, progress,"
  "         queued_at, acked_at, office_points FROM outbox;"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_5 RENAME TO outbox;"
  "CREATE INDEX outbox_state ON outbox (state);",

  /* 5 -> 6: the signed manifest of every saved version of a report (docs/evidence.md),
   * written in the transaction that saves it: the device's chain by key and sequence, the
   * report's by revision, the canonical bytes and their signature as signed. */
  "CREATE TABLE evidence_manifests ("
  "  device_key      TEXT NOT NULL,"            /* the signing key's fingerprint */
  "  sequence        INTEGER NOT NULL CHECK (sequence >= 1),"
  "  report_uuid     TEXT NOT NULL,"
  "  officer         TEXT NOT NULL,"            /* whose it is: sent only under him */
  "  revision        INTEGER NOT NULL CHECK (revision >= 1),"
  "  sha256          TEXT NOT NULL UNIQUE,"     /* of the canonical bytes */
  "  manifest        BLOB NOT NULL,"
  "  signature       BLOB NOT NULL,"
  "  sent            INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),"  /* office holds it */
  "  PRIMARY KEY (device_key, sequence),"
  "  UNIQUE (report_uuid, revision)"
  ");",
};

static const char * const tables[] = {
  "meta", "categories", "streets", "merchants", "assignments", "shifts", "track_points",
  "photos", "reports", "report_photos", "outbox", "tasks", "task_results", "messages",
  "evidence_manifests", NULL,
};

static void
xuncha_store_finalize (GObject *object)
{
  XunchaStore *self = (XunchaStore *)object;

  g_clear_pointer (&self->statements, xuncha_statement_cache_free);
  if (self->db != NULL)
    {
      /* Close quietly: a checkpoint failing here loses nothing, the WAL stays. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (xuncha_store_parent_class)->finalize (object);
}

static void
xuncha_store_class_init (XunchaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_store_finalize;
}

static void
xuncha_store_init (XunchaStore *self)
{
  self->statements = xuncha_statement_cache_new ();
}

static gboolean
is_corruption (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

static XunchaStoreError
error_code_for (int rc)
{
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    return XUNCHA_STORE_ERROR_CONSTRAINT;
  if (is_corruption (rc))
    return XUNCHA_STORE_ERROR_CORRUPT;
  return XUNCHA_STORE_ERROR_FAILED;
}

gboolean
xuncha_store_set_error (XunchaStore  *self,
                        GError      **error,
                        const char   *what)
{
  g_set_error (error, XUNCHA_STORE_ERROR, error_code_for (sqlite3_extended_errcode (self->db)),
               "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
xuncha_store_exec (XunchaStore  *self,
                   const char   *sql,
                   GError      **error)
{
  g_autofree char *message = NULL;
  char *errmsg = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      message = g_strdup (errmsg != NULL ? errmsg : sqlite3_errmsg (self->db));
      sqlite3_free (errmsg);
      g_set_error (error, XUNCHA_STORE_ERROR,
                   error_code_for (sqlite3_extended_errcode (self->db)), "%s", message);
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
xuncha_store_get_db (XunchaStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);
  return self->db;
}

sqlite3_stmt *
xuncha_store_prepare (XunchaStore  *self,
                      const char   *sql,
                      GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = xuncha_statement_cache_prepare (self->statements, self->db, sql);
  if (stmt == NULL)
    xuncha_store_set_error (self, error, "Could not prepare a database statement");
  return stmt;
}

gboolean
xuncha_store_step_done (XunchaStore   *self,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      xuncha_store_set_error (self, error, "Database write failed");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
xuncha_store_commit_with_outbox (XunchaStore   *self,
                                 sqlite3_stmt  *change,
                                 const char    *kind,
                                 const char    *item,
                                 const char    *at,
                                 GError       **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);
  g_return_val_if_fail (change != NULL && kind != NULL && item != NULL && at != NULL, FALSE);

  sqlite3_bind_text (change, 1, item, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (change, 2, at, -1, SQLITE_TRANSIENT);
  if (!xuncha_store_step_done (self, change, error)
      || !xuncha_outbox_enqueue (self, kind, item, at, error)
      || !xuncha_store_commit (self, error))
    {
      xuncha_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

char *
xuncha_store_column_dup (sqlite3_stmt *stmt,
                         int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

void
xuncha_store_bind_text_or_null (sqlite3_stmt *stmt,
                                int           index,
                                const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

gboolean
xuncha_store_read_row (XunchaStore           *self,
                       sqlite3_stmt          *stmt,
                       XunchaStoreRowReader   read,
                       gpointer              *row,
                       const char            *what,
                       GError               **error)
{
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);
  g_return_val_if_fail (stmt != NULL && read != NULL && row != NULL, FALSE);

  *row = NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *row = read (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return xuncha_store_set_error (self, error, what);
  return TRUE;
}

GPtrArray *
xuncha_store_read_rows (XunchaStore           *self,
                        sqlite3_stmt          *stmt,
                        XunchaStoreRowReader   read,
                        GDestroyNotify         free_row,
                        const char            *what,
                        GError               **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);
  g_return_val_if_fail (stmt != NULL && read != NULL, NULL);

  rows = g_ptr_array_new_with_free_func (free_row);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (self, error, what);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gboolean
xuncha_store_begin (XunchaStore  *self,
                    GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);

  if (self->tx_depth == 0 && !xuncha_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->tx_depth++;
  return TRUE;
}

gboolean
xuncha_store_commit (XunchaStore  *self,
                     GError      **error)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth == 1 && !xuncha_store_exec (self, "COMMIT", error))
    {
      xuncha_store_rollback (self);
      return FALSE;
    }
  self->tx_depth--;
  return TRUE;
}

void
xuncha_store_rollback (XunchaStore *self)
{
  g_return_if_fail (XUNCHA_IS_STORE (self));

  if (self->tx_depth == 0)
    return;
  self->tx_depth = 0;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

int
xuncha_store_latest_schema_version (void)
{
  return (int)G_N_ELEMENTS (migrations);
}

const char * const *
xuncha_store_list_tables (void)
{
  return tables;
}

char *
xuncha_store_resolve_data_dir (const char *override)
{
  const char *env;

  if (override != NULL && *override != '\0')
    return g_canonicalize_filename (override, NULL);
  env = g_getenv ("XUNCHA_DATA_DIR");
  if (env != NULL && *env != '\0')
    return g_canonicalize_filename (env, NULL);
  return g_build_filename (g_get_user_data_dir (), "xuncha", NULL);
}

/* Moves a damaged database (and its WAL and shared-memory files) aside under a name with
 * the time, so an officer's unsent work can still be recovered by hand. Never deletes. */
static char *
move_aside (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *target = NULL;

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_free (target);
      target = attempt == 0 ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
                            : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, attempt);
      if (!g_file_test (target, G_FILE_TEST_EXISTS))
        break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        g_warning ("Could not move %s aside: %s", from, g_strerror (errno));
    }
  return g_steal_pointer (&target);
}

static gboolean
read_int_pragma (XunchaStore  *self,
                 const char   *sql,
                 int          *out,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return xuncha_store_set_error (self, error, "Could not read the database settings");
  *out = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
configure_connection (XunchaStore  *self,
                      GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *mode;

  /* journal_mode answers with the mode in force: check it, WAL can be refused. */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return xuncha_store_set_error (self, error, "Could not read the database");
  mode = (const char *)sqlite3_column_text (stmt, 0);
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_OPEN,
                   "The database could not switch to write-ahead logging (mode %s)", mode);
      return FALSE;
    }

  /* FULL: a commit the user was told about survives power loss, not only a crash. */
  return xuncha_store_exec (self,
                            "PRAGMA synchronous = FULL;"
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA secure_delete = OFF;"
                            "PRAGMA temp_store = MEMORY;",
                            error);
}

static gboolean
check_version (XunchaStore  *self,
               GError      **error)
{
  int version = 0;
  int latest = xuncha_store_latest_schema_version ();

  if (!read_int_pragma (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > latest)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NEWER_SCHEMA,
                   _("This data was saved by a newer version of Xuncha (schema %d; this "
                     "version knows up to %d). Update Xuncha to open it; the file was "
                     "left unchanged."),
                   version, latest);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (XunchaStore  *self,
         GError      **error)
{
  int version = 0;
  int latest = xuncha_store_latest_schema_version ();

  if (!read_int_pragma (self, "PRAGMA user_version", &version, error))
    return FALSE;

  for (; version < latest; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      g_debug ("Migrating %s from schema %d to %d", self->path, version, version + 1);
      if (!xuncha_store_begin (self, error))
        return FALSE;
      if (!xuncha_store_exec (self, migrations[version], error)
          || !xuncha_store_exec (self, bump, error)
          || !xuncha_store_commit (self, error))
        {
          xuncha_store_rollback (self);
          g_prefix_error (error, "Could not upgrade the database to schema %d: ",
                          version + 1);
          if (error != NULL && *error != NULL && (*error)->code != XUNCHA_STORE_ERROR_CORRUPT)
            (*error)->code = XUNCHA_STORE_ERROR_MIGRATION;
          return FALSE;
        }
    }

  self->schema_version = latest;
  return TRUE;
}

static gboolean
open_database (XunchaStore  *self,
               GError      **error)
{
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db != NULL)
        return xuncha_store_set_error (self, error, "Could not open the database");
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_OPEN,
                   "Could not open the database %s", self->path);
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  /* The version is read before anything is written (even the journal mode), so a file
   * from a newer Xuncha is left byte for byte as it was. A damaged header shows on this
   * first read, so it doubles as the check. */
  if (!check_version (self, error)
      || !configure_connection (self, error)
      || !migrate (self, error))
    return FALSE;
  return TRUE;
}

/* Evidence photos and officers' positions: the owner only. A folder or file left with a
 * wider mode is tightened (and the log says so); SQLite gives its -wal, -shm and -journal
 * files the mode of the database, which is made 0600 before SQLite opens it. */
static gboolean
make_private (XunchaStore  *self,
              GError      **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  guint was_mode = 0;

  if (!xuncha_private_dir (self->data_dir, &was_mode, error))
    return FALSE;
  if (was_mode != 0)
    g_message ("Made the data folder %s private (mode 0700, was %04o)", self->data_dir,
               was_mode);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, suffixes[i], NULL);

      if (!xuncha_private_file (file, i == 0, &was_mode, error))
        return FALSE;
      if (was_mode != 0)
        g_message ("Made the file %s private (mode 0600, was %04o)", file, was_mode);
    }
  return TRUE;
}

XunchaStore *
xuncha_store_open (const char  *data_dir,
                   GError     **error)
{
  g_autoptr(XunchaStore) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_STORE, NULL);
  self->data_dir = g_strdup (data_dir);
  self->path = g_build_filename (data_dir, "xuncha.db", NULL);

  if (!make_private (self, &local_error))
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_OPEN, "%s",
                   local_error->message);
      return NULL;
    }

  if (!open_database (self, &local_error))
    {
      gboolean corrupt =
        g_error_matches (local_error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT);

      xuncha_statement_cache_clear (self->statements);
      sqlite3_close_v2 (self->db);
      self->db = NULL;

      if (corrupt)
        {
          g_autofree char *aside = move_aside (self->path);
          g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT,
                       _("The database %s is damaged and was not opened. It was kept as "
                         "%s; nothing was deleted. Start again to begin with an empty "
                         "database, and give that file to the office to recover its "
                         "reports."),
                       self->path, aside);
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
xuncha_store_prepare_for_use (XunchaStore  *self,
                              GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);

  /* The categories every report needs: a new database has none, and a newer build may
   * bring a newer list. */
  if (!xuncha_taxonomy_ensure_loaded (self, error))
    return FALSE;

  /* A sync killed while it held reports leaves them 'sending': they wait again, so they
   * go with the next sync and can be edited until then. A sync running in another
   * process keeps its rows (it holds the lock). */
  if (xuncha_outbox_recover_sending (self, &local_error) < 0)
    g_debug ("Could not recover the outbox: %s", local_error->message);

  /* Rows saved by a build that queued shifts only when a sync began get their outbox rows
   * here, once per start instead of with every sync. Failing is not fatal: the next
   * start tries again. */
  g_clear_error (&local_error);
  if (!xuncha_outbox_enqueue_missing (self, &local_error))
    g_debug ("Could not queue what the outbox lacks: %s", local_error->message);
  return TRUE;
}

const char *
xuncha_store_get_data_dir (XunchaStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);
  return self->data_dir;
}

const char *
xuncha_store_get_path (XunchaStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);
  return self->path;
}

int
xuncha_store_get_schema_version (XunchaStore *self)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (self), 0);
  return self->schema_version;
}

gboolean
xuncha_store_check_integrity (XunchaStore  *self,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check(20)", -1, &stmt, NULL)
      != SQLITE_OK)
    return xuncha_store_set_error (self, error, "Could not check the database");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  if (rc != SQLITE_DONE)
    return xuncha_store_set_error (self, error, "Could not check the database");

  g_clear_pointer (&stmt, sqlite3_finalize);
  if (problems->len == 0
      && sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &stmt, NULL)
         == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (problems, "a row of %s points to a missing row",
                            sqlite3_column_text (stmt, 0));

  if (problems->len > 0)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_CORRUPT,
                   "The database is damaged: %s", problems->str);
      return FALSE;
    }
  return TRUE;
}

gint64
xuncha_store_count_rows (XunchaStore  *self,
                         const char   *table,
                         GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gboolean known = FALSE;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), -1);

  for (guint i = 0; tables[i] != NULL; i++)
    known |= g_str_equal (tables[i], table);
  if (!known)
    {
      g_set_error (error, XUNCHA_STORE_ERROR, XUNCHA_STORE_ERROR_NOT_FOUND,
                   "No table named %s", table);
      return -1;
    }

  /* The name was checked against the fixed list above, so it is safe to splice. */
  sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    {
      xuncha_store_set_error (self, error, "Could not count rows");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

char *
xuncha_store_get_meta (XunchaStore *self,
                       const char  *key)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), NULL);

  stmt = xuncha_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      return value;
    }
  sqlite3_reset (stmt);
  return NULL;
}

gboolean
xuncha_store_set_meta (XunchaStore  *self,
                       const char   *key,
                       const char   *value,
                       GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (self), FALSE);

  stmt = xuncha_store_prepare (self,
                               "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return xuncha_store_step_done (self, stmt, error);
}
