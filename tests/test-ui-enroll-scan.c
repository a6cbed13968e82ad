/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <qrencode.h>
#include <string.h>

#include "xuncha-application.h"
#include "xuncha-enroll-scan-window.h"
#include "xuncha-preferences-page-private.h"
#include "xuncha-qr-scanner.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-office.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

#define find_widget xuncha_ui_test_find_widget
#define template_child xuncha_ui_test_template_child
#define click xuncha_ui_test_click
#define wait_for(done, fx) xuncha_ui_test_wait_until (done (fx))

/* Enrolling by the office's card: the test camera shows a QR code (a PNG made here with
 * libqrencode), the app reads it, fills the address, officer ID and code, and enrolls
 * against a real xuncha-office over HTTPS, in Chinese at a phone's 360 × 720. A code that is
 * not a card's is said and changes nothing; a card whose pin is not the office's key is
 * refused by the pin. */

typedef struct
{
  XunchaApplication     *app;
  XunchaTestCerts       *certs;
  XunchaTestOffice      *office;
  char                  *office_dir;
  char                  *dir;         /* the cards' pictures */
  GSettings             *settings;
  XunchaWindow          *window;
  XunchaPreferencesPage *prefs;
} Fixture;

static gboolean
enroll_done (Fixture *fx)
{
  return !xuncha_preferences_page_is_enrolling (fx->prefs);
}

static gboolean
scan_refused (Fixture *fx)
{
  GtkWindow *window = xuncha_preferences_page_get_scan_window (fx->prefs);

  return window != NULL
         && xuncha_enroll_scan_window_get_error (XUNCHA_ENROLL_SCAN_WINDOW (window)) != NULL;
}

static gboolean
scan_closed (Fixture *fx)
{
  return xuncha_preferences_page_get_scan_window (fx->prefs) == NULL;
}

/* @text as a QR code in a PNG of @dir, as a card is photographed: black on white, a few
 * pixels a module, the quiet zone around it, on a grey table. */
static char *
qr_png (const char *dir,
        const char *name,
        const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  const int scale = 6, quiet = 4, margin = 120;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  int side;

  g_assert_nonnull (code);
  side = (code->width + 2 * quiet) * scale + 2 * margin;
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, side, side);
  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  for (int y = 0; y < (code->width + 2 * quiet) * scale; y++)
    for (int x = 0; x < (code->width + 2 * quiet) * scale; x++)
      {
        int mx = x / scale - quiet, my = y / scale - quiet;
        gboolean dark = mx >= 0 && my >= 0 && mx < code->width && my < code->width
                        && (code->data[my * code->width + mx] & 1);
        guchar *p = gdk_pixbuf_get_pixels (pixbuf)
                    + (y + margin) * gdk_pixbuf_get_rowstride (pixbuf) + (x + margin) * 3;

        p[0] = p[1] = p[2] = dark ? 0x10 : 0xf4;
      }
  QRcode_free (code);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
  return path;
}

/* Opens the scanner with the test camera showing @png; waits until it closed (a card read)
 * or, with @refused, until it says the code was refused. */
static void
scan (Fixture    *fx,
      const char *png,
      gboolean    refused,
      const char *screenshot)
{
  g_setenv ("XUNCHA_CAMERA", "test", TRUE);
  g_setenv ("XUNCHA_TEST_CAMERA_IMAGE", png, TRUE);
  click (xuncha_preferences_page_get_scan_button (fx->prefs));
  g_assert_nonnull (xuncha_preferences_page_get_scan_window (fx->prefs));
  if (refused)
    {
      GtkWindow *window = xuncha_preferences_page_get_scan_window (fx->prefs);

      wait_for (scan_refused, fx);
      xuncha_ui_test_wait_for_frames (GTK_WIDGET (window), 3);
      if (screenshot != NULL)
        g_free (xuncha_ui_test_screenshot (GTK_WIDGET (window), screenshot));
      gtk_window_close (window);
      wait_for (scan_closed, fx);
      return;
    }
  wait_for (scan_closed, fx);
}

static void
run_scan (Fixture *fx)
{
  g_autofree char *code = xuncha_test_office_add_officer (fx->office_dir, "A001", "T1", FALSE);
  g_autofree char *good = NULL, *wrong_pin = NULL, *other = NULL, *server = NULL;
  g_autofree char *good_png = NULL, *wrong_pin_png = NULL, *other_png = NULL, *spent = NULL;
  const char *pins[] = { fx->certs->server_pin, NULL };
  const char *other_pins[] = { fx->certs->other_pin, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollment) enrollment = NULL;
  GtkWidget *officer_row, *code_row, *button;

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  xuncha_window_show_page (fx->window, "preferences");
  fx->prefs = XUNCHA_PREFERENCES_PAGE (find_widget (GTK_WIDGET (fx->window),
                                                    XUNCHA_TYPE_PREFERENCES_PAGE));
  officer_row = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "officer_row");
  code_row = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "code_row");
  button = template_child (fx->prefs, XUNCHA_TYPE_PREFERENCES_PAGE, "enroll_button");
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 2);
  /* The office's own CA: the card's pin adds to the certificate check, it replaces none. */
  g_settings_set_string (fx->settings, "office-ca-file", fx->certs->ca);

  good = xuncha_enroll_link_encode (fx->office->url, "A001", code, pins, &error);
  g_assert_no_error (error);
  wrong_pin = xuncha_enroll_link_encode (fx->office->url, "A001", code, other_pins, &error);
  g_assert_no_error (error);
  good_png = qr_png (fx->dir, "card.png", good);
  wrong_pin_png = qr_png (fx->dir, "card-wrong-pin.png", wrong_pin);
  other_png = qr_png (fx->dir, "shop.png", "https://shop.example/pay?id=12345");

  /* A QR code that is not a card's: said under the picture, nothing filled in. */
  scan (fx, other_png, TRUE, "enroll-scan-refused");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (officer_row)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "");
  server = g_settings_get_string (fx->settings, "server-url");
  g_assert_cmpstr (server, ==, "");
  g_clear_pointer (&server, g_free);

  /* A card whose pin is not the office's key: filled in, and the enrollment refused by the
   * pin, next to the server address; the code is not spent. */
  scan (fx, wrong_pin_png, FALSE, NULL);
  server = g_settings_get_string (fx->settings, "server-url");
  g_assert_cmpstr (server, ==, fx->office->url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (officer_row)), ==, "A001");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, code);
  click (button);
  wait_for (enroll_done, fx);
  g_assert_false (xuncha_preferences_page_get_enrolled (fx->prefs));
  g_assert_true (xuncha_preferences_page_get_error_near_server (fx->prefs));
  spent = xuncha_test_office_query (fx->office_dir,
                                    "SELECT code_sha256 IS NOT NULL FROM officers WHERE id = $1",
                                    "A001");
  g_assert_true (g_strcmp0 (spent, "1") == 0 || g_strcmp0 (spent, "t") == 0);

  /* The right card: the fields are the card's, and the enrollment succeeds with its pin. */
  gtk_editable_set_text (GTK_EDITABLE (officer_row), "");
  gtk_editable_set_text (GTK_EDITABLE (code_row), "");
  scan (fx, good_png, FALSE, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (officer_row)), ==, "A001");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, code);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "enroll-scan-filled"));
  click (button);
  wait_for (enroll_done, fx);
  g_assert_null (xuncha_preferences_page_get_enroll_error (fx->prefs));
  g_assert_true (xuncha_preferences_page_get_enrolled (fx->prefs));
  enrollment = xuncha_enrollment_load (xuncha_application_get_store (fx->app));
  g_assert_nonnull (enrollment);
  g_assert_cmpstr (enrollment->officer, ==, "A001");
  g_assert_cmpstr (enrollment->server, ==, fx->office->url);
  g_assert_cmpstr (enrollment->pins, ==, fx->certs->server_pin);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), "enroll-scan-enrolled"));

}

static void
test_enroll_scan (void)
{
  Fixture fx = { 0 };

  if (!xuncha_ui_test_office_start (&fx.certs, &fx.office_dir, &fx.office))
    return;
  fx.dir = xuncha_test_make_tmpdir ();
  fx.settings = g_settings_new ("io.github.xuncha.Xuncha");
  xuncha_ui_test_run_app (&fx.app, (GSourceOnceFunc)run_scan, &fx);

  g_clear_object (&fx.settings);
  xuncha_ui_test_office_stop (&fx.office_dir, &fx.office);
  xuncha_test_remove_tree (fx.dir);
  g_free (fx.dir);
}

/* The decoder alone, on a grey image made here: the text of a QR code comes back as it
 * was, and an image without one gives none. */
static void
test_decode_gray (void)
{
  const char *text = "xuncha-enroll:?v=1&server=https%3A%2F%2Foffice.example%2F&officer=A001"
                     "&code=K3PD-9QXA-7MTC";
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  const int scale = 4, quiet = 4;
  int side = (code->width + 2 * quiet) * scale;
  g_autofree guint8 *gray = g_malloc ((gsize)side * side);
  g_auto(GStrv) found = NULL;
  g_auto(GStrv) none = NULL;

  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      {
        int mx = x / scale - quiet, my = y / scale - quiet;
        gboolean dark = mx >= 0 && my >= 0 && mx < code->width && my < code->width
                        && (code->data[my * code->width + mx] & 1);

        gray[y * side + x] = dark ? 0 : 255;
      }
  QRcode_free (code);
  found = xuncha_qr_scanner_decode_gray (gray, (guint)side, (guint)side);
  g_assert_cmpuint (g_strv_length (found), ==, 1);
  g_assert_cmpstr (found[0], ==, text);

  memset (gray, 200, (gsize)side * side);
  none = xuncha_qr_scanner_decode_gray (gray, (guint)side, (guint)side);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  /* In Chinese: the officers' language, and the taller words must fit at 360 px. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/enroll-scan/decode-gray", test_decode_gray);
  g_test_add_func ("/ui/enroll-scan/card-fills-and-enrolls", test_enroll_scan);

  return g_test_run ();
}
