/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a device reads of the office's tasks: the tasks delta and the answers of accept and
 * result (with the 409 task_taken body). A task that decodes is valid, and its encoding
 * decodes to the same text. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-task.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

static void
check_round_trip (const XunchaWireTask *task)
{
  g_autofree char *encoded = xuncha_wire_task_encode (task);
  g_autofree char *answer = xuncha_wire_task_encode_answer (task);
  g_autoptr(XunchaWireTask) again = xuncha_wire_task_decode_answer (answer, -1, NULL);
  g_autofree char *encoded_again = NULL;

  XUNCHA_FUZZ_CHECK (xuncha_wire_task_validate (task, NULL));
  XUNCHA_FUZZ_CHECK (again != NULL);
  encoded_again = xuncha_wire_task_encode (again);
  XUNCHA_FUZZ_CHECK (g_strcmp0 (encoded, encoded_again) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *)data;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  gint64 revision = -1;

  tasks = xuncha_wire_task_delta_decode (text, size, &revision, NULL);
  if (tasks != NULL)
    {
      XUNCHA_FUZZ_CHECK (revision >= 0 && tasks->len <= XUNCHA_WIRE_TASK_DELTA_MAX);
      for (guint i = 0; i < tasks->len; i++)
        check_round_trip (tasks->pdata[i]);
    }
  task = xuncha_wire_task_decode_answer (text, size, NULL);
  if (task != NULL)
    check_round_trip (task);
  return 0;
}
