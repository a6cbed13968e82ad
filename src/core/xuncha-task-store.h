/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"
#include "xuncha-task-result.h"
#include "xuncha-task.h"

G_BEGIN_DECLS

/* The officer's tasks and what he did for them (the tables tasks and task_results). The
 * office's tasks come with every sync; a due re-inspection is listed as a check task made
 * on the device. A result is queued for the office in the transaction that saves it. */

#define XUNCHA_TASK_STORE_ERROR (xuncha_task_store_error_quark ())

typedef enum
{
  XUNCHA_TASK_STORE_ERROR_NOT_FOUND,
  XUNCHA_TASK_STORE_ERROR_INVALID,    /* a value the result cannot have; nothing changed */
  XUNCHA_TASK_STORE_ERROR_CLOSED,     /* done, cancelled, expired or taken by another */
  XUNCHA_TASK_STORE_ERROR_NO_SHIFT,   /* a roll call is answered only during a shift */
  XUNCHA_TASK_STORE_ERROR_DONE,       /* it has a different result already */
  XUNCHA_TASK_STORE_ERROR_FAILED,
} XunchaTaskStoreError;

/* The prefix of the id of a check made on the device for a due re-inspection. */
#define XUNCHA_TASK_REINSPECTION_PREFIX "reinspection:"

GQuark            xuncha_task_store_error_quark (void);

/* Stores the office's tasks (XunchaTask, as the office sent them) for the officer
 * @officer: a task already held is updated unless it is older than the one held, and
 * keeps what this device added (its accept, its result). A task another officer
 * accepted is marked taken. Joins the caller's transaction. *@changed: how many rows. */
gboolean          xuncha_task_store_apply       (XunchaStore             *store,
                                                 GPtrArray               *tasks,
                                                 const char              *officer,
                                                 guint                   *changed,
                                                 GError                 **error);
/* The inbox: office tasks the officer can still do, and the due re-inspections (as of
 * @now_ms, 0 for now), by deadline (sort them again with xuncha_task_sort() to break
 * ties by distance). With @everything, every office task the device holds too. */
GPtrArray        *xuncha_task_store_list        (XunchaStore             *store,
                                                 gint64                   now_ms,
                                                 gboolean                 everything,
                                                 GError                 **error);
XunchaTask       *xuncha_task_store_get         (XunchaStore             *store,
                                                 const char              *id,
                                                 GError                 **error);
/* The officer takes the task (Accept, or Do it): kept, and queued for the office. Again:
 * nothing changes. A task he cannot do any more is refused (CLOSED). */
gboolean          xuncha_task_store_accept      (XunchaStore             *store,
                                                 const char              *id,
                                                 const char              *accepted_at,
                                                 GError                 **error);
/* The office said another officer accepted it first (@accepted_by, or NULL when it did
 * not say): not doable here any more. */
gboolean          xuncha_task_store_mark_taken  (XunchaStore             *store,
                                                 const char              *id,
                                                 const char              *accepted_by,
                                                 GError                 **error);
/* Saves what the officer did and queues it for the office, in one transaction. Checked
 * first, nothing changed on a refusal: the task is an office task held here and doable,
 * the outcome fits its kind, `different` names a category, the reports are on the device,
 * and a roll call is answered during the open shift with a position. The same result
 * again (same result_uuid) is kept once. */
gboolean          xuncha_task_store_save_result (XunchaStore             *store,
                                                 const XunchaTaskResult  *result,
                                                 GError                 **error);
/* The folder beside the store where the office's photos of tasks are kept as
 * SHA256.jpg (the sync fetches them), and the path of one when the device has it, else
 * NULL. */
char             *xuncha_task_store_office_photo_folder (XunchaStore *store);
char             *xuncha_task_store_office_photo_path   (XunchaStore *store,
                                                         const char  *sha256);
/* The result made for a task, NULL (no error) when there is none. */
XunchaTaskResult *xuncha_task_store_get_result  (XunchaStore             *store,
                                                 const char              *task_id,
                                                 GError                 **error);

G_END_DECLS
