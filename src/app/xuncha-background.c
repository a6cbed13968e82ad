/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include "xuncha-background.h"

static GMutex lock;
static GCond idle;
static guint n_running;

static GQuark
background_func_quark (void)
{
  return g_quark_from_static_string ("xuncha-background-func");
}

static void
run_counted (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc)g_object_get_qdata (G_OBJECT (task),
                                                              background_func_quark ());

  func (task, source_object, task_data, cancellable);

  g_mutex_lock (&lock);
  if (--n_running == 0)
    g_cond_broadcast (&idle);
  g_mutex_unlock (&lock);
}

void
xuncha_background_run_in_thread (GTask           *task,
                                 GTaskThreadFunc  func)
{
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  g_mutex_lock (&lock);
  n_running++;
  g_mutex_unlock (&lock);
  g_object_set_qdata (G_OBJECT (task), background_func_quark (), (gpointer)func);
  g_task_run_in_thread (task, run_counted);
}

void
xuncha_background_wait (void)
{
  g_mutex_lock (&lock);
  while (n_running > 0)
    g_cond_wait (&idle, &lock);
  g_mutex_unlock (&lock);
}
