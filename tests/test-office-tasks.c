/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-wire-message.h"
#include "xuncha-wire-task.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

/* Tasks and messages between the office and devices, over real HTTPS to the real office
 * (on SQLite, and on PostgreSQL as office-tasks-postgresql): tasks added at the office's
 * command line, taken, done and sent again by officers; a team task two officers accept at
 * once; results for tasks cancelled or expired meanwhile; roll calls; the photo access
 * rule; messages read; and hostile bodies, refused with nothing stored. */

#define REPORT_A   "3b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define REPORT_B   "4b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define RESULT_1   "0c9e0000-2fa1-41d2-883f-0016d3cca427"
#define RESULT_2   "0c9e0001-2fa1-41d2-883f-0016d3cca427"
#define SHIFT_A    "6f1c0000-2fa1-41d2-883f-0016d3cca427"

typedef struct
{
  long      status;
  CURLcode  code;
  GString  *body;
  char     *content_type;
  char     *revision;
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->body != NULL)
    g_string_free (answer->body, TRUE);
  g_free (answer->content_type);
  g_free (answer->revision);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static size_t
on_body (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * n));
  return size * n;
}

static char *
header_value (const char *data, size_t length, const char *name)
{
  gsize name_length = strlen (name);

  if (length <= name_length || g_ascii_strncasecmp (data, name, name_length) != 0
      || data[name_length] != ':')
    return NULL;
  return g_strstrip (g_strndup (data + name_length + 1, length - name_length - 1));
}

static size_t
on_header (char *data, size_t size, size_t n, void *user_data)
{
  Answer *answer = user_data;
  char *value;

  if ((value = header_value (data, size * n, "Content-Type")) != NULL)
    {
      g_free (answer->content_type);
      answer->content_type = value;
    }
  if ((value = header_value (data, size * n, XUNCHA_PROTOCOL_REVISION_HEADER)) != NULL)
    {
      g_free (answer->revision);
      answer->revision = value;
    }
  return size * n;
}

typedef struct
{
  char             *dir;
  XunchaTestOffice *office;
  char             *token_a;   /* A1 of T1 */
  char             *token_b;   /* B1 of T1 */
  char             *token_c;   /* C1 of T2 */
} Setup;

/* One request, TLS verified against the test CA; @body may be NULL. */
static void
call (Setup      *s,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      Answer     *answer)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *url = g_strconcat (s->office->url, path, NULL);
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", token, NULL);
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();

  answer->body = g_string_new (NULL);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, certs->ca);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  if (body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen (body));
    }
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Expect:");
  headers = curl_slist_append (headers, auth);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, answer);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 120L);
  answer->code = curl_easy_perform (curl);
  if (answer->code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
  g_test_message ("%s %s -> %ld %.300s", method, path, answer->status, answer->body->str);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
}

/* The call answers @status; with @code, the protocol's error of that code. */
static void
expect (Setup      *s,
        const char *method,
        const char *path,
        const char *token,
        const char *body,
        long        status,
        const char *code,
        Answer     *answer)
{
  call (s, method, path, token, body, answer);
  g_assert_cmpint (answer->code, ==, CURLE_OK);
  if (answer->status != status)
    g_error ("%s %s: expected %ld, got %ld: %.300s", method, path, status, answer->status,
             answer->body->str);
  if (code != NULL)
    {
      g_autofree char *got = NULL, *message = NULL;

      g_assert_true (xuncha_protocol_decode_error (answer->body->str,
                                                   (gssize)answer->body->len, &got, &message,
                                                   NULL));
      g_assert_cmpstr (got, ==, code);
    }
}

static Setup *
setup_new (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *code_a = NULL, *code_b = NULL, *code_c = NULL;
  Setup *s;

  if (certs == NULL)
    return NULL;
  s = g_new0 (Setup, 1);
  s->dir = xuncha_test_make_tmpdir ();
  s->office = xuncha_test_office_start (s->dir, certs->server_cert, certs->server_key, 0);
  code_a = xuncha_test_office_add_officer (s->dir, "A1", "T1", FALSE);
  code_b = xuncha_test_office_add_officer (s->dir, "B1", "T1", FALSE);
  code_c = xuncha_test_office_add_officer (s->dir, "C1", "T2", FALSE);
  s->token_a = xuncha_test_office_enroll_token (s->office, "A1", code_a);
  s->token_b = xuncha_test_office_enroll_token (s->office, "B1", code_b);
  s->token_c = xuncha_test_office_enroll_token (s->office, "C1", code_c);
  return s;
}

static void
setup_free (Setup *s)
{
  xuncha_test_office_free (s->office);
  xuncha_test_remove_tree (s->dir);
  g_free (s->dir);
  g_free (s->token_a);
  g_free (s->token_b);
  g_free (s->token_c);
  g_free (s);
}

/* `xuncha-office task add` with @first and what follows (NULL-terminated); the task id. */
static char *
task_add (Setup      *s,
          const char *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer)"task");
  g_ptr_array_add (argv, (gpointer)"add");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  while (argv->len < 24)
    g_ptr_array_add (argv, NULL);
  status = xuncha_test_office_run (s->dir, &out, &err, argv->pdata[0], argv->pdata[1],
                                   argv->pdata[2], argv->pdata[3], argv->pdata[4],
                                   argv->pdata[5], argv->pdata[6], argv->pdata[7],
                                   argv->pdata[8], argv->pdata[9], argv->pdata[10],
                                   argv->pdata[11], argv->pdata[12], argv->pdata[13],
                                   argv->pdata[14], argv->pdata[15], argv->pdata[16],
                                   argv->pdata[17], argv->pdata[18], argv->pdata[19], NULL);
  if (status != 0)
    g_error ("task add failed: %s%s", out, err);
  return g_strdup (g_strstrip (out));
}

static gint64
office_count (Setup      *s,
              const char *sql)
{
  g_autofree char *value = xuncha_test_office_query (s->dir, sql, NULL);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* A report of the officer @token, without photos. */
static void
put_report (Setup      *s,
            const char *token,
            const char *uuid)
{
  g_autofree char *path = g_strconcat ("api/v1/reports/", uuid, NULL);
  g_autofree char *body =
    g_strdup_printf ("{\"uuid\": \"%s\", \"created_at\": \"2024-05-01T08:30:00Z\", "
                     "\"category\": \"09006\", \"fields\": {}, \"photos\": [], "
                     "\"position\": {\"lat\": 30.6586, \"lon\": 104.0648, \"accuracy\": 6.5, "
                     "\"source\": \"gps\"}}", uuid);
  g_auto(Answer) answer = { 0 };

  expect (s, "PUT", path, token, body, 201, NULL, &answer);
}

static char *
result_body (const char *task_id,
             const char *result_uuid,
             const char *outcome,
             const char *reports,
             const char *extra)
{
  return g_strdup_printf ("{\"task_id\": \"%s\", \"result_uuid\": \"%s\", \"outcome\": \"%s\", "
                          "\"category\": null, \"report_uuids\": [%s], \"note\": \"\", "
                          "\"position\": null, \"shift_uuid\": null, "
                          "\"done_at\": \"2024-05-01T09:12:00Z\"%s}",
                          task_id, result_uuid, outcome, reports, extra != NULL ? extra : "");
}

static XunchaWireTask *
task_of (Answer *answer)
{
  g_autoptr(GError) error = NULL;
  XunchaWireTask *task = xuncha_wire_task_decode_answer (answer->body->str,
                                                         (gssize)answer->body->len, &error);

  g_assert_no_error (error);
  return task;
}

static GPtrArray *
tasks_of (Setup      *s,
          const char *token,
          gint64      since,
          gint64     *revision)
{
  g_autofree char *path = g_strdup_printf ("api/v1/tasks?since=%" G_GINT64_FORMAT, since);
  g_auto(Answer) answer = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks;

  expect (s, "GET", path, token, NULL, 200, NULL, &answer);
  tasks = xuncha_wire_task_delta_decode (answer.body->str, (gssize)answer.body->len, revision,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_ascii_strtoll (answer.revision, NULL, 10), ==, *revision);
  return tasks;
}

/* The case status `xuncha-office reports list` prints for @uuid. */
static char *
listed_status (Setup      *s,
               const char *uuid)
{
  g_autofree char *out = xuncha_test_office_admin (s->dir, "reports", "list", NULL);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], uuid))
      {
        g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);
        guint n = 0;

        for (guint j = 0; words[j] != NULL; j++)
          if (words[j][0] != '\0' && ++n == 5)
            return g_strdup (words[j]);
      }
  return NULL;
}

/* The loop: a verify added at the office reaches A1 (not C1), is accepted, done with his
 * report, and sent again (a lost answer): the same 200, stored once; the case is up for
 * filing in `reports list` and in the case statuses A1 pulls. A different result is a
 * conflict; a check's results move its case. */
static void
test_loop (void)
{
  Setup *s = setup_new ();
  g_autofree char *id = NULL, *check = NULL, *path = NULL, *body = NULL, *other = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  gint64 revision = 0, first;

  if (s == NULL)
    return;
  id = task_add (s, "--kind", "verify", "--officer", "A1", "--lat", "30.6586", "--lon",
                 "104.0648", "--radius", "40", "--deadline", "+2h", "--note", "市民热线：占道",
                 NULL);
  tasks = tasks_of (s, s->token_a, 0, &revision);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (((XunchaWireTask *)tasks->pdata[0])->id, ==, id);
  g_assert_cmpstr (((XunchaWireTask *)tasks->pdata[0])->note, ==, "市民热线：占道");
  g_assert_cmpfloat (((XunchaWireTask *)tasks->pdata[0])->radius_m, ==, 40);
  first = revision;
  g_clear_pointer (&tasks, g_ptr_array_unref);
  tasks = tasks_of (s, s->token_c, 0, &revision);
  g_assert_cmpuint (tasks->len, ==, 0);
  g_clear_pointer (&tasks, g_ptr_array_unref);

  /* Accept, twice: the same answer. */
  path = g_strdup_printf ("api/v1/tasks/%s/accept", id);
  for (guint i = 0; i < 2; i++)
    {
      g_auto(Answer) answer = { 0 };

      expect (s, "PUT", path, s->token_a, "{}", 200, NULL, &answer);
      task = task_of (&answer);
      g_assert_cmpstr (task->state, ==, "accepted");
      g_assert_cmpstr (task->accepted_by, ==, "A1");
      g_clear_pointer (&task, xuncha_wire_task_free);
    }
  {
    g_auto(Answer) answer = { 0 };

    expect (s, "PUT", path, s->token_c, "{}", 404, "not_found", &answer);
  }

  /* The result, then again: 201, then 200 with the same task; stored once. */
  put_report (s, s->token_a, REPORT_A);
  g_free (path);
  path = g_strdup_printf ("api/v1/tasks/%s/result", id);
  body = result_body (id, RESULT_1, "confirmed", "\"" REPORT_A "\"", NULL);
  {
    g_auto(Answer) answer = { 0 };
    g_auto(Answer) again = { 0 };
    g_autoptr(XunchaWireTask) stored = NULL;

    expect (s, "PUT", path, s->token_a, body, 201, NULL, &answer);
    task = task_of (&answer);
    g_assert_cmpstr (task->state, ==, "done");
    g_assert_cmpstr (task->report_uuid, ==, REPORT_A);
    g_assert_cmpstr (task->result->result_uuid, ==, RESULT_1);
    expect (s, "PUT", path, s->token_a, body, 200, NULL, &again);
    stored = task_of (&again);
    g_assert_cmpint (stored->revision, ==, task->revision);
  }
  g_assert_cmpint (office_count (s, "SELECT count(*) FROM tasks WHERE result IS NOT NULL"), ==,
                   1);
  status = listed_status (s, REPORT_A);
  g_assert_cmpstr (status, ==, "待立案");
  {
    g_auto(Answer) answer = { 0 };

    expect (s, "GET", "api/v1/reports?since=0", s->token_a, NULL, 200, NULL, &answer);
    g_assert_nonnull (strstr (answer.body->str, "待立案"));
  }
  tasks = tasks_of (s, s->token_a, first, &revision);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (((XunchaWireTask *)tasks->pdata[0])->state, ==, "done");
  g_clear_pointer (&tasks, g_ptr_array_unref);

  /* Another result for it: a conflict, the first stays. */
  other = result_body (id, RESULT_2, "not_found", "", NULL);
  {
    g_auto(Answer) answer = { 0 };

    expect (s, "PUT", path, s->token_a, other, 409, "conflict", &answer);
  }

  /* A check of A1's case (officer, place and category from the report): fixed proposes
   * closing, in reports list. */
  check = task_add (s, "--kind", "check", "--report", REPORT_A, "--deadline", "+1d", NULL);
  g_clear_pointer (&task, xuncha_wire_task_free);
  {
    g_autofree char *check_path = g_strdup_printf ("api/v1/tasks/%s/result", check);
    g_autofree char *fixed = result_body (check, RESULT_2, "fixed", "", NULL);
    g_auto(Answer) answer = { 0 };

    expect (s, "PUT", check_path, s->token_a, fixed, 201, NULL, &answer);
    task = task_of (&answer);
    g_assert_cmpstr (task->officer_id, ==, "A1");
    g_assert_true (task->has_position);
    g_assert_cmpstr (task->category, ==, "09006");
  }
  g_free (status);
  status = listed_status (s, REPORT_A);
  g_assert_cmpstr (status, ==, "待结案");
  setup_free (s);
}

typedef struct
{
  Setup      *s;
  const char *path;
  const char *token;
  GMutex     *lock;
  GCond      *go;
  gboolean   *started;
  long        status;
  char       *code;
} Racer;

static gpointer
race (gpointer data)
{
  Racer *racer = data;
  g_auto(Answer) answer = { 0 };

  g_mutex_lock (racer->lock);
  while (!*racer->started)
    g_cond_wait (racer->go, racer->lock);
  g_mutex_unlock (racer->lock);
  call (racer->s, "PUT", racer->path, racer->token, "{}", &answer);
  racer->status = answer.status;
  if (answer.status == 409)
    {
      g_autoptr(XunchaWireTask) task = task_of (&answer);
      g_autofree char *message = NULL;

      g_assert_true (xuncha_protocol_decode_error (answer.body->str, (gssize)answer.body->len,
                                                   &racer->code, &message, NULL));
      g_assert_cmpstr (task->state, ==, "accepted");
    }
  return NULL;
}

/* A team task accepted by two officers at once, over HTTPS: exactly one 200, the other
 * 409 task_taken with the task (who took it); an officer of another team does not see
 * it. */
static void
test_team_race (void)
{
  Setup *s = setup_new ();

  if (s == NULL)
    return;
  for (guint round = 0; round < 4; round++)
    {
      g_autofree char *id = task_add (s, "--kind", "verify", "--team", "T1", "--lat", "30.6",
                                      "--lon", "104.0", "--deadline", "+2h", NULL);
      g_autofree char *path = g_strdup_printf ("api/v1/tasks/%s/accept", id);
      GMutex lock;
      GCond go;
      gboolean started = FALSE;
      Racer racers[2] = {
        { s, path, s->token_a, &lock, &go, &started },
        { s, path, s->token_b, &lock, &go, &started },
      };
      GThread *threads[2];
      g_auto(Answer) answer = { 0 };

      g_mutex_init (&lock);
      g_cond_init (&go);
      for (guint i = 0; i < 2; i++)
        threads[i] = g_thread_new ("racer", race, &racers[i]);
      g_mutex_lock (&lock);
      started = TRUE;
      g_cond_broadcast (&go);
      g_mutex_unlock (&lock);
      for (guint i = 0; i < 2; i++)
        g_thread_join (threads[i]);
      g_assert_cmpint (MIN (racers[0].status, racers[1].status), ==, 200);
      g_assert_cmpint (MAX (racers[0].status, racers[1].status), ==, 409);
      g_assert_cmpstr (racers[0].status == 409 ? racers[0].code : racers[1].code, ==,
                       "task_taken");
      expect (s, "PUT", path, s->token_c, "{}", 404, "not_found", &answer);
      g_free (racers[0].code);
      g_free (racers[1].code);
      g_mutex_clear (&lock);
      g_cond_clear (&go);
    }
  setup_free (s);
}

/* A task cancelled at the office while its result waited on the device: the result is
 * stored (201) against the cancelled task, which stays cancelled, and `task list` says so;
 * an expired one alike; neither can be accepted. A roll call without its shift is refused,
 * nothing stored. */
static void
test_cancelled_expired_rollcall (void)
{
  Setup *s = setup_new ();
  g_autofree char *cancelled = NULL, *expired = NULL, *rollcall = NULL, *listing = NULL;

  if (s == NULL)
    return;
  put_report (s, s->token_a, REPORT_A);
  cancelled = task_add (s, "--kind", "verify", "--officer", "A1", "--lat", "30.6", "--lon",
                        "104.0", "--deadline", "+2h", NULL);
  g_free (xuncha_test_office_admin (s->dir, "task", "cancel", cancelled, NULL));
  {
    g_autofree char *accept = g_strdup_printf ("api/v1/tasks/%s/accept", cancelled);
    g_autofree char *path = g_strdup_printf ("api/v1/tasks/%s/result", cancelled);
    g_autofree char *body = result_body (cancelled, RESULT_1, "confirmed", "\"" REPORT_A "\"",
                                         NULL);
    g_auto(Answer) refused = { 0 };
    g_auto(Answer) answer = { 0 };
    g_autoptr(XunchaWireTask) task = NULL;

    expect (s, "PUT", accept, s->token_a, "{}", 409, "task_closed", &refused);
    expect (s, "PUT", path, s->token_a, body, 201, NULL, &answer);
    task = task_of (&answer);
    g_assert_cmpstr (task->state, ==, "cancelled");
    g_assert_cmpstr (task->result->outcome, ==, "confirmed");
  }
  expired = task_add (s, "--kind", "patrol", "--officer", "A1", "--deadline",
                      "2020-01-01T00:00:00Z", NULL);
  {
    g_autofree char *accept = g_strdup_printf ("api/v1/tasks/%s/accept", expired);
    g_autofree char *path = g_strdup_printf ("api/v1/tasks/%s/result", expired);
    g_autofree char *body = result_body (expired, RESULT_2, "walked", "", NULL);
    g_auto(Answer) refused = { 0 };
    g_auto(Answer) answer = { 0 };
    g_autoptr(XunchaWireTask) task = NULL;

    expect (s, "PUT", accept, s->token_a, "{}", 409, "task_closed", &refused);
    expect (s, "PUT", path, s->token_a, body, 201, NULL, &answer);
    task = task_of (&answer);
    g_assert_cmpstr (task->state, ==, "expired");
  }
  listing = xuncha_test_office_admin (s->dir, "task", "list", NULL);
  g_assert_nonnull (strstr (listing, "result after cancel"));
  g_assert_nonnull (strstr (listing, "result after the deadline"));

  rollcall = task_add (s, "--kind", "rollcall", "--team", "T1", "--deadline", "+1h", NULL);
  {
    g_autofree char *path = g_strdup_printf ("api/v1/tasks/%s/result", rollcall);
    g_autofree char *body = g_strdup_printf (
      "{\"task_id\": \"%s\", \"result_uuid\": \"" RESULT_1 "\", \"outcome\": \"present\", "
      "\"category\": null, \"report_uuids\": [], \"note\": \"\", \"position\": {\"lat\": 30.6, "
      "\"lon\": 104.0, \"accuracy\": 5.0, \"source\": \"gps\"}, \"shift_uuid\": null, "
      "\"done_at\": \"2024-05-01T09:12:00Z\"}", rollcall);
    g_autofree char *with_shift = g_strdup_printf (
      "{\"task_id\": \"%s\", \"result_uuid\": \"" RESULT_1 "\", \"outcome\": \"present\", "
      "\"category\": null, \"report_uuids\": [], \"note\": \"\", \"position\": {\"lat\": 30.6, "
      "\"lon\": 104.0, \"accuracy\": 5.0, \"source\": \"gps\"}, \"shift_uuid\": \"" SHIFT_A "\", "
      "\"done_at\": \"2024-05-01T09:12:00Z\"}", rollcall);
    g_auto(Answer) refused = { 0 };
    g_auto(Answer) answer = { 0 };

    expect (s, "PUT", path, s->token_b, body, 422, NULL, &refused);
    g_assert_nonnull (strstr (refused.body->str, "shift_uuid"));
    g_assert_cmpint (office_count (s, "SELECT count(*) FROM tasks WHERE result IS NOT NULL"),
                     ==, 2);
    expect (s, "PUT", path, s->token_b, with_shift, 201, NULL, &answer);
  }
  setup_free (s);
}

/* A photo of a task reaches whom the task is for (its bytes, image/jpeg); another officer
 * gets 404, as for a photo the office does not hold. A report's photo: its officer only. */
static void
test_photo_access (void)
{
  Setup *s = setup_new ();
  g_autofree char *fixture = xuncha_test_source_path ("tests/fixtures/sync-photo.jpg");
  g_autofree char *data = NULL, *sha = NULL, *id = NULL, *path = NULL;
  gsize length = 0;

  if (s == NULL)
    return;
  g_assert_true (g_file_get_contents (fixture, &data, &length, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
  id = task_add (s, "--kind", "verify", "--officer", "A1", "--lat", "30.6", "--lon", "104.0",
                 "--deadline", "+2h", "--photo", fixture, NULL);
  path = g_strconcat ("api/v1/photos/", sha, NULL);
  {
    g_auto(Answer) answer = { 0 };

    expect (s, "GET", path, s->token_a, NULL, 200, NULL, &answer);
    g_assert_cmpstr (answer.content_type, ==, "image/jpeg");
    g_assert_cmpuint (answer.body->len, ==, length);
    g_assert_true (memcmp (answer.body->str, data, length) == 0);
  }
  {
    g_auto(Answer) other = { 0 };
    g_auto(Answer) unknown = { 0 };
    g_auto(Answer) malformed = { 0 };

    expect (s, "GET", path, s->token_c, NULL, 404, "not_found", &other);
    expect (s, "GET", "api/v1/photos/"
            "0000000000000000000000000000000000000000000000000000000000000000",
            s->token_a, NULL, 404, "not_found", &unknown);
    expect (s, "GET", "api/v1/photos/..%2F..%2Foffice.db", s->token_a, NULL, 400,
            "bad_request", &malformed);
  }
  setup_free (s);
}

/* Messages: to A1's team and to C1; each gets his own; read is per officer and
 * idempotent (the first read_at stays), and the read moves the message in his delta. */
static void
test_messages (void)
{
  Setup *s = setup_new ();
  g_autofree char *team = NULL, *direct = NULL, *read_path = NULL, *out = NULL;
  gint64 revision = 0, before;

  if (s == NULL)
    return;
  team = g_strstrip (xuncha_test_office_admin (s->dir, "message", "send", "--team", "T1",
                                               "--title", "今晚集中整治", "--body",
                                               "19:00 陈寿路集合", NULL));
  direct = g_strstrip (xuncha_test_office_admin (s->dir, "message", "send", "--officer", "C1",
                                                 "--title", "t", "--body", "b", NULL));
  {
    g_auto(Answer) answer = { 0 };
    g_autoptr(GPtrArray) messages = NULL;
    g_autoptr(GError) error = NULL;

    expect (s, "GET", "api/v1/messages?since=0", s->token_a, NULL, 200, NULL, &answer);
    messages = xuncha_wire_message_delta_decode (answer.body->str, (gssize)answer.body->len,
                                                 &revision, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (messages->len, ==, 1);
    g_assert_cmpstr (((XunchaWireMessage *)messages->pdata[0])->title, ==, "今晚集中整治");
    g_assert_cmpstr (((XunchaWireMessage *)messages->pdata[0])->sender, ==, "Command centre");
  }
  before = revision;
  read_path = g_strdup_printf ("api/v1/messages/%s/read", team);
  {
    g_auto(Answer) first = { 0 };
    g_auto(Answer) again = { 0 };
    g_auto(Answer) not_his = { 0 };
    g_autofree char *other_path = g_strdup_printf ("api/v1/messages/%s/read", direct);

    expect (s, "PUT", read_path, s->token_a, "{\"read_at\": \"2024-05-01T09:00:00Z\"}", 200,
            NULL, &first);
    expect (s, "PUT", read_path, s->token_a, "{\"read_at\": \"2024-05-01T10:00:00Z\"}", 200,
            NULL, &again);
    g_assert_nonnull (strstr (again.body->str, "2024-05-01T09:00:00Z"));
    expect (s, "PUT", other_path, s->token_a, "{\"read_at\": \"2024-05-01T09:00:00Z\"}", 404,
            "not_found", &not_his);
  }
  {
    g_autofree char *path = g_strdup_printf ("api/v1/messages?since=%" G_GINT64_FORMAT,
                                             before);
    g_auto(Answer) mine = { 0 };
    g_auto(Answer) b = { 0 };

    expect (s, "GET", path, s->token_a, NULL, 200, NULL, &mine);
    g_assert_nonnull (strstr (mine.body->str, "2024-05-01T09:00:00Z"));
    expect (s, "GET", "api/v1/messages?since=0", s->token_b, NULL, 200, NULL, &b);
    g_assert_null (strstr (b.body->str, "2024-05-01T09:00:00Z"));
  }
  out = xuncha_test_office_admin (s->dir, "message", "list", NULL);
  g_assert_nonnull (strstr (out, "2 messages"));
  setup_free (s);
}

/* Hostile bodies: an unknown member, a huge note, an outcome of no kind, deep nesting, a
 * task id that is not the path's, another officer's task, a report the office lacks: each
 * refused with its code, nothing stored. Bad command lines change nothing either. */
static void
test_hostile (void)
{
  Setup *s = setup_new ();
  g_autofree char *id = NULL, *path = NULL, *huge = NULL, *note = NULL, *deep = NULL;
  g_autofree char *unknown = NULL, *bad = NULL, *lacking = NULL, *other = NULL;
  g_autofree char *out = NULL, *err = NULL;
  GString *nested = g_string_new (NULL);

  if (s == NULL)
    return;
  id = task_add (s, "--kind", "verify", "--officer", "A1", "--lat", "30.6", "--lon", "104.0",
                 "--deadline", "+2h", NULL);
  path = g_strdup_printf ("api/v1/tasks/%s/result", id);
  unknown = result_body (id, RESULT_1, "confirmed", "", ", \"extra\": 1");
  note = g_strnfill (3000, 'x');
  huge = g_strdup_printf ("{\"task_id\": \"%s\", \"result_uuid\": \"" RESULT_1 "\", "
                          "\"outcome\": \"not_found\", \"category\": null, \"report_uuids\": [], "
                          "\"note\": \"%s\", \"position\": null, \"shift_uuid\": null, "
                          "\"done_at\": \"2024-05-01T09:12:00Z\"}", id, note);
  bad = result_body (id, RESULT_1, "walked", "", NULL);
  lacking = result_body (id, RESULT_1, "confirmed", "\"" REPORT_B "\"", NULL);
  other = result_body (REPORT_B, RESULT_1, "confirmed", "", NULL);
  for (guint i = 0; i < 200; i++)
    g_string_append_c (nested, '[');
  for (guint i = 0; i < 200; i++)
    g_string_append_c (nested, ']');
  deep = g_strdup_printf ("{\"task_id\": \"%s\", \"note\": %s}", id, nested->str);
  g_string_free (nested, TRUE);
  {
    g_auto(Answer) a = { 0 };
    g_auto(Answer) b = { 0 };
    g_auto(Answer) c = { 0 };
    g_auto(Answer) d = { 0 };
    g_auto(Answer) e = { 0 };
    g_auto(Answer) f = { 0 };
    g_auto(Answer) g = { 0 };
    g_auto(Answer) h = { 0 };
    g_autofree char *accept = g_strdup_printf ("api/v1/tasks/%s/accept", id);

    expect (s, "PUT", path, s->token_a, unknown, 400, "bad_request", &a);
    g_assert_nonnull (strstr (a.body->str, "extra"));
    expect (s, "PUT", path, s->token_a, huge, 422, "invalid_value", &b);
    g_assert_nonnull (strstr (b.body->str, "note"));
    expect (s, "PUT", path, s->token_a, bad, 422, "invalid_value", &c);
    expect (s, "PUT", path, s->token_a, deep, 400, "bad_request", &d);
    expect (s, "PUT", path, s->token_a, lacking, 422, "invalid_value", &e);
    g_assert_nonnull (strstr (e.body->str, "report_uuids[0]"));
    expect (s, "PUT", path, s->token_a, other, 400, "bad_request", &f);
    expect (s, "PUT", path, s->token_c, lacking, 403, "forbidden", &g);
    expect (s, "PUT", accept, s->token_a, "{\"officer\": \"B1\"}", 400, "bad_request", &h);
  }
  g_assert_cmpint (office_count (s, "SELECT count(*) FROM tasks WHERE result IS NOT NULL "
                                    "OR state <> 'open'"), ==, 0);

  /* The command line: each refused with its reason, no task added. */
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "task", "add", "--kind", "verify",
                                           "--officer", "A1", "--deadline", "+2h", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--lat"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "task", "add", "--kind", "chase",
                                           "--officer", "A1", "--deadline", "+2h", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "task", "add", "--kind", "patrol",
                                           "--officer", "A1", "--deadline", "tomorrow", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--deadline"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "task", "add", "--kind", "patrol",
                                           "--officer", "A1", "--deadline", "+1d", "--note",
                                           note, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "note"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "task", "add", "--kind", "patrol",
                                           "--officer", "Z9", "--deadline", "+1d", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no officer Z9"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (s->dir, &out, &err, "message", "send", "--team",
                                           "T9", "--title", "t", "--body", "b", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "team T9"));
  g_assert_cmpint (office_count (s, "SELECT count(*) FROM tasks"), ==, 1);
  g_assert_cmpint (office_count (s, "SELECT count(*) FROM messages"), ==, 0);
  setup_free (s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/office-tasks/loop", test_loop);
  g_test_add_func ("/office-tasks/team-race", test_team_race);
  g_test_add_func ("/office-tasks/cancelled-expired-rollcall", test_cancelled_expired_rollcall);
  g_test_add_func ("/office-tasks/photo-access", test_photo_access);
  g_test_add_func ("/office-tasks/messages", test_messages);
  g_test_add_func ("/office-tasks/hostile", test_hostile);

  return g_test_run ();
}
