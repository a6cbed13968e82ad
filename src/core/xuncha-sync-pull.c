/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xuncha-merchant-registry.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-street-map-store-private.h"
#include "xuncha-evidence-log.h"
#include "xuncha-sync-private.h"
#include "xuncha-taxonomy-store.h"

/* Pull: who this device is, the categories, and the streets, merchants and case statuses
 * changed since the last sync, each handed to the owner of its table. */

gboolean
xuncha_sync_pull_me (XunchaSyncRun *run)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(XunchaWireOfficer) officer = { 0 };
  g_auto(GStrv) streets = NULL;
  g_autofree char *server_time = NULL;
  gint64 body_max = 0;
  XunchaSyncStep step = xuncha_sync_run_request (run, NULL, NULL, "GET", "api/v1/me", NULL,
                                                 NULL, &response);

  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                            _("The office did not say who this device is (%s)."), why);
      return FALSE;
    }
  if (!xuncha_protocol_decode_me (xuncha_http_response_text (response),
                                  (gssize)response->body->len, &officer, &streets,
                                  &server_time, &run->photo_max_bytes, &body_max, &error))
    {
      xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_PROTOCOL,
                            _("The office's answer could not be read (%s)."), error->message);
      return FALSE;
    }

  /* The officer's name, team and streets together: all of it or yesterday's. */
  if (xuncha_store_begin (run->store, NULL))
    {
      if (!xuncha_store_set_meta (run->store, "sync.officer_name", officer.name, NULL)
          || !xuncha_store_set_meta (run->store, "sync.team",
                                     officer.team != NULL ? officer.team : "", NULL)
          || !xuncha_street_map_replace_assignments (run->store,
                                                     (const char * const *)streets, NULL)
          || !xuncha_store_commit (run->store, NULL))
        xuncha_store_rollback (run->store);
    }
  return TRUE;
}

static gint64
meta_int (XunchaStore *store,
          const char  *key)
{
  g_autofree char *value = xuncha_store_get_meta (store, key);
  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
set_meta_int (XunchaStore  *store,
              const char   *key,
              gint64        value,
              GError      **error)
{
  g_autofree char *text_value = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return xuncha_store_set_meta (store, key, text_value, error);
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

void
xuncha_sync_pull_categories (XunchaSyncRun *run)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 local = meta_int (run->store, "taxonomy.revision");
  XunchaSyncStep step = xuncha_sync_run_request (run, NULL, NULL, "GET", "api/v1/categories",
                                                 NULL, NULL, &response);

  if (step == XUNCHA_SYNC_STEP_STOP)
    return;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      pull_failed (run, "categories", why);
      return;
    }
  run->result->categories_revision = local;
  if (response->revision >= 0 && response->revision <= local)
    return;
  bytes = g_bytes_new (response->body->data, response->body->len);
  taxonomy = xuncha_taxonomy_new_from_bytes (bytes, &error);
  if (taxonomy == NULL)
    {
      pull_failed (run, "categories", error->message);
      return;
    }
  if (xuncha_taxonomy_get_revision (taxonomy) > local)
    {
      if (!xuncha_taxonomy_save_to_store (taxonomy, run->store, &error))
        {
          pull_failed (run, "categories", error->message);
          return;
        }
      run->result->categories_revision = xuncha_taxonomy_get_revision (taxonomy);
    }
}

void
xuncha_sync_pull_delta (XunchaSyncRun       *run,
                        XunchaWireDeltaKind  kind)
{
  static const char * const names[] = { "streets", "merchants", "reports" };
  static const char * const keys[] = {
    "sync.streets_revision", "sync.merchants_revision", "sync.status_revision"
  };
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(XunchaWireDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 since = meta_int (run->store, keys[kind]);
  gboolean ok;
  XunchaSyncStep step;

  path = g_strdup_printf ("api/v1/%s?since=%" G_GINT64_FORMAT, names[kind], since);
  /* A delta from revision 0 is a district's whole map: more room than other answers. */
  xuncha_http_set_answer_max (run->http, XUNCHA_PROTOCOL_DELTA_MAX_BYTES);
  step = xuncha_sync_run_request (run, NULL, NULL, "GET", path, NULL, NULL, &response);
  xuncha_http_set_answer_max (run->http, XUNCHA_PROTOCOL_ANSWER_MAX_BYTES);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);
      pull_failed (run, names[kind], why);
      return;
    }
  delta = xuncha_wire_delta_decode (kind, xuncha_http_response_text (response),
                                    (gssize)response->body->len, &error);
  if (delta == NULL)
    {
      pull_failed (run, names[kind], error->message);
      return;
    }

  /* All of it or nothing: a half-applied map is worse than yesterday's. */
  if (!xuncha_store_begin (run->store, &error))
    {
      pull_failed (run, names[kind], error->message);
      return;
    }
  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    ok = xuncha_street_map_apply_delta (run->store, delta, &run->result->streets_changed,
                                        &error);
  else if (kind == XUNCHA_WIRE_DELTA_MERCHANTS)
    ok = xuncha_merchant_registry_apply_delta (run->store, delta,
                                               &run->result->merchants_changed, &error);
  else
    ok = xuncha_report_store_apply_status (run->store, delta, &run->result->statuses_changed,
                                           &error);
  if (!ok || !set_meta_int (run->store, keys[kind], delta->revision, &error)
      || !xuncha_store_commit (run->store, &error))
    {
      xuncha_store_rollback (run->store);
      pull_failed (run, names[kind], error->message);
      return;
    }
  if (kind == XUNCHA_WIRE_DELTA_STREETS)
    run->result->streets_revision = delta->revision;
  else if (kind == XUNCHA_WIRE_DELTA_MERCHANTS)
    run->result->merchants_revision = delta->revision;
}

gboolean
xuncha_sync_pull_generation (XunchaSyncRun *run,
                             guint         *requeued)
{
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *generation = NULL;
  g_autofree char *kept = NULL;
  XunchaSyncStep step;
  int count = 0;

  *requeued = 0;
  step = xuncha_sync_run_request (run, NULL, NULL, "GET", "api/v1/generation", NULL, NULL,
                                  &response);
  if (step == XUNCHA_SYNC_STEP_STOP)
    return FALSE;
  if (step == XUNCHA_SYNC_STEP_ANSWER)
    {
      g_autofree char *why = xuncha_sync_answer_message (response);

      /* 404: an office of before generations; it cannot tell of a restore. Anything else:
       * the next sync asks again. Sending goes on either way. */
      g_debug ("The office did not tell its generation (%s)", why);
      return TRUE;
    }
  /* An answer that cannot be read is a failed pull: the kept generation stays, sending
   * goes on, and the next sync asks again. */
  if (!xuncha_protocol_decode_generation (xuncha_http_response_text (response),
                                          (gssize)response->body->len, &generation, &error))
    {
      pull_failed (run, _("the office's generation"), error->message);
      return TRUE;
    }

  kept = xuncha_store_get_meta (run->store, XUNCHA_SYNC_META_GENERATION);
  if (g_strcmp0 (kept, generation) == 0)
    return TRUE;
  /* What waits again and the generation it waits for, together: a sync cut off between
   * them would otherwise never send it again, or send it at every sync. */
  if (!xuncha_store_begin (run->store, &error))
    goto failed;
  if (kept != NULL && *kept != '\0')
    count = xuncha_outbox_requeue_acked (run->store, &error);
  /* Its signed manifests too: it keeps once what it still holds. */
  if (count >= 0 && kept != NULL && *kept != '\0'
      && !xuncha_evidence_log_mark_unsent (run->store, &error))
    count = -1;
  if (count < 0
      || !xuncha_store_set_meta (run->store, XUNCHA_SYNC_META_GENERATION, generation, &error)
      || !xuncha_store_commit (run->store, &error))
    {
      xuncha_store_rollback (run->store);
      goto failed;
    }
  if (kept != NULL && *kept != '\0')
    g_message ("The office's records are generation %s, not %s: it was restored from a "
               "backup; %d acknowledged reports and shifts are sent again", generation, kept,
               count);
  *requeued = (guint)count;
  run->result->resent_after_restore += (guint)count;
  return TRUE;

failed:
  xuncha_sync_run_stop (run, XUNCHA_SYNC_ERROR_FAILED,
                        _("Could not queue again what the restored office lacks: %s"),
                        error->message);
  return FALSE;
}
