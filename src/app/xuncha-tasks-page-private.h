/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-tasks-page.h"

G_BEGIN_DECLS

/* For tests. */

guint        xuncha_tasks_page_get_n_tasks      (XunchaTasksPage     *self);
guint        xuncha_tasks_page_get_n_unread     (XunchaTasksPage     *self);
/* TRUE while the store is read or written for the page. */
gboolean     xuncha_tasks_page_is_busy          (XunchaTasksPage     *self);
/* "loading", "list", "task" or "photo" (an office photo at full size). */
const char  *xuncha_tasks_page_get_view         (XunchaTasksPage     *self);
/* The inbox's rows, in order (an AdwActionRow), or NULL past the end. */
GtkWidget   *xuncha_tasks_page_get_task_row     (XunchaTasksPage     *self,
                                                 guint                index);
GtkWidget   *xuncha_tasks_page_get_message_row  (XunchaTasksPage     *self,
                                                 guint                index);
/* What the task's page says for "what", "where", "deadline" or "status". */
const char  *xuncha_tasks_page_get_text         (XunchaTasksPage     *self,
                                                 const char          *field);

/* The task page's office photos, in the task's order: a button holding the photo's
 * thumbnail (a GtkPicture, filled once decoded) when the device has the photo, else a
 * placeholder saying when it comes; NULL past the end. */
GtkWidget   *xuncha_tasks_page_get_photo        (XunchaTasksPage     *self,
                                                 guint                index);
/* The picture on the "photo" view. */
GtkPicture  *xuncha_tasks_page_get_full_photo   (XunchaTasksPage     *self);

G_END_DECLS
