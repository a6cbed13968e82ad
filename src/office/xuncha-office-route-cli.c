/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-office-cli.h"
#include "xuncha-office-route.h"
#include "xuncha-office-street.h"
#include "xuncha-route-gap.h"

/* xuncha-office routes show OFFICER --day YYYY-MM-DD: an officer's shifts of a day with
 * the walked and missed assigned segments, as the console's route page draws them. */

static char *
clock_time (gint64     t_ms,
            GTimeZone *zone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  return g_date_time_format (local, "%H:%M");
}

static char *
shift_time (const char *iso,
            GTimeZone  *zone)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (iso != NULL ? iso : "…");
  local = g_date_time_to_timezone (time, zone);
  return g_date_time_format (local, "%m-%d %H:%M");
}

static const char *
street_name (const XunchaOfficeRoute *route,
             const char              *id)
{
  for (guint i = 0; i < route->assigned->len; i++)
    {
      const XunchaOfficeStreet *street = route->assigned->pdata[i];

      if (g_str_equal (street->id, id))
        return street->name != NULL ? street->name : "";
    }
  return "";
}

static void
print_ids (const XunchaOfficeRoute *route,
           const char              *label,
           GStrv                    ids)
{
  if (ids[0] == NULL)
    return;
  printf ("  %s\n", label);
  for (guint i = 0; ids[i] != NULL; i++)
    printf ("    %s  %s\n", ids[i], street_name (route, ids[i]));
}

static void
print_route (const XunchaOfficeRoute *route,
             GTimeZone               *zone)
{
  printf (_("Officer %s, %s: %u shifts, %u assigned segments\n"), route->officer_id,
          route->day, route->shifts->len, g_strv_length (route->assigned_ids));
  for (guint i = 0; i < route->shifts->len; i++)
    {
      const XunchaOfficeShiftRoute *shift = route->shifts->pdata[i];
      g_autofree char *start = shift_time (shift->shift->started_at, zone);
      g_autofree char *end = shift->shift->ended_at != NULL
                             ? shift_time (shift->shift->ended_at, zone)
                             : g_strdup (_("still open"));

      printf ("\n");
      printf (_("Shift %s (%s), %s – %s: %u points, %.2f km\n"), shift->shift->uuid,
              shift->shift->kind, start, end, shift->fixes->len, shift->length_m / 1000);
      if (shift->n_assigned == 0)
        printf ("  %s\n", _("No assigned segment to cover."));
      else
        printf (_("  Coverage: %u of %u assigned segments walked (%.1f %%, %.1f %% of "
                  "their length)\n"), g_strv_length (shift->walked_ids), shift->n_assigned,
                shift->percent, shift->length_percent);
      print_ids (route, _("Walked:"), shift->walked_ids);
      print_ids (route, _("Missed:"), shift->missed_ids);
      for (guint k = 0; k < shift->gaps->len; k++)
        {
          const XunchaRouteGap *gap = &g_array_index (shift->gaps, XunchaRouteGap, k);
          g_autofree char *from = clock_time (gap->start_ms, zone);
          g_autofree char *to = clock_time (gap->end_ms, zone);
          guint minutes = (guint)((gap->end_ms - gap->start_ms + 30000) / 60000);

          printf ("  %s–%s  ", from, to);
          printf (ngettext ("%u min without position", "%u min without position", minutes),
                  minutes);
          printf ("\n");
        }
    }
}

int
xuncha_office_cli_routes (int    argc,
                          char **argv)
{
  g_autofree char *day = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "day", 0, 0, G_OPTION_ARG_STRING, &day, N_("The day, YYYY-MM-DD (default: today)"),
      N_("DAY") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficeRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  gint64 from_ms, to_ms;

  if (!parse_described ("routes show", "OFFICER [--day YYYY-MM-DD] [--json]",
                        N_("An officer's shifts of a day (the office's time zone): the track, "
                           "its gaps, and the assigned street segments walked and missed."),
                        entries, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "show"))
    {
      g_printerr (_("Usage: xuncha-office routes show OFFICER [--day YYYY-MM-DD] [--json]\n"));
      return 2;
    }
  if (day == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (zone);
      day = g_date_time_format (now, "%Y-%m-%d");
    }
  /* Checked before the records are opened. */
  if (!xuncha_office_route_parse_day (day, zone, &from_ms, &to_ms, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  route = xuncha_office_route_compute (records, argv[2], day, zone, &error);
  if (route == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr(JsonNode) node = xuncha_office_route_to_json (route);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      printf ("%s\n", text);
    }
  else
    print_route (route, zone);
  return 0;
}
