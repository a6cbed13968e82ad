/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-cli.h"

/* Tasks and messages from the office's command line: each checked whole before the records
 * are opened, so that bad input changes nothing. */

/* An office's task time: ISO 8601 in UTC to the second. */
static char *
iso_seconds (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* "+2h", "+30m", "+1d" from now, or an ISO 8601 time (UTC when it names no zone). */
static char *
deadline_parse (const char *text,
                GDateTime  *now)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;

  if (text == NULL)
    return NULL;
  if (text[0] == '+')
    {
      char *end = NULL;
      gint64 n = g_ascii_strtoll (text + 1, &end, 10);
      gint64 unit_s;

      if (end == text + 1 || n <= 0 || n > 10000 || end[0] == '\0' || end[1] != '\0')
        return NULL;
      if (end[0] == 'm')
        unit_s = 60;
      else if (end[0] == 'h')
        unit_s = 3600;
      else if (end[0] == 'd')
        unit_s = 86400;
      else
        return NULL;
      time = g_date_time_add_seconds (now, (gdouble)(n * unit_s));
    }
  else
    time = g_date_time_new_from_iso8601 (text, utc);
  return time != NULL ? iso_seconds (time) : NULL;
}

static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s\n", message);
  return 1;
}

/* Puts the JPEG @path into the photo store; its SHA-256 name, or NULL (said). */
static char *
photo_put (XunchaOfficePhotoStore *photos,
           const char             *path,
           gint64                  max_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficePhotoUpload) upload = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *received_at = NULL;
  gsize length = 0;
  gboolean created;
  gint64 bytes;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      fail ("%s", error->message);
      return NULL;
    }
  if (length < 3 || (guint8)data[0] != 0xff || (guint8)data[1] != 0xd8
      || (guint8)data[2] != 0xff || (gint64)length > max_bytes)
    {
      fail (_("%s is not a JPEG photo of at most %lld bytes."), path, (long long)max_bytes);
      return NULL;
    }
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *)data, length);
  upload = xuncha_office_photo_store_begin (photos, &error);
  if (upload == NULL
      || !xuncha_office_photo_upload_write (upload, (const guint8 *)data, length, &error)
      || !xuncha_office_photo_upload_commit (upload, sha, &created, &bytes, &received_at, &error))
    {
      fail ("%s", error->message);
      return NULL;
    }
  return g_steal_pointer (&sha);
}

static void
print_task (const XunchaWireTask *task)
{
  const char *late = "";

  if (task->result != NULL && g_str_equal (task->state, "cancelled"))
    late = _("  (result after cancel)");
  else if (task->result != NULL && g_str_equal (task->state, "expired"))
    late = _("  (result after the deadline)");
  printf ("%s  %-8s %-10s %-9s %s  %s%s\n", task->id, task->kind,
          task->officer_id != NULL ? task->officer_id : task->team, task->state,
          task->deadline, task->note, late);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

typedef struct
{
  char    *kind;
  char    *officer;
  char    *team;
  double   lat, lon, radius;
  char    *category;
  char    *report;
  char   **streets;
  char   **photos;
  char    *deadline;
  char    *note;
} TaskOptions;

static void
task_options_clear (TaskOptions *o)
{
  g_free (o->kind);
  g_free (o->officer);
  g_free (o->team);
  g_free (o->category);
  g_free (o->report);
  g_strfreev (o->streets);
  g_strfreev (o->photos);
  g_free (o->deadline);
  g_free (o->note);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TaskOptions, task_options_clear)

/* A check takes what it does not say from its case: the officer who reported it, the
 * place, the category and the photos. */
static gboolean
fill_from_report (XunchaOfficeRecords *records,
                  XunchaWireTask      *task,
                  GStrvBuilder        *photos,
                  guint               *n_photos)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeReportRecord) record =
    xuncha_office_records_report_get (records, NULL, task->report_uuid, &error);
  const XunchaWireReport *report;

  if (record == NULL)
    {
      fail (_("The office holds no report %s: check the id (xuncha-office reports list)."),
            task->report_uuid);
      return FALSE;
    }
  report = record->report;
  if (task->officer_id == NULL && task->team == NULL)
    task->officer_id = g_strdup (record->officer_id);
  if (!task->has_position && report->has_position)
    {
      task->has_position = TRUE;
      task->lat = report->lat;
      task->lon = report->lon;
      task->radius_m = 50;
    }
  if (task->category == NULL)
    task->category = g_strdup (report->category);
  for (guint i = 0; i < report->photos->len && *n_photos < XUNCHA_WIRE_TASK_PHOTOS_MAX; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      g_strv_builder_add (photos, photo->sha256);
      (*n_photos)++;
    }
  return TRUE;
}

static int
task_add (int    argc,
          char **argv)
{
  g_auto(TaskOptions) o = { .lat = NAN, .lon = NAN, .radius = NAN };
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind, N_("verify, check, rollcall or patrol"),
      N_("KIND") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &o.officer, N_("The officer it is for"), N_("ID") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &o.team,
      N_("The team it is for (the first officer who accepts it takes it)"), N_("TEAM") },
    { "lat", 0, 0, G_OPTION_ARG_DOUBLE, &o.lat, N_("Where (verify, check)"), N_("DEGREES") },
    { "lon", 0, 0, G_OPTION_ARG_DOUBLE, &o.lon, N_("Where (verify, check)"), N_("DEGREES") },
    { "radius", 0, 0, G_OPTION_ARG_DOUBLE, &o.radius, N_("Around where, in metres (default 50)"),
      N_("M") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &o.category, N_("A category code"), N_("CODE") },
    { "report", 0, 0, G_OPTION_ARG_STRING, &o.report, N_("The case (check: required)"),
      N_("UUID") },
    { "street", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.streets, N_("A segment to walk (patrol)"),
      N_("ID") },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.photos, N_("A photo to show"),
      N_("FILE.jpg") },
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &o.deadline,
      N_("When it is due: an ISO 8601 time, or +30m, +2h, +1d from now"), N_("TIME") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &o.note, N_("What to do"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  g_autoptr(XunchaWireTask) task = xuncha_wire_task_new ();
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  gboolean placed;
  guint n_photos = 0;

  if (!parse_described ("task add", "--kind KIND (--officer ID | --team T) --deadline TIME",
                        NULL, entries, &argc, &argv))
    return 2;
  if (argc != 1 || o.kind == NULL || !xuncha_wire_task_is_kind (o.kind))
    {
      g_printerr (_("Say which kind of task: --kind verify, check, rollcall or patrol.\n"));
      return 2;
    }
  if (o.officer != NULL && o.team != NULL)
    {
      g_printerr (_("A task is for one officer (--officer) or one team (--team), not both.\n"));
      return 2;
    }
  if (o.officer == NULL && o.team == NULL && !g_str_equal (o.kind, "check"))
    {
      g_printerr (_("Say whom the task is for: --officer ID or --team TEAM.\n"));
      return 2;
    }
  if (g_str_equal (o.kind, "check") && o.report == NULL)
    {
      g_printerr (_("A check names its case: --report UUID.\n"));
      return 2;
    }
  if (isnan (o.lat) != isnan (o.lon))
    {
      g_printerr (_("A place is --lat and --lon together.\n"));
      return 2;
    }
  placed = g_str_equal (o.kind, "verify") || g_str_equal (o.kind, "check");
  if (!placed && (!isnan (o.lat) || !isnan (o.radius)))
    {
      g_printerr (_("Only a verify or a check has a place (--lat, --lon, --radius).\n"));
      return 2;
    }
  if (g_str_equal (o.kind, "verify") && isnan (o.lat))
    {
      g_printerr (_("A verify says where: --lat and --lon.\n"));
      return 2;
    }
  task->deadline = deadline_parse (o.deadline, now);
  if (task->deadline == NULL)
    {
      g_printerr (_("Say when the task is due: --deadline with an ISO 8601 time "
                    "(2024-05-01T18:00:00Z) or +30m, +2h, +1d.\n"));
      return 2;
    }
  if (g_strv_length (o.photos != NULL ? o.photos : (char *[]){ NULL })
      > XUNCHA_WIRE_TASK_PHOTOS_MAX)
    {
      g_printerr (_("A task shows at most %d photos.\n"), XUNCHA_WIRE_TASK_PHOTOS_MAX);
      return 2;
    }

  task->id = g_uuid_string_random ();
  task->kind = g_strdup (o.kind);
  task->officer_id = g_strdup (o.officer);
  task->team = g_strdup (o.team);
  task->state = g_strdup ("open");
  task->created_at = iso_seconds (now);
  task->has_position = !isnan (o.lat);
  task->lat = o.lat;
  task->lon = o.lon;
  task->radius_m = task->has_position ? (isnan (o.radius) ? 50 : o.radius) : NAN;
  task->category = g_strdup (o.category);
  task->report_uuid = g_strdup (o.report);
  task->note = g_strdup (o.note != NULL ? o.note : "");
  if (o.streets != NULL)
    {
      g_strfreev (task->street_ids);
      task->street_ids = g_strdupv (o.streets);
    }
  /* Checked whole before anything is stored (a photo included). */
  if (!xuncha_wire_task_validate (task, &error) && task->report_uuid == NULL)
    return fail ("%s", error->message);
  g_clear_error (&error);

  if (!open_backend (1, &records, &photos))
    return 1;
  if (g_str_equal (o.kind, "check") && !fill_from_report (records, task, names, &n_photos))
    return 1;
  if (!xuncha_wire_task_validate (task, &error))
    return fail ("%s", error->message);
  for (guint i = 0; o.photos != NULL && o.photos[i] != NULL; i++)
    {
      g_autofree char *sha = photo_put (photos, o.photos[i], XUNCHA_PROTOCOL_PHOTO_MAX_BYTES);

      if (sha == NULL)
        return 1;
      if (n_photos < XUNCHA_WIRE_TASK_PHOTOS_MAX)
        {
          g_strv_builder_add (names, sha);
          n_photos++;
        }
    }
  g_strfreev (task->photos);
  task->photos = g_strv_builder_end (names);
  if (!xuncha_office_records_task_add (records, task, &error))
    return fail ("%s", error->message);
  printf ("%s\n", task->id);
  return 0;
}

static int
task_list (int    argc,
           char **argv)
{
  g_autofree char *state = NULL;
  g_autofree char *officer = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Only tasks in this state"), N_("STATE") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("Only this officer's tasks"),
      N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 revision = 0;
  guint shown = 0;

  if (!parse_described ("task list", "[--state S] [--officer ID] [--json]", NULL, entries,
                        &argc, &argv))
    return 2;
  if (argc != 1 || (state != NULL && !xuncha_wire_task_is_state (state)))
    {
      g_printerr (_("Usage: xuncha-office task list [--state open|accepted|done|cancelled|"
                    "expired] [--officer ID] [--json]\n"));
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  tasks = xuncha_office_records_tasks_since (records, NULL, 0, g_get_real_time (), &revision,
                                             &error);
  if (tasks == NULL)
    return fail ("%s", error->message);
  for (guint i = 0; i < tasks->len; i++)
    {
      const XunchaWireTask *task = tasks->pdata[i];

      if ((state != NULL && !g_str_equal (task->state, state))
          || (officer != NULL && g_strcmp0 (task->officer_id, officer) != 0
              && g_strcmp0 (task->accepted_by, officer) != 0))
        continue;
      if (json)
        json_array_add_element (array, xuncha_wire_task_to_json (task));
      else
        print_task (task);
      shown++;
    }
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

      print_json (node);
    }
  else
    printf (_("%u tasks\n"), shown);
  return 0;
}

static int
task_by_id (const char *command,
            int         argc,
            char      **argv)
{
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaWireTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean cancel = g_str_equal (command, "task cancel");

  if (!parse_described (command, "ID", NULL, NULL, &argc, &argv))
    return 2;
  if (argc != 2 || !xuncha_protocol_is_uuid (argv[1]))
    {
      g_printerr (_("Usage: xuncha-office %s ID (the task's id, as task list prints it)\n"),
                  command);
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  if (cancel)
    task = xuncha_office_records_task_cancel (records, argv[1], g_get_real_time (), &error);
  else
    task = xuncha_office_records_task_get (records, NULL, argv[1], g_get_real_time (), &error);
  if (task == NULL)
    return fail ("%s", error->message);
  if (cancel)
    {
      printf (_("Task %s is cancelled; the officer's device sees it at its next sync.\n"),
              task->id);
      return 0;
    }
  node = xuncha_wire_task_to_json (task);
  print_json (node);
  return 0;
}

int
xuncha_office_cli_task (int    argc,
                        char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return task_add (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return task_list (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "show"))
    return task_by_id ("task show", argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "cancel"))
    return task_by_id ("task cancel", argc - 1, argv + 1);
  g_printerr (_("Usage: xuncha-office task add|list|show|cancel …\n"));
  return 2;
}

static int
message_send (int    argc,
              char **argv)
{
  g_autofree char *officer = NULL, *team = NULL, *title = NULL, *body = NULL;
  g_autofree char *sender = NULL;
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("To this officer"), N_("ID") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("To this team"), N_("TEAM") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("To every officer"), NULL },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title"), N_("TEXT") },
    { "body", 0, 0, G_OPTION_ARG_STRING, &body, N_("The text"), N_("TEXT") },
    { "sender", 0, 0, G_OPTION_ARG_STRING, &sender, N_("Who sends it (default: Command "
                                                       "centre)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaWireMessage) message = xuncha_wire_message_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (!parse_described ("message send", "(--officer ID | --team T | --all) --title T --body B",
                        NULL, entries, &argc, &argv))
    return 2;
  if (argc != 1 || (officer != NULL) + (team != NULL) + (all != FALSE) != 1)
    {
      g_printerr (_("Say whom the message is for: one of --officer ID, --team TEAM or "
                    "--all.\n"));
      return 2;
    }
  if (title == NULL || body == NULL)
    {
      g_printerr (_("A message has a --title and a --body.\n"));
      return 2;
    }
  message->id = g_uuid_string_random ();
  message->audience = g_strdup (officer != NULL ? "officer" : team != NULL ? "team" : "all");
  message->officer_id = g_strdup (officer);
  message->team = g_strdup (team);
  message->sender = g_strdup (sender != NULL ? sender : _("Command centre"));
  message->title = g_strdup (title);
  message->body = g_strdup (body);
  message->sent_at = iso_seconds (now);
  if (!xuncha_wire_message_validate (message, &error))
    return fail ("%s", error->message);
  if (!open_backend (1, &records, NULL))
    return 1;
  if (!xuncha_office_records_message_add (records, message, &error))
    return fail ("%s", error->message);
  printf ("%s\n", message->id);
  return 0;
}

static int
message_list (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 revision = 0;

  if (!parse_described ("message list", "[--json]", NULL, entries, &argc, &argv))
    return 2;
  if (argc != 1)
    {
      g_printerr (_("Usage: xuncha-office message list [--json]\n"));
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  messages = xuncha_office_records_messages_since (records, NULL, 0, &revision, &error);
  if (messages == NULL)
    return fail ("%s", error->message);
  for (guint i = 0; i < messages->len; i++)
    {
      const XunchaWireMessage *message = messages->pdata[i];

      if (json)
        json_array_add_element (array, xuncha_wire_message_to_json (message));
      else
        printf ("%s  %-7s %-10s %s  %s\n", message->id, message->audience,
                message->officer_id != NULL ? message->officer_id
                                            : message->team != NULL ? message->team : "-",
                message->sent_at, message->title);
    }
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

      print_json (node);
    }
  else
    printf (_("%u messages\n"), messages->len);
  return 0;
}

int
xuncha_office_cli_message (int    argc,
                           char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "send"))
    return message_send (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return message_list (argc - 1, argv + 1);
  g_printerr (_("Usage: xuncha-office message send|list …\n"));
  return 2;
}
