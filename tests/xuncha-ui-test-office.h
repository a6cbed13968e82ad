/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-application.h"
#include "xuncha-test-office.h"

G_BEGIN_DECLS

/* The app's tests against a real office: xuncha-office over HTTPS on loopback for the app
 * to enroll with, and the app run as the program runs it. */

/* Starts the office in a new folder with the test certificates: FALSE (the test skipped,
 * with the reason) without a display or openssl. */
gboolean  xuncha_ui_test_office_start (XunchaTestCerts    **certs,
                                       char               **office_dir,
                                       XunchaTestOffice   **office);
/* Stops the office and removes its folder. */
void      xuncha_ui_test_office_stop  (char               **office_dir,
                                       XunchaTestOffice   **office);

/* Runs a new app (in *@app while it runs) in demo mode on a new data folder, automatic
 * sync off; once it is active, calls @run on its main context and quits it. Asserts that
 * @run came to its end and the app quit with 0, then frees the app and its folder. */
void      xuncha_ui_test_run_app      (XunchaApplication  **app,
                                       GSourceOnceFunc      run,
                                       gpointer             data);

G_END_DECLS
