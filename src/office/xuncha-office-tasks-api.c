/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <string.h>

#include "xuncha-office-tasks-api.h"

/* A task's id, a message's id: what the path names, checked before anything is read. */
static gboolean
path_uuid (XunchaOfficeCall *call,
           const char       *id,
           const char       *what)
{
  g_autofree char *message = NULL;

  if (xuncha_protocol_is_uuid (id))
    return TRUE;
  message = g_strdup_printf ("A %s is named by a lowercase UUID", what);
  xuncha_office_call_answer_error (call, 400, "bad_request", message, NULL);
  return FALSE;
}

static const char *
body_data (XunchaOfficeCall *call,
           gssize           *length)
{
  if (call->body == NULL)
    {
      *length = 0;
      return "";
    }
  *length = (gssize)g_bytes_get_size (call->body);
  return g_bytes_get_data (call->body, NULL);
}

static gint64
since_of (XunchaOfficeCall *call)
{
  return call->since != NULL ? g_ascii_strtoll (call->since, NULL, 10) : 0;
}

/* The accept and result errors of the records that are the protocol's own: 409 task_taken
 * (with the task, as the office holds it, beside the error) and 409 task_closed. */
static void
answer_task_error (XunchaOfficeRecords *records,
                   XunchaOfficeCall    *call,
                   const char          *id,
                   const GError        *error)
{
  if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                       XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN))
    {
      g_autoptr(GError) read_error = NULL;
      g_autoptr(XunchaWireTask) task =
        xuncha_office_records_task_get (records, NULL, id, g_get_real_time (), &read_error);
      g_autofree char *body = NULL;

      if (task == NULL)
        {
          xuncha_office_api_answer_storage_error (call, read_error);
          return;
        }
      body = xuncha_wire_task_encode_taken (task, error->message);
      xuncha_office_call_answer (call, 409, body);
    }
  else if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                            XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED))
    xuncha_office_call_answer_error (call, 409, "task_closed", error->message, NULL);
  else
    xuncha_office_api_answer_storage_error (call, error);
}

static void
handle_tasks (XunchaOfficeRecords     *records,
              XunchaOfficeCall        *call,
              const XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  tasks = xuncha_office_records_tasks_since (records, officer, since_of (call),
                                             g_get_real_time (), &revision, &error);
  if (tasks == NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  body = xuncha_wire_task_delta_encode (revision, tasks);
  call->revision = revision;
  xuncha_office_call_answer (call, 200, body);
}

/* The accept's body is {} (or none): nothing else is taken. */
static gboolean
accept_body_ok (XunchaOfficeCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  gssize length;
  const char *data = body_data (call, &length);

  if (length == 0)
    return TRUE;
  root = xuncha_protocol_parse (data, length, "accept", &error);
  if (root == NULL)
    {
      xuncha_office_api_answer_decode_error (call, error);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "accept: the body is {}",
                                       NULL);
      return FALSE;
    }
  object = json_node_get_object (root);
  if (json_object_get_size (object) > 0)
    {
      g_autoptr(GList) members = json_object_get_members (object);
      g_autofree char *message = g_strdup_printf ("accept.%s: unknown member",
                                                  (const char *)members->data);

      xuncha_office_call_answer_error (call, 400, "bad_request", message, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
handle_accept (XunchaOfficeRecords     *records,
               XunchaOfficeCall        *call,
               const XunchaWireOfficer *officer,
               const char              *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autofree char *body = NULL;

  if (!accept_body_ok (call))
    return;
  task = xuncha_office_records_task_accept (records, officer, id, g_get_real_time (), &error);
  if (task == NULL)
    {
      answer_task_error (records, call, id, error);
      return;
    }
  body = xuncha_wire_task_encode_answer (task);
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_result (XunchaOfficeRecords     *records,
               XunchaOfficeCall        *call,
               const XunchaWireOfficer *officer,
               const char              *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireTaskResult) result = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autofree char *body = NULL;
  gboolean created = FALSE;
  gssize length;
  const char *data = body_data (call, &length);

  result = xuncha_wire_task_result_decode (data, length, &error);
  if (result == NULL)
    {
      xuncha_office_api_answer_decode_error (call, error);
      return;
    }
  if (!g_str_equal (result->task_id, id))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "The result's task_id "
                                       "differs from the task in the path", NULL);
      return;
    }
  task = xuncha_office_records_task_result_put (records, officer, result, g_get_real_time (),
                                                &created, &error);
  if (task == NULL)
    {
      answer_task_error (records, call, id, error);
      return;
    }
  body = xuncha_wire_task_encode_answer (task);
  xuncha_office_call_answer (call, created ? 201 : 200, body);
}

static void
handle_messages (XunchaOfficeRecords     *records,
                 XunchaOfficeCall        *call,
                 const XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *body = NULL;
  gint64 revision = 0;

  messages = xuncha_office_records_messages_since (records, officer, since_of (call),
                                                   &revision, &error);
  if (messages == NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  body = xuncha_wire_message_delta_encode (revision, messages);
  call->revision = revision;
  xuncha_office_call_answer (call, 200, body);
}

static void
handle_read (XunchaOfficeRecords     *records,
             XunchaOfficeCall        *call,
             const XunchaWireOfficer *officer,
             const char              *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaWireMessage) message = NULL;
  g_autofree char *read_at = NULL;
  g_autofree char *body = NULL;
  gssize length;
  const char *data = body_data (call, &length);

  if (!xuncha_wire_message_decode_read (data, length, &read_at, &error))
    {
      xuncha_office_api_answer_decode_error (call, error);
      return;
    }
  message = xuncha_office_records_message_read (records, officer, id, read_at, &error);
  if (message == NULL)
    {
      xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  body = xuncha_wire_message_encode_answer (message);
  xuncha_office_call_answer (call, 200, body);
}

/* A photo's bytes, only for one of a task the officer may see or of a report he may read;
 * 404 alike for one the office does not hold and one he may not have, so that the answer
 * never says which. */
static void
handle_photo_get (XunchaOfficeRecords     *records,
                  XunchaOfficePhotoStore  *photos,
                  XunchaOfficeCall        *call,
                  const XunchaWireOfficer *officer,
                  const char              *sha)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree guint8 *data = NULL;
  gint64 bytes = 0;
  gsize read = 0;

  if (!xuncha_protocol_is_sha256 (sha))
    {
      xuncha_office_call_answer_error (call, 400, "bad_request", "A photo is named by 64 "
                                       "lowercase hex digits", NULL);
      return;
    }
  if (!xuncha_office_records_photo_visible (records, officer, sha, &error))
    {
      xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  stream = xuncha_office_photo_store_open_read (photos, sha, &bytes, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        xuncha_office_call_answer_error (call, 404, "not_found", "No such photo", NULL);
      else
        xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  /* A stored photo was at most the upload limit when it came: it is read whole. */
  data = g_malloc (MAX (bytes, 1));
  if (!g_input_stream_read_all (stream, data, (gsize)bytes, &read, NULL, &error)
      || read != (gsize)bytes)
    {
      if (error == NULL)
        g_set_error (&error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
                     "Photo %s is shorter than the store says", sha);
      xuncha_office_api_answer_storage_error (call, error);
      return;
    }
  call->status = 200;
  g_clear_pointer (&call->answer, g_bytes_unref);
  call->answer = g_bytes_new_take (g_steal_pointer (&data), (gsize)bytes);
  g_free (call->answer_type);
  call->answer_type = g_strdup ("image/jpeg");
}

/* "tasks/ID/WHAT" or "messages/ID/WHAT": the id and what, or FALSE. */
static gboolean
split_item (const char  *rest,
            const char  *prefix,
            char       **id,
            const char **what)
{
  const char *slash;

  if (!g_str_has_prefix (rest, prefix))
    return FALSE;
  rest += strlen (prefix);
  slash = strchr (rest, '/');
  if (slash == NULL)
    return FALSE;
  *id = g_strndup (rest, slash - rest);
  *what = slash + 1;
  return TRUE;
}

gboolean
xuncha_office_tasks_api_handle (XunchaOfficeRecords     *records,
                                XunchaOfficePhotoStore  *photos,
                                XunchaOfficeCall        *call,
                                const XunchaWireOfficer *officer,
                                const char              *rest)
{
  const char *method = call->method;
  g_autofree char *id = NULL;
  const char *what = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_RECORDS (records), FALSE);
  g_return_val_if_fail (call != NULL && officer != NULL && rest != NULL, FALSE);

  if (g_str_equal (rest, "tasks") && g_str_equal (method, "GET"))
    handle_tasks (records, call, officer);
  else if (g_str_equal (rest, "messages") && g_str_equal (method, "GET"))
    handle_messages (records, call, officer);
  else if (g_str_has_prefix (rest, "photos/") && g_str_equal (method, "GET"))
    handle_photo_get (records, photos, call, officer, rest + strlen ("photos/"));
  else if (split_item (rest, "tasks/", &id, &what))
    {
      if (!path_uuid (call, id, "task"))
        return TRUE;
      if (g_str_equal (what, "accept") && g_str_equal (method, "PUT"))
        handle_accept (records, call, officer, id);
      else if (g_str_equal (what, "result") && g_str_equal (method, "PUT"))
        handle_result (records, call, officer, id);
      else
        xuncha_office_call_answer_error (call, 404, "not_found", "No such call", NULL);
    }
  else if (split_item (rest, "messages/", &id, &what))
    {
      if (!path_uuid (call, id, "message"))
        return TRUE;
      if (g_str_equal (what, "read") && g_str_equal (method, "PUT"))
        handle_read (records, call, officer, id);
      else
        xuncha_office_call_answer_error (call, 404, "not_found", "No such call", NULL);
    }
  else
    return FALSE;
  return TRUE;
}
