/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-call.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* The office's side of signed manifests (docs/evidence.md, docs/protocol.md PUT
 * api/v1/evidence); part of XunchaOfficeApi, kept apart as a group of its own. */

/* PUT api/v1/evidence for an authenticated @officer with the token @token: each manifest
 * checked (its signature under the key it names, which must have been enrolled for
 * @officer; the device's chain; the report's chain) before it is kept; the first that
 * fails is refused with 422 evidence_refused naming it and the reason, and it and those
 * after it are not kept. A token enrolled without a key is told to enroll again (403). */
void     xuncha_office_evidence_api_put          (XunchaOfficeRecords     *records,
                                                  XunchaOfficeCall        *call,
                                                  const XunchaWireOfficer *officer,
                                                  const char              *token);

/* Before a report is stored: a device enrolled with a key must have sent the report's
 * manifests, and the latest must describe @report exactly. TRUE to go on; FALSE with
 * @call answered (422 evidence_refused naming what differs). A device enrolled without a
 * key (one of before keys) sends reports unsigned: TRUE. */
gboolean xuncha_office_evidence_api_check_report (XunchaOfficeRecords     *records,
                                                  XunchaOfficeCall        *call,
                                                  const XunchaWireOfficer *officer,
                                                  const char              *token,
                                                  const XunchaWireReport  *report);

G_END_DECLS
