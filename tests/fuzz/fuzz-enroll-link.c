/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The enrollment link a device reads from a QR code or as typed. A link that is read is
 * within the limits, and its encoding reads back to the same values. */
#include "config.h"

#include <string.h>

#include "xuncha-enroll-link.h"
#include "xuncha-fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XunchaEnrollLink) link = NULL;
  g_autoptr(XunchaEnrollLink) again = NULL;
  g_autofree char *encoded = NULL, *pins = NULL, *pins_again = NULL;

  link = xuncha_enroll_link_parse ((const char *)data, (gssize)size, NULL);
  if (link == NULL)
    return 0;
  XUNCHA_FUZZ_CHECK (size <= XUNCHA_ENROLL_LINK_MAX_BYTES);
  XUNCHA_FUZZ_CHECK (g_ascii_strncasecmp (link->server, "https://", 8) == 0);
  XUNCHA_FUZZ_CHECK (strlen (link->officer) <= 64 && strlen (link->code) <= 64);
  XUNCHA_FUZZ_CHECK (link->pins == NULL
                     || g_strv_length (link->pins) <= XUNCHA_ENROLL_LINK_MAX_PINS);
  encoded = xuncha_enroll_link_encode (link->server, link->officer, link->code,
                                       (const char * const *)link->pins, NULL);
  XUNCHA_FUZZ_CHECK (encoded != NULL);
  again = xuncha_enroll_link_parse (encoded, -1, NULL);
  XUNCHA_FUZZ_CHECK (again != NULL);
  XUNCHA_FUZZ_CHECK (g_str_equal (again->server, link->server));
  XUNCHA_FUZZ_CHECK (g_str_equal (again->officer, link->officer));
  XUNCHA_FUZZ_CHECK (g_str_equal (again->code, link->code));
  pins = xuncha_enroll_link_dup_pins (link);
  pins_again = xuncha_enroll_link_dup_pins (again);
  XUNCHA_FUZZ_CHECK (g_strcmp0 (pins, pins_again) == 0);
  return 0;
}
