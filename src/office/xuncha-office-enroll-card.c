/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <qrencode.h>
#include <string.h>

#include "xuncha-enroll-link.h"
#include "xuncha-office-enroll-card.h"

/* White modules around a QR code, as ISO/IEC 18004 asks for reliable reading. */
#define QUIET_ZONE 4

/* The pin of @certificate_file's key (the first certificate in the PEM file): the base64 of
 * the SHA-256 of its SubjectPublicKeyInfo, as libcurl's CURLOPT_PINNEDPUBLICKEY. */
static char *
certificate_pin (const char  *certificate_file,
                 GError     **error)
{
  g_autofree char *pem = NULL;
  gsize pem_length = 0;
  BIO *bio;
  X509 *certificate;
  unsigned char *der = NULL;
  int der_length;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *base64 = NULL;

  if (!g_file_get_contents (certificate_file, &pem, &pem_length, error))
    return NULL;
  bio = BIO_new_mem_buf (pem, (int)MIN (pem_length, (gsize)G_MAXINT));
  certificate = bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  der_length = certificate != NULL
               ? i2d_PUBKEY (X509_get0_pubkey (certificate), &der) : -1;
  X509_free (certificate);
  if (der_length <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds no certificate (PEM) whose key could be read."),
                   certificate_file);
      return NULL;
    }
  g_checksum_update (checksum, der, (gssize)der_length);
  OPENSSL_free (der);
  g_checksum_get_digest (checksum, digest, &digest_length);
  base64 = g_base64_encode (digest, digest_length);
  return g_strconcat ("sha256//", base64, NULL);
}

/* @text as a QR code in SVG: one path of dark modules, each row's runs as rectangles,
 * within the quiet zone; sized by the page's CSS. */
static char *
qr_svg (const char  *text,
        GError     **error)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  GString *svg;
  int size;

  if (code == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The QR code could not be made: %s"), g_strerror (errno));
      return NULL;
    }
  size = code->width + 2 * QUIET_ZONE;
  svg = g_string_new (NULL);
  g_string_append_printf (svg, "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" "
                               "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" "
                               "role=\"img\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                               "<path fill=\"#000\" d=\"",
                          size, size, size, size);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width;)
      {
        int run = 0;

        /* Bit 0 of each byte: a dark module. */
        while (x + run < code->width && (code->data[y * code->width + x + run] & 1))
          run++;
        if (run > 0)
          g_string_append_printf (svg, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run,
                                  run);
        x += MAX (run, 1);
      }
  g_string_append (svg, "\"/></svg>");
  QRcode_free (code);
  return g_string_free (svg, FALSE);
}

static void
append_text (GString    *html,
             const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (html, escaped);
}

char *
xuncha_office_enroll_card_pin (const char  *certificate_file,
                               GError     **error)
{
  g_return_val_if_fail (certificate_file != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return certificate_pin (certificate_file, error);
}

gboolean
xuncha_office_enroll_card_append (GString                  *html,
                                  const char               *server,
                                  const char               *pin,
                                  const XunchaWireOfficer  *officer,
                                  const char               *code,
                                  const char               *team_text,
                                  const char               *note,
                                  GError                  **error)
{
  const char *pins[] = { pin, NULL };
  g_autofree char *link = NULL, *svg = NULL, *who = NULL;

  g_return_val_if_fail (html != NULL && server != NULL && officer != NULL, FALSE);
  g_return_val_if_fail (code != NULL && note != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  link = xuncha_enroll_link_encode (server, officer->id, code, pin != NULL ? pins : NULL,
                                    error);
  if (link == NULL)
    return FALSE;
  svg = qr_svg (link, error);
  memset (link, 0, strlen (link));
  if (svg == NULL)
    return FALSE;
  g_string_append (html, "<section class=\"card\"><div class=\"who\">");
  who = g_strcmp0 (officer->name, officer->id) != 0
        ? g_strdup_printf ("%s · %s", officer->id, officer->name)
        : g_strdup (officer->id);
  append_text (html, who);
  if (team_text != NULL)
    {
      g_string_append (html, "<div class=\"team\">");
      append_text (html, team_text);
      g_string_append (html, "</div>");
    }
  g_string_append (html, "</div>");
  g_string_append (html, svg);
  g_string_append (html, "<div class=\"code\">");
  append_text (html, code);
  g_string_append (html, "</div><div class=\"server\">");
  append_text (html, server);
  g_string_append (html, "</div><div class=\"note\">");
  append_text (html, note);
  g_string_append (html, "</div></section>");
  return TRUE;
}
