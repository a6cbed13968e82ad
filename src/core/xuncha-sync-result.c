/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include "xuncha-sync-result.h"

static void
item_free (gpointer data)
{
  XunchaSyncItem *item = data;

  g_free (item->kind);
  g_free (item->item);
  g_free (item->receipt);
  g_free (item->message);
  g_free (item);
}

XunchaSyncResult *
xuncha_sync_result_new (void)
{
  XunchaSyncResult *result = g_new0 (XunchaSyncResult, 1);

  result->items = g_ptr_array_new_with_free_func (item_free);
  result->categories_revision = -1;
  result->streets_revision = -1;
  result->merchants_revision = -1;
  return result;
}

void
xuncha_sync_result_free (XunchaSyncResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->items);
  g_clear_error (&result->stopped);
  g_free (result);
}

void
xuncha_sync_result_add (XunchaSyncResult  *result,
                        const char        *kind,
                        const char        *item,
                        XunchaSyncOutcome  outcome,
                        long               status,
                        const char        *receipt,
                        const char        *message,
                        gint64             bytes)
{
  XunchaSyncItem *entry;

  g_return_if_fail (result != NULL);

  entry = g_new0 (XunchaSyncItem, 1);
  entry->kind = g_strdup (kind);
  entry->item = g_strdup (item);
  entry->outcome = outcome;
  entry->status = status;
  entry->receipt = g_strdup (receipt);
  entry->message = g_strdup (message);
  entry->bytes = bytes;
  g_ptr_array_add (result->items, entry);

  switch (outcome)
    {
    case XUNCHA_SYNC_OUTCOME_SENT:
      result->sent++;
      result->bytes_sent += bytes;
      break;
    case XUNCHA_SYNC_OUTCOME_HELD:
      result->held++;
      break;
    case XUNCHA_SYNC_OUTCOME_FAILED:
      result->failed++;
      break;
    case XUNCHA_SYNC_OUTCOME_DEFERRED:
    default:
      result->deferred++;
      break;
    }
}

gboolean
xuncha_sync_result_is_complete (XunchaSyncResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->failed == 0 && result->deferred == 0 && result->stopped == NULL;
}

const char *
xuncha_sync_outcome_to_string (XunchaSyncOutcome outcome)
{
  switch (outcome)
    {
    case XUNCHA_SYNC_OUTCOME_SENT:
      return "sent";
    case XUNCHA_SYNC_OUTCOME_HELD:
      return "held";
    case XUNCHA_SYNC_OUTCOME_FAILED:
      return "failed";
    case XUNCHA_SYNC_OUTCOME_DEFERRED:
    default:
      return "deferred";
    }
}
