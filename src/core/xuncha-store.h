/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XUNCHA_STORE_ERROR (xuncha_store_error_quark ())

typedef enum
{
  XUNCHA_STORE_ERROR_OPEN,          /* the file or its folder cannot be opened or created */
  XUNCHA_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer Xuncha: refused, left unchanged */
  XUNCHA_STORE_ERROR_CORRUPT,       /* not a database or damaged: moved aside, kept */
  XUNCHA_STORE_ERROR_MIGRATION,     /* an upgrade step failed: rolled back */
  XUNCHA_STORE_ERROR_CONSTRAINT,    /* a write broke a rule of the schema */
  XUNCHA_STORE_ERROR_NOT_FOUND,
  XUNCHA_STORE_ERROR_FAILED,
} XunchaStoreError;

#define XUNCHA_TYPE_STORE (xuncha_store_get_type ())

G_DECLARE_FINAL_TYPE (XunchaStore, xuncha_store, XUNCHA, STORE, GObject)

GQuark       xuncha_store_error_quark        (void);

/* The newest schema version this build knows. */
int          xuncha_store_latest_schema_version (void);

/* Resolves the data directory: @override if given, else $XUNCHA_DATA_DIR, else
 * $XDG_DATA_HOME/xuncha. */
char        *xuncha_store_resolve_data_dir   (const char   *override);

/* Opens (creating and migrating as needed) xuncha.db in @data_dir, and does nothing else:
 * the rows stay as they were. A store is used from one thread at a time; a worker thread
 * opens its own. */
XunchaStore *xuncha_store_open               (const char   *data_dir,
                                              GError      **error);
/* What a program does once at its start, after opening: loads the bundled categories when
 * the store has none or older ones, puts back to waiting what a sync that died left
 * 'sending', and queues what the outbox does not list yet (data from older builds). Once
 * per program, not per connection: a worker's connection only opens. Fails only when the
 * categories cannot be stored. */
gboolean     xuncha_store_prepare_for_use    (XunchaStore  *self,
                                              GError      **error);

const char  *xuncha_store_get_data_dir       (XunchaStore  *self);
const char  *xuncha_store_get_path           (XunchaStore  *self);
int          xuncha_store_get_schema_version (XunchaStore  *self);

/* Runs PRAGMA integrity_check. Returns TRUE when the database is sound; otherwise sets
 * @error with the first problems found. */
gboolean     xuncha_store_check_integrity    (XunchaStore  *self,
                                              GError      **error);

/* Number of rows in one of the store's tables; -1 with @error for an unknown table. */
gint64       xuncha_store_count_rows         (XunchaStore  *self,
                                              const char   *table,
                                              GError      **error);

/* The tables of the current schema, NULL-terminated, in creation order. */
const char * const *xuncha_store_list_tables (void);

char        *xuncha_store_get_meta           (XunchaStore  *self,
                                              const char   *key);
gboolean     xuncha_store_set_meta           (XunchaStore  *self,
                                              const char   *key,
                                              const char   *value,
                                              GError      **error);

/* Transactions nest: only the outermost commits. A failed inner step makes the caller
 * roll back the outermost. */
gboolean     xuncha_store_begin              (XunchaStore  *self,
                                              GError      **error);
gboolean     xuncha_store_commit             (XunchaStore  *self,
                                              GError      **error);
void         xuncha_store_rollback           (XunchaStore  *self);

G_END_DECLS
