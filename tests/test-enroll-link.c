/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The enrollment link of the sheet's QR codes (docs/protocol.md, Enrollment link): what the
 * office writes the device reads back, and anything else is refused, naming what is
 * wrong. */
#include "config.h"

#include <string.h>

#include "xuncha-enroll-link.h"

#define SERVER "https://office.example:8443/xuncha/"
#define PIN    "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define PIN2   "sha256//aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="
#define LINK   "xuncha-enroll:?v=1&server=https%3A%2F%2Foffice.example%3A8443%2Fxuncha%2F" \
               "&officer=A001&code=K3PD-9QXA-7MTC"

static void
test_round_trip (void)
{
  const char *pins[] = { PIN, PIN2, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *joined = NULL;
  g_autoptr(XunchaEnrollLink) link = NULL;

  text = xuncha_enroll_link_encode (SERVER, "城管-07", "K3PD-9QXA-7MTC", pins, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "xuncha-enroll:?v=1&server=https%3A%2F%2F"));
  /* Bytes a QR code carries as they are: printable ASCII only. */
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true (*p > 0x20 && *p < 0x7f);

  link = xuncha_enroll_link_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link->server, ==, SERVER);
  g_assert_cmpstr (link->officer, ==, "城管-07");
  g_assert_cmpstr (link->code, ==, "K3PD-9QXA-7MTC");
  g_assert_cmpuint (g_strv_length (link->pins), ==, 2);
  joined = xuncha_enroll_link_dup_pins (link);
  g_assert_cmpstr (joined, ==, PIN ";" PIN2);
}

static void
test_plain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollLink) link = xuncha_enroll_link_parse (LINK, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (link->server, ==, SERVER);
  g_assert_cmpstr (link->officer, ==, "A001");
  g_assert_null (link->pins);
  g_assert_null (xuncha_enroll_link_dup_pins (link));
}

/* The link cut short by its length: only @length bytes are read. */
static void
test_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollLink) link = NULL;
  g_autofree char *padded = g_strconcat (LINK, "&officer=B002", NULL);

  link = xuncha_enroll_link_parse (padded, strlen (LINK), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link->officer, ==, "A001");
}

typedef struct
{
  const char *text;
  int         code;
  const char *says;   /* a part of the message: the member named */
} Refused;

static const Refused refused[] = {
  { "", XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK, "xuncha-enroll:?" },
  { "https://office.example/", XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK, "xuncha-enroll:?" },
  { "xuncha-enroll:v=1", XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK, "xuncha-enroll:?" },
  { "xuncha-enroll:?", XUNCHA_ENROLL_LINK_ERROR_INVALID, "without a name" },
  { LINK "&", XUNCHA_ENROLL_LINK_ERROR_INVALID, "without a name" },
  { LINK "&team=T1", XUNCHA_ENROLL_LINK_ERROR_INVALID, "“team”" },
  { LINK "&Code=X", XUNCHA_ENROLL_LINK_ERROR_INVALID, "“Code”" },
  { LINK "&code=ABCD", XUNCHA_ENROLL_LINK_ERROR_INVALID, "“code” twice" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A001",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "lacks “code”" },
  { "xuncha-enroll:?server=https%3A%2F%2Fo.example%2F&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "lacks “v”" },
  { "xuncha-enroll:?v=2&server=https%3A%2F%2Fo.example%2F&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_VERSION, "version 2" },
  /* Only https, with a host, and nothing the base URL cannot carry. */
  { "xuncha-enroll:?v=1&server=http%3A%2F%2Fo.example%2F&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“server”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2F%2Fx&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“server”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fu%40o.example%2F&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“server”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F%3Fa%3D1&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“server”" },
  { "xuncha-enroll:?v=1&server=https://o.example/&officer=A001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“server”" },
  /* The code's own alphabet, and escapes that break. */
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A001&code=k3pd",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“code”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A001&code=AB%2",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“code”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A001&code=AB%zz",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“code”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A0%0001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A%20001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=%E5%9F&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A 001&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  { "xuncha-enroll:?v=1&server=https%3A%2F%2Fo.example%2F&officer=A001\n&code=AB",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“officer”" },
  /* Pins: sha256// and a SHA-256, four at most. */
  { LINK "&pin=sha256%2F%2Fabc%3D", XUNCHA_ENROLL_LINK_ERROR_INVALID, "“pin”" },
  { LINK "&pin=md5%2F%2F47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“pin”" },
  { LINK "&pin=sha256%2F%2F47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSu%3D%3D%3D%3D",
    XUNCHA_ENROLL_LINK_ERROR_INVALID, "“pin”" },
};

static void
test_refused (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XunchaEnrollLink) link = xuncha_enroll_link_parse (refused[i].text, -1,
                                                                   &error);

      if (link != NULL)
        g_error ("accepted: %s", refused[i].text);
      g_assert_error (error, XUNCHA_ENROLL_LINK_ERROR, refused[i].code);
      if (strstr (error->message, refused[i].says) == NULL)
        g_error ("%s: “%s” does not say %s", refused[i].text, error->message, refused[i].says);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) pins = g_string_new (LINK);
  g_autoptr(GString) long_server = g_string_new ("https://o.example/");
  g_autofree char *long_officer = g_strnfill (65, 'A');
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollLink) link = NULL;
  g_autofree char *text = NULL;
  g_autofree char *huge = g_strnfill (XUNCHA_ENROLL_LINK_MAX_BYTES + 1, 'A');

  for (guint i = 0; i <= XUNCHA_ENROLL_LINK_MAX_PINS; i++)
    g_string_append (pins, "&pin=sha256%2F%2F47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D");
  link = xuncha_enroll_link_parse (pins->str, -1, &error);
  g_assert_null (link);
  g_assert_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "more than 4"));
  g_clear_error (&error);

  memcpy (huge, LINK, strlen (LINK));
  link = xuncha_enroll_link_parse (huge, -1, &error);
  g_assert_null (link);
  g_assert_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK);
  g_clear_error (&error);

  /* The encoder refuses what the reader would. */
  text = xuncha_enroll_link_encode (SERVER, long_officer, "AB", NULL, &error);
  g_assert_null (text);
  g_assert_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“officer”"));
  g_clear_error (&error);
  while (long_server->len <= 512)
    g_string_append (long_server, "x");
  text = xuncha_enroll_link_encode (long_server->str, "A001", "AB", NULL, &error);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "“server”"));
  g_clear_error (&error);
  text = xuncha_enroll_link_encode ("http://o.example/", "A001", "AB", NULL, &error);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "“server”"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/enroll-link/round-trip", test_round_trip);
  g_test_add_func ("/enroll-link/plain", test_plain);
  g_test_add_func ("/enroll-link/length", test_length);
  g_test_add_func ("/enroll-link/refused", test_refused);
  g_test_add_func ("/enroll-link/limits", test_limits);

  return g_test_run ();
}
