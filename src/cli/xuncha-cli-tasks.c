/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* tasks [--all] [--json]; task show|accept|do; messages [--unread] [--json]; message read */

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *member,
          const char * const *strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_real (JsonBuilder *builder,
          const char  *member,
          double       value)
{
  json_builder_set_member_name (builder, member);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
build_task (JsonBuilder      *builder,
            const XunchaTask *task,
            gint64            now_ms)
{
  json_builder_begin_object (builder);
  add_string (builder, "id", task->id);
  add_string (builder, "origin", task->origin == XUNCHA_TASK_ORIGIN_DEVICE ? "device" : "office");
  add_string (builder, "kind", task->kind);
  add_string (builder, "state", task->state);
  add_string (builder, "officer_id", task->officer_id);
  add_string (builder, "team", task->team);
  add_string (builder, "accepted_by", task->accepted_by);
  add_string (builder, "deadline", task->deadline);
  json_builder_set_member_name (builder, "overdue");
  json_builder_add_boolean_value (builder, xuncha_task_is_overdue (task, now_ms));
  add_real (builder, "lat", task->lat);
  add_real (builder, "lon", task->lon);
  add_real (builder, "radius_m", task->radius_m);
  add_string (builder, "category", task->category);
  add_strv (builder, "street_ids", (const char * const *)task->street_ids);
  add_string (builder, "report_uuid", task->report_uuid);
  add_string (builder, "note", task->note);
  add_strv (builder, "photos", (const char * const *)task->photos);
  add_string (builder, "accepted_here_at", task->accept_at);
  json_builder_set_member_name (builder, "taken");
  json_builder_add_boolean_value (builder, task->taken);
  json_builder_set_member_name (builder, "doable");
  json_builder_add_boolean_value (builder, xuncha_task_is_doable (task));
  add_string (builder, "outcome", task->outcome);
  json_builder_end_object (builder);
}

static void
print_task_line (const XunchaTask *task,
                 gint64            now_ms)
{
  const char *mark = xuncha_task_is_overdue (task, now_ms) ? _("overdue") : "";

  printf ("%s  %s  %s  %s  %s  %s\n", task->id, xuncha_task_kind_label (task->kind),
          task->taken ? _("taken by another officer") : xuncha_task_state_label (task->state),
          task->deadline, mark, task->note != NULL ? task->note : "");
}

static int
list_tasks (XunchaStore *store,
            int          argc,
            char       **argv)
{
  gboolean all = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every task the device holds, done and closed too"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  if (!xuncha_cli_parse_options ("tasks", "", _("The tasks to do, by deadline"), entries,
                                 &argc, &argv))
    return 2;
  tasks = xuncha_task_store_list (store, now_ms, all, &error);
  if (tasks == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < tasks->len; i++)
        build_task (builder, tasks->pdata[i], now_ms);
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }
  if (tasks->len == 0)
    printf ("%s\n", _("No tasks."));
  for (guint i = 0; i < tasks->len; i++)
    print_task_line (tasks->pdata[i], now_ms);
  return 0;
}

static int
show_task (XunchaStore *store,
           const char  *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTask) task = xuncha_task_store_get (store, id, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (task == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  build_task (builder, task, g_get_real_time () / 1000);
  root = json_builder_get_root (builder);
  xuncha_cli_print_json (root);
  return 0;
}

static int
accept_task (XunchaStore *store,
             const char  *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = now_iso ();

  if (!xuncha_task_store_accept (store, id, now, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Accepted %s; the office is told with the next sync.\n"), id);
  return 0;
}

/* A roll call is answered with the latest fix of the open shift, or the position given. */
static gboolean
fill_shift (XunchaStore       *store,
            XunchaTaskResult  *result,
            gboolean           need_fix,
            GError           **error)
{
  g_autoptr(XunchaShift) shift = xuncha_shift_get_open (store, error);
  XunchaFix fix;
  gint64 seq;

  if (shift == NULL)
    return error == NULL || *error == NULL;
  result->shift_uuid = g_strdup (xuncha_shift_get_uuid (shift));
  if (!need_fix || !isnan (result->lat))
    return TRUE;
  if (!xuncha_shift_get_last_point (shift, store, &seq, &fix, error))
    return error == NULL || *error == NULL;
  result->lat = fix.lat;
  result->lon = fix.lon;
  result->accuracy = fix.accuracy;
  g_free (result->position_source);
  result->position_source = g_strdup ("gps");
  return TRUE;
}

/* The report made for the task with `task do --photo`: the category given, else the
 * task's; the position given, else the photos' or the track's, as `report add` does. */
static XunchaReport *
report_for_task (const XunchaTask  *task,
                 const char        *category,
                 char             **photos,
                 double             lat,
                 double             lon,
                 double             accuracy,
                 GError           **error)
{
  XunchaReport *report;

  if (category == NULL)
    category = task->category;
  if (category == NULL)
    {
      g_set_error_literal (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_INVALID,
                           _("The task names no category: give --category for its report."));
      return NULL;
    }
  report = xuncha_report_new (category);
  if (!isnan (lat))
    xuncha_report_set_position (report, lat, lon, accuracy, NAN, NAN,
                                XUNCHA_POSITION_SOURCE_MANUAL);
  for (guint i = 0; photos[i] != NULL; i++)
    xuncha_report_add_photo_file (report, photos[i], XUNCHA_PHOTO_ROLE_BEFORE);
  return report;
}

static void
add_report_uuid (XunchaTaskResult *result,
                 const char       *uuid)
{
  guint n = g_strv_length (result->report_uuids);

  result->report_uuids = g_renew (char *, result->report_uuids, n + 2);
  result->report_uuids[n] = g_strdup (uuid);
  result->report_uuids[n + 1] = NULL;
}

/* The report (when photos are given), the accept and the result are kept in one
 * transaction: a refusal or a kill leaves none of them, never one without the other. */
static gboolean
save_done_task (XunchaStore        *store,
                const XunchaTask   *task,
                XunchaReport       *report,
                XunchaTaskResult   *result,
                const char         *now,
                GError            **error)
{
  g_autoptr(XunchaReportStore) reports = NULL;

  if (report != NULL && (reports = xuncha_report_store_new (store, error)) == NULL)
    return FALSE;
  if (!xuncha_store_begin (store, error))
    return FALSE;
  if (report != NULL)
    {
      if (!xuncha_report_store_save (reports, report, NULL, error))
        goto failed;
      add_report_uuid (result, xuncha_report_get_uuid (report));
    }
  if (!fill_shift (store, result, g_strcmp0 (task->kind, "rollcall") == 0, error)
      || !xuncha_task_store_accept (store, task->id, now, error)
      || !xuncha_task_store_save_result (store, result, error)
      || !xuncha_store_commit (store, error))
    goto failed;
  return TRUE;

failed:
  xuncha_store_rollback (store);
  return FALSE;
}

static int
do_task (XunchaStore *store,
         int          argc,
         char       **argv)
{
  g_autofree char *outcome = NULL;
  g_autofree char *category = NULL;
  g_autofree char *note = NULL;
  g_auto(GStrv) reports = NULL;
  g_auto(GStrv) photos = NULL;
  double lat = NAN, lon = NAN, accuracy = NAN;
  GOptionEntry entries[] = {
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome, N_("What was found: confirmed, not_found, different; fixed, not_fixed, partly; present; walked"), N_("OUTCOME") },
    { "report", 0, 0, G_OPTION_ARG_STRING_ARRAY, &reports, N_("A report made for the task (repeat for more)"), N_("UUID") },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &photos, N_("Report what was found with this photo, kept with the result (repeat for more)"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("The right category, for different (and the report's, when not the task's)"), N_("CODE") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note for the office"), N_("TEXT") },
    { "lat", 0, 0, G_OPTION_ARG_DOUBLE, &lat, N_("Latitude (WGS-84), instead of the shift's last fix"), N_("DEG") },
    { "lon", 0, 0, G_OPTION_ARG_DOUBLE, &lon, N_("Longitude (WGS-84)"), N_("DEG") },
    { "accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &accuracy, N_("Horizontal accuracy in metres"), N_("M") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTask) task = NULL;
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(XunchaTaskResult) result = xuncha_task_result_new ();
  g_autofree char *now = now_iso ();

  if (!xuncha_cli_parse_options ("task", "do ID --outcome OUTCOME",
                                 _("Finish a task: what was found, and the reports made for it"),
                                 entries, &argc, &argv))
    return 2;
  if (argc != 3 || outcome == NULL)
    {
      g_printerr ("%s\n", _("Usage: xuncha-cli task do ID --outcome OUTCOME [--report UUID]… "
                            "[--photo FILE]… [--category CODE] [--note TEXT] "
                            "[--lat DEG --lon DEG [--accuracy M]]"));
      return 2;
    }
  if (isnan (lat) != isnan (lon))
    {
      g_printerr ("%s\n", _("Give both --lat and --lon, or neither."));
      return 2;
    }
  task = xuncha_task_store_get (store, argv[2], &error);
  if (task == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (photos != NULL
      && (report = report_for_task (task, category, photos, lat, lon, accuracy,
                                    &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  result->result_uuid = g_uuid_string_random ();
  result->task_id = g_strdup (task->id);
  result->outcome = g_steal_pointer (&outcome);
  /* The result names a category only to correct the task's. */
  if (g_strcmp0 (result->outcome, "different") == 0)
    result->category = g_strdup (category);
  if (reports != NULL)
    {
      g_strfreev (result->report_uuids);
      result->report_uuids = g_steal_pointer (&reports);
    }
  if (note != NULL)
    {
      g_free (result->note);
      result->note = g_steal_pointer (&note);
    }
  result->lat = lat;
  result->lon = lon;
  result->accuracy = accuracy;
  if (!isnan (lat))
    result->position_source = g_strdup ("manual");
  result->done_at = g_strdup (now);
  if (!save_done_task (store, task, report, result, now, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (report != NULL)
    printf (_("Report %s saved for the task.\n"), xuncha_report_get_uuid (report));
  printf (_("Task %s done (%s); the result is sent with the next sync.\n"), task->id,
          xuncha_task_outcome_label (result->outcome));
  return 0;
}

int
xuncha_cli_tasks (XunchaCliContext  *ctx,
                  int                argc,
                  char             **argv)
{
  g_autoptr(GError) error = NULL;
  XunchaStore *store = xuncha_cli_context_get_store (ctx, &error);

  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return list_tasks (store, argc, argv);
}

int
xuncha_cli_task (XunchaCliContext  *ctx,
                 int                argc,
                 char             **argv)
{
  g_autoptr(GError) error = NULL;
  XunchaStore *store;

  if (argc >= 2 && g_str_equal (argv[1], "do"))
    {
      store = xuncha_cli_context_get_store (ctx, &error);
      if (store == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return do_task (store, argc, argv);
    }
  if (argc != 3 || !(g_str_equal (argv[1], "show") || g_str_equal (argv[1], "accept")))
    {
      g_printerr ("%s\n", _("Usage: xuncha-cli task show|accept ID | task do ID --outcome "
                            "OUTCOME [--report UUID]…"));
      return 2;
    }
  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_str_equal (argv[1], "show"))
    return show_task (store, argv[2]);
  return accept_task (store, argv[2]);
}

int
xuncha_cli_messages (XunchaCliContext  *ctx,
                     int                argc,
                     char             **argv)
{
  gboolean unread = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "unread", 0, 0, G_OPTION_ARG_NONE, &unread, N_("Only those not read yet"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("messages", "", _("The office's messages, newest first"),
                                 entries, &argc, &argv))
    return 2;
  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL || (messages = xuncha_message_store_list (store, unread, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < messages->len; i++)
        {
          const XunchaMessage *m = messages->pdata[i];

          json_builder_begin_object (builder);
          add_string (builder, "id", m->id);
          add_string (builder, "audience", m->audience);
          add_string (builder, "sender", m->sender);
          add_string (builder, "title", m->title);
          add_string (builder, "body", m->body);
          add_string (builder, "sent_at", m->sent_at);
          add_string (builder, "read_at", m->read_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }
  if (messages->len == 0)
    printf ("%s\n", _("No messages."));
  for (guint i = 0; i < messages->len; i++)
    {
      const XunchaMessage *m = messages->pdata[i];

      printf ("%s  %s  %s%s: %s\n  %s\n", m->id, m->sent_at, m->read_at == NULL ? "* " : "",
              m->sender, m->title, m->body);
    }
  return 0;
}

int
xuncha_cli_message (XunchaCliContext  *ctx,
                    int                argc,
                    char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = now_iso ();
  XunchaStore *store;

  if (argc != 3 || !g_str_equal (argv[1], "read"))
    {
      g_printerr ("%s\n", _("Usage: xuncha-cli message read ID"));
      return 2;
    }
  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL || !xuncha_message_store_mark_read (store, argv[2], now, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
