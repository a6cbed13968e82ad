/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-photo-meta"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-photo-meta.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExifData, exif_data_unref)

G_DEFINE_BOXED_TYPE (XunchaPhotoMeta, xuncha_photo_meta, xuncha_photo_meta_copy,
                     xuncha_photo_meta_free)

G_DEFINE_QUARK (xuncha-photo-meta-error-quark, xuncha_photo_meta_error)

/* The largest Exif payload one APP1 segment can carry. */
#define MAX_EXIF_PAYLOAD (0xffff - 2)

XunchaPhotoMeta *
xuncha_photo_meta_copy (const XunchaPhotoMeta *meta)
{
  return g_memdup2 (meta, sizeof *meta);
}

void
xuncha_photo_meta_free (XunchaPhotoMeta *meta)
{
  g_free (meta);
}

void
xuncha_photo_meta_clear (XunchaPhotoMeta *meta)
{
  g_return_if_fail (meta != NULL);

  memset (meta, 0, sizeof *meta);
  meta->lat = NAN;
  meta->lon = NAN;
  meta->altitude = NAN;
  meta->direction = NAN;
}

/* Loads an Exif payload without letting libexif "fix" it: no tags dropped, none added,
 * maker notes kept as they are. */
static ExifData *
load_exif (GBytes *payload)
{
  ExifData *ed = exif_data_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (payload, &size);

  if (ed == NULL)
    return NULL;
  exif_data_unset_option (ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_unset_option (ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_option (ed, EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
  exif_data_load_data (ed, data, (unsigned int)size);
  return ed;
}

static ExifEntry *
find (ExifData *ed,
      ExifIfd   ifd,
      ExifTag   tag)
{
  ExifEntry *e = exif_content_get_entry (ed->ifd[ifd], tag);

  if (e == NULL || e->data == NULL || e->components == 0 || e->size == 0)
    return NULL;
  return e;
}

/* Up to @n rationals; a 0/0 component counts as 0 (some cameras write it for the seconds
 * of a coordinate or a time) unless @zero_over_zero_unknown: for a single quantity such as
 * an altitude, 0/0 is how a camera writes "unknown", and reading it as 0 would make up a
 * value. */
static guint
get_rationals_full (ExifEntry     *e,
                    ExifByteOrder  order,
                    guint          n,
                    gboolean       zero_over_zero_unknown,
                    double        *out)
{
  guint count;

  if (e == NULL)
    return 0;
  count = MIN ((guint)e->components, n);
  if (e->format == EXIF_FORMAT_RATIONAL && e->size >= 8 * count)
    {
      for (guint i = 0; i < count; i++)
        {
          ExifRational r = exif_get_rational (e->data + 8 * i, order);
          if (r.denominator == 0 && (r.numerator != 0 || zero_over_zero_unknown))
            return 0;
          out[i] = r.denominator == 0 ? 0 : (double)r.numerator / r.denominator;
        }
      return count;
    }
  if (e->format == EXIF_FORMAT_SRATIONAL && e->size >= 8 * count)
    {
      for (guint i = 0; i < count; i++)
        {
          ExifSRational r = exif_get_srational (e->data + 8 * i, order);
          if (r.denominator == 0 && (r.numerator != 0 || zero_over_zero_unknown))
            return 0;
          out[i] = r.denominator == 0 ? 0 : (double)r.numerator / r.denominator;
        }
      return count;
    }
  return 0;
}

static guint
get_rationals (ExifEntry     *e,
               ExifByteOrder  order,
               guint          n,
               double        *out)
{
  return get_rationals_full (e, order, n, FALSE, out);
}

/* One quantity; FALSE for 0/0 (unknown). */
static gboolean
get_quantity (ExifEntry     *e,
              ExifByteOrder  order,
              double        *out)
{
  return get_rationals_full (e, order, 1, TRUE, out) == 1 && isfinite (*out);
}

static gboolean
get_text (ExifEntry *e,
          char      *buf,
          gsize      len)
{
  gsize n;

  if (e == NULL || (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED))
    return FALSE;
  n = MIN ((gsize)e->size, len - 1);
  memcpy (buf, e->data, n);
  buf[n] = '\0';
  g_strchomp (buf);
  return buf[0] != '\0';
}

static gboolean
read_coordinate (ExifData      *ed,
                 ExifByteOrder  order,
                 ExifTag        value_tag,
                 ExifTag        ref_tag,
                 char           negative_ref,
                 double         limit,
                 double        *out)
{
  double parts[3] = { 0, 0, 0 };
  guint n = get_rationals (find (ed, EXIF_IFD_GPS, value_tag), order, 3, parts);
  char ref[8];
  double value;

  if (n == 0)
    return FALSE;
  value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  if (!isfinite (value) || value < 0 || value > limit)
    return FALSE;
  if (get_text (find (ed, EXIF_IFD_GPS, ref_tag), ref, sizeof ref)
      && g_ascii_toupper (ref[0]) == negative_ref)
    value = -value;
  *out = value;
  return TRUE;
}

/* "YYYY:MM:DD HH:MM:SS", strictly; FALSE for the blank or zero dates cameras write. */
static gboolean
parse_datetime (const char *text,
                gint64     *unix_s)
{
  int y, mo, d, h, mi, s, used = 0;
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (text, "%4d:%2d:%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6
      || used != 19 || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31
      || h > 23 || mi > 59 || s > 60)
    return FALSE;
  dt = g_date_time_new_utc (y, mo, d, h, mi, MIN (s, 59));
  if (dt == NULL)
    return FALSE;
  *unix_s = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_offset (const char *text,
              int        *offset_s)
{
  int h, m, used = 0;
  char sign;

  if (sscanf (text, "%c%2d:%2d%n", &sign, &h, &m, &used) != 3 || used != 6
      || (sign != '+' && sign != '-') || h > 14 || m > 59)
    return FALSE;
  *offset_s = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return TRUE;
}

static void
read_time (XunchaPhotoMeta *meta,
           ExifData        *ed)
{
  static const struct { ExifIfd ifd; ExifTag tag; ExifTag subsec; } sources[] = {
    { EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_TAG_SUB_SEC_TIME_ORIGINAL },
    { EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED, EXIF_TAG_SUB_SEC_TIME_DIGITIZED },
    { EXIF_IFD_0, EXIF_TAG_DATE_TIME, EXIF_TAG_SUB_SEC_TIME },
  };
  char text[64];

  for (guint i = 0; i < G_N_ELEMENTS (sources) && !meta->has_time; i++)
    {
      if (!get_text (find (ed, sources[i].ifd, sources[i].tag), text, sizeof text)
          || !parse_datetime (text, &meta->local_time_s))
        continue;
      meta->has_time = TRUE;
      if (get_text (find (ed, EXIF_IFD_EXIF, sources[i].subsec), text, sizeof text)
          && g_ascii_isdigit (text[0]))
        {
          /* Sub-second digits are a decimal fraction: "5" is 500 ms, "05" 50 ms. */
          char ms[4] = "000";
          for (guint k = 0; k < 3 && g_ascii_isdigit (text[k]); k++)
            ms[k] = text[k];
          meta->subsec_ms = atoi (ms);
        }
      if (i == 0 && get_text (find (ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL),
                              text, sizeof text))
        meta->has_offset = parse_offset (text, &meta->offset_s);
    }
}

static void
read_gps (XunchaPhotoMeta *meta,
          ExifData        *ed)
{
  ExifByteOrder order = exif_data_get_byte_order (ed);
  char text[32];
  double v[3];
  double lat, lon;
  gboolean placeholder = FALSE;

  /* Status V means the receiver had no fix when the photo was taken. */
  if (!(get_text (find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_STATUS), text, sizeof text)
        && g_ascii_toupper (text[0]) == 'V')
      && read_coordinate (ed, order, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, 'S',
                          90, &lat)
      && read_coordinate (ed, order, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, 'W',
                          180, &lon)
      /* 0/0 is the placeholder of phones that had no fix, not a place in the sea. */
      && !(placeholder = fabs (lat) < 1e-9 && fabs (lon) < 1e-9))
    {
      meta->has_position = TRUE;
      meta->lat = lat;
      meta->lon = lon;
    }

  /* The 0 m of the 0/0 placeholder is part of it, not a measured altitude. */
  if (get_quantity (find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE), order, v)
      && !(placeholder && v[0] == 0))
    {
      ExifEntry *ref = find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
      gboolean below = ref != NULL && (ref->format == EXIF_FORMAT_BYTE
                                       || ref->format == EXIF_FORMAT_UNDEFINED)
                       && ref->data[0] == 1;
      /* A signed rational carries its own sign; the reference only flips unsigned ones. */
      meta->altitude = below ? -fabs (v[0]) : v[0];
    }

  if (get_quantity (find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_IMG_DIRECTION), order, v)
      && v[0] >= 0 && v[0] <= 360)
    meta->direction = v[0];

  if (get_text (find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP), text, sizeof text)
      && get_rationals (find (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_TIME_STAMP), order, 3, v) == 3
      && v[0] >= 0 && v[0] < 24 && v[1] >= 0 && v[1] < 60 && v[2] >= 0 && v[2] < 61)
    {
      int y, mo, d, used = 0;
      g_autoptr(GDateTime) day = NULL;

      /* Strict: some phones write a day of the year ("2014:09:259"); such a date is
       * ignored rather than guessed. */
      if (sscanf (text, "%4d:%2d:%2d%n", &y, &mo, &d, &used) == 3 && used == 10
          && text[10] == '\0'
          && (day = g_date_time_new_utc (y, mo, d, 0, 0, 0)) != NULL)
        {
          meta->has_gps_time = TRUE;
          meta->gps_time_ms = g_date_time_to_unix (day) * 1000
                              + (gint64)llround ((v[0] * 3600 + v[1] * 60 + v[2]) * 1000);
        }
    }
}

gboolean
xuncha_photo_meta_read (XunchaPhotoMeta *meta,
                        XunchaJpeg      *jpeg)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(ExifData) ed = NULL;

  g_return_val_if_fail (meta != NULL, FALSE);
  g_return_val_if_fail (jpeg != NULL, FALSE);

  xuncha_photo_meta_clear (meta);
  payload = xuncha_jpeg_get_exif (jpeg);
  if (payload == NULL)
    return FALSE;
  ed = load_exif (payload);
  if (ed == NULL)
    return FALSE;
  read_time (meta, ed);
  read_gps (meta, ed);
  return TRUE;
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

gboolean
xuncha_photo_meta_get_utc_ms (const XunchaPhotoMeta *meta,
                              GTimeZone             *zone,
                              gint64                *utc_ms)
{
  g_autoptr(GDateTime) wall = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) local_zone = NULL;

  g_return_val_if_fail (meta != NULL, FALSE);
  g_return_val_if_fail (utc_ms != NULL, FALSE);

  if (!meta->has_time)
    return FALSE;
  if (meta->has_offset)
    {
      *utc_ms = (meta->local_time_s - meta->offset_s) * 1000 + meta->subsec_ms;
      return TRUE;
    }
  if (zone == NULL)
    zone = local_zone = g_time_zone_new_local ();
  wall = g_date_time_new_from_unix_utc (meta->local_time_s);
  if (wall == NULL)
    return FALSE;
  local = g_date_time_new (zone, g_date_time_get_year (wall), g_date_time_get_month (wall),
                           g_date_time_get_day_of_month (wall), g_date_time_get_hour (wall),
                           g_date_time_get_minute (wall), g_date_time_get_second (wall));
  if (local == NULL)
    return FALSE;
  *utc_ms = g_date_time_to_unix (local) * 1000 + meta->subsec_ms;
  return TRUE;
}

void
xuncha_photo_meta_set_time (XunchaPhotoMeta *meta,
                            gint64           utc_ms,
                            GTimeZone       *zone)
{
  g_autoptr(GTimeZone) local_zone = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 utc_s = floor_div (utc_ms, 1000);

  g_return_if_fail (meta != NULL);

  if (zone == NULL)
    zone = local_zone = g_time_zone_new_local ();
  utc = g_date_time_new_from_unix_utc (utc_s);
  g_return_if_fail (utc != NULL);
  local = g_date_time_to_timezone (utc, zone);
  meta->offset_s = (int)(g_date_time_get_utc_offset (local) / G_TIME_SPAN_SECOND);
  meta->has_offset = TRUE;
  meta->local_time_s = utc_s + meta->offset_s;
  meta->subsec_ms = (int)(utc_ms - utc_s * 1000);
  meta->has_time = TRUE;
}

/* --- writing --- */

static guint8 *
put_entry (ExifData      *ed,
           ExifIfd        ifd,
           ExifTag        tag,
           ExifFormat     format,
           unsigned long  components)
{
  ExifContent *content = ed->ifd[ifd];
  ExifEntry *old = exif_content_get_entry (content, tag);
  ExifMem *mem = exif_mem_new_default ();
  ExifEntry *e = exif_entry_new_mem (mem);
  unsigned int size = exif_format_get_size (format) * components;

  if (old != NULL)
    exif_content_remove_entry (content, old);
  e->data = exif_mem_alloc (mem, size);
  e->size = size;
  e->tag = tag;
  e->format = format;
  e->components = components;
  exif_content_add_entry (content, e);
  exif_entry_unref (e);
  exif_mem_unref (mem);
  return e->data;
}

static void
put_ascii (ExifData   *ed,
           ExifIfd     ifd,
           ExifTag     tag,
           const char *text)
{
  gsize len = strlen (text) + 1;
  guint8 *data = put_entry (ed, ifd, tag, EXIF_FORMAT_ASCII, len);

  memcpy (data, text, len);
}

static void
put_rationals (ExifData     *ed,
               ExifTag       tag,
               const guint32 *nums,
               const guint32 *dens,
               guint          n)
{
  ExifByteOrder order = exif_data_get_byte_order (ed);
  guint8 *data = put_entry (ed, EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, n);

  for (guint i = 0; i < n; i++)
    {
      ExifRational r = { nums[i], dens[i] };
      exif_set_rational (data + 8 * i, order, r);
    }
}

static void
put_coordinate (ExifData *ed,
                ExifTag   tag,
                ExifTag   ref_tag,
                double    value,
                char      pos_ref,
                char      neg_ref)
{
  /* Whole degrees, whole minutes, seconds in micro-seconds of arc (3 µm on the ground):
   * rounded once, so 59.9999996" can never become 60". */
  guint64 total = (guint64)llround (fabs (value) * 3600.0 * 1e6);
  guint32 nums[3] = { (guint32)(total / 3600000000ULL),
                      (guint32)((total / 60000000ULL) % 60),
                      (guint32)(total % 60000000ULL) };
  guint32 dens[3] = { 1, 1, 1000000 };
  char ref[2] = { value < 0 ? neg_ref : pos_ref, '\0' };

  put_rationals (ed, tag, nums, dens, 3);
  put_ascii (ed, EXIF_IFD_GPS, ref_tag, ref);
}

static void
apply (const XunchaPhotoMeta *meta,
       ExifData              *ed)
{
  ExifByteOrder order = exif_data_get_byte_order (ed);
  gboolean gps = meta->has_position || isfinite (meta->altitude) || isfinite (meta->direction)
                 || meta->has_gps_time;

  if (gps)
    {
      guint8 *version = put_entry (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID,
                                   EXIF_FORMAT_BYTE, 4);
      version[0] = 2, version[1] = 3, version[2] = 0, version[3] = 0;
      put_ascii (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_MAP_DATUM, "WGS-84");
    }

  if (meta->has_position)
    {
      ExifEntry *status = exif_content_get_entry (ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_STATUS);

      /* A stale "void" status would make readers ignore the position written now. */
      if (status != NULL)
        exif_content_remove_entry (ed->ifd[EXIF_IFD_GPS], status);
      put_coordinate (ed, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, meta->lat, 'N', 'S');
      put_coordinate (ed, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, meta->lon,
                      'E', 'W');
    }

  if (meta->has_position && !isfinite (meta->altitude))
    {
      /* An altitude left in the block (unknown, or a placeholder's) would be read as the
       * one of the position written now. */
      ExifContent *gps_ifd = ed->ifd[EXIF_IFD_GPS];
      ExifEntry *stale;

      if ((stale = exif_content_get_entry (gps_ifd, EXIF_TAG_GPS_ALTITUDE)) != NULL)
        exif_content_remove_entry (gps_ifd, stale);
      if ((stale = exif_content_get_entry (gps_ifd, EXIF_TAG_GPS_ALTITUDE_REF)) != NULL)
        exif_content_remove_entry (gps_ifd, stale);
    }
  else if (isfinite (meta->altitude))
    {
      guint32 num = (guint32)MIN (llround (fabs (meta->altitude) * 1000), G_MAXUINT32);
      guint32 den = 1000;
      guint8 *ref = put_entry (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF, EXIF_FORMAT_BYTE, 1);

      ref[0] = meta->altitude < 0 ? 1 : 0;
      put_rationals (ed, EXIF_TAG_GPS_ALTITUDE, &num, &den, 1);
    }

  if (isfinite (meta->direction))
    {
      guint32 num = (guint32)llround (fmod (fmod (meta->direction, 360) + 360, 360) * 100);
      guint32 den = 100;

      put_ascii (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_IMG_DIRECTION_REF, "T");
      put_rationals (ed, EXIF_TAG_GPS_IMG_DIRECTION, &num, &den, 1);
    }

  if (meta->has_gps_time)
    {
      gint64 s = floor_div (meta->gps_time_ms, 1000);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *date = dt != NULL ? g_date_time_format (dt, "%Y:%m:%d") : NULL;

      if (date != NULL)
        {
          gint64 ms_of_day = meta->gps_time_ms - floor_div (s, 86400) * 86400 * 1000;
          guint32 nums[3] = { (guint32)(ms_of_day / 3600000), (guint32)(ms_of_day / 60000 % 60),
                              (guint32)(ms_of_day % 60000) };
          guint32 dens[3] = { 1, 1, 1000 };

          put_rationals (ed, EXIF_TAG_GPS_TIME_STAMP, nums, dens, 3);
          put_ascii (ed, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP, date);
        }
    }

  if (meta->has_time)
    {
      g_autoptr(GDateTime) wall = g_date_time_new_from_unix_utc (meta->local_time_s);
      g_autofree char *text = wall != NULL ? g_date_time_format (wall, "%Y:%m:%d %H:%M:%S")
                                           : NULL;

      if (text != NULL)
        {
          put_ascii (ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, text);
          if (meta->subsec_ms > 0)
            {
              char subsec[8];
              g_snprintf (subsec, sizeof subsec, "%03d", meta->subsec_ms);
              put_ascii (ed, EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, subsec);
            }
        }
      if (meta->has_offset)
        {
          int off = ABS (meta->offset_s);
          char offset[8];

          g_snprintf (offset, sizeof offset, "%c%02d:%02d", meta->offset_s < 0 ? '-' : '+',
                      off / 3600, off / 60 % 60);
          put_ascii (ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, offset);
        }
    }

  /* A new Exif IFD needs its version to be read as Exif at all. */
  if (ed->ifd[EXIF_IFD_EXIF]->count > 0
      && exif_content_get_entry (ed->ifd[EXIF_IFD_EXIF], EXIF_TAG_EXIF_VERSION) == NULL)
    memcpy (put_entry (ed, EXIF_IFD_EXIF, EXIF_TAG_EXIF_VERSION, EXIF_FORMAT_UNDEFINED, 4),
            "0232", 4);
  (void)order;
}

GPtrArray *
xuncha_photo_meta_write (const XunchaPhotoMeta  *meta,
                         XunchaJpeg             *jpeg,
                         GError                **error)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(ExifData) ed = NULL;
  unsigned char *out = NULL;
  unsigned int out_len = 0;
  GPtrArray *pieces;

  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (jpeg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  payload = xuncha_jpeg_get_exif (jpeg);
  if (payload != NULL)
    ed = load_exif (payload);
  else
    {
      ed = exif_data_new ();
      if (ed != NULL)
        {
          exif_data_unset_option (ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
          exif_data_set_byte_order (ed, EXIF_BYTE_ORDER_INTEL);
        }
    }
  if (ed == NULL)
    {
      g_set_error (error, XUNCHA_PHOTO_META_ERROR, XUNCHA_PHOTO_META_ERROR_WRITE,
                   _("Not enough memory to write the photo information."));
      return NULL;
    }

  apply (meta, ed);
  exif_data_save_data (ed, &out, &out_len);
  if (out != NULL && out_len > MAX_EXIF_PAYLOAD && ed->data != NULL)
    {
      /* Too big for one segment: drop the embedded preview, keep every tag. */
      free (out);
      out = NULL;
      free (ed->data);
      ed->data = NULL;
      ed->size = 0;
      exif_data_save_data (ed, &out, &out_len);
    }
  if (out == NULL || out_len == 0)
    {
      free (out);
      g_set_error (error, XUNCHA_PHOTO_META_ERROR, XUNCHA_PHOTO_META_ERROR_WRITE,
                   _("The photo information could not be written."));
      return NULL;
    }
  pieces = xuncha_jpeg_replace_exif (jpeg, out, out_len, error);
  free (out);
  return pieces;
}
