/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-task"

#include "config.h"

#include <math.h>

#include "xuncha-task-result.h"

G_DEFINE_BOXED_TYPE (XunchaTaskResult, xuncha_task_result, xuncha_task_result_copy,
                     xuncha_task_result_free)

XunchaTaskResult *
xuncha_task_result_new (void)
{
  XunchaTaskResult *self = g_new0 (XunchaTaskResult, 1);

  self->lat = self->lon = self->accuracy = NAN;
  self->report_uuids = g_new0 (char *, 1);
  self->note = g_strdup ("");
  return self;
}

void
xuncha_task_result_free (XunchaTaskResult *self)
{
  if (self == NULL)
    return;
  g_free (self->result_uuid);
  g_free (self->task_id);
  g_free (self->outcome);
  g_free (self->category);
  g_strfreev (self->report_uuids);
  g_free (self->note);
  g_free (self->position_source);
  g_free (self->shift_uuid);
  g_free (self->done_at);
  g_free (self);
}

XunchaTaskResult *
xuncha_task_result_copy (const XunchaTaskResult *self)
{
  XunchaTaskResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->result_uuid = g_strdup (self->result_uuid);
  copy->task_id = g_strdup (self->task_id);
  copy->outcome = g_strdup (self->outcome);
  copy->category = g_strdup (self->category);
  copy->report_uuids = g_strdupv (self->report_uuids);
  copy->note = g_strdup (self->note);
  copy->position_source = g_strdup (self->position_source);
  copy->shift_uuid = g_strdup (self->shift_uuid);
  copy->done_at = g_strdup (self->done_at);
  return copy;
}
