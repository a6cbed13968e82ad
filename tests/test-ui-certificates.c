/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "xuncha-application.h"
#include "xuncha-preferences-page-private.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-window-private.h"

/* Why the office's certificate was refused, as an officer enrolling in Chinese reads it at
 * 360 px: a real xuncha-office over HTTPS on loopback shows an expired certificate, one not
 * valid yet, one made for another host, and one from an authority the phone was not given.
 * Each reason is said in Chinese only, next to the server address, and photographed. */

typedef struct
{
  XunchaApplication     *app;
  XunchaTestCerts       *certs;
  char                  *office_dir;
  GSettings             *settings;
  XunchaWindow          *window;
  XunchaPreferencesPage *prefs;
  gboolean               done;
} Fixture;

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
template_child (gpointer    widget,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget),
                                                  XUNCHA_TYPE_PREFERENCES_PAGE, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static void
wait_until_enrolled_or_refused (Fixture *fx)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (xuncha_preferences_page_is_enrolling (fx->prefs) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (xuncha_preferences_page_is_enrolling (fx->prefs));
}

/* Chinese only: not a Latin letter in @text, but in the server's address. */
static void
assert_no_latin (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_str_has_prefix (p, "https://"))
        while (p[1] != '\0' && p[1] != ' ')
          p++;
      else if (g_ascii_isalpha (*p))
        g_error ("Latin letters in the zh_CN text: %s", text);
    }
}

typedef struct
{
  const char *name;    /* of the screenshot */
  const char *words;   /* what the officer reads, in part */
} Reason;

/* Enrolls against an office serving @cert, the phone trusting @ca; the enrollment is
 * refused for the certificate, and the reason shown. */
static void
check_reason (Fixture      *fx,
              const char   *cert,
              const char   *ca,
              const Reason *reason)
{
  g_autoptr(XunchaTestOffice) office = xuncha_test_office_start (fx->office_dir, cert,
                                                                 fx->certs->server_key, 0);
  GtkWidget *button = template_child (fx->prefs, "enroll_button");
  const char *error;
  const char *detail;

  g_settings_set_string (fx->settings, "server-url", office->url);
  g_settings_set_string (fx->settings, "office-ca-file", ca);
  gtk_editable_set_text (GTK_EDITABLE (template_child (fx->prefs, "officer_row")), "A001");
  gtk_editable_set_text (GTK_EDITABLE (template_child (fx->prefs, "code_row")), "X7K2-9QWE");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  wait_until_enrolled_or_refused (fx);
  g_assert_false (xuncha_preferences_page_get_enrolled (fx->prefs));

  error = xuncha_preferences_page_get_enroll_error (fx->prefs);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", reason->name, error);
  if (strstr (error, reason->words) == NULL)
    g_error ("expected “%s” in: %s", reason->words, error);
  assert_no_latin (error);
  /* The line under it, the connection's own words, is Chinese too. */
  detail = gtk_label_get_text (GTK_LABEL (template_child (fx->prefs, "server_detail")));
  g_test_message ("%s detail: %s", reason->name, detail);
  assert_no_latin (detail);
  /* Shown by the server address, which it concerns, on a phone-wide window. */
  g_assert_true (xuncha_preferences_page_get_error_near_server (fx->prefs));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fx->window)), <=, 360);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 10);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (fx->window), reason->name));
  xuncha_test_office_stop (office, SIGTERM);
}

static void
run_certificates (Fixture *fx)
{
  static const Reason expired = { "certificate-expired", "办公室证书已过期" };
  static const Reason future = { "certificate-not-yet-valid", "办公室证书尚未生效" };
  static const Reason wrong_host = { "certificate-wrong-host", "证书不属于此服务器" };
  static const Reason unknown = { "certificate-unknown-issuer", "证书不是受信任机构签发的" };

  fx->window = XUNCHA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  xuncha_window_show_page (fx->window, "preferences");
  fx->prefs = XUNCHA_PREFERENCES_PAGE (find_widget (GTK_WIDGET (fx->window),
                                                    XUNCHA_TYPE_PREFERENCES_PAGE));
  g_assert_nonnull (fx->prefs);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (fx->window), 3);

  check_reason (fx, fx->certs->expired_cert, fx->certs->ca, &expired);
  check_reason (fx, fx->certs->future_cert, fx->certs->ca, &future);
  check_reason (fx, fx->certs->wrong_host_cert, fx->certs->ca, &wrong_host);
  check_reason (fx, fx->certs->server_cert, fx->certs->other_ca, &unknown);

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_certificates, fx);
}

static void
test_certificates (void)
{
  g_autofree char *dir = NULL;
  Fixture fx = { 0 };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", NULL };

  if (!xuncha_ui_test_have_display ())
    return;
  fx.certs = xuncha_test_certs ();
  if (fx.certs == NULL)
    return;

  dir = xuncha_test_make_tmpdir ();
  fx.office_dir = xuncha_test_make_tmpdir ();
  fx.settings = g_settings_new ("io.github.xuncha.Xuncha");
  g_settings_set_boolean (fx.settings, "auto-sync", FALSE);
  argv[2] = dir;
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 4, (char **)argv), ==, 0);
  g_assert_true (fx.done);

  g_clear_object (&fx.app);
  g_clear_object (&fx.settings);
  xuncha_test_remove_tree (dir);
  xuncha_test_remove_tree (fx.office_dir);
  g_free (fx.office_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* As an officer sees it: in Chinese. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/ui/certificates/reasons-in-chinese", test_certificates);

  return g_test_run ();
}
