/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-enroll-link.h"
#include "xuncha-office-cli.h"
#include "xuncha-office-enroll-card.h"
#include "xuncha-office-staff-records.h"

/* xuncha-office officer sheet: a printable page of enrollment cards, one per officer, each
 * with a fresh one-time code and the QR code of its enrollment link (docs/protocol.md), so
 * that a fleet of phones is enrolled by scanning instead of typing. The page is one HTML
 * file with everything inline (the QR codes as SVG): it prints from any browser with no
 * network. */

#define SHEET_MAX_CARDS 500

static void
append_text (GString    *html,
             const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (html, escaped);
}

typedef struct
{
  XunchaWireOfficer officer;
  char             *code;
} Card;

static void
card_clear (gpointer data)
{
  Card *card = data;

  xuncha_wire_officer_clear (&card->officer);
  if (card->code != NULL)
    memset (card->code, 0, strlen (card->code));
  g_clear_pointer (&card->code, g_free);
}

static const char sheet_style[] =
  "@page{size:A4;margin:10mm}"
  "*{box-sizing:border-box}"
  "body{margin:0;font-family:'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei',"
  "'Source Han Sans SC',sans-serif;color:#000;background:#fff}"
  "header{margin:0 0 4mm;font-size:10pt}"
  "header h1{font-size:14pt;margin:0 0 1mm}"
  ".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:0}"
  ".card{border:0.3mm dashed #888;padding:3mm;height:63mm;break-inside:avoid;"
  "page-break-inside:avoid;display:flex;flex-direction:column;align-items:center;"
  "overflow:hidden}"
  ".who{font-size:11pt;font-weight:bold;text-align:center;line-height:1.2}"
  ".team{font-size:8pt;color:#333}"
  ".qr{width:34mm;height:34mm;margin:1.5mm 0}"
  ".code{font-family:'DejaVu Sans Mono',monospace;font-size:12pt;font-weight:bold;"
  "letter-spacing:0.3mm}"
  ".server{font-size:6.5pt;color:#333;word-break:break-all;text-align:center}"
  ".note{font-size:6.5pt;color:#333;text-align:center;margin-top:auto}"
  "@media screen{body{max-width:190mm;margin:8mm auto}}";

static char *
sheet_html (const char  *server,
            const char  *pin,
            GArray      *cards,
            GError     **error)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *made = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *heading = NULL;

  g_string_append (html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                         "<meta name=\"referrer\" content=\"no-referrer\"><title>");
  append_text (html, _("Xuncha enrollment cards"));
  g_string_append_printf (html, "</title><style>%s</style></head><body><header><h1>",
                          sheet_style);
  append_text (html, _("Xuncha enrollment cards"));
  g_string_append (html, "</h1>");
  heading = g_strdup_printf (ngettext ("%u card for %s, made %s. Each code works once. Keep "
                                        "this sheet locked away; cut the cards apart and hand "
                                        "each to its officer.",
                                        "%u cards for %s, made %s. Each code works once. Keep "
                                        "this sheet locked away; cut the cards apart and hand "
                                        "each to its officer.", cards->len),
                             cards->len, server, made);
  append_text (html, heading);
  g_string_append (html, "</header><main class=\"grid\">\n");

  for (guint i = 0; i < cards->len; i++)
    {
      Card *card = &g_array_index (cards, Card, i);
      g_autofree char *team = card->officer.team != NULL
                              ? g_strdup_printf (_("Team %s"), card->officer.team) : NULL;

      if (!xuncha_office_enroll_card_append (html, server, pin, &card->officer, card->code,
                                             team,
                                             _("Xuncha: Settings, Scan Code; or type the "
                                               "officer ID and code. Works once."), error))
        {
          g_prefix_error (error, "%s: ", card->officer.id);
          return NULL;
        }
      g_string_append_c (html, '\n');
    }
  g_string_append (html, "</main></body></html>\n");
  return g_string_free (g_steal_pointer (&html), FALSE);
}

/* The officers the sheet is for: @ids, each known to the records (their names and teams
 * as they are), or @count new ones named @prefix001… that the records must not hold. */
static GArray *
choose_officers (XunchaOfficeRecords  *records,
                 char                **ids,
                 int                   count,
                 const char           *prefix,
                 const char           *team,
                 GError              **error)
{
  g_autoptr(GPtrArray) known = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) cards = g_array_new (FALSE, TRUE, sizeof (Card));

  g_array_set_clear_func (cards, card_clear);
  known = xuncha_office_staff_records_officers (XUNCHA_OFFICE_STAFF_RECORDS (records), error);
  if (known == NULL)
    return NULL;
  for (guint i = 0; i < known->len; i++)
    {
      XunchaWireOfficer *officer = known->pdata[i];

      g_hash_table_insert (by_id, officer->id, officer);
    }

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      XunchaWireOfficer *officer = g_hash_table_lookup (by_id, ids[i]);
      Card card = { { NULL, }, NULL };

      if (officer == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The office has no officer %s: add him first (officer add), or "
                         "make new ones with --count."), ids[i]);
          return NULL;
        }
      card.officer.id = g_strdup (officer->id);
      card.officer.name = g_strdup (officer->name);
      card.officer.team = g_strdup (officer->team);
      card.officer.leader = officer->leader;
      g_array_append_val (cards, card);
    }
  for (int i = 1; i <= count; i++)
    {
      Card card = { { NULL, }, NULL };

      card.officer.id = g_strdup_printf ("%s%03d", prefix, i);
      if (g_hash_table_contains (by_id, card.officer.id))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("The office already has an officer %s: choose another --prefix, or "
                         "name the officers to renew their codes."), card.officer.id);
          card_clear (&card);
          return NULL;
        }
      /* A slot until the office gives it a person's name (officer add ID --name). */
      card.officer.name = g_strdup (card.officer.id);
      card.officer.team = g_strdup (team);
      g_array_append_val (cards, card);
    }
  return g_steal_pointer (&cards);
}

int
xuncha_office_cli_officer_sheet (int    argc,
                                 char **argv)
{
  g_autofree char *server = NULL, *out = NULL, *cert = NULL, *prefix = NULL, *team = NULL;
  g_autofree char *pin = NULL, *html = NULL;
  int count = 0;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      N_("The office address the devices enroll with, https://…/"), N_("URL") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the sheet (HTML)"),
      N_("FILE") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert,
      N_("The office's TLS certificate (PEM): its key's pin goes in each QR code"),
      N_("FILE") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("Make this many new officers"), N_("N") },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix,
      N_("The new officers' id prefix (default A: A001, A002…)"), N_("PREFIX") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("The new officers' team"), N_("TEAM") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(GArray) cards = NULL;
  g_autofree char *probe_link = NULL;
  char **ids;

  if (!parse_described ("officer sheet", "[ID…]",
                        _("Renews the one-time codes of the officers named, or adds --count "
                          "new officers, and writes a printable page of enrollment cards with "
                          "their QR codes. The page holds working codes: keep it as you would "
                          "keep keys."),
                        entries, &argc, &argv))
    return 2;
  ids = argv + 2;
  if (server == NULL || out == NULL || count < 0 || count > SHEET_MAX_CARDS
      || (count == 0) == (argc <= 2) || (count == 0 && (prefix != NULL || team != NULL)))
    {
      g_printerr (_("Usage: xuncha-office officer sheet --server URL --out FILE.html "
                    "[--tls-cert FILE] (ID… | --count N [--prefix P] [--team T])\n"));
      return 2;
    }
  if (argc - 2 > SHEET_MAX_CARDS)
    {
      g_printerr (_("At most %d cards on one sheet.\n"), SHEET_MAX_CARDS);
      return 2;
    }
  if (prefix == NULL)
    prefix = g_strdup ("A");

  /* Everything that can be checked before a code changes: the address (as the link's
   * reader takes it), the certificate. */
  if (cert != NULL && (pin = xuncha_office_enroll_card_pin (cert, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  probe_link = xuncha_enroll_link_encode (server, "A001", "ABCD", NULL, &error);
  if (probe_link == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  cards = choose_officers (records, ids, count, prefix, team, &error);
  if (cards == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Every officer id as a link carries it, before any code changes. */
  for (guint i = 0; i < cards->len; i++)
    {
      Card *card = &g_array_index (cards, Card, i);
      g_autofree char *check = xuncha_enroll_link_encode (server, card->officer.id, "ABCD",
                                                         NULL, &error);

      if (check == NULL)
        {
          g_printerr ("%s: %s\n", card->officer.id, error->message);
          return 1;
        }
    }
  for (guint i = 0; i < cards->len; i++)
    {
      Card *card = &g_array_index (cards, Card, i);

      if (!xuncha_office_cli_officer_add (records, &card->officer, &card->code, &error))
        {
          g_printerr (_("%s: %s\nThe officers before it have new codes that no sheet shows: "
                        "run the command again for them.\n"), card->officer.id, error->message);
          return 1;
        }
    }
  html = sheet_html (server, pin, cards, &error);
  /* Only its reader should see the codes: 0600, written whole or not at all. */
  if (html == NULL
      || !g_file_set_contents_full (out, html, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    &error))
    {
      g_printerr (_("%s\nThe officers have new codes that no sheet shows: run the command "
                    "again.\n"), error->message);
      return 1;
    }
  memset (html, 0, strlen (html));
  printf (ngettext ("%u enrollment card written to %s. Print the page (A4); the code works "
                    "once.\n",
                    "%u enrollment cards written to %s. Print the page (A4); each code works "
                    "once.\n", cards->len), cards->len, out);
  return 0;
}
