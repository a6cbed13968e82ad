/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-time-correlator"

#include "config.h"

#include <math.h>

#include "xuncha-store-private.h"
#include "xuncha-time-correlator.h"

struct _XunchaTimeCorrelator
{
  GArray    *fixes;          /* XunchaFix, sorted by time */
  gint64     max_gap_ms;
  gint64     camera_offset_ms;
  GTimeZone *zone;           /* NULL: local */
};

static int
compare_fix_time (gconstpointer a,
                  gconstpointer b)
{
  const XunchaFix *fa = a;
  const XunchaFix *fb = b;

  return (fa->t_ms > fb->t_ms) - (fa->t_ms < fb->t_ms);
}

static XunchaTimeCorrelator *
new_empty (void)
{
  XunchaTimeCorrelator *self = g_new0 (XunchaTimeCorrelator, 1);

  self->fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  self->max_gap_ms = XUNCHA_TIME_CORRELATOR_DEFAULT_MAX_GAP_MS;
  return self;
}

static void
add_fix (XunchaTimeCorrelator *self,
         const XunchaFix      *fix)
{
  if (isfinite (fix->lat) && isfinite (fix->lon) && fabs (fix->lat) <= 90
      && fabs (fix->lon) <= 180)
    g_array_append_vals (self->fixes, fix, 1);
}

XunchaTimeCorrelator *
xuncha_time_correlator_new (const XunchaFix *fixes,
                            gsize            n_fixes)
{
  XunchaTimeCorrelator *self;

  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  self = new_empty ();
  for (gsize i = 0; i < n_fixes; i++)
    add_fix (self, &fixes[i]);
  g_array_sort (self->fixes, compare_fix_time);
  return self;
}

static double
column_or_nan (sqlite3_stmt *stmt,
               int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, column);
}

XunchaTimeCorrelator *
xuncha_time_correlator_new_from_store (XunchaStore  *store,
                                       gint64        from_ms,
                                       gint64        to_ms,
                                       GError      **error)
{
  g_autoptr(XunchaTimeCorrelator) self = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT t_ms, lat, lon, accuracy, altitude, speed, heading "
                               "FROM track_points WHERE t_ms BETWEEN ?1 AND ?2 ORDER BY t_ms",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_ms);
  sqlite3_bind_int64 (stmt, 2, to_ms);

  self = new_empty ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaFix fix = xuncha_fix_init (sqlite3_column_int64 (stmt, 0),
                                       sqlite3_column_double (stmt, 1),
                                       sqlite3_column_double (stmt, 2));
      fix.accuracy = column_or_nan (stmt, 3);
      fix.altitude = column_or_nan (stmt, 4);
      fix.speed = column_or_nan (stmt, 5);
      fix.heading = column_or_nan (stmt, 6);
      add_fix (self, &fix);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_store_set_error (store, error, "Could not read the recorded track");
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
xuncha_time_correlator_free (XunchaTimeCorrelator *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->fixes);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_free (self);
}

gsize
xuncha_time_correlator_get_n_fixes (XunchaTimeCorrelator *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fixes->len;
}

void
xuncha_time_correlator_set_max_gap_ms (XunchaTimeCorrelator *self,
                                       gint64                max_gap_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_gap_ms >= 0);
  self->max_gap_ms = max_gap_ms;
}

void
xuncha_time_correlator_set_camera_offset_ms (XunchaTimeCorrelator *self,
                                             gint64                offset_ms)
{
  g_return_if_fail (self != NULL);
  self->camera_offset_ms = offset_ms;
}

gint64
xuncha_time_correlator_get_camera_offset_ms (XunchaTimeCorrelator *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->camera_offset_ms;
}

void
xuncha_time_correlator_set_zone (XunchaTimeCorrelator *self,
                                 GTimeZone            *zone)
{
  g_return_if_fail (self != NULL);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  if (zone != NULL)
    self->zone = g_time_zone_ref (zone);
}

/* Index of the first fix at or after @t, or len. */
static guint
lower_bound (GArray *fixes,
             gint64  t)
{
  guint lo = 0, hi = fixes->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (fixes, XunchaFix, mid).t_ms < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static double
lerp (double a,
      double b,
      double f)
{
  if (!isfinite (a) || !isfinite (b))
    return NAN;
  return a + (b - a) * f;
}

gboolean
xuncha_time_correlator_locate (XunchaTimeCorrelator *self,
                               gint64                utc_ms,
                               XunchaFix            *out)
{
  const XunchaFix *before = NULL;
  const XunchaFix *after = NULL;
  const XunchaFix *nearest;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->fixes->len == 0)
    return FALSE;
  i = lower_bound (self->fixes, utc_ms);
  if (i < self->fixes->len)
    after = &g_array_index (self->fixes, XunchaFix, i);
  if (i > 0)
    before = &g_array_index (self->fixes, XunchaFix, i - 1);

  if (after != NULL && after->t_ms == utc_ms)
    {
      *out = *after;
      return TRUE;
    }

  if (before != NULL && after != NULL && after->t_ms - before->t_ms <= self->max_gap_ms)
    {
      double f = (double)(utc_ms - before->t_ms) / (double)(after->t_ms - before->t_ms);

      *out = xuncha_fix_init (utc_ms, lerp (before->lat, after->lat, f),
                              lerp (before->lon, after->lon, f));
      out->altitude = lerp (before->altitude, after->altitude, f);
      out->speed = lerp (before->speed, after->speed, f);
      out->heading = f < 0.5 ? before->heading : after->heading;
      if (isfinite (before->accuracy) || isfinite (after->accuracy))
        out->accuracy = fmax (isfinite (before->accuracy) ? before->accuracy : 0,
                              isfinite (after->accuracy) ? after->accuracy : 0);
      return TRUE;
    }

  /* Outside the track or across a gap too long to bridge: the nearest fix, if close
   * enough in time. */
  if (before == NULL)
    nearest = after;
  else if (after == NULL)
    nearest = before;
  else
    nearest = (utc_ms - before->t_ms <= after->t_ms - utc_ms) ? before : after;
  if (nearest == NULL || ABS (nearest->t_ms - utc_ms) > self->max_gap_ms)
    return FALSE;
  *out = *nearest;
  out->t_ms = utc_ms;
  return TRUE;
}

gboolean
xuncha_time_correlator_photo_time (XunchaTimeCorrelator  *self,
                                   const XunchaPhotoMeta *meta,
                                   gint64                *utc_ms)
{
  gint64 t;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (meta != NULL, FALSE);
  g_return_val_if_fail (utc_ms != NULL, FALSE);

  if (!xuncha_photo_meta_get_utc_ms (meta, self->zone, &t))
    return FALSE;
  *utc_ms = t + self->camera_offset_ms;
  return TRUE;
}

gboolean
xuncha_time_correlator_locate_photo (XunchaTimeCorrelator  *self,
                                     const XunchaPhotoMeta *meta,
                                     XunchaFix             *out)
{
  gint64 t;

  g_return_val_if_fail (self != NULL, FALSE);

  return xuncha_time_correlator_photo_time (self, meta, &t)
         && xuncha_time_correlator_locate (self, t, out);
}
