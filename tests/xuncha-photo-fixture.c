/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "xuncha-photo-fixture.h"

GBytes *
photo_fixture_image (int   width,
                     int   height,
                     guint seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *buffer = NULL;
  gsize size = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        guint noise = g_rand_int (rand);
        p[0] = (guint8)(x * 255 / MAX (width, 1)) ^ (noise & 0x3f);
        p[1] = (guint8)(y * 255 / MAX (height, 1)) ^ ((noise >> 8) & 0x3f);
        p[2] = (guint8)(seed * 37 + ((noise >> 16) & 0x3f));
      }
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "90", NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

typedef struct
{
  guint16  tag;
  guint16  type;
  guint32  count;
  GBytes  *value;   /* already in the file's byte order */
} Entry;

struct _FixtureExif
{
  gboolean  big_endian;
  GArray   *ifds[3];   /* Entry */
};

static void
clear_entry (Entry *e)
{
  g_bytes_unref (e->value);
}

FixtureExif *
photo_fixture_exif_new (gboolean big_endian)
{
  FixtureExif *exif = g_new0 (FixtureExif, 1);

  exif->big_endian = big_endian;
  for (guint i = 0; i < 3; i++)
    {
      exif->ifds[i] = g_array_new (FALSE, FALSE, sizeof (Entry));
      g_array_set_clear_func (exif->ifds[i], (GDestroyNotify)clear_entry);
    }
  return exif;
}

void
photo_fixture_exif_free (FixtureExif *exif)
{
  for (guint i = 0; i < 3; i++)
    g_array_unref (exif->ifds[i]);
  g_free (exif);
}

static void
put16 (FixtureExif *exif,
       guint8      *p,
       guint16      v)
{
  if (exif->big_endian)
    p[0] = v >> 8, p[1] = v & 0xff;
  else
    p[0] = v & 0xff, p[1] = v >> 8;
}

static void
put32 (FixtureExif *exif,
       guint8      *p,
       guint32      v)
{
  if (exif->big_endian)
    p[0] = v >> 24, p[1] = (v >> 16) & 0xff, p[2] = (v >> 8) & 0xff, p[3] = v & 0xff;
  else
    p[0] = v & 0xff, p[1] = (v >> 8) & 0xff, p[2] = (v >> 16) & 0xff, p[3] = v >> 24;
}

static void
add_entry (FixtureExif *exif,
           FixtureIfd   ifd,
           guint16      tag,
           guint16      type,
           guint32      count,
           GBytes      *value)
{
  Entry e = { tag, type, count, value };
  g_array_append_val (exif->ifds[ifd], e);
}

void
photo_fixture_exif_ascii (FixtureExif *exif,
                          FixtureIfd   ifd,
                          guint16      tag,
                          const char  *text)
{
  add_entry (exif, ifd, tag, 2, strlen (text) + 1, g_bytes_new (text, strlen (text) + 1));
}

void
photo_fixture_exif_rationals (FixtureExif   *exif,
                              FixtureIfd     ifd,
                              guint16        tag,
                              const guint32 *pairs,
                              guint          n)
{
  guint8 *data = g_malloc0 (MAX (8 * n, 1));

  for (guint i = 0; i < n; i++)
    {
      put32 (exif, data + 8 * i, pairs[2 * i]);
      put32 (exif, data + 8 * i + 4, pairs[2 * i + 1]);
    }
  add_entry (exif, ifd, tag, 5, n, g_bytes_new_take (data, 8 * n));
}

void
photo_fixture_exif_byte (FixtureExif *exif,
                         FixtureIfd   ifd,
                         guint16      tag,
                         guint8       value)
{
  add_entry (exif, ifd, tag, 1, 1, g_bytes_new (&value, 1));
}

void
photo_fixture_exif_gps (FixtureExif *exif,
                        double       lat,
                        double       lon)
{
  double v[2] = { fabs (lat), fabs (lon) };
  guint16 tags[2] = { 2, 4 };

  photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 1, lat < 0 ? "S" : "N");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_GPS, 3, lon < 0 ? "W" : "E");
  for (guint i = 0; i < 2; i++)
    {
      guint64 total = (guint64)llround (v[i] * 3600 * 10000);
      guint32 pairs[6] = { (guint32)(total / 36000000), 1, (guint32)(total / 600000 % 60), 1,
                           (guint32)(total % 600000), 10000 };
      photo_fixture_exif_rationals (exif, FIXTURE_IFD_GPS, tags[i], pairs, 3);
    }
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return (int)((const Entry *)a)->tag - (int)((const Entry *)b)->tag;
}

/* Size of one IFD with its out-of-line values. */
static gsize
ifd_size (GArray *entries,
          guint   extra)
{
  gsize size = 2 + 12 * (entries->len + extra) + 4;

  for (guint i = 0; i < entries->len; i++)
    {
      gsize len = g_bytes_get_size (g_array_index (entries, Entry, i).value);
      if (len > 4)
        size += len + (len & 1);
    }
  return size;
}

static void
write_ifd (FixtureExif *exif,
           guint8      *tiff,
           gsize        offset,
           GArray      *entries)
{
  guint8 *p = tiff + offset;
  gsize data = offset + 2 + 12 * entries->len + 4;

  put16 (exif, p, entries->len);
  p += 2;
  for (guint i = 0; i < entries->len; i++, p += 12)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      gsize len;
      const guint8 *value = g_bytes_get_data (e->value, &len);

      put16 (exif, p, e->tag);
      put16 (exif, p + 2, e->type);
      put32 (exif, p + 4, e->count);
      memset (p + 8, 0, 4);
      if (len <= 4)
        memcpy (p + 8, value, len);
      else
        {
          put32 (exif, p + 8, data);
          memcpy (tiff + data, value, len);
          data += len + (len & 1);
        }
    }
  put32 (exif, p, 0);
}

static GBytes *
pointer_value (FixtureExif *exif,
               guint32      offset)
{
  guint8 v[4];
  put32 (exif, v, offset);
  return g_bytes_new (v, 4);
}

GBytes *
photo_fixture_exif_finish (FixtureExif *exif)
{
  GArray *ifd0 = exif->ifds[FIXTURE_IFD_0];
  gboolean has_exif = exif->ifds[FIXTURE_IFD_EXIF]->len > 0;
  gboolean has_gps = exif->ifds[FIXTURE_IFD_GPS]->len > 0;
  gsize ifd0_off = 8;
  gsize ifd0_len = ifd_size (ifd0, has_exif + has_gps);
  gsize exif_off = ifd0_off + ifd0_len;
  gsize gps_off = exif_off + (has_exif ? ifd_size (exif->ifds[FIXTURE_IFD_EXIF], 0) : 0);
  gsize total = gps_off + (has_gps ? ifd_size (exif->ifds[FIXTURE_IFD_GPS], 0) : 0);
  guint8 *out = g_malloc0 (6 + total);
  guint8 *tiff = out + 6;

  memcpy (out, "Exif\0\0", 6);
  if (has_exif)
    add_entry (exif, FIXTURE_IFD_0, 0x8769, 4, 1, pointer_value (exif, exif_off));
  if (has_gps)
    add_entry (exif, FIXTURE_IFD_0, 0x8825, 4, 1, pointer_value (exif, gps_off));
  for (guint i = 0; i < 3; i++)
    g_array_sort (exif->ifds[i], compare_entries);

  tiff[0] = tiff[1] = exif->big_endian ? 'M' : 'I';
  put16 (exif, tiff + 2, 42);
  put32 (exif, tiff + 4, ifd0_off);
  write_ifd (exif, tiff, ifd0_off, ifd0);
  if (has_exif)
    write_ifd (exif, tiff, exif_off, exif->ifds[FIXTURE_IFD_EXIF]);
  if (has_gps)
    write_ifd (exif, tiff, gps_off, exif->ifds[FIXTURE_IFD_GPS]);
  return g_bytes_new_take (out, 6 + total);
}

GBytes *
photo_fixture_segment (guint8      marker,
                       const void *payload,
                       gsize       len)
{
  guint8 *out = g_malloc (len + 4);

  g_assert_cmpuint (len + 2, <=, 0xffff);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = (len + 2) >> 8;
  out[3] = (len + 2) & 0xff;
  memcpy (out + 4, payload, len);
  return g_bytes_new_take (out, len + 4);
}

GBytes *
photo_fixture_insert (GBytes   *image,
                      gboolean  after_jfif,
                      ...)
{
  GByteArray *out = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (image, &size);
  gsize cut = 2;
  va_list args;
  GBytes *segment;

  if (after_jfif && size > 6 && data[2] == 0xff && data[3] == 0xe0)
    cut = 4 + ((data[4] << 8) | data[5]);
  g_byte_array_append (out, data, cut);
  va_start (args, after_jfif);
  while ((segment = va_arg (args, GBytes *)) != NULL)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (segment, &len);
      g_byte_array_append (out, p, len);
    }
  va_end (args);
  g_byte_array_append (out, data + cut, size - cut);
  return g_byte_array_free_to_bytes (out);
}

char *
photo_fixture_write (const char *dir,
                     const char *name,
                     GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}
