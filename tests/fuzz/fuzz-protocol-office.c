/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the office reads from a device: enrollment, report, shift and point bodies. A report
 * that decodes is valid, and its canonical encoding decodes to the same content. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"

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
  const char *text = (const char *)data;
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(XunchaWireShift) shift = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *officer = NULL, *code = NULL, *device = NULL;

  report = xuncha_wire_report_decode (text, size, NULL);
  if (report != NULL)
    {
      g_autofree char *encoded = xuncha_wire_report_encode (report);
      g_autoptr(XunchaWireReport) again = xuncha_wire_report_decode (encoded, -1, NULL);
      g_autofree char *first = xuncha_wire_report_content_sha256 (report);
      g_autofree char *second = NULL;

      XUNCHA_FUZZ_CHECK (xuncha_wire_report_validate (report, NULL));
      XUNCHA_FUZZ_CHECK (again != NULL);
      second = xuncha_wire_report_content_sha256 (again);
      XUNCHA_FUZZ_CHECK (g_strcmp0 (first, second) == 0);
    }

  shift = xuncha_wire_shift_decode (text, size, NULL);
  if (shift != NULL)
    {
      g_autofree char *encoded = xuncha_wire_shift_encode (shift);
      g_autoptr(XunchaWireShift) again = xuncha_wire_shift_decode (encoded, -1, NULL);
      XUNCHA_FUZZ_CHECK (again != NULL);
    }

  points = xuncha_wire_points_decode (text, size, NULL);
  xuncha_protocol_decode_enroll (text, size, &officer, &code, &device, NULL);
  return 0;
}
