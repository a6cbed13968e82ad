/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-track-file"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xuncha-location-source.h"
#include "xuncha-track-file.h"

/* A receiver's HDOP times this is a rough 1-sigma horizontal error for a consumer GNSS chip;
 * NMEA has no accuracy field of its own (GST is rarely sent). */
#define UERE_M 5.0
#define KNOTS_TO_MS (1852.0 / 3600.0)
#define DAY_MS ((gint64)24 * 3600 * 1000)

/* ---- NMEA 0183 ---------------------------------------------------------------------- */

typedef struct
{
  char     time_key[16];   /* the raw time field that defines the epoch */
  int      tod_ms;         /* time of day */
  int      year, month, day;  /* 0 when the epoch carried no date */
  gboolean has_gga, has_rmc, has_gsa;
  int      gga_quality;
  gboolean rmc_valid;
  int      gsa_mode;       /* 1 no fix, 2 2D, 3 3D */
  gboolean has_position;
  double   lat, lon, altitude, speed, heading, hdop;
} Epoch;

/* The talker (the address's first two characters) names the kind of device that speaks:
 * GP a GPS receiver, GN a multi-GNSS one, GA/GB/BD/GL/GI/GQ one constellation, IN an
 * integrated navigation unit of a vehicle or boat, II an instrument bus relaying them. NMEA
 * 0183 defines GGA, RMC and GSA the same for every talker, and new ones keep coming, so the
 * sentence type decides, not a list of talkers. Only proprietary sentences ('P' and a
 * maker's code) are the makers' own formats. */
static gboolean
is_standard_talker (const char *address)
{
  return address[0] != 'P' && g_ascii_isupper (address[0])
         && (g_ascii_isupper (address[1]) || g_ascii_isdigit (address[1]));
}

static gboolean
parse_hex_digit (char  c,
                 guint *out)
{
  if (!g_ascii_isxdigit (c))
    return FALSE;
  *out = (guint)g_ascii_xdigit_value (c);
  return TRUE;
}

/* Checks framing and checksum; on success ends the sentence body (between '$' and '*')
 * in place and returns it. */
static char *
nmea_body (char     *line,
           gboolean *bad_checksum)
{
  char *star;
  guint sum = 0, hi, lo;

  *bad_checksum = FALSE;
  if (line[0] != '$' && line[0] != '!')
    return NULL;
  star = strchr (line, '*');
  if (star == NULL || !parse_hex_digit (star[1], &hi) || !parse_hex_digit (star[2], &lo))
    {
      *bad_checksum = TRUE;
      return NULL;
    }
  for (const char *p = line + 1; p < star; p++)
    sum ^= (guchar)*p;
  if (sum != (hi << 4 | lo))
    {
      *bad_checksum = TRUE;
      return NULL;
    }
  *star = '\0';
  return line + 1;
}

/* Cuts @body at its commas, in place, into @fields (NULL-terminated); returns the number
 * of fields. An empty body has none, as with g_strsplit(). */
static guint
split_fields (char      *body,
              GPtrArray *fields)
{
  char *p = body;

  g_ptr_array_set_size (fields, 0);
  while (*body != '\0')
    {
      char *comma = strchr (p, ',');

      g_ptr_array_add (fields, p);
      if (comma == NULL)
        break;
      *comma = '\0';
      p = comma + 1;
    }
  g_ptr_array_add (fields, NULL);
  return fields->len - 1;
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;
  double value;

  if (text == NULL || *text == '\0')
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

/* hhmmss(.sss) -> milliseconds of the day. */
static gboolean
parse_time_of_day (const char *text,
                   int        *out)
{
  double seconds;
  int h, m;

  if (strlen (text) < 6)
    return FALSE;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[2] - '0') * 10 + (text[3] - '0');
  if (!parse_double (text + 4, &seconds) || h > 23 || m > 59 || seconds < 0 || seconds >= 61)
    return FALSE;
  *out = (h * 3600 + m * 60) * 1000 + (int)lround (seconds * 1000);
  return TRUE;
}

/* (d)ddmm.mmmm plus hemisphere -> signed degrees. */
static gboolean
parse_coordinate (const char *value,
                  const char *hemisphere,
                  double      limit,
                  double     *out)
{
  double raw, degrees, minutes;

  if (!parse_double (value, &raw) || raw < 0)
    return FALSE;
  degrees = floor (raw / 100.0);
  minutes = raw - degrees * 100.0;
  if (minutes >= 60.0)
    return FALSE;
  degrees += minutes / 60.0;
  if (g_str_equal (hemisphere, "S") || g_str_equal (hemisphere, "W"))
    degrees = -degrees;
  else if (!g_str_equal (hemisphere, "N") && !g_str_equal (hemisphere, "E"))
    return FALSE;
  if (fabs (degrees) > limit)
    return FALSE;
  *out = degrees;
  return TRUE;
}

static gboolean
parse_position (char   **fields,
                guint    n_fields,
                guint    first,
                Epoch   *epoch)
{
  double lat, lon;

  if (first + 3 >= n_fields
      || !parse_coordinate (fields[first], fields[first + 1], 90.0, &lat)
      || !parse_coordinate (fields[first + 2], fields[first + 3], 180.0, &lon))
    return FALSE;
  epoch->lat = lat;
  epoch->lon = lon;
  epoch->has_position = TRUE;
  return TRUE;
}

static void
apply_gga (Epoch  *epoch,
           char  **f,
           guint   n)
{
  double value;

  /* GGA,time,lat,N,lon,E,quality,sats,hdop,alt,M,sep,M,age,station */
  epoch->has_gga = TRUE;
  epoch->gga_quality = n > 6 && *f[6] != '\0' ? atoi (f[6]) : 0;
  if (epoch->gga_quality > 0)
    parse_position (f, n, 2, epoch);
  if (n > 8 && parse_double (f[8], &value) && value > 0)
    epoch->hdop = value;
  if (n > 9 && parse_double (f[9], &value))
    epoch->altitude = value;
}

static int
two_digits (const char *text)
{
  if (!g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]))
    return -1;
  return (text[0] - '0') * 10 + (text[1] - '0');
}

static void
apply_rmc (Epoch  *epoch,
           char  **f,
           guint   n)
{
  double value;

  /* RMC,time,status,lat,N,lon,E,knots,course,ddmmyy,magvar,E,mode(,navstatus) */
  epoch->has_rmc = TRUE;
  epoch->rmc_valid = n > 2 && g_str_equal (f[2], "A")
                     && !(n > 12 && g_str_equal (f[12], "N"));
  if (n > 9 && strlen (f[9]) == 6)
    {
      int dd = two_digits (f[9]);
      int mm = two_digits (f[9] + 2);
      int yy = two_digits (f[9] + 4);

      /* Two-digit years: NMEA logs are from the GPS era, 1980 onwards. */
      if (dd > 0 && mm > 0 && yy >= 0
          && g_date_valid_dmy (dd, mm, yy < 80 ? 2000 + yy : 1900 + yy))
        {
          epoch->day = dd;
          epoch->month = mm;
          epoch->year = yy < 80 ? 2000 + yy : 1900 + yy;
        }
    }
  if (!epoch->rmc_valid)
    return;
  if (!epoch->has_position)
    parse_position (f, n, 3, epoch);
  if (n > 7 && parse_double (f[7], &value))
    epoch->speed = value * KNOTS_TO_MS;
  if (n > 8 && parse_double (f[8], &value) && value >= 0 && value <= 360)
    epoch->heading = value;
}

static void
apply_gsa (Epoch  *epoch,
           char  **f,
           guint   n)
{
  double value;

  /* GSA,mode,fixtype,sv×12,pdop,hdop,vdop(,system) */
  epoch->has_gsa = TRUE;
  if (n > 2 && *f[2] != '\0')
    epoch->gsa_mode = MAX (epoch->gsa_mode, atoi (f[2]));
  if (isnan (epoch->hdop) && n > 16 && parse_double (f[16], &value) && value > 0)
    epoch->hdop = value;
}

static void
epoch_reset (Epoch      *epoch,
             const char *key,
             int         tod_ms)
{
  memset (epoch, 0, sizeof *epoch);
  g_strlcpy (epoch->time_key, key, sizeof epoch->time_key);
  epoch->tod_ms = tod_ms;
  epoch->altitude = epoch->speed = epoch->heading = epoch->hdop = NAN;
}

static gboolean
epoch_has_fix (const Epoch *epoch)
{
  /* Any sentence that says "no fix" wins: receivers keep repeating the last position
   * with a V status while they search. */
  if (!epoch->has_position)
    return FALSE;
  if (epoch->has_gga && epoch->gga_quality <= 0)
    return FALSE;
  if (epoch->has_rmc && !epoch->rmc_valid)
    return FALSE;
  if (epoch->has_gsa && epoch->gsa_mode == 1)
    return FALSE;
  return epoch->has_gga || epoch->has_rmc;
}

static gint64
days_since_epoch (int year,
                  int month,
                  int day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, 0, 0, 0);

  return g_date_time_to_unix (dt) / 86400;
}

static GArray *
parse_nmea (const char            *data,
            gsize                  length,
            XunchaTrackFileStats  *stats,
            GError               **error)
{
  g_autoptr(GArray) epochs = g_array_new (FALSE, FALSE, sizeof (Epoch));
  g_autoptr(GArray) fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  /* Lines are cut in place (a log may hold hundreds of thousands), up to the first NUL. */
  g_autofree char *text = g_strndup (data, length);
  char *rest = text;
  /* The fields of the sentence at hand, cut in place like the lines. */
  g_autoptr(GPtrArray) field_array = g_ptr_array_new ();
  Epoch current;
  g_autofree gint64 *days = NULL;
  gboolean open = FALSE;
  gint64 first_dated = -1;
  gint64 last_t = G_MININT64;

  while (rest != NULL)
    {
      char *line = rest;
      char *newline = strchr (line, '\n');
      char *body;
      char **fields;
      gboolean bad = FALSE;
      const char *type;
      guint n;
      int tod;

      if (newline != NULL)
        *newline = '\0';
      rest = newline != NULL ? newline + 1 : NULL;
      line = g_strstrip (line);
      if (*line == '\0')
        continue;
      if (*line == '#')
        {
          stats->comments++;
          continue;
        }
      body = nmea_body (line, &bad);
      if (body == NULL)
        {
          if (bad)
            stats->bad_checksums++;
          else
            stats->ignored++;
          continue;
        }
      stats->sentences++;
      n = split_fields (body, field_array);
      fields = (char **)field_array->pdata;
      /* "$*00" has a valid checksum and nothing at all before it. */
      if (n == 0 || strlen (fields[0]) != 5)
        {
          stats->ignored++;
          continue;
        }
      if (!is_standard_talker (fields[0]))
        {
          stats->ignored++;
          continue;
        }
      type = fields[0] + 2;

      if (g_str_equal (type, "GSA"))
        {
          if (open)
            apply_gsa (&current, fields, n);
          continue;
        }
      if (!g_str_equal (type, "GGA") && !g_str_equal (type, "RMC"))
        {
          stats->ignored++;
          continue;
        }
      if (n < 2 || !parse_time_of_day (fields[1], &tod))
        {
          stats->ignored++;
          continue;
        }
      /* A new time of day starts a new epoch: GGA, RMC and GSA of one measurement share
       * it (GSA has no time and belongs to the epoch it follows). */
      if (!open || !g_str_equal (current.time_key, fields[1]))
        {
          if (open)
            g_array_append_val (epochs, current);
          epoch_reset (&current, fields[1], tod);
          open = TRUE;
        }
      if (g_str_equal (type, "GGA"))
        apply_gga (&current, fields, n);
      else
        apply_rmc (&current, fields, n);
    }
  if (open)
    g_array_append_val (epochs, current);

  /* Dates: GGA carries none, so each epoch takes the date of its own RMC, else the one
   * before it (rolling over at midnight), else the first one in the file. */
  for (guint i = 0; i < epochs->len && first_dated < 0; i++)
    if (g_array_index (epochs, Epoch, i).year != 0)
      first_dated = i;
  if (first_dated < 0)
    {
      for (guint i = 0; i < epochs->len; i++)
        if (epoch_has_fix (&g_array_index (epochs, Epoch, i)))
          {
            g_set_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_PARSE,
                         "The NMEA log has positions but no date (no RMC sentence), so "
                         "their times are unknown; record RMC sentences too");
            return NULL;
          }
      stats->no_fix = epochs->len;
      return g_steal_pointer (&fixes);
    }

  days = g_new0 (gint64, epochs->len);
  {
    const Epoch *dated = &g_array_index (epochs, Epoch, first_dated);
    days[first_dated] = days_since_epoch (dated->year, dated->month, dated->day);
  }
  for (gint64 i = first_dated - 1; i >= 0; i--)
    {
      const Epoch *e = &g_array_index (epochs, Epoch, i);
      const Epoch *next = &g_array_index (epochs, Epoch, i + 1);
      days[i] = days[i + 1] - (e->tod_ms > next->tod_ms + DAY_MS / 2 ? 1 : 0);
    }
  for (guint i = first_dated + 1; i < epochs->len; i++)
    {
      const Epoch *e = &g_array_index (epochs, Epoch, i);
      const Epoch *prev = &g_array_index (epochs, Epoch, i - 1);
      if (e->year != 0)
        days[i] = days_since_epoch (e->year, e->month, e->day);
      else if (e->tod_ms + DAY_MS / 2 < prev->tod_ms)
        days[i] = days[i - 1] + 1;      /* past midnight */
      else if (e->tod_ms > prev->tod_ms + DAY_MS / 2)
        days[i] = days[i - 1] - 1;      /* back before midnight: time went backwards */
      else
        days[i] = days[i - 1];
    }

  for (guint i = 0; i < epochs->len; i++)
    {
      const Epoch *e = &g_array_index (epochs, Epoch, i);
      XunchaFix fix;

      if (!epoch_has_fix (e))
        {
          stats->no_fix++;
          continue;
        }
      fix = xuncha_fix_init (days[i] * DAY_MS + e->tod_ms, e->lat, e->lon);
      fix.altitude = e->altitude;
      fix.speed = e->speed;
      fix.heading = e->heading;
      if (!isnan (e->hdop))
        fix.accuracy = e->hdop * UERE_M;
      /* Receivers restart, logs get concatenated: a time not after the last one kept
       * cannot be placed on the route, so it is dropped rather than reordered. */
      if (fix.t_ms <= last_t)
        {
          stats->backwards++;
          continue;
        }
      last_t = fix.t_ms;
      g_array_append_val (fixes, fix);
    }

  return g_steal_pointer (&fixes);
}

/* ---- GPX 1.0 / 1.1 ------------------------------------------------------------------- */

typedef struct
{
  GArray               *fixes;
  XunchaTrackFileStats *stats;
  GString              *text;
  gboolean              seen_gpx;
  gboolean              in_point;
  gboolean              point_no_fix;
  gboolean              point_has_time;
  XunchaFix             point;
  gint64                last_t;
} GpxParser;

static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  return colon != NULL ? colon + 1 : name;
}

static void
gpx_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  GpxParser *p = user_data;
  const char *lat = NULL, *lon = NULL;
  double dlat, dlon;

  g_string_truncate (p->text, 0);
  if (g_str_equal (element, "gpx"))
    {
      p->seen_gpx = TRUE;
      return;
    }
  if (!p->seen_gpx)
    {
      g_set_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_PARSE,
                   "The file is XML but not GPX (it starts with <%s>)", element);
      return;
    }
  if (!g_str_equal (element, "trkpt"))
    return;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "lat"))
        lat = values[i];
      else if (g_str_equal (names[i], "lon"))
        lon = values[i];
    }
  if (!parse_double (lat, &dlat) || !parse_double (lon, &dlon)
      || fabs (dlat) > 90 || fabs (dlon) > 180)
    {
      int line = 0;
      g_markup_parse_context_get_position (context, &line, NULL);
      g_set_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_PARSE,
                   "A track point on line %d has no valid lat and lon", line);
      return;
    }
  p->in_point = TRUE;
  p->point_no_fix = FALSE;
  p->point_has_time = FALSE;
  p->point = xuncha_fix_init (0, dlat, dlon);
}

static void
gpx_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  GpxParser *p = user_data;
  const char *name = local_name (element);
  const char *text;
  double value;

  if (!p->in_point)
    return;
  text = g_strstrip (p->text->str);

  if (g_str_equal (element, "trkpt"))
    {
      p->in_point = FALSE;
      if (!p->point_has_time)
        {
          p->stats->ignored++;
          return;
        }
      if (p->point_no_fix)
        {
          p->stats->no_fix++;
          p->point.accuracy = INFINITY;
        }
      if (p->point.t_ms <= p->last_t)
        {
          p->stats->backwards++;
          return;
        }
      p->last_t = p->point.t_ms;
      g_array_append_val (p->fixes, p->point);
    }
  else if (g_str_equal (name, "time"))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);
      if (dt != NULL)
        {
          p->point.t_ms = g_date_time_to_unix (dt) * 1000
                          + g_date_time_get_microsecond (dt) / 1000;
          p->point_has_time = TRUE;
        }
    }
  else if (g_str_equal (name, "ele") && parse_double (text, &value))
    p->point.altitude = value;
  else if (g_str_equal (name, "speed") && parse_double (text, &value) && value >= 0)
    p->point.speed = value;   /* GPX 1.0 and Garmin's TrackPointExtension: m/s */
  else if (g_str_equal (name, "course") && parse_double (text, &value))
    p->point.heading = value;
  else if (g_str_equal (name, "hdop") && parse_double (text, &value) && value > 0)
    p->point.accuracy = value * UERE_M;
  else if (g_str_equal (name, "fix"))
    p->point_no_fix = g_str_equal (text, "none");
}

static void
gpx_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  GpxParser *p = user_data;

  g_string_append_len (p->text, text, length);
}

static GArray *
parse_gpx (const char            *data,
           gsize                  length,
           XunchaTrackFileStats  *stats,
           GError               **error)
{
  static const GMarkupParser parser = { gpx_start, gpx_end, gpx_text, NULL, NULL };
  g_autoptr(GArray) fixes = g_array_new (FALSE, FALSE, sizeof (XunchaFix));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GMarkupParseContext) context = NULL;
  GpxParser p = { fixes, stats, text, FALSE, FALSE, FALSE, FALSE, { 0 }, G_MININT64 };

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &p, NULL);
  if (!g_markup_parse_context_parse (context, data, length, error)
      || !g_markup_parse_context_end_parse (context, error))
    {
      g_prefix_error (error, "The GPX file is damaged: ");
      if (error != NULL && *error != NULL && (*error)->domain != XUNCHA_LOCATION_ERROR)
        {
          (*error)->domain = XUNCHA_LOCATION_ERROR;
          (*error)->code = XUNCHA_LOCATION_ERROR_PARSE;
        }
      return NULL;
    }
  return g_steal_pointer (&fixes);
}

/* ---- entry points ---------------------------------------------------------------------- */

static XunchaTrackFormat
detect_format (const char *data,
               gsize       length)
{
  gsize i = 0;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i < length && data[i] == '<')
    return XUNCHA_TRACK_FORMAT_GPX;
  if (i < length && (data[i] == '$' || data[i] == '#' || data[i] == '!'))
    return XUNCHA_TRACK_FORMAT_NMEA;
  return XUNCHA_TRACK_FORMAT_UNKNOWN;
}

GArray *
xuncha_track_file_parse (const char            *data,
                         gsize                  length,
                         XunchaTrackFileStats  *stats,
                         GError               **error)
{
  XunchaTrackFileStats local_stats;
  g_autoptr(GArray) fixes = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  stats->format = detect_format (data, length);

  switch (stats->format)
    {
    case XUNCHA_TRACK_FORMAT_GPX:
      fixes = parse_gpx (data, length, stats, error);
      break;
    case XUNCHA_TRACK_FORMAT_NMEA:
      fixes = parse_nmea (data, length, stats, error);
      break;
    case XUNCHA_TRACK_FORMAT_UNKNOWN:
    default:
      g_set_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_PARSE,
                   "The file is neither GPX nor an NMEA 0183 log");
      return NULL;
    }
  if (fixes == NULL)
    return NULL;
  stats->points = fixes->len;
  if (fixes->len == 0)
    {
      g_set_error (error, XUNCHA_LOCATION_ERROR, XUNCHA_LOCATION_ERROR_NO_FIXES,
                   "The track file holds no position fix (%u without a fix, %u with a bad "
                   "checksum)", stats->no_fix, stats->bad_checksums);
      return NULL;
    }
  return g_steal_pointer (&fixes);
}

GArray *
xuncha_track_file_load (const char            *path,
                        XunchaTrackFileStats  *stats,
                        GError               **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  GArray *fixes;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    {
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = XUNCHA_LOCATION_ERROR;
          (*error)->code = XUNCHA_LOCATION_ERROR_READ;
        }
      return NULL;
    }
  fixes = xuncha_track_file_parse (contents, length, stats, error);
  if (fixes == NULL)
    g_prefix_error (error, "%s: ", path);
  return fixes;
}
