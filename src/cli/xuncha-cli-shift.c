/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

typedef struct
{
  GMainLoop *loop;
  gboolean   interrupted;
} Recording;

static char *
format_local (gint64 t_ms,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

static void
on_batch_committed (XunchaShiftRecorder *recorder,
                    gint64               first_seq,
                    gint64               last_seq,
                    gpointer             user_data)
{
  /* One line per commit, untranslated, for scripts that follow a recording: every point
   * up to last_seq is on disk when the line appears. */
  printf ("saved %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", first_seq, last_seq);
  fflush (stdout);
}

static void
on_source_state (XunchaLocationSource *source,
                 GParamSpec           *pspec,
                 Recording            *recording)
{
  XunchaLocationState state = xuncha_location_source_get_state (source);

  if (state == XUNCHA_LOCATION_STATE_FINISHED || state == XUNCHA_LOCATION_STATE_UNAVAILABLE)
    g_main_loop_quit (recording->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  Recording *recording = user_data;

  recording->interrupted = TRUE;
  g_main_loop_quit (recording->loop);
  return G_SOURCE_CONTINUE;
}

static int
record_replay (XunchaStore *store,
               XunchaShift *shift,
               const char  *path,
               double       speed,
               double       max_accuracy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReplaySource) source = NULL;
  g_autoptr(XunchaShiftRecorder) recorder = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Recording recording = { loop, FALSE };
  const XunchaFixFilterStats *stats;
  guint sigint, sigterm;

  source = xuncha_replay_source_new_from_file (path, speed, &error);
  if (source == NULL)
    {
      g_printerr (_("Could not read the track to replay: %s\n"), error->message);
      return 1;
    }
  recorder = xuncha_shift_recorder_new (store, shift, XUNCHA_LOCATION_SOURCE (source), &error);
  if (recorder == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (max_accuracy >= 0)
    xuncha_fix_filter_set_accuracy_threshold (xuncha_shift_recorder_get_filter (recorder),
                                              max_accuracy);
  if (xuncha_shift_recorder_get_next_seq (recorder) > 0)
    printf (_("Continuing the track after point %lld.\n"),
            (long long)(xuncha_shift_recorder_get_next_seq (recorder) - 1));
  printf (_("Replaying %s (%zu fixes) at %g× speed.\n"), path,
          xuncha_replay_source_get_n_fixes (source), speed);
  fflush (stdout);

  g_signal_connect (recorder, "batch-committed", G_CALLBACK (on_batch_committed), NULL);
  g_signal_connect (source, "notify::state", G_CALLBACK (on_source_state), &recording);
  sigint = g_unix_signal_add (SIGINT, on_signal, &recording);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &recording);

  xuncha_shift_recorder_start (recorder);
  if (xuncha_location_source_get_state (XUNCHA_LOCATION_SOURCE (source))
      == XUNCHA_LOCATION_STATE_ACTIVE)
    g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handlers_disconnect_by_data (source, &recording);

  if (!xuncha_shift_recorder_stop (recorder, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  stats = xuncha_fix_filter_get_stats (xuncha_shift_recorder_get_filter (recorder));
  printf (_("%s: %u fixes read, %u kept; dropped %u for accuracy, %u out of time order, "
            "%u speed jumps, %u while standing still. The shift stays open: "
            "“xuncha-cli shift stop” ends it.\n"),
          recording.interrupted ? _("Interrupted") : _("Replay finished"),
          stats->received, stats->accepted, stats->dropped_accuracy, stats->dropped_time,
          stats->dropped_jump, stats->dropped_stationary);
  return 0;
}

static int
shift_start (XunchaStore *store,
             const char  *kind_text,
             const char  *replay,
             double       speed,
             double       max_accuracy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  XunchaShiftKind kind = xuncha_shift_kind_for_time (now);

  if (kind_text != NULL && !xuncha_shift_kind_from_string (kind_text, &kind))
    {
      g_printerr (_("Unknown shift kind “%s”: use early, mid or late.\n"), kind_text);
      return 2;
    }
  if (replay != NULL && speed <= 0)
    {
      g_printerr (_("--speed must be more than 0 (1 is real time).\n"));
      return 2;
    }

  shift = xuncha_shift_get_open (store, &error);
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (shift != NULL && replay == NULL)
    {
      g_autofree char *when = format_local (xuncha_shift_get_started_ms (shift),
                                            "%Y-%m-%d %H:%M");
      g_printerr (_("A shift is already open (%s, started %s). Stop it with “xuncha-cli "
                    "shift stop” before starting a new one.\n"),
                  xuncha_shift_get_uuid (shift), when);
      return 1;
    }
  if (shift != NULL)
    {
      /* The app (or this command) was killed during the shift: carry on recording it. */
      printf (_("Resuming the open shift %s (%s).\n"), xuncha_shift_get_uuid (shift),
              xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)));
    }
  else
    {
      shift = xuncha_shift_start (store, kind, &error);
      if (shift == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf (_("Started the %s shift %s.\n"), xuncha_shift_kind_to_string (kind),
              xuncha_shift_get_uuid (shift));
    }
  fflush (stdout);

  if (replay == NULL)
    return 0;
  return record_replay (store, shift, replay, speed, max_accuracy);
}

static int
shift_stop (XunchaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_get_open (store, &error);
  g_autoptr(XunchaRouteSummary) summary = NULL;

  if (shift == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : _("No shift is open."));
      return 1;
    }
  if (!xuncha_shift_stop (shift, store, 0, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  summary = xuncha_route_summary_new_for_shift (store, shift, NULL, &error);
  if (summary == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Stopped the shift %s: %u points, %.2f km, %u reports.\n"),
          xuncha_shift_get_uuid (shift), summary->n_points, summary->length_m / 1000.0,
          summary->reports->len);
  return 0;
}

static int
shift_status (XunchaStore *store,
              gboolean     json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaShift) shift = xuncha_shift_get_open (store, &error);
  g_autoptr(XunchaRouteSummary) summary = NULL;

  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (shift != NULL)
    {
      summary = xuncha_route_summary_new_for_shift (store, shift, NULL, &error);
      if (summary == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "open");
      json_builder_add_boolean_value (builder, shift != NULL);
      if (shift != NULL)
        {
          g_autofree char *started = xuncha_shift_format_time (xuncha_shift_get_started_ms (shift));

          json_builder_set_member_name (builder, "uuid");
          json_builder_add_string_value (builder, xuncha_shift_get_uuid (shift));
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder,
                                         xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)));
          json_builder_set_member_name (builder, "started_at");
          json_builder_add_string_value (builder, started);
          json_builder_set_member_name (builder, "points");
          json_builder_add_int_value (builder, summary->n_points);
          json_builder_set_member_name (builder, "length_m");
          json_builder_add_double_value (builder, summary->length_m);
          json_builder_set_member_name (builder, "reports");
          json_builder_add_int_value (builder, summary->reports->len);
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  if (shift == NULL)
    {
      printf ("%s\n", _("No shift is open."));
      return 0;
    }
  {
    g_autofree char *when = format_local (xuncha_shift_get_started_ms (shift), "%Y-%m-%d %H:%M");
    printf (_("Open shift %s (%s), started %s: %u points, %.2f km, %u reports.\n"),
            xuncha_shift_get_uuid (shift),
            xuncha_shift_kind_to_string (xuncha_shift_get_kind (shift)), when,
            summary->n_points, summary->length_m / 1000.0, summary->reports->len);
  }
  return 0;
}

/* shift start [--kind K] [--replay FILE [--speed N]] | shift stop | shift status [--json] */
int
xuncha_cli_shift (XunchaCliContext  *ctx,
                  int                argc,
                  char             **argv)
{
  g_autofree char *kind = NULL;
  g_autofree char *replay = NULL;
  double speed = 1.0;
  double max_accuracy = -1;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("start: early, mid or late (default: from the time of day)"), N_("KIND") },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &replay,
      N_("start: record a GPX or NMEA log as the shift's track, until it ends"), N_("FILE") },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("start: replay this many times faster than real time (default 1)"), N_("N") },
    { "max-accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &max_accuracy,
      N_("start: drop fixes less accurate than this many metres (default 50; 0 keeps all)"),
      N_("METRES") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("status: print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("shift", "start|stop|status",
                                 _("Start, stop or show the patrol shift"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 2 || !(g_str_equal (argv[1], "start") || g_str_equal (argv[1], "stop")
                     || g_str_equal (argv[1], "status")))
    {
      g_printerr (_("Usage: xuncha-cli shift start [--kind early|mid|late] "
                    "[--replay FILE [--speed N]] | shift stop | shift status [--json]\n"));
      return 2;
    }
  if (!g_str_equal (argv[1], "start") && (kind != NULL || replay != NULL))
    {
      g_printerr (_("--kind and --replay belong to “shift start”.\n"));
      return 2;
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (g_str_equal (argv[1], "start"))
    return shift_start (store, kind, replay, speed, max_accuracy);
  if (g_str_equal (argv[1], "stop"))
    return shift_stop (store);
  return shift_status (store, json);
}
