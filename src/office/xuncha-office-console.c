/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "xuncha-office-console-private.h"
#include "xuncha-office-password.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-taxonomy.h"

G_DEFINE_FINAL_TYPE (XunchaOfficeConsole, xuncha_office_console, G_TYPE_OBJECT)

#define PREFIX XUNCHA_OFFICE_CONSOLE_PREFIX
#define SESSION_COOKIE "xuncha_session"
#define LANGUAGE_COOKIE "xuncha_lang"
/* Reports on one page of the list. */
#define PAGE_ROWS 50
/* Failed logins kept at most (made-up names cannot fill the disk). */
#define LOGIN_FAILURES_KEPT 10000
/* A session's last use is written at most this often: a page view is not a write. */
#define TOUCH_EVERY_US (60 * G_USEC_PER_SEC)
/* Form and query values: a name, a password, a filter. Longer is refused, not cut. */
#define VALUE_MAX_BYTES 256
#define AUDIT_ROWS 50

/* What every answer of the console carries: no script but the office's own files, no
 * framing, no guessing of types, and nothing of it in a shared cache. */
static const char * const security_headers[] = {
  "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                             "form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options", "nosniff",
  "X-Frame-Options", "DENY",
  /* Not no-referrer: under it Chromium sends "Origin: null" with the console's own forms,
   * which check_change() must refuse. Nothing leaves the office's origin either way. */
  "Referrer-Policy", "same-origin",
};

typedef XunchaOfficeConsolePage Page;

static void
page_clear (Page *page)
{
  g_clear_pointer (&page->query, g_hash_table_unref);
  g_clear_pointer (&page->form, g_hash_table_unref);
  g_clear_pointer (&page->session, xuncha_office_staff_session_free);
  g_clear_pointer (&page->staff, xuncha_office_staff_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_clear)

/* The page's language: the switch's cookie first, then the browser's first choice of
 * Chinese or English. */
static const char *tr (Page       *page,
                       const char *text) G_GNUC_FORMAT (2);

static const char *
tr (Page       *page,
    const char *text)
{
  return page->chinese ? xuncha_office_console_catalogue_translate (page->self->zh, text) : text;
}

static void
esc (GString    *out,
     const char *text)
{
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return;
  /* Escapes & < > ' and ": safe in text and in quoted attribute values alike. */
  escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

static void
answer_headers (Page *page)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_headers); i += 2)
    xuncha_office_console_call_header (page->call, security_headers[i], security_headers[i + 1]);
}

static void
answer_html (Page    *page,
             guint    status,
             GString *html)
{
  answer_headers (page);
  /* Every page but the login form shows personal data or a token. */
  xuncha_office_console_call_header (page->call, "Cache-Control", "no-store");
  xuncha_office_console_call_answer (page->call, status, "text/html; charset=utf-8",
                                     g_string_free_to_bytes (html));
}

static void
redirect (Page       *page,
          const char *location)
{
  answer_headers (page);
  xuncha_office_console_call_header (page->call, "Cache-Control", "no-store");
  xuncha_office_console_call_header (page->call, "Location", location);
  xuncha_office_console_call_answer (page->call, 303, "text/plain; charset=utf-8",
                                     g_bytes_new_static ("", 0));
}

/* The page's head, title and (for a logged-in member) the navigation. */
static GString *
page_start (Page       *page,
            const char *title)
{
  GString *html = g_string_new ("<!DOCTYPE html>\n<html lang=\"");

  g_string_append (html, page->chinese ? "zh-CN" : "en");
  g_string_append (html, "\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<link rel=\"stylesheet\" href=\"" PREFIX "/static/console.css\"><title>");
  esc (html, title);
  g_string_append (html, " · ");
  esc (html, tr (page, N_("Xuncha office console")));
  g_string_append (html, "</title></head><body><header><nav>");
  if (page->staff != NULL && !page->staff->must_change)
    {
      g_string_append (html, "<a href=\"" PREFIX "/reports\">");
      esc (html, tr (page, N_("Reports")));
      g_string_append (html, "</a><a href=\"" PREFIX "/map\" id=\"nav-map\">");
      esc (html, tr (page, N_("Map")));
      g_string_append (html, "</a><a href=\"" PREFIX "/weekly\" id=\"nav-weekly\">");
      esc (html, tr (page, N_("Weekly report")));
      g_string_append (html, "</a><a href=\"" PREFIX "/officers\" id=\"nav-officers\">");
      esc (html, tr (page, N_("Officers")));
      g_string_append (html, "</a><a href=\"" PREFIX "/time-limits\">");
      esc (html, tr (page, N_("Time limits")));
      g_string_append (html, "</a>");
      if (page->staff->role == XUNCHA_OFFICE_STAFF_ROLE_ADMIN)
        {
          g_string_append (html, "<a href=\"" PREFIX "/staff\">");
          esc (html, tr (page, N_("Accounts")));
          g_string_append (html, "</a><a href=\"" PREFIX "/audit\">");
          esc (html, tr (page, N_("Audit log")));
          g_string_append (html, "</a>");
        }
      g_string_append (html, "<a href=\"" PREFIX "/password\">");
      esc (html, tr (page, N_("Password")));
      g_string_append (html, "</a>");
    }
  g_string_append (html, "<span class=\"languages\"><a href=\"?lang=zh_CN\">中文</a>"
                   "<a href=\"?lang=en\">English</a></span>");
  if (page->staff != NULL)
    {
      g_string_append (html, "<form class=\"logout\" method=\"post\" action=\"" PREFIX "/logout\">"
                       "<input type=\"hidden\" name=\"csrf\" value=\"");
      esc (html, page->session->csrf_token);
      g_string_append (html, "\"><span class=\"who\">");
      esc (html, page->staff->name);
      g_string_append (html, "</span><button type=\"submit\" id=\"logout\">");
      esc (html, tr (page, N_("Log out")));
      g_string_append (html, "</button></form>");
    }
  g_string_append (html, "</nav></header><main><h1>");
  esc (html, title);
  g_string_append (html, "</h1>");
  return html;
}

static void
page_end (GString *html)
{
  g_string_append (html, "</main></body></html>\n");
}

/* A page that only says what went wrong, in the user's language. */
static void
answer_message (Page       *page,
                guint       status,
                const char *title,
                const char *message)
{
  GString *html = page_start (page, title);

  g_string_append (html, "<p class=\"message\">");
  esc (html, message);
  g_string_append (html, "</p>");
  page_end (html);
  answer_html (page, status, html);
}

/* Requests. */

/* The value of cookie @name in the Cookie header, or NULL. */
static char *
cookie_value (const char *header,
              const char *name)
{
  g_auto(GStrv) parts = NULL;
  gsize name_length = strlen (name);

  if (header == NULL)
    return NULL;
  parts = g_strsplit (header, ";", 64);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];

      while (*part == ' ')
        part++;
      if (strncmp (part, name, name_length) == 0 && part[name_length] == '=')
        return g_strdup (part + name_length + 1);
    }
  return NULL;
}

/* Whether @text is a value the console takes: valid UTF-8 without control characters, at
 * most @max bytes. */
static gboolean
value_acceptable (const char *text,
                  gsize       max)
{
  if (strlen (text) > max || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Reads a query or a form: only the names in @allowed, each at most once, each within
 * its limit. NULL with a message (naming the field) otherwise. */
static GHashTable *
parse_fields (const char          *text,
              gsize                length,
              const char * const  *allowed,
              char               **problem)
{
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = NULL;
  g_autofree char *copy = g_strndup (text != NULL ? text : "", text != NULL ? length : 0);

  if (text != NULL && memchr (text, '\0', length) != NULL)
    {
      *problem = g_strdup ("a NUL byte");
      return NULL;
    }
  pairs = g_strsplit (copy, "&", 0);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *name = NULL, *value = NULL;
      char *equals = strchr (pairs[i], '=');

      if (*pairs[i] == '\0')
        continue;
      if (equals != NULL)
        *equals = '\0';
      g_strdelimit (pairs[i], "+", ' ');
      if (equals != NULL)
        g_strdelimit (equals + 1, "+", ' ');
      name = g_uri_unescape_string (pairs[i], NULL);
      value = g_uri_unescape_string (equals != NULL ? equals + 1 : "", NULL);
      if (name == NULL || value == NULL || !value_acceptable (name, 64))
        {
          *problem = g_strdup ("a field that cannot be read");
          return NULL;
        }
      if (!g_strv_contains (allowed, name))
        {
          *problem = g_strdup_printf ("unknown field “%s”", name);
          return NULL;
        }
      if (g_hash_table_contains (fields, name))
        {
          *problem = g_strdup_printf ("field “%s” given twice", name);
          return NULL;
        }
      if (!value_acceptable (value, VALUE_MAX_BYTES))
        {
          *problem = g_strdup_printf ("field “%s” is too long or not text", name);
          return NULL;
        }
      g_hash_table_insert (fields, g_steal_pointer (&name), g_steal_pointer (&value));
    }
  return g_steal_pointer (&fields);
}

static const char *
field (GHashTable *fields,
       const char *name)
{
  const char *value = fields != NULL ? g_hash_table_lookup (fields, name) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
read_query (Page               *page,
            const char * const *allowed)
{
  g_autofree char *problem = NULL;
  const char *query = page->call->query;

  page->query = parse_fields (query, query != NULL ? strlen (query) : 0, allowed, &problem);
  if (page->query == NULL)
    {
      g_autofree char *message = g_strdup_printf (tr (page, N_("The address is not one the "
                                                                "console makes: %s.")), problem);

      answer_message (page, 400, tr (page, N_("Bad request")), message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_form (Page               *page,
           const char * const *allowed)
{
  g_autofree char *problem = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (page->call->body, &length);

  if (page->call->content_type == NULL
      || !g_str_has_prefix (page->call->content_type, "application/x-www-form-urlencoded"))
    problem = g_strdup ("not a form");
  else
    page->form = parse_fields (data, length, allowed, &problem);
  if (page->form == NULL)
    {
      g_autofree char *message = g_strdup_printf (tr (page, N_("The form could not be read: "
                                                                "%s.")), problem);

      answer_message (page, 400, tr (page, N_("Bad request")), message);
      return FALSE;
    }
  return TRUE;
}

/* Constant time in the length of @expected: a wrong token says nothing about how much of
 * it was right. */
static gboolean
tokens_equal (const char *expected,
              const char *given)
{
  gsize length = strlen (expected);
  gsize given_length;
  guint8 difference = 0;

  if (given == NULL)
    return FALSE;
  given_length = strlen (given);
  for (gsize i = 0; i < length; i++)
    difference |= (guint8)expected[i] ^ (guint8)(i < given_length ? given[i] : 0);
  return difference == 0 && given_length == length;
}

/* A change must come from the console's own page: the session's token (the form's field
 * or the X-CSRF-Token header), and no other site's Origin. */
static gboolean
check_change (Page *page)
{
  const char *token = page->call->csrf_header != NULL ? page->call->csrf_header
                                                      : field (page->form, "csrf");

  if (page->call->origin != NULL && page->call->host != NULL)
    {
      g_autofree char *own = g_strdup_printf ("https://%s", page->call->host);

      if (!g_str_equal (page->call->origin, own))
        {
          answer_message (page, 403, tr (page, N_("Refused")),
                          tr (page, N_("The request came from another site.")));
          return FALSE;
        }
    }
  if (!tokens_equal (page->session->csrf_token, token))
    {
      answer_message (page, 403, tr (page, N_("Refused")),
                      tr (page, N_("The page was out of date. Open it again and repeat what "
                                   "you did.")));
      return FALSE;
    }
  return TRUE;
}

static void
answer_storage_error (Page         *page,
                      const GError *error)
{
  g_warning ("Console %s %s: %s", page->call->method, page->call->path, error->message);
  answer_message (page, g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                         XUNCHA_OFFICE_STORAGE_ERROR_BUSY) ? 503 : 500,
                  tr (page, N_("The office could not answer")),
                  tr (page, N_("The office's records could not be read or written. Try again "
                               "in a moment; if it stays so, tell the office's administrator.")));
}

/* Sessions. */

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* The session the cookie names, if it is alive: its account is loaded with it. An expired
 * one is ended. */
static gboolean
load_session (Page *page)
{
  XunchaOfficeConsole *self = page->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = cookie_value (page->call->cookie, SESSION_COOKIE);
  g_autofree char *hash = NULL;
  gint64 now = g_get_real_time ();

  if (id == NULL || strlen (id) != 43)
    return TRUE;
  hash = sha256_hex (id);
  page->session = xuncha_office_staff_records_session_get (self->staff, hash, &error);
  if (page->session == NULL)
    {
      if (!g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                            XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        {
          answer_storage_error (page, error);
          return FALSE;
        }
      return TRUE;
    }
  if (now - page->session->seen_at > self->idle_us
      || now - page->session->created_at > self->absolute_us)
    {
      g_autoptr(XunchaOfficeAuditEntry) audit =
        xuncha_office_audit_entry_new (page->session->staff_name, "session.expire", NULL, NULL,
                                       NULL);

      g_clear_pointer (&page->session, xuncha_office_staff_session_free);
      if (!xuncha_office_staff_records_session_end (self->staff, hash, audit, &error))
        {
          answer_storage_error (page, error);
          return FALSE;
        }
      return TRUE;
    }
  page->staff = xuncha_office_staff_records_staff_get (self->staff, page->session->staff_name,
                                                       &error);
  if (page->staff == NULL)
    {
      answer_storage_error (page, error);
      return FALSE;
    }
  if (page->staff->disabled)
    {
      g_clear_pointer (&page->session, xuncha_office_staff_session_free);
      g_clear_pointer (&page->staff, xuncha_office_staff_free);
      return TRUE;
    }
  if (now - page->session->seen_at > TOUCH_EVERY_US
      && !xuncha_office_staff_records_session_touch (self->staff, hash, now, &error))
    {
      answer_storage_error (page, error);
      return FALSE;
    }
  return TRUE;
}

static void
set_session_cookie (Page       *page,
                    const char *id)
{
  g_autofree char *cookie = NULL;

  /* Secure even when a TLS proxy in front speaks plain HTTP to the office: the browser
   * only ever sees HTTPS. No Max-Age: it goes with the browser, and the office ends it
   * anyway. */
  if (id != NULL)
    cookie = g_strdup_printf (SESSION_COOKIE "=%s; Path=" PREFIX "; HttpOnly; Secure; "
                              "SameSite=Strict", id);
  else
    cookie = g_strdup (SESSION_COOKIE "=; Path=" PREFIX "; HttpOnly; Secure; SameSite=Strict; "
                       "Max-Age=0");
  xuncha_office_console_call_header (page->call, "Set-Cookie", cookie);
}

/* A new session for @name, its cookie set on the answer, kept with @audit (nullable) in
 * one transaction. Never an id the browser brought: whatever it held before is not this
 * session (no fixation). */
static gboolean
start_session (Page                          *page,
               const char                    *name,
               const XunchaOfficeAuditEntry  *audit,
               GError                       **error)
{
  g_autoptr(XunchaOfficeStaffSession) session = xuncha_office_staff_session_new ();
  g_autofree char *id = xuncha_office_password_random_token (32);
  gint64 now = g_get_real_time ();

  session->id_sha256 = sha256_hex (id);
  session->staff_name = g_strdup (name);
  session->csrf_token = xuncha_office_password_random_token (32);
  session->created_at = now;
  session->seen_at = now;
  if (!xuncha_office_staff_records_session_add (page->self->staff, session,
                                                now - page->self->idle_us, audit, error))
    return FALSE;
  set_session_cookie (page, id);
  return TRUE;
}

/* Login. */

static void
login_form (Page       *page,
            guint       status,
            const char *problem,
            const char *name)
{
  GString *html = page_start (page, tr (page, N_("Log in")));

  if (problem != NULL)
    {
      g_string_append (html, "<p class=\"problem\" role=\"alert\">");
      esc (html, problem);
      g_string_append (html, "</p>");
    }
  g_string_append (html, "<form method=\"post\" action=\"" PREFIX "/login\" class=\"login\">"
                   "<label>");
  esc (html, tr (page, N_("Name")));
  g_string_append (html, "<input name=\"name\" id=\"name\" autocomplete=\"username\" required "
                   "maxlength=\"64\" value=\"");
  esc (html, name);
  g_string_append (html, "\"></label><label>");
  esc (html, tr (page, N_("Password")));
  g_string_append (html, "<input type=\"password\" name=\"password\" id=\"password\" "
                   "autocomplete=\"current-password\" required maxlength=\"256\"></label>"
                   "<button type=\"submit\" id=\"login\">");
  esc (html, tr (page, N_("Log in")));
  g_string_append (html, "</button></form>");
  page_end (html);
  /* The login form holds nothing personal, but a cached one is of no use either. */
  answer_html (page, status, html);
}

/* How many failed logins in the window name @name or come from @address. */
static gboolean
login_blocked (Page        *page,
               const char  *name,
               gboolean    *blocked,
               GError     **error)
{
  XunchaOfficeConsole *self = page->self;
  gint64 since = g_get_real_time () - (gint64)self->login_window_s * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) failures = xuncha_office_staff_records_login_failures (self->staff, since,
                                                                              error);
  guint by_name = 0, by_address = 0;

  if (failures == NULL)
    return FALSE;
  for (guint i = 0; i < failures->len; i++)
    {
      const XunchaOfficeEnrollFailure *failure = failures->pdata[i];

      by_name += g_strcmp0 (failure->officer_id, name) == 0;
      by_address += g_strcmp0 (failure->address, page->call->remote_host) == 0;
    }
  *blocked = by_name >= self->login_per_name || by_address >= self->login_per_address;
  return TRUE;
}

static void
handle_login (Page *page)
{
  static const char * const allowed[] = { "name", "password", NULL };
  XunchaOfficeConsole *self = page->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeStaff) staff = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  const char *name, *password;
  gboolean blocked = FALSE;

  if (g_str_equal (page->call->method, "GET"))
    {
      if (page->staff != NULL)
        redirect (page, PREFIX "/reports");
      else
        login_form (page, 200, NULL, NULL);
      return;
    }
  if (!read_form (page, allowed))
    return;
  name = field (page->form, "name");
  password = field (page->form, "password");
  if (name == NULL || password == NULL)
    {
      login_form (page, 400, tr (page, N_("Give your name and your password.")), name);
      return;
    }
  if (!login_blocked (page, name, &blocked, &error))
    {
      answer_storage_error (page, error);
      return;
    }
  if (blocked)
    {
      xuncha_office_console_call_header (page->call, "Retry-After", "60");
      login_form (page, 429, tr (page, N_("Too many failed logins. Wait a few minutes, or ask "
                                          "the administrator to reset the password.")), name);
      return;
    }
  staff = xuncha_office_staff_records_staff_get (self->staff, name, &error);
  if (staff == NULL && !g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                         XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
    {
      answer_storage_error (page, error);
      return;
    }
  g_clear_error (&error);
  /* An unknown name costs a hash check too: the answer's time tells nothing. */
  if (!xuncha_office_password_verify (staff != NULL ? staff->password_hash : NULL, password)
      || staff->disabled)
    {
      g_autoptr(XunchaOfficeEnrollFailure) failure =
        xuncha_office_enroll_failure_new (name, page->call->remote_host, g_get_real_time ());

      if (!xuncha_office_staff_records_login_failure_add (self->staff, failure,
                                                          LOGIN_FAILURES_KEPT, &error))
        {
          answer_storage_error (page, error);
          return;
        }
      login_form (page, 401, tr (page, N_("The name or the password is wrong.")), name);
      return;
    }

  /* Whatever session the browser held ends here; the login gets a new one. */
  if (page->session != NULL)
    xuncha_office_staff_records_session_end (self->staff, page->session->id_sha256, NULL, NULL);
  audit = xuncha_office_audit_entry_new (staff->name, "login", NULL, NULL,
                                         page->call->remote_host);
  if (!start_session (page, staff->name, audit, &error))
    {
      answer_storage_error (page, error);
      return;
    }
  redirect (page, staff->must_change ? PREFIX "/password" : PREFIX "/reports");
}

static void
handle_logout (Page *page)
{
  static const char * const allowed[] = { "csrf", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;

  if (!read_form (page, allowed) || !check_change (page))
    return;
  audit = xuncha_office_audit_entry_new (page->staff->name, "logout", NULL, NULL, NULL);
  if (!xuncha_office_staff_records_session_end (page->self->staff, page->session->id_sha256,
                                                audit, &error))
    {
      answer_storage_error (page, error);
      return;
    }
  set_session_cookie (page, NULL);
  redirect (page, PREFIX "/login");
}

/* Password. */

static void
password_form (Page       *page,
               guint       status,
               const char *problem)
{
  GString *html = page_start (page, tr (page, N_("Change password")));

  if (page->staff->must_change)
    {
      g_string_append (html, "<p class=\"message\">");
      esc (html, tr (page, N_("You logged in with a one-time password. Choose your own "
                              "password to go on.")));
      g_string_append (html, "</p>");
    }
  if (problem != NULL)
    {
      g_string_append (html, "<p class=\"problem\" role=\"alert\">");
      esc (html, problem);
      g_string_append (html, "</p>");
    }
  g_string_append (html, "<form method=\"post\" action=\"" PREFIX "/password\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"");
  esc (html, page->session->csrf_token);
  g_string_append (html, "\"><label>");
  esc (html, tr (page, N_("Current password")));
  g_string_append (html, "<input type=\"password\" name=\"current\" id=\"current\" required "
                   "autocomplete=\"current-password\" maxlength=\"256\"></label><label>");
  esc (html, tr (page, N_("New password")));
  g_string_append (html, "<input type=\"password\" name=\"new\" id=\"new\" required "
                   "autocomplete=\"new-password\" maxlength=\"256\"></label><label>");
  esc (html, tr (page, N_("New password again")));
  g_string_append (html, "<input type=\"password\" name=\"repeat\" id=\"repeat\" required "
                   "autocomplete=\"new-password\" maxlength=\"256\"></label>"
                   "<button type=\"submit\" id=\"change\">");
  esc (html, tr (page, N_("Change password")));
  g_string_append (html, "</button></form>");
  page_end (html);
  answer_html (page, status, html);
}

static void
handle_password (Page *page)
{
  static const char * const allowed[] = { "csrf", "current", "new", "repeat", NULL };
  XunchaOfficeConsole *self = page->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *hash = NULL;
  const char *current, *new_password, *repeat;

  if (g_str_equal (page->call->method, "GET"))
    {
      password_form (page, 200, NULL);
      return;
    }
  if (!read_form (page, allowed) || !check_change (page))
    return;
  current = field (page->form, "current");
  new_password = field (page->form, "new");
  repeat = field (page->form, "repeat");
  if (current == NULL || new_password == NULL || repeat == NULL)
    {
      password_form (page, 400, tr (page, N_("Fill in all three fields.")));
      return;
    }
  if (!xuncha_office_password_verify (page->staff->password_hash, current))
    {
      password_form (page, 400, tr (page, N_("The current password is wrong.")));
      return;
    }
  if (!g_str_equal (new_password, repeat))
    {
      password_form (page, 400, tr (page, N_("The two new passwords differ.")));
      return;
    }
  if (g_str_equal (new_password, current))
    {
      password_form (page, 400, tr (page, N_("The new password must differ from the current "
                                             "one.")));
      return;
    }
  if (!xuncha_office_password_acceptable (new_password, &error))
    {
      g_autofree char *text = NULL;

      /* The password module's messages are in the office's own locale: say it again in
       * the page's language. */
      if (g_error_matches (error, XUNCHA_OFFICE_PASSWORD_ERROR,
                           XUNCHA_OFFICE_PASSWORD_ERROR_TOO_SHORT))
        text = g_strdup_printf (tr (page, N_("The password is too short: at least %d "
                                             "characters.")), XUNCHA_OFFICE_PASSWORD_MIN_CHARS);
      else if (g_error_matches (error, XUNCHA_OFFICE_PASSWORD_ERROR,
                                XUNCHA_OFFICE_PASSWORD_ERROR_TOO_LONG))
        text = g_strdup_printf (tr (page, N_("The password is too long: at most %d bytes.")),
                                XUNCHA_OFFICE_PASSWORD_MAX_BYTES);
      else
        text = g_strdup (tr (page, N_("The password holds characters that cannot be read.")));
      password_form (page, 400, text);
      return;
    }
  hash = xuncha_office_password_hash (new_password, &error);
  audit = xuncha_office_audit_entry_new (page->staff->name, "password.change",
                                         page->staff->name,
                                         page->staff->must_change ? "one-time password" : NULL,
                                         "own password");
  /* Every session of the account ends with the old password, this one too: the new one
   * starts fresh. */
  if (hash == NULL
      || !xuncha_office_staff_records_staff_set_password (self->staff, page->staff->name, hash,
                                                          FALSE, audit, &error)
      || !start_session (page, page->staff->name, NULL, &error))
    {
      answer_storage_error (page, error);
      return;
    }
  redirect (page, PREFIX "/reports");
}

/* Reports. */

/* The officers the page's member may see reports of: NULL for all. */
static gboolean
sees_all (Page *page)
{
  return xuncha_office_console_sees_all (page);
}

/* As whom the records are asked for a report: NULL (the office) sees every report, a
 * leader his team's. */
static void
viewer_for (Page              *page,
            XunchaWireOfficer *viewer)
{
  viewer->id = (char *)"";
  viewer->name = page->staff->name;
  viewer->team = page->staff->team;
  viewer->leader = TRUE;
}

static const char *
category_name (Page       *page,
               const char *code)
{
  XunchaCategory *category = code != NULL ? g_hash_table_lookup (page->self->categories, code)
                                          : NULL;

  if (category == NULL)
    return code;
  return page->chinese ? xuncha_category_get_name_zh (category)
                       : xuncha_category_get_name_en (category);
}

static const char *
status_name (Page       *page,
             const char *status)
{
  if (status == NULL || *status == '\0')
    return tr (page, N_("new"));
  return xuncha_office_console_cases_status_name (page, status);
}

/* A photo's role (the protocol's word) in the page's language. */
static const char *
photo_role_name (Page       *page,
                 const char *role)
{
  if (g_strcmp0 (role, "before") == 0)
    return tr (page, N_("before"));
  if (g_strcmp0 (role, "after") == 0)
    return tr (page, N_("after"));
  if (g_strcmp0 (role, "evidence") == 0)
    return tr (page, N_("evidence"));
  return role;
}

static char *
local_time (const char *iso)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (iso);
}

static GHashTable *
officers_by_id (Page    *page,
                GError **error)
{
  g_autoptr(GPtrArray) officers = xuncha_office_staff_records_officers (page->self->staff, error);
  GHashTable *table;

  if (officers == NULL)
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                 (GDestroyNotify)xuncha_office_staff_records_officer_free);
  for (guint i = 0; i < officers->len; i++)
    {
      XunchaWireOfficer *officer = officers->pdata[i];

      g_hash_table_insert (table, officer->id, officer);
    }
  g_ptr_array_set_free_func (officers, NULL);
  return table;
}

static void
filter_input (GString    *html,
              Page       *page,
              const char *name,
              const char *label,
              const char *type)
{
  g_string_append (html, "<label>");
  esc (html, label);
  g_string_append_printf (html, "<input type=\"%s\" name=\"%s\" id=\"filter-%s\" value=\"",
                          type, name, name);
  esc (html, field (page->query, name));
  g_string_append (html, "\" maxlength=\"128\"></label>");
}

/* The date and time fields: text in one format for every language, the page's words
 * around it (a browser draws <input type=date> and datetime-local in its own locale,
 * whatever the console's language). */
static void
text_field (Page       *page,
            GString    *html,
            const char *name,
            const char *id,
            const char *label,
            const char *format,
            const char *pattern,
            guint       max_length,
            const char *value,
            const char *example,
            gboolean    required)
{
  g_autofree char *hint = g_strdup_printf (tr (page, N_("Written as %s, e.g. %s")), format,
                                           example);

  g_string_append (html, "<label>");
  esc (html, label);
  g_string_append (html, " <span class=\"format\">");
  esc (html, format);
  g_string_append_printf (html, "</span><input type=\"text\" name=\"%s\" id=\"%s\" "
                          "maxlength=\"%u\" pattern=\"%s\" autocomplete=\"off\" "
                          "spellcheck=\"false\" placeholder=\"", name, id, max_length, pattern);
  esc (html, example);
  g_string_append (html, "\" title=\"");
  esc (html, hint);
  g_string_append (html, "\" value=\"");
  esc (html, value);
  g_string_append_printf (html, "\"%s></label>", required ? " required" : "");
}

static char *
format_local (Page       *page,
              gint64      at_us,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, page->self->zone);

  return g_date_time_format (local, format);
}

void
xuncha_office_console_date_input (Page       *page,
                                  GString    *html,
                                  const char *name,
                                  const char *id,
                                  const char *label,
                                  const char *value,
                                  gint64      example_us,
                                  gboolean    required)
{
  g_autofree char *example = format_local (page, example_us, "%Y-%m-%d");

  text_field (page, html, name, id, label, tr (page, N_("year-month-day")),
              "[0-9]{4}-[0-9]{2}-[0-9]{2}", 10, value, example, required);
}

void
xuncha_office_console_time_input (Page       *page,
                                  GString    *html,
                                  const char *name,
                                  const char *id,
                                  const char *label,
                                  gint64      example_us,
                                  gboolean    required)
{
  g_autofree char *example = format_local (page, example_us, "%H:%M");

  text_field (page, html, name, id, label, tr (page, N_("hours:minutes, 24-hour")),
              "[0-9]{1,2}:[0-9]{2}", 5, NULL, example, required);
}

void
xuncha_office_console_week_input (Page       *page,
                                  GString    *html,
                                  const char *label,
                                  const char *value)
{
  text_field (page, html, "week", "week", label, tr (page, N_("year-Wweek")),
              "[0-9]{4}-W[0-9]{2}", 8, value, value, TRUE);
}

static void
handle_reports (Page *page)
{
  static const char * const allowed[] = { XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS, "page", "lang",
                                          NULL };
  static const struct { const char *value, *label; } classes[] = {
    { "strict", N_("Strict street") }, { "class1", N_("Class 1 street") },
    { "class2", N_("Class 2 street") }, { "other", N_("Other street") },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) officers = NULL;
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *filter_query = NULL;
  g_autoptr(GHashTable) deadlines = NULL;
  const gint64 now_us = g_get_real_time ();
  const char *page_text;
  gint64 page_number = 1;
  guint shown;
  GString *html;

  if (!read_query (page, allowed))
    return;
  page_text = field (page->query, "page");
  if (page_text != NULL
      && !g_ascii_string_to_signed (page_text, 10, 1, 1000000, &page_number, NULL))
    {
      answer_message (page, 400, tr (page, N_("Bad request")),
                      tr (page, N_("A date is written 2024-05-31 and a page is a number.")));
      return;
    }
  filter = xuncha_office_console_read_filter (page);
  if (filter == NULL)
    return;
  officers = officers_by_id (page, &error);
  deadlines = officers != NULL ? xuncha_office_console_cases_deadlines (page, &error) : NULL;
  /* One more than a page: whether there is a next one. */
  matches = deadlines != NULL
            ? xuncha_office_records_reports_query (page->self->records, filter,
                                                   (guint)(page_number - 1) * PAGE_ROWS,
                                                   PAGE_ROWS + 1, &error)
            : NULL;
  if (matches == NULL)
    {
      answer_storage_error (page, error);
      return;
    }
  shown = MIN (matches->len, PAGE_ROWS);
  filter_query = xuncha_office_console_filter_query (page);

  html = page_start (page, tr (page, N_("Reports")));
  g_string_append (html, "<form method=\"get\" action=\"" PREFIX "/reports\" class=\"filters\">");
  xuncha_office_console_date_input (page, html, "from", "filter-from", tr (page, N_("From")),
                                    field (page->query, "from"), g_get_real_time (), FALSE);
  xuncha_office_console_date_input (page, html, "to", "filter-to", tr (page, N_("To")),
                                    field (page->query, "to"), g_get_real_time (), FALSE);
  g_string_append (html, "<label>");
  esc (html, tr (page, N_("Category")));
  g_string_append (html, "<select name=\"category\" id=\"filter-category\"><option value=\"\">");
  esc (html, tr (page, N_("All")));
  g_string_append (html, "</option>");
  {
    GListModel *categories = xuncha_taxonomy_get_categories (page->self->taxonomy);

    for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
      {
        g_autoptr(XunchaCategory) category = g_list_model_get_item (categories, i);
        const char *code = xuncha_category_get_code (category);

        g_string_append (html, "<option value=\"");
        esc (html, code);
        g_string_append (html, g_strcmp0 (code, filter->category) == 0 ? "\" selected>" : "\">");
        esc (html, category_name (page, code));
        g_string_append (html, "</option>");
      }
  }
  g_string_append (html, "</select></label>");
  /* The street picker: a list of names console-filter.js fills from the office as the
   * name is typed (a few beginning with it, never every street's). */
  filter_input (html, page, "street", tr (page, N_("Street")), "text");
  g_string_append (html, "<datalist id=\"street-names\"></datalist>"
                   "<script src=\"" PREFIX "/static/console-filter.js\"></script>");
  g_string_append (html, "<label>");
  esc (html, tr (page, N_("Street class")));
  g_string_append (html, "<select name=\"class\" id=\"filter-class\"><option value=\"\">");
  esc (html, tr (page, N_("All")));
  g_string_append (html, "</option>");
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      g_string_append_printf (html, "<option value=\"%s\"%s>", classes[i].value,
                              g_strcmp0 (classes[i].value, filter->street_class) == 0
                              ? " selected" : "");
      esc (html, tr (page, classes[i].label));
      g_string_append (html, "</option>");
    }
  g_string_append (html, "</select></label>");
  filter_input (html, page, "officer", tr (page, N_("Officer")), "text");
  if (sees_all (page))
    filter_input (html, page, "team", tr (page, N_("Team")), "text");
  filter_input (html, page, "status", tr (page, N_("Case status")), "text");
  g_string_append_printf (html, "<label class=\"check\"><input type=\"checkbox\" "
                          "name=\"overdue\" value=\"1\" id=\"filter-overdue\"%s>",
                          filter->overdue_before_us != 0 ? " checked" : "");
  esc (html, tr (page, N_("Overdue only")));
  g_string_append (html, "</label><button type=\"submit\" id=\"filter\">");
  esc (html, tr (page, N_("Filter")));
  g_string_append (html, "</button></form>");

  /* The same reports elsewhere: on the map, and as files. */
  g_string_append (html, "<p class=\"views\"><a id=\"on-map\" href=\"" PREFIX "/map?");
  esc (html, filter_query);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("On the map")));
  g_string_append (html, "</a><a id=\"export-csv\" href=\"" PREFIX "/export/reports.csv?");
  esc (html, filter_query);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Download as CSV")));
  g_string_append (html, "</a><a id=\"export-geojson\" href=\"" PREFIX
                   "/export/reports.geojson?");
  esc (html, filter_query);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Download as GeoJSON")));
  g_string_append (html, "</a></p>");

  g_string_append (html, "<p class=\"count\" id=\"count\">");
  {
    g_autofree char *count = NULL;

    /* The whole answer is known only when it fits on the first page: counting a city's
     * reports at every view would cost more than the list. */
    if (page_number == 1 && matches->len <= PAGE_ROWS)
      count = g_strdup_printf (tr (page, N_("%u reports")), matches->len);
    else if (shown == 0)
      count = g_strdup (tr (page, N_("No more reports")));
    else
      count = g_strdup_printf (tr (page, N_("Reports %u to %u")),
                               (guint)(page_number - 1) * PAGE_ROWS + 1,
                               (guint)(page_number - 1) * PAGE_ROWS + shown);
    esc (html, count);
  }
  g_string_append (html, "</p><table class=\"reports\"><thead><tr>");
  {
    const char *headings[] = { N_("Time"), N_("Category"), N_("Street"), N_("Officer"),
                               N_("Team"), N_("Case status"), N_("Time limit"), N_("Note") };

    for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
      {
        g_string_append (html, "<th>");
        esc (html, tr (page, headings[i]));
        g_string_append (html, "</th>");
      }
  }
  g_string_append (html, "</tr></thead><tbody>");
  /* Newest first. */
  for (guint i = 0; i < shown; i++)
    {
      const XunchaOfficeReportRecord *record = matches->pdata[i];
      const XunchaWireReport *report = record->report;
      const XunchaWireOfficer *officer = g_hash_table_lookup (officers, record->officer_id);
      g_autofree char *created = local_time (report->created_at);

      g_string_append (html, "<tr><td><a class=\"report-link\" href=\"" PREFIX "/reports/");
      esc (html, report->uuid);
      g_string_append (html, "\">");
      esc (html, created);
      g_string_append (html, "</a></td><td>");
      esc (html, category_name (page, report->category));
      g_string_append (html, "</td><td>");
      esc (html, record->street_name);
      g_string_append (html, "</td><td>");
      esc (html, officer != NULL ? officer->name : record->officer_id);
      g_string_append (html, "</td><td>");
      esc (html, officer != NULL ? officer->team : NULL);
      g_string_append (html, "</td><td>");
      esc (html, status_name (page, record->case_status));
      g_string_append (html, "</td><td class=\"deadline\">");
      {
        const gint64 *deadline = g_hash_table_lookup (deadlines, report->uuid);

        if (deadline != NULL && *deadline != 0)
          xuncha_office_console_cases_countdown (page, html, *deadline, now_us);
      }
      g_string_append (html, "</td><td class=\"note\">");
      esc (html, report->note);
      g_string_append (html, "</td></tr>");
    }
  g_string_append (html, "</tbody></table><p class=\"pages\">");
  if (page_number > 1)
    {
      g_string_append_printf (html, "<a id=\"previous-page\" href=\"" PREFIX "/reports?page=%d&amp;",
                              (int)page_number - 1);
      esc (html, filter_query);
      g_string_append (html, "\">");
      esc (html, tr (page, N_("Newer")));
      g_string_append (html, "</a>");
    }
  if (matches->len > PAGE_ROWS)
    {
      g_string_append_printf (html, "<a id=\"next-page\" href=\"" PREFIX "/reports?page=%d&amp;",
                              (int)page_number + 1);
      esc (html, filter_query);
      g_string_append (html, "\">");
      esc (html, tr (page, N_("Older")));
      g_string_append (html, "</a>");
    }
  g_string_append (html, "</p>");
  page_end (html);
  answer_html (page, 200, html);
}

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_uuid (const char *text)
{
  return g_uuid_string_is_valid (text);
}

/* The report @uuid if the page's member may see it; answers 404 otherwise. */
static XunchaOfficeReportRecord *
visible_report (Page       *page,
                const char *uuid)
{
  XunchaWireOfficer viewer = { 0 };
  g_autoptr(GError) error = NULL;
  XunchaOfficeReportRecord *record;

  if (!sees_all (page))
    viewer_for (page, &viewer);
  record = is_uuid (uuid) ? xuncha_office_records_report_get (page->self->records,
                                                              sees_all (page) ? NULL : &viewer,
                                                              uuid, &error)
                          : NULL;
  if (record == NULL)
    {
      if (error != NULL && !g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                             XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        answer_storage_error (page, error);
      else
        answer_message (page, 404, tr (page, N_("Not found")),
                        tr (page, N_("There is no such report, or it is not yours to see.")));
    }
  return record;
}

static void
detail (GString    *html,
        Page       *page,
        const char *label,
        const char *value,
        const char *id)
{
  g_string_append (html, "<dt>");
  esc (html, tr (page, label));
  g_string_append_printf (html, "</dt><dd id=\"%s\">", id);
  esc (html, value);
  g_string_append (html, "</dd>");
}

static void
handle_report (Page       *page,
               const char *uuid)
{
  static const char * const allowed[] = { "lang", NULL };
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(GHashTable) officers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL, *received = NULL, *position = NULL, *street = NULL;
  g_autofree char *officer_text = NULL;
  const XunchaWireReport *report;
  const XunchaWireOfficer *officer;
  GString *html;

  if (!read_query (page, allowed) || (record = visible_report (page, uuid)) == NULL)
    return;
  officers = officers_by_id (page, &error);
  if (officers == NULL)
    {
      answer_storage_error (page, error);
      return;
    }
  report = record->report;
  officer = g_hash_table_lookup (officers, record->officer_id);
  created = local_time (report->created_at);
  received = local_time (record->receipt.received_at);
  if (report->has_position)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lat, sizeof lat, "%.6f", report->lat);
      g_ascii_formatd (lon, sizeof lon, "%.6f", report->lon);
      position = isnan (report->accuracy)
                 ? g_strdup_printf ("%s, %s (%s)", lat, lon,
                                    report->position_source != NULL ? report->position_source : "?")
                 : g_strdup_printf (tr (page, N_("%s, %s (%s, within %.0f m)")), lat, lon,
                                    report->position_source != NULL ? report->position_source : "?",
                                    report->accuracy);
    }
  /* The street's name as the records gave it with the report: the page reads no other. */
  if (report->street_id != NULL)
    {
      const char *name = record->street_name;

      street = isnan (report->street_offset_m)
               ? g_strdup (name != NULL ? name : report->street_id)
               : g_strdup_printf (tr (page, N_("%s, %.0f m from its start")),
                                  name != NULL ? name : report->street_id,
                                  report->street_offset_m);
    }
  officer_text = officer != NULL ? g_strdup_printf ("%s (%s)", officer->name, officer->id)
                                 : g_strdup (record->officer_id);

  html = page_start (page, category_name (page, report->category));
  g_string_append (html, "<dl class=\"report\">");
  detail (html, page, N_("Time"), created, "report-time");
  detail (html, page, N_("Received"), received, "report-received");
  detail (html, page, N_("Officer"), officer_text, "report-officer");
  detail (html, page, N_("Team"), officer != NULL ? officer->team : NULL, "report-team");
  detail (html, page, N_("Position"), position, "report-position");
  detail (html, page, N_("Street"), street, "report-street");
  detail (html, page, N_("Merchant"), report->merchant_id, "report-merchant");
  detail (html, page, N_("Disposition"), report->disposition, "report-disposition");
  detail (html, page, N_("Deadline"), report->deadline, "report-deadline");
  detail (html, page, N_("Note"), report->note, "report-note");
  detail (html, page, N_("Case status"), status_name (page, record->case_status),
          "report-status");
  g_string_append (html, "</dl>");
  xuncha_office_console_cases_section (page, record, officer != NULL ? officer->team : NULL,
                                       html);
  xuncha_office_console_evidence_section (page, record, html);
  g_string_append (html, "<h2>");
  esc (html, tr (page, N_("Photos")));
  g_string_append (html, "</h2>");
  if (report->photos != NULL && report->photos->len > 0)
    {
      g_string_append (html, "<p><a id=\"photos-zip\" href=\"" PREFIX "/reports/");
      esc (html, report->uuid);
      g_string_append (html, "/photos.zip\">");
      esc (html, tr (page, N_("Download the photos (zip)")));
      g_string_append (html, "</a></p>");
    }
  g_string_append (html, "<div class=\"photos\">");
  for (guint i = 0; report->photos != NULL && i < report->photos->len; i++)
    {
      const XunchaWirePhoto *photo = report->photos->pdata[i];

      g_string_append (html, "<figure><a href=\"" PREFIX "/reports/");
      esc (html, report->uuid);
      g_string_append (html, "/photos/");
      esc (html, photo->sha256);
      g_string_append (html, "\"><img class=\"photo\" alt=\"\" src=\"" PREFIX "/reports/");
      esc (html, report->uuid);
      g_string_append (html, "/photos/");
      esc (html, photo->sha256);
      g_string_append (html, "\"></a><figcaption>");
      esc (html, photo_role_name (page, photo->role));
      g_string_append (html, "</figcaption></figure>");
    }
  g_string_append (html, "</div>");
  page_end (html);
  answer_html (page, 200, html);
}

/* A photo of a report the member may see; never cached by anyone but the browser. */
static void
handle_photo (Page       *page,
              const char *uuid,
              const char *sha256)
{
  g_autoptr(XunchaOfficeReportRecord) record = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean listed = FALSE;
  gint64 size = 0;

  if (!is_hex (sha256, 64) || (record = visible_report (page, uuid)) == NULL)
    {
      if (record == NULL && page->call->status == 0)
        answer_message (page, 404, tr (page, N_("Not found")),
                        tr (page, N_("There is no such photo.")));
      return;
    }
  for (guint i = 0; record->report->photos != NULL && i < record->report->photos->len; i++)
    listed |= g_str_equal (((XunchaWirePhoto *)record->report->photos->pdata[i])->sha256, sha256);
  if (listed)
    stream = xuncha_office_photo_store_open_read (page->self->photos, sha256, &size, &error);
  if (stream != NULL)
    bytes = g_input_stream_read_bytes (stream, (gsize)size, NULL, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) != (gsize)size)
    {
      if (error != NULL && !g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                             XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND))
        g_warning ("Console photo %s: %s", sha256, error->message);
      answer_message (page, 404, tr (page, N_("Not found")),
                      tr (page, N_("The office does not hold this photo (yet).")));
      return;
    }
  answer_headers (page);
  xuncha_office_console_call_header (page->call, "Cache-Control", "private, no-store");
  xuncha_office_console_call_answer (page->call, 200, "image/jpeg", g_steal_pointer (&bytes));
}

/* Accounts and the audit log: the administrator's. */

static char *
audit_time (gint64 at)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (at / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static void
handle_audit (Page *page)
{
  static const char * const allowed[] = { "before", "lang", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const char *before_text;
  gint64 before = 0;
  GString *html;

  if (!read_query (page, allowed))
    return;
  before_text = field (page->query, "before");
  if (before_text != NULL && !g_ascii_string_to_signed (before_text, 10, 1, G_MAXINT64, &before,
                                                        NULL))
    {
      answer_message (page, 400, tr (page, N_("Bad request")),
                      tr (page, N_("The address is not one the console makes.")));
      return;
    }
  entries = xuncha_office_staff_records_audit_list (page->self->staff, before, AUDIT_ROWS, &error);
  if (entries == NULL)
    {
      answer_storage_error (page, error);
      return;
    }
  html = page_start (page, tr (page, N_("Audit log")));
  g_string_append (html, "<table class=\"audit\"><thead><tr>");
  {
    const char *headings[] = { N_("Time"), N_("Who"), N_("What"), N_("Subject"), N_("Before"),
                               N_("After") };

    for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
      {
        g_string_append (html, "<th>");
        esc (html, tr (page, headings[i]));
        g_string_append (html, "</th>");
      }
  }
  g_string_append (html, "</tr></thead><tbody>");
  for (guint i = 0; i < entries->len; i++)
    {
      const XunchaOfficeAuditEntry *entry = entries->pdata[i];
      g_autofree char *time = audit_time (entry->at);

      g_string_append (html, "<tr><td>");
      esc (html, time);
      g_string_append (html, "</td><td>");
      esc (html, entry->actor);
      g_string_append (html, "</td><td>");
      esc (html, entry->action);
      g_string_append (html, "</td><td>");
      esc (html, entry->subject);
      g_string_append (html, "</td><td>");
      esc (html, entry->before);
      g_string_append (html, "</td><td>");
      esc (html, entry->after);
      g_string_append (html, "</td></tr>");
    }
  g_string_append (html, "</tbody></table>");
  if (entries->len == AUDIT_ROWS)
    {
      g_string_append_printf (html, "<p><a href=\"" PREFIX "/audit?before=%" G_GINT64_FORMAT "\">",
                              ((XunchaOfficeAuditEntry *)entries->pdata[entries->len - 1])->id);
      esc (html, tr (page, N_("Older")));
      g_string_append (html, "</a></p>");
    }
  page_end (html);
  answer_html (page, 200, html);
}

static void
handle_staff (Page *page)
{
  static const char * const allowed_query[] = { "lang", NULL };
  static const char * const allowed_form[] = { "csrf", "name", "role", "team", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *one_time = NULL;
  g_autofree char *problem = NULL;
  const char *added = NULL;
  guint status = 200;
  GString *html;

  if (!read_query (page, allowed_query))
    return;
  if (g_str_equal (page->call->method, "POST"))
    {
      XunchaOfficeStaffRole role;

      if (!read_form (page, allowed_form) || !check_change (page))
        return;
      added = field (page->form, "name");
      if (added == NULL || !xuncha_office_staff_role_from_string (field (page->form, "role"),
                                                                  &role))
        {
          problem = g_strdup (tr (page, N_("Give a name and a role.")));
          status = 400;
        }
      else if (!xuncha_office_staff_records_add_account (page->self->staff, added, role,
                                                         field (page->form, "team"),
                                                         page->staff->name, &one_time, &error))
        {
          if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                               XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
            problem = g_strdup (tr (page, N_("That name is taken.")));
          else if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                                    XUNCHA_OFFICE_STORAGE_ERROR_INVALID))
            problem = g_strdup (tr (page, N_("A name is 1 to 64 letters, digits, dots, dashes "
                                             "or underscores; a team leader needs a team, and "
                                             "only a team leader has one.")));
          else
            {
              answer_storage_error (page, error);
              return;
            }
          status = 400;
        }
    }
  list = xuncha_office_staff_records_staff_list (page->self->staff, &error);
  if (list == NULL)
    {
      answer_storage_error (page, error);
      return;
    }
  html = page_start (page, tr (page, N_("Accounts")));
  if (problem != NULL)
    {
      g_string_append (html, "<p class=\"problem\" role=\"alert\">");
      esc (html, problem);
      g_string_append (html, "</p>");
    }
  if (one_time != NULL)
    {
      g_autofree char *text = g_strdup_printf (tr (page, N_("Account %s added. Its one-time "
                                                            "password, shown only now:")),
                                               added);

      g_string_append (html, "<p class=\"message\">");
      esc (html, text);
      g_string_append (html, " <code id=\"one-time\">");
      esc (html, one_time);
      g_string_append (html, "</code></p>");
    }
  g_string_append (html, "<table class=\"staff\"><thead><tr><th>");
  esc (html, tr (page, N_("Name")));
  g_string_append (html, "</th><th>");
  esc (html, tr (page, N_("Role")));
  g_string_append (html, "</th><th>");
  esc (html, tr (page, N_("Team")));
  g_string_append (html, "</th></tr></thead><tbody>");
  for (guint i = 0; i < list->len; i++)
    {
      const XunchaOfficeStaff *staff = list->pdata[i];

      g_string_append (html, "<tr><td>");
      esc (html, staff->name);
      g_string_append (html, "</td><td>");
      esc (html, xuncha_office_staff_role_to_string (staff->role));
      g_string_append (html, "</td><td>");
      esc (html, staff->team);
      g_string_append (html, "</td></tr>");
    }
  g_string_append (html, "</tbody></table><h2>");
  esc (html, tr (page, N_("Add an account")));
  g_string_append (html, "</h2><form method=\"post\" action=\"" PREFIX "/staff\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"");
  esc (html, page->session->csrf_token);
  g_string_append (html, "\"><label>");
  esc (html, tr (page, N_("Name")));
  g_string_append (html, "<input name=\"name\" required maxlength=\"64\"></label><label>");
  esc (html, tr (page, N_("Role")));
  g_string_append (html, "<select name=\"role\"><option value=\"dispatcher\">");
  esc (html, tr (page, N_("Dispatcher")));
  g_string_append (html, "</option><option value=\"leader\">");
  esc (html, tr (page, N_("Team leader")));
  g_string_append (html, "</option><option value=\"admin\">");
  esc (html, tr (page, N_("Administrator")));
  g_string_append (html, "</option></select></label><label>");
  esc (html, tr (page, N_("Team")));
  g_string_append (html, "<input name=\"team\" maxlength=\"64\"></label><button type=\"submit\">");
  esc (html, tr (page, N_("Add")));
  g_string_append (html, "</button></form>");
  page_end (html);
  answer_html (page, status, html);
}

/* The console's own files: a fixed list, no path from the request reaches the disk. */
static void
handle_static (Page       *page,
               const char *name)
{
  static const struct { const char *name, *type; } files[] = {
    { "console.css", "text/css; charset=utf-8" },
    { "console-map.js", "text/javascript; charset=utf-8" },
    { "console-segments.js", "text/javascript; charset=utf-8" },
    { "console-routes.js", "text/javascript; charset=utf-8" },
    { "console-filter.js", "text/javascript; charset=utf-8" },
  };
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    if (g_str_equal (name, files[i].name))
      {
        path = g_build_filename (page->self->files_dir, files[i].name, NULL);
        if (!g_file_get_contents (path, &data, &length, NULL))
          break;
        answer_headers (page);
        xuncha_office_console_call_header (page->call, "Cache-Control", "no-cache");
        xuncha_office_console_call_answer (page->call, 200, files[i].type,
                                           g_bytes_new_take (g_steal_pointer (&data), length));
        return;
      }
  answer_message (page, 404, tr (page, N_("Not found")), tr (page, N_("There is no such page.")));
}

/* Routing. */

/* Chinese unless the switch or the browser asks for English first. */
static gboolean
wants_chinese (XunchaOfficeConsoleCall *call,
               const char              *switch_value)
{
  g_autofree char *cookie = cookie_value (call->cookie, LANGUAGE_COOKIE);
  const char *choice = switch_value != NULL ? switch_value : cookie;
  const char *accept = call->accept_language;

  if (choice != NULL)
    return g_str_has_prefix (choice, "zh");
  if (accept == NULL)
    return FALSE;
  while (*accept == ' ')
    accept++;
  /* The browser's first choice decides. */
  return g_ascii_strncasecmp (accept, "zh", 2) == 0;
}

static const char *
language_switch (XunchaOfficeConsoleCall *call)
{
  const char *query = call->query;

  if (query == NULL)
    return NULL;
  if (strstr (query, "lang=zh_CN") != NULL)
    return "zh_CN";
  if (strstr (query, "lang=en") != NULL)
    return "en";
  return NULL;
}

void
xuncha_office_console_handle (XunchaOfficeConsole     *self,
                              XunchaOfficeConsoleCall *call)
{
  g_auto(Page) page = { self, call };
  g_auto(GStrv) parts = NULL;
  const char *path = call->path;
  const char *language = language_switch (call);
  gboolean get, post;
  guint n;

  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));
  g_return_if_fail (call != NULL);

  page.chinese = self->zh != NULL && wants_chinese (call, language);
  if (language != NULL)
    {
      g_autofree char *cookie = g_strdup_printf (LANGUAGE_COOKIE "=%s; Path=" PREFIX "; Secure; "
                                                 "SameSite=Strict", language);

      xuncha_office_console_call_header (call, "Set-Cookie", cookie);
    }
  get = g_str_equal (call->method, "GET") || g_str_equal (call->method, "HEAD");
  post = g_str_equal (call->method, "POST");

  if (!g_str_has_prefix (path, PREFIX "/"))
    {
      redirect (&page, PREFIX "/");
      return;
    }
  parts = g_strsplit (path + strlen (PREFIX "/"), "/", 6);
  n = g_strv_length (parts);

  if (n == 2 && g_str_equal (parts[0], "static") && get)
    {
      handle_static (&page, parts[1]);
      return;
    }
  /* Leaflet's own files are public, as the console's stylesheet. */
  if (n >= 3 && g_str_equal (parts[0], "vendor") && g_str_equal (parts[1], "leaflet") && get)
    {
      g_autofree char *name = g_strjoinv ("/", parts + 2);

      xuncha_office_console_leaflet_file (&page, name);
      return;
    }
  if (!get && !post)
    {
      xuncha_office_console_call_header (call, "Allow", "GET, HEAD, POST");
      answer_message (&page, 405, tr (&page, N_("Bad request")),
                      tr (&page, N_("The console does not take this kind of request.")));
      return;
    }
  if (!load_session (&page))
    return;
  if (n == 1 && g_str_equal (parts[0], "login"))
    {
      handle_login (&page);
      return;
    }
  if (page.staff == NULL)
    {
      /* A page asked for without a session: to the login. A change: refused. */
      if (get)
        redirect (&page, PREFIX "/login");
      else
        answer_message (&page, 401, tr (&page, N_("Log in")),
                        tr (&page, N_("Your session has ended. Log in again.")));
      return;
    }
  if (post && !(n == 1 && (g_str_equal (parts[0], "logout") || g_str_equal (parts[0], "password")
                           || g_str_equal (parts[0], "staff")
                           || g_str_equal (parts[0], "time-limits")))
      && !(n == 3 && g_str_equal (parts[0], "reports") && g_str_equal (parts[2], "case"))
      && !xuncha_office_console_officers_owns (parts, n))
    {
      xuncha_office_console_call_header (call, "Allow", "GET, HEAD");
      answer_message (&page, 405, tr (&page, N_("Bad request")),
                      tr (&page, N_("The console does not take this kind of request.")));
      return;
    }
  if (n == 1 && g_str_equal (parts[0], "logout") && post)
    {
      handle_logout (&page);
      return;
    }
  if (n == 1 && g_str_equal (parts[0], "password"))
    {
      handle_password (&page);
      return;
    }
  /* Nothing else until the one-time password is changed. */
  if (page.staff->must_change)
    {
      redirect (&page, PREFIX "/password");
      return;
    }
  if ((n == 1 && *parts[0] == '\0') && get)
    redirect (&page, PREFIX "/reports");
  else if (n == 1 && g_str_equal (parts[0], "reports") && get)
    handle_reports (&page);
  else if (n == 2 && g_str_equal (parts[0], "reports") && get)
    handle_report (&page, parts[1]);
  else if (n == 4 && g_str_equal (parts[0], "reports") && g_str_equal (parts[2], "photos") && get)
    handle_photo (&page, parts[1], parts[3]);
  else if (n == 3 && g_str_equal (parts[0], "reports") && g_str_equal (parts[2], "case") && post)
    xuncha_office_console_cases_handle_step (&page, parts[1]);
  else if (n == 1 && g_str_equal (parts[0], "time-limits"))
    xuncha_office_console_cases_handle_limits (&page);
  else if (n == 3 && g_str_equal (parts[0], "reports") && g_str_equal (parts[2], "photos.zip")
           && get)
    xuncha_office_console_export_photos (&page, parts[1]);
  else if (n == 3 && g_str_equal (parts[0], "reports") && g_str_equal (parts[2], "evidence.zip")
           && get)
    xuncha_office_console_evidence_zip (&page, parts[1]);
  else if (n == 1 && g_str_equal (parts[0], "weekly") && get)
    xuncha_office_console_weekly_page (&page);
  else if (n == 1 && g_str_equal (parts[0], "weekly.csv") && get)
    xuncha_office_console_weekly_csv (&page);
  else if (n == 3 && g_str_equal (parts[0], "officers") && g_str_has_prefix (parts[2], "route")
           && get)
    xuncha_office_console_routes_handle (&page, parts[1], parts[2]);
  else if (n == 1 && g_str_equal (parts[0], "map") && get)
    xuncha_office_console_map_page (&page);
  else if (n == 4 && g_str_equal (parts[0], "tiles") && get)
    xuncha_office_console_map_tile (&page, parts[1], parts[2], parts[3]);
  else if (n == 2 && g_str_equal (parts[0], "api") && g_str_equal (parts[1], "reports") && get)
    xuncha_office_console_map_reports (&page);
  else if (n == 2 && g_str_equal (parts[0], "api") && g_str_equal (parts[1], "streets") && get)
    xuncha_office_console_map_streets (&page);
  else if (n == 2 && g_str_equal (parts[0], "api") && g_str_equal (parts[1], "street-names")
           && get)
    xuncha_office_console_map_street_names (&page);
  else if (n == 2 && g_str_equal (parts[0], "export") && g_str_equal (parts[1], "reports.csv")
           && get)
    xuncha_office_console_export_csv (&page);
  else if (n == 2 && g_str_equal (parts[0], "export")
           && g_str_equal (parts[1], "reports.geojson") && get)
    xuncha_office_console_export_geojson (&page);
  else if (xuncha_office_console_officers_owns (parts, n))
    xuncha_office_console_officers_handle (&page, parts, n);
  else if (n == 1 && (g_str_equal (parts[0], "audit") || g_str_equal (parts[0], "staff")))
    {
      if (page.staff->role != XUNCHA_OFFICE_STAFF_ROLE_ADMIN)
        answer_message (&page, 403, tr (&page, N_("Refused")),
                        tr (&page, N_("Only an administrator may open this page.")));
      else if (g_str_equal (parts[0], "audit"))
        handle_audit (&page);
      else
        handle_staff (&page);
    }
  else
    answer_message (&page, 404, tr (&page, N_("Not found")),
                    tr (&page, N_("There is no such page.")));
}

gboolean
xuncha_office_console_owns_path (const char *path)
{
  return path != NULL && (g_str_equal (path, PREFIX) || g_str_has_prefix (path, PREFIX "/"));
}

static void
xuncha_office_console_finalize (GObject *object)
{
  XunchaOfficeConsole *self = (XunchaOfficeConsole *)object;

  g_clear_object (&self->records);
  g_clear_object (&self->photos);
  g_clear_pointer (&self->categories, g_hash_table_unref);
  g_clear_object (&self->taxonomy);
  g_free (self->files_dir);
  g_free (self->leaflet_dir);
  g_clear_object (&self->basemap);
  g_free (self->enroll_pin);
  g_clear_pointer (&self->zh, xuncha_office_console_catalogue_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (xuncha_office_console_parent_class)->finalize (object);
}

static void
xuncha_office_console_class_init (XunchaOfficeConsoleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_console_finalize;
}

static void
xuncha_office_console_init (XunchaOfficeConsole *self)
{
  self->idle_us = 30 * 60 * G_USEC_PER_SEC;
  self->absolute_us = (gint64)12 * 3600 * G_USEC_PER_SEC;
  self->login_per_name = 5;
  self->login_per_address = 20;
  self->login_window_s = 600;
  self->zone = g_time_zone_new_local ();
  self->leaflet_dir = g_strdup ("/usr/share/javascript/leaflet");
}

XunchaOfficeConsole *
xuncha_office_console_new (XunchaOfficeRecords     *records,
                           XunchaOfficePhotoStore  *photos,
                           GBytes                  *categories,
                           const char              *files_dir,
                           const char              *locale_dir,
                           GError                 **error)
{
  g_autoptr(XunchaOfficeConsole) self = NULL;
  g_autoptr(GError) catalogue_error = NULL;
  g_autofree char *mo = NULL;
  GListModel *list;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_STAFF_RECORDS (records), NULL);
  g_return_val_if_fail (XUNCHA_IS_OFFICE_PHOTO_STORE (photos), NULL);
  g_return_val_if_fail (categories != NULL && files_dir != NULL && locale_dir != NULL, NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_CONSOLE, NULL);
  self->records = g_object_ref (records);
  self->staff = XUNCHA_OFFICE_STAFF_RECORDS (records);
  self->photos = g_object_ref (photos);
  self->files_dir = g_strdup (files_dir);
  self->taxonomy = xuncha_taxonomy_new_from_bytes (categories, error);
  if (self->taxonomy == NULL)
    return NULL;
  self->categories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  list = xuncha_taxonomy_get_categories (self->taxonomy);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      XunchaCategory *category = g_list_model_get_item (list, i);

      g_hash_table_insert (self->categories, (gpointer)xuncha_category_get_code (category),
                           category);
    }
  mo = g_build_filename (locale_dir, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  self->zh = xuncha_office_console_catalogue_load (mo, &catalogue_error);
  if (self->zh == NULL)
    g_message ("The console speaks English only: %s", catalogue_error->message);
  return g_steal_pointer (&self);
}

void
xuncha_office_console_set_timeouts (XunchaOfficeConsole *self,
                                    guint                idle_s,
                                    guint                absolute_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));

  if (idle_s > 0)
    self->idle_us = (gint64)idle_s * G_USEC_PER_SEC;
  if (absolute_s > 0)
    self->absolute_us = (gint64)absolute_s * G_USEC_PER_SEC;
}

void
xuncha_office_console_set_leaflet_dir (XunchaOfficeConsole *self,
                                       const char          *dir)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));
  g_return_if_fail (dir != NULL);

  g_free (self->leaflet_dir);
  self->leaflet_dir = g_strdup (dir);
}

void
xuncha_office_console_set_basemap (XunchaOfficeConsole *self,
                                   XunchaMbtiles       *basemap)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));
  g_return_if_fail (basemap == NULL || XUNCHA_IS_MBTILES (basemap));

  g_set_object (&self->basemap, basemap);
}

void
xuncha_office_console_set_enroll_pin (XunchaOfficeConsole *self,
                                      const char          *pin)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));

  g_free (self->enroll_pin);
  self->enroll_pin = g_strdup (pin);
}

void
xuncha_office_console_set_login_limits (XunchaOfficeConsole *self,
                                        guint                per_name,
                                        guint                per_address,
                                        guint                window_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_CONSOLE (self));

  if (per_name > 0)
    self->login_per_name = per_name;
  if (per_address > 0)
    self->login_per_address = per_address;
  if (window_s > 0)
    self->login_window_s = window_s;
}

/* What the console's other files share (xuncha-office-console-private.h). */

const char *
xuncha_office_console_tr (XunchaOfficeConsolePage *page,
                          const char              *text)
{
  return tr (page, text);
}

void
xuncha_office_console_esc (GString    *out,
                           const char *text)
{
  esc (out, text);
}

GString *
xuncha_office_console_page_start (XunchaOfficeConsolePage *page,
                                  const char              *title)
{
  return page_start (page, title);
}

void
xuncha_office_console_page_end (GString *html)
{
  page_end (html);
}

void
xuncha_office_console_answer_html (XunchaOfficeConsolePage *page,
                                   guint                    status,
                                   GString                 *html)
{
  answer_html (page, status, html);
}

void
xuncha_office_console_answer (XunchaOfficeConsolePage *page,
                              guint                    status,
                              const char              *type,
                              GBytes                  *body)
{
  xuncha_office_console_answer_cached (page, status, type, "no-store", body);
}

void
xuncha_office_console_answer_cached (XunchaOfficeConsolePage *page,
                                     guint                    status,
                                     const char              *type,
                                     const char              *cache_control,
                                     GBytes                  *body)
{
  answer_headers (page);
  xuncha_office_console_call_header (page->call, "Cache-Control", cache_control);
  xuncha_office_console_call_answer (page->call, status, type, body);
}

void
xuncha_office_console_answer_zip (XunchaOfficeConsolePage *page,
                                  XunchaOfficeZipStream   *stream,
                                  const char              *filename)
{
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s\"", filename);

  answer_headers (page);
  xuncha_office_console_call_header (page->call, "Cache-Control", "no-store");
  xuncha_office_console_call_header (page->call, "Content-Disposition", disposition);
  xuncha_office_console_call_answer_streamed (page->call, 200, "application/zip",
                                              xuncha_office_zip_stream_next, stream,
                                              (GDestroyNotify)xuncha_office_zip_stream_free);
}

void
xuncha_office_console_answer_message (XunchaOfficeConsolePage *page,
                                      guint                    status,
                                      const char              *title,
                                      const char              *message)
{
  answer_message (page, status, title, message);
}

void
xuncha_office_console_answer_storage_error (XunchaOfficeConsolePage *page,
                                            const GError            *error)
{
  answer_storage_error (page, error);
}

gboolean
xuncha_office_console_read_query (XunchaOfficeConsolePage *page,
                                  const char * const      *allowed)
{
  return read_query (page, allowed);
}

const char *
xuncha_office_console_field (GHashTable *fields,
                             const char *name)
{
  return field (fields, name);
}

const char *
xuncha_office_console_category_name (XunchaOfficeConsolePage *page,
                                     const char              *code)
{
  return category_name (page, code);
}

XunchaOfficeReportRecord *
xuncha_office_console_visible_report (XunchaOfficeConsolePage *page,
                                      const char              *uuid)
{
  return visible_report (page, uuid);
}

GHashTable *
xuncha_office_console_officers (XunchaOfficeConsolePage *page,
                                GError                 **error)
{
  return officers_by_id (page, error);
}

void
xuncha_office_console_redirect (XunchaOfficeConsolePage *page,
                                const char              *location)
{
  redirect (page, location);
}

gboolean
xuncha_office_console_read_form (XunchaOfficeConsolePage *page,
                                 const char * const      *allowed)
{
  return read_form (page, allowed);
}

gboolean
xuncha_office_console_check_change (XunchaOfficeConsolePage *page)
{
  return check_change (page);
}
