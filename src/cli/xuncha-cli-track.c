/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

/* track import FILE [--kind K] [--json]: a GPX or NMEA log, through the fix filter, into a
 * new closed shift. */
int
xuncha_cli_track (XunchaCliContext  *ctx,
                  int                argc,
                  char             **argv)
{
  g_autofree char *kind_text = NULL;
  gboolean json = FALSE;
  double max_accuracy = -1;
  GOptionEntry entries[] = {
    { "max-accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &max_accuracy,
      N_("Drop fixes less accurate than this many metres (default 50; 0 keeps all)"),
      N_("METRES") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text,
      N_("early, mid or late (default: from the local time of the first point)"), N_("KIND") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fixes = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autoptr(XunchaFixFilter) filter = xuncha_fix_filter_new ();
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(XunchaRouteSummary) summary = NULL;
  const XunchaFixFilterStats *stats;
  XunchaTrackFileStats file_stats;
  XunchaShiftKind kind;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("track", "import FILE",
                                 _("Import a GPX or NMEA log as a finished shift"), entries,
                                 &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    {
      g_printerr (_("Usage: xuncha-cli track import FILE [--kind early|mid|late] [--json]\n"));
      return 2;
    }
  if (kind_text != NULL && !xuncha_shift_kind_from_string (kind_text, &kind))
    {
      g_printerr (_("Unknown shift kind “%s”: use early, mid or late.\n"), kind_text);
      return 2;
    }

  fixes = xuncha_track_file_load (argv[2], &file_stats, &error);
  if (fixes == NULL)
    {
      g_printerr (_("Could not import the track: %s\n"), error->message);
      return 1;
    }
  if (max_accuracy >= 0)
    xuncha_fix_filter_set_accuracy_threshold (filter, max_accuracy);
  kept = xuncha_fix_filter_run (filter, (const XunchaFix *)(const void *)fixes->data, fixes->len);
  stats = xuncha_fix_filter_get_stats (filter);
  if (kind_text == NULL)
    {
      g_autoptr(GDateTime) utc =
        g_date_time_new_from_unix_utc (g_array_index (fixes, XunchaFix, 0).t_ms / 1000);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      kind = xuncha_shift_kind_for_time (local);
    }

  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  shift = xuncha_shift_import (store, kind, (const XunchaFix *)(const void *)kept->data, kept->len,
                               &error);
  if (shift == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  summary = xuncha_route_summary_new_for_fixes ((const XunchaFix *)(const void *)kept->data,
                                                kept->len);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, xuncha_shift_get_uuid (shift));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, xuncha_shift_kind_to_string (kind));
      json_builder_set_member_name (builder, "format");
      json_builder_add_string_value (builder, file_stats.format == XUNCHA_TRACK_FORMAT_GPX
                                              ? "gpx" : "nmea");
      json_builder_set_member_name (builder, "fixes_read");
      json_builder_add_int_value (builder, fixes->len);
      json_builder_set_member_name (builder, "no_fix");
      json_builder_add_int_value (builder, file_stats.no_fix);
      json_builder_set_member_name (builder, "bad_checksums");
      json_builder_add_int_value (builder, file_stats.bad_checksums);
      json_builder_set_member_name (builder, "points");
      json_builder_add_int_value (builder, kept->len);
      json_builder_set_member_name (builder, "dropped");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "accuracy");
      json_builder_add_int_value (builder, stats->dropped_accuracy);
      json_builder_set_member_name (builder, "time");
      json_builder_add_int_value (builder, stats->dropped_time + file_stats.backwards);
      json_builder_set_member_name (builder, "jump");
      json_builder_add_int_value (builder, stats->dropped_jump);
      json_builder_set_member_name (builder, "stationary");
      json_builder_add_int_value (builder, stats->dropped_stationary);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "length_m");
      json_builder_add_double_value (builder, summary->length_m);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  printf (_("Imported %s as the %s shift %s.\n"), argv[2], xuncha_shift_kind_to_string (kind),
          xuncha_shift_get_uuid (shift));
  printf (_("%u fixes read (%u without a fix, %u bad checksums); %u points kept, dropped %u "
            "for accuracy, %u out of time order, %u speed jumps, %u while standing still; "
            "%.2f km.\n"),
          fixes->len, file_stats.no_fix, file_stats.bad_checksums, kept->len,
          stats->dropped_accuracy, stats->dropped_time + file_stats.backwards,
          stats->dropped_jump, stats->dropped_stationary, summary->length_m / 1000.0);
  return 0;
}
