/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signed reports against the real office over HTTPS: a device's saves and edits reach it
 * with their manifests and are taken; each way of tampering with them is refused with its
 * reason; a device that lost its store starts a new chain, which is kept and flagged. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-evidence-log.h"
#include "xuncha-evidence-manifest.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-report-store-private.h"
#include "xuncha-store-private.h"
#include "xuncha-test-console.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#include "xuncha-wire-evidence.h"

typedef struct
{
  XunchaTestCerts   *certs;
  char              *office_dir;
  char              *device_dir;
  XunchaTestOffice  *office;
  XunchaStore       *store;
  XunchaReportStore *reports;
  char              *token;
} Env;

static Env *
env_new (void)
{
  Env *env = g_new0 (Env, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  XunchaCredentialsStore used;

  env->certs = xuncha_test_certs ();
  if (env->certs == NULL)
    {
      g_free (env);
      return NULL;
    }
  env->office_dir = xuncha_test_make_tmpdir ();
  env->device_dir = xuncha_test_make_tmpdir ();
  env->office = xuncha_test_office_start (env->office_dir, env->certs->server_cert,
                                          env->certs->server_key, 0);
  code = xuncha_test_office_add_officer (env->office_dir, "A001", "T1", FALSE);
  env->store = xuncha_store_open (env->device_dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (env->store, &error));
  g_assert_true (xuncha_sync_enroll (env->store, env->office->url, "A001", code,
                                     env->certs->ca, NULL, "test phone", &used, NULL, &error));
  g_assert_no_error (error);
  env->reports = xuncha_report_store_new (env->store, &error);
  g_assert_no_error (error);
  env->token = xuncha_credentials_load (env->device_dir, env->office->url, "A001", &used,
                                        &error);
  g_assert_no_error (error);
  return env;
}

static void
env_free (Env *env)
{
  g_clear_object (&env->reports);
  g_clear_object (&env->store);
  g_clear_pointer (&env->office, xuncha_test_office_free);
  xuncha_test_remove_tree (env->device_dir);
  xuncha_test_remove_tree (env->office_dir);
  g_free (env->office_dir);
  g_free (env->device_dir);
  g_free (env->token);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

static char *
save_report (Env        *env,
             const char *note,
             guint       seed)
{
  g_autoptr(GBytes) image = photo_fixture_image (96, 64, seed);
  g_autofree char *photo = photo_fixture_write (env->device_dir, "stall.jpg", image);
  g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
  g_autoptr(GError) error = NULL;

  xuncha_report_set_position (report, 30.6586, 104.0648, 6.5, NAN, NAN,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_set_note (report, note);
  xuncha_report_add_photo_file (report, photo, XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (env->reports, report, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (xuncha_report_get_uuid (report));
}

static void
edit_note (Env        *env,
           const char *uuid,
           const char *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReport) edited = xuncha_report_store_get (env->reports, uuid, &error);

  g_assert_no_error (error);
  xuncha_report_set_note (edited, note);
  g_assert_true (xuncha_report_store_update (env->reports, uuid, edited, NULL, &error));
  g_assert_no_error (error);
}

/* The device's manifest at @sequence: its bytes (as text) and signature. */
static XunchaWireEvidence *
device_manifest (Env    *env,
                 gint64  sequence)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) manifest = NULL;
  g_autoptr(GBytes) signature = NULL;
  sqlite3_stmt *stmt;

  stmt = xuncha_store_prepare (env->store,
                               "SELECT manifest, signature FROM evidence_manifests "
                               "WHERE sequence = ?1", &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, sequence);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  manifest = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
  signature = g_bytes_new (sqlite3_column_blob (stmt, 1), (gsize)sqlite3_column_bytes (stmt, 1));
  sqlite3_reset (stmt);
  return xuncha_wire_evidence_new (manifest, signature);
}

/* @item with @from replaced by @to in its bytes, the signature kept. */
static XunchaWireEvidence *
altered (XunchaWireEvidence *item,
         const char         *from,
         const char         *to)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (item->manifest, NULL),
                                     g_bytes_get_size (item->manifest));
  g_autoptr(GString) changed = g_string_new (text);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpuint (g_string_replace (changed, from, to, 1), ==, 1);
  bytes = g_bytes_new (changed->str, changed->len);
  return xuncha_wire_evidence_new (bytes, item->signature);
}

static XunchaHttpResponse *
call (Env        *env,
      const char *method,
      const char *path,
      const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaHttp) http = xuncha_http_new (env->office->url, env->certs->ca, NULL, &error);
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  XunchaHttpResponse *response;

  g_assert_no_error (error);
  xuncha_http_set_token (http, env->token);
  response = xuncha_http_request (http, method, path, body != NULL ? "application/json" : NULL,
                                  bytes, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return response;
}

/* Sends @items (owned) as one PUT api/v1/evidence; asserts @status and, for a refusal,
 * that the office's reason holds @reason. */
static void
put_evidence (Env        *env,
              guint       status,
              const char *reason,
              ...)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify)xuncha_wire_evidence_free);
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autofree char *body = NULL;
  g_autofree char *code = NULL, *message = NULL;
  XunchaWireEvidence *item;
  va_list args;

  va_start (args, reason);
  while ((item = va_arg (args, XunchaWireEvidence *)) != NULL)
    g_ptr_array_add (items, item);
  va_end (args);
  body = xuncha_wire_evidence_encode (items);
  response = call (env, "PUT", "api/v1/evidence", body);
  g_test_message ("evidence: %ld %s", response->status, xuncha_http_response_text (response));
  g_assert_cmpint (response->status, ==, status);
  if (reason == NULL)
    return;
  g_assert_true (xuncha_protocol_decode_error (xuncha_http_response_text (response), -1, &code,
                                               &message, NULL));
  g_assert_cmpstr (code, ==, "evidence_refused");
  if (strstr (message, reason) == NULL)
    g_error ("The office's reason “%s” does not say “%s”", message, reason);
}

static gint64
office_count (Env        *env,
              const char *sql)
{
  g_autofree char *text = xuncha_test_office_query (env->office_dir, sql, NULL);
  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

static XunchaSyncResult *
sync_once (Env *env)
{
  g_autoptr(XunchaSync) sync = xuncha_sync_new (env->device_dir);
  g_autoptr(GError) error = NULL;
  XunchaSyncResult *result;

  xuncha_sync_set_backoff (sync, 20, 2000);
  xuncha_sync_set_max_attempts (sync, 3);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* Every way of tampering the issue names, refused by the office with its reason; then the
 * device's own sync is taken whole. */
static void
test_tampering_refused (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaEvidenceKey) other = NULL;
  g_autoptr(XunchaEvidenceManifest) forged = NULL;
  g_autoptr(XunchaWireReport) old_version = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  g_autofree char *forged_text = NULL, *old_body = NULL, *path = NULL;
  g_autofree char *code = NULL, *message = NULL;
  XunchaWireEvidence *m1;

  if (env == NULL)
    return;
  first = save_report (env, "note-as-saved", 1);
  second = save_report (env, "second", 2);
  third = save_report (env, "third", 3);
  old_version = xuncha_report_store_load_wire (env->store, first, &error);
  g_assert_no_error (error);
  edit_note (env, first, "note-as-edited");  /* sequence 4, revision 2 of the first */

  /* A value changed, a time changed: the signature no longer holds. */
  m1 = device_manifest (env, 1);
  put_evidence (env, 422, "signature", altered (m1, "note-as-saved", "note-changed!"), NULL);
  put_evidence (env, 422, "signature", altered (m1, "\"saved_at\":\"20", "\"saved_at\":\"19"),
                NULL);
  put_evidence (env, 422, "signature", altered (m1, "\"created_at\":\"20",
                                                "\"created_at\":\"19"), NULL);

  /* Another device's key: a manifest it signed, naming itself. */
  other = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2, &error);
  g_assert_no_error (error);
  forged = xuncha_evidence_manifest_decode (g_bytes_get_data (m1->manifest, NULL),
                                            g_bytes_get_size (m1->manifest), &error);
  g_assert_no_error (error);
  g_free (forged->device_key);
  forged->device_key = g_strdup (xuncha_evidence_key_get_fingerprint (other));
  forged_text = xuncha_evidence_manifest_encode (forged, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (forged_text, strlen (forged_text));
    g_autoptr(GBytes) signature = xuncha_evidence_key_sign (other, (const guint8 *)forged_text,
                                                            strlen (forged_text), &error);
    g_assert_no_error (error);
    put_evidence (env, 422, "another device key", xuncha_wire_evidence_new (bytes, signature),
                  NULL);
  }
  /* The device's own bytes under the other key's signature. */
  {
    g_autoptr(GBytes) signature = xuncha_evidence_key_sign (
                                    other, g_bytes_get_data (m1->manifest, NULL),
                                    g_bytes_get_size (m1->manifest), &error);
    g_assert_no_error (error);
    put_evidence (env, 422, "signature", xuncha_wire_evidence_new (m1->manifest, signature),
                  NULL);
  }
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM evidence_manifests"), ==, 0);

  /* A manifest dropped: the next names a predecessor the office lacks. */
  put_evidence (env, 422, "no manifest before it", device_manifest (env, 2), NULL);
  put_evidence (env, 200, NULL, m1, NULL);
  put_evidence (env, 422, "between them are missing", device_manifest (env, 3), NULL);
  /* Two in the wrong order: the later first. */
  put_evidence (env, 422, "missing", device_manifest (env, 4), device_manifest (env, 2), NULL);
  /* The right order is taken, and the same again (a retry) changes nothing. */
  put_evidence (env, 200, NULL, device_manifest (env, 2), device_manifest (env, 3), NULL);
  put_evidence (env, 200, NULL, device_manifest (env, 2), device_manifest (env, 3), NULL);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM evidence_manifests"), ==, 3);

  /* The edit held, the old version of the report replayed: it is not what was signed
   * last. */
  put_evidence (env, 200, NULL, device_manifest (env, 4), NULL);
  old_body = xuncha_wire_report_encode (old_version);
  path = g_strconcat ("api/v1/reports/", first, NULL);
  response = call (env, "PUT", path, old_body);
  g_assert_cmpint (response->status, ==, 422);
  g_assert_true (xuncha_protocol_decode_error (xuncha_http_response_text (response), -1, &code,
                                               &message, NULL));
  g_assert_cmpstr (code, ==, "evidence_refused");
  g_assert_nonnull (strstr (message, "revision 2"));
  g_assert_nonnull (strstr (message, "note"));
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM reports"), ==, 0);

  /* The device's own sync: everything taken, the edit as the report's version. */
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM reports"), ==, 3);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM evidence_manifests"), ==, 4);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM evidence_manifests "
                                      "WHERE chain_break"), ==, 0);
}

/* A photo's bytes changed after the save: the report sent names another hash than its
 * manifest signed, and the office says so. */
static void
test_photo_changed_refused (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL, *body = NULL, *path = NULL, *code = NULL, *message = NULL;
  XunchaWirePhoto *photo;

  if (env == NULL)
    return;
  uuid = save_report (env, "photo", 7);
  put_evidence (env, 200, NULL, device_manifest (env, 1), NULL);
  report = xuncha_report_store_load_wire (env->store, uuid, &error);
  g_assert_no_error (error);
  photo = g_ptr_array_index (report->photos, 0);
  /* One bit of the photo flipped is another SHA-256. */
  g_free (photo->sha256);
  photo->sha256 = g_strdup ("0000000000000000000000000000000000000000000000000000000000000001");
  body = xuncha_wire_report_encode (report);
  path = g_strconcat ("api/v1/reports/", uuid, NULL);
  response = call (env, "PUT", path, body);
  g_assert_cmpint (response->status, ==, 422);
  g_assert_true (xuncha_protocol_decode_error (xuncha_http_response_text (response), -1, &code,
                                               &message, NULL));
  g_assert_cmpstr (code, ==, "evidence_refused");
  g_assert_nonnull (strstr (message, "photos"));
}

/* A GET of the office's console with the session cookie @session (NULL: none): the status,
 * and the body in @body. */
static guint
console_get (Env         *env,
             const char  *path,
             const char  *session,
             GBytes     **body)
{
  g_autoptr(SoupSession) soup = xuncha_test_console_session_new ();
  g_autoptr(XunchaTestAnswer) answer = xuncha_test_console_request (soup, env->office, "GET",
                                                                    path, session, NULL, NULL,
                                                                    NULL);

  if (body != NULL)
    *body = g_bytes_new (answer->body, answer->length);
  return answer->status;
}

/* A console session of a new account @name: made with @role (and @team, nullable), logged
 * in with its one-time password, the password changed. */
static char *
console_session (Env        *env,
                 const char *name,
                 const char *role,
                 const char *team)
{
  g_autoptr(SoupSession) soup = xuncha_test_console_session_new ();

  return xuncha_test_console_staff_session (soup, env->office, name, role, team);
}

/* The console's page of report @uuid for @session. */
static char *
console_report_page (Env        *env,
                     const char *session,
                     const char *uuid)
{
  g_autofree char *path = g_strdup_printf ("/console/reports/%s", uuid);
  g_autoptr(GBytes) body = NULL;

  g_assert_cmpuint (console_get (env, path, session, &body), ==, 200);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* A device that lost its store signs from sequence 1 again: kept, and flagged. */
static void
test_chain_break_flagged (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL, *shown = NULL, *page = NULL, *session = NULL;

  if (env == NULL)
    return;
  g_free (save_report (env, "before the loss", 1));
  g_free (save_report (env, "before the loss too", 2));
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);

  /* What a new store would hold: no manifest, the key kept where the token is. */
  g_assert_true (xuncha_store_exec (env->store, "DELETE FROM evidence_manifests", &error));
  g_assert_no_error (error);
  after = save_report (env, "after the loss", 3);
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM reports"), ==, 3);
  g_assert_cmpint (office_count (env, "SELECT count(*) FROM evidence_manifests "
                                      "WHERE chain_break AND sequence = 1 AND chain = 2"), ==, 1);
  shown = xuncha_test_office_admin (env->office_dir, "evidence", "show", after, NULL);
  g_assert_nonnull (strstr (shown, "CHAIN BREAK"));
  session = console_session (env, "disp", "dispatcher", NULL);
  page = console_report_page (env, session, after);
  g_assert_nonnull (strstr (page, "<td>2</td><td>1</td>"));
  g_assert_nonnull (strstr (page, "<strong class=\"chain-break\">chain break"));
}

/* A device enrolled without a key is told, in its sync status, that its reports are not
 * signed and to enroll again; one with a key says which. */
static void
test_keyless_device_status (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (env == NULL)
    return;
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, NULL, "sync", "status", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Signing:   sm2-sm3, key "));
  g_clear_pointer (&out, g_free);
  g_assert_true (xuncha_store_set_meta (env->store, "evidence.device_key", "", &error));
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_test_run_cli (env->device_dir, &out, NULL, "sync", "status", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "enrolled without a signing key"));
  g_assert_nonnull (strstr (out, "enroll again"));
}

/* A device enrolled before keys is told to enroll again when it sends manifests. */
static void
test_keyless_device_told_to_enroll (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaHttpResponse) response = NULL;
  g_autofree char *code = NULL, *body = NULL, *error_code = NULL, *message = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify)xuncha_wire_evidence_free);

  if (env == NULL)
    return;
  g_free (save_report (env, "signed", 1));
  code = xuncha_test_office_add_officer (env->office_dir, "B002", "T1", FALSE);
  g_free (env->token);
  env->token = xuncha_test_office_enroll_token (env->office, "B002", code);
  g_ptr_array_add (items, device_manifest (env, 1));
  body = xuncha_wire_evidence_encode (items);
  response = call (env, "PUT", "api/v1/evidence", body);
  g_assert_cmpint (response->status, ==, 403);
  g_assert_true (xuncha_protocol_decode_error (xuncha_http_response_text (response), -1,
                                               &error_code, &message, NULL));
  g_assert_cmpstr (error_code, ==, "enroll_again");
}

/* A copy of the bundle @from in a new folder, to tamper with. */
static char *
copy_bundle (const char *from)
{
  g_autofree char *to = xuncha_test_make_tmpdir ();
  const char *argv[] = { "cp", "-a", NULL, NULL, NULL };
  g_autofree char *source = g_build_filename (from, ".", NULL);

  argv[2] = source;
  argv[3] = to;
  g_assert_cmpint (xuncha_test_run (argv, NULL, NULL), ==, 0);
  return g_steal_pointer (&to);
}

static void
bundle_file_replace (const char *dir,
                     const char *name,
                     const char *from,
                     const char *to)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) changed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  changed = g_string_new (text);
  g_assert_cmpuint (g_string_replace (changed, from, to, 1), ==, 1);
  g_assert_true (g_file_set_contents (path, changed->str, (gssize)changed->len, &error));
}

static void
bundle_rename (const char *dir,
               const char *from,
               const char *to)
{
  g_autofree char *a = g_build_filename (dir, from, NULL);
  g_autofree char *b = g_build_filename (dir, to, NULL);

  g_assert_cmpint (g_rename (a, b), ==, 0);
}

/* Runs evidence verify on @dir: exit 0 and VERIFIED when @reason is NULL, else exit 1
 * with @reason in what it says. */
static void
verify (const char *dir,
        const char *reason)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = xuncha_test_run_cli (NULL, &out, &err, "evidence", "verify", dir, NULL);

  g_test_message ("verify: %d %s%s", status, out, err);
  if (reason == NULL)
    {
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "VERIFIED."));
      return;
    }
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "NOT VERIFIED"));
  if (strstr (out, reason) == NULL)
    g_error ("evidence verify says “%s”, not “%s”", out, reason);
}

/* A report saved, edited and synced: its bundle verifies offline, and each way of
 * tampering with a copy is found, naming what is wrong. */
static void
test_bundle_verified_and_tampering_found (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autoptr(XunchaEvidenceKey) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL, *bundle = NULL, *photo = NULL, *photo_path = NULL;
  g_autofree char *other_json = NULL, *fingerprint_json = NULL;
  g_autofree char *out = NULL, *err = NULL;
  char *copy;

  if (env == NULL)
    return;
  uuid = save_report (env, "note-as-saved", 11);
  edit_note (env, uuid, "note-as-edited");
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));

  bundle = g_build_filename (env->office_dir, "bundle", NULL);
  g_assert_cmpint (xuncha_test_office_run (env->office_dir, &out, &err, "evidence", "export",
                                           uuid, "--out", bundle, NULL), ==, 0);
  verify (bundle, NULL);
  {
    g_autoptr(XunchaWireReport) report = xuncha_report_store_load_wire (env->store, uuid,
                                                                        &error);
    g_assert_no_error (error);
    photo = g_strdup (((XunchaWirePhoto *)g_ptr_array_index (report->photos, 0))->sha256);
  }

  /* A photo byte flipped. */
  copy = copy_bundle (bundle);
  photo_path = g_strdup_printf ("%s/photos/%s.jpg", copy, photo);
  {
    g_autofree char *data = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (photo_path, &data, &length, &error));
    data[length / 2] ^= 0x01;
    g_assert_true (g_file_set_contents (photo_path, data, (gssize)length, &error));
  }
  verify (copy, "not the photo that was signed");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* A field changed: in the manifest (the signature breaks) and in the report (it differs
   * from what was signed). */
  copy = copy_bundle (bundle);
  bundle_file_replace (copy, "manifests/2.json", "note-as-edited", "note-as-forged");
  verify (copy, "signature does not match");
  xuncha_test_remove_tree (copy);
  g_free (copy);
  copy = copy_bundle (bundle);
  bundle_file_replace (copy, "report.json", "note-as-edited", "note-as-forged");
  verify (copy, "note");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* A time changed. */
  copy = copy_bundle (bundle);
  bundle_file_replace (copy, "manifests/1.json", "\"saved_at\":\"20", "\"saved_at\":\"19");
  verify (copy, "signature does not match");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* A manifest dropped: the first, or the last. */
  copy = copy_bundle (bundle);
  bundle_rename (copy, "manifests/1.json", "manifests/dropped.json");
  verify (copy, "manifests/1.json is missing");
  xuncha_test_remove_tree (copy);
  g_free (copy);
  copy = copy_bundle (bundle);
  bundle_rename (copy, "manifests/2.json", "manifests/dropped.json");
  verify (copy, "manifests/2.json is missing");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* Two in the wrong order. */
  copy = copy_bundle (bundle);
  bundle_rename (copy, "manifests/1.json", "manifests/x.json");
  bundle_rename (copy, "manifests/1.sig", "manifests/x.sig");
  bundle_rename (copy, "manifests/2.json", "manifests/1.json");
  bundle_rename (copy, "manifests/2.sig", "manifests/1.sig");
  bundle_rename (copy, "manifests/x.json", "manifests/2.json");
  bundle_rename (copy, "manifests/x.sig", "manifests/2.sig");
  verify (copy, "out of order");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* An old manifest replayed as the latest. */
  copy = copy_bundle (bundle);
  {
    g_autofree char *a = g_build_filename (copy, "manifests/1.json", NULL);
    g_autofree char *b = g_build_filename (copy, "manifests/2.json", NULL);
    g_autofree char *c = g_build_filename (copy, "manifests/1.sig", NULL);
    g_autofree char *d = g_build_filename (copy, "manifests/2.sig", NULL);
    g_autofree char *text = NULL, *sig = NULL;
    gsize length, sig_length;

    g_assert_true (g_file_get_contents (a, &text, &length, &error));
    g_assert_true (g_file_set_contents (b, text, (gssize)length, &error));
    g_assert_true (g_file_get_contents (c, &sig, &sig_length, &error));
    g_assert_true (g_file_set_contents (d, sig, (gssize)sig_length, &error));
  }
  verify (copy, "revision 1");
  xuncha_test_remove_tree (copy);
  g_free (copy);

  /* Another device's key in place of the device's: the signature no longer holds. */
  copy = copy_bundle (bundle);
  other = xuncha_evidence_key_generate (XUNCHA_EVIDENCE_ALGORITHM_SM2, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GDir) keys = NULL;
    g_autofree char *keys_dir = g_build_filename (copy, "keys", NULL);
    const char *name;

    keys = g_dir_open (keys_dir, 0, &error);
    g_assert_no_error (error);
    while ((name = g_dir_read_name (keys)) != NULL)
      if (g_str_has_suffix (name, ".json"))
        fingerprint_json = g_strdup (name);
  }
  g_assert_nonnull (fingerprint_json);
  {
    g_autofree char *path = g_build_filename (copy, "keys", fingerprint_json, NULL);
    g_autofree char *text = NULL;
    g_autoptr(GString) changed = NULL;
    char *start, *end;

    g_assert_true (g_file_get_contents (path, &text, NULL, &error));
    start = strstr (text, "\"public_key\" : \"");
    g_assert_nonnull (start);
    start += strlen ("\"public_key\" : \"");
    end = strchr (start, '"');
    changed = g_string_new_len (text, start - text);
    g_string_append (changed, xuncha_evidence_key_get_public (other));
    g_string_append (changed, end);
    g_assert_true (g_file_set_contents (path, changed->str, (gssize)changed->len, &error));
  }
  verify (copy, "another key");
  xuncha_test_remove_tree (copy);
  g_free (copy);
}

/* The report page's evidence: a saved and edited report's two manifests, each verified
 * against its device's key, in chain 1 at sequences 1 and 2, and its bundle as a zip, for a
 * staff session only, which unzipped verifies offline; a manifest changed in the office's
 * records no longer verifies, and the page says so. */
static void
test_console_evidence (void)
{
  g_autoptr(Env) env = env_new ();
  g_autoptr(XunchaSyncResult) result = NULL;
  g_autofree char *uuid = NULL, *page = NULL, *tampered = NULL, *session = NULL;
  const char *table;

  if (env == NULL)
    return;
  uuid = save_report (env, "note-as-saved", 5);
  edit_note (env, uuid, "note-as-edited");
  result = sync_once (env);
  g_assert_true (xuncha_sync_result_is_complete (result));
  session = console_session (env, "disp", "dispatcher", NULL);
  page = console_report_page (env, session, uuid);
  g_assert_nonnull (strstr (page, "<p id=\"evidence-status\">Signed by the reporting device; "
                                  "every signature verified.</p>"));
  table = strstr (page, "id=\"evidence-manifests\"");
  g_assert_nonnull (table);
  g_assert_nonnull (strstr (table, "<tr><td>1</td><td><code>"));
  g_assert_nonnull (strstr (table, "</code></td><td>1</td><td>1</td><td>"));
  g_assert_nonnull (strstr (table, "</code></td><td>1</td><td>2</td><td>"));
  g_assert_null (strstr (page, "chain-break"));
  g_assert_null (strstr (page, "does not verify"));
  g_assert_nonnull (strstr (page, "<a id=\"evidence-zip\" href=\"/console/reports/"));
  {
    g_autofree char *path = g_strdup_printf ("/console/reports/%s/evidence.zip", uuid);
    g_autofree char *dir = xuncha_test_make_tmpdir ();
    g_autofree char *zip = g_build_filename (dir, "evidence.zip", NULL);
    g_autofree char *out = g_build_filename (dir, "bundle", NULL);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "unzip", "-q", zip, "-d", out, NULL };
    int status = -1;

    g_autofree char *other_team = console_session (env, "lead2", "leader", "T2");

    g_assert_cmpuint (console_get (env, path, NULL, NULL), ==, 303);
    g_assert_cmpuint (console_get (env, path, other_team, NULL), ==, 404);
    g_assert_cmpuint (console_get (env, path, session, &body), ==, 200);
    g_assert_true (g_file_set_contents (zip, g_bytes_get_data (body, NULL),
                                        (gssize)g_bytes_get_size (body), &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    verify (out, NULL);
    xuncha_test_remove_tree (dir);
  }

  xuncha_test_office_exec (env->office_dir, "UPDATE evidence_manifests SET manifest = "
                                            "replace (manifest, 'note-as-edited', "
                                            "'note-as-forged')");
  tampered = console_report_page (env, session, uuid);
  g_assert_nonnull (strstr (tampered, "a signature does not verify"));
  g_assert_nonnull (strstr (tampered, "does not verify</strong></td></tr>"));
}

int
main (int    argc,
      char **argv)
{
  /* Without the test certificates each test skips with the reason. */
  xuncha_test_console_init (&argc, &argv);
  g_test_add_func ("/evidence-sync/tampering-refused", test_tampering_refused);
  g_test_add_func ("/evidence-sync/photo-changed-refused", test_photo_changed_refused);
  g_test_add_func ("/evidence-sync/chain-break-flagged", test_chain_break_flagged);
  g_test_add_func ("/evidence-sync/bundle-verified-and-tampering-found",
                   test_bundle_verified_and_tampering_found);
  g_test_add_func ("/evidence-sync/keyless-device-status", test_keyless_device_status);
  g_test_add_func ("/evidence-sync/console-evidence", test_console_evidence);
  g_test_add_func ("/evidence-sync/keyless-device-told-to-enroll",
                   test_keyless_device_told_to_enroll);
  return g_test_run ();
}
