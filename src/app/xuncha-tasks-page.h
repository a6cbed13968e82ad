/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_TASKS_PAGE (xuncha_tasks_page_get_type ())

G_DECLARE_FINAL_TYPE (XunchaTasksPage, xuncha_tasks_page, XUNCHA, TASKS_PAGE, GtkWidget)

/* The officer's inbox (任务): the office's unread messages (a tap reads one), the tasks he
 * can still do and the due re-inspections, by deadline then distance, overdue ones in red;
 * and a task's page (what, where from here, the deadline, the office's photos, "Do it", the
 * outcome). Reads and writes the store on its worker; what the officer does is queued for
 * the office there.
 * Property "n-tasks" (the badge). Signal "do-task" (task id, the case's report uuid or
 * NULL): the window opens the report flow for it; the reports saved meanwhile are handed
 * back with xuncha_tasks_page_add_report(). */
void         xuncha_tasks_page_set_store_worker (XunchaTasksPage     *self,
                                                 XunchaStoreWorker   *worker);
/* Where the officer is, for distances (NULL: unknown). */
void         xuncha_tasks_page_set_session      (XunchaTasksPage     *self,
                                                 XunchaPatrolSession *session);
/* Reads the store again (after a save or a sync). */
void         xuncha_tasks_page_refresh          (XunchaTasksPage     *self);
/* Shows a task's page. */
void         xuncha_tasks_page_open_task        (XunchaTasksPage     *self,
                                                 const char          *id);
/* A report saved while the officer was doing the task on screen: it is named in the
 * result, and the task's page comes back with the outcome choice. */
void         xuncha_tasks_page_add_report       (XunchaTasksPage     *self,
                                                 const char          *report_uuid);
/* The task being done in the report flow, or NULL. */
const char  *xuncha_tasks_page_get_doing        (XunchaTasksPage     *self);

G_END_DECLS
