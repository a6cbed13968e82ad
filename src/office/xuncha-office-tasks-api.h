/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-office-call.h"
#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* The calls of tasks, messages and photos fetched by devices (docs/protocol.md, Tasks and
 * messages), for an authenticated @officer; part of XunchaOfficeApi, kept apart as a
 * group of its own. @rest: the path after "/api/v1/". FALSE, @call unanswered, for a path
 * that is none of them. */
gboolean xuncha_office_tasks_api_handle (XunchaOfficeRecords     *records,
                                         XunchaOfficePhotoStore  *photos,
                                         XunchaOfficeCall        *call,
                                         const XunchaWireOfficer *officer,
                                         const char              *rest);

/* The answers every call of the API gives alike (xuncha-office-api.c). */
void     xuncha_office_api_answer_storage_error (XunchaOfficeCall *call,
                                                 const GError     *error);
void     xuncha_office_api_answer_decode_error  (XunchaOfficeCall *call,
                                                 const GError     *error);

G_END_DECLS
