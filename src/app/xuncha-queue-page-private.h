/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-queue-page.h"

G_BEGIN_DECLS

/* For tests. */

/* The row of a report (a tap reopens it), or NULL when the page shows none for @uuid. */
GtkWidget *xuncha_queue_page_get_row (XunchaQueuePage *self,
                                      const char      *uuid);

G_END_DECLS
