/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Messages both ways: the messages delta and the read answer a device reads, the read body
 * the office reads. A message that decodes is valid, and its encoding decodes to the same
 * text. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-task.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

static void
check_round_trip (const XunchaWireMessage *message)
{
  g_autofree char *answer = xuncha_wire_message_encode_answer (message);
  g_autoptr(XunchaWireMessage) again = xuncha_wire_message_decode_answer (answer, -1, NULL);
  g_autofree char *encoded = xuncha_wire_message_encode (message);
  g_autofree char *encoded_again = NULL;

  XUNCHA_FUZZ_CHECK (xuncha_wire_message_validate (message, NULL));
  XUNCHA_FUZZ_CHECK (again != NULL);
  encoded_again = xuncha_wire_message_encode (again);
  XUNCHA_FUZZ_CHECK (g_strcmp0 (encoded, encoded_again) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *)data;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(XunchaWireMessage) message = NULL;
  g_autofree char *read_at = NULL;
  gint64 revision = -1;

  messages = xuncha_wire_message_delta_decode (text, size, &revision, NULL);
  if (messages != NULL)
    {
      XUNCHA_FUZZ_CHECK (revision >= 0 && messages->len <= XUNCHA_WIRE_TASK_DELTA_MAX);
      for (guint i = 0; i < messages->len; i++)
        check_round_trip (messages->pdata[i]);
    }
  message = xuncha_wire_message_decode_answer (text, size, NULL);
  if (message != NULL)
    check_round_trip (message);
  if (xuncha_wire_message_decode_read (text, size, &read_at, NULL))
    XUNCHA_FUZZ_CHECK (read_at != NULL && xuncha_protocol_is_time (read_at));
  return 0;
}
