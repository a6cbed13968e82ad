/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-jpeg.h"
#include "xuncha-message-store.h"
#include "xuncha-outbox.h"
#include "xuncha-private-files-private.h"
#include "xuncha-protocol.h"
#include "xuncha-store-private.h"
#include "xuncha-sync-private.h"
#include "xuncha-task-store.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-task.h"

/* Tasks and messages (docs/protocol.md): what the officer did for them goes to the office
 * (accepts, results after the reports they name, reads), then the office's tasks and
 * messages changed since the cursors kept in meta come back to their tables' owners. An
 * office of before answers these calls 404 not_found: it has no tasks; nothing is kept,
 * what waits keeps waiting, and the sync goes on. */

#define META_TASKS_REVISION    "sync.tasks_revision"
#define META_MESSAGES_REVISION "sync.messages_revision"

static gint64
meta_int (XunchaStore *store,
          const char  *key)
{
  g_autofree char *value = xuncha_store_get_meta (store, key);
  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* An office of before: the call is unknown to it (404 with code not_found, or no body). */
static gboolean
is_not_found (XunchaHttpResponse *response)
{
  g_autofree char *code = NULL, *message = NULL;

  if (response->status != 404)
    return FALSE;
  if (response->body->len == 0)
    return TRUE;
  return xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                       (gssize)response->body->len, &code, &message, NULL)
         && g_strcmp0 (code, "not_found") == 0;
}

static XunchaTask *
task_from_wire (const XunchaWireTask *wire)
{
  XunchaTask *task = xuncha_task_new ();

  task->id = g_strdup (wire->id);
  task->origin = XUNCHA_TASK_ORIGIN_OFFICE;
  task->kind = g_strdup (wire->kind);
  task->officer_id = g_strdup (wire->officer_id);
  task->team = g_strdup (wire->team);
  task->state = g_strdup (wire->state);
  task->accepted_by = g_strdup (wire->accepted_by);
  task->created_at = g_strdup (wire->created_at);
  task->deadline = g_strdup (wire->deadline);
  if (wire->has_position)
    {
      task->lat = wire->lat;
      task->lon = wire->lon;
      task->radius_m = wire->radius_m;
    }
  task->category = g_strdup (wire->category);
  g_strfreev (task->street_ids);
  task->street_ids = g_strdupv (wire->street_ids);
  task->report_uuid = g_strdup (wire->report_uuid);
  task->note = g_strdup (wire->note != NULL ? wire->note : "");
  g_strfreev (task->photos);
  task->photos = g_strdupv (wire->photos);
  task->revision = wire->revision;
  return task;
}

static XunchaMessage *
message_from_wire (const XunchaWireMessage *wire)
{
  XunchaMessage *message = g_new0 (XunchaMessage, 1);

  message->id = g_strdup (wire->id);
  message->audience = g_strdup (wire->audience);
  message->team = g_strdup (wire->team);
  message->officer_id = g_strdup (wire->officer_id);
  message->sender = g_strdup (wire->sender);
  message->title = g_strdup (wire->title);
  message->body = g_strdup (wire->body);
  message->sent_at = g_strdup (wire->sent_at);
  message->read_at = g_strdup (wire->read_at);
  message->revision = wire->revision;
  return message;
}

static void
pull_failed (XunchaSyncRun *run,
             const char    *what,
             const char    *why)
{
  g_autofree char *message = g_strdup_printf (_("Could not update %s: %s"), what, why);

  xuncha_sync_result_add (run->result, "pull", what, XUNCHA_SYNC_OUTCOME_FAILED, 0, NULL,
                          message, 0);
}

/* One page of a delta: FALSE when there is no more to ask (done, 404 or a failure). */
static gboolean
pull_page (XunchaSyncRun *run,
           gboolean       tasks)
{
  const char *what = tasks ? "tasks" : "messages";
  const char *key = tasks ? META_TASKS_REVISION : META_MESSAGES_REVISION;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GPtrArray) wire = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *revision_text = NULL;
  gint64 since = meta_int (run->store, key);
  gint64 revision = 0;
  guint changed = 0;
  gboolean ok;
  XunchaSyncStep step;

  path = g_strdup_printf ("api/v1/%s?since=%" G_GINT64_FORMAT, what, since);
  step = xuncha_sync_run_request (run, NULL, NULL, "GET", path, NULL, NULL, &response);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = NULL;

      if (is_not_found (response))
        return FALSE;
      why = xuncha_sync_answer_message (response);
      pull_failed (run, what, why);
      return FALSE;
    }
  if (tasks)
    run->office_has_tasks = TRUE;
  if (tasks)
    wire = xuncha_wire_task_delta_decode (xuncha_http_response_text (response),
                                          (gssize)response->body->len, &revision, &error);
  else
    wire = xuncha_wire_message_delta_decode (xuncha_http_response_text (response),
                                             (gssize)response->body->len, &revision, &error);
  if (wire == NULL)
    {
      pull_failed (run, what, error->message);
      return FALSE;
    }
  if (revision < since)
    {
      pull_failed (run, what, _("the office's revision went back"));
      return FALSE;
    }

  items = g_ptr_array_new_with_free_func (tasks ? (GDestroyNotify)xuncha_task_free
                                                : (GDestroyNotify)xuncha_message_free);
  for (guint i = 0; i < wire->len; i++)
    g_ptr_array_add (items, tasks ? (gpointer)task_from_wire (wire->pdata[i])
                                  : (gpointer)message_from_wire (wire->pdata[i]));

  /* The rows and the cursor together: a page is kept whole or asked again. */
  revision_text = g_strdup_printf ("%" G_GINT64_FORMAT, revision);
  if (!xuncha_store_begin (run->store, &error))
    {
      pull_failed (run, what, error->message);
      return FALSE;
    }
  ok = tasks ? xuncha_task_store_apply (run->store, items, run->officer, &changed, &error)
             : xuncha_message_store_apply (run->store, items, &changed, &error);
  if (!ok || !xuncha_store_set_meta (run->store, key, revision_text, &error)
      || !xuncha_store_commit (run->store, &error))
    {
      xuncha_store_rollback (run->store);
      pull_failed (run, what, error->message);
      return FALSE;
    }
  if (tasks)
    run->result->tasks_changed += changed;
  else
    run->result->messages_added += changed;
  /* A full page: there may be more after it. */
  return wire->len >= XUNCHA_WIRE_TASK_DELTA_MAX && revision > since;
}

void
xuncha_sync_pull_tasks (XunchaSyncRun *run)
{
  while (run->result->stopped == NULL && pull_page (run, TRUE))
    ;
  /* An office without tasks has no messages either. */
  while (run->result->stopped == NULL && run->office_has_tasks && pull_page (run, FALSE))
    ;
}

/* One photo of a task: kept when the office's bytes are the photo its name says (their
 * SHA-256) and a whole JPEG; FALSE only when the sync must stop. */
static gboolean
pull_task_photo (XunchaSyncRun *run,
                 const char    *folder,
                 const char    *sha256)
{
  g_autofree char *path = NULL, *name = NULL, *request = NULL, *got = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  XunchaJpeg *jpeg;
  XunchaSyncStep step;

  /* A name that is not one cannot become a path. */
  if (!xuncha_protocol_is_sha256 (sha256))
    return TRUE;
  name = g_strconcat (sha256, ".jpg", NULL);
  path = g_build_filename (folder, name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  request = g_strconcat ("api/v1/photos/", sha256, NULL);
  /* The office keeps no photo larger than it says: a larger answer is not read. */
  xuncha_http_set_answer_max (run->http, run->photo_max_bytes);
  step = xuncha_sync_run_request (run, NULL, NULL, "GET", request, NULL, NULL, &response);
  xuncha_http_set_answer_max (run->http, XUNCHA_PROTOCOL_ANSWER_MAX_BYTES);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      /* 404: not (or no longer) the officer's to see; the task shows how many there are. */
      g_debug ("The office answered %ld for the task photo %s", response->status, sha256);
      return TRUE;
    }
  bytes = g_bytes_new (response->body->data, response->body->len);
  got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (got, sha256) != 0)
    {
      pull_failed (run, "task photos", _("a photo the office sent is not the one it named"));
      return TRUE;
    }
  jpeg = xuncha_jpeg_new (bytes, name, &error);
  if (jpeg == NULL || !xuncha_jpeg_check_image (jpeg, &error))
    {
      g_clear_pointer (&jpeg, xuncha_jpeg_free);
      pull_failed (run, "task photos", error->message);
      return TRUE;
    }
  xuncha_jpeg_free (jpeg);
  /* Written whole under a temporary name (0600 from its first byte), then renamed: a
   * kill leaves the photo or nothing, never a part that would look fetched. */
  if (!g_file_set_contents_full (path, (const char *)response->body->data,
                                 (gssize)response->body->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    pull_failed (run, "task photos", error->message);
  return TRUE;
}

void
xuncha_sync_pull_task_photos (XunchaSyncRun *run)
{
  g_autofree char *folder = xuncha_task_store_office_photo_folder (run->store);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  if (!run->office_has_tasks)
    return;
  tasks = xuncha_task_store_list (run->store, 0, FALSE, &error);
  if (tasks == NULL || !xuncha_private_dir (folder, NULL, &error))
    {
      pull_failed (run, "task photos", error->message);
      return;
    }
  for (guint i = 0; i < tasks->len && run->result->stopped == NULL; i++)
    {
      const XunchaTask *task = g_ptr_array_index (tasks, i);

      for (guint j = 0; task->photos != NULL && task->photos[j] != NULL; j++)
        if (!pull_task_photo (run, folder, task->photos[j]))
          return;
    }
}

/* The outbox rows of tasks and messages that wait, in queue order: accepts before results. */
static GPtrArray *
plan_tasks (XunchaSyncRun  *run,
            GError        **error)
{
  g_autoptr(GPtrArray) entries = xuncha_outbox_list (run->store, error);
  GPtrArray *plan;

  if (entries == NULL)
    return NULL;
  plan = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_outbox_entry_free);
  for (guint pass = 0; pass < 3; pass++)
    {
      static const char * const kinds[] = { "task_accept", "task_result", "message_read" };

      for (guint i = 0; i < entries->len; i++)
        {
          XunchaOutboxEntry *entry = entries->pdata[i];

          /* An earlier pass took it already. */
          if (entry == NULL || entry->kind == NULL || !g_str_equal (entry->kind, kinds[pass])
              || !(g_strcmp0 (entry->state, "waiting") == 0
                   || g_strcmp0 (entry->state, "sending") == 0))
            continue;
          g_ptr_array_add (plan, g_steal_pointer (&entries->pdata[i]));
        }
    }
  return plan;
}

/* Waits (not a failure, not a try) with the reason shown in the queue. */
static void
defer (XunchaSyncRun *run,
       const char    *kind,
       const char    *item,
       const char    *why)
{
  xuncha_outbox_set_reason (run->store, kind, item, why, NULL);
  xuncha_sync_result_add (run->result, kind, item, XUNCHA_SYNC_OUTCOME_DEFERRED, 0, NULL, why,
                          0);
}

static void
failed (XunchaSyncRun *run,
        const char    *kind,
        const char    *item,
        long           status,
        const char    *why)
{
  xuncha_outbox_mark_failed (run->store, kind, item, why, NULL);
  xuncha_sync_result_add (run->result, kind, item, XUNCHA_SYNC_OUTCOME_FAILED, status, NULL, why,
                          0);
}

/* The task as the office answered an accept or a result: its state now, kept here at once
 * (the delta pulled before the push did not have it yet). */
static void
apply_answered_task (XunchaSyncRun      *run,
                     XunchaHttpResponse *response)
{
  g_autoptr(XunchaWireTask) wire = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  wire = xuncha_wire_task_decode_answer (xuncha_http_response_text (response),
                                         (gssize)response->body->len, &error);
  if (wire == NULL)
    {
      g_debug ("The office's answer has no task: %s", error->message);
      return;
    }
  tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
  g_ptr_array_add (tasks, task_from_wire (wire));
  if (!xuncha_task_store_apply (run->store, tasks, run->officer, &changed, &error))
    g_debug ("The answered task is not kept: %s", error->message);
}

static void
acked (XunchaSyncRun      *run,
       const char         *kind,
       const char         *item,
       XunchaHttpResponse *response,
       gint64              bytes)
{
  xuncha_outbox_mark_acked (run->store, kind, item, NULL, NULL);
  if (!g_str_equal (kind, "message_read"))
    apply_answered_task (run, response);
  /* An accept or a read is answered 200 the first time too: only a result tells a repeat
   * (200) from the first (201). */
  xuncha_sync_result_add (run->result, kind, item,
                          response->status == 201 || !g_str_equal (kind, "task_result")
                          ? XUNCHA_SYNC_OUTCOME_SENT : XUNCHA_SYNC_OUTCOME_HELD,
                          response->status, NULL, NULL, bytes);
}

/* A result goes after the reports it names: the office refuses one naming a report it
 * does not hold. */
static gboolean
reports_sent (XunchaSyncRun          *run,
              const XunchaTaskResult *result)
{
  for (guint i = 0; result->report_uuids[i] != NULL; i++)
    {
      g_autofree char *state = xuncha_outbox_get_state (run->store, "report",
                                                        result->report_uuids[i]);

      if (g_strcmp0 (state, "acked") != 0)
        return FALSE;
    }
  return TRUE;
}

static GBytes *
encode_result (const XunchaTaskResult *result)
{
  g_autoptr(XunchaWireTaskResult) wire = xuncha_wire_task_result_new ();
  char *encoded;

  wire->task_id = g_strdup (result->task_id);
  wire->result_uuid = g_strdup (result->result_uuid);
  wire->outcome = g_strdup (result->outcome);
  wire->category = g_strdup (result->category);
  g_strfreev (wire->report_uuids);
  wire->report_uuids = g_strdupv (result->report_uuids);
  wire->note = g_strdup (result->note != NULL ? result->note : "");
  wire->has_position = !isnan (result->lat) && !isnan (result->lon);
  wire->lat = result->lat;
  wire->lon = result->lon;
  wire->accuracy = result->accuracy;
  wire->position_source = g_strdup (result->position_source);
  wire->shift_uuid = g_strdup (result->shift_uuid);
  wire->done_at = g_strdup (result->done_at);
  encoded = xuncha_wire_task_result_encode (wire);
  return g_bytes_new_take (encoded, strlen (encoded));
}

/* 409 task_taken: another officer accepted it first. The task is marked taken here, and
 * the officer is told with the sync's result. */
static gboolean
handle_taken (XunchaSyncRun      *run,
              const char         *kind,
              const char         *id,
              XunchaHttpResponse *response)
{
  g_autofree char *code = NULL, *message = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autofree char *why = NULL;

  if (response->status != 409
      || !xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                        (gssize)response->body->len, &code, &message, NULL)
      || g_strcmp0 (code, "task_taken") != 0)
    return FALSE;
  task = xuncha_wire_task_decode_answer (xuncha_http_response_text (response),
                                         (gssize)response->body->len, NULL);
  xuncha_task_store_mark_taken (run->store, id, task != NULL ? task->accepted_by : NULL, NULL);
  if (task != NULL && task->accepted_by != NULL)
    why = g_strdup_printf (_("Another officer (%s) took this task first."), task->accepted_by);
  else
    why = g_strdup (_("Another officer took this task first."));
  failed (run, kind, id, 409, why);
  run->result->tasks_taken++;
  return TRUE;
}

/* 409 task_closed to an accept: the office cancelled the task, or its deadline passed,
 * before the accept reached it. Nothing is lost and no one need look: the accept has no
 * more to say, and what the officer did (the result, queued after it) still goes. */
static gboolean
handle_closed_accept (XunchaSyncRun      *run,
                      const char         *kind,
                      const char         *id,
                      XunchaHttpResponse *response)
{
  g_autofree char *code = NULL, *message = NULL;

  if (response->status != 409 || !g_str_equal (kind, "task_accept")
      || !xuncha_protocol_decode_error (xuncha_http_response_text (response),
                                        (gssize)response->body->len, &code, &message, NULL)
      || g_strcmp0 (code, "task_closed") != 0)
    return FALSE;
  xuncha_outbox_mark_acked (run->store, kind, id, NULL, NULL);
  xuncha_sync_result_add (run->result, kind, id, XUNCHA_SYNC_OUTCOME_HELD, response->status,
                          NULL, _("The office had closed the task already."), 0);
  return TRUE;
}

/* One outbox row: FALSE when the office has no tasks (the rest wait too). */
static gboolean
push_one (XunchaSyncRun     *run,
          XunchaOutboxEntry *entry)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = g_uri_escape_string (entry->item, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  XunchaSyncStep step;

  if (g_str_equal (entry->kind, "task_accept"))
    {
      path = g_strdup_printf ("api/v1/tasks/%s/accept", escaped);
      body = g_bytes_new_static ("{}", 2);
    }
  else if (g_str_equal (entry->kind, "task_result"))
    {
      g_autoptr(XunchaTaskResult) result = xuncha_task_store_get_result (run->store, entry->item,
                                                                        &error);

      if (result == NULL)
        {
          failed (run, entry->kind, entry->item, 0,
                  error != NULL ? error->message : _("The result is not on the device."));
          return TRUE;
        }
      if (!reports_sent (run, result))
        {
          defer (run, entry->kind, entry->item,
                 _("Waits for the reports it names to reach the office."));
          return TRUE;
        }
      path = g_strdup_printf ("api/v1/tasks/%s/result", escaped);
      body = encode_result (result);
    }
  else
    {
      g_autoptr(XunchaMessage) message = xuncha_message_store_get (run->store, entry->item,
                                                                   &error);
      char *encoded;

      if (message == NULL || message->read_at == NULL)
        {
          failed (run, entry->kind, entry->item, 0,
                  error != NULL ? error->message : _("The message is not on the device."));
          return TRUE;
        }
      path = g_strdup_printf ("api/v1/messages/%s/read", escaped);
      encoded = xuncha_wire_message_encode_read (message->read_at);
      body = g_bytes_new_take (encoded, strlen (encoded));
    }

  /* A PUT the office answers the same way again: a lost answer is simply asked again. */
  step = xuncha_sync_run_request (run, entry->kind, entry->item, "PUT", path, body, NULL,
                                  &response);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_OK)
    {
      acked (run, entry->kind, entry->item, response, (gint64)g_bytes_get_size (body));
      return TRUE;
    }
  /* 404 from an office of before (its tasks pull was 404 too): the rows wait for an
   * office that takes them. From an office with tasks it is a task or message not his. */
  if (is_not_found (response) && !run->office_has_tasks)
    {
      defer (run, entry->kind, entry->item, _("The office does not take tasks yet."));
      return FALSE;
    }
  if (handle_taken (run, entry->kind, entry->item, response)
      || handle_closed_accept (run, entry->kind, entry->item, response))
    return TRUE;
  {
    g_autofree char *why = xuncha_sync_answer_message (response);
    failed (run, entry->kind, entry->item, response->status, why);
  }
  return TRUE;
}

void
xuncha_sync_push_tasks (XunchaSyncRun *run)
{
  g_autoptr(GPtrArray) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = plan_tasks (run, &error);
  if (plan == NULL)
    {
      pull_failed (run, "tasks", error->message);
      return;
    }
  for (guint i = 0; i < plan->len && run->result->stopped == NULL; i++)
    if (!push_one (run, plan->pdata[i]))
      break;
}
