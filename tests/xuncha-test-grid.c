/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "xuncha-test-grid.h"

void
xuncha_test_grid_to_degrees (double  x,
                             double  y,
                             double *lat,
                             double *lon)
{
  *lat = XUNCHA_TEST_GRID_LAT0 + y / 110850.0;
  *lon = XUNCHA_TEST_GRID_LON0 + x / (111320.0 * cos (XUNCHA_TEST_GRID_LAT0 * G_PI / 180));
}

static void
append_feature (GString    *json,
                const char *id,
                const char *name,
                double      x0,
                double      y0,
                double      x1,
                double      y1)
{
  double lat0, lon0, lat1, lon1;
  char buf[4][G_ASCII_DTOSTR_BUF_SIZE];

  xuncha_test_grid_to_degrees (x0, y0, &lat0, &lon0);
  xuncha_test_grid_to_degrees (x1, y1, &lat1, &lon1);
  g_string_append_printf (json,
                          "%s{\"type\": \"Feature\", \"properties\": {\"id\": \"%s\", "
                          "\"name\": \"%s\", \"class\": \"class1\"}, \"geometry\": "
                          "{\"type\": \"LineString\", \"coordinates\": [[%s, %s], [%s, %s]]}}\n",
                          json->str[json->len - 2] == '[' ? "" : ",", id, name,
                          g_ascii_dtostr (buf[0], sizeof buf[0], lon0),
                          g_ascii_dtostr (buf[1], sizeof buf[1], lat0),
                          g_ascii_dtostr (buf[2], sizeof buf[2], lon1),
                          g_ascii_dtostr (buf[3], sizeof buf[3], lat1));
}

void
xuncha_test_grid_write_geojson (const char *path)
{
  g_autoptr(GString) json = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [\n");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i <= 5; i++)
    for (int j = 0; j < 5; j++)
      {
        g_autofree char *h = g_strdup_printf ("h%d_%d", j * 100, i * 100);
        g_autofree char *v = g_strdup_printf ("v%d_%d", i * 100, j * 100);
        g_autofree char *h_name = g_strdup_printf ("横%d路", i);
        g_autofree char *v_name = g_strdup_printf ("纵%d路", i);

        append_feature (json, h, h_name, j * 100, i * 100, j * 100 + 100, i * 100);
        append_feature (json, v, v_name, i * 100, j * 100, i * 100, j * 100 + 100);
      }
  g_string_append (json, "]}\n");
  g_file_set_contents (path, json->str, json->len, &error);
  g_assert_no_error (error);
}

GArray *
xuncha_test_grid_walk (const double *corners,
                       guint         n_corners,
                       gint64        start_ms)
{
  GArray *fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  gint64 t = start_ms;

  for (guint c = 0; c + 1 < n_corners; c++)
    {
      double x0 = corners[2 * c], y0 = corners[2 * c + 1];
      double x1 = corners[2 * c + 2], y1 = corners[2 * c + 3];
      guint steps = (guint)ceil (hypot (x1 - x0, y1 - y0) / 1.4);

      for (guint k = c == 0 ? 0 : 1; k <= steps; k++, t += 1000)
        {
          double f = (double)k / steps;
          XunchaFix fix = xuncha_fix_init (t, 0, 0);

          xuncha_test_grid_to_degrees (x0 + f * (x1 - x0), y0 + f * (y1 - y0),
                                       &fix.lat, &fix.lon);
          fix.accuracy = 5;
          g_array_append_val (fixes, fix);
        }
    }
  return fixes;
}

void
xuncha_test_write_gpx (const char *path,
                       GArray     *fixes)
{
  g_autoptr(GString) gpx = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                         "<gpx xmlns=\"http://www.topografix.com/GPX/1/1\" "
                                         "creator=\"xuncha tests\" version=\"1.1\">\n"
                                         "<trk><trkseg>\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < fixes->len; i++)
    {
      const XunchaFix *fix = &g_array_index (fixes, XunchaFix, i);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (fix->t_ms / 1000);
      g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (gpx, "<trkpt lat=\"%s\" lon=\"%s\"><time>%s</time></trkpt>\n",
                              g_ascii_formatd (lat, sizeof lat, "%.8f", fix->lat),
                              g_ascii_formatd (lon, sizeof lon, "%.8f", fix->lon), stamp);
    }
  g_string_append (gpx, "</trkseg></trk>\n</gpx>\n");
  g_file_set_contents (path, gpx->str, gpx->len, &error);
  g_assert_no_error (error);
}
