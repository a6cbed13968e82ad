/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

typedef struct
{
  const char       *name;
  XunchaCliCommand  run;
  const char       *summary;
} CommandEntry;

static const CommandEntry commands[] = {
  { "db",         xuncha_cli_db,         N_("Check the device database: db check [--json]") },
  { "categories", xuncha_cli_categories, N_("List violation categories: categories list [--json]") },
  { "shift",      xuncha_cli_shift,      N_("Start, stop or show the patrol shift: shift start|stop|status") },
  { "track",      xuncha_cli_track,      N_("Import a GPX or NMEA log as a finished shift: track import FILE") },
  { "history",    xuncha_cli_history,    N_("Shifts by day and their routes: history [show SHIFT]") },
  { "streets",    xuncha_cli_streets,    N_("Street map: streets import|snap|stats|assign") },
  { "merchants",  xuncha_cli_merchants,  N_("Merchant registry: merchants import FILE") },
  { "report",     xuncha_cli_report,     N_("Add and read violation reports: report add|list|show") },
  { "enroll",     xuncha_cli_enroll,     N_("Enroll with an office: enroll --server URL --officer ID --code CODE") },
  { "sync",       xuncha_cli_sync,       N_("Send what waits to the office: sync [--json] | sync status") },
  { "tasks",      xuncha_cli_tasks,      N_("The office's tasks and due re-inspections: tasks [--all] [--json]") },
  { "task",       xuncha_cli_task,       N_("Show, accept or finish a task: task show|accept|do ID") },
  { "messages",   xuncha_cli_messages,   N_("The office's messages: messages [--unread] [--json]") },
  { "message",    xuncha_cli_message,    N_("Mark a message read: message read ID") },
  { "evidence",   xuncha_cli_evidence,   N_("Check an evidence bundle offline: evidence verify DIR") },
};

XunchaStore *
xuncha_cli_context_get_store (XunchaCliContext  *ctx,
                              GError           **error)
{
  g_autoptr(XunchaStore) store = NULL;

  if (ctx->store != NULL)
    return ctx->store;
  /* Each run of the CLI is a program start: the one place it prepares the store. */
  store = xuncha_store_open (ctx->data_dir, error);
  if (store == NULL || !xuncha_store_prepare_for_use (store, error))
    return NULL;
  ctx->store = g_steal_pointer (&store);
  return ctx->store;
}

gboolean
xuncha_cli_parse_options (const char     *command,
                          const char     *parameters,
                          const char     *summary,
                          GOptionEntry   *entries,
                          int            *argc,
                          char         ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s %s", command, parameters);

  context = g_option_context_new (title);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("xuncha-cli %s: %s\n", command, error->message);
      g_printerr (_("Run “xuncha-cli %s --help” to see its options.\n"), command);
      return FALSE;
    }
  return TRUE;
}

void
xuncha_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  {
    g_autofree char *text = json_generator_to_data (generator, NULL);
    printf ("%s\n", text);
  }
}

void
xuncha_cli_print_import_stats (XunchaCrs                   crs,
                               const XunchaMapImportStats *stats,
                               const char                 *count_key,
                               const char                 *linked_key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "crs");
  json_builder_add_string_value (builder, xuncha_crs_to_string (crs));
  json_builder_set_member_name (builder, count_key);
  json_builder_add_int_value (builder, stats->features);
  json_builder_set_member_name (builder, "inserted");
  json_builder_add_int_value (builder, stats->inserted);
  json_builder_set_member_name (builder, "updated");
  json_builder_add_int_value (builder, stats->updated);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, stats->skipped);
  json_builder_set_member_name (builder, linked_key);
  json_builder_add_int_value (builder, stats->linked);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  xuncha_cli_print_json (root);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: xuncha-cli [--data-dir DIR] COMMAND [ARGS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  --data-dir DIR  %s\n",
           _("Where the device data lives (default: $XUNCHA_DATA_DIR, else ~/.local/share/xuncha)"));
  fprintf (out, "  --version       %s\n", _("Print the version and exit"));
}

int
main (int    argc,
      char **argv)
{
  XunchaCliContext ctx = { NULL, NULL };
  const char *data_dir = NULL;
  int i;
  int status;

  setlocale (LC_ALL, "");
  /* XUNCHA_LOCALEDIR lets an uninstalled build (tests, build-aux/dev) find its catalogues. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR") != NULL
                                   ? g_getenv ("XUNCHA_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command; everything after it belongs to the command. */
  for (i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--version"))
        {
          printf ("xuncha-cli %s\n", PACKAGE_VERSION);
          return 0;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return 0;
        }
      else if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        data_dir = argv[++i];
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        data_dir = argv[i] + strlen ("--data-dir=");
      else if (argv[i][0] == '-')
        {
          g_printerr (_("Unknown option %s\n\n"), argv[i]);
          print_usage (stderr);
          return 2;
        }
      else
        break;
    }

  if (i >= argc)
    {
      print_usage (stderr);
      return 2;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (!g_str_equal (commands[c].name, argv[i]))
        continue;
      ctx.data_dir = xuncha_store_resolve_data_dir (data_dir);
      status = commands[c].run (&ctx, argc - i, argv + i);
      g_clear_object (&ctx.store);
      g_free (ctx.data_dir);
      return status;
    }

  g_printerr (_("Unknown command “%s”.\n\n"), argv[i]);
  print_usage (stderr);
  return 2;
}
