/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a device reads from an office (or from whatever answers in its place): errors,
 * enrollment, me, the office's generation, receipts, photo and point acknowledgements, street, merchant and status
 * deltas. Nothing may crash, leak or accept a malformed answer as well-formed. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-delta.h"
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
  static const XunchaWireDeltaKind kinds[] = {
    XUNCHA_WIRE_DELTA_STREETS, XUNCHA_WIRE_DELTA_MERCHANTS, XUNCHA_WIRE_DELTA_STATUS,
  };

  {
    g_autofree char *code = NULL, *message = NULL;
    g_auto(GStrv) missing = NULL;
    xuncha_protocol_decode_error (text, size, &code, &message, &missing);
  }
  {
    g_autofree char *token = NULL;
    g_auto(XunchaWireOfficer) officer = { 0 };
    if (xuncha_protocol_decode_enrolled (text, size, &token, &officer, NULL))
      XUNCHA_FUZZ_CHECK (token != NULL);
  }
  {
    g_auto(XunchaWireOfficer) officer = { 0 };
    g_auto(GStrv) streets = NULL;
    g_autofree char *time = NULL;
    gint64 photo_max = 0, body_max = 0;
    xuncha_protocol_decode_me (text, size, &officer, &streets, &time, &photo_max, &body_max,
                               NULL);
  }
  {
    g_autofree char *generation = NULL;

    if (xuncha_protocol_decode_generation (text, size, &generation, NULL))
      XUNCHA_FUZZ_CHECK (generation != NULL && *generation != '\0');
  }
  {
    g_autofree char *id = NULL, *received = NULL, *content = NULL;
    xuncha_protocol_decode_receipt (text, size, &id, &received, &content, NULL);
  }
  {
    g_autofree char *sha = NULL, *received = NULL;
    gint64 bytes = 0;
    xuncha_protocol_decode_photo_ack (text, size, &sha, &bytes, &received, NULL);
  }
  {
    gint64 stored = 0, points = 0;
    xuncha_wire_points_ack_decode (text, size, &stored, &points, NULL);
  }
  {
    g_autofree char *uuid = NULL;
    gint64 points = 0;
    xuncha_wire_shift_ack_decode (text, size, &uuid, &points, NULL);
  }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(XunchaWireDelta) delta = xuncha_wire_delta_decode (kinds[i], text, size, NULL);
      (void)delta;
    }
  return 0;
}
