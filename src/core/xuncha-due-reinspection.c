/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-due-reinspection"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "xuncha-due-reinspection.h"
#include "xuncha-store-private.h"

G_DEFINE_BOXED_TYPE (XunchaDueReinspection, xuncha_due_reinspection,
                     xuncha_due_reinspection_copy, xuncha_due_reinspection_free)

#define DAY_MS (24 * 3600 * (gint64)1000)

void
xuncha_due_reinspection_free (XunchaDueReinspection *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->created_at);
  g_free (self->category);
  g_free (self->deadline);
  g_free (self->street_id);
  g_free (self->street_name);
  g_free (self);
}

XunchaDueReinspection *
xuncha_due_reinspection_copy (const XunchaDueReinspection *self)
{
  XunchaDueReinspection *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->uuid = g_strdup (self->uuid);
  copy->created_at = g_strdup (self->created_at);
  copy->category = g_strdup (self->category);
  copy->deadline = g_strdup (self->deadline);
  copy->street_id = g_strdup (self->street_id);
  copy->street_name = g_strdup (self->street_name);
  return copy;
}

/* When a stored deadline passes. A bare date gives the officer the whole of that local
 * day (the shop is told "by Friday"); a time is taken as written, local when it names no
 * zone. */
static gboolean
parse_deadline (const char *text,
                gint64     *deadline_ms)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) time = NULL;
  int y, m, d;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
    {
      g_autoptr(GDateTime) day = NULL;

      if (!g_date_valid_dmy (d, m, y))
        return FALSE;
      day = g_date_time_new (local, y, m, d, 0, 0, 0);
      time = g_date_time_add_days (day, 1);
    }
  else
    time = g_date_time_new_from_iso8601 (text, local);
  if (time == NULL)
    return FALSE;
  *deadline_ms = g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
  return TRUE;
}

/* Longest overdue first; ties by id so the order is stable. */
static gint
compare_overdue (gconstpointer a,
                 gconstpointer b)
{
  const XunchaDueReinspection *x = *(XunchaDueReinspection * const *)a;
  const XunchaDueReinspection *y = *(XunchaDueReinspection * const *)b;

  if (x->deadline_ms != y->deadline_ms)
    return x->deadline_ms < y->deadline_ms ? -1 : 1;
  return g_strcmp0 (x->uuid, y->uuid);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

GPtrArray *
xuncha_due_reinspection_list (XunchaStore  *store,
                              gint64        now_ms,
                              GError      **error)
{
  g_autoptr(GPtrArray) due = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  if (now_ms == 0)
    now_ms = g_get_real_time () / 1000;

  /* The deadline's form varies (a date or a time), so the SQL keeps the candidates and
   * the comparison with now is made here. */
  stmt = xuncha_store_prepare (store,
                               "SELECT r.uuid, r.created_at, r.category, r.deadline, "
                               "       r.street_id, s.name, r.lat, r.lon "
                               "FROM reports AS r LEFT JOIN streets AS s ON s.id = r.street_id "
                               "WHERE r.disposition = 'deadline' AND r.deadline IS NOT NULL "
                               "  AND NOT EXISTS (SELECT 1 FROM reports AS c "
                               "                  WHERE c.parent_uuid = r.uuid) "
                               "ORDER BY r.uuid",
                               error);
  if (stmt == NULL)
    return NULL;

  due = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_due_reinspection_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(XunchaDueReinspection) item = NULL;
      const char *deadline = (const char *)sqlite3_column_text (stmt, 3);
      gint64 deadline_ms;

      if (!parse_deadline (deadline, &deadline_ms))
        {
          g_debug ("Report %s has a deadline that is no date: “%s”",
                   sqlite3_column_text (stmt, 0), deadline);
          continue;
        }
      if (deadline_ms > now_ms)
        continue;

      item = g_new0 (XunchaDueReinspection, 1);
      item->uuid = column_text (stmt, 0);
      item->created_at = column_text (stmt, 1);
      item->category = column_text (stmt, 2);
      item->deadline = g_strdup (deadline);
      item->deadline_ms = deadline_ms;
      item->days_overdue = (guint)((now_ms - deadline_ms) / DAY_MS);
      item->street_id = column_text (stmt, 4);
      item->street_name = column_text (stmt, 5);
      item->lat = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? NAN
                                                               : sqlite3_column_double (stmt, 6);
      item->lon = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? NAN
                                                               : sqlite3_column_double (stmt, 7);
      g_ptr_array_add (due, g_steal_pointer (&item));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the reports due for re-inspection");
      return NULL;
    }
  g_ptr_array_sort (due, compare_overdue);
  return g_steal_pointer (&due);
}
