/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The office's receipt for a report: what the device keeps as proof it was received. */
typedef struct
{
  char *id;
  char *received_at;
  char *content_sha256;
} XunchaOfficeReceipt;

void xuncha_office_receipt_clear (XunchaOfficeReceipt       *receipt);
void xuncha_office_receipt_copy  (const XunchaOfficeReceipt *from,
                                  XunchaOfficeReceipt       *to);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaOfficeReceipt, xuncha_office_receipt_clear)

G_END_DECLS
