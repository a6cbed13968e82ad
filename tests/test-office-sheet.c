/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xuncha-office officer sheet: the printed page's QR codes, drawn back from the page's
 * SVG and read by zbar as a phone's camera would, are enrollment links that enroll a
 * device with the real office over HTTPS, each once, with the office key's pin. Bad input
 * changes no officer's code. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-qr.h"
#include "xuncha-test-util.h"

/* Enrolls a fresh device with xuncha-cli from @link's values; returns its exit status. */
static int
enroll_from_link (const XunchaEnrollLink *link,
                  const char             *ca)
{
  g_autofree char *device = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, device);
  g_ptr_array_add (argv, (gpointer)"enroll");
  g_ptr_array_add (argv, (gpointer)"--server");
  g_ptr_array_add (argv, link->server);
  g_ptr_array_add (argv, (gpointer)"--officer");
  g_ptr_array_add (argv, link->officer);
  g_ptr_array_add (argv, (gpointer)"--code");
  g_ptr_array_add (argv, link->code);
  g_ptr_array_add (argv, (gpointer)"--ca");
  g_ptr_array_add (argv, (gpointer)ca);
  for (guint i = 0; link->pins != NULL && link->pins[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer)"--pin");
      g_ptr_array_add (argv, link->pins[i]);
    }
  g_ptr_array_add (argv, NULL);
  status = xuncha_test_run ((const char * const *)argv->pdata, &out, &err);
  g_test_message ("enroll %s: %d %s%s", link->officer, status, out, err);
  xuncha_test_remove_tree (device);
  return status;
}

/* The same with the link as it is, as a script pastes it (xuncha-cli enroll --link). */
static int
enroll_with_link_text (const char *text,
                       const char *ca,
                       char      **err)
{
  g_autofree char *device = xuncha_test_make_tmpdir ();
  g_autofree char *out = NULL;
  const char *argv[] = {
    xuncha_test_program ("XUNCHA_CLI"), "--data-dir", device, "enroll", "--link", text,
    "--ca", ca, NULL
  };
  int status = xuncha_test_run (argv, &out, err);

  xuncha_test_remove_tree (device);
  return status;
}

static char *
code_hash_of (const char *office_dir,
              const char *officer)
{
  return xuncha_test_office_query (office_dir, "SELECT code_sha256 FROM officers WHERE id = $1",
                                   officer);
}

static void
test_sheet (void)
{
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *office_dir = NULL, *dir = NULL, *sheet = NULL, *html = NULL;
  g_autofree char *out = NULL, *err = NULL, *name = NULL, *before = NULL, *after = NULL;
  g_autofree char *renewed = NULL, *renewed_html = NULL;
  g_autoptr(XunchaTestOffice) office = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) renewed_texts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaEnrollLink) first = NULL;
  g_autoptr(XunchaEnrollLink) again = NULL;
  GStatBuf st;
  int status;

  if (certs == NULL)
    return;
  office_dir = xuncha_test_make_tmpdir ();
  dir = xuncha_test_make_tmpdir ();
  office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
  sheet = g_build_filename (dir, "sheet.html", NULL);

  /* Three new officers, their cards carrying the office key's pin. */
  status = xuncha_test_office_run (office_dir, &out, &err, "officer", "sheet", "--count", "3",
                                   "--prefix", "Q", "--team", "T1", "--server", office->url,
                                   "--tls-cert", certs->server_cert, "--out", sheet, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "3 enrollment cards written to"));
  /* The page is its reader's alone. */
  g_assert_cmpint (g_stat (sheet, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (sheet, &html, NULL, &error));
  g_assert_no_error (error);
  /* Nothing from outside: no script, no link to fetch. */
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "src="));
  g_assert_null (strstr (html, "href="));
  g_assert_nonnull (strstr (html, "@page{size:A4"));
  name = xuncha_test_office_query (office_dir, "SELECT team FROM officers WHERE id = $1", "Q003");
  g_assert_cmpstr (name, ==, "T1");
  /* Each new code in the audit log with it, as the command line's. */
  {
    g_autofree char *audited = xuncha_test_office_query (office_dir,
                                                         "SELECT count(*) FROM audit_log "
                                                         "WHERE action = 'officer.add' AND "
                                                         "actor = $1", "command line");

    g_assert_cmpstr (audited, ==, "3");
  }

  texts = xuncha_test_read_qr_codes (html);
  g_assert_cmpuint (texts->len, ==, 3);
  for (guint i = 0; i < texts->len; i++)
    {
      g_autoptr(XunchaEnrollLink) link = xuncha_enroll_link_parse (texts->pdata[i], -1, &error);
      g_autofree char *expected = g_strdup_printf ("Q%03u", i + 1);
      g_autofree char *shown = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (link->officer, ==, expected);
      g_assert_cmpstr (link->server, ==, office->url);
      g_assert_cmpuint (g_strv_length (link->pins), ==, 1);
      g_assert_cmpstr (link->pins[0], ==, certs->server_pin);
      /* The code in text on the card is the QR code's. */
      shown = g_strdup_printf ("<div class=\"code\">%s</div>", link->code);
      g_assert_nonnull (strstr (html, shown));
      /* Not on the terminal, where it would stay in a scroll-back or a log. */
      g_assert_null (strstr (out, link->code));
    }

  /* Each card enrolls a device once. */
  first = xuncha_enroll_link_parse (texts->pdata[0], -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (enroll_from_link (first, certs->ca), ==, 0);
  g_assert_cmpint (enroll_from_link (first, certs->ca), !=, 0);

  /* The same prefix again: refused, and no officer's code changes. */
  before = code_hash_of (office_dir, "Q002");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = xuncha_test_office_run (office_dir, &out, &err, "officer", "sheet", "--count", "3",
                                   "--prefix", "Q", "--server", office->url, "--out", sheet,
                                   NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "already has an officer Q001"));
  after = code_hash_of (office_dir, "Q002");
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&after, g_free);

  /* An address the devices could not use, an unknown officer: refused, nothing changed. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = xuncha_test_office_run (office_dir, &out, &err, "officer", "sheet", "Q002",
                                   "--server", "http://127.0.0.1/", "--out", sheet, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "“server”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = xuncha_test_office_run (office_dir, &out, &err, "officer", "sheet", "Q002", "Z9",
                                   "--server", office->url, "--out", sheet, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "no officer Z9"));
  after = code_hash_of (office_dir, "Q002");
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&after, g_free);
  /* An officer whose id no link can carry (a space): refused before Q002's code changes. */
  g_free (xuncha_test_office_add_officer (office_dir, "Z 9", "T1", FALSE));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = xuncha_test_office_run (office_dir, &out, &err, "officer", "sheet", "Q002", "Z 9",
                                   "--server", office->url, "--out", sheet, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "“officer”"));
  after = code_hash_of (office_dir, "Q002");
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&after, g_free);

  /* Named officers get new codes: the old card no longer works, the new one does, and
   * without --tls-cert the link has no pin. */
  renewed = g_build_filename (dir, "renewed.html", NULL);
  g_free (xuncha_test_office_admin (office_dir, "officer", "sheet", "Q001", "--server",
                                    office->url, "--out", renewed, NULL));
  g_assert_true (g_file_get_contents (renewed, &renewed_html, NULL, &error));
  g_assert_no_error (error);
  renewed_texts = xuncha_test_read_qr_codes (renewed_html);
  g_assert_cmpuint (renewed_texts->len, ==, 1);
  again = xuncha_enroll_link_parse (renewed_texts->pdata[0], -1, &error);
  g_assert_no_error (error);
  g_assert_null (again->pins);
  g_assert_cmpstr (again->officer, ==, "Q001");
  g_assert_cmpstr (again->code, !=, first->code);
  g_assert_cmpint (enroll_from_link (first, certs->ca), !=, 0);
  /* A link cut short is refused before the office hears of it; the whole one enrolls. */
  g_clear_pointer (&err, g_free);
  status = enroll_with_link_text (((char *)renewed_texts->pdata[0]) + 1, certs->ca, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "xuncha-enroll:?"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (enroll_with_link_text (renewed_texts->pdata[0], certs->ca, &err), ==, 0);
  g_assert_cmpint (enroll_from_link (again, certs->ca), !=, 0);

  xuncha_test_remove_tree (dir);
  xuncha_test_remove_tree (office_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office/sheet/cards-enroll-once", test_sheet);

  return g_test_run ();
}
