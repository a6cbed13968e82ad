/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's officers over real HTTPS on loopback (xuncha-office serve, the test CA):
 * an administrator adds an officer and gets a card whose QR code, read by zbar, enrolls a
 * real device; a team leader chooses his segments and the device's next sync gets exactly
 * those; a revoke makes the next sync refused in the device's words; a reset gives a new
 * code and refuses the old device. Every change is in the audit log, before → after; bad
 * input changes nothing. */
#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-sqlite-private.h"
#include "xuncha-store-private.h"
#include "xuncha-test-office.h"
#include "xuncha-test-qr.h"
#include "xuncha-test-util.h"

#define NEW_PASSWORD "strong enough 1"
#define HOSTILE_NAME "王<b>五</b>\"x"

typedef struct
{
  char             *dir;
  XunchaTestOffice *office;
  SoupSession      *session;
  GHashTable       *passwords;   /* staff name → one-time password */
} Fixture;

static Fixture *fixture;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  char               *body;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_free (answer->body);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* @form: an urlencoded body, or NULL. No redirect is followed. */
static Answer *
request (const char *method,
         const char *path,
         const char *cookie,
         const char *form)
{
  g_autofree char *url = g_strdup_printf ("%s%s", fixture->office->url, path + 1);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Answer *answer = g_new0 (Answer, 1);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (cookie != NULL)
    {
      g_autofree char *header = g_strdup_printf ("xuncha_session=%s", cookie);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Cookie", header);
    }
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  bytes = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  answer->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return answer;
}

static char *
set_session (Answer *answer)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  char *found = NULL;

  soup_message_headers_iter_init (&iter, answer->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Set-Cookie") == 0
        && g_str_has_prefix (value, "xuncha_session="))
      {
        const char *start = value + strlen ("xuncha_session=");

        g_free (found);
        found = g_strndup (start, strcspn (start, ";"));
      }
  return found;
}

/* The text between @marker and the next @end on @page. */
static char *
between (const char *page,
         const char *marker,
         const char *end)
{
  const char *start = strstr (page, marker);

  g_assert_nonnull (start);
  start += strlen (marker);
  return g_strndup (start, strstr (start, end) - start);
}

static char *
csrf_of (const char *page)
{
  return between (page, "name=\"csrf\" value=\"", "\"");
}

static char *
form_escape (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

/* Logs in as @name, changing the one-time password at the first login; the session id. */
static char *
login (const char *name)
{
  const char *one_time = g_hash_table_lookup (fixture->passwords, name);
  g_autofree char *n = form_escape (name), *o = form_escape (one_time);
  g_autofree char *p = form_escape (NEW_PASSWORD);
  g_autofree char *form = g_strdup_printf ("name=%s&password=%s", n, o);
  g_autoptr(Answer) answer = request ("POST", "/console/login", NULL, form);
  g_autoptr(Answer) page = NULL;
  g_autoptr(Answer) changed = NULL;
  g_autofree char *first = NULL, *csrf = NULL, *change = NULL;

  g_assert_cmpint (answer->status, ==, 303);
  first = set_session (answer);
  if (g_str_equal (one_time, NEW_PASSWORD))
    return g_steal_pointer (&first);
  page = request ("GET", "/console/password", first, NULL);
  csrf = csrf_of (page->body);
  change = g_strdup_printf ("csrf=%s&current=%s&new=%s&repeat=%s", csrf, o, p, p);
  changed = request ("POST", "/console/password", first, change);
  g_assert_cmpint (changed->status, ==, 303);
  g_hash_table_insert (fixture->passwords, g_strdup (name), g_strdup (NEW_PASSWORD));
  return set_session (changed);
}

/* The CSRF token of @session (from the officers' page). */
static char *
token_of (const char *session)
{
  g_autoptr(Answer) page = request ("GET", "/console/officers", session, NULL);

  g_assert_cmpint (page->status, ==, 200);
  return csrf_of (page->body);
}

static char *
add_staff (const char *name,
           const char *role,
           const char *team)
{
  g_autofree char *out = team != NULL
    ? xuncha_test_office_admin (fixture->dir, "staff", "add", name, "--role", role, "--team",
                                team, NULL)
    : xuncha_test_office_admin (fixture->dir, "staff", "add", name, "--role", role, NULL);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* A device enrolled from the card's QR code as a phone scans it (xuncha-cli enroll --link:
 * the office's address and its key's pin from the link); its folder. */
static char *
enroll_from_card (const char *page)
{
  g_autoptr(GPtrArray) texts = xuncha_test_read_qr_codes (page);
  g_autofree char *out = NULL, *err = NULL;
  char *device = xuncha_test_make_tmpdir ();
  const char *argv[] = { xuncha_test_program ("XUNCHA_CLI"), "--data-dir", device, "enroll",
                         "--link", NULL, "--ca", xuncha_test_certs ()->ca, NULL };

  g_assert_cmpuint (texts->len, ==, 1);
  g_assert_nonnull (strstr (texts->pdata[0], "pin=sha256"));
  argv[5] = texts->pdata[0];
  if (xuncha_test_run (argv, &out, &err) != 0)
    g_error ("enroll: %s%s", out, err);
  return device;
}

/* One sync of the device in @device_dir with the real office. */
static XunchaSyncResult *
sync_device (const char *device_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaSync) sync = xuncha_sync_new (device_dir);
  XunchaSyncResult *result;

  xuncha_sync_set_backoff (sync, 20, 2000);
  xuncha_sync_set_max_attempts (sync, 3);
  result = xuncha_sync_run (sync, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* The device's assigned segment ids, sorted and joined by spaces. */
static char *
device_assignments (const char *device_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (device_dir, &error);
  g_autoptr(GString) ids = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (xuncha_store_get_db (store),
                                       "SELECT street_id FROM assignments ORDER BY street_id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (ids->len > 0)
        g_string_append_c (ids, ' ');
      g_string_append (ids, (const char *)sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return g_strdup (ids->str);
}

/* The office's assignments of officer B7 as "s-102 s-103": the fixture's two streets
 * each looked for, and the count, so that nothing else is among them. */
static char *
office_assignments (void)
{
  static const char * const streets[] = { "s-102", "s-103" };
  g_autofree char *total = xuncha_test_office_query (fixture->dir,
                                                     "SELECT count(*) FROM assignments "
                                                     "WHERE officer_id = $1", "B7");
  g_autoptr(GString) ids = g_string_new (NULL);
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (streets); i++)
    {
      g_autofree char *count = xuncha_test_office_query (fixture->dir,
                                                         "SELECT count(*) FROM assignments "
                                                         "WHERE officer_id = 'B7' AND "
                                                         "street_id = $1", streets[i]);

      if (g_strcmp0 (count, "1") == 0)
        {
          g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "", streets[i]);
          found++;
        }
    }
  g_assert_cmpint (g_ascii_strtoll (total, NULL, 10), ==, found);
  return g_strdup (ids->str);
}

static Answer *
post_segments (const char *session,
               const char *segments)
{
  g_autofree char *csrf = token_of (session);
  g_autofree char *value = form_escape (segments);
  g_autofree char *form = g_strdup_printf ("csrf=%s&segments=%s", csrf, value);

  return request ("POST", "/console/officers/B7/segments", session, form);
}

static void
set_up (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autofree char *streets = xuncha_test_source_path ("tests/fixtures/sync-streets.geojson");

  fixture = g_new0 (Fixture, 1);
  fixture->dir = xuncha_test_make_tmpdir ();
  fixture->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_free (xuncha_test_office_admin (fixture->dir, "streets", "import", streets, NULL));
  g_hash_table_insert (fixture->passwords, g_strdup ("admin"), add_staff ("admin", "admin", NULL));
  g_hash_table_insert (fixture->passwords, g_strdup ("disp"),
                       add_staff ("disp", "dispatcher", NULL));
  g_hash_table_insert (fixture->passwords, g_strdup ("lead1"), add_staff ("lead1", "leader", "T1"));
  g_hash_table_insert (fixture->passwords, g_strdup ("lead2"), add_staff ("lead2", "leader", "T2"));
  fixture->office = xuncha_test_office_start (fixture->dir, certs->server_cert, certs->server_key,
                                              0);
  ca = g_tls_file_database_new (certs->ca, &error);
  g_assert_no_error (error);
  fixture->session = soup_session_new_with_options ("tls-database", ca, "proxy-resolver", direct,
                                                    NULL);
}

static void
tear_down (void)
{
  xuncha_test_office_free (fixture->office);
  g_clear_object (&fixture->session);
  xuncha_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_hash_table_unref (fixture->passwords);
  g_free (fixture);
}

static void
test_officer_lifecycle (void)
{
  g_autofree char *admin = login ("admin");
  g_autofree char *lead1 = login ("lead1");
  g_autofree char *lead2 = login ("lead2");
  g_autofree char *disp = login ("disp");
  g_autofree char *csrf = token_of (admin);
  g_autofree char *name = form_escape (HOSTILE_NAME);
  g_autofree char *form = g_strdup_printf ("csrf=%s&id=B7&name=%s&team=T1", csrf, name);
  g_autofree char *code = NULL, *device = NULL, *ids = NULL, *again_form = NULL;
  g_autofree char *second_device = NULL, *hash = NULL;
  g_autoptr(Answer) answer = NULL;
  g_autoptr(XunchaSyncResult) result = NULL;

  /* Added: his code once, on a card; his name from outside shows as text. */
  answer = request ("POST", "/console/officers", admin, form);
  g_assert_cmpint (answer->status, ==, 200);
  code = between (answer->body, "<code id=\"enroll-code\">", "</code>");
  g_assert_cmpuint (strlen (code), >, 8);
  g_assert_nonnull (strstr (answer->body, "王&lt;b&gt;五&lt;/b&gt;&quot;x"));
  g_assert_null (strstr (answer->body, "<b>五"));
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==,
                   "no-store");
  device = enroll_from_card (answer->body);
  g_clear_pointer (&answer, answer_free);

  /* Adding the same id again renews nothing: the code spent stays spent, no new one. */
  hash = xuncha_test_office_query (fixture->dir, "SELECT code_sha256 FROM officers WHERE id = $1",
                                   "B7");
  g_assert_null (hash);
  again_form = g_strdup_printf ("csrf=%s&id=B7&name=other&team=T2", csrf);
  answer = request ("POST", "/console/officers", admin, again_form);
  g_assert_cmpint (answer->status, ==, 409);
  g_clear_pointer (&answer, answer_free);
  g_assert_null (xuncha_test_office_query (fixture->dir,
                                           "SELECT code_sha256 FROM officers WHERE id = $1",
                                           "B7"));
  g_assert_cmpstr (xuncha_test_office_query (fixture->dir,
                                             "SELECT team FROM officers WHERE id = $1", "B7"),
                   ==, "T1");

  /* The list: his team's leader and the dispatcher see him enrolled; the other leader not. */
  answer = request ("GET", "/console/officers", lead1, NULL);
  g_assert_nonnull (strstr (answer->body, "data-officer=\"B7\""));
  g_assert_nonnull (strstr (answer->body, "<td class=\"devices\">1</td>"));
  /* Enrolled, not synced yet. */
  g_assert_nonnull (strstr (answer->body, "data-label=\"Last sync\">—</td>"));
  g_assert_null (strstr (answer->body, "class=\"revoke\""));
  g_assert_nonnull (strstr (answer->body, "/console/officers/B7/route?day="));
  g_assert_nonnull (strstr (answer->body, "王&lt;b&gt;五&lt;/b&gt;&quot;x"));
  g_assert_null (strstr (answer->body, "<b>五"));
  g_clear_pointer (&answer, answer_free);
  answer = request ("GET", "/console/officers", lead2, NULL);
  g_assert_null (strstr (answer->body, "B7"));
  g_clear_pointer (&answer, answer_free);

  /* The leader of his team chooses two segments; the next sync gets exactly those. */
  answer = post_segments (lead1, "s-103 s-102 s-103");
  g_assert_cmpint (answer->status, ==, 303);
  g_clear_pointer (&answer, answer_free);
  ids = office_assignments ();
  g_assert_cmpstr (ids, ==, "s-102 s-103");
  g_clear_pointer (&ids, g_free);
  answer = request ("GET", "/console/officers/B7/segments", lead1, NULL);
  g_assert_nonnull (strstr (answer->body, "陈寿路 · 1 segments"));
  g_assert_nonnull (strstr (answer->body, "value=\"s-102 s-103\""));
  /* The chosen segments for the script, as data: quoted, never a script of the page. */
  g_assert_nonnull (strstr (answer->body, "data-chosen=\"{&quot;s-102&quot;:&quot;陈寿路&quot;"));
  g_assert_null (strstr (answer->body, "<b>五"));
  g_clear_pointer (&answer, answer_free);
  result = sync_device (device);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);
  ids = device_assignments (device);
  g_assert_cmpstr (ids, ==, "s-102 s-103");
  g_clear_pointer (&ids, g_free);
  /* The sync shows as his last. */
  answer = request ("GET", "/console/officers", lead1, NULL);
  {
    g_autofree char *synced = between (answer->body, "data-label=\"Last sync\">", "</td>");

    g_assert_cmpstr (synced, !=, "—");
    g_assert_cmpuint (strlen (synced), ==, strlen ("2024-05-01 08:30"));
  }
  g_clear_pointer (&answer, answer_free);

  /* A segment the office does not hold, another team's leader, a dispatcher: nothing
   * changes. */
  answer = post_segments (admin, "s-102 no-such-segment");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = post_segments (admin, "s-102 bad\x01id");
  g_assert_cmpint (answer->status, ==, 400);
  g_clear_pointer (&answer, answer_free);
  answer = post_segments (disp, "s-102");
  g_assert_cmpint (answer->status, ==, 403);
  g_clear_pointer (&answer, answer_free);
  {
    g_autofree char *other = token_of (lead2);
    g_autofree char *other_form = g_strdup_printf ("csrf=%s&segments=s-102", other);

    answer = request ("POST", "/console/officers/B7/segments", lead2, other_form);
    g_assert_cmpint (answer->status, ==, 404);
    g_clear_pointer (&answer, answer_free);
  }
  answer = request ("POST", "/console/officers/B7/segments", lead1, "segments=s-102");
  g_assert_cmpint (answer->status, ==, 403);
  g_clear_pointer (&answer, answer_free);
  ids = office_assignments ();
  g_assert_cmpstr (ids, ==, "s-102 s-103");
  g_clear_pointer (&ids, g_free);

  /* The administrator takes one off; the device follows at its next sync. */
  answer = post_segments (admin, "s-102");
  g_assert_cmpint (answer->status, ==, 303);
  g_clear_pointer (&answer, answer_free);
  result = sync_device (device);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);
  ids = device_assignments (device);
  g_assert_cmpstr (ids, ==, "s-102");
  g_clear_pointer (&ids, g_free);

  /* Revoked: the next sync is refused, in the words the device has for it. */
  {
    g_autofree char *revoke_form = g_strdup_printf ("csrf=%s", csrf);

    answer = request ("POST", "/console/officers/B7/revoke", admin, revoke_form);
    g_assert_cmpint (answer->status, ==, 303);
    g_clear_pointer (&answer, answer_free);
  }
  result = sync_device (device);
  g_assert_error (result->stopped, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (result->stopped->message, "Enroll again"));
  g_clear_pointer (&result, xuncha_sync_result_free);
  answer = request ("GET", "/console/officers", disp, NULL);
  g_assert_nonnull (strstr (answer->body, "<tr class=\"officer revoked\" data-officer=\"B7\">"));
  g_assert_null (strstr (answer->body, "class=\"revoke\""));
  g_clear_pointer (&answer, answer_free);

  /* Reset: a new code on a new card that enrolls a new device; the old one stays refused. */
  {
    g_autofree char *reset_form = g_strdup_printf ("csrf=%s", csrf);
    g_autofree char *new_code = NULL;

    answer = request ("POST", "/console/officers/B7/reset", admin, reset_form);
    g_assert_cmpint (answer->status, ==, 200);
    new_code = between (answer->body, "<code id=\"enroll-code\">", "</code>");
    g_assert_cmpstr (new_code, !=, code);
    second_device = enroll_from_card (answer->body);
    g_clear_pointer (&answer, answer_free);
  }
  result = sync_device (device);
  g_assert_error (result->stopped, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_UNAUTHORIZED);
  g_clear_pointer (&result, xuncha_sync_result_free);
  result = sync_device (second_device);
  g_assert_true (xuncha_sync_result_is_complete (result));
  g_clear_pointer (&result, xuncha_sync_result_free);
  ids = device_assignments (second_device);
  g_assert_cmpstr (ids, ==, "s-102");
  g_clear_pointer (&ids, g_free);

  /* Each change in the audit log, before → after. */
  answer = request ("GET", "/console/audit", admin, NULL);
  g_assert_nonnull (strstr (answer->body, "<td>officer.add</td><td>B7</td><td></td>"));
  g_assert_nonnull (strstr (answer->body, "<td>officer.segments</td><td>B7</td><td>s-102 s-103"
                                          "</td><td>s-102</td>"));
  g_assert_nonnull (strstr (answer->body, "<td>officer.segments</td><td>B7</td><td></td>"
                                          "<td>s-102 s-103</td>"));
  g_assert_nonnull (strstr (answer->body, "<td>officer.revoke</td><td>B7</td>"));
  g_assert_nonnull (strstr (answer->body, "revoked=no devices=1 code=none</td><td>"));
  g_assert_nonnull (strstr (answer->body, "revoked=yes devices=0 code=none</td>"));
  g_assert_nonnull (strstr (answer->body, "<td>officer.reset</td><td>B7</td>"));
  g_assert_nonnull (strstr (answer->body, "revoked=no devices=0 code=open</td>"));

  xuncha_test_remove_tree (device);
  xuncha_test_remove_tree (second_device);
}

/* The audit log's @column (before, after, or count(*) with @column NULL) of officer K1's
 * entries of @action by the command line: NULL for none. */
static char *
cli_audit (const char *action,
           const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM audit_log WHERE actor = 'command line'"
                                          " AND subject = 'K1' AND action = $1",
                                          column != NULL ? column : "count(*)");

  return xuncha_test_office_query (fixture->dir, sql, action);
}

/* Issue 16: the command line's officer add, assign and revoke each write their audit entry
 * (actor "command line", before → after) with the change; one that fails (an unknown
 * segment or officer) changes nothing and audits nothing. */
static void
test_officers_cli (void)
{
  g_autofree char *out = NULL, *err = NULL, *text = NULL;

  g_free (xuncha_test_office_admin (fixture->dir, "officer", "add", "K1", "--name", "柯",
                                    "--team", "T1", NULL));
  text = cli_audit ("officer.add", "after");
  g_assert_cmpstr (text, ==, "name=柯 team=T1 leader=no revoked=no devices=0 code=open");
  g_clear_pointer (&text, g_free);
  text = cli_audit ("officer.add", "before");
  g_assert_null (text);

  g_assert_cmpint (xuncha_test_office_run (fixture->dir, &out, &err, "officer", "assign", "K1",
                                           "s-102", "s-999", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "s-999"));
  text = cli_audit ("officer.segments", NULL);
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);
  text = xuncha_test_office_query (fixture->dir, "SELECT count(*) FROM assignments "
                                   "WHERE officer_id = $1", "K1");
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);

  g_free (xuncha_test_office_admin (fixture->dir, "officer", "assign", "K1", "s-103", "s-102",
                                    "s-103", NULL));
  text = cli_audit ("officer.segments", "before");
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  text = cli_audit ("officer.segments", "after");
  g_assert_cmpstr (text, ==, "s-102 s-103");
  g_clear_pointer (&text, g_free);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (xuncha_test_office_run (fixture->dir, &out, &err, "officer", "revoke",
                                           "K404", NULL), ==, 1);
  text = xuncha_test_office_query (fixture->dir, "SELECT count(*) FROM audit_log "
                                   "WHERE subject = $1", "K404");
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);

  g_free (xuncha_test_office_admin (fixture->dir, "officer", "revoke", "K1", NULL));
  text = cli_audit ("officer.revoke", "before");
  g_assert_cmpstr (text, ==, "name=柯 team=T1 leader=no revoked=no devices=0 code=open");
  g_clear_pointer (&text, g_free);
  text = cli_audit ("officer.revoke", "after");
  g_assert_cmpstr (text, ==, "name=柯 team=T1 leader=no revoked=yes devices=0 code=none");
}

/* The pages in Chinese: the list's headings and a segment count as the office writes it. */
static void
test_chinese (void)
{
  g_autofree char *admin = login ("admin");
  g_autoptr(Answer) answer = request ("GET", "/console/officers?lang=zh_CN", admin, NULL);

  g_assert_cmpint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "执法队员"));
  g_clear_pointer (&answer, answer_free);
  answer = request ("GET", "/console/officers/B7/segments?lang=zh_CN", admin, NULL);
  g_assert_nonnull (strstr (answer->body, "陈寿路 · 1 段"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (xuncha_test_certs () == NULL)
    {
      g_test_skip ("No test certificates");
      return g_test_run ();
    }
  set_up ();
  g_test_add_func ("/office-console-officers/lifecycle", test_officer_lifecycle);
  g_test_add_func ("/office-console-officers/chinese", test_chinese);
  g_test_add_func ("/office-console-officers/command-line", test_officers_cli);
  status = g_test_run ();
  tear_down ();
  return status;
}
