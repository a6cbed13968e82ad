/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xuncha-office-records.h"
#include "xuncha-office-shift-route.h"

G_BEGIN_DECLS

/* An officer's day of patrol (part 4 of the console: "each officer's shifts for a day
 * drawn with walked and missed segments"): every shift that overlaps the day, each whole,
 * judged against the officer's assigned segments with the device's coverage rules. */
typedef struct
{
  char      *officer_id;
  char      *day;            /* YYYY-MM-DD, in the office's time zone */
  gint64     from_ms;        /* the day's start and end, Unix milliseconds */
  gint64     to_ms;
  GStrv      assigned_ids;   /* the officer's assigned segments, sorted */
  GPtrArray *assigned;       /* XunchaOfficeStreet of those the office holds, by id */
  GPtrArray *shifts;         /* XunchaOfficeShiftRoute, by start */
} XunchaOfficeRoute;

/* Reads "YYYY-MM-DD" into the day's bounds in @zone; FALSE for anything else (a clear
 * message in @error, in the user's language). */
gboolean           xuncha_office_route_parse_day (const char           *day,
                                                  GTimeZone            *zone,
                                                  gint64               *from_ms,
                                                  gint64               *to_ms,
                                                  GError              **error);
/* The officer's route on @day ("YYYY-MM-DD") in @zone. The street map of each shift holds
 * the office's segments near its track (every segment the coverage could count) and the
 * assigned ones. Fails only on a records error or a bad day. */
XunchaOfficeRoute *xuncha_office_route_compute   (XunchaOfficeRecords  *records,
                                                  const char           *officer_id,
                                                  const char           *day,
                                                  GTimeZone            *zone,
                                                  GError              **error);
/* How much of the officer's assigned length his shifts that overlap the time from @from_ms
 * to @to_ms walked: the union of the assigned segments each shift walked (the device's
 * coverage rules, default options), by length. An officer without assigned segments has
 * all zero. */
typedef struct
{
  guint  n_assigned;     /* assigned segments the office holds */
  guint  n_walked;       /* of those, walked in any of the shifts */
  guint  n_shifts;
  double assigned_m;
  double walked_m;
} XunchaOfficeCoverageSum;

gboolean           xuncha_office_route_coverage_between (XunchaOfficeRecords     *records,
                                                         const char              *officer_id,
                                                         gint64                   from_ms,
                                                         gint64                   to_ms,
                                                         XunchaOfficeCoverageSum *sum,
                                                         GError                 **error);

/* {"officer_id", "day", "from_ms", "to_ms", "assigned": [{"id", "name", "lines"}],
 *  "shifts": [{"uuid", "kind", "started_at", "ended_at", "n_points", "length_m",
 *  "track": [[lon, lat, t_ms], ...], "gaps": [{"start_ms", "end_ms", "minutes", ...}],
 *  "n_assigned", "percent", "length_percent", "walked", "missed"}]} */
JsonNode          *xuncha_office_route_to_json   (const XunchaOfficeRoute *route);
void               xuncha_office_route_free      (XunchaOfficeRoute    *route);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeRoute, xuncha_office_route_free)

G_END_DECLS
