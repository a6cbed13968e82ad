/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-pg-records.h"

G_BEGIN_DECLS

/* Called on the calling thread inside every writing transaction, after its work and before
 * its COMMIT, with the name of the records method (as in the interface: "report_set_status"
 * ...). The tests hold a transaction open there to show what another one sees meanwhile. */
typedef void (*XunchaOfficePgRecordsHook) (const char *method,
                                           gpointer    user_data);

void xuncha_office_pg_records_set_before_commit (XunchaOfficePgRecords     *self,
                                                 XunchaOfficePgRecordsHook  hook,
                                                 gpointer                   user_data);

G_END_DECLS
