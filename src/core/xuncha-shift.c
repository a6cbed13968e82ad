/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-shift"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-enrollment.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-shift.h"
#include "xuncha-store-private.h"

struct _XunchaShift
{
  GObject          parent_instance;

  char            *uuid;
  XunchaShiftKind  kind;
  char            *source;
  gint64           started_ms;
  gint64           ended_ms;
};

G_DEFINE_TYPE (XunchaShift, xuncha_shift, G_TYPE_OBJECT)

G_DEFINE_QUARK (xuncha-shift-error-quark, xuncha_shift_error)

G_DEFINE_ENUM_TYPE (XunchaShiftKind, xuncha_shift_kind,
                    G_DEFINE_ENUM_VALUE (XUNCHA_SHIFT_KIND_EARLY, "early"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_SHIFT_KIND_MID, "mid"),
                    G_DEFINE_ENUM_VALUE (XUNCHA_SHIFT_KIND_LATE, "late"))

static const char * const kind_names[] = { "early", "mid", "late" };

static void
xuncha_shift_finalize (GObject *object)
{
  XunchaShift *self = (XunchaShift *)object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->source, g_free);

  G_OBJECT_CLASS (xuncha_shift_parent_class)->finalize (object);
}

static void
xuncha_shift_class_init (XunchaShiftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xuncha_shift_finalize;
}

static void
xuncha_shift_init (XunchaShift *self)
{
}

const char *
xuncha_shift_kind_to_string (XunchaShiftKind kind)
{
  g_return_val_if_fail (kind <= XUNCHA_SHIFT_KIND_LATE, NULL);

  return kind_names[kind];
}

gboolean
xuncha_shift_kind_from_string (const char      *text,
                               XunchaShiftKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (text, kind_names[i]))
      {
        *kind = (XunchaShiftKind)i;
        return TRUE;
      }
  return FALSE;
}

XunchaShiftKind
xuncha_shift_kind_for_time (GDateTime *local_time)
{
  int hour;

  g_return_val_if_fail (local_time != NULL, XUNCHA_SHIFT_KIND_MID);

  hour = g_date_time_get_hour (local_time);
  if (hour >= 4 && hour < 10)
    return XUNCHA_SHIFT_KIND_EARLY;
  if (hour >= 10 && hour < 16)
    return XUNCHA_SHIFT_KIND_MID;
  return XUNCHA_SHIFT_KIND_LATE;
}

XunchaShiftPeriod
xuncha_shift_period_for_time (GDateTime *local_time)
{
  int hour;

  g_return_val_if_fail (local_time != NULL, XUNCHA_SHIFT_PERIOD_MID);

  hour = g_date_time_get_hour (local_time);
  if (hour >= 4 && hour < 10)
    return XUNCHA_SHIFT_PERIOD_EARLY;
  if (hour >= 10 && hour < 16)
    return XUNCHA_SHIFT_PERIOD_MID;
  if (hour >= 16 && hour < 22)
    return XUNCHA_SHIFT_PERIOD_LATE;
  return XUNCHA_SHIFT_PERIOD_NIGHT;
}

char *
xuncha_shift_format_time (gint64 t_ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t_ms / 1000 - (t_ms % 1000 < 0));
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  int ms = (int)(((t_ms % 1000) + 1000) % 1000);

  return g_strdup_printf ("%s.%03dZ", base, ms);
}

gboolean
xuncha_shift_parse_time (const char *text,
                         gint64     *t_ms)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  g_return_val_if_fail (t_ms != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;
  *t_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

static XunchaShift *
shift_from_row (sqlite3_stmt *stmt)
{
  XunchaShift *self = g_object_new (XUNCHA_TYPE_SHIFT, NULL);
  const char *ended = (const char *)sqlite3_column_text (stmt, 3);

  /* Columns: uuid, kind, started_at, ended_at, source */
  self->uuid = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  if (!xuncha_shift_kind_from_string ((const char *)sqlite3_column_text (stmt, 1), &self->kind))
    self->kind = XUNCHA_SHIFT_KIND_MID;
  xuncha_shift_parse_time ((const char *)sqlite3_column_text (stmt, 2), &self->started_ms);
  if (ended == NULL || !xuncha_shift_parse_time (ended, &self->ended_ms))
    self->ended_ms = 0;
  self->source = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  return self;
}

static XunchaShift *
insert_shift (XunchaStore      *store,
              XunchaShiftKind   kind,
              const char       *source,
              gint64            started_ms,
              gint64            ended_ms,
              GError          **error)
{
  g_autoptr(XunchaShift) self = g_object_new (XUNCHA_TYPE_SHIFT, NULL);
  g_autofree char *started = xuncha_shift_format_time (started_ms);
  g_autofree char *ended = ended_ms != 0 ? xuncha_shift_format_time (ended_ms) : NULL;
  g_autofree char *officer = NULL;
  sqlite3_stmt *stmt;

  self->uuid = g_uuid_string_random ();
  self->kind = kind;
  self->source = g_strdup (source);
  self->started_ms = started_ms;
  self->ended_ms = ended_ms;

  /* A shift belongs to the officer the device is enrolled as when it starts (or is
   * imported); the sync sends it only under that officer. */
  officer = xuncha_enrollment_get_officer (store);
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO shifts (uuid, kind, started_at, ended_at, source, "
                               "  officer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 6, officer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 1, self->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind_names[kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, started, -1, SQLITE_STATIC);
  if (ended != NULL)
    sqlite3_bind_text (stmt, 4, ended, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_text (stmt, 5, source, -1, SQLITE_STATIC);
  /* Listed for the office in the same transaction: a shift is never stored unqueued. */
  if (!xuncha_store_step_done (store, stmt, error)
      || !xuncha_outbox_queue_shift (store, self->uuid, started, error))
    {
      g_prefix_error (error, "Could not save the shift: ");
      return NULL;
    }
  return g_steal_pointer (&self);
}

XunchaShift *
xuncha_shift_get_open (XunchaStore  *store,
                       GError      **error)
{
  sqlite3_stmt *stmt;
  XunchaShift *self = NULL;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT uuid, kind, started_at, ended_at, source FROM shifts "
                               "WHERE ended_at IS NULL",
                               error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    self = shift_from_row (stmt);
  else if (rc != SQLITE_DONE)
    xuncha_store_set_error (store, error, "Could not read the open shift");
  sqlite3_reset (stmt);
  return self;
}

XunchaShift *
xuncha_shift_start (XunchaStore      *store,
                    XunchaShiftKind   kind,
                    GError          **error)
{
  g_autoptr(XunchaShift) open = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (kind <= XUNCHA_SHIFT_KIND_LATE, NULL);

  open = xuncha_shift_get_open (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (open != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (open->started_ms / 1000);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");

      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_ALREADY_OPEN,
                   _("A shift is already open (started %s). Stop it before starting a new "
                     "one."),
                   when);
      return NULL;
    }
  /* The unique partial index on open shifts also stops a second process racing us. */
  if (!xuncha_store_begin (store, error))
    return NULL;
  open = insert_shift (store, kind, "live", g_get_real_time () / 1000, 0, error);
  if (open == NULL || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&open);
}

XunchaShift *
xuncha_shift_lookup (XunchaStore  *store,
                     const char   *id,
                     GError      **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(XunchaShift) found = NULL;
  g_autofree char *pattern = NULL;
  guint matches = 0;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (strlen (id) < 4 || strspn (id, "0123456789abcdef-") != strlen (id))
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_FOUND,
                   _("“%s” is not a shift id. Give at least its first four characters, as "
                     "listed by “xuncha-cli history”."),
                   id);
      return NULL;
    }
  pattern = g_strconcat (id, "%", NULL);
  stmt = xuncha_store_prepare (store,
                               "SELECT uuid, kind, started_at, ended_at, source FROM shifts "
                               "WHERE uuid LIKE ?1 LIMIT 2",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      matches++;
      if (found == NULL)
        found = shift_from_row (stmt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the shifts");
      return NULL;
    }
  if (matches == 0)
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_FOUND,
                   _("No shift has the id %s. “xuncha-cli history” lists them."), id);
      return NULL;
    }
  if (matches > 1)
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_AMBIGUOUS,
                   _("Several shifts begin with %s; give more of the id."), id);
      return NULL;
    }
  return g_steal_pointer (&found);
}

gboolean
xuncha_shift_stop (XunchaShift  *self,
                   XunchaStore  *store,
                   gint64        ended_ms,
                   GError      **error)
{
  g_autofree char *ended = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  if (self->ended_ms != 0)
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_OPEN,
                   _("This shift has already ended."));
      return FALSE;
    }
  if (ended_ms == 0)
    ended_ms = g_get_real_time () / 1000;
  ended_ms = MAX (ended_ms, self->started_ms);
  ended = xuncha_shift_format_time (ended_ms);
  stmt = xuncha_store_prepare (store,
                               "UPDATE shifts SET ended_at = ?2 "
                               "WHERE uuid = ?1 AND ended_at IS NULL",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ended, -1, SQLITE_STATIC);
  if (!xuncha_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (xuncha_store_get_db (store)) != 1)
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_NOT_OPEN,
                   _("This shift has already ended."));
      return FALSE;
    }
  self->ended_ms = ended_ms;
  return TRUE;
}

static gboolean
insert_points (XunchaStore      *store,
               const char       *uuid,
               gint64            first_seq,
               const XunchaFix  *fixes,
               gsize             n_fixes,
               GError          **error)
{
  sqlite3_stmt *stmt;

  stmt = xuncha_store_prepare (store,
                               "INSERT INTO track_points (shift_uuid, seq, t_ms, lat, lon, "
                               "accuracy, altitude, speed, heading) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                               error);
  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; i < n_fixes; i++)
    {
      const XunchaFix *fix = &fixes[i];
      const double optional[] = { fix->accuracy, fix->altitude, fix->speed, fix->heading };
      /* A reading outside what the protocol carries is no reading: kept, the office would
       * refuse every batch of points it is in, and the shift would never be sent. */
      static const double min[] = { 0, XUNCHA_PROTOCOL_ALTITUDE_MIN_M, 0, 0 };
      static const double max[] = {
        XUNCHA_PROTOCOL_ACCURACY_MAX_M, XUNCHA_PROTOCOL_ALTITUDE_MAX_M,
        XUNCHA_PROTOCOL_SPEED_MAX_MS, XUNCHA_PROTOCOL_HEADING_MAX_DEG
      };

      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, first_seq + (gint64)i);
      sqlite3_bind_int64 (stmt, 3, fix->t_ms);
      sqlite3_bind_double (stmt, 4, fix->lat);
      sqlite3_bind_double (stmt, 5, fix->lon);
      for (guint k = 0; k < G_N_ELEMENTS (optional); k++)
        {
          /* Unknown is NULL in the table, NAN in memory. */
          if (optional[k] >= min[k] && optional[k] <= max[k])
            sqlite3_bind_double (stmt, 6 + k, optional[k]);
          else
            sqlite3_bind_null (stmt, 6 + k);
        }
      if (!xuncha_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
xuncha_shift_append_points (XunchaShift      *self,
                            XunchaStore      *store,
                            gint64            first_seq,
                            const XunchaFix  *fixes,
                            gsize             n_fixes,
                            GError          **error)
{
  g_autofree char *started = NULL;

  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, FALSE);

  if (n_fixes == 0)
    return TRUE;
  started = xuncha_shift_format_time (self->started_ms);
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (!insert_points (store, self->uuid, first_seq, fixes, n_fixes, error)
      || !xuncha_outbox_queue_shift (store, self->uuid, started, error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      g_prefix_error (error, "Could not save the track: ");
      return FALSE;
    }
  return TRUE;
}

XunchaShift *
xuncha_shift_import (XunchaStore      *store,
                     XunchaShiftKind   kind,
                     const XunchaFix  *fixes,
                     gsize             n_fixes,
                     GError          **error)
{
  g_autoptr(XunchaShift) self = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (kind <= XUNCHA_SHIFT_KIND_LATE, NULL);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  if (n_fixes == 0)
    {
      g_set_error (error, XUNCHA_SHIFT_ERROR, XUNCHA_SHIFT_ERROR_INVALID,
                   _("The track has no usable point, so no shift was made."));
      return NULL;
    }
  if (!xuncha_store_begin (store, error))
    return NULL;
  self = insert_shift (store, kind, "import", fixes[0].t_ms, fixes[n_fixes - 1].t_ms, error);
  if (self == NULL
      || !insert_points (store, self->uuid, 0, fixes, n_fixes, error)
      || !xuncha_store_commit (store, error))
    {
      xuncha_store_rollback (store);
      g_prefix_error (error, "Could not import the track: ");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
fix_from_row (sqlite3_stmt *stmt,
              int           first,
              XunchaFix    *fix)
{
  /* Columns from @first: t_ms, lat, lon, accuracy, altitude, speed, heading */
  *fix = xuncha_fix_init (sqlite3_column_int64 (stmt, first),
                          sqlite3_column_double (stmt, first + 1),
                          sqlite3_column_double (stmt, first + 2));
  if (sqlite3_column_type (stmt, first + 3) != SQLITE_NULL)
    fix->accuracy = sqlite3_column_double (stmt, first + 3);
  if (sqlite3_column_type (stmt, first + 4) != SQLITE_NULL)
    fix->altitude = sqlite3_column_double (stmt, first + 4);
  if (sqlite3_column_type (stmt, first + 5) != SQLITE_NULL)
    fix->speed = sqlite3_column_double (stmt, first + 5);
  if (sqlite3_column_type (stmt, first + 6) != SQLITE_NULL)
    fix->heading = sqlite3_column_double (stmt, first + 6);
}

GArray *
xuncha_shift_load_points (XunchaShift  *self,
                          XunchaStore  *store,
                          GError      **error)
{
  g_autoptr(GArray) fixes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), NULL);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT t_ms, lat, lon, accuracy, altitude, speed, heading "
                               "FROM track_points WHERE shift_uuid = ?1 ORDER BY seq",
                               error);
  if (stmt == NULL)
    return NULL;
  fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  sqlite3_bind_text (stmt, 1, self->uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaFix fix;
      fix_from_row (stmt, 0, &fix);
      g_array_append_val (fixes, fix);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the track");
      return NULL;
    }
  return g_steal_pointer (&fixes);
}

gboolean
xuncha_shift_get_last_point (XunchaShift  *self,
                             XunchaStore  *store,
                             gint64       *seq,
                             XunchaFix    *fix,
                             GError      **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), FALSE);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);

  stmt = xuncha_store_prepare (store,
                               "SELECT seq, t_ms, lat, lon, accuracy, altitude, speed, heading "
                               "FROM track_points WHERE shift_uuid = ?1 "
                               "ORDER BY seq DESC LIMIT 1",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      found = TRUE;
      if (seq != NULL)
        *seq = sqlite3_column_int64 (stmt, 0);
      if (fix != NULL)
        fix_from_row (stmt, 1, fix);
    }
  else if (rc != SQLITE_DONE)
    xuncha_store_set_error (store, error, "Could not read the track");
  sqlite3_reset (stmt);
  return found;
}

gint64
xuncha_shift_count_points (XunchaShift  *self,
                           XunchaStore  *store,
                           GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), -1);
  g_return_val_if_fail (XUNCHA_IS_STORE (store), -1);

  stmt = xuncha_store_prepare (store,
                               "SELECT count(*) FROM track_points WHERE shift_uuid = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, self->uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    xuncha_store_set_error (store, error, "Could not count the track points");
  sqlite3_reset (stmt);
  return count;
}

GPtrArray *
xuncha_shift_list (XunchaStore  *store,
                   GDateTime    *day,
                   GError      **error)
{
  g_autoptr(GPtrArray) shifts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) local_start = NULL;
  g_autoptr(GDateTime) local_end = NULL;
  sqlite3_stmt *stmt;
  gint64 from_ms = G_MININT64, to_ms = G_MAXINT64;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  if (day != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (day);

      local_start = g_date_time_new_local (g_date_time_get_year (local),
                                           g_date_time_get_month (local),
                                           g_date_time_get_day_of_month (local), 0, 0, 0);
      local_end = g_date_time_add_days (local_start, 1);
      from_ms = g_date_time_to_unix (local_start) * 1000;
      to_ms = g_date_time_to_unix (local_end) * 1000;
    }

  /* The stored text sorts as time; the day is checked on the parsed value. */
  stmt = xuncha_store_prepare (store,
                               "SELECT uuid, kind, started_at, ended_at, source FROM shifts "
                               "ORDER BY started_at DESC",
                               error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaShift *shift = shift_from_row (stmt);
      if (shift->started_ms >= from_ms && shift->started_ms < to_ms)
        g_ptr_array_add (shifts, shift);
      else
        g_object_unref (shift);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the shifts");
      return NULL;
    }
  return g_steal_pointer (&shifts);
}

const char *
xuncha_shift_get_uuid (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), NULL);
  return self->uuid;
}

XunchaShiftKind
xuncha_shift_get_kind (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), XUNCHA_SHIFT_KIND_MID);
  return self->kind;
}

const char *
xuncha_shift_get_source (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), NULL);
  return self->source;
}

gint64
xuncha_shift_get_started_ms (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), 0);
  return self->started_ms;
}

gint64
xuncha_shift_get_ended_ms (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), 0);
  return self->ended_ms;
}

gboolean
xuncha_shift_is_open (XunchaShift *self)
{
  g_return_val_if_fail (XUNCHA_IS_SHIFT (self), FALSE);
  return self->ended_ms == 0;
}
