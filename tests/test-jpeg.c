/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-test-util.h"

static GBytes *
xmp_segment (void)
{
  static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
                            "<rdf:RDF/></x:xmpmeta>";
  return photo_fixture_segment (0xe1, xmp, sizeof xmp);
}

static GBytes *
icc_segment (void)
{
  guint8 icc[64] = "ICC_PROFILE\0\1\1";

  for (guint i = 14; i < sizeof icc; i++)
    icc[i] = (guint8)(i * 7);
  return photo_fixture_segment (0xe2, icc, sizeof icc);
}

static GBytes *
old_exif_segment (void)
{
  g_autoptr(FixtureExif) exif = photo_fixture_exif_new (TRUE);
  g_autoptr(GBytes) payload = NULL;
  gsize len;
  const guint8 *data;

  photo_fixture_exif_ascii (exif, FIXTURE_IFD_0, 0x010f, "Fixture Camera");
  photo_fixture_exif_ascii (exif, FIXTURE_IFD_EXIF, 0x9003, "2024:05:01 10:20:30");
  payload = photo_fixture_exif_finish (exif);
  data = g_bytes_get_data (payload, &len);
  return photo_fixture_segment (0xe1, data, len);
}

/* Every segment except the Exif APP1, and everything after the headers, as one list of
 * byte strings in file order. */
static GPtrArray *
non_exif_parts (GBytes *file)
{
  g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (file, "part", NULL);
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  gsize end = 2;

  g_assert_nonnull (jpeg);
  for (guint i = 0; i < xuncha_jpeg_get_n_segments (jpeg); i++)
    {
      guint8 marker;
      gsize offset, length;
      const guint8 *data = g_bytes_get_data (file, NULL);

      xuncha_jpeg_get_segment (jpeg, i, &marker, &offset, &length);
      end = offset + length;
      if (marker == 0xe1 && memcmp (data + offset + 4, "Exif\0\0", 6) == 0)
        continue;
      g_ptr_array_add (parts, g_bytes_new_from_bytes (file, offset, length));
    }
  g_ptr_array_add (parts, g_bytes_new_from_bytes (file, end, g_bytes_get_size (file) - end));
  return parts;
}

static void
assert_same_parts (GBytes *before,
                   GBytes *after)
{
  g_autoptr(GPtrArray) a = non_exif_parts (before);
  g_autoptr(GPtrArray) b = non_exif_parts (after);

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (g_bytes_equal (a->pdata[i], b->pdata[i]));
}

static void
test_not_jpeg (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello world, not a photo", 24);
  g_autoptr(XunchaJpeg) jpeg = NULL;

  jpeg = xuncha_jpeg_new (empty, "empty.jpg", &error);
  g_assert_null (jpeg);
  g_assert_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NOT_JPEG);
  g_assert_nonnull (strstr (error->message, "empty.jpg"));
  g_clear_error (&error);

  jpeg = xuncha_jpeg_new (text, "notes.txt", &error);
  g_assert_null (jpeg);
  g_assert_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NOT_JPEG);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
}

static void
test_truncated_everywhere (void)
{
  g_autoptr(GBytes) image = photo_fixture_image (40, 30, 1);
  g_autoptr(GBytes) xmp = xmp_segment ();
  g_autoptr(GBytes) exif = old_exif_segment ();
  g_autoptr(GBytes) full = photo_fixture_insert (image, TRUE, exif, xmp, NULL);
  g_autoptr(XunchaJpeg) whole = xuncha_jpeg_new (full, "whole.jpg", NULL);
  gsize size = g_bytes_get_size (full);

  g_assert_nonnull (whole);
  g_assert_true (xuncha_jpeg_check_image (whole, NULL));

  /* Every prefix of a complete file is refused, either while walking the headers or by the
   * image check: a photo cut short by a crash or a bad copy is never stored. */
  for (gsize cut = 0; cut < size - 1; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (full, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (part, "cut.jpg", &error);

      if (jpeg != NULL)
        g_assert_false (xuncha_jpeg_check_image (jpeg, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "cut.jpg"));
    }
}

static void
test_no_image (void)
{
  static const guint8 headers_only[] = { 0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 'h', 'i',
                                         0xff, 0xd9 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (headers_only, sizeof headers_only);
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (bytes, "headers.jpg", &error);

  g_assert_no_error (error);
  g_assert_false (xuncha_jpeg_check_image (jpeg, &error));
  g_assert_error (error, XUNCHA_JPEG_ERROR, XUNCHA_JPEG_ERROR_NO_IMAGE);
}

static void
test_size (void)
{
  g_autoptr(GBytes) image = photo_fixture_image (123, 45, 2);
  g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (image, "size.jpg", NULL);
  int w = 0, h = 0;

  g_assert_true (xuncha_jpeg_get_size (jpeg, &w, &h));
  g_assert_cmpint (w, ==, 123);
  g_assert_cmpint (h, ==, 45);
  g_assert_null (xuncha_jpeg_get_exif (jpeg));
}

static void
test_insert_keeps_other_segments (void)
{
  static const char comment[] = "a comment that must survive";
  g_autoptr(GBytes) image = photo_fixture_image (64, 48, 3);
  g_autoptr(GBytes) xmp = xmp_segment ();
  g_autoptr(GBytes) icc = icc_segment ();
  g_autoptr(GBytes) com = photo_fixture_segment (0xfe, comment, sizeof comment);
  g_autoptr(GBytes) file = photo_fixture_insert (image, TRUE, xmp, icc, com, NULL);
  g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (file, "plain.jpg", NULL);
  g_autoptr(XunchaJpeg) again = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) exif = NULL;
  const guint8 *data;
  guint8 marker;

  g_assert_null (xuncha_jpeg_get_exif (jpeg));
  out = xuncha_jpeg_replace_exif_bytes (jpeg, (const guint8 *)"Exif\0\0MM\0\x2a\0\0\0\x08\0\0",
                                        16, NULL);
  g_assert_nonnull (out);
  assert_same_parts (file, out);

  /* Inserted right after the JFIF APP0, which must stay first. */
  again = xuncha_jpeg_new (out, "out.jpg", NULL);
  xuncha_jpeg_get_segment (again, 0, &marker, NULL, NULL);
  g_assert_cmpint (marker, ==, 0xe0);
  xuncha_jpeg_get_segment (again, 1, &marker, NULL, NULL);
  g_assert_cmpint (marker, ==, 0xe1);
  exif = xuncha_jpeg_get_exif (again);
  g_assert_nonnull (exif);
  data = g_bytes_get_data (exif, NULL);
  g_assert_cmpmem (data, 6, "Exif\0\0", 6);
  g_assert_true (xuncha_jpeg_check_image (again, NULL));
}

static void
test_replace_after_xmp (void)
{
  g_autoptr(GBytes) image = photo_fixture_image (64, 48, 4);
  g_autoptr(GBytes) xmp = xmp_segment ();
  g_autoptr(GBytes) exif = old_exif_segment ();
  g_autoptr(GBytes) icc = icc_segment ();
  /* XMP first, then Exif: readers that only look at the first APP1 miss the Exif. */
  g_autoptr(GBytes) file = photo_fixture_insert (image, TRUE, xmp, exif, icc, NULL);
  g_autoptr(XunchaJpeg) jpeg = xuncha_jpeg_new (file, "xmp-first.jpg", NULL);
  g_autoptr(XunchaJpeg) again = NULL;
  g_autoptr(GBytes) found = xuncha_jpeg_get_exif (jpeg);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) replaced = NULL;
  guint8 marker;
  gsize offset, length, xmp_offset;

  g_assert_nonnull (found);
  g_assert_cmpuint (g_bytes_get_size (found), ==, g_bytes_get_size (exif) - 4);

  out = xuncha_jpeg_replace_exif_bytes (jpeg, (const guint8 *)"Exif\0\0II\x2a\0\x08\0\0\0\0\0",
                                        16, NULL);
  assert_same_parts (file, out);
  again = xuncha_jpeg_new (out, "out.jpg", NULL);
  /* Replaced in place: still after the XMP. */
  xuncha_jpeg_get_segment (again, 1, &marker, &xmp_offset, &length);
  g_assert_cmpint (marker, ==, 0xe1);
  xuncha_jpeg_get_segment (again, 2, &marker, &offset, &length);
  g_assert_cmpint (marker, ==, 0xe1);
  g_assert_cmpuint (offset, >, xmp_offset);
  replaced = xuncha_jpeg_get_exif (again);
  g_assert_cmpuint (g_bytes_get_size (replaced), ==, 16);
  g_assert_cmpmem (g_bytes_get_data (replaced, NULL), 8, "Exif\0\0II", 8);
}

static void
test_real_xmp_before_exif (void)
{
  g_autofree char *path = xuncha_test_require_testdata ("photos/es_xmp_before_exif.jpg");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(XunchaJpeg) jpeg = NULL;
  g_autoptr(GBytes) exif = NULL;
  guint8 first_app1 = 0;
  gsize len;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  jpeg = xuncha_jpeg_new (bytes, path, NULL);
  g_assert_nonnull (jpeg);
  for (guint i = 0; i < xuncha_jpeg_get_n_segments (jpeg) && first_app1 == 0; i++)
    {
      guint8 marker;
      gsize offset;
      xuncha_jpeg_get_segment (jpeg, i, &marker, &offset, NULL);
      if (marker == 0xe1)
        first_app1 = ((const guint8 *)g_bytes_get_data (bytes, NULL))[offset + 4];
    }
  g_assert_cmpint (first_app1, ==, 'h');   /* http://ns.adobe.com/xap/1.0/ */
  exif = xuncha_jpeg_get_exif (jpeg);
  g_assert_nonnull (exif);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/jpeg/not-jpeg", test_not_jpeg);
  g_test_add_func ("/jpeg/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/jpeg/no-image", test_no_image);
  g_test_add_func ("/jpeg/size", test_size);
  g_test_add_func ("/jpeg/insert-keeps-other-segments", test_insert_keeps_other_segments);
  g_test_add_func ("/jpeg/replace-after-xmp", test_replace_after_xmp);
  g_test_add_func ("/jpeg/real-xmp-before-exif", test_real_xmp_before_exif);

  return g_test_run ();
}
