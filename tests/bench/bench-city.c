/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "bench-city.h"
#include "xuncha-store-private.h"
#include "xuncha-street-map-private.h"

#define CENTRE_LAT 30.7966
#define CENTRE_LON 106.0828
#define STEP_M     100.0

GPtrArray *
bench_city_segments (guint   n,
                     double *centre_lat,
                     double *centre_lon)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_street_segment_unref);
  /* Horizontal and vertical segments alternate over a square grid. */
  guint side = (guint)ceil (sqrt (n / 2.0)) + 1;
  double dlat = STEP_M / 111320.0;
  double dlon = STEP_M / (111320.0 * cos (CENTRE_LAT * G_PI / 180));
  double lat0 = CENTRE_LAT - side / 2.0 * dlat;
  double lon0 = CENTRE_LON - side / 2.0 * dlon;
  guint part_end = 2;

  for (guint i = 0; segments->len < n; i++)
    {
      guint cell = i / 2, row = cell / side, col = cell % side;
      gboolean vertical = i % 2;
      double lonlat[4];
      guint mix = (i * 2654435761u) % 100;
      XunchaStreetClass klass = mix < 2 ? XUNCHA_STREET_CLASS_STRICT
                                : mix < 10 ? XUNCHA_STREET_CLASS_CLASS1
                                : mix < 30 ? XUNCHA_STREET_CLASS_CLASS2
                                : XUNCHA_STREET_CLASS_OTHER;
      g_autofree char *id = g_strdup_printf ("S%06u", i);
      g_autofree char *name = g_strdup_printf ("%s%u", vertical ? "南北街" : "东西路",
                                              vertical ? col : row);

      lonlat[0] = lon0 + col * dlon;
      lonlat[1] = lat0 + row * dlat;
      lonlat[2] = lonlat[0] + (vertical ? 0 : dlon);
      lonlat[3] = lonlat[1] + (vertical ? dlat : 0);
      g_ptr_array_add (segments, xuncha_street_segment_new (id, name, klass, NULL, NULL, NULL,
                                                            NULL, lonlat, &part_end, 1));
    }
  *centre_lat = CENTRE_LAT;
  *centre_lon = CENTRE_LON;
  return segments;
}

void
bench_city_store_streets (XunchaStore *store,
                          GPtrArray   *segments)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_store_begin (store, &error));
  for (guint i = 0; i < segments->len; i++)
    {
      XunchaStreetSegment *segment = g_ptr_array_index (segments, i);
      guint n;
      const double *lonlat = xuncha_street_segment_get_coordinates (segment, &n);
      guint part_end = n;
      g_autoptr(GBytes) wkb = xuncha_street_geometry_to_wkb (lonlat, &part_end, 1);
      double min_lon, min_lat, max_lon, max_lat;
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "INSERT INTO streets (id, name, class, geometry, "
                                                 "min_lon, min_lat, max_lon, max_lat, length_m, "
                                                 "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                                 "?8, ?9, '2026-01-01T00:00:00Z')", &error);

      g_assert_no_error (error);
      xuncha_street_segment_get_bbox (segment, &min_lon, &min_lat, &max_lon, &max_lat);
      sqlite3_bind_text (stmt, 1, xuncha_street_segment_get_id (segment), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, xuncha_street_segment_get_name (segment), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3,
                         xuncha_street_class_to_string (xuncha_street_segment_get_class (segment)),
                         -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 4, g_bytes_get_data (wkb, NULL), (int)g_bytes_get_size (wkb),
                         SQLITE_STATIC);
      sqlite3_bind_double (stmt, 5, min_lon);
      sqlite3_bind_double (stmt, 6, min_lat);
      sqlite3_bind_double (stmt, 7, max_lon);
      sqlite3_bind_double (stmt, 8, max_lat);
      sqlite3_bind_double (stmt, 9, xuncha_street_segment_get_length_m (segment));
      g_assert_true (xuncha_store_step_done (store, stmt, &error));
    }
  g_assert_true (xuncha_store_commit (store, &error));
}

void
bench_city_store_reports (XunchaStore *store,
                          guint        n,
                          double       centre_lat,
                          double       centre_lon)
{
  static const char * const codes[] = { "09006", "07001", "06029", "09010", "06011" };
  g_autoptr(GError) error = NULL;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (xuncha_store_begin (store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      /* About 54 a day, newest first: three years of one busy officer's reports. */
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now_s - (gint64)i * 1600);
      g_autofree char *created = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S.000Z");
      sqlite3_stmt *stmt = xuncha_store_prepare (store,
                                                 "INSERT INTO reports (uuid, created_at, category, "
                                                 "lat, lon, accuracy, position_source) VALUES "
                                                 "(?1, ?2, ?3, ?4, ?5, 8, 'gps')", &error);

      g_assert_no_error (error);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, created, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, codes[i % G_N_ELEMENTS (codes)], -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 4, centre_lat + ((i * 7919) % 1000 - 500) * 1e-5);
      sqlite3_bind_double (stmt, 5, centre_lon + ((i * 104729) % 1000 - 500) * 1e-5);
      g_assert_true (xuncha_store_step_done (store, stmt, &error));
    }
  /* Listed in the outbox, as every report a device saves is (waiting: never synced). */
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT OR IGNORE INTO outbox (kind, item, queued_at) "
                                    "  SELECT 'report', uuid, created_at FROM reports", &error));
  g_assert_true (xuncha_store_commit (store, &error));
}
