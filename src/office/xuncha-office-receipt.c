/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-receipt.h"

void
xuncha_office_receipt_clear (XunchaOfficeReceipt *receipt)
{
  g_clear_pointer (&receipt->id, g_free);
  g_clear_pointer (&receipt->received_at, g_free);
  g_clear_pointer (&receipt->content_sha256, g_free);
}

void
xuncha_office_receipt_copy (const XunchaOfficeReceipt *from,
                            XunchaOfficeReceipt       *to)
{
  xuncha_office_receipt_clear (to);
  to->id = g_strdup (from->id);
  to->received_at = g_strdup (from->received_at);
  to->content_sha256 = g_strdup (from->content_sha256);
}
