/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/random.h>
#include <unistd.h>

#include "xuncha-office-sqlite-storage.h"
#include "xuncha-private-files-private.h"
#include "xuncha-sqlite-private.h"
#include "xuncha-statement-cache-private.h"

struct _XunchaOfficeSqliteStorage
{
  GObject     parent_instance;

  char       *data_dir;
  char       *photo_dir;
  char       *tmp_dir;
  sqlite3    *db;
  XunchaStatementCache *statements;
};

typedef struct
{
  int        fd;
  char      *path;
  GChecksum *checksum;
  gint64     bytes;
} Upload;

static void storage_iface_init (XunchaOfficeStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XunchaOfficeSqliteStorage, xuncha_office_sqlite_storage,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XUNCHA_TYPE_OFFICE_STORAGE,
                                                      storage_iface_init))

static const char schema[] =
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
   * guessing codes outlive a restart. The schema has no numbered migrations: every table
   * is made if missing, so an older office.db gains this one at its next start. */
  "CREATE TABLE IF NOT EXISTS enroll_failures ("
  "  officer_id TEXT NOT NULL, address TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS enroll_failures_at ON enroll_failures (at);";

static void
xuncha_office_sqlite_storage_finalize (GObject *object)
{
  XunchaOfficeSqliteStorage *self = (XunchaOfficeSqliteStorage *)object;

  g_clear_pointer (&self->statements, xuncha_statement_cache_free);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->data_dir);
  g_free (self->photo_dir);
  g_free (self->tmp_dir);

  G_OBJECT_CLASS (xuncha_office_sqlite_storage_parent_class)->finalize (object);
}

static void
xuncha_office_sqlite_storage_class_init (XunchaOfficeSqliteStorageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_sqlite_storage_finalize;
}

static void
xuncha_office_sqlite_storage_init (XunchaOfficeSqliteStorage *self)
{
  self->statements = xuncha_statement_cache_new ();
}

static gboolean
db_error (XunchaOfficeSqliteStorage  *self,
          GError                    **error,
          const char                 *what)
{
  int rc = sqlite3_errcode (self->db);

  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
               rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? XUNCHA_OFFICE_STORAGE_ERROR_BUSY
                                                        : XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (XunchaOfficeSqliteStorage  *self,
         const char                 *sql,
         GError                    **error)
{
  sqlite3_stmt *stmt = xuncha_statement_cache_prepare (self->statements, self->db, sql);

  if (stmt == NULL)
    db_error (self, error, "Could not prepare a statement");
  return stmt;
}

static gboolean
step_done (XunchaOfficeSqliteStorage  *self,
           sqlite3_stmt               *stmt,
           GError                    **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_error (self, error, "Database write failed");
  return TRUE;
}

static gboolean
exec (XunchaOfficeSqliteStorage  *self,
      const char                 *sql,
      GError                    **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error, "Database command failed");
  return TRUE;
}

static void
rollback (XunchaOfficeSqliteStorage *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

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

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

/* The first column of the first row of @sql (a literal) with @text as ?1; 0 without. */
static gint64
query_int64 (XunchaOfficeSqliteStorage *self,
             const char                *sql,
             const char                *text)
{
  sqlite3_stmt *stmt = prepare (self, sql, NULL);
  gint64 value = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gint64
counter_get (XunchaOfficeSqliteStorage *self,
             const char                *name)
{
  return query_int64 (self, "SELECT value FROM counters WHERE name = ?1", name);
}

static gboolean
counter_set (XunchaOfficeSqliteStorage  *self,
             const char                 *name,
             gint64                      value,
             GError                    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO counters (name, value) VALUES (?1, ?2) "
                                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  return step_done (self, stmt, error);
}

/* Officers and tokens. */

static gboolean
storage_officer_add (XunchaOfficeStorage      *storage,
                     const XunchaWireOfficer  *officer,
                     char                    **code,
                     GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *new_code = random_code ();
  g_autofree char *hash = code_hash (new_code);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;

  stmt = prepare (self,
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
  if (!step_done (self, stmt, error))
    return FALSE;
  *code = g_steal_pointer (&new_code);
  return TRUE;
}

static gboolean
storage_officer_revoke (XunchaOfficeStorage  *storage,
                        const char           *officer_id,
                        GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "UPDATE officers SET revoked = 1, code_sha256 = NULL WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", officer_id);
      goto fail;
    }
  stmt = prepare (self, "UPDATE tokens SET revoked = 1 WHERE officer_id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error) || !exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
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
storage_enroll (XunchaOfficeStorage  *storage,
                const char           *officer_id,
                const char           *code,
                const char           *device_name,
                char                **token,
                XunchaWireOfficer    *officer,
                GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *hash = code_hash (code);
  g_autofree char *new_token = random_token ();
  g_autofree char *token_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, new_token, -1);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;
  gboolean match;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self,
                  "SELECT id, name, team, leader, code_sha256 FROM officers "
                  "WHERE id = ?1 AND revoked = 0",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      unauthorized (error, "Unknown officer or wrong enrollment code");
      goto fail;
    }
  match = column_text (stmt, 4) != NULL && g_str_equal (column_text (stmt, 4), hash);
  if (match)
    officer_from_row (stmt, 0, officer);
  sqlite3_reset (stmt);
  if (!match)
    {
      unauthorized (error, "Unknown officer or wrong enrollment code");
      goto fail;
    }

  stmt = prepare (self,
                  "INSERT INTO tokens (sha256, officer_id, device_name, created_at) "
                  "VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, device_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  /* One-time: the code is spent. */
  stmt = prepare (self, "UPDATE officers SET code_sha256 = NULL WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error) || !exec (self, "COMMIT", error))
    goto fail;
  *token = g_steal_pointer (&new_token);
  return TRUE;

fail:
  xuncha_wire_officer_clear (officer);
  rollback (self);
  return FALSE;
}

static gboolean
storage_authenticate (XunchaOfficeStorage  *storage,
                      const char           *token,
                      XunchaWireOfficer    *officer,
                      GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gboolean found;

  if (token == NULL || *token == '\0')
    return unauthorized (error, "No device token; enroll this device");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  stmt = prepare (self,
                  "SELECT o.id, o.name, o.team, o.leader FROM tokens t "
                  "JOIN officers o ON o.id = t.officer_id "
                  "WHERE t.sha256 = ?1 AND t.revoked = 0 AND o.revoked = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    officer_from_row (stmt, 0, officer);
  sqlite3_reset (stmt);
  if (!found)
    return unauthorized (error, "The office does not accept this device token (revoked or "
                         "unknown); enroll again");
  return TRUE;
}

static GStrv
storage_assigned_streets (XunchaOfficeStorage *storage,
                          const char          *officer_id)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT street_id FROM assignments WHERE officer_id = ?1 "
                                "ORDER BY street_id", NULL);

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_strv_builder_add (builder, column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  return g_strv_builder_end (builder);
}

static gboolean
storage_assign_streets (XunchaOfficeStorage  *storage,
                        const char           *officer_id,
                        const char * const   *street_ids,
                        GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "SELECT 1 FROM officers WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No officer %s", officer_id);
      goto fail;
    }
  sqlite3_reset (stmt);

  stmt = prepare (self, "DELETE FROM assignments WHERE officer_id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;

  for (guint i = 0; street_ids[i] != NULL; i++)
    {
      stmt = prepare (self, "SELECT 1 FROM features WHERE kind = 'streets' AND id = ?1 "
                      "AND deleted = 0", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, street_ids[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                       "No street segment %s; import the streets first", street_ids[i]);
          goto fail;
        }
      sqlite3_reset (stmt);
      stmt = prepare (self, "INSERT OR IGNORE INTO assignments (officer_id, street_id) "
                      "VALUES (?1, ?2)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, officer_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, street_ids[i], -1, SQLITE_STATIC);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  if (!exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Photos: content-addressed files; the folder is the truth, the table keeps times. */

static char *
photo_path (XunchaOfficeSqliteStorage *self,
            const char                *sha256)
{
  g_autofree char *name = g_strconcat (sha256, ".jpg", NULL);
  return g_build_filename (self->photo_dir, name, NULL);
}


static void
upload_free (Upload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  if (upload->path != NULL)
    g_unlink (upload->path);
  g_free (upload->path);
  g_checksum_free (upload->checksum);
  g_free (upload);
}

static gpointer
storage_photo_begin (XunchaOfficeStorage  *storage,
                     GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  Upload *upload = g_new0 (Upload, 1);

  upload->path = g_build_filename (self->tmp_dir, "upload-XXXXXX", NULL);
  upload->fd = g_mkstemp_full (upload->path, O_WRONLY | O_CLOEXEC, 0600);
  if (upload->fd < 0)
    {
      int saved = errno;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not create a temporary photo file: %s", g_strerror (saved));
      g_clear_pointer (&upload->path, g_free);
      upload_free (upload);
      return NULL;
    }
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  return upload;
}

static gboolean
storage_photo_write (XunchaOfficeStorage  *storage,
                     gpointer              data,
                     const guint8         *bytes,
                     gsize                 length,
                     GError              **error)
{
  Upload *upload = data;
  gsize done = 0;

  g_checksum_update (upload->checksum, bytes, length);
  while (done < length)
    {
      ssize_t n = write (upload->fd, bytes + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                       "Could not write the photo: %s", g_strerror (saved));
          return FALSE;
        }
      done += (gsize)n;
    }
  upload->bytes += length;
  return TRUE;
}

static gboolean
fsync_dir (const char  *path,
           GError     **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;

  if (fd < 0)
    rc = -1;
  else
    {
      rc = fsync (fd);
      close (fd);
    }
  if (rc != 0)
    {
      int saved = errno;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not flush the photo folder: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static char *
photo_received_at (XunchaOfficeSqliteStorage *self,
                   const char                *sha256)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT received_at FROM photos WHERE sha256 = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static gboolean
storage_photo_held (XunchaOfficeStorage  *storage,
                    const char           *sha256,
                    gint64               *bytes,
                    char                **received_at)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *path = photo_path (self, sha256);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return FALSE;
  if (bytes != NULL)
    *bytes = st.st_size;
  if (received_at != NULL)
    {
      *received_at = photo_received_at (self, sha256);
      if (*received_at == NULL)
        *received_at = now_iso ();
    }
  return TRUE;
}

static gboolean
record_photo (XunchaOfficeSqliteStorage  *self,
              const char                 *sha256,
              gint64                      bytes,
              char                      **received_at,
              GError                    **error)
{
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO photos (sha256, bytes, received_at) "
                                "VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bytes);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    return FALSE;
  *received_at = photo_received_at (self, sha256);
  if (*received_at == NULL)
    *received_at = g_steal_pointer (&now);
  return TRUE;
}

static gboolean
storage_photo_commit (XunchaOfficeStorage  *storage,
                      gpointer              data,
                      const char           *sha256,
                      gboolean             *created,
                      gint64               *bytes,
                      char                **received_at,
                      GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  Upload *upload = data;
  g_autofree char *target = photo_path (self, sha256);
  const char *actual = g_checksum_get_string (upload->checksum);
  gboolean ok = FALSE;

  *bytes = upload->bytes;
  if (!g_str_equal (actual, sha256))
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH,
                   "The photo's bytes hash to %s, not to its name %s; nothing was kept",
                   actual, sha256);
      goto out;
    }

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    {
      *created = FALSE;
      ok = record_photo (self, sha256, upload->bytes, received_at, error);
      goto out;
    }

  /* Durable before the answer: the file's bytes, then its name. */
  if (fsync (upload->fd) != 0 || close (upload->fd) != 0)
    {
      int saved = errno;
      upload->fd = -1;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not flush the photo: %s", g_strerror (saved));
      goto out;
    }
  upload->fd = -1;
  if (g_rename (upload->path, target) != 0)
    {
      int saved = errno;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not store the photo: %s", g_strerror (saved));
      goto out;
    }
  g_clear_pointer (&upload->path, g_free);
  if (!fsync_dir (self->photo_dir, error))
    goto out;
  *created = TRUE;
  ok = record_photo (self, sha256, *bytes, received_at, error);

out:
  upload_free (upload);
  return ok;
}

static void
storage_photo_abort (XunchaOfficeStorage *storage,
                     gpointer             data)
{
  upload_free (data);
}

/* Reports. */

static gboolean
may_see (XunchaOfficeSqliteStorage *self,
         const XunchaWireOfficer   *officer,
         const char                *owner_id,
         const char                *owner_team)
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
owned_or_unknown (XunchaOfficeSqliteStorage  *self,
                  const char                 *sql,
                  const char                 *uuid,
                  const XunchaWireOfficer    *officer,
                  const char                 *member,
                  const char                 *what,
                  GError                    **error)
{
  sqlite3_stmt *stmt;
  gboolean other;
  int rc;

  if (uuid == NULL)
    return TRUE;
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  other = rc == SQLITE_ROW && g_strcmp0 (column_text (stmt, 0), officer->id) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (self, error, "Could not read whose report or shift it follows");
  if (other)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,
                   "%s: %s is %s", member, uuid, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
storage_report_put (XunchaOfficeStorage      *storage,
                    const XunchaWireOfficer  *officer,
                    const XunchaWireReport   *report,
                    gboolean                 *created,
                    XunchaOfficeReceipt      *receipt,
                    GStrv                    *missing,
                    GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *body = xuncha_wire_report_encode (report);
  g_autofree char *content = xuncha_protocol_sha256_hex (body);
  g_autofree char *now = now_iso ();
  g_autoptr(GStrvBuilder) lacking = g_strv_builder_new ();
  g_auto(GStrv) lacking_list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!owned_or_unknown (self, "SELECT officer_id FROM reports WHERE uuid = ?1",
                         report->parent_uuid, officer, "report.parent_uuid",
                         "another officer's report", error)
      || !owned_or_unknown (self, "SELECT officer_id FROM shifts WHERE uuid = ?1",
                            report->shift_uuid, officer, "report.shift_uuid",
                            "another officer's shift", error))
    goto fail;

  stmt = prepare (self,
                  "SELECT officer_id, content_sha256, receipt_id, received_at FROM reports "
                  "WHERE uuid = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean mine = g_strcmp0 (column_text (stmt, 0), officer->id) == 0;
      gboolean same = g_strcmp0 (column_text (stmt, 1), content) == 0;

      receipt->id = g_strdup (column_text (stmt, 2));
      receipt->received_at = g_strdup (column_text (stmt, 3));
      receipt->content_sha256 = g_strdup (column_text (stmt, 1));
      sqlite3_reset (stmt);
      if (!mine)
        {
          xuncha_office_receipt_clear (receipt);
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
                       "Report %s belongs to another officer", report->uuid);
          goto fail;
        }
      if (same)
        {
          *created = FALSE;
          return exec (self, "COMMIT", error);
        }
      stmt = prepare (self,
                      "INSERT INTO report_conflicts (uuid, content_sha256, officer_id, body, "
                      "  received_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                      "ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, content, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, officer->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, body, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
      if (!step_done (self, stmt, error) || !exec (self, "COMMIT", error))
        goto fail;
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                   "The office holds a different version of report %s; the new one was kept "
                   "for review", report->uuid);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, "Could not read reports");
      goto fail;
    }

  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];
      if (!storage_photo_held (storage, photo->sha256, NULL, NULL))
        g_strv_builder_add (lacking, photo->sha256);
    }
  lacking_list = g_strv_builder_end (lacking);
  if (lacking_list[0] != NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
                   XUNCHA_OFFICE_STORAGE_ERROR_MISSING_PHOTOS,
                   "The office lacks %u photo(s) of this report",
                   g_strv_length (lacking_list));
      *missing = g_steal_pointer (&lacking_list);
      goto fail;
    }

  receipt->id = new_receipt_id ();
  receipt->received_at = g_strdup (now);
  receipt->content_sha256 = g_strdup (content);
  stmt = prepare (self,
                  "INSERT INTO reports (uuid, officer_id, body, content_sha256, receipt_id, "
                  "  received_at, created_at, category) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, content, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, receipt->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, report->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, report->category, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  for (guint i = 0; i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      stmt = prepare (self,
                      "INSERT INTO report_photos (report_uuid, sha256, role) VALUES (?1, ?2, ?3)",
                      error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, report->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, photo->sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, photo->role, -1, SQLITE_STATIC);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  if (!exec (self, "COMMIT", error))
    goto fail;
  *created = TRUE;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static JsonNode *
parse_body (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return json_node_new (JSON_NODE_NULL);
  return json_node_copy (json_parser_get_root (parser));
}

static void
set_string (JsonObject *object,
            const char *name,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static JsonObject *
storage_report_get (XunchaOfficeStorage      *storage,
                    const XunchaWireOfficer  *officer,
                    const char               *uuid,
                    GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autoptr(JsonObject) result = NULL;
  JsonObject *receipt;
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "SELECT r.body, r.officer_id, r.receipt_id, r.received_at, r.content_sha256, "
                  "  r.case_status, r.case_status_at, o.team "
                  "FROM reports r LEFT JOIN officers o ON o.id = r.officer_id WHERE r.uuid = ?1",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW
      || !may_see (self, officer, column_text (stmt, 1), column_text (stmt, 7)))
    {
      sqlite3_reset (stmt);
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", uuid);
      return NULL;
    }
  result = json_object_new ();
  json_object_set_member (result, "report", parse_body (column_text (stmt, 0)));
  receipt = json_object_new ();
  set_string (receipt, "id", column_text (stmt, 2));
  set_string (receipt, "received_at", column_text (stmt, 3));
  set_string (receipt, "content_sha256", column_text (stmt, 4));
  json_object_set_object_member (result, "receipt", receipt);
  set_string (result, "officer_id", column_text (stmt, 1));
  set_string (result, "case_status", column_text (stmt, 5));
  set_string (result, "case_status_at", column_text (stmt, 6));
  sqlite3_reset (stmt);
  return g_steal_pointer (&result);
}

static gboolean
storage_report_set_status (XunchaOfficeStorage  *storage,
                           const char           *uuid,
                           const char           *status,
                           GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt;
  gint64 revision;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  revision = counter_get (self, "status") + 1;
  stmt = prepare (self,
                  "UPDATE reports SET case_status = ?2, case_status_at = ?3, "
                  "  status_revision = ?4 WHERE uuid = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, revision);
  if (!step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
                   "No report %s", uuid);
      goto fail;
    }
  if (!counter_set (self, "status", revision, error) || !exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static GPtrArray *
storage_reports_list (XunchaOfficeStorage  *storage,
                      GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT r.uuid, r.officer_id, r.receipt_id, r.received_at, r.created_at, "
                  "  r.category, r.case_status, r.content_sha256, r.body, "
                  "  (SELECT count(*) FROM report_photos p WHERE p.report_uuid = r.uuid), "
                  "  (SELECT count(*) FROM report_conflicts c WHERE c.uuid = r.uuid) "
                  "FROM reports r ORDER BY r.received_at, r.uuid", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      set_string (row, "uuid", column_text (stmt, 0));
      set_string (row, "officer_id", column_text (stmt, 1));
      set_string (row, "receipt", column_text (stmt, 2));
      set_string (row, "received_at", column_text (stmt, 3));
      set_string (row, "created_at", column_text (stmt, 4));
      set_string (row, "category", column_text (stmt, 5));
      set_string (row, "case_status", column_text (stmt, 6));
      set_string (row, "content_sha256", column_text (stmt, 7));
      json_object_set_member (row, "report", parse_body (column_text (stmt, 8)));
      json_object_set_int_member (row, "photos", sqlite3_column_int64 (stmt, 9));
      json_object_set_int_member (row, "conflicts", sqlite3_column_int64 (stmt, 10));
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, "Could not list reports");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static GPtrArray *
storage_status_since (XunchaOfficeStorage      *storage,
                      const XunchaWireOfficer  *officer,
                      gint64                    since,
                      gint64                   *revision,
                      GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  *revision = counter_get (self, "status");
  stmt = prepare (self,
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
      JsonObject *item = json_object_new ();

      set_string (item, "uuid", column_text (stmt, 0));
      set_string (item, "case_status", column_text (stmt, 1));
      set_string (item, "case_status_at", column_text (stmt, 2));
      json_object_set_int_member (item, "revision", sqlite3_column_int64 (stmt, 3));
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, "Could not read report status");
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* Shifts and tracks. */

static gint64
count_points (XunchaOfficeSqliteStorage *self,
              const char                *shift_uuid)
{
  return query_int64 (self, "SELECT count(*) FROM track_points WHERE shift_uuid = ?1",
                      shift_uuid);
}

static gboolean
storage_shift_put (XunchaOfficeStorage      *storage,
                   const XunchaWireOfficer  *officer,
                   const XunchaWireShift    *shift,
                   gboolean                 *created,
                   gint64                   *points,
                   GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;
  int rc;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "SELECT officer_id, kind, started_at, ended_at FROM shifts "
                  "WHERE uuid = ?1", error);
  if (stmt == NULL)
    goto fail;
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
          goto fail;
        }
      if (!same_start || end_conflict)
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
                       "The office holds shift %s with other times", shift->uuid);
          goto fail;
        }
      if (add_end)
        {
          stmt = prepare (self, "UPDATE shifts SET ended_at = ?2 WHERE uuid = ?1", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_text (stmt, 1, shift->uuid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, shift->ended_at, -1, SQLITE_STATIC);
          if (!step_done (self, stmt, error))
            goto fail;
        }
      *created = FALSE;
    }
  else
    {
      sqlite3_reset (stmt);
      stmt = prepare (self, "INSERT INTO shifts (uuid, officer_id, kind, started_at, ended_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, shift->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, officer->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, shift->kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, shift->started_at, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, shift->ended_at, -1, SQLITE_STATIC);
      if (!step_done (self, stmt, error))
        goto fail;
      *created = TRUE;
    }
  if (!exec (self, "COMMIT", error))
    goto fail;
  *points = count_points (self, shift->uuid);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
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
storage_points_add (XunchaOfficeStorage      *storage,
                    const XunchaWireOfficer  *officer,
                    const char               *shift_uuid,
                    GArray                   *points,
                    gint64                   *stored,
                    gint64                   *total,
                    GError                  **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;
  gboolean mine;

  stmt = prepare (self, "SELECT officer_id FROM shifts WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
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

  *stored = 0;
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < points->len; i++)
    {
      const XunchaWirePoint *p = &g_array_index (points, XunchaWirePoint, i);

      stmt = prepare (self,
                      "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, accuracy, "
                      "  altitude, speed, heading) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                      "ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, shift_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, p->seq);
      sqlite3_bind_int64 (stmt, 3, p->t_ms);
      sqlite3_bind_double (stmt, 4, p->lat);
      sqlite3_bind_double (stmt, 5, p->lon);
      bind_double (stmt, 6, p->accuracy);
      bind_double (stmt, 7, p->altitude);
      bind_double (stmt, 8, p->speed);
      bind_double (stmt, 9, p->heading);
      if (!step_done (self, stmt, error))
        goto fail;
      *stored += sqlite3_changes (self->db);
    }
  if (!exec (self, "COMMIT", error))
    goto fail;
  *total = count_points (self, shift_uuid);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Streets and merchants. */

static const char *
features_name (XunchaOfficeFeatures kind)
{
  return kind == XUNCHA_OFFICE_FEATURES_STREETS ? "streets" : "merchants";
}

static gboolean
storage_features_import (XunchaOfficeStorage   *storage,
                         XunchaOfficeFeatures   kind,
                         GPtrArray             *items,
                         gint64                *revision,
                         guint                 *changed,
                         guint                 *deleted,
                         GError               **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  const char *name = features_name (kind);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gint64 rev;

  *changed = *deleted = 0;
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  rev = counter_get (self, name) + 1;

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = items->pdata[i];
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), item);
      g_autofree char *body = xuncha_protocol_to_string (node);
      const char *id = json_object_get_string_member (item, "id");
      gboolean same;

      if (!g_hash_table_add (present, g_strdup (id)))
        {
          g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
                       "The id %s appears twice", id);
          goto fail;
        }
      stmt = prepare (self, "SELECT body = ?3 AND deleted = 0 FROM features "
                      "WHERE kind = ?1 AND id = ?2", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
      same = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
      sqlite3_reset (stmt);
      if (same)
        continue;
      stmt = prepare (self,
                      "INSERT INTO features (kind, id, body, revision, deleted) "
                      "VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT (kind, id) DO UPDATE SET "
                      "  body = excluded.body, revision = excluded.revision, deleted = 0",
                      error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, rev);
      if (!step_done (self, stmt, error))
        goto fail;
      (*changed)++;
    }

  stmt = prepare (self, "SELECT id FROM features WHERE kind = ?1 AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (!g_hash_table_contains (present, column_text (stmt, 0)))
      g_ptr_array_add (gone, g_strdup (column_text (stmt, 0)));
  sqlite3_reset (stmt);
  for (guint i = 0; i < gone->len; i++)
    {
      stmt = prepare (self, "UPDATE features SET deleted = 1, revision = ?3 "
                      "WHERE kind = ?1 AND id = ?2", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, gone->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, rev);
      if (!step_done (self, stmt, error))
        goto fail;
      (*deleted)++;
    }

  if (*changed + *deleted == 0)
    rev--;
  else if (!counter_set (self, name, rev, error))
    goto fail;
  if (!exec (self, "COMMIT", error))
    goto fail;
  *revision = rev;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static GPtrArray *
storage_features_since (XunchaOfficeStorage   *storage,
                        XunchaOfficeFeatures   kind,
                        gint64                 since,
                        gint64                *revision,
                        GStrv                 *deleted,
                        GError               **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  const char *name = features_name (kind);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr(GStrvBuilder) gone = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  /* Read in one transaction so the revision matches the rows. */
  if (!exec (self, "BEGIN", error))
    return NULL;
  *revision = counter_get (self, name);
  stmt = prepare (self, "SELECT id, body, deleted FROM features "
                  "WHERE kind = ?1 AND revision > ?2 ORDER BY id", error);
  if (stmt == NULL)
    {
      rollback (self);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_int (stmt, 2))
        g_strv_builder_add (gone, column_text (stmt, 0));
      else
        {
          g_autoptr(JsonNode) body = parse_body (column_text (stmt, 1));
          if (JSON_NODE_HOLDS_OBJECT (body))
            g_ptr_array_add (items, json_object_ref (json_node_get_object (body)));
        }
    }
  sqlite3_reset (stmt);
  rollback (self);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, "Could not read the map data");
      return NULL;
    }
  *deleted = g_strv_builder_end (gone);
  return g_steal_pointer (&items);
}

/* Failed enrollments. */

static gboolean
storage_enroll_failure_add (XunchaOfficeStorage              *storage,
                            const XunchaOfficeEnrollFailure  *failure,
                            guint                             keep_max,
                            GError                          **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "INSERT INTO enroll_failures (officer_id, address, at) "
                  "VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, failure->officer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, failure->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, failure->at);
  if (!step_done (self, stmt, error))
    goto fail;
  /* Row ids grow with each insert, so the lowest are the oldest attempts. */
  stmt = prepare (self, "DELETE FROM enroll_failures WHERE rowid <= ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, sqlite3_last_insert_rowid (self->db) - (gint64)keep_max);
  if (!step_done (self, stmt, error) || !exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static GPtrArray *
storage_enroll_failures (XunchaOfficeStorage  *storage,
                         gint64                since,
                         gint64                now,
                         GError              **error)
{
  XunchaOfficeSqliteStorage *self = XUNCHA_OFFICE_SQLITE_STORAGE (storage);
  g_autoptr(GPtrArray) failures =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_enroll_failure_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return NULL;
  stmt = prepare (self, "DELETE FROM enroll_failures WHERE at < ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, since);
  if (!step_done (self, stmt, error))
    goto fail;
  stmt = prepare (self, "UPDATE enroll_failures SET at = ?1 WHERE at > ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!step_done (self, stmt, error))
    goto fail;
  stmt = prepare (self, "SELECT officer_id, address, at FROM enroll_failures "
                  "ORDER BY at, rowid", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeEnrollFailure *failure = g_new0 (XunchaOfficeEnrollFailure, 1);

      failure->officer_id = g_strdup (column_text (stmt, 0));
      failure->address = g_strdup (column_text (stmt, 1));
      failure->at = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (failures, failure);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, "Could not read the failed enrollments");
      goto fail;
    }
  if (!exec (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&failures);

fail:
  rollback (self);
  return NULL;
}

/* Every report, position and photo of a district: the office's user alone may read them.
 * An existing folder with a wider mode (made by hand, restored from a backup) is
 * tightened and the log says so; SQLite gives its -wal, -shm and -journal files the mode
 * of office.db, so office.db is made 0600 before SQLite opens it, and files left by an
 * earlier run with another mode are tightened too. */
static gboolean
make_private (XunchaOfficeSqliteStorage  *self,
              const char                 *db_path,
              GError                    **error)
{
  static const char * const db_suffixes[] = { "", "-wal", "-shm", "-journal" };
  const char *dirs[] = { self->data_dir, self->photo_dir, self->tmp_dir };
  g_autoptr(GError) local_error = NULL;
  guint was_mode = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      if (!xuncha_private_dir (dirs[i], &was_mode, &local_error))
        goto fail;
      if (was_mode != 0)
        g_message ("Made the folder %s private to the office's user (mode 0700, was %04o)",
                   dirs[i], was_mode);
    }
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
storage_iface_init (XunchaOfficeStorageInterface *iface)
{
  iface->officer_add = storage_officer_add;
  iface->officer_revoke = storage_officer_revoke;
  iface->enroll = storage_enroll;
  iface->authenticate = storage_authenticate;
  iface->assigned_streets = storage_assigned_streets;
  iface->assign_streets = storage_assign_streets;
  iface->photo_held = storage_photo_held;
  iface->photo_begin = storage_photo_begin;
  iface->photo_write = storage_photo_write;
  iface->photo_commit = storage_photo_commit;
  iface->photo_abort = storage_photo_abort;
  iface->report_put = storage_report_put;
  iface->report_get = storage_report_get;
  iface->report_set_status = storage_report_set_status;
  iface->reports_list = storage_reports_list;
  iface->status_since = storage_status_since;
  iface->shift_put = storage_shift_put;
  iface->points_add = storage_points_add;
  iface->features_import = storage_features_import;
  iface->features_since = storage_features_since;
  iface->enroll_failure_add = storage_enroll_failure_add;
  iface->enroll_failures = storage_enroll_failures;
}

XunchaOfficeSqliteStorage *
xuncha_office_sqlite_storage_open (const char  *data_dir,
                                   GError     **error)
{
  g_autoptr(XunchaOfficeSqliteStorage) self = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_SQLITE_STORAGE, NULL);
  self->data_dir = g_strdup (data_dir);
  self->photo_dir = g_build_filename (data_dir, "photos", NULL);
  self->tmp_dir = g_build_filename (data_dir, "photos", ".incoming", NULL);
  path = g_build_filename (data_dir, "office.db", NULL);
  if (!make_private (self, path, error))
    return NULL;

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                   "Could not open %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error)
      || !exec (self, schema, error))
    {
      g_prefix_error (error, "Could not prepare %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}
