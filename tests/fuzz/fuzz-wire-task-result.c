/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the office reads from a device for a task: the result body. A result that decodes
 * is valid, its encoding decodes to the same text, and checking it against every kind of
 * task decides without complaint. */
#include "config.h"

#include "xuncha-fuzz.h"
#include "xuncha-protocol.h"
#include "xuncha-wire-task-result.h"

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
  static const char * const kinds[] = { "verify", "check", "rollcall", "patrol" };
  g_autoptr(XunchaWireTaskResult) result = NULL;

  result = xuncha_wire_task_result_decode ((const char *)data, size, NULL);
  if (result != NULL)
    {
      g_autofree char *encoded = xuncha_wire_task_result_encode (result);
      g_autoptr(XunchaWireTaskResult) again = xuncha_wire_task_result_decode (encoded, -1,
                                                                              NULL);
      g_autofree char *encoded_again = NULL;

      XUNCHA_FUZZ_CHECK (xuncha_wire_task_result_validate (result, NULL));
      XUNCHA_FUZZ_CHECK (again != NULL);
      encoded_again = xuncha_wire_task_result_encode (again);
      XUNCHA_FUZZ_CHECK (g_strcmp0 (encoded, encoded_again) == 0);
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          g_autoptr(GError) error = NULL;

          if (!xuncha_wire_task_result_check_kind (result, kinds[i], &error))
            XUNCHA_FUZZ_CHECK (error != NULL);
        }
    }
  return 0;
}
