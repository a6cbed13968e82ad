/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "xuncha-cli-context.h"

static const char *
stop_code (const GError *error)
{
  static const char * const codes[] = {
    "not_enrolled", "unauthorized", "forbidden", "tls", "pin", "captive", "network",
    "cancelled", "config", "protocol", "failed",
  };

  if (error->domain == XUNCHA_SYNC_ERROR && error->code >= 0
      && (guint)error->code < G_N_ELEMENTS (codes))
    return codes[error->code];
  return "failed";
}

static guint
count_waiting (XunchaStore *store)
{
  static const char * const kinds[] = { "photo", "report", "shift" };
  guint waiting = 0;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      XunchaOutboxCounts counts;
      if (xuncha_outbox_count (store, kinds[i], &counts, NULL))
        waiting += counts.waiting;
    }
  return waiting;
}

static void
print_result_json (XunchaSyncResult *result,
                   guint             waiting)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, xuncha_sync_result_is_complete (result));
#define INT(name, value) \
  json_builder_set_member_name (builder, name); \
  json_builder_add_int_value (builder, (gint64)(value))
  INT ("sent", result->sent);
  INT ("held", result->held);
  INT ("failed", result->failed);
  INT ("deferred", result->deferred);
  INT ("waiting", waiting);
  INT ("bytes_sent", result->bytes_sent);
  INT ("requests", result->requests);
  INT ("retries", result->retries);
  INT ("categories_revision", result->categories_revision);
  INT ("streets_revision", result->streets_revision);
  INT ("merchants_revision", result->merchants_revision);
  INT ("streets_changed", result->streets_changed);
  INT ("merchants_changed", result->merchants_changed);
  INT ("statuses_changed", result->statuses_changed);
  INT ("resent_after_restore", result->resent_after_restore);
  json_builder_set_member_name (builder, "stopped");
  if (result->stopped != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, stop_code (result->stopped));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, result->stopped->message);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->items->len; i++)
    {
      XunchaSyncItem *item = result->items->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, item->kind);
      json_builder_set_member_name (builder, "item");
      json_builder_add_string_value (builder, item->item);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, xuncha_sync_outcome_to_string (item->outcome));
      INT ("status", item->status);
      INT ("bytes", item->bytes);
      json_builder_set_member_name (builder, "receipt");
      if (item->receipt != NULL)
        json_builder_add_string_value (builder, item->receipt);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "message");
      if (item->message != NULL)
        json_builder_add_string_value (builder, item->message);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
#undef INT
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  xuncha_cli_print_json (root);
}

static void
print_result_text (XunchaSyncResult *result,
                   guint             waiting)
{
  g_autofree char *size = g_format_size (result->bytes_sent);

  if (result->resent_after_restore > 0)
    printf (_("The office was restored from a backup: %u reports and shifts it had "
              "acknowledged are sent again.\n"), result->resent_after_restore);
  printf (_("Sent %u items (%s); the office already held %u.\n"), result->sent, size,
          result->held);
  if (result->tasks_changed > 0 || result->messages_added > 0)
    printf (_("From the office: %u new or changed tasks, %u new messages.\n"),
            result->tasks_changed, result->messages_added);
  if (result->tasks_taken > 0)
    printf (_("%u tasks were taken first by another officer.\n"), result->tasks_taken);
  for (guint i = 0; i < result->items->len; i++)
    {
      XunchaSyncItem *item = result->items->pdata[i];

      if (item->outcome == XUNCHA_SYNC_OUTCOME_FAILED
          || item->outcome == XUNCHA_SYNC_OUTCOME_DEFERRED)
        printf ("  %s %s %s: %s\n",
                item->outcome == XUNCHA_SYNC_OUTCOME_FAILED ? _("FAILED") : _("waits"),
                item->kind, item->item, item->message != NULL ? item->message : "");
    }
  if (result->stopped != NULL)
    printf (_("Stopped: %s\n"), result->stopped->message);
  if (waiting > 0)
    printf (_("%u items wait on the device for the next sync.\n"), waiting);
  else if (xuncha_sync_result_is_complete (result))
    printf (_("Everything on this device is acknowledged by the office.\n"));
}

static void
on_waiting (XunchaSync *sync,
            gpointer    user_data)
{
  /* On standard error: --json keeps standard output to the result. */
  g_printerr ("%s\n", _("Another sync is running on this device; this one waits for it to "
                        "end, then sends what is left."));
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 number;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &number, NULL))
    return (guint)number;
  return fallback;
}

static int
sync_status (XunchaStore *store,
             gboolean     json)
{
  static const char * const kinds[] = { "photo", "report", "shift" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = xuncha_outbox_list (store, &error);
  g_autofree char *server = xuncha_store_get_meta (store, "sync.server");
  g_autofree char *officer = xuncha_store_get_meta (store, "sync.officer");
  g_autofree char *token_store = xuncha_store_get_meta (store, "sync.token_store");
  g_autofree char *signature = xuncha_store_get_meta (store, "evidence.algorithm");
  g_autofree char *device_key = xuncha_store_get_meta (store, "evidence.device_key");
  g_autofree char *last = xuncha_store_get_meta (store, "sync.last_sync_at");
  g_autofree char *last_result = xuncha_store_get_meta (store, "sync.last_result");
  XunchaOutboxCounts counts[3];
  guint failed = 0, short_shifts = 0, kept = 0;
  gint64 points = 0, points_acked = 0;

  if (entries == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (!xuncha_outbox_count (store, kinds[k], &counts[k], &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  /* Track points by count: what the office said it holds against what the device has. */
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *e = entries->pdata[i];

      if (e->points < 0)
        continue;
      points += e->points;
      points_acked += CLAMP (e->office_points, 0, e->points);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
#define STR(name, value) \
      json_builder_set_member_name (builder, name); \
      if ((value) != NULL) json_builder_add_string_value (builder, value); \
      else json_builder_add_null_value (builder)
      STR ("server", server);
      STR ("officer", officer);
      STR ("credential_store", token_store);   /* where the token is kept, not the token */
      STR ("last_sync_at", last);
      STR ("last_result", last_result);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          json_builder_set_member_name (builder, kinds[k]);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "waiting");
          json_builder_add_int_value (builder, counts[k].waiting);
          json_builder_set_member_name (builder, "acked");
          json_builder_add_int_value (builder, counts[k].acked);
          json_builder_set_member_name (builder, "failed");
          json_builder_add_int_value (builder, counts[k].failed);
          json_builder_end_object (builder);
        }
      json_builder_set_member_name (builder, "points");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "device");
      json_builder_add_int_value (builder, points);
      json_builder_set_member_name (builder, "acked");
      json_builder_add_int_value (builder, points_acked);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        {
          XunchaOutboxEntry *e = entries->pdata[i];

          json_builder_begin_object (builder);
          STR ("kind", e->kind);
          STR ("item", e->item);
          STR ("state", e->state);
          STR ("receipt", e->receipt);
          STR ("last_error", e->last_error);
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, e->attempts);
          if (e->points >= 0)
            {
              json_builder_set_member_name (builder, "points");
              json_builder_add_int_value (builder, e->points);
              json_builder_set_member_name (builder, "office_points");
              if (e->office_points >= 0)
                json_builder_add_int_value (builder, e->office_points);
              else
                json_builder_add_null_value (builder);
            }
          json_builder_end_object (builder);
        }
#undef STR
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      xuncha_cli_print_json (root);
      return 0;
    }

  if (server != NULL)
    printf (_("Office:    %s (officer %s; token in %s)\n"), server, officer,
            g_strcmp0 (token_store, "secret-service") == 0
            ? xuncha_credentials_store_name (XUNCHA_CREDENTIALS_SECRET_SERVICE)
            : xuncha_credentials_store_name (XUNCHA_CREDENTIALS_FILE));
  else
    printf (_("Office:    not enrolled (xuncha-cli enroll)\n"));
  /* A device enrolled before signing keys sends its reports unsigned: not evidence. */
  if (server != NULL && (device_key == NULL || *device_key == '\0'))
    printf (_("Signing:   none. This device was enrolled without a signing key, so its "
              "reports are not signed. Ask the office for a new code and enroll again.\n"));
  else if (server != NULL)
    printf (_("Signing:   %s, key %.16s…\n"), signature != NULL ? signature : "?", device_key);
  printf (_("Last sync: %s (%s)\n"), last != NULL ? last : _("never"),
          last_result != NULL ? last_result : "-");
  printf (_("           waiting  acknowledged  failed\n"));
  printf (_("Reports    %7u  %12u  %6u\n"), counts[1].waiting, counts[1].acked, counts[1].failed);
  printf (_("Photos     %7u  %12u  %6u\n"), counts[0].waiting, counts[0].acked, counts[0].failed);
  printf (_("Shifts     %7u  %12u  %6u\n"), counts[2].waiting, counts[2].acked, counts[2].failed);
  printf (_("Track points: %lld on the device, %lld acknowledged by the office\n"),
          (long long)points, (long long)points_acked);
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *e = entries->pdata[i];

      if (e->points < 0 || MAX (e->office_points, 0) >= e->points)
        continue;
      if (short_shifts++ == 0)
        printf (_("Shifts the office does not hold in full:\n"));
      if (e->office_points < 0)
        printf (_("  shift %s: %lld points, none acknowledged yet\n"), e->item,
                (long long)e->points);
      else
        printf (_("  shift %s: the office holds %lld of %lld points\n"), e->item,
                (long long)e->office_points, (long long)e->points);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *e = entries->pdata[i];

      /* What waits and why: an office out of reach, or an item kept for its officer. */
      if (!g_str_equal (e->state, "waiting") || e->last_error == NULL)
        continue;
      if (kept++ == 0)
        printf (_("Waiting, and why:\n"));
      printf ("  %s %s: %s\n", e->kind, e->item, e->last_error);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *e = entries->pdata[i];
      if (g_str_equal (e->state, "failed"))
        {
          if (failed++ == 0)
            printf (_("Failed (retry with xuncha-cli sync --retry-failed):\n"));
          printf ("  %s %s: %s\n", e->kind, e->item, e->last_error != NULL ? e->last_error : "");
        }
    }
  return 0;
}

/* sync [--json] [--retry-failed] | sync status [--json] */
int
xuncha_cli_sync (XunchaCliContext  *ctx,
                 int                argc,
                 char             **argv)
{
  gboolean json = FALSE, retry_failed = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "retry-failed", 0, 0, G_OPTION_ARG_NONE, &retry_failed,
      N_("Queue the items that failed before again"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  XunchaSyncPolicy policy;
  XunchaStore *store;

  if (!xuncha_cli_parse_options ("sync", "[status]",
                                 _("Send what waits to the office and fetch updates"), entries,
                                 &argc, &argv))
    return 2;
  if (argc > 2 || (argc == 2 && !g_str_equal (argv[1], "status")))
    {
      g_printerr (_("Usage: xuncha-cli sync [--json] [--retry-failed]\n"
                    "       xuncha-cli sync status [--json]\n"));
      return 2;
    }
  store = xuncha_cli_context_get_store (ctx, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (argc == 2)
    return sync_status (store, json);

  if (retry_failed && xuncha_outbox_retry_failed (store, &error) < 0)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  sync = xuncha_sync_new (ctx->data_dir);
  /* The core's policy, as the app uses it; tests and benchmarks that must not wait
   * minutes shorten it. */
  xuncha_sync_policy_init (&policy);
  policy.base_ms = env_uint ("XUNCHA_SYNC_BACKOFF_MS", policy.base_ms);
  policy.cap_ms = MAX (env_uint ("XUNCHA_SYNC_BACKOFF_CAP_MS", policy.cap_ms), policy.base_ms);
  policy.max_attempts = env_uint ("XUNCHA_SYNC_MAX_ATTEMPTS", policy.max_attempts);
  xuncha_sync_set_policy (sync, &policy);
  xuncha_sync_set_low_speed (sync, env_uint ("XUNCHA_SYNC_LOW_SPEED_LIMIT", 1024),
                             env_uint ("XUNCHA_SYNC_LOW_SPEED_TIME", 30));
  g_signal_connect (sync, "waiting", G_CALLBACK (on_waiting), NULL);
  result = xuncha_sync_run (sync, NULL, &error);
  if (result == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    print_result_json (result, count_waiting (store));
  else
    print_result_text (result, count_waiting (store));

  if (!xuncha_sync_result_is_complete (result))
    {
      if (result->stopped != NULL)
        g_printerr ("%s\n", result->stopped->message);
      else
        g_printerr (_("%u items failed and %u wait; see above.\n"), result->failed,
                    result->deferred);
      return 1;
    }
  return 0;
}
