/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's officers (issue 16, part 4): the officers by team with where their
 * enrollment stands; an administrator adds one (and gets his one-time code on a printable
 * card, the same card as `xuncha-office officer sheet`), revokes one and resets one's
 * enrollment. Each officer's assigned street segments are chosen on the console's map
 * (the streets of xuncha-office-console-map.c): the administrator and the officer's own
 * team leader may change them; the devices get them at their next sync. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "xuncha-enroll-link.h"
#include "xuncha-office-console-call.h"
#include "xuncha-office-console-private.h"
#include "xuncha-office-enroll-card.h"

#define PREFIX XUNCHA_OFFICE_CONSOLE_PREFIX
#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc

typedef XunchaOfficeConsolePage Page;

/* Segments one officer may be assigned at most: a patrol beat, not a district. */
#define SEGMENTS_MAX 2000
/* A segment id as a street import keeps it. */
#define SEGMENT_ID_MAX_BYTES 128
/* An officer's name, in characters. */
#define NAME_MAX_CHARS 64

/* The actions under /console/officers/ID/ this file answers (…/route is another page's). */
static const char * const officer_actions[] = { "segments", "revoke", "reset", NULL };

static gboolean
is_admin (Page *page)
{
  return page->staff->role == XUNCHA_OFFICE_STAFF_ROLE_ADMIN;
}

/* A leader sees his team's officers; a dispatcher and an administrator every officer. */
static gboolean
may_see (Page                           *page,
         const XunchaOfficeOfficerState *state)
{
  if (xuncha_office_console_sees_all (page))
    return TRUE;
  return page->staff->team != NULL && g_strcmp0 (state->officer.team, page->staff->team) == 0;
}

/* The administrator and the officer's own team leader choose his segments. */
static gboolean
may_assign (Page                           *page,
            const XunchaOfficeOfficerState *state)
{
  if (is_admin (page))
    return TRUE;
  return page->staff->role == XUNCHA_OFFICE_STAFF_ROLE_LEADER && page->staff->team != NULL
         && g_strcmp0 (state->officer.team, page->staff->team) == 0;
}

static void
answer_not_found (Page *page)
{
  xuncha_office_console_answer_message (page, 404, tr (page, N_("Not found")),
                                        tr (page, N_("There is no such page.")));
}

static void
answer_refused (Page *page)
{
  xuncha_office_console_answer_message (page, 403, tr (page, N_("Refused")),
                                        tr (page, N_("Your role may not change this.")));
}

/* The officer the path names, if the page's member may see him; NULL after answering 404
 * (an officer of another team is not found either: his id says nothing) or 500. */
static XunchaOfficeOfficerState *
visible_officer (Page       *page,
                 const char *escaped_id)
{
  g_autofree char *id = g_uri_unescape_string (escaped_id, NULL);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  if (id == NULL || *id == '\0' || strlen (id) > 64 || !g_utf8_validate (id, -1, NULL))
    {
      answer_not_found (page);
      return NULL;
    }
  found = xuncha_office_staff_records_officer_states (page->self->staff, NULL, id, &error);
  if (found == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return NULL;
    }
  if (found->len != 1 || !may_see (page, found->pdata[0]))
    {
      answer_not_found (page);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

/* /console/officers/ID/… with ID escaped for a path. */
static char *
officer_path (const char *id,
              const char *action)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return action != NULL ? g_strdup_printf (PREFIX "/officers/%s/%s", escaped, action)
                        : g_strdup_printf (PREFIX "/officers/%s", escaped);
}

static void
append_csrf (Page    *page,
             GString *html)
{
  g_string_append (html, "<input type=\"hidden\" name=\"csrf\" value=\"");
  esc (html, page->session->csrf_token);
  g_string_append (html, "\">");
}

static void
append_problem (GString    *html,
                const char *problem)
{
  if (problem == NULL)
    return;
  g_string_append (html, "<p class=\"problem\" role=\"alert\">");
  esc (html, problem);
  g_string_append (html, "</p>");
}

/* The state of an officer's enrollment, in the page's language. */
static const char *
enrollment_word (Page                           *page,
                 const XunchaOfficeOfficerState *state)
{
  if (state->revoked)
    return tr (page, N_("Revoked"));
  if (state->devices > 0)
    return tr (page, N_("Enrolled"));
  if (state->code_open)
    return tr (page, N_("Code not used yet"));
  return tr (page, N_("Not enrolled"));
}

static char *
local_time (Page       *page,
            const char *iso)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_timezone (time, page->self->zone)
                                            : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (iso);
}

/* An audit entry naming the page's member; the records write it with the change. */
static XunchaOfficeAuditEntry *
audit_entry (Page       *page,
             const char *action,
             const char *subject,
             const char *before,
             const char *after)
{
  return xuncha_office_audit_entry_new (page->staff->name, action, subject, before, after);
}

/* The enrollment card of @officer with @code, and the code as text: shown once, after an
 * officer is added or his enrollment reset. The address is the one this browser reached
 * the office by, the address devices enroll with too. */
static void
answer_card (Page                    *page,
             const XunchaWireOfficer *officer,
             const char              *code,
             const char              *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *team = officer->team != NULL
                          ? g_strdup_printf (tr (page, N_("Team %s")), officer->team) : NULL;
  GString *card = g_string_new (NULL);
  GString *html;

  if (page->call->host != NULL)
    server = g_strdup_printf ("https://%s/", page->call->host);
  if (server == NULL
      || !xuncha_office_enroll_card_append (card, server, page->self->enroll_pin, officer, code,
                                            team,
                                            tr (page, N_("Xuncha: Settings, Scan Code; or type "
                                                         "the officer ID and code. Works once.")),
                                            &error))
    {
      g_warning ("No enrollment card for %s: %s", officer->id,
                 error != NULL ? error->message : "no Host header");
      g_string_truncate (card, 0);
    }
  html = xuncha_office_console_page_start (page, tr (page, N_("Enrollment card")));
  g_string_append (html, "<p class=\"message\" id=\"card-message\">");
  esc (html, message);
  g_string_append (html, " <code id=\"enroll-code\">");
  esc (html, code);
  g_string_append (html, "</code></p>");
  if (card->len > 0)
    {
      g_string_append (html, "<p class=\"no-print\">");
      esc (html, tr (page, N_("Print this page: only the card is printed. Hand it to the "
                              "officer; the code works once and is not shown again.")));
      g_string_append (html, "</p><div class=\"enroll-card\" id=\"enroll-card\">");
      g_string_append_len (html, card->str, card->len);
      g_string_append (html, "</div>");
    }
  else
    {
      g_string_append (html, "<p class=\"problem\" role=\"alert\">");
      esc (html, tr (page, N_("The QR code could not be made; the officer types his ID and "
                              "the code instead.")));
      g_string_append (html, "</p>");
    }
  /* The card holds a working code: wiped before the memory goes back. */
  memset (card->str, 0, card->len);
  g_string_free (card, TRUE);
  g_string_append (html, "<p class=\"no-print\"><a href=\"" PREFIX "/officers\">");
  esc (html, tr (page, N_("Back to the officers")));
  g_string_append (html, "</a></p>");
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, 200, html);
}

/* The list. */

static void
append_officer_row (Page                           *page,
                    GString                        *html,
                    const XunchaOfficeOfficerState *state,
                    const char                     *today)
{
  g_autofree char *segments_path = officer_path (state->officer.id, "segments");
  g_autofree char *route_path = officer_path (state->officer.id, "route");
  g_autofree char *received = local_time (page, state->last_received);
  g_autofree char *synced = NULL;
  g_autofree char *segments_text = g_strdup_printf (tr (page, N_("%u segments")),
                                                    state->segments);

  if (state->last_sync_us > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (state->last_sync_us
                                                                / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, page->self->zone)
                                               : NULL;

      synced = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
    }
  g_string_append (html, "<tr class=\"officer");
  if (state->revoked)
    g_string_append (html, " revoked");
  g_string_append (html, "\" data-officer=\"");
  esc (html, state->officer.id);
  g_string_append (html, "\"><td>");
  esc (html, state->officer.id);
  g_string_append (html, "</td><td>");
  esc (html, state->officer.name);
  if (state->officer.leader)
    {
      g_string_append (html, " <span class=\"badge\">");
      esc (html, tr (page, N_("leader")));
      g_string_append (html, "</span>");
    }
  g_string_append (html, "</td><td class=\"enrollment\">");
  esc (html, enrollment_word (page, state));
  g_string_append_printf (html, "</td><td class=\"devices\">%u</td><td class=\"sync\" "
                          "data-label=\"", state->devices);
  esc (html, tr (page, N_("Last sync")));
  g_string_append (html, "\">");
  esc (html, synced != NULL ? synced : "—");
  g_string_append (html, "</td><td>");
  esc (html, received != NULL ? received : "—");
  g_string_append (html, "</td><td><a class=\"segments\" href=\"");
  esc (html, segments_path);
  g_string_append (html, "\">");
  esc (html, segments_text);
  g_string_append (html, "</a></td><td><a class=\"route\" href=\"");
  esc (html, route_path);
  g_string_append (html, "?day=");
  esc (html, today);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Route")));
  g_string_append (html, "</a></td>");
  if (is_admin (page))
    {
      g_autofree char *revoke_path = officer_path (state->officer.id, "revoke");
      g_autofree char *reset_path = officer_path (state->officer.id, "reset");

      g_string_append (html, "<td><div class=\"actions\">");
      if (!state->revoked)
        {
          g_string_append (html, "<form method=\"post\" action=\"");
          esc (html, revoke_path);
          g_string_append (html, "\">");
          append_csrf (page, html);
          g_string_append (html, "<button type=\"submit\" class=\"revoke\">");
          esc (html, tr (page, N_("Revoke")));
          g_string_append (html, "</button></form>");
        }
      g_string_append (html, "<form method=\"post\" action=\"");
      esc (html, reset_path);
      g_string_append (html, "\">");
      append_csrf (page, html);
      g_string_append (html, "<button type=\"submit\" class=\"reset\">");
      esc (html, tr (page, N_("Reset enrollment")));
      g_string_append (html, "</button></form></div></td>");
    }
  g_string_append (html, "</tr>");
}

static void
append_add_form (Page       *page,
                 GString    *html,
                 GHashTable *form)
{
  g_string_append (html, "<h2>");
  esc (html, tr (page, N_("Add an officer")));
  g_string_append (html, "</h2><form method=\"post\" action=\"" PREFIX "/officers\" "
                   "class=\"add-officer\">");
  append_csrf (page, html);
  g_string_append (html, "<label>");
  esc (html, tr (page, N_("Officer ID")));
  g_string_append (html, "<input name=\"id\" id=\"officer-id\" required maxlength=\"64\" "
                   "value=\"");
  esc (html, xuncha_office_console_field (form, "id"));
  g_string_append (html, "\"></label><label>");
  esc (html, tr (page, N_("Full name")));
  g_string_append (html, "<input name=\"name\" id=\"officer-name\" required maxlength=\"64\" "
                   "value=\"");
  esc (html, xuncha_office_console_field (form, "name"));
  g_string_append (html, "\"></label><label>");
  esc (html, tr (page, N_("Team")));
  g_string_append (html, "<input name=\"team\" id=\"officer-team\" maxlength=\"64\" value=\"");
  esc (html, xuncha_office_console_field (form, "team"));
  g_string_append (html, "\"></label><label class=\"check\"><input type=\"checkbox\" "
                   "name=\"leader\" value=\"1\">");
  esc (html, tr (page, N_("Leads the team")));
  g_string_append (html, "</label><button type=\"submit\" id=\"add-officer\">");
  esc (html, tr (page, N_("Add")));
  g_string_append (html, "</button></form>");
}

static void
list_page (Page       *page,
           guint       status,
           const char *problem)
{
  static const char * const headings[] = { N_("ID"), N_("Full name"), N_("Enrollment"),
                                           N_("Devices"), N_("Last sync"),
                                           N_("Last report received"), N_("Segments"),
                                           N_("Route") };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now (page->self->zone);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  const char *team = xuncha_office_console_sees_all (page) ? NULL : page->staff->team;
  const char *open_team = NULL;
  gboolean open = FALSE;
  GString *html;

  /* A leader without a team sees no officer: never every team's. */
  if (!xuncha_office_console_sees_all (page) && team == NULL)
    states = g_ptr_array_new ();
  else
    states = xuncha_office_staff_records_officer_states (page->self->staff, team, NULL, &error);
  if (states == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  html = xuncha_office_console_page_start (page, tr (page, N_("Officers")));
  append_problem (html, problem);
  if (states->len == 0)
    {
      g_string_append (html, "<p class=\"message\">");
      esc (html, tr (page, N_("No officers yet.")));
      g_string_append (html, "</p>");
    }
  for (guint i = 0; i < states->len; i++)
    {
      const XunchaOfficeOfficerState *state = states->pdata[i];

      if (!open || g_strcmp0 (open_team, state->officer.team) != 0)
        {
          if (open)
            g_string_append (html, "</tbody></table></section>");
          open = TRUE;
          open_team = state->officer.team;
          /* A team's name says it is one (一中队). */
          g_string_append (html, "<section class=\"team\"><h2>");
          if (state->officer.team != NULL)
            esc (html, state->officer.team);
          else
            esc (html, tr (page, N_("No team")));
          g_string_append (html, "</h2><table class=\"officers\"><thead><tr>");
          for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
            {
              g_string_append (html, "<th>");
              esc (html, tr (page, headings[h]));
              g_string_append (html, "</th>");
            }
          if (is_admin (page))
            {
              g_string_append (html, "<th>");
              esc (html, tr (page, N_("Change")));
              g_string_append (html, "</th>");
            }
          g_string_append (html, "</tr></thead><tbody>");
        }
      append_officer_row (page, html, state, today);
    }
  if (open)
    g_string_append (html, "</tbody></table></section>");
  if (is_admin (page))
    append_add_form (page, html, page->form);
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, status, html);
}

/* POST /console/officers: a new officer and his first one-time code. */
static void
add_officer (Page *page)
{
  static const char * const allowed[] = { "csrf", "id", "name", "team", "leader", NULL };
  g_autoptr(XunchaOfficeOfficerState) added = xuncha_office_officer_state_new ();
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL, *after = NULL, *message = NULL, *probe = NULL;
  const char *id, *name, *team;

  if (!is_admin (page))
    {
      answer_refused (page);
      return;
    }
  if (!xuncha_office_console_read_form (page, allowed)
      || !xuncha_office_console_check_change (page))
    return;
  id = xuncha_office_console_field (page->form, "id");
  name = xuncha_office_console_field (page->form, "name");
  team = xuncha_office_console_field (page->form, "team");
  if (id != NULL)
    probe = xuncha_enroll_link_encode ("https://office.invalid/", id, "ABCD", NULL, NULL);
  if (id == NULL || !xuncha_office_staff_name_is_valid (id) || probe == NULL)
    {
      list_page (page, 400, tr (page, N_("An officer ID is 1 to 64 letters, digits, dots, "
                                         "dashes or underscores, such as A001.")));
      return;
    }
  if (name == NULL || g_utf8_strlen (name, -1) > NAME_MAX_CHARS)
    {
      list_page (page, 400, tr (page, N_("Give the officer's name (at most 64 characters).")));
      return;
    }
  if (team != NULL && !xuncha_office_staff_name_is_valid (team))
    {
      list_page (page, 400, tr (page, N_("A team is 1 to 64 letters, digits, dots, dashes or "
                                         "underscores, or nothing.")));
      return;
    }
  added->officer.id = g_strdup (id);
  added->officer.name = g_strdup (name);
  added->officer.team = g_strdup (team);
  added->officer.leader = xuncha_office_console_field (page->form, "leader") != NULL;
  added->code_open = TRUE;
  after = xuncha_office_officer_state_audit_text (added);
  audit = audit_entry (page, "officer.add", id, NULL, after);
  /* Adding is not renewing: an officer's code is renewed by resetting his enrollment,
   * which revokes his devices first. */
  if (!xuncha_office_records_officer_add_new_with_audit (page->self->records, &added->officer,
                                                         audit, &code, &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT))
        list_page (page, 409, tr (page, N_("That officer ID is taken. To give him a new code, "
                                           "reset his enrollment.")));
      else
        xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  message = g_strdup_printf (tr (page, N_("Officer %s added. His one-time enrollment code, "
                                          "shown only now:")), id);
  answer_card (page, &added->officer, code, message);
  memset (code, 0, strlen (code));
}

/* The audit text of @state as a revoke (@reset FALSE) or a reset leaves it: his devices
 * refused, and no code or a fresh one. */
static char *
audit_text_after (const XunchaOfficeOfficerState *state,
                  gboolean                        reset)
{
  XunchaOfficeOfficerState after = *state;

  after.revoked = !reset;
  after.devices = 0;
  after.code_open = reset;
  return xuncha_office_officer_state_audit_text (&after);
}

/* POST /console/officers/ID/revoke: his devices are refused from now on. */
static void
revoke_officer (Page                     *page,
                XunchaOfficeOfficerState *state)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = xuncha_office_officer_state_audit_text (state);
  g_autofree char *after = audit_text_after (state, FALSE);
  g_autoptr(XunchaOfficeAuditEntry) audit = audit_entry (page, "officer.revoke",
                                                         state->officer.id, before, after);

  if (!xuncha_office_records_officer_revoke_with_audit (page->self->records, state->officer.id,
                                                        audit, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  xuncha_office_console_redirect (page, PREFIX "/officers");
}

/* POST /console/officers/ID/reset: his devices revoked and a new one-time code, in one
 * transaction with its audit entry. */
static void
reset_officer (Page                     *page,
               XunchaOfficeOfficerState *state)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = xuncha_office_officer_state_audit_text (state);
  g_autofree char *after = audit_text_after (state, TRUE);
  g_autoptr(XunchaOfficeAuditEntry) audit = audit_entry (page, "officer.reset",
                                                         state->officer.id, before, after);
  g_autofree char *code = NULL, *message = NULL;

  if (!xuncha_office_records_officer_reset (page->self->records, state->officer.id, audit,
                                            &code, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  message = g_strdup_printf (tr (page, N_("Enrollment of officer %s reset: his devices are "
                                          "refused from now on. His new one-time code, shown "
                                          "only now:")), state->officer.id);
  answer_card (page, &state->officer, code, message);
  memset (code, 0, strlen (code));
}

/* Assigned segments. */

/* street id → XunchaOfficeStreet, every segment the office holds. */
static GHashTable *
office_streets (Page    *page,
                GError **error)
{
  g_auto(GStrv) deleted = NULL;
  gint64 revision = 0;
  g_autoptr(GPtrArray) streets = xuncha_office_records_streets_since (page->self->records, 0,
                                                                      &revision, &deleted,
                                                                      error);
  GHashTable *table;

  if (streets == NULL)
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                 (GDestroyNotify)xuncha_office_street_free);
  for (guint i = 0; i < streets->len; i++)
    {
      XunchaOfficeStreet *street = streets->pdata[i];

      g_hash_table_insert (table, street->id, street);
    }
  g_ptr_array_set_free_func (streets, NULL);
  return table;
}

static const char *
street_label (const XunchaOfficeStreet *street,
              const char               *id)
{
  return street != NULL && street->name != NULL && *street->name != '\0' ? street->name : id;
}

typedef struct
{
  const char *name;
  guint       count;
} NameCount;

static int
compare_name_counts (gconstpointer a,
                     gconstpointer b)
{
  return g_strcmp0 (((const NameCount *)a)->name, ((const NameCount *)b)->name);
}

/* The chosen segments by street name: "滨江南路 · 4 段". */
static void
append_chosen_list (Page        *page,
                    GString     *html,
                    GHashTable  *streets,
                    GStrv        assigned)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (NameCount));
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; assigned[i] != NULL; i++)
    {
      const char *name = street_label (g_hash_table_lookup (streets, assigned[i]), assigned[i]);

      g_hash_table_insert (counts, (gpointer)name,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts,
                                                                                    name)) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NameCount row = { key, GPOINTER_TO_UINT (value) };

      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_name_counts);
  g_string_append (html, "<ul id=\"chosen-segments\" class=\"chosen\">");
  for (guint i = 0; i < rows->len; i++)
    {
      const NameCount *row = &g_array_index (rows, NameCount, i);
      g_autofree char *text = g_strdup_printf (tr (page, N_("%s · %u segments")), row->name,
                                               row->count);

      g_string_append (html, "<li>");
      esc (html, text);
      g_string_append (html, "</li>");
    }
  g_string_append (html, "</ul>");
}

static void
segments_page (Page                     *page,
               XunchaOfficeOfficerState *state,
               guint                     status,
               const char               *problem)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) assigned = NULL;
  g_autoptr(GHashTable) streets = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *chosen_json = NULL, *ids = NULL, *title = NULL, *intro = NULL;
  g_autofree char *self_path = officer_path (state->officer.id, "segments");
  g_autofree char *leaflet_js = g_build_filename (page->self->leaflet_dir, "leaflet.js", NULL);
  const XunchaOfficeStreet *centre = NULL;
  gboolean editable = may_assign (page, state);
  GString *html;

  assigned = xuncha_office_records_assigned_streets (page->self->records, state->officer.id,
                                                     &error);
  streets = assigned != NULL ? office_streets (page, &error) : NULL;
  if (streets == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  /* The chosen segments as id → street name, for the script's list. */
  json_builder_begin_object (builder);
  for (guint i = 0; assigned[i] != NULL; i++)
    {
      const XunchaOfficeStreet *street = g_hash_table_lookup (streets, assigned[i]);

      if (centre == NULL && street != NULL && street->lines->len > 0)
        centre = street;
      json_builder_set_member_name (builder, assigned[i]);
      json_builder_add_string_value (builder, street_label (street, assigned[i]));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  chosen_json = json_generator_to_data (generator, NULL);
  ids = g_strjoinv (" ", assigned);
  if (centre == NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, streets);
      while (centre == NULL && g_hash_table_iter_next (&iter, NULL, &value))
        if (((XunchaOfficeStreet *)value)->lines->len > 0)
          centre = value;
    }

  title = g_strdup_printf (tr (page, N_("Segments of %s")), state->officer.name);
  html = xuncha_office_console_page_start (page, title);
  append_problem (html, problem);
  if (xuncha_office_console_field (page->query, "saved") != NULL && problem == NULL)
    {
      g_string_append (html, "<p class=\"message\" id=\"segments-saved\" role=\"status\">");
      esc (html, tr (page, N_("Saved. His devices get these segments at their next sync.")));
      g_string_append (html, "</p>");
    }
  intro = g_strdup_printf (editable
                           ? tr (page, N_("Officer %s (%s). Click a street segment on the map "
                                          "to add it or take it off, then save."))
                           : tr (page, N_("Officer %s (%s). The segments he is assigned are "
                                          "drawn thick on the map.")),
                           state->officer.id, state->officer.name);
  g_string_append (html, "<p>");
  esc (html, intro);
  g_string_append (html, "</p>");
  if (!g_file_test (leaflet_js, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *text = g_strdup_printf (tr (page, N_("The map library is missing on "
                                                            "the office: install Debian's "
                                                            "libjs-leaflet package, or start "
                                                            "the office with --leaflet-dir "
                                                            "naming where Leaflet is (looked "
                                                            "in %s).")),
                                               page->self->leaflet_dir);

      append_problem (html, text);
    }
  g_string_append (html, "<div class=\"segments-layout\"><div id=\"segment-map\" "
                   "data-streets=\"" PREFIX "/api/streets\" data-chosen=\"");
  esc (html, chosen_json);
  g_string_append (html, "\" data-label=\"");
  esc (html, tr (page, N_("%s · %u segments")));
  g_string_append (html, "\" data-zoom-in=\"");
  esc (html, tr (page, N_("Zoom in to see the streets.")));
  g_string_append (html, "\" data-failed=\"");
  esc (html, tr (page, N_("The map could not be loaded.")));
  g_string_append_printf (html, "\" data-editable=\"%s\"", editable ? "1" : "0");
  if (centre != NULL)
    {
      GArray *line = centre->lines->pdata[0];
      char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

      /* The middle point of its first line (longitude, latitude pairs). */
      guint middle = (line->len / 2) & ~1u;

      if (line->len >= 2)
        g_string_append_printf (html, " data-lat=\"%s\" data-lon=\"%s\"",
                                g_ascii_dtostr (lat_text, sizeof lat_text,
                                                g_array_index (line, double, middle + 1)),
                                g_ascii_dtostr (lon_text, sizeof lon_text,
                                                g_array_index (line, double, middle)));
    }
  g_string_append (html, "></div><div class=\"segments-side\"><h2>");
  esc (html, tr (page, N_("Assigned segments")));
  g_string_append_printf (html, " <span id=\"chosen-count\">%u</span></h2>",
                          g_strv_length (assigned));
  append_chosen_list (page, html, streets, assigned);
  if (editable)
    {
      g_string_append (html, "<form method=\"post\" id=\"segments-form\" action=\"");
      esc (html, self_path);
      g_string_append (html, "\">");
      append_csrf (page, html);
      g_string_append (html, "<input type=\"hidden\" name=\"segments\" id=\"segments-field\" "
                       "value=\"");
      esc (html, ids);
      g_string_append (html, "\"><button type=\"submit\" id=\"save-segments\">");
      esc (html, tr (page, N_("Save")));
      g_string_append (html, "</button></form>");
    }
  g_string_append (html, "<p><a href=\"" PREFIX "/officers\">");
  esc (html, tr (page, N_("Back to the officers")));
  g_string_append (html, "</a></p></div></div><p id=\"map-status\" class=\"message\" hidden>"
                   "</p><link rel=\"stylesheet\" href=\"" PREFIX "/vendor/leaflet/leaflet.css\">"
                   "<script src=\"" PREFIX "/vendor/leaflet/leaflet.js\"></script>"
                   "<script src=\"" PREFIX "/static/console-segments.js\"></script>");
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, status, html);
}

/* A segment id as the form may carry it: text of a street import, no controls. */
static gboolean
segment_id_acceptable (const char *id)
{
  if (*id == '\0' || strlen (id) > SEGMENT_ID_MAX_BYTES || !g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)) || g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* Reads the segments form (csrf, segments: ids separated by spaces; a list longer than the
 * console's other fields may be) into page->form and @ids, sorted and without repeats.
 * NULL after answering 400 with the reason. */
static GPtrArray *
read_segments_form (Page *page)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) pairs = NULL;
  g_autofree char *text = NULL;
  g_autofree char *segments = NULL;
  const char *problem = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (page->call->body, &length);

  page->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (page->call->content_type == NULL
      || !g_str_has_prefix (page->call->content_type, "application/x-www-form-urlencoded")
      || (data != NULL && memchr (data, '\0', length) != NULL))
    problem = N_("The form could not be read.");
  else
    {
      text = g_strndup (data != NULL ? data : "", length);
      pairs = g_strsplit (text, "&", 0);
    }
  for (guint i = 0; problem == NULL && pairs[i] != NULL; i++)
    {
      char *equals = strchr (pairs[i], '=');
      g_autofree char *name = NULL, *value = NULL;

      if (*pairs[i] == '\0')
        continue;
      if (equals != NULL)
        *equals = '\0';
      g_strdelimit (pairs[i], "+", ' ');
      if (equals != NULL)
        g_strdelimit (equals + 1, "+", ' ');
      name = g_uri_unescape_string (pairs[i], NULL);
      value = g_uri_unescape_string (equals != NULL ? equals + 1 : "", NULL);
      if (name == NULL || value == NULL || !g_utf8_validate (value, -1, NULL)
          || (!g_str_equal (name, "csrf") && !g_str_equal (name, "segments"))
          || g_hash_table_contains (page->form, name) || (g_str_equal (name, "segments")
                                                          && segments != NULL))
        problem = N_("The form could not be read.");
      else if (g_str_equal (name, "segments"))
        segments = g_steal_pointer (&value);
      else
        g_hash_table_insert (page->form, g_steal_pointer (&name), g_steal_pointer (&value));
    }
  if (problem == NULL && segments != NULL)
    {
      g_auto(GStrv) parts = g_strsplit_set (segments, " ,", -1);

      for (guint i = 0; problem == NULL && parts[i] != NULL; i++)
        {
          if (*parts[i] == '\0' || g_hash_table_contains (seen, parts[i]))
            continue;
          if (!segment_id_acceptable (parts[i]))
            problem = N_("A segment in the form is not one the console makes.");
          else if (ids->len >= SEGMENTS_MAX)
            problem = N_("At most 2000 segments per officer.");
          else
            {
              g_ptr_array_add (ids, g_strdup (parts[i]));
              g_hash_table_add (seen, ids->pdata[ids->len - 1]);
            }
        }
    }
  else if (problem == NULL)
    problem = N_("The form could not be read.");
  if (problem != NULL)
    {
      xuncha_office_console_answer_message (page, 400, tr (page, N_("Bad request")),
                                            tr (page, problem));
      return NULL;
    }
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  return g_steal_pointer (&ids);
}

static void
save_segments (Page                     *page,
               XunchaOfficeOfficerState *state)
{
  g_autoptr(GPtrArray) ids = read_segments_form (page);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL, *location = NULL;
  g_autofree char *path = officer_path (state->officer.id, "segments");
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;

  if (ids == NULL || !xuncha_office_console_check_change (page))
    return;
  before = xuncha_office_records_assigned_streets (page->self->records, state->officer.id,
                                                   &error);
  if (before == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  before_text = g_strjoinv (" ", before);
  after_text = g_strjoinv (" ", (char **)ids->pdata);
  audit = audit_entry (page, "officer.segments", state->officer.id, before_text, after_text);
  if (!xuncha_office_records_assign_streets_with_audit (page->self->records, state->officer.id,
                                                        (const char * const *)ids->pdata, audit,
                                                        &error))
    {
      if (g_error_matches (error, XUNCHA_OFFICE_STORAGE_ERROR,
                           XUNCHA_OFFICE_STORAGE_ERROR_REFUSED))
        {
          segments_page (page, state, 400,
                         tr (page, N_("A chosen segment is not one of the office's streets "
                                      "(a streets import may have removed it). Nothing was "
                                      "changed: choose again and save.")));
          return;
        }
      xuncha_office_console_answer_storage_error (page, error);
      return;
    }
  location = g_strdup_printf ("%s?saved=1", path);
  xuncha_office_console_redirect (page, location);
}

/* Routing. */

gboolean
xuncha_office_console_officers_owns (char  **parts,
                                     guint   n)
{
  if (n == 0 || !g_str_equal (parts[0], "officers"))
    return FALSE;
  return n == 1 || (n == 3 && g_strv_contains (officer_actions, parts[2]));
}

void
xuncha_office_console_officers_handle (XunchaOfficeConsolePage *page,
                                       char                   **parts,
                                       guint                    n)
{
  static const char * const allowed_query[] = { "lang", "saved", NULL };
  g_autoptr(XunchaOfficeOfficerState) state = NULL;
  gboolean post = g_str_equal (page->call->method, "POST");

  g_return_if_fail (xuncha_office_console_officers_owns (parts, n));

  if (!xuncha_office_console_read_query (page, allowed_query))
    return;
  if (n == 1)
    {
      if (post)
        add_officer (page);
      else
        list_page (page, 200, NULL);
      return;
    }
  state = visible_officer (page, parts[1]);
  if (state == NULL)
    return;
  if (g_str_equal (parts[2], "segments"))
    {
      if (!post)
        segments_page (page, state, 200, NULL);
      else if (!may_assign (page, state))
        answer_refused (page);
      else
        save_segments (page, state);
      return;
    }
  /* Revoke and reset change the officer: the administrator's, by POST only. */
  if (!post)
    {
      xuncha_office_console_call_header (page->call, "Allow", "POST");
      xuncha_office_console_answer_message (page, 405, tr (page, N_("Bad request")),
                                            tr (page, N_("The console does not take this kind "
                                                         "of request.")));
      return;
    }
  if (!is_admin (page))
    {
      answer_refused (page);
      return;
    }
  {
    static const char * const allowed_form[] = { "csrf", NULL };

    if (!xuncha_office_console_read_form (page, allowed_form)
        || !xuncha_office_console_check_change (page))
      return;
  }
  if (g_str_equal (parts[2], "revoke"))
    revoke_officer (page, state);
  else
    reset_officer (page, state);
}
