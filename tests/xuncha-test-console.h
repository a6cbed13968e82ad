/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"

G_BEGIN_DECLS

/* The console tests' set-up: a browser's session with the office's console over HTTPS on
 * loopback, and reports put as a device sends them. */

/* g_test_init() for a test that talks to the console, with GIO's proxy resolver kept out:
 * libsoup's connections ask GIO for the system's, whose GNOME module reads settings these
 * tests have no schemas for, and loopback needs none. FALSE when the test certificates
 * could not be made (openssl). */
gboolean          xuncha_test_console_init        (int               *argc,
                                                   char            ***argv);

/* One answer of the office. */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  char               *body;      /* byte for byte, a NUL after it */
  gsize               length;
} XunchaTestAnswer;

void              xuncha_test_answer_free        (XunchaTestAnswer *answer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTestAnswer, xuncha_test_answer_free)

/* A session that trusts the test CA and goes straight to loopback (no proxy settings are
 * read). */
SoupSession      *xuncha_test_console_session_new (void);

/* @method on @path (from its leading "/") of @office, with the session id @cookie and the
 * urlencoded @form (NULL: none) and one more header @extra_header (NULL: none); no
 * redirect is followed. */
XunchaTestAnswer *xuncha_test_console_request    (SoupSession      *session,
                                                  XunchaTestOffice *office,
                                                  const char       *method,
                                                  const char       *path,
                                                  const char       *cookie,
                                                  const char       *form,
                                                  const char       *extra_header,
                                                  const char       *extra_value);

/* The session id a Set-Cookie of @answer gives, "" for one that clears it, NULL for none;
 * a session cookie is HttpOnly, Secure, SameSite=Strict and only for /console. */
char             *xuncha_test_answer_session     (XunchaTestAnswer *answer);

/* The CSRF token a console page carries in its forms. */
char             *xuncha_test_console_csrf       (const char       *page);

/* A step of report @uuid's case as the console's form sends it with the session id
 * @cookie: @action, the status and count of steps the page showed, and more fields @extra
 * ("&name=value...", or NULL). */
XunchaTestAnswer *xuncha_test_console_case_step  (SoupSession      *session,
                                                  XunchaTestOffice *office,
                                                  const char       *cookie,
                                                  const char       *uuid,
                                                  const char       *action,
                                                  const char       *seen_status,
                                                  guint             steps,
                                                  const char       *extra);

/* The password every account the tests make is given at its first login. */
#define XUNCHA_TEST_CONSOLE_PASSWORD "strong enough 1"

/* Adds the console account @name (@role, and @team: NULL for none) to the office of
 * @office_dir, started or not: its one-time password. */
char             *xuncha_test_console_add_staff  (const char       *office_dir,
                                                  const char       *name,
                                                  const char       *role,
                                                  const char       *team);

/* The first login of @name: with its one-time password @one_time, which the console has
 * changed to XUNCHA_TEST_CONSOLE_PASSWORD before anything else; the new session id. */
char             *xuncha_test_console_first_login (SoupSession      *session,
                                                   XunchaTestOffice *office,
                                                   const char       *name,
                                                   const char       *one_time);

/* A new account's session: xuncha_test_console_add_staff(), then its first login. */
char             *xuncha_test_console_staff_session (SoupSession      *session,
                                                     XunchaTestOffice *office,
                                                     const char       *name,
                                                     const char       *role,
                                                     const char       *team);

/* A report of category 09006 as a device sends it. */
typedef struct
{
  const char *uuid;
  const char *note;
  double      lat;
  double      lon;
  double      accuracy;    /* NAN: none */
  const char *street;      /* NULL: none */
  double      offset_m;    /* along @street */
  const char *merchant;    /* NULL: none */
  const char *photo;       /* sha256 of its "before" photo; NULL: none */
} XunchaTestReport;

/* Puts @report with the device's connection @http; asserts that the office took it. */
void              xuncha_test_put_report         (XunchaHttp             *http,
                                                  const XunchaTestReport *report);

G_END_DECLS
