/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-task-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "xuncha-due-reinspection.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-store-private.h"
#include "xuncha-task-store.h"

G_DEFINE_QUARK (xuncha-task-store-error-quark, xuncha_task_store_error)

/* The columns every task read takes, in this order (read_task() knows them). */
#define TASK_COLUMNS \
  "t.id, t.kind, t.officer_id, t.team, t.state, t.accepted_by, t.created_at, t.deadline, " \
  "t.lat, t.lon, t.radius_m, t.category, t.street_ids, t.report_uuid, t.note, t.photos, " \
  "t.revision, t.accept_at, t.taken, r.outcome "

static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The store's own arrays of strings; anything else reads as empty. */
static GStrv
strv_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element)
              && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

static gint64
iso_to_ms (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;

  if (time == NULL)
    return 0;
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

#define column_text xuncha_store_column_dup
#define bind_text_or_null xuncha_store_bind_text_or_null

static double
column_real (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? NAN
                                                           : sqlite3_column_double (stmt, column);
}

static void
bind_real_or_null (sqlite3_stmt *stmt,
                   int           index,
                   double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

static XunchaTask *
read_task (sqlite3_stmt *stmt)
{
  XunchaTask *task = xuncha_task_new ();

  task->origin = XUNCHA_TASK_ORIGIN_OFFICE;
  task->id = column_text (stmt, 0);
  task->kind = column_text (stmt, 1);
  task->officer_id = column_text (stmt, 2);
  task->team = column_text (stmt, 3);
  task->state = column_text (stmt, 4);
  task->accepted_by = column_text (stmt, 5);
  task->created_at = column_text (stmt, 6);
  task->deadline = column_text (stmt, 7);
  task->deadline_ms = iso_to_ms (task->deadline);
  task->lat = column_real (stmt, 8);
  task->lon = column_real (stmt, 9);
  task->radius_m = column_real (stmt, 10);
  task->category = column_text (stmt, 11);
  g_strfreev (task->street_ids);
  task->street_ids = strv_from_json ((const char *)sqlite3_column_text (stmt, 12));
  task->report_uuid = column_text (stmt, 13);
  task->note = column_text (stmt, 14);
  g_strfreev (task->photos);
  task->photos = strv_from_json ((const char *)sqlite3_column_text (stmt, 15));
  task->revision = sqlite3_column_int64 (stmt, 16);
  task->accept_at = column_text (stmt, 17);
  task->taken = sqlite3_column_int (stmt, 18) != 0;
  task->outcome = column_text (stmt, 19);
  return task;
}

static XunchaTask *
task_from_reinspection (const XunchaDueReinspection *due)
{
  XunchaTask *task = xuncha_task_new ();

  task->origin = XUNCHA_TASK_ORIGIN_DEVICE;
  task->id = g_strconcat (XUNCHA_TASK_REINSPECTION_PREFIX, due->uuid, NULL);
  task->kind = g_strdup ("check");
  task->state = g_strdup ("open");
  task->created_at = g_strdup (due->created_at);
  task->deadline = g_strdup (due->deadline);
  task->deadline_ms = due->deadline_ms;
  task->lat = due->lat;
  task->lon = due->lon;
  task->category = g_strdup (due->category);
  if (due->street_id != NULL)
    {
      g_strfreev (task->street_ids);
      task->street_ids = g_strdupv ((char *[]) { due->street_id, NULL });
    }
  task->street_name = g_strdup (due->street_name);
  task->report_uuid = g_strdup (due->uuid);
  task->note = g_strdup ("");
  return task;
}

gboolean
xuncha_task_store_apply (XunchaStore  *store,
                         GPtrArray    *tasks,
                         const char   *officer,
                         guint        *changed,
                         GError      **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *received_at = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (tasks != NULL, FALSE);

  /* Taken: another officer holds it. An answer that names nobody keeps what a refused
   * accept told. A task older than the one held (answers crossing) changes nothing. */
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO tasks (id, kind, officer_id, team, state, "
                               "  accepted_by, created_at, deadline, lat, lon, radius_m, "
                               "  category, street_ids, report_uuid, note, photos, revision, "
                               "  taken, received_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                               "  ?13, ?14, ?15, ?16, ?17, "
                               "  ?6 IS NOT NULL AND ?6 IS NOT ?18, ?19) "
                               "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
                               "  officer_id = excluded.officer_id, team = excluded.team, "
                               "  state = excluded.state, accepted_by = excluded.accepted_by, "
                               "  created_at = excluded.created_at, "
                               "  deadline = excluded.deadline, lat = excluded.lat, "
                               "  lon = excluded.lon, radius_m = excluded.radius_m, "
                               "  category = excluded.category, "
                               "  street_ids = excluded.street_ids, "
                               "  report_uuid = excluded.report_uuid, note = excluded.note, "
                               "  photos = excluded.photos, revision = excluded.revision, "
                               "  taken = CASE WHEN excluded.accepted_by IS NULL "
                               "    THEN tasks.taken ELSE excluded.taken END "
                               "WHERE excluded.revision >= tasks.revision",
                               error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < tasks->len; i++)
    {
      const XunchaTask *task = tasks->pdata[i];
      g_autofree char *street_ids = strv_to_json ((const char * const *)task->street_ids);
      g_autofree char *photos = strv_to_json ((const char * const *)task->photos);

      sqlite3_bind_text (stmt, 1, task->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, task->kind, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, task->officer_id);
      bind_text_or_null (stmt, 4, task->team);
      sqlite3_bind_text (stmt, 5, task->state, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 6, task->accepted_by);
      sqlite3_bind_text (stmt, 7, task->created_at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 8, task->deadline, -1, SQLITE_TRANSIENT);
      bind_real_or_null (stmt, 9, task->lat);
      bind_real_or_null (stmt, 10, task->lon);
      bind_real_or_null (stmt, 11, task->radius_m);
      bind_text_or_null (stmt, 12, task->category);
      sqlite3_bind_text (stmt, 13, street_ids, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 14, task->report_uuid);
      sqlite3_bind_text (stmt, 15, task->note != NULL ? task->note : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 16, photos, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 17, task->revision);
      bind_text_or_null (stmt, 18, officer);
      sqlite3_bind_text (stmt, 19, received_at, -1, SQLITE_TRANSIENT);
      if (!xuncha_store_step_done (store, stmt, error))
        {
          g_prefix_error (error, "Could not keep task %s: ", task->id);
          return FALSE;
        }
      count += (guint)sqlite3_changes (xuncha_store_get_db (store));
    }
  if (changed != NULL)
    *changed = count;
  return TRUE;
}

GPtrArray *
xuncha_task_store_list (XunchaStore  *store,
                        gint64        now_ms,
                        gboolean      everything,
                        GError      **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) due = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT " TASK_COLUMNS
                               "FROM tasks AS t LEFT JOIN task_results AS r ON r.task_id = t.id "
                               "WHERE ?1 OR (t.state IN ('open', 'accepted') AND NOT t.taken "
                               "             AND r.task_id IS NULL) "
                               "ORDER BY t.deadline, t.id",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, everything ? 1 : 0);
  tasks = xuncha_store_read_rows (store, stmt, (XunchaStoreRowReader)read_task,
                                  (GDestroyNotify)xuncha_task_free, "Could not read the tasks",
                                  error);
  if (tasks == NULL)
    return NULL;

  due = xuncha_due_reinspection_list (store, now_ms, error);
  if (due == NULL)
    return NULL;
  for (guint i = 0; i < due->len; i++)
    g_ptr_array_add (tasks, task_from_reinspection (due->pdata[i]));
  xuncha_task_sort (tasks, NAN, NAN);
  return g_steal_pointer (&tasks);
}

XunchaTask *
xuncha_task_store_get (XunchaStore  *store,
                       const char   *id,
                       GError      **error)
{
  sqlite3_stmt *stmt;
  XunchaTask *task = NULL;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (g_str_has_prefix (id, XUNCHA_TASK_REINSPECTION_PREFIX))
    {
      const char *uuid = id + strlen (XUNCHA_TASK_REINSPECTION_PREFIX);
      g_autoptr(GPtrArray) due = xuncha_due_reinspection_list (store, 0, error);

      if (due == NULL)
        return NULL;
      for (guint i = 0; i < due->len; i++)
        {
          const XunchaDueReinspection *item = due->pdata[i];

          if (g_str_equal (item->uuid, uuid))
            return task_from_reinspection (item);
        }
    }
  else
    {
      stmt = xuncha_store_prepare (store,
                                   "SELECT " TASK_COLUMNS
                                   "FROM tasks AS t "
                                   "LEFT JOIN task_results AS r ON r.task_id = t.id "
                                   "WHERE t.id = ?1",
                                   error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (!xuncha_store_read_row (store, stmt, (XunchaStoreRowReader)read_task,
                                  (gpointer *)&task, "Could not read the task", error))
        return NULL;
      if (task != NULL)
        return task;
    }
  g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_NOT_FOUND,
               _("There is no task %s on this device."), id);
  return NULL;
}

static gboolean
refuse_closed (const XunchaTask  *task,
               GError           **error)
{
  if (task->taken)
    g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_CLOSED,
                 _("Another officer has taken this task."));
  else if (task->outcome != NULL)
    g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_CLOSED,
                 _("This task is done already."));
  else
    g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_CLOSED,
                 _("This task is closed (%s): it cannot be done any more."),
                 xuncha_task_state_label (task->state));
  return FALSE;
}

gboolean
xuncha_task_store_accept (XunchaStore  *store,
                          const char   *id,
                          const char   *accepted_at,
                          GError      **error)
{
  g_autoptr(XunchaTask) task = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && accepted_at != NULL, FALSE);

  if (!xuncha_store_begin (store, error))
    return FALSE;
  task = xuncha_task_store_get (store, id, error);
  if (task == NULL)
    goto failed;
  /* A check the device made has no one to tell. */
  if (task->origin == XUNCHA_TASK_ORIGIN_DEVICE)
    return xuncha_store_commit (store, error);
  if (task->accept_at != NULL)
    return xuncha_store_commit (store, error);
  if (!xuncha_task_is_doable (task))
    {
      refuse_closed (task, error);
      goto failed;
    }
  stmt = xuncha_store_prepare (store, "UPDATE tasks SET accept_at = ?2 WHERE id = ?1", error);
  if (stmt != NULL)
    return xuncha_store_commit_with_outbox (store, stmt, "task_accept", id, accepted_at, error);

failed:
  xuncha_store_rollback (store);
  return FALSE;
}

gboolean
xuncha_task_store_mark_taken (XunchaStore  *store,
                              const char   *id,
                              const char   *accepted_by,
                              GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = xuncha_store_prepare (store,
                               "UPDATE tasks SET taken = 1, "
                               "  accepted_by = coalesce (?2, accepted_by) WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, accepted_by);
  return xuncha_store_step_done (store, stmt, error);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (XUNCHA_TASK_STORE_ERROR,
                                                XUNCHA_TASK_STORE_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
same_result (const XunchaTaskResult *a,
             const XunchaTaskResult *b)
{
  return g_strcmp0 (a->result_uuid, b->result_uuid) == 0
         && g_strcmp0 (a->outcome, b->outcome) == 0
         && g_strcmp0 (a->category, b->category) == 0
         && g_strv_equal ((const char * const *)a->report_uuids,
                          (const char * const *)b->report_uuids);
}

static gboolean
exists (XunchaStore  *store,
        sqlite3_stmt *stmt,
        const char   *value)
{
  gboolean found;

  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* Everything that can be told before a row is written: a refusal changes nothing. */
static gboolean
check_result (XunchaStore             *store,
              const XunchaTask        *task,
              const XunchaTaskResult  *result,
              GError                 **error)
{
  sqlite3_stmt *stmt;

  if (task->origin == XUNCHA_TASK_ORIGIN_DEVICE)
    return invalid (error, _("A re-inspection made on this device ends with its report; it "
                             "has no result to send."));
  if (!xuncha_task_is_doable (task))
    return refuse_closed (task, error);
  if (!xuncha_task_outcome_is_valid (task->kind, result->outcome))
    return invalid (error, _("“%s” is not an outcome of a task of kind “%s”."),
                    result->outcome != NULL ? result->outcome : "",
                    xuncha_task_kind_label (task->kind));
  if (g_str_equal (result->outcome, "different"))
    {
      if (result->category == NULL || *result->category == '\0')
        return invalid (error, _("Say which category it really is."));
      stmt = xuncha_store_prepare (store, "SELECT 1 FROM categories WHERE code = ?1", error);
      if (stmt == NULL)
        return FALSE;
      if (!exists (store, stmt, result->category))
        return invalid (error, _("There is no category %s."), result->category);
    }
  else if (result->category != NULL)
    return invalid (error, _("A category is named only when the finding is different."));
  if (g_strv_length (result->report_uuids) > 20)
    return invalid (error, _("A task's result names at most 20 reports."));
  stmt = xuncha_store_prepare (store, "SELECT 1 FROM reports WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; result->report_uuids[i] != NULL; i++)
    if (!exists (store, stmt, result->report_uuids[i]))
      return invalid (error, _("There is no report %s on this device."),
                      result->report_uuids[i]);
  if (strlen (result->note) > 2000)
    return invalid (error, _("The note is longer than 2000 bytes."));
  if (g_str_equal (task->kind, "rollcall"))
    {
      if (result->shift_uuid == NULL)
        {
          g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_NO_SHIFT,
                       _("A roll call is answered only during a shift: start your shift, "
                         "then answer it."));
          return FALSE;
        }
      if (isnan (result->lat) || isnan (result->lon))
        return invalid (error, _("A roll call is answered with your position, and there is "
                                 "no fix yet: wait for one."));
    }
  if (result->shift_uuid != NULL)
    {
      stmt = xuncha_store_prepare (store,
                                   "SELECT 1 FROM shifts WHERE uuid = ?1 AND ended_at IS NULL",
                                   error);
      if (stmt == NULL)
        return FALSE;
      if (!exists (store, stmt, result->shift_uuid))
        {
          g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_NO_SHIFT,
                       _("The shift %s is not on: a roll call is answered only during a "
                         "shift."), result->shift_uuid);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
xuncha_task_store_save_result (XunchaStore             *store,
                               const XunchaTaskResult  *result,
                               GError                 **error)
{
  g_autoptr(XunchaTask) task = NULL;
  g_autoptr(XunchaTaskResult) held = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *report_uuids = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), FALSE);
  g_return_val_if_fail (result != NULL && result->task_id != NULL, FALSE);
  g_return_val_if_fail (result->result_uuid != NULL && result->done_at != NULL, FALSE);
  g_return_val_if_fail (result->report_uuids != NULL && result->note != NULL, FALSE);

  if (!xuncha_store_begin (store, error))
    return FALSE;
  task = xuncha_task_store_get (store, result->task_id, error);
  if (task == NULL)
    goto failed;
  held = xuncha_task_store_get_result (store, result->task_id, &read_error);
  if (held != NULL)
    {
      if (same_result (held, result))
        return xuncha_store_commit (store, error);
      g_set_error (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_DONE,
                   _("This task is done already."));
      goto failed;
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      goto failed;
    }
  if (!check_result (store, task, result, error))
    goto failed;

  report_uuids = strv_to_json ((const char * const *)result->report_uuids);
  stmt = xuncha_store_prepare (store,
                               "INSERT INTO task_results (result_uuid, task_id, outcome, "
                               "  category, report_uuids, note, lat, lon, accuracy, "
                               "  position_source, shift_uuid, done_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                               error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, result->result_uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, result->task_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, result->outcome, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 4, result->category);
  sqlite3_bind_text (stmt, 5, report_uuids, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, result->note, -1, SQLITE_TRANSIENT);
  bind_real_or_null (stmt, 7, result->lat);
  bind_real_or_null (stmt, 8, result->lon);
  bind_real_or_null (stmt, 9, result->accuracy);
  bind_text_or_null (stmt, 10, result->position_source);
  bind_text_or_null (stmt, 11, result->shift_uuid);
  sqlite3_bind_text (stmt, 12, result->done_at, -1, SQLITE_TRANSIENT);
  if (!xuncha_store_step_done (store, stmt, error)
      || !xuncha_outbox_enqueue (store, "task_result", result->task_id, result->done_at, error)
      || !xuncha_store_commit (store, error))
    {
      g_prefix_error (error, _("Could not save the task's result: "));
      goto failed;
    }
  return TRUE;

failed:
  xuncha_store_rollback (store);
  return FALSE;
}

XunchaTaskResult *
xuncha_task_store_get_result (XunchaStore  *store,
                              const char   *task_id,
                              GError      **error)
{
  XunchaTaskResult *result = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  stmt = xuncha_store_prepare (store,
                               "SELECT result_uuid, task_id, outcome, category, report_uuids, "
                               "  note, lat, lon, accuracy, position_source, shift_uuid, "
                               "  done_at FROM task_results WHERE task_id = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, task_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      result = xuncha_task_result_new ();
      result->result_uuid = column_text (stmt, 0);
      result->task_id = column_text (stmt, 1);
      result->outcome = column_text (stmt, 2);
      result->category = column_text (stmt, 3);
      g_strfreev (result->report_uuids);
      result->report_uuids = strv_from_json ((const char *)sqlite3_column_text (stmt, 4));
      g_free (result->note);
      result->note = column_text (stmt, 5);
      result->lat = column_real (stmt, 6);
      result->lon = column_real (stmt, 7);
      result->accuracy = column_real (stmt, 8);
      result->position_source = column_text (stmt, 9);
      result->shift_uuid = column_text (stmt, 10);
      result->done_at = column_text (stmt, 11);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    xuncha_store_set_error (store, error, "Could not read the task's result");
  return result;
}

char *
xuncha_task_store_office_photo_folder (XunchaStore *store)
{
  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  /* Not the report photos' folder: its files are the reports', and one no report names is
   * removed when the store opens. */
  return g_build_filename (xuncha_store_get_data_dir (store), "office-photos", NULL);
}

char *
xuncha_task_store_office_photo_path (XunchaStore *store,
                                     const char  *sha256)
{
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  char *path;

  g_return_val_if_fail (XUNCHA_IS_STORE (store), NULL);

  if (sha256 == NULL || !xuncha_protocol_is_sha256 (sha256))
    return NULL;
  folder = xuncha_task_store_office_photo_folder (store);
  name = g_strconcat (sha256, ".jpg", NULL);
  path = g_build_filename (folder, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&path, g_free);
  return path;
}
